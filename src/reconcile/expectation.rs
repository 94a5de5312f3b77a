//! What a member-month should have earned under the provider's contract: which contract governs
//! the month, which rate applies to the member's tier, and the expected PMPM.

use super::member_month::{DaySet, counts, factor, month_amount};
use crate::config::{Contract, PaymentBasis};
use crate::model::{Money, ServiceMonth};
use rust_decimal::Decimal;

/// The contract that governs a provider's member-month, and the day of the month that decided it.
///
/// The rule: the contract in force on the earliest day of the month on which the member is
/// enrolled with the provider and some contract of the provider is in force. For a month without
/// enrollment (a payment or an outreach attempt only), the earliest day of the month on which a
/// contract is in force. So a contract that starts on the 1st governs its whole first month, and
/// when a contract changes in the middle of a month, the month follows the one in force first.
pub fn governing_contract<'c>(
    contracts: &[&'c Contract],
    month: ServiceMonth,
    enrolled: DaySet,
) -> Option<(&'c Contract, u32)> {
    let days = if enrolled.is_empty() {
        DaySet::whole(month)
    } else {
        enrolled
    };
    contracts
        .iter()
        .filter_map(|c| {
            let cover = DaySet::range(
                month,
                c.effective_from,
                c.effective_to.unwrap_or(chrono::NaiveDate::MAX),
            );
            days.intersect(cover).first().map(|day| (day, *c))
        })
        .min_by_key(|(day, c)| (*day, c.id.as_str()))
        .map(|(day, c)| (c, day))
}

/// The PMPM rate for a member's tier under a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rate {
    /// The tier's own rate from `tier_rates`.
    Tier(Money),
    /// The contract's `pmpm`: the member has no tier, or the contract has no `tier_rates` at all.
    Default(Money),
    /// The member's tier is not a key of the contract's `tier_rates`: no rate is guessed.
    UnknownTier,
}

impl Rate {
    /// The amount, when known.
    pub fn amount(&self) -> Option<Money> {
        match self {
            Rate::Tier(m) | Rate::Default(m) => Some(*m),
            Rate::UnknownTier => None,
        }
    }
}

/// The tiers the plan prices: every key of every contract's `tier_rates`, compared ignoring case.
/// A roster tier outside this list is a typo or a tier no contract knows, never a guess.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TierNames(Vec<String>);

impl TierNames {
    /// The tier names of `contracts`.
    pub fn of<'c>(contracts: impl IntoIterator<Item = &'c Contract>) -> TierNames {
        let mut names: Vec<String> = contracts
            .into_iter()
            .flat_map(|c| c.tier_rates.keys())
            .map(|k| k.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        TierNames(names)
    }

    /// Whether some contract prices `tier`.
    pub fn knows(&self, tier: &str) -> bool {
        self.0.binary_search(&tier.to_ascii_lowercase()).is_ok()
    }
}

/// The rate for `tier` under `contract`:
/// - the member has no tier, or the contract has no `tier_rates`: the contract's `pmpm`;
/// - the contract prices the tier (matched exactly, then ignoring case): that rate;
/// - another contract of the plan prices the tier, this one does not: the contract's `pmpm`;
/// - no contract prices the tier: [`Rate::UnknownTier`].
pub fn rate_for(contract: &Contract, tier: Option<&str>, known: &TierNames) -> Rate {
    let Some(tier) = tier.filter(|t| !t.is_empty()) else {
        return Rate::Default(contract.pmpm);
    };
    if contract.tier_rates.is_empty() {
        return Rate::Default(contract.pmpm);
    }
    if let Some(r) = contract.tier_rates.get(tier) {
        return Rate::Tier(*r);
    }
    if let Some((_, r)) = contract
        .tier_rates
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(tier))
    {
        return Rate::Tier(*r);
    }
    if known.knows(tier) {
        Rate::Default(contract.pmpm)
    } else {
        Rate::UnknownTier
    }
}

/// The PMPM side of one member-month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PmpmExpectation {
    /// The month counts as an enrolled member-month under the contract's rule.
    pub counted: bool,
    /// 0, 1, or enrolled days / days in the month (prorated).
    pub factor: Decimal,
    /// The month earns its PMPM: counted, and under the `engaged` basis with at least one
    /// qualifying encounter.
    pub earns: bool,
    /// The rate, when there is a contract.
    pub rate: Option<Rate>,
    /// The expected PMPM (zero when it does not earn or the tier is unknown).
    pub amount: Money,
}

/// The expected PMPM of one member-month. `qualifying` counts the month's qualifying
/// (non-outreach) encounters inside an enrollment span with the provider.
pub fn expect_pmpm(
    contract: Option<&Contract>,
    month: ServiceMonth,
    enrolled: DaySet,
    tier: Option<&str>,
    known: &TierNames,
    qualifying: u32,
) -> PmpmExpectation {
    let Some(c) = contract else {
        return PmpmExpectation {
            counted: false,
            factor: Decimal::ZERO,
            earns: false,
            rate: None,
            amount: Money::ZERO,
        };
    };
    let counted = counts(c.member_month_rule, enrolled);
    let earns = counted && (c.payment_basis == PaymentBasis::Enrolled || qualifying > 0);
    let rate = rate_for(c, tier, known);
    let amount = match (&rate, earns) {
        (r, true) => r.amount().map_or(Money::ZERO, |r| {
            month_amount(c.member_month_rule, r, enrolled, month)
        }),
        (_, false) => Money::ZERO,
    };
    PmpmExpectation {
        counted,
        factor: factor(c.member_month_rule, enrolled, month),
        earns,
        rate: Some(rate),
        amount,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::roster::tests::{d, npi_a};
    use super::*;
    use crate::config::{MemberMonthRule, OutreachCap};

    pub(crate) fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    pub(crate) fn contract(id: &str, from: &str, to: Option<&str>) -> Contract {
        Contract {
            id: id.into(),
            provider_npi: npi_a(),
            provider_name: None,
            effective_from: d(from),
            effective_to: to.map(d),
            payment_basis: PaymentBasis::Enrolled,
            member_month_rule: MemberMonthRule::AnyDay,
            pmpm: money("300.00"),
            tier_rates: [("high".to_string(), money("450.00"))].into(),
            outreach_rate: Some(money("35.00")),
            outreach_cap: Some(OutreachCap {
                attempts: 3,
                days: 30,
            }),
            outreach_before_enrollment_only: false,
        }
    }

    fn m(s: &str) -> ServiceMonth {
        ServiceMonth::parse(s).unwrap()
    }

    #[test]
    fn tiers_resolve_to_a_rate_or_to_unknown() {
        let c = contract("c", "2025-01-01", None);
        let other = Contract {
            tier_rates: [("low".to_string(), money("250.00"))].into(),
            ..contract("other", "2025-01-01", None)
        };
        let known = TierNames::of([&c, &other]);
        assert_eq!(rate_for(&c, None, &known), Rate::Default(money("300.00")));
        assert_eq!(
            rate_for(&c, Some("high"), &known),
            Rate::Tier(money("450.00"))
        );
        assert_eq!(
            rate_for(&c, Some("HIGH"), &known),
            Rate::Tier(money("450.00"))
        );
        // A tier the plan prices in another contract: this contract's default.
        assert_eq!(
            rate_for(&c, Some("Low"), &known),
            Rate::Default(money("300.00"))
        );
        // A tier no contract prices is not guessed at the default.
        assert_eq!(rate_for(&c, Some("medium"), &known), Rate::UnknownTier);
        let flat = Contract {
            tier_rates: Default::default(),
            ..c
        };
        assert_eq!(
            rate_for(&flat, Some("medium"), &known),
            Rate::Default(money("300.00"))
        );
    }

    /// Rate change on a contract date: 2025 pays 300.00, a new contract from 2025-07-01 pays 320.00.
    /// June is governed by the old contract, July by the new one.
    #[test]
    fn a_rate_change_on_a_contract_date() {
        let old = contract("old", "2025-01-01", Some("2025-06-30"));
        let new = Contract {
            pmpm: money("320.00"),
            ..contract("new", "2025-07-01", None)
        };
        let both = [&old, &new];
        let jun = m("2025-06");
        let jul = m("2025-07");
        assert_eq!(
            governing_contract(&both, jun, DaySet::whole(jun))
                .unwrap()
                .0
                .id,
            "old"
        );
        let (c, day) = governing_contract(&both, jul, DaySet::whole(jul)).unwrap();
        assert_eq!(day, 1);
        assert_eq!(c.id, "new");
        assert_eq!(
            expect_pmpm(
                Some(c),
                jul,
                DaySet::whole(jul),
                None,
                &TierNames::of([c]),
                0
            )
            .amount,
            money("320.00")
        );
    }

    /// A contract change on the 16th: a member enrolled all month follows the contract in force on
    /// the 1st; a member enrolled from the 20th follows the one in force on the 20th.
    #[test]
    fn a_month_spanning_two_contracts_follows_the_first_enrolled_day() {
        let old = contract("old", "2025-01-01", Some("2025-08-15"));
        let new = contract("new", "2025-08-16", None);
        let aug = m("2025-08");
        let both = [&old, &new];
        assert_eq!(
            governing_contract(&both, aug, DaySet::whole(aug))
                .unwrap()
                .0
                .id,
            "old"
        );
        let late = DaySet::range(aug, d("2025-08-20"), d("2025-08-31"));
        let (c, day) = governing_contract(&both, aug, late).unwrap();
        assert_eq!((c.id.as_str(), day), ("new", 20));
        // Only the new contract, member enrolled all month: the month follows it from the 16th.
        assert_eq!(
            governing_contract(&[&new], aug, DaySet::whole(aug))
                .unwrap()
                .0
                .id,
            "new"
        );
    }

    /// Engaged basis: a counted month earns only with a qualifying encounter.
    #[test]
    fn engaged_basis_needs_a_qualifying_encounter() {
        let c = Contract {
            payment_basis: PaymentBasis::Engaged,
            ..contract("c", "2025-01-01", None)
        };
        let jan = m("2025-01");
        let none = expect_pmpm(
            Some(&c),
            jan,
            DaySet::whole(jan),
            None,
            &TierNames::of([&c]),
            0,
        );
        assert!(none.counted && !none.earns);
        assert_eq!(none.amount, Money::ZERO);
        let one = expect_pmpm(
            Some(&c),
            jan,
            DaySet::whole(jan),
            None,
            &TierNames::of([&c]),
            1,
        );
        assert_eq!(one.amount, money("300.00"));
    }

    /// Unknown tier: the month counts but expects nothing, and the rate is reported unknown.
    #[test]
    fn an_unknown_tier_expects_nothing() {
        let c = contract("c", "2025-01-01", None);
        let jan = m("2025-01");
        let e = expect_pmpm(
            Some(&c),
            jan,
            DaySet::whole(jan),
            Some("medium"),
            &TierNames::of([&c]),
            0,
        );
        assert!(e.counted && e.earns);
        assert_eq!((e.rate, e.amount), (Some(Rate::UnknownTier), Money::ZERO));
    }
}
