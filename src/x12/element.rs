//! Checking one element value against its spec. Shared by the writer (which refuses) and by
//! checkers (which report). Messages never quote the value: it may be a member's name or birth date.

use super::delimiters::Delimiters;
use super::grammar::{DataType, ElementDef, SyntaxRule};
use std::fmt;

/// What is wrong with an element value, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElementProblem {
    #[error("is required but empty; supply it in the source data or configuration")]
    Missing,
    #[error("is marked not used by the 837P guide in this loop, so it must stay empty")]
    NotUsed,
    #[error(
        "contains the delimiter {0:?}, which would split the segment; remove or replace that character in the source data"
    )]
    Delimiter(char),
    #[error(
        "contains a control or other non-printable character at character {0}; remove it in the source data"
    )]
    NonPrintable(usize),
    #[error(
        "contains a non-ASCII character at character {0}; spell it in plain ASCII (e.g. N for Ñ) in the source data"
    )]
    NonAscii(usize),
    #[error(
        "is {len} characters long, over the maximum of {max}; shorten it in the source data (the writer never truncates)"
    )]
    TooLong { len: usize, max: u16 },
    #[error("is {len} characters long, under the minimum of {min}; correct it in the source data")]
    TooShort { len: usize, min: u16 },
    #[error("ends with a space; remove trailing spaces in the source data")]
    TrailingSpace,
    #[error("is not one of the codes the guide allows here ({0}); use one of them")]
    NotACode(Codes),
    #[error("is not a whole number (digits with an optional leading minus)")]
    NotANumber,
    #[error(
        "is not a decimal number (digits, an optional leading minus and at most one point with digits after it, such as 150, 150.5 or .5)"
    )]
    NotADecimal,
    #[error(
        "ends with a decimal point, which the guide leaves out of a whole number (30, not 30.); remove the point"
    )]
    PointLast,
    #[error(
        "is not a real calendar date in CCYYMMDD form (year 1800 or later); correct the date in the source data"
    )]
    BadDate,
    #[error(
        "is not a real calendar date in YYMMDD form (a two-digit year, as the ISA writes it); correct the date in the source data"
    )]
    BadShortDate,
    #[error("is not a valid time of day in HHMM form")]
    BadTime,
    #[error("breaks the guide's syntax rule: {0}")]
    Syntax(SyntaxRule),
}

/// A code list, displayed comma-separated (shortened when long).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codes(pub &'static [&'static str]);

impl fmt::Display for Codes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 12;
        for (i, c) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(c)?;
        }
        if self.0.len() > SHOWN {
            write!(f, " and {} more", self.0.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// Checks a non-empty value against a simple element's spec. `padded` allows the trailing spaces
/// of the fixed-width ISA fields.
pub fn check_value(
    def: &ElementDef,
    value: &str,
    delimiters: &Delimiters,
    padded: bool,
) -> Result<(), ElementProblem> {
    if def.usage == super::grammar::Requirement::NotUsed {
        return Err(ElementProblem::NotUsed);
    }
    // Nearly every value is plain printable text: one bit test a byte; the loop below names
    // the first byte that is not.
    let data = delimiters.data_bytes();
    if let Some(i) = value.bytes().position(|b| !data.allows(b)) {
        let b = value.as_bytes()[i];
        if delimiters.contains(b) {
            return Err(ElementProblem::Delimiter(char::from(b)));
        }
        if !b.is_ascii() {
            // Count characters, not bytes, so the position matches what the user sees.
            let at = value.char_indices().take_while(|&(j, _)| j < i).count() + 1;
            return Err(ElementProblem::NonAscii(at));
        }
        if !(b' '..=b'~').contains(&b) {
            return Err(ElementProblem::NonPrintable(i + 1));
        }
    }
    let len = if def.data_type.is_numeric() {
        value.bytes().filter(|&b| b != b'-' && b != b'.').count()
    } else {
        value.len()
    };
    if len > usize::from(def.max_len) {
        return Err(ElementProblem::TooLong {
            len,
            max: def.max_len,
        });
    }
    if len < usize::from(def.min_len) {
        return Err(ElementProblem::TooShort {
            len,
            min: def.min_len,
        });
    }
    let textual = matches!(def.data_type, DataType::Alphanumeric | DataType::Identifier);
    if textual && !padded && value.ends_with(' ') {
        return Err(ElementProblem::TrailingSpace);
    }
    if !def.codes.is_empty() && !def.codes.contains(&value) {
        return Err(ElementProblem::NotACode(Codes(def.codes)));
    }
    match def.data_type {
        DataType::Numeric(_) if !is_integer(value) => Err(ElementProblem::NotANumber),
        DataType::Decimal if !is_decimal(value) => Err(crate::model::parse_x12_decimal(value)
            .err()
            .map_or(ElementProblem::NotADecimal, decimal_problem)),
        // A six-character date element is the interchange date YYMMDD (ISA09, TA102); every
        // other is CCYYMMDD.
        DataType::Date if !is_date(value) => Err(if def.max_len == 6 {
            ElementProblem::BadShortDate
        } else {
            ElementProblem::BadDate
        }),
        DataType::Time if !is_time(value) => Err(ElementProblem::BadTime),
        _ => Ok(()),
    }
}

fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An X12 decimal (R): optional minus, digits with at most one point, digits after the point
/// (`.5` included); one definition with the readers' ([`crate::model::is_x12_decimal`]).
pub(crate) use crate::model::is_x12_decimal as is_decimal;

/// What is wrong with a value the decimal reader ([`crate::model::parse_x12_decimal`]) refused:
/// a whole number with its point (`30.`) is told apart, its fix being plain.
pub(crate) fn decimal_problem(e: crate::model::MoneyError) -> ElementProblem {
    match e {
        crate::model::MoneyError::PointLast => ElementProblem::PointLast,
        _ => ElementProblem::NotADecimal,
    }
}

/// The number the ASCII digits spell, or `None` when one is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// `CCYYMMDD`, or the ISA's `YYMMDD` (read with pyx12's century rule), a real date from 1800 on.
pub(crate) fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    let (year, rest) = match b.len() {
        8 => (number(&b[..4]), &b[4..]),
        6 => (
            number(&b[..2]).map(|yy| if yy < 50 { 2000 + yy } else { 1900 + yy }),
            &b[2..],
        ),
        _ => return false,
    };
    let (Some(year), Some(month), Some(day)) = (year, number(&rest[..2]), number(&rest[2..]))
    else {
        return false;
    };
    year >= 1800
        && i32::try_from(year)
            .ok()
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, month, day))
            .is_some()
}

/// `HHMM`, `HHMMSS` or `HHMMSSd`/`HHMMSSdd`.
fn is_time(v: &str) -> bool {
    let b = v.as_bytes();
    if !matches!(b.len(), 4 | 6 | 7 | 8) || number(b).is_none() {
        return false;
    }
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    two(0) < 24 && two(2) < 60 && (b.len() < 6 || two(4) < 60)
}

#[cfg(test)]
mod tests {
    use super::super::grammar::{Requirement, e};
    use super::*;

    const D: Delimiters = Delimiters::STANDARD;
    const NAME: ElementDef = e(
        "NM103",
        "Last Name",
        Requirement::Required,
        DataType::Alphanumeric,
        1,
        10,
        &[],
    );

    fn check(def: &ElementDef, v: &str) -> Result<(), ElementProblem> {
        check_value(def, v, &D, false)
    }

    #[test]
    fn text_is_printable_ascii_without_delimiters() {
        assert_eq!(check(&NAME, "O'BRIEN-LI"), Ok(()));
        assert_eq!(check(&NAME, "A*B"), Err(ElementProblem::Delimiter('*')));
        assert_eq!(check(&NAME, "A~B"), Err(ElementProblem::Delimiter('~')));
        assert_eq!(check(&NAME, "A^B"), Err(ElementProblem::Delimiter('^')));
        assert_eq!(check(&NAME, "A:B"), Err(ElementProblem::Delimiter(':')));
        assert_eq!(check(&NAME, "MUÑOZ"), Err(ElementProblem::NonAscii(3)));
        assert_eq!(check(&NAME, "A\tB"), Err(ElementProblem::NonPrintable(2)));
        assert_eq!(
            check(&NAME, "A\u{7f}"),
            Err(ElementProblem::NonPrintable(2))
        );
        assert_eq!(check(&NAME, "SMITH "), Err(ElementProblem::TrailingSpace));
    }

    #[test]
    fn lengths_are_checked_never_repaired() {
        assert_eq!(
            check(&NAME, "ABCDEFGHIJK"),
            Err(ElementProblem::TooLong { len: 11, max: 10 })
        );
        let id = e(
            "NM109",
            "Id",
            Requirement::Required,
            DataType::Alphanumeric,
            2,
            80,
            &[],
        );
        assert_eq!(
            check(&id, "1"),
            Err(ElementProblem::TooShort { len: 1, min: 2 })
        );
        // Numbers count digits only.
        let amt = e(
            "CLM02",
            "Amount",
            Requirement::Required,
            DataType::Decimal,
            1,
            4,
            &[],
        );
        assert_eq!(check(&amt, "-12.34"), Ok(()));
        assert_eq!(
            check(&amt, "123.45"),
            Err(ElementProblem::TooLong { len: 5, max: 4 })
        );
    }

    #[test]
    fn numbers_dates_times_and_codes_are_well_formed() {
        let n = e(
            "LX01",
            "N",
            Requirement::Required,
            DataType::Numeric(0),
            1,
            6,
            &[],
        );
        assert_eq!(check(&n, "12"), Ok(()));
        assert_eq!(check(&n, "1.5"), Err(ElementProblem::NotANumber));
        let r = e(
            "SV104",
            "R",
            Requirement::Required,
            DataType::Decimal,
            1,
            15,
            &[],
        );
        for ok in ["1", "1.5", ".5", "-2", "0"] {
            assert_eq!(check(&r, ok), Ok(()), "{ok}");
        }
        for ok in ["-.5", "0.50", "007"] {
            assert_eq!(check(&r, ok), Ok(()), "{ok}");
        }
        for bad in ["1.2.3", "1e3", "+1", "1_000", " 1"] {
            assert_eq!(check(&r, bad), Err(ElementProblem::NotADecimal), "{bad}");
        }
        // No digits at all: too short first.
        for bad in ["-", ".", "-."] {
            assert!(check(&r, bad).is_err(), "{bad}");
        }
        // A whole number with its point is told apart: the guide says to leave the point out.
        assert_eq!(check(&r, "1."), Err(ElementProblem::PointLast));
        assert_eq!(check(&r, "-30."), Err(ElementProblem::PointLast));
        let dt = e(
            "BHT04",
            "D",
            Requirement::Required,
            DataType::Date,
            6,
            8,
            &[],
        );
        assert_eq!(check(&dt, "20240229"), Ok(()));
        assert_eq!(check(&dt, "250701"), Ok(()));
        assert_eq!(check(&dt, "20230229"), Err(ElementProblem::BadDate));
        assert_eq!(check(&dt, "17991231"), Err(ElementProblem::BadDate));
        // The ISA's date is YYMMDD, and its message says so.
        let isa09 = e(
            "ISA09",
            "Interchange Date",
            Requirement::Required,
            DataType::Date,
            6,
            6,
            &[],
        );
        assert_eq!(check(&isa09, "260230"), Err(ElementProblem::BadShortDate));
        assert_eq!(check(&isa09, "260228"), Ok(()));
        let message = ElementProblem::BadShortDate.to_string();
        assert!(
            message.contains("YYMMDD") && !message.contains("CCYY"),
            "{message}"
        );
        let tm = e(
            "BHT05",
            "T",
            Requirement::Required,
            DataType::Time,
            4,
            8,
            &[],
        );
        assert_eq!(check(&tm, "2359"), Ok(()));
        assert_eq!(check(&tm, "2400"), Err(ElementProblem::BadTime));
        let code = e(
            "DMG03",
            "Sex",
            Requirement::Required,
            DataType::Identifier,
            1,
            1,
            &["F", "M", "U"],
        );
        assert_eq!(check(&code, "M"), Ok(()));
        let err = check(&code, "X").unwrap_err();
        assert_eq!(
            err.to_string(),
            "is not one of the codes the guide allows here (F, M, U); use one of them"
        );
    }

    #[test]
    fn not_used_elements_stay_empty() {
        let nu = e(
            "NM106",
            "Prefix",
            Requirement::NotUsed,
            DataType::Alphanumeric,
            1,
            10,
            &[],
        );
        assert_eq!(check(&nu, "DR"), Err(ElementProblem::NotUsed));
    }

    #[test]
    fn messages_never_quote_the_value() {
        for v in ["JOSÉ", "DOE*JANE", "A_VERY_LONG_SECRET_NAME"] {
            let msg = check(&NAME, v).unwrap_err().to_string();
            assert!(!msg.contains(v), "{msg}");
        }
    }
}
