//! XLSX sheets read as rows of text, so spreadsheets and CSV go through the same checks.

use super::{InputError, Record};
use calamine::{Data, Reader};
use std::path::Path;

/// Reads the first worksheet (or one named like `wanted`) into a header and records.
pub fn read(
    path: &Path,
    name: &str,
    wanted: &[&str],
) -> Result<(Vec<String>, Vec<Record>), InputError> {
    let mut rows = sheet_rows(path, name, wanted)?.into_iter();
    let header = rows
        .next()
        .map(|r| r.fields.iter().map(str::to_string).collect());
    Ok((header.unwrap_or_default(), rows.collect()))
}

/// A worksheet as read: its name, its header row and the rows after it.
pub type SheetTable = (String, Vec<String>, Vec<Record>);

/// Every worksheet that has a non-blank row, in workbook order: its name, its first non-blank
/// row (the header) and the rows after it.
pub fn read_all(path: &Path, name: &str) -> Result<Vec<SheetTable>, InputError> {
    let mut wb = open(path, name)?;
    let mut out = Vec::new();
    for sheet in wb.sheet_names().to_vec() {
        let mut rows = rows_of(&mut wb, name, &sheet)?.into_iter();
        if let Some(header) = rows.next() {
            let header = header.fields.iter().map(str::to_string).collect();
            out.push((sheet, header, rows.collect()));
        }
    }
    Ok(out)
}

fn open(
    path: &Path,
    name: &str,
) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>, InputError> {
    calamine::open_workbook_auto(path).map_err(|e| InputError::Unreadable {
        file: name.to_string(),
        reason: format!("not a readable spreadsheet ({e})"),
    })
}

/// Every non-blank row of the first worksheet (or one named like `wanted`) as text, with its
/// spreadsheet row number; for layouts that are more than one table (an invoice's header block).
pub fn sheet_rows(path: &Path, name: &str, wanted: &[&str]) -> Result<Vec<Record>, InputError> {
    let mut wb = open(path, name)?;
    let sheets = wb.sheet_names().to_vec();
    let sheet = sheets
        .iter()
        .find(|s| wanted.iter().any(|w| s.eq_ignore_ascii_case(w)))
        .or_else(|| sheets.first())
        .cloned()
        .ok_or_else(|| InputError::Unreadable {
            file: name.to_string(),
            reason: "the workbook has no worksheet".into(),
        })?;
    rows_of(&mut wb, name, &sheet)
}

/// Every non-blank row of one worksheet as text, with its spreadsheet row number.
fn rows_of(
    wb: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
    sheet: &str,
) -> Result<Vec<Record>, InputError> {
    let range = wb
        .worksheet_range(sheet)
        .map_err(|e| InputError::Unreadable {
            file: name.to_string(),
            reason: format!("cannot read worksheet '{sheet}' ({e})"),
        })?;
    let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, cells)| {
            let mut fields = crate::input::Fields::new();
            for c in cells {
                fields.push_field(&cell_text(c));
            }
            Record {
                row: first_row + i as u32 + 1,
                fields,
                cp1252: false,
            }
        })
        .collect())
}

/// A cell as the text a CSV export would hold: whole numbers without `.0`, dates as YYYY-MM-DD.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                // Rust prints the shortest text that reads back as the same double, so 150.1
                // stays "150.1"; amounts are then parsed as decimals, never used as floats.
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        // A date-and-time cell is read as its day: every date the formats take is a day.
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.date().format("%Y-%m-%d").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        // As the sheet shows it (#N/A, #REF!): the row checks refuse it by that spelling.
        Data::Error(e) => e.to_string(),
    }
}
