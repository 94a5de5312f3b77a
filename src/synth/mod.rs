//! `ecm synth`: a realistic synthetic ECM data set with no real person in it, for trying the
//! tool, tests and benchmarks. One run writes `ecm.toml`, `encounters.csv`, `roster.csv`,
//! `payments.csv` and `truth.json` (what was put in on purpose: bad rows and payment errors).
//!
//! Deterministic: every random choice comes from [`rng::Rng`] streams derived from the seed and
//! the member's number, with integer probabilities, so a seed gives the same bytes everywhere.
//! Streaming: members are generated and written one at a time; only per-provider totals and the
//! payment errors are kept until the end.

pub mod bad_rows;
pub mod config;
pub mod encounters;
pub mod invoices;
pub mod members;
pub mod names;
pub mod payments;
pub mod period;
pub mod places;
pub mod rng;
pub mod roster;
pub mod truth;
pub mod world;

use crate::codeset::CodeSet;
use crate::output::{OutputError, OutputSet};
use bad_rows::{BadRows, RowFacts};
use chrono::{Datelike, NaiveDate};
use encounters::{HEADER, Line, MemberFields, col};
use payments::{Ledger, PAYMENTS_HEADER};
use period::Period;
use rng::{Rng, Stream};
use roster::ROSTER_HEADER;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use truth::{BadRow, Counts, Header, TruthWriter};
use world::World;

/// The files a run writes, in order.
pub const FILES: [&str; 5] = [
    "ecm.toml",
    "encounters.csv",
    "roster.csv",
    "payments.csv",
    "truth.json",
];

/// Most members one run can number (`SYN` + seven digits).
pub const MAX_MEMBERS: u64 = 9_999_999;
/// Most months one run covers.
pub const MAX_MONTHS: u32 = 120;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthRequest<'a> {
    pub members: u64,
    pub months: u32,
    pub seed: u64,
    /// The first day of the first month.
    pub start: NaiveDate,
    /// Share of rows replaced by bad rows, in parts per million.
    pub bad_rate_ppm: u32,
    pub out_dir: &'a Path,
    pub force: bool,
    pub codeset: &'a CodeSet,
    /// Also write the plan's members' good rows as providers' invoices (`invoices.csv`).
    pub invoices: bool,
    /// A plan's steady caseload instead of a programme being built up: see [`Shape::Caseload`].
    pub shape: Shape,
}

/// The shape of the enrolled population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shape {
    /// Members referred across the period (outreach attempts first, then enrollment), a third of
    /// enrollments ending within it, re-enrollments and provider changes, members of three plans,
    /// about one service a month: about 11 encounters per member over 12 months.
    #[default]
    Growing,
    /// Every member the reconciling plan's, enrolled before the period and through it (2 % end in
    /// its last two months, half of those terminated retroactively), served about four times a
    /// month: members x months member-months, about 50 encounters per member over 12 months, one
    /// PMPM payment per member-month. The load the reconciliation target names.
    Caseload,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct SynthSummary {
    pub written: Vec<PathBuf>,
    /// Files an earlier run wrote into the directory and this one did not, removed (`--force`).
    pub removed: Vec<PathBuf>,
    pub period: Period,
    pub encounters: u64,
    pub bad_rows: u64,
    pub roster_rows: u64,
    pub payments: u64,
    pub payment_errors: u64,
    /// Invoice lines written (0 without `invoices`).
    pub invoice_lines: u64,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot write {file}: {source}")]
    Write {
        file: &'static str,
        source: std::io::Error,
    },
}

/// Parses a share such as `0.2` (0 to 1, at most six decimals) into parts per million, without
/// floating point.
pub fn parse_rate(s: &str) -> Result<u32, String> {
    let d = Decimal::from_str(s.trim())
        .map_err(|_| format!("'{s}' is not a number from 0 to 1 such as 0.05"))?;
    if (d.is_sign_negative() && !d.is_zero()) || d > Decimal::ONE {
        return Err(format!("'{s}' is outside 0 to 1"));
    }
    let ppm = d * Decimal::from(1_000_000);
    if ppm.fract() != Decimal::ZERO {
        return Err(format!("'{s}' has more than six decimals"));
    }
    ppm.to_u32()
        .ok_or_else(|| format!("'{s}' is outside 0 to 1"))
}

/// Parses `YYYY-MM` into the first of that month, from 2022-01 (when ECM began).
pub fn parse_start(s: &str) -> Result<NaiveDate, String> {
    let d = s
        .trim()
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1))
        .ok_or_else(|| format!("'{s}' is not a month in YYYY-MM form"))?;
    if d < crate::encounters::ECM_START || d.year() > 9000 {
        return Err(format!("'{s}' is before ECM began (2022-01)"));
    }
    Ok(d)
}

/// Generates the data set and writes it under `out_dir` (all files or none).
pub fn run_synth(req: &SynthRequest) -> Result<SynthSummary, SynthError> {
    if req.members == 0 || req.members > MAX_MEMBERS {
        return Err(SynthError::Invalid(format!(
            "--members must be from 1 to {MAX_MEMBERS}"
        )));
    }
    if req.months == 0 || req.months > MAX_MONTHS {
        return Err(SynthError::Invalid(format!(
            "--months must be from 1 to {MAX_MONTHS}"
        )));
    }
    if req.bad_rate_ppm > 1_000_000 {
        return Err(SynthError::Invalid("--bad-rate must be from 0 to 1".into()));
    }
    let period = Period::new(req.start, req.months);
    let mut world = World::new(req.seed, period, req.codeset);
    world.caseload = req.shape == Shape::Caseload;
    let mut names: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    if req.invoices {
        names.push(invoices::INVOICES_FILE.to_string());
    }
    let mut set = OutputSet::prepare_run(req.out_dir, &names, req.force)?;
    set.write_all("ecm.toml", world.config_text.as_bytes())?;
    let mut enc = set.create("encounters.csv")?;
    let mut ros = set.create("roster.csv")?;
    let mut pay = set.create("payments.csv")?;
    let mut tru = set.create("truth.json")?;
    let w = |file: &'static str| move |source| SynthError::Write { file, source };
    let mut inv_file = match req.invoices {
        true => Some(set.create(invoices::INVOICES_FILE)?),
        false => None,
    };
    let mut inv_lines = invoices::InvoiceLines::new(&world);
    let mut inv_buf: Vec<u8> = Vec::new();
    if let Some(f) = &mut inv_file {
        f.writer()
            .write_all(&inv_lines.header())
            .map_err(w(invoices::INVOICES_FILE))?;
    }

    let header_line = |h: &[&str]| format!("{}\n", h.join(","));
    enc.writer()
        .write_all(header_line(&HEADER).as_bytes())
        .map_err(w("encounters.csv"))?;
    ros.writer()
        .write_all(header_line(&ROSTER_HEADER).as_bytes())
        .map_err(w("roster.csv"))?;
    pay.writer()
        .write_all(header_line(&PAYMENTS_HEADER).as_bytes())
        .map_err(w("payments.csv"))?;
    let header = Header {
        generator: "ecm synth",
        format: 1,
        seed: req.seed,
        members: req.members,
        months: req.months,
        start: period::month_key(period.first),
        bad_rate: rate_text(req.bad_rate_ppm),
        shape: (req.shape == Shape::Caseload).then_some("caseload"),
        period: truth::Period {
            from: period.first.to_string(),
            to: period.last.to_string(),
        },
        as_of: period.as_of().to_string(),
        plan_payer: config::PAYERS[config::PLAN_PAYER].key,
        conventions: truth::conventions(),
    };
    let mut truth_out = TruthWriter::start(tru.writer(), &header).map_err(w("truth.json"))?;

    let mut bad = BadRows::default();
    let mut ledger = Ledger::default();
    let mut services = Vec::new();
    let mut line = Line::default();
    let mut enc_buf: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut text_buf = String::new();
    let mut qualifying = vec![0u16; period.months as usize];
    let mut attempts: Vec<NaiveDate> = Vec::new();
    let mut last_accepted = String::new();
    let (mut seq, mut row, mut bad_count, mut owed) = (0u64, 1u64, 0u64, 0u64);
    let (mut roster_rows, mut on_roster) = (0u64, 0u64);

    for i in 0..req.members {
        let mut rng = Rng::stream(req.seed, Stream::Member, i);
        let m = members::generate(&world, i, &mut rng);
        encounters::services(&world, &m, &mut rng, &mut services);
        qualifying.iter_mut().for_each(|q| *q = 0);
        let mut engaged: u128 = 0;
        for s in services.iter().filter(|s| s.qualifies()) {
            if let Some(mi) = period.month_index(s.date) {
                qualifying[mi as usize] += 1;
                engaged |= 1u128 << mi;
            }
        }
        let mut bad_rng = Rng::stream(req.seed, Stream::BadRows, i);
        let mf = MemberFields::of(&m);
        last_accepted.clear();
        attempts.clear();
        enc_buf.clear();
        inv_buf.clear();
        inv_lines.member();
        for s in &services {
            seq += 1;
            row += 1;
            line.fill(&world, &m, &mf, s, seq);
            let month = period.month_index(s.date).map(|x| x as usize);
            let mut broke = None;
            // A row drawn for breaking that no kind fits (the only service of its month, say)
            // passes its turn to the next row that one fits, so the share stays near the rate.
            let drawn = req.bad_rate_ppm > 0 && bad_rng.chance_ppm(req.bad_rate_ppm);
            if drawn || owed > 0 {
                let facts = RowFacts {
                    member: &m,
                    service: s,
                    last_accepted_id: (!last_accepted.is_empty()).then_some(last_accepted.as_str()),
                    may_drop: !s.qualifies() || month.is_some_and(|mi| qualifying[mi] > 1),
                };
                match bad.choose(&world, &facts) {
                    Some(k) => {
                        bad.apply(&world, k, &facts, &mut line, &mut bad_rng);
                        if s.qualifies()
                            && let Some(mi) = month
                        {
                            qualifying[mi] -= 1;
                        }
                        if !drawn {
                            owed -= 1;
                        }
                        broke = Some(k);
                    }
                    None if drawn => owed += 1,
                    None => {}
                }
            }
            match broke {
                None => {
                    last_accepted.clear();
                    last_accepted.push_str(&line.f[col::ENCOUNTER_ID]);
                    if s.is_outreach() {
                        attempts.push(s.date);
                    }
                    if inv_file.is_some() {
                        inv_lines.push(&m, s, &line, row, &mut inv_buf);
                    }
                }
                Some(k) => {
                    bad_count += 1;
                    if bad_rows::accepted_at_intake(k) {
                        last_accepted.clear();
                        last_accepted.push_str(&line.f[col::ENCOUNTER_ID]);
                    }
                    truth_out
                        .bad_row(&BadRow {
                            row,
                            encounter_id: &line.f[col::ENCOUNTER_ID],
                            member_id: &m.id,
                            rule: bad_rows::KINDS[k].id,
                        })
                        .map_err(w("truth.json"))?;
                }
            }
            line.write(&mut enc_buf);
        }
        enc.writer()
            .write_all(&enc_buf)
            .map_err(w("encounters.csv"))?;
        if let Some(f) = &mut inv_file {
            f.writer()
                .write_all(&inv_buf)
                .map_err(w(invoices::INVOICES_FILE))?;
        }

        if m.on_plan_roster() {
            on_roster += 1;
            text_buf.clear();
            roster_rows += roster::write_member(&world, &m, &mut text_buf);
            ros.writer()
                .write_all(text_buf.as_bytes())
                .map_err(w("roster.csv"))?;
            let mut pay_rng = Rng::stream(req.seed, Stream::Payments, i);
            ledger.member(&world, &m, engaged, &attempts, &mut pay_rng);
            text_buf.clear();
            ledger.write_rows(&m.id, &mut text_buf);
            pay.writer()
                .write_all(text_buf.as_bytes())
                .map_err(w("payments.csv"))?;
        }
    }

    let mut by_rule = BTreeMap::new();
    for (k, n) in bad.counts.iter().enumerate() {
        if *n > 0 {
            by_rule.insert(bad_rows::KINDS[k].id, *n);
        }
    }
    let mut by_kind = BTreeMap::new();
    for e in &ledger.errors {
        *by_kind.entry(e.kind.key()).or_insert(0u64) += 1;
    }
    let counts = Counts {
        encounters: seq,
        good_rows: seq - bad_count,
        bad_rows: bad_count,
        bad_rows_by_rule: by_rule,
        members: req.members,
        members_on_roster: on_roster,
        roster_rows,
        payments: ledger.payment_count,
        expected_payments: ledger.expected_count,
        payment_errors: ledger.errors.len() as u64,
        payment_errors_by_kind: by_kind,
    };
    let totals = truth::provider_totals(&world.orgs, &ledger.totals);
    truth_out
        .finish(&ledger.errors, &counts, &totals)
        .map_err(w("truth.json"))?;
    for f in [enc, ros, pay, tru].into_iter().chain(inv_file) {
        f.finish()?;
    }
    let committed = set.commit()?;
    Ok(SynthSummary {
        written: committed.written,
        removed: committed.removed,
        period,
        encounters: seq,
        bad_rows: bad_count,
        roster_rows,
        payments: ledger.payment_count,
        payment_errors: ledger.errors.len() as u64,
        invoice_lines: inv_lines.count,
    })
}

/// Parts per million as a decimal share (`200000` -> `0.2`).
fn rate_text(ppm: u32) -> String {
    (Decimal::from(ppm) / Decimal::from(1_000_000))
        .normalize()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_without_floats() {
        assert_eq!(parse_rate("0.2"), Ok(200_000));
        assert_eq!(parse_rate("0"), Ok(0));
        assert_eq!(parse_rate("1"), Ok(1_000_000));
        assert_eq!(parse_rate("0.000001"), Ok(1));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("0.0000001").is_err());
        assert!(parse_rate("abc").is_err());
        assert_eq!(rate_text(200_000), "0.2");
        assert_eq!(rate_text(0), "0");
    }

    #[test]
    fn start_months_parse() {
        assert_eq!(parse_start("2025-03").unwrap().to_string(), "2025-03-01");
        assert!(parse_start("2021-12").is_err());
        assert!(parse_start("2025-3").is_err());
        assert!(parse_start("2025-13").is_err());
    }
}
