//! The XLSX invoice a billing clerk opens and prints: a header block (label, value) above a
//! table of lines with a frozen header row, dates and money formatted, a total row, and a
//! second sheet with the totals by code. Written in rust_xlsxwriter's constant-memory mode, row
//! by row, so a large invoice does not grow memory.
//!
//! The totals are formulas (so a sheet edited by hand stays right) with the computed value
//! stored as their result (so readers that do not calculate, like `ecm ingest`, see it too).

use super::document::{Invoice, LineView};
use super::layout::{HEADER_FIELDS, LINE_FIELDS, TOTAL_LABEL, header, line};
use crate::billing::{Registry, ServiceLine};
use crate::model::Money;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use std::io::Write;
use std::path::Path;

/// The worksheet holding the invoice (what `ecm ingest` looks for first).
pub const INVOICE_SHEET: &str = "Invoice";
/// The worksheet with the totals by code.
pub const BY_CODE_SHEET: &str = "By code";

/// The row (0-based) of the table's header: after the title, the header block and a blank row.
pub const TABLE_HEADER_ROW: u32 = HEADER_FIELDS.len() as u32 + 2;

/// The most lines one sheet can hold under the table header, leaving a row for the total.
pub const MAX_XLSX_LINES: usize = 1_048_576 - TABLE_HEADER_ROW as usize - 2;

/// Why an XLSX invoice could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxInvoiceError {
    #[error(
        "invoice {number} has {lines} lines; an XLSX sheet holds at most {MAX_XLSX_LINES}: use --format csv for it"
    )]
    TooManyLines { number: String, lines: usize },
    #[error("{0}")]
    Xlsx(#[from] XlsxError),
}

struct Formats {
    title: Format,
    label: Format,
    table_header: Format,
    date: Format,
    money: Format,
    total_label: Format,
    total_number: Format,
    total_money: Format,
}

impl Formats {
    fn new() -> Formats {
        let money = "$#,##0.00";
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            label: Format::new().set_bold(),
            table_header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            money: Format::new().set_num_format(money),
            total_label: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_number: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_money: Format::new()
                .set_bold()
                .set_border_top(FormatBorder::Thin)
                .set_num_format(money),
        }
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// Money as the double a spreadsheet cell holds. Display only: the invoice's money is decimal
/// everywhere else, and a reader gets the same two-decimal amount back from the shortest
/// decimal spelling of this double.
fn cell_amount(m: Money) -> f64 {
    m.amount().to_f64().unwrap_or(0.0)
}

/// Column letters for a 0-based column (A..Z, AA..).
fn column_name(mut col: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Writes the invoice workbook to `w`. `created` is the document's creation time (the run's
/// clock, so the bytes depend only on the inputs); constant-memory temporary files go to
/// `tempdir`.
pub fn write_xlsx<W: Write + Send>(
    w: W,
    inv: &Invoice,
    lines: &[ServiceLine],
    reg: &Registry,
    created: NaiveDateTime,
    tempdir: &Path,
) -> Result<(), XlsxInvoiceError> {
    if inv.lines.len() > MAX_XLSX_LINES {
        return Err(XlsxInvoiceError::TooManyLines {
            number: inv.header.invoice_number.clone(),
            lines: inv.lines.len(),
        });
    }
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_tempdir(tempdir)?;
    let created = ExcelDateTime::from_ymd(
        created.year() as u16,
        created.month() as u8,
        created.day() as u8,
    )?
    .and_hms(created.hour() as u16, created.minute() as u8, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Invoice {}", inv.header.invoice_number))
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(INVOICE_SHEET)?;
    invoice_sheet(ws, inv, lines, reg, &f)?;
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(BY_CODE_SHEET)?;
    by_code_sheet(ws, inv, &f)?;
    wb.save_to_writer(w)?;
    Ok(())
}

fn invoice_sheet(
    ws: &mut Worksheet,
    inv: &Invoice,
    lines: &[ServiceLine],
    reg: &Registry,
    f: &Formats,
) -> Result<(), XlsxError> {
    let widths: [f64; LINE_FIELDS.len()] = [
        7.0, 16.0, 16.0, 13.0, 11.0, 16.0, 14.0, 11.0, 6.0, 11.0, 18.0, 7.0, 9.0, 6.0, 11.0, 7.0,
        18.0, 16.0, 12.0, 16.0, 14.0, 10.0, 16.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(TABLE_HEADER_ROW, TABLE_HEADER_ROW)?;
    ws.set_freeze_panes(TABLE_HEADER_ROW + 1, 0)?;

    ws.write_string_with_format(0, 0, "Invoice", &f.title)?;
    let values = inv.header.values();
    for (i, (_, label)) in HEADER_FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, *label, &f.label)?;
        let date = match i {
            header::INVOICE_DATE => Some(inv.header.invoice_date),
            header::PERIOD_START => Some(inv.header.period_start),
            header::PERIOD_END => Some(inv.header.period_end),
            _ => None,
        };
        match date {
            Some(d) => ws.write_datetime_with_format(row, 1, excel_date(d)?, &f.date)?,
            None => ws.write_string(row, 1, &values[i])?,
        };
    }

    for (c, (_, label)) in LINE_FIELDS.iter().enumerate() {
        ws.write_string_with_format(TABLE_HEADER_ROW, c as u16, *label, &f.table_header)?;
    }
    let first = TABLE_HEADER_ROW + 1;
    let mut buf = String::new();
    for (n, &i) in inv.lines.iter().enumerate() {
        let row = first + n as u32;
        let v = LineView::new(n as u32 + 1, i, lines, reg);
        for c in 0..LINE_FIELDS.len() {
            let col = c as u16;
            match c {
                line::LINE_NUMBER => {
                    ws.write_number(row, col, f64::from(v.number))?;
                }
                line::UNITS => {
                    ws.write_number(row, col, f64::from(v.line.coding.units))?;
                }
                line::CHARGE => {
                    ws.write_number_with_format(row, col, cell_amount(v.charge()), &f.money)?;
                }
                line::SERVICE_DATE => {
                    ws.write_datetime_with_format(
                        row,
                        col,
                        excel_date(v.line.service_date)?,
                        &f.date,
                    )?;
                }
                line::MEMBER_DOB => {
                    ws.write_datetime_with_format(row, col, excel_date(v.member.dob)?, &f.date)?;
                }
                _ => {
                    v.field(c, &mut buf);
                    if !buf.is_empty() {
                        ws.write_string(row, col, &buf)?;
                    }
                }
            }
        }
    }

    let total_row = first + inv.lines.len() as u32;
    let last = total_row.saturating_sub(1).max(first);
    let sum = |col: usize| {
        let c = column_name(col as u16);
        format!("=SUM({c}{}:{c}{})", first + 1, last + 1)
    };
    ws.write_string_with_format(
        total_row,
        line::LINE_NUMBER as u16,
        TOTAL_LABEL,
        &f.total_label,
    )?;
    ws.write_formula_with_format(
        total_row,
        line::UNITS as u16,
        Formula::new(sum(line::UNITS)).set_result(inv.units.to_string()),
        &f.total_number,
    )?;
    ws.write_formula_with_format(
        total_row,
        line::CHARGE as u16,
        Formula::new(sum(line::CHARGE)).set_result(inv.total.to_cents_string()),
        &f.total_money,
    )?;
    Ok(())
}

fn by_code_sheet(ws: &mut Worksheet, inv: &Invoice, f: &Formats) -> Result<(), XlsxError> {
    for (c, w) in [9.0, 11.0, 8.0, 8.0, 14.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, h) in ["HCPCS", "Modifiers", "Lines", "Units", "Charge"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &f.table_header)?;
    }
    for (i, t) in inv.by_code.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &t.hcpcs)?;
        if !t.modifiers.is_empty() {
            ws.write_string(row, 1, &t.modifiers)?;
        }
        ws.write_number(row, 2, t.lines as f64)?;
        ws.write_number(row, 3, t.units as f64)?;
        ws.write_number_with_format(row, 4, cell_amount(t.charge), &f.money)?;
    }
    let total_row = inv.by_code.len() as u32 + 1;
    let range = |c: &str| format!("=SUM({c}2:{c}{})", total_row.max(2));
    ws.write_string_with_format(total_row, 0, TOTAL_LABEL, &f.total_label)?;
    ws.write_string_with_format(total_row, 1, "", &f.total_label)?;
    ws.write_formula_with_format(
        total_row,
        2,
        Formula::new(range("C")).set_result(inv.lines.len().to_string()),
        &f.total_number,
    )?;
    ws.write_formula_with_format(
        total_row,
        3,
        Formula::new(range("D")).set_result(inv.units.to_string()),
        &f.total_number,
    )?;
    ws.write_formula_with_format(
        total_row,
        4,
        Formula::new(range("E")).set_result(inv.total.to_cents_string()),
        &f.total_money,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_like_a_spreadsheet() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(14), "O");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
