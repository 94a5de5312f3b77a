//! `ecm reconcile`: roster + contracts + encounters + payments -> member-month rows, summary and
//! report, written together. File reading is here; the reconciliation itself is
//! `crate::reconcile` (pure), the renderings `crate::report::reconcile_*`.

pub mod encounter_files;
pub mod payment_file;
pub mod remittance_file;
pub mod roster_file;
pub mod table_corrections;

use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::config::{Config, ConfigError};
use crate::encounters::IntakeContext;
use crate::input::InputError;
use crate::model::ServiceMonth;
use crate::output::{Committed, OutputError, OutputSet};
use crate::reconcile::{
    Attribution, EncounterCounts, EncounterIndex, MonthRange, PaymentCounts, PaymentFact,
    Reconciler, Reconciliation, Summary, summarize,
};
use crate::report::{reconcile_csv, reconcile_html, reconcile_json};
use crate::rules::{self, Finding, Severity};
use chrono::NaiveDate;
use encounter_files::EncounterFileCounts;
use payment_file::PaymentFileCounts;
use remittance_file::{RemittanceCounts, RemittanceLine};
use roster_file::RosterCounts;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The files `ecm reconcile` writes.
pub const OUTPUT_FILES: [&str; 5] = [
    "member-months.csv",
    "summary.csv",
    "summary.json",
    "report.html",
    "rejects.csv",
];

/// Written beside them when a payment file is an 835: every SVC and PLB and how it matched.
pub const REMITTANCE_FILE: &str = "payments-835.csv";

/// What to reconcile and where the results go.
pub struct ReconcileRequest<'a> {
    pub roster: &'a Path,
    pub encounters: &'a [PathBuf],
    pub payments: &'a [PathBuf],
    pub from: Option<ServiceMonth>,
    pub to: Option<ServiceMonth>,
    pub out_dir: &'a Path,
    pub force: bool,
    pub config: &'a Config,
    pub codeset: &'a CodeSet,
    pub clock: Clock,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    X12(#[from] crate::x12::read::ReadError),
    /// The request cannot be carried out as given.
    #[error("{0}")]
    Usage(String),
    /// The inputs hold nothing to reconcile.
    #[error("{0}")]
    Nothing(String),
    /// Roster rows were refused: enrollment cannot be judged honestly without them.
    #[error("{0}")]
    Roster(String),
}

/// Findings by severity and rule.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FindingCounts {
    pub errors: u64,
    pub warnings: u64,
    pub by_rule: BTreeMap<&'static str, u64>,
}

/// Facts about the run that the outputs report beside the figures.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub plan: String,
    pub run_date: NaiveDate,
    pub months: MonthRange,
    /// Contract ids in force in some reconciled month.
    pub contracts: Vec<String>,
    pub roster: RosterCounts,
    pub roster_unknown_columns: Vec<String>,
    pub encounter_files: EncounterFileCounts,
    pub encounters: EncounterCounts,
    pub payment_files: PaymentFileCounts,
    pub payments: PaymentCounts,
    /// The 835 payment files, when any was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remittances: Option<RemittanceCounts>,
    pub findings: FindingCounts,
}

/// The roster rows refused, for the message that stops the run: a member whose row is left out
/// would show every payment as made while not enrolled, so nothing is reconciled until the
/// roster reads whole.
fn refused_rows(roster: &roster_file::RosterRead) -> String {
    format!(
        "{}: {} roster row(s) cannot be read, so enrollment cannot be judged for their members (their payments would all look paid while not enrolled); fix them and run again, nothing was written:{}",
        roster.counts.file,
        roster.counts.rows_rejected,
        roster.first_errors(20),
    )
}

/// Why a roster gives no months to reconcile: no data rows, or every row refused (the first
/// few findings, so the user sees what to fix).
fn no_months(roster: &roster_file::RosterRead) -> String {
    let c = &roster.counts;
    let why = if !roster.spans.is_empty() {
        // Spans were read, but the one bound given falls outside them.
        "its spans all fall outside the months --from or --to leaves".to_string()
    } else if c.rows_read == 0 {
        "it has a header but no data rows".to_string()
    } else {
        format!(
            "all {} data row(s) were refused, the first:{}",
            c.rows_read,
            roster.first_errors(5)
        )
    };
    format!(
        "{}: no usable enrollment span, so there are no months to reconcile (fix the roster or give --from and --to): {why}",
        c.file
    )
}

/// What a finished run found and wrote.
pub struct ReconcileOutcome {
    pub info: RunInfo,
    pub summary: Summary,
    pub member_months: u64,
    pub rows_with_variance: u64,
    pub findings: Vec<Finding>,
    pub written: Vec<PathBuf>,
    /// Files an earlier run wrote into the directory and this one did not, removed (`--force`).
    pub removed: Vec<PathBuf>,
}

impl ReconcileOutcome {
    /// Whether anything differs from the contracts, or an input row was refused.
    pub fn has_variances_or_rejections(&self) -> bool {
        self.rows_with_variance > 0
            || self
                .summary
                .reasons
                .iter()
                .any(|r| r.reason == crate::reconcile::Reason::Unattributed)
            || self.info.findings.errors > 0
    }
}

/// Runs the whole reconciliation and writes its outputs.
pub fn run_reconcile(
    req: &ReconcileRequest,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ReconcileOutcome, ReconcileError> {
    let plan = req.config.plan()?;
    let contracts = &req.config.contracts;
    if contracts.is_empty() {
        return Err(ReconcileError::Usage(format!(
            "{}: no [[contract]] section; reconcile needs the plan's contract with each ECM provider (see the README's reconciliation section)",
            req.config.file
        )));
    }
    // Payment files are 835s or tables, told apart by their content.
    let payment_is_x12: Vec<bool> = req
        .payments
        .iter()
        .map(|p| crate::x12::read::looks_like_x12(p).unwrap_or(false))
        .collect();
    let any_835 = payment_is_x12.contains(&true);
    // So are encounter files: 837s or tables.
    let encounter_is_x12: Vec<bool> = req
        .encounters
        .iter()
        .map(|p| crate::x12::read::looks_like_x12(p).unwrap_or(false))
        .collect();
    if let Some(msg) = encounter_files::unsupported(req.roster) {
        return Err(ReconcileError::Usage(msg));
    }
    if let (Some(f), Some(t)) = (req.from, req.to)
        && f > t
    {
        return Err(ReconcileError::Usage(format!(
            "--from {f} is after --to {t}"
        )));
    }
    let mut names: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    if any_835 {
        names.push(REMITTANCE_FILE.to_string());
    }
    let mut out = OutputSet::prepare_run(req.out_dir, &names, req.force)?;

    let roster = roster_file::read_roster(req.roster, req.codeset)?;
    if roster.counts.rows_rejected > 0 {
        return Err(ReconcileError::Roster(refused_rows(&roster)));
    }
    let months = month_range(&roster.spans, req.from, req.to, req.clock.date)
        .ok_or_else(|| ReconcileError::Nothing(no_months(&roster)))?;
    let mut findings = roster.findings;
    findings.extend(roster_file::check_spans(
        &roster.spans,
        contracts,
        months,
        &roster.counts.file,
    ));

    let mut rec = Reconciler::new(contracts, roster.spans, months);
    let ctx = IntakeContext {
        codeset: req.codeset,
        config: req.config,
        as_of: req.clock.date,
    };
    let enc_names: Vec<String> = req
        .encounters
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut unattributed = Vec::new();
    // 835 lines are matched to encounters, so they are read once every encounter is known.
    let mut index = any_835.then(EncounterIndex::default);
    // Payments are read and checked on a thread of their own while the encounters are read (a
    // third of the work at a million rows); their lines are applied here between encounters.
    let (payment_tx, payment_rx) = std::sync::mpsc::sync_channel::<Vec<PaymentFact>>(8);
    let (encounter_files, payment_files) = std::thread::scope(|scope| {
        let skip = &payment_is_x12;
        let payment_reader = scope
            .spawn(move || payment_file::read_payments_in_batches(req.payments, skip, payment_tx));
        // Owned here, so it is dropped (and a blocked reader released) if this returns early.
        let payment_rx = payment_rx;
        // Batches taken off the channel between facts: a table with corrections holds its facts
        // back until it is read through, and the payment reader must not wait on a full channel
        // meanwhile, so the progress calls take batches too and they wait here.
        let waiting: std::cell::RefCell<Vec<Vec<PaymentFact>>> = Default::default();
        let mut facts = 0u64;
        let encounter_files = if req.encounters.is_empty() {
            EncounterFileCounts::default()
        } else {
            encounter_files::read_encounter_facts(
                req.encounters,
                &encounter_is_x12,
                &ctx,
                plan_payer_key(req.config, plan),
                &plan.payer_id,
                |fact| {
                    facts += 1;
                    if let Some(ix) = index.as_mut() {
                        ix.add(&fact);
                    }
                    if facts.is_multiple_of(1024) {
                        let held = std::mem::take(&mut *waiting.borrow_mut());
                        for batch in held.into_iter().chain(payment_rx.try_iter()) {
                            batch.into_iter().for_each(|p| rec.add_payment(p));
                        }
                    }
                    if let Attribution::Unattributed(why) = rec.add_encounter(&fact) {
                        let file = fact.source.file as usize;
                        // An 837 line's date is its DTP*472; a table row's, service_date.
                        let date_field = match encounter_is_x12.get(file) {
                            Some(true) => "DTP*472",
                            _ => "service_date",
                        };
                        unattributed.push(Finding {
                            rule: &rules::RCN_UNATTRIBUTED_ENCOUNTER,
                            file: enc_names.get(file).cloned().unwrap_or_default(),
                            row: fact.source.row,
                            encounter_id: Some(fact.encounter_id.into()),
                            field: Some(date_field.into()),
                            message: format!(
                                "{} ({} on {})",
                                why.describe(),
                                fact.kind.key(),
                                fact.date
                            ),
                        });
                    }
                },
                |f| findings.push(f),
                &mut |done, total| {
                    waiting.borrow_mut().extend(payment_rx.try_iter());
                    progress(done, total)
                },
            )?
        };
        for batch in waiting.into_inner().into_iter().chain(payment_rx.iter()) {
            batch.into_iter().for_each(|p| rec.add_payment(p));
        }
        let (payment_files, payment_findings) = payment_reader
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        findings.extend(payment_findings);
        Ok::<_, ReconcileError>((encounter_files, payment_files))
    })?;
    findings.extend(unattributed);
    let mut remittance_lines: Vec<RemittanceLine> = Vec::new();
    let remittances = match index.as_mut() {
        Some(ix) => Some(remittance_file::read_remittances(
            req.payments,
            &payment_is_x12,
            ix,
            req.codeset,
            |p| rec.add_payment(p),
            &mut findings,
            &mut remittance_lines,
        )?),
        None => None,
    };
    drop(index);

    let result = rec.finish();
    if result.rows.is_empty() && result.unattributed_payments.is_empty() {
        return Err(ReconcileError::Nothing(format!(
            "nothing to reconcile in {} to {}: no enrollment, outreach or payment falls in those months",
            months.from, months.to
        )));
    }
    let summary = summarize(&result, contracts);
    sort_findings(&mut findings, req);

    let info = RunInfo {
        plan: plan.name.clone(),
        run_date: req.clock.date,
        months,
        contracts: contracts_in_force(contracts, months),
        roster: roster.counts,
        roster_unknown_columns: roster.unknown_columns,
        encounter_files,
        encounters: result.encounters.clone(),
        payment_files,
        payments: result.payments.clone(),
        remittances,
        findings: count_findings(&findings),
    };
    write_outputs(&mut out, &info, &result, &summary, &findings)?;
    if any_835 {
        let mut f = out.create(REMITTANCE_FILE)?;
        reconcile_csv::write_remittance_lines(f.writer(), &remittance_lines).map_err(|source| {
            OutputError::Write {
                file: REMITTANCE_FILE.to_string(),
                source,
            }
        })?;
        f.finish()?;
    }
    let Committed { written, removed } = out.commit()?;
    let rows_with_variance = result.rows.iter().filter(|r| r.has_variance()).count() as u64;
    Ok(ReconcileOutcome {
        member_months: result.rows.len() as u64,
        rows_with_variance,
        info,
        summary,
        findings,
        written,
        removed,
    })
}

fn write_outputs(
    out: &mut OutputSet,
    info: &RunInfo,
    result: &Reconciliation,
    summary: &Summary,
    findings: &[Finding],
) -> Result<(), OutputError> {
    let io = |name: &str| {
        let name = name.to_string();
        move |source: std::io::Error| OutputError::Write { file: name, source }
    };
    let mut f = out.create("member-months.csv")?;
    reconcile_csv::write_member_months(f.writer(), result).map_err(io("member-months.csv"))?;
    f.finish()?;
    let mut f = out.create("summary.csv")?;
    reconcile_csv::write_summary(f.writer(), summary).map_err(io("summary.csv"))?;
    f.finish()?;
    let json = reconcile_json::summary_json(info, summary, result);
    out.write_all("summary.json", json.as_bytes())?;
    let html = reconcile_html::report_html(info, summary, result);
    out.write_all("report.html", html.as_bytes())?;
    let mut f = out.create("rejects.csv")?;
    reconcile_csv::write_findings(f.writer(), findings).map_err(io("rejects.csv"))?;
    f.finish()
}

/// The `[[payer]]` key that is the reconciling plan (same payer_id as `[plan]`), when the
/// configuration also bills plans: encounters billed to the other payers are not this plan's.
fn plan_payer_key<'a>(config: &'a Config, plan: &crate::config::PlanConfig) -> Option<&'a str> {
    config
        .payers
        .iter()
        .find(|p| p.payer_id == plan.payer_id)
        .map(|p| p.key.as_str())
}

/// The months to reconcile: `--from`/`--to` when given; otherwise from the month of the earliest
/// span start to the month of the latest span end, where an open span runs to the run date's month.
pub fn month_range(
    spans: &[crate::reconcile::RosterSpan],
    from: Option<ServiceMonth>,
    to: Option<ServiceMonth>,
    run_date: NaiveDate,
) -> Option<MonthRange> {
    let first = spans.iter().map(|s| s.start).min();
    let last = spans
        .iter()
        .map(|s| s.end.unwrap_or(run_date).max(s.start))
        .max();
    let from = from.or_else(|| first.map(ServiceMonth::of))?;
    let to = to.or_else(|| last.map(ServiceMonth::of))?;
    (from <= to).then_some(MonthRange { from, to })
}

fn contracts_in_force(contracts: &[crate::config::Contract], months: MonthRange) -> Vec<String> {
    let range = crate::codeset::Effective {
        effective_from: months.from.first_day(),
        effective_to: Some(months.to.last_day()),
    };
    let mut ids: Vec<String> = contracts
        .iter()
        .filter(|c| c.effective().overlaps(&range))
        .map(|c| c.id.clone())
        .collect();
    ids.sort();
    ids
}

/// Roster findings first, then encounter files, then payment files, each by row.
fn sort_findings(findings: &mut [Finding], req: &ReconcileRequest) {
    let mut rank: HashMap<String, usize> = HashMap::new();
    rank.insert(req.roster.display().to_string(), 0);
    for (i, p) in req.encounters.iter().chain(req.payments).enumerate() {
        rank.entry(p.display().to_string()).or_insert(i + 1);
    }
    findings.sort_by_key(|f| {
        (
            rank.get(&f.file).copied().unwrap_or(usize::MAX),
            f.row,
            f.rule.id,
        )
    });
}

fn count_findings(findings: &[Finding]) -> FindingCounts {
    let mut c = FindingCounts::default();
    for f in findings {
        match f.rule.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
        }
        *c.by_rule.entry(f.rule.id).or_default() += 1;
    }
    c
}
