//! The JSON invoice: the header fields, the lines (numbers for line numbers and units, strings
//! for money and dates, null for empty fields), the totals and the totals by code. Streamed, so
//! a large invoice is never held as a JSON tree.

use super::document::{Invoice, InvoiceHeader, LineView};
use super::layout::{LINE_FIELDS, line};
use crate::billing::{CodeTotal, Registry, ServiceLine};
use crate::model::Money;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    header: &'a InvoiceHeader,
    lines: Lines<'a>,
    totals: Totals,
    by_code: &'a [CodeTotal],
}

#[derive(Serialize)]
struct Totals {
    lines: usize,
    units: u64,
    charge: Money,
}

struct Lines<'a> {
    inv: &'a Invoice,
    lines: &'a [ServiceLine<'a>],
    reg: &'a Registry,
}

impl Serialize for Lines<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.inv.lines.len()))?;
        for (n, &i) in self.inv.lines.iter().enumerate() {
            seq.serialize_element(&Line(LineView::new(n as u32 + 1, i, self.lines, self.reg)))?;
        }
        seq.end()
    }
}

struct Line<'a>(LineView<'a>);

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(LINE_FIELDS.len()))?;
        let mut buf = String::new();
        for (i, (key, _)) in LINE_FIELDS.iter().enumerate() {
            match i {
                line::LINE_NUMBER => map.serialize_entry(key, &self.0.number)?,
                line::UNITS => map.serialize_entry(key, &self.0.line.coding.units)?,
                _ => {
                    self.0.field(i, &mut buf);
                    if buf.is_empty() {
                        map.serialize_entry(key, &None::<&str>)?
                    } else {
                        map.serialize_entry(key, &buf)?
                    }
                }
            }
        }
        map.end()
    }
}

/// Writes the invoice as pretty-printed JSON with a final line break.
pub fn write_json(
    w: &mut dyn Write,
    inv: &Invoice,
    lines: &[ServiceLine],
    reg: &Registry,
) -> io::Result<()> {
    let doc = Document {
        header: &inv.header,
        lines: Lines { inv, lines, reg },
        totals: Totals {
            lines: inv.lines.len(),
            units: inv.units,
            charge: inv.total,
        },
        by_code: &inv.by_code,
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other)?;
    w.write_all(b"\n")
}
