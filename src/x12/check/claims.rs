//! Claim-level checks, above single elements: LX numbering, CLM02 against the lines' SV102,
//! charges at least 0 and in cents, CLM01 length and uniqueness, REF*6R length and uniqueness in
//! the claim, ICD-10 code shape, diagnosis pointers against the claim's codes, NPI shape and
//! check digits, and whether an ECM code's modifiers are billed on the line's service date.
//! The limits are the writer's ([`MAX_CLAIM_ID`], [`MAX_LINE_CONTROL`]), and so is the set of
//! claim ids already seen. What the guide allows but ecm's own reader does not take (the reader
//! `ecm diff` and `ecm reconcile` use) is a warning, tested the way the reader tests it.

use super::finding::CheckFinding;
use crate::codeset::CodeSet;
use crate::model::{
    ClaimFrequency, DiagnosisCode, Hcpcs, Modifier, Modifiers, Money, MoneyError, Npi, NpiError,
    PlaceOfService, parse_x12_decimal, whole_units,
};
use crate::rules::Rule;
use crate::rules::check::{
    BAD_CHARGE, BAD_CODE, BAD_DIAGNOSIS_POINTER, BAD_ICD10, BAD_LINE_NUMBER, BAD_NPI,
    CLAIM_ID_TOO_LONG, DUPLICATE_CLAIM_ID, DUPLICATE_LINE_CONTROL, LINE_CONTROL_TOO_LONG,
    NOT_ECM_COMBINATION, NPI_NOT_TEN_DIGITS, READER_REFUSES, TOTAL_MISMATCH,
};
use crate::x12::element::is_decimal;
use crate::x12::p837_checks::ClaimIds;
use crate::x12::{MAX_CLAIM_ID, MAX_LINE_CONTROL, Placement, Position, Segment};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// HI qualifiers whose codes are ICD-10-CM (principal, other, admitting, external cause,
/// patient's reason for visit).
const ICD10_QUALIFIERS: [&str; 5] = ["ABK", "ABF", "ABJ", "ABN", "APR"];

/// HI qualifiers of the claim's diagnosis codes, the ones SV107 points to (ICD-10 principal and
/// other, ICD-9 principal and other).
const POINTED_QUALIFIERS: [&str; 4] = ["ABK", "ABF", "BK", "BF"];

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
    /// How many diagnosis codes its HI segments give (what SV107 can point to).
    diagnoses: usize,
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

    /// Checks a placed segment that starts or adds to a claim or line. Called once a segment
    /// from `Checker::segment` only, and inlined there like `check_elements`.
    #[inline]
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
                charge(seg, 2, "CLM02", &mut report);
                place_of_service(seg.component(5, 1), "CLM05-1", &mut report);
                let frequency = seg.component(5, 3);
                if !frequency.is_empty() && ClaimFrequency::from_code(frequency).is_none() {
                    report(
                        &READER_REFUSES,
                        "CLM05-3",
                        format!(
                            "CLM05-3 (claim frequency) is {frequency:?}; ecm's reader takes 1 (original), 7 (replacement) and 8 (void) only, so `ecm diff` and `ecm reconcile` will not read this file"
                        ),
                    );
                }
                let total = parse_x12_decimal(seg.element(2)).ok();
                self.claim = Some(ClaimState {
                    at: seg.position(),
                    total,
                    lines_sum: Some(Decimal::ZERO),
                    next_lx: 1,
                    controls: Vec::new(),
                    date: None,
                    diagnoses: 0,
                });
            }
            ("2300", "DTP") if seg.element(1) == "472" => {
                if let Some(c) = &mut self.claim {
                    c.date = first_day(seg);
                }
            }
            ("2300", "HI") => {
                icd10(seg, &mut report);
                if let Some(c) = &mut self.claim {
                    c.diagnoses += (1..=seg.element_count())
                        .filter(|&n| POINTED_QUALIFIERS.contains(&seg.component(n, 1)))
                        .count();
                }
            }
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
                charge(seg, 2, "SV102", &mut report);
                sv1_readable(seg, &mut report);
                place_of_service(seg.element(5), "SV105", &mut report);
                if let Some(c) = &self.claim {
                    pointers(seg, c.diagnoses, &mut report);
                }
                if let Some(c) = &mut self.claim {
                    let charge = parse_x12_decimal(seg.element(2)).ok();
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
    match Npi::parse(value) {
        // An empty NM109 is the syntax rule's finding (NM108 and NM109 go together).
        _ if value.is_empty() => {}
        Err(NpiError::CheckDigit) => report(
            &BAD_NPI,
            "NM109",
            format!("NPI {value} fails its check digit (Luhn over prefix 80840)"),
        ),
        Err(NpiError::Shape(len)) => report(
            &NPI_NOT_TEN_DIGITS,
            "NM109",
            format!(
                "NM109 is an NPI (NM108 XX) but is {len} characters{}: an NPI is exactly 10 digits",
                if value.bytes().all(|b| b.is_ascii_digit()) {
                    ""
                } else {
                    " and not all digits"
                }
            ),
        ),
        Ok(_) => {}
    }
}

/// A charge (CLM02, SV102) at least 0 and in cents, as the guide and ecm's reader want it.
fn charge(
    seg: &Segment<'_>,
    n: usize,
    element: &str,
    report: &mut dyn FnMut(&'static Rule, &str, String),
) {
    let value = seg.element(n);
    // Empty or not a decimal at all: the element checks' finding.
    if !is_decimal(value) {
        return;
    }
    let problem = match Money::parse_x12(value) {
        Ok(m) if m.is_negative() => "is negative; the guide wants charges of 0 or more",
        Ok(_) => return,
        Err(MoneyError::TooPrecise) => {
            "has more than 2 decimal places; charges are in dollars and cents, and ecm's reader refuses it"
        }
        // Not an X12 decimal (`30.`, `+5`): the element checks' finding; the reader reads every
        // X12 decimal (`.50` too) as an amount.
        Err(MoneyError::Syntax | MoneyError::PointLast) => return,
        // Over 18 digits: the element's length check says so.
        Err(MoneyError::TooLarge | MoneyError::TooLargeForX12) => return,
    };
    report(&BAD_CHARGE, element, format!("{element} {value} {problem}"));
}

/// A place of service (CLM05-1, SV105) as the reader takes it: one or two digits.
fn place_of_service(
    value: &str,
    element: &str,
    report: &mut dyn FnMut(&'static Rule, &str, String),
) {
    if !value.is_empty() && PlaceOfService::parse(value).is_err() {
        report(
            &BAD_CODE,
            element,
            format!(
                "{element} (Place of Service Code) is {value:?}, not a CMS place-of-service code (two digits, such as 11 or 12)"
            ),
        );
    }
}

/// SV1's procedure as ecm's reader takes it: a HCPCS/CPT code and modifiers shaped like one, in
/// capitals as CMS lists them (errors: SV101-1 HC says they are, and a payer matches `u1` to no
/// modifier, as CHK-026 says of a lower-case ICD-10 code), and what the guide allows but the reader does not take
/// (warnings): procedures other than HCPCS/CPT (SV101-1 ER, IV, WK) and unit counts that are not
/// whole numbers (SV104).
fn sv1_readable(seg: &Segment<'_>, report: &mut dyn FnMut(&'static Rule, &str, String)) {
    let qualifier = seg.component(1, 1);
    if qualifier == "HC" {
        let code = seg.component(1, 2);
        if !code.is_empty() && !Hcpcs::parse(code).is_ok_and(|c| c.as_str() == code) {
            bad_procedure(code, report);
        }
        for c in 3..=6 {
            let m = seg.component(1, c);
            if !m.is_empty() && !Modifier::parse(m).is_ok_and(|x| x.as_str() == m) {
                bad_modifier(c, m, report);
            }
        }
    } else if !qualifier.is_empty() {
        report(
            &READER_REFUSES,
            "SV101-1",
            format!(
                "SV101-1 is {qualifier:?}; ecm's reader takes HCPCS/CPT procedures (HC) only, so `ecm diff` and `ecm reconcile` will not read this file"
            ),
        );
    }
    let units = seg.element(4);
    if is_decimal(units)
        && parse_x12_decimal(units)
            .ok()
            .and_then(whole_units)
            .is_none()
    {
        report(
            &READER_REFUSES,
            "SV104",
            format!(
                "SV104 (units) is {units}; ecm's reader takes whole unit counts (0 to 4294967295) only, so `ecm diff` and `ecm reconcile` will not read this file"
            ),
        );
    }
}

/// Reports SV101-2 `code`, which is no HCPCS/CPT code as written (kept off the per-line path).
#[cold]
fn bad_procedure(code: &str, report: &mut dyn FnMut(&'static Rule, &str, String)) {
    let message = match Hcpcs::parse(code) {
        Ok(c) if code.trim() != code => format!(
            "SV101-2 is {code:?}, with spaces around the code: send {c} alone, as payers match codes exactly"
        ),
        Ok(c) => format!(
            "SV101-2 is {code:?}, not in capitals: HCPCS and CPT codes are sent as CMS lists them ({c}), and payers match them exactly"
        ),
        Err(_) => format!(
            "SV101-2 is {code:?}, not a HCPCS or CPT code (5 letters and digits, such as G9008) as SV101-1 HC says"
        ),
    };
    report(&BAD_CODE, "SV101-2", message);
}

/// Reports modifier `m` in SV101 component `c`, which is no modifier as written.
#[cold]
fn bad_modifier(c: usize, m: &str, report: &mut dyn FnMut(&'static Rule, &str, String)) {
    let message = match Modifier::parse(m) {
        Ok(x) if m.trim() != m => format!(
            "SV101-{c} is {m:?}, with spaces around the modifier: send {x} alone, as payers match modifiers exactly"
        ),
        Ok(x) => format!(
            "SV101-{c} is {m:?}, not in capitals: procedure modifiers are sent as CMS lists them ({x}), and payers match them exactly"
        ),
        Err(_) => format!(
            "SV101-{c} is {m:?}, not a procedure modifier (2 letters or digits, such as U1)"
        ),
    };
    report(&BAD_CODE, &format!("SV101-{c}"), message);
}

/// SV107's pointers against the `diagnoses` codes of the claim's HI (none when the HI is
/// missing, which is its own finding).
fn pointers(
    seg: &Segment<'_>,
    diagnoses: usize,
    report: &mut dyn FnMut(&'static Rule, &str, String),
) {
    if diagnoses == 0 {
        return;
    }
    for (c, p) in seg.components(7).enumerate() {
        // Not a number 1..12: the element checks' finding.
        let Ok(n) = p.parse::<usize>() else { continue };
        if n > diagnoses && n <= 12 {
            let designator = format!("SV107-{}", c + 1);
            let codes = if diagnoses == 1 {
                "1 diagnosis code".to_string()
            } else {
                format!("{diagnoses} diagnosis codes")
            };
            report(
                &BAD_DIAGNOSIS_POINTER,
                &designator,
                format!("{designator} points to diagnosis {n}, but the claim's HI gives {codes}"),
            );
        }
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
