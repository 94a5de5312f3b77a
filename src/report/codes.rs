//! `ecm codes` output.

use crate::codeset::{CodeRow, TableOrigin};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write;

const TITLES: [(&str, &str); 7] = [
    (
        "ecm-hcpcs",
        "ECM HCPCS coding (activity / staff class / modality class -> code, modifiers)",
    ),
    (
        "telehealth-modifiers",
        "Telehealth modifiers (added after the row's modifiers)",
    ),
    ("modalities", "Modalities"),
    (
        "staff-roles",
        "Staff roles (role and aliases -> staff class)",
    ),
    (
        "populations-of-focus",
        "Populations of Focus live on this date (with go-live)",
    ),
    ("places-of-service", "Places of service"),
    (
        "duplicative-programs",
        "Programs besides ECM (rule: may_combine / choose_one / excluded)",
    ),
];

/// Plain text, grouped by table, with provenance under each row.
pub fn text(on: NaiveDate, origins: &[TableOrigin], rows: &[CodeRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ECM code set in force on {on}");
    for o in origins {
        let _ = writeln!(s, "  {} (version {}, {})", o.file, o.version, o.origin);
    }
    for (table, title) in TITLES {
        let _ = writeln!(s, "\n{title}");
        if !rows.iter().any(|r| r.table == table) {
            let _ = writeln!(s, "  (none in force on {on})");
        }
        for r in rows.iter().filter(|r| r.table == table) {
            let dates = match (r.effective_from, r.effective_to) {
                (Some(f), Some(t)) => format!("  {f} to {t}"),
                (Some(f), None) => format!("  from {f}"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {:<32} {} -> {}{}  [{}]",
                r.id,
                r.key,
                r.value,
                dates,
                r.confidence.key()
            );
            let _ = writeln!(s, "  {:<32} source: {}", "", r.source);
        }
    }
    s
}

/// One CSV row per code-set row.
pub fn csv(rows: &[CodeRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "table",
        "id",
        "key",
        "value",
        "effective_from",
        "effective_to",
        "confidence",
        "source",
    ]);
    for r in rows {
        let _ = w.write_record([
            r.table,
            &r.id,
            &r.key,
            &r.value,
            &r.effective_from.map(|d| d.to_string()).unwrap_or_default(),
            &r.effective_to.map(|d| d.to_string()).unwrap_or_default(),
            r.confidence.key(),
            &r.source,
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[derive(Serialize)]
struct Listing<'a> {
    on: NaiveDate,
    tables: &'a [TableOrigin],
    rows: &'a [CodeRow],
}

/// JSON: the date, the tables' origins and versions, and the rows.
pub fn json(on: NaiveDate, origins: &[TableOrigin], rows: &[CodeRow]) -> String {
    let mut s = serde_json::to_string_pretty(&Listing {
        on,
        tables: origins,
        rows,
    })
    .expect("serializable");
    s.push('\n');
    s
}
