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

/// Parses `2025-03-14` or `3/14/2025`.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
    let s = s.trim();
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
    let num = |t: &str| -> Result<u32, DateProblem> {
        if t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().map_err(|_| DateProblem::Unreadable)
        } else {
            Err(DateProblem::Unreadable)
        }
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateProblem::Impossible)
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
    out.push_str(std::str::from_utf8(&digits).expect("ASCII"));
}

#[cfg(test)]
mod tests {
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
