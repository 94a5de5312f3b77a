//! The CSV invoice: one row per line, every row repeating the header fields, so a plan can load
//! it as one flat table (the form `ecm ingest` reads).

use super::document::{Invoice, InvoiceHeader, LineView};
use super::layout::{LINE_FIELDS, csv_columns};
use crate::billing::{Registry, ServiceLine, prefetch_ahead};
use crate::report::{push_csv_field, push_csv_record};
use std::io::{self, Write};

/// The header row, with its line break.
pub fn header_row() -> Vec<u8> {
    let mut out = Vec::new();
    push_csv_record(&mut out, csv_columns());
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
/// The fields are written behind one another and looked at once: when none holds a comma, quote
/// or line break (the row has exactly its separators' commas), they go out as they are;
/// otherwise the row is written again field by field, each quoted as it needs.
pub fn push_row(out: &mut Vec<u8>, prefix: &[u8], line: &LineView, buf: &mut String) {
    out.extend_from_slice(prefix);
    buf.clear();
    for f in 0..LINE_FIELDS.len() {
        if f > 0 {
            buf.push(',');
        }
        line.push_field(f, buf);
    }
    let b = buf.as_bytes();
    let plain = memchr::memchr3(b'"', b'\n', b'\r', b).is_none()
        && memchr::memchr_iter(b',', b).count() == LINE_FIELDS.len() - 1;
    if plain {
        out.extend_from_slice(b);
    } else {
        for f in 0..LINE_FIELDS.len() {
            if f > 0 {
                out.push(b',');
            }
            line.field(f, buf);
            push_csv_field(out, buf);
        }
    }
    out.push(b'\n');
}

/// How much of an invoice is gathered before it is written: as much as the output file's buffer
/// holds (1 MB, `OutputSet::create`), so the buffer hands each chunk to the system whole instead
/// of copying it in first.
const CHUNK: usize = 1 << 20;

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
        if out.len() >= CHUNK {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::invoice::document::tests::sample_line;

    /// A row as the plain rule writes it: every field through `push_csv_field`.
    fn field_by_field(line: &LineView) -> Vec<u8> {
        let mut want = b"P,".to_vec();
        let mut buf = String::new();
        for f in 0..LINE_FIELDS.len() {
            if f > 0 {
                want.push(b',');
            }
            line.field(f, &mut buf);
            push_csv_field(&mut want, &buf);
        }
        want.push(b'\n');
        want
    }

    #[test]
    fn rows_are_quoted_exactly_where_a_field_needs_it() {
        let cs = CodeSet::embedded().unwrap();
        for (name, auth) in [
            ("Plain", "AUTH-9"),
            ("O'Neil, Jr", "AUTH-9"),
            ("Say \"Ana\"", "A,B"),
            ("Line\nbreak", "AUTH\r9"),
        ] {
            let mut reg = Registry::default();
            let lines = [sample_line(&cs, &mut reg, name, auth)];
            let view = LineView::new(1, 0, &lines, &reg);
            let (mut out, mut buf) = (Vec::new(), String::from("left over"));
            push_row(&mut out, b"P,", &view, &mut buf);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(field_by_field(&view)).unwrap(),
                "{name:?} {auth:?}"
            );
        }
    }
}
