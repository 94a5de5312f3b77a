//! A finding: one rule broken by one input row, with where and what.

use super::{Rule, Severity};
use serde::Serialize;

/// One rule broken by one input record. Messages never carry a member's name or birth date: the
/// row number and encounter id are how the user finds the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    /// The input file as given on the command line.
    pub file: String,
    /// Spreadsheet row number (header = row 1); 0 when the finding is about the whole file.
    pub row: u32,
    pub encounter_id: Option<String>,
    /// The column the finding is about, when there is one.
    pub field: Option<String>,
    /// What exactly is wrong with this row.
    pub message: String,
}

fn rule_id<S: serde::Serializer>(r: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.id)
}

impl Finding {
    /// Whether the finding rejects the row.
    pub fn is_error(&self) -> bool {
        self.rule.severity == Severity::Error
    }

    /// `file row 7 (encounter E-7) field service_date: ENC-002 ...: message. Fix: ...`
    pub fn describe(&self) -> String {
        self.describe_as("encounter")
    }

    /// [`Finding::describe`] naming the row's id as `id_label` (`line L-7` for invoice lines).
    pub fn describe_as(&self, id_label: &str) -> String {
        let mut s = self.file.clone();
        if self.row > 0 {
            s.push_str(&format!(" row {}", self.row));
        }
        if let Some(e) = &self.encounter_id {
            s.push_str(&format!(" ({id_label} {e})"));
        }
        if let Some(f) = &self.field {
            s.push_str(&format!(" field {f}"));
        }
        format!(
            "{s}: {} {}: {} Fix: {}",
            self.rule.id, self.rule.title, self.message, self.rule.fix
        )
    }
}

/// The columns of a rejects/findings CSV, in order.
pub const FINDING_COLUMNS: [&str; 9] = [
    "file",
    "row",
    "encounter_id",
    "rule_id",
    "severity",
    "field",
    "title",
    "message",
    "fix",
];

impl Finding {
    /// The values for [`FINDING_COLUMNS`].
    pub fn csv_record(&self) -> [String; 9] {
        [
            self.file.clone(),
            self.row.to_string(),
            self.encounter_id.clone().unwrap_or_default(),
            self.rule.id.to_string(),
            match self.rule.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            self.field.clone().unwrap_or_default(),
            self.rule.title.to_string(),
            self.message.clone(),
            self.rule.fix.to_string(),
        ]
    }
}
