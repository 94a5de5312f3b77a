//! `ecm synth` through the binary: the files, their columns, determinism, that `ecm map` bills
//! every good row and rejects every bad row with the rule truth.json names, and that payments.csv
//! differs from what the contracts call for exactly where truth.json says.
//!
//! The billing checks go through `ecm map`, which runs the same intake and coding as `ecm claims`
//! and prints every row's outcome.

use assert_cmd::Command;
use chrono::{Datelike, NaiveDate};
use ecm::config::{Config, MemberMonthRule, PaymentBasis};
use ecm::model::{Money, Npi};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

fn synth(dir: &Path, members: &str, months: &str, seed: &str, extra: &[&str]) {
    let mut args = vec![
        "synth",
        "--members",
        members,
        "--months",
        months,
        "--seed",
        seed,
    ];
    if !extra.contains(&"--start") {
        args.extend(["--start", "2025-03"]);
    }
    ecm()
        .args(args)
        .args(extra)
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
}

fn truth(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap()
}

/// `ecm map --format json` rows, with the exit status.
fn map(dir: &Path, as_of: &str) -> (i32, Vec<Value>) {
    let out = ecm()
        .arg("--config")
        .arg(dir.join("ecm.toml"))
        .args(["--as-of", as_of, "-q", "map", "--format", "json"])
        .arg(dir.join("encounters.csv"))
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), rows)
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn a_small_data_set_loads_and_every_row_is_billable() {
    let d = tempfile::tempdir().unwrap();
    synth(d.path(), "150", "6", "11", &[]);
    for f in [
        "ecm.toml",
        "encounters.csv",
        "roster.csv",
        "payments.csv",
        "truth.json",
    ] {
        assert!(d.path().join(f).is_file(), "{f}");
    }
    let config = Config::load(&d.path().join("ecm.toml")).unwrap();
    config.provider_side().unwrap();
    config.plan().unwrap();

    let t = truth(d.path());
    assert_eq!(t["as_of"], "2025-09-01");
    assert_eq!(t["bad_rows"].as_array().unwrap().len(), 0);
    let (status, rows) = map(d.path(), "2025-09-01");
    assert_eq!(status, 0);
    assert_eq!(
        rows.len() as u64,
        t["counts"]["encounters"].as_u64().unwrap()
    );
    assert!(rows.iter().all(|r| r["status"] == "billable"));

    let (header, enc) = csv_rows(&d.path().join("encounters.csv"));
    let mut want: Vec<&str> = ecm::encounters::REQUIRED
        .iter()
        .chain(ecm::encounters::OPTIONAL.iter())
        .copied()
        .collect();
    let mut got: Vec<&str> = header.iter().map(String::as_str).collect();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let activities: BTreeSet<&str> = enc.iter().map(|r| r[col("activity")].as_str()).collect();
    assert_eq!(activities.len(), 7, "{activities:?}");
    let modalities: BTreeSet<&str> = enc.iter().map(|r| r[col("modality")].as_str()).collect();
    assert!(modalities.len() >= 5, "{modalities:?}");
    let in_person = enc
        .iter()
        .filter(|r| r[col("modality")] == "in_person")
        .count();
    assert!(
        in_person * 2 > enc.len(),
        "in person should be the majority"
    );
    assert!(
        enc.iter()
            .any(|r| r[col("outreach_outcome")] == "unsuccessful")
    );
    assert!(
        enc.iter().any(|r| !r[col("member_last_name")].is_ascii()),
        "some accented names"
    );
    assert!(enc.iter().any(|r| !r[col("rendering_npi")].is_empty()));
    for r in &enc {
        let sd: NaiveDate = r[col("service_date")].parse().unwrap();
        assert!(sd >= "2025-03-01".parse().unwrap() && sd <= "2025-08-31".parse().unwrap());
        assert!(r[col("member_id")].starts_with("SYN"));
    }

    let (header, roster) = csv_rows(&d.path().join("roster.csv"));
    assert_eq!(
        header,
        [
            "member_id",
            "provider_npi",
            "ecm_start",
            "ecm_end",
            "tier",
            "population_of_focus",
            "other_programs"
        ]
    );
    for r in &roster {
        Npi::parse(&r[1]).unwrap();
        let start: NaiveDate = r[2].parse().unwrap();
        if !r[3].is_empty() {
            assert!(r[3].parse::<NaiveDate>().unwrap() >= start);
        }
        assert!(["high", "medium", "low"].contains(&r[4].as_str()));
        assert!(!r[5].is_empty());
    }
    let (header, payments) = csv_rows(&d.path().join("payments.csv"));
    assert_eq!(
        header,
        [
            "payment_id",
            "paid_date",
            "provider_npi",
            "member_id",
            "service_month",
            "kind",
            "amount"
        ]
    );
    for p in &payments {
        p[1].parse::<NaiveDate>().unwrap();
        Npi::parse(&p[2]).unwrap();
        assert!(NaiveDate::parse_from_str(&format!("{}-01", p[4]), "%Y-%m-%d").is_ok());
        assert!(["pmpm", "outreach", "adjustment"].contains(&p[5].as_str()));
        Money::parse(&p[6]).unwrap();
    }
}

#[test]
fn every_bad_row_is_rejected_with_the_rule_truth_names() {
    let d = tempfile::tempdir().unwrap();
    synth(d.path(), "250", "8", "3", &["--bad-rate", "0.2"]);
    let t = truth(d.path());
    let bad: BTreeMap<u64, &str> = t["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["row"].as_u64().unwrap(), b["rule"].as_str().unwrap()))
        .collect();
    let encounters = t["counts"]["encounters"].as_u64().unwrap();
    let percent = bad.len() as u64 * 100 / encounters;
    assert!((17..23).contains(&percent), "{percent}% of rows are bad");
    let (status, rows) = map(d.path(), t["as_of"].as_str().unwrap());
    assert_eq!(status, 1);
    assert_eq!(rows.len() as u64, encounters);
    for r in &rows {
        let row = r["row"].as_u64().unwrap();
        match bad.get(&row) {
            Some(rule) => {
                assert_eq!(r["status"], "not_billable", "row {row}");
                assert_eq!(r["rule_ids"], *rule, "row {row}: {}", r["messages"]);
            }
            None => assert_eq!(r["status"], "billable", "row {row}: {}", r["messages"]),
        }
    }
    let kinds: BTreeSet<&str> = bad.values().copied().collect();
    assert!(kinds.len() >= 34, "{kinds:?}");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    synth(a.path(), "120", "5", "42", &["--bad-rate", "0.1"]);
    synth(b.path(), "120", "5", "42", &["--bad-rate", "0.1"]);
    synth(c.path(), "120", "5", "43", &["--bad-rate", "0.1"]);
    for f in [
        "ecm.toml",
        "encounters.csv",
        "roster.csv",
        "payments.csv",
        "truth.json",
    ] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        assert!(
            x == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between runs"
        );
        if f != "ecm.toml" {
            assert!(
                x != std::fs::read(c.path().join(f)).unwrap(),
                "{f} same for another seed"
            );
        }
    }
}

#[test]
fn existing_files_need_force_and_bad_arguments_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    synth(d.path(), "5", "2", "1", &[]);
    ecm()
        .args([
            "synth",
            "--members",
            "5",
            "--months",
            "2",
            "--seed",
            "2",
            "--out",
        ])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    synth(d.path(), "5", "2", "2", &["--force"]);
    let e = tempfile::tempdir().unwrap();
    for (members, extra) in [
        ("5", ["--bad-rate", "1.5"]),
        ("5", ["--start", "2021-12"]),
        ("0", ["--start", "2025-01"]),
        ("10000000", ["--start", "2025-01"]),
    ] {
        ecm()
            .args([
                "synth",
                "--months",
                "2",
                "--seed",
                "1",
                "--members",
                members,
            ])
            .args(extra)
            .arg("--out")
            .arg(e.path())
            .assert()
            .code(2);
    }
    assert_eq!(std::fs::read_dir(e.path()).unwrap().count(), 0);
}

/// Works out from roster.csv, the good encounter rows and the contracts in ecm.toml what each
/// provider should have been paid (independently of the generator), and checks that payments.csv
/// differs from it exactly where truth.json says, by the amount it says.
#[test]
fn payments_differ_from_the_contracts_exactly_where_truth_says() {
    let d = tempfile::tempdir().unwrap();
    synth(d.path(), "400", "9", "5", &["--bad-rate", "0.05"]);
    check_payments(d.path(), 6);
    // From ECM's first month: no one enrolled before the period, early go-live dates.
    let d = tempfile::tempdir().unwrap();
    synth(
        d.path(),
        "300",
        "14",
        "8",
        &["--bad-rate", "0.3", "--start", "2022-01"],
    );
    check_payments(d.path(), 6);
}

/// `--shape caseload`: every member is the plan's and on its roster with one span that started
/// before the period (2 % end in its last two months), about four services a month and no outreach,
/// and the payments still differ from the contracts exactly where truth.json says.
#[test]
fn a_caseload_is_the_plans_members_enrolled_through_the_period() {
    let d = tempfile::tempdir().unwrap();
    synth(
        d.path(),
        "500",
        "12",
        "4",
        &["--shape", "caseload", "--bad-rate", "0.01"],
    );
    let t = truth(d.path());
    assert_eq!(t["shape"], "caseload");
    let first: NaiveDate = t["period"]["from"].as_str().unwrap().parse().unwrap();
    let last: NaiveDate = t["period"]["to"].as_str().unwrap().parse().unwrap();
    let (_, roster) = csv_rows(&d.path().join("roster.csv"));
    assert_eq!(roster.len(), 500, "one span per member");
    let mut ended = 0;
    for r in &roster {
        let start: NaiveDate = r[2].parse().unwrap();
        assert!(start < first, "{r:?}");
        if !r[3].is_empty() {
            let end: NaiveDate = r[3].parse().unwrap();
            assert!(
                end > last - chrono::Duration::days(61) && end < last,
                "{r:?}"
            );
            ended += 1;
        }
    }
    assert!((1..=30).contains(&ended), "{ended} of 500 spans ended");
    let (header, enc) = csv_rows(&d.path().join("encounters.csv"));
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let plan = t["plan_payer"].as_str().unwrap();
    let bad: BTreeSet<u64> = t["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["row"].as_u64().unwrap())
        .collect();
    let good = enc
        .iter()
        .enumerate()
        .filter(|(i, _)| !bad.contains(&(*i as u64 + 2)))
        .map(|(_, r)| r);
    for r in good {
        assert_eq!(r[col("payer")], plan, "{r:?}");
        assert_ne!(r[col("activity")], "outreach", "{r:?}");
    }
    // Mean 4.15 a month: 500 members x 12 months, less the ended months.
    let per_month = enc.len() as f64 / 6000.0;
    assert!((3.8..4.5).contains(&per_month), "{per_month} a month");
    // No outreach, so no outreach over the cap.
    check_payments(d.path(), 5);

    // The default shape is another data set.
    let g = tempfile::tempdir().unwrap();
    synth(g.path(), "500", "12", "4", &["--bad-rate", "0.01"]);
    assert!(truth(g.path()).get("shape").is_none());
    assert_ne!(
        std::fs::read(g.path().join("roster.csv")).unwrap(),
        std::fs::read(d.path().join("roster.csv")).unwrap()
    );
}

/// Checks payments.csv against the contracts and truth.json, which must name at least
/// `min_kinds` kinds of payment error.
fn check_payments(dir: &Path, min_kinds: usize) {
    let t = truth(dir);
    let config = Config::load(&dir.join("ecm.toml")).unwrap();
    let plan = t["plan_payer"].as_str().unwrap();
    let first: NaiveDate = t["period"]["from"].as_str().unwrap().parse().unwrap();
    let months = t["months"].as_u64().unwrap() as u32;
    let bad: BTreeSet<u64> = t["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["row"].as_u64().unwrap())
        .collect();

    // Good encounters of the plan's members: (member -> [(date, is_outreach)]), in file order.
    let (header, enc) = csv_rows(&dir.join("encounters.csv"));
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut services: BTreeMap<String, Vec<(NaiveDate, bool)>> = BTreeMap::new();
    for (i, r) in enc.iter().enumerate() {
        if bad.contains(&(i as u64 + 2)) || r[col("payer")] != plan {
            continue;
        }
        let date = r[col("service_date")].parse().unwrap();
        services
            .entry(r[col("member_id")].clone())
            .or_default()
            .push((date, r[col("activity")] == "outreach"));
    }
    struct Span {
        npi: Npi,
        start: NaiveDate,
        end: Option<NaiveDate>,
        tier: String,
    }
    let mut roster: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for r in csv_rows(&dir.join("roster.csv")).1 {
        roster.entry(r[0].clone()).or_default().push(Span {
            npi: Npi::parse(&r[1]).unwrap(),
            start: r[2].parse().unwrap(),
            end: (!r[3].is_empty()).then(|| r[3].parse().unwrap()),
            tier: r[4].clone(),
        });
    }

    type Key = (String, String, String, &'static str); // npi, member, month, pmpm|outreach
    let month_key = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let mut expected: BTreeMap<Key, Money> = BTreeMap::new();
    for (member, spans) in &roster {
        let none = Vec::new();
        let svc = services.get(member).unwrap_or(&none);
        for s in spans {
            let on = |d: NaiveDate| d >= s.start && s.end.is_none_or(|e| d <= e);
            for i in 0..months {
                let m0 = NaiveDate::from_ymd_opt(
                    first.year() + ((first.month0() + i) / 12) as i32,
                    (first.month0() + i) % 12 + 1,
                    1,
                )
                .unwrap();
                let next = if m0.month() == 12 {
                    NaiveDate::from_ymd_opt(m0.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(m0.year(), m0.month() + 1, 1)
                }
                .unwrap();
                let days: Vec<NaiveDate> = m0.iter_days().take_while(|d| *d < next).collect();
                let enrolled = days.iter().filter(|d| on(**d)).count();
                if enrolled == 0 {
                    continue;
                }
                let c = config.contract_for(s.npi, m0).unwrap();
                let rate = c.tier_rates.get(&s.tier).copied().unwrap_or(c.pmpm);
                let amount = match c.member_month_rule {
                    MemberMonthRule::AnyDay => Some(rate),
                    MemberMonthRule::FirstOfMonth => on(days[0]).then_some(rate),
                    MemberMonthRule::MidMonth15 => on(days[14]).then_some(rate),
                    MemberMonthRule::ProratedDaily => Some(Money::round_half_up(
                        rate.amount() * rust_decimal::Decimal::from(enrolled as u32)
                            / rust_decimal::Decimal::from(days.len() as u32),
                    )),
                };
                let engaged = svc
                    .iter()
                    .any(|(d, o)| !o && *d >= m0 && *d < next && on(*d));
                if let Some(a) = amount
                    && (c.payment_basis == PaymentBasis::Enrolled || engaged)
                {
                    expected.insert(
                        (s.npi.to_string(), member.clone(), month_key(m0), "pmpm"),
                        a,
                    );
                }
            }
        }
        // Outreach before the first span, for its provider, under the cap.
        let s0 = spans.iter().min_by_key(|s| s.start).unwrap();
        let mut paid: Vec<NaiveDate> = Vec::new();
        let mut attempts: Vec<NaiveDate> =
            svc.iter().filter(|(_, o)| *o).map(|(d, _)| *d).collect();
        attempts.sort();
        for d in attempts {
            let c = config.contract_for(s0.npi, d).unwrap();
            if c.outreach_before_enrollment_only && d >= s0.start {
                continue;
            }
            let cap = c.outreach_cap.unwrap();
            let window = d - chrono::Duration::days(i64::from(cap.days) - 1);
            if paid.iter().filter(|p| **p >= window).count() < cap.attempts as usize {
                paid.push(d);
                *expected
                    .entry((s0.npi.to_string(), member.clone(), month_key(d), "outreach"))
                    .or_default() += c.outreach_rate.unwrap();
            }
        }
    }
    let mut net: BTreeMap<Key, Money> = BTreeMap::new();
    for p in csv_rows(&dir.join("payments.csv")).1 {
        let kind = if p[5] == "outreach" {
            "outreach"
        } else {
            "pmpm"
        };
        *net.entry((p[2].clone(), p[3].clone(), p[4].clone(), kind))
            .or_default() += Money::parse(&p[6]).unwrap();
    }
    let keys: BTreeSet<&Key> = expected.keys().chain(net.keys()).collect();
    let mut found: BTreeMap<Key, Money> = BTreeMap::new();
    for k in keys {
        let diff =
            net.get(k).copied().unwrap_or_default() - expected.get(k).copied().unwrap_or_default();
        if !diff.is_zero() {
            found.insert(k.clone(), diff);
        }
    }
    let mut told: BTreeMap<Key, Money> = BTreeMap::new();
    for e in t["payment_errors"].as_array().unwrap() {
        let kind = if e["payment_kind"] == "outreach" {
            "outreach"
        } else {
            "pmpm"
        };
        let k = (
            e["provider_npi"].as_str().unwrap().to_string(),
            e["member_id"].as_str().unwrap().to_string(),
            e["service_month"].as_str().unwrap().to_string(),
            kind,
        );
        told.insert(k, Money::parse(e["difference"].as_str().unwrap()).unwrap());
    }
    assert!(!told.is_empty());
    assert_eq!(found, told);
    let kinds: BTreeSet<&str> = t["payment_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.len() >= min_kinds, "{kinds:?}");
}
