//! `ecm invoice`: encounter files in; one invoice per payer per service month (XLSX, CSV and/or
//! JSON), a rejects file and a summary out.
//!
//! Rows are read and coded by the same [`intake`] as `ecm claims`, so for one input the invoice
//! lines are exactly the 837's service lines. Every input row ends in exactly one place: on an
//! invoice, or in `rejects.csv` (`rows_read = rows_invoiced + rows_rejected`).

use super::claims::rejects_csv;
use super::intake::{
    CodeTotal, IntakeError, IntakeRequest, SkippedSheet, TRANSLITERATIONS_FILE, intake,
    skipped_sheets, unknown_columns,
};
use super::run::{RunHead, RunOutcome, RunReport, Stopwatch, finish};
use crate::billing::sum_code_totals;
use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::config::Config;
use crate::invoice::xlsx_out::XlsxInvoiceError;
use crate::invoice::{Invoice, csv_out, json_out, month_bounds, plan_invoices, xlsx_out};
use crate::model::Money;
use crate::output::{Committed, Flushed, OutputError, OutputSet, StagedFile};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The forms an invoice is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFormat {
    /// The document a clerk opens, prints and sends.
    Xlsx,
    /// One row per line with the header repeated: what plans load (and `ecm ingest` reads).
    Csv,
    /// For systems that integrate.
    Json,
}

impl InvoiceFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            InvoiceFormat::Xlsx => "xlsx",
            InvoiceFormat::Csv => "csv",
            InvoiceFormat::Json => "json",
        }
    }
}

/// What `ecm invoice` was asked to do.
pub struct InvoiceRequest<'a> {
    pub inputs: &'a [PathBuf],
    pub out_dir: &'a Path,
    pub config: &'a Config,
    pub codeset: &'a CodeSet,
    pub clock: Clock,
    /// Invoice only this month (any day of it); rows of other months are rejected (INV-001).
    pub period: Option<NaiveDate>,
    /// Each invoice is written in every one of these forms.
    pub formats: &'a [InvoiceFormat],
    /// Write nothing if any row is rejected.
    pub strict: bool,
    /// Replace existing outputs.
    pub force: bool,
}

/// Why an invoice run wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InvoiceError {
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{file}: {source}")]
    Xlsx {
        file: String,
        source: XlsxInvoiceError,
    },
    #[error("no invoice format: pass --format xlsx, csv and/or json")]
    NoFormat,
}

/// The result of a run that finished.
pub type InvoiceOutcome = RunOutcome<InvoiceSummary>;

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceSummary {
    #[serde(flatten)]
    pub head: RunHead,
    /// `YYYY-MM` when `--period` was given.
    pub period: Option<String>,
    pub formats: Vec<InvoiceFormat>,
    pub rows_read: u64,
    pub rows_invoiced: u64,
    pub rows_rejected: u64,
    pub invoices: Vec<InvoiceEntry>,
    /// Workbook sheets not read because they hold no encounter columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_sheets: Vec<SkippedSheet>,
    #[serde(flatten)]
    pub report: RunReport,
}

/// One invoice written.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceEntry {
    pub invoice_number: String,
    pub payer: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// File names, one per format (empty when `strict` refused).
    pub files: Vec<String>,
    pub lines: u64,
    pub members: usize,
    pub units: u64,
    /// What the invoice asks for: every line's charge, a void's as a credit (subtracted).
    pub total_charge: Money,
    /// Lines (among `lines`) that replace or void a line invoiced before.
    pub replacement_lines: u64,
    pub void_lines: u64,
    pub by_code: Vec<CodeTotal>,
}

/// Runs the whole pipeline. `progress` is told (bytes read, bytes total) while reading.
pub fn run_invoice(
    req: &InvoiceRequest,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<InvoiceOutcome, InvoiceError> {
    let side = req.config.provider_side()?;
    if req.formats.is_empty() {
        return Err(InvoiceError::NoFormat);
    }
    let mut formats = req.formats.to_vec();
    formats.sort_unstable();
    formats.dedup();
    let fixed = [
        "rejects.csv".to_string(),
        "summary.json".to_string(),
        TRANSLITERATIONS_FILE.to_string(),
    ];
    let mut outputs = OutputSet::prepare_run(req.out_dir, &fixed, req.force)?;
    let mut watch = Stopwatch::default();

    let mut translit_file = outputs.create(TRANSLITERATIONS_FILE)?;
    let mut intake = intake(
        &IntakeRequest {
            inputs: req.inputs,
            config: req.config,
            codeset: req.codeset,
            as_of: req.clock.date,
            corrections_as_claims: false,
        },
        translit_file.writer(),
        progress,
    )?;
    translit_file.finish()?;
    if let Some(month) = req.period {
        let (first, last) = month_bounds(month);
        let files = &intake.report.files;
        let mut outside = Vec::new();
        let registry = &intake.registry;
        intake.lines.retain(|l| {
            let inside = (first..=last).contains(&l.service_date);
            if !inside {
                outside.push(Finding {
                    rule: &rules::OUTSIDE_PERIOD,
                    file: files[l.source.file as usize].clone(),
                    row: l.source.row,
                    encounter_id: Some(registry.encounter_id(l).to_string()),
                    field: Some("service_date".into()),
                    message: format!(
                        "service_date {} is outside the invoice period {first} to {last}",
                        l.service_date
                    ),
                });
            }
            inside
        });
        intake.rows_rejected += outside.len() as u64;
        intake.rejects.extend(outside);
        intake
            .rejects
            .sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
    }
    watch.lap("read, check and code rows");

    let invoices = plan_invoices(
        &intake.lines,
        &intake.registry,
        side.provider,
        side.payers,
        req.clock.date,
    );
    watch.lap("group lines into invoices");
    let refused_by_strict = req.strict && intake.rows_rejected > 0;
    let mut entries = Vec::with_capacity(invoices.len());
    let mut jobs = Vec::new();
    for inv in &invoices {
        let mut entry = entry(inv, &intake);
        if !refused_by_strict {
            for &f in &formats {
                let name = format!("{}.{}", inv.stem(), f.extension());
                let staged = outputs.create(&name)?;
                jobs.push((name.clone(), f, inv, staged));
                entry.files.push(name);
            }
        }
        entries.push(entry);
    }
    write_all(jobs, &intake, req)?;
    watch.lap("write invoices");

    let summary = InvoiceSummary {
        head: RunHead::new(&req.clock, intake.report.files.clone(), req.codeset),
        period: req.period.map(|d| d.format("%Y-%m").to_string()),
        formats,
        rows_read: intake.report.rows_read,
        rows_invoiced: intake.lines.len() as u64,
        rows_rejected: intake.rows_rejected,
        invoices: entries,
        skipped_sheets: skipped_sheets(&intake.report.skipped_sheets),
        report: RunReport::new(
            // Every line is on exactly one invoice: their code totals add up to the run's.
            sum_code_totals(invoices.iter().map(|i| i.by_code.as_slice())),
            &intake.rejects,
            intake.warnings,
            unknown_columns(&intake.report.unknown_columns),
            intake.transliterations,
            req.config,
        ),
    };
    debug_assert_eq!(
        summary.rows_read,
        summary.rows_invoiced + summary.rows_rejected
    );
    let rejects = intake.rejects;
    if refused_by_strict {
        return Ok(InvoiceOutcome {
            summary,
            written: Vec::new(),
            removed: Vec::new(),
            rejects,
            refused_by_strict,
            timings: watch.laps,
        });
    }
    let Committed { written, removed } = finish(outputs, Some(&rejects_csv(&rejects)), &summary)?;
    watch.lap("write rejects and summary");
    Ok(InvoiceOutcome {
        summary,
        written,
        removed,
        rejects,
        refused_by_strict,
        timings: watch.laps,
    })
}

fn entry(inv: &Invoice, intake: &super::intake::Intake) -> InvoiceEntry {
    let (mut replacement_lines, mut void_lines) = (0, 0);
    for &i in &inv.lines {
        if let Some(c) = intake.lines[i as usize].correction {
            match intake.registry.corrections[c.index()].frequency {
                crate::model::ClaimFrequency::Void => void_lines += 1,
                _ => replacement_lines += 1,
            }
        }
    }
    InvoiceEntry {
        invoice_number: inv.header.invoice_number.clone(),
        payer: inv.payer_key.clone(),
        period_start: inv.header.period_start,
        period_end: inv.header.period_end,
        files: Vec::new(),
        lines: inv.lines.len() as u64,
        members: inv.members,
        units: inv.units,
        total_charge: inv.total,
        replacement_lines,
        void_lines,
        by_code: inv.by_code.clone(),
    }
}

/// One invoice file to write: its name, form, invoice and staged file.
type InvoiceJob<'i> = (String, InvoiceFormat, &'i Invoice, StagedFile);

/// Writes every invoice file, on as many threads as there are cores: the files share only
/// read-only lines, and each goes to its own staged file. The first error (in file order) wins.
fn write_all(
    jobs: Vec<InvoiceJob>,
    intake: &super::intake::Intake,
    req: &InvoiceRequest,
) -> Result<(), InvoiceError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, jobs.len().max(1));
    let queue = std::sync::Mutex::new(jobs.into_iter().enumerate());
    // Each file written goes to a thread that waits for it to reach the disk while the writers
    // go on with the next: the disk's time overlaps the writing instead of following each file.
    let (written, to_sync) = std::sync::mpsc::channel::<(usize, Flushed)>();
    let mut failures: Vec<(usize, InvoiceError)> = std::thread::scope(|scope| {
        let syncer = scope.spawn(move || {
            to_sync
                .iter()
                .filter_map(|(i, f)| f.sync().err().map(|e| (i, InvoiceError::Output(e))))
                .collect::<Vec<_>>()
        });
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let written = written.clone();
                let queue = &queue;
                scope.spawn(move || {
                    let mut failed = Vec::new();
                    loop {
                        let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                        let Some((i, (name, format, inv, staged))) = next else {
                            break;
                        };
                        match write_one(staged, &name, format, inv, intake, req) {
                            // The syncer runs until every writer is done.
                            Ok(f) => written
                                .send((i, f))
                                .expect("the syncer outlives the writers"),
                            Err(e) => failed.push((i, e)),
                        }
                    }
                    failed
                })
            })
            .collect();
        drop(written);
        let mut failed: Vec<(usize, InvoiceError)> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        failed.extend(
            syncer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        );
        failed
    });
    failures.sort_by_key(|(i, _)| *i);
    match failures.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

fn write_one(
    mut staged: StagedFile,
    name: &str,
    format: InvoiceFormat,
    inv: &Invoice,
    intake: &super::intake::Intake,
    req: &InvoiceRequest,
) -> Result<Flushed, InvoiceError> {
    let io = |source| {
        InvoiceError::Output(OutputError::Write {
            file: name.to_string(),
            source,
        })
    };
    let (lines, reg) = (&intake.lines, &intake.registry);
    match format {
        InvoiceFormat::Csv => csv_out::write_csv(staged.writer(), inv, lines, reg).map_err(io)?,
        InvoiceFormat::Json => {
            json_out::write_json(staged.writer(), inv, lines, reg).map_err(io)?
        }
        InvoiceFormat::Xlsx => xlsx_out::write_xlsx(
            staged.writer(),
            inv,
            lines,
            reg,
            req.clock.date.and_time(req.clock.time),
            req.out_dir,
        )
        .map_err(|source| InvoiceError::Xlsx {
            file: name.to_string(),
            source,
        })?,
    }
    Ok(staged.flush()?)
}
