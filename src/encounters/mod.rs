//! Reading encounter files (CSV or XLSX, several at once) into checked [`Encounter`]s. `map`,
//! `claims` and `invoice` all read through [`read_encounters`], so a row is judged the same way
//! whatever the output.

mod columns;
mod row;

pub use crate::input::FieldTransliteration;
pub use columns::{CORRECTION, Columns, OPTIONAL, REQUIRED};
pub use row::{ECM_START, ParsedRow, RowContext, TRANSLITERATION_COLUMNS, parse_row};

use crate::codeset::CodeSet;
use crate::config::Config;
use crate::digest::{Fingerprint, FnvHashMap};
use crate::fp_table::FpTable;
use crate::input::{InputError, Record, RecordBatch, Table, estimate_rows};
use crate::model::{Encounter, RowRef, Sex};
use crate::pipeline::{Recycler, ordered_parallel};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// What reading the files found besides the encounters themselves.
#[derive(Debug, Default, Serialize)]
pub struct IntakeReport {
    /// The files, in the order given (a [`RowRef::file`] indexes this).
    pub files: Vec<String>,
    /// Data rows read (blank lines are not rows).
    pub rows_read: u64,
    /// Rows with at least one error finding.
    pub rows_rejected: u64,
    /// Header columns that are not part of the format, per file: reported, then ignored.
    pub unknown_columns: Vec<(String, String)>,
    /// Workbook sheets with no encounter columns (a cover page), not read: (file, sheet).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_sheets: Vec<(String, String)>,
}

/// Transliterations counted over a run: how many fields and rows, and each distinct change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TransliterationTally {
    pub fields_changed: u64,
    pub rows_changed: u64,
    /// Each distinct change (`ñ->n`) with how many times it was made.
    pub by_change: std::collections::BTreeMap<String, u64>,
    /// How many fields of each column were changed.
    pub by_field: std::collections::BTreeMap<&'static str, u64>,
}

impl TransliterationTally {
    /// Counts one row's transliterations.
    pub fn add(&mut self, fields: &[FieldTransliteration]) {
        if fields.is_empty() {
            return;
        }
        self.rows_changed += 1;
        for f in fields {
            self.fields_changed += 1;
            *self.by_field.entry(f.field).or_default() += 1;
            for c in &f.changes {
                // The key is made only for a change not met before.
                let mut key = compact_str::CompactString::default();
                // Writing to a CompactString cannot fail.
                let _ = c.write_to(&mut key);
                match self.by_change.get_mut(key.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        self.by_change.insert(key.into_string(), 1);
                    }
                }
            }
        }
    }
}

/// The run-wide facts rows are checked against.
pub struct IntakeContext<'a> {
    pub codeset: &'a CodeSet,
    pub config: &'a Config,
    pub as_of: NaiveDate,
}

/// Who a member is, as the first row for their id said (names compared case-insensitively).
struct Identity {
    last_name: Box<str>,
    first_name: Box<str>,
    dob: NaiveDate,
    sex: Sex,
    first_seen: RowRef,
}

/// One input row after every check: the encounter when it passed, and every finding either way
/// (a row with an error finding has no encounter). The encounter is lent, not moved: a row is
/// several hundred bytes, and copying it from hand to hand was a quarter of the thread that runs
/// the checks across rows; take what you keep out of it.
#[derive(Debug)]
pub struct RowOutcome<'a> {
    pub source: RowRef,
    pub encounter: Option<&'a mut Encounter>,
    pub findings: Vec<Finding>,
    /// Accented letters spelled in ASCII, field by field (reported whether or not the row passed).
    pub transliterations: Vec<FieldTransliteration>,
    /// The same as lines of `transliterations.csv` ([`ParsedRow::transliteration_rows`]).
    pub transliteration_rows: Vec<u8>,
}

/// Which sheets of a workbook are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetChoice {
    /// Every sheet whose header has the encounter columns, each as its own table.
    All,
    /// One sheet per workbook: a workbook with several sheets of encounters is refused, naming
    /// them, rather than reading one and leaving the others out.
    One,
}

/// The encounter tables of a run's input files, opened and their headers checked: one per CSV,
/// one per sheet of encounters in a workbook (other sheets, such as a cover page, are skipped).
pub struct EncounterTables {
    tables: Vec<(Table, Columns)>,
    /// For each table, the index in `paths` of the file it is from.
    path_of: Vec<usize>,
    /// The input files, in the order given, and their names as the user gave them.
    paths: Vec<PathBuf>,
    inputs: Vec<String>,
    /// Sheets of a workbook that have no encounter column at all (a cover or notes sheet): not
    /// read, and said so. (file, sheet)
    skipped_sheets: Vec<(String, String)>,
}

impl EncounterTables {
    /// Opens every file and finds its encounter tables. A file that cannot be read, a header
    /// missing a required column (a workbook sheet that names some encounter columns but not all
    /// of them included) or, with [`SheetChoice::One`], a workbook of several encounter sheets
    /// stops the run.
    pub fn open(paths: &[PathBuf], choice: SheetChoice) -> Result<EncounterTables, InputError> {
        let mut out = EncounterTables {
            tables: Vec::with_capacity(paths.len()),
            path_of: Vec::with_capacity(paths.len()),
            paths: paths.to_vec(),
            inputs: paths.iter().map(|p| p.display().to_string()).collect(),
            skipped_sheets: Vec::new(),
        };
        for (pi, (p, name)) in paths.iter().zip(&out.inputs).enumerate() {
            let mut sheets = Table::open_sheets(p)?;
            if sheets.len() == 1 {
                let t = sheets.pop().expect("one").table;
                let cols = Columns::locate(&t)?;
                out.tables.push((t, cols));
                out.path_of.push(pi);
                continue;
            }
            // (sheet name, table, columns) of each sheet of encounters.
            let mut found: Vec<(String, Table, Columns)> = Vec::new();
            let mut first_error = None;
            for s in sheets {
                match Columns::locate(&s.table) {
                    Ok(cols) => found.push((s.sheet.unwrap_or_default(), s.table, cols)),
                    // A sheet naming some required columns is meant as encounters: its header
                    // is wrong, and reading the other sheets without it would lose its rows.
                    Err(e) if REQUIRED.iter().any(|c| s.table.column(c).is_some()) => {
                        return Err(e);
                    }
                    Err(e) => {
                        let preferred = s.sheet.as_deref().is_some_and(|n| {
                            ["encounters", "encounter"]
                                .iter()
                                .any(|w| n.eq_ignore_ascii_case(w))
                        });
                        if preferred || first_error.is_none() {
                            first_error = Some(e);
                        }
                        out.skipped_sheets
                            .push((name.clone(), s.sheet.unwrap_or_default()));
                    }
                }
            }
            match found.len() {
                0 => {
                    out.skipped_sheets.retain(|(f, _)| f != name);
                    return Err(first_error.expect("a workbook of several sheets"));
                }
                1 => {
                    // One sheet of encounters: its rows are the file's, named by the file alone.
                    let (_, mut t, cols) = found.pop().expect("one");
                    t.name = name.clone();
                    out.tables.push((t, cols));
                    out.path_of.push(pi);
                }
                _ if choice == SheetChoice::One => {
                    let names: Vec<String> = found
                        .iter()
                        .map(|(sheet, _, _)| format!("'{sheet}'"))
                        .collect();
                    return Err(InputError::SeveralSheets {
                        file: name.clone(),
                        sheets: names.join(", "),
                    });
                }
                _ => {
                    out.path_of.extend(std::iter::repeat_n(pi, found.len()));
                    out.tables
                        .extend(found.into_iter().map(|(_, t, cols)| (t, cols)));
                }
            }
        }
        if out.tables.len() > u16::MAX as usize {
            return Err(InputError::Unreadable {
                file: out.inputs[0].clone(),
                reason: "too many input files and sheets in one run (at most 65,535)".into(),
            });
        }
        Ok(out)
    }

    /// Each table's name, by the index a [`RowRef::file`] gives: the file, or `file[sheet]`
    /// when its workbook has several sheets of encounters.
    pub fn names(&self) -> Vec<String> {
        self.tables.iter().map(|(t, _)| t.name.clone()).collect()
    }

    /// Whether some table's header has `replaces_encounter_id`, so that a row may correct
    /// another (a correcting row without it is refused, ENC-035).
    pub fn may_hold_corrections(&self) -> bool {
        self.tables
            .iter()
            .any(|(_, c)| c.replaces_encounter_id.is_some())
    }

    /// Workbook sheets that hold no encounter columns and were not read: (file, sheet).
    pub fn skipped_sheets(&self) -> &[(String, String)] {
        &self.skipped_sheets
    }

    /// Checks every row of every table and hands each row's outcome to `on_row` in input order.
    /// `progress` is told (bytes done, bytes total) now and then. A record that cannot be read
    /// stops the run: nothing should be billed from a half-read input.
    pub fn read(
        self,
        ctx: &IntakeContext,
        mut on_row: impl FnMut(RowOutcome<'_>),
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<IntakeReport, InputError> {
        let mut report = IntakeReport {
            files: self.names(),
            skipped_sheets: self.skipped_sheets.clone(),
            ..IntakeReport::default()
        };
        let estimate = estimate_rows(&self.paths);
        let (tables, path_of, inputs) = (self.tables, self.path_of, self.inputs);
        // Data rows read per input file: one with a header and no row stops the run, as an empty one
        // does, rather than "succeed" having billed nothing.
        let mut rows_of_file = vec![0u64; inputs.len()];
        for (t, _) in &tables {
            for u in t.unknown_columns(&Columns::all_names()) {
                report.unknown_columns.push((t.name.clone(), u));
            }
        }
        let total: u64 = tables.iter().map(|(t, _)| t.size).sum();
        let mut done_before = 0u64;
        // Encounter ids by fingerprint (no copy of the id kept), with the row that used each first.
        let mut seen_ids: FpTable<RowRef> = FpTable::default();
        seen_ids.reserve(estimate);
        // Per payer (by configuration index): member id -> identity.
        let mut members: Vec<FnvHashMap<Box<str>, Identity>> = (0..ctx.config.payers.len())
            .map(|_| FnvHashMap::default())
            .collect();
        let mut unconfigured_payers: FnvHashMap<Box<str>, usize> = FnvHashMap::default();

        for (file_index, (mut table, cols)) in tables.into_iter().enumerate() {
            let file_name = table.name.clone();
            let row_ctx = RowContext {
                codeset: ctx.codeset,
                config: ctx.config,
                as_of: ctx.as_of,
                file_index: file_index as u16,
                file: &file_name,
                workbook: table.workbook,
            };
            // Checking a row on its own (parse_row) is pure and most of the cost: worker threads
            // do it, a batch each, while another reads the records and this one runs the
            // cross-row checks (duplicates, member identity) and hands rows on in file order.
            let (cols_ref, ctx_ref) = (&cols, &row_ctx);
            // Checked records go back to the reader and emptied row batches to the workers, to be
            // filled again.
            let (spend, spent) = std::sync::mpsc::channel::<Vec<Record>>();
            let emptied: Recycler<(u32, ParsedRow)> = Recycler::new();
            ordered_parallel(
                table.batches(BATCH_ROWS, spent),
                crate::pipeline::workers(),
                2,
                |batch: Result<RecordBatch, InputError>| {
                    batch.map(|b| {
                        let mut rows = emptied.take(BATCH_ROWS);
                        rows.extend(
                            b.records
                                .iter()
                                .map(|rec| (rec.row, parse_row(rec, cols_ref, ctx_ref))),
                        );
                        (
                            ParsedBatch {
                                rows,
                                position: b.position,
                            },
                            b.records,
                        )
                    })
                },
                |batch: Batch| -> Result<(), InputError> {
                    let (mut batch, records) = batch?;
                    // The reader may have finished; then the records are freed here.
                    let _ = spend.send(records);
                    progress(done_before + batch.position, total);
                    rows_of_file[path_of[file_index]] += batch.rows.len() as u64;
                    for at in 0..batch.rows.len() {
                        // The id table's slot for a row a few ahead is fetched while this one
                        // is checked: in a table of a million ids each lookup waits on memory.
                        if let Some(key) =
                            batch.rows.get(at + PREFETCH_AHEAD).and_then(|r| r.1.id_key)
                        {
                            seen_ids.prefetch(key);
                        }
                        let (row, parsed) = &mut batch.rows[at];
                        let row = *row;
                        report.rows_read += 1;
                        accept_row(
                            row,
                            parsed,
                            &mut Crossing {
                                file_index: file_index as u16,
                                file_name: &file_name,
                                files: &report.files,
                                config: ctx.config,
                                seen_ids: &mut seen_ids,
                                members: &mut members,
                                unconfigured_payers: &mut unconfigured_payers,
                                rows_rejected: &mut report.rows_rejected,
                            },
                            &mut on_row,
                        );
                    }
                    emptied.give(batch.rows);
                    Ok(())
                },
            )?;
            done_before += table.size;
            progress(done_before, total);
            let pi = path_of[file_index];
            let last_of_file = path_of.get(file_index + 1) != Some(&pi);
            if last_of_file && rows_of_file[pi] == 0 {
                return Err(InputError::NoDataRows {
                    file: inputs[pi].clone(),
                });
            }
        }
        Ok(report)
    }
}

/// Reads every file, checks every row, and hands each row's outcome to `on_row` in input order,
/// one sheet per workbook ([`SheetChoice::One`]); a [`RowRef::file`] is the file's index in
/// `paths`. `progress` is told (bytes done, bytes total) now and then. A file that cannot be read
/// as a table stops the run: nothing should be billed from a half-read input.
pub fn read_encounters(
    paths: &[PathBuf],
    ctx: &IntakeContext,
    on_row: impl FnMut(RowOutcome<'_>),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<IntakeReport, InputError> {
    EncounterTables::open(paths, SheetChoice::One)?.read(ctx, on_row, progress)
}

/// Rows parsed on a worker thread, in file order, and how far into the file they reach, with
/// the records they were read from (to be filled again).
type Batch = Result<(ParsedBatch, Vec<Record>), InputError>;

struct ParsedBatch {
    rows: Vec<(u32, ParsedRow)>,
    position: u64,
}

/// Rows per batch handed between the threads.
const BATCH_ROWS: usize = 512;
/// How many rows ahead of the one being checked the id table's slot is fetched.
const PREFETCH_AHEAD: usize = 8;

/// What the cross-row checks remember across rows of every file.
struct Crossing<'a> {
    file_index: u16,
    file_name: &'a str,
    files: &'a [String],
    config: &'a Config,
    seen_ids: &'a mut FpTable<RowRef>,
    /// Per payer: configured payers by their index, then payers a plan-side configuration does
    /// not list (see `unconfigured_payers`).
    members: &'a mut Vec<FnvHashMap<Box<str>, Identity>>,
    unconfigured_payers: &'a mut FnvHashMap<Box<str>, usize>,
    rows_rejected: &'a mut u64,
}

/// The checks that need other rows (duplicate encounter id, one identity per member), then the
/// row goes to `on_row`.
fn accept_row(
    row: u32,
    parsed: &mut ParsedRow,
    x: &mut Crossing,
    on_row: &mut impl FnMut(RowOutcome<'_>),
) {
    let mut findings = std::mem::take(&mut parsed.findings);
    let mut accepted = parsed.encounter.as_mut();
    if let Some(e) = &accepted {
        let id_key = parsed
            .id_key
            .unwrap_or_else(|| Fingerprint::of(e.encounter_id.as_str()));
        let mut cross = |rule, field: &str, message: String| {
            findings.push(Finding {
                rule,
                file: x.file_name.to_string(),
                row,
                encounter_id: Some(e.encounter_id.to_string()),
                field: Some(field.to_string()),
                message,
            })
        };
        if let Some(first) = x.seen_ids.get(id_key) {
            cross(
                &rules::DUPLICATE_ENCOUNTER,
                "encounter_id",
                format!(
                    "encounter_id {} was already used at {} row {}",
                    e.encounter_id, x.files[first.file as usize], first.row
                ),
            );
        } else {
            // A plan-side configuration has no [[payer]]: the row keeps its payer as written, and
            // each new one gets its own member table.
            let payer = match x.config.payer_index(&e.payer) {
                Some(i) => i,
                None => *x
                    .unconfigured_payers
                    .entry(e.payer.as_str().into())
                    .or_insert_with(|| {
                        x.members.push(FnvHashMap::default());
                        x.members.len() - 1
                    }),
            };
            match x.members[payer].get(e.member.member_id.as_str()) {
                Some(prev) if !same_person(prev, &e.member) => {
                    let differ = differing_details(prev, &e.member);
                    cross(
                        &rules::MEMBER_MISMATCH,
                        "member_id",
                        format!(
                            "{} differ{} from {} row {} for the same member_id and payer",
                            differ.join(", "),
                            if differ.len() == 1 { "s" } else { "" },
                            x.files[prev.first_seen.file as usize],
                            prev.first_seen.row
                        ),
                    )
                }
                Some(_) => {}
                None => {
                    x.members[payer].insert(
                        e.member.member_id.as_str().into(),
                        Identity {
                            last_name: e.member.last_name.as_str().into(),
                            first_name: e.member.first_name.as_str().into(),
                            dob: e.member.dob,
                            sex: e.member.sex,
                            first_seen: e.source,
                        },
                    );
                }
            }
        }
        if findings.iter().any(Finding::is_error) {
            accepted = None;
        } else {
            x.seen_ids.insert(id_key, e.source);
        }
    }
    if findings.iter().any(Finding::is_error) {
        *x.rows_rejected += 1;
    }
    on_row(RowOutcome {
        source: RowRef {
            file: x.file_index,
            row,
        },
        encounter: accepted,
        findings,
        transliterations: std::mem::take(&mut parsed.transliterations),
        transliteration_rows: std::mem::take(&mut parsed.transliteration_rows),
    });
}

/// [`differing_details`] is empty: asked of every row of a member seen before, so it compares
/// without building the list.
fn same_person(a: &Identity, m: &crate::model::Member) -> bool {
    a.dob == m.dob
        && a.sex == m.sex
        && a.last_name.eq_ignore_ascii_case(&m.last_name)
        && a.first_name.eq_ignore_ascii_case(&m.first_name)
}

/// Which of the member's details differ from the first row seen, by column name only: the
/// message names the columns to compare, never the values (personal data stays out of it).
fn differing_details(a: &Identity, m: &crate::model::Member) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !a.last_name.eq_ignore_ascii_case(&m.last_name) {
        out.push("member_last_name");
    }
    if !a.first_name.eq_ignore_ascii_case(&m.first_name) {
        out.push("member_first_name");
    }
    if a.dob != m.dob {
        out.push("member_dob");
    }
    if a.sex != m.sex {
        out.push("member_sex");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where only one sheet per workbook is read (reconcile's encounter tables), a workbook with
    /// two sheets of encounters is refused, naming both, instead of one being dropped.
    #[test]
    fn one_sheet_readers_refuse_a_workbook_of_several_encounter_sheets() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("two.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        for name in ["Sep", "Oct"] {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            for (c, h) in REQUIRED.iter().enumerate() {
                ws.write_string(0, c as u16, *h).unwrap();
            }
        }
        wb.save(&path).unwrap();
        let Err(e) = EncounterTables::open(std::slice::from_ref(&path), SheetChoice::One) else {
            panic!("read one sheet of two");
        };
        let m = e.to_string();
        assert!(
            m.contains("the sheets 'Sep', 'Oct' all have the encounter header"),
            "{m}"
        );
        let all = EncounterTables::open(std::slice::from_ref(&path), SheetChoice::All).unwrap();
        let p = path.display();
        assert_eq!(all.names(), vec![format!("{p}[Sep]"), format!("{p}[Oct]")]);
    }
}
