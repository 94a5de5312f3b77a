//! Rules for encounter rows (`ENC-`) and for coding them into service lines (`COD-`).

use super::{Rule, Severity};
use crate::input::FieldRules;

/// The rules the shared field checks report encounter rows under.
pub static ENCOUNTER_FIELDS: FieldRules = FieldRules {
    missing: &MISSING_FIELD,
    bad_date: &BAD_DATE,
    delimiter: &X12_DELIMITER,
    no_ascii: &NO_ASCII_SPELLING,
    too_long: &TOO_LONG,
    bad_sex: &BAD_SEX,
    bad_cin: &BAD_CIN,
    bad_diagnosis: &BAD_DIAGNOSIS,
    too_many_diagnoses: &TOO_MANY_DIAGNOSES,
    bad_rendering_npi: &BAD_RENDERING_NPI,
    incomplete_rendering: &INCOMPLETE_RENDERING,
    bad_charge: &BAD_CHARGE,
    wrong_field_count: &WRONG_FIELD_COUNT,
    bad_encoding: &BAD_ENCODING,
};

/// ENC-001: a required field is empty.
pub static MISSING_FIELD: Rule = Rule {
    id: "ENC-001",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a required field is empty",
    fix: "Fill in the field named in the finding; every row needs encounter_id, member_id, member_last_name, member_first_name, member_dob, member_sex, service_date, activity, staff_role, modality and payer.",
};

/// ENC-002: a date cannot be read or does not exist.
pub static BAD_DATE: Rule = Rule {
    id: "ENC-002",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a date cannot be read or does not exist",
    fix: "Write dates as YYYY-MM-DD (e.g. 2025-03-14) and check the day exists in that month.",
};

/// ENC-003: the service date is after the run date (--as-of).
pub static FUTURE_SERVICE: Rule = Rule {
    id: "ENC-003",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the service date is after the run date (--as-of)",
    fix: "Correct the service date; services cannot be billed before they happen. If the run date is wrong, pass --as-of YYYY-MM-DD.",
};

/// ENC-004: the service date is before ECM began (2022-01-01).
pub static BEFORE_ECM: Rule = Rule {
    id: "ENC-004",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the service date is before ECM began (2022-01-01)",
    fix: "Correct the service date; ECM services exist from 2022-01-01.",
};

/// ENC-005: the member's birth date is after the service date.
pub static BORN_AFTER_SERVICE: Rule = Rule {
    id: "ENC-005",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the member's birth date is after the service date",
    fix: "Check the member's birth date and the service date in the source record.",
};

/// ENC-006: the activity is not one of the seven ECM core services.
pub static UNKNOWN_ACTIVITY: Rule = Rule {
    id: "ENC-006",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the activity is not one of the seven ECM core services",
    fix: "Use one of: outreach, assessment, care_coordination, health_promotion, transitional_care, member_family_support, community_referral.",
};

/// ENC-007: the modality is not recognised.
pub static UNKNOWN_MODALITY: Rule = Rule {
    id: "ENC-007",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the modality is not recognised",
    fix: "Use one of: in_person, phone, video, email, text, mail.",
};

/// ENC-008: the staff role is not in the code set.
pub static UNKNOWN_STAFF_ROLE: Rule = Rule {
    id: "ENC-008",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the staff role is not in the code set",
    fix: "Use a role from `ecm codes` (staff roles), or set staff_type to clinical or non_clinical for this row, or add the role to codesets/staff-roles.toml.",
};

/// ENC-009: the payer key is not configured.
pub static UNKNOWN_PAYER: Rule = Rule {
    id: "ENC-009",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the payer key is not configured",
    fix: "Use the key of a [[payer]] section in ecm.toml, or add a [[payer]] section for this plan.",
};

/// ENC-010: email, text or mail is used for a service other than outreach.
pub static OUTREACH_ONLY_MODALITY: Rule = Rule {
    id: "ENC-010",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "email, text or mail is used for a service other than outreach",
    fix: "Only outreach attempts may be made by email, text or mail; record the service's real modality (in_person, phone or video) or correct the activity.",
};

/// ENC-011: the rendering provider NPI is not a valid NPI.
pub static BAD_RENDERING_NPI: Rule = Rule {
    id: "ENC-011",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the rendering provider NPI is not a valid NPI",
    fix: "Check the ten digits against NPPES; the last digit is a check digit, so a typo is caught here.",
};

/// ENC-012: a diagnosis code is not ICD-10-CM shaped.
pub static BAD_DIAGNOSIS: Rule = Rule {
    id: "ENC-012",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a diagnosis code is not ICD-10-CM shaped",
    fix: "Write ICD-10-CM codes such as Z59.00 or Z5900, separated by ';'.",
};

/// ENC-013: the encounter_id was already used by an earlier row.
pub static DUPLICATE_ENCOUNTER: Rule = Rule {
    id: "ENC-013",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the encounter_id was already used by an earlier row",
    fix: "Give each encounter a unique id; if the row is a true duplicate, delete it.",
};

/// ENC-014: a text field holds an X12 delimiter (* ~ : ^) or a control character.
pub static X12_DELIMITER: Rule = Rule {
    id: "ENC-014",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a text field holds an X12 delimiter (* ~ : ^) or a control character",
    fix: "Remove the character from the field (for example write 'Apt 4' instead of 'Apt*4'; remove tabs and line breaks).",
};

/// ENC-015: an outreach attempt has no outreach_outcome.
pub static OUTREACH_WITHOUT_OUTCOME: Rule = Rule {
    id: "ENC-015",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "an outreach attempt has no outreach_outcome",
    fix: "Set outreach_outcome to successful or unsuccessful; both are billable.",
};

/// ENC-016: the Population of Focus was not yet live on the service date.
pub static POF_NOT_LIVE: Rule = Rule {
    id: "ENC-016",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the Population of Focus was not yet live on the service date",
    fix: "Check the population_of_focus and the service date (`ecm codes` shows go-live dates); early Whole Person Care counties set early_implementation_county = true in ecm.toml.",
};

/// ENC-017: the Population of Focus is not in the code set.
pub static UNKNOWN_POF: Rule = Rule {
    id: "ENC-017",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the Population of Focus is not in the code set",
    fix: "Use a population id from `ecm codes` (populations of focus), or leave the field empty.",
};

/// ENC-018: member_sex is not F, M or U.
pub static BAD_SEX: Rule = Rule {
    id: "ENC-018",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "member_sex is not F, M or U",
    fix: "Write F, M or U (U when not known).",
};

/// ENC-019: a text field holds characters that have no plain-ASCII spelling.
pub static NO_ASCII_SPELLING: Rule = Rule {
    id: "ENC-019",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a text field holds characters that have no plain-ASCII spelling",
    fix: "Spell the value in Latin letters; accented Latin letters are transliterated automatically, other scripts cannot be sent in an 837.",
};

/// ENC-020: staff_type is not clinical or non_clinical.
pub static BAD_STAFF_TYPE: Rule = Rule {
    id: "ENC-020",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "staff_type is not clinical or non_clinical",
    fix: "Write clinical or non_clinical, or leave it empty to use the staff role's class.",
};

/// ENC-021: outreach_outcome is not recognised.
pub static BAD_OUTREACH_OUTCOME: Rule = Rule {
    id: "ENC-021",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "outreach_outcome is not recognised",
    fix: "Write successful or unsuccessful.",
};

/// ENC-022: the place of service is not a known code in force on the service date.
pub static BAD_PLACE_OF_SERVICE: Rule = Rule {
    id: "ENC-022",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the place of service is not a known code in force on the service date",
    fix: "Use a two-digit CMS place-of-service code from `ecm codes` (e.g. 12 home, 04 shelter, 02/10 telehealth), or leave it empty for the modality's default.",
};

/// ENC-023: the charge is not a non-negative amount with at most two decimals, at most 9,999,999.99.
pub static BAD_CHARGE: Rule = Rule {
    id: "ENC-023",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the charge is not a non-negative amount with at most two decimals, at most 9,999,999.99",
    fix: "Write the amount as a plain number from 0 to 9,999,999.99 such as 150.00 (no $ or commas), or leave it empty to use the payer's charge table.",
};

/// ENC-024: minutes is not a whole number from 1 to 1440.
pub static BAD_MINUTES: Rule = Rule {
    id: "ENC-024",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "minutes is not a whole number from 1 to 1440",
    fix: "Write the duration in whole minutes, or leave it empty.",
};

/// ENC-025: a field is longer than the 837 allows.
pub static TOO_LONG: Rule = Rule {
    id: "ENC-025",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a field is longer (or shorter) than the 837 allows",
    fix: "Bring the field to the length named in the message (shorten it; a city is at least 2 letters); the 837 cannot carry it otherwise and ecm never truncates or pads silently.",
};

/// ENC-026: member_state or member_zip is malformed.
pub static BAD_ADDRESS: Rule = Rule {
    id: "ENC-026",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "member_state is not a US state or territory code, or member_zip is malformed",
    fix: "Write the state as its two-letter USPS code (CA; DC, PR, GU and the other territories, AA/AE/AP for military mail) and the ZIP as 5 or 9 digits.",
};

/// ENC-027: member_cin is not a Medi-Cal CIN (8 digits then a letter).
pub static BAD_CIN: Rule = Rule {
    id: "ENC-027",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "member_cin is not a Medi-Cal CIN (8 digits then a letter)",
    fix: "Copy the CIN from the member's Medi-Cal card or the plan's roster (e.g. 91234567A).",
};

/// ENC-028: a rendering provider is named without both an NPI and a last name.
pub static INCOMPLETE_RENDERING: Rule = Rule {
    id: "ENC-028",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a rendering provider is named without both an NPI and a last name",
    fix: "Give rendering_npi and rendering_last_name together, or leave all rendering_ fields empty.",
};

/// ENC-029: the member's name, birth date or sex differs from an earlier row with the same member_id and payer.
pub static MEMBER_MISMATCH: Rule = Rule {
    id: "ENC-029",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the member's name, birth date or sex differs from an earlier row with the same member_id and payer",
    fix: "Correct the member details so every row for the member agrees, or correct the member_id.",
};

/// ENC-030: more than 12 diagnosis codes.
pub static TOO_MANY_DIAGNOSES: Rule = Rule {
    id: "ENC-030",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "more than 12 diagnosis codes",
    fix: "List at most 12 diagnosis codes, most relevant first: the claim carries all of them, and the service line points to the first four.",
};

/// ENC-031: the row has a different number of fields than the header.
pub static WRONG_FIELD_COUNT: Rule = Rule {
    id: "ENC-031",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the row has a different number of fields than the header",
    fix: "Check the row for an unquoted comma or a missing separator; quote fields that contain commas.",
};

/// ENC-032: the row was not UTF-8 and was read as Windows-1252.
pub static BAD_ENCODING: Rule = Rule {
    id: "ENC-032",
    severity: Severity::Warning,
    applies_to: "encounter row",
    title: "the row was not UTF-8 and was read as Windows-1252",
    fix: "Save the file as CSV UTF-8 to be sure accented names read as intended; check the changes in transliterations.csv.",
};

/// ENC-033: the member's address is incomplete, so the 837 carries none.
pub static ADDRESS_INCOMPLETE: Rule = Rule {
    id: "ENC-033",
    severity: Severity::Warning,
    applies_to: "encounter row",
    title: "the member's address is incomplete, so the 837 carries none",
    fix: "Give member_address, member_city, member_state and member_zip together; some plans reject claims without the subscriber's address.",
};

/// ENC-034: correction is not replace or void.
pub static BAD_CORRECTION: Rule = Rule {
    id: "ENC-034",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "correction is not replace or void",
    fix: "Write replace (the row corrects an earlier encounter) or void (it cancels one), or leave correction, replaces_encounter_id and original_claim_id empty for an ordinary encounter.",
};

/// ENC-035: a correction does not name the encounter it corrects.
pub static CORRECTION_WITHOUT_ORIGINAL: Rule = Rule {
    id: "ENC-035",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a correction does not name the encounter it corrects",
    fix: "Fill in replaces_encounter_id with the encounter_id of the line being replaced or voided (as sent before), or clear correction and original_claim_id.",
};

/// ENC-036: the member's birth date is before 1900.
pub static BIRTH_DATE_TOO_EARLY: Rule = Rule {
    id: "ENC-036",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "the member's birth date is before 1900",
    fix: "Write the member's real birth date (YYYY-MM-DD); a date such as 0001-01-01 or 1799-12-31 is a placeholder the 837 cannot carry and no plan accepts.",
};

/// ENC-037: a cell holds a spreadsheet error value (#N/A, #REF! ...).
pub static SHEET_ERROR: Rule = Rule {
    id: "ENC-037",
    severity: Severity::Error,
    applies_to: "encounter row",
    title: "a cell holds a spreadsheet error (#N/A, #REF!, #DIV/0!, #VALUE!, #NAME?, #NULL!, #NUM!)",
    fix: "Fix the formula or lookup that produced the error in the source sheet (or type the value), then export again; an error value is not an id, name or date and is never billed.",
};

/// ENC-038: the same service (payer, member, date, code, modifiers) is on an earlier row.
pub static DUPLICATE_SERVICE: Rule = Rule {
    id: "ENC-038",
    severity: Severity::Error,
    applies_to: "coding",
    title: "the same service (payer, member, date, code, modifiers) is on an earlier row",
    fix: "Remove the repeated row: the state rejects a repeated service line, and one duplicate fails the whole encounter. If two services really happened that day, record each as it was (another activity, staff class or modality codes it differently), or bill the second after checking with the plan.",
};

/// ENC-039: the line this row corrects is already corrected by an earlier row of the run.
pub static CORRECTED_TWICE: Rule = Rule {
    id: "ENC-039",
    severity: Severity::Error,
    applies_to: "coding",
    title: "the encounter this row corrects is already corrected by an earlier row",
    fix: "Keep one correcting row per encounter in a run: remove this row, or, if it corrects another encounter, fix replaces_encounter_id. A second void would credit the same service twice on an invoice, and a second replacement would send two versions of one line.",
};

/// COD-001: no code-set row is in force for the activity, staff class and modality on the service date.
pub static NO_HCPCS_ROW: Rule = Rule {
    id: "COD-001",
    severity: Severity::Error,
    applies_to: "coding",
    title: "no code-set row is in force for the activity, staff class and modality on the service date",
    fix: "Check the service date and staff role; `ecm codes --on DATE` lists the rows in force. If the code set is missing a row, add it to codesets/ecm-hcpcs.toml.",
};

/// COD-002: no charge for the code and modifiers on the service date.
pub static NO_CHARGE: Rule = Rule {
    id: "COD-002",
    severity: Severity::Error,
    applies_to: "coding",
    title: "no charge for the code and modifiers on the service date",
    fix: "Add a [[payer.charge]] row for the code and modifiers to ecm.toml, or give the row a charge.",
};

/// COD-003: the encounter has no diagnosis and the payer has no default.
pub static NO_DIAGNOSIS: Rule = Rule {
    id: "COD-003",
    severity: Severity::Error,
    applies_to: "coding",
    title: "the encounter has no diagnosis and the payer has no default",
    fix: "Add diagnosis_codes to the row, or set default_diagnosis for the payer in ecm.toml (e.g. Z59.00).",
};

/// COD-004: the payer bills 15-minute units but the row has no minutes.
pub static MINUTES_NEEDED: Rule = Rule {
    id: "COD-004",
    severity: Severity::Error,
    applies_to: "coding",
    title: "the payer bills 15-minute units but the row has no minutes",
    fix: "Fill in minutes for this row, or set unit_basis = \"encounter\" for the payer if it pays per encounter.",
};

/// COD-005: the payer identifies members by CIN but the row has no member_cin.
pub static CIN_NEEDED: Rule = Rule {
    id: "COD-005",
    severity: Severity::Error,
    applies_to: "coding",
    title: "the payer identifies members by CIN but the row has no member_cin",
    fix: "Fill in member_cin, or set subscriber_id = \"member_id\" for the payer.",
};

/// COD-006: a zero charge on a claim to be paid (BHT06 = CH).
pub static ZERO_CHARGE: Rule = Rule {
    id: "COD-006",
    severity: Severity::Error,
    applies_to: "coding",
    title: "a zero charge on a claim to be paid (BHT06 = CH)",
    fix: "Give a charge, or set transaction_type = \"RP\" for the payer to report encounters (many clearinghouses reject $0 chargeable claims).",
};

/// COD-007: a correction billed as a claim has no original_claim_id.
pub static CORRECTION_NEEDS_CLAIM_ID: Rule = Rule {
    id: "COD-007",
    severity: Severity::Error,
    applies_to: "coding",
    title: "a correction billed as a claim has no original_claim_id",
    fix: "Fill in original_claim_id with the CLM01 of the claim that carried the encounter (it is the replacement's CLM01 and REF*F8), as shown in the earlier 837 or the payer's remittance.",
};

/// COD-008: rows correcting the same claim disagree or do not fit on one claim.
pub static CORRECTION_CONFLICT: Rule = Rule {
    id: "COD-008",
    severity: Severity::Error,
    applies_to: "coding",
    title: "rows correcting the same claim disagree or do not fit on one claim",
    fix: "Every row naming one original_claim_id must be for the same member and payer and all replace or all void; a replacement carries at most 50 lines and 12 diagnoses, like the claim it replaces.",
};

/// This file's rules.
pub(super) static RULES: &[&Rule] = &[
    &MISSING_FIELD,
    &BAD_DATE,
    &FUTURE_SERVICE,
    &BEFORE_ECM,
    &BORN_AFTER_SERVICE,
    &UNKNOWN_ACTIVITY,
    &UNKNOWN_MODALITY,
    &UNKNOWN_STAFF_ROLE,
    &UNKNOWN_PAYER,
    &OUTREACH_ONLY_MODALITY,
    &BAD_RENDERING_NPI,
    &BAD_DIAGNOSIS,
    &DUPLICATE_ENCOUNTER,
    &X12_DELIMITER,
    &OUTREACH_WITHOUT_OUTCOME,
    &POF_NOT_LIVE,
    &UNKNOWN_POF,
    &BAD_SEX,
    &NO_ASCII_SPELLING,
    &BAD_STAFF_TYPE,
    &BAD_OUTREACH_OUTCOME,
    &BAD_PLACE_OF_SERVICE,
    &BAD_CHARGE,
    &BAD_MINUTES,
    &TOO_LONG,
    &BAD_ADDRESS,
    &BAD_CIN,
    &INCOMPLETE_RENDERING,
    &MEMBER_MISMATCH,
    &TOO_MANY_DIAGNOSES,
    &WRONG_FIELD_COUNT,
    &BAD_ENCODING,
    &ADDRESS_INCOMPLETE,
    &BAD_CORRECTION,
    &CORRECTION_WITHOUT_ORIGINAL,
    &BIRTH_DATE_TOO_EARLY,
    &SHEET_ERROR,
    &DUPLICATE_SERVICE,
    &CORRECTED_TWICE,
    &NO_HCPCS_ROW,
    &NO_CHARGE,
    &NO_DIAGNOSIS,
    &MINUTES_NEEDED,
    &CIN_NEEDED,
    &ZERO_CHARGE,
    &CORRECTION_NEEDS_CLAIM_ID,
    &CORRECTION_CONFLICT,
];
