//! Reading and coding encounter files, shared by every command that bills: `claims` and
//! `invoice` judge and code a row the same way because both go through [`intake`].

pub use crate::billing::{CodeTotal, code_totals};

use crate::billing::{CorrectingRows, Registry, ServiceLine, take_repeated_services};
use crate::codeset::CodeSet;
use crate::coding::code_encounter_sharing;
use crate::config::Config;
use crate::encounters::{
    EncounterTables, IntakeContext, IntakeReport, RowOutcome, SheetChoice, TRANSLITERATION_COLUMNS,
    TransliterationTally,
};
use crate::input::InputError;
use crate::output::OutputError;
use crate::report::push_csv_record;
use crate::rules::Finding;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// What to read and what to judge it against.
pub struct IntakeRequest<'a, 'cs> {
    pub inputs: &'a [PathBuf],
    pub config: &'a Config,
    pub codeset: &'cs CodeSet,
    /// The run's date: later service dates are refused.
    pub as_of: NaiveDate,
    /// Correcting rows become replacement or void claims, so each must name its original claim
    /// and agree with the other rows correcting it.
    pub corrections_as_claims: bool,
}

/// Why intake stopped: an input that cannot be read as a table, or the transliterations file.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// How many rows a rule touched.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub rows: u64,
}

/// A header column that is not part of the format.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownColumn {
    pub file: String,
    pub column: String,
}

/// A workbook sheet that has no encounter columns (a cover page or notes), so it was not read.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedSheet {
    pub file: String,
    pub sheet: String,
}

/// The sheets reported as skipped, per file.
pub fn skipped_sheets(pairs: &[(String, String)]) -> Vec<SkippedSheet> {
    pairs
        .iter()
        .map(|(f, s)| SkippedSheet {
            file: f.clone(),
            sheet: s.clone(),
        })
        .collect()
}

/// Every transliterated field, one line each: file, row, encounter id, column, changes.
pub const TRANSLITERATIONS_FILE: &str = "transliterations.csv";

/// What reading and coding every row gave.
pub struct Intake<'cs> {
    pub lines: Vec<ServiceLine<'cs>>,
    pub registry: Registry,
    /// Error findings: what `rejects.csv` holds.
    pub rejects: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub rows_rejected: u64,
    pub report: IntakeReport,
    pub transliterations: TransliterationTally,
}

/// Reads and codes every row: billable lines, every error (rejects) and warning; each
/// transliterated field is written to `translit` as it is met.
pub fn intake<'cs>(
    req: &IntakeRequest<'_, 'cs>,
    translit: &mut dyn Write,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Intake<'cs>, IntakeError> {
    let ctx = IntakeContext {
        codeset: req.codeset,
        config: req.config,
        as_of: req.as_of,
    };
    let mut lines: Vec<ServiceLine<'cs>> =
        Vec::with_capacity(crate::input::estimate_rows(req.inputs));
    let mut registry = Registry::default();
    let mut rejects = Vec::new();
    let mut warnings = Vec::new();
    let mut rows_rejected = 0u64;
    let mut tally = TransliterationTally::default();
    let mut correcting = CorrectingRows::new(req.corrections_as_claims);
    // Every sheet of encounters in a workbook is read; findings name the table (`file[sheet]`).
    let tables = EncounterTables::open(req.inputs, SheetChoice::All)?;
    let files: Vec<String> = tables.names();
    // The rows come written by the workers (ParsedRow::transliteration_rows); the first write
    // error is kept and reported once the input has been read.
    let mut header = Vec::new();
    push_csv_record(&mut header, TRANSLITERATION_COLUMNS);
    let mut write_err: Option<std::io::Error> = translit.write_all(&header).err();
    let report = tables.read(
        &ctx,
        |o: RowOutcome| {
            if !o.transliterations.is_empty() {
                tally.add(&o.transliterations);
                if write_err.is_none() {
                    write_err = translit.write_all(&o.transliteration_rows).err();
                }
            }
            let (errors, warns): (Vec<Finding>, Vec<Finding>) =
                o.findings.into_iter().partition(Finding::is_error);
            warnings.extend(warns);
            let Some(e) = o.encounter else {
                rows_rejected += 1;
                rejects.extend(errors);
                return;
            };
            let pi = req
                .config
                .payer_index(&e.payer)
                .expect("intake only accepts configured payers");
            let coded = code_encounter_sharing(e, req.codeset, &req.config.payers[pi], &mut |d| {
                registry.diagnoses_of(d)
            })
            .and_then(|c| correcting.take(e, pi as u16, c, &mut registry, &files));
            match coded {
                Ok(line) => {
                    lines.push(line);
                }
                Err(nb) => {
                    rows_rejected += 1;
                    rejects.push(nb.finding(
                        files[o.source.file as usize].clone(),
                        o.source.row,
                        &e.encounter_id,
                    ));
                }
            }
        },
        progress,
    )?;
    // The same service twice: the later row is refused (ENC-038), in its place in row order.
    let payer_keys: Vec<&str> = req.config.payers.iter().map(|p| p.key.as_str()).collect();
    let repeated = take_repeated_services(&mut lines, &registry, &files, &payer_keys);
    if !repeated.is_empty() {
        rows_rejected += repeated.len() as u64;
        let position = |f: &Finding| files.iter().position(|n| *n == f.file).unwrap_or(0);
        let mut all: Vec<(usize, u32, Finding)> = rejects
            .drain(..)
            .map(|f| (position(&f), f.row, f))
            .chain(
                repeated
                    .into_iter()
                    .map(|(at, f)| (at.file as usize, at.row, f)),
            )
            .collect();
        // Stable: a row's own findings keep their order.
        all.sort_by_key(|(file, row, _)| (*file, *row));
        rejects = all.into_iter().map(|(_, _, f)| f).collect();
    }
    let flushed = translit.flush();
    if let Some(source) = write_err.or(flushed.err()) {
        return Err(IntakeError::Output(OutputError::Write {
            file: TRANSLITERATIONS_FILE.into(),
            source,
        }));
    }
    Ok(Intake {
        lines,
        registry,
        rejects,
        warnings,
        rows_rejected,
        report,
        transliterations: tally,
    })
}

/// The header columns reported as not part of the format, per file.
pub fn unknown_columns(pairs: &[(String, String)]) -> Vec<UnknownColumn> {
    pairs
        .iter()
        .map(|(f, c)| UnknownColumn {
            file: f.clone(),
            column: c.clone(),
        })
        .collect()
}

/// Rows per rule counted as findings arrive in file and row order (a row's findings come
/// together), so a run with millions of findings need not keep them.
#[derive(Debug, Default)]
pub struct RuleTally {
    by: BTreeMap<&'static str, (&'static str, u64, (u16, u32))>,
}

impl RuleTally {
    /// Counts a finding of `rule` on row `row` of input file `file`.
    pub fn add(&mut self, rule: &'static crate::rules::Rule, file: u16, row: u32) {
        let e = by_rule(&mut self.by, rule);
        if e.1 == 0 || e.2 != (file, row) {
            e.1 += 1;
            e.2 = (file, row);
        }
    }

    /// The counts, in rule id order.
    pub fn counts(&self) -> Vec<RuleCount> {
        self.by
            .iter()
            .map(|(rule_id, (title, rows, _))| RuleCount {
                rule_id,
                title,
                rows: *rows,
            })
            .collect()
    }
}

fn by_rule<'m>(
    by: &'m mut BTreeMap<&'static str, (&'static str, u64, (u16, u32))>,
    rule: &'static crate::rules::Rule,
) -> &'m mut (&'static str, u64, (u16, u32)) {
    by.entry(rule.id).or_insert((rule.title, 0, (0, 0)))
}

/// Rows (file, row) a rule touched, with the rule's title.
type RowsByRule = BTreeMap<&'static str, (&'static str, std::collections::BTreeSet<(String, u32)>)>;

/// How many rows each rule touched, in rule id order.
pub fn rule_counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<RuleCount> {
    let mut by = RowsByRule::new();
    for f in findings {
        by.entry(f.rule.id)
            .or_insert((f.rule.title, Default::default()))
            .1
            .insert((f.file.clone(), f.row));
    }
    by.into_iter()
        .map(|(rule_id, (title, rows))| RuleCount {
            rule_id,
            title,
            rows: rows.len() as u64,
        })
        .collect()
}
