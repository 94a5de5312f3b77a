//! `ecm reconcile`: what each ECM provider should have been paid, against what was paid.

use super::{CliError, Globals, Outcome};
use crate::model::ServiceMonth;
use crate::ops::reconcile::{ReconcileError, ReconcileOutcome, ReconcileRequest, run_reconcile};
use std::path::PathBuf;

/// Reconcile PMPM and outreach payments against the plan's contracts, member-month by
/// member-month. Writes DIR/member-months.csv (every provider-member-month with expected, paid,
/// variance and reason codes), DIR/summary.csv and DIR/summary.json (per provider and month, per
/// provider, per month and for the plan), DIR/report.html (printable, self-contained) and
/// DIR/rejects.csv (input rows not used, with rule id and fix); with an 835 among the payments,
/// DIR/payments-835.csv (every SVC and PLB, how it matched and where its money went).
///
/// Exit status: 0 everything reconciles; 1 variances found or input rows refused; 2 nothing
/// could be computed (nothing is written).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm --config plan.toml reconcile --roster roster.csv --encounters enc.csv --payments payments.csv --out recon/\n  ecm --config plan.toml --as-of 2026-02-01 reconcile --roster roster.csv --encounters jan.csv feb.xlsx --payments ledger.csv --from 2025-01 --to 2025-12 --out recon/ --force\n  ecm --config plan.toml reconcile --roster roster.csv --encounters sunrise.837 --payments remit-2025-03.835 --out recon/"
)]
pub struct Args {
    /// Roster file (CSV or XLSX): member_id, provider_npi, ecm_start, ecm_end, optional tier,
    /// population_of_focus, other_programs.
    #[arg(long, value_name = "FILE")]
    pub roster: PathBuf,
    /// Encounter files: encounter CSV or XLSX, and/or 837P files (told apart by content: an X12
    /// file starts with ISA), in any mix. Optional under the enrolled basis without outreach
    /// fees.
    #[arg(long, value_name = "FILES", num_args = 1..)]
    pub encounters: Vec<PathBuf>,
    /// Payment files: CSV or XLSX (payment_id, paid_date, provider_npi, member_id,
    /// service_month, kind, amount) and/or 835 files, whose service lines are matched to the
    /// encounters (told apart by content: an X12 file starts with ISA).
    #[arg(long, value_name = "FILES", num_args = 1.., required = true)]
    pub payments: Vec<PathBuf>,
    /// First month to reconcile (YYYY-MM). Default: the month of the earliest roster start.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Option<ServiceMonth>,
    /// Last month to reconcile (YYYY-MM). Default: the month of the latest roster end (an open
    /// span runs to the run date's month).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub to: Option<ServiceMonth>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

fn parse_month(s: &str) -> Result<ServiceMonth, String> {
    ServiceMonth::parse(s).map_err(|e| e.to_string())
}

/// Runs `ecm reconcile`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let config = g.load_config()?;
    let codeset = g.load_codeset()?;
    let clock = g.clock()?;
    let req = ReconcileRequest {
        roster: &a.roster,
        encounters: &a.encounters,
        payments: &a.payments,
        from: a.from,
        to: a.to,
        out_dir: &a.out,
        force: a.force,
        config: &config,
        codeset: &codeset,
        clock,
    };
    let outcome = match run_reconcile(&req, &mut g.progress()) {
        Ok(o) => o,
        Err(ReconcileError::Nothing(msg)) => {
            // A message that lists rows ends with them; the verdict goes on a line of its own.
            let sep = if msg.contains('\n') { "\n" } else { ". " };
            return Err(CliError(format!("{msg}{sep}Nothing was written.")));
        }
        Err(e) => return Err(CliError::from_display(e)),
    };
    report(g, &outcome);
    Ok(if outcome.has_variances_or_rejections() {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}

/// A few lines on stderr: the totals, the variances by reason, refused rows, where files went.
fn report(g: &Globals, o: &ReconcileOutcome) {
    let i = &o.info;
    g.say(&format!(
        "Reconciled {} to {}: {} member-months, {} with a variance.",
        i.months.from, i.months.to, o.member_months, o.rows_with_variance
    ));
    if let Some(t) = o.summary.plan_total() {
        g.say(&format!(
            "  expected {}, paid {}, variance {} (paid - expected); {} counted member-months",
            t.expected, t.paid, t.variance, t.counted_member_months
        ));
    }
    for r in &o.summary.reasons {
        g.say(&format!(
            "  {:<34} {:>8} rows {:>14}",
            r.reason.code(),
            r.rows,
            r.amount.to_cents_string()
        ));
    }
    let limit = if g.verbose > 0 { usize::MAX } else { 10 };
    for f in o.findings.iter().take(limit) {
        g.say(&format!("  {}", f.describe()));
    }
    if o.findings.len() > limit {
        g.say(&format!(
            "  ... and {} more findings (all in rejects.csv; -v shows every one)",
            o.findings.len() - limit
        ));
    }
    g.say(&format!(
        "Wrote {}.",
        o.written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    g.say_removed(&o.removed);
}
