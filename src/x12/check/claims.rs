//! Claim-level checks, above single elements: LX numbering, CLM02 against the lines' SV102,
//! CLM01 length and uniqueness, REF*6R length and uniqueness in the claim, ICD-10 code shape,
//! NPI check digits, and whether an ECM code's modifiers are billed on the line's service date.
//! The limits are the writer's ([`MAX_CLAIM_ID`], [`MAX_LINE_CONTROL`]), and so is the set of
//! claim ids already seen.

use super::finding::CheckFinding;
use crate::codeset::CodeSet;
use crate::model::{DiagnosisCode, Hcpcs, Modifier, Modifiers, Npi, NpiError};
use crate::rules::Rule;
use crate::rules::check::{
    BAD_ICD10, BAD_LINE_NUMBER, BAD_NPI, CLAIM_ID_TOO_LONG, DUPLICATE_CLAIM_ID,
    DUPLICATE_LINE_CONTROL, LINE_CONTROL_TOO_LONG, NOT_ECM_COMBINATION, TOTAL_MISMATCH,
};
use crate::x12::p837_checks::ClaimIds;
use crate::x12::{MAX_CLAIM_ID, MAX_LINE_CONTROL, Placement, Position, Segment};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// HI qualifiers whose codes are ICD-10-CM (principal, other, admitting, external cause,
/// patient's reason for visit).
const ICD10_QUALIFIERS: [&str; 5] = ["ABK", "ABF", "ABJ", "ABN", "APR"];

/// What the current claim and line said so far, and the claim ids of the file.
pub(super) struct Claims<'c> {
    codeset: &'c CodeSet,
    ids: ClaimIds,
    claim: Option<ClaimState>,
    line: Option<LineState>,
}

struct ClaimState {
    at: Position,
    /// CLM02, when it is a number.
    total: Option<Decimal>,
    /// The sum of SV102 so far; `None` once one is not a number.
    lines_sum: Option<Decimal>,
    next_lx: u64,
    /// The REF*6R values of its lines so far (at most 50 lines a claim).
    controls: Vec<String>,
    /// DTP*472 at claim level, which lines without their own date inherit.
    date: Option<NaiveDate>,
}

struct LineState {
    /// Whether its SV1 was placed (else the claim's line total cannot be known).
    priced: bool,
    /// The SV1 segment, when it names an ECM code: where, the code and its modifiers.
    ecm: Option<(Position, Hcpcs, Modifiers)>,
    date: Option<NaiveDate>,
}

impl<'c> Claims<'c> {
    pub(super) fn new(codeset: &'c CodeSet) -> Claims<'c> {
        Claims {
            codeset,
            ids: ClaimIds::default(),
            claim: None,
            line: None,
        }
    }

    /// Checks a placed segment that starts or adds to a claim or line.
    pub(super) fn placed(
        &mut self,
        seg: &Segment<'_>,
        p: &Placement,
        emit: &mut dyn FnMut(CheckFinding),
    ) {
        let loop_id = p.loop_def.id;
        let mut report = |rule: &'static Rule, element: &str, message: String| {
            emit(
                CheckFinding::at(rule, seg.position(), seg.id(), Some(loop_id), message)
                    .element(element),
            );
        };
        match (loop_id, seg.id()) {
            (_, "NM1") if seg.element(8) == "XX" => npi(seg.element(9), &mut report),
            ("2300", "CLM") => {
                let id = seg.element(1);
                let len = id.chars().count();
                if len > MAX_CLAIM_ID {
                    report(
                        &CLAIM_ID_TOO_LONG,
                        "CLM01",
                        format!(
                            "CLM01 {id:?} is {len} characters; at most {MAX_CLAIM_ID} are kept"
                        ),
                    );
                }
                if !id.is_empty() && !self.ids.insert(id) {
                    report(
                        &DUPLICATE_CLAIM_ID,
                        "CLM01",
                        format!("CLM01 {id:?} is used by an earlier claim in this file"),
                    );
                }
                let total = Decimal::from_str(seg.element(2)).ok();
                self.claim = Some(ClaimState {
                    at: seg.position(),
                    total,
                    lines_sum: Some(Decimal::ZERO),
                    next_lx: 1,
                    controls: Vec::new(),
                    date: None,
                });
            }
            ("2300", "DTP") if seg.element(1) == "472" => {
                if let Some(c) = &mut self.claim {
                    c.date = first_day(seg);
                }
            }
            ("2300", "HI") => icd10(seg, &mut report),
            ("2400", "LX") => {
                self.line = Some(LineState {
                    priced: false,
                    ecm: None,
                    date: None,
                });
                if let Some(c) = &mut self.claim {
                    let n = seg.element(1);
                    if n != c.next_lx.to_string() {
                        report(
                            &BAD_LINE_NUMBER,
                            "LX01",
                            format!(
                                "LX01 is {n:?} but the claim's lines are numbered 1, 2, 3...: {} is next",
                                c.next_lx
                            ),
                        );
                    }
                    c.next_lx = n.parse::<u64>().map_or(c.next_lx + 1, |n| n + 1);
                }
            }
            ("2400", "SV1") => {
                if let Some(c) = &mut self.claim {
                    let charge = Decimal::from_str(seg.element(2)).ok();
                    c.lines_sum = c.lines_sum.zip(charge).map(|(s, x)| s + x);
                }
                let ecm = self.ecm_code(seg);
                if let Some(l) = &mut self.line {
                    l.ecm = ecm;
                    l.priced = true;
                }
            }
            ("2400", "DTP") if seg.element(1) == "472" => {
                if let Some(l) = &mut self.line {
                    l.date = first_day(seg);
                }
            }
            ("2400", "REF") if seg.element(1) == "6R" => {
                let control = seg.element(2);
                let len = control.chars().count();
                if len > MAX_LINE_CONTROL {
                    report(
                        &LINE_CONTROL_TOO_LONG,
                        "REF02",
                        format!(
                            "REF*6R {control:?} is {len} characters; at most {MAX_LINE_CONTROL} are allowed"
                        ),
                    );
                }
                if let Some(c) = &mut self.claim {
                    if c.controls.iter().any(|x| x == control) {
                        report(
                            &DUPLICATE_LINE_CONTROL,
                            "REF02",
                            format!("REF*6R {control:?} is used by an earlier line of this claim"),
                        );
                    } else {
                        c.controls.push(control.to_string());
                    }
                }
            }
            _ => {}
        }
    }

    /// Finishes the line or claim whose loop closed.
    pub(super) fn closed(&mut self, loop_id: &str, emit: &mut dyn FnMut(CheckFinding)) {
        match loop_id {
            "2400" => {
                let Some(line) = self.line.take() else { return };
                if !line.priced
                    && let Some(c) = &mut self.claim
                {
                    c.lines_sum = None;
                }
                let claim_date = self.claim.as_ref().and_then(|c| c.date);
                if let (Some((at, code, modifiers)), Some(date)) =
                    (line.ecm, line.date.or(claim_date))
                {
                    self.ecm_combination(at, code, modifiers, date, emit);
                }
            }
            "2300" => {
                let Some(c) = self.claim.take() else { return };
                if let (Some(total), Some(sum)) = (c.total, c.lines_sum)
                    && total != sum
                {
                    emit(
                        CheckFinding::at(
                            &TOTAL_MISMATCH,
                            c.at,
                            "CLM",
                            Some("2300"),
                            format!(
                                "CLM02 is {total} but the lines' SV102 charges add up to {sum}"
                            ),
                        )
                        .element("CLM02"),
                    );
                }
            }
            _ => {}
        }
    }

    /// The SV1's procedure when it is a code of the ECM table, with its modifiers.
    fn ecm_code(&self, seg: &Segment<'_>) -> Option<(Position, Hcpcs, Modifiers)> {
        if seg.component(1, 1) != "HC" {
            return None;
        }
        let code = Hcpcs::parse(seg.component(1, 2)).ok()?;
        if !self.codeset.hcpcs.iter().any(|r| r.hcpcs == code) {
            return None;
        }
        let mods: Vec<Modifier> = (3..=6)
            .map(|c| seg.component(1, c))
            .filter(|m| !m.is_empty())
            .map(Modifier::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        Some((seg.position(), code, Modifiers::from_slice(&mods).ok()?))
    }

    fn ecm_combination(
        &self,
        at: Position,
        code: Hcpcs,
        modifiers: Modifiers,
        date: NaiveDate,
        emit: &mut dyn FnMut(CheckFinding),
    ) {
        if self
            .codeset
            .is_ecm_combination(code, modifiers, date)
            .is_some()
        {
            return;
        }
        let mut billed: Vec<String> = self
            .codeset
            .hcpcs
            .iter()
            .filter(|r| r.hcpcs == code && r.effective.contains(date))
            .map(|r| {
                format!("{code} {}", r.modifiers.join(" "))
                    .trim_end()
                    .to_string()
            })
            .collect();
        billed.sort();
        billed.dedup();
        let shown = if modifiers.is_empty() {
            "no modifiers".to_string()
        } else {
            format!("modifiers {}", modifiers.join(" "))
        };
        let in_force = if billed.is_empty() {
            format!("no {code} row is in force that day")
        } else {
            format!(
                "in force that day (with a telehealth modifier where one applies): {}",
                billed.join(", ")
            )
        };
        emit(
            CheckFinding::at(
                &NOT_ECM_COMBINATION,
                at,
                "SV1",
                Some("2400"),
                format!("{code} with {shown} is not billed by the code set on {date}; {in_force}"),
            )
            .element("SV101"),
        );
    }
}

/// The first day of a DTP's D8 date or RD8 range, when it reads.
fn first_day(seg: &Segment<'_>) -> Option<NaiveDate> {
    let v = seg.element(3);
    let day = v.get(..8)?;
    NaiveDate::parse_from_str(day, "%Y%m%d").ok()
}

fn npi(value: &str, report: &mut dyn FnMut(&'static Rule, &str, String)) {
    // Other shapes are the element checks' business (length, characters).
    if let Err(NpiError::CheckDigit) = Npi::parse(value) {
        report(
            &BAD_NPI,
            "NM109",
            format!("NPI {value} fails its check digit (Luhn over prefix 80840)"),
        );
    }
}

fn icd10(seg: &Segment<'_>, report: &mut dyn FnMut(&'static Rule, &str, String)) {
    for n in 1..=seg.element_count() {
        if !ICD10_QUALIFIERS.contains(&seg.component(n, 1)) {
            continue;
        }
        let code = seg.component(n, 2);
        let problem = if code.contains('.') {
            Some("has a decimal point, which X12 never carries (Z59.00 is sent as Z5900)")
        } else if code.is_empty() {
            None // a missing component is the element checks' finding
        } else {
            match DiagnosisCode::parse(code) {
                Ok(d) if d.as_str() == code => None,
                Ok(_) => Some("is not in capitals"),
                Err(_) => Some(
                    "is not an ICD-10-CM code: a letter, a digit, a letter or digit, then up to 4 more",
                ),
            }
        };
        if let Some(problem) = problem {
            let designator = format!("HI{n:02}-2");
            report(
                &BAD_ICD10,
                &designator,
                format!("{designator} (qualifier {}) {problem}", seg.component(n, 1)),
            );
        }
    }
}
