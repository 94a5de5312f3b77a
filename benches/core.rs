//! Micro-benchmarks of the pure core on `ecm synth` data: reading and checking encounter rows
//! (CSV tokenizing included), coding, grouping lines into claims and writing 837P. Whole-command
//! timings at 10 k / 100 k / 1 M encounters are `benches/run.sh`'s job.
//!
//! Run: `cargo bench --bench core` (set `ECM_BENCH_MEMBERS` to change the data size).

use chrono::NaiveDate;
use ecm::billing::{
    Claims, MAX_CLAIMS_PER_TRANSACTION, Parties, PlannedClaim, Registry, ServiceLine,
    billing_provider, claim_order, transaction,
};
use ecm::clock::Clock;
use ecm::codeset::CodeSet;
use ecm::coding::code_encounter_sharing;
use ecm::config::Config;
use ecm::encounters::{IntakeContext, read_encounters};
use ecm::model::Encounter;
use ecm::ops::reconcile::month_range;
use ecm::ops::reconcile::roster_file::read_roster;
use ecm::reconcile::Reconciler;
use ecm::synth::{SynthRequest, run_synth};
use ecm::x12::read::{Tokenizer, read_837};
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
    roster_csv: PathBuf,
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
            invoices: false,
            shape: Default::default(),
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
            |o| encounters.extend(o.encounter.map(|e| e.clone())),
            &mut |_, _| {},
        )
        .expect("synth's encounters read");
        Data {
            roster_csv: dir.path().join("roster.csv"),
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
    // As `ecm claims` codes: diagnosis lists shared through the registry.
    let mut registry = Registry::default();
    bencher
        .counter(divan::counter::ItemsCount::new(rows()))
        .bench_local(|| {
            d.encounters
                .iter()
                .filter_map(|e| {
                    let payer = d.config.payer_index(&e.payer)?;
                    code_encounter_sharing(e, &d.codeset, &d.config.payers[payer], &mut |dx| {
                        registry.diagnoses_of(dx)
                    })
                    .ok()
                })
                .count()
        });
}

/// Coded lines and their registry, as `ecm claims` holds them before grouping (made once).
fn coded() -> (&'static [ServiceLine<'static>], &'static Registry) {
    static CODED: OnceLock<(Vec<ServiceLine<'static>>, Registry)> = OnceLock::new();
    let (lines, registry) = CODED.get_or_init(|| {
        let d = data();
        let mut registry = Registry::default();
        let lines = d
            .encounters
            .iter()
            .filter_map(|e| {
                let p = d.config.payer_index(&e.payer)?;
                let c = code_encounter_sharing(e, &d.codeset, &d.config.payers[p], &mut |dx| {
                    registry.diagnoses_of(dx)
                })
                .ok()?;
                Some(ServiceLine::new(e, p as u16, c, &mut registry))
            })
            .collect();
        (lines, registry)
    });
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
                let order = claim_order(lines, registry, which, &ranks, payer.claim_grouping);
                claims += Claims::new(
                    lines,
                    &order,
                    registry,
                    &ranks,
                    &payer.key,
                    payer.claim_grouping,
                )
                .count();
            }
            claims
        });
}

/// One payer's planned claims with the parties its interchange names.
type PayerClaims = (Parties, Vec<PlannedClaim>);

/// Writes every payer's interchange; the bytes of each.
fn write_all(planned: &[PayerClaims]) -> Vec<Vec<u8>> {
    let d = data();
    let (lines, registry) = coded();
    let side = d
        .config
        .provider_side()
        .expect("synth configures a provider");
    let billing = billing_provider(side.provider);
    let clock = Clock {
        date: d.as_of,
        time: chrono::NaiveTime::MIN,
    };
    planned
        .iter()
        .map(|(parties, claims)| {
            let env = parties.envelope(&clock, 1);
            let mut w = InterchangeWriter::begin(Vec::new(), &env, WriteOptions::default())
                .expect("envelope writes");
            for (n, chunk) in claims.chunks(MAX_CLAIMS_PER_TRANSACTION).enumerate() {
                let t = transaction(chunk, lines, registry, parties, &billing, &clock, 1, n + 1);
                w.write_transaction(&t).expect("valid transaction");
            }
            w.finish().expect("interchange closes").0
        })
        .collect()
}

/// Every payer's claims, planned once.
fn planned() -> &'static [PayerClaims] {
    static PLANNED: OnceLock<Vec<PayerClaims>> = OnceLock::new();
    PLANNED.get_or_init(|| {
        let d = data();
        let (lines, registry) = coded();
        let ranks = registry.ranks();
        let side = d
            .config
            .provider_side()
            .expect("synth configures a provider");
        d.config
            .payers
            .iter()
            .enumerate()
            .map(|(pi, payer)| {
                let which =
                    (0..lines.len() as u32).filter(|&i| lines[i as usize].payer as usize == pi);
                let order = claim_order(lines, registry, which, &ranks, payer.claim_grouping);
                let claims: Vec<_> = Claims::new(
                    lines,
                    &order,
                    registry,
                    &ranks,
                    &payer.key,
                    payer.claim_grouping,
                )
                .collect();
                (Parties::for_payer(&side, payer), claims)
            })
            .collect()
    })
}

/// Claims to 837P bytes (document model plus our writer with its checks), per line.
#[divan::bench]
fn write_837(bencher: divan::Bencher) {
    let planned = planned();
    bencher
        .counter(divan::counter::ItemsCount::new(coded().0.len()))
        .bench(|| write_all(planned).iter().map(Vec::len).sum::<usize>());
}

/// The 837 files [`write_837`] writes, made once.
fn files_837() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| write_all(planned()))
}

/// Our X12 tokenizer over those 837s, per segment.
#[divan::bench]
fn tokenize_837(bencher: divan::Bencher) {
    let files = files_837();
    let count = |f: &[u8]| {
        let mut t = Tokenizer::new(f);
        let mut n = 0usize;
        while t.next_segment().expect("our own 837 tokenizes").is_some() {
            n += 1;
        }
        n
    };
    let segments: usize = files.iter().map(|f| count(f)).sum();
    bencher
        .counter(divan::counter::ItemsCount::new(segments))
        .bench(|| files.iter().map(|f| count(f)).sum::<usize>());
}

/// The 837P reader (tokenizer, grammar placement, typed claim model), per claim.
#[divan::bench]
fn read_837_claims(bencher: divan::Bencher) {
    let files = files_837();
    let claims: usize = planned().iter().map(|(_, c)| c.len()).sum();
    bencher
        .counter(divan::counter::ItemsCount::new(claims))
        .bench(|| {
            files
                .iter()
                .map(|f| read_837(&f[..]).expect("our own 837 reads").len())
                .sum::<usize>()
        });
}

/// Member-month expansion: every roster span over the months it covers, under its contract's
/// rule and tier (no encounters, no payments), per member-month row.
#[divan::bench]
fn expand_member_months(bencher: divan::Bencher) {
    let d = data();
    let roster = read_roster(&d.roster_csv, &d.codeset).expect("synth's roster reads");
    let months = month_range(&roster.spans, None, None, d.as_of).expect("roster has spans");
    let rows = Reconciler::new(&d.config.contracts, roster.spans.clone(), months)
        .finish()
        .rows
        .len();
    bencher
        .counter(divan::counter::ItemsCount::new(rows))
        .bench(|| {
            Reconciler::new(&d.config.contracts, roster.spans.clone(), months)
                .finish()
                .rows
                .len()
        });
}
