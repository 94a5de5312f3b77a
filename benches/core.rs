//! Micro-benchmarks of the pure core on `ecm synth` data: reading and checking encounter rows
//! (CSV tokenizing included), coding, grouping lines into claims and writing 837P. Whole-command
//! timings at 10 k / 100 k / 1 M encounters are `benches/run.sh`'s job.
//!
//! Run: `cargo bench --bench core` (set `ECM_BENCH_MEMBERS` to change the data size).

use chrono::NaiveDate;
use ecm::billing::{
    Claims, MAX_CLAIMS_PER_TRANSACTION, Registry, ServiceLine, claim_order, envelope, transaction,
};
use ecm::clock::Clock;
use ecm::codeset::CodeSet;
use ecm::coding::code_encounter;
use ecm::config::Config;
use ecm::encounters::{IntakeContext, read_encounters};
use ecm::model::Encounter;
use ecm::synth::{SynthRequest, run_synth};
use ecm::x12::{InterchangeWriter, WriteOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// One synthetic data set, made once per bench run.
struct Data {
    _dir: tempfile::TempDir,
    encounters_csv: PathBuf,
    config: Config,
    codeset: CodeSet,
    encounters: Vec<Encounter>,
    as_of: NaiveDate,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let members = std::env::var("ECM_BENCH_MEMBERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3_000);
        let dir = tempfile::tempdir().expect("temporary directory");
        let codeset = CodeSet::embedded().expect("built-in code set");
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
        run_synth(&SynthRequest {
            members,
            months: 3,
            seed: 1,
            start,
            bad_rate_ppm: 0,
            out_dir: dir.path(),
            force: false,
            codeset: &codeset,
        })
        .expect("synth writes its data set");
        let config = Config::load(&dir.path().join("ecm.toml")).expect("synth's config loads");
        let encounters_csv = dir.path().join("encounters.csv");
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date");
        let mut encounters = Vec::new();
        read_encounters(
            std::slice::from_ref(&encounters_csv),
            &IntakeContext {
                codeset: &codeset,
                config: &config,
                as_of,
            },
            |o| encounters.extend(o.encounter),
            &mut |_, _| {},
        )
        .expect("synth's encounters read");
        Data {
            _dir: dir,
            encounters_csv,
            config,
            codeset,
            encounters,
            as_of,
        }
    })
}

fn rows() -> usize {
    data().encounters.len()
}

/// CSV tokenizing plus every per-row and cross-row check, per row.
#[divan::bench]
fn read_and_check_rows(bencher: divan::Bencher) {
    let d = data();
    let ctx = IntakeContext {
        codeset: &d.codeset,
        config: &d.config,
        as_of: d.as_of,
    };
    bencher
        .counter(divan::counter::ItemsCount::new(rows()))
        .bench(|| {
            let mut accepted = 0usize;
            read_encounters(
                std::slice::from_ref(&d.encounters_csv),
                &ctx,
                |o| accepted += usize::from(o.encounter.is_some()),
                &mut |_, _| {},
            )
            .expect("reads");
            accepted
        });
}

/// Encounter -> HCPCS, modifiers, units, charge, per encounter.
#[divan::bench]
fn code_encounters(bencher: divan::Bencher) {
    let d = data();
    bencher
        .counter(divan::counter::ItemsCount::new(rows()))
        .bench(|| {
            d.encounters
                .iter()
                .filter_map(|e| {
                    let payer = d.config.payer_index(&e.payer)?;
                    code_encounter(e, &d.codeset, &d.config.payers[payer]).ok()
                })
                .count()
        });
}

/// Coded lines and their registry, as `ecm claims` holds them before grouping.
fn coded() -> (Vec<ServiceLine<'static>>, Registry) {
    let d = data();
    let mut registry = Registry::default();
    let lines = d
        .encounters
        .iter()
        .filter_map(|e| {
            let p = d.config.payer_index(&e.payer)?;
            let c = code_encounter(e, &d.codeset, &d.config.payers[p]).ok()?;
            Some(ServiceLine::new(e, p as u16, c, &mut registry))
        })
        .collect();
    (lines, registry)
}

/// Sorting and grouping every payer's lines into claims, per line.
#[divan::bench]
fn group_into_claims(bencher: divan::Bencher) {
    let d = data();
    let (lines, registry) = coded();
    let ranks = registry.ranks();
    bencher
        .counter(divan::counter::ItemsCount::new(lines.len()))
        .bench(|| {
            let mut claims = 0usize;
            for (pi, payer) in d.config.payers.iter().enumerate() {
                let which =
                    (0..lines.len() as u32).filter(|&i| lines[i as usize].payer as usize == pi);
                let order = claim_order(&lines, which, &ranks, payer.claim_grouping);
                claims += Claims::new(
                    &lines,
                    &order,
                    &registry,
                    &ranks,
                    &payer.key,
                    payer.claim_grouping,
                )
                .count();
            }
            claims
        });
}

/// Claims to 837P bytes (document model plus our writer with its checks), per line.
#[divan::bench]
fn write_837(bencher: divan::Bencher) {
    let d = data();
    let (lines, registry) = coded();
    let ranks = registry.ranks();
    let side = d
        .config
        .provider_side()
        .expect("synth configures a provider");
    let clock = Clock {
        date: d.as_of,
        time: chrono::NaiveTime::MIN,
    };
    let planned: Vec<_> = d
        .config
        .payers
        .iter()
        .enumerate()
        .map(|(pi, payer)| {
            let which = (0..lines.len() as u32).filter(|&i| lines[i as usize].payer as usize == pi);
            let order = claim_order(&lines, which, &ranks, payer.claim_grouping);
            let claims: Vec<_> = Claims::new(
                &lines,
                &order,
                &registry,
                &ranks,
                &payer.key,
                payer.claim_grouping,
            )
            .collect();
            (payer, claims)
        })
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(lines.len()))
        .bench(|| {
            let mut bytes = 0usize;
            for (payer, claims) in &planned {
                let env = envelope(&side, payer, &clock, 1);
                let mut w = InterchangeWriter::begin(Vec::new(), &env, WriteOptions::default())
                    .expect("envelope writes");
                for (n, chunk) in claims.chunks(MAX_CLAIMS_PER_TRANSACTION).enumerate() {
                    let t = transaction(chunk, &lines, &registry, &side, payer, &clock, 1, n + 1);
                    w.write_transaction(&t).expect("valid transaction");
                }
                bytes += w.finish().expect("interchange closes").0.len();
            }
            bytes
        });
}
