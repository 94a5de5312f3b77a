//! Encounter files for reconciliation: encounter CSV/XLSX through the shared intake and coding,
//! each accepted row reduced to an [`EncounterFact`]. 837 files will reduce to the same facts
//! once the 837 reader exists (see [`unsupported`]).

use crate::coding::code_line;
use crate::encounters::{IntakeContext, RowOutcome, read_encounters};
use crate::input::InputError;
use crate::reconcile::{EncounterFact, EncounterKind};
use crate::rules::Finding;
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
}

/// The file extensions that name X12 files, which this build cannot read yet.
const X12_EXTENSIONS: [&str; 4] = ["837", "835", "x12", "edi"];

/// An input that names an X12 file, with the message to show; `None` when it is a table.
pub fn unsupported(path: &Path) -> Option<String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    X12_EXTENSIONS.contains(&ext.as_str()).then(|| {
        format!(
            "{}: X12 (.{ext}) input is not yet supported by reconcile; this build has no 837/835 reader. Give encounter CSV/XLSX and the payments CSV for now",
            path.display()
        )
    })
}

/// Reads encounter tables, handing each accepted and coded encounter to `on_fact` in input order,
/// and every finding (rejected rows, warnings) to `on_finding`. When `plan_payer` names the
/// reconciling plan's payer key, rows billed to any other payer are counted and left out.
pub fn read_encounter_facts(
    paths: &[PathBuf],
    ctx: &IntakeContext,
    plan_payer: Option<&str>,
    mut on_fact: impl FnMut(EncounterFact),
    mut on_finding: impl FnMut(Finding),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<EncounterFileCounts, InputError> {
    let mut coding_rejects = 0u64;
    let mut other_plan = 0u64;
    let report = read_encounters(
        paths,
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
            match code_line(&e, ctx.codeset) {
                Ok(code) => on_fact(EncounterFact {
                    kind: EncounterKind::of_class(code.row.activity_class),
                    date: e.service_date,
                    hcpcs: code.row.hcpcs,
                    modifiers: code.modifiers,
                    provider_npi: None,
                    source: e.source,
                    encounter_id: e.encounter_id,
                    member_id: e.member.member_id,
                }),
                Err(nb) => {
                    coding_rejects += 1;
                    on_finding(Finding {
                        rule: nb.rule,
                        file: paths
                            .get(o.source.file as usize)
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                        row: o.source.row,
                        encounter_id: Some(e.encounter_id),
                        field: nb.field.map(str::to_string),
                        message: nb.message,
                    })
                }
            }
        },
        progress,
    )?;
    Ok(EncounterFileCounts {
        files: report.files,
        rows_read: report.rows_read,
        rows_rejected: report.rows_rejected + coding_rejects,
        rows_other_plan: other_plan,
        unknown_columns: report.unknown_columns,
    })
}
