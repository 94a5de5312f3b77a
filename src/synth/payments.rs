//! The plan's payment ledger for its members: what each contract says for each member-month and
//! each payable outreach attempt, paid mostly right, plus a controlled share of the errors
//! reconciliation must find, each recorded for truth.json.
//!
//! How the amounts are worked out (also written into truth.json as `conventions`):
//! - a month counts for a roster span under the contract in force for the span's provider on the
//!   month's first day (contracts change on the first of a month); `any_day`: enrolled on at least
//!   one day; `first_of_month`: enrolled on the 1st; `mid_month_15`: enrolled on the 15th;
//!   `prorated_daily`: the rate times enrolled days over days in the month, rounded half up to
//!   the cent;
//! - the rate is the contract's `tier_rates` entry for the span's tier, else its `pmpm`;
//! - an `engaged` contract pays a counted month only when the member has a good (not rejected)
//!   non-outreach encounter dated in the month within the span;
//! - each good outreach row dated before the member's first span is an attempt for that span's
//!   provider, paid at the outreach rate of the contract in force on its date when fewer than
//!   `outreach_cap.attempts` attempts were paid in the `outreach_cap.days` days ending on its date;
//!   one outreach payment per provider, member and month.

use super::config::TIERS;
use super::members::{Member, Span};
use super::period::{add_months, days_in_month, month_key, plus_days, push_date};
use super::rng::Rng;
use super::world::World;
use crate::config::{Contract, MemberMonthRule, PaymentBasis};
use crate::model::{Money, Npi};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The payments columns, in order.
pub const PAYMENTS_HEADER: [&str; 7] = [
    "payment_id",
    "paid_date",
    "provider_npi",
    "member_id",
    "service_month",
    "kind",
    "amount",
];

/// The kinds of payment error injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// An eligible month was not paid.
    MissingMonth,
    /// A month was paid twice.
    Duplicate,
    /// Paid at another tier's rate.
    WrongRate,
    /// Paid for a month after a retroactive termination.
    PaidAfterTermination,
    /// A correct payment recouped by a negative adjustment.
    Recoupment,
    /// An engaged contract paid a month without a qualifying encounter.
    PaidWithoutEncounter,
    /// Outreach attempts over the cap were paid.
    OutreachOverCap,
}

impl ErrorKind {
    /// The snake_case name.
    pub fn key(self) -> &'static str {
        match self {
            ErrorKind::MissingMonth => "missing_month",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::WrongRate => "wrong_rate",
            ErrorKind::PaidAfterTermination => "paid_after_termination",
            ErrorKind::Recoupment => "recoupment",
            ErrorKind::PaidWithoutEncounter => "paid_without_encounter",
            ErrorKind::OutreachOverCap => "outreach_over_cap",
        }
    }
}

/// One injected payment error: what was expected and what was paid for a provider, member,
/// month and kind of payment (`difference` = paid - expected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentError {
    pub kind: ErrorKind,
    pub provider_npi: Npi,
    pub member_id: String,
    pub service_month: String,
    /// `pmpm` or `outreach`.
    pub payment_kind: &'static str,
    pub expected: Money,
    pub paid: Money,
    pub difference: Money,
    /// The payments involved (none when a payment is missing).
    pub payment_ids: Vec<String>,
}

/// One row of payments.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: u64,
    pub paid_date: NaiveDate,
    pub npi: Npi,
    pub month: NaiveDate,
    /// `pmpm`, `outreach` or `adjustment`.
    pub kind: &'static str,
    pub amount: Money,
}

/// Expected and paid totals for one provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub expected: Money,
    pub paid: Money,
}

/// The payments made so far, the errors injected and the totals per provider.
#[derive(Debug, Default)]
pub struct Ledger {
    next_id: u64,
    /// The current member's payments (written and cleared by the caller).
    pub rows: Vec<Payment>,
    pub errors: Vec<PaymentError>,
    pub totals: BTreeMap<Npi, Totals>,
    /// Payments written in all.
    pub payment_count: u64,
    /// Provider-member-month-kind amounts the contracts call for.
    pub expected_count: u64,
}

/// Whether a span's month counts under a rule, and for what share of the rate.
pub fn member_month_amount(
    rule: MemberMonthRule,
    rate: Money,
    span: &Span,
    month_first: NaiveDate,
) -> Option<Money> {
    let month_last = add_months(month_first, 1).pred_opt().expect("in range");
    let from = span.start.max(month_first);
    let to = span.end.unwrap_or(month_last).min(month_last);
    if from > to {
        return None;
    }
    let on = |day: u32| span.contains(month_first.with_day(day).expect("valid day"));
    match rule {
        MemberMonthRule::AnyDay => Some(rate),
        MemberMonthRule::FirstOfMonth => on(1).then_some(rate),
        MemberMonthRule::MidMonth15 => on(15).then_some(rate),
        MemberMonthRule::ProratedDaily => {
            let days = (to - from).num_days() + 1;
            let share =
                rate.amount() * Decimal::from(days) / Decimal::from(days_in_month(month_first));
            Some(Money::round_half_up(share))
        }
    }
}

/// The contract's rate for a tier.
pub fn rate_for(c: &Contract, tier: &str) -> Money {
    c.tier_rates.get(tier).copied().unwrap_or(c.pmpm)
}

impl Ledger {
    fn pay(
        &mut self,
        paid_date: NaiveDate,
        npi: Npi,
        month: NaiveDate,
        kind: &'static str,
        amount: Money,
    ) -> String {
        self.next_id += 1;
        self.payment_count += 1;
        self.totals.entry(npi).or_default().paid += amount;
        self.rows.push(Payment {
            id: self.next_id,
            paid_date,
            npi,
            month,
            kind,
            amount,
        });
        payment_id(self.next_id)
    }

    fn expect(&mut self, npi: Npi, amount: Money) {
        self.expected_count += 1;
        self.totals.entry(npi).or_default().expected += amount;
    }

    #[allow(clippy::too_many_arguments)]
    fn error(
        &mut self,
        kind: ErrorKind,
        npi: Npi,
        m: &Member,
        month: NaiveDate,
        payment_kind: &'static str,
        expected: Money,
        paid: Money,
        ids: Vec<String>,
    ) {
        self.errors.push(PaymentError {
            kind,
            provider_npi: npi,
            member_id: m.id.clone(),
            service_month: month_key(month),
            payment_kind,
            expected,
            paid,
            difference: paid - expected,
            payment_ids: ids,
        });
    }

    /// The member's payments for the period. `engaged` has bit `i` set when month `i` has a
    /// qualifying encounter; `attempts` are the dates of the member's good outreach rows.
    pub fn member(
        &mut self,
        world: &World,
        m: &Member,
        engaged: u128,
        attempts: &[NaiveDate],
        rng: &mut Rng,
    ) {
        self.rows.clear();
        let period = world.period;
        for span in &m.spans {
            let npi = world.orgs[span.org].npi;
            for i in 0..period.months {
                let month = period.month_first(i);
                let Some(c) = world.config.contract_for(npi, month) else {
                    continue;
                };
                let rate = rate_for(c, span.tier);
                let Some(amount) = member_month_amount(c.member_month_rule, rate, span, month)
                else {
                    continue;
                };
                if amount.is_zero() {
                    continue;
                }
                let paid_on = match c.payment_basis {
                    PaymentBasis::Enrolled => plus_days(month, 9),
                    PaymentBasis::Engaged => plus_days(add_months(month, 1), 19),
                };
                if c.payment_basis == PaymentBasis::Engaged && engaged & (1u128 << i) == 0 {
                    if rng.chance(1000) {
                        let id = self.pay(paid_on, npi, month, "pmpm", rate);
                        self.error(
                            ErrorKind::PaidWithoutEncounter,
                            npi,
                            m,
                            month,
                            "pmpm",
                            Money::ZERO,
                            rate,
                            vec![id],
                        );
                    }
                    continue;
                }
                self.expect(npi, amount);
                let r = rng.below(10_000);
                if r < 70 {
                    self.error(
                        ErrorKind::MissingMonth,
                        npi,
                        m,
                        month,
                        "pmpm",
                        amount,
                        Money::ZERO,
                        vec![],
                    );
                } else if r < 120 {
                    let a = self.pay(paid_on, npi, month, "pmpm", amount);
                    let b = self.pay(plus_days(paid_on, 14), npi, month, "pmpm", amount);
                    self.error(
                        ErrorKind::Duplicate,
                        npi,
                        m,
                        month,
                        "pmpm",
                        amount,
                        amount + amount,
                        vec![a, b],
                    );
                } else if r < 180
                    && let Some(wrong) = wrong_tier_amount(c, span, month, amount)
                {
                    let id = self.pay(paid_on, npi, month, "pmpm", wrong);
                    self.error(
                        ErrorKind::WrongRate,
                        npi,
                        m,
                        month,
                        "pmpm",
                        amount,
                        wrong,
                        vec![id],
                    );
                } else if (180..220).contains(&r) {
                    let a = self.pay(paid_on, npi, month, "pmpm", amount);
                    let b = self.pay(plus_days(paid_on, 75), npi, month, "adjustment", -amount);
                    self.error(
                        ErrorKind::Recoupment,
                        npi,
                        m,
                        month,
                        "pmpm",
                        amount,
                        Money::ZERO,
                        vec![a, b],
                    );
                } else {
                    self.pay(paid_on, npi, month, "pmpm", amount);
                }
            }
        }
        self.after_termination(world, m);
        self.outreach(world, m, attempts, rng);
    }

    /// Months after a retroactive termination were paid before the plan learnt of it.
    fn after_termination(&mut self, world: &World, m: &Member) {
        let (Some(tail), Some(span)) = (m.retro_tail_end, m.spans.last()) else {
            return;
        };
        let Some(end) = span.end else { return };
        let npi = world.orgs[span.org].npi;
        let period = world.period;
        for i in 0..period.months {
            let month = period.month_first(i);
            if month <= end || month > tail {
                continue;
            }
            let Some(c) = world.config.contract_for(npi, month) else {
                continue;
            };
            let rate = rate_for(c, span.tier);
            let paid_on = match c.payment_basis {
                PaymentBasis::Enrolled => plus_days(month, 9),
                PaymentBasis::Engaged => plus_days(add_months(month, 1), 19),
            };
            let id = self.pay(paid_on, npi, month, "pmpm", rate);
            self.error(
                ErrorKind::PaidAfterTermination,
                npi,
                m,
                month,
                "pmpm",
                Money::ZERO,
                rate,
                vec![id],
            );
        }
    }

    fn outreach(&mut self, world: &World, m: &Member, attempts: &[NaiveDate], rng: &mut Rng) {
        let Some(first) = m.spans.first() else { return };
        let npi = world.orgs[first.org].npi;
        // Per month: (payable amount, amount for every attempt).
        let mut months: BTreeMap<NaiveDate, (Money, Money)> = BTreeMap::new();
        let mut paid_dates: Vec<NaiveDate> = Vec::new();
        for &d in attempts {
            let Some(c) = world.config.contract_for(npi, d) else {
                continue;
            };
            let Some(rate) = c.outreach_rate else {
                continue;
            };
            if c.outreach_before_enrollment_only && d >= first.start {
                continue;
            }
            let payable = match c.outreach_cap {
                None => true,
                Some(cap) => {
                    let window_start = plus_days(d, -(i64::from(cap.days) - 1));
                    let in_window = paid_dates.iter().filter(|p| **p >= window_start).count();
                    in_window < cap.attempts as usize
                }
            };
            let month = d.with_day(1).expect("valid");
            let e = months.entry(month).or_default();
            e.1 += rate;
            if payable {
                paid_dates.push(d);
                e.0 += rate;
            }
        }
        for (month, (payable, all)) in months {
            let paid_on = plus_days(add_months(month, 1), 19);
            if !payable.is_zero() {
                self.expect(npi, payable);
            }
            if all != payable && rng.chance(5000) {
                let id = self.pay(paid_on, npi, month, "outreach", all);
                self.error(
                    ErrorKind::OutreachOverCap,
                    npi,
                    m,
                    month,
                    "outreach",
                    payable,
                    all,
                    vec![id],
                );
            } else if payable.is_zero() {
                continue;
            } else if rng.chance(100) {
                self.error(
                    ErrorKind::MissingMonth,
                    npi,
                    m,
                    month,
                    "outreach",
                    payable,
                    Money::ZERO,
                    vec![],
                );
            } else {
                self.pay(paid_on, npi, month, "outreach", payable);
            }
        }
    }

    /// Appends the current member's payments as CSV lines.
    pub fn write_rows(&self, member_id: &str, out: &mut String) {
        use std::fmt::Write;
        for p in &self.rows {
            let _ = write!(out, "PAY{:09},", p.id);
            push_date(out, p.paid_date);
            let _ = writeln!(
                out,
                ",{},{member_id},{},{},{}",
                p.npi,
                month_key(p.month),
                p.kind,
                p.amount.to_cents_string()
            );
        }
    }
}

fn payment_id(n: u64) -> String {
    format!("PAY{n:09}")
}

/// The amount at another tier's rate, when one differs from the right amount.
fn wrong_tier_amount(c: &Contract, span: &Span, month: NaiveDate, right: Money) -> Option<Money> {
    TIERS
        .iter()
        .filter(|t| **t != span.tier)
        .filter_map(|t| member_month_amount(c.member_month_rule, rate_for(c, t), span, month))
        .find(|a| *a != right)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn span(start: &str, end: Option<&str>) -> Span {
        Span {
            org: 0,
            start: d(start),
            end: end.map(d),
            tier: "high",
            other_programs: String::new(),
            authorization: String::new(),
        }
    }

    #[test]
    fn member_month_rules() {
        let rate = Money::parse("412.35").unwrap();
        let s = span("2025-03-16", Some("2025-05-14"));
        let amt =
            |rule, m: &str| member_month_amount(rule, rate, &s, d(m)).map(|a| a.to_cents_string());
        assert_eq!(
            amt(MemberMonthRule::AnyDay, "2025-03-01").as_deref(),
            Some("412.35")
        );
        assert_eq!(amt(MemberMonthRule::AnyDay, "2025-06-01"), None);
        assert_eq!(amt(MemberMonthRule::FirstOfMonth, "2025-03-01"), None);
        assert_eq!(
            amt(MemberMonthRule::FirstOfMonth, "2025-05-01").as_deref(),
            Some("412.35")
        );
        assert_eq!(amt(MemberMonthRule::MidMonth15, "2025-03-01"), None);
        assert_eq!(amt(MemberMonthRule::MidMonth15, "2025-05-01"), None);
        assert_eq!(
            amt(MemberMonthRule::MidMonth15, "2025-04-01").as_deref(),
            Some("412.35")
        );
        // 16 of 31 days: 412.35 * 16 / 31 = 212.8258... -> 212.83
        assert_eq!(
            amt(MemberMonthRule::ProratedDaily, "2025-03-01").as_deref(),
            Some("212.83")
        );
        // 14 of 31 days: 186.2225... -> 186.22
        assert_eq!(
            amt(MemberMonthRule::ProratedDaily, "2025-05-01").as_deref(),
            Some("186.22")
        );
        // 400.00 * 1 / 32 cannot happen, but 1 day of 30 at 0.15 is 0.005: half a cent rounds up.
        let tiny = span("2025-06-30", None);
        let a = member_month_amount(
            MemberMonthRule::ProratedDaily,
            Money::parse("0.15").unwrap(),
            &tiny,
            d("2025-06-01"),
        );
        assert_eq!(a.unwrap().to_cents_string(), "0.01");
    }
}
