//! One encounter row checked against every row-level rule: the row becomes an [`Encounter`], or
//! findings that say what to fix. All problems of a row are reported at once, so a billing clerk
//! fixes a row in one pass.

use super::Columns;
use crate::codeset::CodeSet;
use crate::config::Config;
use crate::digest::Fingerprint;
use crate::input::{FieldChecker, FieldTransliteration, Record, excel_serial_date, sheet_error};
use crate::model::{
    Activity, ActivityClass, Address, Correction, Encounter, Member, Modality, OutreachOutcome,
    PlaceOfService, RowRef, StaffClass, Text,
};
use crate::report::push_csv_record;
use crate::rules::{self, Finding};
use chrono::NaiveDate;

/// The first day of ECM: nothing earlier is billable.
pub const ECM_START: NaiveDate = match NaiveDate::from_ymd_opt(2022, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The earliest birth date a member can have: anything before is a placeholder or a typo.
pub const EARLIEST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
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
    /// The rows are a spreadsheet's cells: a bare number in a date column is a date serial.
    pub workbook: bool,
}

/// The columns of `transliterations.csv`, one line per transliterated field of a row.
pub const TRANSLITERATION_COLUMNS: [&str; 5] = ["file", "row", "encounter_id", "field", "changes"];

/// A checked row: an encounter, or the reasons it is not one, plus notes either way.
#[derive(Debug, Default)]
pub struct ParsedRow {
    pub encounter: Option<Encounter>,
    /// The fingerprint of the encounter id, worked out here on the reader thread for the
    /// duplicate check that runs across rows.
    pub id_key: Option<Fingerprint>,
    /// Errors (the row is rejected) and warnings (it is not).
    pub findings: Vec<Finding>,
    pub transliterations: Vec<FieldTransliteration>,
    /// The row's lines of `transliterations.csv` (its [`TRANSLITERATION_COLUMNS`]),
    /// written here on the worker thread rather than on the one that takes rows in order;
    /// empty when nothing was transliterated.
    pub transliteration_rows: Vec<u8>,
}

/// Checks one encounter row. Cross-row rules (duplicate ids, member consistency) are the batch's.
pub fn parse_row(rec: &Record, cols: &Columns, ctx: &RowContext) -> ParsedRow {
    let raw_id = rec.get(Some(cols.encounter_id));
    let mut c = FieldChecker::new(rec, ctx.file, &rules::ENCOUNTER_FIELDS, raw_id);

    if !c.shape(&cols.header) {
        return parsed(c, None);
    }
    // A formula that failed (#N/A, #REF! ...) is no value; its field's other checks would only
    // say the same thing less clearly, so their findings are dropped below.
    let mut error_cells: Vec<&'static str> = Vec::new();
    // Every error value starts with '#': a row without one (nearly all) is not looked at further.
    let named = if rec.fields.holds(b'#') {
        &cols.named[..]
    } else {
        &[]
    };
    for &(i, field) in named {
        if let Some(e) = sheet_error(rec.get(Some(i))) {
            c.find(
                &rules::SHEET_ERROR,
                Some(field),
                format!("{field} holds the spreadsheet error {e}, not a value"),
            );
            error_cells.push(field);
        }
    }

    let encounter_id = c
        .required(Some(cols.encounter_id), "encounter_id")
        .and_then(|v| c.ident(v, "encounter_id", 1, 30));
    let member_id = c
        .required(Some(cols.member_id), "member_id")
        .and_then(|v| c.ident(v, "member_id", 2, 80));
    let last_name = c
        .required(Some(cols.member_last_name), "member_last_name")
        .and_then(|v| c.text(v, "member_last_name", 60));
    let first_name = c
        .required(Some(cols.member_first_name), "member_first_name")
        .and_then(|v| c.text(v, "member_first_name", 35));
    // A spreadsheet date cell that lost its date format holds the serial (46275.75): its day.
    let serial = |v: &str| {
        ctx.workbook
            .then(|| excel_serial_date(v))
            .flatten()
            .map(|d| d.to_string())
    };
    let dob = c
        .required(Some(cols.member_dob), "member_dob")
        .and_then(|v| c.date(serial(v).as_deref().unwrap_or(v), "member_dob", false))
        .filter(|&d| {
            // 0001-01-01 and 1799 dates are placeholders; DMG02 cannot carry them either.
            let possible = d >= EARLIEST_BIRTH;
            if !possible {
                c.find(
                    &rules::BIRTH_DATE_TOO_EARLY,
                    Some("member_dob"),
                    format!("member_dob is before {EARLIEST_BIRTH}"),
                );
            }
            possible
        });
    let sex = c
        .required(Some(cols.member_sex), "member_sex")
        .and_then(|v| c.sex(v, "member_sex"));
    let service_date = c
        .required(Some(cols.service_date), "service_date")
        .and_then(|v| c.date(serial(v).as_deref().unwrap_or(v), "service_date", true));
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
    let activity = c.required(Some(cols.activity), "activity").and_then(|v| {
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
    let staff_role_raw = c.required(Some(cols.staff_role), "staff_role");
    let mut staff_role = None;
    let mut role_class = None;
    if let Some(v) = staff_role_raw {
        match ctx.codeset.staff_role(v) {
            Some(r) => {
                staff_role = Some(Text::new(&r.role));
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

    let modality = c.required(Some(cols.modality), "modality").and_then(|v| {
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
    let payer = c.required(Some(cols.payer), "payer").and_then(|v| {
        if ctx.config.payers.is_empty() {
            // A plan-side configuration (no [[payer]]) reads providers' exports: the column names
            // the plan the provider billed and is kept as written.
            return Some(Text::new(v));
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
        p.map(|i| Text::new(&ctx.config.payers[i].key))
    });

    let cin = c.cin(c.raw(cols.member_cin), "member_cin");
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
    let diagnoses = c.diagnoses(c.raw(cols.diagnosis_codes), "diagnosis_codes");
    let authorization_number = match c.raw(cols.authorization_number) {
        "" => None,
        v => c.ident(v, "authorization_number", 1, 50),
    };
    let rendering = c.rendering(
        [
            c.raw(cols.rendering_npi),
            c.raw(cols.rendering_last_name),
            c.raw(cols.rendering_first_name),
        ],
        [
            "rendering_npi",
            "rendering_last_name",
            "rendering_first_name",
        ],
    );
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
                Some(Text::new(&p.id))
            }
        },
    };
    let note_id = match c.raw(cols.note_id) {
        "" => None,
        v => Some(Text::new(v)),
    };
    let charge = c.charge(c.raw(cols.charge), "charge");
    let correction = correction(&mut c, cols);
    if !error_cells.is_empty() {
        c.findings.retain(|f| {
            f.rule.id == rules::SHEET_ERROR.id
                || f.field.as_deref().is_none_or(|x| !error_cells.contains(&x))
        });
    }

    if c.has_error() {
        return parsed(c, None);
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
        return parsed(c, None);
    };
    let encounter = Encounter {
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
        correction,
    };
    parsed(c, Some(encounter))
}

fn parsed(c: FieldChecker, encounter: Option<Encounter>) -> ParsedRow {
    let mut transliteration_rows = Vec::new();
    if !c.transliterations.is_empty() {
        // The row's id as its findings show it: the encounter's, or the printable id as written.
        let id = encounter.as_ref().map_or(&c.id, |e| &e.encounter_id);
        let row = c.row().to_string();
        for t in &c.transliterations {
            let changes = t.describe();
            push_csv_record(
                &mut transliteration_rows,
                [c.file(), &row, id, t.field, &changes],
            );
        }
    }
    ParsedRow {
        id_key: encounter
            .as_ref()
            .map(|e| Fingerprint::of(e.encounter_id.as_str())),
        encounter,
        findings: c.findings,
        transliterations: c.transliterations,
        transliteration_rows,
    }
}

fn member_address(c: &mut FieldChecker, cols: &Columns) -> Option<Address> {
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
        .then(|| c.text_between(parts[1], "member_city", 2, 30))
        .flatten();
    let state = if parts[2].is_empty() {
        None
    } else {
        let s = Text::new(parts[2]).to_ascii_uppercase();
        if crate::model::is_us_state(&s) {
            Some(s)
        } else {
            c.find(
                &rules::BAD_ADDRESS,
                Some("member_state"),
                format!(
                    "member_state '{}' is not the two-letter code of a US state or territory",
                    parts[2]
                ),
            );
            None
        }
    };
    let zip = if parts[3].is_empty() {
        None
    } else {
        let z: Text = parts[3].chars().filter(|&ch| ch != '-').collect();
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

/// The correction columns: all empty is an ordinary row; otherwise the row must name the
/// encounter it corrects.
fn correction(c: &mut FieldChecker, cols: &Columns) -> Option<Correction> {
    let kind = c.raw(cols.correction);
    let replaces = c.raw(cols.replaces_encounter_id);
    let original = c.raw(cols.original_claim_id);
    if kind.is_empty() && replaces.is_empty() && original.is_empty() {
        return None;
    }
    let frequency = Correction::parse_kind(kind);
    if frequency.is_none() {
        c.find(
            &rules::BAD_CORRECTION,
            Some("correction"),
            format!("correction '{kind}' is not replace or void"),
        );
    }
    let replaces = if replaces.is_empty() {
        c.find(
            &rules::CORRECTION_WITHOUT_ORIGINAL,
            Some("replaces_encounter_id"),
            "the row is a correction but replaces_encounter_id is empty".into(),
        );
        None
    } else if replaces == c.raw(Some(cols.encounter_id)) {
        c.find(
            &rules::CORRECTION_WITHOUT_ORIGINAL,
            Some("replaces_encounter_id"),
            "replaces_encounter_id is this row's own encounter_id; a correction names the encounter sent before, under its own new encounter_id".into(),
        );
        None
    } else {
        c.ident(replaces, "replaces_encounter_id", 1, 30)
    };
    let original_claim_id = match original {
        "" => None,
        v => Some(c.ident(v, "original_claim_id", 1, 20)?),
    };
    Some(Correction {
        frequency: frequency?,
        replaces: replaces?,
        original_claim_id,
    })
}
