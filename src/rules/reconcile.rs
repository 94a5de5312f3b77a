//! Rules for the roster (`RCN-`: read by `ecm reconcile` and by `ecm ingest --roster`, through
//! one reader), for reconcile's payment rows, for encounters reconcile cannot tie to a
//! provider, and for corrections it cannot tie to the encounter they correct. Variances (UNPAID,
//! OVERPAID...) are not rules: they are results, and `member-months.csv` carries them.

use super::{Rule, Severity};

/// RCN-001: a required roster or payment field is empty.
pub static RCN_MISSING_FIELD: Rule = Rule {
    id: "RCN-001",
    severity: Severity::Error,
    applies_to: "roster/payment row",
    title: "a required roster or payment field is empty",
    fix: "Fill in the field named in the finding: a roster row needs member_id, provider_npi and ecm_start; a payment row needs payment_id, paid_date, provider_npi, service_month, kind and amount (member_id may be empty only for money paid to the provider as a whole).",
};

/// RCN-002: a date cannot be read or does not exist.
pub static RCN_BAD_DATE: Rule = Rule {
    id: "RCN-002",
    severity: Severity::Error,
    applies_to: "roster/payment row",
    title: "a date cannot be read or does not exist",
    fix: "Write dates as YYYY-MM-DD (e.g. 2025-03-14) and check the day exists in that month.",
};

/// RCN-003: provider_npi is not a valid NPI.
pub static RCN_BAD_NPI: Rule = Rule {
    id: "RCN-003",
    severity: Severity::Error,
    applies_to: "roster/payment row",
    title: "provider_npi is not a valid NPI",
    fix: "Copy the ECM provider's ten-digit organisational NPI (the one in its [[contract]]); the last digit is a check digit, so a typo is caught here.",
};

/// RCN-004: ecm_end is before ecm_start.
pub static RCN_END_BEFORE_START: Rule = Rule {
    id: "RCN-004",
    severity: Severity::Error,
    applies_to: "roster row",
    title: "ecm_end is before ecm_start",
    fix: "Correct the dates; ecm_end is the last enrolled day (inclusive), or empty while the enrollment is open.",
};

/// RCN-005: the row has a different number of fields than the header.
pub static RCN_WRONG_FIELD_COUNT: Rule = Rule {
    id: "RCN-005",
    severity: Severity::Error,
    applies_to: "roster/payment row",
    title: "the row has a different number of fields than the header",
    fix: "Check the row for an unquoted comma or a missing separator; quote fields that contain commas.",
};

/// RCN-006: the row was not UTF-8 and was read as Windows-1252.
pub static RCN_BAD_ENCODING: Rule = Rule {
    id: "RCN-006",
    severity: Severity::Warning,
    applies_to: "roster/payment row",
    title: "the row was not UTF-8 and was read as Windows-1252",
    fix: "Save the file as CSV UTF-8 so identifiers read exactly as the other files spell them.",
};

/// RCN-007: an identifier is too long or holds a control character.
pub static RCN_BAD_IDENTIFIER: Rule = Rule {
    id: "RCN-007",
    severity: Severity::Error,
    applies_to: "roster/payment row",
    title: "an identifier is longer than 80 characters or holds a control character",
    fix: "Copy the identifier (member_id, payment_id, tier) exactly as the plan's systems hold it, without line breaks or tabs.",
};

/// RCN-008: two enrollment spans of the member share days.
pub static RCN_OVERLAPPING_SPANS: Rule = Rule {
    id: "RCN-008",
    severity: Severity::Warning,
    applies_to: "roster row",
    title: "two enrollment spans of the member share days",
    fix: "End one span the day before the next starts. Until then, days shared by spans with the same provider count once, and each provider's contract counts its own months.",
};

/// RCN-009: no contract is in force for the span's provider in some of its months.
pub static RCN_NO_CONTRACT: Rule = Rule {
    id: "RCN-009",
    severity: Severity::Warning,
    applies_to: "roster row",
    title: "no contract is in force for the span's provider in some of its months",
    fix: "Add or extend a [[contract]] for this provider_npi in ecm.toml; until then those member-months expect nothing and any payment for them is reported as a variance.",
};

/// RCN-010: service_month is not a month written YYYY-MM.
pub static RCN_BAD_SERVICE_MONTH: Rule = Rule {
    id: "RCN-010",
    severity: Severity::Error,
    applies_to: "payment row",
    title: "service_month is not a month written YYYY-MM",
    fix: "Write the month the payment is for as YYYY-MM, e.g. 2025-07.",
};

/// RCN-011: kind is not pmpm, outreach or adjustment.
pub static RCN_BAD_KIND: Rule = Rule {
    id: "RCN-011",
    severity: Severity::Error,
    applies_to: "payment row",
    title: "kind is not pmpm, outreach or adjustment",
    fix: "Write pmpm (a capitation payment), outreach (outreach fees) or adjustment (a correction of the month's capitation).",
};

/// RCN-012: amount is not a plain amount with at most two decimals.
pub static RCN_BAD_AMOUNT: Rule = Rule {
    id: "RCN-012",
    severity: Severity::Error,
    applies_to: "payment row",
    title: "amount is not a plain amount with at most two decimals",
    fix: "Write the amount as a plain number such as 350.00 or -350.00 for a recoupment (no $ sign, no thousands separators, no parentheses).",
};

/// RCN-013: payment_id was already used by an earlier row.
pub static RCN_DUPLICATE_PAYMENT_ID: Rule = Rule {
    id: "RCN-013",
    severity: Severity::Error,
    applies_to: "payment row",
    title: "payment_id was already used by an earlier row",
    fix: "Give every payment line its own payment_id; if the row is a copy of the earlier one, delete it. A payment really made twice has two ids and is reported as DUPLICATE_PAYMENT.",
};

/// RCN-014: an encounter cannot be attributed to an ECM provider.
pub static RCN_UNATTRIBUTED_ENCOUNTER: Rule = Rule {
    id: "RCN-014",
    severity: Severity::Warning,
    applies_to: "encounter row",
    title: "the encounter cannot be attributed to an ECM provider",
    fix: "Check the member_id and service date against the roster: a service must fall inside one of the member's enrollment spans, and an outreach attempt inside a span or before a later one. Correct the roster or the encounter and run again.",
};

/// RCN-015: an 835 service payment matches no encounter.
pub static RCN_UNMATCHED_SERVICE_PAYMENT: Rule = Rule {
    id: "RCN-015",
    severity: Severity::Warning,
    applies_to: "835 service line",
    title: "an 835 service payment matches no encounter",
    fix: "Give the encounter file or 837 that holds the paid line, or ask the payer which line it paid: its REF*6R should repeat the line's encounter id. Until then the money counts as UNATTRIBUTED for the provider.",
};

/// RCN-016: an 835 service payment was matched only after its modifiers were set aside.
pub static RCN_MODIFIERS_DROPPED: Rule = Rule {
    id: "RCN-016",
    severity: Severity::Warning,
    applies_to: "835 service line",
    title: "the payer dropped modifiers from the paid service line",
    fix: "The line was matched on member, date and code and is counted; ask the payer to return the submitted modifiers (and REF*6R) so U1, U2 and U8 lines can be told apart without guessing.",
};

/// RCN-017: an 835 names no payee NPI.
pub static RCN_NO_PAYEE_NPI: Rule = Rule {
    id: "RCN-017",
    severity: Severity::Error,
    applies_to: "835 transaction",
    title: "the 835 names no payee NPI, so its payments cannot be given to a provider",
    fix: "Ask the payer for an 835 whose N1*PE (loop 1000B) carries the ECM provider's NPI with qualifier XX.",
};

/// RCN-018: an 835 payment was already read.
pub static RCN_REPEATED_REMITTANCE: Rule = Rule {
    id: "RCN-018",
    severity: Severity::Error,
    applies_to: "835 transaction",
    title: "the 835 payment (payer and TRN02 trace number) was already read",
    fix: "Give each 835 once; the repeat is left out so its money is not counted twice. A payment really made twice has its own trace number.",
};

/// RCN-019: the same encounter was given twice.
pub static RCN_REPEATED_ENCOUNTER: Rule = Rule {
    id: "RCN-019",
    severity: Severity::Warning,
    applies_to: "837 service line",
    title: "the encounter (member and encounter id) was already read from an encounter table or an earlier 837 line",
    fix: "Nothing to do if both files describe the same service: it is counted once, as first read (tables before 837 files). If they are two services, give them different encounter ids (REF*6R) at the source.",
};

/// RCN-020: a correcting encounter row names no earlier encounter of its member.
pub static RCN_CORRECTION_WITHOUT_ORIGINAL: Rule = Rule {
    id: "RCN-020",
    severity: Severity::Warning,
    applies_to: "encounter row",
    title: "a correction (replace or void) names no encounter in force among the earlier rows of its member",
    fix: "Give the encounter file that holds the corrected encounter too, before the file with the correction (files are read in the order given, and a correction reaches only rows read before it), or correct replaces_encounter_id to the encounter_id the member's line was sent under. Until then a replacement counts as a service of its own and a void takes nothing away.",
};

/// RCN-021: a roster row's other_programs lists an id the code set does not know.
pub static RCN_UNKNOWN_PROGRAM: Rule = Rule {
    id: "RCN-021",
    severity: Severity::Warning,
    applies_to: "roster row",
    title: "other_programs lists a program id that is not in the code set",
    fix: "Write each program as its id in codesets/duplicative-programs.toml (the message lists them; `ecm codes` shows each with its rule), separated by ';'. If the member's program is missing from the code set, add it there (or in a --codeset override) with whether ECM may be combined with it. Until then ecm ingest cannot check that program against ECM (ING-027).",
};

/// This file's rules.
pub(super) static RULES: &[&Rule] = &[
    &RCN_MISSING_FIELD,
    &RCN_BAD_DATE,
    &RCN_BAD_NPI,
    &RCN_END_BEFORE_START,
    &RCN_WRONG_FIELD_COUNT,
    &RCN_BAD_ENCODING,
    &RCN_BAD_IDENTIFIER,
    &RCN_OVERLAPPING_SPANS,
    &RCN_NO_CONTRACT,
    &RCN_BAD_SERVICE_MONTH,
    &RCN_BAD_KIND,
    &RCN_BAD_AMOUNT,
    &RCN_DUPLICATE_PAYMENT_ID,
    &RCN_UNATTRIBUTED_ENCOUNTER,
    &RCN_UNMATCHED_SERVICE_PAYMENT,
    &RCN_MODIFIERS_DROPPED,
    &RCN_NO_PAYEE_NPI,
    &RCN_REPEATED_REMITTANCE,
    &RCN_REPEATED_ENCOUNTER,
    &RCN_CORRECTION_WITHOUT_ORIGINAL,
    &RCN_UNKNOWN_PROGRAM,
];
