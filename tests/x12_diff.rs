//! `ecm diff` through the real binary: two runs of the same data at different times are the
//! same; added, removed and changed claims and lines are reported with both values (snapshots of
//! both formats); exit statuses.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

/// Runs `ecm diff` in `dir`: exit status and standard output.
fn diff(dir: &Path, a: &str, b: &str, format: &str) -> (i32, String) {
    let out = ecm()
        .current_dir(dir)
        .args(["diff", a, b, "--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

/// The demo's inputs in `dir/demo/input`, its claims in `dir/demo/claims`.
fn demo(dir: &Path) -> PathBuf {
    let out = ecm()
        .current_dir(dir)
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    dir.join("demo")
}

#[test]
fn two_runs_of_the_same_data_at_different_times_diff_as_the_same() {
    let d = tempfile::tempdir().unwrap();
    demo(d.path());
    for (out, as_of) in [
        ("morning", "2026-11-02T08:05"),
        ("evening", "2026-11-03T17:40"),
    ] {
        let status = ecm()
            .current_dir(d.path())
            .args(["--config", "demo/input/ecm.toml", "--as-of", as_of])
            .args(["claims", "demo/input/encounters.csv", "--out", out])
            .output()
            .unwrap()
            .status
            .code();
        assert_eq!(status, Some(1), "the demo input has rejected rows");
    }
    for payer in ["bayview.837", "golden-valley.837"] {
        let (a, b) = (format!("morning/{payer}"), format!("evening/{payer}"));
        // Not the same bytes: envelope dates, times and control numbers differ...
        assert_ne!(
            std::fs::read(d.path().join(&a)).unwrap(),
            std::fs::read(d.path().join(&b)).unwrap()
        );
        // ...but the same claims.
        let (code, text) = diff(d.path(), &a, &b, "text");
        assert_eq!(code, 0, "{text}");
        assert!(
            text.ends_with("same: the files hold the same claims and lines\n"),
            "{text}"
        );
        let (code, json) = diff(d.path(), &a, &b, "json");
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["same"], true);
        assert!(v["claims_a"].as_u64().unwrap() >= 10);
    }
}

#[test]
fn changes_are_reported_claim_by_claim_and_line_by_line() {
    let d = tempfile::tempdir().unwrap();
    let claims = demo(d.path()).join("claims");
    let a = std::fs::read_to_string(claims.join("bayview.837")).unwrap();
    let mut b = a.clone();
    for (from, to) in [
        // Production instead of test data: a header field.
        ("*0*T*:~", "*0*P*:~"),
        // A line charge and its claim's total.
        (
            "CLM*E573BC9ACF792D39E*60***99:",
            "CLM*E573BC9ACF792D39E*65***12:",
        ),
        (
            "SV1*HC:G9012:U8*30*UN*1*12**1~",
            "SV1*HC:G9012:U8*35*UN*1*12**1~",
        ),
        // A line renamed: removed under its old control number, added under the new one.
        ("REF*6R*SCC-0019~", "REF*6R*SCC-0099~"),
        // A claim renamed: removed and added.
        ("CLM*EA0563331681C5281*", "CLM*E7F7CABF59AE52B99*"),
        // Envelope control numbers and dates: ignored.
        ("*261101*0900*", "*261231*2359*"),
        ("ST*837*0001*", "ST*837*0042*"),
    ] {
        assert!(b.contains(from), "{from}");
        b = b.replacen(from, to, 1);
    }
    b = b.replace("*0001~\nGE*", "*0042~\nGE*");
    std::fs::write(d.path().join("changed.837"), &b).unwrap();
    std::fs::copy(claims.join("bayview.837"), d.path().join("original.837")).unwrap();
    let (code, text) = diff(d.path(), "original.837", "changed.837", "text");
    assert_eq!(code, 1, "{text}");
    let (code, json) = diff(d.path(), "original.837", "changed.837", "json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["header"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["claims_added"][0]["key"], "E7F7CABF59AE52B99");
    assert_eq!(v["claims_removed"][0]["key"], "EA0563331681C5281");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("diff_text", text);
        insta::assert_snapshot!("diff_json", json);
    });
}

#[test]
fn unreadable_files_exit_2_with_where() {
    let d = tempfile::tempdir().unwrap();
    let claims = demo(d.path()).join("claims");
    let good = claims.join("bayview.837");
    let era =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/x12/pyx12-835_mult_loops.txt");
    let cut = d.path().join("cut.837");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    for (other, says) in [
        (d.path().join("missing.837"), "could not read the file"),
        (era, "835 transaction sets, not 837s"),
        (cut, "truncated"),
    ] {
        let out = ecm().arg("diff").arg(&good).arg(&other).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "{err}");
        assert!(
            err.contains(other.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
    }
}
