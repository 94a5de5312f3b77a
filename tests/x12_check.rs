//! `ecm check` through the real binary: the acceptance set (every good sample clean, every bad
//! sample caught by a finding that names its real defect), what our own writer emits, one
//! mutation per claim rule, exit statuses and both output formats (snapshots).

mod common;

use assert_cmd::Command;
use common::files_837;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

/// A copied sample (see NOTICE).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/x12")
        .join(name)
}

/// A shared sample read in place (`837p/good`, ...), `None` when the shared set is absent.
fn shared(kind: &str, name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples")
        .join(kind)
        .join(name);
    p.exists().then_some(p)
}

/// Runs `ecm check --format json` on one file: exit status and findings.
fn check(path: &Path) -> (i32, Vec<Value>) {
    let out = ecm()
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})", path.display()));
    let findings = json["files"][0]["findings"].as_array().unwrap().clone();
    (out.status.code().unwrap(), findings)
}

fn errors(findings: &[Value]) -> Vec<&Value> {
    findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

/// The good samples: copied ones always, and every file of the shared good set when present.
fn good_samples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [
        "lfh-demo.autoaccident.837",
        "lfh-demo.cob.example3.B.837",
        "lfh-demo.cob.example3.C.837",
        "lfh-demo.drug.example10.1.837",
        "lfh-demo.drug.example10.2.837",
        "lfh-demo.drug.example10.3.837",
        "lfh-demo.example1.837",
        "lfh-demo.example2.837",
        "lfh-demo.example7.837",
        "lfh-demo.example8.837",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/837p/good");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        files.extend(entries.map(|e| e.unwrap().path()));
    } else {
        eprintln!(
            "skipped the in-place good samples: {} absent",
            dir.display()
        );
    }
    files
}

#[test]
fn every_good_sample_checks_without_an_error() {
    for path in good_samples() {
        let (code, findings) = check(&path);
        assert_eq!(
            errors(&findings),
            Vec::<&Value>::new(),
            "{}",
            path.display()
        );
        assert_eq!(code, 0, "{}", path.display());
    }
}

/// Each bad sample, and findings that name its real defect (as ../shared/samples/SOURCES.md
/// records it from pyx12): (rule id, where), where `where` is the element, the loop or a word
/// of the message. Every one listed must be found.
const BAD: &[(&str, &[(&str, &str)])] = &[
    (
        "imsweb-x12_bad_segment_identifier.txt",
        &[("CHK-002", "segment id"), ("CHK-009", "PER*IC")],
    ),
    ("imsweb-x12_bad_valid_code.txt", &[("CHK-007", "NM101")]),
    (
        "imsweb-x12_loop_errors3_missing_loops.txt",
        &[("CHK-010", "2010AA"), ("CHK-013", "HI01-2")],
    ),
    (
        "imsweb-x12_many_claims.txt",
        &[("CHK-013", "HI01-2"), ("CHK-014", "HI02-1")],
    ),
    ("imsweb-x12_missing_elements.txt", &[("CHK-013", "NM102")]),
    (
        "imsweb-x12_missing_required_loop_in_one_repeat.txt",
        &[("CHK-011", "HL02"), ("CHK-010", "2010BA")],
    ),
    (
        "imsweb-x12_multiple_st.txt",
        &[("CHK-013", "HI01-2"), ("CHK-014", "HI02-1")],
    ),
    (
        "imsweb-x12_segment_errors.txt",
        &[("CHK-009", "N3"), ("CHK-008", "REF")],
    ),
    (
        "imsweb-x12_segments_out_of_order.txt",
        &[("CHK-009", "N4"), ("CHK-007", "N4")],
    ),
    (
        "imsweb-x12_valid.txt",
        &[("CHK-013", "HI01-2"), ("CHK-014", "HI02-1")],
    ),
    ("lfh-demo.ambulance.example5.837", &[("CHK-013", "CLM05-2")]),
    (
        "lfh-demo.cob.2ndary.example4.837",
        &[("CHK-014", "CLM05-1")],
    ),
    ("lfh-demo.cob.example3.A.837", &[("CHK-010", "2330B")]),
    ("lfh-demo.cob.example4.837", &[("CHK-007", "AMT01")]),
    ("lfh-demo.example11.837", &[("CHK-014", "CLM05-1")]),
    ("lfh-demo.example12.837", &[("CHK-014", "CLM05-1")]),
    ("lfh-demo.example6.837", &[("CHK-014", "CLM05-1")]),
    ("lfh-demo.example9.837", &[("CHK-014", "CLM05-1")]),
    (
        "mut-envelope-ge01-iea02.837",
        &[("CHK-006", "GE01"), ("CHK-005", "IEA02")],
    ),
    ("mut-invalid-date.837", &[("CHK-016", "DTP03")]),
    ("mut-missing-nm1-85.837", &[("CHK-010", "2010AA")]),
    ("mut-se01-wrong.837", &[("CHK-006", "SE01")]),
    (
        "oopfactory-5010-Example3_COB.txt",
        &[("CHK-017", "SBR08"), ("CHK-007", "DMG")],
    ),
    (
        "oopfactory-5010-MedicaidExample.txt",
        &[("CHK-007", "BHT01")],
    ),
];

fn names(f: &Value, place: &str) -> bool {
    f["element"] == place
        || f["loop_id"] == place
        || f["segment_id"] == place
        || f["message"].as_str().unwrap().contains(place)
}

#[test]
fn every_bad_sample_gets_an_error_naming_its_real_defect() {
    let mut checked = 0;
    for (name, expected) in BAD {
        // Copied when the licence allows (NOTICE), else read in place when present.
        let copied = fixture(name);
        let Some(path) = copied
            .exists()
            .then_some(copied)
            .or_else(|| shared("837p/bad", name))
        else {
            eprintln!("skipped {name}: not copied, and the shared samples are absent");
            continue;
        };
        let (code, findings) = check(&path);
        assert_eq!(code, 1, "{name}");
        let errors = errors(&findings);
        for (rule, place) in *expected {
            assert!(
                errors.iter().any(|f| f["rule"] == *rule && names(f, place)),
                "{name}: no {rule} error naming {place}; errors: {errors:#?}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 21, "only {checked} bad samples checked");
}

#[test]
fn the_bad_list_covers_the_whole_shared_bad_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/837p/bad");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} absent", dir.display());
        return;
    };
    for e in entries {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            BAD.iter().any(|(n, _)| *n == name),
            "{name} is not in the list"
        );
    }
}

/// Runs the demo in `dir`; returns its two 837s.
fn demo(dir: &Path) -> Vec<PathBuf> {
    let out = ecm()
        .current_dir(dir)
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let files = files_837(&dir.join("demo/claims"));
    assert_eq!(files.len(), 2, "{files:?}");
    files
}

#[test]
fn what_our_writer_emits_checks_clean() {
    let d = tempfile::tempdir().unwrap();
    let mut files = demo(d.path());
    // A synthetic month of a few hundred members, every claim grouping.
    let out = ecm()
        .current_dir(d.path())
        .args([
            "synth",
            "--members",
            "300",
            "--months",
            "2",
            "--seed",
            "7",
            "--out",
            "s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let truth: Value =
        serde_json::from_slice(&std::fs::read(d.path().join("s/truth.json")).unwrap()).unwrap();
    let out = ecm()
        .current_dir(d.path())
        .args(["--config", "s/ecm.toml", "--as-of"])
        .arg(truth["as_of"].as_str().unwrap())
        .args(["claims", "s/encounters.csv", "--out", "c"])
        .output()
        .unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    files.extend(files_837(&d.path().join("c")));
    assert!(files.len() >= 5, "{files:?}");
    for f in files {
        let (code, findings) = check(&f);
        assert_eq!(findings, Vec::<Value>::new(), "{}", f.display());
        assert_eq!(code, 0);
    }
}

/// The demo's first 837 with `from` replaced by `to` (once), checked: the error rule ids.
fn mutated(dir: &Path, original: &str, from: &str, to: &str) -> (i32, Vec<Value>) {
    assert!(original.contains(from), "{from}");
    let path = dir.join("mutated.837");
    std::fs::write(&path, original.replacen(from, to, 1)).unwrap();
    check(&path)
}

#[test]
fn each_claim_rule_catches_its_mutation_of_a_clean_file() {
    let d = tempfile::tempdir().unwrap();
    let bayview = demo(d.path())
        .into_iter()
        .find(|f| f.ends_with("bayview.837"))
        .unwrap();
    let text = std::fs::read_to_string(bayview).unwrap();
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "CHK-027",
            "SV101",
            "SV1*HC:G9008:U1*150",
            "SV1*HC:G9012:U1*150",
        ),
        ("CHK-026", "HI01-2", "HI*ABK:Z331~", "HI*ABK:Z33.1~"),
        (
            "CHK-023",
            "CLM01",
            "CLM*EA0563331681C5281*",
            "CLM*E573BC9ACF792D39E*",
        ),
        (
            "CHK-022",
            "CLM01",
            "CLM*E573BC9ACF792D39E*",
            "CLM*E573BC9ACF792D39EWXYZ*",
        ),
        (
            "CHK-021",
            "CLM02",
            "CLM*E573BC9ACF792D39E*60*",
            "CLM*E573BC9ACF792D39E*61*",
        ),
        ("CHK-025", "REF02", "REF*6R*SCC-0016~", "REF*6R*SCC-0015~"),
        (
            "CHK-024",
            "REF02",
            "REF*6R*SCC-0016~",
            "REF*6R*SCC-0016-0123456789012345678901~",
        ),
        ("CHK-012", "LX01", "LX*2~", "LX*3~"),
        ("CHK-011", "HL02", "HL*2*1*22*0~", "HL*2*5*22*0~"),
        ("CHK-011", "HL04", "HL*2*1*22*0~", "HL*2*1*22*1~"),
        (
            "CHK-016",
            "DTP03",
            "DTP*472*D8*20260911~",
            "DTP*472*D8*20260931~",
        ),
        ("CHK-015", "SV103", "*UN*1***1:2~", "*XX*1***1:2~"),
        ("CHK-013", "NM103", "NM1*IL*1*FALE*", "NM1*IL*1**"),
        (
            "CHK-018",
            "N301",
            "N3*3120 INTERNATIONAL BLVD~",
            "N3*3120 INTERNATIONAL BLVD ~",
        ),
        ("CHK-009", "N4", "N4*SACRAMENTO*CA*958141234~", ""),
    ];
    for (rule, place, from, to) in cases {
        let (code, findings) = mutated(d.path(), &text, from, to);
        let errors = errors(&findings);
        assert!(
            errors.iter().any(|f| f["rule"] == *rule && names(f, place)),
            "{from} -> {to}: no {rule} at {place}: {errors:#?}"
        );
        assert_eq!(code, 1, "{from} -> {to}");
    }
}

#[test]
fn a_bad_npi_check_digit_is_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let bayview = demo(d.path())
        .into_iter()
        .find(|f| f.ends_with("bayview.837"))
        .unwrap();
    let text = std::fs::read_to_string(bayview).unwrap();
    let (code, findings) = mutated(d.path(), &text, "XX*1234567893~", "XX*1234567890~");
    assert_eq!(code, 0);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "CHK-020");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["loop_id"], "2010AA");
}

#[test]
fn broken_envelopes_are_findings_and_unreadable_files_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture("lfh-demo.example1.837")).unwrap();
    // ISA02 one character short: the ISA is 105 characters, so no segment can be split.
    let short = d.path().join("short-isa.837");
    std::fs::write(
        &short,
        good.replacen("*9876543210*01*", "*987654321*01*", 1),
    )
    .unwrap();
    let out = ecm().arg("check").arg(&short).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ISA02 is 9 bytes"), "{text}");
    // Cut short inside the last claim.
    let cut = d.path().join("cut.837");
    std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
    let (code, findings) = check(&cut);
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|f| f["rule"] == "CHK-003"),
        "{findings:#?}"
    );
    // An 835 is not an 837.
    let (code, findings) = check(&fixture("lfh-managed-care.fixed.835"));
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "CHK-004");
    // Not X12 at all, and no file at all: exit 2, the other files still checked.
    let csv = d.path().join("encounters.csv");
    std::fs::write(&csv, "encounter_id,member_id\nE1,M1\n").unwrap();
    let out = ecm()
        .args(["check"])
        .arg(&csv)
        .arg(d.path().join("missing.837"))
        .arg(fixture("lfh-demo.example1.837"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("encounters.csv: not checked: "), "{text}");
    assert!(
        text.contains("missing.837: not checked: could not read"),
        "{text}"
    );
    assert!(
        text.contains("lfh-demo.example1.837: ok: 0 errors"),
        "{text}"
    );
}

#[test]
fn text_and_json_findings_match_their_snapshots() {
    let run = |format: &str| {
        let out = ecm()
            .current_dir(fixture(""))
            .args([
                "check",
                "--format",
                format,
                "mut-envelope-ge01-iea02.837",
                "lfh-demo.cob.example4.837",
                "lfh-demo.example1.837",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let json = run("json");
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["errors"], 3);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("check_text", run("text"));
        insta::assert_snapshot!("check_json", json);
    });
}

// ----- Gaps found by mutating the demo's bayview.837 -----

/// The demo's bayview.837, made in `dir`.
fn bayview(dir: &Path) -> String {
    let path = demo(dir)
        .into_iter()
        .find(|f| f.ends_with("bayview.837"))
        .unwrap();
    std::fs::read_to_string(path).unwrap()
}

/// Writes `bytes` to `dir/name` and checks it: exit status, findings and the file's summary.
fn check_bytes(dir: &Path, name: &str, bytes: &[u8]) -> (i32, Vec<Value>, Value) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = ecm()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = json["files"][0].clone();
    let findings = file["findings"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap(), findings, file)
}

/// `text` with `from` replaced by `to`, once (`from` must be there).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// `(rule, element)` of each finding.
fn rules(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["element"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pair(rule: &str, element: &str) -> (String, String) {
    (rule.to_string(), element.to_string())
}

#[test]
fn an_npi_that_is_not_ten_digits_is_an_error_of_its_own() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    for npi in ["12345", "12345678AB", "123456789012"] {
        let bad = edit(&text, "XX*1234567893~", &format!("XX*{npi}~"));
        let (code, findings, _) = check_bytes(d.path(), "npi.837", bad.as_bytes());
        assert_eq!(code, 1, "{npi}");
        assert_eq!(rules(&findings), [pair("CHK-028", "NM109")], "{npi}");
        assert_eq!(findings[0]["severity"], "error");
        assert_eq!(findings[0]["loop_id"], "2010AA");
        assert!(!findings[0]["message"].as_str().unwrap().contains(npi));
    }
}

/// A clean check means ecm's own reader takes the file: each value the reader refuses is a
/// finding (an error where the guide forbids it, a warning where only the reader does), and
/// `ecm diff A A` indeed refuses each such file while it reads the clean one. A negative charge,
/// which the reader takes, is an error too: the guide wants charges of 0 or more.
#[test]
fn what_ecms_reader_refuses_does_not_check_clean() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let diff_self = |path: &Path| {
        ecm()
            .arg("diff")
            .arg(path)
            .arg(path)
            .output()
            .unwrap()
            .status
            .code()
            .unwrap()
    };
    let clean = d.path().join("clean.837");
    std::fs::write(&clean, &text).unwrap();
    assert_eq!(diff_self(&clean), 0);
    let clm = "CLM*E573BC9ACF792D39E*60***99:B:1*";
    let sv1 = "SV1*HC:G9012:U8*30*UN*1***1~";
    // (rule, severity, element, from, to, whether the reader refuses it)
    let cases: &[(&str, &str, &str, &str, &str, bool)] = &[
        (
            "CHK-015",
            "error",
            "CLM05-1",
            clm,
            "CLM*E573BC9ACF792D39E*60***9Z:B:1*",
            true,
        ),
        // 30.005 + 29.995 still add up to CLM02 60.
        (
            "CHK-029",
            "error",
            "SV102",
            "SV1*HC:G9012:U8*30*UN*1***1~\nDTP*472*D8*20260911~\nREF*6R*SCC-0015~\nLX*2~\nSV1*HC:G9012:U8*30*",
            "SV1*HC:G9012:U8*30.005*UN*1***1~\nDTP*472*D8*20260911~\nREF*6R*SCC-0015~\nLX*2~\nSV1*HC:G9012:U8*29.995*",
            true,
        ),
        (
            "CHK-029",
            "error",
            "CLM02",
            clm,
            "CLM*E573BC9ACF792D39E*-60***99:B:1*",
            false,
        ),
        (
            "CHK-029",
            "error",
            "SV102",
            sv1,
            "SV1*HC:G9012:U8*-30*UN*1***1~",
            false,
        ),
        (
            "CHK-030",
            "warning",
            "CLM05-3",
            clm,
            "CLM*E573BC9ACF792D39E*60***99:B:5*",
            true,
        ),
        (
            "CHK-030",
            "warning",
            "SV104",
            sv1,
            "SV1*HC:G9012:U8*30*UN*1.5***1~",
            true,
        ),
        (
            "CHK-015",
            "error",
            "SV101-2",
            sv1,
            "SV1*HC:G901*30*UN*1***1~",
            true,
        ),
    ];
    for (rule, severity, element, from, to, refused) in cases {
        let bad = edit(&text, from, to);
        let (code, findings, _) = check_bytes(d.path(), "refused.837", bad.as_bytes());
        let found = findings
            .iter()
            .find(|f| f["rule"] == *rule && f["element"] == *element)
            .unwrap_or_else(|| panic!("{to}: no {rule} at {element}: {findings:#?}"));
        assert_eq!(found["severity"], *severity, "{to}");
        assert_eq!(code, i32::from(*severity == "error"), "{to}");
        let diff = diff_self(&d.path().join("refused.837"));
        assert_eq!(diff, if *refused { 2 } else { 0 }, "{to}");
    }
    // Zero is a charge the guide allows, and the reader takes it.
    let zero = edit(&text, "*60***99:B:1*", "*30***99:B:1*").replacen(
        sv1,
        "SV1*HC:G9012:U8*0*UN*1***1~",
        1,
    );
    let (code, findings, _) = check_bytes(d.path(), "zero.837", zero.as_bytes());
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(diff_self(&d.path().join("zero.837")), 0);
}

/// A control character, a tab, a line break or a Latin-1 byte inside a segment is one finding
/// on that segment, which is still placed: checking goes on to the end (the later CLM02 error
/// is found, every claim counted) and nothing after it is reported out of place.
#[test]
fn a_bad_byte_inside_a_segment_is_one_finding_and_checking_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let later = edit(
        &text,
        "CLM*E573BC9ACF792D39E*60*",
        "CLM*E573BC9ACF792D39E*61*",
    );
    for (what, bad) in [
        ("control", "NM1*IL*1*FA\u{1}LE*"),
        ("tab", "NM1*IL*1*FA\tLE*"),
        ("line break", "NM1*IL*1*FA\nLE*"),
        ("crlf", "NM1*IL*1*FA\r\nLE*"),
    ] {
        let file = edit(&later, "NM1*IL*1*FALE*", bad);
        let (code, findings, summary) = check_bytes(d.path(), "byte.837", file.as_bytes());
        assert_eq!(code, 1);
        assert_eq!(
            rules(&findings),
            [pair("CHK-002", ""), pair("CHK-021", "CLM02")],
            "{what}: {findings:#?}"
        );
        assert_eq!(findings[0]["segment_id"], "NM1", "{what}");
        assert_eq!(findings[0]["loop_id"], "2010BA", "{what}");
        assert_eq!(summary["summary"]["claims"], 10, "{what}: {summary}");
        assert!(!findings[0]["message"].as_str().unwrap().contains("FA"));
    }
    // A Latin-1 Ñ (0xD1) in the subscriber's name: one encoding finding, no cascade.
    let mut bytes = edit(&text, "NM1*IL*1*FALE*", "NM1*IL*1*FA#LE*").into_bytes();
    let at = bytes.iter().position(|&b| b == b'#').unwrap();
    bytes[at] = 0xD1;
    let (code, findings, summary) = check_bytes(d.path(), "latin1.837", &bytes);
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), [pair("CHK-002", "")], "{findings:#?}");
    assert_eq!(findings[0]["byte"], at);
    assert_eq!(findings[0]["loop_id"], "2010BA");
    assert!(findings[0]["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(summary["summary"]["segments"], 120);
}

#[test]
fn a_wrong_isa01_is_one_code_finding_and_checking_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let bad = edit(&text, "ISA*00*", "ISA*07*");
    let (code, findings, summary) = check_bytes(d.path(), "isa01.837", bad.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        [pair("CHK-015", "ISA01")],
        "{findings:#?}"
    );
    assert_eq!(findings[0]["loop_id"], "ISA_LOOP");
    assert_eq!(summary["summary"]["claims"], 10);
}

#[test]
fn st03_must_name_the_837p_guide() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    for st03 in ["*005010X223A2", ""] {
        let bad = edit(
            &text,
            "ST*837*0001*005010X222A1~",
            &format!("ST*837*0001{st03}~"),
        );
        let (code, findings, _) = check_bytes(d.path(), "st03.837", bad.as_bytes());
        assert_eq!(code, 1);
        assert_eq!(rules(&findings), [pair("CHK-015", "ST03")], "{st03}");
        assert_eq!(findings[0]["loop_id"], "ST_LOOP");
    }
    // GS08 and ST03 both wrong: each is reported, and ST03's finding names GS08's value.
    let both = edit(&text, "*X*005010X222A1~", "*X*005010X223A2~").replacen(
        "ST*837*0001*005010X222A1~",
        "ST*837*0001*005010X221A1~",
        1,
    );
    let (_, findings, _) = check_bytes(d.path(), "both.837", both.as_bytes());
    assert_eq!(
        rules(&findings),
        [pair("CHK-015", "GS08"), pair("CHK-015", "ST03")]
    );
    assert!(
        findings[1]["message"]
            .as_str()
            .unwrap()
            .contains("GS08 says \"005010X223A2\"")
    );
}

/// Without a readable first ISA nothing can be split into segments: exit 2, "not checked" and
/// why, as for an empty or non-X12 file.
#[test]
fn a_file_whose_isa_cannot_be_read_is_unreadable() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let cases = [
        ("truncated", text[..50].to_string(), "ends inside the ISA"),
        (
            "isa06",
            edit(&text, "*SUNRISECCN     *", "*SUNRISECCN    *"),
            "ISA06 is 14 bytes",
        ),
        (
            "newline component",
            edit(&text, "*:~", "*\n~"),
            "control character 0x0A in the ISA",
        ),
        (
            "isa11",
            edit(&text, "*^*00501*", "*:*00501*"),
            "component separator (ISA16)",
        ),
    ];
    for (what, file, why) in cases {
        let path = d.path().join(format!("{what}.837"));
        std::fs::write(&path, &file).unwrap();
        let out = ecm().arg("check").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains(".837: not checked: the interchange header (ISA) cannot be read"),
            "{what}: {stdout}"
        );
        assert!(stdout.contains(why), "{what}: {stdout}");
    }
}

#[test]
fn hl_and_isa_findings_name_their_segment_and_loop() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let bad = edit(&text, "HL*2*1*22*0~", "HL*2*5*22*1~");
    let (_, findings, _) = check_bytes(d.path(), "hl.837", bad.as_bytes());
    let hl: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "CHK-011").collect();
    assert_eq!(hl.len(), 2, "{findings:#?}");
    for f in hl {
        assert_eq!(f["segment_id"], "HL");
        assert_eq!(f["loop_id"], "2000B", "{f}");
    }
    // A second interchange whose ISA cannot be read: CHK-001 on that ISA, in ISA_LOOP.
    let second = edit(&text, "*SUNRISECCN     *", "*SUNRISECCN    *");
    let file = format!("{text}{second}");
    let (code, findings, _) = check_bytes(d.path(), "two.837", file.as_bytes());
    assert_eq!(code, 1);
    let isa = findings
        .iter()
        .find(|f| f["rule"] == "CHK-001")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(isa["segment_id"], "ISA");
    assert_eq!(isa["loop_id"], "ISA_LOOP");
    assert_eq!(isa["segment"], 121);
}

#[test]
fn a_diagnosis_pointer_past_the_claims_codes_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    // The first claim has one diagnosis (HI*ABK:Z59811).
    let bad = edit(
        &text,
        "SV1*HC:G9012:U8*30*UN*1***1~",
        "SV1*HC:G9012:U8*30*UN*1***1:5~",
    );
    let (code, findings, _) = check_bytes(d.path(), "pointer.837", bad.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        [pair("CHK-031", "SV107-2")],
        "{findings:#?}"
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("1 diagnosis code")
    );
    // With a second code in the HI, pointer 2 is fine.
    let ok = edit(&text, "HI*ABK:Z59811~", "HI*ABK:Z59811*ABF:Z5900~").replacen(
        "SV1*HC:G9012:U8*30*UN*1***1~",
        "SV1*HC:G9012:U8*30*UN*1***1:2~",
        1,
    );
    let (code, findings, _) = check_bytes(d.path(), "pointer2.837", ok.as_bytes());
    assert_eq!((code, findings), (0, vec![]));
}

#[test]
fn repeated_control_numbers_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let st = text.find("ST*837").unwrap();
    let ge = text.find("GE*1*").unwrap();
    let set = &text[st..ge];
    // Two transaction sets with ST02 0001 in one group.
    let two_sets = format!(
        "{}{set}{}",
        &text[..ge],
        &text[ge..].replacen("GE*1*", "GE*2*", 1)
    );
    let gs = text.find("GS*").unwrap();
    let iea = text.find("IEA*").unwrap();
    let group = &text[gs..iea];
    let two_groups = format!(
        "{}{group}{}",
        &text[..iea],
        &text[iea..].replacen("IEA*1*", "IEA*2*", 1)
    );
    let two_interchanges = format!("{text}{text}");
    for (what, file, element) in [
        ("sets", two_sets, "ST02"),
        ("groups", two_groups, "GS06"),
        ("interchanges", two_interchanges, "ISA13"),
    ] {
        let (code, findings, _) = check_bytes(d.path(), "dup.837", file.as_bytes());
        assert_eq!(code, 1);
        let dup: Vec<(String, String)> = rules(&findings)
            .into_iter()
            .filter(|(r, _)| r == "CHK-032")
            .collect();
        assert_eq!(dup, [pair("CHK-032", element)], "{what}: {findings:#?}");
    }
}

/// `ecm diff A B` in `dir`: exit status and what it printed (both streams).
fn diff_files(a: &Path, b: &Path) -> (i32, String) {
    let out = ecm().arg("diff").arg(a).arg(b).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every form of the X12 decimal (R) that senders use is an amount to the checker, the reader
/// and `ecm diff` alike: a leading point (`.5`, which the guides even prefer to `0.5`), with or
/// without a minus. A whole number written with its point (`30.`), which the guides say to
/// leave out, is a CHK-016 error naming that, and the reader refuses it too.
#[test]
fn amounts_with_a_leading_point_check_clean_and_read() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let two_lines = |first: &str, second: &str| {
        let t = edit(
            &text,
            "SV1*HC:G9012:U8*30*UN*1***1~",
            &format!("SV1*HC:G9012:U8*{first}*UN*1***1~"),
        );
        edit(
            &t,
            "SV1*HC:G9012:U8*30*UN*1*12**1~",
            &format!("SV1*HC:G9012:U8*{second}*UN*1*12**1~"),
        )
    };
    let (code, findings, _) = check_bytes(d.path(), "dot.837", two_lines(".5", "59.5").as_bytes());
    assert_eq!((code, rules(&findings)), (0, vec![]), "{findings:#?}");
    let (_, findings, _) = check_bytes(d.path(), "zero.837", two_lines("0.50", "59.50").as_bytes());
    assert_eq!(rules(&findings), vec![]);
    // The reader reads .5 as 0.50: the same amounts written two ways diff as the same...
    let (dot, zero) = (d.path().join("dot.837"), d.path().join("zero.837"));
    let (code, out) = diff_files(&dot, &zero);
    assert_eq!(code, 0, "{out}");
    // ...and as a changed charge against the original 30.00.
    let original = d.path().join("original.837");
    std::fs::write(&original, &text).unwrap();
    let (code, out) = diff_files(&original, &dot);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("charge: \"30.00\" -> \"0.50\""), "{out}");
    // A whole amount with its point: one format error that says so, and the reader refuses it.
    let (code, findings, _) = check_bytes(d.path(), "point.837", two_lines("30.", "30").as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        rules(&findings),
        [pair("CHK-016", "SV102")],
        "{findings:#?}"
    );
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("(30, not 30.)"), "{message}");
    let (code, out) = diff_files(&d.path().join("point.837"), &original);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("SV102") && out.contains("30, not 30."),
        "{out}"
    );
}

/// A procedure code or modifier in lower case is a CHK-015 error, as a lower-case ICD-10 code is
/// a CHK-026 one: payers match codes exactly, and `u1` is no modifier. The reader still reads the
/// line, keeping the segment as written, so `ecm diff` tells `u1` from `U1`.
#[test]
fn procedure_codes_and_modifiers_in_lower_case_are_errors_and_differ() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let original = d.path().join("original.837");
    std::fs::write(&original, &text).unwrap();
    let sv1 = "SV1*HC:G9008:U1*150*UN*1***1:2~";
    for (to, element, capitals) in [
        ("SV1*HC:G9008:u1*150*UN*1***1:2~", "SV101-3", "U1"),
        ("SV1*HC:g9008:U1*150*UN*1***1:2~", "SV101-2", "G9008"),
    ] {
        let lower = edit(&text, sv1, to);
        let (code, findings, _) = check_bytes(d.path(), "lower.837", lower.as_bytes());
        assert_eq!(code, 1, "{to}");
        assert_eq!(rules(&findings), [pair("CHK-015", element)], "{to}");
        let message = findings[0]["message"].as_str().unwrap();
        assert!(
            message.contains("not in capitals") && message.contains(&format!("({capitals})")),
            "{message}"
        );
        let (code, out) = diff_files(&original, &d.path().join("lower.837"));
        assert_eq!(code, 1, "{to}: {out}");
        let written = &to[..to.len() - 1];
        assert!(out.contains(written), "{to}: {out}");
    }
    // A code in capitals with a space before it is not called lower case.
    for (to, element) in [
        ("SV1*HC: G9008:U1*150*UN*1***1:2~", "SV101-2"),
        ("SV1*HC:G9008: U1*150*UN*1***1:2~", "SV101-3"),
    ] {
        let spaced = edit(&text, sv1, to);
        let (code, findings, _) = check_bytes(d.path(), "spaced.837", spaced.as_bytes());
        assert_eq!(code, 1, "{to}");
        let f = findings
            .iter()
            .find(|f| f["rule"] == "CHK-015" && f["element"] == element)
            .unwrap_or_else(|| panic!("{to}: {findings:?}"));
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("with spaces around") && !message.contains("not in capitals"),
            "{message}"
        );
    }
}

/// A line break as the segment terminator (LF, CR LF or CR), and the information separators
/// older translators use as delimiters (0x1D between elements, 0x1F between components, 0x1C
/// after segments): the file checks as the one with `* : ^ ~` does, and `ecm diff` finds the
/// same claims in it. A line break inside a segment is still one.
#[test]
fn line_break_terminators_and_information_separators_are_read() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let original = d.path().join("original.837");
    std::fs::write(&original, &text).unwrap();
    let (_, _, want) = check_bytes(d.path(), "original.837", text.as_bytes());
    let lf = text.replace("~\n", "\n");
    let separators: String = text
        .replace("~\n", "\u{1c}\r\n")
        .chars()
        .map(|c| match c {
            '*' => '\u{1d}',
            ':' => '\u{1f}',
            '^' => '\u{1e}',
            c => c,
        })
        .collect();
    for (what, file) in [
        ("LF", lf.clone()),
        ("CR LF", text.replace("~\n", "\r\n")),
        ("CR", text.replace("~\n", "\r")),
        ("no LF at the end", lf.trim_end().to_string()),
        ("information separators", separators),
    ] {
        let (code, findings, summary) = check_bytes(d.path(), "other.837", file.as_bytes());
        assert_eq!(
            (code, rules(&findings)),
            (0, vec![]),
            "{what}: {findings:#?}"
        );
        for count in ["segments", "transactions", "claims", "lines"] {
            assert_eq!(summary["summary"][count], want["summary"][count], "{what}");
        }
        let (code, out) = diff_files(&original, &d.path().join("other.837"));
        assert_eq!(code, 0, "{what}: {out}");
    }
    // With LF ending segments, a line break inside one still splits it: the rest of the
    // subscriber's name becomes a segment of its own, which is reported.
    let broken = edit(&lf, "NM1*IL*1*FALE*", "NM1*IL*1*FA\n*LE*");
    let (code, findings, _) = check_bytes(d.path(), "broken.837", broken.as_bytes());
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|f| f["rule"] == "CHK-002"),
        "{findings:#?}"
    );
}

/// Element separators at the end of a segment that open no value (`REF*6R*SCC-0015**`) are a
/// warning of their own, once per segment, as pyx12 reports them (SEG1); the file is still read
/// as if they were not there.
#[test]
fn trailing_empty_elements_are_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let original = d.path().join("original.837");
    std::fs::write(&original, &text).unwrap();
    let bad = edit(&text, "REF*6R*SCC-0015~", "REF*6R*SCC-0015**~");
    let bad = edit(&bad, "LX*1~", "LX*1*~");
    let (code, findings, summary) = check_bytes(d.path(), "trailing.837", bad.as_bytes());
    assert_eq!(code, 0, "{findings:#?}");
    assert_eq!(
        rules(&findings),
        [pair("CHK-033", "LX02"), pair("CHK-033", "REF03")]
    );
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    assert_eq!(findings[1]["segment_id"], "REF");
    assert_eq!(findings[1]["loop_id"], "2400");
    let message = findings[1]["message"].as_str().unwrap();
    assert!(
        message.contains("2 element separators") && message.contains("REF03"),
        "{message}"
    );
    assert_eq!(summary["summary"]["segments"], 120);
    let (code, out) = diff_files(&original, &d.path().join("trailing.837"));
    assert_eq!(code, 0, "{out}");
}

/// The ISA's date is YYMMDD, and its message says so (not CCYYMMDD); ISA field widths are
/// counted in bytes, and said to be: an É in ISA06 makes 15 characters 16 bytes, and the message
/// says why.
#[test]
fn isa_messages_say_yymmdd_and_bytes() {
    let d = tempfile::tempdir().unwrap();
    let text = bayview(d.path());
    let bad_date = edit(&text, "*261101*0900*", "*260230*0900*");
    let (code, findings, _) = check_bytes(d.path(), "isa09.837", bad_date.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(rules(&findings), [pair("CHK-016", "ISA09")]);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("YYMMDD") && !message.contains("CCYYMMDD"),
        "{message}"
    );
    let accented = edit(&text, "*SUNRISECCN     *", "*SUNRISÉCCN     *");
    let path = d.path().join("isa06.837");
    std::fs::write(&path, &accented).unwrap();
    let out = ecm().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("ISA06 is 16 bytes but ISA fields are fixed width: it must be exactly 15"),
        "{said}"
    );
    assert!(said.contains("non-ASCII character"), "{said}");
    assert!(!said.contains("characters but"), "{said}");
}
