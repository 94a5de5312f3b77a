//! `ecm check`: validate 837P files and print every finding with its place.

use super::{CliError, Globals, Outcome};
use crate::ops::check::check_files;
use crate::report::check::{CheckReport, JsonReport, TextReport};
use std::path::PathBuf;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Check 837P files against the 005010X222A1 guide and the ECM code set: envelopes, loop
/// structure, elements, claims. Every finding names its rule id, segment number, byte offset,
/// loop and element.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Check 837P files against the 005010X222A1 guide and the ECM code set: envelopes \
        and counts, loop structure, element lengths, codes and formats, HL and LX numbering, claim \
        totals, claim and line control numbers, NPI check digits, ICD-10 codes, and G9008/G9012 \
        modifiers on the service date. Every finding names its rule id (`ecm rules`), segment \
        number, byte offset, loop and element.\n\n\
        Exit status: 0 no errors (warnings allowed); 1 errors found; 2 a file could not be read.",
    after_help = "Examples:\n  ecm check claims/bayview.837\n  ecm check *.837 --format json > findings.json"
)]
pub struct Args {
    /// 837P files.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs `ecm check`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let codeset = g.load_codeset()?;
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut report: Box<dyn CheckReport> = match a.format {
        Format::Text => Box::new(TextReport::new(stdout)),
        Format::Json => Box::new(JsonReport::new(stdout)),
    };
    let totals = check_files(&a.files, &codeset, report.as_mut()).map_err(CliError::stdout)?;
    Ok(if totals.unreadable > 0 {
        Outcome::Failed
    } else if totals.errors > 0 {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}
