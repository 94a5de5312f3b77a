//! One encounter row checked against every row-level rule: the row becomes an [`Encounter`], or
//! findings that say what to fix. All problems of a row are reported at once, so a billing clerk
//! fixes a row in one pass.

use super::Columns;
use crate::codeset::CodeSet;
use crate::config::Config;
use crate::input::{DateProblem, Record, parse_date};
use crate::model::Npi;
use crate::model::text::{TextError, Transliteration, check_x12_ascii, to_x12_text};
use crate::model::{
    Activity, ActivityClass, Address, DiagnosisCode, Encounter, Member, Modality, Money,
    OutreachOutcome, PlaceOfService, Rendering, RowRef, Sex, StaffClass,
};
use crate::rules::{self, Finding, Rule};
use chrono::NaiveDate;
use serde::Serialize;

/// The first day of ECM: nothing earlier is billable.
pub const ECM_START: NaiveDate = match NaiveDate::from_ymd_opt(2022, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// What a row check needs to know besides the row.
pub struct RowContext<'a> {
    pub codeset: &'a CodeSet,
    pub config: &'a Config,
    /// The run's date: services after it are refused.
    pub as_of: NaiveDate,
    /// Index of the file in the run's list, and its name as the user gave it.
    pub file_index: u16,
    pub file: &'a str,
}

/// Accented letters changed in one field of a row (the row is the [`RowOutcome`]'s).
///
/// [`RowOutcome`]: super::RowOutcome
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldTransliteration {
    pub field: &'static str,
    /// Each change, in order.
    pub changes: Vec<Transliteration>,
}

impl FieldTransliteration {
    /// `ñ->n é->e`.
    pub fn describe(&self) -> String {
        self.changes
            .iter()
            .map(|c| format!("{}->{}", c.from, c.to))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A checked row: an encounter, or the reasons it is not one, plus notes either way.
#[derive(Debug, Default)]
pub struct ParsedRow {
    pub encounter: Option<Encounter>,
    /// Errors (the row is rejected) and warnings (it is not).
    pub findings: Vec<Finding>,
    pub transliterations: Vec<FieldTransliteration>,
}

struct Checker<'r, 'c> {
    rec: &'r Record,
    ctx: &'r RowContext<'c>,
    encounter_id: String,
    out: ParsedRow,
}

impl<'r> Checker<'r, '_> {
    fn find(&mut self, rule: &'static Rule, field: Option<&str>, message: String) {
        self.out.findings.push(Finding {
            rule,
            file: self.ctx.file.to_string(),
            row: self.rec.row,
            encounter_id: (!self.encounter_id.is_empty()).then(|| self.encounter_id.clone()),
            field: field.map(str::to_string),
            message,
        });
    }

    /// A trimmed field, borrowed from the record (not from the checker), so findings can be
    /// added while it is in use.
    fn raw(&self, col: Option<usize>) -> &'r str {
        let rec: &'r Record = self.rec;
        rec.get(col)
    }

    fn required(&mut self, col: usize, field: &'static str) -> Option<&'r str> {
        let v = self.raw(Some(col));
        if v.is_empty() {
            self.find(
                &rules::MISSING_FIELD,
                Some(field),
                format!("{field} is empty"),
            );
            None
        } else {
            Some(v)
        }
    }

    fn text_problem(&mut self, field: &'static str, e: TextError) {
        let rule = match e {
            TextError::NoAscii(_) => &rules::NO_ASCII_SPELLING,
            TextError::Delimiter(_) | TextError::Control(_) => &rules::X12_DELIMITER,
        };
        self.find(rule, Some(field), format!("{field} {e}"));
    }

    /// An identifier: plain ASCII, no delimiters, within X12 lengths.
    fn ident(&mut self, v: &str, field: &'static str, min: usize, max: usize) -> Option<String> {
        if let Err(e) = check_x12_ascii(v) {
            self.text_problem(field, e);
            return None;
        }
        self.length(v, field, min, max).then(|| v.to_string())
    }

    fn length(&mut self, v: &str, field: &'static str, min: usize, max: usize) -> bool {
        let n = v.chars().count();
        if n > max || n < min {
            let range = if min > 1 {
                format!("{min} to {max}")
            } else {
                format!("at most {max}")
            };
            self.find(
                &rules::TOO_LONG,
                Some(field),
                format!("{field} has {n} characters; the 837 allows {range}"),
            );
            false
        } else {
            true
        }
    }

    /// Free text for X12: transliterated (reported), then length-checked.
    fn text(&mut self, v: &str, field: &'static str, max: usize) -> Option<String> {
        match to_x12_text(v) {
            Ok((t, changes)) => {
                if !changes.is_empty() {
                    self.note_transliteration(field, changes);
                }
                self.length(&t, field, 1, max).then_some(t)
            }
            Err(e) => {
                self.text_problem(field, e);
                None
            }
        }
    }

    fn note_transliteration(&mut self, field: &'static str, changes: Vec<Transliteration>) {
        self.out
            .transliterations
            .push(FieldTransliteration { field, changes });
    }

    /// A date; `show_value` is false for birth dates, which never appear in messages.
    fn date(&mut self, v: &str, field: &'static str, show_value: bool) -> Option<NaiveDate> {
        match parse_date(v) {
            Ok(d) => Some(d),
            Err(p) => {
                let shown = if show_value {
                    format!(" '{v}'")
                } else {
                    String::new()
                };
                let what = match p {
                    DateProblem::Unreadable => "is not a date in YYYY-MM-DD (or M/D/YYYY) form",
                    DateProblem::Impossible => "is not a real calendar day",
                };
                self.find(
                    &rules::BAD_DATE,
                    Some(field),
                    format!("{field}{shown} {what}"),
                );
                None
            }
        }
    }
}

/// Checks one encounter row. Cross-row rules (duplicate ids, member consistency) are the batch's.
pub fn parse_row(rec: &Record, cols: &Columns, ctx: &RowContext) -> ParsedRow {
    let raw_id = rec.get(Some(cols.encounter_id));
    let mut c = Checker {
        rec,
        ctx,
        // Shown in findings only when it is a printable id.
        encounter_id: if check_x12_ascii(raw_id).is_ok() && raw_id.len() <= 50 {
            raw_id.to_string()
        } else {
            String::new()
        },
        out: ParsedRow::default(),
    };

    if rec.fields.len() != cols.width {
        c.find(
            &rules::WRONG_FIELD_COUNT,
            None,
            format!(
                "the row has {} fields but the header has {}",
                rec.fields.len(),
                cols.width
            ),
        );
        return c.out;
    }
    if rec.cp1252 {
        c.find(
            &rules::BAD_ENCODING,
            None,
            "the row's bytes are not UTF-8; read as Windows-1252".into(),
        );
    }

    let encounter_id = c
        .required(cols.encounter_id, "encounter_id")
        .and_then(|v| c.ident(v, "encounter_id", 1, 30));
    let member_id = c
        .required(cols.member_id, "member_id")
        .and_then(|v| c.ident(v, "member_id", 2, 80));
    let last_name = c
        .required(cols.member_last_name, "member_last_name")
        .and_then(|v| c.text(v, "member_last_name", 60));
    let first_name = c
        .required(cols.member_first_name, "member_first_name")
        .and_then(|v| c.text(v, "member_first_name", 35));
    let dob = c
        .required(cols.member_dob, "member_dob")
        .and_then(|v| c.date(v, "member_dob", false));
    let sex = c.required(cols.member_sex, "member_sex").and_then(|v| {
        let s = Sex::parse(v);
        if s.is_none() {
            c.find(
                &rules::BAD_SEX,
                Some("member_sex"),
                format!("member_sex '{v}' is not F, M or U"),
            );
        }
        s
    });
    let service_date = c
        .required(cols.service_date, "service_date")
        .and_then(|v| c.date(v, "service_date", true));
    if let Some(sd) = service_date {
        if sd > ctx.as_of {
            c.find(
                &rules::FUTURE_SERVICE,
                Some("service_date"),
                format!("service_date {sd} is after the run date {}", ctx.as_of),
            );
        } else if sd < ECM_START {
            c.find(
                &rules::BEFORE_ECM,
                Some("service_date"),
                format!("service_date {sd} is before ECM began on {ECM_START}"),
            );
        }
        if let Some(b) = dob
            && b > sd
        {
            c.find(
                &rules::BORN_AFTER_SERVICE,
                Some("member_dob"),
                "member_dob is after service_date".into(),
            );
        }
    }
    let activity = c.required(cols.activity, "activity").and_then(|v| {
        let a = Activity::parse(v);
        if a.is_none() {
            c.find(
                &rules::UNKNOWN_ACTIVITY,
                Some("activity"),
                format!("activity '{v}' is not an ECM core service"),
            );
        }
        a
    });
    let staff_type = match c.raw(cols.staff_type) {
        "" => None,
        v => {
            let s = StaffClass::parse(v);
            if s.is_none() {
                c.find(
                    &rules::BAD_STAFF_TYPE,
                    Some("staff_type"),
                    format!("staff_type '{v}' is not clinical or non_clinical"),
                );
            }
            s
        }
    };
    let staff_role_raw = c.required(cols.staff_role, "staff_role");
    let mut staff_role = None;
    let mut role_class = None;
    if let Some(v) = staff_role_raw {
        match ctx.codeset.staff_role(v) {
            Some(r) => {
                staff_role = Some(r.role.clone());
                role_class = Some(r.staff_class);
            }
            None if staff_type.is_some() => {
                // staff_type decides the class; the role is kept as written for the record.
                staff_role = c.ident(v, "staff_role", 1, 60);
            }
            None if c.raw(cols.staff_type).is_empty() => c.find(
                &rules::UNKNOWN_STAFF_ROLE,
                Some("staff_role"),
                format!("staff_role '{v}' is not in the code set and staff_type is empty"),
            ),
            None => {}
        }
    }
    let staff_class = staff_type.or(role_class);

    let modality = c.required(cols.modality, "modality").and_then(|v| {
        let m = Modality::parse(v);
        if m.is_none() {
            c.find(
                &rules::UNKNOWN_MODALITY,
                Some("modality"),
                format!("modality '{v}' is not recognised"),
            );
        }
        m
    });
    if let (Some(a), Some(m)) = (activity, modality)
        && a.class() != ActivityClass::Outreach
        && ctx.codeset.modality(m).outreach_only
    {
        c.find(
            &rules::OUTREACH_ONLY_MODALITY,
            Some("modality"),
            format!("modality {m} may only be used for outreach, not {a}"),
        );
    }
    let payer = c.required(cols.payer, "payer").and_then(|v| {
        if ctx.config.payers.is_empty() {
            // A plan-side configuration (no [[payer]]) reads providers' exports: the column names
            // the plan the provider billed and is kept as written.
            return Some(v.to_string());
        }
        let p = ctx.config.payer_index(v);
        if p.is_none() {
            let known: Vec<&str> = ctx.config.payers.iter().map(|p| p.key.as_str()).collect();
            c.find(
                &rules::UNKNOWN_PAYER,
                Some("payer"),
                format!(
                    "payer '{v}' is not configured (configured: {})",
                    known.join(", ")
                ),
            );
        }
        p.map(|i| ctx.config.payers[i].key.clone())
    });

    let cin = match c.raw(cols.member_cin) {
        "" => None,
        v => {
            let v = v.to_ascii_uppercase();
            let b = v.as_bytes();
            if b.len() == 9 && b[..8].iter().all(u8::is_ascii_digit) && b[8].is_ascii_uppercase() {
                Some(v)
            } else {
                c.find(
                    &rules::BAD_CIN,
                    Some("member_cin"),
                    "member_cin is not 8 digits followed by a letter".into(),
                );
                None
            }
        }
    };
    let address = member_address(&mut c, cols);

    let minutes = match c.raw(cols.minutes) {
        "" => None,
        v => match v.parse::<u32>() {
            Ok(m) if (1..=1440).contains(&m) => Some(m),
            _ => {
                c.find(
                    &rules::BAD_MINUTES,
                    Some("minutes"),
                    format!("minutes '{v}' is not a whole number from 1 to 1440"),
                );
                None
            }
        },
    };
    let outreach_outcome = match c.raw(cols.outreach_outcome) {
        "" => None,
        v => {
            let o = OutreachOutcome::parse(v);
            if o.is_none() {
                c.find(
                    &rules::BAD_OUTREACH_OUTCOME,
                    Some("outreach_outcome"),
                    format!("outreach_outcome '{v}' is not successful or unsuccessful"),
                );
            }
            o
        }
    };
    if activity == Some(Activity::Outreach) && c.raw(cols.outreach_outcome).is_empty() {
        c.find(
            &rules::OUTREACH_WITHOUT_OUTCOME,
            Some("outreach_outcome"),
            "an outreach attempt needs outreach_outcome".into(),
        );
    }
    let place_of_service = match c.raw(cols.place_of_service) {
        "" => None,
        v => {
            let p = PlaceOfService::parse(v)
                .ok()
                .filter(|p| service_date.is_none_or(|d| ctx.codeset.place(*p, d).is_some()));
            if p.is_none() {
                c.find(
                    &rules::BAD_PLACE_OF_SERVICE,
                    Some("place_of_service"),
                    format!("place_of_service '{v}' is not a code in force on the service date"),
                );
            }
            p
        }
    };
    let diagnoses = diagnoses(&mut c, cols);
    let authorization_number = match c.raw(cols.authorization_number) {
        "" => None,
        v => c.ident(v, "authorization_number", 1, 50),
    };
    let rendering = rendering(&mut c, cols);
    let population_of_focus = match c.raw(cols.population_of_focus) {
        "" => None,
        v => match ctx.codeset.population(v) {
            None => {
                c.find(
                    &rules::UNKNOWN_POF,
                    Some("population_of_focus"),
                    format!("population_of_focus '{v}' is not in the code set"),
                );
                None
            }
            Some(p) => {
                let live = p.live_for(ctx.config.early_implementation_county());
                if let Some(sd) = service_date
                    && sd < live
                {
                    c.find(
                            &rules::POF_NOT_LIVE,
                            Some("population_of_focus"),
                            format!("population of focus {} went live on {live}, after the service date {sd}", p.id),
                        );
                }
                Some(p.id.clone())
            }
        },
    };
    let note_id = match c.raw(cols.note_id) {
        "" => None,
        v => Some(v.to_string()),
    };
    let charge = match c.raw(cols.charge) {
        "" => None,
        v => match Money::parse(v) {
            Ok(m) if !m.is_negative() => Some(m),
            _ => {
                c.find(
                    &rules::BAD_CHARGE,
                    Some("charge"),
                    format!("charge '{v}' is not a non-negative amount with at most two decimals"),
                );
                None
            }
        },
    };

    if c.out.findings.iter().any(Finding::is_error) {
        return c.out;
    }
    // Every required value is present when there is no error; the `?`-free unwrap chain below
    // documents that invariant without panicking if it were ever broken.
    let (
        Some(encounter_id),
        Some(member_id),
        Some(last_name),
        Some(first_name),
        Some(dob),
        Some(sex),
        Some(service_date),
        Some(activity),
        Some(staff_role),
        Some(staff_class),
        Some(modality),
        Some(payer),
    ) = (
        encounter_id,
        member_id,
        last_name,
        first_name,
        dob,
        sex,
        service_date,
        activity,
        staff_role,
        staff_class,
        modality,
        payer,
    )
    else {
        return c.out;
    };
    c.out.encounter = Some(Encounter {
        source: RowRef {
            file: ctx.file_index,
            row: rec.row,
        },
        encounter_id,
        member: Member {
            member_id,
            cin,
            last_name,
            first_name,
            dob,
            sex,
            address,
        },
        service_date,
        activity,
        staff_role,
        staff_class,
        modality,
        payer,
        minutes,
        outreach_outcome,
        place_of_service,
        diagnoses,
        authorization_number,
        rendering,
        population_of_focus,
        note_id,
        charge,
    });
    c.out
}

fn member_address(c: &mut Checker, cols: &Columns) -> Option<Address> {
    let parts = [
        c.raw(cols.member_address),
        c.raw(cols.member_city),
        c.raw(cols.member_state),
        c.raw(cols.member_zip),
    ];
    let given = parts.iter().filter(|p| !p.is_empty()).count();
    if given == 0 {
        return None;
    }
    let line1 = (!parts[0].is_empty())
        .then(|| c.text(parts[0], "member_address", 55))
        .flatten();
    let city = (!parts[1].is_empty())
        .then(|| c.text(parts[1], "member_city", 30))
        .flatten();
    let state = if parts[2].is_empty() {
        None
    } else {
        let s = parts[2].to_ascii_uppercase();
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(s)
        } else {
            c.find(
                &rules::BAD_ADDRESS,
                Some("member_state"),
                "member_state is not a two-letter state code".into(),
            );
            None
        }
    };
    let zip = if parts[3].is_empty() {
        None
    } else {
        let z: String = parts[3].chars().filter(|&ch| ch != '-').collect();
        if (z.len() == 5 || z.len() == 9) && z.bytes().all(|b| b.is_ascii_digit()) {
            Some(z)
        } else {
            c.find(
                &rules::BAD_ADDRESS,
                Some("member_zip"),
                "member_zip is not 5 or 9 digits".into(),
            );
            None
        }
    };
    match (line1, city, state, zip) {
        (Some(line1), Some(city), Some(state), Some(zip)) => Some(Address {
            line1,
            city,
            state,
            zip,
        }),
        _ => {
            if given < 4 {
                c.find(
                    &rules::ADDRESS_INCOMPLETE,
                    Some("member_address"),
                    format!("{given} of the 4 address fields are filled in; the claim will carry no member address"),
                );
            }
            None
        }
    }
}

fn diagnoses(c: &mut Checker, cols: &Columns) -> Vec<DiagnosisCode> {
    let raw = c.raw(cols.diagnosis_codes);
    let mut out: Vec<DiagnosisCode> = Vec::new();
    for (i, part) in raw
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        match DiagnosisCode::parse(part) {
            Ok(d) => {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
            Err(e) => c.find(
                &rules::BAD_DIAGNOSIS,
                Some("diagnosis_codes"),
                format!("diagnosis code #{} is malformed: {e}", i + 1),
            ),
        }
    }
    if out.len() > 12 {
        c.find(
            &rules::TOO_MANY_DIAGNOSES,
            Some("diagnosis_codes"),
            format!(
                "{} distinct diagnosis codes; an 837 claim carries at most 12",
                out.len()
            ),
        );
    }
    out
}

fn rendering(c: &mut Checker, cols: &Columns) -> Option<Rendering> {
    let npi_raw = c.raw(cols.rendering_npi);
    let last_raw = c.raw(cols.rendering_last_name);
    let first_raw = c.raw(cols.rendering_first_name);
    if npi_raw.is_empty() && last_raw.is_empty() && first_raw.is_empty() {
        return None;
    }
    let npi = if npi_raw.is_empty() {
        None
    } else {
        match Npi::parse(npi_raw) {
            Ok(n) => Some(n),
            Err(e) => {
                c.find(
                    &rules::BAD_RENDERING_NPI,
                    Some("rendering_npi"),
                    format!("rendering_npi '{npi_raw}': {e}"),
                );
                return None;
            }
        }
    };
    if npi.is_none() || last_raw.is_empty() {
        let missing = if npi.is_none() {
            "rendering_npi"
        } else {
            "rendering_last_name"
        };
        c.find(
            &rules::INCOMPLETE_RENDERING,
            Some(missing),
            format!("a rendering provider is named but {missing} is empty"),
        );
        return None;
    }
    let last_name = c.text(last_raw, "rendering_last_name", 60)?;
    let first_name = if first_raw.is_empty() {
        None
    } else {
        Some(c.text(first_raw, "rendering_first_name", 35)?)
    };
    Some(Rendering {
        npi: npi?,
        last_name,
        first_name,
    })
}
