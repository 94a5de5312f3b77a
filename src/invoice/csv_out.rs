//! The CSV invoice: one row per line, every row repeating the header fields, so a plan can load
//! it as one flat table (the form `ecm ingest` reads).

use super::document::{Invoice, InvoiceHeader, LineView};
use super::layout::{LINE_FIELDS, csv_columns};
use crate::billing::{Registry, ServiceLine, prefetch_ahead};
use crate::report::push_csv_field;
use std::io::{self, Write};

/// The header row, with its line break.
pub fn header_row() -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in csv_columns().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_csv_field(&mut out, c);
    }
    out.push(b'\n');
    out
}

/// The header fields as they start every row of one invoice, with the trailing comma.
pub fn row_prefix(header: &InvoiceHeader) -> Vec<u8> {
    let mut out = Vec::new();
    for v in header.values() {
        push_csv_field(&mut out, &v);
        out.push(b',');
    }
    out
}

/// Appends one line's row: `prefix` (from [`row_prefix`]), then its fields; `buf` is scratch.
pub fn push_row(out: &mut Vec<u8>, prefix: &[u8], line: &LineView, buf: &mut String) {
    out.extend_from_slice(prefix);
    for f in 0..LINE_FIELDS.len() {
        if f > 0 {
            out.push(b',');
        }
        line.field(f, buf);
        push_csv_field(out, buf);
    }
    out.push(b'\n');
}

/// Writes the whole invoice: header row, then its lines.
pub fn write_csv(
    w: &mut dyn Write,
    inv: &Invoice,
    lines: &[ServiceLine],
    reg: &Registry,
) -> io::Result<()> {
    let mut out = header_row();
    let prefix = row_prefix(&inv.header);
    let mut buf = String::new();
    for (n, &i) in inv.lines.iter().enumerate() {
        prefetch_ahead(&inv.lines, n, lines, reg);
        push_row(
            &mut out,
            &prefix,
            &LineView::new(n as u32 + 1, i, lines, reg),
            &mut buf,
        );
        if out.len() >= 1 << 16 {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)
}
