//! Rules for invoice lines taken in by a plan (`ecm ingest`): the fields, the provider's
//! contract, the code set, the roster and duplicates (`ING-`).

use super::{Rule, Severity};
use crate::input::FieldRules;

/// The rules the shared field checks report invoice lines under.
pub static INGEST_FIELDS: FieldRules = FieldRules {
    missing: &ING_MISSING_FIELD,
    bad_date: &ING_BAD_DATE,
    delimiter: &ING_X12_DELIMITER,
    no_ascii: &ING_NO_ASCII_SPELLING,
    too_long: &ING_TOO_LONG,
    bad_sex: &ING_BAD_SEX,
    bad_cin: &ING_BAD_CIN,
    bad_diagnosis: &ING_BAD_DIAGNOSIS,
    too_many_diagnoses: &ING_TOO_MANY_DIAGNOSES,
    bad_rendering_npi: &ING_BAD_RENDERING_NPI,
    incomplete_rendering: &ING_INCOMPLETE_RENDERING,
    bad_charge: &ING_BAD_CHARGE,
    wrong_field_count: &ING_WRONG_FIELD_COUNT,
    bad_encoding: &ING_BAD_ENCODING,
};

/// ING-001: a required field is empty.
pub static ING_MISSING_FIELD: Rule = Rule {
    id: "ING-001",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a required field is empty",
    fix: "Fill in the field named in the finding; every line needs invoice_number, provider_npi, provider_name, provider_tin, provider_address, provider_city, provider_state, provider_zip, line_id, member_id, member_last_name, member_first_name, member_dob, member_sex, service_date, hcpcs, units, charge and place_of_service.",
};

/// ING-002: a date cannot be read or does not exist.
pub static ING_BAD_DATE: Rule = Rule {
    id: "ING-002",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a date cannot be read or does not exist",
    fix: "Write dates as YYYY-MM-DD (e.g. 2025-03-14) and check the day exists in that month.",
};

/// ING-003: a text field holds an X12 delimiter (* ~ : ^) or a control character.
pub static ING_X12_DELIMITER: Rule = Rule {
    id: "ING-003",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a text field holds an X12 delimiter (* ~ : ^) or a control character",
    fix: "Remove the character from the field (for example write 'Apt 4' instead of 'Apt*4'; remove tabs and line breaks).",
};

/// ING-004: a text field holds characters that have no plain-ASCII spelling.
pub static ING_NO_ASCII_SPELLING: Rule = Rule {
    id: "ING-004",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a text field holds characters that have no plain-ASCII spelling",
    fix: "Spell the value in Latin letters; accented Latin letters are transliterated automatically, other scripts cannot be sent in an 837.",
};

/// ING-005: a field is longer than the 837 allows.
pub static ING_TOO_LONG: Rule = Rule {
    id: "ING-005",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a field is longer than the 837 allows",
    fix: "Shorten the field to the length named in the message; the 837 cannot carry more and ecm never truncates silently.",
};

/// ING-006: the line has a different number of fields than the header.
pub static ING_WRONG_FIELD_COUNT: Rule = Rule {
    id: "ING-006",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the line has a different number of fields than the header",
    fix: "Check the line for an unquoted comma or a missing separator; quote fields that contain commas.",
};

/// ING-007: the line was not UTF-8 and was read as Windows-1252.
pub static ING_BAD_ENCODING: Rule = Rule {
    id: "ING-007",
    severity: Severity::Warning,
    applies_to: "invoice line",
    title: "the line was not UTF-8 and was read as Windows-1252",
    fix: "Save the invoice as CSV UTF-8 to be sure accented names read as intended.",
};

/// ING-008: the provider NPI is not a valid NPI.
pub static ING_BAD_PROVIDER_NPI: Rule = Rule {
    id: "ING-008",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the provider NPI is not a valid NPI",
    fix: "Check the ten digits of the billing provider's organisational NPI against NPPES; the last digit is a check digit, so a typo is caught here.",
};

/// ING-009: the provider's TIN, state or ZIP is malformed.
pub static ING_BAD_PROVIDER_ADDRESS: Rule = Rule {
    id: "ING-009",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the provider's TIN, state or ZIP is malformed",
    fix: "Write the TIN as nine digits, the state as two capital letters and the ZIP as nine digits (ZIP+4, which the 837 requires for the billing provider).",
};

/// ING-010: the provider has no ECM contract with the plan in force on the service date.
pub static ING_NOT_CONTRACTED: Rule = Rule {
    id: "ING-010",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the provider has no ECM contract with the plan in force on the service date",
    fix: "Check the provider NPI and service date; if the contract exists, add or extend its [[contract]] section (provider_npi, effective dates) in ecm.toml.",
};

/// ING-011: the invoice is addressed to another plan.
pub static ING_OTHER_PLAN: Rule = Rule {
    id: "ING-011",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the invoice is addressed to another plan",
    fix: "Send the invoice to the plan named in it, or correct plan_payer_id to this plan's payer id.",
};

/// ING-012: the service date is after the run date (--as-of) or before ECM began (2022-01-01).
pub static ING_BAD_SERVICE_DATE: Rule = Rule {
    id: "ING-012",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the service date is after the run date (--as-of) or before ECM began (2022-01-01)",
    fix: "Correct the service date; services cannot be reported before they happen, and ECM began on 2022-01-01.",
};

/// ING-013: the HCPCS code and modifiers are not an ECM service in the code set on the service date.
pub static ING_NOT_ECM_CODE: Rule = Rule {
    id: "ING-013",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the HCPCS code and modifiers are not an ECM service in the code set on the service date",
    fix: "Use a code and modifiers from `ecm codes --on DATE` (e.g. G9008 U1, G9012 U2 GQ, G9012 U8), in any order, separated by ':'.",
};

/// ING-014: units is not a whole number from 1 to 9999.
pub static ING_BAD_UNITS: Rule = Rule {
    id: "ING-014",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "units is not a whole number from 1 to 9999",
    fix: "Write the number of units as a positive whole number (usually 1 per encounter).",
};

/// ING-015: the charge is not an amount of 0 or more with at most two decimals (a void's may be its credit, below 0).
pub static ING_BAD_CHARGE: Rule = Rule {
    id: "ING-015",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the charge is not an amount of 0 or more with at most two decimals (a void's may be its credit, below 0)",
    fix: "Write the amount as a plain number such as 150.00 (no $ or commas); only a void line may give its charge as a credit, such as -150.00.",
};

/// ING-016: the place of service is not a known code in force on the service date.
pub static ING_BAD_PLACE_OF_SERVICE: Rule = Rule {
    id: "ING-016",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the place of service is not a known code in force on the service date",
    fix: "Use a two-digit CMS place-of-service code from `ecm codes` (e.g. 12 home, 04 shelter, 02/10 telehealth).",
};

/// ING-017: a diagnosis code is not ICD-10-CM shaped.
pub static ING_BAD_DIAGNOSIS: Rule = Rule {
    id: "ING-017",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a diagnosis code is not ICD-10-CM shaped",
    fix: "Write ICD-10-CM codes such as Z59.00 or Z5900, separated by ';'.",
};

/// ING-018: more than 12 diagnosis codes.
pub static ING_TOO_MANY_DIAGNOSES: Rule = Rule {
    id: "ING-018",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "more than 12 diagnosis codes",
    fix: "List at most 12 diagnosis codes, most relevant first: the claim carries all of them, and the service line points to the first four.",
};

/// ING-019: the line has no diagnosis and the plan has no default.
pub static ING_NO_DIAGNOSIS: Rule = Rule {
    id: "ING-019",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the line has no diagnosis and the plan has no default",
    fix: "Ask the provider for diagnosis_codes, or set default_diagnosis in the [plan] section of ecm.toml (e.g. Z59.00).",
};

/// ING-020: member_sex is not F, M or U.
pub static ING_BAD_SEX: Rule = Rule {
    id: "ING-020",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "member_sex is not F, M or U",
    fix: "Write F, M or U (U when not known).",
};

/// ING-021: member_cin is not a Medi-Cal CIN (8 digits then a letter).
pub static ING_BAD_CIN: Rule = Rule {
    id: "ING-021",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "member_cin is not a Medi-Cal CIN (8 digits then a letter)",
    fix: "Copy the CIN from the member's Medi-Cal card or the plan's roster (e.g. 91234567A), or leave it empty.",
};

/// ING-022: the member's birth date is after the service date.
pub static ING_BORN_AFTER_SERVICE: Rule = Rule {
    id: "ING-022",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the member's birth date is after the service date",
    fix: "Check the member's birth date and the service date in the source record.",
};

/// ING-023: the rendering provider NPI is not a valid NPI.
pub static ING_BAD_RENDERING_NPI: Rule = Rule {
    id: "ING-023",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the rendering provider NPI is not a valid NPI",
    fix: "Check the ten digits against NPPES; the last digit is a check digit, so a typo is caught here.",
};

/// ING-024: a rendering provider is named without both an NPI and a last name.
pub static ING_INCOMPLETE_RENDERING: Rule = Rule {
    id: "ING-024",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a rendering provider is named without both an NPI and a last name",
    fix: "Give rendering_npi and rendering_last_name together, or leave all rendering_ fields empty.",
};

/// ING-025: the member is not on the roster with ECM enrollment covering the service date.
pub static ING_NOT_ENROLLED: Rule = Rule {
    id: "ING-025",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the member is not on the roster with ECM enrollment covering the service date",
    fix: "Check the member id and service date against the roster; services other than outreach are paid only during ECM enrollment. If the roster is out of date, update it and ingest the line again.",
};

/// ING-026: the member is enrolled in ECM with another provider on the service date.
pub static ING_OTHER_PROVIDER: Rule = Rule {
    id: "ING-026",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the member is enrolled in ECM with another provider on the service date",
    fix: "Only the member's assigned ECM provider bills enrolled services; check the member id, or update the roster if the assignment changed.",
};

/// ING-027: the member is enrolled on the service date in a program that cannot be combined with ECM.
pub static ING_DUPLICATIVE_PROGRAM: Rule = Rule {
    id: "ING-027",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the member is enrolled on the service date in a program that cannot be combined with ECM",
    fix: "The roster's other_programs lists a program the code set marks choose_one or excluded (codesets/duplicative-programs.toml); the member must leave it (or ECM) first. If the roster is wrong, correct it.",
};

/// ING-028: the same service (provider, member, date, code, modifiers) is on an earlier line of this batch.
pub static ING_DUPLICATE_IN_BATCH: Rule = Rule {
    id: "ING-028",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the same service (provider, member, date, code, modifiers) is on an earlier line of this batch",
    fix: "Remove the repeated line; if two services really happened that day, the provider must describe the second one differently (for example with its own modifiers) or send it on a later invoice after checking with the plan.",
};

/// ING-029: the same service was already accepted in an earlier run (ledger).
pub static ING_DUPLICATE_OF_ACCEPTED: Rule = Rule {
    id: "ING-029",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the same service was already accepted in an earlier run (ledger)",
    fix: "Do not invoice a service twice; to change an accepted line send a replacement naming it (correction = replace, replaces_line_id).",
};

/// ING-030: the line id was already used by this provider, in this batch or an earlier run.
pub static ING_LINE_ID_USED: Rule = Rule {
    id: "ING-030",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the line id was already used by this provider, in this batch or an earlier run",
    fix: "Give every invoice line its own id; to change an accepted line send a replacement with a new line id naming the old one in replaces_line_id.",
};

/// ING-031: correction is not replace or void, or names no line.
pub static ING_BAD_CORRECTION: Rule = Rule {
    id: "ING-031",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "correction is not replace or void, or names no line",
    fix: "Write replace or void in correction and the id of the line being corrected in replaces_line_id, or leave both empty for an ordinary line.",
};

/// ING-032: the correction names a line that is not accepted and active.
pub static ING_CORRECTS_UNKNOWN_LINE: Rule = Rule {
    id: "ING-032",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "the correction names a line that is not accepted and active",
    fix: "Name a line id this provider invoiced before and the plan accepted (and did not void); a line in the same batch cannot be corrected: send the corrected line instead.",
};

/// ING-033: a correction does not match the line it corrects.
pub static ING_CORRECTION_MISMATCH: Rule = Rule {
    id: "ING-033",
    severity: Severity::Error,
    applies_to: "invoice line",
    title: "a correction is for another member than the line it corrects, or a void differs from it",
    fix: "Check replaces_line_id names the right line: a replacement is for the same member, and a void repeats the corrected line's service date, code and modifiers (to bill another member or service, void the line and send a new one).",
};

/// This file's rules.
pub(super) static RULES: &[&Rule] = &[
    &ING_MISSING_FIELD,
    &ING_BAD_DATE,
    &ING_X12_DELIMITER,
    &ING_NO_ASCII_SPELLING,
    &ING_TOO_LONG,
    &ING_WRONG_FIELD_COUNT,
    &ING_BAD_ENCODING,
    &ING_BAD_PROVIDER_NPI,
    &ING_BAD_PROVIDER_ADDRESS,
    &ING_NOT_CONTRACTED,
    &ING_OTHER_PLAN,
    &ING_BAD_SERVICE_DATE,
    &ING_NOT_ECM_CODE,
    &ING_BAD_UNITS,
    &ING_BAD_CHARGE,
    &ING_BAD_PLACE_OF_SERVICE,
    &ING_BAD_DIAGNOSIS,
    &ING_TOO_MANY_DIAGNOSES,
    &ING_NO_DIAGNOSIS,
    &ING_BAD_SEX,
    &ING_BAD_CIN,
    &ING_BORN_AFTER_SERVICE,
    &ING_BAD_RENDERING_NPI,
    &ING_INCOMPLETE_RENDERING,
    &ING_NOT_ENROLLED,
    &ING_OTHER_PROVIDER,
    &ING_DUPLICATIVE_PROGRAM,
    &ING_DUPLICATE_IN_BATCH,
    &ING_DUPLICATE_OF_ACCEPTED,
    &ING_LINE_ID_USED,
    &ING_BAD_CORRECTION,
    &ING_CORRECTS_UNKNOWN_LINE,
    &ING_CORRECTION_MISMATCH,
];
