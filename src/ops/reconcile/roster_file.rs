//! Reading the roster file (CSV or XLSX) into enrollment spans; a row that cannot be a span
//! becomes a finding with its rule id, row and field.

use super::fields::RowChecker;
use crate::config::Contract;
use crate::digest::FnvHashMap;
use crate::input::{InputError, Table};
use crate::reconcile::{MonthRange, RosterSpan, roster};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Columns a roster must have.
pub const REQUIRED: [&str; 4] = ["member_id", "provider_npi", "ecm_start", "ecm_end"];
/// Columns a roster may have.
pub const OPTIONAL: [&str; 3] = ["tier", "population_of_focus", "other_programs"];

/// What reading the roster gave.
#[derive(Debug, Default)]
pub struct RosterRead {
    pub spans: Vec<RosterSpan>,
    pub counts: RosterCounts,
    pub findings: Vec<Finding>,
    pub unknown_columns: Vec<String>,
}

/// Row counts of the roster file.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RosterCounts {
    pub file: String,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub spans: u64,
}

/// Reads every roster row; rows with an error finding are left out of the spans.
pub fn read_roster(path: &Path) -> Result<RosterRead, InputError> {
    let mut t = Table::open(path, &["roster"])?;
    t.require(&REQUIRED)?;
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
    let width = t.columns.len();
    let file = t.name.clone();
    let mut tiers: FnvHashMap<String, Arc<str>> = FnvHashMap::default();
    while let Some(rec) = t.next_record() {
        let rec = rec?;
        out.counts.rows_read += 1;
        let mut c = RowChecker::new(&file, &rec);
        if c.field_count(width) {
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

/// The one shared copy of a tier name: a roster has a handful of tiers and many rows.
fn intern(tiers: &mut FnvHashMap<String, Arc<str>>, tier: String) -> Arc<str> {
    tiers
        .entry(tier)
        .or_insert_with_key(|t| Arc::from(t.as_str()))
        .clone()
}

/// Warnings about spans that read well but will not reconcile as the roster probably means:
/// spans of a member that share days (RCN-008), and spans with days in `months` on which no
/// contract of their provider is in force (RCN-009).
pub fn check_spans(
    spans: &[RosterSpan],
    contracts: &[Contract],
    months: MonthRange,
    file: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut sorted: Vec<&RosterSpan> = spans.iter().collect();
    sorted.sort_by(|a, b| {
        a.member_id
            .cmp(&b.member_id)
            .then_with(|| roster::span_order(a, b))
    });
    for mine in sorted.chunk_by(|a, b| a.member_id == b.member_id) {
        for (a, b) in roster::overlaps(mine) {
            let (first, later) = if a.row <= b.row { (a, b) } else { (b, a) };
            let same = if a.provider_npi == b.provider_npi {
                "with the same provider"
            } else {
                "with different providers"
            };
            out.push(Finding {
                rule: &rules::RCN_OVERLAPPING_SPANS,
                file: file.to_string(),
                row: later.row,
                encounter_id: None,
                field: Some("ecm_start".into()),
                message: format!(
                    "this span shares days with the span at row {} of the same member ({same})",
                    first.row
                ),
            });
        }
    }
    let (lo, hi) = (months.from.first_day(), months.to.last_day());
    for s in spans {
        let a = s.start.max(lo);
        let b = s.end_or_max().min(hi);
        if a > b {
            continue;
        }
        let mut theirs: Vec<&Contract> = contracts
            .iter()
            .filter(|c| c.provider_npi == s.provider_npi)
            .collect();
        theirs.sort_by_key(|c| c.effective_from);
        if let Some(day) = first_uncovered(&theirs, a, b) {
            out.push(Finding {
                rule: &rules::RCN_NO_CONTRACT,
                file: file.to_string(),
                row: s.row,
                encounter_id: None,
                field: Some("provider_npi".into()),
                message: format!(
                    "no [[contract]] for provider {} is in force on {day} (and possibly later days of the span)",
                    s.provider_npi
                ),
            });
        }
    }
    out.sort_by_key(|f| (f.row, f.rule.id));
    out
}

/// The first day of `a..=b` no contract covers (contracts sorted by start).
fn first_uncovered(contracts: &[&Contract], a: NaiveDate, b: NaiveDate) -> Option<NaiveDate> {
    let mut day = a;
    for c in contracts {
        if c.effective_from > day {
            break;
        }
        match c.effective_to {
            None => return None,
            Some(t) if t >= day => match t.succ_opt() {
                Some(next) => day = next,
                None => return None,
            },
            Some(_) => {}
        }
        if day > b {
            return None;
        }
    }
    (day <= b).then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        p
    }

    #[test]
    fn bad_rows_become_findings_with_rule_ids() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "roster.csv",
            "member_id,provider_npi,ecm_start,ecm_end,tier\n\
             M1,1234567893,2025-01-01,,high\n\
             M2,1234567890,2025-01-01,,\n\
             M3,1234567893,2025-02-30,,\n\
             M4,1234567893,2025-03-01,2025-02-01,\n\
             ,1234567893,2025-03-01,,\n\
             M6,1234567893,2025-03-01\n",
        );
        let r = read_roster(&p).unwrap();
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.spans[0].tier.as_deref(), Some("high"));
        let got: Vec<(u32, &str)> = r.findings.iter().map(|f| (f.row, f.rule.id)).collect();
        assert_eq!(
            got,
            vec![
                (3, "RCN-003"),
                (4, "RCN-002"),
                (5, "RCN-004"),
                (6, "RCN-001"),
                (7, "RCN-005")
            ]
        );
        assert_eq!((r.counts.rows_read, r.counts.rows_rejected), (6, 5));
    }

    #[test]
    fn uncovered_days_are_found() {
        use crate::reconcile::expectation::tests::contract;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let a = contract("a", "2025-01-01", Some("2025-06-30"));
        let b = contract("b", "2025-07-01", None);
        assert_eq!(
            first_uncovered(&[&a, &b], d("2025-01-01"), d("2026-12-31")),
            None
        );
        assert_eq!(
            first_uncovered(&[&a], d("2025-03-01"), d("2025-12-31")),
            Some(d("2025-07-01"))
        );
        assert_eq!(
            first_uncovered(&[&b], d("2025-03-01"), d("2025-12-31")),
            Some(d("2025-03-01"))
        );
    }
}
