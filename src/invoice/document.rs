//! An invoice as a value: its header block, which service lines it lists (by index, so a
//! million-line run holds no second copy of them), and its totals. Grouping lines into invoices
//! is pure: one invoice per payer per service month, lines by member, date and encounter id.

use super::layout::{HEADER_FIELDS, LINE_FIELDS};
use crate::billing::digest::Fnv64;
use crate::billing::sort_keyed_lines;
use crate::billing::{CodeTally, CodeTotal, Registry, ServiceLine, net_charge, prefetch_ahead};
use crate::config::{Payer, Provider};
use crate::input::push_date;
use crate::model::text::push_ascii;
use crate::model::{Correction, Member, Money, Npi, Rendering, push_uint};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The header block: invoice number and date, billing period, who bills and who pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceHeader {
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub provider_name: String,
    pub provider_npi: Npi,
    pub provider_tin: String,
    pub provider_address: String,
    pub provider_city: String,
    pub provider_state: String,
    pub provider_zip: String,
    pub remit_to_name: String,
    pub remit_to_address: String,
    pub remit_to_city: String,
    pub remit_to_state: String,
    pub remit_to_zip: String,
    pub plan_name: String,
    pub plan_payer_id: String,
}

impl InvoiceHeader {
    /// The header of `provider`'s invoice to a plan for the period; remit-to defaults to the
    /// provider's own name and address.
    pub fn new(
        provider: &Provider,
        plan_name: &str,
        plan_payer_id: &str,
        invoice_number: String,
        invoice_date: NaiveDate,
        (period_start, period_end): (NaiveDate, NaiveDate),
    ) -> InvoiceHeader {
        let remit = provider.remit_to.as_ref();
        InvoiceHeader {
            invoice_number,
            invoice_date,
            period_start,
            period_end,
            provider_name: provider.name.clone(),
            provider_npi: provider.npi,
            provider_tin: provider.tin.clone(),
            provider_address: provider.address.clone(),
            provider_city: provider.city.clone(),
            provider_state: provider.state.clone(),
            provider_zip: provider.zip.clone(),
            remit_to_name: remit.map_or(&provider.name, |r| &r.name).clone(),
            remit_to_address: remit.map_or(&provider.address, |r| &r.address).clone(),
            remit_to_city: remit.map_or(&provider.city, |r| &r.city).clone(),
            remit_to_state: remit.map_or(&provider.state, |r| &r.state).clone(),
            remit_to_zip: remit.map_or(&provider.zip, |r| &r.zip).clone(),
            plan_name: plan_name.to_string(),
            plan_payer_id: plan_payer_id.to_string(),
        }
    }

    /// Each header field as text, in [`HEADER_FIELDS`] order (dates as YYYY-MM-DD).
    pub fn values(&self) -> [String; HEADER_FIELDS.len()] {
        [
            self.invoice_number.clone(),
            self.invoice_date.to_string(),
            self.period_start.to_string(),
            self.period_end.to_string(),
            self.provider_name.clone(),
            self.provider_npi.to_string(),
            self.provider_tin.clone(),
            self.provider_address.clone(),
            self.provider_city.clone(),
            self.provider_state.clone(),
            self.provider_zip.clone(),
            self.remit_to_name.clone(),
            self.remit_to_address.clone(),
            self.remit_to_city.clone(),
            self.remit_to_state.clone(),
            self.remit_to_zip.clone(),
            self.plan_name.clone(),
            self.plan_payer_id.clone(),
        ]
    }
}

/// One invoice: a payer's lines of one service month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub header: InvoiceHeader,
    /// The payer's index in the configuration and its key.
    pub payer: u16,
    pub payer_key: String,
    /// The lines (indices into the run's service lines), in line-number order.
    pub lines: Vec<u32>,
    /// Units of every line listed, voids included (as the units column adds up).
    pub units: u64,
    /// What the invoice asks for: the lines' charges, a void's as a credit (see [`net_charge`]).
    pub total: Money,
    pub members: usize,
    /// Per code, lines and units as listed and charges net of voids, like `total`.
    pub by_code: Vec<CodeTotal>,
}

impl Invoice {
    /// The file name stem: `<payer-key>-<YYYY-MM>`.
    pub fn stem(&self) -> String {
        let d = self.header.period_start;
        format!("{}-{:04}-{:02}", self.payer_key, d.year(), d.month())
    }
}

/// One line of an invoice, with what it refers to resolved.
pub struct LineView<'a> {
    /// 1-based position on the invoice.
    pub number: u32,
    pub line: &'a ServiceLine<'a>,
    pub encounter_id: &'a str,
    pub member: &'a Member,
    pub authorization: Option<&'a str>,
    pub rendering: Option<&'a Rendering>,
    pub correction: Option<&'a Correction>,
}

impl<'a> LineView<'a> {
    /// The `number`th line of an invoice, line `i` of the run.
    pub fn new(
        number: u32,
        i: u32,
        lines: &'a [ServiceLine<'a>],
        reg: &'a Registry,
    ) -> LineView<'a> {
        let line = &lines[i as usize];
        LineView {
            number,
            line,
            encounter_id: reg.encounter_id(line),
            member: &reg.members[line.member as usize],
            authorization: line.authorization.map(|a| &*reg.authorizations[a.index()]),
            rendering: line.rendering.map(|r| &reg.renderings[r.index()]),
            correction: line.correction.map(|c| &reg.corrections[c.index()]),
        }
    }

    /// The charge as the invoice shows it: a void's as a credit, below zero (what
    /// [`net_charge`] gives; the 837's void claim carries the original charge).
    pub fn charge(&self) -> Money {
        let c = self.line.coding.charge;
        match self.correction {
            Some(x) if x.frequency == crate::model::ClaimFrequency::Void && !c.is_zero() => -c,
            _ => c,
        }
    }

    /// Writes field `i` (a position in [`LINE_FIELDS`]) as text into `buf`, which is cleared
    /// first: one place ([`LineView::push_field`]) decides how every format spells a line.
    pub fn field(&self, i: usize, buf: &mut String) {
        buf.clear();
        self.push_field(i, buf);
    }

    /// Appends field `i` (a position in [`LINE_FIELDS`]) as text to `buf`.
    pub fn push_field(&self, i: usize, buf: &mut String) {
        let l = self.line;
        let c = &l.coding;
        // Arms in LINE_FIELDS order; `fields_are_in_layout_order` checks them against the keys.
        match i {
            0 => push_uint(buf, u64::from(self.number)),
            1 | 2 => buf.push_str(self.encounter_id),
            3 => buf.push_str(&self.member.member_id),
            4 => buf.push_str(self.member.cin.as_deref().unwrap_or("")),
            5 => buf.push_str(&self.member.last_name),
            6 => buf.push_str(&self.member.first_name),
            7 => push_date(buf, self.member.dob),
            8 => buf.push_str(self.member.sex.code()),
            9 => push_date(buf, l.service_date),
            10 => buf.push_str(l.activity.key()),
            11 => push_ascii(buf, c.hcpcs.as_bytes()),
            12 => {
                for (k, m) in c.modifiers.as_slice().iter().enumerate() {
                    if k > 0 {
                        buf.push(':');
                    }
                    push_ascii(buf, m.as_bytes());
                }
            }
            13 => push_uint(buf, u64::from(c.units)),
            14 => self.charge().push_cents(buf),
            15 => push_ascii(buf, c.place_of_service.as_bytes()),
            16 => {
                for (k, d) in c.diagnoses.iter().enumerate() {
                    if k > 0 {
                        buf.push(';');
                    }
                    push_ascii(buf, d.as_bytes());
                }
            }
            17 => buf.push_str(self.authorization.unwrap_or("")),
            18 => push_ascii(buf, self.rendering.map_or(&[][..], |r| r.npi.as_bytes())),
            19 => buf.push_str(self.rendering.map_or("", |r| &r.last_name)),
            20 => buf.push_str(
                self.rendering
                    .and_then(|r| r.first_name.as_deref())
                    .unwrap_or(""),
            ),
            21 => buf.push_str(self.correction.map_or("", |c| c.kind_key())),
            22 => buf.push_str(self.correction.map_or("", |c| &c.replaces)),
            _ => unreachable!("LINE_FIELDS has {} fields", LINE_FIELDS.len()),
        }
    }
}

/// Groups the lines into invoices: one per payer (in key order) and service month (in date
/// order); within an invoice, lines by member id, service date and encounter id. `date` is the
/// invoice date.
pub fn plan_invoices(
    lines: &[ServiceLine],
    reg: &Registry,
    provider: &Provider,
    payers: &[Payer],
    date: NaiveDate,
) -> Vec<Invoice> {
    let member_rank = reg.member_ranks();
    let month = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    // Payer indices in key order, and each payer's place in it.
    let mut by_key: Vec<u16> = (0..payers.len() as u16).collect();
    by_key.sort_by(|a, b| payers[*a as usize].key.cmp(&payers[*b as usize].key));
    let mut key_order = vec![0u16; payers.len()];
    for (r, &p) in by_key.iter().enumerate() {
        key_order[p as usize] = r as u16;
    }
    // Order: payer key, service month, member, service date, then encounter id. The first four
    // are packed into one integer (each field in its own bits, order preserving: months and
    // days counted from year 0 are positive), so most comparisons are one integer compare.
    const PAYER: u32 = 112;
    const MONTH: u32 = 80;
    const MEMBER: u32 = 48;
    const DAY: u32 = 16;
    let packed = |l: &ServiceLine| -> u128 {
        let days = l.service_date.num_days_from_ce().max(0) as u128;
        (u128::from(key_order[l.payer as usize]) << PAYER)
            | ((month(l.service_date).max(0) as u128) << MONTH)
            | (u128::from(member_rank[l.member as usize]) << MEMBER)
            | (days << DAY)
    };
    let sorted = sort_keyed_lines(lines, reg, (0u32..).zip(lines).map(|(i, l)| (packed(l), i)));
    // Back to the fields the grouping below reads, taken out of the keys.
    let keyed: Vec<(u16, i32, u32, u32)> = sorted
        .into_iter()
        .map(|(k, i)| {
            (
                by_key[(k >> PAYER) as usize],
                (k >> MONTH) as u32 as i32,
                (k >> MEMBER) as u32,
                i,
            )
        })
        .collect();
    // Each (payer, month) run of lines is one invoice; their totals and numbers are computed on
    // as many threads as there are cores, and kept in run order.
    let runs: Vec<&[(u16, i32, u32, u32)]> =
        keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).collect();
    let one = |run: &[(u16, i32, u32, u32)]| {
        let which: Vec<u32> = run.iter().map(|k| k.3).collect();
        // Lines go by member within an invoice: one run of lines per member.
        let members = run.chunk_by(|a, b| a.2 == b.2).count();
        let p = &payers[run[0].0 as usize];
        let first = lines[which[0] as usize].service_date;
        let period = month_bounds(first);
        let t = tally_invoice(&which, lines, reg, provider.npi, &p.key, period.0);
        Invoice {
            header: InvoiceHeader::new(provider, &p.name, &p.payer_id, t.number, date, period),
            payer: run[0].0,
            payer_key: p.key.clone(),
            units: t.units,
            total: t.total,
            members,
            by_code: t.by_code,
            lines: which,
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, runs.len().max(1));
    let per_thread = runs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .chunks(per_thread)
            .map(|chunk| scope.spawn(|| chunk.iter().map(|r| one(r)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The first and last day of `d`'s month.
pub fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).expect("day 1 exists");
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (first, next.and_then(|n| n.pred_opt()).expect("in range"))
}

/// What an invoice's header and totals say of its lines.
struct InvoiceTally {
    number: String,
    units: u64,
    total: Money,
    by_code: Vec<CodeTotal>,
}

/// The invoice number ([`InvoiceNumber`]), units, total and code totals of the lines `which`
/// (indices into `lines`, in invoice order), in one pass ([`prefetch_ahead`]); units and total
/// are the code totals' sums.
fn tally_invoice(
    which: &[u32],
    lines: &[ServiceLine],
    reg: &Registry,
    npi: Npi,
    payer_key: &str,
    month: NaiveDate,
) -> InvoiceTally {
    let mut number = InvoiceNumber::new(npi, payer_key, month);
    let mut by_code = CodeTally::default();
    for (k, &i) in which.iter().enumerate() {
        prefetch_ahead(which, k, lines, reg);
        let l = &lines[i as usize];
        number.line(l, reg);
        by_code.add(l, net_charge(l, reg));
    }
    let by_code = by_code.totals();
    InvoiceTally {
        number: number.finish(),
        units: by_code.iter().map(|c| c.units).sum(),
        total: by_code.iter().map(|c| c.charge).sum(),
        by_code,
    }
}

/// `INV-YYYYMM-XXXXXXXX`, fed a line at a time: the month and a hash of the provider, payer and
/// every line (ids, member, date, code, units, charge), so the same lines always get the same
/// number and any change to what is invoiced gives another. The run date is not part of it:
/// re-issuing an invoice keeps its number.
struct InvoiceNumber {
    hash: Fnv64,
    month: NaiveDate,
}

impl InvoiceNumber {
    fn new(npi: Npi, payer_key: &str, month: NaiveDate) -> InvoiceNumber {
        let mut hash = Fnv64::default();
        hash.field(npi.as_bytes()).str(payer_key);
        InvoiceNumber { hash, month }
    }

    fn line(&mut self, l: &ServiceLine, reg: &Registry) {
        let h = &mut self.hash;
        let charge = l.coding.charge.amount();
        h.str(reg.encounter_id(l))
            .str(&reg.members[l.member as usize].member_id)
            .u64(l.service_date.num_days_from_ce() as u64)
            .field(l.coding.hcpcs.as_bytes());
        for m in l.coding.modifiers.as_slice() {
            h.field(m.as_bytes());
        }
        h.u64(u64::from(l.coding.units))
            .bytes(&charge.mantissa().to_le_bytes())
            .u64(u64::from(charge.scale()))
            .u64(u64::from(l.correction.is_some()));
    }

    fn finish(&self) -> String {
        let hash = self.hash.finish();
        format!(
            "INV-{:04}{:02}-{:08X}",
            self.month.year(),
            self.month.month(),
            (hash >> 32) as u32 ^ hash as u32
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codeset::{CodeSet, UnitBasis};
    use crate::coding::{ChargeSource, Coding};
    use crate::model::{
        Activity, ClaimFrequency, DiagnosisCode, Modifiers, PlaceOfService, RowRef, Sex,
    };

    /// A void line of every field, for member `last_name` and `authorization`, entered in `reg`.
    pub(crate) fn sample_line<'a>(
        cs: &'a CodeSet,
        reg: &mut Registry,
        last_name: &str,
        authorization: &str,
    ) -> ServiceLine<'a> {
        let member = reg.member(
            0,
            &Member {
                member_id: "M-7".into(),
                cin: Some("91234567A".into()),
                last_name: last_name.into(),
                first_name: "Firstname".into(),
                dob: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
                sex: Sex::Female,
                address: None,
            },
        );
        let rendering = reg.rendering(&Rendering {
            npi: Npi::parse("1500000017").unwrap(),
            last_name: "Okafor".into(),
            first_name: Some("Adaeze".into()),
        });
        let void = reg.correction(Correction {
            frequency: ClaimFrequency::Void,
            replaces: "E-1".into(),
            original_claim_id: None,
        });
        ServiceLine {
            source: RowRef { file: 0, row: 2 },
            encounter_id: reg.line_id("E-2"),
            payer: 0,
            member,
            service_date: NaiveDate::from_ymd_opt(2026, 9, 10).unwrap(),
            activity: Activity::Assessment,
            coding: Coding {
                hcpcs: cs.hcpcs[0].hcpcs,
                modifiers: Modifiers::parse("U1:GQ").unwrap(),
                units: 2,
                unit_basis: UnitBasis::Encounter,
                charge: Money::parse("150.5").unwrap(),
                charge_source: ChargeSource::Encounter,
                place_of_service: PlaceOfService::parse("12").unwrap(),
                diagnoses: [
                    DiagnosisCode::parse("Z59.01").unwrap(),
                    DiagnosisCode::parse("F33.1").unwrap(),
                ]
                .into(),
                row: &cs.hcpcs[0],
                telehealth: None,
            },
            authorization: Some(reg.authorization(authorization)),
            rendering: Some(rendering),
            correction: Some(void),
        }
    }

    #[test]
    fn fields_are_in_layout_order() {
        let cs = CodeSet::embedded().unwrap();
        let mut reg = Registry::default();
        let line = sample_line(&cs, &mut reg, "Lastname", "AUTH-9");
        let lines = [line];
        let v = LineView::new(4, 0, &lines, &reg);
        let want = [
            ("line_number", "4"),
            ("line_id", "E-2"),
            ("encounter_id", "E-2"),
            ("member_id", "M-7"),
            ("member_cin", "91234567A"),
            ("member_last_name", "Lastname"),
            ("member_first_name", "Firstname"),
            ("member_dob", "1970-02-03"),
            ("member_sex", "F"),
            ("service_date", "2026-09-10"),
            ("activity", "assessment"),
            ("hcpcs", cs.hcpcs[0].hcpcs.as_str()),
            ("modifiers", "U1:GQ"),
            ("units", "2"),
            // A void's charge is shown as the credit it is.
            ("charge", "-150.50"),
            ("place_of_service", "12"),
            ("diagnosis_codes", "Z5901;F331"),
            ("authorization_number", "AUTH-9"),
            ("rendering_npi", "1500000017"),
            ("rendering_last_name", "Okafor"),
            ("rendering_first_name", "Adaeze"),
            ("correction", "void"),
            ("replaces_line_id", "E-1"),
        ];
        assert_eq!(want.len(), LINE_FIELDS.len());
        let mut buf = String::new();
        for (i, (key, value)) in want.iter().enumerate() {
            assert_eq!(LINE_FIELDS[i].0, *key);
            v.field(i, &mut buf);
            assert_eq!(buf, *value, "{key}");
        }
    }

    #[test]
    fn months_have_their_last_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            month_bounds(d("2024-02-10")),
            (d("2024-02-01"), d("2024-02-29"))
        );
        assert_eq!(
            month_bounds(d("2026-12-31")),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }
}
