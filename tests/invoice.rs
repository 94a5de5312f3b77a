//! `ecm invoice` through the real binary: invoice lines are the 837's service lines, the CSV and
//! JSON forms match their snapshots, the XLSX reads back (calamine) with the same lines and
//! totals, --period and --strict follow the exit-status contract, and nothing personal reaches
//! the messages.

mod common;

use assert_cmd::Command;
use calamine::{Data, Reader};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

fn run(args: &[&str], input: &Path, out: &Path) -> std::process::Output {
    ecm()
        .args(["--config", "examples/ecm.toml", "--as-of", "2026-11-01"])
        .args(args)
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// (line id, HCPCS, modifiers, units, charge) as strings comparable across forms.
type LineKey = (String, String, String, u32, rust_decimal::Decimal);

fn service_lines_837(text: &str) -> Vec<LineKey> {
    let mut out = Vec::new();
    let mut pending: Option<(String, String, u32, rust_decimal::Decimal)> = None;
    for seg in text.lines() {
        let seg = seg.trim_end_matches('~');
        let f: Vec<&str> = seg.split('*').collect();
        match f[0] {
            "SV1" => {
                let proc: Vec<&str> = f[1].split(':').collect();
                pending = Some((
                    proc[1].to_string(),
                    proc[2..].join(":"),
                    f[4].parse().unwrap(),
                    f[2].parse().unwrap(),
                ));
            }
            "REF" if f[1] == "6R" => {
                let (code, mods, units, charge) = pending.take().unwrap();
                out.push((f[2].to_string(), code, mods, units, charge));
            }
            _ => {}
        }
    }
    out
}

fn csv_lines(path: &Path) -> Vec<LineKey> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (id, code, mods, units, charge) = (
        at("line_id"),
        at("hcpcs"),
        at("modifiers"),
        at("units"),
        at("charge"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[id].to_string(),
                rec[code].to_string(),
                rec[mods].to_string(),
                rec[units].parse().unwrap(),
                rec[charge].parse().unwrap(),
            )
        })
        .collect()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// The example with a replacement of SCC-0003 and a void of SCC-0001 added (each naming a
/// claim id, so `ecm claims` bills them too), in `dir`.
fn with_corrections(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let row = |id: &str| {
        *rows
            .iter()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
    };
    let mut csv = format!("{header},correction,replaces_encounter_id,original_claim_id\n");
    for r in &rows {
        csv += &format!("{r},,,\n");
    }
    csv += &format!(
        "{},replace,SCC-0003,E00000000000000A3\n",
        row("SCC-0003").replacen("SCC-0003", "SCC-0003-R", 1)
    );
    csv += &format!(
        "{},void,SCC-0001,E00000000000000A1\n",
        row("SCC-0001").replacen("SCC-0001", "SCC-0001-V", 1)
    );
    let p = dir.join("with-corrections.csv");
    std::fs::write(&p, csv).unwrap();
    p
}

/// Issue 5: for one input the invoice lines are the 837's service lines, with the same ids,
/// codes, units and amounts, but for one difference: a void line's charge. The 837's void claim
/// carries the original charge (CLM05-3 = 8 cancels it); the invoice shows it as a credit,
/// below zero, so the invoice's totals take back what the voided line billed.
#[test]
fn invoice_lines_are_the_claims_service_lines() {
    let d = tempfile::tempdir().unwrap();
    let input = with_corrections(d.path());
    let c = run(&["claims"], &input, &d.path().join("claims"));
    assert_eq!(c.status.code(), Some(1));
    let i = run(
        &["invoice", "--format", "csv"],
        &input,
        &d.path().join("inv"),
    );
    assert_eq!(
        i.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&i.stderr)
    );

    let mut billed: Vec<LineKey> = Vec::new();
    for f in files(&d.path().join("claims"), "837") {
        billed.extend(service_lines_837(&std::fs::read_to_string(f).unwrap()));
    }
    let mut invoiced: Vec<LineKey> = Vec::new();
    for f in files(&d.path().join("inv"), "csv") {
        if f.file_name().unwrap() != "rejects.csv"
            && f.file_name().unwrap() != "transliterations.csv"
        {
            invoiced.extend(csv_lines(&f));
        }
    }
    assert!(!billed.is_empty());
    billed.sort();
    invoiced.sort();
    let void = billed.iter().find(|l| l.0 == "SCC-0001-V").unwrap();
    assert!(
        void.4 > rust_decimal::Decimal::ZERO,
        "the void claim carries the original charge"
    );
    assert!(billed.iter().any(|l| l.0 == "SCC-0003-R"));
    // What the invoice shows: the same lines, the void's charge as a credit.
    let as_invoiced: Vec<LineKey> = billed
        .iter()
        .map(|l| {
            let mut l = l.clone();
            if l.0 == "SCC-0001-V" {
                l.4 = -l.4;
            }
            l
        })
        .collect();
    assert_eq!(as_invoiced, invoiced);
    // The same rows were refused, for the same reasons.
    let rejects =
        |dir: &str| std::fs::read_to_string(d.path().join(dir).join("rejects.csv")).unwrap();
    assert_eq!(rejects("claims"), rejects("inv"));
}

/// A void line takes its charge back from every total an invoice gives: the JSON's line and
/// totals, its by-code totals, the XLSX's total rows on both sheets, and summary.json's
/// total_charge and by_code, each the sum of the lines' charges with the void's below zero.
#[test]
fn a_void_is_a_credit_in_every_invoice_total() {
    let d = tempfile::tempdir().unwrap();
    let input = with_corrections(d.path());
    let out = d.path().join("inv");
    let o = run(&["invoice", "--format", "xlsx,csv,json"], &input, &out);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(" (1 void line(s) credited)"), "{said}");
    let dec =
        |v: &serde_json::Value| -> rust_decimal::Decimal { v.as_str().unwrap().parse().unwrap() };
    let csv = csv_lines(&out.join("golden-valley-2026-09.csv"));
    let void = csv.iter().find(|l| l.0 == "SCC-0001-V").unwrap();
    let original = csv.iter().find(|l| l.0 == "SCC-0001").unwrap();
    assert_eq!(void.4, -original.4);
    assert!(void.4 < rust_decimal::Decimal::ZERO);
    let net: rust_decimal::Decimal = csv.iter().map(|l| l.4).sum();

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("golden-valley-2026-09.json")).unwrap())
            .unwrap();
    let jvoid = json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line_id"] == "SCC-0001-V")
        .unwrap();
    assert_eq!(dec(&jvoid["charge"]), void.4);
    assert_eq!(dec(&json["totals"]["charge"]), net);
    let by_code: rust_decimal::Decimal = json["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["charge"]))
        .sum();
    assert_eq!(by_code, net);

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let entry = summary["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["invoice_number"] == json["invoice_number"])
        .unwrap();
    assert_eq!(dec(&entry["total_charge"]), net);
    assert_eq!(entry["void_lines"], 1);
    let entry_by_code: rust_decimal::Decimal = entry["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["charge"]))
        .sum();
    assert_eq!(entry_by_code, net);
    // The run's by_code adds up to the invoices' totals.
    let invoices_total: rust_decimal::Decimal = summary["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| dec(&e["total_charge"]))
        .sum();
    let run_by_code: rust_decimal::Decimal = summary["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["charge"]))
        .sum();
    assert_eq!(run_by_code, invoices_total);

    let mut wb = calamine::open_workbook_auto(out.join("golden-valley-2026-09.xlsx")).unwrap();
    for (sheet, col) in [("Invoice", "Charge"), ("By code", "Charge")] {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
        let header = rows
            .iter()
            .find(|r| r.iter().any(|c| c == col) && (r[0] == "Line number" || r[0] == "HCPCS"))
            .unwrap();
        let at = header.iter().position(|c| c == col).unwrap();
        let total = rows.iter().find(|r| r[0] == "Total").unwrap();
        assert_eq!(
            total[at].parse::<rust_decimal::Decimal>().unwrap(),
            net,
            "{sheet}"
        );
    }
}

#[test]
fn csv_and_json_match_their_snapshots_and_rerun_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let all = ["invoice", "--format", "xlsx,csv,json"];
    let input = Path::new("examples/encounters.csv");
    run(&all, input, a.path());
    run(&all, input, b.path());
    for f in std::fs::read_dir(a.path()).unwrap() {
        let name = f.unwrap().file_name();
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name:?} differs between runs"
        );
    }
    let read = |n: &str| std::fs::read_to_string(a.path().join(n)).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("invoice_golden_valley_2026_09_csv", read("golden-valley-2026-09.csv"));
        insta::assert_snapshot!("invoice_golden_valley_2026_09_json", read("golden-valley-2026-09.json"));
        insta::assert_snapshot!("invoice_bayview_2026_10_csv", read("bayview-2026-10.csv"));
    });
}

fn cell(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => d.as_datetime().unwrap().date().to_string(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_xlsx_reads_back_with_the_same_lines_and_totals() {
    let d = tempfile::tempdir().unwrap();
    run(
        &["invoice", "--format", "xlsx,csv"],
        Path::new("examples/encounters.csv"),
        d.path(),
    );
    for x in files(d.path(), "xlsx") {
        let csv = csv_lines(&x.with_extension("csv"));
        let mut wb = calamine::open_workbook_auto(&x).unwrap();
        assert_eq!(
            wb.sheet_names(),
            vec!["Invoice".to_string(), "By code".to_string()]
        );
        let sheet = wb.worksheet_range("Invoice").unwrap();
        let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell).collect()).collect();
        // The header block: label, value.
        let value = |label: &str| {
            rows.iter()
                .find(|r| r[0] == label)
                .unwrap_or_else(|| panic!("no {label} in {x:?}"))[1]
                .clone()
        };
        assert!(value("Invoice number").starts_with("INV-"));
        assert_eq!(value("Invoice date"), "2026-11-01");
        assert_eq!(value("Provider NPI"), "1234567893");
        // The table: its header row, the lines, and the total row.
        let h = rows.iter().position(|r| r[0] == "Line number").unwrap();
        let header = &rows[h];
        let at = |n: &str| header.iter().position(|c| c == n).unwrap();
        let body: Vec<&Vec<String>> = rows[h + 1..]
            .iter()
            .take_while(|r| r[0] != "Total")
            .collect();
        let lines: Vec<LineKey> = body
            .iter()
            .map(|r| {
                (
                    r[at("Line id")].clone(),
                    r[at("HCPCS")].clone(),
                    r[at("Modifiers")].clone(),
                    r[at("Units")].parse().unwrap(),
                    r[at("Charge")].parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(lines, csv, "{x:?}");
        let total = &rows[h + 1 + body.len()];
        assert_eq!(total[0], "Total");
        let charge: rust_decimal::Decimal = total[at("Charge")].parse().unwrap();
        let units: u32 = total[at("Units")].parse().unwrap();
        assert_eq!(
            charge,
            csv.iter().map(|l| l.4).sum::<rust_decimal::Decimal>()
        );
        assert_eq!(units, csv.iter().map(|l| l.3).sum::<u32>());
        // Dates are dates, not text.
        let first = &sheet.rows().nth(h + 1).unwrap()[at("Service date")];
        assert!(matches!(first, Data::DateTime(_)), "{first:?}");

        // The by-code sheet adds up to the same total.
        let by = wb.worksheet_range("By code").unwrap();
        let by: Vec<Vec<String>> = by.rows().map(|r| r.iter().map(cell).collect()).collect();
        let codes: BTreeSet<String> = csv.iter().map(|l| format!("{} {}", l.1, l.2)).collect();
        assert_eq!(by.len(), 1 + codes.len() + 1);
        let last = by.last().unwrap();
        assert_eq!(last[0], "Total");
        assert_eq!(last[4].parse::<rust_decimal::Decimal>().unwrap(), charge);
        assert_eq!(last[2], csv.len().to_string());
    }
}

#[test]
fn period_strict_and_formats_follow_the_contract() {
    let d = tempfile::tempdir().unwrap();
    let input = Path::new("examples/encounters.csv");
    // --period: only September is invoiced; October rows are rejected with INV-001.
    let out = run(
        &["invoice", "--period", "2026-09", "--format", "json"],
        input,
        &d.path().join("sep"),
    );
    assert_eq!(out.status.code(), Some(1));
    let json = files(&d.path().join("sep"), "json");
    let names: Vec<String> = json
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "bayview-2026-09.json",
            "golden-valley-2026-09.json",
            "summary.json"
        ]
    );
    let rejects = std::fs::read_to_string(d.path().join("sep/rejects.csv")).unwrap();
    let inv001 = rejects.lines().filter(|l| l.contains("INV-001")).count();
    assert_eq!(inv001, 9, "{rejects}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("sep/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["rows_read"], 33);
    assert_eq!(
        summary["rows_invoiced"].as_u64().unwrap() + summary["rows_rejected"].as_u64().unwrap(),
        33
    );
    assert_eq!(summary["period"], "2026-09");

    // --strict with rejections: exit 2, nothing written.
    let out = run(&["invoice", "--strict"], input, &d.path().join("strict"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !d.path().join("strict").exists()
            || std::fs::read_dir(d.path().join("strict")).unwrap().count() == 0
    );

    // Existing outputs need --force.
    let again = run(
        &["invoice", "--period", "2026-09", "--format", "json"],
        input,
        &d.path().join("sep"),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    // A bad month is a usage error.
    let bad = run(
        &["invoice", "--period", "2026-13"],
        input,
        &d.path().join("bad"),
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn messages_carry_no_names_or_birth_dates() {
    let d = tempfile::tempdir().unwrap();
    let out = run(
        &["invoice", "-v", "--format", "csv"],
        Path::new("examples/encounters.csv"),
        d.path(),
    );
    let mut said = String::from_utf8_lossy(&out.stderr).into_owned();
    said.push_str(&std::fs::read_to_string(d.path().join("rejects.csv")).unwrap());
    said.push_str(&std::fs::read_to_string(d.path().join("summary.json")).unwrap());
    let mut r = csv::Reader::from_path("examples/encounters.csv").unwrap();
    let h = r.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    // Whole words only: a short first name may be part of an ordinary word.
    let words: BTreeSet<&str> = said
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .collect();
    for rec in r.records() {
        let rec = rec.unwrap();
        for col in ["member_last_name", "member_first_name"] {
            for part in rec[at(col)].split_whitespace() {
                assert!(!words.contains(part), "{col} {part:?} appears in a message");
            }
        }
        let dob = &rec[at("member_dob")];
        assert!(
            !said.contains(dob),
            "member_dob {dob:?} appears in a message"
        );
    }
}

#[test]
fn correcting_rows_become_correcting_invoice_lines() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let mut lines = text.lines();
    let header = format!(
        "{},correction,replaces_encounter_id,original_claim_id",
        lines.next().unwrap()
    );
    let row = |id: &str| {
        lines
            .clone()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
    };
    let input = d.path().join("fix.csv");
    std::fs::write(
        &input,
        format!(
            "{header}\n{},replace,SCC-0003,\n{},void,SCC-0001,\n",
            row("SCC-0003").replacen("SCC-0003", "SCC-0003-R", 1),
            row("SCC-0001").replacen("SCC-0001", "SCC-0001-V", 1),
        ),
    )
    .unwrap();
    // An invoice needs no claim id: the plan knows the line by its id.
    let out = run(
        &["invoice", "--format", "csv,json"],
        &input,
        &d.path().join("inv"),
    );
    common::assert_exit(&out, 0);
    let got: BTreeSet<(String, String, String)> = common::csv_columns(
        &d.path().join("inv/golden-valley-2026-09.csv"),
        &["line_id", "correction", "replaces_line_id"],
    )
    .into_iter()
    .map(|c| (c[0].clone(), c[1].clone(), c[2].clone()))
    .collect();
    assert_eq!(
        got,
        BTreeSet::from([
            ("SCC-0001-V".into(), "void".into(), "SCC-0001".into()),
            ("SCC-0003-R".into(), "replace".into(), "SCC-0003".into()),
        ])
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("inv/summary.json")).unwrap()).unwrap();
    let inv = &summary["invoices"][0];
    assert_eq!(
        (
            inv["replacement_lines"].as_u64(),
            inv["void_lines"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // The same rows as claims need the original claim's id (COD-007).
    let out = run(&["claims"], &input, &d.path().join("claims"));
    assert_eq!(out.status.code(), Some(1));
    let rejects = std::fs::read_to_string(d.path().join("claims/rejects.csv")).unwrap();
    assert_eq!(rejects.matches("COD-007").count(), 2, "{rejects}");
}

/// A second row correcting the same encounter is refused (ENC-039) on both paths: on an invoice
/// a second void would credit the same service twice, and on a claim file it would send two
/// versions of one line. The first correction stands, and is credited once.
#[test]
fn an_encounter_is_corrected_once_per_run() {
    let d = tempfile::tempdir().unwrap();
    let input = with_corrections(d.path());
    let text = std::fs::read_to_string(&input).unwrap();
    let void = text
        .lines()
        .find(|l| l.starts_with("SCC-0001-V,"))
        .unwrap()
        .to_string();
    let again = void.replacen("SCC-0001-V", "SCC-0001-V2", 1);
    std::fs::write(&input, format!("{text}{again}\n")).unwrap();
    let rows = text.lines().count() + 1;

    for (cmd, out) in [("invoice", "inv"), ("claims", "claims")] {
        let args: &[&str] = if cmd == "invoice" {
            &["invoice", "--format", "csv"]
        } else {
            &["claims"]
        };
        let o = run(args, &input, &d.path().join(out));
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        let mut r = csv::Reader::from_path(d.path().join(out).join("rejects.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let at = |n: &str| h.iter().position(|c| c == n).unwrap();
        let found: Vec<csv::StringRecord> = r
            .records()
            .map(|x| x.unwrap())
            .filter(|x| &x[at("rule_id")] == "ENC-039")
            .collect();
        assert_eq!(found.len(), 1, "{cmd}: {found:?}");
        let f = &found[0];
        assert_eq!(&f[at("encounter_id")], "SCC-0001-V2", "{cmd}");
        assert_eq!(&f[at("row")], rows.to_string(), "{cmd}");
        assert_eq!(&f[at("field")], "replaces_encounter_id", "{cmd}");
        assert!(
            f[at("message")].contains(&format!("already corrected by {}", input.display())),
            "{cmd}: {}",
            &f[at("message")]
        );
    }
    // The invoice credits the void once: the original and its one void net to nothing.
    let csv = csv_lines(&d.path().join("inv").join("golden-valley-2026-09.csv"));
    let original = csv.iter().find(|l| l.0 == "SCC-0001").unwrap();
    let voids: Vec<&LineKey> = csv
        .iter()
        .filter(|l| l.0.starts_with("SCC-0001-V"))
        .collect();
    assert_eq!(voids.len(), 1, "{voids:?}");
    assert_eq!(voids[0].4, -original.4);
}
