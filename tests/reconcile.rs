//! `ecm reconcile` through the real binary: one hand-worked scenario per rule and reason code
//! (expected figures written here, the working in a comment), detail rows adding up exactly to
//! the summary, agreement with `ecm synth`'s ground truth, snapshots of every output, the exit
//! status contract, and report.html rendered by headless Chromium.

mod common;

use assert_cmd::Command;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

/// Fictitious NPIs with valid check digits.
const SUNRISE: &str = "1234567893";
const VALLEY: &str = "1987654328";

const PLAN: &str = r#"[plan]
name = "Golden Valley Health Plan"
payer_id = "GVHP1"
submitter_id = "GVHPSUB"
receiver_id = "DHCSENC"
contact_name = "ECM Finance"
contact_email = "finance@gvhp.example"
"#;

const ROSTER_HEADER: &str = "member_id,provider_npi,ecm_start,ecm_end,tier\n";
const PAYMENTS_HEADER: &str =
    "payment_id,paid_date,provider_npi,member_id,service_month,kind,amount\n";
const ENCOUNTERS_HEADER: &str = "encounter_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,activity,staff_role,modality,outreach_outcome,payer\n";

/// A `[[contract]]` with the given terms; `extra` adds TOML lines (tiers, outreach).
fn contract(
    id: &str,
    npi: &str,
    from: &str,
    basis: &str,
    rule: &str,
    pmpm: &str,
    extra: &str,
) -> String {
    format!(
        "\n[[contract]]\nid = \"{id}\"\nprovider_npi = \"{npi}\"\neffective_from = \"{from}\"\npayment_basis = \"{basis}\"\nmember_month_rule = \"{rule}\"\npmpm = \"{pmpm}\"\n{extra}\n"
    )
}

/// An encounter row: `outreach` (an unsuccessful phone attempt) or a care-coordination visit.
fn encounter(id: &str, member: &str, date: &str, outreach: bool) -> String {
    if outreach {
        format!(
            "{id},{member},Testperson,Alpha,1970-01-01,F,{date},outreach,chw,phone,unsuccessful,gvhp\n"
        )
    } else {
        format!(
            "{id},{member},Testperson,Alpha,1970-01-01,F,{date},care_coordination,chw,in_person,,gvhp\n"
        )
    }
}

/// One scenario's inputs, written to a scratch directory.
struct Scenario {
    dir: tempfile::TempDir,
    has_encounters: bool,
}

/// What a run gave.
struct Run {
    code: Option<i32>,
    stderr: String,
    out: PathBuf,
}

impl Scenario {
    fn new(contracts: &str, roster: &str, encounters: Option<&str>, payments: &str) -> Scenario {
        let dir = tempfile::tempdir().unwrap();
        let w = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
        w("plan.toml", format!("{PLAN}{contracts}"));
        w("roster.csv", format!("{ROSTER_HEADER}{roster}"));
        w("payments.csv", format!("{PAYMENTS_HEADER}{payments}"));
        if let Some(e) = encounters {
            w("encounters.csv", format!("{ENCOUNTERS_HEADER}{e}"));
        }
        Scenario {
            dir,
            has_encounters: encounters.is_some(),
        }
    }

    /// Runs `ecm reconcile` on the scenario's files for `from`..=`to`, writing to `out/`.
    fn run(&self, from: &str, to: &str) -> Run {
        let encounters: &[&str] = if self.has_encounters {
            &["encounters.csv"]
        } else {
            &[]
        };
        self.run_files(from, to, encounters, &["payments.csv"])
    }

    /// [`Scenario::run`] on other encounter and payment files of the scenario's directory.
    fn run_files(&self, from: &str, to: &str, encounters: &[&str], payments: &[&str]) -> Run {
        self.run_roster("roster.csv", from, to, encounters, payments)
    }

    /// [`Scenario::run_files`] with another roster file of the scenario's directory.
    fn run_roster(
        &self,
        roster: &str,
        from: &str,
        to: &str,
        encounters: &[&str],
        payments: &[&str],
    ) -> Run {
        let mut args: Vec<&str> = vec![
            "--config",
            "plan.toml",
            "--as-of",
            "2026-01-15",
            "reconcile",
            "--roster",
            roster,
            "--from",
            from,
            "--to",
            to,
            "--out",
            "out",
            "--payments",
        ];
        args.extend(payments);
        if !encounters.is_empty() {
            args.push("--encounters");
            args.extend(encounters);
        }
        let o = ecm()
            .current_dir(self.dir.path())
            .args(&args)
            .output()
            .unwrap();
        Run {
            code: o.status.code(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            out: self.dir.path().join("out"),
        }
    }
}

type Row = BTreeMap<String, String>;

fn csv_maps(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

impl Run {
    fn ok_with(&self, code: i32) -> &Run {
        assert_eq!(self.code, Some(code), "stderr:\n{}", self.stderr);
        self
    }

    fn rows(&self) -> Vec<Row> {
        csv_maps(&self.out.join("member-months.csv"))
    }

    /// The member-month row of `member` in `month` (with any provider).
    fn row(&self, member: &str, month: &str) -> Row {
        let rows: Vec<Row> = self
            .rows()
            .into_iter()
            .filter(|r| r["member_id"] == member && r["month"] == month)
            .collect();
        assert_eq!(rows.len(), 1, "{member} {month}: {rows:?}");
        rows.into_iter().next().unwrap()
    }

    fn summary(&self) -> Vec<Row> {
        csv_maps(&self.out.join("summary.csv"))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.out.join("summary.json")).unwrap()).unwrap()
    }

    /// (rows, amount) of one reason in summary.json.
    fn reason(&self, code: &str) -> Option<(u64, String)> {
        self.json()["variances_by_reason"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reason"] == code)
            .map(|r| {
                (
                    r["rows"].as_u64().unwrap(),
                    r["amount"].as_str().unwrap().to_string(),
                )
            })
    }

    fn rejects(&self) -> Vec<Row> {
        csv_maps(&self.out.join("rejects.csv"))
    }
}

/// Asserts the named columns of a row.
fn assert_cols(row: &Row, want: &[(&str, &str)]) {
    for (col, v) in want {
        assert_eq!(
            row[*col], *v,
            "{col} of {} {} {}: {row:?}",
            row["provider_npi"], row["member_id"], row["month"]
        );
    }
}

// ----- member-month rules -----

/// Mid-month start and end under each member-month rule. Four providers, one rule each:
///
/// | provider   | rule           | rate   |
/// |------------|----------------|--------|
/// | 1111111112 | any_day        | 300.00 |
/// | 2222222228 | first_of_month | 300.00 |
/// | 3333333334 | mid_month_15   | 300.00 |
/// | 4444444440 | prorated_daily | 425.50 |
///
/// Each has member S-n enrolled from 2025-07-16 (open: July has 16 of 31 days) and member E-n
/// enrolled 2025-01-01 to 2025-09-14 (September has 14 of 30 days); provider 3 also has F-3 from
/// 2025-08-15. Nothing was paid, so every month expecting money is UNPAID.
/// - any_day: one day is enough -> S-1 July 300.00, E-1 September 300.00.
/// - first_of_month: S-2 is not enrolled on July 1 -> July not counted, 0.00; August 300.00;
///   E-2 is enrolled on September 1 -> 300.00.
/// - mid_month_15: S-3 starts the 16th -> July not counted; E-3 ends the 14th -> September not
///   counted; F-3 starts on the 15th itself -> August counts, 300.00.
/// - prorated_daily: S-4 July 425.50 x 16 / 31 = 219.6129... -> 219.61 (factor 0.5161);
///   E-4 September 425.50 x 14 / 30 = 198.5666... -> 198.57 (factor 0.4667); E-4 August 425.50.
#[test]
fn a_mid_month_start_and_end_under_each_member_month_rule() {
    let rules = [
        ("1111111112", "any_day", "300.00"),
        ("2222222228", "first_of_month", "300.00"),
        ("3333333334", "mid_month_15", "300.00"),
        ("4444444440", "prorated_daily", "425.50"),
    ];
    let mut contracts = String::new();
    let mut roster = String::new();
    for (i, (npi, rule, rate)) in rules.iter().enumerate() {
        let n = i + 1;
        contracts += &contract(
            &format!("c{n}"),
            npi,
            "2025-01-01",
            "enrolled",
            rule,
            rate,
            "",
        );
        roster += &format!("S-{n},{npi},2025-07-16,,\nE-{n},{npi},2025-01-01,2025-09-14,\n");
    }
    roster += "F-3,3333333334,2025-08-15,,\n";
    let s = Scenario::new(&contracts, &roster, None, "");
    let r = s.run("2025-07", "2025-09");
    r.ok_with(1);

    let counted = |m: &str, mo: &str, days: &str, counted: &str, factor: &str, exp: &str| {
        let row = r.row(m, mo);
        let reason = if exp == "0.00" { "" } else { "UNPAID" };
        assert_cols(
            &row,
            &[
                ("enrolled_days", days),
                ("counted", counted),
                ("factor", factor),
                ("expected_pmpm", exp),
                ("paid_pmpm", "0.00"),
                ("reason_codes", reason),
            ],
        );
    };
    counted("S-1", "2025-07", "16", "yes", "1.0000", "300.00");
    counted("E-1", "2025-09", "14", "yes", "1.0000", "300.00");
    counted("S-2", "2025-07", "16", "no", "0.0000", "0.00");
    counted("S-2", "2025-08", "31", "yes", "1.0000", "300.00");
    counted("E-2", "2025-09", "14", "yes", "1.0000", "300.00");
    counted("S-3", "2025-07", "16", "no", "0.0000", "0.00");
    counted("E-3", "2025-09", "14", "no", "0.0000", "0.00");
    counted("F-3", "2025-08", "17", "yes", "1.0000", "300.00");
    counted("S-4", "2025-07", "16", "yes", "0.5161", "219.61");
    counted("E-4", "2025-09", "14", "yes", "0.4667", "198.57");
    counted("E-4", "2025-08", "31", "yes", "1.0000", "425.50");
    assert_eq!(
        r.row("E-4", "2025-09")["member_month_rule"],
        "prorated_daily"
    );
}

/// The ECM cost per enrolled member-month divides everything paid by the member-months with an
/// enrolled day, not by those the member-month rule counts. Sunrise pays first_of_month, 300.00:
/// M1 is enrolled from 2025-01-16, so January has 16 enrolled days but does not count; February
/// and March count. Paid: February and March, 300.00 each = 600.00. Enrolled member-months 3,
/// counted 2: cost per enrolled member-month 600.00 / 3 = 200.00 (not 600.00 / 2 = 300.00);
/// effective PMPM paid stays per counted month, 300.00.
#[test]
fn cost_per_enrolled_member_month_counts_every_enrolled_month() {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "first_of_month",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-01-16,,\n"),
        None,
        &format!(
            "P1,2025-03-05,{SUNRISE},M1,2025-02,pmpm,300.00\n\
             P2,2025-04-05,{SUNRISE},M1,2025-03,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-03");
    r.ok_with(0);
    let plan = r
        .summary()
        .into_iter()
        .find(|s| s["scope"] == "plan_total")
        .unwrap();
    assert_cols(
        &plan,
        &[
            ("enrolled_member_months", "3"),
            ("counted_member_months", "2"),
            ("paid_total", "600.00"),
            ("effective_pmpm_paid", "300.00"),
            ("cost_per_member_month", "200.00"),
        ],
    );
}

/// A retro termination after payment: Sunrise (any_day, 300.00) was paid January to March for
/// M1; the roster now ends M1's span on 2025-01-31. January reconciles. February and March have
/// no enrolled day -> PAID_NOT_ENROLLED, +300.00 each: 2 rows, 600.00.
#[test]
fn a_retro_termination_after_payment() {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-01-01,2025-01-31,\n"),
        None,
        &format!(
            "P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n\
             P2,2025-03-05,{SUNRISE},M1,2025-02,pmpm,300.00\n\
             P3,2025-04-05,{SUNRISE},M1,2025-03,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-03");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-01"),
        &[("variance", "0.00"), ("reason_codes", "")],
    );
    for m in ["2025-02", "2025-03"] {
        assert_cols(
            &r.row("M1", m),
            &[
                ("enrolled_days", "0"),
                ("counted", "no"),
                ("expected_pmpm", "0.00"),
                ("paid_pmpm", "300.00"),
                ("variance", "300.00"),
                ("reason_codes", "PAID_NOT_ENROLLED"),
            ],
        );
    }
    assert_eq!(r.reason("PAID_NOT_ENROLLED"), Some((2, "600.00".into())));
}

/// A tier change mid-year: tiers high 450.00 and low 250.00 (default 300.00). The roster has M1
/// at tier high January-June and at tier low from July 1; the plan kept paying 450.00.
/// January-June reconcile; July-December expect 250.00 and were paid 450.00 -> OVERPAID +200.00
/// each. Year: expected 6 x 450.00 + 6 x 250.00 = 4,200.00; paid 12 x 450.00 = 5,400.00;
/// variance 1,200.00.
#[test]
fn a_tier_change_mid_year() {
    let payments: String = (1..=12)
        .map(|m| format!("P{m},2026-01-05,{SUNRISE},M1,2025-{m:02},pmpm,450.00\n"))
        .collect();
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "tier_rates = { high = \"450.00\", low = \"250.00\" }",
        ),
        &format!("M1,{SUNRISE},2025-01-01,2025-06-30,high\nM1,{SUNRISE},2025-07-01,,low\n"),
        None,
        &payments,
    );
    let r = s.run("2025-01", "2025-12");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-06"),
        &[("tier", "high"), ("rate", "450.00"), ("reason_codes", "")],
    );
    for m in 7..=12 {
        assert_cols(
            &r.row("M1", &format!("2025-{m:02}")),
            &[
                ("tier", "low"),
                ("rate", "250.00"),
                ("expected_pmpm", "250.00"),
                ("variance", "200.00"),
                ("reason_codes", "OVERPAID"),
            ],
        );
    }
    let total = provider_total(&r, SUNRISE);
    assert_cols(
        &total,
        &[
            ("expected_total", "4200.00"),
            ("paid_total", "5400.00"),
            ("variance", "1200.00"),
        ],
    );
    assert_eq!(r.reason("OVERPAID"), Some((6, "1200.00".into())));
}

fn provider_total(r: &Run, npi: &str) -> Row {
    r.summary()
        .into_iter()
        .find(|s| s["scope"] == "provider_total" && s["provider_npi"] == npi)
        .unwrap()
}

/// A rate change on a contract date: contract old pays 300.00 to 2025-06-30, contract new pays
/// 320.00 from 2025-07-01. M1 is enrolled all year and was paid 300.00 for June and July.
/// June is governed by old (300.00, reconciles); July by new: 320.00 expected, 300.00 paid ->
/// UNDERPAID -20.00.
#[test]
fn a_rate_change_on_a_contract_date() {
    let old = contract(
        "old",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "effective_to = \"2025-06-30\"",
    );
    let new = contract(
        "new",
        SUNRISE,
        "2025-07-01",
        "enrolled",
        "any_day",
        "320.00",
        "",
    );
    let s = Scenario::new(
        &format!("{old}{new}"),
        &format!("M1,{SUNRISE},2025-01-01,,\n"),
        None,
        &format!(
            "P1,2025-07-05,{SUNRISE},M1,2025-06,pmpm,300.00\n\
             P2,2025-08-05,{SUNRISE},M1,2025-07,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-06", "2025-07");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-06"),
        &[
            ("contract_id", "old"),
            ("rate", "300.00"),
            ("reason_codes", ""),
        ],
    );
    assert_cols(
        &r.row("M1", "2025-07"),
        &[
            ("contract_id", "new"),
            ("rate", "320.00"),
            ("expected_pmpm", "320.00"),
            ("variance", "-20.00"),
            ("reason_codes", "UNDERPAID"),
        ],
    );
    assert_eq!(r.reason("UNDERPAID"), Some((1, "-20.00".into())));
}

/// Duplicate and recouped payments for M1 (Sunrise, any_day, 300.00, enrolled from March):
/// - March: P1 300.00 and P2 300.00, the same capitation twice -> DUPLICATE_PAYMENT +300.00;
/// - April: P3 and P4 300.00 each, then P5 -300.00 recoups the duplicate -> 300.00, reconciles;
/// - May: P6 300.00 recouped by P7 -300.00 and not paid again -> net 0.00 -> UNPAID -300.00.
fn duplicate_and_recoupment() -> (Scenario, Run) {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-03-01,,\n"),
        None,
        &format!(
            "P1,2025-04-05,{SUNRISE},M1,2025-03,pmpm,300.00\n\
             P2,2025-04-19,{SUNRISE},M1,2025-03,pmpm,300.00\n\
             P3,2025-05-05,{SUNRISE},M1,2025-04,pmpm,300.00\n\
             P4,2025-05-19,{SUNRISE},M1,2025-04,pmpm,300.00\n\
             P5,2025-06-05,{SUNRISE},M1,2025-04,adjustment,-300.00\n\
             P6,2025-06-05,{SUNRISE},M1,2025-05,pmpm,300.00\n\
             P7,2025-07-05,{SUNRISE},M1,2025-05,pmpm,-300.00\n"
        ),
    );
    let r = s.run("2025-03", "2025-05");
    r.ok_with(1);
    (s, r)
}

#[test]
fn a_duplicate_payment() {
    let (_inputs, r) = duplicate_and_recoupment();
    assert_cols(
        &r.row("M1", "2025-03"),
        &[
            ("paid_pmpm", "600.00"),
            ("payment_lines", "2"),
            ("variance", "300.00"),
            ("reason_codes", "DUPLICATE_PAYMENT"),
        ],
    );
    assert_eq!(r.reason("DUPLICATE_PAYMENT"), Some((1, "300.00".into())));
}

#[test]
fn a_recoupment() {
    let (_inputs, r) = duplicate_and_recoupment();
    assert_cols(
        &r.row("M1", "2025-04"),
        &[
            ("paid_pmpm", "300.00"),
            ("payment_lines", "3"),
            ("reason_codes", ""),
        ],
    );
    assert_cols(
        &r.row("M1", "2025-05"),
        &[
            ("paid_pmpm", "0.00"),
            ("variance", "-300.00"),
            ("reason_codes", "UNPAID"),
        ],
    );
    assert_eq!(r.reason("UNPAID"), Some((1, "-300.00".into())));
}

/// The engaged basis, a month with only outreach: Valley pays 300.00 per engaged month
/// (any_day) and 35.00 per outreach attempt (no cap). M1 is enrolled from May 1. May has two
/// outreach attempts (May 2, May 9) and no service -> counted but not engaged: PMPM 0.00
/// expected, outreach 2 x 35.00 = 70.00 expected. The plan paid 300.00 PMPM and 70.00 outreach
/// -> PAID_WITHOUT_QUALIFYING_ENCOUNTER +300.00 (the outreach side reconciles). June has one
/// care-coordination visit -> 300.00 expected and paid. Counted member-months 2, engaged 1.
#[test]
fn an_engaged_month_with_only_outreach() {
    let s = Scenario::new(
        &contract(
            "v",
            VALLEY,
            "2025-01-01",
            "engaged",
            "any_day",
            "300.00",
            "outreach_rate = \"35.00\"",
        ),
        &format!("M1,{VALLEY},2025-05-01,,\n"),
        Some(&format!(
            "{}{}{}",
            encounter("E1", "M1", "2025-05-02", true),
            encounter("E2", "M1", "2025-05-09", true),
            encounter("E3", "M1", "2025-06-09", false)
        )),
        &format!(
            "P1,2025-06-05,{VALLEY},M1,2025-05,pmpm,300.00\n\
             P2,2025-06-05,{VALLEY},M1,2025-05,outreach,70.00\n\
             P3,2025-07-05,{VALLEY},M1,2025-06,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-05", "2025-06");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-05"),
        &[
            ("payment_basis", "engaged"),
            ("counted", "yes"),
            ("qualifying_encounters", "0"),
            ("outreach_payable", "2"),
            ("outreach_attempts", "2"),
            ("expected_pmpm", "0.00"),
            ("expected_outreach", "70.00"),
            ("paid_pmpm", "300.00"),
            ("paid_outreach", "70.00"),
            ("pmpm_variance", "300.00"),
            ("outreach_variance", "0.00"),
            ("reason_codes", "PAID_WITHOUT_QUALIFYING_ENCOUNTER"),
        ],
    );
    assert_cols(
        &r.row("M1", "2025-06"),
        &[
            ("qualifying_encounters", "1"),
            ("expected_pmpm", "300.00"),
            ("reason_codes", ""),
        ],
    );
    let total = provider_total(&r, VALLEY);
    assert_cols(
        &total,
        &[
            ("counted_member_months", "2"),
            ("engaged_member_months", "1"),
        ],
    );
}

/// The outreach cap at its boundary: 35.00 per attempt, at most 3 payable attempts in 30 days,
/// only before the enrollment start (M1 enrolled from 2025-02-01). Attempts, in date order:
/// - Jan 1, Jan 10, Jan 20: the 1st to 3rd in their windows -> payable;
/// - Jan 30: the window (Dec 31, Jan 30] already holds Jan 1, 10, 20 = 3 -> over the cap;
/// - Jan 31: the window (Jan 1, Jan 31] holds Jan 10, 20 = 2 (Jan 1 has left) -> payable;
/// - Feb 2: inside the enrollment -> not payable (and not over the cap).
///
/// January expects 4 x 35.00 = 140.00; the plan paid 5 x 35.00 = 175.00 -> OUTREACH_OVER_CAP
/// +35.00. February: PMPM 300.00 expected and paid, outreach 0 of 1 payable.
#[test]
fn the_outreach_cap_at_its_boundary() {
    let encounters: String = [
        "2025-01-01",
        "2025-01-10",
        "2025-01-20",
        "2025-01-30",
        "2025-01-31",
        "2025-02-02",
    ]
    .iter()
    .enumerate()
    .map(|(i, d)| encounter(&format!("O{}", i + 1), "M1", d, true))
    .collect();
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2024-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "outreach_rate = \"35.00\"\noutreach_cap = { attempts = 3, days = 30 }\noutreach_before_enrollment_only = true",
        ),
        &format!("M1,{SUNRISE},2025-02-01,,\n"),
        Some(&encounters),
        &format!(
            "P1,2025-02-10,{SUNRISE},M1,2025-01,outreach,175.00\n\
             P2,2025-03-05,{SUNRISE},M1,2025-02,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-02");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-01"),
        &[
            ("enrolled_days", "0"),
            ("outreach_payable", "4"),
            ("outreach_attempts", "5"),
            ("outreach_over_cap", "1"),
            ("expected_outreach", "140.00"),
            ("paid_outreach", "175.00"),
            ("variance", "35.00"),
            ("reason_codes", "OUTREACH_OVER_CAP"),
        ],
    );
    assert_cols(
        &r.row("M1", "2025-02"),
        &[
            ("outreach_payable", "0"),
            ("outreach_attempts", "1"),
            ("outreach_over_cap", "0"),
            ("expected_total", "300.00"),
            ("reason_codes", ""),
        ],
    );
    assert_eq!(r.reason("OUTREACH_OVER_CAP"), Some((1, "35.00".into())));
}

/// Tiers: Sunrise prices high (450.00), default 300.00; Valley prices low (250.00). Sunrise's
/// members, each paid 300.00 for January:
/// - M1 tier "medum" (a typo no contract prices) -> rate unknown, nothing expected:
///   UNKNOWN_TIER +300.00, never a guess;
/// - M2 tier "low" (priced by Valley, not by Sunrise) -> Sunrise's default 300.00, reconciles;
/// - M3 no tier -> the default 300.00, reconciles.
#[test]
fn an_unknown_tier_is_an_error_row_not_a_guess() {
    let sunrise = contract(
        "s",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "tier_rates = { high = \"450.00\" }",
    );
    let valley = contract(
        "v",
        VALLEY,
        "2025-01-01",
        "enrolled",
        "any_day",
        "280.00",
        "tier_rates = { low = \"250.00\" }",
    );
    let s = Scenario::new(
        &format!("{sunrise}{valley}"),
        &format!(
            "M1,{SUNRISE},2025-01-01,,medum\nM2,{SUNRISE},2025-01-01,,low\nM3,{SUNRISE},2025-01-01,,\n"
        ),
        None,
        &format!(
            "P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n\
             P2,2025-02-05,{SUNRISE},M2,2025-01,pmpm,300.00\n\
             P3,2025-02-05,{SUNRISE},M3,2025-01,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-01");
    r.ok_with(1);
    assert_cols(
        &r.row("M1", "2025-01"),
        &[
            ("tier", "medum"),
            ("rate", "unknown"),
            ("expected_pmpm", "0.00"),
            ("variance", "300.00"),
            ("reason_codes", "UNKNOWN_TIER"),
        ],
    );
    assert_cols(
        &r.row("M2", "2025-01"),
        &[("rate", "300.00"), ("reason_codes", "")],
    );
    assert_cols(
        &r.row("M3", "2025-01"),
        &[("rate", "300.00"), ("reason_codes", "")],
    );
    assert_eq!(r.reason("UNKNOWN_TIER"), Some((1, "300.00".into())));
}

/// Money with no member: a 1,000.00 line to Sunrise for January with an empty member_id is
/// provider-level UNATTRIBUTED. M1's own 300.00 reconciles. Sunrise's January: expected 300.00,
/// paid 1,300.00 (of which 1,000.00 unattributed), variance +1,000.00.
#[test]
fn money_without_a_member_is_unattributed_at_provider_level() {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-01-01,2025-01-31,\n"),
        None,
        &format!(
            "P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n\
             P2,2025-02-05,{SUNRISE},,2025-01,pmpm,1000.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-01");
    r.ok_with(1);
    assert_cols(&r.row("M1", "2025-01"), &[("reason_codes", "")]);
    let pm = r
        .summary()
        .into_iter()
        .find(|s| s["scope"] == "provider_month")
        .unwrap();
    assert_cols(
        &pm,
        &[
            ("expected_total", "300.00"),
            ("unattributed", "1000.00"),
            ("paid_total", "1300.00"),
            ("variance", "1000.00"),
        ],
    );
    assert_eq!(r.reason("UNATTRIBUTED"), Some((1, "1000.00".into())));
    let j = r.json();
    assert_eq!(j["unattributed_payments"][0]["payment_id"], "P2");
    assert_eq!(j["unattributed_payments"][0]["amount"], "1000.00");
}

// ----- exit status -----

/// Everything reconciles -> exit 0, and the terminal says so.
#[test]
fn exit_0_when_everything_reconciles() {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-01-01,2025-02-28,\n"),
        None,
        &format!(
            "P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n\
             P2,2025-03-05,{SUNRISE},M1,2025-02,pmpm,300.00\n"
        ),
    );
    let r = s.run("2025-01", "2025-02");
    r.ok_with(0);
    assert!(
        r.stderr.contains("2 member-months, 0 with a variance"),
        "{}",
        r.stderr
    );
    assert!(r.reason("UNPAID").is_none());
    assert_eq!(r.json()["member_months_with_variance"], 0);
}

/// Nothing could be computed, or the outputs may not be written -> exit 2 and no output file.
#[test]
fn exit_2_when_nothing_could_be_computed_and_nothing_is_written() {
    let good = contract(
        "c",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "",
    );
    let roster = format!("M1,{SUNRISE},2025-01-01,,\n");
    let pay = format!("P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n");
    let cases: Vec<(&str, Scenario, &str)> = vec![
        (
            "no contract",
            Scenario::new("", &roster, None, &pay),
            "no [[contract]]",
        ),
        (
            "no month with anything",
            Scenario::new(&good, &roster, None, &pay),
            "nothing to reconcile",
        ),
    ];
    for (what, s, needle) in cases {
        let (from, to) = if what == "no month with anything" {
            ("2024-01", "2024-02")
        } else {
            ("2025-01", "2025-01")
        };
        let r = s.run(from, to);
        assert_eq!(r.code, Some(2), "{what}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{what}: {}", r.stderr);
        assert!(
            !r.out.join("member-months.csv").exists(),
            "{what}: output written"
        );
    }

    // A roster without its required columns.
    let s = Scenario::new(&good, "", None, &pay);
    std::fs::write(
        s.dir.path().join("roster.csv"),
        "member_id,provider_npi\nM1,1234567893\n",
    )
    .unwrap();
    let r = s.run("2025-01", "2025-01");
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("ecm_start"), "{}", r.stderr);
    assert!(!r.out.join("summary.csv").exists());

    // Without --from and --to the months come from the roster; one with no usable span says
    // why: no data rows, or every row refused (the rows named).
    let run_open = |s: &Scenario| {
        ecm()
            .current_dir(s.dir.path())
            .args([
                "--config",
                "plan.toml",
                "--as-of",
                "2026-01-15",
                "reconcile",
            ])
            .args([
                "--roster",
                "roster.csv",
                "--payments",
                "payments.csv",
                "--out",
                "out",
            ])
            .output()
            .unwrap()
    };
    let o = run_open(&Scenario::new(&good, "", None, &pay));
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(said.contains("header but no data rows"), "{said}");
    let bad = format!("M1,{SUNRISE},2025-02-30,,\nM2,123,2025-01-01,,\n");
    let o = run_open(&Scenario::new(&good, &bad, None, &pay));
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(
        said.contains("2 roster row(s) cannot be read")
            && said.contains("roster.csv row 2")
            && said.contains("roster.csv row 3")
            && said.contains("nothing was written"),
        "{said}"
    );

    // --from after --to.
    let s = Scenario::new(&good, &roster, None, &pay);
    let r = s.run("2025-03", "2025-01");
    assert_eq!(r.code, Some(2), "{}", r.stderr);

    // Existing outputs are refused without --force and left untouched.
    let s = Scenario::new(&good, &roster, None, &pay);
    std::fs::create_dir(s.dir.path().join("out")).unwrap();
    std::fs::write(s.dir.path().join("out/summary.csv"), "keep me").unwrap();
    let r = s.run("2025-01", "2025-01");
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(r.out.join("summary.csv")).unwrap(),
        "keep me"
    );
    assert!(!r.out.join("member-months.csv").exists());
}

// ----- the RCN rules -----

/// A roster row that cannot be read stops the run (exit 2, nothing written), naming every such
/// row with its rule: its member's payments would otherwise all look paid while not enrolled.
#[test]
fn refused_roster_rows_stop_the_run_and_are_all_named() {
    let sunrise = contract(
        "c",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "",
    );
    let long = "X".repeat(81);
    let roster = format!(
        "M1,{SUNRISE},2025-01-01,,\n\
         ,{SUNRISE},2025-01-01,,\n\
         M3,{SUNRISE},2025-02-30,,\n\
         M4,1234567890,2025-01-01,,\n\
         M5,{SUNRISE},2025-03-01,2025-02-01,\n\
         M6,{SUNRISE},2025-01-01\n\
         {long},{SUNRISE},2025-01-01,,\n"
    );
    let s = Scenario::new(
        &sunrise,
        &roster,
        None,
        &format!("P1,2025-02-05,{SUNRISE},M3,2025-01,pmpm,300.00\n"),
    );
    let r = s.run("2025-01", "2025-01");
    r.ok_with(2);
    assert!(
        !r.out.join("member-months.csv").exists() && !r.out.join("summary.json").exists(),
        "nothing is written"
    );
    for (id, row) in [
        ("RCN-001", 3),
        ("RCN-002", 4),
        ("RCN-003", 5),
        ("RCN-004", 6),
        ("RCN-005", 7),
        ("RCN-007", 8),
    ] {
        assert!(
            r.stderr.contains(&format!("roster.csv row {row}")) && r.stderr.contains(id),
            "{id} row {row} not named:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("6 roster row(s) cannot be read"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains(&long),
        "ids are named by row, not repeated at length"
    );
}

/// Every RCN rule of the catalogue, each provoked by one row (the roster's errors by the test
/// above), is named in rejects.csv with its row; rows with an error are left out and the run
/// exits 1.
#[test]
fn every_reconcile_rule_is_reported_with_its_row() {
    let sunrise = contract(
        "c",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "",
    );
    let roster = format!(
        "M1,{SUNRISE},2025-01-01,,\n\
         M1,{SUNRISE},2025-01-15,2025-01-20,\n\
         M9,{VALLEY},2025-01-01,,\n"
    );
    let payments = format!(
        "P1,2025-02-05,{SUNRISE},M1,July 2025,pmpm,300.00\n\
         P2,2025-02-05,{SUNRISE},M1,2025-01,capitation,300.00\n\
         P3,2025-02-05,{SUNRISE},M1,2025-01,pmpm,\"$300\"\n\
         P4,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n\
         P4,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n"
    );
    let s = Scenario::new(
        &sunrise,
        &roster,
        Some(&encounter("E1", "NOBODY", "2025-01-05", false)),
        &payments,
    );
    // A row in Windows-1252 (an e-acute in the tier): read, flagged, kept.
    let mut bytes = std::fs::read(s.dir.path().join("roster.csv")).unwrap();
    bytes.extend_from_slice(format!("M10,{SUNRISE},2025-01-01,,caf").as_bytes());
    bytes.extend_from_slice(&[0xE9, b'\n']);
    std::fs::write(s.dir.path().join("roster.csv"), bytes).unwrap();
    let r = s.run("2025-01", "2025-01");
    r.ok_with(1);

    let found: BTreeSet<(String, String, String)> = r
        .rejects()
        .into_iter()
        .map(|f| (f["rule_id"].clone(), f["file"].clone(), f["row"].clone()))
        .collect();
    let want = [
        ("RCN-008", "roster.csv", "3"),
        ("RCN-009", "roster.csv", "4"),
        ("RCN-006", "roster.csv", "5"),
        ("RCN-010", "payments.csv", "2"),
        ("RCN-011", "payments.csv", "3"),
        ("RCN-012", "payments.csv", "4"),
        ("RCN-013", "payments.csv", "6"),
        ("RCN-014", "encounters.csv", "2"),
    ];
    for (id, file, row) in want {
        assert!(
            found.contains(&(id.to_string(), file.to_string(), row.to_string())),
            "{id} at {file} row {row} missing from {found:?}"
        );
    }
    // The catalogue's RCN rules are exactly the ones provoked here.
    let out = ecm().args(["rules", "--format", "json"]).output().unwrap();
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let catalogue: BTreeSet<&str> = all
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| id.starts_with("RCN-"))
        .collect();
    // The 835 rules and RCN-019 are provoked by the X12 tests below, RCN-020 by the test of
    // corrections in encounter tables, RCN-021 by the one of an unknown program.
    let provoked: BTreeSet<&str> = want
        .iter()
        .map(|w| w.0)
        .chain([
            "RCN-015", "RCN-016", "RCN-017", "RCN-018", "RCN-019", "RCN-020", "RCN-021",
        ])
        .chain([
            "RCN-001", "RCN-002", "RCN-003", "RCN-004", "RCN-005", "RCN-007",
        ])
        .collect();
    assert_eq!(catalogue, provoked);
    // M1's January: P4 once (its repeat is refused), the refused rows never paid anything.
    assert_cols(
        &r.row("M1", "2025-01"),
        &[("paid_pmpm", "300.00"), ("reason_codes", "")],
    );
    // The Windows-1252 row still counts: M10 is enrolled and unpaid (a contract without
    // tier_rates pays its pmpm whatever the tier).
    assert_cols(
        &r.row("M10", "2025-01"),
        &[
            ("tier", "café"),
            ("rate", "300.00"),
            ("reason_codes", "UNPAID"),
        ],
    );
}

/// A roster program the code set does not know (`pase` for `pace`) is an RCN-021 warning with
/// its row and the known ids, as in ecm ingest (one roster reader); the span still counts, and a
/// warning alone leaves the exit status at 0.
#[test]
fn an_unknown_program_on_the_roster_is_a_warning() {
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        "",
        None,
        &format!("P1,2025-02-05,{SUNRISE},M1,2025-01,pmpm,300.00\n"),
    );
    std::fs::write(
        s.dir.path().join("roster.csv"),
        format!(
            "member_id,provider_npi,ecm_start,ecm_end,other_programs\n\
             M1,{SUNRISE},2025-01-01,2025-01-31,ccs;pase\n"
        ),
    )
    .unwrap();
    let r = s.run("2025-01", "2025-01");
    r.ok_with(0);
    assert_cols(
        &r.row("M1", "2025-01"),
        &[("counted", "yes"), ("reason_codes", "")],
    );
    let rejects = r.rejects();
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_cols(
        &rejects[0],
        &[
            ("file", "roster.csv"),
            ("row", "2"),
            ("rule_id", "RCN-021"),
            ("severity", "warning"),
            ("field", "other_programs"),
        ],
    );
    let m = &rejects[0]["message"];
    assert!(
        m.contains("other_programs lists 'pase', which is not a program id")
            && m.contains(" pace,"),
        "{m}"
    );
}

/// A payments workbook whose service_month cells hold dates, as Excel makes of a typed 2025-01:
/// each is read as its month, whatever its day and format (2025-01-01 shown as yyyy-mm, 2025-02-15
/// as mmm-yy), and so is a cell that lost its date format (the serial 45717, 2025-03-01); text
/// 2025-04 reads as before. A month typed as the number 202505 is still refused (RCN-010), not
/// taken for a date in 2454. M1 is enrolled January to May at 300.00 (enrolled basis): January to
/// April are paid and square, May is UNPAID because its payment row was refused.
#[test]
fn service_months_in_workbook_date_cells_are_their_month() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let s = Scenario::new(
        &contract(
            "c",
            SUNRISE,
            "2025-01-01",
            "enrolled",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{SUNRISE},2025-01-01,2025-05-31,\n"),
        None,
        "",
    );
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in PAYMENTS_HEADER.trim_end().split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let date = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    for (i, (id, month_format)) in [
        ("P1", Some("yyyy-mm")),
        ("P2", Some("mmm-yy")),
        ("P3", None),
        ("P4", None),
        ("P5", None),
        ("P6", Some("yyyy-mm")),
    ]
    .into_iter()
    .enumerate()
    {
        let r = i as u32 + 1;
        ws.write_string(r, 0, id).unwrap();
        ws.write_datetime_with_format(r, 1, date(2025, 6, 5), &day)
            .unwrap();
        ws.write_string(r, 2, SUNRISE).unwrap();
        ws.write_string(r, 3, "M1").unwrap();
        match (id, month_format) {
            ("P1", Some(f)) => ws.write_datetime_with_format(
                r,
                4,
                date(2025, 1, 1),
                &Format::new().set_num_format(f),
            ),
            ("P2", Some(f)) => ws.write_datetime_with_format(
                r,
                4,
                date(2025, 2, 15),
                &Format::new().set_num_format(f),
            ),
            ("P3", _) => ws.write_number(r, 4, 45717.0),
            ("P4", _) => ws.write_string(r, 4, "2025-04"),
            // A date before ECM is no service month it could pay for.
            ("P6", Some(f)) => ws.write_datetime_with_format(
                r,
                4,
                date(1999, 12, 1),
                &Format::new().set_num_format(f),
            ),
            _ => ws.write_number(r, 4, 202505.0),
        }
        .unwrap();
        ws.write_string(r, 5, "pmpm").unwrap();
        ws.write_number(r, 6, 300.0).unwrap();
    }
    wb.save(s.dir.path().join("payments.xlsx")).unwrap();

    let r = s.run_files("2025-01", "2025-05", &[], &["payments.xlsx"]);
    r.ok_with(1);
    for month in ["2025-01", "2025-02", "2025-03", "2025-04"] {
        assert_cols(
            &r.row("M1", month),
            &[("paid_pmpm", "300.00"), ("reason_codes", "")],
        );
    }
    assert_cols(
        &r.row("M1", "2025-05"),
        &[("paid_pmpm", "0.00"), ("reason_codes", "UNPAID")],
    );
    let rejects = r.rejects();
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    for (reject, row) in rejects.iter().zip(["6", "7"]) {
        assert_cols(
            reject,
            &[
                ("file", "payments.xlsx"),
                ("row", row),
                ("rule_id", "RCN-010"),
                ("field", "service_month"),
            ],
        );
    }
}

/// Roster and payment dates in workbook cells that lost their date format hold the serial (days
/// since 1899-12-30), and are read as their day, as the encounter reader reads them: M1 is
/// enrolled from 45658 (2025-01-01) to 45716.75 (2025-02-28 at 18:00) at 300.00 (enrolled
/// basis), and paid for both months by payments whose paid_date is the serial 45717
/// (2025-03-01), so both months square. In a CSV nothing says a number is a date: the same roster
/// as text is refused (RCN-002) with the message a bad date always had, and nothing is written.
#[test]
fn dates_in_workbook_cells_that_lost_their_format_are_their_day() {
    use rust_xlsxwriter::Workbook;
    let sunrise = contract(
        "c",
        SUNRISE,
        "2025-01-01",
        "enrolled",
        "any_day",
        "300.00",
        "",
    );
    let s = Scenario::new(&sunrise, "", None, "");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ROSTER_HEADER.trim_end().split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    ws.write_string(1, 0, "M1").unwrap();
    ws.write_string(1, 1, SUNRISE).unwrap();
    ws.write_number(1, 2, 45658.0).unwrap();
    ws.write_number(1, 3, 45716.75).unwrap();
    wb.save(s.dir.path().join("roster.xlsx")).unwrap();

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in PAYMENTS_HEADER.trim_end().split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, (id, month)) in [(1, ("P1", "2025-01")), (2, ("P2", "2025-02"))] {
        ws.write_string(r, 0, id).unwrap();
        ws.write_number(r, 1, 45717.0).unwrap();
        ws.write_string(r, 2, SUNRISE).unwrap();
        ws.write_string(r, 3, "M1").unwrap();
        ws.write_string(r, 4, month).unwrap();
        ws.write_string(r, 5, "pmpm").unwrap();
        ws.write_number(r, 6, 300.0).unwrap();
    }
    wb.save(s.dir.path().join("payments.xlsx")).unwrap();

    let r = s.run_roster("roster.xlsx", "2025-01", "2025-02", &[], &["payments.xlsx"]);
    r.ok_with(0);
    assert_eq!(r.rows().len(), 2, "{:?}", r.rows());
    for month in ["2025-01", "2025-02"] {
        assert_cols(
            &r.row("M1", month),
            &[
                ("expected_pmpm", "300.00"),
                ("paid_pmpm", "300.00"),
                ("reason_codes", ""),
            ],
        );
    }
    assert!(r.rejects().is_empty(), "{:?}", r.rejects());

    let csv = Scenario::new(
        &sunrise,
        &format!("M1,{SUNRISE},45658,45716.75,\n"),
        None,
        &format!("P1,2025-03-01,{SUNRISE},M1,2025-01,pmpm,300.00\n"),
    );
    let r = csv.run("2025-01", "2025-02");
    r.ok_with(2);
    assert!(
        r.stderr.contains("roster.csv row 2")
            && r.stderr.contains("RCN-002")
            && r.stderr
                .contains("ecm_start '45658' is not a date in YYYY-MM-DD (or M/D/YYYY) form"),
        "{}",
        r.stderr
    );
    assert!(
        !r.out.join("member-months.csv").exists(),
        "nothing is written"
    );
}

// ----- totals, the fixture, snapshots -----

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reconcile")
}

/// Copies the hand-worked fixture into a scratch directory and reconciles it there with relative
/// paths, so file names in the outputs do not depend on where the test runs.
fn run_fixture(dir: &Path) -> Run {
    for f in ["plan.toml", "roster.csv", "encounters.csv", "payments.csv"] {
        std::fs::copy(fixture_dir().join(f), dir.join(f)).unwrap();
    }
    let o = ecm()
        .current_dir(dir)
        .args([
            "--config",
            "plan.toml",
            "--as-of",
            "2025-10-01",
            "reconcile",
            "--roster",
            "roster.csv",
            "--encounters",
            "encounters.csv",
            "--payments",
            "payments.csv",
            "--from",
            "2025-04",
            "--to",
            "2025-08",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out: dir.join("out"),
    }
}

fn money(s: &str) -> Decimal {
    if s.is_empty() {
        Decimal::ZERO
    } else {
        s.parse().unwrap()
    }
}

/// Sums member-months.csv (and the unattributed payments in summary.json) by provider-month,
/// provider, plan month and plan, and compares every figure with summary.csv exactly.
fn assert_detail_adds_up_to_summary(r: &Run) {
    type Sums = BTreeMap<&'static str, Decimal>;
    let mut cells: BTreeMap<(String, String), Sums> = BTreeMap::new();
    let cols = [
        ("expected_pmpm", "expected_pmpm"),
        ("expected_outreach", "expected_outreach"),
        ("expected_total", "expected_total"),
        ("paid_pmpm", "paid_pmpm"),
        ("paid_outreach", "paid_outreach"),
        ("paid_total", "paid_total"),
        ("variance", "variance"),
    ];
    for row in r.rows() {
        let c = cells
            .entry((row["provider_npi"].clone(), row["month"].clone()))
            .or_default();
        for (detail, sum) in cols {
            *c.entry(sum).or_default() += money(&row[detail]);
        }
        *c.entry("counted").or_default() += Decimal::from(u8::from(row["counted"] == "yes"));
    }
    for p in r.json()["unattributed_payments"].as_array().unwrap() {
        let c = cells
            .entry((
                p["provider_npi"].as_str().unwrap().to_string(),
                p["service_month"].as_str().unwrap().to_string(),
            ))
            .or_default();
        let a = money(p["amount"].as_str().unwrap());
        *c.entry("unattributed").or_default() += a;
        *c.entry("paid_total").or_default() += a;
        *c.entry("variance").or_default() += a;
    }
    let summary = r.summary();
    let check = |scope: &str, npi: Option<&str>, month: Option<&str>| {
        let mut want: Sums = BTreeMap::new();
        for ((p, m), c) in &cells {
            if npi.is_some_and(|n| n != p) || month.is_some_and(|x| x != m) {
                continue;
            }
            for (k, v) in c {
                *want.entry(k).or_default() += v;
            }
        }
        let got = summary
            .iter()
            .find(|s| {
                s["scope"] == scope
                    && npi.is_none_or(|n| s["provider_npi"] == n)
                    && month.is_none_or(|m| s["month"] == m)
            })
            .unwrap_or_else(|| panic!("no {scope} row for {npi:?} {month:?}"));
        for (k, v) in &want {
            let col = if *k == "counted" {
                "counted_member_months"
            } else {
                k
            };
            assert_eq!(money(&got[col]), *v, "{scope} {npi:?} {month:?} {col}");
        }
    };
    let providers: BTreeSet<String> = cells.keys().map(|k| k.0.clone()).collect();
    let months: BTreeSet<String> = cells.keys().map(|k| k.1.clone()).collect();
    for (p, m) in cells.keys() {
        check("provider_month", Some(p), Some(m));
    }
    for p in &providers {
        check("provider_total", Some(p), None);
    }
    for m in &months {
        check("plan_month", None, Some(m));
    }
    check("plan_total", None, None);
    // The reasons explain the whole variance: their amounts add up to paid minus expected.
    let plan = summary.iter().find(|s| s["scope"] == "plan_total").unwrap();
    let explained: Decimal = r.json()["variances_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| money(x["amount"].as_str().unwrap()))
        .sum();
    assert_eq!(explained, money(&plan["variance"]));
}

#[test]
fn detail_rows_add_up_exactly_to_the_summary() {
    let d = tempfile::tempdir().unwrap();
    let r = run_fixture(d.path());
    r.ok_with(1);
    assert_detail_adds_up_to_summary(&r);
    // The fixture's plan total, worked by hand from its comments: 5,513.87 expected,
    // 7,098.87 paid (1,000.00 of it with no member).
    let plan = r
        .summary()
        .into_iter()
        .find(|s| s["scope"] == "plan_total")
        .unwrap();
    assert_cols(
        &plan,
        &[
            ("expected_total", "5513.87"),
            ("paid_total", "7098.87"),
            ("unattributed", "1000.00"),
            ("variance", "1585.00"),
        ],
    );
}

#[test]
fn outputs_match_their_snapshots_and_reruns_are_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ra, rb) = (run_fixture(a.path()), run_fixture(b.path()));
    ra.ok_with(1);
    rb.ok_with(1);
    let files = [
        "member-months.csv",
        "summary.csv",
        "summary.json",
        "report.html",
        "rejects.csv",
    ];
    for f in files {
        assert_eq!(
            std::fs::read(ra.out.join(f)).unwrap(),
            std::fs::read(rb.out.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
    let read = |f: &str| std::fs::read_to_string(ra.out.join(f)).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("reconcile_member_months_csv", read("member-months.csv"));
        insta::assert_snapshot!("reconcile_summary_csv", read("summary.csv"));
        insta::assert_snapshot!("reconcile_summary_json", read("summary.json"));
        insta::assert_snapshot!("reconcile_report_html", read("report.html"));
        insta::assert_snapshot!("reconcile_rejects_csv", read("rejects.csv"));
    });
}

/// The report is one self-contained file: nothing in it can make a browser fetch anything.
#[test]
fn the_report_fetches_nothing() {
    let d = tempfile::tempdir().unwrap();
    let r = run_fixture(d.path());
    let html = std::fs::read_to_string(r.out.join("report.html")).unwrap();
    for needle in [
        "src=", "href=", "url(", "@import", "<script", "<link", "<iframe",
    ] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    assert!(html.contains("<svg") && html.contains("id=\"summary-table\""));
}

// ----- headless Chromium -----

/// Chromium's path, or `None` (after saying why) outside CI. Under `CI` a missing Chromium fails
/// the test: `.ci/run` installs it.
fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")]);
    let found = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(on_path)
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required under CI (Debian package chromium); .ci/run installs it"
        );
        eprintln!("skipped: chromium not installed (apt-get install chromium)");
    }
    found
}

fn run_chromium(
    chromium: &Path,
    profile: &Path,
    args: &[&str],
    page: &Path,
) -> std::process::Output {
    let o = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", chromium.display()));
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Headless Chromium lays report.html out: the chart and the tables have a size, every bar and
/// every summary row is there, and the page prints to a PDF.
#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let r = run_fixture(d.path());
    r.ok_with(1);
    // A copy of the report with a probe appended that writes the laid-out sizes into the DOM,
    // which --dump-dom then prints; the report itself has no script.
    let html = std::fs::read_to_string(r.out.join("report.html")).unwrap();
    let probe = r#"<script>
const size = (sel) => { const b = document.querySelector(sel).getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)]; };
document.body.setAttribute('data-probe', JSON.stringify({
  chart: size('#chart'), table: size('#summary-table'),
  bars: document.querySelectorAll('#chart rect.bar').length,
  tall_bars: [...document.querySelectorAll('#chart rect.bar')].filter(b => b.getBoundingClientRect().height > 0).length,
  rows: document.querySelectorAll('#summary-table tbody tr').length,
  reasons: document.querySelectorAll('#variances h3').length }));
</script>
"#;
    let probed = d.path().join("probed.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{probe}</body>"))).unwrap();
    let profile = d.path().join("profile");
    let o = run_chromium(&chromium, &profile, &["--dump-dom"], &probed);
    let dom = String::from_utf8_lossy(&o.stdout);
    let start = dom.find("data-probe=\"").expect("the probe ran") + "data-probe=\"".len();
    let end = start + dom[start..].find('"').unwrap();
    let probe: Value = serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();

    // The fixture reconciles 5 months: 2 bars each; 9 provider-months + 2 provider totals + the
    // plan total = 12 summary rows; 9 reasons.
    assert_eq!(probe["bars"], 10, "{probe}");
    assert!(probe["tall_bars"].as_u64().unwrap() >= 9, "{probe}");
    assert_eq!(probe["rows"], 12, "{probe}");
    assert_eq!(probe["reasons"], 9, "{probe}");
    for what in ["chart", "table"] {
        let (w, h) = (
            probe[what][0].as_u64().unwrap(),
            probe[what][1].as_u64().unwrap(),
        );
        assert!(w > 200 && h > 100, "{what} laid out at {w}x{h}: {probe}");
    }

    let pdf = d.path().join("report.pdf");
    run_chromium(
        &chromium,
        &profile,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &r.out.join("report.html"),
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let pages = bytes
        .windows(10)
        .filter(|w| w == b"/Type /Pag" || w == b"/Type/Page")
        .count();
    assert!(
        pages >= 1 && bytes.len() > 10_000,
        "{} bytes, {pages} page objects",
        bytes.len()
    );
}

// ----- against the synthetic data set's ground truth -----

/// `ecm synth` writes payments with known errors and truth.json says where each is and by how
/// much. Reconciling its roster, encounters and payments must find exactly those differences,
/// member-month by member-month, and the same totals per provider.
#[test]
fn agrees_with_the_synthetic_ground_truth() {
    let d = tempfile::tempdir().unwrap();
    let syn = d.path().join("syn");
    let o = ecm()
        .args([
            "synth",
            "--members",
            "400",
            "--months",
            "12",
            "--seed",
            "21",
            "--bad-rate",
            "0.03",
            "--out",
        ])
        .arg(&syn)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth: Value =
        serde_json::from_slice(&std::fs::read(syn.join("truth.json")).unwrap()).unwrap();
    let month = |d: &str| d[..7].to_string();
    let out = d.path().join("out");
    let o = ecm()
        .arg("--config")
        .arg(syn.join("ecm.toml"))
        .args([
            "--as-of",
            truth["as_of"].as_str().unwrap(),
            "reconcile",
            "--roster",
        ])
        .arg(syn.join("roster.csv"))
        .arg("--encounters")
        .arg(syn.join("encounters.csv"))
        .arg("--payments")
        .arg(syn.join("payments.csv"))
        .args(["--from", &month(truth["period"]["from"].as_str().unwrap())])
        .args(["--to", &month(truth["period"]["to"].as_str().unwrap())])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let r = Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    };
    r.ok_with(1);

    type Key = (String, String, String, &'static str);
    let mut found: BTreeMap<Key, Decimal> = BTreeMap::new();
    for row in r.rows() {
        for kind in ["pmpm", "outreach"] {
            let v = money(&row[&format!("{kind}_variance")]);
            if !v.is_zero() {
                found.insert(
                    (
                        row["provider_npi"].clone(),
                        row["member_id"].clone(),
                        row["month"].clone(),
                        kind,
                    ),
                    v,
                );
            }
        }
    }
    let mut told: BTreeMap<Key, Decimal> = BTreeMap::new();
    for e in truth["payment_errors"].as_array().unwrap() {
        let kind = if e["payment_kind"] == "outreach" {
            "outreach"
        } else {
            "pmpm"
        };
        *told
            .entry((
                e["provider_npi"].as_str().unwrap().to_string(),
                e["member_id"].as_str().unwrap().to_string(),
                e["service_month"].as_str().unwrap().to_string(),
                kind,
            ))
            .or_default() += money(e["difference"].as_str().unwrap());
    }
    assert!(told.len() > 20);
    assert_eq!(found, told);
    for t in truth["totals"].as_array().unwrap() {
        let total = provider_total(&r, t["provider_npi"].as_str().unwrap());
        assert_eq!(total["expected_total"], t["expected"].as_str().unwrap());
        assert_eq!(total["paid_total"], t["paid"].as_str().unwrap());
    }
    assert_detail_adds_up_to_summary(&r);
}

// ----- X12 inputs -----

fn x12_fixture_dir() -> PathBuf {
    fixture_dir().join("x12")
}

/// Copies the X12 fixture's inputs into `dir`.
fn copy_x12_fixture(dir: &Path) {
    for f in ["ecm.toml", "roster.csv", "encounters.csv", "remit.835"] {
        std::fs::copy(x12_fixture_dir().join(f), dir.join(f)).unwrap();
    }
}

/// Reconciles March 2025 of the X12 fixture in `dir` (copied there first): `encounters` and
/// `payments` are file names in `dir`.
fn run_x12(dir: &Path, encounters: &[&str], payments: &[&str]) -> Run {
    copy_x12_fixture(dir);
    run_x12_months(dir, encounters, payments, "2025-03")
}

/// Reconciles 2025-03 to `to` of the files in `dir`.
fn run_x12_months(dir: &Path, encounters: &[&str], payments: &[&str], to: &str) -> Run {
    let mut args = vec![
        "--config",
        "ecm.toml",
        "--as-of",
        "2025-05-01",
        "reconcile",
        "--roster",
        "roster.csv",
        "--from",
        "2025-03",
        "--to",
        to,
        "--out",
        "out",
        "--encounters",
    ];
    args.extend(encounters);
    args.push("--payments");
    args.extend(payments);
    let o = ecm().current_dir(dir).args(&args).output().unwrap();
    Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out: dir.join("out"),
    }
}

/// An 835 as the payments. `remit.835` was written by hand from `claims.837`, which `ecm claims`
/// made from the fixture's `encounters.csv` (contract sunrise-2025: enrolled basis, any_day,
/// PMPM 300.00, outreach 35.00 per attempt, cap 3 in 30 days; M-1 and M-2 enrolled from
/// 2025-03-01, M-3 from 2025-04-01). Its SVC lines and PLB:
///
/// | SVC | REF*6R | SVC01            | paid   | matches                                    |
/// |-----|--------|------------------|--------|--------------------------------------------|
/// | 1   | E-101  | G9012:U2         | 300.00 | E-101 by line id (M-1 March, PMPM)         |
/// | 2   | -      | G9012:U2:GQ      | 300.00 | E-102 by M-2 + 2025-03-06 + code + U2 GQ   |
/// | 3   | -      | G9012 (U8 GQ dropped) | 35.00 | E-104 by M-3 + 2025-03-10 + G9012, flagged |
/// | 4   | E-999  | G9012:U2 on 03-28 | 300.00 | nothing: provider-level (RCN-015)         |
/// | PLB | WO     |                  | -50.00 | provider-level                             |
///
/// March: M-1 expects 300.00 (enrolled all month) and is paid 300.00; M-2 the same; M-3 is not
/// enrolled yet, its outreach attempt E-104 on 03-10 is before enrollment and the first in the
/// cap's window, so 35.00 is expected and paid. Expected 300 + 300 + 35 = 635.00. Unattributed:
/// 300.00 - 50.00 = 250.00 in two lines. Paid 635.00 + 250.00 = 885.00 (= BPR02), variance
/// +250.00; no member-month has a variance, the unattributed money makes the exit status 1.
#[test]
fn an_835_pays_member_months_through_the_encounters_its_lines_match() {
    let d = tempfile::tempdir().unwrap();
    let r = run_x12(d.path(), &["encounters.csv"], &["remit.835"]);
    r.ok_with(1);
    assert_cols(
        &r.row("M-1", "2025-03"),
        &[
            ("expected_pmpm", "300.00"),
            ("paid_pmpm", "300.00"),
            ("reason_codes", ""),
        ],
    );
    assert_cols(
        &r.row("M-2", "2025-03"),
        &[("paid_pmpm", "300.00"), ("reason_codes", "")],
    );
    assert_cols(
        &r.row("M-3", "2025-03"),
        &[
            ("enrolled_days", "0"),
            ("expected_outreach", "35.00"),
            ("paid_outreach", "35.00"),
            ("paid_pmpm", "0.00"),
            ("reason_codes", ""),
        ],
    );
    let plan = r
        .summary()
        .into_iter()
        .find(|s| s["scope"] == "plan_total")
        .unwrap();
    assert_cols(
        &plan,
        &[
            ("expected_total", "635.00"),
            ("unattributed", "250.00"),
            ("paid_total", "885.00"),
            ("variance", "250.00"),
        ],
    );
    assert_eq!(r.reason("UNATTRIBUTED"), Some((2, "250.00".into())));

    // Each SVC with how it matched, and the PLB.
    let lines = csv_maps(&r.out.join("payments-835.csv"));
    let got: Vec<(&str, &str, &str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["segment"].as_str(),
                l["match"].as_str(),
                l["encounter_id"].as_str(),
                l["member_id"].as_str(),
                l["paid"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("16", "line_id", "E-101", "M-1", "300.00"),
            ("21", "member_date_code", "E-102", "M-2", "300.00"),
            (
                "25",
                "member_date_code_modifiers_dropped",
                "E-104",
                "M-3",
                "35.00"
            ),
            ("29", "unmatched", "", "", "300.00"),
            ("", "provider_level", "", "", "-50.00"),
        ]
    );
    let run = &r.json()["run"]["remittances"];
    assert_eq!(run["matched"]["line_id"], 1);
    assert_eq!(run["matched"]["member_date_code"], 1);
    assert_eq!(run["matched"]["member_date_code_modifiers_dropped"], 1);
    assert_eq!(run["modifiers_dropped_by_payer"]["GVHP1"], 1);
    assert_eq!(run["unmatched"], 1);
    assert_eq!(run["provider_adjustment_paid"], "-50.00");

    // The unmatched line and the dropped modifiers are findings naming the segment, never a name.
    let rejects = r.rejects();
    let ids: Vec<(&str, &str)> = rejects
        .iter()
        .map(|f| (f["rule_id"].as_str(), f["encounter_id"].as_str()))
        .collect();
    assert_eq!(ids, vec![("RCN-015", ""), ("RCN-016", "E-104")]);
    assert!(rejects[0]["message"].contains("segment 29 (byte offset 1011)"));
    for f in &rejects {
        assert!(!f["message"].to_ascii_uppercase().contains("TESTPERSON"));
    }

    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(
            "reconcile_payments_835_csv",
            std::fs::read_to_string(r.out.join("payments-835.csv")).unwrap()
        );
    });

    // Told apart by content, not by name: the same 835 saved as .txt reconciles the same.
    let e = tempfile::tempdir().unwrap();
    std::fs::copy(
        x12_fixture_dir().join("remit.835"),
        e.path().join("remit.txt"),
    )
    .unwrap();
    let t = run_x12(e.path(), &["encounters.csv"], &["remit.txt"]);
    t.ok_with(1);
    for f in ["member-months.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(r.out.join(f)).unwrap(),
            std::fs::read(t.out.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The 835 the test reads is a valid 005010X221A1 file (pyx12), and the 837 it was written
/// from is still what our writer makes of the fixture's encounters.
#[test]
fn the_x12_fixture_is_valid_and_current() {
    let fx = x12_fixture_dir();
    common::pyx12_validate(&fx.join("remit.835")).assert_valid("remit.835");
    let d = tempfile::tempdir().unwrap();
    for f in ["ecm.toml", "encounters.csv"] {
        std::fs::copy(fx.join(f), d.path().join(f)).unwrap();
    }
    ecm()
        .current_dir(d.path())
        .args([
            "--config",
            "ecm.toml",
            "--as-of",
            "2025-05-01T09:00",
            "claims",
            "encounters.csv",
            "--out",
            "c",
        ])
        .assert()
        .success();
    let written = std::fs::read_to_string(d.path().join("c/gvhp.837")).unwrap();
    assert_eq!(
        written,
        std::fs::read_to_string(fx.join("claims.837")).unwrap(),
        "regenerate tests/fixtures/reconcile/x12/claims.837 (and check remit.835 still pays it)"
    );
    common::pyx12_validate(&d.path().join("c/gvhp.837")).assert_valid("claims.837");
    let (claims, lines, total) = common::x12_types_summary(&written);
    assert_eq!((claims, lines), (4, 4));
    assert_eq!(total, money("935.00"));
}

/// An 835 whose payee (N1*PE) carries a tax id instead of an NPI cannot say whose money it is:
/// its transaction set is refused (RCN-017, an error: exit 1), nothing of it is paid, and the
/// March member-months expecting money are UNPAID (M-1, M-2: 300.00 each; M-3 outreach 35.00).
#[test]
fn an_835_without_a_payee_npi_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(x12_fixture_dir().join("remit.835"))
        .unwrap()
        .replace(
            "N1*PE*SUNRISE COMMUNITY CARE*XX*1234567893",
            "N1*PE*SUNRISE COMMUNITY CARE*FI*941234567",
        );
    std::fs::write(d.path().join("no-npi.835"), text).unwrap();
    let r = run_x12(d.path(), &["encounters.csv"], &["no-npi.835"]);
    r.ok_with(1);
    let rejects = r.rejects();
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["rule_id"], "RCN-017");
    assert_eq!(rejects[0]["severity"], "error");
    assert_eq!(r.json()["run"]["remittances"]["transactions_refused"], 1);
    for m in ["M-1", "M-2", "M-3"] {
        assert_cols(
            &r.row(m, "2025-03"),
            &[("paid_total", "0.00"), ("reason_codes", "UNPAID")],
        );
    }
}

/// X12 amounts go to 18 digits: a payment run over ten million dollars (BPR02, CLP04, SVC03)
/// reads, and its money is counted to the cent.
#[test]
fn an_835_paying_more_than_ten_million_reads() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(x12_fixture_dir().join("remit.835"))
        .unwrap()
        .replacen("BPR*I*885*", "BPR*I*12000585.25*", 1)
        .replacen(
            "CLP*E00000000000E0999*1*300*300**",
            "CLP*E00000000000E0999*1*12000000.25*12000000.25**",
            1,
        )
        .replacen(
            "SVC*HC:G9012:U2*300*300**1~\nDTM*472*20250328~",
            "SVC*HC:G9012:U2*12000000.25*12000000.25**1~\nDTM*472*20250328~",
            1,
        );
    assert!(text.contains("SVC*HC:G9012:U2*12000000.25*"));
    std::fs::write(d.path().join("big.835"), text).unwrap();
    let r = run_x12(d.path(), &["encounters.csv"], &["big.835"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines = csv_maps(&r.out.join("payments-835.csv"));
    assert!(
        lines.iter().any(|l| l.values().any(|v| v == "12000000.25")),
        "{lines:?}"
    );
}

/// Runs `ecm claims` on `encounters` (a CSV in `dir`) with the X12 fixture's configuration and
/// returns the 837 it wrote, renamed to `name` in `dir`, after checking it with pyx12 and
/// x12-types: (claims, lines) must be `shape`.
fn claims_837(dir: &Path, encounters: &str, name: &str, shape: (usize, usize)) {
    let out = format!("claims-{name}");
    ecm()
        .current_dir(dir)
        .args([
            "--config",
            "ecm.toml",
            "--as-of",
            "2025-05-01T09:00",
            "claims",
            encounters,
            "--out",
            &out,
        ])
        .assert()
        .success();
    let written = dir.join(&out).join("gvhp.837");
    common::pyx12_validate(&written).assert_valid(name);
    let text = std::fs::read_to_string(&written).unwrap();
    let (claims, lines, _) = common::x12_types_summary(&text);
    assert_eq!((claims, lines), shape, "{name}");
    std::fs::rename(written, dir.join(name)).unwrap();
}

/// 837 files as encounters: the X12 fixture's encounters given as the CSV, as the 837 our writer
/// makes of that CSV, and as a mix (an 837 of E-101 and E-105, the CSV rows of E-102 and E-104)
/// reconcile to the same member-months, summary, 835 matches and findings. Each 837 line becomes
/// an encounter of its 2010BA member id on its DTP*472 date, with its SV101 code and modifiers
/// and its REF*6R as the encounter id, so the 835's REF*6R and member/date/code matches find the
/// same encounters (see the 835 test for the figures).
#[test]
fn an_837_gives_the_same_encounters_as_the_csv_it_was_written_from() {
    let csv = tempfile::tempdir().unwrap();
    let from_csv = run_x12(csv.path(), &["encounters.csv"], &["remit.835"]);
    from_csv.ok_with(1);

    let whole = tempfile::tempdir().unwrap();
    copy_x12_fixture(whole.path());
    claims_837(whole.path(), "encounters.csv", "all.837", (4, 4));
    let from_837 = run_x12(whole.path(), &["all.837"], &["remit.835"]);
    from_837.ok_with(1);
    let x12 = &from_837.json()["run"]["encounter_files"]["x12"];
    assert_eq!(
        (x12["lines_read"].as_u64(), x12["lines_used"].as_u64()),
        (Some(4), Some(4))
    );

    let mix = tempfile::tempdir().unwrap();
    copy_x12_fixture(mix.path());
    let all = std::fs::read_to_string(mix.path().join("encounters.csv")).unwrap();
    let mut rows = all.lines();
    let header = rows.next().unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) =
        rows.partition(|r| r.starts_with("E-101,") || r.starts_with("E-105,"));
    let write = |name: &str, rows: &[&str]| {
        std::fs::write(
            mix.path().join(name),
            format!("{header}\n{}\n", rows.join("\n")),
        )
        .unwrap()
    };
    write("a.csv", &a);
    write("b.csv", &b);
    claims_837(mix.path(), "a.csv", "a.837", (2, 2));
    let mixed = run_x12(mix.path(), &["a.837", "b.csv"], &["remit.835"]);
    mixed.ok_with(1);

    for f in [
        "member-months.csv",
        "summary.csv",
        "payments-835.csv",
        "rejects.csv",
    ] {
        let want = std::fs::read_to_string(from_csv.out.join(f)).unwrap();
        for (what, r) in [("837", &from_837), ("mix", &mixed)] {
            assert_eq!(
                want,
                std::fs::read_to_string(r.out.join(f)).unwrap(),
                "{f} from the {what} differs from the CSV's"
            );
        }
    }
}

/// The same encounters given as the CSV, as the 837 written from it, and as a second copy of that
/// 837 are counted once: member-months, summary and 835 matches are those of the CSV alone; each
/// of the 8 837 lines repeats an encounter (member id and encounter id) already read, the first 4
/// from the table, the copy's 4 from the table too (tables are remembered first), and each gets an
/// RCN-019 warning naming its claim and line.
#[test]
fn an_encounter_given_in_a_csv_and_in_837s_is_counted_once() {
    let csv = tempfile::tempdir().unwrap();
    let from_csv = run_x12(csv.path(), &["encounters.csv"], &["remit.835"]);
    from_csv.ok_with(1);

    let d = tempfile::tempdir().unwrap();
    copy_x12_fixture(d.path());
    claims_837(d.path(), "encounters.csv", "all.837", (4, 4));
    std::fs::copy(d.path().join("all.837"), d.path().join("again.837")).unwrap();
    let r = run_x12(
        d.path(),
        &["encounters.csv", "all.837", "again.837"],
        &["remit.835"],
    );
    r.ok_with(1);
    for f in ["member-months.csv", "summary.csv", "payments-835.csv"] {
        assert_eq!(
            std::fs::read_to_string(from_csv.out.join(f)).unwrap(),
            std::fs::read_to_string(r.out.join(f)).unwrap(),
            "{f} differs from the CSV's"
        );
    }
    let x12 = &r.json()["run"]["encounter_files"]["x12"];
    let n = |k: &str| x12[k].as_u64().unwrap();
    assert_eq!(
        (n("lines_read"), n("lines_used"), n("lines_repeated")),
        (8, 0, 8)
    );
    let repeats: Vec<Row> = r
        .rejects()
        .into_iter()
        .filter(|f| f["rule_id"] == "RCN-019")
        .collect();
    assert_eq!(repeats.len(), 8);
    assert_eq!(repeats[0]["severity"], "warning");
    assert_eq!(repeats[0]["field"], "REF*6R");
    assert!(
        repeats[0]["message"].contains("already read from an encounter table"),
        "{:?}",
        repeats[0]
    );

    // Without the table, the copy's lines repeat the first 837's.
    std::fs::remove_dir_all(d.path().join("out")).unwrap();
    let r = run_x12(d.path(), &["all.837", "again.837"], &["remit.835"]);
    r.ok_with(1);
    let x12 = &r.json()["run"]["encounter_files"]["x12"];
    let n = |k: &str| x12[k].as_u64().unwrap();
    assert_eq!(
        (n("lines_read"), n("lines_used"), n("lines_repeated")),
        (8, 4, 4)
    );
    assert_eq!(
        std::fs::read_to_string(from_csv.out.join("member-months.csv")).unwrap(),
        std::fs::read_to_string(r.out.join("member-months.csv")).unwrap()
    );
    let repeats = r
        .rejects()
        .into_iter()
        .filter(|f| f["rule_id"] == "RCN-019")
        .count();
    assert_eq!(repeats, 4);
}

/// A replacement or void 837 claim takes the place of the lines read before of the claim it
/// corrects (REF*F8). The fixture's 837, then a correction 837 from our writer that replaces
/// E-101's claim with R-101 (M-1, 2025-03-12) and voids E-105's (M-1, 2025-04-07): M-1 has one
/// qualifying encounter in March (R-101 instead of E-101, not both) and none in April. Of the 6
/// lines read, 3 are used (R-101, E-102, E-104); 2 were withdrawn, 1 replaces, 1 voids. The 835
/// still pays E-101 by REF*6R, which is gone, and R-101's date differs: that SVC is unmatched now.
#[test]
fn corrections_in_837s_replace_and_void_the_lines_they_name() {
    let d = tempfile::tempdir().unwrap();
    copy_x12_fixture(d.path());
    claims_837(d.path(), "encounters.csv", "orig.837", (4, 4));
    let header = "encounter_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,activity,staff_role,modality,outreach_outcome,payer,correction,replaces_encounter_id,original_claim_id";
    std::fs::write(
        d.path().join("fix.csv"),
        format!(
            "{header}\n\
             R-101,M-1,Testperson,Alpha,1970-01-01,F,2025-03-12,care_coordination,chw,in_person,,gvhp,replace,E-101,E9CC959609A1CC641\n\
             V-105,M-1,Testperson,Alpha,1970-01-01,F,2025-04-07,care_coordination,chw,in_person,,gvhp,void,E-105,EE87FB44643C77FE9\n"
        ),
    )
    .unwrap();
    claims_837(d.path(), "fix.csv", "fix.837", (2, 2));
    let r = run_x12_months(
        d.path(),
        &["orig.837", "fix.837"],
        &["remit.835"],
        "2025-04",
    );
    r.ok_with(1);
    assert_cols(&r.row("M-1", "2025-03"), &[("qualifying_encounters", "1")]);
    assert_cols(&r.row("M-1", "2025-04"), &[("qualifying_encounters", "0")]);
    let x12 = &r.json()["run"]["encounter_files"]["x12"];
    let n = |k: &str| x12[k].as_u64().unwrap();
    assert_eq!(
        (
            n("lines_read"),
            n("lines_used"),
            n("lines_withdrawn"),
            n("lines_replacing"),
            n("lines_voided")
        ),
        (6, 3, 2, 1, 1)
    );
    let lines = csv_maps(&r.out.join("payments-835.csv"));
    assert_eq!(lines[0]["line_control_number"], "E-101");
    assert_eq!(lines[0]["match"], "unmatched");
}

/// Corrections in encounter tables replace and void the rows they name, as 837 corrections do.
/// Valley pays 300.00 per engaged month (any_day); M1 is enrolled January to April 2025.
/// enc.csv holds three care-coordination visits, X1 (Jan 10), X2 (Feb 12), X3 (Mar 5); fix.csv,
/// read after it, voids X1 (V1), replaces X3 with R3 dated Apr 8, replaces X2 with R2 on its
/// own day, and voids NOPE, which no row of M1 has. So January has no qualifying encounter
/// (0.00 expected, not 300.00 for X1 and V1 counted as two), February one (R2 instead of X2, not
/// both), March none (X3 moved), April one (R3): expected 300.00 + 300.00 = 600.00, nothing paid.
/// The void of NOPE is reported (RCN-020, a warning) and takes nothing away. Given in the other
/// order, the corrections find nothing read before them: four RCN-020s, and every row counts.
#[test]
fn corrections_in_encounter_tables_replace_and_void_the_rows_they_name() {
    let s = Scenario::new(
        &contract(
            "v",
            VALLEY,
            "2025-01-01",
            "engaged",
            "any_day",
            "300.00",
            "",
        ),
        &format!("M1,{VALLEY},2025-01-01,2025-04-30,\n"),
        None,
        "",
    );
    let header = format!(
        "{},correction,replaces_encounter_id,original_claim_id\n",
        ENCOUNTERS_HEADER.trim_end()
    );
    let row = |id: &str, date: &str, fix: &str| {
        format!("{},{fix}\n", encounter(id, "M1", date, false).trim_end())
    };
    let w = |name: &str, rows: &[String]| {
        std::fs::write(
            s.dir.path().join(name),
            format!("{header}{}", rows.concat()),
        )
        .unwrap()
    };
    w(
        "enc.csv",
        &[
            row("X1", "2025-01-10", ",,"),
            row("X2", "2025-02-12", ",,"),
            row("X3", "2025-03-05", ",,"),
        ],
    );
    w(
        "fix.csv",
        &[
            row("V1", "2025-01-10", "void,X1,"),
            row("R3", "2025-04-08", "replace,X3,"),
            row("R2", "2025-02-12", "replace,X2,"),
            row("V9", "2025-04-09", "void,NOPE,"),
        ],
    );
    let run = |files: [&str; 2]| {
        let _ = std::fs::remove_dir_all(s.dir.path().join("out"));
        s.run_files("2025-01", "2025-04", &files, &["payments.csv"])
    };

    let r = run(["enc.csv", "fix.csv"]);
    r.ok_with(1);
    for (month, qualifying, expected) in [
        ("2025-01", "0", "0.00"),
        ("2025-02", "1", "300.00"),
        ("2025-03", "0", "0.00"),
        ("2025-04", "1", "300.00"),
    ] {
        assert_cols(
            &r.row("M1", month),
            &[
                ("qualifying_encounters", qualifying),
                ("expected_pmpm", expected),
            ],
        );
    }
    assert_cols(&provider_total(&r, VALLEY), &[("expected_total", "600.00")]);
    let c = &r.json()["run"]["encounter_files"]["corrections"];
    let n = |k: &str| c[k].as_u64().unwrap();
    assert_eq!(
        (
            n("rows_replacing"),
            n("rows_voiding"),
            n("rows_withdrawn"),
            n("rows_unmatched")
        ),
        (2, 2, 3, 1)
    );
    let rejects = r.rejects();
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_cols(
        &rejects[0],
        &[
            ("file", "fix.csv"),
            ("row", "5"),
            ("encounter_id", "V9"),
            ("rule_id", "RCN-020"),
            ("severity", "warning"),
            ("field", "replaces_encounter_id"),
        ],
    );
    assert!(
        rejects[0]["message"].contains("NOPE is not the encounter_id of an earlier accepted row"),
        "{:?}",
        rejects[0]
    );

    let r = run(["fix.csv", "enc.csv"]);
    r.ok_with(1);
    let unmatched = r
        .rejects()
        .into_iter()
        .filter(|f| f["rule_id"] == "RCN-020")
        .count();
    assert_eq!(unmatched, 4);
    assert_cols(&r.row("M1", "2025-01"), &[("qualifying_encounters", "1")]);
    assert_cols(&r.row("M1", "2025-02"), &[("qualifying_encounters", "2")]);
}

/// The same 835 given twice (once renamed) is read once: the repeat's transaction set is refused
/// (RCN-018, naming the first file), so the figures are those of one 835 (paid 885.00).
#[test]
fn an_835_given_twice_is_counted_once() {
    let d = tempfile::tempdir().unwrap();
    copy_x12_fixture(d.path());
    std::fs::copy(d.path().join("remit.835"), d.path().join("again.835")).unwrap();
    let r = run_x12(d.path(), &["encounters.csv"], &["remit.835", "again.835"]);
    r.ok_with(1);
    let plan = r
        .summary()
        .into_iter()
        .find(|s| s["scope"] == "plan_total")
        .unwrap();
    assert_cols(
        &plan,
        &[("paid_total", "885.00"), ("unattributed", "250.00")],
    );
    let repeats: Vec<Row> = r
        .rejects()
        .into_iter()
        .filter(|f| f["rule_id"] == "RCN-018")
        .collect();
    assert_eq!(repeats.len(), 1);
    assert_eq!(repeats[0]["file"], "again.835");
    assert!(repeats[0]["message"].contains("remit.835 transaction set 0001"));
    assert_eq!(r.json()["run"]["remittances"]["transactions_refused"], 1);
}

/// Two same-day lines of one code (G9012 U2 care coordination, charged 300.00 by the fixture's
/// payer table, and G9012 U8 GQ outreach, 35.00) paid by an 835 as two bare G9012s with no
/// REF*6R, the outreach first: each SVC is tied to the line its SVC02 charge names, so March is
/// square (PMPM 300.00 and one payable attempt 35.00 expected and paid), not UNDERPAID -265 with
/// OVERPAID +265. Both are still flagged as dropped modifiers (RCN-016).
#[test]
fn lines_paid_without_modifiers_are_told_apart_by_their_charge() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        x12_fixture_dir().join("ecm.toml"),
        d.path().join("ecm.toml"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("roster.csv"),
        "member_id,provider_npi,ecm_start,ecm_end,tier\nM-1,1234567893,2025-03-01,,\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("encounters.csv"),
        "encounter_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,activity,staff_role,modality,outreach_outcome,payer\n\
         E-201,M-1,Testperson,Alpha,1970-01-01,F,2025-03-05,care_coordination,chw,in_person,,gvhp\n\
         E-202,M-1,Testperson,Alpha,1970-01-01,F,2025-03-05,outreach,chw,phone,unsuccessful,gvhp\n",
    )
    .unwrap();
    let segments = [
        "ISA*00*          *00*          *ZZ*GVHPEDI        *ZZ*SUNRISE01      *250415*1200*^*00501*000000101*0*T*:",
        "GS*HP*GVHPEDI*SUNRISE01*20250415*1200*101*X*005010X221A1",
        "ST*835*0001",
        "BPR*I*335*C*ACH*CCP*01*121000248*DA*123456789*1941234567**01*121000248*DA*987654321*20250415",
        "TRN*1*EFT250415001*1941234567",
        "DTM*405*20250414",
        "N1*PR*GOLDEN VALLEY HEALTH PLAN*XV*GVHP1",
        "N3*100 PLAN WAY",
        "N4*SACRAMENTO*CA*95814",
        "PER*BL*PROVIDER SERVICES*TE*9165550123",
        "N1*PE*SUNRISE COMMUNITY CARE*XX*1234567893",
        "REF*TJ*941234567",
        "LX*1",
        "CLP*EAAAA*1*35*35**MC*GV1*02*1",
        "NM1*QC*1*TESTPERSON*ALPHA****MI*M-1",
        "SVC*HC:G9012*35*35**1",
        "DTM*472*20250305",
        "CLP*EBBBB*1*300*300**MC*GV2*02*1",
        "NM1*QC*1*TESTPERSON*ALPHA****MI*M-1",
        "SVC*HC:G9012*300*300**1",
        "DTM*472*20250305",
        "SE*20*0001",
        "GE*1*101",
        "IEA*1*000000101",
    ];
    std::fs::write(d.path().join("remit.835"), segments.join("~\n") + "~\n").unwrap();
    let r = run_x12_months(d.path(), &["encounters.csv"], &["remit.835"], "2025-03");
    r.ok_with(0);
    assert_cols(
        &r.row("M-1", "2025-03"),
        &[
            ("expected_pmpm", "300.00"),
            ("paid_pmpm", "300.00"),
            ("expected_outreach", "35.00"),
            ("paid_outreach", "35.00"),
            ("reason_codes", ""),
        ],
    );
    let lines = csv_maps(&r.out.join("payments-835.csv"));
    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["encounter_id"].as_str(), l["paid"].as_str()))
        .collect();
    assert_eq!(got, vec![("E-202", "35.00"), ("E-201", "300.00")]);
    let dropped = r
        .rejects()
        .iter()
        .filter(|f| f["rule_id"] == "RCN-016")
        .count();
    assert_eq!(dropped, 2);
}
