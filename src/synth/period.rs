//! The months a synthetic data set covers, and the few date sums the generator needs.

use chrono::{Datelike, Days, NaiveDate};

/// Consecutive calendar months: every service date falls inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first day of the first month.
    pub first: NaiveDate,
    /// The last day of the last month.
    pub last: NaiveDate,
    pub months: u32,
}

impl Period {
    /// `months` months starting with the month of `first` (which must be a first of the month).
    pub fn new(first: NaiveDate, months: u32) -> Period {
        debug_assert_eq!(first.day(), 1);
        let last = add_months(first, months).pred_opt().expect("in range");
        Period {
            first,
            last,
            months,
        }
    }

    /// The first day of month `i` (0-based).
    pub fn month_first(&self, i: u32) -> NaiveDate {
        add_months(self.first, i)
    }

    /// The last day of month `i`.
    pub fn month_last(&self, i: u32) -> NaiveDate {
        add_months(self.first, i + 1).pred_opt().expect("in range")
    }

    /// The index of the month holding `d`, if it is in the period.
    pub fn month_index(&self, d: NaiveDate) -> Option<u32> {
        if d < self.first || d > self.last {
            return None;
        }
        let i = (d.year() - self.first.year()) * 12 + d.month() as i32 - self.first.month() as i32;
        Some(i as u32)
    }

    /// The day after the period: the `--as-of` under which every good row is billable.
    pub fn as_of(&self) -> NaiveDate {
        self.last.succ_opt().expect("in range")
    }
}

/// The first of the month `n` months after the month of `d`.
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    let m0 = d.year() * 12 + d.month0() as i32 + n as i32;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1).expect("in range")
}

/// The first of the month `n` months before the month of `d`.
pub fn sub_months(d: NaiveDate, n: u32) -> NaiveDate {
    let m0 = d.year() * 12 + d.month0() as i32 - n as i32;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1).expect("in range")
}

/// `d` plus `n` days (may be negative).
pub fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
    .expect("dates stay in range")
}

/// Days from `a` to `b` (`b - a`).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// How many days the month of `d` has.
pub fn days_in_month(d: NaiveDate) -> u32 {
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("valid");
    days_between(first, add_months(first, 1)) as u32
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

/// `YYYY-MM` of a date.
pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_and_indices() {
        let p = Period::new(d("2025-11-01"), 3);
        assert_eq!(p.last, d("2026-01-31"));
        assert_eq!(p.month_first(2), d("2026-01-01"));
        assert_eq!(p.month_last(0), d("2025-11-30"));
        assert_eq!(p.month_index(d("2026-01-31")), Some(2));
        assert_eq!(p.month_index(d("2026-02-01")), None);
        assert_eq!(p.as_of(), d("2026-02-01"));
        assert_eq!(sub_months(d("2025-01-15"), 2), d("2024-11-01"));
        assert_eq!(days_in_month(d("2024-02-10")), 29);
    }

    #[test]
    fn dates_print_like_chrono() {
        for s in ["2022-01-01", "2025-12-31", "2024-02-29"] {
            let mut out = String::new();
            push_date(&mut out, d(s));
            assert_eq!(out, s);
        }
        assert_eq!(month_key(d("2025-03-09")), "2025-03");
    }
}
