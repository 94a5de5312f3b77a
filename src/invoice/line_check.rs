//! One invoice line checked against every rule that needs only the line and the plan's
//! configuration: fields, the provider's contract, the code set. What needs other lines (the
//! roster, duplicates, the ledger) is the batch's business. Every problem of a line is reported
//! at once, so the provider fixes it in one pass; messages never quote names or birth dates.

use super::read::{InvoiceColumns, field};
use crate::codeset::CodeSet;
use crate::coding::{ChargeSource, Coding};
use crate::config::{Config, PlanConfig};
use crate::encounters::ECM_START;
use crate::input::{FieldChecker, FieldTransliteration, Record};
use crate::invoice::ledger::LineKeys;
use crate::model::{
    Activity, ActivityClass, ClaimFrequency, Correction, Hcpcs, Member, Modifiers, Npi,
    PlaceOfService, Rendering, RowRef, Text,
};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use std::sync::Arc;

/// The billing provider as an invoice line names it (the 837's 2010AA).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProviderParty {
    pub npi: Npi,
    pub name: String,
    pub tin: String,
    pub address: String,
    pub city: String,
    pub state: String,
    /// Nine digits.
    pub zip: String,
}

/// What a line check needs besides the line.
pub struct LineContext<'a, 'cs> {
    pub codeset: &'cs CodeSet,
    pub config: &'a Config,
    pub plan: &'a PlanConfig,
    /// The run's date: later service dates are refused.
    pub as_of: NaiveDate,
    pub file: &'a str,
    pub file_index: u16,
}

/// A line that passed every check of its own.
#[derive(Debug, Clone)]
pub struct CheckedLine<'cs> {
    pub source: RowRef,
    pub invoice_number: Text,
    /// Shared by the lines of one provider block.
    pub provider: Arc<ProviderParty>,
    pub line_id: Text,
    pub member: Member,
    pub service_date: NaiveDate,
    /// Outreach, or a service to an enrolled member (from the code set row).
    pub activity_class: ActivityClass,
    pub activity: Activity,
    pub coding: Coding<'cs>,
    pub authorization: Option<Text>,
    pub rendering: Option<Rendering>,
    /// A replacement or void; `replaces` is the corrected line's id.
    pub correction: Option<Correction>,
    /// The line's ledger fingerprints.
    pub keys: LineKeys,
}

/// A checked line: the line when it passed, and every finding either way.
#[derive(Debug)]
pub struct CheckedRow<'cs> {
    pub line: Option<CheckedLine<'cs>>,
    pub findings: Vec<Finding>,
    /// Accented letters spelled in ASCII, field by field.
    pub transliterations: Vec<FieldTransliteration>,
    /// The raw invoice number, provider NPI and line id, for the rejects file (empty when not
    /// printable).
    pub invoice_number: Text,
    pub provider_npi: Text,
}

/// Checks one line.
pub fn check_line<'cs>(
    rec: &Record,
    cols: &InvoiceColumns,
    ctx: &LineContext<'_, 'cs>,
    memo: &mut ProviderMemo,
) -> CheckedRow<'cs> {
    let col = |f: usize| cols.at(f);
    let mut c = FieldChecker::new(
        rec,
        ctx.file,
        &rules::INGEST_FIELDS,
        rec.get(col(field::LINE_ID)),
    );
    let printable = |v: &str| {
        if crate::model::text::check_x12_ascii(v).is_ok() && v.len() <= 50 {
            Text::new(v)
        } else {
            Text::default()
        }
    };
    let invoice_raw = printable(rec.get(col(field::INVOICE_NUMBER)));
    let npi_raw = printable(rec.get(col(field::PROVIDER_NPI)));
    let done = |c: FieldChecker, line: Option<CheckedLine<'cs>>| CheckedRow {
        line,
        transliterations: c.transliterations,
        findings: c.findings,
        invoice_number: invoice_raw.clone(),
        provider_npi: npi_raw.clone(),
    };
    if !c.shape(&cols.header) {
        return done(c, None);
    }

    let invoice_number = c
        .required(col(field::INVOICE_NUMBER), "invoice_number")
        .and_then(|v| c.ident(v, "invoice_number", 1, 50));
    let provider = provider(&mut c, cols, memo);
    if let Some(v) = Some(c.raw(col(field::PLAN_PAYER_ID))).filter(|v| !v.is_empty())
        && !v.eq_ignore_ascii_case(&ctx.plan.payer_id)
    {
        c.find(
            &rules::ING_OTHER_PLAN,
            Some("plan_payer_id"),
            format!(
                "plan_payer_id '{v}' is not this plan's payer id {}",
                ctx.plan.payer_id
            ),
        );
    }
    let line_id = c
        .required(col(field::LINE_ID), "line_id")
        .and_then(|v| c.ident(v, "line_id", 1, 30));
    let member_id = c
        .required(col(field::MEMBER_ID), "member_id")
        .and_then(|v| c.ident(v, "member_id", 2, 80));
    let last_name = c
        .required(col(field::MEMBER_LAST_NAME), "member_last_name")
        .and_then(|v| c.text(v, "member_last_name", 60));
    let first_name = c
        .required(col(field::MEMBER_FIRST_NAME), "member_first_name")
        .and_then(|v| c.text(v, "member_first_name", 35));
    let dob = c
        .required(col(field::MEMBER_DOB), "member_dob")
        .and_then(|v| c.date(v, "member_dob", false));
    let sex = c
        .required(col(field::MEMBER_SEX), "member_sex")
        .and_then(|v| c.sex(v, "member_sex"));
    let cin = c.cin(c.raw(col(field::MEMBER_CIN)), "member_cin");
    let service_date = c
        .required(col(field::SERVICE_DATE), "service_date")
        .and_then(|v| c.date(v, "service_date", true));
    if let Some(sd) = service_date {
        if sd > ctx.as_of || sd < ECM_START {
            c.find(
                &rules::ING_BAD_SERVICE_DATE,
                Some("service_date"),
                format!(
                    "service_date {sd} is {}",
                    if sd > ctx.as_of {
                        format!("after the run date {}", ctx.as_of)
                    } else {
                        format!("before ECM began on {ECM_START}")
                    }
                ),
            );
        }
        if dob.is_some_and(|b| b > sd) {
            c.find(
                &rules::ING_BORN_AFTER_SERVICE,
                Some("member_dob"),
                "member_dob is after service_date".into(),
            );
        }
        if let Some(p) = &provider
            && ctx.config.contract_for(p.npi, sd).is_none()
        {
            c.find(
                &rules::ING_NOT_CONTRACTED,
                Some("provider_npi"),
                format!(
                    "provider {} has no contract with the plan in force on {sd}",
                    p.npi
                ),
            );
        }
    }
    let code = code(&mut c, cols, ctx, service_date);
    let units = c.required(col(field::UNITS), "units").and_then(|v| {
        let u = v.parse::<u32>().ok().filter(|u| (1..=9999).contains(u));
        if u.is_none() {
            c.find(
                &rules::ING_BAD_UNITS,
                Some("units"),
                format!("units '{v}' is not a whole number from 1 to 9999"),
            );
        }
        u
    });
    // A void may give its charge as the credit `ecm invoice` shows (-150.00) or as the original
    // charge (150.00, as a form filled in by hand may): the line keeps the original, which its
    // void claim carries; the summary counts it as a credit.
    let kind = c.raw(cols.at(field::CORRECTION));
    let void = !kind.is_empty() && Correction::parse_kind(kind) == Some(ClaimFrequency::Void);
    let charge = c.required(col(field::CHARGE), "charge").and_then(|v| {
        if void {
            c.void_charge(v, "charge")
        } else {
            c.charge(v, "charge")
        }
    });
    let place = c
        .required(col(field::PLACE_OF_SERVICE), "place_of_service")
        .and_then(|v| {
            // A spreadsheet turns 02 typed into a cell into the number 2.
            let padded = if v.len() == 1 {
                format!("0{v}")
            } else {
                v.to_string()
            };
            let p = PlaceOfService::parse(&padded)
                .ok()
                .filter(|p| service_date.is_none_or(|d| ctx.codeset.place(*p, d).is_some()));
            if p.is_none() {
                c.find(
                    &rules::ING_BAD_PLACE_OF_SERVICE,
                    Some("place_of_service"),
                    format!("place_of_service '{v}' is not a code in force on the service date"),
                );
            }
            p
        });
    let mut diagnoses = c.diagnoses(c.raw(col(field::DIAGNOSIS_CODES)), "diagnosis_codes");
    if diagnoses.is_empty() && c.raw(col(field::DIAGNOSIS_CODES)).is_empty() {
        match ctx.plan.default_diagnosis {
            Some(d) => diagnoses.push(d),
            None => c.find(
                &rules::ING_NO_DIAGNOSIS,
                Some("diagnosis_codes"),
                "no diagnosis_codes and the plan has no default_diagnosis".into(),
            ),
        }
    }
    let authorization = match c.raw(col(field::AUTHORIZATION_NUMBER)) {
        "" => None,
        v => c.ident(v, "authorization_number", 1, 50),
    };
    let rendering = c.rendering(
        [
            c.raw(col(field::RENDERING_NPI)),
            c.raw(col(field::RENDERING_LAST_NAME)),
            c.raw(col(field::RENDERING_FIRST_NAME)),
        ],
        [
            "rendering_npi",
            "rendering_last_name",
            "rendering_first_name",
        ],
    );
    let correction = correction(&mut c, cols);

    if c.has_error() {
        return done(c, None);
    }
    let (
        Some(invoice_number),
        Some(provider),
        Some(line_id),
        Some(member_id),
        Some(last_name),
        Some(first_name),
        Some(dob),
        Some(sex),
        Some(service_date),
        Some((hcpcs, modifiers, row)),
        Some(units),
        Some(charge),
        Some(place_of_service),
    ) = (
        invoice_number,
        provider,
        line_id,
        member_id,
        last_name,
        first_name,
        dob,
        sex,
        service_date,
        code,
        units,
        charge,
        place,
    )
    else {
        return done(c, None);
    };
    // The activity is the provider's description; the code set row decides the class. A
    // missing or unknown one is described by the class.
    let activity =
        Activity::parse(c.raw(col(field::ACTIVITY))).unwrap_or(match row.activity_class {
            ActivityClass::Outreach => Activity::Outreach,
            ActivityClass::Enrolled => Activity::CareCoordination,
        });
    let keys = LineKeys::of(
        provider.npi,
        &line_id,
        &member_id,
        service_date,
        hcpcs,
        modifiers,
    );
    let line = CheckedLine {
        keys,
        source: RowRef {
            file: ctx.file_index,
            row: rec.row,
        },
        invoice_number,
        provider,
        line_id,
        member: Member {
            member_id,
            cin,
            last_name,
            first_name,
            dob,
            sex,
            address: None,
        },
        service_date,
        activity_class: row.activity_class,
        activity,
        coding: Coding {
            hcpcs,
            modifiers,
            units,
            unit_basis: row.unit_basis,
            charge,
            charge_source: ChargeSource::Encounter,
            place_of_service,
            diagnoses: diagnoses.into(),
            row,
            telehealth: None,
        },
        authorization,
        rendering,
        correction,
    };
    done(c, Some(line))
}

/// The provider block last read. Every line of an invoice repeats it, so a block identical to
/// the previous line's is not checked (or allocated) again.
#[derive(Debug, Default)]
pub struct ProviderMemo {
    key: String,
    scratch: String,
    party: Option<Arc<ProviderParty>>,
    transliterations: Vec<FieldTransliteration>,
}

const PROVIDER_FIELDS: [usize; 7] = [
    field::PROVIDER_NPI,
    field::PROVIDER_NAME,
    field::PROVIDER_TIN,
    field::PROVIDER_ADDRESS,
    field::PROVIDER_CITY,
    field::PROVIDER_STATE,
    field::PROVIDER_ZIP,
];

/// The billing provider's block: NPI, name, TIN and address with ZIP+4.
fn provider(
    c: &mut FieldChecker,
    cols: &InvoiceColumns,
    memo: &mut ProviderMemo,
) -> Option<Arc<ProviderParty>> {
    memo.scratch.clear();
    for f in PROVIDER_FIELDS {
        memo.scratch.push_str(c.raw(cols.at(f)));
        memo.scratch.push('\u{1f}');
    }
    if let Some(p) = &memo.party
        && memo.scratch == memo.key
    {
        c.transliterations
            .extend(memo.transliterations.iter().cloned());
        return Some(p.clone());
    }
    let before = c.transliterations.len();
    let party = check_provider(c, cols).map(Arc::new);
    std::mem::swap(&mut memo.key, &mut memo.scratch);
    memo.party = party.clone();
    memo.transliterations = c.transliterations[before..].to_vec();
    party
}

fn check_provider(c: &mut FieldChecker, cols: &InvoiceColumns) -> Option<ProviderParty> {
    let col = |f: usize| cols.at(f);
    let npi = c
        .required(col(field::PROVIDER_NPI), "provider_npi")
        .and_then(|v| {
            Npi::parse(v)
                .map_err(|e| {
                    c.find(
                        &rules::ING_BAD_PROVIDER_NPI,
                        Some("provider_npi"),
                        format!("provider_npi '{v}': {e}"),
                    )
                })
                .ok()
        });
    let name = c
        .required(col(field::PROVIDER_NAME), "provider_name")
        .and_then(|v| c.text(v, "provider_name", 60));
    let mut shaped = |at: usize, name: &'static str, ok: fn(&str) -> bool, what: &str| {
        let v = c.required(col(at), name)?;
        let v: String = v
            .chars()
            .filter(|&ch| !(at != field::PROVIDER_STATE && ch == '-'))
            .collect::<String>()
            .to_ascii_uppercase();
        if ok(&v) {
            Some(v)
        } else {
            c.find(
                &rules::ING_BAD_PROVIDER_ADDRESS,
                Some(name),
                format!("{name} is not {what}"),
            );
            None
        }
    };
    let tin = shaped(
        field::PROVIDER_TIN,
        "provider_tin",
        |v| v.len() == 9 && v.bytes().all(|b| b.is_ascii_digit()),
        "nine digits",
    );
    let state = shaped(
        field::PROVIDER_STATE,
        "provider_state",
        |v| v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()),
        "a two-letter state code",
    );
    let zip = shaped(
        field::PROVIDER_ZIP,
        "provider_zip",
        |v| v.len() == 9 && v.bytes().all(|b| b.is_ascii_digit()),
        "nine digits (ZIP+4)",
    );
    let address = c
        .required(col(field::PROVIDER_ADDRESS), "provider_address")
        .and_then(|v| c.text(v, "provider_address", 55));
    let city = c
        .required(col(field::PROVIDER_CITY), "provider_city")
        .and_then(|v| c.text(v, "provider_city", 30));
    Some(ProviderParty {
        npi: npi?,
        name: name?.into(),
        tin: tin?,
        address: address?.into(),
        city: city?.into(),
        state: state?,
        zip: zip?,
    })
}

/// The code and modifiers, if the code set bills them as ECM on the service date.
fn code<'cs>(
    c: &mut FieldChecker,
    cols: &InvoiceColumns,
    ctx: &LineContext<'_, 'cs>,
    date: Option<NaiveDate>,
) -> Option<(Hcpcs, Modifiers, &'cs crate::codeset::HcpcsRow)> {
    let raw = c.required(cols.at(field::HCPCS), "hcpcs")?;
    let mods_raw = c.raw(cols.at(field::MODIFIERS));
    let parsed = Hcpcs::parse(raw).ok().zip(Modifiers::parse(mods_raw).ok());
    let found = parsed.and_then(|(h, m)| {
        let d = date?;
        ctx.codeset.is_ecm_combination(h, m, d).map(|r| (h, m, r))
    });
    if found.is_none() && (parsed.is_none() || date.is_some()) {
        c.find(
            &rules::ING_NOT_ECM_CODE,
            Some("hcpcs"),
            format!(
                "{raw} {mods_raw} is not an ECM code and modifier combination in force{}",
                date.map(|d| format!(" on {d}")).unwrap_or_default()
            ),
        );
    }
    found
}

/// `correction` and `replaces_line_id`: both empty for an ordinary line.
fn correction(c: &mut FieldChecker, cols: &InvoiceColumns) -> Option<Correction> {
    let kind = c.raw(cols.at(field::CORRECTION));
    let replaces = c.raw(cols.at(field::REPLACES_LINE_ID));
    if kind.is_empty() && replaces.is_empty() {
        return None;
    }
    let frequency = Correction::parse_kind(kind);
    if frequency.is_none() || replaces.is_empty() {
        c.find(
            &rules::ING_BAD_CORRECTION,
            Some(if frequency.is_none() {
                "correction"
            } else {
                "replaces_line_id"
            }),
            if frequency.is_none() {
                format!("correction '{kind}' is not replace or void")
            } else {
                "the line is a correction but replaces_line_id is empty".into()
            },
        );
        return None;
    }
    if replaces == c.raw(cols.at(field::LINE_ID)) {
        c.find(
            &rules::ING_BAD_CORRECTION,
            Some("replaces_line_id"),
            "replaces_line_id is this line's own line_id; a correction names the line sent before, under its own new line_id".into(),
        );
        return None;
    }
    let replaces = c.ident(replaces, "replaces_line_id", 1, 30)?;
    Some(Correction {
        frequency: frequency.unwrap_or(ClaimFrequency::Replacement),
        replaces,
        original_claim_id: None,
    })
}
