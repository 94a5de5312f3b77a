//! One line of `member-months.csv`: a provider, a member and a month, with what was expected,
//! what was paid and why they differ.

use super::expectation::Rate;
use super::variance::Reason;
use crate::config::{Contract, MemberMonthRule, PaymentBasis};
use crate::model::{Money, Npi, ServiceMonth};
use rust_decimal::Decimal;
use std::sync::Arc;

/// One provider-member-month.
#[derive(Debug, Clone)]
pub struct MemberMonthRow<'c> {
    pub provider_npi: Npi,
    /// Index into [`super::Reconciliation::members`].
    pub member: u32,
    pub month: ServiceMonth,
    /// The contract governing the month's PMPM, if any.
    pub contract: Option<&'c Contract>,
    pub enrolled_days: u32,
    pub days_in_month: u32,
    /// Counts as an enrolled member-month under the contract's rule.
    pub counted: bool,
    /// 0, 1, or enrolled days / days in the month (prorated).
    pub factor: Decimal,
    /// The roster tier on the day that governs the month.
    pub tier: Option<Arc<str>>,
    pub rate: Option<Rate>,
    /// Qualifying (non-outreach) encounters dated in the month inside a span with the provider.
    pub qualifying_encounters: u32,
    pub outreach_attempts: u32,
    pub outreach_payable: u32,
    pub outreach_over_cap: u32,
    pub expected_pmpm: Money,
    pub expected_outreach: Money,
    pub paid_pmpm: Money,
    pub paid_outreach: Money,
    /// Payment lines counted for the month.
    pub payment_lines: u32,
    pub pmpm_reason: Option<Reason>,
    pub outreach_reason: Option<Reason>,
}

impl MemberMonthRow<'_> {
    /// Paid minus expected, PMPM side (positive = overpaid).
    pub fn pmpm_variance(&self) -> Money {
        self.paid_pmpm - self.expected_pmpm
    }

    /// Paid minus expected, outreach side.
    pub fn outreach_variance(&self) -> Money {
        self.paid_outreach - self.expected_outreach
    }

    /// Total paid minus total expected.
    pub fn variance(&self) -> Money {
        self.pmpm_variance() + self.outreach_variance()
    }

    /// Expected PMPM + outreach.
    pub fn expected(&self) -> Money {
        self.expected_pmpm + self.expected_outreach
    }

    /// Paid PMPM + outreach.
    pub fn paid(&self) -> Money {
        self.paid_pmpm + self.paid_outreach
    }

    /// The reasons, PMPM side first, without repeats.
    pub fn reasons(&self) -> impl Iterator<Item = Reason> + use<> {
        let pmpm = self.pmpm_reason;
        pmpm.into_iter()
            .chain(self.outreach_reason.filter(move |r| Some(*r) != pmpm))
    }

    /// Whether any reason is set.
    pub fn has_variance(&self) -> bool {
        self.pmpm_reason.is_some() || self.outreach_reason.is_some()
    }

    /// Whether the month earned its PMPM's engagement condition: a qualifying encounter.
    pub fn engaged(&self) -> bool {
        self.counted && self.qualifying_encounters > 0
    }

    /// The contract's member-month rule, as written in ecm.toml.
    pub fn rule_key(&self) -> &'static str {
        match self.contract.map(|c| c.member_month_rule) {
            Some(MemberMonthRule::AnyDay) => "any_day",
            Some(MemberMonthRule::FirstOfMonth) => "first_of_month",
            Some(MemberMonthRule::MidMonth15) => "mid_month_15",
            Some(MemberMonthRule::ProratedDaily) => "prorated_daily",
            None => "",
        }
    }

    /// The contract's payment basis, as written in ecm.toml.
    pub fn basis_key(&self) -> &'static str {
        match self.contract.map(|c| c.payment_basis) {
            Some(PaymentBasis::Enrolled) => "enrolled",
            Some(PaymentBasis::Engaged) => "engaged",
            None => "",
        }
    }
}
