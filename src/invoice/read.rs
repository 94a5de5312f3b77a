//! Reading invoices back (the plan side): our CSV, our XLSX, or a sheet filled in by hand from
//! our template. Whatever the form, the result is one table whose columns are the layout's keys
//! and whose every row carries the header fields, so the line checks see one shape.
//!
//! Forgiving where a clerk would be: header labels in any case and spacing (`Line ID`), numbers
//! and dates stored as spreadsheet numbers, blank rows, and the total row under the table.

use super::layout::{HEADER_FIELDS, LINE_FIELDS, TOTAL_LABEL};
use crate::input::{InputError, Record, Table, xlsx};
use crate::model::normalise_key;
use std::path::Path;

/// Fields every invoice line must have a column for.
pub const REQUIRED: [&str; 19] = [
    "invoice_number",
    "provider_npi",
    "provider_name",
    "provider_tin",
    "provider_address",
    "provider_city",
    "provider_state",
    "provider_zip",
    "line_id",
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "hcpcs",
    "units",
    "charge",
    "place_of_service",
];

/// The number of layout fields (header, then line).
pub const FIELD_COUNT: usize = HEADER_FIELDS.len() + LINE_FIELDS.len();

/// The layout key of field `i` (header fields first).
pub fn field_key(i: usize) -> &'static str {
    if i < HEADER_FIELDS.len() {
        HEADER_FIELDS[i].0
    } else {
        LINE_FIELDS[i - HEADER_FIELDS.len()].0
    }
}

/// The position of a layout key among the fields.
pub fn field_index(key: &str) -> Option<usize> {
    (0..FIELD_COUNT).find(|&i| field_key(i) == key)
}

/// Where each layout field sits in one file's table.
#[derive(Debug, Clone)]
pub struct InvoiceColumns {
    at: [Option<usize>; FIELD_COUNT],
    /// How many fields the header has.
    pub width: usize,
}

impl InvoiceColumns {
    /// Locates the layout's fields in a table (header names matched as keys), failing on a
    /// missing required one.
    pub fn locate(t: &Table) -> Result<InvoiceColumns, InputError> {
        let mut at = [None; FIELD_COUNT];
        for (c, name) in t.columns.iter().enumerate() {
            if let Some(i) = field_index(&normalise_key(name))
                && at[i].is_none()
            {
                at[i] = Some(c);
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|k| at[field_index(k).expect("a layout key")].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(InputError::MissingColumns {
                file: t.name.clone(),
                missing: missing.join(", "),
            });
        }
        Ok(InvoiceColumns {
            at,
            width: t.columns.len(),
        })
    }

    /// The column of a layout key.
    pub fn get(&self, key: &str) -> Option<usize> {
        field_index(key).and_then(|i| self.at[i])
    }

    /// Header columns that are not layout fields.
    pub fn unknown(t: &Table) -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| !c.is_empty() && field_index(&normalise_key(c)).is_none())
            .cloned()
            .collect()
    }
}

/// Opens an invoice: a CSV as it is, a spreadsheet by finding its table (the row naming
/// `line_id` and `hcpcs`) and the label/value pairs above it.
pub fn open_invoice(path: &Path) -> Result<Table, InputError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        return Table::open(path, &[]);
    }
    let name = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let rows = xlsx::sheet_rows(path, &name, &[super::xlsx_out::INVOICE_SHEET])?;
    let keys = |r: &Record| -> Vec<String> { r.fields.iter().map(normalise_key).collect() };
    let Some(h) = rows.iter().position(|r| {
        let k = keys(r);
        k.iter().any(|c| c == "line_id") && k.iter().any(|c| c == "hcpcs")
    }) else {
        return Err(InputError::MissingColumns {
            file: name,
            missing: "line_id, hcpcs (no row of the sheet names the invoice's columns)".into(),
        });
    };
    let mut columns = keys(&rows[h]);
    let width = columns.len();
    // The header block: label in the first cell, value in the second.
    let mut block = Vec::new();
    for r in &rows[..h] {
        let label = normalise_key(r.fields.get(0).unwrap_or(""));
        if HEADER_FIELDS.iter().any(|(k, _)| *k == label)
            && !columns.contains(&label)
            && !block.iter().any(|(k, _): &(String, String)| *k == label)
        {
            block.push((label, r.fields.get(1).unwrap_or("").trim().to_string()));
        }
    }
    columns.extend(block.iter().map(|(k, _)| k.clone()));
    let number_col = columns.iter().position(|c| c == "line_number").unwrap_or(0);
    let total = normalise_key(TOTAL_LABEL);
    let mut records = Vec::new();
    for r in &rows[h + 1..] {
        if normalise_key(r.fields.get(number_col).unwrap_or("")) == total {
            break;
        }
        let mut fields = csv::StringRecord::new();
        for c in 0..width {
            fields.push_field(r.fields.get(c).unwrap_or(""));
        }
        for (_, v) in &block {
            fields.push_field(v);
        }
        records.push(Record {
            row: r.row,
            fields,
            cp1252: false,
        });
    }
    Ok(Table::from_records(&name, columns, records, size))
}
