//! The roster as reconcile reads it (rows through the shared reader, `crate::input::roster`),
//! and the warnings about spans that only the contracts can give.

use crate::codeset::CodeSet;
use crate::config::Contract;
use crate::input::InputError;
use crate::input::roster::EndColumn;
pub use crate::input::roster::{RosterCounts, RosterRead};
use crate::reconcile::{MonthRange, RosterSpan, roster};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use std::path::Path;

/// Reads the roster as reconcile needs it: the shared reader, with the `ecm_end` column
/// required (an open span is written as one, with the field empty), and `other_programs`
/// checked against the code set's programs.
pub fn read_roster(path: &Path, codeset: &CodeSet) -> Result<RosterRead, InputError> {
    crate::input::roster::read_roster(path, EndColumn::Required, &codeset.program_ids())
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
