//! 835 files as payments. Each SVC service payment is tied to the encounter it pays
//! ([`EncounterIndex`]) and becomes a payment line of that encounter's member-month; each PLB
//! provider-level adjustment is money without a member. Every SVC and PLB is also listed, with
//! how it matched, for `payments-835.csv`.

use crate::codeset::CodeSet;
use crate::model::{
    ClaimPayment, Hcpcs, Modifier, Modifiers, Money, Npi, Remittance, RowRef, ServiceMonth,
    ServicePayment,
};
use crate::reconcile::{
    EncounterIndex, EncounterKind, MatchMethod, PaidLine, PaymentFact, PaymentKind,
};
use crate::rules::{self, Finding};
use crate::x12::read::{ReadError, Reader835};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the 835 files held and how their lines matched.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RemittanceCounts {
    pub files: Vec<String>,
    /// 835 transaction sets (one payment advice each).
    pub transactions: u64,
    /// Transaction sets left out because no payee NPI names the provider (RCN-017), or because
    /// their payment was already read (RCN-018).
    pub transactions_refused: u64,
    /// SVC lines read from the kept transaction sets.
    pub service_lines: u64,
    /// SVC lines matched, by how (`line_id`, `member_date_code`,
    /// `member_date_code_modifiers_dropped`).
    pub matched: BTreeMap<&'static str, u64>,
    /// SVC lines matching no encounter (RCN-015): provider-level money.
    pub unmatched: u64,
    pub unmatched_paid: Money,
    /// SVC lines matched only with modifiers dropped, per payer (N1*PR id, else its name).
    pub modifiers_dropped_by_payer: BTreeMap<String, u64>,
    /// PLB adjustment pairs, and what they add to the payment (a positive PLB amount reduces it).
    pub provider_adjustments: u64,
    pub provider_adjustment_paid: Money,
}

/// One SVC or PLB of an 835, as `payments-835.csv` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemittanceLine {
    pub file: String,
    /// ST02.
    pub transaction: String,
    /// TRN02.
    pub trace_number: String,
    /// N1*PR N104, else N102.
    pub payer: String,
    pub provider_npi: Npi,
    /// CLP01 (empty for a PLB).
    pub claim_id: String,
    /// The SVC's segment number in the file and byte offset (none for a PLB).
    pub segment: Option<(u64, u64)>,
    /// REF*6R.
    pub line_control_number: String,
    /// NM1*QC NM109.
    pub patient_id: String,
    pub service_date: Option<NaiveDate>,
    /// The procedure matched on (SVC06 when the payer changed it, else SVC01) and its modifiers.
    pub procedure: String,
    pub modifiers: String,
    /// PLB reason code and reference.
    pub plb_reason: String,
    pub plb_reference: String,
    /// What the line adds to the payment.
    pub paid: Money,
    /// `line_id`, `member_date_code`, `member_date_code_modifiers_dropped`, `unmatched` or
    /// `provider_level` (a PLB).
    pub match_method: &'static str,
    pub encounter_id: String,
    /// The member-month the money went to (empty: provider level).
    pub member_id: String,
    pub service_month: Option<ServiceMonth>,
    pub kind: PaymentKind,
}

/// The payment kind of an 835 line: an outreach encounter's payment is outreach; any other ECM
/// service payment (U1/U2) counts against the month's PMPM, since the contract pays the month.
fn kind_of(kind: EncounterKind) -> PaymentKind {
    match kind {
        EncounterKind::Outreach => PaymentKind::Outreach,
        EncounterKind::Service => PaymentKind::Pmpm,
    }
}

/// Reads the 835 files among `paths` (those `is_x12` marks), matching each SVC against `index`.
/// Payment lines go to `on_payment`, listing rows to `lines`, findings to `findings`. A file the
/// 835 reader cannot read stops the run, naming the file and segment.
pub fn read_remittances(
    paths: &[PathBuf],
    is_x12: &[bool],
    index: &mut EncounterIndex,
    codeset: &CodeSet,
    mut on_payment: impl FnMut(PaymentFact),
    findings: &mut Vec<Finding>,
    lines: &mut Vec<RemittanceLine>,
) -> Result<RemittanceCounts, ReadError> {
    let mut counts = RemittanceCounts::default();
    // Payments read, by payer and trace number, and where.
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for (file_index, path) in paths.iter().enumerate() {
        if !is_x12.get(file_index).copied().unwrap_or(false) {
            continue;
        }
        let file = path.display().to_string();
        counts.files.push(file.clone());
        let file_ref = u16::try_from(file_index).unwrap_or(u16::MAX);
        // One transaction set at a time: memory holds the matches, not the file.
        let mut reader = Reader835::open(path)?;
        while let Some(r) = reader.next_remittance().map_err(|e| e.in_file(path))? {
            counts.transactions += 1;
            let payer = r.payer.id.clone().unwrap_or_else(|| r.payer.name.clone());
            let here = format!("{file} transaction set {}", r.control_number);
            // A transaction set left out as a whole: counted, and said why.
            let mut refuse = |rule, field: &str, why: String| {
                counts.transactions_refused += 1;
                findings.push(Finding {
                    rule,
                    file: file.clone(),
                    row: 0,
                    encounter_id: None,
                    field: Some(field.into()),
                    message: format!(
                        "transaction set {} (trace {}): {why}; its {} claims are left out",
                        r.control_number,
                        r.trace_number,
                        r.claims.len()
                    ),
                });
            };
            if let Some(first) = seen.get(&(payer.clone(), r.trace_number.clone())) {
                refuse(
                    &rules::RCN_REPEATED_REMITTANCE,
                    "TRN02",
                    format!("payer {payer}'s payment was already read from {first}"),
                );
                continue;
            }
            let Some(npi) = payee_npi(&r) else {
                refuse(
                    &rules::RCN_NO_PAYEE_NPI,
                    "N1*PE",
                    "loop 1000B has no NPI with qualifier XX".into(),
                );
                continue;
            };
            seen.insert((payer.clone(), r.trace_number.clone()), here);
            let mut t = Transaction {
                file: &file,
                file_ref,
                r: &r,
                npi,
                payer,
                index: &mut *index,
                codeset,
                counts: &mut counts,
                findings: &mut *findings,
                lines: &mut *lines,
            };
            for c in &r.claims {
                for (n, s) in c.services.iter().enumerate() {
                    if let Some(p) = t.service(c, n, s) {
                        on_payment(p);
                    }
                }
            }
            for p in t.provider_adjustments() {
                on_payment(p);
            }
        }
    }
    Ok(counts)
}

/// The payee's NPI (N1*PE N103 = XX).
fn payee_npi(r: &Remittance) -> Option<Npi> {
    (r.payee.id_qualifier.as_deref() == Some("XX"))
        .then_some(r.payee.id.as_deref())
        .flatten()
        .and_then(|id| Npi::parse(id).ok())
}

/// One transaction set being turned into payments.
struct Transaction<'a> {
    file: &'a str,
    file_ref: u16,
    r: &'a Remittance,
    npi: Npi,
    payer: String,
    index: &'a mut EncounterIndex,
    codeset: &'a CodeSet,
    counts: &'a mut RemittanceCounts,
    findings: &'a mut Vec<Finding>,
    lines: &'a mut Vec<RemittanceLine>,
}

impl Transaction<'_> {
    fn line(&self) -> RemittanceLine {
        RemittanceLine {
            file: self.file.to_string(),
            transaction: self.r.control_number.clone(),
            trace_number: self.r.trace_number.clone(),
            payer: self.payer.clone(),
            provider_npi: self.npi,
            claim_id: String::new(),
            segment: None,
            line_control_number: String::new(),
            patient_id: String::new(),
            service_date: None,
            procedure: String::new(),
            modifiers: String::new(),
            plb_reason: String::new(),
            plb_reference: String::new(),
            paid: Money::ZERO,
            match_method: "provider_level",
            encounter_id: String::new(),
            member_id: String::new(),
            service_month: None,
            kind: PaymentKind::Adjustment,
        }
    }

    /// One SVC: matched to its encounter's member-month, or provider-level money when nothing
    /// matches.
    fn service(&mut self, c: &ClaimPayment, n: usize, s: &ServicePayment) -> Option<PaymentFact> {
        self.counts.service_lines += 1;
        let procedure = s.submitted_procedure.as_ref().unwrap_or(&s.procedure);
        let hcpcs = Hcpcs::parse(&procedure.code).ok();
        let mods: Vec<Modifier> = procedure
            .modifiers
            .iter()
            .filter_map(|m| Modifier::parse(m).ok())
            .take(4)
            .collect();
        let modifiers = Modifiers::from_slice(&mods).unwrap_or_default();
        let claim_date = c
            .dates
            .iter()
            .find(|d| d.qualifier == "232")
            .map(|d| d.date);
        let date = s.service_date.or(s.period_start).or(claim_date);
        let patient = c.patient.as_ref().and_then(|p| p.id.as_deref());
        let paid_line = PaidLine {
            control_number: s.control_number.as_deref(),
            member_id: patient,
            date,
            hcpcs,
            modifiers,
            charge: Some(s.charge),
        };
        let at = format!(
            "segment {} (byte offset {}), claim {}",
            s.segment, s.offset, c.claim_id
        );
        let mut line = RemittanceLine {
            claim_id: c.claim_id.clone(),
            segment: Some((s.segment, s.offset)),
            line_control_number: s.control_number.clone().unwrap_or_default(),
            patient_id: patient.unwrap_or_default().to_string(),
            service_date: date,
            procedure: procedure.code.clone(),
            modifiers: procedure.modifiers.join(":"),
            paid: s.paid,
            ..self.line()
        };
        let (member, month, kind) = match self.index.match_line(&paid_line) {
            Some((how, e)) => {
                *self.counts.matched.entry(how.key()).or_default() += 1;
                line.match_method = how.key();
                line.encounter_id = e.encounter_id.to_string();
                if how == MatchMethod::MemberDateCodeModifiersDropped {
                    *self
                        .counts
                        .modifiers_dropped_by_payer
                        .entry(self.payer.clone())
                        .or_default() += 1;
                    self.findings.push(Finding {
                        rule: &rules::RCN_MODIFIERS_DROPPED,
                        file: self.file.to_string(),
                        row: 0,
                        encounter_id: Some(e.encounter_id.to_string()),
                        field: Some("SVC01".into()),
                        message: format!(
                            "{at}: payer {} paid {} with {} for a line coded with modifiers {}, and no REF*6R naming it; matched on member, date and code",
                            self.payer,
                            procedure.code,
                            if line.modifiers.is_empty() {
                                "no modifiers".to_string()
                            } else {
                                format!("modifiers {}", line.modifiers)
                            },
                            e.modifiers().join(":")
                        ),
                    });
                }
                (
                    Some(e.member_id.to_string()),
                    Some(ServiceMonth::of(e.date)),
                    kind_of(e.kind),
                )
            }
            None => {
                self.counts.unmatched += 1;
                self.counts.unmatched_paid += s.paid;
                line.match_method = "unmatched";
                let month = date.or(self.r.payment_date).map(ServiceMonth::of);
                self.findings.push(Finding {
                    rule: &rules::RCN_UNMATCHED_SERVICE_PAYMENT,
                    file: self.file.to_string(),
                    row: 0,
                    encounter_id: None,
                    field: Some("SVC01".into()),
                    message: format!(
                        "{at}: paid {} for {}{}{} on {}, REF*6R {}: no encounter has this line id, nor this member, date, code and modifiers{}",
                        s.paid.to_cents_string(),
                        procedure.code,
                        if line.modifiers.is_empty() { "" } else { ":" },
                        line.modifiers,
                        date.map_or("no date".to_string(), |d| d.to_string()),
                        s.control_number.as_deref().unwrap_or("absent"),
                        if month.is_none() {
                            "; with no service or payment date it is left out"
                        } else {
                            ""
                        }
                    ),
                });
                let kind = match (hcpcs, date) {
                    (Some(h), Some(d)) => EncounterKind::of_line(self.codeset, h, modifiers, d),
                    _ => None,
                };
                (None, month, kind_of(kind.unwrap_or(EncounterKind::Service)))
            }
        };
        line.member_id = member.clone().unwrap_or_default();
        line.service_month = month;
        line.kind = kind;
        self.lines.push(line);
        let service_month = month?;
        Some(PaymentFact {
            payment_id: format!("{}/{}/{}", self.r.trace_number, c.claim_id, n + 1),
            paid_date: self
                .r
                .payment_date
                .or(self.r.production_date)
                .or(date)
                .unwrap_or(service_month.first_day()),
            provider_npi: self.npi,
            member_id: member,
            service_month,
            kind,
            amount: s.paid,
            source: RowRef {
                file: self.file_ref,
                row: u32::try_from(s.segment).unwrap_or(u32::MAX),
            },
        })
    }

    /// The PLB pairs: money for the provider as a whole (a positive PLB amount is taken back, so it
    /// adds its negative), in the month of PLB02, to PLB01's NPI when it is one, else the payee's.
    fn provider_adjustments(&mut self) -> Vec<PaymentFact> {
        let mut out = Vec::new();
        for (k, a) in self.r.provider_adjustments.iter().enumerate() {
            let paid = -a.amount;
            let npi = Npi::parse(&a.provider_id).unwrap_or(self.npi);
            let month = ServiceMonth::of(a.fiscal_period_end);
            self.counts.provider_adjustments += 1;
            self.counts.provider_adjustment_paid += paid;
            self.lines.push(RemittanceLine {
                provider_npi: npi,
                plb_reason: a.reason.clone(),
                plb_reference: a.reference.clone().unwrap_or_default(),
                paid,
                service_month: Some(month),
                ..self.line()
            });
            out.push(PaymentFact {
                payment_id: format!("{}/PLB{}", self.r.trace_number, k + 1),
                paid_date: self
                    .r
                    .payment_date
                    .or(self.r.production_date)
                    .unwrap_or(a.fiscal_period_end),
                provider_npi: npi,
                member_id: None,
                service_month: month,
                kind: PaymentKind::Adjustment,
                amount: paid,
                source: RowRef {
                    file: self.file_ref,
                    row: 0,
                },
            });
        }
        out
    }
}
