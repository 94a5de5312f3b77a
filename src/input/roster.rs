//! A plan's ECM roster (CSV or XLSX): one row per enrollment span, `member_id, provider_npi,
//! ecm_start, ecm_end, tier, population_of_focus, other_programs` (design.md). The one reader
//! of roster rows, for `ecm ingest` and `ecm reconcile` alike: a row that cannot be a span
//! becomes a finding with its rule id (RCN-001..007), row, field and fix, and is left out of the
//! spans. What to do with refused rows is the command's call. A program in `other_programs`
//! that the code set does not know is a warning (RCN-021), and the span is kept.

use super::{InputError, RowChecker, Table};
use crate::digest::FnvHashMap;
use crate::model::normalise_key;
use crate::reconcile::RosterSpan;
use crate::rules::{self, Finding};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Columns every roster must have.
pub const REQUIRED: [&str; 3] = ["member_id", "provider_npi", "ecm_start"];
/// Columns a roster may have (`ecm_end` is required when the command says so).
pub const OPTIONAL: [&str; 4] = ["ecm_end", "tier", "population_of_focus", "other_programs"];

/// Whether the header must name `ecm_end`. Either way an empty `ecm_end` is an open span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndColumn {
    /// `ecm reconcile`: the column must be there, so an open span is written as one.
    Required,
    /// `ecm ingest`: a roster without the column holds open spans only.
    Optional,
}

/// What reading the roster gave.
#[derive(Debug, Default)]
pub struct RosterRead {
    pub spans: Vec<RosterSpan>,
    pub counts: RosterCounts,
    /// Every row's findings, errors (the row is not a span) and warnings, in row order.
    pub findings: Vec<Finding>,
    /// Header columns that are not part of the format.
    pub unknown_columns: Vec<String>,
}

/// Row counts of the roster file.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RosterCounts {
    /// The file as named.
    pub file: String,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub spans: u64,
}

impl RosterRead {
    /// The first `shown` error findings, one per indented line (`file row N field F: RCN-...
    /// Fix: ...`), then how many more rows were refused: the text that stops a run.
    pub fn first_errors(&self, shown: usize) -> String {
        let errors: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.is_error())
            .take(shown)
            .map(|f| format!("\n  {}", f.describe_as("member")))
            .collect();
        let more = self
            .counts
            .rows_rejected
            .saturating_sub(errors.len() as u64);
        let mut out = errors.concat();
        if more > 0 {
            out.push_str(&format!("\n  ... and {more} more"));
        }
        out
    }
}

/// Reads every roster row; rows with an error finding are left out of the spans. `programs` are
/// the program ids `other_programs` may list (the code set's, [`CodeSet::program_ids`]): another
/// id is a warning (RCN-021), since ecm ingest cannot judge the program against ECM (ING-027).
///
/// [`CodeSet::program_ids`]: crate::codeset::CodeSet::program_ids
pub fn read_roster(
    path: &Path,
    end_column: EndColumn,
    programs: &[&str],
) -> Result<RosterRead, InputError> {
    let mut t = Table::open(path, &["roster"])?;
    match end_column {
        EndColumn::Required => t.require(&["member_id", "provider_npi", "ecm_start", "ecm_end"])?,
        EndColumn::Optional => t.require(&REQUIRED)?,
    }
    let col = |n: &str| t.column(n);
    let (member, npi, start, end) = (
        col("member_id"),
        col("provider_npi"),
        col("ecm_start"),
        col("ecm_end"),
    );
    let (tier, pof, other) = (
        col("tier"),
        col("population_of_focus"),
        col("other_programs"),
    );
    let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
    let mut out = RosterRead {
        unknown_columns: t.unknown_columns(&known),
        counts: RosterCounts {
            file: t.name.clone(),
            ..RosterCounts::default()
        },
        ..RosterRead::default()
    };
    let header = t.columns.clone();
    let file = t.name.clone();
    let workbook = t.workbook;
    let mut tiers: FnvHashMap<String, Arc<str>> = FnvHashMap::default();
    while let Some(rec) = t.next_record() {
        let rec = rec?;
        out.counts.rows_read += 1;
        let mut c = RowChecker::new(&file, &rec, workbook);
        if c.field_count(&header) {
            let member_id = c.required_identifier(member, "member_id");
            let provider = c.npi(npi, "provider_npi");
            let start_date = c.required_date(start, "ecm_start");
            let end_date = c.optional_date(end, "ecm_end");
            if let (Some(s), Some(Some(e))) = (start_date, end_date)
                && e < s
            {
                c.find(
                    &rules::RCN_END_BEFORE_START,
                    Some("ecm_end"),
                    format!("ecm_end {e} is before ecm_start {s}"),
                );
            }
            let tier = c.optional_identifier(tier, "tier");
            let pof = c.optional_identifier(pof, "population_of_focus");
            let other = c.text(other);
            unknown_programs(&mut c, other.as_deref(), programs);
            if !c.has_error()
                && let (Some(member_id), Some(provider_npi), Some(start), Some(end)) =
                    (member_id, provider, start_date, end_date)
            {
                out.spans.push(RosterSpan {
                    member_id,
                    provider_npi,
                    start,
                    end,
                    tier: tier.flatten().map(|t| intern(&mut tiers, t)),
                    population_of_focus: pof.flatten(),
                    other_programs: other,
                    row: rec.row,
                });
            }
        }
        if c.has_error() {
            out.counts.rows_rejected += 1;
        }
        out.findings.extend(c.into_findings());
    }
    out.counts.spans = out.spans.len() as u64;
    Ok(out)
}

/// Warns (RCN-021) of each id in `other_programs` that is not one of `known`, naming it as
/// written and listing the known ids: a typo would otherwise leave the program unchecked.
fn unknown_programs(c: &mut RowChecker, other_programs: Option<&str>, known: &[&str]) {
    for written in other_programs.unwrap_or_default().split([';', ',']) {
        let id = normalise_key(written);
        if id.is_empty() || known.contains(&id.as_str()) {
            continue;
        }
        let shown: String = written.trim().chars().take(40).collect();
        c.find(
            &rules::RCN_UNKNOWN_PROGRAM,
            Some("other_programs"),
            format!(
                "other_programs lists '{shown}', which is not a program id of the code set (duplicative-programs.toml), so it is not checked against ECM; the ids are: {}",
                known.join(", ")
            ),
        );
    }
}

/// The one shared copy of a tier name: a roster has a handful of tiers and many rows.
fn intern(tiers: &mut FnvHashMap<String, Arc<str>>, tier: String) -> Arc<str> {
    tiers
        .entry(tier)
        .or_insert_with_key(|t| Arc::from(t.as_str()))
        .clone()
}

/// The program ids (normalised keys, as `codesets/duplicative-programs.toml` spells them) an
/// `other_programs` field lists, separated by `;` (or `,`).
pub fn program_ids(other_programs: Option<&str>) -> Vec<String> {
    other_programs
        .unwrap_or_default()
        .split([';', ','])
        .map(|p| normalise_key(p).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A roster indexed by member, for checking lines one at a time: each member's spans in roster
/// order, with the programs each lists.
#[derive(Debug, Default)]
pub struct Roster {
    pub counts: RosterCounts,
    pub spans: Vec<RosterSpan>,
    /// Per span: [`program_ids`] of its `other_programs`.
    programs: Vec<Vec<String>>,
    by_member: FnvHashMap<String, Vec<u32>>,
}

impl Roster {
    /// Indexes the spans read.
    pub fn new(read: RosterRead) -> Roster {
        let mut by_member: FnvHashMap<String, Vec<u32>> = FnvHashMap::default();
        for (i, s) in read.spans.iter().enumerate() {
            by_member
                .entry(s.member_id.clone())
                .or_default()
                .push(i as u32);
        }
        Roster {
            programs: read
                .spans
                .iter()
                .map(|s| program_ids(s.other_programs.as_deref()))
                .collect(),
            counts: read.counts,
            spans: read.spans,
            by_member,
        }
    }

    /// Every span of a member, in roster order, with the programs it lists.
    pub fn spans_of<'a>(
        &'a self,
        member_id: &str,
    ) -> impl Iterator<Item = (&'a RosterSpan, &'a [String])> + 'a {
        self.by_member
            .get(member_id)
            .into_iter()
            .flatten()
            .map(|&i| {
                (
                    &self.spans[i as usize],
                    self.programs[i as usize].as_slice(),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("roster.csv");
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    /// The program ids the tests' code set knows.
    const PROGRAMS: &[&str] = &["ccs", "dmc_ods", "mssp"];

    #[test]
    fn bad_rows_become_findings_with_rule_ids() {
        let (_d, p) = roster(
            "Member_ID,provider_npi,ecm_start,ecm_end,tier,population_of_focus,other_programs\n\
             M1,1234567893,2025-01-01,,high,adult_homelessness,\n\
             M1,1234567893,2024-01-01,2024-06-30,,,CCS; DMC-ODS\n\
             M2,1234567890,2025-01-01,,,,\n\
             M3,1234567893,2025-02-30,,,,\n\
             M3,1234567893,2025/02/03,,,,\n\
             M4,1234567893,2025-03-01,2025-02-01,,,\n\
             ,1234567893,2025-03-01,,,,\n\
             M5,1234567893\n",
        );
        let r = read_roster(&p, EndColumn::Required, PROGRAMS).unwrap();
        assert_eq!(r.spans.len(), 2);
        assert_eq!(r.spans[0].tier.as_deref(), Some("high"));
        let got: Vec<(u32, &str, Option<&str>)> = r
            .findings
            .iter()
            .map(|f| (f.row, f.rule.id, f.field.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, "RCN-003", Some("provider_npi")),
                (5, "RCN-002", Some("ecm_start")),
                (6, "RCN-002", Some("ecm_start")),
                (7, "RCN-004", Some("ecm_end")),
                (8, "RCN-001", Some("member_id")),
                // The short row names the first column it lacks.
                (9, "RCN-005", Some("ecm_start")),
            ]
        );
        assert!(
            r.findings[1]
                .message
                .ends_with("is not a real calendar day")
        );
        assert!(r.findings[2].message.ends_with("(or M/D/YYYY) form"));
        assert_eq!((r.counts.rows_read, r.counts.rows_rejected), (8, 6));
        let first = r.first_errors(2);
        assert!(first.contains("roster.csv row 4 field provider_npi: RCN-003 "));
        assert!(first.ends_with("\n  ... and 4 more"), "{first}");

        let r = Roster::new(r);
        let m1: Vec<_> = r.spans_of("M1").collect();
        assert_eq!(m1.len(), 2);
        assert_eq!(m1[1].1, ["ccs", "dmc_ods"]);
        assert!(m1[0].0.contains("2030-01-01".parse().unwrap()));
        assert!(!m1[1].0.contains("2024-07-01".parse().unwrap()));
        assert!(r.spans_of("M9").next().is_none());
    }

    /// A program id the code set does not know (`msp` for `mssp`) is a warning naming it and
    /// the known ids; the span is kept, and the ids it lists stay as written.
    #[test]
    fn an_unknown_program_is_a_warning_and_the_span_is_kept() {
        let (_d, p) = roster(
            "member_id,provider_npi,ecm_start,ecm_end,other_programs\n\
             M1,1234567893,2025-01-01,,\"CCS; msp ;DMC-ODS;\"\n",
        );
        let r = read_roster(&p, EndColumn::Required, PROGRAMS).unwrap();
        assert_eq!((r.spans.len(), r.counts.rows_rejected), (1, 0));
        let got: Vec<(u32, &str, Option<&str>)> = r
            .findings
            .iter()
            .map(|f| (f.row, f.rule.id, f.field.as_deref()))
            .collect();
        assert_eq!(got, vec![(2, "RCN-021", Some("other_programs"))]);
        assert_eq!(
            r.findings[0].message,
            "other_programs lists 'msp', which is not a program id of the code set (duplicative-programs.toml), so it is not checked against ECM; the ids are: ccs, dmc_ods, mssp"
        );
        assert_eq!(
            program_ids(r.spans[0].other_programs.as_deref()),
            ["ccs", "msp", "dmc_ods"]
        );
    }

    #[test]
    fn ecm_end_is_required_only_when_asked() {
        let (_d, p) = roster("member_id,provider_npi,ecm_start\nM1,1234567893,2025-01-01\n");
        let r = read_roster(&p, EndColumn::Optional, PROGRAMS).unwrap();
        assert_eq!((r.spans.len(), r.spans[0].end), (1, None));
        let e = read_roster(&p, EndColumn::Required, PROGRAMS).unwrap_err();
        assert!(e.to_string().contains("ecm_end"), "{e}");
    }
}
