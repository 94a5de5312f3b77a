//! Encounter spreadsheets: an XLSX with real date and number cells reads exactly like the CSV.

use assert_cmd::Command;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use std::path::Path;

/// The required columns and a good outreach row for them.
const HEADER: [&str; 12] = [
    "encounter_id",
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "activity",
    "staff_role",
    "modality",
    "payer",
    "outreach_outcome",
];

fn good_row(id: &str, member: &str) -> [String; 12] {
    [
        id,
        member,
        "Lee",
        "Sam",
        "1970-01-01",
        "M",
        "2026-09-04",
        "outreach",
        "chw",
        "phone",
        "golden-valley",
        "successful",
    ]
    .map(str::to_string)
}

/// Writes the header and `rows` (text cells) from row 1 of `ws`.
fn write_rows(ws: &mut Worksheet, rows: &[[String; 12]]) {
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
}

/// `ecm claims` on `inputs` with the example configuration: exit code, stderr, rejects.csv
/// as (file, row, encounter_id, rule_id, field), and the golden-valley 837 if written.
fn claims(dir: &Path, inputs: &[&Path]) -> (i32, String, Vec<[String; 5]>, Option<String>) {
    let out_dir = dir.join("out");
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "examples/ecm.toml",
            "--as-of",
            "2026-11-01",
            "claims",
        ])
        .args(inputs)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let rejects = std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap_or_default();
    let rows = csv::Reader::from_reader(rejects.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            [0, 1, 2, 3, 5].map(|i| r[i].to_string())
        })
        .collect();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        rows,
        std::fs::read_to_string(out_dir.join("golden-valley.837")).ok(),
    )
}

#[test]
fn xlsx_with_typed_cells_maps_like_the_csv() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("encounters.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Encounters").unwrap();
    let header = [
        "encounter_id",
        "member_id",
        "member_last_name",
        "member_first_name",
        "member_dob",
        "member_sex",
        "service_date",
        "activity",
        "staff_role",
        "modality",
        "payer",
        "outreach_outcome",
        "charge",
        "minutes",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("mm/dd/yyyy");
    // Row 2: a member id typed as a number, dates as real Excel dates, charge as a number.
    ws.write_string(1, 0, "X-1").unwrap();
    ws.write_number(1, 1, 100234.0).unwrap();
    ws.write_string(1, 2, "Muñoz").unwrap();
    ws.write_string(1, 3, "María").unwrap();
    ws.write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(1968, 4, 12).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 5, "F").unwrap();
    ws.write_datetime_with_format(1, 6, ExcelDateTime::from_ymd(2026, 9, 4).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 7, "outreach").unwrap();
    ws.write_string(1, 8, "CHW").unwrap();
    ws.write_string(1, 9, "In Person").unwrap();
    ws.write_string(1, 10, "golden-valley").unwrap();
    ws.write_string(1, 11, "successful").unwrap();
    ws.write_number(1, 12, 35.5).unwrap();
    ws.write_number(1, 13, 20.0).unwrap();
    // Row 3 is blank; row 4 has an impossible date typed as text.
    for (c, v) in [
        "X-2",
        "GV9",
        "Lee",
        "Sam",
        "1970-01-01",
        "M",
        "2026-02-30",
        "assessment",
        "rn",
        "phone",
        "golden-valley",
        "",
        "",
        "",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(3, c as u16, *v).unwrap();
    }
    wb.save(&path).unwrap();

    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "examples/ecm.toml",
            "--as-of",
            "2026-11-01",
            "map",
            "--format",
            "json",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["row"], 2);
    assert_eq!(rows[0]["status"], "billable");
    assert_eq!(rows[0]["service_date"], "2026-09-04");
    assert_eq!(
        (rows[0]["hcpcs"].as_str(), rows[0]["modifiers"].as_str()),
        (Some("G9012"), Some("U8"))
    );
    assert_eq!(rows[0]["charge"], "35.50");
    assert_eq!(rows[1]["row"], 4);
    assert_eq!(rows[1]["rule_ids"], "ENC-002");
}

/// A formula that failed leaves an error value in its cell (#N/A from a lookup that found
/// nothing, #REF! from a deleted column). Such a cell is refused with its row and field (ENC-037),
/// never billed as `NM1*IL...*MI*#N/A`; the same text in a CSV saved from the sheet is refused too.
#[test]
fn spreadsheet_error_cells_are_refused_with_row_and_field() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("errors.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_rows(
        ws,
        &[
            good_row("OK-1", "GV1"),
            good_row("ERR-2", "GV2"),
            good_row("ERR-3", "GV3"),
            good_row("ERR-4", "GV4"),
        ],
    );
    let failed = |v: &str| Formula::new("=VLOOKUP(A2,Members!A:B,2,FALSE)").set_result(v);
    ws.write_formula(2, 1, failed("#N/A")).unwrap();
    ws.write_formula(3, 2, failed("#REF!")).unwrap();
    ws.write_formula(4, 6, failed("#VALUE!")).unwrap();
    ws.write_formula(4, 3, failed("#DIV/0!")).unwrap();
    wb.save(&path).unwrap();
    let csv_path = d.path().join("errors.csv");
    let mut csv_row = good_row("ERR-5", "#N/A");
    csv_row[0] = "ERR-5".into();
    std::fs::write(
        &csv_path,
        format!("{}\n{}\n", HEADER.join(","), csv_row.join(",")),
    )
    .unwrap();

    let (code, stderr, rejects, x12) = claims(d.path(), &[&path, &csv_path]);
    assert_eq!(code, 1, "{stderr}");
    let x = path.display().to_string();
    let c = csv_path.display().to_string();
    let want: Vec<[String; 5]> = [
        [x.as_str(), "3", "ERR-2", "ENC-037", "member_id"],
        [x.as_str(), "4", "ERR-3", "ENC-037", "member_last_name"],
        [x.as_str(), "5", "ERR-4", "ENC-037", "member_first_name"],
        [x.as_str(), "5", "ERR-4", "ENC-037", "service_date"],
        [c.as_str(), "2", "ERR-5", "ENC-037", "member_id"],
    ]
    .iter()
    .map(|r| r.map(str::to_string))
    .collect();
    assert_eq!(rejects, want, "{stderr}");
    assert!(
        stderr.contains("member_id holds the spreadsheet error #N/A"),
        "{stderr}"
    );
    let x12 = x12.expect("the good row is billed");
    assert!(x12.contains("*MI*GV1~") && !x12.contains('#'), "{x12}");
}

/// A workbook with a sheet per month: every sheet with the encounter header is read (rows
/// numbered as each sheet numbers them, the sheet named in findings as `file[sheet]`), a cover
/// sheet with no encounter columns is skipped and said so, and a sheet that names some encounter
/// columns but lacks a required one stops the run (exit 2) rather than being left out.
#[test]
fn every_sheet_of_encounters_in_a_workbook_is_read() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("months.xlsx");
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Cover").unwrap();
    cover.write_string(0, 0, "Export from CareSys").unwrap();
    cover.write_string(1, 0, "generated 2026-11-01").unwrap();
    let sep = wb.add_worksheet();
    sep.set_name("September").unwrap();
    let mut bad = good_row("SEP-2", "GV2");
    bad[6] = "2026-09-31".into();
    write_rows(sep, &[good_row("SEP-1", "GV1"), bad]);
    let oct = wb.add_worksheet();
    oct.set_name("October").unwrap();
    let mut oct_row = good_row("OCT-1", "GV3");
    oct_row[6] = "2026-10-02".into();
    write_rows(oct, &[oct_row]);
    wb.save(&path).unwrap();

    let (code, stderr, rejects, x12) = claims(d.path(), &[&path]);
    assert_eq!(code, 1, "{stderr}");
    let sheet = format!("{}[September]", path.display());
    assert_eq!(
        rejects,
        vec![[sheet.as_str(), "3", "SEP-2", "ENC-002", "service_date"].map(str::to_string)],
        "{stderr}"
    );
    let x12 = x12.unwrap();
    for id in ["GV1", "GV3"] {
        assert!(x12.contains(&format!("*MI*{id}~")), "{id} not billed");
    }
    assert!(
        stderr.contains("sheet 'Cover' has no encounter columns") && stderr.contains("not read"),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("out/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["rows_read"], 3);
    assert_eq!(summary["skipped_sheets"][0]["sheet"], "Cover");
    // One workbook is one file, whatever number of its sheets were read.
    assert!(
        stderr.contains("Read 3 rows from 1 file(s), 2 sheets:"),
        "{stderr}"
    );

    // A month sheet whose header lost a required column is an error naming the sheet.
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("broken.xlsx");
    let mut wb = Workbook::new();
    write_rows(wb.add_worksheet(), &[good_row("A-1", "GV1")]);
    let second = wb.add_worksheet();
    second.set_name("October").unwrap();
    write_rows(second, &[good_row("B-1", "GV2")]);
    second.write_string(0, 10, "plan").unwrap();
    wb.save(&path).unwrap();
    let (code, stderr, _, x12) = claims(d.path(), &[&path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("broken.xlsx[October]: the header is missing required column(s) payer"),
        "{stderr}"
    );
    assert!(x12.is_none());
}

/// An XLSX date-and-time cell is read as its day, whether it kept its date format (a real
/// date-time cell) or lost it (a bare serial such as 46275.75, 2026-09-10 at 18:00); a number
/// in a CSV's date column is still no date.
#[test]
fn date_and_time_cells_are_read_as_their_day() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("times.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut second = good_row("DT-2", "GV2");
    second[9] = "in_person".into();
    let mut third = good_row("DT-3", "GV3");
    third[9] = "video".into();
    write_rows(ws, &[good_row("DT-1", "GV1"), second, third]);
    let stamp = Format::new().set_num_format("m/d/yyyy h:mm");
    let at = ExcelDateTime::from_ymd(2026, 9, 10)
        .unwrap()
        .and_hms(18, 0, 0)
        .unwrap();
    ws.write_datetime_with_format(1, 6, &at, &stamp).unwrap();
    ws.write_number(2, 6, 46275.75).unwrap();
    ws.write_number(3, 4, 25_690.5).unwrap(); // member_dob 1970-05-02, noon
    wb.save(&path).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "examples/ecm.toml",
            "--as-of",
            "2026-11-01",
            "map",
            "--format",
            "json",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["service_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("billable", "2026-09-10"),
            ("billable", "2026-09-10"),
            ("billable", "2026-09-04")
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let csv_path = d.path().join("serial.csv");
    let mut row = good_row("DT-4", "GV4");
    row[6] = "46275.75".into();
    std::fs::write(
        &csv_path,
        format!("{}\n{}\n", HEADER.join(","), row.join(",")),
    )
    .unwrap();
    let (code, _, rejects, _) = claims(d.path(), &[&csv_path]);
    assert_eq!(code, 1);
    assert_eq!(rejects[0][3], "ENC-002");
}
