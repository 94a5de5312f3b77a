//! `ecm ingest` (plan side): invoices to an 837P of encounters, a rejects file to send back and a
//! summary.

use super::claims::{Tally, say_outcome};
use super::{CliError, Globals, Outcome};
use crate::ops::ingest::{IngestOutcome, IngestRequest, run_ingest};
use std::path::PathBuf;

/// Take providers' invoices in (our CSV or XLSX, also one filled in by hand from the XLSX):
/// check every line, write the accepted ones as `DIR/encounters.837` (encounters, BHT06 = RP,
/// one claim per line, REF*6R = the line id), the rejected ones with rule, message and fix as
/// `DIR/rejects.csv` (to send back), and `DIR/summary.json`. Needs `[plan]` and `[[contract]]`
/// in the configuration.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm --config plan.toml ingest invoices/*.csv --out encounters/ --roster roster.csv --ledger ledger.csv\n  ecm --config plan.toml --as-of 2026-11-05 ingest sunrise-2026-10.xlsx --out nov/"
)]
pub struct Args {
    /// Invoice files (CSV or XLSX).
    #[arg(required = true, value_name = "INVOICES")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The plan's ECM roster (member_id, provider_npi, ecm_start, ecm_end, tier,
    /// population_of_focus, other_programs): enrollment, the assigned provider and programs that
    /// cannot be combined with ECM are checked against it.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// The ledger of lines accepted by earlier runs (created if missing, updated after the
    /// outputs are written): a service is never accepted twice.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `ecm ingest`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let (config, codeset, clock) = g.setup()?;
    let req = IngestRequest {
        inputs: &a.inputs,
        out_dir: &a.out,
        config: &config,
        codeset: &codeset,
        clock,
        roster: a.roster.as_deref(),
        ledger: a.ledger.as_deref(),
        force: a.force,
    };
    let outcome = run_ingest(&req, &mut g.progress()).map_err(CliError::from_display)?;
    report(g, &outcome);
    Ok(if outcome.summary.lines_rejected > 0 {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}

fn report(g: &Globals, o: &IngestOutcome) {
    let s = &o.summary;
    g.say(&format!(
        "Read {} invoice lines from {} file(s): {} accepted, {} rejected.",
        s.lines_read,
        s.head.inputs.len(),
        s.lines_accepted,
        s.lines_rejected
    ));
    if let Some(f) = &s.file {
        g.say(&format!(
            "  {f}: {} encounters ({} replacements, {} voids), total charge {}{}",
            s.claims,
            s.replacement_claims,
            s.void_claims,
            s.total_charge.to_dollars(),
            if s.void_claims > 0 {
                " (voids credited)"
            } else {
                ""
            }
        ));
    }
    // The roster's warnings (a program the code set does not know, a row not in UTF-8) are
    // about the plan's own file, so they are said here, not only listed in summary.json.
    if let Some(r) = &s.roster {
        let limit = if g.verbose > 0 { usize::MAX } else { 10 };
        let of_roster: Vec<_> = s
            .report
            .warnings
            .iter()
            .filter(|w| w.file == r.file)
            .collect();
        for w in of_roster.iter().take(limit) {
            g.say(&format!("  warning: {}", w.describe()));
        }
        if of_roster.len() > limit {
            g.say(&format!(
                "  ... and {} more roster warnings (all in summary.json; -v shows every one)",
                of_roster.len() - limit
            ));
        }
    }
    say_outcome(
        g,
        o,
        Tally {
            id_label: "line",
            rejects: s.rejections,
            transliterated: s.report.transliterations.fields_changed,
            transliterations_in: "summary.json",
        },
    );
}
