//! Encounters as reconciliation sees them: who, when, whether a qualifying service or an outreach
//! attempt, and (when the source says) which provider. Encounter CSV (through intake and coding)
//! and 837 files both reduce to an [`EncounterFact`]; the roster then attributes it to a provider.

use super::roster::{RosterSpan, covering, covering_with, next_after};
use crate::codeset::CodeSet;
use crate::model::{ActivityClass, Hcpcs, Modifiers, Money, Npi, RowRef, Text};
use chrono::NaiveDate;

/// What an ECM encounter line is for reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EncounterKind {
    /// A core service to an enrolled member (U1/U2 lines): qualifies a month under `engaged`.
    Service,
    /// An outreach attempt (U8 lines): paid per attempt, under the cap.
    Outreach,
}

impl EncounterKind {
    /// The kind of a coded activity class.
    pub fn of_class(class: ActivityClass) -> EncounterKind {
        match class {
            ActivityClass::Enrolled => EncounterKind::Service,
            ActivityClass::Outreach => EncounterKind::Outreach,
        }
    }

    /// The kind of a billed line (for 837 input): the ECM code-set row its code and modifiers
    /// match on `date`, or `None` when the line is not an ECM line.
    pub fn of_line(
        codeset: &CodeSet,
        hcpcs: Hcpcs,
        modifiers: Modifiers,
        date: NaiveDate,
    ) -> Option<EncounterKind> {
        codeset
            .is_ecm_combination(hcpcs, modifiers, date)
            .map(|row| EncounterKind::of_class(row.activity_class))
    }

    /// `service` or `outreach`.
    pub fn key(self) -> &'static str {
        match self {
            EncounterKind::Service => "service",
            EncounterKind::Outreach => "outreach",
        }
    }
}

/// One ECM encounter, from whatever source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterFact {
    pub encounter_id: Text,
    pub member_id: Text,
    pub date: NaiveDate,
    pub kind: EncounterKind,
    /// The line's code and modifiers (slot order), which an 835 line is matched on.
    pub hcpcs: Hcpcs,
    pub modifiers: Modifiers,
    /// The line's charge, when known (an 837's SV102; a table row's coded charge): it tells apart
    /// the lines an 835 pays without their modifiers.
    pub charge: Option<Money>,
    /// The ECM provider, when the source names it (an 837's billing provider). `None` for
    /// encounter CSV: the roster decides.
    pub provider_npi: Option<Npi>,
    /// File (index into the run's encounter files) and row or segment position.
    pub source: RowRef,
}

/// Where an encounter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// A service inside an enrollment span with `provider`: it counts toward that month's engagement.
    Service { provider: Npi },
    /// An outreach attempt for `provider`. `before_enrollment` when it is dated outside every
    /// span with the provider and before a later one starts.
    Outreach {
        provider: Npi,
        before_enrollment: bool,
    },
    /// Not attributable; the encounter is reported (RCN-014) and otherwise ignored.
    Unattributed(Unattributed),
}

/// Why an encounter could not be attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unattributed {
    /// No roster span has this member_id.
    MemberNotInRoster,
    /// A service dated outside every enrollment span of the member (with the named provider,
    /// when the source names one).
    ServiceOutsideSpans,
    /// An outreach attempt dated after the member's last span ended, with no provider named.
    OutreachAfterSpans,
}

impl Unattributed {
    /// A sentence for the finding.
    pub fn describe(self) -> &'static str {
        match self {
            Unattributed::MemberNotInRoster => "the member_id is not in the roster",
            Unattributed::ServiceOutsideSpans => {
                "the service date is outside every enrollment span of the member"
            }
            Unattributed::OutreachAfterSpans => {
                "the outreach attempt is dated after the member's last enrollment span, and no later span names a provider"
            }
        }
    }
}

/// Attributes an encounter using the member's sorted roster spans.
///
/// - a service belongs to the provider of the span covering its date (the named provider's span
///   when the source names one); outside every span it is unattributed;
/// - an outreach attempt belongs to the named provider, else to the provider of the span covering
///   its date, else to the provider of the member's next span (outreach before enrollment);
///   after the last span, with no provider named, it is unattributed.
///
/// When spans of two providers cover the same day, the span that started last wins.
pub fn attribute(spans: &[RosterSpan], fact: &EncounterFact) -> Attribution {
    let date = fact.date;
    match (fact.kind, fact.provider_npi) {
        (EncounterKind::Service, Some(p)) => match covering_with(spans, p, date) {
            Some(_) => Attribution::Service { provider: p },
            None if spans.is_empty() => Attribution::Unattributed(Unattributed::MemberNotInRoster),
            None => Attribution::Unattributed(Unattributed::ServiceOutsideSpans),
        },
        (EncounterKind::Service, None) => match covering(spans, date) {
            Some(s) => Attribution::Service {
                provider: s.provider_npi,
            },
            None if spans.is_empty() => Attribution::Unattributed(Unattributed::MemberNotInRoster),
            None => Attribution::Unattributed(Unattributed::ServiceOutsideSpans),
        },
        (EncounterKind::Outreach, Some(p)) => Attribution::Outreach {
            provider: p,
            before_enrollment: covering_with(spans, p, date).is_none()
                && next_after(spans, date, Some(p)).is_some(),
        },
        (EncounterKind::Outreach, None) => {
            if let Some(s) = covering(spans, date) {
                Attribution::Outreach {
                    provider: s.provider_npi,
                    before_enrollment: false,
                }
            } else if let Some(s) = next_after(spans, date, None) {
                Attribution::Outreach {
                    provider: s.provider_npi,
                    before_enrollment: true,
                }
            } else if spans.is_empty() {
                Attribution::Unattributed(Unattributed::MemberNotInRoster)
            } else {
                Attribution::Unattributed(Unattributed::OutreachAfterSpans)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::roster::sort_spans;
    use super::super::roster::tests::{d, npi_a, npi_b, span};
    use super::*;

    fn fact(kind: EncounterKind, date: &str, npi: Option<Npi>) -> EncounterFact {
        EncounterFact {
            encounter_id: "E1".into(),
            member_id: "M1".into(),
            date: d(date),
            kind,
            hcpcs: Hcpcs::parse("G9008").unwrap(),
            modifiers: Modifiers::EMPTY,
            charge: None,
            provider_npi: npi,
            source: RowRef { file: 0, row: 2 },
        }
    }

    #[test]
    fn encounters_go_to_the_span_that_covers_them_or_the_next_one() {
        // A: Feb-Apr; B: from Jul 1.
        let mut s = vec![
            span("M1", npi_a(), "2025-02-01", Some("2025-04-30")),
            span("M1", npi_b(), "2025-07-01", None),
        ];
        sort_spans(&mut s);
        use EncounterKind::*;
        assert_eq!(
            attribute(&s, &fact(Service, "2025-03-03", None)),
            Attribution::Service { provider: npi_a() }
        );
        assert_eq!(
            attribute(&s, &fact(Service, "2025-05-03", None)),
            Attribution::Unattributed(Unattributed::ServiceOutsideSpans)
        );
        // Outreach in January goes to A (next span), in May to B (next span), in March to A.
        assert_eq!(
            attribute(&s, &fact(Outreach, "2025-01-20", None)),
            Attribution::Outreach {
                provider: npi_a(),
                before_enrollment: true
            }
        );
        assert_eq!(
            attribute(&s, &fact(Outreach, "2025-05-20", None)),
            Attribution::Outreach {
                provider: npi_b(),
                before_enrollment: true
            }
        );
        assert_eq!(
            attribute(&s, &fact(Outreach, "2025-03-20", None)),
            Attribution::Outreach {
                provider: npi_a(),
                before_enrollment: false
            }
        );
        // A named provider is believed for outreach, checked against its spans for services.
        assert_eq!(
            attribute(&s, &fact(Service, "2025-03-03", Some(npi_b()))),
            Attribution::Unattributed(Unattributed::ServiceOutsideSpans)
        );
        assert_eq!(
            attribute(&s, &fact(Outreach, "2025-05-20", Some(npi_b()))),
            Attribution::Outreach {
                provider: npi_b(),
                before_enrollment: true
            }
        );
        assert_eq!(
            attribute(&[], &fact(Outreach, "2025-05-20", None)),
            Attribution::Unattributed(Unattributed::MemberNotInRoster)
        );
    }
}
