//! `ecm claims`: encounter files in; one 837P per payer, a rejects file and a summary out.
//!
//! Every input row ends in exactly one place: billed on a claim, or in `rejects.csv` with its rule
//! ids. The summary's counts show it (`rows_read = rows_billed + rows_rejected`).

use crate::billing::{
    Claims, MAX_CLAIMS_PER_TRANSACTION, PlannedClaim, Ranks, Registry, ServiceLine, claim_order,
    content_control_number, envelope, transaction,
};
use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::coding::code_encounter;
use crate::config::{Config, Payer, ProviderSide};
use crate::encounters::{
    IntakeContext, IntakeReport, RowOutcome, TransliterationTally, read_encounters,
};
use crate::input::{InputError, estimate_rows};
use crate::model::Money;
use crate::output::{OutputError, OutputSet, StagedFile};
use crate::rules::{FINDING_COLUMNS, Finding};
use crate::x12::{InterchangeWriter, WriteError, WriteOptions};
use serde::Serialize;
use std::collections::BTreeMap;
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
    Input(#[from] InputError),
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
#[derive(Debug)]
pub struct ClaimsOutcome {
    pub summary: ClaimsSummary,
    /// Files written, in order (empty when `strict` refused).
    pub written: Vec<PathBuf>,
    /// Every error finding (what `rejects.csv` holds), in file and row order.
    pub rejects: Vec<Finding>,
    /// `strict` was set and rows were rejected, so nothing was written.
    pub refused_by_strict: bool,
    /// How long each phase took (printed with `-v`; never written to a file, which must not
    /// depend on the clock).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimsSummary {
    pub ecm_version: &'static str,
    pub as_of: String,
    pub inputs: Vec<String>,
    pub codeset: Vec<crate::codeset::TableOrigin>,
    pub rows_read: u64,
    pub rows_billed: u64,
    pub rows_rejected: u64,
    pub payers: Vec<PayerSummary>,
    pub by_code: Vec<CodeTotal>,
    pub rejections_by_rule: Vec<RuleCount>,
    pub warnings_by_rule: Vec<RuleCount>,
    pub warnings: Vec<Finding>,
    pub unknown_columns: Vec<UnknownColumn>,
    /// Counts of accented letters spelled in ASCII; every change, row by row, is in
    /// `transliterations.csv`.
    pub transliterations: TransliterationTally,
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
}

/// Lines, units and charges for one code + modifiers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeTotal {
    pub hcpcs: String,
    pub modifiers: String,
    pub lines: u64,
    pub units: u64,
    pub charge: Money,
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

/// Every transliterated field, one line each: file, row, encounter id, column, changes.
pub const TRANSLITERATIONS_FILE: &str = "transliterations.csv";

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
    let mut outputs = OutputSet::prepare(req.out_dir, &output_names(req.config), req.force)?;
    let ctx = IntakeContext {
        codeset: req.codeset,
        config: req.config,
        as_of: req.clock.date,
    };
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, std::time::Duration)>| {
        timings.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let mut translit_file = outputs.create(TRANSLITERATIONS_FILE)?;
    let intake = intake(req, &ctx, translit_file.writer(), progress)?;
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

    lap("read, check and code rows", &mut timings);
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
    // separate files. Control numbers are fixed first, in payer-key order, so they do not depend
    // on which thread finishes first.
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
    let shared = PayerJob {
        req,
        side: &side,
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
    timings.push(("sort lines into claims (slowest payer)", sort_time));
    timings.push(("group claims and write 837 (slowest payer)", write_time));
    lap("sort, group and write all payers", &mut timings);

    let summary = ClaimsSummary {
        ecm_version: env!("CARGO_PKG_VERSION"),
        as_of: req.clock.date.to_string(),
        inputs: report.files.clone(),
        codeset: req.codeset.origins.clone(),
        rows_read: report.rows_read,
        rows_billed: lines.len() as u64,
        rows_rejected,
        by_code: code_totals(lines.iter()),
        payers,
        rejections_by_rule: rule_counts(&rejects),
        warnings_by_rule: rule_counts(&warnings),
        warnings,
        unknown_columns: report
            .unknown_columns
            .iter()
            .map(|(f, c)| UnknownColumn {
                file: f.clone(),
                column: c.clone(),
            })
            .collect(),
        transliterations,
    };
    debug_assert_eq!(
        summary.rows_read,
        summary.rows_billed + summary.rows_rejected
    );

    if refused_by_strict {
        return Ok(ClaimsOutcome {
            summary,
            written: Vec::new(),
            rejects,
            refused_by_strict,
            timings,
        });
    }
    outputs.write_all("rejects.csv", &rejects_csv(&rejects))?;
    let mut json = serde_json::to_vec_pretty(&summary).expect("summary serializes");
    json.push(b'\n');
    outputs.write_all("summary.json", &json)?;
    let written = outputs.commit()?;
    lap("write rejects and summary", &mut timings);
    Ok(ClaimsOutcome {
        summary,
        written,
        rejects,
        refused_by_strict,
        timings,
    })
}

/// What reading and coding every row gave.
struct Intake<'cs> {
    lines: Vec<ServiceLine<'cs>>,
    registry: Registry,
    /// Error findings: what `rejects.csv` holds.
    rejects: Vec<Finding>,
    warnings: Vec<Finding>,
    rows_rejected: u64,
    report: IntakeReport,
    transliterations: TransliterationTally,
}

/// Reads and codes every row: billable lines, every error (rejects) and warning; each
/// transliterated field is written to `translit` as it is met.
fn intake<'cs>(
    req: &ClaimsRequest<'cs>,
    ctx: &IntakeContext,
    translit: &mut dyn Write,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Intake<'cs>, ClaimsError> {
    let mut lines: Vec<ServiceLine<'cs>> = Vec::with_capacity(estimate_rows(req.inputs));
    let mut registry = Registry::default();
    let mut rejects = Vec::new();
    let mut warnings = Vec::new();
    let mut rows_rejected = 0u64;
    let mut tally = TransliterationTally::default();
    let files: Vec<String> = req.inputs.iter().map(|p| p.display().to_string()).collect();
    let mut tw = csv::Writer::from_writer(translit);
    let mut write_err: Option<csv::Error> = tw
        .write_record(["file", "row", "encounter_id", "field", "changes"])
        .err();
    let report = read_encounters(
        req.inputs,
        ctx,
        |o: RowOutcome| {
            if !o.transliterations.is_empty() {
                tally.add(&o.transliterations);
                let file = &files[o.source.file as usize];
                let row = o.source.row.to_string();
                let id = o.encounter.as_ref().map_or_else(
                    || {
                        o.findings
                            .iter()
                            .find_map(|f| f.encounter_id.as_deref())
                            .unwrap_or("")
                    },
                    |e| e.encounter_id.as_str(),
                );
                for t in &o.transliterations {
                    if write_err.is_none() {
                        write_err = tw
                            .write_record([file.as_str(), &row, id, t.field, &t.describe()])
                            .err();
                    }
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
            match code_encounter(&e, req.codeset, &req.config.payers[pi]) {
                Ok(c) => lines.push(ServiceLine::new(&e, pi as u16, c, &mut registry)),
                Err(nb) => {
                    rows_rejected += 1;
                    rejects.push(Finding {
                        rule: nb.rule,
                        file: files[o.source.file as usize].clone(),
                        row: o.source.row,
                        encounter_id: Some(e.encounter_id.clone()),
                        field: nb.field.map(str::to_string),
                        message: nb.message,
                    });
                }
            }
        },
        progress,
    )?;
    let flushed = tw.flush().map_err(csv::Error::from);
    if let Some(e) = write_err.or(flushed.err()) {
        return Err(ClaimsError::Output(OutputError::Write {
            file: TRANSLITERATIONS_FILE.into(),
            source: std::io::Error::other(e),
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

/// What every payer's thread reads: the run's request and the coded lines.
struct PayerJob<'r, 'cs> {
    req: &'r ClaimsRequest<'r>,
    side: &'r ProviderSide<'r>,
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
    /// Groups one payer's lines (`which`) into claims and, when `file` is given, writes them as
    /// one interchange of transaction sets of at most 5,000 claims.
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
        };
        let claim_order = claim_order(lines, which, self.ranks, payer.claim_grouping);
        let sort = started.elapsed();
        let started = Instant::now();
        let claims = Claims::new(
            lines,
            &claim_order,
            registry,
            self.ranks,
            &payer.key,
            payer.claim_grouping,
        );
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
            content_control_number(&claim_order, lines, registry, payer, &req.clock)
        });
        let x12err = |source| ClaimsError::X12 {
            payer: payer.key.clone(),
            source: Box::new(source),
        };
        let env = envelope(self.side, payer, &req.clock, control);
        let mut w = InterchangeWriter::begin(staged.writer(), &env, WriteOptions::default())
            .map_err(x12err)?;
        let mut batch: Vec<PlannedClaim> = Vec::with_capacity(MAX_CLAIMS_PER_TRANSACTION);
        let mut flush = |batch: &mut Vec<PlannedClaim>, ps: &mut PayerSummary| {
            ps.transactions += 1;
            let t = transaction(
                batch,
                lines,
                registry,
                self.side,
                payer,
                &req.clock,
                control,
                ps.transactions,
            );
            batch.clear();
            w.write_transaction(&t).map_err(x12err)
        };
        for c in claims {
            count(&mut ps, &c);
            batch.push(c);
            if batch.len() == MAX_CLAIMS_PER_TRANSACTION {
                flush(&mut batch, &mut ps)?;
            }
        }
        if !batch.is_empty() {
            flush(&mut batch, &mut ps)?;
        }
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

fn code_totals<'a, 'cs: 'a>(lines: impl Iterator<Item = &'a ServiceLine<'cs>>) -> Vec<CodeTotal> {
    let mut by: BTreeMap<(String, String), (u64, u64, Money)> = BTreeMap::new();
    for l in lines {
        let e = by
            .entry((l.coding.hcpcs.to_string(), l.coding.modifiers.join(":")))
            .or_insert((0, 0, Money::ZERO));
        e.0 += 1;
        e.1 += u64::from(l.coding.units);
        e.2 += l.coding.charge;
    }
    by.into_iter()
        .map(|((hcpcs, modifiers), (lines, units, charge))| CodeTotal {
            hcpcs,
            modifiers,
            lines,
            units,
            charge,
        })
        .collect()
}

/// Rows (file, row) a rule touched, with the rule's title.
type RowsByRule = BTreeMap<&'static str, (&'static str, std::collections::BTreeSet<(String, u32)>)>;

fn rule_counts(findings: &[Finding]) -> Vec<RuleCount> {
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
