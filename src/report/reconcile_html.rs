//! `report.html` of `ecm reconcile`: one self-contained page (inline CSS and SVG, no script, no
//! network fetch) that finance staff can open and print: the totals, a chart of expected against
//! paid per month, the summary table, and the variances grouped by reason, largest first.

use super::bar_chart::{Series, grouped_bars};
use super::html::escape;
use crate::model::Money;
use crate::ops::reconcile::RunInfo;
use crate::reconcile::{Reason, Reconciliation, Scope, Summary, SummaryRow};
use std::fmt::Write;

/// Rows listed per reason; the rest are in member-months.csv.
const ROWS_PER_REASON: usize = 100;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin-bottom: 0.2em; }
p.meta, p.note { color: #555; margin-top: 0; }
dl.glance { display: grid; grid-template-columns: max-content max-content; gap: 0.2em 1.5em; }
dl.glance dt { color: #555; } dl.glance dd { margin: 0; font-weight: 600; text-align: right; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
th { background: #f0f0f0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; background: #fafafa; }
.neg { color: #a00; }
@media print {
  body { margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table { break-inside: auto; } tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
";

fn money_td(m: Money) -> String {
    let class = if m.is_negative() { "num neg" } else { "num" };
    format!("<td class=\"{class}\">{m}</td>")
}

fn opt_money_td(m: Option<Money>) -> String {
    m.map_or_else(|| "<td class=\"num\"></td>".to_string(), money_td)
}

/// The whole page.
pub fn report_html(info: &RunInfo, summary: &Summary, rec: &Reconciliation) -> String {
    let title = format!(
        "ECM PMPM reconciliation: {} {} to {}",
        info.plan, info.months.from, info.months.to
    );
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p class=\"meta\">Run date {d}. Contracts: {c}. Every figure is paid minus expected where it is a variance; money is in US dollars.</p>\n",
        t = escape(&title),
        d = info.run_date,
        c = escape(&info.contracts.join(", ")),
    );
    glance(&mut h, info, summary, rec);
    chart(&mut h, summary);
    summary_table(&mut h, summary);
    variances(&mut h, summary, rec);
    unattributed(&mut h, info, rec);
    inputs(&mut h, info);
    h.push_str("</body>\n</html>\n");
    h
}

fn glance(h: &mut String, info: &RunInfo, summary: &Summary, rec: &Reconciliation) {
    let Some(t) = summary.plan_total() else {
        return;
    };
    let with_variance = rec.rows.iter().filter(|r| r.has_variance()).count();
    let _ = write!(
        h,
        "<section id=\"glance\">\n<h2>At a glance</h2>\n<dl class=\"glance\">\
         <dt>Expected</dt><dd>{}</dd><dt>Paid</dt><dd>{}</dd><dt>Variance (paid - expected)</dt><dd>{}</dd>\
         <dt>Counted member-months</dt><dd>{}</dd><dt>Engaged member-months</dt><dd>{}</dd>\
         <dt>ECM cost per enrolled member-month</dt><dd>{}</dd>\
         <dt>Member-months with a variance</dt><dd>{} of {}</dd>\
         <dt>Input rows refused / warnings</dt><dd>{} / {}</dd></dl>\n</section>\n",
        t.expected,
        t.paid,
        t.variance,
        t.counted_member_months,
        t.engaged_member_months,
        t.cost_per_member_month
            .map_or_else(|| "-".to_string(), |m| m.to_string()),
        with_variance,
        rec.rows.len(),
        info.findings.errors,
        info.findings.warnings,
    );
}

fn chart(h: &mut String, summary: &Summary) {
    let months: Vec<&SummaryRow> = summary.scope(Scope::PlanMonth).collect();
    let labels: Vec<String> = months
        .iter()
        .map(|m| m.month.map(|x| x.to_string()).unwrap_or_default())
        .collect();
    let svg = grouped_bars(
        "Expected and paid per month, all providers",
        &labels,
        &[
            Series {
                name: "expected",
                fill: "#2b4a6f",
                values: months.iter().map(|m| m.expected).collect(),
            },
            Series {
                name: "paid",
                fill: "#8fb8de",
                values: months.iter().map(|m| m.paid).collect(),
            },
        ],
    );
    let _ = write!(
        h,
        "<section id=\"by-month\">\n<h2>Expected and paid per month</h2>\n{svg}\n</section>\n"
    );
}

fn summary_table(h: &mut String, summary: &Summary) {
    h.push_str(
        "<section id=\"summary\">\n<h2>Summary by provider and month</h2>\n<table id=\"summary-table\">\n<thead><tr><th>Provider</th><th>Month</th><th>Counted member-months</th><th>Engaged</th><th>Expected</th><th>Paid</th><th>of which unattributed</th><th>Variance</th><th>Effective PMPM paid</th><th>Cost per member-month</th><th>Rows with variance</th></tr></thead>\n<tbody>\n",
    );
    for r in &summary.rows {
        if r.scope == Scope::PlanMonth {
            continue;
        }
        let provider = match (&r.provider_npi, &r.provider_name) {
            (Some(n), Some(name)) => format!("{} {}", n, escape(name)),
            (Some(n), None) => n.to_string(),
            _ => "Plan".to_string(),
        };
        let month = r
            .month
            .map_or_else(|| "all months".to_string(), |m| m.to_string());
        let class = if r.scope == Scope::ProviderMonth {
            ""
        } else {
            " class=\"total\""
        };
        let _ = writeln!(
            h,
            "<tr{class}><td>{provider}</td><td>{month}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}{}{}{}{}<td class=\"num\">{}</td></tr>",
            r.counted_member_months,
            r.engaged_member_months,
            money_td(r.expected),
            money_td(r.paid),
            money_td(r.unattributed),
            money_td(r.variance),
            opt_money_td(r.effective_pmpm_paid),
            opt_money_td(r.cost_per_member_month),
            r.rows_with_variance,
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// Which part of a member-month a variance reason explains.
#[derive(Clone, Copy)]
enum Side {
    Pmpm,
    Outreach,
    Both,
}

fn variances(h: &mut String, summary: &Summary, rec: &Reconciliation) {
    h.push_str("<section id=\"variances\">\n<h2>Variances by reason, largest first</h2>\n");
    if summary.reasons.is_empty() {
        h.push_str("<p>Every member-month reconciles: nothing to explain.</p>\n</section>\n");
        return;
    }
    // (reason, row index, amount the reason explains on that row, the side it explains)
    let mut items: Vec<(Reason, usize, Money, Side)> = Vec::new();
    for (i, r) in rec.rows.iter().enumerate() {
        match (r.pmpm_reason, r.outreach_reason) {
            (Some(a), Some(b)) if a == b => items.push((a, i, r.variance(), Side::Both)),
            (a, b) => {
                if let Some(a) = a {
                    items.push((a, i, r.pmpm_variance(), Side::Pmpm));
                }
                if let Some(b) = b {
                    items.push((b, i, r.outreach_variance(), Side::Outreach));
                }
            }
        }
    }
    items.sort_by(|x, y| {
        (x.0, std::cmp::Reverse(x.2.amount().abs()), x.1).cmp(&(
            y.0,
            std::cmp::Reverse(y.2.amount().abs()),
            y.1,
        ))
    });
    for total in &summary.reasons {
        let code = total.reason.code();
        let _ = write!(
            h,
            "<h3 id=\"reason-{code}\">{code}: {} rows, {}</h3>\n<p class=\"note\">{}</p>\n",
            total.rows,
            total.amount,
            escape(total.reason.meaning())
        );
        if total.reason == Reason::Unattributed {
            h.push_str("<p class=\"note\">Listed under Unattributed payments below.</p>\n");
            continue;
        }
        h.push_str("<table class=\"variance\">\n<thead><tr><th>Provider</th><th>Member</th><th>Month</th><th>Contract</th><th>Enrolled days</th><th>Tier</th><th>Qualifying</th><th>Outreach payable / total</th><th>Of</th><th>Expected</th><th>Paid</th><th>Variance</th></tr></thead>\n<tbody>\n");
        let mine = items.iter().filter(|x| x.0 == total.reason);
        for (_, i, amount, side) in mine.clone().take(ROWS_PER_REASON) {
            let r = &rec.rows[*i];
            // The figures of the side the reason explains, so each row adds up.
            let (of, expected, paid) = match side {
                Side::Pmpm => ("PMPM", r.expected_pmpm, r.paid_pmpm),
                Side::Outreach => ("outreach", r.expected_outreach, r.paid_outreach),
                Side::Both => ("PMPM + outreach", r.expected(), r.paid()),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}/{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}/{}</td><td>{of}</td>{}{}{}</tr>",
                r.provider_npi,
                escape(rec.member_id(r)),
                r.month,
                escape(r.contract.map_or("", |c| c.id.as_str())),
                r.enrolled_days,
                r.days_in_month,
                escape(r.tier.as_deref().unwrap_or("")),
                r.qualifying_encounters,
                r.outreach_payable,
                r.outreach_attempts,
                money_td(expected),
                money_td(paid),
                money_td(*amount),
            );
        }
        h.push_str("</tbody>\n</table>\n");
        let n = mine.count();
        if n > ROWS_PER_REASON {
            let _ = writeln!(
                h,
                "<p class=\"note\">... and {} more rows with {code} in member-months.csv.</p>",
                n - ROWS_PER_REASON
            );
        }
    }
    h.push_str("</section>\n");
}

fn unattributed(h: &mut String, info: &RunInfo, rec: &Reconciliation) {
    if rec.unattributed_payments.is_empty() {
        return;
    }
    h.push_str("<section id=\"unattributed\">\n<h2>Unattributed payments (no member)</h2>\n<table>\n<thead><tr><th>Provider</th><th>Month</th><th>Payment</th><th>Kind</th><th>Paid date</th><th>Amount</th><th>Source</th></tr></thead>\n<tbody>\n");
    for p in rec.unattributed_payments.iter().take(ROWS_PER_REASON) {
        let file = info
            .payment_files
            .files
            .get(p.source.file as usize)
            .map_or("", String::as_str);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}<td>{} row {}</td></tr>",
            p.provider_npi,
            p.service_month,
            escape(&p.payment_id),
            p.kind.key(),
            p.paid_date,
            money_td(p.amount),
            escape(file),
            p.source.row
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if rec.unattributed_payments.len() > ROWS_PER_REASON {
        let _ = writeln!(
            h,
            "<p class=\"note\">... and {} more in summary.json.</p>",
            rec.unattributed_payments.len() - ROWS_PER_REASON
        );
    }
    h.push_str("</section>\n");
}

fn inputs(h: &mut String, info: &RunInfo) {
    let _ = write!(
        h,
        "<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<thead><tr><th>Input</th><th>Rows read</th><th>Refused</th><th>Notes</th></tr></thead>\n<tbody>\n\
         <tr><td>Roster {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{} enrollment spans</td></tr>\n\
         <tr><td>Encounters {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{} services and {} outreach attempts attributed; {} not attributable; {} services outside the months</td></tr>\n\
         <tr><td>Payments {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{} member lines, {} without a member, {} outside the months (net {})</td></tr>\n",
        escape(&info.roster.file),
        info.roster.rows_read,
        info.roster.rows_rejected,
        info.roster.spans,
        escape(&info.encounter_files.files.join(", ")),
        info.encounter_files.rows_read,
        info.encounter_files.rows_rejected,
        info.encounters.services,
        info.encounters.outreach_attempts,
        info.encounters.unattributed,
        info.encounters.services_outside_months,
        escape(&info.payment_files.files.join(", ")),
        info.payment_files.rows_read,
        info.payment_files.rows_rejected,
        info.payments.member_lines,
        info.payments.unattributed_lines,
        info.payments.outside_months,
        info.payments.outside_months_amount,
    );
    if let Some(x) = &info.encounter_files.x12 {
        let _ = writeln!(
            h,
            "<tr><td>837 service lines {}</td><td class=\"num\">{}</td><td class=\"num\">0</td><td>{} used as encounters; left out: {} to other payers, {} of void claims, {} not ECM lines, {} repeating an encounter already read</td></tr>",
            escape(&x.files.join(", ")),
            x.lines_read,
            x.lines_used,
            x.lines_other_plan,
            x.lines_voided,
            x.lines_not_ecm,
            x.lines_repeated,
        );
    }
    if let Some(x) = &info.remittances {
        let matched = |k: &str| x.matched.get(k).copied().unwrap_or(0);
        let by_payer: Vec<String> = x
            .modifiers_dropped_by_payer
            .iter()
            .map(|(p, n)| format!("{} {n}", escape(p)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>835 service lines {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>matched {} by line id, {} by member, date, code and modifiers, {} with modifiers dropped{}; {} unmatched ({}); {} PLB adjustments ({}); {} transaction sets, {} refused. Every line is in payments-835.csv.</td></tr>",
            escape(&x.files.join(", ")),
            x.service_lines,
            x.transactions_refused,
            matched("line_id"),
            matched("member_date_code"),
            matched("member_date_code_modifiers_dropped"),
            if by_payer.is_empty() {
                String::new()
            } else {
                format!(" (by payer: {})", by_payer.join(", "))
            },
            x.unmatched,
            x.unmatched_paid,
            x.provider_adjustments,
            x.provider_adjustment_paid,
            x.transactions,
            x.transactions_refused,
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if !info.findings.by_rule.is_empty() {
        h.push_str("<p>Findings by rule (every one is in rejects.csv with its row and fix): ");
        let parts: Vec<String> = info
            .findings
            .by_rule
            .iter()
            .map(|(id, n)| format!("{id} &times; {n}"))
            .collect();
        h.push_str(&parts.join(", "));
        h.push_str(".</p>\n");
    }
    h.push_str("</section>\n");
}
