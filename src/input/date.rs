//! Dates in input files: `YYYY-MM-DD`, and `M/D/YYYY` because Excel rewrites CSV dates that way.

use chrono::{Datelike, NaiveDate};

/// Why a date field could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not in a date format at all.
    Unreadable,
    /// Date-shaped but no such day (2025-02-30).
    Impossible,
}

impl DateProblem {
    /// What is wrong, to follow the field name in a message (`ecm_start '2025-02-30' is not a
    /// real calendar day`): a date in the right form whose day does not exist is told apart from
    /// one in no date form, since the fix differs.
    pub fn what(self) -> &'static str {
        match self {
            DateProblem::Unreadable => "is not a date in YYYY-MM-DD (or M/D/YYYY) form",
            DateProblem::Impossible => "is not a real calendar day",
        }
    }
}

/// Parses `2025-03-14` or `3/14/2025`.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
    let s = crate::model::text::trim(s);
    let nums: Vec<&str>;
    let (y, m, d) = if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
        (&s[0..4], &s[5..7], &s[8..10])
    } else if s.contains('/') {
        nums = s.split('/').collect();
        match nums.as_slice() {
            [m, d, y]
                if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) =>
            {
                (*y, *m, *d)
            }
            _ => return Err(DateProblem::Unreadable),
        }
    } else {
        return Err(DateProblem::Unreadable);
    };
    // Each part is one to four digits (checked above), so the fold cannot overflow.
    let num = |t: &str| -> Result<u32, DateProblem> {
        t.bytes().try_fold(0u32, |n, b| {
            b.is_ascii_digit()
                .then(|| n * 10 + u32::from(b - b'0'))
                .ok_or(DateProblem::Unreadable)
        })
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateProblem::Impossible)
}

/// The day of a spreadsheet date serial (days since 1899-12-30, the fraction the time of day):
/// `46275.75` is 2026-09-10 at 18:00, read as 2026-09-10. Only plain numbers from 1 (1899-12-31)
/// to 2958465 (9999-12-31) are serials; anything else is `None`.
pub fn excel_serial_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || whole.len() > 7
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    if !(1..=2_958_465).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

/// Appends `YYYY-MM-DD` (faster than chrono's formatter, which matters at a million rows).
pub fn push_date(out: &mut String, d: NaiveDate) {
    let (y, m, day) = (d.year() as u32, d.month(), d.day());
    let digits = [
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ];
    crate::model::text::push_ascii(out, &digits);
}

#[cfg(test)]
mod tests {

    #[test]
    fn spreadsheet_serials_are_their_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(excel_serial_date("46275.75"), day(2026, 9, 10));
        assert_eq!(excel_serial_date("46275"), day(2026, 9, 10));
        assert_eq!(excel_serial_date("25690.5"), day(1970, 5, 2));
        assert_eq!(excel_serial_date("2958465"), day(9999, 12, 31));
        for v in [
            "",
            "0",
            "-3",
            "2958466",
            "1e5",
            "46275.7x",
            "2026-09-10",
            ".5",
        ] {
            assert_eq!(excel_serial_date(v), None, "{v}");
        }
    }

    use super::*;

    #[test]
    fn writes_what_it_reads() {
        let mut s = String::new();
        push_date(&mut s, NaiveDate::from_ymd_opt(987, 6, 5).unwrap());
        assert_eq!(s, "0987-06-05");
        assert_eq!(
            parse_date(&s),
            Ok(NaiveDate::from_ymd_opt(987, 6, 5).unwrap())
        );
    }

    #[test]
    fn reads_iso_and_us_dates() {
        let want = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
        assert_eq!(parse_date("2025-03-04"), Ok(want));
        assert_eq!(parse_date("3/4/2025"), Ok(want));
        assert_eq!(parse_date(" 03/04/2025 "), Ok(want));
    }

    #[test]
    fn tells_unreadable_from_impossible() {
        assert_eq!(parse_date("2025-02-30"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("2/29/2025"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("2025-2-3"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("March 4, 2025"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("2025-0a-04"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("4/3/25"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date(""), Err(DateProblem::Unreadable));
    }
}
