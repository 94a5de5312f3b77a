//! `ecm ingest` (plan side): invoice files in; the accepted lines as one 837P of encounters
//! (`encounters.837`, BHT06 = RP, billing provider = the ECM provider, payer = the plan,
//! REF*6R = the invoice line id), the rejected lines with rule, message and fix to send back
//! (`rejects.csv`), and `summary.json`. With `--ledger`, lines accepted by earlier runs are
//! known, so a service is never reported twice and a correction must name a line that exists.
//!
//! Every line read ends in exactly one place (`lines_read = lines_accepted + lines_rejected`).
//! The ledger is replaced last, after the outputs are in place.

use super::intake::{RuleTally, UnknownColumn, rule_counts};
use super::run::{RunHead, RunOutcome, RunReport, Stopwatch, finish};
use crate::billing::digest::{Fnv64, FnvHashMap};
use crate::billing::order_lines;
use crate::billing::{
    MAX_CLAIMS_PER_TRANSACTION, Parties, PlannedClaim, Registry, ServiceLine, transaction,
};
use crate::billing::{code_totals_by, net_charge, prefetch_ahead};
use crate::clock::Clock;
use crate::codeset::{CodeSet, ProgramRule};
use crate::config::Config;
use crate::encounters::TransliterationTally;
use crate::input::roster::{EndColumn, Roster, read_roster};
use crate::input::{InputError, Record, RecordBatch};
use crate::invoice::ledger::{ClaimId, Ledger, LedgerError, LedgerLock, LedgerRow, Origin};
use crate::invoice::line_check::{
    CheckedLine, CheckedRow, LineContext, ProviderMemo, ProviderParty, check_line,
};
use crate::invoice::read::{InvoiceColumns, is_total_row, open_invoice};
use crate::model::{ActivityClass, Address, BillingProvider, ClaimFrequency, Money, Npi};
use crate::output::{Committed, OutputError, OutputSet};
use crate::pipeline::{Recycler, ordered_parallel};
use crate::rules::{self, Finding, Rule};
use crate::x12::{InterchangeWriter, WriteError, WriteOptions};
use chrono::{Datelike, Timelike};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The encounter file.
pub const ENCOUNTERS_FILE: &str = "encounters.837";

/// Lines read and checked per batch handed from the reading thread to the one that runs the
/// checks across lines.
const LINE_BATCH: usize = 512;
/// How many lines ahead of the one being checked the ledger's slots are fetched
/// ([`Ledger::prefetch`]): far enough for memory to answer, near enough to stay in the cache.
const PREFETCH_AHEAD: usize = 8;

/// How many rejections a run hands back for the terminal; `rejects.csv` holds every one.
pub const REJECTS_KEPT: usize = 1000;

/// The columns of the ingest `rejects.csv`, the file sent back to providers.
pub const REJECT_COLUMNS: [&str; 11] = [
    "file",
    "row",
    "invoice_number",
    "provider_npi",
    "line_id",
    "rule_id",
    "severity",
    "field",
    "title",
    "message",
    "fix",
];

/// What `ecm ingest` was asked to do.
pub struct IngestRequest<'a> {
    pub inputs: &'a [PathBuf],
    pub out_dir: &'a Path,
    pub config: &'a Config,
    pub codeset: &'a CodeSet,
    pub clock: Clock,
    /// The plan's ECM roster: enrollment and other programs are checked when given.
    pub roster: Option<&'a Path>,
    /// The ledger of lines accepted by earlier runs, updated by this one.
    pub ledger: Option<&'a Path>,
    /// Replace existing outputs.
    pub force: bool,
}

/// Why an ingest run wrote nothing (or, for [`IngestError::LedgerNotUpdated`], wrote its
/// outputs but could not record them).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(
        "{file}: {count} roster row(s) cannot be read, so enrollment cannot be checked; fix them and run again, nothing was written:{first}"
    )]
    Roster {
        file: String,
        count: u64,
        first: String,
    },
    #[error(
        "{file}: the roster has a header but no data rows, so no member is enrolled and every service would be refused; give the plan's roster, or leave out --roster to ingest without enrollment checks (nothing was written)"
    )]
    EmptyRoster { file: String },
    #[error("encounter 837 (provider {npi}): {source}")]
    X12 { npi: Npi, source: Box<WriteError> },
    #[error(
        "{file} holds encounters the ledger {ledger} records as accepted (provider {npi} line {line_id}, and maybe more): replacing it, even with --force, would lose them for good, since the ledger refuses those lines from now on; write this run to another --out directory"
    )]
    WouldLoseReported {
        file: String,
        ledger: String,
        npi: String,
        line_id: String,
    },
    #[error(
        "{file} exists and cannot be read as an 837 ({reason}), so ecm cannot tell whether it holds encounters the ledger records: write this run to another --out directory, or move the file away yourself"
    )]
    UnknownOldEncounters { file: String, reason: String },
    #[error(
        "the outputs were written but the ledger could not be updated ({source}); the lines are not recorded as accepted: fix the problem and run again with --force"
    )]
    LedgerNotUpdated { source: LedgerError },
}

/// A rejected (or warned) line with what the provider needs to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    #[serde(flatten)]
    pub finding: Finding,
    pub invoice_number: String,
    pub provider_npi: String,
}

impl std::borrow::Borrow<Finding> for Reject {
    fn borrow(&self) -> &Finding {
        &self.finding
    }
}

/// The result of a run that finished (ingest has no `--strict`: `refused_by_strict` is false).
/// `rejects` holds the first [`REJECTS_KEPT`] rejections; `rejects.csv` holds every one.
pub type IngestOutcome = RunOutcome<IngestSummary, Reject>;

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct IngestSummary {
    #[serde(flatten)]
    pub head: RunHead,
    pub plan_payer_id: String,
    pub roster: Option<RosterSummary>,
    pub ledger: Option<LedgerSummary>,
    pub lines_read: u64,
    pub lines_accepted: u64,
    pub lines_rejected: u64,
    /// `encounters.837`, or null when no line was accepted.
    pub file: Option<String>,
    pub interchange_control_number: Option<String>,
    pub transactions: usize,
    pub claims: u64,
    pub replacement_claims: u64,
    pub void_claims: u64,
    /// The accepted lines' charges, a void's as a credit (subtracted): the money claimed, as
    /// the invoices total it. The void claims in `encounters.837` carry the original charges.
    pub total_charge: Money,
    pub providers: Vec<ProviderSummary>,
    #[serde(flatten)]
    pub report: RunReport,
    /// Rows of `rejects.csv` (a line may break several rules).
    pub rejections: usize,
}

/// The roster used.
#[derive(Debug, Clone, Serialize)]
pub struct RosterSummary {
    pub file: String,
    pub rows: u64,
    pub spans: usize,
}

/// The ledger before and after.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerSummary {
    pub file: String,
    pub entries_before: u64,
    pub entries_added: usize,
}

/// One provider's lines.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderSummary {
    /// As written on the invoice (it may be malformed on a rejected line).
    pub provider_npi: String,
    pub lines_accepted: u64,
    pub lines_rejected: u64,
    pub total_charge: Money,
}

/// What the accepted lines are: compact service lines, and per line its billing provider and
/// invoice number.
struct Accepted<'cs> {
    lines: Vec<ServiceLine<'cs>>,
    registry: Registry,
    /// Per line: index into `providers`.
    provider_of: Vec<u16>,
    providers: Vec<ProviderParty>,
    provider_index: FnvHashMap<Npi, u16>,
    /// Per line: index into `invoices`.
    invoice_of: Vec<u32>,
    invoices: Vec<Box<str>>,
    /// Corrections of lines an earlier run accepted: line -> the CLM01 the ledger holds for the
    /// corrected line (a chain of corrections keeps its original claim's id).
    chain_claim: FnvHashMap<u32, ClaimId>,
}

impl Accepted<'_> {
    fn npi(&self, i: u32) -> Npi {
        self.providers[self.provider_of[i as usize] as usize].npi
    }

    /// What line `i` corrects, if it is a replacement or void.
    fn correction(&self, i: u32) -> Option<&crate::model::Correction> {
        self.lines[i as usize]
            .correction
            .map(|c| &self.registry.corrections[c.index()])
    }

    /// CLM01 of line `i`'s encounter: the corrected chain's original claim's (from the ledger),
    /// else the one derived from the line it corrects, else its own.
    fn plan_claim_id(&self, i: u32) -> ClaimId {
        if let Some(id) = self.chain_claim.get(&i) {
            return *id;
        }
        let own = self.registry.encounter_id(&self.lines[i as usize]);
        ClaimId::of_line(
            self.npi(i),
            self.correction(i).map_or(own, |c| c.replaces.as_str()),
        )
    }

    fn frequency(&self, i: u32) -> ClaimFrequency {
        self.correction(i)
            .map_or(ClaimFrequency::Original, |c| c.frequency)
    }

    /// Line `i` as the ledger records it.
    fn ledger_row<'a>(
        &'a self,
        i: u32,
        claim_id: &'a str,
        today: chrono::NaiveDate,
    ) -> LedgerRow<'a> {
        let l = &self.lines[i as usize];
        LedgerRow {
            npi: self.npi(i),
            line_id: self.registry.encounter_id(l),
            frequency: self.frequency(i),
            replaces: self.correction(i).map(|c| c.replaces.as_str()),
            member_id: &self.registry.members[l.member as usize].member_id,
            date: l.service_date,
            hcpcs: l.coding.hcpcs,
            modifiers: l.coding.modifiers,
            claim_id,
            invoice_number: &self.invoices[self.invoice_of[i as usize] as usize],
            ingested_on: today,
        }
    }
}

/// CLM01 of the encounter built from a provider's invoice line: `P` and 16 hex digits of a hash
/// of the provider and line id. A correction of a line the ledger holds goes out under the claim
/// id the ledger recorded for it (its chain's original); without a ledger, under the id of the
/// line it names.
pub fn plan_claim_id(npi: Npi, line_id: &str) -> String {
    ClaimId::of_line(npi, line_id).as_str().to_owned()
}

/// Runs the whole pipeline. `progress` is told (bytes read, bytes total) while reading.
pub fn run_ingest(
    req: &IngestRequest,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<IngestOutcome, IngestError> {
    let plan = req.config.plan()?;
    let mut watch = Stopwatch::default();
    // Held until the run ends, after the ledger is replaced: no other run uses the ledger.
    let _lock = req.ledger.map(LedgerLock::acquire).transpose()?;
    let (roster, roster_warnings) = match req.roster {
        Some(p) => {
            let (r, w) = load_roster(p, req.codeset)?;
            (Some(r), w)
        }
        None => (None, Vec::new()),
    };
    let mut ledger = match req.ledger {
        Some(p) => Ledger::load(p)?,
        None => Ledger::default(),
    };
    let names = [
        ENCOUNTERS_FILE.to_string(),
        "rejects.csv".to_string(),
        "summary.json".to_string(),
    ];
    if let Some(ledger_path) = req.ledger
        && req.force
    {
        keep_reported_encounters(&req.out_dir.join(ENCOUNTERS_FILE), ledger_path, &ledger)?;
    }
    let mut outputs = OutputSet::prepare_run(req.out_dir, &names, req.force)?;
    watch.lap("read roster and ledger");

    // Sized for every line up front (CSV inputs; a workbook counts as none): growing by doubling
    // copies each table and vector into fresh memory the system must zero, several times over.
    let expected = crate::input::estimate_rows(req.inputs);
    ledger.reserve(expected);
    let mut accepted = Accepted {
        lines: Vec::with_capacity(expected),
        registry: Registry::default(),
        provider_of: Vec::with_capacity(expected),
        providers: Vec::new(),
        provider_index: FnvHashMap::default(),
        invoice_of: Vec::with_capacity(expected),
        invoices: Vec::new(),
        chain_claim: FnvHashMap::default(),
    };
    // Rejections go to rejects.csv as they are found: a re-sent invoice of a million lines must
    // not hold two million findings. The first ones are kept for the terminal.
    let mut rejects_file = outputs.create("rejects.csv")?;
    let mut rejects_out = csv::Writer::from_writer(rejects_file.writer());
    let rejects_err = |e: csv::Error| OutputError::Write {
        file: "rejects.csv".into(),
        source: std::io::Error::other(e),
    };
    rejects_out
        .write_record(REJECT_COLUMNS)
        .map_err(rejects_err)?;
    let mut rejects: Vec<Reject> = Vec::new();
    let mut reject_rows = 0usize;
    let mut tally = RuleTally::default();
    // A roster row read as Windows-1252 (RCN-006) is a warning of the run, as in reconcile.
    let mut warnings: Vec<Finding> = roster_warnings;
    let mut lines_read = 0u64;
    let mut lines_rejected = 0u64;
    let mut transliterations = TransliterationTally::default();
    let mut rejected_by_provider: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown_columns = Vec::new();
    let files: Vec<String> = req.inputs.iter().map(|p| p.display().to_string()).collect();
    let mut tables = Vec::with_capacity(req.inputs.len());
    for p in req.inputs {
        let t = open_invoice(p)?;
        let cols = InvoiceColumns::locate(&t)?;
        for u in InvoiceColumns::unknown(&t) {
            unknown_columns.push(UnknownColumn {
                file: t.name.clone(),
                column: u,
            });
        }
        tables.push((t, cols));
    }
    let total: u64 = tables.iter().map(|(t, _)| t.size).sum();
    let mut done_before = 0u64;
    for (fi, (mut table, cols)) in tables.into_iter().enumerate() {
        let ctx = LineContext {
            codeset: req.codeset,
            config: req.config,
            plan,
            as_of: req.clock.date,
            file: &files[fi],
            file_index: fi as u16,
        };
        let size = table.size;
        let lines_before = lines_read;
        // Lines are checked on their own (field, contract and code-set checks) on worker
        // threads, a batch each, while another reads the records; this one runs the checks
        // across lines (roster, duplicates, ledger) in file order and writes the rejects.
        let ctx_ref = &ctx;
        let cols_ref = &cols;
        // Checked records go back to the reader, to be filled again.
        let (spend, spent) = std::sync::mpsc::channel::<Vec<Record>>();
        // Emptied line batches go back to the workers.
        let emptied: Recycler<CheckedRow> = Recycler::new();
        ordered_parallel(
            table.batches(LINE_BATCH, spent),
            crate::pipeline::workers(),
            2,
            |batch: Result<RecordBatch, InputError>| {
                batch.map(|b| {
                    // Each batch remembers the provider block it last checked.
                    let mut memo = ProviderMemo::default();
                    let mut lines = emptied.take(LINE_BATCH);
                    lines.extend(
                        b.records
                            .iter()
                            // A total row (`Total` under the line numbers, no line id) is not a
                            // line.
                            .filter(|rec| !is_total_row(rec, cols_ref))
                            .map(|rec| check_line(rec, cols_ref, ctx_ref, &mut memo)),
                    );
                    (lines, b.position, b.records)
                })
            },
            |batch: Result<(Vec<CheckedRow>, u64, Vec<Record>), InputError>| -> Result<(), IngestError> {
                let (mut batch, position, records) = batch?;
                // The reader may have finished; then the records are freed here.
                let _ = spend.send(records);
                progress(done_before + position, total);
                // Lines are taken in where they lie, not moved: each is several hundred bytes.
                for at in 0..batch.len() {
                    if let Some(line) = batch.get(at + PREFETCH_AHEAD).and_then(|c| c.line.as_ref()) {
                        ledger.prefetch(line.keys);
                    }
                    let checked = &mut batch[at];
                    lines_read += 1;
                    transliterations.add(&checked.transliterations);
                    let (mut errors, warns): (Vec<Finding>, Vec<Finding>) =
                        std::mem::take(&mut checked.findings)
                            .into_iter()
                            .partition(Finding::is_error);
                    warnings.extend(warns);
                    if let Some(line) = &checked.line {
                        errors.extend(batch_checks(
                            line,
                            &ctx,
                            roster.as_ref(),
                            &ledger,
                            req.ledger.is_some(),
                            &accepted,
                        ));
                    }
                    match checked.line.as_mut() {
                        Some(line) if errors.is_empty() => accept(line, &mut accepted, &mut ledger),
                        _ => {
                            lines_rejected += 1;
                            *rejected_by_provider
                                .entry(checked.provider_npi.to_string())
                                .or_default() += 1;
                            for finding in errors {
                                tally.add(finding.rule, fi as u16, finding.row);
                                let r = Reject {
                                    finding,
                                    invoice_number: checked.invoice_number.to_string(),
                                    provider_npi: checked.provider_npi.to_string(),
                                };
                                write_reject(&mut rejects_out, &r).map_err(rejects_err)?;
                                reject_rows += 1;
                                if rejects.len() < REJECTS_KEPT {
                                    rejects.push(r);
                                }
                            }
                        }
                    }
                }
                emptied.give(batch);
                Ok(())
            },
        )?;
        // A header with no line under it (an empty export) is not an invoice: stop, as for an
        // empty file, rather than report success having taken in nothing.
        if lines_read == lines_before {
            return Err(InputError::NoDataRows {
                file: files[fi].clone(),
            }
            .into());
        }
        done_before += size;
        progress(done_before, total);
    }
    rejects_out.flush().map_err(|e| rejects_err(e.into()))?;
    drop(rejects_out);
    rejects_file.finish()?;
    watch.lap("read and check lines");

    let mut summary = IngestSummary {
        head: RunHead::new(&req.clock, files, req.codeset),
        plan_payer_id: plan.payer_id.clone(),
        roster: roster.as_ref().map(|r| RosterSummary {
            file: r.counts.file.clone(),
            rows: r.counts.rows_read,
            spans: r.spans.len(),
        }),
        ledger: req.ledger.map(|p| LedgerSummary {
            file: p.display().to_string(),
            entries_before: ledger.rows_before,
            entries_added: ledger.accepted as usize,
        }),
        lines_read,
        lines_accepted: accepted.lines.len() as u64,
        lines_rejected,
        file: None,
        interchange_control_number: None,
        transactions: 0,
        claims: 0,
        replacement_claims: 0,
        void_claims: 0,
        // Both set below, from the code totals.
        total_charge: Money::ZERO,
        providers: provider_summaries(&accepted, &rejected_by_provider),
        report: RunReport {
            by_code: Vec::new(),
            rejections_by_rule: tally.counts(),
            warnings_by_rule: rule_counts(&warnings),
            warnings,
            unknown_columns,
            transliterations,
            config_transliterations: req.config.transliterated.clone(),
        },
        rejections: reject_rows,
    };
    debug_assert_eq!(
        summary.lines_read,
        summary.lines_accepted + summary.lines_rejected
    );

    // The code totals are added up on a thread of their own while this one orders the claims
    // (a sort, on one core: the other was idle) and writes them.
    let claim_ids = std::thread::scope(|scope| -> Result<Vec<ClaimId>, IngestError> {
        let totals = scope
            .spawn(|| code_totals_by(accepted.lines.iter(), |l| net_charge(l, &accepted.registry)));
        // Each line's CLM01, worked out once for the 837's control number, its claims and the
        // ledger.
        let claim_ids: Vec<ClaimId> = (0..accepted.lines.len() as u32)
            .map(|i| accepted.plan_claim_id(i))
            .collect();
        if !accepted.lines.is_empty() {
            write_encounters(req, plan, &accepted, &claim_ids, &mut outputs, &mut summary)?;
        }
        let by_code = totals
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        summary.total_charge = by_code.iter().map(|t| t.charge).sum();
        summary.report.by_code = by_code;
        Ok(claim_ids)
    })?;
    watch.lap("write encounters 837");
    // The ledger is written beside the old one before the outputs go into place, and replaces
    // it only after they did.
    let staged = match req.ledger {
        Some(p) if ledger.accepted > 0 => {
            let ids: Vec<&str> = claim_ids.iter().map(ClaimId::as_str).collect();
            let today = req.clock.date;
            Some(
                ledger.stage(
                    p,
                    ids.iter()
                        .enumerate()
                        .map(|(i, id)| accepted.ledger_row(i as u32, id, today)),
                )?,
            )
        }
        _ => None,
    };
    let Committed {
        mut written,
        removed,
    } = finish(outputs, None, &summary)?;
    if let Some(s) = staged {
        written.push(
            s.commit()
                .map_err(|source| IngestError::LedgerNotUpdated { source })?,
        );
    }
    watch.lap("write rejects, summary and ledger");
    Ok(IngestOutcome {
        summary,
        written,
        removed,
        rejects,
        refused_by_strict: false,
        timings: watch.laps,
    })
}

/// Reads the roster through the reader `ecm reconcile` uses (RCN-001..007), with `ecm_end`
/// optional. A refused row stops the run rather than leaving its member's lines to be refused as
/// not enrolled, and so does a roster with no rows at all, which would refuse every line.
fn load_roster(path: &Path, codeset: &CodeSet) -> Result<(Roster, Vec<Finding>), IngestError> {
    let mut r = read_roster(path, EndColumn::Optional, &codeset.program_ids())?;
    if r.counts.rows_rejected > 0 {
        return Err(IngestError::Roster {
            file: r.counts.file.clone(),
            count: r.counts.rows_rejected,
            first: r.first_errors(10),
        });
    }
    if r.counts.rows_read == 0 {
        return Err(IngestError::EmptyRoster {
            file: r.counts.file.clone(),
        });
    }
    let warnings = std::mem::take(&mut r.findings);
    Ok((Roster::new(r), warnings))
}

/// The checks that need more than the line: the roster (enrollment, provider, other
/// programs), duplicates within the batch and against the ledger, line ids, corrections.
/// With `--ledger` and `--force`: an `encounters.837` already in the output directory may only
/// be replaced when the ledger records none of its lines (a run whose ledger update failed, say).
/// Otherwise its encounters, which the ledger now refuses as duplicates, would exist nowhere.
fn keep_reported_encounters(
    old: &Path,
    ledger_path: &Path,
    ledger: &Ledger,
) -> Result<(), IngestError> {
    if !old.exists() {
        return Ok(());
    }
    let file = old.display().to_string();
    let unreadable = |reason: String| IngestError::UnknownOldEncounters {
        file: file.clone(),
        reason,
    };
    let mut reader =
        crate::x12::read::Reader837::open(old).map_err(|e| unreadable(e.to_string()))?;
    while let Some((_, _, t)) = reader
        .next_transaction()
        .map_err(|e| unreadable(e.to_string()))?
    {
        let Ok(npi) = Npi::parse(&t.billing_provider.npi) else {
            continue;
        };
        let claims = t.subscribers.iter().flat_map(|s| {
            s.claims
                .iter()
                .chain(s.patients.iter().flat_map(|p| &p.claims))
        });
        for line in claims.flat_map(|c| &c.lines) {
            if let Some(id) = &line.control_number
                && ledger.line(npi, id).is_some()
            {
                return Err(IngestError::WouldLoseReported {
                    file,
                    ledger: ledger_path.display().to_string(),
                    npi: npi.as_str().to_string(),
                    line_id: id.clone(),
                });
            }
        }
    }
    Ok(())
}

fn batch_checks(
    line: &CheckedLine,
    ctx: &LineContext<'_, '_>,
    roster: Option<&Roster>,
    ledger: &Ledger,
    ledger_given: bool,
    acc: &Accepted,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut find = |rule: &'static Rule, field: &str, message: String| {
        out.push(Finding {
            rule,
            file: ctx.file.to_string(),
            row: line.source.row,
            encounter_id: Some(line.line_id.to_string()),
            field: Some(field.to_string()),
            message,
        })
    };
    let npi = line.provider.npi;
    let date = line.service_date;
    let member = &line.member.member_id;
    if let Some(r) = roster {
        let covering: Vec<_> = r
            .spans_of(member)
            .filter(|(s, _)| s.contains(date))
            .collect();
        // Outreach comes before enrollment; every other service needs it, with this provider.
        if line.activity_class == ActivityClass::Enrolled {
            if covering.is_empty() {
                find(
                    &rules::ING_NOT_ENROLLED,
                    "member_id",
                    format!("member {member} has no ECM enrollment on the roster covering {date}"),
                );
            } else if !covering.iter().any(|(s, _)| s.provider_npi == npi) {
                find(
                    &rules::ING_OTHER_PROVIDER,
                    "provider_npi",
                    format!(
                        "on {date} member {member} is enrolled with provider {} (roster row {}), not {npi}",
                        covering[0].0.provider_npi, covering[0].0.row
                    ),
                );
            }
        }
        for (s, programs) in &covering {
            for p in *programs {
                if let Some(row) = ctx.codeset.program(p, date)
                    && row.rule != ProgramRule::MayCombine
                {
                    find(
                        &rules::ING_DUPLICATIVE_PROGRAM,
                        "member_id",
                        format!(
                            "roster row {} lists {} ({}), which the code set marks {} on {date}",
                            s.row,
                            row.id,
                            row.name,
                            match row.rule {
                                ProgramRule::ChooseOne => "choose_one (ECM or the program)",
                                _ => "excluded (no ECM while enrolled)",
                            }
                        ),
                    );
                }
            }
        }
    }
    let origin = |o: Origin| match o {
        Origin::ThisRun(i) => (
            "earlier in this batch",
            acc.registry.encounter_id(&acc.lines[i as usize]),
        ),
        Origin::Earlier(i) => ("by an earlier run", ledger.earlier_line_id(i)),
    };
    if let Some(st) = ledger.line_by_key(line.keys.line) {
        find(
            &rules::ING_LINE_ID_USED,
            "line_id",
            format!(
                "provider {npi} line id {} was already used {}",
                line.line_id,
                origin(st.origin).0
            ),
        );
    }
    let service = line.keys.service;
    let replaces = line.correction.as_ref().map(|c| c.replaces.as_str());
    if line
        .correction
        .as_ref()
        .is_none_or(|c| c.frequency != ClaimFrequency::Void)
        && let Some(owner) = ledger.active_owner(service)
        && replaces.is_none_or(|r| ledger.line(npi, r).is_none_or(|st| st.origin != owner))
    {
        let (when, owner_id) = origin(owner);
        let rule = match owner {
            Origin::ThisRun(_) => &rules::ING_DUPLICATE_IN_BATCH,
            Origin::Earlier(_) => &rules::ING_DUPLICATE_OF_ACCEPTED,
        };
        find(
            rule,
            "service_date",
            format!(
                "the same service (provider, member, date, {} {}) was accepted {when} as line {owner_id}",
                line.coding.hcpcs,
                line.coding.modifiers.join(":"),
            ),
        );
    }
    if let Some(r) = replaces {
        let problem = match ledger.line(npi, r) {
            Some(st) if matches!(st.origin, Origin::ThisRun(_)) => {
                Some("was taken in or corrected earlier in this batch")
            }
            Some(st) if st.active.is_none() => Some("was already replaced or voided"),
            Some(_) => None,
            None if ledger_given => Some("was never accepted (it is not in the ledger)"),
            None => None,
        };
        if let Some(p) = problem {
            find(
                &rules::ING_CORRECTS_UNKNOWN_LINE,
                "replaces_line_id",
                format!("provider {npi} line {r} {p}"),
            );
        } else if let Some(st) = ledger.line(npi, r)
            && let Origin::Earlier(row) = st.origin
            && let Some(frequency) = line.correction.as_ref().map(|c| c.frequency)
        {
            // The ledger holds the corrected line: a correction is for its member, and a void
            // cancels exactly the service it reported.
            if !ledger.earlier_member_is(row, member) {
                find(
                    &rules::ING_CORRECTION_MISMATCH,
                    "member_id",
                    format!(
                        "provider {npi} line {r}, which this line corrects, was for another member (ledger row {}); a correction is for the same member",
                        row + 2
                    ),
                );
            } else if frequency == ClaimFrequency::Void && st.active != Some(service.into()) {
                find(
                    &rules::ING_CORRECTION_MISMATCH,
                    "service_date",
                    format!(
                        "this void of provider {npi} line {r} does not repeat that line's service (service date, HCPCS, modifiers as in ledger row {}); a void carries the original line's content",
                        row + 2
                    ),
                );
            }
        }
    }
    out
}

fn accept<'cs>(line: &mut CheckedLine<'cs>, acc: &mut Accepted<'cs>, ledger: &mut Ledger) {
    let npi = line.provider.npi;
    let pi = match acc.provider_index.get(&npi) {
        Some(&i) => i,
        None => {
            let i = acc.providers.len() as u16;
            acc.providers.push((*line.provider).clone());
            acc.provider_index.insert(npi, i);
            i
        }
    };
    // Invoice lines come invoice by invoice: the last number is almost always this one.
    let inv = match acc.invoices.last() {
        Some(last) if **last == *line.invoice_number => acc.invoices.len() as u32 - 1,
        _ => {
            acc.invoices.push(line.invoice_number.as_str().into());
            acc.invoices.len() as u32 - 1
        }
    };
    let (frequency, replaces) = match &line.correction {
        Some(c) => (c.frequency, Some(c.replaces.as_str())),
        None => (ClaimFrequency::Original, None),
    };
    if let Some(r) = replaces
        && let Some(st) = ledger.line(npi, r)
        && let Origin::Earlier(row) = st.origin
    {
        acc.chain_claim
            .insert(acc.lines.len() as u32, ledger.earlier_claim_id(row));
    }
    ledger.accept(npi, line.keys, frequency, replaces, acc.lines.len() as u32);
    let reg = &mut acc.registry;
    let mut coding = line.coding.clone();
    coding.diagnoses = reg.diagnoses(coding.diagnoses);
    let sl = ServiceLine {
        source: line.source,
        encounter_id: reg.line_id(&line.line_id),
        payer: 0,
        member: reg.member(0, &line.member),
        service_date: line.service_date,
        activity: line.activity,
        coding,
        authorization: line.authorization.as_deref().map(|a| reg.authorization(a)),
        rendering: line.rendering.as_ref().map(|r| reg.rendering(r)),
        correction: line.correction.take().map(|c| reg.correction(c)),
    };
    acc.lines.push(sl);
    acc.provider_of.push(pi);
    acc.invoice_of.push(inv);
}

fn provider_summaries(acc: &Accepted, rejected: &BTreeMap<String, u64>) -> Vec<ProviderSummary> {
    let mut by: BTreeMap<String, ProviderSummary> = BTreeMap::new();
    let blank = |npi: &str| ProviderSummary {
        provider_npi: npi.to_string(),
        lines_accepted: 0,
        lines_rejected: 0,
        total_charge: Money::ZERO,
    };
    // Counted by provider index first: a million lines need not each spell and look up an NPI.
    let mut per: Vec<(u64, Money)> = vec![(0, Money::ZERO); acc.providers.len()];
    for (l, &p) in acc.lines.iter().zip(&acc.provider_of) {
        let e = &mut per[p as usize];
        e.0 += 1;
        e.1 += net_charge(l, &acc.registry);
    }
    for (p, (lines, total)) in per.into_iter().enumerate() {
        if lines == 0 {
            continue;
        }
        let npi = acc.providers[p].npi.to_string();
        let e = by.entry(npi.clone()).or_insert_with(|| blank(&npi));
        e.lines_accepted += lines;
        e.total_charge += total;
    }
    for (npi, n) in rejected {
        by.entry(npi.clone())
            .or_insert_with(|| blank(npi))
            .lines_rejected += n;
    }
    by.into_values().collect()
}

/// The 2010AA billing provider of a provider's encounters.
fn billing(p: &ProviderParty) -> BillingProvider {
    BillingProvider {
        taxonomy: None,
        name: p.name.to_ascii_uppercase(),
        npi: p.npi.to_string(),
        address: Address {
            line1: p.address.to_ascii_uppercase().into(),
            city: p.city.to_ascii_uppercase().into(),
            state: p.state.as_str().into(),
            zip: p.zip.as_str().into(),
        },
        tax_id: p.tin.clone(),
        pay_to: None,
        kept: Vec::new(),
    }
}

/// Writes `encounters.837`: one claim per accepted line, providers in NPI order (each in its
/// own transaction sets), within a provider by member id, service date and line id.
fn write_encounters(
    req: &IngestRequest,
    plan: &crate::config::PlanConfig,
    acc: &Accepted,
    claim_ids: &[ClaimId],
    outputs: &mut OutputSet,
    summary: &mut IngestSummary,
) -> Result<(), IngestError> {
    let member_rank = acc.registry.member_ranks();
    let npi_of = |i: u32| acc.providers[acc.provider_of[i as usize] as usize].npi;
    // Claims go by provider NPI, member, service date and encounter id. The first three are
    // packed into one integer per line (providers by their NPI's rank), so the sort compares
    // integers held side by side and reads encounter ids only on a tie.
    let mut by_npi: Vec<u32> = (0..acc.providers.len() as u32).collect();
    by_npi.sort_unstable_by_key(|&p| acc.providers[p as usize].npi);
    let mut provider_rank = vec![0u32; by_npi.len()];
    for (rank, &p) in (0u32..).zip(&by_npi) {
        provider_rank[p as usize] = rank;
    }
    let order = order_lines(
        &acc.lines,
        &acc.registry,
        (0u32..).zip(&acc.lines).map(|(i, l)| {
            let day = u128::from(l.service_date.num_days_from_ce().max(0) as u32);
            let member = u128::from(member_rank[l.member as usize]);
            let provider = u128::from(provider_rank[acc.provider_of[i as usize] as usize]);
            ((provider << 96) | (member << 64) | (day << 32), i)
        }),
    );
    let mut h = Fnv64::default();
    h.str(&plan.payer_id)
        .u64(req.clock.date.num_days_from_ce() as u64)
        .u64(u64::from(req.clock.time.num_seconds_from_midnight()));
    for (k, &i) in order.iter().enumerate() {
        // Lines are read in claim order, not where they lie: each is fetched a few ahead, with
        // its claim id.
        prefetch_ahead(&order, k, &acc.lines, &acc.registry);
        if let Some(&ahead) = order.get(k + 8) {
            crate::prefetch::prefetch(&claim_ids[ahead as usize]);
        }
        let charge = acc.lines[i as usize].coding.charge.amount();
        h.str(claim_ids[i as usize].as_str())
            .str(acc.registry.encounter_id(&acc.lines[i as usize]))
            .bytes(&charge.mantissa().to_le_bytes())
            .u64(u64::from(charge.scale()));
    }
    let control = (h.finish() % 999_999_999) as u32 + 1;
    let parties = Parties::for_plan(plan);
    let mut staged = outputs.create(ENCOUNTERS_FILE)?;
    let x12err = |npi: Npi| {
        move |source| IngestError::X12 {
            npi,
            source: Box::new(source),
        }
    };
    let first_npi = npi_of(order[0]);
    let mut w = InterchangeWriter::begin(
        staged.writer(),
        &parties.envelope(&req.clock, control),
        WriteOptions::default(),
    )
    .map_err(x12err(first_npi))?;
    // Transaction sets of one provider's claims, at most 5,000 claims each, numbered in order.
    let mut jobs: Vec<(Npi, &[u32], u32)> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let npi = npi_of(order[start]);
        let mut end = start;
        while end < order.len() && npi_of(order[end]) == npi {
            end += 1;
        }
        for chunk in order[start..end].chunks(MAX_CLAIMS_PER_TRANSACTION) {
            jobs.push((npi, chunk, jobs.len() as u32 + 1));
        }
        start = end;
    }
    // Each set is assembled, checked and rendered on one of two threads; this one writes them
    // in order.
    let (clock, parties, renderer) = (&req.clock, &parties, w.renderer());
    let (mut replacements, mut voids) = (0u64, 0u64);
    ordered_parallel(
        jobs.into_iter(),
        2,
        2,
        |(npi, chunk, number)| {
            let bp = billing(&acc.providers[acc.provider_of[chunk[0] as usize] as usize]);
            let (mut replacements, mut voids) = (0u64, 0u64);
            let claims: Vec<PlannedClaim> = chunk
                .iter()
                .map(|&i| {
                    let frequency = acc.frequency(i);
                    match frequency {
                        ClaimFrequency::Replacement => replacements += 1,
                        ClaimFrequency::Void => voids += 1,
                        ClaimFrequency::Original => {}
                    }
                    let id = claim_ids[i as usize].as_str().to_owned();
                    let original = (frequency != ClaimFrequency::Original).then(|| id.clone());
                    PlannedClaim::single(id, i, &acc.lines[i as usize], frequency, original)
                })
                .collect();
            let t = transaction(
                &claims,
                &acc.lines,
                &acc.registry,
                parties,
                &bp,
                clock,
                control,
                number as usize,
            );
            let rendered = renderer.render(&t, number).map_err(x12err(npi))?;
            Ok((npi, claims.len() as u64, rendered, replacements, voids))
        },
        |made: Result<_, IngestError>| {
            let (npi, claims, rendered, r, v) = made?;
            summary.transactions += 1;
            summary.claims += claims;
            replacements += r;
            voids += v;
            w.write_rendered(&rendered).map_err(x12err(npi))
        },
    )?;
    summary.replacement_claims += replacements;
    summary.void_claims += voids;
    w.finish().map_err(x12err(first_npi))?;
    staged.finish()?;
    summary.file = Some(ENCOUNTERS_FILE.to_string());
    summary.interchange_control_number = Some(format!("{control:09}"));
    Ok(())
}

/// Appends one row to the ingest `rejects.csv`: the finding with the invoice number, provider
/// NPI and line id the provider needs to find the line.
fn write_reject<W: Write>(w: &mut csv::Writer<W>, r: &Reject) -> Result<(), csv::Error> {
    let f = r.finding.csv_record();
    // FINDING_COLUMNS: file, row, encounter_id, rule_id, severity, field, title, message, fix.
    w.write_record([
        &f[0],
        &f[1],
        &r.invoice_number,
        &r.provider_npi,
        &f[2],
        &f[3],
        &f[4],
        &f[5],
        &f[6],
        &f[7],
        &f[8],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_claim_id_is_p_and_the_hash_in_sixteen_hex_digits() {
        let npi = Npi::parse("1234567893").unwrap();
        for line_id in ["", "L1", "INV-202501-0001-17", "a longer line id than most"] {
            let h = Fnv64::default().str(npi.as_str()).str(line_id).finish();
            let id = plan_claim_id(npi, line_id);
            assert_eq!(id, format!("P{h:016X}"));
            assert_eq!(id.len(), 17);
        }
    }
}
