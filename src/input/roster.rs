//! A plan's ECM roster (CSV or XLSX): one row per enrollment span, `member_id, provider_npi,
//! ecm_start, ecm_end, tier, population_of_focus, other_programs` (design.md). The reader is
//! general: it returns the spans and, separately, each row it could not read with the field and
//! what is wrong, and leaves the rule ids and the decision what to do with bad rows to the
//! command.

use super::{InputError, Table, parse_date};
use crate::digest::FnvHashMap;
use crate::model::{Npi, normalise_key};
use chrono::NaiveDate;
use std::path::Path;

/// Columns a roster must have.
pub const REQUIRED: [&str; 3] = ["member_id", "provider_npi", "ecm_start"];
/// Columns a roster may have.
pub const OPTIONAL: [&str; 4] = ["ecm_end", "tier", "population_of_focus", "other_programs"];

/// One enrollment span: the member is enrolled in ECM with the provider from `start` to `end`
/// (open when `None`), both days included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterSpan {
    pub member_id: String,
    pub provider_npi: Npi,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub tier: Option<String>,
    pub population_of_focus: Option<String>,
    /// Program ids (normalised keys), as listed in `other_programs` separated by `;`.
    pub other_programs: Vec<String>,
    /// The spreadsheet row.
    pub row: u32,
}

impl RosterSpan {
    /// Whether the member is enrolled on `d`.
    pub fn covers(&self, d: NaiveDate) -> bool {
        d >= self.start && self.end.is_none_or(|e| d <= e)
    }
}

/// A roster row that could not be read as a span. Never quotes a value: rows hold member ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterProblem {
    pub row: u32,
    /// The column, or `None` for the row as a whole.
    pub field: Option<&'static str>,
    pub problem: String,
}

/// The roster as read.
#[derive(Debug, Default)]
pub struct Roster {
    /// The file as named.
    pub file: String,
    pub rows_read: u64,
    pub spans: Vec<RosterSpan>,
    pub problems: Vec<RosterProblem>,
    /// Header columns that are not part of the format.
    pub unknown_columns: Vec<String>,
    by_member: FnvHashMap<String, Vec<u32>>,
}

impl Roster {
    /// Every span of a member, in roster order.
    pub fn spans_of<'a>(&'a self, member_id: &str) -> impl Iterator<Item = &'a RosterSpan> + 'a {
        self.by_member
            .get(member_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.spans[i as usize])
    }
}

/// Reads a roster file.
pub fn read_roster(path: &Path) -> Result<Roster, InputError> {
    let mut t = Table::open(path, &["roster"])?;
    t.require(&REQUIRED)?;
    let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
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
    let width = t.columns.len();
    let mut r = Roster {
        file: t.name.clone(),
        unknown_columns: t.unknown_columns(&known),
        ..Roster::default()
    };
    while let Some(rec) = t.next_record() {
        let rec = rec?;
        r.rows_read += 1;
        let mut bad = |field: Option<&'static str>, problem: String| {
            r.problems.push(RosterProblem {
                row: rec.row,
                field,
                problem,
            })
        };
        if rec.fields.len() != width {
            bad(
                None,
                format!(
                    "the row has {} fields but the header has {width}",
                    rec.fields.len()
                ),
            );
            continue;
        }
        let member_id = rec.get(member);
        if member_id.is_empty() {
            bad(Some("member_id"), "member_id is empty".into());
        }
        let provider = match Npi::parse(rec.get(npi)) {
            Ok(n) => Some(n),
            Err(e) => {
                bad(
                    Some("provider_npi"),
                    format!("provider_npi is not an NPI: {e}"),
                );
                None
            }
        };
        let mut date = |c: Option<usize>, field: &'static str, required: bool| {
            let v = rec.get(c);
            if v.is_empty() {
                if required {
                    bad(Some(field), format!("{field} is empty"));
                }
                return None;
            }
            parse_date(v)
                .map_err(|_| {
                    bad(
                        Some(field),
                        format!("{field} '{v}' is not a date (YYYY-MM-DD)"),
                    )
                })
                .ok()
        };
        let start_date = date(start, "ecm_start", true);
        let end_date = date(end, "ecm_end", false);
        let text = |c: Option<usize>| {
            Some(rec.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if let (false, Some(provider_npi), Some(start)) =
            (member_id.is_empty(), provider, start_date)
        {
            if end_date.is_some_and(|e| e < start) {
                r.problems.push(RosterProblem {
                    row: rec.row,
                    field: Some("ecm_end"),
                    problem: "ecm_end is before ecm_start".into(),
                });
                continue;
            }
            if !rec.get(end).is_empty() && end_date.is_none() {
                continue;
            }
            r.by_member
                .entry(member_id.to_string())
                .or_default()
                .push(r.spans.len() as u32);
            r.spans.push(RosterSpan {
                member_id: member_id.to_string(),
                provider_npi,
                start,
                end: end_date,
                tier: text(tier),
                population_of_focus: text(pof),
                other_programs: rec
                    .get(other)
                    .split([';', ','])
                    .map(|p| normalise_key(p).to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
                row: rec.row,
            });
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spans_and_names_every_bad_row() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("roster.csv");
        std::fs::write(
            &p,
            "Member_ID,provider_npi,ecm_start,ecm_end,tier,population_of_focus,other_programs\n\
             M1,1234567893,2025-01-01,,high,adult_homelessness,\n\
             M1,1234567893,2024-01-01,2024-06-30,,,CCS; DMC-ODS\n\
             M2,1234567890,2025-01-01,,,,\n\
             M3,1234567893,2025-02-30,,,,\n\
             M4,1234567893,2025-03-01,2025-02-01,,,\n\
             ,1234567893,2025-03-01,,,,\n\
             M5,1234567893\n",
        )
        .unwrap();
        let r = read_roster(&p).unwrap();
        assert_eq!(r.rows_read, 7);
        assert_eq!(r.spans.len(), 2);
        let m1: Vec<&RosterSpan> = r.spans_of("M1").collect();
        assert_eq!(m1.len(), 2);
        assert_eq!(m1[1].other_programs, vec!["ccs", "dmc_ods"]);
        assert!(m1[0].covers("2030-01-01".parse().unwrap()));
        assert!(!m1[1].covers("2024-07-01".parse().unwrap()));
        assert_eq!(m1[0].tier.as_deref(), Some("high"));
        let problems: Vec<(u32, Option<&str>)> =
            r.problems.iter().map(|p| (p.row, p.field)).collect();
        assert_eq!(
            problems,
            vec![
                (4, Some("provider_npi")),
                (5, Some("ecm_start")),
                (6, Some("ecm_end")),
                (7, Some("member_id")),
                (8, None),
            ]
        );
        assert!(r.spans_of("M9").next().is_none());
    }
}
