//! `ecm invoice`: encounter files to invoices (one per payer per service month), rejects and a
//! summary.

use super::claims::{
    EncounterRun, Tally, say_outcome, say_skipped_sheets, say_unknown_columns, say_warnings,
};
use super::{CliError, Globals, Outcome};
use crate::ops::intake::TRANSLITERATIONS_FILE;
use crate::ops::invoice::{InvoiceFormat, InvoiceOutcome, InvoiceRequest, run_invoice};
use chrono::NaiveDate;

/// Turn encounter files into invoices: `DIR/<payer-key>-<YYYY-MM>.xlsx` (to print and send) and
/// `.csv` (one row per line with the header repeated, what plans load), `.json` on request, plus
/// `DIR/rejects.csv` and `DIR/summary.json`. Rows are read and coded exactly as by `ecm claims`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm invoice encounters.csv --out invoices/\n  ecm invoice oct.xlsx --out invoices/ --period 2026-10 --format csv,json --as-of 2026-11-01"
)]
pub struct Args {
    #[command(flatten)]
    pub run: EncounterRun,
    /// Invoice only this service month; rows of other months are rejected (INV-001). Default:
    /// one invoice per payer for every month present.
    #[arg(long, value_name = "YYYY-MM", value_parser = crate::synth::parse_start)]
    pub period: Option<NaiveDate>,
    /// The forms to write, several allowed (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [InvoiceFormat::Xlsx, InvoiceFormat::Csv])]
    pub format: Vec<InvoiceFormat>,
}

/// Runs `ecm invoice`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let (config, codeset, clock) = g.setup()?;
    let r = &a.run;
    let req = InvoiceRequest {
        inputs: &r.inputs,
        out_dir: &r.out,
        config: &config,
        codeset: &codeset,
        clock,
        period: a.period,
        formats: &a.format,
        strict: r.strict,
        force: r.force,
    };
    let outcome = run_invoice(&req, &mut g.progress()).map_err(CliError::from_display)?;
    report(g, &outcome, &a.run.out, a.run.inputs.len());
    Ok(if outcome.refused_by_strict {
        Outcome::Failed
    } else if outcome.summary.rows_rejected > 0 {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}

fn report(g: &Globals, o: &InvoiceOutcome, out: &std::path::Path, files: usize) {
    let s = &o.summary;
    g.say(&format!(
        "Read {} rows from {}: {} invoiced, {} rejected.",
        s.rows_read,
        super::claims::files_read(files, s.head.inputs.len()),
        s.rows_invoiced,
        s.rows_rejected
    ));
    say_skipped_sheets(g, &s.skipped_sheets);
    say_unknown_columns(g, &s.report.unknown_columns);
    say_warnings(g, &s.report.warnings_by_rule, "each is in summary.json");
    for i in &s.invoices {
        g.say(&format!(
            "  {} {} {} to {}: {} lines, {} members, total {}{}{}",
            i.invoice_number,
            i.payer,
            i.period_start,
            i.period_end,
            i.lines,
            i.members,
            i.total_charge.to_dollars(),
            match i.void_lines {
                0 => String::new(),
                n => format!(" ({n} void line(s) credited)"),
            },
            if i.files.is_empty() {
                String::new()
            } else {
                format!(
                    " -> {}",
                    out.join(&i.files[0]).with_extension("*").display()
                )
            }
        ));
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
