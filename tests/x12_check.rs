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
    // ISA02 one character short: the ISA is 105 characters.
    let short = d.path().join("short-isa.837");
    std::fs::write(
        &short,
        good.replacen("*9876543210*01*", "*987654321*01*", 1),
    )
    .unwrap();
    let (code, findings) = check(&short);
    assert_eq!(code, 1);
    assert_eq!(findings[0]["rule"], "CHK-001", "{findings:#?}");
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
