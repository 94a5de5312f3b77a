//! `ecm diff`: compare two 837P files claim by claim and line by line.

use super::{CliError, Globals, Outcome};
use crate::ops::diff::diff_files;
use crate::report::diff::{write_json, write_text};
use std::io::Write;
use std::path::PathBuf;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Compare two 837P files: claims keyed by CLM01, lines by REF*6R (else their LX position).
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Compare two 837P files claim by claim (keyed by CLM01) and line by line (keyed \
        by REF*6R, else the line's LX position): claims and lines added, removed or changed, each \
        changed field with both values. Interchange, group and transaction control numbers and \
        envelope dates and times are ignored, so two runs of the same data diff as the same.\n\n\
        Exit status: 0 the same; 1 different; 2 a file could not be read.",
    after_help = "Examples:\n  ecm diff october/bayview.837 october-rerun/bayview.837\n  ecm diff a.837 b.837 --format json > changes.json"
)]
pub struct Args {
    /// The first 837P file.
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The second 837P file.
    #[arg(value_name = "B")]
    pub b: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs `ecm diff`.
pub fn run(_g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let d = diff_files(&a.a, &a.b).map_err(CliError::from_display)?;
    let (na, nb) = (a.a.display().to_string(), a.b.display().to_string());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Text => write_text(&mut out, &na, &nb, &d),
        Format::Json => write_json(&mut out, &na, &nb, &d),
    }
    .and_then(|_| out.flush())
    .map_err(CliError::stdout)?;
    Ok(if d.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}
