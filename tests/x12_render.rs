//! `ecm render` through the real binary: snapshots of both formats for an 837P and an 835, the
//! loop tree in JSON, segments that do not fit shown in place, and exit statuses.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/x12")
}

/// Renders a fixture (named relative to the fixture folder, so outputs carry no absolute path).
fn render(name: &str, format: &str) -> (i32, String) {
    let out = ecm()
        .current_dir(fixtures())
        .args(["render", name, "--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn text_and_json_renderings_match_their_snapshots() {
    for (name, snap) in [
        ("lfh-demo.example1.837", "render_837"),
        ("pyx12-835_mult_loops.txt", "render_835"),
    ] {
        let (code, text) = render(name, "text");
        assert_eq!(code, 0, "{text}");
        let (code, json) = render(name, "json");
        assert_eq!(code, 0, "{json}");
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("{snap}_text"), text);
            insta::assert_snapshot!(format!("{snap}_json"), json);
        });
    }
}

/// The loop ids from the root down to the first segment with id `segment`, in a JSON rendering.
fn path_to(node: &Value, segment: &str, path: &mut Vec<String>) -> bool {
    if node["segment"] == segment {
        return true;
    }
    let Some(items) = node["items"].as_array() else {
        return false;
    };
    path.push(node["loop"].as_str().unwrap().to_string());
    if items.iter().any(|i| path_to(i, segment, path)) {
        return true;
    }
    path.pop();
    false
}

#[test]
fn json_keeps_the_loop_tree_with_every_element_named() {
    let (_, json) = render("lfh-demo.example1.837", "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["guide"], "837P");
    let root = &v["interchanges"][0];
    let mut path = Vec::new();
    assert!(path_to(root, "SV1", &mut path));
    assert_eq!(
        path,
        [
            "ISA_LOOP", "GS_LOOP", "ST_LOOP", "2000A", "2000B", "2000C", "2300", "2400"
        ]
    );
    let mut path = Vec::new();
    assert!(path_to(root, "PAT", &mut path));
    assert_eq!(path.last().unwrap(), "2000C");
    // CLM05 is a composite: its components are named.
    let text = json
        .lines()
        .find(|l| l.contains("\"segment\":\"CLM\""))
        .unwrap();
    let clm: Value = serde_json::from_str(text.trim().trim_end_matches(',')).unwrap();
    let clm05 = clm["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "CLM05")
        .unwrap();
    assert_eq!(clm05["components"][0]["name"], "Place of Service Code");
    assert_eq!(clm05["components"][0]["value"], "11");

    let (_, json) = render("pyx12-835_mult_loops.txt", "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["guide"], "835");
    let mut path = Vec::new();
    assert!(path_to(&v["interchanges"][0], "SVC", &mut path));
    assert_eq!(path[3..], ["2000", "2100", "2110"]);
}

#[test]
fn segments_that_do_not_fit_are_shown_where_they_came() {
    let (code, text) = render("lfh-demo.cob.example4.837", "text");
    assert_eq!(code, 1);
    let line = text.lines().find(|l| l.contains("!!")).unwrap();
    assert!(line.trim_start().starts_with("!! AMT*F2*15.00"), "{line}");
    assert!(line.contains("segment 31 not placed"), "{line}");
    // The rest still renders: the line loop after it.
    assert!(text.contains("2400 Service Line Number"), "{text}");
    let (code, json) = render("lfh-demo.cob.example4.837", "json");
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(json.contains("\"unplaced\":"), "{v}");
}

#[test]
fn every_good_sample_and_our_own_837s_render_cleanly() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            // Every sample but those with a segment out of place (or whose composites use
            // another component separator than their ISA16 says, so they do not match).
            let misplaced = [
                "lfh-demo.cob.2ndary.example4.837",
                "lfh-demo.cob.example4.837",
                "lfh-demo.example11.837",
                "lfh-demo.example12.837",
                "lfh-demo.example6.837",
                "lfh-demo.example9.837",
            ];
            (n.starts_with("lfh-") || n.starts_with("pyx12-") || n.ends_with(".835"))
                && !misplaced.contains(&n)
                && !n.starts_with("mut-missing")
        })
        .collect();
    let d = tempfile::tempdir().unwrap();
    let out = ecm()
        .current_dir(d.path())
        .args(["demo", "--out", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    files.extend(common::files_837(&d.path().join("demo/claims")));
    assert!(files.len() >= 14, "{files:?}");
    for f in files {
        let out = ecm().arg("render").arg(&f).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{}:\n{text}", f.display());
        assert!(!text.contains("!!"), "{}", f.display());
        // Every segment of the file is on its own line.
        let segments = text.lines().filter(|l| l.contains("  [")).count();
        let raw = std::fs::read_to_string(&f).unwrap();
        let terminator = raw.trim_start_matches('\u{feff}').as_bytes()[105] as char;
        let expected = raw
            .split(terminator)
            .filter(|s| !s.trim().is_empty())
            .count();
        assert_eq!(segments, expected, "{}", f.display());
    }
}

#[test]
fn files_that_cannot_be_rendered_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("encounters.csv");
    std::fs::write(&csv, "encounter_id,member_id\n").unwrap();
    for path in [csv, d.path().join("missing.837")] {
        let out = ecm().arg("render").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(path.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
    }
    // A 834 is X12, but neither an 837P nor an 835.
    let enrollment = d.path().join("enrollment.834");
    let example = std::fs::read_to_string(fixtures().join("lfh-demo.example1.837")).unwrap();
    std::fs::write(&enrollment, example.replacen("GS*HC*", "GS*BE*", 1)).unwrap();
    let out = ecm().arg("render").arg(&enrollment).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("\"BE\" (GS01)")
    );
}

/// A file render cannot read at all (a directory, an empty file, bytes that are no X12, an ISA
/// whose delimiters cannot be taken) is refused with the cause `ecm check` names for it, not a
/// pointer to run check.
#[test]
fn unreadable_files_say_why_as_check_does() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("claims");
    std::fs::create_dir(&dir).unwrap();
    let empty = d.path().join("empty.837");
    std::fs::write(&empty, "").unwrap();
    let binary = d.path().join("binary.837");
    std::fs::write(
        &binary,
        [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe],
    )
    .unwrap();
    let short_isa = d.path().join("short-isa.837");
    std::fs::write(&short_isa, "ISA*00*short~GS*HC*A*B~").unwrap();
    for (path, cause) in [
        (&dir, "directory"),
        (&empty, "the file is empty"),
        (&binary, "does not start with an ISA segment"),
        (&short_isa, "the interchange header (ISA) cannot be read"),
    ] {
        let check = ecm().arg("check").arg(path).output().unwrap();
        assert_eq!(check.status.code(), Some(2));
        let said = String::from_utf8(check.stdout).unwrap();
        let why = said
            .split_once(": not checked: ")
            .unwrap_or_else(|| panic!("{said}"))
            .1
            .trim_end();
        assert!(why.contains(cause), "check on {}: {why}", path.display());
        let out = ecm().arg("render").arg(path).output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("{}: ", path.display())) && err.contains(why),
            "render on {} should say {why:?}: {err}",
            path.display()
        );
        assert!(!err.contains("ecm check says why"), "{err}");
    }
}

/// A file whose segments end with a line break, or whose delimiters are the information
/// separators (0x1D, 0x1F, 0x1C), renders as the same file with `* : ~` does, one segment a
/// line; a separator is shown as its escape, never as an invisible byte.
#[test]
fn other_delimiters_render_one_segment_a_line() {
    let example = std::fs::read_to_string(fixtures().join("lfh-demo.example1.837")).unwrap();
    let (_, want) = render("lfh-demo.example1.837", "text");
    let d = tempfile::tempdir().unwrap();
    let lf = example.replace("~\n", "\n").replace('~', "\n");
    let separators: String = example
        .replace("~\n", "~")
        .chars()
        .map(|c| match c {
            '*' => '\u{1d}',
            ':' => '\u{1f}',
            '~' => '\u{1c}',
            c => c,
        })
        .collect();
    for (name, text) in [("lf.837", lf), ("separators.837", separators)] {
        std::fs::write(d.path().join(name), &text).unwrap();
        let out = ecm()
            .current_dir(d.path())
            .args(["render", name])
            .output()
            .unwrap();
        let got = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {got}");
        let lines = |s: &str| s.lines().skip(1).count();
        assert_eq!(lines(&got), lines(&want), "{name}: {got}");
        assert!(
            got.bytes().all(|b| b >= b' ' || b == b'\n'),
            "{name}: {got}"
        );
        if name == "separators.837" {
            assert!(got.contains("SV1\\u{1d}HC\\u{1f}"), "{got}");
        } else {
            assert_eq!(got.replacen("lf.837", "lfh-demo.example1.837", 1), want);
        }
    }
}

/// A segment the tokenizer cannot split (a bad segment id) is shown in place as it is in the
/// file, in both formats: one segment a line, and nothing hidden.
#[test]
fn a_segment_with_a_bad_id_is_shown_as_read() {
    let name = "imsweb-x12_bad_segment_identifier.txt";
    let (code, text) = render(name, "text");
    assert_eq!(code, 1);
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("!!"))
        .map(str::trim_start)
        .collect();
    assert_eq!(shown.len(), 3, "{text}");
    assert!(
        shown[0]
            .starts_with("!! *IC*DAVID ANGELASZEK*TE*3016809770*EX*123  [segment 6 not placed: "),
        "{}",
        shown[0]
    );
    assert!(shown[0].contains("segment id"), "{}", shown[0]);
    assert!(
        shown[1].starts_with("!! Nd4*CALVERTON*MD*20705  ["),
        "{}",
        shown[1]
    );
    assert!(
        shown[2].starts_with("!! NM31*IL*1*DOE*JOHN"),
        "{}",
        shown[2]
    );
    let (code, json) = render(name, "json");
    assert_eq!(code, 1);
    let unplaced: Vec<Value> = json
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| l.starts_with("{\"unplaced\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(unplaced.len(), 3, "{json}");
    assert_eq!(unplaced[0]["number"], 6);
    assert_eq!(
        unplaced[0]["text"],
        "*IC*DAVID ANGELASZEK*TE*3016809770*EX*123"
    );
    assert!(unplaced.iter().all(|u| u["text"].is_string()), "{json}");
}
