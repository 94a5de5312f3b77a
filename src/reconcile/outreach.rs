//! Outreach fees: which of a member's outreach attempts with one provider are payable, under the
//! contract's fee, cap and before-enrollment condition.

use crate::config::Contract;
use crate::model::Money;
use chrono::{Days, NaiveDate};
use std::collections::VecDeque;

/// One outreach attempt of one member with one provider.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a, 'c> {
    pub date: NaiveDate,
    pub encounter_id: &'a str,
    /// Dated outside every span with the provider and before a later span starts.
    pub before_enrollment: bool,
    /// The provider's contract in force on the attempt's date.
    pub contract: Option<&'c Contract>,
}

/// What an attempt earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Payable at the contract's outreach fee.
    Payable(Money),
    /// Refused by the cap: `attempts` payable attempts already fall in the window.
    OverCap,
    /// Refused because the contract pays outreach only before the enrollment start, and this
    /// attempt is not before one.
    NotBeforeEnrollment,
    /// No contract in force on the day, or the contract has no outreach fee.
    NoFee,
}

/// Judges a member's attempts with one provider, which must be sorted by date, then encounter id.
///
/// An attempt is payable when the contract in force on its date has an `outreach_rate`; when
/// `outreach_before_enrollment_only`, it is dated before the enrollment start; and fewer than
/// `outreach_cap.attempts` payable attempts fall in the `outreach_cap.days`-day window ending on
/// its date (that day included, so same-day attempts count against each other, and the attempt
/// exactly `days` days earlier has left the window). Refused attempts do not count against the cap.
pub fn judge_attempts(attempts: &[Attempt]) -> Vec<AttemptOutcome> {
    let mut payable_dates: VecDeque<NaiveDate> = VecDeque::new();
    attempts
        .iter()
        .map(|a| {
            let Some(c) = a.contract else {
                return AttemptOutcome::NoFee;
            };
            let Some(fee) = c.outreach_rate else {
                return AttemptOutcome::NoFee;
            };
            if c.outreach_before_enrollment_only && !a.before_enrollment {
                return AttemptOutcome::NotBeforeEnrollment;
            }
            if let Some(cap) = c.outreach_cap {
                // The window is (date - days, date]: drop payable attempts on or before date - days.
                let left = a.date.checked_sub_days(Days::new(u64::from(cap.days)));
                while let (Some(&front), Some(left)) = (payable_dates.front(), left) {
                    if front <= left {
                        payable_dates.pop_front();
                    } else {
                        break;
                    }
                }
                if payable_dates.len() >= cap.attempts as usize {
                    return AttemptOutcome::OverCap;
                }
            }
            payable_dates.push_back(a.date);
            AttemptOutcome::Payable(fee)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::expectation::tests::{contract, money};
    use super::super::roster::tests::d;
    use super::*;
    use crate::config::OutreachCap;

    fn attempts<'c>(dates: &[&'static str], c: &'c Contract) -> Vec<Attempt<'static, 'c>> {
        dates
            .iter()
            .enumerate()
            .map(|(i, s)| Attempt {
                date: d(s),
                encounter_id: ["A1", "A2", "A3", "A4", "A5", "A6"][i],
                before_enrollment: true,
                contract: Some(c),
            })
            .collect()
    }

    /// Cap 3 attempts in 30 days, fee 35.00. Attempts on Jan 1, 10, 20 are the 1st-3rd: payable.
    /// The 4th on Jan 30: the window is (Dec 31, Jan 30] and holds Jan 1, 10, 20 = 3 -> over the cap.
    /// The 5th on Jan 31: the window (Jan 1, Jan 31] holds Jan 10, 20 = 2 (Jan 1 has left) -> payable.
    #[test]
    fn the_cap_at_its_boundary() {
        let c = contract("c", "2024-01-01", None);
        let out = judge_attempts(&attempts(
            &[
                "2025-01-01",
                "2025-01-10",
                "2025-01-20",
                "2025-01-30",
                "2025-01-31",
            ],
            &c,
        ));
        let fee = AttemptOutcome::Payable(money("35.00"));
        assert_eq!(
            out,
            vec![fee, fee, fee, AttemptOutcome::OverCap, fee],
            "attempt N = 3 is payable, N + 1 is not until the first leaves the window"
        );
    }

    /// Same-day attempts count against each other: cap 2 in 1 day, three calls on one day -> 2 paid.
    #[test]
    fn same_day_attempts_share_the_window() {
        let c = Contract {
            outreach_cap: Some(OutreachCap {
                attempts: 2,
                days: 1,
            }),
            ..contract("c", "2024-01-01", None)
        };
        let out = judge_attempts(&attempts(
            &["2025-03-03", "2025-03-03", "2025-03-03", "2025-03-04"],
            &c,
        ));
        let fee = AttemptOutcome::Payable(money("35.00"));
        assert_eq!(out, vec![fee, fee, AttemptOutcome::OverCap, fee]);
    }

    /// Before-enrollment-only: an attempt inside the enrollment is refused and does not use the cap.
    #[test]
    fn only_attempts_before_enrollment_when_the_contract_says_so() {
        let c = Contract {
            outreach_before_enrollment_only: true,
            ..contract("c", "2024-01-01", None)
        };
        let mut a = attempts(&["2025-01-01", "2025-01-02"], &c);
        a[1].before_enrollment = false;
        assert_eq!(
            judge_attempts(&a),
            vec![
                AttemptOutcome::Payable(money("35.00")),
                AttemptOutcome::NotBeforeEnrollment
            ]
        );
        let no_fee = Contract {
            outreach_rate: None,
            ..contract("c", "2024-01-01", None)
        };
        assert_eq!(
            judge_attempts(&attempts(&["2025-01-01"], &no_fee)),
            vec![AttemptOutcome::NoFee]
        );
    }
}
