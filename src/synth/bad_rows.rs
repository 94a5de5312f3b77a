//! Rows that break one rule each. With `--bad-rate R`, that share of rows is replaced by a copy
//! broken so that exactly one encounter or coding rule rejects it; the kinds are used in turn
//! (the least-used kind that fits the row comes next), and each is recorded in truth.json.
//!
//! Rules that data alone cannot break given the configuration `ecm synth` writes are left out:
//! COD-001 (the code set covers every combination), COD-002 (every payer prices every code),
//! COD-003 (every payer has a default diagnosis), and the warnings ENC-032 and ENC-033 (the row
//! is still billed); [`NOT_PRODUCED`] lists every rule left out and why.

use super::config::PAYERS;
use super::encounters::{Line, Service, col};
use super::members::Member;
use super::period::{plus_days, push_date};
use super::rng::Rng;
use super::world::World;
use crate::rules::{self, Rule};
use chrono::{Datelike, NaiveDate};

/// The rules a bad row can be made to break, in catalogue order.
pub const KINDS: &[&Rule] = &[
    &rules::MISSING_FIELD,
    &rules::BAD_DATE,
    &rules::FUTURE_SERVICE,
    &rules::BEFORE_ECM,
    &rules::BORN_AFTER_SERVICE,
    &rules::UNKNOWN_ACTIVITY,
    &rules::UNKNOWN_MODALITY,
    &rules::UNKNOWN_STAFF_ROLE,
    &rules::UNKNOWN_PAYER,
    &rules::OUTREACH_ONLY_MODALITY,
    &rules::BAD_RENDERING_NPI,
    &rules::BAD_DIAGNOSIS,
    &rules::DUPLICATE_ENCOUNTER,
    &rules::X12_DELIMITER,
    &rules::OUTREACH_WITHOUT_OUTCOME,
    &rules::POF_NOT_LIVE,
    &rules::UNKNOWN_POF,
    &rules::BAD_SEX,
    &rules::NO_ASCII_SPELLING,
    &rules::BAD_STAFF_TYPE,
    &rules::BAD_OUTREACH_OUTCOME,
    &rules::BAD_PLACE_OF_SERVICE,
    &rules::BAD_CHARGE,
    &rules::BAD_MINUTES,
    &rules::TOO_LONG,
    &rules::BAD_ADDRESS,
    &rules::BAD_CIN,
    &rules::INCOMPLETE_RENDERING,
    &rules::MEMBER_MISMATCH,
    &rules::TOO_MANY_DIAGNOSES,
    &rules::WRONG_FIELD_COUNT,
    &rules::MINUTES_NEEDED,
    &rules::CIN_NEEDED,
    &rules::ZERO_CHARGE,
];

/// Rules of the encounter and coding catalogue that no bad row targets, with the reason.
pub const NOT_PRODUCED: &[(&str, &str)] = &[
    (
        "COD-001",
        "the code set has a row for every activity, staff and modality class",
    ),
    (
        "COD-002",
        "every payer in the generated ecm.toml prices every code and modifier combination",
    ),
    (
        "COD-003",
        "every payer in the generated ecm.toml has a default diagnosis",
    ),
    (
        "COD-007",
        "the synthetic export holds original encounters only, no corrections",
    ),
    (
        "COD-008",
        "the synthetic export holds original encounters only, no corrections",
    ),
    (
        "ENC-034",
        "the synthetic export holds original encounters only, no corrections",
    ),
    (
        "ENC-035",
        "the synthetic export holds original encounters only, no corrections",
    ),
    (
        "ENC-036",
        "a placeholder birth date (0001-01-01) is a data-entry habit of no synthetic source; ENC-005 breaks birth dates",
    ),
    (
        "ENC-037",
        "the export is a CSV written by the generator, with no formulas to fail",
    ),
    (
        "ENC-038",
        "good rows never repeat a service, and a kind breaks one row on its own, not a pair",
    ),
    (
        "ENC-039",
        "the synthetic export holds original encounters only, no corrections",
    ),
    ("ENC-032", "a warning: the row is still billed"),
    ("ENC-033", "a warning: the row is still billed"),
];

/// The facts about a row and its member that decide which kinds fit it.
pub struct RowFacts<'a> {
    pub member: &'a Member,
    pub service: &'a Service,
    /// The id of the member's latest row that intake accepts (for duplicates and mismatches).
    pub last_accepted_id: Option<&'a str>,
    /// Whether the row may be rejected without leaving its month without a qualifying encounter.
    pub may_drop: bool,
}

/// Chooses kinds in turn and breaks rows.
#[derive(Debug, Clone)]
pub struct BadRows {
    /// How many rows of each kind were made, by index into [`KINDS`].
    pub counts: Vec<u64>,
}

impl Default for BadRows {
    fn default() -> Self {
        BadRows {
            counts: vec![0; KINDS.len()],
        }
    }
}

impl BadRows {
    /// The least-used kind that fits the row, if any.
    pub fn choose(&self, world: &World, facts: &RowFacts) -> Option<usize> {
        if !facts.may_drop {
            return None;
        }
        (0..KINDS.len())
            .filter(|&k| fits(world, k, facts))
            .min_by_key(|&k| (self.counts[k], k))
    }

    /// Breaks the filled `line` so that kind `k` (and only it) rejects it.
    pub fn apply(
        &mut self,
        world: &World,
        k: usize,
        facts: &RowFacts,
        line: &mut Line,
        rng: &mut Rng,
    ) {
        self.counts[k] += 1;
        let m = facts.member;
        let s = facts.service;
        let f = &mut line.f;
        let set = |f: &mut [String; 28], c: usize, v: &str| {
            f[c].clear();
            f[c].push_str(v);
        };
        let set_date = |f: &mut [String; 28], c: usize, d: NaiveDate| {
            f[c].clear();
            push_date(&mut f[c], d);
        };
        match KINDS[k].id {
            "ENC-001" => set(f, col::MODALITY, ""),
            "ENC-002" => set(f, col::SERVICE_DATE, &format!("{}-02-30", s.date.year())),
            "ENC-003" => set_date(
                f,
                col::SERVICE_DATE,
                plus_days(world.period.last, rng.range(30, 400)),
            ),
            "ENC-004" => {
                set_date(f, col::SERVICE_DATE, before_ecm(s.date));
                // Nothing was live before ECM began: drop what depends on the date.
                set(f, col::POF, "");
                set(f, col::PLACE, "");
            }
            "ENC-005" => set_date(f, col::DOB, plus_days(s.date, rng.range(1, 200))),
            "ENC-006" => set(
                f,
                col::ACTIVITY,
                rng.pick(&["case_conference", "transportation", "intake_paperwork"]),
            ),
            "ENC-007" => set(
                f,
                col::MODALITY,
                rng.pick(&["fax", "carrier_pigeon", "telepathy"]),
            ),
            "ENC-008" => {
                set(
                    f,
                    col::STAFF_ROLE,
                    rng.pick(&["volunteer", "intern", "front_desk"]),
                );
                set(f, col::STAFF_TYPE, "");
            }
            "ENC-009" => set(
                f,
                col::PAYER,
                rng.pick(&["blue-horizon", "coastal-care", "medi-unknown"]),
            ),
            "ENC-010" => set(f, col::MODALITY, rng.pick(&["text", "email", "mail"])),
            "ENC-011" => {
                let c = &world.clinicians[m.spans[0].org][0];
                let mut npi = c.npi.clone().into_bytes();
                npi[9] = b'0' + (npi[9] - b'0' + 1) % 10;
                set(
                    f,
                    col::RENDERING_NPI,
                    std::str::from_utf8(&npi).expect("ASCII"),
                );
                set(f, col::RENDERING_LAST, c.last_name);
                set(f, col::RENDERING_FIRST, c.first_name);
            }
            "ENC-012" => set(
                f,
                col::DIAGNOSES,
                rng.pick(&["Z59.00;59.01", "Z-59", "Z59.00000"]),
            ),
            "ENC-013" => set(
                f,
                col::ENCOUNTER_ID,
                facts.last_accepted_id.expect("fits checked it"),
            ),
            "ENC-014" => {
                if m.address.is_some() {
                    let v = format!("{}*Unit 5", f[col::ADDRESS]);
                    set(f, col::ADDRESS, &v);
                } else {
                    let v = format!("{}~{}", m.first_name, m.first_name);
                    set(f, col::FIRST_NAME, &v);
                }
            }
            "ENC-015" => set(f, col::OUTCOME, ""),
            "ENC-016" => {
                let (day, pof) = world.pof_not_live.as_ref().expect("fits checked it");
                set_date(f, col::SERVICE_DATE, *day);
                set(f, col::POF, pof);
                set(f, col::PLACE, "");
            }
            "ENC-017" => set(
                f,
                col::POF,
                rng.pick(&["adult_housing_insecure", "seniors", "pof_7"]),
            ),
            "ENC-018" => set(f, col::SEX, rng.pick(&["X", "N", "2"])),
            "ENC-019" => set(
                f,
                col::FIRST_NAME,
                rng.pick(&["Мария", "李明", "Σοφία", "Արամ", "محمد"]),
            ),
            "ENC-020" => set(
                f,
                col::STAFF_TYPE,
                rng.pick(&["licensed", "paraprofessional", "unlicensed"]),
            ),
            "ENC-021" => set(
                f,
                col::OUTCOME,
                rng.pick(&["left_voicemail", "wrong_number", "pending"]),
            ),
            "ENC-022" => set(f, col::PLACE, rng.pick(&["98", "00", "9A"])),
            "ENC-023" => set(
                f,
                col::CHARGE,
                rng.pick(&["$150.00", "1,250.00", "150.005", "-20.00"]),
            ),
            "ENC-024" => set(f, col::MINUTES, rng.pick(&["0", "1500", "45.5", "an hour"])),
            "ENC-025" => {
                let v = format!("{}-RESUBMITTED-CORRECTED", f[col::ENCOUNTER_ID]);
                set(f, col::ENCOUNTER_ID, &v);
            }
            "ENC-026" => set(f, col::ZIP, rng.pick(&["9581", "958141", "CA958"])),
            "ENC-027" => set(
                f,
                col::MEMBER_CIN,
                rng.pick(&["9123456A", "91234567", "A91234567"]),
            ),
            "ENC-028" => {
                let c = &world.clinicians[m.spans[0].org][0];
                set(f, col::RENDERING_NPI, "");
                set(f, col::RENDERING_LAST, c.last_name);
                set(f, col::RENDERING_FIRST, c.first_name);
            }
            "ENC-029" => set_date(f, col::DOB, plus_days(m.dob, -rng.range(1, 400))),
            "ENC-030" => set(
                f,
                col::DIAGNOSES,
                "Z59.00;Z59.01;Z59.02;Z59.811;Z59.812;Z59.41;Z59.6;F32.9;E11.9;I10;I50.9;J44.9;Z60.2",
            ),
            "ENC-031" => line.short = true,
            "COD-004" => set(f, col::MINUTES, ""),
            "COD-005" => set(f, col::MEMBER_CIN, ""),
            "COD-006" => set(f, col::CHARGE, "0.00"),
            other => unreachable!("no way to break {other}"),
        }
    }
}

/// Whether intake accepts the row (it reaches coding), so later rows may refer to its id.
pub fn accepted_at_intake(k: usize) -> bool {
    KINDS[k].id.starts_with("COD-")
}

/// A day in 2021 (before ECM began) with the service's month and day.
fn before_ecm(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, d.month(), d.day().min(28)).expect("valid")
}

fn fits(world: &World, k: usize, x: &RowFacts) -> bool {
    let m = x.member;
    let s = x.service;
    let outreach = s.is_outreach();
    let payer = &PAYERS[m.payer];
    match KINDS[k].id {
        "ENC-004" => m.dob < before_ecm(s.date),
        "ENC-010" | "COD-006" => !outreach,
        "ENC-013" | "ENC-029" => x.last_accepted_id.is_some(),
        "ENC-014" | "ENC-026" => m.address.is_some(),
        "ENC-015" | "ENC-021" => outreach,
        "ENC-016" => world
            .pof_not_live
            .as_ref()
            .is_some_and(|(day, _)| m.dob < *day),
        // Removing minutes from a row whose payer needs none would break no rule.
        "COD-004" => !outreach && payer.minutes_15,
        "COD-005" => !outreach && payer.by_cin,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_rule_of_encounters_and_coding_is_produced_or_explained() {
        for r in rules::catalogue() {
            if !(r.id.starts_with("ENC-") || r.id.starts_with("COD-")) {
                continue;
            }
            let produced = KINDS.iter().any(|k| k.id == r.id);
            let explained = NOT_PRODUCED.iter().any(|(id, _)| *id == r.id);
            assert!(
                produced != explained,
                "{}: produced {produced}, explained {explained}",
                r.id
            );
            if produced {
                assert_eq!(r.severity, rules::Severity::Error, "{}", r.id);
            }
        }
    }
}
