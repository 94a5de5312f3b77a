//! Rules for `ecm check` (`CHK-`): what makes an 837P file wrong, from its bytes and envelopes
//! through the 005010X222A1 loop structure and element specs to the claims it carries.

use super::{Rule, Severity};

const FILE: &str = "837 file";
const SEGMENT: &str = "837 segment";
const ELEMENT: &str = "837 element";
const CLAIM: &str = "837 claim";

/// CHK-001: the ISA is not 106 bytes of fixed-width fields with usable delimiters.
pub static BAD_ISA: Rule = Rule {
    id: "CHK-001",
    severity: Severity::Error,
    applies_to: FILE,
    title: "the ISA is not 106 bytes of fixed-width fields with usable delimiters",
    fix: "Pad every ISA field to its fixed width with spaces (widths are in bytes, so write ISA fields in plain ASCII), and use four distinct punctuation characters as element, repetition and component separators and segment terminator (usually * ^ : ~).",
};

/// CHK-002: a segment is malformed (it is still placed when its id can be read).
pub static BAD_SEGMENT: Rule = Rule {
    id: "CHK-002",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a segment is malformed (bad segment id, control character or line break inside it, bytes that are not UTF-8, empty or overlong segment)",
    fix: "Correct the segment at the byte offset given: a segment is an id of 2 or 3 capital letters and digits, then its elements, then the segment terminator; remove control characters, line breaks and stray terminators, and save the file as ASCII or UTF-8.",
};

/// CHK-003: the file ends inside the interchange, or holds data after it.
pub static TRUNCATED: Rule = Rule {
    id: "CHK-003",
    severity: Severity::Error,
    applies_to: FILE,
    title: "the file ends inside the interchange, or holds data after its IEA",
    fix: "Send the whole file as produced (it was cut short), or remove what follows the IEA segment.",
};

/// CHK-004: the file holds another kind of transaction set.
pub static NOT_837P: Rule = Rule {
    id: "CHK-004",
    severity: Severity::Error,
    applies_to: FILE,
    title: "the functional group or transaction set is not an 837 (GS01 HC, ST01 837)",
    fix: "Check 837P files only; `ecm render` shows 835 files.",
};

/// CHK-005: a trailer's control number differs from its header's.
pub static CONTROL_NUMBER_MISMATCH: Rule = Rule {
    id: "CHK-005",
    severity: Severity::Error,
    applies_to: FILE,
    title: "a trailer's control number differs from its header's (ISA13/IEA02, GS06/GE02, ST02/SE02)",
    fix: "Make IEA02 repeat ISA13, GE02 repeat GS06 and SE02 repeat ST02; regenerate the file rather than editing one end.",
};

/// CHK-006: a trailer's count is wrong.
pub static WRONG_COUNT: Rule = Rule {
    id: "CHK-006",
    severity: Severity::Error,
    applies_to: FILE,
    title: "a trailer's count is wrong (SE01 segments, GE01 transaction sets, IEA01 groups)",
    fix: "Set SE01 to the number of segments from ST to SE inclusive, GE01 to the number of ST..SE sets in the group and IEA01 to the number of GS..GE groups.",
};

/// CHK-007: a segment is not where the guide allows it.
pub static MISPLACED_SEGMENT: Rule = Rule {
    id: "CHK-007",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a segment is not where the 005010X222A1 guide allows it",
    fix: "Move the segment to the loop and order the guide gives it, or correct its identifying code (such as NM101); `ecm render` shows which loop each segment landed in.",
};

/// CHK-008: a segment or loop repeats more than the guide allows.
pub static TOO_MANY_REPEATS: Rule = Rule {
    id: "CHK-008",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a segment or loop repeats more than the guide allows",
    fix: "Remove the extra repeats, or split the data (for example a claim holds at most 50 lines).",
};

/// CHK-009: a segment the guide requires is missing.
pub static MISSING_SEGMENT: Rule = Rule {
    id: "CHK-009",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a segment the guide requires in its loop is missing",
    fix: "Add the segment named in the finding to the loop, in guide order.",
};

/// CHK-010: a loop the guide requires is missing.
pub static MISSING_LOOP: Rule = Rule {
    id: "CHK-010",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a loop the guide requires is missing",
    fix: "Add the loop named in the finding (starting with its first segment) inside the loop that holds it.",
};

/// CHK-011: the HL hierarchy is numbered or linked wrongly.
pub static BAD_HIERARCHY: Rule = Rule {
    id: "CHK-011",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "an HL is numbered or linked wrongly (HL01 sequence, HL02 parent, HL04 child code)",
    fix: "Number HL01 1, 2, 3... in each transaction set, make HL02 the HL01 of the loop it belongs under, and set HL04 to 1 only when a child HL follows.",
};

/// CHK-012: the claim's LX numbers do not run 1, 2, 3.
pub static BAD_LINE_NUMBER: Rule = Rule {
    id: "CHK-012",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "the claim's LX line numbers do not run 1, 2, 3...",
    fix: "Number the service lines of each claim from 1, adding 1 per line.",
};

/// CHK-013: a required element is empty.
pub static MISSING_ELEMENT: Rule = Rule {
    id: "CHK-013",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an element the guide requires is empty",
    fix: "Fill in the element named in the finding.",
};

/// CHK-014: an element is too long or too short.
pub static BAD_LENGTH: Rule = Rule {
    id: "CHK-014",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an element is longer or shorter than the guide allows",
    fix: "Correct the value to the length in the finding; if a whole composite landed in one component, the file's component separator differs from ISA16.",
};

/// CHK-015: an element is not one of the guide's codes.
pub static BAD_CODE: Rule = Rule {
    id: "CHK-015",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an element is not one of the codes the guide allows there",
    fix: "Use one of the codes listed in the finding.",
};

/// CHK-016: a date, time or number is malformed.
pub static BAD_FORMAT: Rule = Rule {
    id: "CHK-016",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "a date, time or number is malformed",
    fix: "Write dates as CCYYMMDD (ranges CCYYMMDD-CCYYMMDD; the ISA's ISA09 as YYMMDD), times as HHMM, amounts and quantities as X12 decimals such as 150, 150.5 or .5 (an optional leading minus, never a plus sign, and no point after a whole number: 30, not 30.).",
};

/// CHK-017: an element the guide does not use holds a value.
pub static UNUSED_ELEMENT: Rule = Rule {
    id: "CHK-017",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an element the guide does not use, or does not define, holds a value",
    fix: "Leave the element empty (or remove the extra elements or components).",
};

/// CHK-018: an element holds a character X12 cannot carry there.
pub static BAD_CHARACTER: Rule = Rule {
    id: "CHK-018",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an element holds a delimiter, a non-ASCII or control character, or a trailing space",
    fix: "Remove the character from the value (spell accented letters in plain ASCII, trim trailing spaces).",
};

/// CHK-019: a segment breaks one of its syntax rules.
pub static SYNTAX_RULE: Rule = Rule {
    id: "CHK-019",
    severity: Severity::Error,
    applies_to: SEGMENT,
    title: "a segment breaks one of its syntax rules (elements that go together or exclude each other)",
    fix: "Fill in or empty the elements the finding names so the rule holds (for example NM108 and NM109 together).",
};

/// CHK-020: an NPI fails its check digit.
pub static BAD_NPI: Rule = Rule {
    id: "CHK-020",
    severity: Severity::Warning,
    applies_to: ELEMENT,
    title: "an NPI (NM109 with NM108 XX) fails its check digit",
    fix: "Check the NPI against NPPES; the guide does not test the check digit, but plans and clearinghouses reject claims whose NPI fails it.",
};

/// CHK-021: CLM02 is not the sum of the claim's line charges.
pub static TOTAL_MISMATCH: Rule = Rule {
    id: "CHK-021",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "CLM02 is not the sum of the claim's SV102 line charges",
    fix: "Make CLM02 the total of the SV102 amounts of the claim's lines.",
};

/// CHK-022: CLM01 is longer than 20 characters.
pub static CLAIM_ID_TOO_LONG: Rule = Rule {
    id: "CHK-022",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "CLM01 is longer than 20 characters",
    fix: "Use a patient control number of at most 20 characters: the guide lets payers keep only 20, and 835s and status replies return what they kept.",
};

/// CHK-023: CLM01 repeats an earlier claim's.
pub static DUPLICATE_CLAIM_ID: Rule = Rule {
    id: "CHK-023",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "CLM01 repeats an earlier claim's in the file",
    fix: "Give every claim in a file its own patient control number; payers match 835 payments to claims by it.",
};

/// CHK-024: REF*6R is longer than 30 characters.
pub static LINE_CONTROL_TOO_LONG: Rule = Rule {
    id: "CHK-024",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "a line's REF*6R control number is longer than 30 characters",
    fix: "Use line control numbers of at most 30 characters (ecm uses the encounter id).",
};

/// CHK-025: REF*6R repeats an earlier line's in the claim.
pub static DUPLICATE_LINE_CONTROL: Rule = Rule {
    id: "CHK-025",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "a line's REF*6R repeats an earlier line's in the same claim",
    fix: "Give every line of a claim its own control number; 835s report line payments by it.",
};

/// CHK-026: a diagnosis code is not ICD-10-CM shaped.
pub static BAD_ICD10: Rule = Rule {
    id: "CHK-026",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "an ICD-10-CM diagnosis code (HI qualifier ABK, ABF...) is not shaped like one",
    fix: "Send the code as a letter, a digit, a letter or digit, then up to 4 more, without the decimal point (Z59.00 is sent as Z5900).",
};

/// CHK-027: an ECM code's modifiers are not in the code set on the service date.
pub static NOT_ECM_COMBINATION: Rule = Rule {
    id: "CHK-027",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "an ECM code (G9008, G9012) carries modifiers the code set does not bill on the service date",
    fix: "Use the code and modifiers `ecm codes --on DATE` lists for the service date (e.g. G9008 U1, G9012 U2, U8 for outreach, GQ for telehealth).",
};

/// CHK-028: an NPI is not 10 digits.
pub static NPI_NOT_TEN_DIGITS: Rule = Rule {
    id: "CHK-028",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "an NPI (NM109 with NM108 XX) is not 10 digits",
    fix: "Send the provider's NPI as NPPES lists it: exactly 10 digits, no letters, spaces or dashes (an NPI is never shorter; a number of another kind takes another NM108 qualifier).",
};

/// CHK-029: a charge is negative or has more than two decimal places.
pub static BAD_CHARGE: Rule = Rule {
    id: "CHK-029",
    severity: Severity::Error,
    applies_to: ELEMENT,
    title: "a charge (CLM02, SV102) is negative or has more than 2 decimal places",
    fix: "Write charges in dollars and cents, zero or more, such as 150 or 150.25: the guide wants charges of at least 0, and payers and ecm's own reader keep cents only, so a sum of sub-cent amounts can match CLM02 and still be refused.",
};

/// CHK-030: a value the guide allows but ecm's reader does not take.
pub static READER_REFUSES: Rule = Rule {
    id: "CHK-030",
    severity: Severity::Warning,
    applies_to: ELEMENT,
    title: "a value the guide allows but ecm's own reader (ecm diff, ecm reconcile) does not take",
    fix: "The file may be fine for the payer, but `ecm diff` and `ecm reconcile` will refuse it: they read claim frequency codes 1, 7 and 8 (CLM05-3), whole units (SV104) and HCPCS/CPT procedures (SV101-1 HC). Use those if the claims allow, or compare and reconcile these files with another tool.",
};

/// CHK-031: a diagnosis pointer points past the claim's diagnosis codes.
pub static BAD_DIAGNOSIS_POINTER: Rule = Rule {
    id: "CHK-031",
    severity: Severity::Error,
    applies_to: CLAIM,
    title: "a line's diagnosis pointer (SV107) points to no diagnosis code of the claim",
    fix: "Make each SV107 pointer the position (1 for HI01, 2 for HI02, ...) of one of the diagnosis codes in the claim's HI segment, or add the missing diagnosis code to the HI.",
};

/// CHK-032: a control number repeats another's in its envelope.
pub static DUPLICATE_CONTROL_NUMBER: Rule = Rule {
    id: "CHK-032",
    severity: Severity::Error,
    applies_to: FILE,
    title: "a control number repeats an earlier one (ST02 in its group, GS06 in its interchange, ISA13 in the file)",
    fix: "Give every transaction set in a group its own ST02, every group in an interchange its own GS06 and every interchange its own ISA13; receivers take a repeat for a duplicate and drop or reject it.",
};

/// CHK-033: a segment ends with element separators that hold nothing.
pub static TRAILING_SEPARATORS: Rule = Rule {
    id: "CHK-033",
    severity: Severity::Warning,
    applies_to: SEGMENT,
    title: "a segment ends with element separators that hold nothing (trailing empty elements)",
    fix: "End each segment after its last element that holds a value (REF*6R*SCC-0015~, not REF*6R*SCC-0015**~): X12 does not send trailing empty elements, and strict receivers (pyx12's SEG1, for one) refuse the segment; ecm reads it as if they were not there.",
};

/// This file's rules.
pub(super) static RULES: &[&Rule] = &[
    &BAD_ISA,
    &BAD_SEGMENT,
    &TRUNCATED,
    &NOT_837P,
    &CONTROL_NUMBER_MISMATCH,
    &WRONG_COUNT,
    &MISPLACED_SEGMENT,
    &TOO_MANY_REPEATS,
    &MISSING_SEGMENT,
    &MISSING_LOOP,
    &BAD_HIERARCHY,
    &BAD_LINE_NUMBER,
    &MISSING_ELEMENT,
    &BAD_LENGTH,
    &BAD_CODE,
    &BAD_FORMAT,
    &UNUSED_ELEMENT,
    &BAD_CHARACTER,
    &SYNTAX_RULE,
    &BAD_NPI,
    &TOTAL_MISMATCH,
    &CLAIM_ID_TOO_LONG,
    &DUPLICATE_CLAIM_ID,
    &LINE_CONTROL_TOO_LONG,
    &DUPLICATE_LINE_CONTROL,
    &BAD_ICD10,
    &NOT_ECM_COMBINATION,
    &NPI_NOT_TEN_DIGITS,
    &BAD_CHARGE,
    &READER_REFUSES,
    &BAD_DIAGNOSIS_POINTER,
    &DUPLICATE_CONTROL_NUMBER,
    &TRAILING_SEPARATORS,
];
