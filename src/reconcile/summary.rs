//! Totals: per provider and month, per provider, per month for the plan, and for the plan; and
//! the variances added up by reason. Every figure is a sum of member-month rows (plus money paid
//! with no member), so the detail always adds up to the summary exactly.

use super::reconciler::Reconciliation;
use super::row::MemberMonthRow;
use super::variance::Reason;
use crate::config::Contract;
use crate::model::{Money, Npi, ServiceMonth};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a summary row totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One provider, one month.
    ProviderMonth,
    /// One provider, every month.
    ProviderTotal,
    /// Every provider, one month.
    PlanMonth,
    /// Every provider, every month.
    PlanTotal,
}

impl Scope {
    /// The column value.
    pub fn key(self) -> &'static str {
        match self {
            Scope::ProviderMonth => "provider_month",
            Scope::ProviderTotal => "provider_total",
            Scope::PlanMonth => "plan_month",
            Scope::PlanTotal => "plan_total",
        }
    }
}

/// Totals for a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub scope: Scope,
    pub provider_npi: Option<Npi>,
    pub provider_name: Option<String>,
    pub month: Option<ServiceMonth>,
    /// Member-months with at least one enrolled day.
    pub enrolled_member_months: u64,
    /// Member-months that count under the contract's member-month rule.
    pub counted_member_months: u64,
    /// Counted member-months with at least one qualifying encounter.
    pub engaged_member_months: u64,
    pub expected_pmpm: Money,
    pub expected_outreach: Money,
    pub expected: Money,
    pub paid_pmpm: Money,
    pub paid_outreach: Money,
    /// Money paid with no member (UNATTRIBUTED).
    pub unattributed: Money,
    /// PMPM + outreach + unattributed.
    pub paid: Money,
    /// Paid minus expected.
    pub variance: Money,
    /// Paid PMPM / counted member-months, rounded half-up to the cent.
    pub effective_pmpm_paid: Option<Money>,
    /// Everything paid / enrolled member-months (those with an enrolled day, whatever the
    /// member-month rule): the ECM cost per enrolled member-month.
    pub cost_per_member_month: Option<Money>,
    /// Member-month rows with a variance reason.
    pub rows_with_variance: u64,
}

/// One reason's share of the variances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonTotal {
    pub reason: Reason,
    /// Member-month rows (or, for UNATTRIBUTED, payment lines) with the reason.
    pub rows: u64,
    /// The sum of the variances the reason explains (paid minus expected).
    pub amount: Money,
}

/// All totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Provider-month rows (by NPI, month), then provider totals, then plan months, then the plan total.
    pub rows: Vec<SummaryRow>,
    /// Largest absolute amount first.
    pub reasons: Vec<ReasonTotal>,
}

impl Summary {
    /// The plan total row.
    pub fn plan_total(&self) -> Option<&SummaryRow> {
        self.rows.iter().find(|r| r.scope == Scope::PlanTotal)
    }

    /// Rows of one scope.
    pub fn scope(&self, scope: Scope) -> impl Iterator<Item = &SummaryRow> {
        self.rows.iter().filter(move |r| r.scope == scope)
    }
}

#[derive(Debug, Default, Clone)]
struct Acc {
    enrolled: u64,
    counted: u64,
    engaged: u64,
    expected_pmpm: Money,
    expected_outreach: Money,
    paid_pmpm: Money,
    paid_outreach: Money,
    unattributed: Money,
    with_variance: u64,
}

impl Acc {
    fn add_row(&mut self, r: &MemberMonthRow) {
        self.enrolled += u64::from(r.enrolled_days > 0);
        self.counted += u64::from(r.counted);
        self.engaged += u64::from(r.engaged());
        self.expected_pmpm += r.expected_pmpm;
        self.expected_outreach += r.expected_outreach;
        self.paid_pmpm += r.paid_pmpm;
        self.paid_outreach += r.paid_outreach;
        self.with_variance += u64::from(r.has_variance());
    }

    fn add(&mut self, o: &Acc) {
        self.enrolled += o.enrolled;
        self.counted += o.counted;
        self.engaged += o.engaged;
        self.expected_pmpm += o.expected_pmpm;
        self.expected_outreach += o.expected_outreach;
        self.paid_pmpm += o.paid_pmpm;
        self.paid_outreach += o.paid_outreach;
        self.unattributed += o.unattributed;
        self.with_variance += o.with_variance;
    }

    fn row(
        &self,
        scope: Scope,
        provider: Option<Npi>,
        name: Option<String>,
        month: Option<ServiceMonth>,
    ) -> SummaryRow {
        let expected = self.expected_pmpm + self.expected_outreach;
        let paid = self.paid_pmpm + self.paid_outreach + self.unattributed;
        let per = |m: Money, months: u64| {
            (months > 0).then(|| Money::round_half_up(m.amount() / Decimal::from(months)))
        };
        SummaryRow {
            scope,
            provider_npi: provider,
            provider_name: name,
            month,
            enrolled_member_months: self.enrolled,
            counted_member_months: self.counted,
            engaged_member_months: self.engaged,
            expected_pmpm: self.expected_pmpm,
            expected_outreach: self.expected_outreach,
            expected,
            paid_pmpm: self.paid_pmpm,
            paid_outreach: self.paid_outreach,
            unattributed: self.unattributed,
            paid,
            variance: paid - expected,
            effective_pmpm_paid: per(self.paid_pmpm, self.counted),
            cost_per_member_month: per(paid, self.enrolled),
            rows_with_variance: self.with_variance,
        }
    }
}

/// Adds up a reconciliation. `contracts` give providers their names.
pub fn summarize(rec: &Reconciliation, contracts: &[Contract]) -> Summary {
    let mut cells: BTreeMap<(Npi, ServiceMonth), Acc> = BTreeMap::new();
    let mut reasons: BTreeMap<Reason, (u64, Money)> = BTreeMap::new();
    for r in &rec.rows {
        cells
            .entry((r.provider_npi, r.month))
            .or_default()
            .add_row(r);
        let mut seen: Option<Reason> = None;
        for (reason, amount) in [
            (r.pmpm_reason, r.pmpm_variance()),
            (r.outreach_reason, r.outreach_variance()),
        ] {
            if let Some(reason) = reason {
                let e = reasons.entry(reason).or_default();
                e.0 += u64::from(seen != Some(reason));
                e.1 += amount;
                seen = Some(reason);
            }
        }
    }
    for p in &rec.unattributed_payments {
        cells
            .entry((p.provider_npi, p.service_month))
            .or_default()
            .unattributed += p.amount;
        let e = reasons.entry(Reason::Unattributed).or_default();
        e.0 += 1;
        e.1 += p.amount;
    }

    let name = |npi: Npi| {
        let mut named: Vec<&Contract> = contracts
            .iter()
            .filter(|c| c.provider_npi == npi && c.provider_name.is_some())
            .collect();
        named.sort_by_key(|c| std::cmp::Reverse(c.effective_from));
        named.first().and_then(|c| c.provider_name.clone())
    };
    let mut rows = Vec::new();
    let mut providers: BTreeMap<Npi, Acc> = BTreeMap::new();
    let mut months: BTreeMap<ServiceMonth, Acc> = BTreeMap::new();
    let mut plan = Acc::default();
    for ((npi, month), acc) in &cells {
        rows.push(acc.row(Scope::ProviderMonth, Some(*npi), name(*npi), Some(*month)));
        providers.entry(*npi).or_default().add(acc);
        months.entry(*month).or_default().add(acc);
        plan.add(acc);
    }
    for (npi, acc) in &providers {
        rows.push(acc.row(Scope::ProviderTotal, Some(*npi), name(*npi), None));
    }
    for (month, acc) in &months {
        rows.push(acc.row(Scope::PlanMonth, None, None, Some(*month)));
    }
    rows.push(plan.row(Scope::PlanTotal, None, None, None));

    let mut reasons: Vec<ReasonTotal> = reasons
        .into_iter()
        .map(|(reason, (rows, amount))| ReasonTotal {
            reason,
            rows,
            amount,
        })
        .collect();
    reasons.sort_by(|a, b| {
        b.amount
            .amount()
            .abs()
            .cmp(&a.amount.amount().abs())
            .then(a.reason.cmp(&b.reason))
    });
    Summary { rows, reasons }
}
