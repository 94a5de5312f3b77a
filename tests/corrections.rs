//! Corrections and voids through `ecm claims`: a row naming the encounter it corrects and the
//! claim that carried it becomes a replacement (CLM05-3 = 7) or void (8) with the original's
//! CLM01 and REF*F8; the 837 passes pyx12 and x12-types; malformed corrections are rejected with
//! their rule ids.

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn claims(input: &Path, out: &Path) -> std::process::Output {
    Command::cargo_bin("ecm")
        .unwrap()
        .args([
            "--config",
            "examples/ecm.toml",
            "--as-of",
            "2026-11-01",
            "claims",
        ])
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// The example's good rows (the last six are bad on purpose).
fn good_rows() -> (String, Vec<String>) {
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let rows = lines
        .filter(|l| {
            ![
                "SCC-0028", "SCC-0029", "SCC-0030", "SCC-0031", "SCC-0032", "SCC-0033",
            ]
            .iter()
            .any(|b| l.starts_with(b))
        })
        .map(str::to_string)
        .collect();
    (header, rows)
}

/// The CLM01 of the claim whose line carries REF*6R `encounter`.
fn claim_of(x12: &str, encounter: &str) -> String {
    let mut current = String::new();
    for seg in x12.lines() {
        if let Some(rest) = seg.strip_prefix("CLM*") {
            current = rest.split('*').next().unwrap().to_string();
        }
        if seg == format!("REF*6R*{encounter}~") {
            return current;
        }
    }
    panic!("{encounter} is on no claim");
}

/// The segments of the claim with CLM01 `id`, up to the next claim or subscriber.
fn claim_segments<'a>(x12: &'a str, id: &str) -> Vec<&'a str> {
    let start = format!("CLM*{id}*");
    let mut out = Vec::new();
    let mut inside = false;
    for seg in x12.lines() {
        if seg.starts_with("CLM*") || seg.starts_with("HL*") || seg.starts_with("SE*") {
            inside = seg.starts_with(&start);
        }
        if inside {
            out.push(seg);
        }
    }
    out
}

fn write_csv(dir: &Path, name: &str, header: &str, rows: &[String]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    p
}

/// Replaces field `col` of a CSV row (the example has no quoted commas).
fn with_field(row: &str, header: &str, col: &str, value: &str) -> String {
    let at = header.split(',').position(|h| h == col).unwrap();
    let mut f: Vec<&str> = row.split(',').collect();
    f[at] = value;
    f.join(",")
}

#[test]
fn replacements_and_voids_keep_the_original_claim_id_and_pass_pyx12() {
    let d = tempfile::tempdir().unwrap();
    let (header, rows) = good_rows();
    let first = write_csv(d.path(), "first.csv", &header, &rows);
    let out = claims(&first, &d.path().join("first"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = std::fs::read_to_string(d.path().join("first/golden-valley.837")).unwrap();
    let replaced = claim_of(&sent, "SCC-0003");
    let voided = claim_of(&sent, "SCC-0001");

    // The correction file: the example's columns plus the three correction columns.
    let find = |id: &str| {
        rows.iter()
            .find(|r| r.starts_with(&format!("{id},")))
            .unwrap()
    };
    let header2 = format!("{header},correction,replaces_encounter_id,original_claim_id");
    let mut fix = with_field(find("SCC-0003"), &header, "encounter_id", "SCC-0003-R1");
    fix = with_field(&fix, &header, "place_of_service", "12");
    let corrections = vec![
        format!("{fix},replace,SCC-0003,{replaced}"),
        format!(
            "{},void,SCC-0001,{voided}",
            find("SCC-0001").replacen("SCC-0001", "SCC-0001-V", 1)
        ),
        // Broken corrections, one rule each.
        format!(
            "{},fix,SCC-0002,{voided}",
            find("SCC-0002").replacen("SCC-0002", "SCC-0002-X", 1)
        ),
        format!(
            "{},void,,{voided}",
            find("SCC-0004").replacen("SCC-0004", "SCC-0004-X", 1)
        ),
        format!(
            "{},replace,SCC-0005,",
            find("SCC-0005").replacen("SCC-0005", "SCC-0005-X", 1)
        ),
        format!(
            "{},replace,SCC-0009,{replaced}",
            find("SCC-0009").replacen("SCC-0009", "SCC-0009-X", 1)
        ),
        // A row that names itself as the encounter it replaces.
        format!(
            "{},replace,SCC-0010-X,{replaced}",
            find("SCC-0010").replacen("SCC-0010", "SCC-0010-X", 1)
        ),
    ];
    let second = write_csv(d.path(), "fix.csv", &header2, &corrections);
    let out = claims(&second, &d.path().join("fix"));
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let rejects = std::fs::read_to_string(d.path().join("fix/rejects.csv")).unwrap();
    for (id, rule) in [
        ("SCC-0002-X", "ENC-034"),
        ("SCC-0004-X", "ENC-035"),
        ("SCC-0005-X", "COD-007"),
        ("SCC-0009-X", "COD-008"),
        ("SCC-0010-X", "ENC-035"),
    ] {
        assert!(
            rejects.lines().any(|l| l.contains(id) && l.contains(rule)),
            "{id} not rejected with {rule}:\n{rejects}"
        );
    }
    assert_eq!(rejects.lines().count(), 1 + 5, "{rejects}");
    assert!(
        rejects.contains("own encounter_id"),
        "the self-reference is named: {rejects}"
    );

    let file = d.path().join("fix/golden-valley.837");
    let x12 = std::fs::read_to_string(&file).unwrap();
    common::pyx12_validate(&file).assert_valid("the correction 837");
    let (n_claims, n_lines, _) = common::x12_types_summary(&x12);
    assert_eq!((n_claims, n_lines), (2, 2));

    let r = claim_segments(&x12, &replaced);
    assert!(r[0].contains("*12:B:7*"), "{r:?}");
    assert!(r.contains(&format!("REF*F8*{replaced}~").as_str()), "{r:?}");
    assert!(r.contains(&"REF*6R*SCC-0003-R1~"), "{r:?}");
    let v = claim_segments(&x12, &voided);
    assert!(v[0].contains(":B:8*"), "{v:?}");
    assert!(v.contains(&format!("REF*F8*{voided}~").as_str()), "{v:?}");

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("fix/summary.json")).unwrap()).unwrap();
    let gv = summary["payers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payer"] == "golden-valley")
        .unwrap();
    assert_eq!(
        (
            gv["replacement_claims"].as_u64(),
            gv["void_claims"].as_u64()
        ),
        (Some(1), Some(1))
    );
}

#[test]
fn a_new_claim_never_takes_the_id_of_a_claim_being_corrected() {
    let d = tempfile::tempdir().unwrap();
    let (header, rows) = good_rows();
    let first = write_csv(d.path(), "first.csv", &header, &rows);
    assert_eq!(
        claims(&first, &d.path().join("first")).status.code(),
        Some(0)
    );
    let sent = std::fs::read_to_string(d.path().join("first/golden-valley.837")).unwrap();
    let original = claim_of(&sent, "SCC-0001");
    // The same encounter billed again as new, and a replacement of its claim, in one run: the
    // new claim's content-derived id would be the original's, so it must get another.
    let header2 = format!("{header},correction,replaces_encounter_id,original_claim_id");
    let row = rows.iter().find(|r| r.starts_with("SCC-0001,")).unwrap();
    let input = vec![
        format!("{row},,,"),
        format!(
            "{},replace,SCC-0001,{original}",
            row.replacen("SCC-0001", "SCC-0001-R", 1)
        ),
    ];
    let p = write_csv(d.path(), "both.csv", &header2, &input);
    let out = claims(&p, &d.path().join("both"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let x12 = std::fs::read_to_string(d.path().join("both/golden-valley.837")).unwrap();
    let ids: Vec<&str> = x12
        .lines()
        .filter_map(|s| s.strip_prefix("CLM*"))
        .map(|s| s.split('*').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert!(ids.contains(&original.as_str()));
    common::pyx12_validate(&d.path().join("both/golden-valley.837"))
        .assert_valid("new + replacement");
}

/// `ecm map` rows as JSON, for `input` on the example's configuration.
fn map(input: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = common::on_the_example("map")
        .args(["--format", "json"])
        .arg(input)
        .output()
        .unwrap();
    let rows = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), rows)
}

/// `ecm map` refuses a correcting row exactly when `ecm claims` does: a row `claims` cannot put
/// on a correction claim (no original claim id, or disagreeing with another row correcting the
/// same claim) is not billable in map either, and, since it was not taken, a later row correcting
/// the same encounter is billable in both rather than refused as a second correction (ENC-039).
#[test]
fn map_judges_correcting_rows_as_claims_does() {
    let d = tempfile::tempdir().unwrap();
    let (header, rows) = good_rows();
    let find = |id: &str| {
        rows.iter()
            .find(|r| r.starts_with(&format!("{id},")))
            .unwrap()
    };
    let fix = |id: &str, new_id: &str| find(id).replacen(id, new_id, 1);
    let header2 = format!("{header},correction,replaces_encounter_id,original_claim_id");
    let input = vec![
        // No original claim id: COD-007; then a row with one corrects the same encounter.
        format!("{},replace,SCC-0005,", fix("SCC-0005", "SCC-0005-R1")),
        format!(
            "{},replace,SCC-0005,C00000000000000A5",
            fix("SCC-0005", "SCC-0005-R2")
        ),
        // A void and a replacement of one claim: the replacement is refused (COD-008); then a
        // row correcting the same encounter under its own claim is taken.
        format!(
            "{},void,SCC-0001,C00000000000000A1",
            fix("SCC-0001", "SCC-0001-V")
        ),
        format!(
            "{},replace,SCC-0002,C00000000000000A1",
            fix("SCC-0002", "SCC-0002-R1")
        ),
        format!(
            "{},replace,SCC-0002,C00000000000000A2",
            fix("SCC-0002", "SCC-0002-R2")
        ),
        // A second correction of an encounter taken above stays refused (ENC-039).
        format!(
            "{},replace,SCC-0005,C00000000000000A5",
            fix("SCC-0005", "SCC-0005-R3")
        ),
    ];
    let p = write_csv(d.path(), "fix.csv", &header2, &input);

    let out = claims(&p, &d.path().join("claims"));
    common::assert_exit(&out, 1);
    let rejected: Vec<(u64, String, String)> = common::csv_columns(
        &d.path().join("claims/rejects.csv"),
        &["row", "encounter_id", "rule_id"],
    )
    .into_iter()
    .map(|c| (c[0].parse().unwrap(), c[1].clone(), c[2].clone()))
    .collect();
    let want = vec![
        (2, "SCC-0005-R1".to_string(), "COD-007".to_string()),
        (5, "SCC-0002-R1".to_string(), "COD-008".to_string()),
        (7, "SCC-0005-R3".to_string(), "ENC-039".to_string()),
    ];
    assert_eq!(rejected, want, "claims");

    let (code, mapped) = map(&p);
    assert_eq!(code, Some(1));
    assert_eq!(mapped.len(), input.len());
    let not_billable: Vec<(u64, String, String)> = mapped
        .iter()
        .filter(|m| m["status"] == "not_billable")
        .map(|m| {
            (
                m["row"].as_u64().unwrap(),
                m["encounter_id"].as_str().unwrap().to_string(),
                m["rule_ids"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        not_billable, rejected,
        "map and claims disagree: {mapped:#?}"
    );
    let needs_id = mapped.iter().find(|m| m["row"] == 2).unwrap();
    assert!(
        needs_id["messages"]
            .as_str()
            .unwrap()
            .contains("original_claim_id is empty"),
        "{needs_id}"
    );
    for row in [3, 4, 6] {
        let m = mapped.iter().find(|m| m["row"] == row).unwrap();
        assert_eq!(m["status"], "billable", "{m}");
    }
}
