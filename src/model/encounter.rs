//! A documented ECM encounter after its row passed every check: the input to coding.

use super::{ClaimFrequency, DiagnosisCode, Money, Npi, PlaceOfService};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Short text kept inline (up to 24 bytes, most of a row's ids, names and codes) rather than in
/// an allocation of its own each.
pub type Text = compact_str::CompactString;

/// Where a record came from: the input file (by index into the run's file list) and its
/// spreadsheet row number (the header is row 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct RowRef {
    pub file: u16,
    pub row: u32,
}

/// The seven ECM core services, as the `activity` column names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Outreach,
    Assessment,
    CareCoordination,
    HealthPromotion,
    TransitionalCare,
    MemberFamilySupport,
    CommunityReferral,
}

impl Activity {
    /// Every activity, in core-service order.
    pub const ALL: [Activity; 7] = [
        Activity::Outreach,
        Activity::Assessment,
        Activity::CareCoordination,
        Activity::HealthPromotion,
        Activity::TransitionalCare,
        Activity::MemberFamilySupport,
        Activity::CommunityReferral,
    ];

    /// The column value.
    pub fn key(self) -> &'static str {
        match self {
            Activity::Outreach => "outreach",
            Activity::Assessment => "assessment",
            Activity::CareCoordination => "care_coordination",
            Activity::HealthPromotion => "health_promotion",
            Activity::TransitionalCare => "transitional_care",
            Activity::MemberFamilySupport => "member_family_support",
            Activity::CommunityReferral => "community_referral",
        }
    }

    /// Parses the column value (case-insensitive; spaces and hyphens read as underscores).
    pub fn parse(s: &str) -> Option<Activity> {
        let k = normalise_key(s);
        let k = k.as_str();
        Activity::ALL.into_iter().find(|a| a.key() == k)
    }

    /// Outreach and engagement is billed apart from the six services to enrolled members.
    pub fn class(self) -> ActivityClass {
        if self == Activity::Outreach {
            ActivityClass::Outreach
        } else {
            ActivityClass::Enrolled
        }
    }
}

/// The two billing classes of ECM activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityClass {
    /// Outreach and engagement attempts (before or around enrollment).
    Outreach,
    /// Core services 2-7 to an enrolled member.
    Enrolled,
}

/// How the encounter took place, as the `modality` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    InPerson,
    Phone,
    Video,
    Email,
    Text,
    Mail,
}

impl Modality {
    /// Every modality.
    pub const ALL: [Modality; 6] = [
        Modality::InPerson,
        Modality::Phone,
        Modality::Video,
        Modality::Email,
        Modality::Text,
        Modality::Mail,
    ];

    /// The column value.
    pub fn key(self) -> &'static str {
        match self {
            Modality::InPerson => "in_person",
            Modality::Phone => "phone",
            Modality::Video => "video",
            Modality::Email => "email",
            Modality::Text => "text",
            Modality::Mail => "mail",
        }
    }

    /// Parses the column value (case-insensitive; spaces and hyphens read as underscores).
    pub fn parse(s: &str) -> Option<Modality> {
        let k = normalise_key(s);
        let k = k.as_str();
        Modality::ALL.into_iter().find(|m| m.key() == k)
    }
}

/// The billing class of the staff member who delivered the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffClass {
    Clinical,
    NonClinical,
}

impl StaffClass {
    /// The column / code-set value.
    pub fn key(self) -> &'static str {
        match self {
            StaffClass::Clinical => "clinical",
            StaffClass::NonClinical => "non_clinical",
        }
    }

    /// Parses `clinical` / `non_clinical` (also `non-clinical`, `nonclinical`).
    pub fn parse(s: &str) -> Option<StaffClass> {
        match normalise_key(s).as_str() {
            "clinical" => Some(StaffClass::Clinical),
            "non_clinical" | "nonclinical" => Some(StaffClass::NonClinical),
            _ => None,
        }
    }
}

/// Administrative sex as DMG03 carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "U")]
    Unknown,
}

impl Sex {
    /// Parses `F`, `M`, `U` or the words `female`, `male`, `unknown` (case-insensitive).
    pub fn parse(s: &str) -> Option<Sex> {
        match normalise_key(s).as_str() {
            "f" | "female" => Some(Sex::Female),
            "m" | "male" => Some(Sex::Male),
            "u" | "unknown" => Some(Sex::Unknown),
            _ => None,
        }
    }

    /// The DMG03 code.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }
}

/// Whether an outreach attempt reached the member. Both are billable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutreachOutcome {
    Successful,
    Unsuccessful,
}

impl OutreachOutcome {
    /// Parses `successful`/`reached`/`engaged` and `unsuccessful`/`not_reached`/`no_answer`.
    pub fn parse(s: &str) -> Option<OutreachOutcome> {
        match normalise_key(s).as_str() {
            "successful" | "reached" | "engaged" | "success" => Some(OutreachOutcome::Successful),
            "unsuccessful" | "not_reached" | "no_answer" | "unreached" | "failed" => {
                Some(OutreachOutcome::Unsuccessful)
            }
            _ => None,
        }
    }

    /// The canonical value.
    pub fn key(self) -> &'static str {
        match self {
            OutreachOutcome::Successful => "successful",
            OutreachOutcome::Unsuccessful => "unsuccessful",
        }
    }
}

/// A postal address as the 837 carries it (N3/N4). Text is already X12-safe.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Address {
    pub line1: Text,
    pub city: Text,
    pub state: Text,
    pub zip: Text,
}

/// The member as the encounter identifies them. Text is already X12-safe (transliterated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Member {
    pub member_id: Text,
    pub cin: Option<Text>,
    pub last_name: Text,
    pub first_name: Text,
    pub dob: NaiveDate,
    pub sex: Sex,
    pub address: Option<Address>,
}

/// The staff member who delivered the service, when the row names one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Rendering {
    pub npi: Npi,
    pub last_name: Text,
    pub first_name: Option<Text>,
}

/// What a correcting row does to a line sent before.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Correction {
    /// CLM05-3: [`ClaimFrequency::Replacement`] or [`ClaimFrequency::Void`].
    pub frequency: ClaimFrequency,
    /// The id of the line (encounter or invoice line) being replaced or voided.
    pub replaces: Text,
    /// CLM01 of the claim that carried it, when known (the claims path needs it).
    pub original_claim_id: Option<Text>,
}

impl Correction {
    /// Parses the `correction` column: `replace` / `void` (also `replacement`, `7`, `8`); empty
    /// means replace.
    pub fn parse_kind(s: &str) -> Option<ClaimFrequency> {
        match normalise_key(s).as_str() {
            "" | "replace" | "replacement" | "7" => Some(ClaimFrequency::Replacement),
            "void" | "8" => Some(ClaimFrequency::Void),
            _ => None,
        }
    }

    /// The column value: `replace` or `void`.
    pub fn kind_key(&self) -> &'static str {
        match self.frequency {
            ClaimFrequency::Void => "void",
            _ => "replace",
        }
    }
}

/// A documented ECM encounter whose row passed every check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Encounter {
    pub source: RowRef,
    pub encounter_id: Text,
    pub member: Member,
    pub service_date: NaiveDate,
    pub activity: Activity,
    pub staff_role: Text,
    pub staff_class: StaffClass,
    pub modality: Modality,
    pub payer: Text,
    pub minutes: Option<u32>,
    pub outreach_outcome: Option<OutreachOutcome>,
    pub place_of_service: Option<PlaceOfService>,
    pub diagnoses: Vec<DiagnosisCode>,
    pub authorization_number: Option<Text>,
    pub rendering: Option<Rendering>,
    pub population_of_focus: Option<Text>,
    pub note_id: Option<Text>,
    pub charge: Option<Money>,
    /// Set when the row replaces or voids a line sent before.
    pub correction: Option<Correction>,
}

/// The bytes [`normalise_key`] changes (capitals, spaces, hyphens), as a table: one load a byte.
static FOLDED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = b'A';
    while b <= b'Z' {
        t[b as usize] = true;
        b += 1;
    }
    t[b' ' as usize] = true;
    t[b'-' as usize] = true;
    t
};

/// Lower-cases and turns spaces and hyphens into underscores, so `In Person` reads as `in_person`.
/// Short ASCII values (every key we match) are kept inline: parsing a row's activity, modality,
/// sex and staff role allocates nothing.
pub fn normalise_key(s: &str) -> NormalKey<'_> {
    // Most values are written as the key already (`in_person`): borrowed as they are.
    let b = s.as_bytes();
    let plain_ends = matches!(
        (b.first(), b.last()),
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic()
    );
    if plain_ends && !b.iter().any(|&c| FOLDED[usize::from(c)]) {
        return NormalKey::Same(s);
    }
    let s = s.trim();
    let fold = |b: u8| match b {
        b' ' | b'-' => b'_',
        b => b.to_ascii_lowercase(),
    };
    if s.len() <= SHORT_KEY && s.is_ascii() {
        let mut bytes = [0u8; SHORT_KEY];
        for (to, &b) in bytes.iter_mut().zip(s.as_bytes()) {
            *to = fold(b);
        }
        return NormalKey::Short {
            bytes,
            len: s.len() as u8,
        };
    }
    // Only ASCII bytes change, each into another ASCII byte, so the text stays UTF-8.
    NormalKey::Long(
        s.chars()
            .map(|c| {
                if c.is_ascii() {
                    char::from(fold(c as u8))
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// The longest key kept inline by [`normalise_key`].
const SHORT_KEY: usize = 40;

/// A normalised column value (see [`normalise_key`]); reads as a `&str`.
#[derive(Clone)]
pub enum NormalKey<'a> {
    /// The value was already normal.
    Same(&'a str),
    /// ASCII, at most [`SHORT_KEY`] bytes.
    Short {
        bytes: [u8; SHORT_KEY],
        len: u8,
    },
    Long(String),
}

impl NormalKey<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            NormalKey::Same(s) => s,
            // Short keys are built from ASCII only, so this never falls back.
            NormalKey::Short { bytes, len } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            NormalKey::Long(s) => s,
        }
    }
}

impl std::ops::Deref for NormalKey<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for NormalKey<'_> {
    fn eq(&self, other: &NormalKey<'_>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<&str> for NormalKey<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for NormalKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for NormalKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Inline or not, a key is the trimmed text lower-cased with spaces and hyphens as
        /// underscores, character by character.
        #[test]
        fn a_key_is_the_text_folded(s in "[ a-zA-Z_-]{0,60}|\\PC{0,50}") {
            let want: String = s
                .trim()
                .chars()
                .map(|c| match c {
                    ' ' | '-' => '_',
                    c => c.to_ascii_lowercase(),
                })
                .collect();
            let key = normalise_key(&s);
            prop_assert_eq!(key.as_str(), want.as_str());
            prop_assert_eq!(key.len(), want.len());
        }
    }

    #[test]
    fn column_values_parse_forgivingly() {
        assert_eq!(
            Activity::parse("Care Coordination"),
            Some(Activity::CareCoordination)
        );
        assert_eq!(
            Activity::parse("care-coordination"),
            Some(Activity::CareCoordination)
        );
        assert_eq!(Activity::parse("counselling"), None);
        assert_eq!(Modality::parse("In-Person"), Some(Modality::InPerson));
        assert_eq!(
            StaffClass::parse("Non-Clinical"),
            Some(StaffClass::NonClinical)
        );
        assert_eq!(Sex::parse("female"), Some(Sex::Female));
        assert_eq!(Sex::parse("x"), None);
        assert_eq!(
            OutreachOutcome::parse("no answer"),
            Some(OutreachOutcome::Unsuccessful)
        );
    }

    #[test]
    fn only_outreach_is_outreach_class() {
        for a in Activity::ALL {
            assert_eq!(
                a.class() == ActivityClass::Outreach,
                a == Activity::Outreach
            );
        }
    }
}
