//! Encounter spreadsheets: an XLSX with real date and number cells reads exactly like the CSV.

use assert_cmd::Command;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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
