//! `ecm render`: an 837P or 835 file as text or JSON, segment by segment in its loops.

use super::{CliError, Globals, Outcome};
use crate::ops::render::{RenderError, RenderSink, render_file};
use crate::report::render::{JsonRender, TextRender};
use std::path::PathBuf;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Show an 837P or 835 file one segment per line, indented by loop, each loop labelled with its
/// id and name and each segment with its guide name and key elements.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Show an 837P or 835 file one segment per line, indented by loop, each loop \
        labelled with its id and name (2010BA Subscriber Name) and each segment followed by its \
        guide name and key elements named. --format json keeps the loop tree, with every \
        element named, for other programs.\n\n\
        Exit status: 0 every segment placed; 1 some segments could not be read or are not where \
        the guide allows them (shown with !!; `ecm check` says more); 2 the file could not be read.",
    after_help = "Examples:\n  ecm render claims/bayview.837\n  ecm render era.835 --format json > era.json"
)]
pub struct Args {
    /// An 837P or 835 file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs `ecm render`.
pub fn run(_g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sink: Box<dyn RenderSink> = match a.format {
        Format::Text => Box::new(TextRender::new(stdout)),
        Format::Json => Box::new(JsonRender::new(stdout)),
    };
    match render_file(&a.file, sink.as_mut()) {
        Ok(stats) if stats.unplaced > 0 => Ok(Outcome::Rejected),
        Ok(_) => Ok(Outcome::Clean),
        Err(RenderError::Output(e)) => Err(CliError::stdout(e)),
        Err(e) => Err(CliError::from_display(e)),
    }
}
