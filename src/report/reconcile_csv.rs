//! `member-months.csv`, `summary.csv` and `rejects.csv` of `ecm reconcile`.

use crate::reconcile::expectation::Rate;
use crate::reconcile::{Reconciliation, Summary, SummaryRow};
use crate::rules::{FINDING_COLUMNS, Finding};
use std::io::Write;

/// The columns of `member-months.csv`, in order.
pub const MEMBER_MONTH_COLUMNS: [&str; 27] = [
    "provider_npi",
    "member_id",
    "month",
    "contract_id",
    "member_month_rule",
    "payment_basis",
    "enrolled_days",
    "days_in_month",
    "counted",
    "factor",
    "tier",
    "rate",
    "qualifying_encounters",
    "outreach_payable",
    "outreach_attempts",
    "outreach_over_cap",
    "expected_pmpm",
    "expected_outreach",
    "expected_total",
    "paid_pmpm",
    "paid_outreach",
    "paid_total",
    "payment_lines",
    "pmpm_variance",
    "outreach_variance",
    "variance",
    "reason_codes",
];

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// Writes every member-month row, in the reconciliation's order (provider, member, month).
pub fn write_member_months<W: Write>(out: W, rec: &Reconciliation) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(MEMBER_MONTH_COLUMNS).map_err(csv_err)?;
    for r in &rec.rows {
        let rate = match &r.rate {
            Some(Rate::Tier(m)) | Some(Rate::Default(m)) => m.to_cents_string(),
            Some(Rate::UnknownTier) => "unknown".to_string(),
            None => String::new(),
        };
        let reasons: Vec<&str> = r.reasons().into_iter().map(|x| x.code()).collect();
        w.write_record([
            r.provider_npi.as_str(),
            rec.member_id(r),
            &r.month.to_string(),
            r.contract.map_or("", |c| c.id.as_str()),
            r.rule_key(),
            r.basis_key(),
            &r.enrolled_days.to_string(),
            &r.days_in_month.to_string(),
            if r.counted { "yes" } else { "no" },
            &format!("{:.4}", r.factor.round_dp(4)),
            r.tier.as_deref().unwrap_or(""),
            &rate,
            &r.qualifying_encounters.to_string(),
            &r.outreach_payable.to_string(),
            &r.outreach_attempts.to_string(),
            &r.outreach_over_cap.to_string(),
            &r.expected_pmpm.to_cents_string(),
            &r.expected_outreach.to_cents_string(),
            &r.expected().to_cents_string(),
            &r.paid_pmpm.to_cents_string(),
            &r.paid_outreach.to_cents_string(),
            &r.paid().to_cents_string(),
            &r.payment_lines.to_string(),
            &r.pmpm_variance().to_cents_string(),
            &r.outreach_variance().to_cents_string(),
            &r.variance().to_cents_string(),
            &reasons.join(";"),
        ])
        .map_err(csv_err)?;
    }
    w.flush()
}

/// The columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 18] = [
    "scope",
    "provider_npi",
    "provider_name",
    "month",
    "enrolled_member_months",
    "counted_member_months",
    "engaged_member_months",
    "expected_pmpm",
    "expected_outreach",
    "expected_total",
    "paid_pmpm",
    "paid_outreach",
    "unattributed",
    "paid_total",
    "variance",
    "effective_pmpm_paid",
    "cost_per_member_month",
    "rows_with_variance",
];

/// The values of one summary row, for [`SUMMARY_COLUMNS`].
pub fn summary_record(s: &SummaryRow) -> [String; 18] {
    let opt = |m: Option<crate::model::Money>| m.map(|m| m.to_cents_string()).unwrap_or_default();
    [
        s.scope.key().to_string(),
        s.provider_npi.map(|n| n.to_string()).unwrap_or_default(),
        s.provider_name.clone().unwrap_or_default(),
        s.month.map(|m| m.to_string()).unwrap_or_default(),
        s.enrolled_member_months.to_string(),
        s.counted_member_months.to_string(),
        s.engaged_member_months.to_string(),
        s.expected_pmpm.to_cents_string(),
        s.expected_outreach.to_cents_string(),
        s.expected.to_cents_string(),
        s.paid_pmpm.to_cents_string(),
        s.paid_outreach.to_cents_string(),
        s.unattributed.to_cents_string(),
        s.paid.to_cents_string(),
        s.variance.to_cents_string(),
        opt(s.effective_pmpm_paid),
        opt(s.cost_per_member_month),
        s.rows_with_variance.to_string(),
    ]
}

/// Writes the summary rows: provider-months, provider totals, plan months, plan total.
pub fn write_summary<W: Write>(out: W, summary: &Summary) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(SUMMARY_COLUMNS).map_err(csv_err)?;
    for s in &summary.rows {
        w.write_record(summary_record(s)).map_err(csv_err)?;
    }
    w.flush()
}

/// Writes findings (every input row not used, and every warning) as `rejects.csv`.
pub fn write_findings<W: Write>(out: W, findings: &[Finding]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FINDING_COLUMNS).map_err(csv_err)?;
    for f in findings {
        w.write_record(f.csv_record()).map_err(csv_err)?;
    }
    w.flush()
}
