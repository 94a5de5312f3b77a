//! The 837P (005010X222A1) writer: streams transactions into one interchange, segment by
//! validated segment, with every count, HL number and control trailer computed, never typed.
//! Memory stays flat whatever the file size, but for 8 bytes per claim id (duplicate check).

use super::delimiters::WriteOptions;
use super::envelope::{IMPLEMENTATION_GUIDE, check_envelope, write_header, write_trailer};
use super::p837_checks::{ClaimIds, check_transaction};
use super::p837_specs::SPECS;
use super::segment::SegmentOut;
use super::write_error::{Place, WriteError};
use crate::model::{
    Address, BillingProvider, Claim, Envelope, Line, Money, Subscriber, Transaction,
};
use std::io::Write;

/// What an interchange holds, counted as it was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InterchangeStats {
    /// Transaction sets (ST..SE).
    pub transactions: u32,
    /// Claims (CLM).
    pub claims: u64,
    /// Service lines (LX).
    pub lines: u64,
    /// Every segment, ISA through IEA.
    pub segments: u64,
    /// The sum of CLM02 over all claims.
    pub total_charge: Money,
}

/// Writes one interchange (ISA, one GS group, any number of 837P transactions, GE, IEA).
pub struct InterchangeWriter<W: Write> {
    out: SegmentOut<W>,
    /// ISA13 and GS06, for the trailers.
    control_numbers: (u32, u32),
    claim_ids: ClaimIds,
    stats: InterchangeStats,
    /// Set once a write failed: the output then holds a partial transaction.
    broken: bool,
}

impl<W: Write> InterchangeWriter<W> {
    /// Checks the envelope and writes ISA and GS.
    pub fn begin(out: W, envelope: &Envelope, options: WriteOptions) -> Result<Self, WriteError> {
        check_envelope(envelope)?;
        let mut out = SegmentOut::new(out, options);
        write_header(&mut out, envelope)?;
        Ok(InterchangeWriter {
            out,
            control_numbers: (
                envelope.interchange_control_number,
                envelope.group_control_number,
            ),
            claim_ids: ClaimIds::default(),
            stats: InterchangeStats::default(),
            broken: false,
        })
    }

    /// Checks and writes one transaction set, ST through SE (SE01 counted here). After a refusal
    /// the interchange is incomplete and every later call fails with [`WriteError::Incomplete`].
    pub fn write_transaction(&mut self, t: &Transaction) -> Result<(), WriteError> {
        if self.broken {
            return Err(WriteError::Incomplete);
        }
        let place = Place::transaction(self.stats.transactions + 1);
        let written = check_transaction(t, place, &mut self.claim_ids)
            .and_then(|()| write_837(&mut self.out, t, place));
        self.count(written)
    }

    /// A renderer for this interchange's layout, to render transactions on other threads.
    pub fn renderer(&self) -> TransactionRenderer {
        TransactionRenderer {
            options: self.out.options(),
        }
    }

    /// Appends a transaction set rendered by [`InterchangeWriter::renderer`]; it must be the next
    /// one (its number was given to the renderer). Claim ids are checked across transactions
    /// here. After a refusal the interchange is incomplete, as with `write_transaction`.
    pub fn write_rendered(&mut self, r: &RenderedTransaction) -> Result<(), WriteError> {
        if self.broken {
            return Err(WriteError::Incomplete);
        }
        debug_assert_eq!(r.options, self.out.options(), "rendered for another layout");
        let written = self
            .claim_ids
            .add_listed(&r.claim_ids)
            .and_then(|()| self.out.append(&r.bytes, r.segments))
            .map(|()| (r.claims, r.lines, r.total));
        self.count(written)
    }

    /// Counts a transaction written, or marks the interchange broken.
    fn count(&mut self, written: Result<(u64, u64, Money), WriteError>) -> Result<(), WriteError> {
        match written {
            Ok((claims, lines, total)) => {
                self.stats.transactions += 1;
                self.stats.claims += claims;
                self.stats.lines += lines;
                self.stats.total_charge += total;
                Ok(())
            }
            Err(e) => {
                self.broken = true;
                Err(e)
            }
        }
    }

    /// What has been written so far.
    pub fn stats(&self) -> InterchangeStats {
        InterchangeStats {
            segments: self.out.segments(),
            ..self.stats
        }
    }

    /// Writes GE and IEA, flushes, and hands back the output with the final counts.
    pub fn finish(mut self) -> Result<(W, InterchangeStats), WriteError> {
        if self.broken {
            return Err(WriteError::Incomplete);
        }
        if self.stats.transactions == 0 {
            return Err(WriteError::Structure {
                loop_id: "GS_LOOP",
                place: Place::ENVELOPE,
                problem: super::write_error::StructureProblem::NoTransactions,
            });
        }
        write_trailer(&mut self.out, self.control_numbers, self.stats.transactions)?;
        let stats = self.stats();
        Ok((self.out.into_inner()?, stats))
    }
}

/// Checks and renders transaction sets to bytes for one interchange's layout; `Send` and `Copy`,
/// so several threads can render transactions at once while one writes them in order.
#[derive(Debug, Clone, Copy)]
pub struct TransactionRenderer {
    options: WriteOptions,
}

/// One transaction set (ST..SE), checked and rendered, waiting for
/// [`InterchangeWriter::write_rendered`].
#[derive(Debug)]
pub struct RenderedTransaction {
    options: WriteOptions,
    bytes: Vec<u8>,
    segments: u64,
    claims: u64,
    lines: u64,
    total: Money,
    /// Each claim id's hash and where the claim is: ids must be unique across the interchange.
    claim_ids: Vec<(u64, Place)>,
}

impl TransactionRenderer {
    /// Checks `t`, the interchange's `number`th transaction set (1-based), and renders it. Every
    /// check of `write_transaction` runs here but the one across transactions (claim ids unique
    /// in the file), which `write_rendered` runs.
    pub fn render(&self, t: &Transaction, number: u32) -> Result<RenderedTransaction, WriteError> {
        let place = Place::transaction(number);
        let mut ids = ClaimIds::listing();
        check_transaction(t, place, &mut ids)?;
        let mut out = SegmentOut::new(Vec::new(), self.options);
        let (claims, lines, total) = write_837(&mut out, t, place)?;
        let segments = out.segments();
        let claim_ids = ids.into_listed();
        Ok(RenderedTransaction {
            options: self.options,
            bytes: out.into_inner()?,
            segments,
            claims,
            lines,
            total,
            claim_ids,
        })
    }
}

/// Writes a whole interchange of `transactions` to `out`.
pub fn write_interchange<W: Write>(
    out: W,
    envelope: &Envelope,
    transactions: &[Transaction],
    options: WriteOptions,
) -> Result<(W, InterchangeStats), WriteError> {
    let mut w = InterchangeWriter::begin(out, envelope, options)?;
    for t in transactions {
        w.write_transaction(t)?;
    }
    w.finish()
}

/// Writes ST..SE; returns (claims, lines, total charge).
fn write_837<W: Write>(
    o: &mut SegmentOut<W>,
    t: &Transaction,
    place: Place,
) -> Result<(u64, u64, Money), WriteError> {
    let s = &*SPECS;
    let first_segment = o.segments();
    o.start(s.st, place)
        .el("837")?
        .el(&t.control_number)?
        .el(IMPLEMENTATION_GUIDE)?
        .finish()?;
    o.start(s.bht, place)
        .el("0019")?
        .el("00")?
        .el(&t.reference)?
        .date(t.created_date)?
        .time(t.created_time)?
        .el(t.transaction_type.code())?
        .finish()?;

    // 1000A submitter, 1000B receiver.
    o.start(s.submitter_name, place)
        .el("41")?
        .el("2")?
        .el(&t.submitter.name)?
        .skip(4)?
        .el("46")?
        .el(&t.submitter.id)?
        .finish()?;
    let contact = &t.submitter.contact;
    let phone = contact.phone.as_deref().filter(|p| !p.is_empty());
    let email = contact.email.as_deref().filter(|e| !e.is_empty());
    let mut per = o.start(s.submitter_contact, place);
    per.el("IC")?.el(&contact.name)?;
    if let Some(phone) = phone {
        per.el("TE")?.el(phone)?;
    }
    if let Some(email) = email {
        per.el("EM")?.el(email)?;
    }
    per.finish()?;
    o.start(s.receiver_name, place)
        .el("40")?
        .el("2")?
        .el(&t.receiver.name)?
        .skip(4)?
        .el("46")?
        .el(&t.receiver.id)?
        .finish()?;

    // 2000A / 2010AA billing provider: HL 1, parent of every subscriber.
    write_billing_provider(o, &t.billing_provider, place)?;
    let mut hl: u64 = 1;
    let (mut claims, mut lines, mut total) = (0u64, 0u64, Money::ZERO);
    for (si, sub) in (1u32..).zip(&t.subscribers) {
        hl += 1;
        let place = place.subscriber(si);
        write_subscriber(o, sub, hl, place)?;
        for (ci, claim) in (1u32..).zip(&sub.claims) {
            write_claim(o, claim, place.claim(ci))?;
            claims += 1;
            lines += claim.lines.len() as u64;
            total += claim.total_charge;
        }
    }

    let count = o.segments() - first_segment + 1;
    o.start(s.se, place)
        .uint(count)?
        .el(&t.control_number)?
        .finish()?;
    Ok((claims, lines, total))
}

fn write_billing_provider<W: Write>(
    o: &mut SegmentOut<W>,
    bp: &BillingProvider,
    place: Place,
) -> Result<(), WriteError> {
    let s = &*SPECS;
    o.start(s.billing_hl, place)
        .uint(1)?
        .empty()?
        .el("20")?
        .el("1")?
        .finish()?;
    if let Some(taxonomy) = &bp.taxonomy {
        o.start(s.billing_specialty, place)
            .el("BI")?
            .el("PXC")?
            .el(taxonomy)?
            .finish()?;
    }
    o.start(s.billing_name, place)
        .el("85")?
        .el("2")?
        .el(&bp.name)?
        .skip(4)?
        .el("XX")?
        .el(&bp.npi)?
        .finish()?;
    write_address(o, &bp.address, (s.billing_address, s.billing_city), place)?;
    o.start(s.billing_tax_id, place)
        .el("EI")?
        .el(&bp.tax_id)?
        .finish()?;
    if let Some(pay_to) = &bp.pay_to {
        o.start(s.pay_to_name, place).el("87")?.el("2")?.finish()?;
        write_address(o, pay_to, (s.pay_to_address, s.pay_to_city), place)?;
    }
    Ok(())
}

fn write_address<W: Write>(
    o: &mut SegmentOut<W>,
    a: &Address,
    specs: (super::segment::Spec, super::segment::Spec),
    place: Place,
) -> Result<(), WriteError> {
    o.start(specs.0, place).el(&a.line1)?.finish()?;
    o.start(specs.1, place)
        .el(&a.city)?
        .el(&a.state)?
        .el(&a.zip)?
        .finish()
}

fn write_subscriber<W: Write>(
    o: &mut SegmentOut<W>,
    sub: &Subscriber,
    hl: u64,
    place: Place,
) -> Result<(), WriteError> {
    let s = &*SPECS;
    // HL04 0: the subscriber is the patient, so no 2000C below.
    o.start(s.subscriber_hl, place)
        .uint(hl)?
        .uint(1)?
        .el("22")?
        .el("0")?
        .finish()?;
    o.start(s.subscriber_info, place)
        .el(&sub.payer_responsibility)?
        .el("18")?
        .skip(6)?
        .el(&sub.claim_filing_indicator)?
        .finish()?;
    o.start(s.subscriber_name, place)
        .el("IL")?
        .el("1")?
        .el(&sub.last_name)?
        .opt(sub.first_name.as_deref())?
        .skip(3)?
        .el("MI")?
        .el(&sub.member_id)?
        .finish()?;
    if let Some(address) = &sub.address {
        write_address(o, address, (s.subscriber_address, s.subscriber_city), place)?;
    }
    // Checked present before writing: the subscriber is the patient.
    if let (Some(birth_date), Some(sex)) = (sub.birth_date, sub.sex) {
        o.start(s.subscriber_demographics, place)
            .el("D8")?
            .date(birth_date)?
            .el(sex.code())?
            .finish()?;
    }
    o.start(s.payer_name, place)
        .el("PR")?
        .el("2")?
        .el(&sub.payer_name)?
        .skip(4)?
        .el("PI")?
        .el(&sub.payer_id)?
        .finish()
}

/// HI qualifiers: the principal diagnosis, then the others.
const PRINCIPAL: &str = "ABK";
const OTHER: &str = "ABF";

fn write_claim<W: Write>(
    o: &mut SegmentOut<W>,
    claim: &Claim,
    place: Place,
) -> Result<(), WriteError> {
    let s = &*SPECS;
    o.start(s.claim, place)
        .el(&claim.claim_id)?
        .money(claim.total_charge)?
        .skip(2)?
        .comp(&[claim.place_of_service.as_str(), "B", claim.frequency.code()])?
        .el("Y")?
        .el("A")?
        .el("Y")?
        .el("Y")?
        .finish()?;
    if let Some(auth) = &claim.prior_authorization {
        o.start(s.prior_authorization, place)
            .el("G1")?
            .el(auth)?
            .finish()?;
    }
    if let Some(original) = &claim.original_reference {
        o.start(s.original_claim, place)
            .el("F8")?
            .el(original)?
            .finish()?;
    }
    let mut hi = o.start(s.diagnoses, place);
    for (i, dx) in claim.diagnoses.iter().enumerate() {
        hi.comp(&[if i == 0 { PRINCIPAL } else { OTHER }, dx.as_str()])?;
    }
    hi.finish()?;
    if let Some(r) = &claim.rendering {
        o.start(s.rendering_name, place)
            .el("82")?
            .el("1")?
            .el(&r.last_name)?
            .opt(r.first_name.as_deref())?
            .skip(3)?
            .el("XX")?
            .el(&r.npi)?
            .finish()?;
        if let Some(taxonomy) = &r.taxonomy {
            o.start(s.rendering_specialty, place)
                .el("PE")?
                .el("PXC")?
                .el(taxonomy)?
                .finish()?;
        }
    }
    for (li, line) in (1u32..).zip(&claim.lines) {
        write_line(o, line, li, place.line(li))?;
    }
    Ok(())
}

/// Diagnosis pointers as text (1 to 12).
const POINTERS: [&str; 13] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];

fn write_line<W: Write>(
    o: &mut SegmentOut<W>,
    line: &Line,
    number: u32,
    place: Place,
) -> Result<(), WriteError> {
    let s = &*SPECS;
    o.start(s.line_number, place)
        .uint(u64::from(number))?
        .finish()?;
    let mut procedure = ["HC", line.hcpcs.as_str(), "", "", "", "", ""];
    for (slot, m) in procedure[2..6].iter_mut().zip(line.modifiers.as_slice()) {
        *slot = m.as_str();
    }
    procedure[6] = line.description.as_deref().unwrap_or("");
    let mut pointers = [""; 4];
    for (slot, &p) in pointers.iter_mut().zip(&line.diagnosis_pointers) {
        // Checked to be 1..=12 before writing; anything else would fail SV107's code list.
        *slot = POINTERS.get(usize::from(p)).copied().unwrap_or("0");
    }
    o.start(s.service, place)
        .comp(&procedure)?
        .money(line.charge)?
        .el("UN")?
        .uint(u64::from(line.units))?
        .opt(line.place_of_service.as_ref().map(|p| p.as_str()))?
        .empty()?
        .comp(&pointers)?
        .finish()?;
    let mut date = o.start(s.service_date, place);
    date.el("472")?;
    match line.service_end {
        None => date.el("D8")?.date(line.service_date)?,
        Some(end) => date.el("RD8")?.date_range(line.service_date, end)?,
    };
    date.finish()?;
    if let Some(control) = &line.control_number {
        o.start(s.line_control, place)
            .el("6R")?
            .el(control)?
            .finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::grammar::SegmentRef;
    use super::super::loop_cursor::LoopCursor;
    use super::super::p837_grammar::P837;
    use super::super::test_fixtures::envelope;
    use super::super::write_error::StructureProblem;
    use super::*;
    use crate::model::*;
    use chrono::{NaiveDate, NaiveTime};

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn line(control: &str) -> Line {
        Line {
            hcpcs: Hcpcs::parse("G9008").unwrap(),
            modifiers: Modifiers::parse("U8:GQ").unwrap(),
            charge: money("150"),
            units: 1,
            place_of_service: Some(PlaceOfService::parse("10").unwrap()),
            diagnosis_pointers: vec![1, 2],
            service_date: date("2025-06-29"),
            service_end: None,
            control_number: Some(control.into()),
            description: None,
            kept: Vec::new(),
        }
    }

    fn claim(id: &str) -> Claim {
        Claim {
            claim_id: id.into(),
            total_charge: money("300"),
            place_of_service: PlaceOfService::parse("12").unwrap(),
            frequency: ClaimFrequency::Replacement,
            original_reference: Some("PAYER123".into()),
            prior_authorization: Some("AUTH1".into()),
            diagnoses: vec![
                DiagnosisCode::parse("Z59.00").unwrap(),
                DiagnosisCode::parse("F32.A").unwrap(),
            ],
            rendering: Some(RenderingProvider {
                last_name: "WORKER".into(),
                first_name: Some("CARE".into()),
                npi: "1987654328".into(),
                taxonomy: Some("171M00000X".into()),
            }),
            lines: vec![line("ENC1"), line("ENC2")],
            kept: Vec::new(),
        }
    }

    fn transaction() -> Transaction {
        Transaction {
            control_number: "0001".into(),
            reference: "B0000001".into(),
            created_date: date("2025-07-01"),
            created_time: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
            transaction_type: TransactionType::Chargeable,
            submitter: Submitter {
                name: "EXAMPLE ECM PROVIDER INC".into(),
                id: "ECMSUBMITTER".into(),
                contact: Contact {
                    name: "BILLING OFFICE".into(),
                    phone: Some("9165550100".into()),
                    email: Some("BILLING@EXAMPLE.ORG".into()),
                },
            },
            receiver: Receiver {
                name: "EXAMPLE PLAN".into(),
                id: "MCPRECEIVER".into(),
            },
            billing_provider: BillingProvider {
                taxonomy: Some("251S00000X".into()),
                name: "EXAMPLE ECM PROVIDER INC".into(),
                npi: "1234567893".into(),
                address: Address {
                    line1: "100 MAIN STREET".into(),
                    city: "SACRAMENTO".into(),
                    state: "CA".into(),
                    zip: "958141234".into(),
                },
                tax_id: "123456789".into(),
                pay_to: None,
                kept: Vec::new(),
            },
            subscribers: vec![Subscriber {
                payer_responsibility: "P".into(),
                claim_filing_indicator: "MC".into(),
                last_name: "MEMBER".into(),
                first_name: Some("TEST".into()),
                member_id: "90000001A".into(),
                address: None,
                birth_date: Some(date("1980-01-01")),
                sex: Some(Sex::Female),
                payer_name: "EXAMPLE PLAN".into(),
                payer_id: "MCP0001".into(),
                claims: vec![claim("ECM1")],
                patients: Vec::new(),
                kept: Vec::new(),
            }],
            kept: Vec::new(),
        }
    }

    fn write(txs: &[Transaction]) -> Result<(String, InterchangeStats), WriteError> {
        let (out, stats) =
            write_interchange(Vec::new(), &envelope(), txs, WriteOptions::default())?;
        Ok((String::from_utf8(out).unwrap(), stats))
    }

    #[test]
    fn writes_the_837p_shape() {
        let (text, stats) = write(&[transaction()]).unwrap();
        let body: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(
            body,
            [
                "ST*837*0001*005010X222A1~",
                "BHT*0019*00*B0000001*20250701*0930*CH~",
                "NM1*41*2*EXAMPLE ECM PROVIDER INC*****46*ECMSUBMITTER~",
                "PER*IC*BILLING OFFICE*TE*9165550100*EM*BILLING@EXAMPLE.ORG~",
                "NM1*40*2*EXAMPLE PLAN*****46*MCPRECEIVER~",
                "HL*1**20*1~",
                "PRV*BI*PXC*251S00000X~",
                "NM1*85*2*EXAMPLE ECM PROVIDER INC*****XX*1234567893~",
                "N3*100 MAIN STREET~",
                "N4*SACRAMENTO*CA*958141234~",
                "REF*EI*123456789~",
                "HL*2*1*22*0~",
                "SBR*P*18*******MC~",
                "NM1*IL*1*MEMBER*TEST****MI*90000001A~",
                "DMG*D8*19800101*F~",
                "NM1*PR*2*EXAMPLE PLAN*****PI*MCP0001~",
                "CLM*ECM1*300***12:B:7*Y*A*Y*Y~",
                "REF*G1*AUTH1~",
                "REF*F8*PAYER123~",
                "HI*ABK:Z5900*ABF:F32A~",
                "NM1*82*1*WORKER*CARE****XX*1987654328~",
                "PRV*PE*PXC*171M00000X~",
                "LX*1~",
                "SV1*HC:G9008:U8:GQ*150*UN*1*10**1:2~",
                "DTP*472*D8*20250629~",
                "REF*6R*ENC1~",
                "LX*2~",
                "SV1*HC:G9008:U8:GQ*150*UN*1*10**1:2~",
                "DTP*472*D8*20250629~",
                "REF*6R*ENC2~",
                "SE*31*0001~",
                "GE*1*1~",
                "IEA*1*000000001~",
            ]
        );
        assert_eq!(stats.segments, 35);
        assert_eq!((stats.transactions, stats.claims, stats.lines), (1, 1, 2));
        assert_eq!(stats.total_charge, money("300"));
    }

    /// Rendering on other threads then appending gives the bytes and counts of writing in
    /// place, and a claim id repeated in a later set is still refused, naming where.
    #[test]
    fn rendered_transactions_write_the_same_bytes() {
        let mut t2 = transaction();
        t2.control_number = "0002".into();
        t2.subscribers[0].claims[0].claim_id = "ECM9".into();
        let txs = [transaction(), t2];
        let (direct, stats) = write(&txs).unwrap();

        let mut w =
            InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default()).unwrap();
        let renderer = w.renderer();
        let rendered: Vec<RenderedTransaction> = std::thread::scope(|s| {
            let handles: Vec<_> = (1u32..)
                .zip(&txs)
                .map(|(n, t)| s.spawn(move || renderer.render(t, n).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &rendered {
            w.write_rendered(r).unwrap();
        }
        let (out, appended) = w.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), direct);
        assert_eq!(appended, stats);

        let mut again = transaction();
        again.control_number = "0002".into();
        let mut w =
            InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default()).unwrap();
        let renderer = w.renderer();
        w.write_rendered(&renderer.render(&transaction(), 1).unwrap())
            .unwrap();
        let err = w
            .write_rendered(&renderer.render(&again, 2).unwrap())
            .unwrap_err();
        match err {
            WriteError::Structure { problem, place, .. } => {
                assert_eq!(
                    problem,
                    super::super::write_error::StructureProblem::DuplicateClaimId
                );
                assert_eq!(
                    (place.transaction, place.subscriber, place.claim),
                    (Some(2), Some(1), Some(1))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            w.write_rendered(&renderer.render(&transaction(), 3).unwrap()),
            Err(WriteError::Incomplete)
        ));
    }

    /// Every segment the writer emits is in the grammar, in guide order, and in the loop (and
    /// under the definition) the writer validated it against.
    #[test]
    fn every_written_segment_is_in_the_grammar_in_order() {
        let mut t = transaction();
        let mut second = t.subscribers[0].clone();
        second.address = Some(t.billing_provider.address.clone());
        second.claims = vec![claim("ECM2"), claim("ECM3")];
        second.claims[1].frequency = ClaimFrequency::Original;
        second.claims[1].original_reference = None;
        t.subscribers.push(second);
        let mut t2 = transaction();
        t2.control_number = "0002".into();
        t2.subscribers[0].claims[0].claim_id = "ECM4".into();
        let (text, _) = write(&[t, t2]).unwrap();
        let mut cursor = LoopCursor::new(&P837);
        let mut seen = Vec::new();
        for raw in text.lines() {
            let raw = raw.trim_end_matches('~');
            let parts: Vec<&str> = raw.split('*').collect();
            let seg = SegmentRef {
                id: parts[0],
                elements: &parts[1..],
                component_separator: ':',
            };
            let placed = cursor
                .advance(&seg)
                .unwrap_or_else(|e| panic!("{raw}: {e}"));
            seen.push(format!("{} {}", placed.loop_def.id, placed.segment.name));
        }
        for expected in [
            "2010BA Subscriber Address",
            "2010BA Subscriber City, State, ZIP Code",
            "2300 Prior Authorization",
            "2300 Payer Claim Control Number",
            "2310B Rendering Provider Specialty Information",
            "2400 Line Item Control Number",
            "ST_LOOP Transaction Set Trailer",
            "ISA_LOOP Interchange Control Trailer",
        ] {
            assert!(seen.iter().any(|s| s == expected), "{expected} not placed");
        }
        // The cursor's definitions are the very ones the writer used.
        let s = &*SPECS;
        for spec in [s.subscriber_name, s.claim, s.service, s.line_control, s.se] {
            assert!(seen.contains(&format!("{} {}", spec.loop_id, spec.def.name)));
        }
    }

    #[test]
    fn contact_without_phone_puts_email_first() {
        let mut t = transaction();
        t.submitter.contact.phone = None;
        let (text, _) = write(&[t]).unwrap();
        assert!(text.contains("\nPER*IC*BILLING OFFICE*EM*BILLING@EXAMPLE.ORG~\n"));
    }

    #[test]
    fn counts_hl_and_se_across_subscribers_and_transactions() {
        let mut t = transaction();
        let mut sub = t.subscribers[0].clone();
        sub.claims[0].claim_id = "ECM9".into();
        t.subscribers.push(sub);
        let mut t2 = transaction();
        t2.subscribers[0].claims[0].claim_id = "ECM10".into();
        let (text, stats) = write(&[t, t2]).unwrap();
        assert!(text.contains("\nHL*3*1*22*0~\n"));
        assert_eq!(
            text.matches("\nHL*2*1*22*0~\n").count(),
            2,
            "HL restarts in each transaction"
        );
        assert!(text.contains("\nGE*2*1~\n"));
        assert_eq!(stats.claims, 3);
        assert_eq!(stats.lines, 6);
        assert_eq!(stats.total_charge, money("900"));
        assert_eq!(stats.segments, text.lines().count() as u64);
        // Every SE01 matches the segments from its ST.
        let mut since_st = 0;
        for l in text.lines() {
            if l.starts_with("ST*") {
                since_st = 0;
            }
            since_st += 1;
            if let Some(rest) = l.strip_prefix("SE*") {
                assert_eq!(rest.split('*').next().unwrap(), since_st.to_string());
            }
        }
    }

    #[test]
    fn a_refusal_poisons_the_interchange() {
        let mut w =
            InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default()).unwrap();
        let mut bad = transaction();
        bad.subscribers[0].last_name = "DOE~".into();
        let err = w.write_transaction(&bad).unwrap_err();
        assert!(matches!(err.element(), Some(("NM103", _))));
        assert!(matches!(
            w.write_transaction(&transaction()),
            Err(WriteError::Incomplete)
        ));
        assert!(matches!(w.finish(), Err(WriteError::Incomplete)));
    }

    #[test]
    fn structure_is_checked_before_anything_is_written() {
        let mut w =
            InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default()).unwrap();
        let before = w.stats().segments;
        let mut bad = transaction();
        bad.subscribers[0].claims[0].lines[1].diagnosis_pointers = vec![3];
        let err = w.write_transaction(&bad).unwrap_err();
        assert_eq!(
            err.structure(),
            Some(&StructureProblem::DiagnosisPointerOutOfRange {
                pointer: 3,
                diagnoses: 2
            })
        );
        assert_eq!(
            err.place(),
            Some(Place::transaction(1).subscriber(1).claim(1).line(2))
        );
        assert_eq!(w.stats().segments, before);
    }

    #[test]
    fn an_empty_interchange_is_refused() {
        let w = InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default()).unwrap();
        assert!(matches!(
            w.finish().unwrap_err().structure(),
            Some(StructureProblem::NoTransactions)
        ));
    }

    #[test]
    fn line_breaks_are_optional() {
        let options = WriteOptions {
            line_break: false,
            ..WriteOptions::default()
        };
        let (out, _) =
            write_interchange(Vec::new(), &envelope(), &[transaction()], options).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\n'));
        assert_eq!(
            &text[..106],
            write(&[transaction()]).unwrap().0.lines().next().unwrap()
        );
    }
}
