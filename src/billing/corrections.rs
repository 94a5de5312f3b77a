//! Replacement and void claims: the rows correcting one original claim (named by its CLM01)
//! become one claim with that same CLM01, CLM05-3 = 7 (replace) or 8 (void) and REF*F8 naming
//! the original. A replacement replaces the whole original claim, so every line that should
//! stay on it is sent again, each naming the same original claim.

use super::claim_plan::add_line;
use super::{
    MAX_DIAGNOSES_PER_CLAIM, MAX_LINES_PER_CLAIM, PlannedClaim, Registry, ServiceLine, Slot,
};
use crate::coding::NotBillable;
use crate::model::{ClaimFrequency, Correction, DiagnosisCode, RowRef, Text};
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
pub struct CorrectionGroups {
    by_claim: HashMap<(u16, Box<str>), Group>,
}

impl CorrectionGroups {
    /// Admits a correcting line (one with [`ServiceLine::correction`] set), or says why it cannot
    /// be billed: it names no original claim, or disagrees with the lines already correcting
    /// that claim, or would overfill it.
    pub fn admit(&mut self, line: &ServiceLine, reg: &Registry) -> Result<(), NotBillable> {
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
pub struct CorrectedOnce(crate::digest::FnvHashMap<(Text, Text), RowRef>);

impl CorrectedOnce {
    /// Refuses `fix`, for `payer`, when an earlier row of the run corrects the same encounter;
    /// `files` names the run's input files (a [`RowRef::file`] indexes it).
    pub fn check(
        &self,
        payer: &str,
        fix: &Correction,
        files: &[String],
    ) -> Result<(), NotBillable> {
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
    pub fn record(&mut self, payer: &str, fix: &Correction, at: RowRef) {
        self.0
            .entry((Text::new(payer), fix.replaces.clone()))
            .or_insert(at);
    }
}

/// The correction claims of one payer's correcting lines (`which`, indices into `lines`, every
/// one admitted by [`CorrectionGroups`]): one claim per original claim id, in id order, its lines
/// by service date and encounter id.
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
