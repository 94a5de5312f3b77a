//! `ecm map`: each encounter's service line, or why it is not billable.

use super::{CliError, Globals, Outcome};
use crate::encounters::IntakeContext;
use crate::ops::map::map_encounters;
use crate::output::Spool;
use crate::report::map::MapWriter;
use std::path::PathBuf;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// Print, for every encounter row, its HCPCS code, modifiers, units, charge, place of service and
/// the code-set rows that decided them, or the rule ids and reasons it cannot be billed.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm map encounters.csv\n  ecm map september.csv october.xlsx --format json > map.json"
)]
pub struct Args {
    /// Encounter files (CSV or XLSX).
    #[arg(required = true, value_name = "ENCOUNTERS")]
    pub inputs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
}

/// Runs `ecm map`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let config = g.load_config()?;
    config.provider_side().map_err(CliError::from_display)?;
    let codeset = g.load_codeset()?;
    let clock = g.clock()?;
    let ctx = IntakeContext {
        codeset: &codeset,
        config: &config,
        as_of: clock.date,
    };
    // Held back until every file was read: a run that stops on an unreadable file (exit 2)
    // prints no rows at all, not the rows before it.
    let spool = Spool::new();
    let mut w = match a.format {
        Format::Csv => MapWriter::csv(spool),
        Format::Json => MapWriter::json(spool),
    }
    .map_err(io)?;
    let mut err = None;
    let (counts, report, warnings) = map_encounters(
        &a.inputs,
        &ctx,
        |row| {
            if err.is_none() {
                err = w.row(&row).err();
            }
        },
        &mut g.progress(),
    )
    .map_err(CliError::from_display)?;
    if let Some(e) = err {
        return Err(io(e));
    }
    let spool = w.finish().map_err(io)?;
    spool
        .copy_to(&mut std::io::BufWriter::new(std::io::stdout().lock()))
        .map_err(io)?;
    g.say(&format!(
        "{} rows: {} billable, {} not billable",
        counts.rows_read, counts.billable, counts.not_billable
    ));
    super::claims::say_skipped_sheets(
        g,
        &crate::ops::claims::skipped_sheets(&report.skipped_sheets),
    );
    super::claims::say_unknown_columns(
        g,
        &crate::ops::claims::unknown_columns(&report.unknown_columns),
    );
    super::claims::say_warnings(g, &warnings, "each is shown with its row");
    Ok(if counts.not_billable == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

fn io(e: std::io::Error) -> CliError {
    CliError::stdout(e)
}
