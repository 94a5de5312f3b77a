//! `ecm ingest` through the real binary: invoices written by `ecm invoice` (CSV and XLSX) and
//! one filled in by hand become an 837P of encounters that pyx12 and x12-types accept; every
//! rule rejects the line it should; the ledger makes a second run add nothing, is replaced only
//! after the outputs are in place, and lets corrections name their line.

mod common;

use common::on_the_example;

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const PLAN: &str = "tests/fixtures/ingest/plan.toml";
const ROSTER: &str = "tests/fixtures/ingest/roster.csv";

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

/// `ecm invoice` on the example, CSV and XLSX, into `dir`.
fn invoices(dir: &Path) -> PathBuf {
    let out = dir.join("invoices");
    let o = on_the_example("invoice")
        .args(["examples/encounters.csv", "--format", "csv,xlsx", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn ingest(config: &str, inputs: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    ecm()
        .args(["--config", config, "--as-of", "2026-11-05", "ingest"])
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// (line id, rule id) of every row of an ingest rejects.csv.
fn rejected(dir: &Path) -> BTreeSet<(String, String)> {
    let mut r = csv::Reader::from_path(dir.join("rejects.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    assert_eq!(
        h.iter().collect::<Vec<_>>(),
        [
            "file",
            "row",
            "invoice_number",
            "provider_npi",
            "line_id",
            "rule_id",
            "severity",
            "field",
            "title",
            "message",
            "fix"
        ]
    );
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[4].to_string(), x[5].to_string())
        })
        .collect()
}

/// CLM01 -> (CLM05-3, REF*F8, REF*6R of its line) of every claim.
fn claims(x12: &str) -> BTreeMap<String, (String, Option<String>, String)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String, Option<String>)> = None;
    for seg in x12.lines() {
        let f: Vec<&str> = seg.trim_end_matches('~').split('*').collect();
        match (f[0], f.get(1).copied()) {
            ("CLM", _) => {
                let freq = f[5].split(':').nth(2).unwrap().to_string();
                current = Some((f[1].to_string(), freq, None));
            }
            ("REF", Some("F8")) => current.as_mut().unwrap().2 = Some(f[2].to_string()),
            ("REF", Some("6R")) => {
                let (id, freq, f8) = current.take().unwrap();
                out.insert(id, (freq, f8, f[2].to_string()));
            }
            _ => {}
        }
    }
    out
}

fn check_837(path: &Path) -> String {
    common::pyx12_validate(path).assert_valid(&path.display().to_string());
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn our_invoices_become_valid_encounters_and_a_second_run_adds_nothing() {
    let d = tempfile::tempdir().unwrap();
    let inv = invoices(d.path());
    let sep = inv.join("golden-valley-2026-09.csv");
    let oct = inv.join("golden-valley-2026-10.xlsx");
    let ledger = d.path().join("ledger.csv");
    let ledger_arg = ledger.to_str().unwrap();
    let out = d.path().join("run1");
    let o = ingest(
        PLAN,
        &[&sep, &oct],
        &out,
        &["--roster", ROSTER, "--ledger", ledger_arg],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = summary(&out);
    assert_eq!(
        (s["lines_read"].as_u64(), s["lines_accepted"].as_u64()),
        (Some(14), Some(14))
    );
    assert_eq!(s["ledger"]["entries_added"], 14);

    let x12 = check_837(&out.join("encounters.837"));
    let (n_claims, n_lines, total) = common::x12_types_summary(&x12);
    assert_eq!((n_claims, n_lines), (14, 14));
    let want_total: rust_decimal::Decimal = s["total_charge"].as_str().unwrap().parse().unwrap();
    assert_eq!(total, want_total);
    assert!(x12.contains("*RP~"), "BHT06 is RP");
    assert!(x12.contains("\nNM1*85*2*SUNRISE COMMUNITY CARE NETWORK*****XX*1234567893~"));
    assert!(x12.contains("\nNM1*PR*2*GOLDEN VALLEY HEALTH PLAN*****PI*GVHP1~"));
    assert!(x12.contains("\nNM1*41*2*GOLDEN VALLEY HEALTH PLAN*****46*GVHPENC~"));
    // Every invoice line is one claim whose REF*6R is its line id.
    let lines: BTreeSet<String> = claims(&x12).into_values().map(|c| c.2).collect();
    let mut want = BTreeSet::new();
    for f in [&sep] {
        let mut r = csv::Reader::from_path(f).unwrap();
        for rec in r.records() {
            want.insert(rec.unwrap()[19].to_string());
        }
    }
    assert!(want.is_subset(&lines) && lines.len() == 14, "{lines:?}");

    // The same invoices again: nothing is accepted, the ledger is untouched.
    let before = std::fs::read(&ledger).unwrap();
    let out2 = d.path().join("run2");
    let o = ingest(
        PLAN,
        &[&sep, &oct],
        &out2,
        &["--roster", ROSTER, "--ledger", ledger_arg],
    );
    assert_eq!(o.status.code(), Some(1));
    let s = summary(&out2);
    assert_eq!(
        (s["lines_accepted"].as_u64(), s["lines_rejected"].as_u64()),
        (Some(0), Some(14))
    );
    assert!(!out2.join("encounters.837").exists());
    let rules: BTreeSet<String> = rejected(&out2).into_iter().map(|(_, r)| r).collect();
    assert_eq!(
        rules,
        BTreeSet::from(["ING-029".to_string(), "ING-030".to_string()])
    );
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
}

#[test]
fn the_ledger_is_replaced_only_after_the_outputs_are_in_place() {
    let d = tempfile::tempdir().unwrap();
    let inv = invoices(d.path());
    let sep = inv.join("golden-valley-2026-09.csv");
    let ledger = d.path().join("ledger.csv");
    let ledger_arg = ledger.to_str().unwrap();
    // Outputs that cannot be committed (encounters.837 is a directory): exit 2, no ledger.
    let out = d.path().join("blocked");
    std::fs::create_dir_all(out.join("encounters.837/x")).unwrap();
    let o = ingest(PLAN, &[&sep], &out, &["--ledger", ledger_arg, "--force"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!ledger.exists());
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .chain(std::fs::read_dir(d.path()).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Existing outputs without --force: exit 2, the ledger is not touched either.
    let ok = d.path().join("ok");
    assert_eq!(
        ingest(PLAN, &[&sep], &ok, &["--ledger", ledger_arg])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(&ledger).unwrap();
    let again = ingest(PLAN, &[&sep], &ok, &["--ledger", ledger_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
}

/// Two runs on one ledger at once would both accept the same lines and the ledger would record
/// them twice, so a run holds the ledger's lock (an OS lock on `ledger.csv.lock` beside it) from
/// before it reads the ledger until after it replaced it, and a run that finds it held stops at
/// once (exit 2), naming the ledger and what to do, and writes nothing. Here the test holds the
/// lock as a running ingest would; once it lets go, the same run goes through.
#[test]
fn a_run_stops_while_another_holds_the_ledger() {
    let d = tempfile::tempdir().unwrap();
    let inv = invoices(d.path());
    let sep = inv.join("golden-valley-2026-09.csv");
    let ledger = d.path().join("ledger.csv");
    let ledger_arg = ledger.to_str().unwrap();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(d.path().join("ledger.csv.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = d.path().join("second");
    let o = ingest(PLAN, &[&sep], &out, &["--ledger", ledger_arg]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "the ledger {ledger_arg} is in use by another ecm ingest"
        )) && err.contains("wait for that run to finish, then run this one again"),
        "{err}"
    );
    assert!(!out.exists() && !ledger.exists());

    lock.unlock().unwrap();
    let o = ingest(PLAN, &[&sep], &out, &["--ledger", ledger_arg]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(summary(&out)["ledger"]["entries_added"], 12);
}

/// A line id, the fields changed from the template line, and the rule expected to reject it.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<&'a str>);

/// The September golden-valley invoice as header + rows of fields.
fn template(dir: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let inv = invoices(dir);
    let mut r = csv::Reader::from_path(inv.join("golden-valley-2026-09.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    (h, r.records().map(Result::unwrap).collect())
}

fn set(h: &csv::StringRecord, row: &csv::StringRecord, changes: &[(&str, &str)]) -> Vec<String> {
    let mut v: Vec<String> = row.iter().map(str::to_string).collect();
    for (col, value) in changes {
        let at = h
            .iter()
            .position(|c| c == *col)
            .unwrap_or_else(|| panic!("{col}"));
        v[at] = value.to_string();
    }
    v
}

fn write_csv(path: &Path, h: &csv::StringRecord, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(h).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn each_rule_rejects_its_line_and_names_it() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    // SCC-0003: GV100234, 2026-09-10, assessment, G9008 U1, rendering 1500000017.
    let base = rows.iter().find(|r| &r[19] == "SCC-0003").unwrap();
    let thirteen = "Z5900;Z5901;Z5902;Z591;Z592;Z593;Z594;Z595;Z596;Z597;Z598;Z599;Z600";
    let long = "A".repeat(51);
    let cases: Vec<Case> = vec![
        ("T-OK", vec![], None),
        ("T-DUP", vec![], Some("ING-028")),
        (
            "T-OK",
            vec![("service_date", "2026-09-11")],
            Some("ING-030"),
        ),
        ("T-001", vec![("member_last_name", "")], Some("ING-001")),
        (
            "T-002",
            vec![("service_date", "2026-09-31")],
            Some("ING-002"),
        ),
        (
            "T-003",
            vec![("member_first_name", "An*a")],
            Some("ING-003"),
        ),
        ("T-004", vec![("member_last_name", "王")], Some("ING-004")),
        (
            "T-005",
            vec![("authorization_number", &long)],
            Some("ING-005"),
        ),
        (
            "T-008",
            vec![("provider_npi", "1234567890")],
            Some("ING-008"),
        ),
        ("T-009", vec![("provider_zip", "95814")], Some("ING-009")),
        (
            "T-010",
            vec![("provider_npi", "1987654328")],
            Some("ING-010"),
        ),
        ("T-011", vec![("plan_payer_id", "BVCH01")], Some("ING-011")),
        (
            "T-012",
            vec![("service_date", "2026-12-01")],
            Some("ING-012"),
        ),
        ("T-013", vec![("hcpcs", "G9012")], Some("ING-013")),
        ("T-014", vec![("units", "0")], Some("ING-014")),
        ("T-015", vec![("charge", "12.345")], Some("ING-015")),
        ("T-016", vec![("place_of_service", "77")], Some("ING-016")),
        ("T-017", vec![("diagnosis_codes", "123")], Some("ING-017")),
        (
            "T-018",
            vec![("diagnosis_codes", thirteen)],
            Some("ING-018"),
        ),
        ("T-020", vec![("member_sex", "X")], Some("ING-020")),
        ("T-021", vec![("member_cin", "123")], Some("ING-021")),
        ("T-022", vec![("member_dob", "2026-10-01")], Some("ING-022")),
        (
            "T-023",
            vec![("rendering_npi", "1500000034")],
            Some("ING-023"),
        ),
        ("T-024", vec![("rendering_npi", "")], Some("ING-024")),
        ("T-025", vec![("member_id", "GV200003")], Some("ING-025")),
        ("T-026", vec![("member_id", "GV200001")], Some("ING-026")),
        ("T-027", vec![("member_id", "GV200002")], Some("ING-027")),
        (
            "T-031",
            vec![("correction", "maybe"), ("replaces_line_id", "X")],
            Some("ING-031"),
        ),
        (
            "T-032",
            vec![("correction", "void"), ("replaces_line_id", "NEVER")],
            Some("ING-032"),
        ),
        // A correction naming its own line id.
        (
            "T-031-SELF",
            vec![
                ("correction", "replace"),
                ("replaces_line_id", "T-031-SELF"),
            ],
            Some("ING-031"),
        ),
        // Outreach before enrollment starts is billable (GV100234 enrolls on 2026-09-08).
        (
            "T-OUT",
            vec![
                ("hcpcs", "G9012"),
                ("modifiers", "U8"),
                ("service_date", "2026-09-03"),
                ("member_id", "GV100234"),
            ],
            None,
        ),
    ];
    let lines: Vec<Vec<String>> = cases
        .iter()
        .map(|(id, changes, _)| {
            let mut c = changes.clone();
            c.push(("line_id", id));
            set(&h, base, &c)
        })
        .collect();
    let input = d.path().join("cases.csv");
    write_csv(&input, &h, &lines);
    // A short line and a Windows-1252 one (a warning; the line is accepted).
    let mut bytes = std::fs::read(&input).unwrap();
    bytes.extend_from_slice(b"INV-X,2026-11-01,T-006-too-short\n");
    let latin = set(
        &h,
        base,
        &[
            ("line_id", "T-007"),
            ("service_date", "2026-09-12"),
            ("member_last_name", "MuQQoz"),
        ],
    )
    .join(",");
    let (left, right) = latin.split_once("QQ").unwrap();
    bytes.extend_from_slice(left.as_bytes());
    bytes.push(0xF1);
    bytes.extend_from_slice(right.as_bytes());
    bytes.push(b'\n');
    std::fs::write(&input, bytes).unwrap();

    let ledger = d.path().join("empty-ledger.csv");
    let out = d.path().join("out");
    let o = ingest(
        PLAN,
        &[&input],
        &out,
        &["--roster", ROSTER, "--ledger", ledger.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = rejected(&out);
    for (id, _, rule) in &cases {
        if let Some(rule) = rule {
            assert!(
                got.contains(&(id.to_string(), rule.to_string())),
                "{id} not rejected with {rule}: {got:?}"
            );
        }
    }
    assert!(got.iter().any(|(_, r)| r == "ING-006"), "{got:?}");
    let s = summary(&out);
    // Accepted: T-OK, T-OUT and the Windows-1252 line (with its warning).
    assert_eq!(s["lines_accepted"], 3, "{got:?}");
    assert_eq!(s["lines_read"], cases.len() as u64 + 2);
    assert_eq!(s["warnings_by_rule"][0]["rule_id"], "ING-007");
    check_837(&out.join("encounters.837"));
    // Messages never carry the member's name or birth date.
    let text = std::fs::read_to_string(out.join("rejects.csv")).unwrap()
        + &String::from_utf8_lossy(&o.stderr);
    for v in ["Munoz", "Maria", "1968-04-12"] {
        assert!(!text.contains(v), "{v} in a message");
    }

    // ING-019: no diagnosis and no plan default.
    let plan = std::fs::read_to_string(PLAN)
        .unwrap()
        .replace("default_diagnosis = \"Z59.00\"\n", "");
    let plan_path = d.path().join("plan-no-default.toml");
    std::fs::write(&plan_path, plan).unwrap();
    let nodx = d.path().join("nodx.csv");
    write_csv(
        &nodx,
        &h,
        &[set(
            &h,
            base,
            &[("diagnosis_codes", ""), ("line_id", "T-019")],
        )],
    );
    let out = d.path().join("nodx");
    let o = ingest(plan_path.to_str().unwrap(), &[&nodx], &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(rejected(&out).contains(&("T-019".to_string(), "ING-019".to_string())));
}

#[test]
fn replacements_and_voids_keep_the_encounter_claim_id() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    let first = d.path().join("sep.csv");
    write_csv(
        &first,
        &h,
        &rows
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect::<Vec<_>>(),
    );
    let ledger = d.path().join("ledger.csv");
    let l = ledger.to_str().unwrap();
    let run1 = d.path().join("run1");
    assert_eq!(
        ingest(PLAN, &[&first], &run1, &["--ledger", l])
            .status
            .code(),
        Some(0)
    );
    let sent = claims(&check_837(&run1.join("encounters.837")));
    let claim_of = |line: &str| {
        sent.iter()
            .find(|(_, c)| c.2 == line)
            .map(|(id, _)| id.clone())
            .unwrap()
    };

    let find = |id: &str| rows.iter().find(|r| &r[19] == id).unwrap();
    let fixes = vec![
        set(
            &h,
            find("SCC-0003"),
            &[
                ("line_id", "SCC-0003-R"),
                ("correction", "replace"),
                ("replaces_line_id", "SCC-0003"),
                ("charge", "150.00"),
            ],
        ),
        set(
            &h,
            find("SCC-0001"),
            &[
                ("line_id", "SCC-0001-V"),
                ("correction", "void"),
                ("replaces_line_id", "SCC-0001"),
            ],
        ),
    ];
    let fix = d.path().join("fix.csv");
    write_csv(&fix, &h, &fixes);
    let run2 = d.path().join("run2");
    let o = ingest(PLAN, &[&fix], &run2, &["--ledger", l]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let x12 = check_837(&run2.join("encounters.837"));
    let got = claims(&x12);
    let r = &got[&claim_of("SCC-0003")];
    assert_eq!(
        (r.0.as_str(), r.1.as_deref(), r.2.as_str()),
        ("7", Some(claim_of("SCC-0003").as_str()), "SCC-0003-R")
    );
    let v = &got[&claim_of("SCC-0001")];
    assert_eq!(
        (v.0.as_str(), v.1.as_deref(), v.2.as_str()),
        ("8", Some(claim_of("SCC-0001").as_str()), "SCC-0001-V")
    );
    let s = summary(&run2);
    assert_eq!(
        (s["replacement_claims"].as_u64(), s["void_claims"].as_u64()),
        (Some(1), Some(1))
    );
    // The void, written with the original (positive) charge as a form filled in by hand may
    // give it, is a credit all the same: the money claimed is the replacement's 150.00 less it.
    let voided: rust_decimal::Decimal = find("SCC-0001")
        [h.iter().position(|c| c == "charge").unwrap()]
    .parse()
    .unwrap();
    let total: rust_decimal::Decimal = s["total_charge"].as_str().unwrap().parse().unwrap();
    assert_eq!(total, rust_decimal::Decimal::new(15000, 2) - voided);

    // The replaced and the voided lines cannot be corrected again; the replacement can.
    let again = vec![
        set(
            &h,
            find("SCC-0003"),
            &[
                ("line_id", "SCC-0003-R2"),
                ("correction", "replace"),
                ("replaces_line_id", "SCC-0003"),
            ],
        ),
        set(
            &h,
            find("SCC-0001"),
            &[
                ("line_id", "SCC-0001-V2"),
                ("correction", "void"),
                ("replaces_line_id", "SCC-0001"),
            ],
        ),
        set(
            &h,
            find("SCC-0003"),
            &[
                ("line_id", "SCC-0003-R3"),
                ("correction", "replace"),
                ("replaces_line_id", "SCC-0003-R"),
                ("charge", "140.00"),
            ],
        ),
    ];
    let again_path = d.path().join("again.csv");
    write_csv(&again_path, &h, &again);
    let run3 = d.path().join("run3");
    let o = ingest(PLAN, &[&again_path], &run3, &["--ledger", l]);
    assert_eq!(o.status.code(), Some(1));
    let rej = rejected(&run3);
    assert!(
        rej.contains(&("SCC-0003-R2".into(), "ING-032".into())),
        "{rej:?}"
    );
    assert!(
        rej.contains(&("SCC-0001-V2".into(), "ING-032".into())),
        "{rej:?}"
    );
    let x12 = check_837(&run3.join("encounters.837"));
    let got = claims(&x12);
    // Replacing the replacement: the chain keeps the original claim's CLM01 (from the ledger),
    // not one derived from the replacement's line id, which the state never received.
    assert_eq!(got.len(), 1);
    let (id, c) = got.iter().next().unwrap();
    assert_eq!((c.0.as_str(), c.2.as_str()), ("7", "SCC-0003-R3"));
    assert_eq!(id, &claim_of("SCC-0003"));
    assert_eq!(c.1.as_deref(), Some(id.as_str()));

    // A void of the second replacement still cancels the original claim; a void that does not
    // repeat the line's service, or a replacement for another member, is refused (ING-033).
    let r3 = set(&h, find("SCC-0003"), &[("charge", "140.00")]);
    let date_at = h.iter().position(|c| c == "service_date").unwrap();
    let another_day = if &r3[date_at] == "2026-09-30" {
        "2026-09-29"
    } else {
        "2026-09-30"
    };
    let other_member = rows
        .iter()
        .find(|r| r[21] != find("SCC-0003")[21])
        .expect("the template has two members");
    let last = vec![
        set(
            &h,
            &csv::StringRecord::from(r3.clone()),
            &[
                ("line_id", "SCC-0003-V"),
                ("correction", "void"),
                ("replaces_line_id", "SCC-0003-R3"),
                ("service_date", another_day),
            ],
        ),
        set(
            &h,
            other_member,
            &[
                ("line_id", "SCC-X-R"),
                ("correction", "replace"),
                ("replaces_line_id", "SCC-0003-R3"),
            ],
        ),
    ];
    let last_path = d.path().join("last.csv");
    write_csv(&last_path, &h, &last);
    let run4 = d.path().join("run4");
    let o = ingest(PLAN, &[&last_path], &run4, &["--ledger", l]);
    assert_eq!(o.status.code(), Some(1));
    let rej = rejected(&run4);
    for line in ["SCC-0003-V", "SCC-X-R"] {
        assert!(rej.contains(&(line.into(), "ING-033".into())), "{rej:?}");
    }
    assert!(!run4.join("encounters.837").exists());
    let void = vec![set(
        &h,
        &csv::StringRecord::from(r3),
        &[
            ("line_id", "SCC-0003-V"),
            ("correction", "void"),
            ("replaces_line_id", "SCC-0003-R3"),
        ],
    )];
    let void_path = d.path().join("void.csv");
    write_csv(&void_path, &h, &void);
    let run5 = d.path().join("run5");
    let o = ingest(PLAN, &[&void_path], &run5, &["--ledger", l]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = claims(&check_837(&run5.join("encounters.837")));
    let (id, c) = got.iter().next().unwrap();
    assert_eq!(
        (id.as_str(), c.0.as_str(), c.1.as_deref()),
        (
            claim_of("SCC-0003").as_str(),
            "8",
            Some(claim_of("SCC-0003").as_str())
        )
    );
}

/// A void on an invoice is a credit: `ecm invoice` writes its charge below zero, and ingest
/// takes it from the CSV and the XLSX alike. The void claim in encounters.837 carries the
/// charge it voids (CLM05-3 = 8 cancels it), while summary.json's total_charge (overall, per
/// provider and by code) subtracts it, so it equals the invoice's total.
#[test]
fn a_void_credit_is_taken_back_from_the_money_claimed() {
    let d = tempfile::tempdir().unwrap();
    // September as invoiced and taken in, recorded in the ledger.
    let inv = invoices(d.path());
    let ledger = d.path().join("ledger.csv");
    let l = ledger.to_str().unwrap();
    let first = ingest(
        PLAN,
        &[&inv.join("golden-valley-2026-09.csv")],
        &d.path().join("run1"),
        &["--ledger", l],
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    // The next invoice voids SCC-0001.
    let text = std::fs::read_to_string("examples/encounters.csv").unwrap();
    let header = text.lines().next().unwrap();
    let original = text.lines().find(|l| l.starts_with("SCC-0001,")).unwrap();
    let input = d.path().join("void.csv");
    std::fs::write(
        &input,
        format!(
            "{header},correction,replaces_encounter_id\n{},void,SCC-0001\n",
            original.replacen("SCC-0001", "SCC-0001-V", 1)
        ),
    )
    .unwrap();
    let voids = d.path().join("voids");
    let o = on_the_example("invoice")
        .arg(&input)
        .args(["--format", "csv,xlsx", "--out"])
        .arg(&voids)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let entry = &summary(&voids)["invoices"][0];
    assert_eq!(entry["void_lines"], 1);
    let invoice_total = entry["total_charge"].as_str().unwrap().to_string();
    let charge_of = |file: &Path, line: &str| -> String {
        let mut r = csv::Reader::from_path(file).unwrap();
        let h = r.headers().unwrap().clone();
        let at = |n: &str| h.iter().position(|c| c == n).unwrap();
        r.records()
            .map(Result::unwrap)
            .find(|x| &x[at("line_id")] == line)
            .map(|x| x[at("charge")].to_string())
            .unwrap()
    };
    let voided = charge_of(&inv.join("golden-valley-2026-09.csv"), "SCC-0001");
    assert_eq!(invoice_total, format!("-{voided}"));
    assert_eq!(
        charge_of(&voids.join("golden-valley-2026-09.csv"), "SCC-0001-V"),
        invoice_total
    );

    for ext in ["csv", "xlsx"] {
        // Each form against a copy of the ledger as September left it.
        let copy = d.path().join(format!("ledger-{ext}.csv"));
        std::fs::copy(&ledger, &copy).unwrap();
        let out = d.path().join(format!("run-{ext}"));
        let file = voids.join(format!("golden-valley-2026-09.{ext}"));
        let o = ingest(PLAN, &[&file], &out, &["--ledger", copy.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{ext}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(
            said.contains(&format!("total charge -${voided} (voids credited)")),
            "{said}"
        );
        let s = summary(&out);
        assert_eq!(s["void_claims"], 1, "{ext}");
        assert_eq!(s["total_charge"], invoice_total.as_str(), "{ext}");
        assert_eq!(
            s["providers"][0]["total_charge"],
            invoice_total.as_str(),
            "{ext}"
        );
        assert_eq!(s["by_code"][0]["charge"], invoice_total.as_str(), "{ext}");
        // The void claim carries the charge it voids, as the original claim did.
        let x12 = check_837(&out.join("encounters.837"));
        let clm = x12.lines().find(|l| l.starts_with("CLM*")).unwrap();
        let f: Vec<&str> = clm.split('*').collect();
        assert_eq!(
            f[2].parse::<rust_decimal::Decimal>().unwrap(),
            voided.parse::<rust_decimal::Decimal>().unwrap(),
            "{ext}"
        );
        assert!(f[5].ends_with(":8"), "{ext}: {}", f[5]);
        assert!(x12.contains("\nREF*6R*SCC-0001-V~"), "{ext}");
    }
}

/// An accented letter in the plan's configuration is on record in summary.json
/// (`config_transliterations`), so `ingest -q` does not lose the change with the warning.
#[test]
fn config_transliterations_are_in_the_ingest_summary() {
    let d = tempfile::tempdir().unwrap();
    let inv = invoices(d.path());
    let plan = d.path().join("plan.toml");
    let text = std::fs::read_to_string(PLAN).unwrap();
    std::fs::write(
        &plan,
        text.replacen(
            "contact_name = \"Encounter Unit\"",
            "contact_name = \"Unidad de Encuentros Peña\"",
            1,
        ),
    )
    .unwrap();
    let out = d.path().join("run");
    let o = ecm()
        .arg("-q")
        .arg("--config")
        .arg(&plan)
        .args(["--as-of", "2026-11-05", "ingest"])
        .arg(inv.join("golden-valley-2026-09.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        summary(&out)["config_transliterations"],
        serde_json::json!([{
            "file": plan.display().to_string(),
            "key": "plan.contact_name",
            "line": 10,
            "changes": ["ñ->n"],
        }])
    );
}

#[test]
fn a_sheet_saved_as_csv_reads_like_the_sheet() {
    // What a spreadsheet writes when our XLSX is saved as CSV: the title, the header block as
    // label/value rows, a blank row, the table, and the total row.
    let d = tempfile::tempdir().unwrap();
    let csv = "\
ECM invoice,,,,,,,,,,,,,
Invoice number,HAND-0008,,,,,,,,,,,,
Provider NPI,1234567893,,,,,,,,,,,,
Provider name,Sunrise Community Care Network,,,,,,,,,,,,
Provider TIN,941234567,,,,,,,,,,,,
Provider address,1400 K Street Suite 210,,,,,,,,,,,,
Provider city,Sacramento,,,,,,,,,,,,
Provider state,CA,,,,,,,,,,,,
Provider ZIP,958141234,,,,,,,,,,,,
Plan payer id,GVHP1,,,,,,,,,,,,
,,,,,,,,,,,,,
Line number,Line id,Member id,Member last name,Member first name,Member DOB,Member sex,Service date,HCPCS,Modifiers,Units,Charge,Place of service,Diagnosis codes
1,S-1,GV100871,Okonkwo,Grace,11/30/1955,F,9/3/2026,G9008,U1,1,165,12,Z59.0
2,S-2,GV100871,Okonkwo,Grace,11/30/1955,F,9/8/2026,G9012,U2:GQ,1,110.5,02,Z59.0
Total,,,,,,,,,,2,275.5,,
";
    let path = d.path().join("saved.csv");
    std::fs::write(&path, csv).unwrap();
    let out = d.path().join("out");
    let o = ingest(PLAN, &[&path], &out, &["--roster", ROSTER]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        std::fs::read_to_string(out.join("rejects.csv")).unwrap_or_default()
    );
    let s = summary(&out);
    assert_eq!(
        (s["lines_read"].as_u64(), s["lines_accepted"].as_u64()),
        (Some(2), Some(2))
    );
    let x12 = check_837(&out.join("encounters.837"));
    assert!(x12.contains("\nREF*6R*S-2~") && x12.contains("\nN4*SACRAMENTO*CA*958141234~"));

    // Our own CSV layout with a total row typed under it: the total row is not a line.
    let (h, rows) = template(d.path());
    let mut lines: Vec<Vec<String>> = rows
        .iter()
        .take(2)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    let mut total = vec![String::new(); h.len()];
    total[h.iter().position(|c| c == "line_number").unwrap()] = "Total".into();
    lines.push(total);
    let flat = d.path().join("flat.csv");
    write_csv(&flat, &h, &lines);
    let out = d.path().join("flat-out");
    let o = ingest(PLAN, &[&flat], &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(summary(&out)["lines_read"].as_u64(), Some(2));
}

#[test]
fn a_hand_filled_xlsx_reads_like_ours() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("m/d/yyyy");
    let bold = Format::new().set_bold();
    ws.write_string(0, 0, "ECM invoice (filled in by hand)")
        .unwrap();
    let block: [(&str, Option<&str>, Option<f64>); 9] = [
        ("INVOICE NUMBER", Some("HAND-0007"), None),
        ("  provider npi ", None, Some(1234567893.0)),
        (
            "Provider Name",
            Some("Sunrise Community Care Network"),
            None,
        ),
        ("Provider TIN", None, Some(941234567.0)),
        ("Provider Address", Some("1400 K Street Suite 210"), None),
        ("Provider City", Some("Sacramento"), None),
        ("Provider State", Some("ca"), None),
        ("Provider ZIP", None, Some(958141234.0)),
        ("Plan payer ID", Some("GVHP1"), None),
    ];
    for (i, (label, text, number)) in block.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, *label, &bold).unwrap();
        match (text, number) {
            (Some(t), _) => ws.write_string(row, 1, *t).unwrap(),
            (_, Some(n)) => ws.write_number(row, 1, *n).unwrap(),
            _ => unreachable!(),
        };
    }
    let header = [
        "Line",
        "LINE ID",
        "Member ID",
        "Member Last Name",
        "Member First Name",
        "Member DOB",
        "Member Sex",
        "Service Date",
        "HCPCS",
        "Modifiers",
        "Units",
        "Charge",
        "Place of Service",
        "Diagnosis Codes",
    ];
    let hr = 12;
    for (c, name) in header.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, *name, &bold)
            .unwrap();
    }
    let lines = [
        ("H-1", "GV100871", "2026-09-03", "G9008", "U1", 165.0, "12"),
        (
            "H-2",
            "GV100871",
            "2026-09-08",
            "G9012",
            "GQ U2",
            110.5,
            "02",
        ),
    ];
    for (i, (id, member, day, code, mods, charge, pos)) in lines.iter().enumerate() {
        let r = hr + 1 + i as u32;
        let (y, m, dd) = (&day[0..4], &day[5..7], &day[8..10]);
        let when =
            ExcelDateTime::from_ymd(y.parse().unwrap(), m.parse().unwrap(), dd.parse().unwrap())
                .unwrap();
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, *id).unwrap();
        ws.write_string(r, 2, *member).unwrap();
        ws.write_string(r, 3, "Okonkwo").unwrap();
        ws.write_string(r, 4, "Grace").unwrap();
        ws.write_datetime_with_format(r, 5, ExcelDateTime::from_ymd(1955, 11, 30).unwrap(), &date)
            .unwrap();
        ws.write_string(r, 6, "f").unwrap();
        ws.write_datetime_with_format(r, 7, &when, &date).unwrap();
        ws.write_string(r, 8, *code).unwrap();
        ws.write_string(r, 9, *mods).unwrap();
        ws.write_number(r, 10, 1.0).unwrap();
        ws.write_number(r, 11, *charge).unwrap();
        ws.write_number(r, 12, pos.parse::<f64>().unwrap()).unwrap();
        ws.write_string(r, 13, "Z59.0").unwrap();
    }
    // Blank formatted rows, then a total row a clerk typed.
    for r in hr + 3..hr + 8 {
        ws.write_blank(r, 1, &bold).unwrap();
    }
    ws.write_string(hr + 9, 0, "TOTAL").unwrap();
    ws.write_number(hr + 9, 11, 275.5).unwrap();
    // A line the clerk added under the total is a line, not the end of the table.
    let late = [
        "3",
        "H-3",
        "GV100871",
        "Okonkwo",
        "Grace",
        "11/30/1955",
        "f",
        "9/10/2026",
        "G9012",
        "U2",
        "1",
        "0",
        "12",
        "Z59.0",
    ];
    for (c, v) in late.iter().enumerate() {
        ws.write_string(hr + 10, c as u16, *v).unwrap();
    }
    let path = d.path().join("hand.xlsx");
    wb.save(&path).unwrap();

    let out = d.path().join("out");
    let o = ingest(PLAN, &[&path], &out, &["--roster", ROSTER]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        std::fs::read_to_string(out.join("rejects.csv")).unwrap_or_default()
    );
    let s = summary(&out);
    assert_eq!(
        (s["lines_read"].as_u64(), s["lines_accepted"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(s["total_charge"], "275.50");
    let x12 = check_837(&out.join("encounters.837"));
    assert!(x12.contains("\nREF*6R*H-3~"), "{x12}");
    // Place of service 02 typed as the number 2 reads as 02; the ZIP and NPI as text.
    assert!(x12.contains("*02:B:1*"), "{x12}");
    assert!(
        x12.contains("\nSV1*HC:G9012:GQ:U2*110.5*UN*1***1~"),
        "{x12}"
    );
    assert!(x12.contains("\nN4*SACRAMENTO*CA*958141234~"));
    assert!(x12.contains("\nDMG*D8*19551130*F~"));
}

#[test]
fn synthetic_invoices_ingest_with_only_the_rejections_the_world_explains() {
    let d = tempfile::tempdir().unwrap();
    let synth = |dir: &Path| {
        let o = ecm()
            .args([
                "synth",
                "--members",
                "300",
                "--months",
                "6",
                "--seed",
                "11",
                "--invoices",
                "--out",
            ])
            .arg(dir)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    synth(&a);
    synth(&b);
    assert_eq!(
        std::fs::read(a.join("invoices.csv")).unwrap(),
        std::fs::read(b.join("invoices.csv")).unwrap()
    );
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("truth.json")).unwrap()).unwrap();
    let as_of = truth["as_of"].as_str().unwrap();
    let out = d.path().join("ingest");
    let o = ecm()
        .args(["--config"])
        .arg(a.join("ecm.toml"))
        .args(["--as-of", as_of, "ingest"])
        .arg(a.join("invoices.csv"))
        .arg("--roster")
        .arg(a.join("roster.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = summary(&out);
    let lines = std::fs::read_to_string(a.join("invoices.csv"))
        .unwrap()
        .lines()
        .count() as u64
        - 1;
    assert_eq!(s["lines_read"], lines);
    assert!(
        s["lines_accepted"].as_u64().unwrap() * 10 > lines * 9,
        "{s}"
    );
    // Services after a retroactive end of enrollment, and two services with the same code on
    // one day, are what the synthetic world holds that a plan refuses.
    for r in s["rejections_by_rule"].as_array().unwrap() {
        assert!(
            ["ING-025", "ING-028"].contains(&r["rule_id"].as_str().unwrap()),
            "{r}"
        );
    }
    // Four providers, each its own billing provider in the encounter file.
    let x12 = check_837(&out.join("encounters.837"));
    assert!(
        x12.matches("\nNM1*85*2*").count() >= 4,
        "{}",
        s["providers"]
    );
    let (n_claims, _, _) = common::x12_types_summary(&x12);
    assert_eq!(n_claims as u64, s["lines_accepted"].as_u64().unwrap());
}

/// A Vietnamese name and one saved decomposed (NFD, as macOS saves it) are accepted and sent in
/// plain ASCII, each change counted in the summary; a name in another script is refused (ING-004).
#[test]
fn vietnamese_and_decomposed_names_are_accepted_other_scripts_refused() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    let base = rows.iter().find(|r| &r[19] == "SCC-0003").unwrap();
    let input = d.path().join("names.csv");
    write_csv(
        &input,
        &h,
        &[
            set(
                &h,
                base,
                &[
                    ("line_id", "T-VN"),
                    ("member_last_name", "Nguyễn"),
                    ("member_first_name", "Hoa\u{300}ng"),
                ],
            ),
            set(&h, base, &[("line_id", "T-ZH"), ("member_last_name", "阮")]),
        ],
    );
    let out = d.path().join("out");
    let ledger = d.path().join("empty-ledger.csv");
    let o = ingest(
        PLAN,
        &[&input],
        &out,
        &["--roster", ROSTER, "--ledger", ledger.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        rejected(&out),
        BTreeSet::from([("T-ZH".to_string(), "ING-004".to_string())])
    );
    let x12 = check_837(&out.join("encounters.837"));
    assert!(x12.contains("\nNM1*IL*1*NGUYEN*HOANG*"), "{x12}");
    let t = &summary(&out)["transliterations"];
    assert_eq!(
        (t["fields_changed"].as_u64(), t["rows_changed"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(t["by_change"]["ễ->e"], 1, "{t}");
    // Written decomposed, counted as the composed letter it is.
    assert_eq!(t["by_change"]["à->a"], 1, "{t}");
}

/// With a ledger, `--force` never replaces an `encounters.837` whose lines the ledger records:
/// they would exist in no file, and the ledger refuses them from then on. A file whose lines the
/// ledger does not hold (its update failed) may be replaced, so the run can be redone.
#[test]
fn force_never_replaces_encounters_the_ledger_records() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    let all: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    let first = d.path().join("first.csv");
    write_csv(&first, &h, &all[..1]);
    let second = d.path().join("second.csv");
    write_csv(&second, &h, &all[1..2]);
    let ledger = d.path().join("ledger.csv");
    let l = ledger.to_str().unwrap();
    let out = d.path().join("out");
    assert_eq!(
        ingest(PLAN, &[&first], &out, &["--ledger", l])
            .status
            .code(),
        Some(0)
    );
    let kept = std::fs::read(out.join("encounters.837")).unwrap();
    let ledger_before = std::fs::read(&ledger).unwrap();

    let o = ingest(PLAN, &[&second], &out, &["--ledger", l, "--force"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(
        said.contains("records as accepted") && said.contains("another --out directory"),
        "{said}"
    );
    assert_eq!(std::fs::read(out.join("encounters.837")).unwrap(), kept);
    assert_eq!(std::fs::read(&ledger).unwrap(), ledger_before);

    // Without the ledger's record of those lines, the run may be redone in place.
    let fresh = d.path().join("fresh-ledger.csv");
    let o = ingest(
        PLAN,
        &[&first],
        &out,
        &["--ledger", fresh.to_str().unwrap(), "--force"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read(out.join("encounters.837")).unwrap(), kept);
}

/// An invoice with its header and no line stops the run (exit 2) naming the file, as an empty
/// one does, and writes nothing; one without a required column names that column (and only it),
/// with the header's misspelling of it when there is one.
#[test]
fn an_invoice_without_lines_or_a_column_stops_the_run_and_says_which() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    let header_only = d.path().join("header-only.csv");
    write_csv(&header_only, &h, &[]);
    let out = d.path().join("out");
    let o = ingest(PLAN, &[&header_only], &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("header-only.csv: the file has a header but no data rows"),
        "{said}"
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|r| r.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");

    // Without its hcpcs column, and then with hcpcs spelled `hcpc`.
    let keep: Vec<usize> = (0..h.len()).filter(|&i| &h[i] != "hcpcs").collect();
    let pick =
        |r: &csv::StringRecord| -> Vec<String> { keep.iter().map(|&i| r[i].to_string()).collect() };
    let no_hcpcs = d.path().join("no-hcpcs.csv");
    let short_header = csv::StringRecord::from(pick(&h));
    let short_rows: Vec<Vec<String>> = rows.iter().map(pick).collect();
    write_csv(&no_hcpcs, &short_header, &short_rows);
    let o = ingest(PLAN, &[&no_hcpcs], &out, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("missing required column(s) hcpcs;"), "{said}");
    let typo_header = csv::StringRecord::from(
        h.iter()
            .map(|c| if c == "hcpcs" { "hcpc" } else { c })
            .collect::<Vec<_>>(),
    );
    let typo = d.path().join("typo.csv");
    write_csv(
        &typo,
        &typo_header,
        &rows
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect::<Vec<_>>(),
    );
    let o = ingest(PLAN, &[&typo], &out, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains(
            "missing required column(s) hcpcs (the header has 'hcpc': did you mean hcpcs?)"
        ),
        "{said}"
    );
}

/// A program id the code set does not know on the roster (`msp`, a typo of `mssp`, which cannot
/// be combined with ECM) is reported, not silently passed over: an RCN-021 warning naming the
/// row, the id as written and the known ids, on stderr and in summary.json. With the roster as
/// written (`mssp`) the member's line is refused (ING-027); with the typo the program cannot be
/// judged, so the line goes through, and the warning is what tells the plan to fix its roster.
#[test]
fn an_unknown_program_on_the_roster_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let (h, rows) = template(d.path());
    let base = rows.iter().find(|r| &r[19] == "SCC-0003").unwrap();
    let inv = d.path().join("one.csv");
    write_csv(
        &inv,
        &h,
        &[set(
            &h,
            base,
            &[("line_id", "T-1"), ("member_id", "GV200002")],
        )],
    );
    let roster = d.path().join("roster.csv");
    let written = std::fs::read_to_string(ROSTER).unwrap();
    let run = |name: &str, roster_text: &str| {
        std::fs::write(&roster, roster_text).unwrap();
        let out = d.path().join(name);
        let o = ingest(PLAN, &[&inv], &out, &["--roster", roster.to_str().unwrap()]);
        (o, out)
    };

    let (o, out) = run("as-written", &written);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        rejected(&out),
        BTreeSet::from([("T-1".into(), "ING-027".into())])
    );
    assert_eq!(summary(&out)["warnings"].as_array().unwrap().len(), 0);

    let typo = written.replace(",mssp\n", ",msp\n");
    assert_ne!(typo, written);
    let (o, out) = run("typo", &typo);
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{said}");
    let warnings = summary(&out)["warnings"].as_array().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(
        (&w["rule"], &w["row"], &w["field"]),
        (
            &serde_json::json!("RCN-021"),
            &serde_json::json!(6),
            &serde_json::json!("other_programs")
        )
    );
    let message = w["message"].as_str().unwrap();
    assert!(
        message.contains("other_programs lists 'msp', which is not a program id")
            && message.contains("the ids are: ahf, alw, cal_mediconnect, cbas, ccs,")
            && message.contains("mssp"),
        "{message}"
    );
    assert!(
        said.lines().any(|l| l.contains("warning: ")
            && l.contains("roster.csv row 6")
            && l.contains("RCN-021")),
        "{said}"
    );
}

/// The roster is read by the reader `ecm reconcile` uses: a bad row is named with its RCN rule
/// id and fix, a day that does not exist is told from a date in the wrong form, and a roster
/// without data rows stops the run (exit 2) instead of refusing every enrolled service.
#[test]
fn roster_problems_carry_reconciles_rule_ids_and_an_empty_roster_stops_the_run() {
    let d = tempfile::tempdir().unwrap();
    let inv = invoices(d.path()).join("golden-valley-2026-09.csv");
    let header =
        "member_id,provider_npi,ecm_start,ecm_end,tier,population_of_focus,other_programs\n";
    let run = |name: &str, rows: &str| {
        let roster = d.path().join(name);
        std::fs::write(&roster, format!("{header}{rows}")).unwrap();
        let out = d.path().join(format!("{name}-out"));
        let o = ingest(PLAN, &[&inv], &out, &["--roster", roster.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{name}: {said}");
        assert!(!out.join("summary.json").exists(), "{name}: {said}");
        said
    };

    let said = run(
        "bad.csv",
        "GV100234,1234567893,2026-09-08,,high,adult_homelessness,\n\
         GV100871,1234567893,2025-02-30,,,,\n\
         GV101502,1234567893,09-15-2026,,,,\n\
         GV200001,1234567890,2026-01-01,,,,\n\
         GV200002,1234567893,2026-03-01,2026-02-01,,,\n",
    );
    for (row, rule, what) in [
        (
            3,
            "RCN-002",
            "ecm_start '2025-02-30' is not a real calendar day",
        ),
        (
            4,
            "RCN-002",
            "is not a date in YYYY-MM-DD (or M/D/YYYY) form",
        ),
        (5, "RCN-003", "provider_npi"),
        (
            6,
            "RCN-004",
            "ecm_end 2026-02-01 is before ecm_start 2026-03-01",
        ),
    ] {
        let line = said
            .lines()
            .find(|l| l.contains(&format!("bad.csv row {row} ")))
            .unwrap_or_else(|| panic!("row {row} not named: {said}"));
        assert!(
            line.contains(rule) && line.contains(what) && line.contains("Fix: "),
            "row {row}: {line}"
        );
    }
    assert!(said.contains("4 roster row(s) cannot be read"), "{said}");
    assert!(!said.contains("is not a date (YYYY-MM-DD)"), "{said}");

    let said = run("header-only.csv", "");
    assert!(
        said.contains("header-only.csv") && said.contains("no data rows"),
        "{said}"
    );
}
