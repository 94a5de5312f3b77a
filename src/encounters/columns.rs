//! The encounter file's header contract (design.md): the column names are the interface.

use crate::input::Table;

/// Columns every encounter file must have.
pub const REQUIRED: [&str; 11] = [
    "encounter_id",
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "activity",
    "staff_role",
    "modality",
    "payer",
];

/// Columns an encounter file may have.
pub const OPTIONAL: [&str; 17] = [
    "member_cin",
    "member_address",
    "member_city",
    "member_state",
    "member_zip",
    "minutes",
    "outreach_outcome",
    "staff_type",
    "place_of_service",
    "diagnosis_codes",
    "authorization_number",
    "rendering_npi",
    "rendering_last_name",
    "rendering_first_name",
    "population_of_focus",
    "note_id",
    "charge",
];

/// Columns a correcting row adds: `correction` (`replace` or `void`), `replaces_encounter_id`
/// (the line it corrects) and `original_claim_id` (CLM01 of the claim that carried it; needed
/// when the correction is billed as a claim).
pub const CORRECTION: [&str; 3] = ["correction", "replaces_encounter_id", "original_claim_id"];

/// Where each contract column sits in one file's header.
#[derive(Debug, Clone)]
pub struct Columns {
    pub encounter_id: usize,
    pub member_id: usize,
    pub member_last_name: usize,
    pub member_first_name: usize,
    pub member_dob: usize,
    pub member_sex: usize,
    pub service_date: usize,
    pub activity: usize,
    pub staff_role: usize,
    pub modality: usize,
    pub payer: usize,
    pub member_cin: Option<usize>,
    pub member_address: Option<usize>,
    pub member_city: Option<usize>,
    pub member_state: Option<usize>,
    pub member_zip: Option<usize>,
    pub minutes: Option<usize>,
    pub outreach_outcome: Option<usize>,
    pub staff_type: Option<usize>,
    pub place_of_service: Option<usize>,
    pub diagnosis_codes: Option<usize>,
    pub authorization_number: Option<usize>,
    pub rendering_npi: Option<usize>,
    pub rendering_last_name: Option<usize>,
    pub rendering_first_name: Option<usize>,
    pub population_of_focus: Option<usize>,
    pub note_id: Option<usize>,
    pub charge: Option<usize>,
    pub correction: Option<usize>,
    pub replaces_encounter_id: Option<usize>,
    pub original_claim_id: Option<usize>,
    /// The header's column names (how many fields a row must have, and what a short row lacks).
    pub header: Vec<String>,
    /// Every contract column the header has, by position, for checks that apply to all of them.
    pub named: Vec<(usize, &'static str)>,
}

impl Columns {
    /// Locates the contract's columns in a table, failing on a missing required one.
    pub fn locate(t: &Table) -> Result<Columns, crate::input::InputError> {
        t.require(&REQUIRED)?;
        let req = |n: &str| t.column(n).expect("checked by require");
        let opt = |n: &str| t.column(n);
        Ok(Columns {
            encounter_id: req("encounter_id"),
            member_id: req("member_id"),
            member_last_name: req("member_last_name"),
            member_first_name: req("member_first_name"),
            member_dob: req("member_dob"),
            member_sex: req("member_sex"),
            service_date: req("service_date"),
            activity: req("activity"),
            staff_role: req("staff_role"),
            modality: req("modality"),
            payer: req("payer"),
            member_cin: opt("member_cin"),
            member_address: opt("member_address"),
            member_city: opt("member_city"),
            member_state: opt("member_state"),
            member_zip: opt("member_zip"),
            minutes: opt("minutes"),
            outreach_outcome: opt("outreach_outcome"),
            staff_type: opt("staff_type"),
            place_of_service: opt("place_of_service"),
            diagnosis_codes: opt("diagnosis_codes"),
            authorization_number: opt("authorization_number"),
            rendering_npi: opt("rendering_npi"),
            rendering_last_name: opt("rendering_last_name"),
            rendering_first_name: opt("rendering_first_name"),
            population_of_focus: opt("population_of_focus"),
            note_id: opt("note_id"),
            charge: opt("charge"),
            correction: opt("correction"),
            replaces_encounter_id: opt("replaces_encounter_id"),
            original_claim_id: opt("original_claim_id"),
            header: t.columns.clone(),
            named: Self::all_names()
                .into_iter()
                .filter_map(|n| t.column(n).map(|i| (i, n)))
                .collect(),
        })
    }

    /// Every column name of the contract.
    pub fn all_names() -> Vec<&'static str> {
        REQUIRED
            .iter()
            .chain(OPTIONAL.iter())
            .chain(CORRECTION.iter())
            .copied()
            .collect()
    }
}
