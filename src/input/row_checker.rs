//! Field checks shared by the roster and payment readers: each problem becomes a finding naming
//! the rule, the row and the field; every problem of a row is reported at once.

use super::{Record, excel_serial_date, parse_date};
use crate::model::Npi;
use crate::rules::{self, Finding, Rule};
use chrono::NaiveDate;

/// Checks the fields of one record.
pub struct RowChecker<'a> {
    file: &'a str,
    rec: &'a Record,
    /// The record is a workbook's row ([`super::Table::workbook`]): a bare number in a date
    /// field is a date cell that lost its date format, read as its day.
    workbook: bool,
    findings: Vec<Finding>,
}

impl<'a> RowChecker<'a> {
    /// Starts checking a record (a row not in UTF-8 is flagged at once). `workbook` says the
    /// record comes from a workbook's sheet ([`super::Table::workbook`]), where a date serial
    /// (`46275.75`) is a date; in a CSV a bare number is no date, since nothing says it is one.
    pub fn new(file: &'a str, rec: &'a Record, workbook: bool) -> Self {
        let mut c = RowChecker {
            file,
            rec,
            workbook,
            findings: Vec::new(),
        };
        if rec.cp1252 {
            c.find(
                &rules::RCN_BAD_ENCODING,
                None,
                "the row's bytes are not UTF-8; read as Windows-1252".into(),
            );
        }
        c
    }

    /// Records a finding about this row.
    pub fn find(&mut self, rule: &'static Rule, field: Option<&str>, message: String) {
        self.findings.push(Finding {
            rule,
            file: self.file.to_string(),
            row: self.rec.row,
            encounter_id: None,
            field: field.map(str::to_string),
            message,
        });
    }

    /// Whether an error was found.
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// The findings.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// Checks the row has as many fields as the header (its column names); false (with a
    /// finding naming where they part, [`super::wrong_width`]) when not.
    pub fn field_count(&mut self, header: &[String]) -> bool {
        if self.rec.fields.len() == header.len() {
            return true;
        }
        let (field, message) = super::wrong_width(self.rec.fields.len(), header);
        self.find(&rules::RCN_WRONG_FIELD_COUNT, Some(&field), message);
        false
    }

    fn value(&self, col: Option<usize>) -> &'a str {
        self.rec.get(col)
    }

    fn missing(&mut self, field: &str) {
        self.find(
            &rules::RCN_MISSING_FIELD,
            Some(field),
            format!("{field} is empty"),
        );
    }

    /// A required identifier: 1-80 characters, no control characters.
    pub fn required_identifier(&mut self, col: Option<usize>, field: &str) -> Option<String> {
        match self.optional_identifier(col, field) {
            Some(Some(v)) => Some(v),
            Some(None) => {
                self.missing(field);
                None
            }
            None => None,
        }
    }

    /// An optional identifier: `Some(None)` when empty, `None` when malformed.
    pub fn optional_identifier(
        &mut self,
        col: Option<usize>,
        field: &str,
    ) -> Option<Option<String>> {
        let v = self.value(col);
        if v.is_empty() {
            return Some(None);
        }
        if v.chars().count() > 80 || v.chars().any(char::is_control) {
            self.find(
                &rules::RCN_BAD_IDENTIFIER,
                Some(field),
                format!(
                    "{field} has {} characters or a control character",
                    v.chars().count()
                ),
            );
            return None;
        }
        Some(Some(v.to_string()))
    }

    /// Optional free text (kept as written, trimmed).
    pub fn text(&self, col: Option<usize>) -> Option<String> {
        let v = self.value(col);
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A required NPI.
    pub fn npi(&mut self, col: Option<usize>, field: &str) -> Option<Npi> {
        let v = self.value(col);
        if v.is_empty() {
            self.missing(field);
            return None;
        }
        match Npi::parse(v) {
            Ok(n) => Some(n),
            Err(e) => {
                let shown: String = v.chars().take(20).collect();
                self.find(
                    &rules::RCN_BAD_NPI,
                    Some(field),
                    format!("{field} '{shown}': {e}"),
                );
                None
            }
        }
    }

    /// A required date.
    pub fn required_date(&mut self, col: Option<usize>, field: &str) -> Option<NaiveDate> {
        match self.optional_date(col, field) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.missing(field);
                None
            }
            None => None,
        }
    }

    /// An optional date: `Some(None)` when empty, `None` when malformed. In a workbook a date
    /// serial is its day ([`excel_serial_date`]), as the encounter reader takes it.
    pub fn optional_date(&mut self, col: Option<usize>, field: &str) -> Option<Option<NaiveDate>> {
        let v = self.value(col);
        if v.is_empty() {
            return Some(None);
        }
        let day = parse_date(v).or_else(|p| {
            let serial = self.workbook.then(|| excel_serial_date(v)).flatten();
            serial.ok_or(p)
        });
        match day {
            Ok(d) => Some(Some(d)),
            Err(p) => {
                let what = p.what();
                let shown: String = v.chars().take(20).collect();
                self.find(
                    &rules::RCN_BAD_DATE,
                    Some(field),
                    format!("{field} '{shown}' {what}"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Fields;

    /// The dates of a one-field record read by a checker of a workbook or a CSV row, and the
    /// messages of its findings.
    fn read(v: &str, workbook: bool) -> (Option<Option<NaiveDate>>, Vec<String>) {
        let rec = Record {
            row: 2,
            fields: [v].into_iter().collect::<Fields>(),
            cp1252: false,
        };
        let mut c = RowChecker::new("roster.xlsx", &rec, workbook);
        let day = c.optional_date(Some(0), "ecm_start");
        let messages = c.into_findings().into_iter().map(|f| f.message).collect();
        (day, messages)
    }

    #[test]
    fn a_date_serial_is_its_day_in_a_workbook_only() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 10);
        for v in ["46275", "46275.75", "2026-09-10", "9/10/2026"] {
            assert_eq!(read(v, true), (Some(day), vec![]), "{v}");
        }
        // In a CSV nothing says a number is a date.
        for v in ["46275", "46275.75"] {
            assert_eq!(
                read(v, false),
                (
                    None,
                    vec![format!(
                        "ecm_start '{v}' is not a date in YYYY-MM-DD (or M/D/YYYY) form"
                    )]
                ),
                "{v}"
            );
        }
        // Outside the serials' range, or not a plain number, the message is as for a CSV.
        for (v, what) in [
            ("0", "is not a date in YYYY-MM-DD (or M/D/YYYY) form"),
            ("2958466", "is not a date in YYYY-MM-DD (or M/D/YYYY) form"),
            ("-3", "is not a date in YYYY-MM-DD (or M/D/YYYY) form"),
            ("1e5", "is not a date in YYYY-MM-DD (or M/D/YYYY) form"),
            ("2025-02-30", "is not a real calendar day"),
        ] {
            for workbook in [true, false] {
                assert_eq!(
                    read(v, workbook),
                    (None, vec![format!("ecm_start '{v}' {what}")]),
                    "{v} {workbook}"
                );
            }
        }
    }
}
