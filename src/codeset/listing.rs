//! The code set as one flat list of rows in force on a date, for `ecm codes`.

use super::{CodeSet, Confidence};
use chrono::NaiveDate;
use serde::Serialize;

/// One code-set row, flattened: which table, its id, what it maps from and to, and provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeRow {
    pub table: &'static str,
    pub id: String,
    /// What the row is about (e.g. `outreach / non_clinical / remote`).
    pub key: String,
    /// What it says (e.g. `G9012 U8`).
    pub value: String,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub confidence: Confidence,
    pub source: String,
}

impl CodeSet {
    /// Every row in force on `on` (populations of focus: those live by then), table by table.
    pub fn rows_in_force(&self, on: NaiveDate, early_implementation_county: bool) -> Vec<CodeRow> {
        let mut out = Vec::new();
        for r in self.hcpcs.iter().filter(|r| r.effective.contains(on)) {
            out.push(CodeRow {
                table: "ecm-hcpcs",
                id: r.id.clone(),
                key: format!(
                    "{} / {} / {}",
                    match r.activity_class {
                        crate::model::ActivityClass::Outreach => "outreach",
                        crate::model::ActivityClass::Enrolled => "enrolled",
                    },
                    r.staff_class.key(),
                    r.modality_class.key()
                ),
                value: format!(
                    "{} {} ({} unit)",
                    r.hcpcs,
                    r.modifiers.join(" "),
                    r.unit_basis.key()
                ),
                effective_from: Some(r.effective.effective_from),
                effective_to: r.effective.effective_to,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        for r in self.telehealth.iter().filter(|r| r.effective.contains(on)) {
            out.push(CodeRow {
                table: "telehealth-modifiers",
                id: r.id.clone(),
                key: r.modality.key().to_string(),
                value: r.modifier.to_string(),
                effective_from: Some(r.effective.effective_from),
                effective_to: r.effective.effective_to,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        for r in &self.modalities {
            out.push(CodeRow {
                table: "modalities",
                id: r.id.clone(),
                key: r.modality.key().to_string(),
                value: format!(
                    "{}{}, default place of service {}",
                    r.modality_class.key(),
                    if r.outreach_only {
                        ", outreach only"
                    } else {
                        ""
                    },
                    r.default_place_of_service
                ),
                effective_from: None,
                effective_to: None,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        for r in &self.staff_roles {
            let mut names = vec![r.role.clone()];
            names.extend(r.aliases.iter().cloned());
            out.push(CodeRow {
                table: "staff-roles",
                id: r.id.clone(),
                key: names.join(", "),
                value: r.staff_class.key().to_string(),
                effective_from: None,
                effective_to: None,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        for r in &self.populations {
            let live = r.live_for(early_implementation_county);
            if live <= on {
                out.push(CodeRow {
                    table: "populations-of-focus",
                    id: r.id.clone(),
                    key: r.id.clone(),
                    value: r.name.clone(),
                    effective_from: Some(live),
                    effective_to: None,
                    confidence: r.provenance.confidence,
                    source: r.provenance.source.clone(),
                });
            }
        }
        for r in self.places.iter().filter(|r| r.effective.contains(on)) {
            out.push(CodeRow {
                table: "places-of-service",
                id: r.id.clone(),
                key: r.code.to_string(),
                value: r.name.clone(),
                effective_from: Some(r.effective.effective_from),
                effective_to: r.effective.effective_to,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        for r in self.programs.iter().filter(|r| r.effective.contains(on)) {
            out.push(CodeRow {
                table: "duplicative-programs",
                id: r.id.clone(),
                key: r.id.clone(),
                value: format!("{}: {}", r.rule.key(), r.name),
                effective_from: Some(r.effective.effective_from),
                effective_to: r.effective.effective_to,
                confidence: r.provenance.confidence,
                source: r.provenance.source.clone(),
            });
        }
        out
    }
}
