//! The command line: global options, one file per subcommand (its clap args and a thin `run`),
//! and the mapping of outcomes to exit status. Logic lives in the library.

mod check;
mod claims;
mod codes;
mod demo;
mod diff;
mod ingest;
mod invoice;
mod map;
mod reconcile;
mod render;
mod rules;
mod synth;

use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::config::Config;
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Medi-Cal Enhanced Care Management billing: encounters to HCPCS codes and 837P claims.
#[derive(Debug, Parser)]
#[command(
    name = "ecm",
    version,
    about = "Medi-Cal Enhanced Care Management (ECM) billing: encounters to HCPCS codes, 837P claims and invoices",
    long_about = "Medi-Cal Enhanced Care Management (ECM) billing.\n\n\
        Start with `ecm demo`: it runs the whole pipeline on built-in examples and says where \
        everything went.\n\n\
        Exit status: 0 every row accepted; 1 the run finished but some rows were rejected (see \
        the rejects file); 2 nothing was written (usage, configuration or unreadable input).",
    after_help = "Examples:\n  ecm demo\n  ecm codes --on 2026-01-01\n  ecm map encounters.csv\n  ecm claims encounters.csv --out claims/\n  ecm invoice encounters.csv --out invoices/\n  ecm ingest invoices/*.csv --out encounters/ --roster roster.csv --ledger ledger.csv"
)]
pub struct Cli {
    /// Configuration file (provider, submitter, payers). Default: ecm.toml in the current
    /// directory. `ecm demo` writes and uses its own.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The run's date (and optional time) for envelopes and date checks: `YYYY-MM-DD[THH:MM]`.
    /// Default: SOURCE_DATE_EPOCH if set, else now.
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A directory of code-set files that replace the built-in ones of the same name.
    #[arg(long, global = true, value_name = "DIR")]
    pub codeset: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (every rejected row on the terminal).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole pipeline on the built-in examples and explain what it wrote.
    Demo(demo::Args),
    /// Show the code set in force on a date, with where each row comes from.
    Codes(codes::Args),
    /// Print the catalogue of validation rules (ids, what they mean, how to fix).
    Rules(rules::Args),
    /// Show each encounter's service line (code, modifiers, units, charge) or why it is not billable.
    Map(map::Args),
    /// Turn encounter files into one 837P per payer, a rejects file and a summary.
    Claims(claims::Args),
    /// Turn encounter files into invoices (XLSX, CSV, JSON) per payer and month, for plans that take invoices.
    Invoice(invoice::Args),
    /// Plan side: check providers' invoices and turn the accepted lines into an 837P of encounters.
    Ingest(ingest::Args),
    // `about` rather than a doc comment, which would hide the command's own long_about.
    #[command(
        about = "Write a realistic synthetic data set (no real person in it) with its ground truth"
    )]
    Synth(synth::Args),
    #[command(about = "Check 837P files and print every finding with its rule id and place")]
    Check(check::Args),
    #[command(about = "Show an 837P or 835 file one segment per line, indented by loop")]
    Render(render::Args),
    #[command(about = "Compare two 837P files claim by claim and line by line")]
    Diff(diff::Args),
    /// Plan side: what each ECM provider should have been paid under its contract, against what was paid.
    Reconcile(reconcile::Args),
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything accepted.
    Clean,
    /// Finished, some rows rejected or findings reported.
    Rejected,
    /// Nothing was written.
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(match o {
            Outcome::Clean => 0,
            Outcome::Rejected => 1,
            Outcome::Failed => 2,
        })
    }
}

/// An error that ends a command with status 2; the message tells the user what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl CliError {
    /// Wraps any displayable error.
    pub fn from_display(e: impl std::fmt::Display) -> CliError {
        CliError(e.to_string())
    }

    /// A failed write to standard output.
    pub fn stdout(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError(BROKEN_PIPE.to_string())
        } else {
            CliError(format!("cannot write to standard output: {e}"))
        }
    }
}

/// Marks a write to a closed pipe (`ecm codes | head`): the reader has what it wanted.
const BROKEN_PIPE: &str = "\u{0}broken pipe";

/// Options every command shares.
pub struct Globals {
    pub config: PathBuf,
    /// `--config` was on the command line (not the default `ecm.toml`).
    pub config_given: bool,
    pub as_of: Option<String>,
    pub codeset: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: u8,
}

impl Globals {
    /// Loads the configuration file, warning once for each value whose accented letters were
    /// spelled in ASCII.
    pub fn load_config(&self) -> Result<Config, CliError> {
        let config = Config::load(&self.config).map_err(CliError::from_display)?;
        for t in &config.transliterated {
            self.say(&format!("warning: {t}"));
        }
        Ok(config)
    }

    /// Loads the code set (built in, with `--codeset` overrides).
    pub fn load_codeset(&self) -> Result<CodeSet, CliError> {
        let cs = CodeSet::load(self.codeset.as_deref()).map_err(CliError::from_display)?;
        for n in &cs.notes {
            self.say(&format!("warning: {n}"));
        }
        Ok(cs)
    }

    /// The configuration, the code set and the clock: what every command that reads rows needs.
    pub fn setup(&self) -> Result<(Config, CodeSet, Clock), CliError> {
        Ok((self.load_config()?, self.load_codeset()?, self.clock()?))
    }

    /// The run's clock from `--as-of` or SOURCE_DATE_EPOCH.
    pub fn clock(&self) -> Result<Clock, CliError> {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        Clock::resolve(self.as_of.as_deref(), epoch.as_deref()).map_err(CliError::from_display)
    }

    /// Prints a line on stderr unless `--quiet`.
    pub fn say(&self, s: &str) {
        if !self.quiet {
            eprintln!("{s}");
        }
    }

    /// Prints `text` on stdout unless `--quiet`: what a command explains to its reader (the
    /// demo's tour), which `> log.txt` or `| less` should get, while warnings and errors stay
    /// on stderr. A reader that closed the pipe early (`| head`) had what it wanted.
    pub fn tell(&self, text: &str) -> Result<(), CliError> {
        if self.quiet {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(CliError::stdout)
    }

    /// Names the files `--force` removed because an earlier run wrote them and this one did not.
    pub fn say_removed(&self, removed: &[PathBuf]) {
        if !removed.is_empty() {
            self.say(&format!(
                "Removed {} (written by an earlier run into this directory, not by this one).",
                removed
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }

    /// A progress callback: a bar on a terminal for inputs over a few megabytes, nothing otherwise.
    pub fn progress(&self) -> impl FnMut(u64, u64) {
        let show = !self.quiet && std::io::stderr().is_terminal();
        let mut bar: Option<indicatif::ProgressBar> = None;
        move |done, total| {
            if !show || total < 4 << 20 {
                return;
            }
            let b = bar.get_or_insert_with(|| {
                let b = indicatif::ProgressBar::new(total);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} reading {bytes}/{total_bytes} {wide_bar} {eta}",
                    )
                    .expect("valid template"),
                );
                b
            });
            b.set_position(done);
            if done >= total {
                b.finish_and_clear();
            }
        }
    }
}

/// Parses the command line, runs the command and returns the exit status.
/// How a command uses memory over its run, for the allocator the binary installs (the library
/// has no allocator of its own and does not assume one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryUse {
    /// Return freed memory to the system promptly: the command has a tight memory target (claims
    /// at 300 MB) or none that matters, and its phases free large tables before the next grows.
    Lean,
    /// Keep freed memory for the run's later phases: the command's target leaves room (ingest,
    /// 1 GB; invoice, none) and handing pages back only to fault them in again costs it time.
    Reuse,
}

/// What each command asks of the allocator (see [`MemoryUse`]).
fn memory_use(command: &Command) -> MemoryUse {
    match command {
        Command::Ingest(_) | Command::Invoice(_) => MemoryUse::Reuse,
        _ => MemoryUse::Lean,
    }
}

/// Parses the command line and runs the command. `tune_memory` is called once, before any
/// thread is started, with how the chosen command uses memory.
pub fn main(tune_memory: impl FnOnce(MemoryUse)) -> ExitCode {
    let cli = Cli::parse();
    tune_memory(memory_use(&cli.command));
    let g = Globals {
        config_given: cli.config.is_some(),
        config: cli.config.unwrap_or_else(|| PathBuf::from("ecm.toml")),
        as_of: cli.as_of,
        codeset: cli.codeset,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Demo(a) => demo::run(&g, a),
        Command::Codes(a) => codes::run(&g, a),
        Command::Rules(a) => rules::run(&g, a),
        Command::Map(a) => map::run(&g, a),
        Command::Claims(a) => claims::run(&g, a),
        Command::Invoice(a) => invoice::run(&g, a),
        Command::Ingest(a) => ingest::run(&g, a),
        Command::Synth(a) => synth::run(&g, a),
        Command::Check(a) => check::run(&g, a),
        Command::Render(a) => render::run(&g, a),
        Command::Diff(a) => diff::run(&g, a),
        Command::Reconcile(a) => reconcile::run(&g, a),
    };
    match result {
        Ok(o) => o.into(),
        Err(e) if e.0 == BROKEN_PIPE => Outcome::Clean.into(),
        Err(e) => {
            eprintln!("error: {e}");
            Outcome::Failed.into()
        }
    }
}
