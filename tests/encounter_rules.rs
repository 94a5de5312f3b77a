//! One bad row per encounter and coding rule, through the real binary: each row must be refused
//! (or, for warnings, flagged) with exactly the rule id the catalogue gives it.

mod common;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

const HEADER: [&str; 31] = [
    "encounter_id",
    "member_id",
    "member_cin",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "member_address",
    "member_city",
    "member_state",
    "member_zip",
    "service_date",
    "activity",
    "staff_role",
    "staff_type",
    "modality",
    "minutes",
    "outreach_outcome",
    "place_of_service",
    "diagnosis_codes",
    "authorization_number",
    "rendering_npi",
    "rendering_last_name",
    "rendering_first_name",
    "population_of_focus",
    "note_id",
    "payer",
    "charge",
    "correction",
    "replaces_encounter_id",
    "original_claim_id",
];

/// A row that passes every rule, as column -> value.
fn good(id: &str, member: &str) -> BTreeMap<&'static str, String> {
    let vals = [
        id,
        member,
        "91234567A",
        "Rivera",
        "Ana",
        "1980-05-06",
        "F",
        "10 Oak St",
        "Fresno",
        "CA",
        "93701",
        "2025-06-10",
        "care_coordination",
        "chw",
        "",
        "in_person",
        "30",
        "",
        "12",
        "Z59.00",
        "AUTH1",
        "1500000017",
        "Okafor",
        "Ada",
        "adult_homelessness",
        "N1",
        "main",
        "",
        "",
        "",
        "",
    ];
    HEADER
        .iter()
        .copied()
        .zip(vals.iter().map(|v| v.to_string()))
        .collect()
}

fn csv_line(row: &BTreeMap<&'static str, String>) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(HEADER.iter().map(|h| row[h].as_str()))
        .unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// (case, expected rule ids, the row(s)).
fn cases() -> Vec<(&'static str, &'static str, Vec<String>)> {
    let mut out = Vec::new();
    let mut one = |rule: &'static str,
                   expect: &'static str,
                   edit: &dyn Fn(&mut BTreeMap<&'static str, String>)| {
        let mut r = good(rule, &format!("M-{rule}"));
        edit(&mut r);
        out.push((rule, expect, vec![csv_line(&r)]));
    };
    one("ENC-001", "ENC-001", &|r| {
        r.insert("member_last_name", "".into());
    });
    one("ENC-002", "ENC-002", &|r| {
        r.insert("service_date", "2025-13-01".into());
    });
    one("ENC-003", "ENC-003", &|r| {
        r.insert("service_date", "2025-07-02".into());
    });
    one("ENC-004", "ENC-004", &|r| {
        r.insert("service_date", "2021-12-31".into());
        r.insert("population_of_focus", "".into());
    });
    one("ENC-005", "ENC-005", &|r| {
        r.insert("member_dob", "2025-06-11".into());
    });
    one("ENC-006", "ENC-006", &|r| {
        r.insert("activity", "counselling".into());
    });
    one("ENC-007", "ENC-007", &|r| {
        r.insert("modality", "fax".into());
    });
    one("ENC-008", "ENC-008", &|r| {
        r.insert("staff_role", "astronaut".into());
    });
    one("ENC-009", "ENC-009", &|r| {
        r.insert("payer", "nobody".into());
    });
    one("ENC-010", "ENC-010", &|r| {
        r.insert("modality", "email".into());
    });
    one("ENC-011", "ENC-011", &|r| {
        r.insert("rendering_npi", "1500000018".into());
    });
    one("ENC-012", "ENC-012", &|r| {
        r.insert("diagnosis_codes", "Z59.00;Z5".into());
    });
    one("ENC-014", "ENC-014", &|r| {
        r.insert("member_first_name", "An*a".into());
    });
    one("ENC-014-tilde", "ENC-014", &|r| {
        r.insert("member_address", "10 Oak St~".into());
    });
    one("ENC-014-colon", "ENC-014", &|r| {
        r.insert("authorization_number", "A:1".into());
    });
    one("ENC-014-caret", "ENC-014", &|r| {
        r.insert("member_city", "Fres^no".into());
    });
    one("ENC-014-control", "ENC-014", &|r| {
        r.insert("member_last_name", "Ri\tvera".into());
    });
    one("ENC-015", "ENC-015", &|r| {
        r.insert("activity", "outreach".into());
    });
    one("ENC-016", "ENC-016", &|r| {
        r.insert("population_of_focus", "birth_equity".into());
        r.insert("service_date", "2023-06-01".into());
    });
    one("ENC-017", "ENC-017", &|r| {
        r.insert("population_of_focus", "astronauts".into());
    });
    one("ENC-018", "ENC-018", &|r| {
        r.insert("member_sex", "X".into());
    });
    one("ENC-019", "ENC-019", &|r| {
        r.insert("member_first_name", "安娜".into());
    });
    one("ENC-020", "ENC-020", &|r| {
        r.insert("staff_type", "medical".into());
    });
    one("ENC-021", "ENC-021", &|r| {
        r.insert("activity", "outreach".into());
        r.insert("outreach_outcome", "maybe".into());
    });
    one("ENC-022", "ENC-022", &|r| {
        r.insert("place_of_service", "27".into());
        r.insert("service_date", "2023-09-30".into());
    });
    one("ENC-023", "ENC-023", &|r| {
        r.insert("charge", "$150".into());
    });
    one("ENC-023-negative", "ENC-023", &|r| {
        r.insert("charge", "-5.00".into());
    });
    one("ENC-024", "ENC-024", &|r| {
        r.insert("minutes", "half an hour".into());
    });
    one("ENC-025", "ENC-025", &|r| {
        r.insert("authorization_number", "A".repeat(51));
    });
    one("ENC-025-city", "ENC-025", &|r| {
        r.insert("member_city", "X".into());
    });
    one("ENC-036", "ENC-036", &|r| {
        r.insert("member_dob", "0001-01-01".into());
    });
    one("ENC-036-1799", "ENC-036", &|r| {
        r.insert("member_dob", "1799-12-31".into());
    });
    one("ENC-037", "ENC-037", &|r| {
        r.insert("member_id", "#N/A".into());
    });
    one("ENC-026", "ENC-026", &|r| {
        r.insert("member_zip", "9370".into());
    });
    one("ENC-026-state", "ENC-026", &|r| {
        r.insert("member_state", "ZZ".into());
    });
    one("ENC-027", "ENC-027", &|r| {
        r.insert("member_cin", "1234".into());
    });
    one("ENC-028", "ENC-028", &|r| {
        r.insert("rendering_last_name", "".into());
    });
    one("ENC-030", "ENC-030", &|r| {
        r.insert(
            "diagnosis_codes",
            (0..13)
                .map(|i| format!("Z59.{i:02}"))
                .collect::<Vec<_>>()
                .join(";"),
        );
    });
    one("ENC-033", "ENC-033", &|r| {
        r.insert("member_zip", "".into());
    });
    one("COD-002", "COD-002", &|r| {
        r.insert("payer", "nocharge".into());
    });
    one("COD-003", "COD-003", &|r| {
        r.insert("payer", "nodx".into());
        r.insert("diagnosis_codes", "".into());
    });
    one("COD-004", "COD-004", &|r| {
        r.insert("payer", "minutes".into());
        r.insert("minutes", "".into());
    });
    one("COD-005", "COD-005", &|r| {
        r.insert("payer", "cin".into());
        r.insert("member_cin", "".into());
    });
    one("COD-006", "COD-006", &|r| {
        r.insert("charge", "0.00".into());
    });
    one("ENC-034", "ENC-034", &|r| {
        r.insert("correction", "undo".into());
        r.insert("replaces_encounter_id", "E-OLD".into());
    });
    one("ENC-035", "ENC-035", &|r| {
        r.insert("correction", "void".into());
    });

    // Cross-row rules need two rows: the first is fine, the second is refused.
    let first = good("ENC-013", "M-ENC-013");
    let mut second = good("ENC-013", "M-ENC-013b");
    second.insert("service_date", "2025-06-11".into());
    out.push((
        "ENC-013",
        "ENC-013",
        vec![csv_line(&first), csv_line(&second)],
    ));
    let first = good("ENC-029a", "M-ENC-029");
    let mut second = good("ENC-029", "M-ENC-029");
    second.insert("member_dob", "1981-05-06".into());
    out.push((
        "ENC-029",
        "ENC-029",
        vec![csv_line(&first), csv_line(&second)],
    ));
    // The same service (payer, member, date, code, modifiers) twice: the later row is refused.
    let first = good("ENC-038a", "M-ENC-038");
    let second = good("ENC-038", "M-ENC-038");
    out.push((
        "ENC-038",
        "ENC-038",
        vec![csv_line(&first), csv_line(&second)],
    ));
    // Two rows correcting the same encounter: the second is refused.
    let mut first = good("ENC-039a", "M-ENC-039");
    let mut second = good("ENC-039", "M-ENC-039");
    for (r, kind) in [(&mut first, "void"), (&mut second, "replace")] {
        r.insert("correction", kind.into());
        r.insert("replaces_encounter_id", "ENC-039-ORIG".into());
        r.insert("original_claim_id", "E0000000000000039".into());
    }
    out.push((
        "ENC-039",
        "ENC-039",
        vec![csv_line(&first), csv_line(&second)],
    ));
    // A correction billed as a claim names no original claim.
    let mut r = good("COD-007", "M-COD-007");
    r.insert("correction", "replace".into());
    r.insert("replaces_encounter_id", "COD-007-ORIG".into());
    out.push(("COD-007", "COD-007", vec![csv_line(&r)]));
    // Two rows correcting one claim, one voiding and one replacing: the second is refused.
    let mut first = good("COD-008a", "M-COD-008");
    let mut second = good("COD-008", "M-COD-008");
    for (r, kind, orig) in [(&mut first, "void", "a"), (&mut second, "replace", "b")] {
        r.insert("correction", kind.into());
        r.insert("replaces_encounter_id", format!("COD-008-ORIG-{orig}"));
        r.insert("original_claim_id", "E0000000000000008".into());
    }
    out.push((
        "COD-008",
        "COD-008",
        vec![csv_line(&first), csv_line(&second)],
    ));
    // A row with a field too many (an unquoted comma).
    let mut r = csv_line(&good("ENC-031", "M-ENC-031"));
    r.insert_str(r.len() - 1, ",extra");
    out.push(("ENC-031", "ENC-031", vec![r]));
    out
}

fn map(dir: &Path, csv: &[u8], extra: &[&str]) -> (Vec<serde_json::Value>, i32) {
    let input = dir.join("encounters.csv");
    std::fs::write(&input, csv).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "tests/fixtures/rules-ecm.toml",
            "--as-of",
            "2025-07-01",
        ])
        .args(extra)
        .args(["map", "--format", "json"])
        .arg(&input)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (rows, code)
}

#[test]
fn the_good_row_is_billable() {
    let d = tempfile::tempdir().unwrap();
    let csv = HEADER.join(",") + "\n" + &csv_line(&good("G1", "MG1"));
    let (rows, code) = map(d.path(), csv.as_bytes(), &[]);
    assert_eq!(code, 0, "{rows:?}");
    assert_eq!(rows[0]["status"], "billable");
    assert_eq!(rows[0]["hcpcs"], "G9012");
    assert_eq!(rows[0]["modifiers"], "U2");
    assert_eq!(rows[0]["rule_ids"], "");
}

#[test]
fn every_bad_row_names_its_rule() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = HEADER.join(",") + "\n";
    let cases = cases();
    for (_, _, rows) in &cases {
        for r in rows {
            csv.push_str(r);
        }
    }
    let (rows, code) = map(d.path(), csv.as_bytes(), &[]);
    assert_eq!(code, 1);
    let mut row_no = 2;
    for (case, expect, lines) in &cases {
        row_no += lines.len() - 1;
        let got = rows
            .iter()
            .find(|r| r["row"] == row_no)
            .unwrap_or_else(|| panic!("{case}: no row {row_no}"));
        let ids = got["rule_ids"].as_str().unwrap();
        assert_eq!(ids, *expect, "{case}: row {row_no}: {}", got["messages"]);
        let warning_only = expect.starts_with("ENC-033");
        assert_eq!(
            got["status"],
            if warning_only {
                "billable"
            } else {
                "not_billable"
            },
            "{case}"
        );
        row_no += 1;
    }
}

#[test]
fn a_windows_1252_row_is_read_and_flagged() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = (HEADER.join(",") + "\n").into_bytes();
    let line = csv_line(&good("ENC-032", "M-ENC-032")).replace("Rivera", "Mu\u{1}oz");
    let mut bytes = line.into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xF1; // ñ in Windows-1252
    csv.extend(bytes);
    let (rows, _) = map(d.path(), &csv, &[]);
    assert_eq!(rows[0]["rule_ids"], "ENC-032");
    assert_eq!(rows[0]["status"], "billable");
}

#[test]
fn no_code_set_row_in_force_is_cod_001() {
    let d = tempfile::tempdir().unwrap();
    let cs = d.path().join("codeset");
    std::fs::create_dir(&cs).unwrap();
    let table = std::fs::read_to_string("codesets/ecm-hcpcs.toml")
        .unwrap()
        .replace(
            "effective_from = \"2022-01-01\"",
            "effective_from = \"2022-01-01\"\neffective_to = \"2024-12-31\"",
        );
    std::fs::write(cs.join("ecm-hcpcs.toml"), table).unwrap();
    let csv = HEADER.join(",") + "\n" + &csv_line(&good("COD-001", "M1"));
    let (rows, code) = map(
        d.path(),
        csv.as_bytes(),
        &["--codeset", cs.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert_eq!(rows[0]["rule_ids"], "COD-001");
}

/// A bad value in a `--codeset` table names the file, the row's key path and its line, and says
/// what to write; `ecm codes` stops with exit 2 and prints nothing on stdout.
#[test]
fn a_bad_code_set_value_names_its_row_key_and_line() {
    let d = tempfile::tempdir().unwrap();
    let cs = d.path().join("codeset");
    std::fs::create_dir(&cs).unwrap();
    let table = std::fs::read_to_string("codesets/ecm-hcpcs.toml").unwrap();
    let second = table.match_indices("[[row]]").nth(1).unwrap().0;
    let at = second
        + table[second..]
            .find("effective_from = \"2022-01-01\"")
            .unwrap();
    let line = table[..at].matches('\n').count() + 1;
    let broken = format!(
        "{}effective_from = 2022-13-01{}",
        &table[..at],
        &table[at + "effective_from = \"2022-01-01\"".len()..]
    );
    std::fs::write(cs.join("ecm-hcpcs.toml"), broken).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args(["--codeset", cs.to_str().unwrap(), "codes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ecm-hcpcs.toml"), "{err}");
    assert!(
        err.contains(&format!("row[2].effective_from (line {line})")),
        "{err}"
    );
    assert!(err.contains("\"YYYY-MM-DD\""), "{err}");
}

#[test]
fn every_encounter_and_coding_rule_is_exercised_here() {
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut tested: Vec<&str> = cases().iter().map(|(_, e, _)| *e).collect();
    tested.extend(["ENC-032", "COD-001"]);
    for r in rules {
        let id = r["id"].as_str().unwrap();
        if id.starts_with("ENC-") || id.starts_with("COD-") {
            assert!(tested.contains(&id), "rule {id} has no test case");
        }
    }
}

#[test]
fn messages_never_carry_names_or_birth_dates() {
    let d = tempfile::tempdir().unwrap();
    let mut r = good("P1", "MP1");
    r.insert("member_dob", "2030-01-02".into());
    r.insert("member_last_name", "Zyxwvut*".into());
    let csv = HEADER.join(",") + "\n" + &csv_line(&r);
    let (rows, _) = map(d.path(), csv.as_bytes(), &[]);
    let msg = rows[0]["messages"].as_str().unwrap();
    assert!(msg.contains("ENC-005") && msg.contains("ENC-014"), "{msg}");
    assert!(!msg.contains("2030") && !msg.contains("Zyxwvut"), "{msg}");
}

/// Runs `ecm claims` on `csv` into `dir/claims`; returns the exit code and stderr.
fn claims(dir: &Path, csv: &str) -> (i32, String) {
    let input = dir.join("encounters.csv");
    std::fs::write(&input, csv).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "tests/fixtures/rules-ecm.toml",
            "--as-of",
            "2025-07-01",
            "claims",
        ])
        .arg(&input)
        .arg("--out")
        .arg(dir.join("claims"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Vietnamese names, and names saved decomposed (NFD: a letter then a combining accent, as macOS
/// saves them), are billed in plain ASCII with every change listed in transliterations.csv; a name
/// in another script is still refused under its rule, and no message repeats the name.
#[test]
fn vietnamese_and_decomposed_names_are_billed_other_scripts_refused() {
    let d = tempfile::tempdir().unwrap();
    let mut vn = good("VN1", "M-VN1");
    vn.insert("member_last_name", "Nguyễn".into());
    vn.insert("member_first_name", "Thị Hồng".into());
    vn.insert("rendering_last_name", "Đặng".into());
    vn.insert("member_city", "Westminster".into());
    let mut nfd = good("NFD1", "M-NFD1");
    nfd.insert("member_last_name", "Mun\u{303}oz".into());
    nfd.insert("member_first_name", "Jose\u{301}".into());
    let mut zh = good("ZH1", "M-ZH1");
    zh.insert("member_last_name", "王".into());
    let csv = HEADER.join(",") + "\n" + &csv_line(&vn) + &csv_line(&nfd) + &csv_line(&zh);
    let (code, stderr) = claims(d.path(), &csv);
    assert_eq!(code, 1, "{stderr}");
    let out = d.path().join("claims");

    let x12 = std::fs::read_to_string(out.join("main.837")).unwrap();
    assert!(x12.is_ascii());
    assert!(x12.contains("NM1*IL*1*NGUYEN*THI HONG*"), "{x12}");
    assert!(x12.contains("NM1*82*1*DANG*ADA*"), "{x12}");
    assert!(x12.contains("NM1*IL*1*MUNOZ*JOSE*"), "{x12}");
    assert!(!x12.contains("M-ZH1"));

    let mut r = csv::Reader::from_path(out.join("transliterations.csv")).unwrap();
    let got: Vec<(String, String, String)> = r
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[2].to_string(), r[3].to_string(), r[4].to_string())
        })
        .collect();
    let want = [
        ("VN1", "member_last_name", "ễ->e"),
        ("VN1", "member_first_name", "ị->i ồ->o"),
        ("VN1", "rendering_last_name", "Đ->D ặ->a"),
        ("NFD1", "member_last_name", "ñ->n"),
        ("NFD1", "member_first_name", "é->e"),
    ];
    for w in want {
        let w = (w.0.to_string(), w.1.to_string(), w.2.to_string());
        assert!(got.contains(&w), "{w:?} not in {got:?}");
    }
    assert_eq!(got.len(), want.len(), "{got:?}");

    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let mut r = csv::Reader::from_reader(rejects.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{rejects}");
    assert_eq!(&rows[0][col("encounter_id")], "ZH1");
    assert_eq!(&rows[0][col("rule_id")], "ENC-019");
    assert!(
        rows[0][col("message")].contains("Chinese or Japanese script"),
        "{rejects}"
    );
    for name in ["王", "Nguy", "Mun", "Jos"] {
        assert!(
            !rejects.contains(name) && !stderr.contains(name),
            "{name} in a message"
        );
    }
}

/// Values the 837 writer would refuse (a one-letter city: N401 is 2 to 30 characters; a birth
/// date before 1900, which DMG02 cannot carry or no member has) are refused on their own row by
/// the row checks, with the row number and rule, so the rest of the file is billed instead of the
/// whole run stopping at the writer.
#[test]
fn values_the_837_cannot_carry_are_refused_on_their_row() {
    let d = tempfile::tempdir().unwrap();
    let mut city = good("CITY1", "M-CITY1");
    city.insert("member_city", "X".into());
    let mut dob1 = good("DOB1", "M-DOB1");
    dob1.insert("member_dob", "0001-01-01".into());
    let mut dob2 = good("DOB2", "M-DOB2");
    dob2.insert("member_dob", "1799-12-31".into());
    let mut old = good("DOB3", "M-DOB3");
    old.insert("member_dob", "1900-01-01".into());
    let mut two = good("CITY2", "M-CITY2");
    two.insert("member_city", "Al".into());
    let csv = HEADER.join(",")
        + "\n"
        + &csv_line(&good("OK1", "M-OK1"))
        + &csv_line(&city)
        + &csv_line(&dob1)
        + &csv_line(&dob2)
        + &csv_line(&old)
        + &csv_line(&two);
    let (code, stderr) = claims(d.path(), &csv);
    assert_eq!(code, 1, "{stderr}");
    let out = d.path().join("claims");
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let mut r = csv::Reader::from_reader(rejects.as_bytes());
    let got: Vec<(String, String, String, String)> = r
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[1].to_string(),
                r[2].to_string(),
                r[3].to_string(),
                r[5].to_string(),
            )
        })
        .collect();
    let want = [
        ("3", "CITY1", "ENC-025", "member_city"),
        ("4", "DOB1", "ENC-036", "member_dob"),
        ("5", "DOB2", "ENC-036", "member_dob"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|w| (w.0.into(), w.1.into(), w.2.into(), w.3.into()))
        .collect();
    assert_eq!(got, want, "{rejects}");
    assert!(rejects.contains("the 837 allows 2 to 30"), "{rejects}");
    // Birth dates are never repeated in a message.
    for m in csv::Reader::from_reader(rejects.as_bytes()).records() {
        let m = m.unwrap()[7].to_string();
        assert!(!m.contains("0001") && !m.contains("1799"), "{m}");
    }
    let x12 = out.join("main.837");
    let text = std::fs::read_to_string(&x12).unwrap();
    for id in ["M-OK1", "M-DOB3", "M-CITY2"] {
        assert!(text.contains(&format!("*MI*{id}~")), "{id} not billed");
    }
    assert!(text.contains("\nN4*AL*CA*93701~"), "{text}");
    assert!(text.contains("\nDMG*D8*19000101*F~"), "{text}");
    common::pyx12_validate(&x12).assert_valid("the rows that pass");
}

/// member_state is checked against the US state and territory codes (a table, not a shape):
/// `ZZ` and a Canadian province are refused on their row (ENC-026) instead of reaching the plan,
/// whose validator rejects N402; a lower-case `ca` and the territories are billed.
#[test]
fn member_state_must_be_a_us_state_or_territory() {
    let d = tempfile::tempdir().unwrap();
    let mut rows = String::new();
    for (i, st) in ["ZZ", "ON", "ca", "PR", "GU"].iter().enumerate() {
        let mut r = good(&format!("ST{i}"), &format!("M-ST{i}"));
        r.insert("member_state", st.to_string());
        rows.push_str(&csv_line(&r));
    }
    let (code, stderr) = claims(d.path(), &(HEADER.join(",") + "\n" + &rows));
    assert_eq!(code, 1, "{stderr}");
    let out = d.path().join("claims");
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let got: Vec<(String, String, String)> = csv::Reader::from_reader(rejects.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[2].to_string(), r[3].to_string(), r[5].to_string())
        })
        .collect();
    let want = [
        ("ST0", "ENC-026", "member_state"),
        ("ST1", "ENC-026", "member_state"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|w| (w.0.into(), w.1.into(), w.2.into()))
        .collect();
    assert_eq!(got, want, "{rejects}");
    assert!(rejects.contains("member_state 'ZZ' is not the two-letter code of a US state"));
    let x12 = out.join("main.837");
    let text = std::fs::read_to_string(&x12).unwrap();
    for st in ["CA", "PR", "GU"] {
        assert!(
            text.contains(&format!("\nN4*FRESNO*{st}*93701~")),
            "{st}: {text}"
        );
    }
    common::pyx12_validate(&x12).assert_valid("members in CA, PR and GU");
}

/// A charge the 837 cannot carry says why: over the maximum (9,999,999.99), negative, more than
/// two decimals, or not a plain number; each is ENC-023 on its row.
#[test]
fn a_bad_charge_says_what_is_wrong_with_it() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        ("10000000.00", "is over the maximum amount, 9,999,999.99"),
        (
            "99999999999999999999999999999999.99",
            "is over the maximum amount, 9,999,999.99",
        ),
        ("-5.00", "is negative"),
        ("150.005", "has more than two decimals"),
        ("$150", "is not a plain amount such as 150.00"),
    ];
    let mut csv = HEADER.join(",") + "\n";
    for (i, (charge, _)) in cases.iter().enumerate() {
        let mut r = good(&format!("CH{i}"), &format!("M-CH{i}"));
        r.insert("charge", charge.to_string());
        csv.push_str(&csv_line(&r));
    }
    let (rows, code) = map(d.path(), csv.as_bytes(), &[]);
    assert_eq!(code, 1);
    for (row, (charge, want)) in rows.iter().zip(cases) {
        assert_eq!(row["rule_ids"], "ENC-023", "{charge}");
        let m = row["messages"].as_str().unwrap();
        assert!(m.contains(want), "{charge}: {m}");
    }
    // 9,999,999.99 itself is billed.
    let mut r = good("CHMAX", "M-CHMAX");
    r.insert("charge", "9999999.99".into());
    let csv = HEADER.join(",") + "\n" + &csv_line(&r);
    let (rows, code) = map(d.path(), csv.as_bytes(), &[]);
    assert_eq!((code, rows[0]["charge"].as_str()), (0, Some("9999999.99")));
}

/// Row numbers are the spreadsheet's: the header is row 1, a blank line is a row, and a quoted
/// field holding a line break does not add one (a spreadsheet shows that record as one row), so
/// the row after it is named by the number the clerk sees.
#[test]
fn row_numbers_are_the_spreadsheets_after_a_line_break_in_a_field() {
    let d = tempfile::tempdir().unwrap();
    let mut multi = good("NL1", "M-NL1");
    multi.insert("member_address", "10 Oak St\nApt 4".into());
    let mut after = good("NL2", "M-NL2");
    after.insert("service_date", "2025-13-01".into());
    let mut after_blank = good("NL3", "M-NL3");
    after_blank.insert("member_sex", "X".into());
    let csv = HEADER.join(",")
        + "\n"
        + &csv_line(&multi)
        + &csv_line(&after)
        + "\n"
        + &csv_line(&after_blank);
    assert!(csv.contains("\"10 Oak St\nApt 4\""));
    let (rows, _) = map(d.path(), csv.as_bytes(), &[]);
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["rule_ids"].as_str().unwrap()))
        .collect();
    assert_eq!(got, vec![(2, "ENC-014"), (3, "ENC-002"), (5, "ENC-018")]);
}

/// A misnamed override in `--codeset DIR` (`ecm_hcpcs.toml` for `ecm-hcpcs.toml`) would be
/// ignored and the built-in table billed instead: it is refused (exit 2) naming the table meant.
/// A `.toml` file there that resembles no table is named in a warning and not read.
#[test]
fn a_misnamed_code_set_file_is_refused_and_a_stray_one_named() {
    let d = tempfile::tempdir().unwrap();
    let cs = d.path().join("codeset");
    std::fs::create_dir(&cs).unwrap();
    let table = std::fs::read_to_string("codesets/ecm-hcpcs.toml").unwrap();
    std::fs::write(cs.join("ecm_hcpcs.toml"), &table).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args(["--codeset", cs.to_str().unwrap(), "codes"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("ecm_hcpcs.toml: is not a code-set table name")
            && err.contains("rename it ecm-hcpcs.toml"),
        "{err}"
    );

    std::fs::rename(cs.join("ecm_hcpcs.toml"), cs.join("ecm-hcpcs.toml")).unwrap();
    std::fs::write(cs.join("ecm.toml"), "[provider]\n").unwrap();
    let csv = HEADER.join(",") + "\n" + &csv_line(&good("CS1", "M-CS1"));
    let input = d.path().join("encounters.csv");
    std::fs::write(&input, csv).unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "tests/fixtures/rules-ecm.toml",
            "--as-of",
            "2025-07-01",
        ])
        .args(["--codeset", cs.to_str().unwrap(), "map"])
        .arg(&input)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: ")
            && err.contains("ecm.toml is not a code-set table and was not read"),
        "{err}"
    );
}

/// ENC-029 says which member columns disagree with the earlier row (so the clerk knows what to
/// compare) without printing either value: names and birth dates stay out of messages.
#[test]
fn a_member_mismatch_names_the_columns_not_the_values() {
    let d = tempfile::tempdir().unwrap();
    let first = good("MM1", "M-MM");
    let mut second = good("MM2", "M-MM");
    second.insert("member_dob", "1981-05-06".into());
    second.insert("member_last_name", "Rivas".into());
    let csv = HEADER.join(",") + "\n" + &csv_line(&first) + &csv_line(&second);
    let (rows, code) = map(d.path(), csv.as_bytes(), &[]);
    assert_eq!(code, 1);
    let msg = rows[1]["messages"].as_str().unwrap();
    assert!(
        msg.contains("member_last_name, member_dob differ from"),
        "{msg}"
    );
    assert!(msg.contains("row 2"), "{msg}");
    for personal in ["1981", "1980", "Rivas", "Rivera"] {
        assert!(!msg.contains(personal), "{personal} in {msg}");
    }
}
