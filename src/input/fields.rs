//! Checking the fields of one input row: required values, identifiers and free text fit for
//! X12, dates, and the values several row formats share (sex, CIN, diagnoses, the rendering
//! provider, a charge). Encounter rows and invoice lines are judged by the same code; each
//! format names its own rule ids through a [`FieldRules`].

use super::{Record, parse_date};
use crate::model::text::{TextError, Transliteration, check_x12_ascii, to_x12_text};
use crate::model::{DiagnosisCode, MAX_AMOUNT, Money, MoneyError, Npi, Rendering, Sex, Text};
use crate::rules::{Finding, Rule};
use chrono::NaiveDate;
use serde::Serialize;

/// The rule each kind of field problem is reported under, for one row format.
#[derive(Debug)]
pub struct FieldRules {
    /// A required field is empty.
    pub missing: &'static Rule,
    /// A date cannot be read or does not exist.
    pub bad_date: &'static Rule,
    /// A field holds an X12 delimiter or a control character.
    pub delimiter: &'static Rule,
    /// A field holds characters with no plain-ASCII spelling.
    pub no_ascii: &'static Rule,
    /// A field is longer (or shorter) than the 837 allows.
    pub too_long: &'static Rule,
    pub bad_sex: &'static Rule,
    pub bad_cin: &'static Rule,
    pub bad_diagnosis: &'static Rule,
    pub too_many_diagnoses: &'static Rule,
    pub bad_rendering_npi: &'static Rule,
    pub incomplete_rendering: &'static Rule,
    pub bad_charge: &'static Rule,
    /// The row has another number of fields than the header.
    pub wrong_field_count: &'static Rule,
    /// The row was not UTF-8 (a warning).
    pub bad_encoding: &'static Rule,
}

/// Accented letters changed in one field of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldTransliteration {
    pub field: &'static str,
    /// Each change, in order.
    pub changes: Vec<Transliteration>,
}

impl FieldTransliteration {
    /// `ñ->n é->e`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // Writing to a String cannot fail.
            let _ = c.write_to(&mut out);
        }
        out
    }
}

/// Checks the fields of one row, collecting every finding (so a row is fixed in one pass) and
/// every transliteration.
pub struct FieldChecker<'r> {
    rec: &'r Record,
    file: &'r str,
    rules: &'static FieldRules,
    /// The row's own id (encounter or line id), shown in findings when it is printable.
    pub id: Text,
    pub findings: Vec<Finding>,
    pub transliterations: Vec<FieldTransliteration>,
}

impl<'r> FieldChecker<'r> {
    /// A checker for `rec` of `file`; `raw_id` is the row's id as written (kept for findings
    /// only when it is a printable id).
    pub fn new(
        rec: &'r Record,
        file: &'r str,
        rules: &'static FieldRules,
        raw_id: &str,
    ) -> FieldChecker<'r> {
        FieldChecker {
            rec,
            file,
            rules,
            id: if check_x12_ascii(raw_id).is_ok() && raw_id.len() <= 50 {
                Text::new(raw_id)
            } else {
                Text::default()
            },
            findings: Vec::new(),
            transliterations: Vec::new(),
        }
    }

    /// The row number.
    pub fn row(&self) -> u32 {
        self.rec.row
    }

    /// The name of the row's file (or `file[sheet]`).
    pub fn file(&self) -> &str {
        self.file
    }

    /// Records a finding about this row.
    pub fn find(&mut self, rule: &'static Rule, field: Option<&str>, message: String) {
        self.findings.push(Finding {
            rule,
            file: self.file.to_string(),
            row: self.rec.row,
            encounter_id: (!self.id.is_empty()).then(|| self.id.to_string()),
            field: field.map(str::to_string),
            message,
        });
    }

    /// Checks the row's shape against the header's column names: a row of another width is
    /// reported (naming where it and the header part, [`super::wrong_width`]) and must not be
    /// read further (false); a row read as Windows-1252 is flagged.
    pub fn shape(&mut self, header: &[String]) -> bool {
        if self.rec.fields.len() != header.len() {
            let (field, message) = super::wrong_width(self.rec.fields.len(), header);
            self.find(self.rules.wrong_field_count, Some(&field), message);
            return false;
        }
        if self.rec.cp1252 {
            self.find(
                self.rules.bad_encoding,
                None,
                "the row's bytes are not UTF-8; read as Windows-1252".into(),
            );
        }
        true
    }

    /// Whether any finding so far is an error.
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// A trimmed field, borrowed from the record (not from the checker), so findings can be
    /// added while it is in use.
    pub fn raw(&self, col: Option<usize>) -> &'r str {
        let rec: &'r Record = self.rec;
        rec.get(col)
    }

    /// The field, or a finding that it is empty.
    pub fn required(&mut self, col: Option<usize>, field: &'static str) -> Option<&'r str> {
        let v = self.raw(col);
        if v.is_empty() {
            self.find(self.rules.missing, Some(field), format!("{field} is empty"));
            None
        } else {
            Some(v)
        }
    }

    fn text_problem(&mut self, field: &'static str, e: TextError) {
        let rule = match e {
            TextError::NoAscii(_) | TextError::LoneMark(_) | TextError::NotPlain(_) => {
                self.rules.no_ascii
            }
            TextError::Delimiter(_) | TextError::Control(_) => self.rules.delimiter,
        };
        self.find(rule, Some(field), format!("{field} {e}"));
    }

    /// An identifier: plain ASCII, no delimiters, within X12 lengths.
    pub fn ident(&mut self, v: &str, field: &'static str, min: usize, max: usize) -> Option<Text> {
        if let Err(e) = check_x12_ascii(v) {
            self.text_problem(field, e);
            return None;
        }
        self.length(v, field, min, max).then(|| Text::new(v))
    }

    fn length(&mut self, v: &str, field: &'static str, min: usize, max: usize) -> bool {
        let n = if v.is_ascii() {
            v.len()
        } else {
            v.chars().count()
        };
        if n > max || n < min {
            let range = if min > 1 {
                format!("{min} to {max}")
            } else {
                format!("at most {max}")
            };
            self.find(
                self.rules.too_long,
                Some(field),
                format!("{field} has {n} characters; the 837 allows {range}"),
            );
            false
        } else {
            true
        }
    }

    /// Free text for X12: transliterated (reported), then length-checked.
    pub fn text(&mut self, v: &str, field: &'static str, max: usize) -> Option<Text> {
        self.text_between(v, field, 1, max)
    }

    /// Free text for an element with a minimum length above 1 (a city, N401, is 2 to 30), so a
    /// value the 837 writer would refuse is refused here, on its row.
    pub fn text_between(
        &mut self,
        v: &str,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Option<Text> {
        match to_x12_text(v) {
            Ok((t, changes)) => {
                if !changes.is_empty() {
                    self.transliterations
                        .push(FieldTransliteration { field, changes });
                }
                self.length(&t, field, min, max).then_some(t)
            }
            Err(e) => {
                self.text_problem(field, e);
                None
            }
        }
    }

    /// A date; `show_value` is false for birth dates, which never appear in messages.
    pub fn date(&mut self, v: &str, field: &'static str, show_value: bool) -> Option<NaiveDate> {
        match parse_date(v) {
            Ok(d) => Some(d),
            Err(p) => {
                let shown = if show_value {
                    format!(" '{v}'")
                } else {
                    String::new()
                };
                let what = p.what();
                self.find(
                    self.rules.bad_date,
                    Some(field),
                    format!("{field}{shown} {what}"),
                );
                None
            }
        }
    }

    /// `F`, `M` or `U`.
    pub fn sex(&mut self, v: &str, field: &'static str) -> Option<Sex> {
        let s = Sex::parse(v);
        if s.is_none() {
            self.find(
                self.rules.bad_sex,
                Some(field),
                format!("{field} '{v}' is not F, M or U"),
            );
        }
        s
    }

    /// A Medi-Cal CIN (8 digits then a letter), upper-cased; empty is `None`.
    pub fn cin(&mut self, v: &str, field: &'static str) -> Option<Text> {
        if v.is_empty() {
            return None;
        }
        let b = v.as_bytes();
        if b.len() == 9 && b[..8].iter().all(u8::is_ascii_digit) && b[8].is_ascii_alphabetic() {
            let mut t = Text::new(v);
            t.make_ascii_uppercase();
            Some(t)
        } else {
            self.find(
                self.rules.bad_cin,
                Some(field),
                format!("{field} is not 8 digits followed by a letter"),
            );
            None
        }
    }

    /// A non-negative amount with at most two decimals; empty is `None`.
    pub fn charge(&mut self, v: &str, field: &'static str) -> Option<Money> {
        self.charge_or_credit(v, field, false)
    }

    /// The charge of a void line: the amount voided, written as the original charge (150.00) or
    /// as the credit an invoice shows for it (-150.00); either way the original charge is
    /// returned. Empty is `None`.
    pub fn void_charge(&mut self, v: &str, field: &'static str) -> Option<Money> {
        self.charge_or_credit(v, field, true)
    }

    fn charge_or_credit(&mut self, v: &str, field: &'static str, credit: bool) -> Option<Money> {
        if v.is_empty() {
            return None;
        }
        let problem = match Money::parse(v) {
            Ok(m) if !m.is_negative() => return Some(m),
            Ok(m) if credit => return Some(-m),
            Ok(_) => "is negative; a charge is 0 or more".to_string(),
            Err(MoneyError::TooLarge | MoneyError::TooLargeForX12) => {
                format!("is over the maximum amount, {MAX_AMOUNT}")
            }
            // More digits than a decimal holds is a number too, and far over the maximum.
            Err(MoneyError::Syntax)
                if v.len() > 20
                    && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && v.bytes().filter(|&b| b == b'.').count() <= 1 =>
            {
                format!("is over the maximum amount, {MAX_AMOUNT}")
            }
            Err(MoneyError::TooPrecise) => "has more than two decimals (cents)".to_string(),
            Err(MoneyError::Syntax | MoneyError::PointLast) => {
                "is not a plain amount such as 150.00 (no $ sign, no thousands separators)"
                    .to_string()
            }
        };
        self.find(
            self.rules.bad_charge,
            Some(field),
            format!("{field} '{v}' {problem}"),
        );
        None
    }

    /// ICD-10-CM codes separated by `;` (or `,`), without repeats; at most 12.
    pub fn diagnoses(&mut self, raw: &str, field: &'static str) -> Vec<DiagnosisCode> {
        let mut out: Vec<DiagnosisCode> = Vec::new();
        for (i, part) in raw
            .split([';', ','])
            .map(crate::model::text::trim)
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            match DiagnosisCode::parse(part) {
                Ok(d) => {
                    if !out.contains(&d) {
                        out.push(d);
                    }
                }
                Err(e) => self.find(
                    self.rules.bad_diagnosis,
                    Some(field),
                    format!("diagnosis code #{} is malformed: {e}", i + 1),
                ),
            }
        }
        if out.len() > 12 {
            self.find(
                self.rules.too_many_diagnoses,
                Some(field),
                format!(
                    "{} distinct diagnosis codes; an 837 claim carries at most 12",
                    out.len()
                ),
            );
        }
        out
    }

    /// The rendering provider from its NPI, last and first name (fields named `prefix_npi`,
    /// `prefix_last_name`, `prefix_first_name`): all empty is `None`; NPI and last name go
    /// together.
    pub fn rendering(
        &mut self,
        [npi_raw, last_raw, first_raw]: [&str; 3],
        [npi_field, last_field, first_field]: [&'static str; 3],
    ) -> Option<Rendering> {
        if npi_raw.is_empty() && last_raw.is_empty() && first_raw.is_empty() {
            return None;
        }
        let npi = if npi_raw.is_empty() {
            None
        } else {
            match Npi::parse(npi_raw) {
                Ok(n) => Some(n),
                Err(e) => {
                    self.find(
                        self.rules.bad_rendering_npi,
                        Some(npi_field),
                        format!("{npi_field} '{npi_raw}': {e}"),
                    );
                    return None;
                }
            }
        };
        if npi.is_none() || last_raw.is_empty() {
            let missing = if npi.is_none() { npi_field } else { last_field };
            self.find(
                self.rules.incomplete_rendering,
                Some(missing),
                format!("a rendering provider is named but {missing} is empty"),
            );
            return None;
        }
        let last_name = self.text(last_raw, last_field, 60)?;
        let first_name = if first_raw.is_empty() {
            None
        } else {
            Some(self.text(first_raw, first_field, 35)?)
        };
        Some(Rendering {
            npi: npi?,
            last_name,
            first_name,
        })
    }
}
