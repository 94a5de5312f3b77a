//! `ecm claims`: encounter files to one 837P per payer, rejects and a summary.

use super::{CliError, Globals, Outcome};
use crate::ops::claims::{ClaimsOutcome, ClaimsRequest, TRANSLITERATIONS_FILE, run_claims};
use crate::ops::run::RunOutcome;
use std::path::PathBuf;

/// Turn encounter files into `DIR/<payer-key>.837` (one interchange per payer), `DIR/rejects.csv`
/// (every row not billed, with rule id, message and fix) and `DIR/summary.json`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm claims encounters.csv --out claims/\n  ecm claims sept.csv oct.xlsx --out claims/ --as-of 2026-11-01 --strict"
)]
pub struct Args {
    #[command(flatten)]
    pub run: EncounterRun,
    /// ISA13/GS06 for the first payer file (then +1 per file) instead of one derived from content.
    #[arg(long, value_name = "N")]
    pub control_number: Option<u32>,
}

/// The arguments of every command that turns encounter files into files in a directory.
#[derive(Debug, clap::Args)]
pub struct EncounterRun {
    /// Encounter files (CSV or XLSX).
    #[arg(required = true, value_name = "ENCOUNTERS")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing (exit 2) if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `ecm claims`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let (config, codeset, clock) = g.setup()?;
    let r = &a.run;
    let req = ClaimsRequest {
        inputs: &r.inputs,
        out_dir: &r.out,
        config: &config,
        codeset: &codeset,
        clock,
        strict: r.strict,
        force: r.force,
        control_number: a.control_number,
    };
    let outcome = run_claims(&req, &mut g.progress()).map_err(CliError::from_display)?;
    report(g, &outcome, &a.run.out, a.run.inputs.len());
    Ok(if outcome.refused_by_strict {
        Outcome::Failed
    } else if outcome.summary.rows_rejected > 0 {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}

/// Tells the user, in a few lines on stderr, what was billed, what was rejected and where it went.
pub fn report(g: &Globals, o: &ClaimsOutcome, out: &std::path::Path, files: usize) {
    let s = &o.summary;
    g.say(&format!(
        "Read {} rows from {}: {} billed, {} rejected.",
        s.rows_read,
        files_read(files, s.head.inputs.len()),
        s.rows_billed,
        s.rows_rejected
    ));
    say_skipped_sheets(g, &s.skipped_sheets);
    say_unknown_columns(g, &s.report.unknown_columns);
    say_warnings(g, &s.report.warnings_by_rule, "each is in summary.json");
    for p in &s.payers {
        match &p.file {
            Some(f) => g.say(&format!(
                "  {}: {} claims, {} lines, {} members, total charge ${} -> {}",
                p.payer,
                p.claims,
                p.lines,
                p.members,
                p.total_charge,
                out.join(f).display()
            )),
            None if o.refused_by_strict => {}
            None => g.say(&format!("  {}: no billable rows, no file written", p.payer)),
        }
    }
    say_outcome(
        g,
        o,
        Tally {
            id_label: "encounter",
            rejects: o.rejects.len(),
            transliterated: s.report.transliterations.fields_changed,
            transliterations_in: TRANSLITERATIONS_FILE,
        },
    );
}

/// Says which header columns were ignored, each with the column it was probably meant as, so a
/// misspelled optional column (`diagnosis_code`) is not dropped silently.
pub(super) fn say_unknown_columns(g: &Globals, unknown: &[crate::ops::claims::UnknownColumn]) {
    let known = crate::encounters::Columns::all_names();
    for u in unknown {
        let hint = match crate::input::nearest(&u.column, &known) {
            Some(k) => format!("; did you mean {k}?"),
            None => " (the README's encounter file format lists the columns)".to_string(),
        };
        g.say(&format!(
            "  warning: {}: column '{}' is not an encounter column and was ignored{hint}",
            u.file, u.column
        ));
    }
}

/// Says how many rows each warning rule flagged (the rows were accepted); `listed` says where
/// each one is.
pub(super) fn say_warnings(g: &Globals, counts: &[crate::ops::claims::RuleCount], listed: &str) {
    for c in counts {
        g.say(&format!(
            "  warning: {} on {} row(s): {} (a warning, not a rejection; {listed})",
            c.rule_id, c.rows, c.title
        ));
    }
}

/// "2 file(s)", or "1 file(s), 3 sheets" when a workbook gave more than one table: the inputs as
/// the user named them, then the tables read from them when those are more.
pub(super) fn files_read(files: usize, tables: usize) -> String {
    if tables > files {
        format!("{files} file(s), {tables} sheets")
    } else {
        format!("{files} file(s)")
    }
}

/// Says which workbook sheets were not read (no encounter columns), so none is left out unseen.
pub(super) fn say_skipped_sheets(g: &Globals, skipped: &[crate::ops::claims::SkippedSheet]) {
    for s in skipped {
        g.say(&format!(
            "  note: {}: sheet '{}' has no encounter columns (encounter_id, member_id ...); not read",
            s.file, s.sheet
        ));
    }
}

/// What the end of a run's report needs besides the outcome.
pub(super) struct Tally<'a> {
    /// What a row's id is called: `encounter` or `line`.
    pub id_label: &'a str,
    /// Rejections in all (the outcome may hold only the first ones).
    pub rejects: usize,
    /// Fields whose accented letters were spelled in ASCII, and the file that lists them.
    pub transliterated: u64,
    pub transliterations_in: &'a str,
}

/// The end of a run's report, for every command that reads rows: the rejected rows (ten, or all
/// with -v), transliterations, timings with -v, and what was written.
pub(super) fn say_outcome<S, R: std::borrow::Borrow<crate::rules::Finding>>(
    g: &Globals,
    o: &RunOutcome<S, R>,
    t: Tally,
) {
    let (rejects, total_rejects, transliterated) = (&o.rejects, t.rejects, t.transliterated);
    let limit = if g.verbose > 0 { usize::MAX } else { 10 };
    for f in rejects.iter().take(limit) {
        g.say(&format!(
            "  rejected: {}",
            f.borrow().describe_as(t.id_label)
        ));
    }
    let shown = rejects.len().min(limit);
    if total_rejects > shown {
        g.say(&format!(
            "  ... and {} more (all in rejects.csv{})",
            total_rejects - shown,
            if shown < rejects.len() {
                "; -v shows every one"
            } else {
                ""
            }
        ));
    }
    if transliterated > 0 {
        g.say(&format!(
            "  {transliterated} field(s) had accented letters spelled in plain ASCII (listed in {})",
            t.transliterations_in
        ));
    }
    if g.verbose > 0 {
        let mut by: Vec<(&str, std::time::Duration)> = Vec::new();
        for (name, d) in &o.timings {
            match by.iter_mut().find(|(n, _)| n == name) {
                Some(e) => e.1 += *d,
                None => by.push((name, *d)),
            }
        }
        for (name, d) in by {
            g.say(&format!("  time: {name}: {:.2} s", d.as_secs_f64()));
        }
    }
    if o.refused_by_strict {
        g.say("Nothing was written: --strict refuses to bill while any row is rejected. Fix the rows above and run again.");
    } else {
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
}
