//! The row types of each code-set table.

use crate::model::ActivityClass;
use crate::model::{Hcpcs, Modality, Modifier, Modifiers, PlaceOfService, StaffClass};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How sure we are of a row (the marks of the domain notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// A primary source (state agency, a plan's own notice) says it.
    Confirmed,
    /// One or more plans or vendors do it.
    PlanPractice,
    /// A coding-reference site says it.
    Secondary,
    /// Our best inference.
    Unverified,
}

impl Confidence {
    /// The mark as written in the data.
    pub fn key(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::PlanPractice => "plan_practice",
            Confidence::Secondary => "secondary",
            Confidence::Unverified => "unverified",
        }
    }
}

/// Where a row comes from and how sure we are of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub source: String,
    pub confidence: Confidence,
}

/// An inclusive date range; an absent end means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effective {
    pub effective_from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
}

impl Effective {
    /// Whether `date` falls in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_to.is_none_or(|t| date <= t)
    }

    /// Whether the two ranges share a day.
    pub fn overlaps(&self, o: &Effective) -> bool {
        let a_end = self.effective_to.unwrap_or(NaiveDate::MAX);
        let b_end = o.effective_to.unwrap_or(NaiveDate::MAX);
        self.effective_from <= b_end && o.effective_from <= a_end
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        match self.effective_to {
            Some(t) if t < self.effective_from => {
                Err("effective_to is before effective_from".to_string())
            }
            _ => Ok(()),
        }
    }
}

/// HCPCS modality class: in person, or remote (phone, video, electronic, mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModalityClass {
    InPerson,
    Remote,
}

impl ModalityClass {
    /// The value as written in the data.
    pub fn key(self) -> &'static str {
        match self {
            ModalityClass::InPerson => "in_person",
            ModalityClass::Remote => "remote",
        }
    }
}

/// How units are counted on a line.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitBasis {
    /// One unit per encounter or attempt.
    #[default]
    Encounter,
    /// One unit per started 15 minutes (needs the `minutes` column).
    #[serde(rename = "minutes_15")]
    Minutes15,
}

impl UnitBasis {
    /// The value as written in the data.
    pub fn key(self) -> &'static str {
        match self {
            UnitBasis::Encounter => "encounter",
            UnitBasis::Minutes15 => "minutes_15",
        }
    }
}

/// One row of the ECM HCPCS table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HcpcsRow {
    pub id: String,
    pub activity_class: ActivityClass,
    pub staff_class: StaffClass,
    pub modality_class: ModalityClass,
    pub hcpcs: Hcpcs,
    pub modifiers: Modifiers,
    pub unit_basis: UnitBasis,
    #[serde(flatten)]
    pub effective: Effective,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The telehealth modifier for a modality from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelehealthRow {
    pub id: String,
    pub modality: Modality,
    pub modifier: Modifier,
    #[serde(flatten)]
    pub effective: Effective,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// How a modality is billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModalityRow {
    pub id: String,
    pub modality: Modality,
    pub modality_class: ModalityClass,
    /// Only outreach attempts may use this modality (email, text, mail).
    pub outreach_only: bool,
    pub default_place_of_service: PlaceOfService,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// A staff role and its billing class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffRoleRow {
    pub id: String,
    pub role: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub staff_class: StaffClass,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// A Population of Focus and its go-live dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PofRow {
    pub id: String,
    pub name: String,
    pub live_from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_live_from: Option<NaiveDate>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl PofRow {
    /// The go-live date that applies to a provider in an early-implementation county or not.
    pub fn live_for(&self, early_implementation_county: bool) -> NaiveDate {
        match (early_implementation_county, self.early_live_from) {
            (true, Some(e)) => e,
            _ => self.live_from,
        }
    }
}

/// A place-of-service code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceRow {
    pub id: String,
    pub code: PlaceOfService,
    pub name: String,
    #[serde(flatten)]
    pub effective: Effective,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Whether ECM can be combined with another program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramRule {
    /// ECM and the program together are fine.
    MayCombine,
    /// The member must choose ECM or the program.
    ChooseOne,
    /// No ECM while enrolled in the program.
    Excluded,
}

impl ProgramRule {
    /// The value as written in the data.
    pub fn key(self) -> &'static str {
        match self {
            ProgramRule::MayCombine => "may_combine",
            ProgramRule::ChooseOne => "choose_one",
            ProgramRule::Excluded => "excluded",
        }
    }
}

/// A program a member may be in besides ECM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramRow {
    pub id: String,
    pub name: String,
    pub rule: ProgramRule,
    #[serde(flatten)]
    pub effective: Effective,
    #[serde(flatten)]
    pub provenance: Provenance,
}
