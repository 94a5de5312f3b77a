//! `ecm claims` and `ecm demo` through the real binary: the outputs, the exit status contract,
//! byte-identical re-runs, and conformance of every 837 written (pyx12 and x12-types).

mod common;

use common::on_the_example;

use assert_cmd::Command;
use common::files_837;
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

/// Runs the demo inside `dir` with a relative `--out`, so file names in its outputs do not depend
/// on where the test runs. Returns the claims directory.
fn run_demo(dir: &Path) -> PathBuf {
    let out = ecm()
        .current_dir(dir)
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("demo/claims")
}

/// The demo's tour for a first-time user goes to stdout, so `ecm demo > tour.txt` or
/// `ecm demo | less` shows it; stderr is for warnings and errors, and the demo has none.
#[test]
fn demo_writes_valid_837s_and_explains_every_rejection() {
    let d = tempfile::tempdir().unwrap();
    let out = ecm()
        .current_dir(d.path())
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "golden-valley.837",
        "bayview.837",
        "rejects.csv",
        "ENC-002",
        "ENC-009",
        "ENC-010",
        "ENC-011",
        "ENC-014",
        "ENC-015",
        "fix:",
        "Next:",
    ] {
        assert!(said.contains(needle), "demo output lacks {needle}:\n{said}");
    }
    let claims = d.path().join("demo/claims");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(claims.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["rows_read"], 33);
    assert_eq!(summary["rows_billed"], 27);
    assert_eq!(summary["rows_rejected"], 6);
    let rejects = std::fs::read_to_string(claims.join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 1 + 6);
    for f in files_837(&claims) {
        common::pyx12_validate(&f).assert_valid(&f.display().to_string());
        let text = std::fs::read_to_string(&f).unwrap();
        let (claims_n, lines_n, total) = common::x12_types_summary(&text);
        let key = f.file_stem().unwrap().to_str().unwrap();
        let p = summary["payers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["payer"] == key)
            .unwrap();
        assert_eq!(claims_n as u64, p["claims"].as_u64().unwrap(), "{key}");
        assert_eq!(lines_n as u64, p["lines"].as_u64().unwrap(), "{key}");
        let want: rust_decimal::Decimal = p["total_charge"].as_str().unwrap().parse().unwrap();
        assert_eq!(total, want, "{key}");
    }
}

#[test]
fn demo_outputs_match_their_snapshots() {
    let d = tempfile::tempdir().unwrap();
    let claims = run_demo(d.path());
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for f in files_837(&claims) {
            let name = format!("demo_{}_837", f.file_stem().unwrap().to_str().unwrap().replace('-', "_"));
            insta::assert_snapshot!(name, std::fs::read_to_string(&f).unwrap());
        }
        insta::assert_snapshot!("demo_rejects_csv", std::fs::read_to_string(claims.join("rejects.csv")).unwrap());
        insta::assert_snapshot!("demo_map_csv", std::fs::read_to_string(d.path().join("demo/map.csv")).unwrap());
        insta::assert_snapshot!("demo_summary_json", std::fs::read_to_string(claims.join("summary.json")).unwrap());
        // The file column names the input; strip the scratch directory so the snapshot is stable.
        let scratch = format!("{}/", d.path().display());
        let transliterations = std::fs::read_to_string(claims.join("transliterations.csv")).unwrap();
        insta::assert_snapshot!("demo_transliterations_csv", transliterations.replace(&scratch, ""));
    });
}

#[test]
fn same_inputs_same_as_of_give_identical_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ca, cb) = (run_demo(a.path()), run_demo(b.path()));
    for name in [
        "golden-valley.837",
        "bayview.837",
        "rejects.csv",
        "summary.json",
        "transliterations.csv",
    ] {
        let read = |d: &Path| std::fs::read_to_string(d.join(name)).unwrap();
        assert_eq!(read(&ca), read(&cb), "{name}");
    }
}

/// The demo's example with its bad rows removed, in a scratch directory.
fn clean_example(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let good: Vec<&str> = text
        .lines()
        .filter(|l| {
            ![
                "SCC-0028", "SCC-0029", "SCC-0030", "SCC-0031", "SCC-0032", "SCC-0033",
            ]
            .iter()
            .any(|b| l.starts_with(b))
        })
        .collect();
    let p = dir.join("good.csv");
    std::fs::write(&p, good.join("\n") + "\n").unwrap();
    p
}

fn claims(dir: &Path, input: &Path, extra: &[&str]) -> std::process::Output {
    on_the_example("claims")
        .arg(input)
        .arg("--out")
        .arg(dir.join("out"))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn exit_status_follows_the_contract() {
    let d = tempfile::tempdir().unwrap();
    let good = clean_example(d.path());
    let out = claims(d.path(), &good, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("out/rejects.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );

    // Existing outputs are not replaced without --force, and nothing else is written.
    let before = std::fs::read(d.path().join("out/golden-valley.837")).unwrap();
    let out = claims(d.path(), Path::new("examples/encounters.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read(d.path().join("out/golden-valley.837")).unwrap(),
        before
    );

    // Some rows rejected: 1, the accepted ones billed.
    let out = claims(d.path(), Path::new("examples/encounters.csv"), &["--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(d.path().join("out/rejects.csv"))
            .unwrap()
            .lines()
            .count(),
        7
    );

    // --strict with a rejection: 2 and nothing written.
    let strict_dir = tempfile::tempdir().unwrap();
    let out = claims(
        strict_dir.path(),
        Path::new("examples/encounters.csv"),
        &["--strict"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!strict_dir.path().join("out/golden-valley.837").exists());
    assert!(!strict_dir.path().join("out/rejects.csv").exists());

    // Unreadable input, missing column, bad config: 2, nothing written.
    let e = tempfile::tempdir().unwrap();
    let out = claims(e.path(), Path::new("no/such/file.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(
        e.path().join("short.csv"),
        "encounter_id,member_id\nE1,M1\n",
    )
    .unwrap();
    let out = claims(e.path(), &e.path().join("short.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("member_last_name"));
    assert!(!e.path().join("out/rejects.csv").exists());
}

#[test]
fn control_numbers_come_from_content_or_the_option() {
    let d = tempfile::tempdir().unwrap();
    let good = clean_example(d.path());
    claims(d.path(), &good, &["--control-number", "42"]);
    let text = std::fs::read_to_string(d.path().join("out/bayview.837")).unwrap();
    assert!(
        text.starts_with("ISA*") && text.lines().next().unwrap().contains("*000000042*"),
        "{}",
        &text[..110]
    );
    let gv = std::fs::read_to_string(d.path().join("out/golden-valley.837")).unwrap();
    assert!(
        gv.lines().next().unwrap().contains("*000000043*"),
        "payer files are numbered in key order"
    );
    assert!(gv.contains("\nGE*1*43~"));
    assert!(gv.contains("\nIEA*1*000000043~"));
}

#[test]
fn no_temporary_files_are_left_behind() {
    let d = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(run_demo(d.path())).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        // The one hidden file is the list of what the run wrote (for the next --force run).
        assert!(
            !name.starts_with('.') || name == ".ecm-outputs",
            "left behind: {name}"
        );
    }
}

/// A file saved by Excel or Windows (CRLF line ends) is read exactly like the same file with LF:
/// the same rows rejected under the same row numbers, the same 837s.
#[test]
fn windows_line_ends_keep_row_numbers() {
    let d = tempfile::tempdir().unwrap();
    let lf = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let crlf = d.path().join("crlf.csv");
    std::fs::write(&crlf, lf.replace('\n', "\r\n")).unwrap();
    let a = claims(
        &d.path().join("lf"),
        Path::new("examples/encounters.csv"),
        &[],
    );
    let b = claims(&d.path().join("crlf"), &crlf, &[]);
    assert_eq!((a.status.code(), b.status.code()), (Some(1), Some(1)));
    // rejects.csv: file,row,encounter_id,...; the file names differ, the rest must not.
    let rows = |dir: &str| -> Vec<String> {
        std::fs::read_to_string(d.path().join(dir).join("out/rejects.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect()
    };
    let (ra, rb) = (rows("lf"), rows("crlf"));
    assert!(ra[0].starts_with("29,SCC-0028,"), "{ra:?}");
    assert_eq!(ra, rb);
    for payer in ["bayview.837", "golden-valley.837"] {
        let read = |dir: &str| std::fs::read(d.path().join(dir).join("out").join(payer)).unwrap();
        assert_eq!(read("lf"), read("crlf"), "{payer}");
    }
}

/// A quote left open would swallow every later row into one field: the run stops, names the
/// row and column where the quote opened, and writes nothing, so no row silently disappears.
#[test]
fn an_unclosed_quote_stops_the_run_and_names_where_it_opened() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let broken = text.replacen("SCC-0003,", "SCC-0003,\"", 1);
    let input = d.path().join("unclosed.csv");
    std::fs::write(&input, broken).unwrap();
    let out = claims(d.path(), &input, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("row 4, column 'member_id'") && said.contains("close the quote"),
        "{said}"
    );
    assert!(!d.path().join("out/rejects.csv").exists());
    assert!(!d.path().join("out/golden-valley.837").exists());
}

/// With --force a run replaces the earlier run in its directory: a payer billed before but not
/// now loses its old 837 (named on stderr), and files ecm did not write are left alone.
#[test]
fn force_replaces_the_earlier_run_and_nothing_else() {
    let d = tempfile::tempdir().unwrap();
    let out = claims(d.path(), Path::new("examples/encounters.csv"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(d.path().join("out/bayview.837").exists());
    std::fs::write(d.path().join("out/notes.txt"), "mine").unwrap();
    let only_gv: String = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .filter(|l| !l.contains(",bayview,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let input = d.path().join("gv.csv");
    std::fs::write(&input, only_gv).unwrap();
    let out = claims(d.path(), &input, &["--force"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(!d.path().join("out/bayview.837").exists(), "{said}");
    assert!(
        said.contains("Removed") && said.contains("bayview.837"),
        "{said}"
    );
    assert!(d.path().join("out/golden-valley.837").exists());
    assert_eq!(
        std::fs::read_to_string(d.path().join("out/notes.txt")).unwrap(),
        "mine"
    );

    // A replacement that cannot be put in place replaces nothing: a directory where
    // summary.json goes stops the run before any earlier file is touched.
    let before = std::fs::read(d.path().join("out/golden-valley.837")).unwrap();
    std::fs::remove_file(d.path().join("out/summary.json")).unwrap();
    std::fs::create_dir(d.path().join("out/summary.json")).unwrap();
    let out = claims(d.path(), Path::new("examples/encounters.csv"), &["--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(d.path().join("out/golden-valley.837")).unwrap(),
        before
    );
    assert!(!d.path().join("out/bayview.837").exists());
    for entry in std::fs::read_dir(d.path().join("out")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            !name.contains(".ecm-tmp-") && !name.contains(".ecm-old-"),
            "left behind: {name}"
        );
    }
}

/// `ecm claims` with `examples/ecm.toml` changed by `edit`, written into `dir`.
fn claims_with_config(dir: &Path, edit: (&str, &str)) -> std::process::Output {
    let text = std::fs::read_to_string("examples/ecm.toml").unwrap();
    assert!(text.contains(edit.0), "{}", edit.0);
    let config = dir.join("ecm.toml");
    std::fs::write(&config, text.replacen(edit.0, edit.1, 1)).unwrap();
    let good = clean_example(dir);
    ecm()
        .arg("--config")
        .arg(&config)
        .args(["--as-of", "2026-11-01", "claims"])
        .arg(good)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap()
}

/// Configuration errors name the file, the key path and the line, whether the value could not be
/// read at all or was read and then checked; nothing is written.
#[test]
fn config_errors_name_file_key_path_and_line() {
    for (edit, want) in [
        (
            ("npi = \"1234567893\"", "npi = \"1234567890\""),
            "ecm.toml: provider.npi (line 8): the NPI check digit does not match",
        ),
        (
            (
                "claim_grouping = \"member_day\"",
                "claim_grouping = \"daily\"",
            ),
            "ecm.toml: payer[1].claim_grouping (line 30): unknown variant `daily`, expected one of `encounter`, `member_day`, `member_month`",
        ),
        (
            ("amount = \"165.00\"", "amount = \"abc\""),
            "ecm.toml: payer[1].charge[1].amount (line 37): an amount is a plain decimal number",
        ),
        (
            ("zip = \"958141234\"", "zip = \"95814\""),
            "ecm.toml: provider.zip (line 14): write ZIP+4 as nine digits",
        ),
    ] {
        let d = tempfile::tempdir().unwrap();
        let out = claims_with_config(d.path(), edit);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "want {want}\ngot {stderr}");
        assert!(!d.path().join("out").exists());
    }
}

/// A provider name with an accented letter is spelled in ASCII, as encounter rows are: billed,
/// and said once on stderr with the key path; a name with no ASCII spelling is still refused.
#[test]
fn accented_letters_in_the_config_are_spelled_in_ascii_with_one_warning() {
    let d = tempfile::tempdir().unwrap();
    let edit = (
        "name = \"Sunrise Community Care Network\"",
        "name = \"Sunrise Community Care Ñetwork\"",
    );
    let out = claims_with_config(d.path(), edit);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warning = "ecm.toml: provider.name (line 7): Ñ->N; spelled in plain ASCII, as X12 requires";
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    let x12 = std::fs::read_to_string(d.path().join("out/golden-valley.837")).unwrap();
    assert!(
        x12.contains("\nNM1*85*2*SUNRISE COMMUNITY CARE NETWORK*"),
        "{x12}"
    );

    let d = tempfile::tempdir().unwrap();
    let edit = (
        "name = \"Sunrise Community Care Network\"",
        "name = \"Sunrise 日出 Network\"",
    );
    let out = claims_with_config(d.path(), edit);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ecm.toml: provider.name (line 7): contains a character with no plain-ASCII spelling (code point U+65E5, Chinese or Japanese script)"),
        "{stderr}"
    );
}

/// An accented letter in ecm.toml is on record in summary.json (`config_transliterations`: the
/// key path, line and letters changed, never the value), for `ecm claims` and `ecm invoice`
/// alike, so with `-q`, which keeps the warning off stderr, the change is still reported.
#[test]
fn config_transliterations_are_in_the_summary_even_when_quiet() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/ecm.toml").unwrap();
    let config = d.path().join("ecm.toml");
    std::fs::write(
        &config,
        text.replacen(
            "name = \"Sunrise Community Care Network\"",
            "name = \"Sunrise Peña Care\"",
            1,
        ),
    )
    .unwrap();
    let good = clean_example(d.path());
    for command in ["claims", "invoice"] {
        let out_dir = d.path().join(command);
        let out = ecm()
            .arg("-q")
            .arg("--config")
            .arg(&config)
            .args(["--as-of", "2026-11-01", command])
            .arg(&good)
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{command}: {said}");
        assert!(said.is_empty(), "{command}: {said}");
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
        assert_eq!(
            summary["config_transliterations"],
            serde_json::json!([{
                "file": config.display().to_string(),
                "key": "provider.name",
                "line": 7,
                "changes": ["ñ->n"],
            }]),
            "{command}"
        );
        let json = String::from_utf8_lossy(&std::fs::read(out_dir.join("summary.json")).unwrap())
            .into_owned();
        assert!(
            !json.contains("Peña") && !json.contains("PENA"),
            "{command}: {json}"
        );
    }
}

/// A row with another number of fields than the header (ENC-031) names a field in rejects.csv,
/// as every other rejection does: where the row and the header part. A row one field short
/// names the header column it lacks (`charge`); a row with an unquoted comma, one field long,
/// names the first column past the header, `(column 29)`, which has no header name.
#[test]
fn a_row_of_the_wrong_width_names_where_it_parts_from_the_header() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",payer,charge") && header.split(',').count() == 28);
    let row = lines.find(|l| l.starts_with("SCC-0002,")).unwrap();
    let short = row.replacen("SCC-0002", "SHORT", 1);
    let short = short.strip_suffix(',').unwrap();
    let long = row.replacen("SCC-0002", "LONG", 1).replacen(
        "2210 Alhambra Blvd Apt 3",
        "2210 Alhambra Blvd, Apt 3",
        1,
    );
    let input = d.path().join("widths.csv");
    std::fs::write(&input, format!("{header}\n{short}\n{long}\n")).unwrap();
    let out = claims(d.path(), &input, &[]);
    common::assert_exit(&out, 1);
    let got: Vec<(String, String, String, String)> = common::csv_columns(
        &d.path().join("out/rejects.csv"),
        &["encounter_id", "rule_id", "field", "message"],
    )
    .into_iter()
    .map(|c| (c[0].clone(), c[1].clone(), c[2].clone(), c[3].clone()))
    .collect();
    assert_eq!(
        got,
        [
            (
                "SHORT".to_string(),
                "ENC-031".to_string(),
                "charge".to_string(),
                "the row has 27 fields but the header has 28: it ends before column 28, charge"
                    .to_string()
            ),
            (
                "LONG".to_string(),
                "ENC-031".to_string(),
                "(column 29)".to_string(),
                "the row has 29 fields but the header has 28: column 29 and after are past the header's last column, charge".to_string()
            ),
        ]
    );
}

/// A member with more claims for one payer than a subscriber loop holds (100: loop 2300's
/// repeat in the guide) is billed in further 2000B loops for the same member, not refused with
/// the whole run: 250 member-day claims give three subscriber loops (100, 100, 50), which
/// pyx12, x12-types and `ecm check` all accept.
#[test]
fn a_member_with_over_100_claims_gets_another_subscriber_loop() {
    let d = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let start = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let mut csv = header + "\n";
    for i in 0..250 {
        let day = start + chrono::Duration::days(i);
        csv.push_str(&format!(
            "D{i:04},GV900000,,Lopez,Maria,1968-04-12,F,2210 Alhambra Blvd,Sacramento,CA,95817,{day},assessment,rn,,in_person,75,,04,Z59.01,,,,,,,golden-valley,\n"
        ));
    }
    let input = d.path().join("days.csv");
    std::fs::write(&input, csv).unwrap();
    let out = claims(d.path(), &input, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let file = d.path().join("out/golden-valley.837");
    let text = std::fs::read_to_string(&file).unwrap();
    let subscribers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("HL*") && l.contains("*22*"))
        .collect();
    assert_eq!(
        subscribers,
        vec!["HL*2*1*22*0~", "HL*3*1*22*0~", "HL*4*1*22*0~"],
        "{text}"
    );
    assert_eq!(
        text.matches("\nNM1*IL*1*LOPEZ*MARIA****MI*GV900000~")
            .count(),
        3
    );
    assert_eq!(text.matches("\nCLM*").count(), 250);
    common::pyx12_validate(&file).assert_valid("250 claims for one member");
    let (claims_n, lines_n, _) = common::x12_types_summary(&text);
    assert_eq!((claims_n, lines_n), (250, 250));
    let check = ecm().arg("check").arg(&file).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// Every diagnosis code of a row reaches the claim's HI (up to 12), not only the four its line
/// points to: eight codes give eight HI entries and SV107 `1:2:3:4`, twelve give twelve, and
/// two same-day rows with sixteen codes between them split into two claims, since one HI holds
/// twelve. `ecm map` lists the same codes; pyx12 and `ecm check` accept the file.
#[test]
fn every_diagnosis_code_reaches_the_claim() {
    let d = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let codes = |letter: char, n: usize| -> String {
        (0..n)
            .map(|i| format!("{letter}{i:02}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let row = |id: &str, member: &str, day: &str, activity: &str, role: &str, dx: &str| {
        format!(
            "{id},{member},,Lopez,Maria,1968-04-12,F,2210 Alhambra Blvd,Sacramento,CA,95817,{day},{activity},{role},,in_person,75,,04,{dx},,,,,,,golden-valley,\n"
        )
    };
    let mut csv = header + "\n";
    csv += &row(
        "DX8",
        "GV900001",
        "2025-06-02",
        "assessment",
        "rn",
        &codes('A', 8),
    );
    csv += &row(
        "DX12",
        "GV900002",
        "2025-06-03",
        "assessment",
        "rn",
        &codes('B', 12),
    );
    csv += &row(
        "DXC",
        "GV900003",
        "2025-06-04",
        "assessment",
        "rn",
        &codes('C', 8),
    );
    csv += &row(
        "DXD",
        "GV900003",
        "2025-06-04",
        "care_coordination",
        "chw",
        &codes('D', 8),
    );
    let input = d.path().join("dx.csv");
    std::fs::write(&input, csv).unwrap();
    let out = claims(d.path(), &input, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let file = d.path().join("out/golden-valley.837");
    let text = std::fs::read_to_string(&file).unwrap();
    let hi = |letter: char, n: usize| -> String {
        let mut s = format!("\nHI*ABK:{letter}00");
        for i in 1..n {
            s += &format!("*ABF:{letter}{i:02}");
        }
        s + "~"
    };
    for (letter, n) in [('A', 8), ('B', 12), ('C', 8), ('D', 8)] {
        assert!(
            text.contains(&hi(letter, n)),
            "want {}\n{text}",
            hi(letter, n)
        );
    }
    assert_eq!(text.matches("\nCLM*").count(), 4, "{text}");
    assert_eq!(text.matches("***1:2:3:4~").count(), 4, "{text}");
    common::pyx12_validate(&file).assert_valid("claims with up to 12 diagnoses");
    let check = ecm().arg("check").arg(&file).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let map = on_the_example("map").arg(&input).output().unwrap();
    let map = String::from_utf8_lossy(&map.stdout);
    assert!(map.contains(&codes('B', 12)), "{map}");
}

/// CLM01 depends on the claim's lines: re-running the same rows gives every claim the same id,
/// and a member-day claim whose lines differ (a rejected row fixed and sent under a new
/// encounter id) gets another, never the CLM01 of the earlier, different claim.
#[test]
fn a_claim_with_other_lines_gets_another_claim_id() {
    let d = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    // An RN's assessment (G9008 U1) and a CHW's care coordination (G9012 U2) on one day.
    let row = |id: &str, activity: &str| {
        let role = if activity == "assessment" {
            "rn"
        } else {
            "chw"
        };
        format!(
            "{id},GV900001,,Lopez,Maria,1968-04-12,F,2210 Alhambra Blvd,Sacramento,CA,95817,2026-09-10,{activity},{role},,in_person,75,,04,Z59.01,,,,,,,golden-valley,\n"
        )
    };
    let run = |name: &str, rows: &[String]| -> Vec<String> {
        let input = d.path().join(format!("{name}.csv"));
        std::fs::write(&input, format!("{header}\n{}", rows.concat())).unwrap();
        let out = claims(&d.path().join(name), &input, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text =
            std::fs::read_to_string(d.path().join(name).join("out/golden-valley.837")).unwrap();
        text.lines()
            .filter_map(|l| l.strip_prefix("CLM*"))
            .map(|l| l.split('*').next().unwrap().to_string())
            .collect()
    };
    let first = run(
        "first",
        &[row("A-1", "assessment"), row("A-2", "care_coordination")],
    );
    let again = run(
        "again",
        &[row("A-1", "assessment"), row("A-2", "care_coordination")],
    );
    let fixed = run(
        "fixed",
        &[row("A-1", "assessment"), row("A-3", "care_coordination")],
    );
    assert_eq!(first.len(), 1);
    assert_eq!(first, again, "the same lines keep their CLM01");
    assert_eq!(fixed.len(), 1);
    assert_ne!(first, fixed, "other lines, another CLM01");
    for id in first.iter().chain(&fixed) {
        assert!(id.len() <= 20 && id.starts_with('E'), "{id}");
    }
}

/// The same service twice (payer, member, date, code and modifiers as coded) is refused on the
/// later row, naming the earlier one, by `claims`, `map` and `invoice` alike: the state rejects a
/// repeated service line. A same-day service coded differently is billed.
#[test]
fn a_repeated_service_is_refused_on_the_later_row() {
    let d = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let row = |id: &str, activity: &str, role: &str| {
        format!(
            "{id},GV900002,,Lopez,Maria,1968-04-12,F,2210 Alhambra Blvd,Sacramento,CA,95817,2026-09-10,{activity},{role},,in_person,75,,04,Z59.01,,,,,,,golden-valley,\n"
        )
    };
    let input = d.path().join("twice.csv");
    std::fs::write(
        &input,
        format!(
            "{header}\n{}{}{}",
            row("T-1", "assessment", "rn"),
            row("T-2", "care_coordination", "chw"),
            // An RN's care coordination that day is G9008 U1 again, as T-1.
            row("T-3", "care_coordination", "rn"),
        ),
    )
    .unwrap();
    let out = claims(d.path(), &input, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let rejects = std::fs::read_to_string(d.path().join("out/rejects.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(rejects.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1, "{rejects}");
    assert_eq!(
        (&rows[0][1], &rows[0][2], &rows[0][3]),
        ("4", "T-3", "ENC-038")
    );
    assert!(
        rows[0][7].contains("G9008 U1 on 2026-09-10")
            && rows[0][7].contains("row 2 (encounter T-1)"),
        "{rejects}"
    );
    let x12 = std::fs::read_to_string(d.path().join("out/golden-valley.837")).unwrap();
    assert_eq!(x12.matches("\nSV1*").count(), 2);
    assert!(!x12.contains("REF*6R*T-3~"));

    let map = on_the_example("map")
        .args(["--format", "json"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(map.status.code(), Some(1));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&map.stdout).unwrap();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["rule_ids"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["", "", "ENC-038"]);

    let inv = on_the_example("invoice")
        .arg(&input)
        .arg("--out")
        .arg(d.path().join("inv"))
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        inv.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&inv.stderr)
    );
    let rejects = std::fs::read_to_string(d.path().join("inv/rejects.csv")).unwrap();
    assert!(rejects.contains(",4,T-3,ENC-038,"), "{rejects}");
}

/// A misspelled optional column is not dropped silently: stderr names it with the column it was
/// probably meant as, and every warning rule is counted on stderr, not only in summary.json.
#[test]
fn unknown_columns_and_warnings_are_said_on_stderr() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("typo.csv");
    std::fs::write(
        &input,
        "encounter_id,member_id,member_last_name,member_first_name,member_dob,member_sex,member_city,service_date,activity,staff_role,modality,payer,diagnosis_code,auth_number,supervisor\n\
         TY-1,GV900003,Lopez,Maria,1968-04-12,F,Sacramento,2026-09-10,assessment,rn,in_person,golden-valley,Z59.01,GVA-1,Kim\n\
         TY-2,GV900004,Lopez,Ana,1970-04-12,F,Sacramento,2026-09-10,assessment,rn,in_person,golden-valley,Z59.01,GVA-2,Kim\n",
    )
    .unwrap();
    let out = claims(d.path(), &input, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    for want in [
        "column 'diagnosis_code' is not an encounter column and was ignored; did you mean diagnosis_codes?",
        "column 'auth_number' is not an encounter column and was ignored; did you mean authorization_number?",
        "column 'supervisor' is not an encounter column and was ignored (the README",
        "warning: ENC-033 on 2 row(s): the member's address is incomplete",
    ] {
        assert!(said.contains(want), "{want}\n{said}");
    }
    let map = on_the_example("map").arg(&input).output().unwrap();
    let said = String::from_utf8_lossy(&map.stderr);
    assert!(said.contains("did you mean diagnosis_codes?"), "{said}");
    assert!(said.contains("warning: ENC-033 on 2 row(s)"), "{said}");
    // -q silences both, as every other note.
    let quiet = ecm()
        .args([
            "-q",
            "--config",
            "examples/ecm.toml",
            "--as-of",
            "2026-11-01",
            "map",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty());
}

/// `ecm demo` into a directory holding an earlier demo stops (exit 2, naming a file and
/// --force) and leaves everything as it was, the user's edits to its inputs included; with
/// --force it writes the demo again.
#[test]
fn demo_refuses_to_overwrite_without_force() {
    let d = tempfile::tempdir().unwrap();
    run_demo(d.path());
    let config = d.path().join("demo/input/ecm.toml");
    let edited = std::fs::read_to_string(&config).unwrap() + "# my edit\n";
    std::fs::write(&config, &edited).unwrap();
    let map_before = std::fs::read(d.path().join("demo/map.csv")).unwrap();
    std::fs::remove_file(d.path().join("demo/claims/rejects.csv")).unwrap();
    let out = ecm()
        .current_dir(d.path())
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("demo/input/ecm.toml already exists (and ") && said.contains("pass --force"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);
    assert_eq!(
        std::fs::read(d.path().join("demo/map.csv")).unwrap(),
        map_before
    );
    assert!(
        !d.path().join("demo/claims/rejects.csv").exists(),
        "nothing was written"
    );
    let out = ecm()
        .current_dir(d.path())
        .args(["demo", "--out", "demo", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !std::fs::read_to_string(&config)
            .unwrap()
            .contains("# my edit")
    );
    assert!(d.path().join("demo/claims/rejects.csv").exists());
}

/// A file with a header and no data row stops the run with exit 2, as an empty file does
/// (design.md: 2 is "nothing was written ... unreadable input"), instead of exiting 0 having
/// billed nothing; a header followed only by blank lines is the same. Nothing is written.
#[test]
fn a_header_only_file_is_exit_2_like_an_empty_one() {
    let d = tempfile::tempdir().unwrap();
    let header = std::fs::read_to_string("examples/encounters.csv")
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    for (name, text) in [
        ("empty.csv", String::new()),
        ("header.csv", format!("{header}\n")),
        ("blanks.csv", format!("{header}\n\n\n")),
    ] {
        let input = d.path().join(name);
        std::fs::write(&input, text).unwrap();
        let dir = d.path().join(name.replace('.', "_"));
        let out = claims(&dir, &input, &[]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {said}");
        let want = if name == "empty.csv" {
            "the file is empty"
        } else {
            "no data rows"
        };
        assert!(said.contains(want), "{name}: {said}");
        assert!(!dir.join("out/rejects.csv").exists(), "{name}");
        assert!(!dir.join("out/summary.json").exists(), "{name}");
    }
    // Beside a file with rows, a header-only file is still an error: it is probably not the
    // file the user meant to give.
    let good = clean_example(d.path());
    let out = on_the_example("map")
        .arg(&good)
        .arg(d.path().join("header.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("header.csv: the file has a header but no data rows")
    );
}

/// `ecm map` on files of which a later one cannot be read stops (exit 2) having printed
/// nothing: not the first file's rows, which a redirect would keep as if they were all, nor a
/// JSON array left open.
#[test]
fn map_prints_nothing_when_a_file_cannot_be_read() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("open-quote.csv");
    // A quote opened in the first row's first field and never closed swallows the rest of the
    // file into one field.
    let good = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let (header, rows) = good.split_once('\n').unwrap();
    std::fs::write(&bad, format!("{header}\n\"{rows}")).unwrap();
    for format in ["csv", "json"] {
        let out = ecm()
            .args(["--config", "examples/ecm.toml", "--as-of", "2026-11-01"])
            .args(["map", "--format", format, "examples/encounters.csv"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(
            out.stdout.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("open-quote.csv"), "{said}");
    }
}

/// `ecm demo --config FILE` is refused (exit 2, nothing written) rather than silently ignored:
/// the demo bills its own payers from its own configuration, and the message says which command
/// takes the user's file instead.
#[test]
fn demo_refuses_a_config_it_would_not_use() {
    let d = tempfile::tempdir().unwrap();
    let out = ecm()
        .current_dir(d.path())
        .args(["--config", "plan.toml", "demo", "--out", "demo"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("--config plan.toml does not apply")
            && said.contains("ecm --config plan.toml claims ENCOUNTERS --out DIR"),
        "{said}"
    );
    assert!(!d.path().join("demo").exists());
}
