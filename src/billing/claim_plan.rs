//! Grouping a payer's service lines into claims: by encounter, member-day or member-month, split
//! further wherever claim-level facts differ (prior authorization, rendering provider) and wherever
//! a claim would exceed 50 lines or 12 diagnoses. A line whose place of service differs from its
//! claim's carries its own (SV105) rather than starting a new claim.

use super::digest::Fnv64;
use super::{Registry, ServiceLine};
use crate::config::ClaimGrouping;
use crate::model::{DiagnosisCode, Money, PlaceOfService};
use chrono::Datelike;
use std::collections::HashSet;

/// The most service lines one 837P claim may carry.
pub const MAX_LINES_PER_CLAIM: usize = 50;
/// The most diagnoses one claim's HI segment may carry.
pub const MAX_DIAGNOSES_PER_CLAIM: usize = 12;
/// The most diagnosis pointers one service line may carry.
pub const MAX_POINTERS_PER_LINE: usize = 4;

/// A line on a planned claim: which service line, and its diagnosis pointers (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    pub line: u32,
    pub pointers: Vec<u8>,
}

/// A claim as grouped, before it becomes X12.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedClaim {
    /// CLM01: derived from the group's content, at most 20 characters, unique in the payer's file.
    pub claim_id: String,
    pub member: u32,
    pub place_of_service: PlaceOfService,
    pub authorization: Option<Box<str>>,
    pub rendering: Option<u32>,
    pub diagnoses: Vec<DiagnosisCode>,
    pub lines: Vec<PlannedLine>,
    pub total: Money,
}

/// What makes lines belong on separate claims.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey<'a> {
    member_id: &'a str,
    period: String,
    authorization: Option<&'a str>,
    rendering: Option<String>,
}

fn group_key<'a>(l: &'a ServiceLine, reg: &'a Registry, grouping: ClaimGrouping) -> GroupKey<'a> {
    let d = l.service_date;
    GroupKey {
        member_id: &reg.members[l.member as usize].member_id,
        period: match grouping {
            ClaimGrouping::Encounter => format!("E{}", l.encounter_id),
            ClaimGrouping::MemberDay => d.format("%Y%m%d").to_string(),
            ClaimGrouping::MemberMonth => format!("{:04}{:02}", d.year(), d.month()),
        },
        authorization: l.authorization.as_deref(),
        rendering: l
            .rendering
            .map(|r| reg.renderings[r as usize].npi.as_str().to_string()),
    }
}

/// Groups the given service lines (indices into `lines`, all for one payer) into claims, sorted
/// by member id, period and the other claim-level keys; lines within a claim by date then id.
pub fn plan_claims(
    lines: &[ServiceLine],
    which: &[u32],
    reg: &Registry,
    payer_key: &str,
    grouping: ClaimGrouping,
) -> Vec<PlannedClaim> {
    let mut order: Vec<(GroupKey, u32)> = which
        .iter()
        .map(|&i| (group_key(&lines[i as usize], reg, grouping), i))
        .collect();
    order.sort_by(|(ka, a), (kb, b)| {
        let (la, lb) = (&lines[*a as usize], &lines[*b as usize]);
        ka.cmp(kb)
            .then(la.service_date.cmp(&lb.service_date))
            .then(la.encounter_id.cmp(&lb.encounter_id))
    });

    let mut claims: Vec<PlannedClaim> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && order[j].0 == order[i].0 {
            j += 1;
        }
        let key = &order[i].0;
        let mut chunk = 0u32;
        let mut current: Option<PlannedClaim> = None;
        for (_, li) in &order[i..j] {
            let l = &lines[*li as usize];
            let dx = &l.coding.diagnoses[..l.coding.diagnoses.len().min(MAX_POINTERS_PER_LINE)];
            let fits = current.as_ref().is_some_and(|c| {
                let new_dx = dx.iter().filter(|d| !c.diagnoses.contains(d)).count();
                c.lines.len() < MAX_LINES_PER_CLAIM
                    && c.diagnoses.len() + new_dx <= MAX_DIAGNOSES_PER_CLAIM
            });
            if !fits {
                if let Some(done) = current.take() {
                    claims.push(done);
                }
                current = Some(PlannedClaim {
                    claim_id: claim_id(payer_key, key, grouping, chunk, &mut used_ids),
                    member: l.member,
                    place_of_service: l.coding.place_of_service,
                    authorization: l.authorization.clone(),
                    rendering: l.rendering,
                    diagnoses: Vec::new(),
                    lines: Vec::new(),
                    total: Money::ZERO,
                });
                chunk += 1;
            }
            let c = current.as_mut().expect("set above");
            let mut pointers = Vec::with_capacity(dx.len());
            for d in dx {
                let pos = match c.diagnoses.iter().position(|x| x == d) {
                    Some(p) => p,
                    None => {
                        c.diagnoses.push(*d);
                        c.diagnoses.len() - 1
                    }
                };
                pointers.push(pos as u8 + 1);
            }
            c.total += l.coding.charge;
            c.lines.push(PlannedLine {
                line: *li,
                pointers,
            });
        }
        if let Some(done) = current.take() {
            claims.push(done);
        }
        i = j;
    }
    // A member's claims stay together (one subscriber loop) and read in date order.
    let first_date = |c: &PlannedClaim| lines[c.lines[0].line as usize].service_date;
    claims.sort_by(|a, b| {
        let (ma, mb) = (
            &reg.members[a.member as usize].member_id,
            &reg.members[b.member as usize].member_id,
        );
        ma.cmp(mb)
            .then(first_date(a).cmp(&first_date(b)))
            .then(a.claim_id.cmp(&b.claim_id))
    });
    claims
}

/// `E` + 16 hex digits of a hash of the group: stable across runs for the same group, so a
/// re-billed encounter keeps its claim id.
fn claim_id(
    payer_key: &str,
    key: &GroupKey,
    grouping: ClaimGrouping,
    chunk: u32,
    used: &mut HashSet<String>,
) -> String {
    let mut salt = 0u64;
    loop {
        let mut h = Fnv64::default();
        h.str(payer_key)
            .str(key.member_id)
            .str(&key.period)
            .str(key.authorization.unwrap_or(""))
            .str(key.rendering.as_deref().unwrap_or(""))
            .u64(grouping as u64)
            .u64(u64::from(chunk))
            .u64(salt);
        let id = format!("E{:016X}", h.finish());
        if used.insert(id.clone()) {
            return id;
        }
        salt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::codeset::UnitBasis;
    use crate::coding::{ChargeSource, Coding};
    use crate::model::{Activity, Member, Modifiers, RowRef, Sex};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn line<'cs>(
        cs: &'cs CodeSet,
        reg: &mut Registry,
        member: &str,
        day: u32,
        dx: Vec<u8>,
        id: usize,
    ) -> ServiceLine<'cs> {
        let m = Member {
            member_id: member.to_string(),
            cin: None,
            last_name: "L".into(),
            first_name: "F".into(),
            dob: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            sex: Sex::Unknown,
            address: None,
        };
        let member = reg.member(0, &m);
        let row = &cs.hcpcs[0];
        ServiceLine {
            source: RowRef {
                file: 0,
                row: id as u32 + 2,
            },
            encounter_id: format!("E{id:05}").into(),
            payer: 0,
            member,
            service_date: NaiveDate::from_ymd_opt(2025, 3, day).unwrap(),
            activity: Activity::Assessment,
            coding: Coding {
                hcpcs: row.hcpcs,
                modifiers: Modifiers::EMPTY,
                units: 1,
                unit_basis: UnitBasis::Encounter,
                charge: Money::parse(&format!("{}.25", id % 7 + 1)).unwrap(),
                charge_source: ChargeSource::Encounter,
                place_of_service: PlaceOfService::parse("12").unwrap(),
                diagnoses: dx
                    .iter()
                    .map(|d| DiagnosisCode::parse(&format!("Z59.{d:02}")).unwrap())
                    .collect(),
                row,
                telehealth: None,
            },
            authorization: None,
            rendering: None,
        }
    }

    proptest! {
        #[test]
        fn every_line_lands_on_exactly_one_claim_within_limits(
            spec in proptest::collection::vec((0u8..4, 1u32..4, proptest::collection::vec(0u8..30, 1..5)), 1..400),
            grouping in prop_oneof![Just(ClaimGrouping::Encounter), Just(ClaimGrouping::MemberDay), Just(ClaimGrouping::MemberMonth)],
        ) {
            let cs = CodeSet::embedded().unwrap();
            let mut reg = Registry::default();
            let lines: Vec<ServiceLine> = spec
                .iter()
                .enumerate()
                .map(|(i, (m, d, dx))| line(&cs, &mut reg, &format!("M{m}"), *d, dx.clone(), i))
                .collect();
            let which: Vec<u32> = (0..lines.len() as u32).collect();
            let claims = plan_claims(&lines, &which, &reg, "p", grouping);
            let mut seen: Vec<u32> = claims.iter().flat_map(|c| c.lines.iter().map(|l| l.line)).collect();
            seen.sort_unstable();
            prop_assert_eq!(&seen, &which);
            let mut ids = HashSet::new();
            for c in &claims {
                prop_assert!(ids.insert(c.claim_id.clone()), "duplicate claim id");
                prop_assert!(c.claim_id.len() <= 20);
                prop_assert!(!c.lines.is_empty() && c.lines.len() <= MAX_LINES_PER_CLAIM);
                prop_assert!(!c.diagnoses.is_empty() && c.diagnoses.len() <= MAX_DIAGNOSES_PER_CLAIM);
                let total: Money = c.lines.iter().map(|l| lines[l.line as usize].coding.charge).sum();
                prop_assert_eq!(total, c.total);
                for pl in &c.lines {
                    let l = &lines[pl.line as usize];
                    prop_assert_eq!(l.member, c.member);
                    prop_assert!(!pl.pointers.is_empty() && pl.pointers.len() <= MAX_POINTERS_PER_LINE);
                    for (k, p) in pl.pointers.iter().enumerate() {
                        prop_assert_eq!(c.diagnoses[*p as usize - 1], l.coding.diagnoses[k]);
                    }
                    if grouping == ClaimGrouping::MemberDay {
                        prop_assert_eq!(l.service_date, lines[c.lines[0].line as usize].service_date);
                    }
                }
                if grouping == ClaimGrouping::Encounter {
                    prop_assert_eq!(c.lines.len(), 1);
                }
            }
            // The same input plans the same claims.
            prop_assert_eq!(plan_claims(&lines, &which, &reg, "p", grouping), claims);
        }
    }

    #[test]
    fn a_busy_member_month_splits_at_fifty_lines_with_stable_ids() {
        let cs = CodeSet::embedded().unwrap();
        let mut reg = Registry::default();
        let lines: Vec<ServiceLine> = (0..120)
            .map(|i| line(&cs, &mut reg, "M1", 1 + (i % 28) as u32, vec![1], i))
            .collect();
        let which: Vec<u32> = (0..120).collect();
        let claims = plan_claims(&lines, &which, &reg, "p", ClaimGrouping::MemberMonth);
        assert_eq!(
            claims.iter().map(|c| c.lines.len()).collect::<Vec<_>>(),
            vec![50, 50, 20]
        );
        let again = plan_claims(&lines, &which[..60], &reg, "p", ClaimGrouping::MemberMonth);
        assert_eq!(
            again[0].claim_id, claims[0].claim_id,
            "a claim's id depends on its group, not on the run"
        );
    }
}
