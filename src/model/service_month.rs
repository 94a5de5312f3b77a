//! A calendar month a capitation payment is for: `YYYY-MM`, from 2000-01 to 2999-12.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A calendar month, validated on construction. Orders chronologically.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceMonth {
    /// Months since January of year 0 (year * 12 + month - 1): cheap to compare and step.
    index: u32,
}

/// Why a string is not a service month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a service month is written YYYY-MM (e.g. 2025-07), from 2000-01 to 2999-12")]
pub struct ServiceMonthError;

impl ServiceMonth {
    /// The month with this year and month number (1-12).
    pub fn new(year: i32, month: u32) -> Result<ServiceMonth, ServiceMonthError> {
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(ServiceMonthError);
        }
        Ok(ServiceMonth {
            index: year as u32 * 12 + month - 1,
        })
    }

    /// Parses `2025-07` (also `2025-7`).
    pub fn parse(s: &str) -> Result<ServiceMonth, ServiceMonthError> {
        let (y, m) = s.trim().split_once('-').ok_or(ServiceMonthError)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y) || m.len() > 2 || !digits(m) {
            return Err(ServiceMonthError);
        }
        let year: i32 = y.parse().map_err(|_| ServiceMonthError)?;
        let month: u32 = m.parse().map_err(|_| ServiceMonthError)?;
        ServiceMonth::new(year, month)
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> ServiceMonth {
        ServiceMonth {
            index: date.year().max(0) as u32 * 12 + date.month0(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        (self.index / 12) as i32
    }

    /// The month number, 1-12.
    pub fn month(self) -> u32 {
        self.index % 12 + 1
    }

    /// The 1st of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// How many days the month has (28-31).
    pub fn days(self) -> u32 {
        self.last_day().day()
    }

    /// The following month.
    pub fn next(self) -> ServiceMonth {
        ServiceMonth {
            index: self.index + 1,
        }
    }

    /// Every month from `self` to `last`, both included (empty when `last` is earlier).
    pub fn through(self, last: ServiceMonth) -> impl Iterator<Item = ServiceMonth> {
        (self.index..=last.index).map(|index| ServiceMonth { index })
    }
}

impl fmt::Display for ServiceMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl fmt::Debug for ServiceMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceMonth({self})")
    }
}

impl serde::Serialize for ServiceMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for ServiceMonth {
    type Err = ServiceMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceMonth::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_knows_its_days() {
        let m = ServiceMonth::parse("2024-02").unwrap();
        assert_eq!((m.year(), m.month(), m.days()), (2024, 2, 29));
        assert_eq!(m.to_string(), "2024-02");
        assert_eq!(ServiceMonth::parse("2025-2").unwrap().days(), 28);
        assert_eq!(m.next().to_string(), "2024-03");
        let dec = ServiceMonth::parse("2025-12").unwrap();
        assert_eq!(dec.next().to_string(), "2026-01");
        assert_eq!(dec.last_day().to_string(), "2025-12-31");
        assert_eq!(
            ServiceMonth::of(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            dec
        );
        assert_eq!(m.through(dec).count(), 23);
    }

    #[test]
    fn refuses_what_is_not_a_month() {
        for bad in [
            "2025-13",
            "2025-00",
            "25-07",
            "2025/07",
            "2025-07-01",
            "",
            "1999-12",
        ] {
            assert!(ServiceMonth::parse(bad).is_err(), "{bad}");
        }
    }
}
