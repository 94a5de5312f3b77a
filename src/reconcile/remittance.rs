//! 835 service payments matched to the encounters they pay. An 835 pays claim lines, not
//! member-months: each SVC is first tied to an encounter, whose member and service month then say
//! which member-month the money belongs to.
//!
//! Matching, first hit wins:
//! 1. `line_id`: the SVC's REF*6R line item control number is an encounter id (our 837 writer puts
//!    the encounter id there);
//! 2. `member_date_code`: member id, service date, HCPCS code and the same modifiers (in any order);
//! 3. `member_date_code_modifiers_dropped`: member id, service date and HCPCS code, with the SVC's
//!    modifiers a strict part of the encounter's (the payer dropped some or all of them).
//!
//! Among several encounters that fit one SVC, one whose charge is the SVC's SVC02 (the charge
//! submitted, which the 835 repeats) is taken first; among those that fit equally, the one paid
//! the fewest times so far (then the first read), so two payments of two same-day visits pay
//! both, and a G9012 U2 and a G9012 U8 of one day paid as two bare G9012s each get their own.

use super::encounter::{EncounterFact, EncounterKind};
use crate::digest::FnvHashMap;
use crate::model::{Hcpcs, Modifiers, Money};
use chrono::NaiveDate;
use serde::Serialize;

/// How an SVC was tied to its encounter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    LineId,
    MemberDateCode,
    MemberDateCodeModifiersDropped,
}

impl MatchMethod {
    /// The value written in `payments-835.csv`.
    pub fn key(self) -> &'static str {
        match self {
            MatchMethod::LineId => "line_id",
            MatchMethod::MemberDateCode => "member_date_code",
            MatchMethod::MemberDateCodeModifiersDropped => "member_date_code_modifiers_dropped",
        }
    }
}

/// An encounter as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedEncounter {
    pub encounter_id: Box<str>,
    pub member_id: Box<str>,
    pub date: NaiveDate,
    pub kind: EncounterKind,
    /// Sorted, so slot order does not matter.
    modifiers: Modifiers,
    charge: Option<Money>,
}

impl IndexedEncounter {
    /// The modifiers the encounter was coded with (sorted).
    pub fn modifiers(&self) -> Modifiers {
        self.modifiers
    }
}

/// What an SVC says about the line it pays.
#[derive(Debug, Clone, Copy)]
pub struct PaidLine<'a> {
    /// REF*6R.
    pub control_number: Option<&'a str>,
    /// The claim's patient id (NM1*QC NM109).
    pub member_id: Option<&'a str>,
    pub date: Option<NaiveDate>,
    pub hcpcs: Option<Hcpcs>,
    pub modifiers: Modifiers,
    /// SVC02: the charge submitted.
    pub charge: Option<Money>,
}

/// The encounters of a run, findable by id and by member, date and code.
#[derive(Debug, Default)]
pub struct EncounterIndex {
    encounters: Vec<IndexedEncounter>,
    /// How many SVCs matched each encounter so far.
    times_paid: Vec<u32>,
    by_id: FnvHashMap<Box<str>, u32>,
    by_service: FnvHashMap<(Box<str>, NaiveDate, Hcpcs), Vec<u32>>,
}

impl EncounterIndex {
    /// Adds an encounter. A repeated encounter id keeps the first for matching by id.
    pub fn add(&mut self, e: &EncounterFact) {
        let i = self.encounters.len() as u32;
        self.encounters.push(IndexedEncounter {
            encounter_id: e.encounter_id.as_str().into(),
            member_id: e.member_id.as_str().into(),
            date: e.date,
            kind: e.kind,
            modifiers: e.modifiers.sorted(),
            charge: e.charge,
        });
        self.times_paid.push(0);
        self.by_id
            .entry(e.encounter_id.as_str().into())
            .or_insert(i);
        self.by_service
            .entry((e.member_id.as_str().into(), e.date, e.hcpcs))
            .or_default()
            .push(i);
    }

    /// Encounters indexed.
    pub fn len(&self) -> usize {
        self.encounters.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.encounters.is_empty()
    }

    /// The encounter an SVC pays, and how it was found; counts the payment against it.
    pub fn match_line(&mut self, line: &PaidLine) -> Option<(MatchMethod, &IndexedEncounter)> {
        let found = self.find(line)?;
        self.times_paid[found.1 as usize] += 1;
        Some((found.0, &self.encounters[found.1 as usize]))
    }

    fn find(&self, line: &PaidLine) -> Option<(MatchMethod, u32)> {
        if let Some(&i) = line.control_number.and_then(|c| self.by_id.get(c)) {
            return Some((MatchMethod::LineId, i));
        }
        let (Some(member), Some(date), Some(hcpcs)) = (line.member_id, line.date, line.hcpcs)
        else {
            return None;
        };
        let candidates = self.by_service.get(&(member.into(), date, hcpcs))?;
        let paid = line.modifiers.sorted();
        let least_paid = |fits: &dyn Fn(Modifiers) -> bool| {
            candidates
                .iter()
                .copied()
                .filter(|&i| fits(self.encounters[i as usize].modifiers))
                .min_by_key(|&i| {
                    let e = &self.encounters[i as usize];
                    let other_charge = line.charge.is_some() && e.charge != line.charge;
                    (other_charge, self.times_paid[i as usize], i)
                })
        };
        if let Some(i) = least_paid(&|m| m == paid) {
            return Some((MatchMethod::MemberDateCode, i));
        }
        least_paid(&|m: Modifiers| {
            paid.as_slice().len() < m.as_slice().len()
                && paid.as_slice().iter().all(|p| m.contains(*p))
        })
        .map(|i| (MatchMethod::MemberDateCodeModifiersDropped, i))
    }
}

#[cfg(test)]
mod tests {
    use super::super::roster::tests::d;
    use super::*;
    use crate::model::RowRef;

    fn enc(id: &str, member: &str, date: &str, mods: &str) -> EncounterFact {
        EncounterFact {
            encounter_id: id.into(),
            member_id: member.into(),
            date: d(date),
            kind: EncounterKind::Service,
            hcpcs: Hcpcs::parse("G9008").unwrap(),
            modifiers: Modifiers::parse(mods).unwrap(),
            charge: None,
            provider_npi: None,
            source: RowRef { file: 0, row: 2 },
        }
    }

    fn line<'a>(ctl: Option<&'a str>, date: &str, mods: &str) -> PaidLine<'a> {
        PaidLine {
            control_number: ctl,
            member_id: Some("M1"),
            date: Some(d(date)),
            hcpcs: Some(Hcpcs::parse("G9008").unwrap()),
            modifiers: Modifiers::parse(mods).unwrap(),
            charge: None,
        }
    }

    #[test]
    fn each_way_of_matching_and_its_order() {
        let mut ix = EncounterIndex::default();
        ix.add(&enc("E1", "M1", "2025-03-03", "U1"));
        ix.add(&enc("E2", "M1", "2025-03-04", "U1:GQ"));
        ix.add(&enc("E3", "M1", "2025-03-05", "U1"));
        ix.add(&enc("E4", "M1", "2025-03-05", "U1"));
        let m = |ix: &mut EncounterIndex, l: PaidLine| {
            ix.match_line(&l)
                .map(|(how, e)| (how.key(), e.encounter_id.to_string()))
        };
        // The line id wins even when the rest does not fit.
        assert_eq!(
            m(&mut ix, line(Some("E1"), "2025-09-09", "U8")),
            Some(("line_id", "E1".into()))
        );
        // An unknown line id falls back to member, date and code; modifiers in any order.
        assert_eq!(
            m(&mut ix, line(Some("X9"), "2025-03-04", "GQ:U1")),
            Some(("member_date_code", "E2".into()))
        );
        // GQ dropped, then every modifier dropped.
        assert_eq!(
            m(&mut ix, line(None, "2025-03-04", "U1")),
            Some(("member_date_code_modifiers_dropped", "E2".into()))
        );
        assert_eq!(
            m(&mut ix, line(None, "2025-03-03", "")),
            Some(("member_date_code_modifiers_dropped", "E1".into()))
        );
        // Two same-day visits: two payments pay both.
        assert_eq!(
            m(&mut ix, line(None, "2025-03-05", "U1")),
            Some(("member_date_code", "E3".into()))
        );
        assert_eq!(
            m(&mut ix, line(None, "2025-03-05", "U1")),
            Some(("member_date_code", "E4".into()))
        );
        // A different modifier is another service, not a dropped one.
        assert_eq!(m(&mut ix, line(None, "2025-03-03", "U2")), None);
        assert_eq!(m(&mut ix, line(None, "2025-04-01", "U1")), None);
    }

    #[test]
    fn the_charge_tells_apart_lines_paid_without_their_modifiers() {
        let money = |s: &str| Money::parse(s).unwrap();
        let mut ix = EncounterIndex::default();
        // A service (U1, $35) and an outreach attempt (U8, $300) of one day.
        let mut service = enc("S", "M1", "2025-03-05", "U1");
        service.charge = Some(money("35.00"));
        let mut outreach = enc("O", "M1", "2025-03-05", "U8");
        outreach.charge = Some(money("300.00"));
        outreach.kind = EncounterKind::Outreach;
        ix.add(&service);
        ix.add(&outreach);
        let paid = |charge: &str| PaidLine {
            charge: Some(money(charge)),
            ..line(None, "2025-03-05", "")
        };
        // Paid in the other order: each SVC still finds the line it charged.
        for (charge, want) in [("300.00", "O"), ("35.00", "S")] {
            let got = ix
                .match_line(&paid(charge))
                .map(|(_, e)| e.encounter_id.to_string());
            assert_eq!(got.as_deref(), Some(want), "SVC02 {charge}");
        }
        // A charge that fits neither falls back to the least paid, then the first read.
        let got = ix
            .match_line(&paid("99.00"))
            .map(|(_, e)| e.encounter_id.to_string());
        assert_eq!(got.as_deref(), Some("S"));
    }
}
