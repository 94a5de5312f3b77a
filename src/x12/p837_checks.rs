//! The 837P rules above single elements (counts, sums, uniqueness, pointers), checked over a whole
//! transaction before any of it is written, so a refused transaction leaves no half-written loops.

use super::write_error::{Place, StructureProblem, WriteError};
use crate::digest::{Fnv64, FnvHashSet};
use crate::model::{Claim, ClaimFrequency, Line, Npi, Transaction};

/// Most claims one transaction set may hold (the guide's recommendation, which plans enforce).
pub const MAX_CLAIMS_PER_TRANSACTION: usize = 5000;
/// Most claims one subscriber loop (2000B) may hold: loop 2300 repeats at most 100 times.
pub const MAX_CLAIMS_PER_SUBSCRIBER: usize = 100;
/// Most service lines in one claim (loop 2400).
pub const MAX_LINES_PER_CLAIM: usize = 50;
/// Most diagnoses in the HI segment.
pub const MAX_DIAGNOSES: usize = 12;
/// Most diagnosis pointers on a line (SV107).
pub const MAX_POINTERS: usize = 4;
/// CLM01 length Medi-Cal plans keep (the guide: "the maximum supported is 20").
pub const MAX_CLAIM_ID: usize = 20;
/// REF*6R length the guide allows for the line item control number.
pub const MAX_LINE_CONTROL: usize = 30;

/// The patient control numbers already written in this interchange, kept as 64-bit hashes so
/// memory stays at 8 bytes a claim (a false duplicate is a 1-in-10^11 chance at a million claims,
/// and it would refuse, never write a bad file).
#[derive(Debug, Default)]
pub(crate) struct ClaimIds {
    seen: FnvHashSet<u64>,
    /// Only in a [`ClaimIds::listing`]: every id checked, with where its claim is.
    listed: Option<Vec<(u64, Place)>>,
}

impl ClaimIds {
    /// Ids of one transaction set checked on its own: they are also listed, to be checked against
    /// the interchange's with [`ClaimIds::add_listed`] when the set is appended.
    pub(crate) fn listing() -> ClaimIds {
        ClaimIds {
            seen: FnvHashSet::default(),
            listed: Some(Vec::new()),
        }
    }

    /// Records `id`; `false` when it was already recorded.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        self.seen.insert(Fnv64::default().str(id).finish())
    }

    /// Records the id of the claim at `place` (listed, in a listing); `false` when it was already
    /// recorded.
    fn insert_at(&mut self, id: &str, place: Place) -> bool {
        let hash = Fnv64::default().str(id).finish();
        if let Some(listed) = &mut self.listed {
            listed.push((hash, place));
        }
        self.seen.insert(hash)
    }

    /// The ids a listing recorded, in order.
    pub(crate) fn into_listed(self) -> Vec<(u64, Place)> {
        self.listed.unwrap_or_default()
    }

    /// Records ids another listing recorded; refuses at the first already recorded here.
    pub(crate) fn add_listed(&mut self, listed: &[(u64, Place)]) -> Result<(), WriteError> {
        match listed.iter().find(|&&(hash, _)| !self.seen.insert(hash)) {
            Some(&(_, place)) => Err(refuse("2300", place, StructureProblem::DuplicateClaimId)),
            None => Ok(()),
        }
    }
}

fn refuse(loop_id: &'static str, place: Place, problem: StructureProblem) -> WriteError {
    WriteError::Structure {
        loop_id,
        place,
        problem,
    }
}

/// Checks every rule of this module over `t`, recording its claim ids in `ids`.
pub(crate) fn check_transaction(
    t: &Transaction,
    place: Place,
    ids: &mut ClaimIds,
) -> Result<(), WriteError> {
    let contact = &t.submitter.contact;
    if contact.phone.as_deref().unwrap_or("").is_empty()
        && contact.email.as_deref().unwrap_or("").is_empty()
    {
        return Err(refuse("1000A", place, StructureProblem::NoSubmitterContact));
    }
    if !t.kept.is_empty() {
        return Err(read_only("ST_LOOP", place, "header segments"));
    }
    let bp = &t.billing_provider;
    if !bp.kept.is_empty() {
        return Err(read_only("2010AA", place, "billing provider segments"));
    }
    check_npi(&bp.npi, "billing provider (2010AA NM109)", "2010AA", place)?;
    if !is_digits(&bp.address.zip, 9) {
        return Err(refuse(
            "2010AA",
            place,
            StructureProblem::BillingZipNotNineDigits,
        ));
    }
    if !is_digits(&bp.tax_id, 9) {
        return Err(refuse(
            "2010AA",
            place,
            StructureProblem::TaxIdNotNineDigits,
        ));
    }
    if t.subscribers.is_empty() {
        return Err(refuse("2000B", place, StructureProblem::NoSubscribers));
    }
    let count: usize = t.subscribers.iter().map(|s| s.claims.len()).sum();
    if count > MAX_CLAIMS_PER_TRANSACTION {
        return Err(refuse(
            "ST_LOOP",
            place,
            StructureProblem::TooManyClaimsInTransaction { count },
        ));
    }
    for (si, sub) in (1u32..).zip(&t.subscribers) {
        let place = place.subscriber(si);
        if !sub.patients.is_empty() {
            return Err(read_only("2000C", place, "patient loops"));
        }
        if !sub.kept.is_empty() {
            return Err(read_only("2010BA", place, "subscriber segments"));
        }
        if sub.birth_date.is_none() || sub.sex.is_none() {
            return Err(refuse(
                "2010BA",
                place,
                StructureProblem::NoSubscriberDemographics,
            ));
        }
        if sub.claims.is_empty() {
            return Err(refuse("2300", place, StructureProblem::NoClaims));
        }
        if sub.claims.len() > MAX_CLAIMS_PER_SUBSCRIBER {
            let count = sub.claims.len();
            return Err(refuse(
                "2300",
                place,
                StructureProblem::TooManyClaimsForSubscriber { count },
            ));
        }
        for (ci, claim) in (1u32..).zip(&sub.claims) {
            check_claim(claim, place.claim(ci), ids)?;
        }
    }
    Ok(())
}

fn read_only(loop_id: &'static str, place: Place, what: &'static str) -> WriteError {
    refuse(loop_id, place, StructureProblem::ReadOnlyData { what })
}

fn check_npi(
    npi: &str,
    which: &'static str,
    loop_id: &'static str,
    place: Place,
) -> Result<(), WriteError> {
    match Npi::parse(npi) {
        // Parsing trims spaces; the element must not have any.
        Ok(n) if n.as_str() == npi => Ok(()),
        Ok(_) => Err(refuse(
            loop_id,
            place,
            StructureProblem::InvalidNpi {
                which,
                problem: crate::model::NpiError::Shape(npi.chars().count()),
            },
        )),
        Err(problem) => Err(refuse(
            loop_id,
            place,
            StructureProblem::InvalidNpi { which, problem },
        )),
    }
}

fn check_claim(claim: &Claim, place: Place, ids: &mut ClaimIds) -> Result<(), WriteError> {
    if !claim.kept.is_empty() {
        return Err(read_only("2300", place, "claim segments"));
    }
    if let Some(r) = &claim.rendering {
        check_npi(&r.npi, "rendering provider (2310B NM109)", "2310B", place)?;
    }
    let len = claim.claim_id.chars().count();
    if len > MAX_CLAIM_ID {
        return Err(refuse(
            "2300",
            place,
            StructureProblem::ClaimIdTooLong { len },
        ));
    }
    if !ids.insert_at(&claim.claim_id, place) {
        return Err(refuse("2300", place, StructureProblem::DuplicateClaimId));
    }
    let original = claim
        .original_reference
        .as_deref()
        .is_some_and(|r| !r.is_empty());
    match claim.frequency {
        ClaimFrequency::Original if original => {
            return Err(refuse(
                "2300",
                place,
                StructureProblem::UnexpectedOriginalReference,
            ));
        }
        ClaimFrequency::Replacement | ClaimFrequency::Void if !original => {
            let frequency = claim.frequency.code();
            return Err(refuse(
                "2300",
                place,
                StructureProblem::MissingOriginalReference { frequency },
            ));
        }
        _ => {}
    }
    let diagnoses = claim.diagnoses.len();
    if diagnoses == 0 {
        return Err(refuse("2300", place, StructureProblem::NoDiagnoses));
    }
    if diagnoses > MAX_DIAGNOSES {
        return Err(refuse(
            "2300",
            place,
            StructureProblem::TooManyDiagnoses { count: diagnoses },
        ));
    }
    if claim.lines.is_empty() {
        return Err(refuse("2400", place, StructureProblem::NoLines));
    }
    if claim.lines.len() > MAX_LINES_PER_CLAIM {
        let count = claim.lines.len();
        return Err(refuse(
            "2400",
            place,
            StructureProblem::TooManyLines { count },
        ));
    }
    let lines = claim.line_total();
    if claim.total_charge != lines {
        let total = claim.total_charge;
        return Err(refuse(
            "2300",
            place,
            StructureProblem::TotalMismatch { total, lines },
        ));
    }
    for (li, line) in (1u32..).zip(&claim.lines) {
        check_line(
            line,
            &claim.lines[..li as usize - 1],
            diagnoses,
            place.line(li),
        )?;
    }
    Ok(())
}

fn check_line(
    line: &Line,
    earlier: &[Line],
    diagnoses: usize,
    place: Place,
) -> Result<(), WriteError> {
    if !line.kept.is_empty() {
        return Err(read_only("2400", place, "service line segments"));
    }
    if line.service_end.is_some_and(|end| end < line.service_date) {
        return Err(refuse(
            "2400",
            place,
            StructureProblem::ServiceRangeReversed,
        ));
    }
    let control = line.control_number.as_deref();
    let len = control.map_or(0, |c| c.chars().count());
    if len > MAX_LINE_CONTROL {
        return Err(refuse(
            "2400",
            place,
            StructureProblem::LineControlTooLong { len },
        ));
    }
    if let Some(first) = earlier
        .iter()
        .position(|l| control.is_some() && l.control_number.as_deref() == control)
    {
        let first = u32::try_from(first + 1).unwrap_or(u32::MAX);
        return Err(refuse(
            "2400",
            place,
            StructureProblem::DuplicateLineControl { first },
        ));
    }
    let pointers = &line.diagnosis_pointers;
    if pointers.is_empty() {
        return Err(refuse("2400", place, StructureProblem::NoDiagnosisPointers));
    }
    if pointers.len() > MAX_POINTERS {
        let count = pointers.len();
        return Err(refuse(
            "2400",
            place,
            StructureProblem::TooManyDiagnosisPointers { count },
        ));
    }
    if let Some(&pointer) = pointers
        .iter()
        .find(|&&p| p == 0 || usize::from(p) > diagnoses)
    {
        return Err(refuse(
            "2400",
            place,
            StructureProblem::DiagnosisPointerOutOfRange { pointer, diagnoses },
        ));
    }
    Ok(())
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}
