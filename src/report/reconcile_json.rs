//! `summary.json` of `ecm reconcile`: the run, the totals at every level, the variances by reason
//! and the money paid with no member. Money is written as strings with two decimals.

use crate::ops::reconcile::RunInfo;
use crate::reconcile::{Reconciliation, Scope, Summary, SummaryRow};
use serde::Serialize;

#[derive(Serialize)]
struct ProviderJson<'a> {
    provider_npi: String,
    provider_name: Option<&'a str>,
    total: &'a SummaryRow,
    months: Vec<&'a SummaryRow>,
}

#[derive(Serialize)]
struct UnattributedJson {
    payment_id: String,
    provider_npi: String,
    service_month: String,
    paid_date: String,
    kind: &'static str,
    amount: String,
    file: String,
    row: u32,
}

#[derive(Serialize)]
struct ReasonJson {
    reason: &'static str,
    meaning: &'static str,
    rows: u64,
    amount: String,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    run: &'a RunInfo,
    member_months: usize,
    member_months_with_variance: usize,
    plan_total: Option<&'a SummaryRow>,
    plan_months: Vec<&'a SummaryRow>,
    providers: Vec<ProviderJson<'a>>,
    variances_by_reason: Vec<ReasonJson>,
    unattributed_payments: Vec<UnattributedJson>,
}

/// The pretty-printed JSON, ending with a newline.
pub fn summary_json(info: &RunInfo, summary: &Summary, rec: &Reconciliation) -> String {
    let providers = summary
        .scope(Scope::ProviderTotal)
        .map(|total| ProviderJson {
            provider_npi: total
                .provider_npi
                .map(|n| n.to_string())
                .unwrap_or_default(),
            provider_name: total.provider_name.as_deref(),
            total,
            months: summary
                .scope(Scope::ProviderMonth)
                .filter(|m| m.provider_npi == total.provider_npi)
                .collect(),
        })
        .collect();
    let doc = SummaryJson {
        run: info,
        member_months: rec.rows.len(),
        member_months_with_variance: rec.rows.iter().filter(|r| r.has_variance()).count(),
        plan_total: summary.plan_total(),
        plan_months: summary.scope(Scope::PlanMonth).collect(),
        providers,
        variances_by_reason: summary
            .reasons
            .iter()
            .map(|r| ReasonJson {
                reason: r.reason.code(),
                meaning: r.reason.meaning(),
                rows: r.rows,
                amount: r.amount.to_cents_string(),
            })
            .collect(),
        unattributed_payments: rec
            .unattributed_payments
            .iter()
            .map(|p| UnattributedJson {
                payment_id: p.payment_id.clone(),
                provider_npi: p.provider_npi.to_string(),
                service_month: p.service_month.to_string(),
                paid_date: p.paid_date.to_string(),
                kind: p.kind.key(),
                amount: p.amount.to_cents_string(),
                file: info
                    .payment_files
                    .files
                    .get(p.source.file as usize)
                    .cloned()
                    .unwrap_or_default(),
                row: p.source.row,
            })
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
