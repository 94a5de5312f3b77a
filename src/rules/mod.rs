//! The one catalogue of validation rules. Every rejection, warning and `ecm check` finding names a
//! rule from here by its stable id; `ecm rules` prints the catalogue. Tests assert on the ids.
//!
//! Areas add their rules in their own file and list them in [`catalogue`].

pub mod check;
mod encounter;
mod finding;
mod ingest;
mod invoice;
mod reconcile;

pub use encounter::*;
pub use finding::{FINDING_COLUMNS, Finding};
pub use ingest::*;
pub use invoice::*;
pub use reconcile::*;

use serde::Serialize;

/// Whether a rule stops a row from being billed or only reports something worth knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row is rejected (not billed); the rejects file says why.
    Error,
    /// The row is billed; the summary reports it.
    Warning,
}

/// One validation rule.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `ENC-001`. Never reused for a different meaning.
    pub id: &'static str,
    pub severity: Severity,
    /// What the rule applies to: `encounter row`, `coding`, `837 file`...
    pub applies_to: &'static str,
    /// What is wrong, in a few words.
    pub title: &'static str,
    /// What the user should do about it.
    pub fix: &'static str,
}

/// Every rule, in id order.
pub fn catalogue() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    all.extend_from_slice(encounter::RULES);
    all.extend_from_slice(check::RULES);
    all.extend_from_slice(ingest::RULES);
    all.extend_from_slice(invoice::RULES);
    all.extend_from_slice(reconcile::RULES);
    all.sort_by_key(|r| r.id);
    all
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    catalogue().into_iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let all = catalogue();
        let mut ids: Vec<_> = all.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate rule id");
        for r in all {
            let (area, num) = r.id.split_once('-').expect("AREA-NNN");
            assert!(area.chars().all(|c| c.is_ascii_uppercase()), "{}", r.id);
            assert!(
                num.len() == 3 && num.chars().all(|c| c.is_ascii_digit()),
                "{}",
                r.id
            );
            assert!(!r.title.is_empty() && !r.fix.is_empty(), "{}", r.id);
        }
    }
}
