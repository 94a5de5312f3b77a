//! Coding: an encounter becomes a service line (HCPCS, modifiers, units, charge, place of service,
//! diagnoses) by the code-set rows in force on its service date, or the reason it is not billable.
//! Pure: values in, values out.

use crate::codeset::{CodeSet, HcpcsRow, TelehealthRow, UnitBasis};
use crate::config::{ChargeRow, Payer, SubscriberId};
use crate::model::{
    DiagnosisCode, Encounter, Hcpcs, Modifiers, Money, PlaceOfService, TransactionType,
};
use crate::rules::{self, Rule};
use serde::Serialize;
use std::sync::Arc;

/// Where a line's charge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeSource {
    /// The encounter row's own `charge` column.
    Encounter,
    /// The payer's charge table row (1-based position in ecm.toml) times the units.
    PayerTable(u32),
}

/// The coding decision for one encounter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coding<'cs> {
    pub hcpcs: Hcpcs,
    pub modifiers: Modifiers,
    pub units: u32,
    pub unit_basis: UnitBasis,
    pub charge: Money,
    pub charge_source: ChargeSource,
    pub place_of_service: PlaceOfService,
    /// The encounter's diagnoses, or the payer's default when it has none. Shared: lines with
    /// the same list hold one copy ([`crate::billing::Registry::diagnoses`]).
    #[serde(serialize_with = "diagnosis_list")]
    pub diagnoses: Arc<[DiagnosisCode]>,
    /// The HCPCS row that decided code and base modifiers.
    #[serde(serialize_with = "row_id")]
    pub row: &'cs HcpcsRow,
    /// The telehealth-modifier row applied, if any.
    #[serde(serialize_with = "opt_row_id")]
    pub telehealth: Option<&'cs TelehealthRow>,
}

#[cfg(test)]
impl<'cs> Coding<'cs> {
    /// A coding for tests: `row`'s code, no modifiers, one unit of $10.00 at place 12, no
    /// diagnoses; tests change what they need with `Coding { units: 3, ..Coding::plain(row) }`.
    pub(crate) fn plain(row: &'cs HcpcsRow) -> Coding<'cs> {
        Coding {
            hcpcs: row.hcpcs,
            modifiers: Modifiers::EMPTY,
            units: 1,
            unit_basis: UnitBasis::Encounter,
            charge: Money::parse("10").expect("a plain amount"),
            charge_source: ChargeSource::Encounter,
            place_of_service: PlaceOfService::parse("12").expect("a place of service"),
            diagnoses: Vec::new().into(),
            row,
            telehealth: None,
        }
    }
}

fn row_id<S: serde::Serializer>(r: &&HcpcsRow, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&r.id)
}

fn diagnosis_list<S: serde::Serializer>(d: &Arc<[DiagnosisCode]>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(d.iter())
}

fn opt_row_id<S: serde::Serializer>(r: &Option<&TelehealthRow>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => s.serialize_str(&r.id),
        None => s.serialize_none(),
    }
}

/// Why an encounter that passed the row checks still cannot be billed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotBillable {
    pub rule: &'static Rule,
    /// The column the problem is about, if one.
    pub field: Option<&'static str>,
    pub message: String,
}

impl NotBillable {
    /// The finding for the encounter `encounter_id` on `row` of `file` that could not be billed.
    pub fn finding(self, file: String, row: u32, encounter_id: &str) -> rules::Finding {
        rules::Finding {
            rule: self.rule,
            file,
            row,
            encounter_id: Some(encounter_id.to_string()),
            field: self.field.map(str::to_string),
            message: self.message,
        }
    }
}

/// The code decision alone: the HCPCS row in force and the line's modifiers (the row's, plus the
/// telehealth modifier in force for the modality), before any payer's charges or rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineCode<'cs> {
    pub row: &'cs HcpcsRow,
    pub modifiers: Modifiers,
    pub telehealth: Option<&'cs TelehealthRow>,
}

/// Decides an encounter's HCPCS code and modifiers from the code set on its service date.
pub fn code_line<'cs>(e: &Encounter, codeset: &'cs CodeSet) -> Result<LineCode<'cs>, NotBillable> {
    let date = e.service_date;
    let modality = codeset.modality(e.modality);
    let row = codeset
        .hcpcs_row(
            e.activity.class(),
            e.staff_class,
            modality.modality_class,
            date,
        )
        .map_err(|_| NotBillable {
            rule: &rules::NO_HCPCS_ROW,
            field: Some("service_date"),
            message: format!(
                "no HCPCS row for {} by {} staff, {} ({}), on {date}",
                e.activity,
                e.staff_class.key(),
                e.modality,
                modality.modality_class.key()
            ),
        })?;
    let telehealth = codeset.telehealth_row(e.modality, date);
    let mut modifiers = row.modifiers;
    if let Some(t) = telehealth
        && !modifiers.contains(t.modifier)
        && modifiers.push(t.modifier).is_err()
    {
        return Err(NotBillable {
            rule: &rules::NO_HCPCS_ROW,
            field: None,
            message: format!(
                "row {} already has 4 modifiers; telehealth modifier {} does not fit",
                row.id, t.modifier
            ),
        });
    }
    Ok(LineCode {
        row,
        modifiers,
        telehealth,
    })
}

/// A coded line's units and charge for one payer.
struct Priced {
    unit_basis: UnitBasis,
    units: u32,
    charge: Money,
    charge_source: ChargeSource,
}

/// Units by the payer's (or the row's) unit basis, and the charge: the encounter's own, else the
/// payer's charge table times the units.
fn price(
    e: &Encounter,
    payer: &Payer,
    row: &HcpcsRow,
    modifiers: Modifiers,
) -> Result<Priced, NotBillable> {
    let date = e.service_date;
    let unit_basis = payer.unit_basis.unwrap_or(row.unit_basis);
    let units = match unit_basis {
        UnitBasis::Encounter => 1,
        UnitBasis::Minutes15 => match e.minutes {
            Some(m) => m.div_ceil(15),
            None => {
                return Err(NotBillable {
                    rule: &rules::MINUTES_NEEDED,
                    field: Some("minutes"),
                    message: format!("payer {} bills 15-minute units", payer.key),
                });
            }
        },
    };

    let (charge, charge_source) = match e.charge {
        Some(c) => (c, ChargeSource::Encounter),
        None => {
            let (i, c) = charge_row(&payer.charges, row.hcpcs, modifiers, row.modifiers, date)
                .ok_or_else(|| NotBillable {
                    rule: &rules::NO_CHARGE,
                    field: Some("charge"),
                    message: format!(
                        "payer {} has no charge for {} {} in force on {date}",
                        payer.key,
                        row.hcpcs,
                        modifiers.join(":")
                    ),
                })?;
            (
                c.amount.times(units),
                ChargeSource::PayerTable(i as u32 + 1),
            )
        }
    };
    Ok(Priced {
        unit_basis,
        units,
        charge,
        charge_source,
    })
}

/// The charge `code_encounter` would bill for an encounter already coded by [`code_line`], when
/// it has one (what an 835's SVC02 repeats).
pub fn line_charge(e: &Encounter, payer: &Payer, code: &LineCode) -> Option<Money> {
    price(e, payer, code.row, code.modifiers)
        .ok()
        .map(|p| p.charge)
}

/// Codes one encounter for one payer.
pub fn code_encounter<'cs>(
    e: &Encounter,
    codeset: &'cs CodeSet,
    payer: &Payer,
) -> Result<Coding<'cs>, NotBillable> {
    code_encounter_sharing(e, codeset, payer, &mut |d| Arc::from(d))
}

/// [`code_encounter`], taking the line's diagnosis list from `share` (given the codes, it
/// returns a list to hold: a registry's copy, so a million lines with a few hundred distinct
/// lists allocate a few hundred times, not a million).
pub fn code_encounter_sharing<'cs>(
    e: &Encounter,
    codeset: &'cs CodeSet,
    payer: &Payer,
    share: &mut dyn FnMut(&[DiagnosisCode]) -> Arc<[DiagnosisCode]>,
) -> Result<Coding<'cs>, NotBillable> {
    let modality = codeset.modality(e.modality);
    let LineCode {
        row,
        modifiers,
        telehealth,
    } = code_line(e, codeset)?;

    let Priced {
        unit_basis,
        units,
        charge,
        charge_source,
    } = price(e, payer, row, modifiers)?;
    if charge.is_zero() && payer.transaction_type == TransactionType::Chargeable {
        return Err(NotBillable {
            rule: &rules::ZERO_CHARGE,
            field: Some("charge"),
            message: format!(
                "the line would be $0.00 on a chargeable claim to payer {}",
                payer.key
            ),
        });
    }

    let diagnoses = if e.diagnoses.is_empty() {
        match payer.default_diagnosis {
            Some(d) => share(&[d]),
            None => {
                return Err(NotBillable {
                    rule: &rules::NO_DIAGNOSIS,
                    field: Some("diagnosis_codes"),
                    message: format!(
                        "no diagnosis_codes and payer {} has no default_diagnosis",
                        payer.key
                    ),
                });
            }
        }
    } else {
        share(&e.diagnoses)
    };

    if payer.subscriber_id == SubscriberId::Cin && e.member.cin.is_none() {
        return Err(NotBillable {
            rule: &rules::CIN_NEEDED,
            field: Some("member_cin"),
            message: format!("payer {} identifies members by CIN", payer.key),
        });
    }

    Ok(Coding {
        hcpcs: row.hcpcs,
        modifiers,
        units,
        unit_basis,
        charge,
        charge_source,
        place_of_service: e
            .place_of_service
            .unwrap_or(modality.default_place_of_service),
        diagnoses,
        row,
        telehealth,
    })
}

/// The payer's charge row in force for the code: one naming exactly these modifiers (in any
/// order) wins over one naming only the row's base modifiers.
fn charge_row(
    charges: &[ChargeRow],
    code: Hcpcs,
    full: Modifiers,
    base: Modifiers,
    date: chrono::NaiveDate,
) -> Option<(usize, &ChargeRow)> {
    let in_force = |m: Modifiers| {
        let want = m.sorted();
        charges.iter().enumerate().find(|(_, c)| {
            c.hcpcs == code && c.modifiers.sorted() == want && c.effective().contains(date)
        })
    };
    in_force(full).or_else(|| in_force(base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{Activity, Member, Modality, RowRef, Sex, StaffClass};
    use chrono::NaiveDate;

    fn config() -> Config {
        let text = r#"
[provider]
name = "P"
npi = "1234567893"
tin = "123456789"
address = "1 A St"
city = "Sacramento"
state = "CA"
zip = "958141234"
contact_name = "B"
contact_phone = "9165550100"
[submitter]
id = "SUB"
[[payer]]
key = "a"
name = "Plan A"
payer_id = "PA"
receiver_id = "RA"
default_diagnosis = "Z59.00"
[[payer.charge]]
hcpcs = "G9012"
modifiers = ["U2"]
amount = "100.00"
[[payer.charge]]
hcpcs = "G9012"
modifiers = ["U2", "GQ"]
amount = "80.00"
[[payer.charge]]
hcpcs = "G9008"
modifiers = ["U1"]
amount = "150.00"
effective_to = "2024-12-31"
[[payer.charge]]
hcpcs = "G9008"
modifiers = ["U1"]
amount = "160.00"
effective_from = "2025-01-01"
[[payer]]
key = "b"
name = "Plan B"
payer_id = "PB"
receiver_id = "RB"
unit_basis = "minutes_15"
[[payer.charge]]
hcpcs = "G9012"
modifiers = ["U8"]
amount = "10.00"
"#;
        Config::parse(text, "t").unwrap()
    }

    fn enc(activity: Activity, staff: StaffClass, modality: Modality, date: &str) -> Encounter {
        Encounter {
            source: RowRef { file: 0, row: 2 },
            encounter_id: "E1".into(),
            member: Member {
                member_id: "M1".into(),
                cin: None,
                last_name: "DOE".into(),
                first_name: "ANA".into(),
                dob: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
                sex: Sex::Female,
                address: None,
            },
            service_date: date.parse().unwrap(),
            activity,
            staff_role: "chw".into(),
            staff_class: staff,
            modality,
            payer: "a".into(),
            minutes: None,
            outreach_outcome: None,
            place_of_service: None,
            diagnoses: vec![],
            authorization_number: None,
            rendering: None,
            population_of_focus: None,
            note_id: None,
            charge: None,
            correction: None,
        }
    }

    #[test]
    fn the_eight_table_rows_code_as_the_domain_notes_say() {
        let cs = CodeSet::embedded().unwrap();
        let c = config();
        let p = &c.payers[0];
        let cases = [
            (
                Activity::Assessment,
                StaffClass::NonClinical,
                Modality::InPerson,
                "G9012",
                "U2",
            ),
            (
                Activity::CareCoordination,
                StaffClass::NonClinical,
                Modality::Video,
                "G9012",
                "U2:GQ",
            ),
            (
                Activity::HealthPromotion,
                StaffClass::Clinical,
                Modality::InPerson,
                "G9008",
                "U1",
            ),
            (
                Activity::TransitionalCare,
                StaffClass::Clinical,
                Modality::Phone,
                "G9008",
                "U1:GQ",
            ),
            (
                Activity::Outreach,
                StaffClass::NonClinical,
                Modality::InPerson,
                "G9012",
                "U8",
            ),
            (
                Activity::Outreach,
                StaffClass::NonClinical,
                Modality::Text,
                "G9012",
                "U8:GQ",
            ),
            (
                Activity::Outreach,
                StaffClass::Clinical,
                Modality::InPerson,
                "G9008",
                "U8",
            ),
            (
                Activity::Outreach,
                StaffClass::Clinical,
                Modality::Mail,
                "G9008",
                "U8",
            ),
        ];
        let mut pb = p.clone();
        pb.charges.clear();
        for (a, s, m, code, mods) in cases {
            let mut e = enc(a, s, m, "2025-02-03");
            e.charge = Some(Money::parse("1").unwrap());
            let got = code_encounter(&e, &cs, &pb).unwrap();
            assert_eq!(
                (got.hcpcs.as_str(), got.modifiers.join(":").as_str()),
                (code, mods),
                "{a} {s:?} {m}"
            );
            assert_eq!(got.units, 1);
        }
    }

    #[test]
    fn the_most_specific_charge_in_force_wins() {
        let cs = CodeSet::embedded().unwrap();
        let c = config();
        let p = &c.payers[0];
        let inp = enc(
            Activity::Assessment,
            StaffClass::NonClinical,
            Modality::InPerson,
            "2025-02-03",
        );
        let got = code_encounter(&inp, &cs, p).unwrap();
        assert_eq!(
            (got.charge.to_x12(), got.charge_source),
            ("100".into(), ChargeSource::PayerTable(1))
        );
        let vid = enc(
            Activity::Assessment,
            StaffClass::NonClinical,
            Modality::Video,
            "2025-02-03",
        );
        assert_eq!(code_encounter(&vid, &cs, p).unwrap().charge.to_x12(), "80");
        let old = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::InPerson,
            "2024-12-31",
        );
        assert_eq!(code_encounter(&old, &cs, p).unwrap().charge.to_x12(), "150");
        let new = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::InPerson,
            "2025-01-01",
        );
        assert_eq!(code_encounter(&new, &cs, p).unwrap().charge.to_x12(), "160");
        // Remote clinical service: no GQ-specific row, so the base U1 charge applies.
        let ph = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::Phone,
            "2025-01-01",
        );
        assert_eq!(code_encounter(&ph, &cs, p).unwrap().charge.to_x12(), "160");
    }

    #[test]
    fn defaults_fill_place_and_diagnosis() {
        let cs = CodeSet::embedded().unwrap();
        let c = config();
        let e = enc(
            Activity::Assessment,
            StaffClass::NonClinical,
            Modality::Phone,
            "2025-02-03",
        );
        let got = code_encounter(&e, &cs, &c.payers[0]).unwrap();
        assert_eq!(got.place_of_service.as_str(), "02");
        assert_eq!(got.diagnoses[0].as_str(), "Z5900");
        assert_eq!(got.row.id, "ECM-ENR-NONCLIN-REMOTE-2022");
        assert_eq!(got.telehealth.unwrap().id, "TH-PHONE-GQ-2022");
    }

    #[test]
    fn each_reason_not_billable_names_its_rule() {
        let cs = CodeSet::embedded().unwrap();
        let c = config();
        let (a, b) = (&c.payers[0], &c.payers[1]);
        let mut e = enc(
            Activity::Outreach,
            StaffClass::NonClinical,
            Modality::Phone,
            "2025-02-03",
        );
        assert_eq!(code_encounter(&e, &cs, b).unwrap_err().rule.id, "COD-004");
        e.minutes = Some(31);
        e.diagnoses = vec![DiagnosisCode::parse("Z59.00").unwrap()];
        // No U8:GQ row, so the base U8 charge applies per started 15 minutes.
        let ok = code_encounter(&e, &cs, b).unwrap();
        assert_eq!(
            (ok.units, ok.charge.to_x12(), ok.modifiers.join(":")),
            (3, "30".into(), "U8:GQ".into())
        );
        let mut clinical = e.clone();
        clinical.staff_class = StaffClass::Clinical;
        assert_eq!(
            code_encounter(&clinical, &cs, b).unwrap_err().rule.id,
            "COD-002"
        );
        let mut nodiag = enc(
            Activity::Outreach,
            StaffClass::NonClinical,
            Modality::InPerson,
            "2025-02-03",
        );
        nodiag.minutes = Some(10);
        assert_eq!(
            code_encounter(&nodiag, &cs, b).unwrap_err().rule.id,
            "COD-003"
        );
        let mut zero = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::InPerson,
            "2025-02-03",
        );
        zero.charge = Some(Money::ZERO);
        assert_eq!(
            code_encounter(&zero, &cs, a).unwrap_err().rule.id,
            "COD-006"
        );
        let mut cin = a.clone();
        cin.subscriber_id = SubscriberId::Cin;
        let e2 = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::InPerson,
            "2025-02-03",
        );
        assert_eq!(
            code_encounter(&e2, &cs, &cin).unwrap_err().rule.id,
            "COD-005"
        );
        let early = enc(
            Activity::Assessment,
            StaffClass::Clinical,
            Modality::InPerson,
            "2021-06-01",
        );
        assert_eq!(
            code_encounter(&early, &cs, a).unwrap_err().rule.id,
            "COD-001"
        );
    }
}
