//! `ecm codes`: the code set in force on a date, with provenance.

use super::{CliError, Globals, Outcome};
use crate::report::codes;
use std::io::Write;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Csv,
    Json,
}

/// Show every code-set row in force on a date, with its id, source and how sure we are of it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  ecm codes\n  ecm codes --on 2023-06-30 --format csv")]
pub struct Args {
    /// The date (YYYY-MM-DD); default: the run date (--as-of).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs `ecm codes`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let cs = g.load_codeset()?;
    let on = match &a.on {
        Some(s) => {
            crate::input::parse_date(s).map_err(|e| CliError(format!("--on '{s}' {}", e.what())))?
        }
        None => g.clock()?.date,
    };
    // The early-implementation setting lives in the config; without a config the statewide dates
    // apply. A config that is there but does not load is said, not silently passed over (its
    // transliterations are not: nothing here prints its names).
    let early = if g.config.exists() {
        match crate::config::Config::load(&g.config) {
            Ok(c) => c.early_implementation_county(),
            Err(e) => {
                g.say(&format!(
                    "warning: {e}; Populations of Focus are shown with their statewide go-live dates"
                ));
                false
            }
        }
    } else {
        false
    };
    let rows = cs.rows_in_force(on, early);
    let bytes = match a.format {
        Format::Text => codes::text(on, &cs.origins, &rows).into_bytes(),
        Format::Csv => codes::csv(&rows),
        Format::Json => codes::json(on, &cs.origins, &rows).into_bytes(),
    };
    std::io::stdout()
        .lock()
        .write_all(&bytes)
        .map_err(CliError::stdout)?;
    Ok(Outcome::Clean)
}
