//! The run's clock. Output never reads the wall clock directly: the date and time come from
//! `--as-of`, else `SOURCE_DATE_EPOCH`, else now (local time), and are fixed for the whole run.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

/// The date and time a run writes into envelopes and checks service dates against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub date: NaiveDate,
    /// Minutes precision; midnight when `--as-of` gave only a date.
    pub time: NaiveTime,
}

/// Why a clock value was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("--as-of '{0}' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM")]
    AsOf(String),
    #[error("--as-of '{0}' is not a real calendar day")]
    AsOfImpossible(String),
    #[error("SOURCE_DATE_EPOCH '{0}' is not a whole number of seconds since 1970-01-01 UTC")]
    Epoch(String),
}

impl Clock {
    /// Resolves the clock: `--as-of` first, then `SOURCE_DATE_EPOCH` (UTC), then the local time now.
    pub fn resolve(
        as_of: Option<&str>,
        source_date_epoch: Option<&str>,
    ) -> Result<Clock, ClockError> {
        if let Some(s) = as_of {
            return Clock::parse(s);
        }
        if let Some(e) = source_date_epoch.filter(|e| !e.is_empty()) {
            let secs: i64 = e
                .trim()
                .parse()
                .map_err(|_| ClockError::Epoch(e.to_string()))?;
            let dt = DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| ClockError::Epoch(e.to_string()))?;
            return Ok(Clock::from_datetime(dt.naive_utc()));
        }
        Ok(Clock::from_datetime(chrono::Local::now().naive_local()))
    }

    /// Parses `2026-11-01` or `2026-11-01T09:30`.
    pub fn parse(s: &str) -> Result<Clock, ClockError> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Clock {
                date: d,
                time: NaiveTime::MIN,
            });
        }
        for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
                return Ok(Clock::from_datetime(dt));
            }
        }
        // 2025-02-30 is in the right form; saying the day does not exist is the useful answer.
        let day = s.get(..10).unwrap_or(s);
        if crate::input::parse_date(day) == Err(crate::input::DateProblem::Impossible) {
            return Err(ClockError::AsOfImpossible(s.to_string()));
        }
        Err(ClockError::AsOf(s.to_string()))
    }

    fn from_datetime(dt: NaiveDateTime) -> Clock {
        let t = dt.time();
        Clock {
            date: dt.date(),
            time: NaiveTime::from_hms_opt(
                chrono::Timelike::hour(&t),
                chrono::Timelike::minute(&t),
                0,
            )
            .unwrap_or(NaiveTime::MIN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_wins_then_epoch() {
        let c = Clock::resolve(Some("2026-11-01"), Some("0")).unwrap();
        assert_eq!(
            (c.date.to_string(), c.time.to_string()),
            ("2026-11-01".into(), "00:00:00".into())
        );
        let c = Clock::resolve(Some("2026-11-01T09:30"), None).unwrap();
        assert_eq!(c.time.to_string(), "09:30:00");
        let c = Clock::resolve(None, Some("1767225600")).unwrap();
        assert_eq!(c.date.to_string(), "2026-01-01");
        assert!(Clock::resolve(Some("11/01/2026"), None).is_err());
        assert!(Clock::resolve(None, Some("soon")).is_err());
    }

    #[test]
    fn a_day_that_does_not_exist_is_told_apart_from_no_date() {
        for s in ["2026-02-30", "2026-02-30T09:30"] {
            assert!(matches!(
                Clock::parse(s),
                Err(ClockError::AsOfImpossible(_))
            ));
        }
        assert!(matches!(Clock::parse("tomorrow"), Err(ClockError::AsOf(_))));
    }
}
