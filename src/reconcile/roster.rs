//! The plan's ECM roster: who was enrolled with which provider, from when to when, at what tier.

use crate::model::Npi;
use chrono::NaiveDate;
use std::sync::Arc;

/// One enrollment span: a member assigned to an ECM provider from `start` to `end` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterSpan {
    pub member_id: String,
    pub provider_npi: Npi,
    pub start: NaiveDate,
    /// The last enrolled day; `None` while the enrollment is open.
    pub end: Option<NaiveDate>,
    /// The roster's tier (a key of the contract's `tier_rates`), if any; shared by every span and
    /// row with the same tier.
    pub tier: Option<Arc<str>>,
    pub population_of_focus: Option<String>,
    pub other_programs: Option<String>,
    /// Spreadsheet row number in the roster file (0 for spans built in code).
    pub row: u32,
}

impl RosterSpan {
    /// Whether the member is enrolled on `date` under this span.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|e| date <= e)
    }

    /// The last day, with an open span running to the end of time.
    pub fn end_or_max(&self) -> NaiveDate {
        self.end.unwrap_or(NaiveDate::MAX)
    }
}

/// The order of one member's spans every lookup below expects: by start, then provider, then row.
pub fn span_order(a: &RosterSpan, b: &RosterSpan) -> std::cmp::Ordering {
    (a.start, a.provider_npi, a.row, a.end_or_max()).cmp(&(
        b.start,
        b.provider_npi,
        b.row,
        b.end_or_max(),
    ))
}

/// Orders one member's spans as every lookup below expects (see [`span_order`]).
pub fn sort_spans(spans: &mut [RosterSpan]) {
    spans.sort_by(span_order);
}

/// The span covering `date`, among one member's sorted spans. When spans with different
/// providers overlap, the one that started last wins (the most recent assignment); on the same
/// start, the lowest NPI.
pub fn covering(spans: &[RosterSpan], date: NaiveDate) -> Option<&RosterSpan> {
    let mut found: Option<&RosterSpan> = None;
    for s in spans.iter().take_while(|s| s.start <= date) {
        if s.contains(date) && found.is_none_or(|f| s.start > f.start) {
            found = Some(s);
        }
    }
    found
}

/// The span with `provider` covering `date`, among one member's sorted spans.
pub fn covering_with(spans: &[RosterSpan], provider: Npi, date: NaiveDate) -> Option<&RosterSpan> {
    spans
        .iter()
        .take_while(|s| s.start <= date)
        .filter(|s| s.provider_npi == provider && s.contains(date))
        .last()
}

/// The first span starting after `date` (optionally with one provider only).
pub fn next_after(
    spans: &[RosterSpan],
    date: NaiveDate,
    provider: Option<Npi>,
) -> Option<&RosterSpan> {
    spans
        .iter()
        .find(|s| s.start > date && provider.is_none_or(|p| s.provider_npi == p))
}

/// Pairs of rows (earlier, later) of one member's spans, sorted by [`span_order`], that share at
/// least one day.
pub fn overlaps<'a>(spans: &[&'a RosterSpan]) -> Vec<(&'a RosterSpan, &'a RosterSpan)> {
    let mut out = Vec::new();
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if b.start > a.end_or_max() {
                break;
            }
            out.push((*a, *b));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn npi_a() -> Npi {
        Npi::parse("1234567893").unwrap()
    }

    pub(crate) fn npi_b() -> Npi {
        Npi::parse("1987654328").unwrap()
    }

    pub(crate) fn span(member: &str, npi: Npi, start: &str, end: Option<&str>) -> RosterSpan {
        RosterSpan {
            member_id: member.into(),
            provider_npi: npi,
            start: d(start),
            end: end.map(d),
            tier: None,
            population_of_focus: None,
            other_programs: None,
            row: 0,
        }
    }

    #[test]
    fn finds_the_covering_and_the_next_span() {
        // M1 with provider A Jan-Mar, then provider B from Jun 15 (open).
        let mut s = vec![
            span("M1", npi_b(), "2025-06-15", None),
            span("M1", npi_a(), "2025-01-01", Some("2025-03-31")),
        ];
        sort_spans(&mut s);
        assert_eq!(covering(&s, d("2025-02-10")).unwrap().provider_npi, npi_a());
        assert!(covering(&s, d("2025-04-01")).is_none());
        assert_eq!(covering(&s, d("2026-01-01")).unwrap().provider_npi, npi_b());
        assert_eq!(
            next_after(&s, d("2025-04-01"), None).unwrap().provider_npi,
            npi_b()
        );
        assert!(next_after(&s, d("2025-04-01"), Some(npi_a())).is_none());
        assert!(covering_with(&s, npi_b(), d("2025-02-10")).is_none());
        assert!(overlaps(&s.iter().collect::<Vec<_>>()).is_empty());
    }

    #[test]
    fn overlapping_spans_go_to_the_later_assignment() {
        // A from Jan 1 (open), B from Mar 1 to Mar 31: in March, B (started later) is covering.
        let mut s = vec![
            span("M1", npi_a(), "2025-01-01", None),
            span("M1", npi_b(), "2025-03-01", Some("2025-03-31")),
        ];
        sort_spans(&mut s);
        assert_eq!(covering(&s, d("2025-03-10")).unwrap().provider_npi, npi_b());
        assert_eq!(covering(&s, d("2025-04-10")).unwrap().provider_npi, npi_a());
        assert_eq!(overlaps(&s.iter().collect::<Vec<_>>()).len(), 1);
    }
}
