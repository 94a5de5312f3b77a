//! Replacement and void claims: the rows correcting one original claim (named by its CLM01)
//! become one claim with that same CLM01, CLM05-3 = 7 (replace) or 8 (void) and REF*F8 naming
//! the original. A replacement replaces the whole original claim, so every line that should
//! stay on it is sent again, each naming the same original claim.

use super::claim_plan::add_line;
use super::{
    MAX_DIAGNOSES_PER_CLAIM, MAX_LINES_PER_CLAIM, PlannedClaim, Registry, ServiceLine, Slot,
};
use crate::coding::{Coding, NotBillable};
use crate::model::{ClaimFrequency, Correction, DiagnosisCode, Encounter, RowRef, Text};
use crate::rules;
use std::collections::{BTreeMap, HashMap};

/// What the lines admitted so far say about one corrected claim.
struct Group {
    member: u32,
    frequency: ClaimFrequency,
    authorization: Option<Slot>,
    rendering: Option<Slot>,
    lines: usize,
    diagnoses: Vec<DiagnosisCode>,
    first: RowRef,
}

/// The correcting lines of a run, grouped per payer and original claim as they are admitted, so
/// a line that cannot join its claim's correction is refused with a reason.
#[derive(Default)]
struct CorrectionGroups {
    by_claim: HashMap<(u16, Box<str>), Group>,
}

impl CorrectionGroups {
    /// Admits a correcting line (one with [`ServiceLine::correction`] set), or says why it cannot
    /// be billed: it names no original claim, or disagrees with the lines already correcting
    /// that claim, or would overfill it.
    fn admit(&mut self, line: &ServiceLine, reg: &Registry) -> Result<(), NotBillable> {
        let Some(ci) = line.correction else {
            return Ok(());
        };
        let c = &reg.corrections[ci.index()];
        let Some(original) = c.original_claim_id.as_deref() else {
            return Err(NotBillable {
                rule: &rules::CORRECTION_NEEDS_CLAIM_ID,
                field: Some("original_claim_id"),
                message: format!(
                    "the row corrects encounter {} but original_claim_id is empty",
                    c.replaces
                ),
            });
        };
        // Every code of the line goes in the claim's HI, as `add_line` puts it there.
        let dx = &line.coding.diagnoses;
        let key = (line.payer, Box::<str>::from(original));
        let Some(g) = self.by_claim.get_mut(&key) else {
            self.by_claim.insert(
                key,
                Group {
                    member: line.member,
                    frequency: c.frequency,
                    authorization: line.authorization,
                    rendering: line.rendering,
                    lines: 1,
                    diagnoses: dx.to_vec(),
                    first: line.source,
                },
            );
            return Ok(());
        };
        let conflict = |what: String| NotBillable {
            rule: &rules::CORRECTION_CONFLICT,
            field: Some("original_claim_id"),
            message: format!(
                "claim {original} is also corrected by row {} of input file #{}; {what}",
                g.first.row,
                g.first.file + 1
            ),
        };
        let new_dx = dx.iter().filter(|d| !g.diagnoses.contains(d)).count();
        if g.member != line.member {
            Err(conflict("that row is for another member".into()))
        } else if g.frequency != c.frequency {
            Err(conflict("one row replaces and the other voids".into()))
        } else if g.authorization != line.authorization || g.rendering != line.rendering {
            Err(conflict(
                "the rows differ in authorization number or rendering provider, which a claim has one of".into(),
            ))
        } else if g.lines == MAX_LINES_PER_CLAIM
            || g.diagnoses.len() + new_dx > MAX_DIAGNOSES_PER_CLAIM
        {
            Err(conflict(format!(
                "together they exceed one claim's {MAX_LINES_PER_CLAIM} lines or {MAX_DIAGNOSES_PER_CLAIM} diagnoses"
            )))
        } else {
            g.lines += 1;
            g.diagnoses.extend(
                dx.iter()
                    .filter(|d| !g.diagnoses.contains(d))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            Ok(())
        }
    }
}

/// The encounters a run has corrected, by payer and the id they correct, with the row that did
/// it: an encounter is corrected by one row per run (ENC-039). A second void would credit the
/// same service twice on an invoice, and a second replacement would send two versions of a line.
#[derive(Default)]
struct CorrectedOnce(crate::digest::FnvHashMap<(Text, Text), RowRef>);

impl CorrectedOnce {
    /// Refuses `fix`, for `payer`, when an earlier row of the run corrects the same encounter;
    /// `files` names the run's input files (a [`RowRef::file`] indexes it).
    fn check(&self, payer: &str, fix: &Correction, files: &[String]) -> Result<(), NotBillable> {
        match self.0.get(&(Text::new(payer), fix.replaces.clone())) {
            None => Ok(()),
            Some(first) => Err(NotBillable {
                rule: &rules::CORRECTED_TWICE,
                field: Some("replaces_encounter_id"),
                message: format!(
                    "encounter {} is already corrected by {} row {}",
                    fix.replaces, files[first.file as usize], first.row
                ),
            }),
        }
    }

    /// Records that row `at` corrects `fix.replaces` for `payer` (once it is taken).
    fn record(&mut self, payer: &str, fix: &Correction, at: RowRef) {
        self.0
            .entry((Text::new(payer), fix.replaces.clone()))
            .or_insert(at);
    }
}

/// How a run takes its correcting rows, the one way every command that judges them does
/// (`claims`, `invoice`, `map`): a row is refused when an earlier row of the run corrects the same
/// encounter (ENC-039) and, when corrections become claims, when it cannot join the correction of
/// the claim it names (COD-007, COD-008). Only a row taken is recorded as correcting its
/// encounter, so a later row correcting the same encounter is judged as if the refused one were
/// not there.
pub struct CorrectingRows {
    once: CorrectedOnce,
    groups: CorrectionGroups,
    as_claims: bool,
}

impl CorrectingRows {
    /// `as_claims`: correcting rows become replacement or void claims (`ecm claims`), so each must
    /// name its original claim and agree with the other rows correcting it; invoice lines need
    /// neither.
    pub fn new(as_claims: bool) -> CorrectingRows {
        CorrectingRows {
            once: CorrectedOnce::default(),
            groups: CorrectionGroups::default(),
            as_claims,
        }
    }

    /// The service line of coded encounter `e` (`payer`: its payer's index in the
    /// configuration), or why the run cannot take it. A row that corrects nothing is always
    /// taken; a correcting row is checked against the encounters corrected so far, then built
    /// and, when corrections become claims, admitted to its claim's correction, and recorded only
    /// once all of that passed. `files` names the run's input files.
    pub fn take<'cs>(
        &mut self,
        e: &Encounter,
        payer: u16,
        coding: Coding<'cs>,
        reg: &mut Registry,
        files: &[String],
    ) -> Result<ServiceLine<'cs>, NotBillable> {
        let Some(fix) = &e.correction else {
            return Ok(ServiceLine::new(e, payer, coding, reg));
        };
        self.once.check(&e.payer, fix, files)?;
        let line = ServiceLine::new(e, payer, coding, reg);
        if self.as_claims {
            self.groups.admit(&line, reg)?;
        }
        self.once.record(&e.payer, fix, e.source);
        Ok(line)
    }
}

/// The correction claims of one payer's correcting lines (`which`, indices into `lines`, every
/// one taken by [`CorrectingRows`] with corrections as claims): one claim per original claim id,
/// in id order, its lines by service date and encounter id.
pub fn correction_claims(
    lines: &[ServiceLine],
    which: &[u32],
    reg: &Registry,
) -> Vec<PlannedClaim> {
    let mut by_claim: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for &i in which {
        let l = &lines[i as usize];
        let c = l
            .correction
            .map(|c| &reg.corrections[c.index()])
            .expect("only correcting lines are passed");
        let original = c
            .original_claim_id
            .as_deref()
            .expect("admitted corrections name their claim");
        by_claim.entry(original).or_default().push(i);
    }
    by_claim
        .into_iter()
        .map(|(original, mut group)| {
            group.sort_by(|&a, &b| {
                let (la, lb) = (&lines[a as usize], &lines[b as usize]);
                (la.service_date, reg.encounter_id(la))
                    .cmp(&(lb.service_date, reg.encounter_id(lb)))
            });
            let first = &lines[group[0] as usize];
            let frequency = first.correction.map_or(ClaimFrequency::Replacement, |c| {
                reg.corrections[c.index()].frequency
            });
            let mut claim = PlannedClaim::open(
                original.to_string(),
                first,
                frequency,
                Some(original.to_string()),
            );
            for li in group {
                add_line(&mut claim, li, &lines[li as usize]);
            }
            claim
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::model::{Activity, Member, Modality, Sex, StaffClass};
    use chrono::NaiveDate;

    /// Row `row` of the run's one file, for member `member`, correcting encounter `replaces`
    /// under original claim `claim` (none when empty), or correcting nothing.
    fn row(row: u32, member: &str, fix: Option<(ClaimFrequency, &str, &str)>) -> Encounter {
        Encounter {
            source: RowRef { file: 0, row },
            encounter_id: Text::from(format!("E-{row}")),
            member: Member {
                member_id: member.into(),
                cin: None,
                last_name: "Lastname".into(),
                first_name: "Firstname".into(),
                dob: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
                sex: Sex::Female,
                address: None,
            },
            service_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            activity: Activity::Assessment,
            staff_role: "rn".into(),
            staff_class: StaffClass::Clinical,
            modality: Modality::InPerson,
            payer: "p".into(),
            minutes: None,
            outreach_outcome: None,
            place_of_service: None,
            diagnoses: Vec::new(),
            authorization_number: None,
            rendering: None,
            population_of_focus: None,
            note_id: None,
            charge: None,
            correction: fix.map(|(frequency, replaces, claim)| Correction {
                frequency,
                replaces: replaces.into(),
                original_claim_id: (!claim.is_empty()).then(|| claim.into()),
            }),
        }
    }

    fn coding(cs: &CodeSet) -> Coding<'_> {
        Coding::plain(&cs.hcpcs[0])
    }

    /// The rule each row met, in order (`None`: taken).
    fn verdicts(rows: &[Encounter], as_claims: bool) -> Vec<Option<&'static str>> {
        let cs = CodeSet::embedded().unwrap();
        let mut reg = Registry::default();
        let mut taking = CorrectingRows::new(as_claims);
        let files = vec!["e.csv".to_string()];
        rows.iter()
            .map(|e| {
                taking
                    .take(e, 0, coding(&cs), &mut reg, &files)
                    .err()
                    .map(|nb| nb.rule.id)
            })
            .collect()
    }

    #[test]
    fn a_refused_correction_leaves_its_encounter_to_a_later_row() {
        use ClaimFrequency::{Replacement, Void};
        let rows = [
            row(2, "M-1", None),
            // No original claim id: refused as a claim, taken as an invoice line.
            row(3, "M-1", Some((Replacement, "E-OLD-1", ""))),
            row(4, "M-1", Some((Replacement, "E-OLD-1", "C-1"))),
            // Voids and replaces claim C-1: refused as a claim.
            row(5, "M-1", Some((Void, "E-OLD-2", "C-1"))),
            row(6, "M-1", Some((Void, "E-OLD-2", "C-2"))),
            // Another member's row on claim C-2.
            row(7, "M-2", Some((Void, "E-OLD-3", "C-2"))),
            // A second correction of a taken one.
            row(8, "M-1", Some((Replacement, "E-OLD-1", "C-1"))),
        ];
        assert_eq!(
            verdicts(&rows, true),
            [
                None,
                Some("COD-007"),
                None,
                Some("COD-008"),
                None,
                Some("COD-008"),
                Some("ENC-039"),
            ]
        );
        // Invoice lines need no claim: the first row correcting an encounter is taken.
        assert_eq!(
            verdicts(&rows, false),
            [
                None,
                None,
                Some("ENC-039"),
                None,
                Some("ENC-039"),
                None,
                Some("ENC-039"),
            ]
        );
    }
}
