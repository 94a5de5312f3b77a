//! Member-months: which days of a month a member is enrolled with a provider, and whether (and by
//! how much) that month counts under the contract's member-month rule.

use super::roster::RosterSpan;
use crate::config::MemberMonthRule;
use crate::model::{Money, ServiceMonth};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A set of days of one month, as bits (bit 0 = the 1st). Months have at most 31 days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DaySet(u32);

impl DaySet {
    /// No day.
    pub const EMPTY: DaySet = DaySet(0);

    /// The days of `month` from `from` to `to` (inclusive), clipped to the month.
    pub fn range(month: ServiceMonth, from: NaiveDate, to: NaiveDate) -> DaySet {
        let (first, last) = (month.first_day(), month.last_day());
        let from = from.max(first);
        let to = to.min(last);
        if from > to {
            return DaySet::EMPTY;
        }
        let (a, b) = (from.day0(), to.day0());
        // Bits a..=b; b <= 30 so the shift never overflows.
        let upto = if b >= 31 {
            u32::MAX
        } else {
            (1u32 << (b + 1)) - 1
        };
        DaySet(upto & !((1u32 << a) - 1))
    }

    /// Every day of `month`.
    pub fn whole(month: ServiceMonth) -> DaySet {
        DaySet::range(month, month.first_day(), month.last_day())
    }

    /// Days in either set.
    pub fn union(self, o: DaySet) -> DaySet {
        DaySet(self.0 | o.0)
    }

    /// Days in both sets.
    pub fn intersect(self, o: DaySet) -> DaySet {
        DaySet(self.0 & o.0)
    }

    /// How many days.
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether day `day` (1-31) is in the set.
    pub fn has_day(self, day: u32) -> bool {
        (1..=31).contains(&day) && self.0 & (1 << (day - 1)) != 0
    }

    /// The earliest day (1-31) in the set.
    pub fn first(self) -> Option<u32> {
        (self.0 != 0).then(|| self.0.trailing_zeros() + 1)
    }
}

/// The days of `month` on which any of `spans` (one member, one provider) is in force: days that
/// two spans share count once.
pub fn enrolled_days<'a>(
    spans: impl IntoIterator<Item = &'a RosterSpan>,
    month: ServiceMonth,
) -> DaySet {
    spans.into_iter().fold(DaySet::EMPTY, |acc, s| {
        acc.union(DaySet::range(month, s.start, s.end_or_max()))
    })
}

/// Whether the month counts as an enrolled member-month under `rule`.
///
/// - `any_day`: enrolled on at least one day of the month;
/// - `first_of_month`: enrolled on the 1st;
/// - `mid_month_15`: enrolled on the 15th;
/// - `prorated_daily`: enrolled on at least one day (the amount is then prorated, see [`month_amount`]).
pub fn counts(rule: MemberMonthRule, days: DaySet) -> bool {
    match rule {
        MemberMonthRule::AnyDay | MemberMonthRule::ProratedDaily => !days.is_empty(),
        MemberMonthRule::FirstOfMonth => days.has_day(1),
        MemberMonthRule::MidMonth15 => days.has_day(15),
    }
}

/// The share of the month's PMPM the member-month earns: 0 when it does not count, 1 when it
/// does, and enrolled days / days in the month under `prorated_daily`.
pub fn factor(rule: MemberMonthRule, days: DaySet, month: ServiceMonth) -> Decimal {
    if !counts(rule, days) {
        Decimal::ZERO
    } else if rule == MemberMonthRule::ProratedDaily {
        Decimal::from(days.count()) / Decimal::from(month.days())
    } else {
        Decimal::ONE
    }
}

/// The PMPM a counted member-month earns at `rate`: the rate itself, or under `prorated_daily`
/// rate x enrolled days / days in the month, rounded half-up to the cent for this member-month.
pub fn month_amount(
    rule: MemberMonthRule,
    rate: Money,
    days: DaySet,
    month: ServiceMonth,
) -> Money {
    if !counts(rule, days) {
        Money::ZERO
    } else if rule == MemberMonthRule::ProratedDaily {
        // Multiply before dividing so whole-month and exact fractions stay exact.
        Money::round_half_up(
            rate.amount() * Decimal::from(days.count()) / Decimal::from(month.days()),
        )
    } else {
        rate
    }
}

#[cfg(test)]
mod tests {
    use super::super::roster::tests::{d, npi_a, span};
    use super::*;
    use MemberMonthRule::*;

    fn m(s: &str) -> ServiceMonth {
        ServiceMonth::parse(s).unwrap()
    }

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn day_sets_clip_to_the_month() {
        let jul = m("2025-07");
        assert_eq!(DaySet::whole(jul).count(), 31);
        assert_eq!(DaySet::whole(m("2024-02")).count(), 29);
        let s = DaySet::range(jul, d("2025-06-20"), d("2025-07-10"));
        assert_eq!((s.count(), s.first()), (10, Some(1)));
        let s = DaySet::range(jul, d("2025-07-31"), d("2025-09-01"));
        assert_eq!((s.count(), s.first(), s.has_day(31)), (1, Some(31), true));
        assert!(DaySet::range(jul, d("2025-08-01"), d("2025-08-02")).is_empty());
    }

    #[test]
    fn days_shared_by_two_spans_count_once() {
        // Jul 1-20 and Jul 10-31 with the same provider: 31 days, not 42.
        let spans = [
            span("M1", npi_a(), "2025-07-01", Some("2025-07-20")),
            span("M1", npi_a(), "2025-07-10", Some("2025-07-31")),
        ];
        assert_eq!(enrolled_days(&spans, m("2025-07")).count(), 31);
    }

    /// Mid-month start: enrolled from 2025-07-16 (open) -> July has 16 enrolled days (16th-31st).
    #[test]
    fn a_mid_month_start_under_each_rule() {
        let jul = m("2025-07");
        let days = enrolled_days(&[span("M1", npi_a(), "2025-07-16", None)], jul);
        assert_eq!(days.count(), 16);
        let rate = money("300.00");
        // any_day: one enrolled day is enough -> the full 300.00.
        assert_eq!(month_amount(AnyDay, rate, days, jul), rate);
        // first_of_month: not enrolled on Jul 1 -> nothing.
        assert_eq!(month_amount(FirstOfMonth, rate, days, jul), Money::ZERO);
        // mid_month_15: not enrolled on Jul 15 (starts the 16th) -> nothing.
        assert_eq!(month_amount(MidMonth15, rate, days, jul), Money::ZERO);
        // prorated_daily: 300.00 x 16 / 31 = 154.838709... -> 154.84.
        assert_eq!(
            month_amount(ProratedDaily, rate, days, jul),
            money("154.84")
        );
        assert_eq!(
            factor(ProratedDaily, days, jul).round_dp(4).to_string(),
            "0.5161"
        );
        // A start on the 15th itself counts under mid_month_15.
        let days15 = enrolled_days(&[span("M1", npi_a(), "2025-07-15", None)], jul);
        assert!(counts(MidMonth15, days15));
    }

    /// Mid-month end: enrolled until 2025-09-14 -> September has 14 enrolled days (1st-14th).
    #[test]
    fn a_mid_month_end_under_each_rule() {
        let sep = m("2025-09");
        let days = enrolled_days(
            &[span("M1", npi_a(), "2025-01-01", Some("2025-09-14"))],
            sep,
        );
        assert_eq!(days.count(), 14);
        let rate = money("425.50");
        // any_day: the full 425.50.
        assert_eq!(month_amount(AnyDay, rate, days, sep), rate);
        // first_of_month: enrolled on Sep 1 -> the full 425.50.
        assert_eq!(month_amount(FirstOfMonth, rate, days, sep), rate);
        // mid_month_15: not enrolled on Sep 15 (ends the 14th) -> nothing.
        assert_eq!(month_amount(MidMonth15, rate, days, sep), Money::ZERO);
        // prorated_daily: 425.50 x 14 / 30 = 198.5666... -> 198.57.
        assert_eq!(
            month_amount(ProratedDaily, rate, days, sep),
            money("198.57")
        );
    }

    #[test]
    fn prorating_rounds_half_up_per_member_month() {
        // 0.10 x 15 / 30 = 0.05 exactly; 0.01 x 15 / 30 = 0.005 -> half-up -> 0.01.
        let sep = m("2025-09");
        let days = DaySet::range(sep, d("2025-09-01"), d("2025-09-15"));
        assert_eq!(
            month_amount(ProratedDaily, money("0.10"), days, sep),
            money("0.05")
        );
        assert_eq!(
            month_amount(ProratedDaily, money("0.01"), days, sep),
            money("0.01")
        );
    }
}
