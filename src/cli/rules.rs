//! `ecm rules`: the validation rule catalogue.

use super::{CliError, Globals, Outcome};
use crate::rules::{Severity, catalogue};
use std::io::Write;

/// Output form.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Csv,
    Json,
}

/// Print every rule: its id, severity, what it applies to, what it means and how to fix it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  ecm rules --format csv > rules.csv")]
pub struct Args {
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs `ecm rules`.
pub fn run(_g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let rules = catalogue();
    let mut out = std::io::stdout().lock();
    let res = match a.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &rules)
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out)),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut r = w.write_record(["id", "severity", "applies_to", "title", "fix"]);
            for rule in &rules {
                if r.is_ok() {
                    r = w.write_record([
                        rule.id,
                        sev(rule.severity),
                        rule.applies_to,
                        rule.title,
                        rule.fix,
                    ]);
                }
            }
            r.and_then(|_| w.flush().map_err(csv::Error::from))
                .map_err(std::io::Error::other)
        }
        Format::Text => rules.iter().try_for_each(|r| {
            writeln!(
                out,
                "{}  {:<7}  {:<14} {}\n{:26} fix: {}",
                r.id,
                sev(r.severity),
                r.applies_to,
                r.title,
                "",
                r.fix
            )
        }),
    };
    res.map_err(CliError::stdout)?;
    Ok(Outcome::Clean)
}

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
