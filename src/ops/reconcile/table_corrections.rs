//! Corrections in encounter tables, as reconcile applies them: a row with `correction` =
//! `replace` or `void` names (`replaces_encounter_id`) an encounter of the same member read
//! earlier, in this or an earlier table. A replacement takes the place of what it corrects and a
//! void takes it away, as replacement and void 837 claims do (`read_837_facts`), so a corrected
//! service is counted once, in the month of its last version, and a voided one not at all.
//!
//! The facts are held here until every table is read, then handed on; only runs whose tables
//! can hold corrections (a header with `replaces_encounter_id`) pay for that.

use crate::digest::{FingerprintMap, fingerprint};
use crate::model::{ClaimFrequency, Correction, RowRef};
use crate::reconcile::EncounterFact;
use crate::rules::{self, Finding};
use serde::Serialize;

/// What the corrections in the encounter tables did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct TableCorrectionCounts {
    /// Replacement rows (`correction` = replace), counted in place of what they correct.
    pub rows_replacing: u64,
    /// Void rows (`correction` = void), never counted themselves.
    pub rows_voiding: u64,
    /// Earlier rows (originals or earlier replacements) taken away by a replacement or void.
    pub rows_withdrawn: u64,
    /// Corrections that found nothing of their member's to correct (RCN-020): a replacement then
    /// counts on its own, a void takes nothing away.
    pub rows_unmatched: u64,
}

/// One encounter and its corrections: every encounter id of the chain (the original's and each
/// replacement's) leads here, so a correction naming any of them reaches the version in force.
struct Chain {
    /// The member's fingerprint: a correction reaches only the encounters of its own member.
    member: u128,
    /// The row that started the chain.
    first: RowRef,
    /// The fact in force (index into `HeldFacts::facts`), `None` once voided.
    at: Option<u32>,
    /// The void that took it away.
    voided_by: Option<RowRef>,
}

/// Encounter-table facts held until every table is read, with the corrections applied.
pub struct HeldFacts {
    /// The tables' names, by the index a fact's `source.file` gives.
    names: Vec<String>,
    /// The facts in reading order; `None` once withdrawn.
    facts: Vec<Option<EncounterFact>>,
    chains: Vec<Chain>,
    /// Encounter id (fingerprint) -> its chain.
    by_id: FingerprintMap<u32>,
    counts: TableCorrectionCounts,
    findings: Vec<Finding>,
}

impl HeldFacts {
    /// Holds the facts of the tables named `names`.
    pub fn new(names: Vec<String>) -> HeldFacts {
        HeldFacts {
            names,
            facts: Vec::new(),
            chains: Vec::new(),
            by_id: FingerprintMap::default(),
            counts: TableCorrectionCounts::default(),
            findings: Vec::new(),
        }
    }

    fn name(&self, r: RowRef) -> &str {
        self.names.get(r.file as usize).map_or("", |n| n.as_str())
    }

    /// Adds one accepted row's fact, applying its correction when it has one.
    pub fn add(&mut self, fact: EncounterFact, correction: Option<Correction>) {
        let member = fingerprint(&*fact.member_id);
        let Some(c) = correction else {
            self.start_chain(fact, member);
            return;
        };
        let void = c.frequency == ClaimFrequency::Void;
        if void {
            self.counts.rows_voiding += 1;
        } else {
            self.counts.rows_replacing += 1;
        }
        let found = self.by_id.get(&fingerprint(c.replaces.as_str())).copied();
        let problem = match found {
            None => format!(
                "replaces_encounter_id {} is not the encounter_id of an earlier accepted row of this member",
                c.replaces
            ),
            Some(i) => {
                let ch = &self.chains[i as usize];
                if ch.member != member {
                    format!(
                        "replaces_encounter_id {} is the encounter at {} row {}, which is for another member",
                        c.replaces,
                        self.name(ch.first),
                        ch.first.row
                    )
                } else if let Some(by) = ch.voided_by {
                    format!(
                        "encounter {} was already voided at {} row {}",
                        c.replaces,
                        self.name(by),
                        by.row
                    )
                } else {
                    self.correct(i, fact, void);
                    return;
                }
            }
        };
        self.counts.rows_unmatched += 1;
        let what = if void {
            "void takes nothing away".to_string()
        } else {
            format!(
                "replacement ({} on {}) counts on its own",
                fact.kind.key(),
                fact.date
            )
        };
        self.findings.push(Finding {
            rule: &rules::RCN_CORRECTION_WITHOUT_ORIGINAL,
            file: self.name(fact.source).to_string(),
            row: fact.source.row,
            encounter_id: Some(fact.encounter_id.to_string()),
            field: Some("replaces_encounter_id".into()),
            message: format!("{problem}, so this {what}"),
        });
        if !void {
            self.start_chain(fact, member);
        }
    }

    /// Applies a correction to the chain `i`, whose fact is in force: a replacement takes its
    /// place (and its id joins the chain), a void takes it away.
    fn correct(&mut self, i: u32, fact: EncounterFact, void: bool) {
        let ch = &mut self.chains[i as usize];
        if let Some(at) = ch.at.take()
            && self.facts[at as usize].take().is_some()
        {
            self.counts.rows_withdrawn += 1;
        }
        if void {
            ch.voided_by = Some(fact.source);
        } else {
            ch.at = Some(self.facts.len() as u32);
            self.by_id.insert(fingerprint(&*fact.encounter_id), i);
            self.facts.push(Some(fact));
        }
    }

    fn start_chain(&mut self, fact: EncounterFact, member: u128) {
        let chain = self.chains.len() as u32;
        self.by_id.insert(fingerprint(&*fact.encounter_id), chain);
        self.chains.push(Chain {
            member,
            first: fact.source,
            at: Some(self.facts.len() as u32),
            voided_by: None,
        });
        self.facts.push(Some(fact));
    }

    /// Hands on the facts in force, in reading order, and the findings; returns the counts.
    pub fn finish(
        self,
        mut on_fact: impl FnMut(EncounterFact),
        mut on_finding: impl FnMut(Finding),
    ) -> TableCorrectionCounts {
        self.facts.into_iter().flatten().for_each(&mut on_fact);
        self.findings.into_iter().for_each(&mut on_finding);
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hcpcs, Modifiers};
    use crate::reconcile::EncounterKind;
    use chrono::NaiveDate;

    fn fact(id: &str, member: &str, date: &str, row: u32) -> EncounterFact {
        EncounterFact {
            encounter_id: id.into(),
            member_id: member.into(),
            date: date.parse::<NaiveDate>().unwrap(),
            kind: EncounterKind::Service,
            hcpcs: Hcpcs::parse("G9008").unwrap(),
            modifiers: Modifiers::parse("U1").unwrap(),
            charge: None,
            provider_npi: None,
            source: RowRef { file: 0, row },
        }
    }

    fn fix(kind: ClaimFrequency, replaces: &str) -> Option<Correction> {
        Some(Correction {
            frequency: kind,
            replaces: replaces.into(),
            original_claim_id: None,
        })
    }

    fn run(
        rows: Vec<(EncounterFact, Option<Correction>)>,
    ) -> (Vec<String>, Vec<String>, TableCorrectionCounts) {
        let mut h = HeldFacts::new(vec!["enc.csv".into()]);
        for (f, c) in rows {
            h.add(f, c);
        }
        let (mut kept, mut found) = (Vec::new(), Vec::new());
        let counts = h.finish(
            |f| kept.push(format!("{} {}", f.encounter_id, f.date)),
            |f| found.push(format!("row {}: {}", f.row, f.message)),
        );
        (kept, found, counts)
    }

    /// A void takes its original away, a replacement stands in its place (in its own month),
    /// and a second replacement naming the original reaches the first replacement.
    #[test]
    fn replacements_take_the_place_of_what_they_correct_and_voids_take_it_away() {
        use ClaimFrequency::{Replacement, Void};
        let (kept, found, c) = run(vec![
            (fact("X1", "M1", "2025-01-10", 2), None),
            (fact("X3", "M1", "2025-03-05", 3), None),
            (fact("X5", "M2", "2025-02-03", 4), None),
            (fact("V1", "M1", "2025-01-10", 5), fix(Void, "X1")),
            (fact("R3", "M1", "2025-04-08", 6), fix(Replacement, "X3")),
            (fact("R5", "M2", "2025-02-04", 7), fix(Replacement, "X5")),
            (fact("R5b", "M2", "2025-02-05", 8), fix(Replacement, "X5")),
        ]);
        assert_eq!(kept, ["R3 2025-04-08", "R5b 2025-02-05"]);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            (
                c.rows_replacing,
                c.rows_voiding,
                c.rows_withdrawn,
                c.rows_unmatched
            ),
            (3, 1, 4, 0)
        );
    }

    /// A correction naming nothing in force of its member is reported (RCN-020): a replacement
    /// then counts on its own, a void takes nothing away.
    #[test]
    fn a_correction_that_finds_nothing_is_reported() {
        use ClaimFrequency::{Replacement, Void};
        let (kept, found, c) = run(vec![
            (fact("X1", "M1", "2025-01-10", 2), None),
            (fact("V0", "M1", "2025-01-10", 3), fix(Void, "NOPE")),
            (fact("R1", "M2", "2025-01-11", 4), fix(Replacement, "X1")),
            (fact("V1", "M1", "2025-01-10", 5), fix(Void, "X1")),
            (fact("V1b", "M1", "2025-01-10", 6), fix(Void, "X1")),
        ]);
        assert_eq!(kept, ["R1 2025-01-11"]);
        assert_eq!(
            found,
            [
                "row 3: replaces_encounter_id NOPE is not the encounter_id of an earlier accepted row of this member, so this void takes nothing away",
                "row 4: replaces_encounter_id X1 is the encounter at enc.csv row 2, which is for another member, so this replacement (service on 2025-01-11) counts on its own",
                "row 6: encounter X1 was already voided at enc.csv row 5, so this void takes nothing away",
            ]
        );
        assert_eq!(
            (
                c.rows_replacing,
                c.rows_voiding,
                c.rows_withdrawn,
                c.rows_unmatched
            ),
            (1, 3, 1, 3)
        );
    }
}
