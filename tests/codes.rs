//! `ecm codes` through the real binary: snapshots of its three formats, the early-implementation
//! go-live dates the configuration switches on, and what it says about a config that does not load.

use assert_cmd::Command;
use std::path::Path;

/// Runs `ecm ARGS` in `dir`; returns exit status, stdout and stderr.
fn codes(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_format_matches_its_snapshot() {
    let d = tempfile::tempdir().unwrap();
    for format in ["text", "csv", "json"] {
        let (code, out, err) = codes(
            d.path(),
            &["codes", "--on", "2026-01-01", "--format", format],
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "{err}");
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("codes_{format}"), out);
        });
    }
    let (_, json, _) = codes(
        d.path(),
        &["codes", "--on", "2026-01-01", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["on"], "2026-01-01", "{v}");
}

/// Adults experiencing homelessness went live statewide on 2022-07-01 and in early Whole Person
/// Care counties on 2022-01-01: on 2022-03-01 only a provider in such a county sees the row.
#[test]
fn an_early_implementation_county_sees_the_earlier_go_live() {
    let d = tempfile::tempdir().unwrap();
    let args = ["codes", "--on", "2022-03-01", "--format", "csv"];
    let (code, statewide, _) = codes(d.path(), &args);
    assert_eq!(code, 0);
    assert!(!statewide.contains(",adult_homelessness,"), "{statewide}");

    let config = std::fs::read_to_string("tests/fixtures/rules-ecm.toml")
        .unwrap()
        .replacen(
            "[provider]\n",
            "[provider]\nearly_implementation_county = true\n",
            1,
        );
    std::fs::write(d.path().join("ecm.toml"), config).unwrap();
    let (code, early, err) = codes(d.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(early.contains(",adult_homelessness,"), "{early}");
}

/// A config that is there but does not load is named with its error on stderr, and the statewide
/// dates are shown; `-q` keeps stderr quiet.
#[test]
fn a_config_that_does_not_load_is_said_not_passed_over() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("ecm.toml"), "[provider]\nnpi = 12\n").unwrap();
    let (code, out, err) = codes(d.path(), &["codes", "--on", "2022-03-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ECM code set in force on 2022-03-01"),
        "{out}"
    );
    assert!(
        err.contains("warning: ") && err.contains("ecm.toml"),
        "{err}"
    );
    assert!(err.contains("provider.npi"), "{err}");
    assert!(err.contains("statewide go-live dates"), "{err}");
    let (_, _, quiet) = codes(d.path(), &["-q", "codes", "--on", "2022-03-01"]);
    assert!(quiet.is_empty(), "{quiet}");
}

#[test]
fn a_date_that_is_not_one_stops_with_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let (code, out, err) = codes(d.path(), &["codes", "--on", "2026-02-30"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("--on '2026-02-30' is not a real calendar day"),
        "{err}"
    );
    let (code, _, err) = codes(d.path(), &["codes", "--on", "next week"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--on 'next week' is not a date in YYYY-MM-DD"),
        "{err}"
    );
    let (code, _, err) = codes(d.path(), &["--as-of", "2026-02-30", "codes"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--as-of '2026-02-30' is not a real calendar day"),
        "{err}"
    );
}
