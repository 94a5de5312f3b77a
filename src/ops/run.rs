//! What every command that reads rows and writes files shares about a run: its phase timings,
//! what it hands back when it finished, the head of its `summary.json`, and the last step
//! (rejects and summary written, every staged file renamed into place).

use super::intake::{CodeTotal, RuleCount, UnknownColumn, rule_counts};
use crate::clock::Clock;
use crate::codeset::TableOrigin;
use crate::config::{Config, ConfigTransliteration};
use crate::encounters::TransliterationTally;
use crate::output::{Committed, OutputError, OutputSet};
use crate::rules::Finding;
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long each phase of a run took (printed with `-v`; never written to a file, which must
/// not depend on the clock).
#[derive(Debug)]
pub struct Stopwatch {
    since: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch {
            since: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Stopwatch {
    /// Records the time since the last lap under `name`.
    pub fn lap(&mut self, name: &'static str) {
        self.laps.push((name, self.since.elapsed()));
        self.since = Instant::now();
    }
}

/// The result of a run that finished: its summary, the files written, every rejection, and the
/// phase timings. `R` is how a rejection is reported (a [`Finding`], or one with more context).
#[derive(Debug)]
pub struct RunOutcome<S, R = Finding> {
    pub summary: S,
    /// Files written, in order (empty when `strict` refused).
    pub written: Vec<PathBuf>,
    /// Files an earlier run wrote into the directory and this one did not, removed (`--force`).
    pub removed: Vec<PathBuf>,
    /// Every error finding (what `rejects.csv` holds), in file and row order.
    pub rejects: Vec<R>,
    /// `strict` was set and rows were rejected, so nothing was written.
    pub refused_by_strict: bool,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The first fields of every `summary.json`: which version ran, when, on what.
#[derive(Debug, Clone, Serialize)]
pub struct RunHead {
    pub ecm_version: &'static str,
    pub as_of: String,
    pub inputs: Vec<String>,
    pub codeset: Vec<TableOrigin>,
}

impl RunHead {
    /// The head for a run at `clock` over `inputs`.
    pub fn new(clock: &Clock, inputs: Vec<String>, codeset: &crate::codeset::CodeSet) -> RunHead {
        RunHead {
            ecm_version: env!("CARGO_PKG_VERSION"),
            as_of: clock.date.to_string(),
            inputs,
            codeset: codeset.origins.clone(),
        }
    }
}

/// The last fields of every `summary.json`: totals by code, counts of what was refused and
/// warned about, the warnings, header columns not understood, and transliterations.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub by_code: Vec<CodeTotal>,
    pub rejections_by_rule: Vec<RuleCount>,
    pub warnings_by_rule: Vec<RuleCount>,
    pub warnings: Vec<Finding>,
    pub unknown_columns: Vec<UnknownColumn>,
    /// Counts of accented letters spelled in ASCII (the commands that read encounters list
    /// every change in `transliterations.csv`).
    pub transliterations: TransliterationTally,
    /// Each configuration value whose accented letters were spelled in ASCII (the outputs carry
    /// that spelling), so the change is on record even when `--quiet` kept the warning off
    /// stderr.
    pub config_transliterations: Vec<ConfigTransliteration>,
}

impl RunReport {
    /// The report of a run's accepted `by_code` totals, `rejections` and `warnings`, with
    /// the transliterations of its rows and of its `config`.
    pub fn new<'a>(
        by_code: Vec<CodeTotal>,
        rejections: impl IntoIterator<Item = &'a Finding>,
        warnings: Vec<Finding>,
        unknown_columns: Vec<UnknownColumn>,
        transliterations: TransliterationTally,
        config: &Config,
    ) -> RunReport {
        RunReport {
            by_code,
            rejections_by_rule: rule_counts(rejections),
            warnings_by_rule: rule_counts(&warnings),
            warnings,
            unknown_columns,
            transliterations,
            config_transliterations: config.transliterated.clone(),
        }
    }
}

/// Writes `rejects.csv` (unless the command streamed it already: `None`) and `summary.json`,
/// then renames every staged file into place.
pub fn finish(
    mut outputs: OutputSet,
    rejects_csv: Option<&[u8]>,
    summary: &impl Serialize,
) -> Result<Committed, OutputError> {
    if let Some(bytes) = rejects_csv {
        outputs.write_all("rejects.csv", bytes)?;
    }
    let mut json = serde_json::to_vec_pretty(summary).expect("summary serializes");
    json.push(b'\n');
    outputs.write_all("summary.json", &json)?;
    outputs.commit()
}
