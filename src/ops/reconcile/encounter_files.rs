//! Encounter files for reconciliation, any mix of encounter CSV/XLSX (through the shared intake
//! and coding) and 837P files (through the 837 reader, one fact per service line), each reduced to
//! an [`EncounterFact`].

use super::ReconcileError;
use super::table_corrections::{HeldFacts, TableCorrectionCounts};
use crate::codeset::CodeSet;
use crate::coding::code_line;
use crate::digest::{FingerprintSet, FnvHashMap, fingerprint};
use crate::encounters::{EncounterTables, IntakeContext, RowOutcome, SheetChoice};
use crate::input::InputError;
use crate::model::{ClaimFrequency, Npi, RowRef};
use crate::reconcile::{EncounterFact, EncounterKind};
use crate::rules::{self, Finding};
use crate::x12::read::Reader837;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Row counts of the encounter files.
#[derive(Debug, Default, Clone, Serialize)]
pub struct EncounterFileCounts {
    pub files: Vec<String>,
    pub rows_read: u64,
    /// Rows refused by the intake checks or by coding (listed in rejects.csv).
    pub rows_rejected: u64,
    /// Accepted rows billed to another configured plan (their `payer` is not the reconciling
    /// plan's): left out of the reconciliation.
    pub rows_other_plan: u64,
    /// Header columns not part of the format, per file: reported, then ignored.
    pub unknown_columns: Vec<(String, String)>,
    /// The 837 files among them, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x12: Option<Claim837Counts>,
    /// What the correcting rows of the tables did, when a table has the correction columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrections: Option<TableCorrectionCounts>,
}

/// What the 837 encounter files held.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Claim837Counts {
    pub files: Vec<String>,
    /// Service lines read (2400 loops).
    pub lines_read: u64,
    /// Lines that became encounters.
    pub lines_used: u64,
    /// Lines of claims to another payer than the `[plan]`'s payer_id (2010BB): left out.
    pub lines_other_plan: u64,
    /// Lines of replacement claims (CLM05-3 = 7), which take the place of the lines of the claim
    /// they correct (REF*F8, else their CLM01), read earlier.
    pub lines_replacing: u64,
    /// Lines of void claims (CLM05-3 = 8), which take away the lines of the claim they void.
    pub lines_voided: u64,
    /// Earlier lines taken away by a replacement or void.
    pub lines_withdrawn: u64,
    /// Lines whose code and modifiers are no ECM combination of the code set on their date.
    pub lines_not_ecm: u64,
    /// Lines of an encounter (member id and encounter id) already read from an encounter table or
    /// an earlier 837 line still in force: counted once, as first read (RCN-019).
    pub lines_repeated: u64,
}

/// The roster as an X12 file: the message to show; `None` when it is a table.
pub fn unsupported(path: &Path) -> Option<String> {
    crate::x12::read::looks_like_x12(path)
        .unwrap_or(false)
        .then(|| {
            format!(
                "{}: this is an X12 file, but the roster is a CSV or XLSX table (member_id, provider_npi, ecm_start, ecm_end, ...)",
                path.display()
            )
        })
}

/// Reads the encounter files, handing each accepted and coded encounter to `on_fact` and every
/// finding (rejected rows, warnings) to `on_finding`. Tables come first, in order, then the 837
/// files (those `is_x12` marks), in order. When `plan_payer` names the reconciling plan's payer
/// key, table rows billed to any other payer are counted and left out; 837 lines count only when
/// their claim's payer (2010BB) is `plan_payer_id`.
#[allow(clippy::too_many_arguments)]
pub fn read_encounter_facts(
    paths: &[PathBuf],
    is_x12: &[bool],
    ctx: &IntakeContext,
    plan_payer: Option<&str>,
    plan_payer_id: &str,
    mut on_fact: impl FnMut(EncounterFact),
    mut on_finding: impl FnMut(Finding),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<EncounterFileCounts, ReconcileError> {
    // Table files by their place in `paths`, so facts and findings name the right file.
    let tables: Vec<(u16, PathBuf)> = paths
        .iter()
        .enumerate()
        .filter(|(i, _)| !is_x12.get(*i).copied().unwrap_or(false))
        .map(|(i, p)| (u16::try_from(i).unwrap_or(u16::MAX), p.clone()))
        .collect();
    let table_paths: Vec<PathBuf> = tables.iter().map(|t| t.1.clone()).collect();
    // With 837 files in the mix, the tables' encounters are remembered (member id, encounter id)
    // so the same encounter in an 837 is counted once.
    let any_x12 = is_x12.contains(&true);
    let mut table_keys = FingerprintSet::default();
    let mut counts = if table_paths.is_empty() {
        EncounterFileCounts::default()
    } else {
        read_table_facts(
            &table_paths,
            ctx,
            plan_payer,
            |mut fact| {
                fact.source.file = tables
                    .get(fact.source.file as usize)
                    .map_or(u16::MAX, |t| t.0);
                if any_x12 {
                    table_keys.insert(encounter_key(&fact.member_id, &fact.encounter_id));
                }
                on_fact(fact)
            },
            &mut on_finding,
            progress,
        )?
    };
    counts.files = paths.iter().map(|p| p.display().to_string()).collect();
    if any_x12 {
        counts.x12 = Some(read_837_facts(
            paths,
            is_x12,
            ctx.codeset,
            plan_payer_id,
            &table_keys,
            on_fact,
            on_finding,
        )?);
    }
    Ok(counts)
}

/// Reads 837P files: every service line of a claim to the plan becomes an encounter of the
/// subscriber's member id (2010BA NM109) on its DTP*472 date with its SV101 code and modifiers,
/// identified by its REF*6R, else CLM01 and the LX number (`CLM01-LX`); the billing provider
/// (2010AA) names the ECM provider. A replacement or void claim takes away the lines read before
/// of the claim it corrects (REF*F8, else its own CLM01, which our writer keeps), and a
/// replacement's lines stand in their place; so the facts are handed on once every file is read.
/// A line of an encounter (member id, encounter id) in `table_keys` or among the lines in force
/// is counted once: the repeat is left out with an RCN-019 warning.
fn read_837_facts(
    paths: &[PathBuf],
    is_x12: &[bool],
    codeset: &CodeSet,
    plan_payer_id: &str,
    table_keys: &FingerprintSet,
    on_fact: impl FnMut(EncounterFact),
    mut on_finding: impl FnMut(Finding),
) -> Result<Claim837Counts, ReconcileError> {
    let mut c = Claim837Counts::default();
    // The facts in reading order (`None` once withdrawn), and each claim's, by CLM01.
    let mut facts: Vec<Option<EncounterFact>> = Vec::new();
    let mut by_claim: FnvHashMap<String, Vec<usize>> = FnvHashMap::default();
    // The encounters of the 837 lines in force (`encounter_key`).
    let mut in_force = FingerprintSet::default();
    for (i, path) in paths.iter().enumerate() {
        if !is_x12.get(i).copied().unwrap_or(false) {
            continue;
        }
        c.files.push(path.display().to_string());
        let file = u16::try_from(i).unwrap_or(u16::MAX);
        // One transaction set at a time, so memory holds the facts, not the files.
        let mut reader = Reader837::open(path)?;
        while let Some((_, _, t)) = reader.next_transaction().map_err(|e| e.in_file(path))? {
            let provider = Npi::parse(&t.billing_provider.npi).ok();
            for s in &t.subscribers {
                let claims = s
                    .claims
                    .iter()
                    .chain(s.patients.iter().flat_map(|p| &p.claims));
                for claim in claims {
                    let key = claim
                        .original_reference
                        .clone()
                        .unwrap_or_else(|| claim.claim_id.clone());
                    if claim.frequency != ClaimFrequency::Original && s.payer_id == plan_payer_id {
                        for at in by_claim.remove(&key).unwrap_or_default() {
                            if let Some(gone) = facts[at].take() {
                                in_force
                                    .remove(&encounter_key(&gone.member_id, &gone.encounter_id));
                                c.lines_withdrawn += 1;
                                c.lines_used -= 1;
                            }
                        }
                    }
                    for (n, line) in claim.lines.iter().enumerate() {
                        c.lines_read += 1;
                        if s.payer_id != plan_payer_id {
                            c.lines_other_plan += 1;
                            continue;
                        }
                        if claim.frequency == ClaimFrequency::Void {
                            c.lines_voided += 1;
                            continue;
                        }
                        if claim.frequency == ClaimFrequency::Replacement {
                            c.lines_replacing += 1;
                        }
                        let Some(kind) = EncounterKind::of_line(
                            codeset,
                            line.hcpcs,
                            line.modifiers,
                            line.service_date,
                        ) else {
                            c.lines_not_ecm += 1;
                            continue;
                        };
                        let encounter_id = line
                            .control_number
                            .clone()
                            .unwrap_or_else(|| format!("{}-{}", claim.claim_id, n + 1));
                        let ekey = encounter_key(&s.member_id, &encounter_id);
                        let earlier = if table_keys.contains(&ekey) {
                            Some("an encounter table")
                        } else {
                            in_force.contains(&ekey).then_some("an earlier 837 line")
                        };
                        if let Some(earlier) = earlier {
                            c.lines_repeated += 1;
                            on_finding(Finding {
                                rule: &rules::RCN_REPEATED_ENCOUNTER,
                                file: path.display().to_string(),
                                row: 0,
                                encounter_id: Some(encounter_id),
                                field: Some("REF*6R".into()),
                                message: format!(
                                    "claim {} line {} ({} on {}) repeats an encounter already read from {earlier}; counted once",
                                    claim.claim_id,
                                    n + 1,
                                    line.hcpcs,
                                    line.service_date
                                ),
                            });
                            continue;
                        }
                        c.lines_used += 1;
                        in_force.insert(ekey);
                        by_claim.entry(key.clone()).or_default().push(facts.len());
                        facts.push(Some(EncounterFact {
                            encounter_id: encounter_id.into(),
                            member_id: s.member_id.as_str().into(),
                            date: line.service_date,
                            kind,
                            hcpcs: line.hcpcs,
                            modifiers: line.modifiers,
                            charge: Some(line.charge),
                            provider_npi: provider,
                            source: RowRef { file, row: 0 },
                        }));
                    }
                }
            }
        }
    }
    facts.into_iter().flatten().for_each(on_fact);
    Ok(c)
}

/// What identifies an encounter given twice (in a table and an 837, or in two 837s): its member
/// id and encounter id, as a fingerprint, so no key strings are kept or made per line.
fn encounter_key(member_id: &str, encounter_id: &str) -> u128 {
    fingerprint((member_id, encounter_id))
}

/// Reads encounter tables, handing each accepted and coded encounter to `on_fact` in input order,
/// and every finding (rejected rows, warnings) to `on_finding`. When `plan_payer` names the
/// reconciling plan's payer key, rows billed to any other payer are counted and left out. A
/// correcting row (replace or void) takes back the earlier row of its member it names
/// ([`HeldFacts`]): when some table's header has `replaces_encounter_id`, the facts are held
/// until every table is read; otherwise no row can correct another and they go on as read.
fn read_table_facts(
    paths: &[PathBuf],
    ctx: &IntakeContext,
    plan_payer: Option<&str>,
    mut on_fact: impl FnMut(EncounterFact),
    mut on_finding: impl FnMut(Finding),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<EncounterFileCounts, InputError> {
    let mut coding_rejects = 0u64;
    let mut other_plan = 0u64;
    let tables = EncounterTables::open(paths, SheetChoice::One)?;
    let mut held = tables
        .may_hold_corrections()
        .then(|| HeldFacts::new(tables.names()));
    let report = tables.read(
        ctx,
        |o: RowOutcome| {
            for f in o.findings {
                on_finding(f);
            }
            let Some(e) = o.encounter else {
                return;
            };
            if plan_payer.is_some_and(|p| p != e.payer) {
                other_plan += 1;
                return;
            }
            match code_line(e, ctx.codeset) {
                Ok(code) => {
                    let correction = e.correction.take();
                    let charge = ctx
                        .config
                        .payer(&e.payer)
                        .and_then(|p| crate::coding::line_charge(e, p, &code))
                        .or(e.charge);
                    let fact = EncounterFact {
                        charge,
                        kind: EncounterKind::of_class(code.row.activity_class),
                        date: e.service_date,
                        hcpcs: code.row.hcpcs,
                        modifiers: code.modifiers,
                        provider_npi: None,
                        source: e.source,
                        encounter_id: std::mem::take(&mut e.encounter_id),
                        member_id: std::mem::take(&mut e.member.member_id),
                    };
                    match held.as_mut() {
                        Some(h) => h.add(fact, correction),
                        None => on_fact(fact),
                    }
                }
                Err(nb) => {
                    coding_rejects += 1;
                    on_finding(
                        nb.finding(
                            paths
                                .get(o.source.file as usize)
                                .map(|p| p.display().to_string())
                                .unwrap_or_default(),
                            o.source.row,
                            &e.encounter_id,
                        ),
                    )
                }
            }
        },
        progress,
    )?;
    let corrections = held.map(|h| h.finish(&mut on_fact, &mut on_finding));
    Ok(EncounterFileCounts {
        files: report.files,
        rows_read: report.rows_read,
        rows_rejected: report.rows_rejected + coding_rejects,
        rows_other_plan: other_plan,
        unknown_columns: report.unknown_columns,
        x12: None,
        corrections,
    })
}
