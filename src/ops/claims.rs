//! `ecm claims`: encounter files in; one 837P per payer, a rejects file and a summary out.
//!
//! Every input row ends in exactly one place: billed on a claim, or in `rejects.csv` with its rule
//! ids. The summary's counts show it (`rows_read = rows_billed + rows_rejected`).

pub use super::intake::{
    CodeTotal, RuleCount, SkippedSheet, TRANSLITERATIONS_FILE, UnknownColumn, code_totals,
    rule_counts, skipped_sheets, unknown_columns,
};
use super::run::{RunHead, RunOutcome, RunReport, Stopwatch, finish};

use super::intake::{Intake, IntakeError, IntakeRequest, intake};
use crate::billing::{
    Claims, MAX_CLAIMS_PER_TRANSACTION, Parties, PlannedClaim, Ranks, Registry, ServiceLine,
    billing_provider, claim_order, content_control_number, correction_claims, transaction,
};
use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::config::{Config, Payer, ProviderSide};
use crate::model::{BillingProvider, ClaimFrequency, Money};
use crate::output::{Committed, OutputError, OutputSet, StagedFile};
use crate::pipeline::pipeline;
use crate::rules::{FINDING_COLUMNS, Finding};
use crate::x12::{InterchangeWriter, WriteError, WriteOptions};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `ecm claims` was asked to do.
pub struct ClaimsRequest<'a> {
    pub inputs: &'a [PathBuf],
    pub out_dir: &'a Path,
    pub config: &'a Config,
    pub codeset: &'a CodeSet,
    pub clock: Clock,
    /// Write nothing if any row is rejected.
    pub strict: bool,
    /// Replace existing outputs.
    pub force: bool,
    /// ISA13 for the first payer file (then +1 per file, in payer-key order) instead of a
    /// content-derived number.
    pub control_number: Option<u32>,
}

/// Why a claims run wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("837 for payer {payer}: {source}")]
    X12 {
        payer: String,
        source: Box<WriteError>,
    },
    #[error(
        "--control-number must be 1 to 999999999 for every payer file (this run needs {0} numbers)"
    )]
    ControlNumber(usize),
}

/// The result of a run that finished.
pub type ClaimsOutcome = RunOutcome<ClaimsSummary>;

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimsSummary {
    #[serde(flatten)]
    pub head: RunHead,
    pub rows_read: u64,
    pub rows_billed: u64,
    pub rows_rejected: u64,
    pub payers: Vec<PayerSummary>,
    /// Workbook sheets not read because they hold no encounter columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_sheets: Vec<SkippedSheet>,
    #[serde(flatten)]
    pub report: RunReport,
}

/// One payer's file.
#[derive(Debug, Clone, Serialize)]
pub struct PayerSummary {
    pub payer: String,
    /// The file name, or null when the payer had no billable row.
    pub file: Option<String>,
    pub interchange_control_number: Option<String>,
    pub transactions: usize,
    pub claims: usize,
    pub lines: u64,
    pub members: usize,
    pub total_charge: Money,
    pub by_code: Vec<CodeTotal>,
    /// Claims (among `claims`) that replace (CLM05-3 = 7) or void (8) an earlier claim.
    pub replacement_claims: usize,
    pub void_claims: usize,
}

/// The file names a run may write, for the overwrite check before anything is read.
pub fn output_names(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = config
        .payers
        .iter()
        .map(|p| format!("{}.837", p.key))
        .collect();
    names.push("rejects.csv".into());
    names.push("summary.json".into());
    names.push(TRANSLITERATIONS_FILE.into());
    names
}

/// Runs the whole pipeline. `progress` is told (bytes read, bytes total) while reading.
pub fn run_claims(
    req: &ClaimsRequest,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ClaimsOutcome, ClaimsError> {
    let side = req.config.provider_side()?;
    let mut outputs = OutputSet::prepare_run(req.out_dir, &output_names(req.config), req.force)?;
    let mut watch = Stopwatch::default();
    let mut translit_file = outputs.create(TRANSLITERATIONS_FILE)?;
    let intake = intake(
        &IntakeRequest {
            inputs: req.inputs,
            config: req.config,
            codeset: req.codeset,
            as_of: req.clock.date,
            corrections_as_claims: true,
        },
        translit_file.writer(),
        progress,
    )?;
    translit_file.finish()?;
    let Intake {
        lines,
        registry,
        rejects,
        warnings,
        rows_rejected,
        report,
        transliterations,
    } = intake;

    watch.lap("read, check and code rows");
    let refused_by_strict = req.strict && rows_rejected > 0;
    let ranks = registry.ranks();
    let mut by_payer: Vec<Vec<u32>> = vec![Vec::new(); req.config.payers.len()];
    for (i, l) in lines.iter().enumerate() {
        by_payer[l.payer as usize].push(i as u32);
    }
    let mut order: Vec<usize> = (0..req.config.payers.len()).collect();
    order.sort_by(|a, b| req.config.payers[*a].key.cmp(&req.config.payers[*b].key));
    let files_needed = by_payer.iter().filter(|w| !w.is_empty()).count();
    if let Some(n) = req.control_number
        && (n == 0 || u64::from(n) + files_needed.saturating_sub(1) as u64 > 999_999_999)
    {
        return Err(ClaimsError::ControlNumber(files_needed));
    }

    // One interchange per payer, each on its own thread: they share only read-only data and write
    // separate files. Control numbers given with --control-number are fixed first, in payer-key
    // order, so they do not depend on which thread finishes first.
    let mut jobs = Vec::new();
    let mut file_no = 0u32;
    for &pi in &order {
        let payer = &req.config.payers[pi];
        let which = std::mem::take(&mut by_payer[pi]);
        let file = if which.is_empty() || refused_by_strict {
            None
        } else {
            let control = req.control_number.map(|n| n + file_no);
            file_no += 1;
            let name = format!("{}.837", payer.key);
            let staged = outputs.create(&name)?;
            Some((name, staged, control))
        };
        jobs.push((payer, which, file));
    }
    let billing = billing_provider(side.provider);
    let shared = PayerJob {
        req,
        side: &side,
        billing: &billing,
        lines: &lines,
        registry: &registry,
        ranks: &ranks,
    };
    let results: Vec<Result<(PayerSummary, PayerTimings), ClaimsError>> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|(payer, which, file)| {
                    let shared = &shared;
                    scope.spawn(move || shared.run(payer, which, file))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
    let mut payers = Vec::new();
    let (mut sort_time, mut write_time) = (Duration::ZERO, Duration::ZERO);
    for r in results {
        let (ps, t) = r?;
        sort_time = sort_time.max(t.sort);
        write_time = write_time.max(t.write);
        payers.push(ps);
    }
    watch
        .laps
        .push(("sort lines into claims (slowest payer)", sort_time));
    watch
        .laps
        .push(("group claims and write 837 (slowest payer)", write_time));
    watch.lap("sort, group and write all payers");

    let summary = ClaimsSummary {
        head: RunHead::new(&req.clock, report.files.clone(), req.codeset),
        rows_read: report.rows_read,
        rows_billed: lines.len() as u64,
        rows_rejected,
        payers,
        skipped_sheets: skipped_sheets(&report.skipped_sheets),
        report: RunReport::new(
            code_totals(lines.iter()),
            &rejects,
            warnings,
            unknown_columns(&report.unknown_columns),
            transliterations,
            req.config,
        ),
    };
    debug_assert_eq!(
        summary.rows_read,
        summary.rows_billed + summary.rows_rejected
    );

    if refused_by_strict {
        return Ok(ClaimsOutcome {
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
    Ok(ClaimsOutcome {
        summary,
        written,
        removed,
        rejects,
        refused_by_strict,
        timings: watch.laps,
    })
}

/// What every payer's thread reads: the run's request and the coded lines.
struct PayerJob<'r, 'cs> {
    req: &'r ClaimsRequest<'r>,
    side: &'r ProviderSide<'r>,
    billing: &'r BillingProvider,
    lines: &'r [ServiceLine<'cs>],
    registry: &'r Registry,
    ranks: &'r Ranks,
}

/// Where one payer's time went.
struct PayerTimings {
    sort: Duration,
    write: Duration,
}

/// The staged file one payer's interchange goes to, and its control number when given.
type PayerFile = (String, StagedFile, Option<u32>);

impl PayerJob<'_, '_> {
    /// Groups one payer's lines (`which`) into claims, corrections as claims of their own, and,
    /// when `file` is given, writes them as one interchange of transaction sets of at most 5,000
    /// claims.
    fn run(
        &self,
        payer: &Payer,
        which: Vec<u32>,
        file: Option<PayerFile>,
    ) -> Result<(PayerSummary, PayerTimings), ClaimsError> {
        let (req, lines, registry) = (self.req, self.lines, self.registry);
        let started = Instant::now();
        let mut ps = PayerSummary {
            payer: payer.key.clone(),
            file: None,
            interchange_control_number: None,
            transactions: 0,
            claims: 0,
            lines: which.len() as u64,
            members: 0,
            total_charge: which.iter().map(|&i| lines[i as usize].coding.charge).sum(),
            by_code: code_totals(which.iter().map(|&i| &lines[i as usize])),
            replacement_claims: 0,
            void_claims: 0,
        };
        let (corrected, which): (Vec<u32>, Vec<u32>) = which
            .into_iter()
            .partition(|&i| lines[i as usize].correction.is_some());
        let corrections = correction_claims(lines, &corrected, registry);
        for c in &corrections {
            match c.frequency {
                ClaimFrequency::Void => ps.void_claims += 1,
                _ => ps.replacement_claims += 1,
            }
        }
        let claim_order = claim_order(lines, registry, which, self.ranks, payer.claim_grouping);
        let sort = started.elapsed();
        let started = Instant::now();
        let claims = Claims::new(
            lines,
            &claim_order,
            registry,
            self.ranks,
            &payer.key,
            payer.claim_grouping,
        )
        .reserving(corrections.iter().map(|c| c.claim_id.as_str()))
        .chain(corrections);
        let mut last_member = None;
        let mut count = |ps: &mut PayerSummary, c: &PlannedClaim| {
            ps.claims += 1;
            if last_member != Some(c.member) {
                ps.members += 1;
                last_member = Some(c.member);
            }
        };
        let Some((name, mut staged, control)) = file else {
            for c in claims {
                count(&mut ps, &c);
            }
            let write = started.elapsed();
            return Ok((ps, PayerTimings { sort, write }));
        };
        let control = control.unwrap_or_else(|| {
            let billed: Vec<u32> = claim_order.iter().chain(&corrected).copied().collect();
            content_control_number(&billed, lines, registry, payer, &req.clock)
        });
        let x12err = |source| ClaimsError::X12 {
            payer: payer.key.clone(),
            source: Box::new(source),
        };
        let parties = Parties::for_payer(self.side, payer);
        let env = parties.envelope(&req.clock, control);
        let mut w = InterchangeWriter::begin(staged.writer(), &env, WriteOptions::default())
            .map_err(x12err)?;
        // Claims are grouped and assembled into transactions on a second thread while this one
        // writes the previous transaction. Handed over directly (no queue): a transaction of
        // 5,000 claims is ~10 MB as a document, and three payers run at once.
        let parties = &parties;
        let (counted, transactions) = pipeline(
            0,
            |send| {
                let mut counted = PayerSummary {
                    claims: 0,
                    members: 0,
                    ..ps.clone()
                };
                let mut transactions = 0;
                let mut batch: Vec<PlannedClaim> = Vec::with_capacity(MAX_CLAIMS_PER_TRANSACTION);
                let mut flush = |batch: &mut Vec<PlannedClaim>| {
                    transactions += 1;
                    let t = transaction(
                        batch,
                        lines,
                        registry,
                        parties,
                        self.billing,
                        &req.clock,
                        control,
                        transactions,
                    );
                    batch.clear();
                    send(t)
                };
                for c in claims {
                    count(&mut counted, &c);
                    batch.push(c);
                    if batch.len() == MAX_CLAIMS_PER_TRANSACTION && !flush(&mut batch) {
                        return (counted, transactions);
                    }
                }
                if !batch.is_empty() {
                    flush(&mut batch);
                }
                (counted, transactions)
            },
            |t| w.write_transaction(&t).map_err(x12err),
        )?;
        ps.claims = counted.claims;
        ps.members = counted.members;
        ps.transactions = transactions;
        w.finish().map_err(x12err)?;
        staged.finish()?;
        ps.file = Some(name);
        ps.interchange_control_number = Some(format!("{control:09}"));
        Ok((
            ps,
            PayerTimings {
                sort,
                write: started.elapsed(),
            },
        ))
    }
}

/// `rejects.csv`: one line per finding that kept a row off a claim.
pub fn rejects_csv(rejects: &[Finding]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FINDING_COLUMNS).expect("in-memory write");
    for f in rejects {
        w.write_record(f.csv_record()).expect("in-memory write");
    }
    let mut v = w.into_inner().expect("in-memory write");
    v.flush().expect("in-memory");
    v
}
