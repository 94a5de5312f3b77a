//! `ecm diff` output: text (one line per added, removed or changed claim, indented lines for its
//! fields and service lines) or JSON (the [`Diff`] with both file names).

use crate::claim_diff::{Diff, FieldChange, OneSided};
use serde::Serialize;
use std::io::{self, Write};

/// Writes `d` as text.
pub fn write_text(out: &mut dyn Write, a: &str, b: &str, d: &Diff) -> io::Result<()> {
    writeln!(out, "A: {a} ({} claims)", d.claims_a)?;
    writeln!(out, "B: {b} ({} claims)", d.claims_b)?;
    for f in &d.header {
        writeln!(out, "header {}", change(f))?;
    }
    for c in &d.claims_removed {
        writeln!(out, "claim {} removed: {}", c.key, summary(c))?;
        for l in &c.lines {
            writeln!(out, "  line {}: {}", l.key, summary(l))?;
        }
    }
    for c in &d.claims_added {
        writeln!(out, "claim {} added: {}", c.key, summary(c))?;
        for l in &c.lines {
            writeln!(out, "  line {}: {}", l.key, summary(l))?;
        }
    }
    for c in &d.claims_changed {
        writeln!(out, "claim {} changed:", c.key)?;
        for f in &c.fields {
            writeln!(out, "  {}", change(f))?;
        }
        for l in &c.lines_removed {
            writeln!(out, "  line {} removed: {}", l.key, summary(l))?;
        }
        for l in &c.lines_added {
            writeln!(out, "  line {} added: {}", l.key, summary(l))?;
        }
        for l in &c.lines_changed {
            writeln!(out, "  line {} changed:", l.key)?;
            for f in &l.fields {
                writeln!(out, "    {}", change(f))?;
            }
        }
    }
    if d.is_empty() {
        writeln!(out, "same: the files hold the same claims and lines")
    } else {
        writeln!(
            out,
            "different: claims added {}, removed {}, changed {}{}",
            d.claims_added.len(),
            d.claims_removed.len(),
            d.claims_changed.len(),
            if d.header.is_empty() {
                ""
            } else {
                "; header fields differ"
            }
        )
    }
}

fn change(f: &FieldChange) -> String {
    let show = |v: &Option<String>| {
        v.as_deref()
            .map_or("(none)".to_string(), |v| format!("{v:?}"))
    };
    format!("{}: {} -> {}", f.field, show(&f.a), show(&f.b))
}

fn summary(o: &OneSided) -> String {
    o.summary
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `d` as JSON: `{"a", "b", "same", ...the diff}`.
pub fn write_json(out: &mut dyn Write, a: &str, b: &str, d: &Diff) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        a: &'a str,
        b: &'a str,
        same: bool,
        #[serde(flatten)]
        diff: &'a Diff,
    }
    let r = Report {
        a,
        b,
        same: d.is_empty(),
        diff: d,
    };
    serde_json::to_writer_pretty(&mut *out, &r)?;
    writeln!(out)
}
