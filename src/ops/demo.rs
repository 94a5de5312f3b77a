//! `ecm demo`: the built-in examples, written out and run through map and claims.

use crate::clock::Clock;
use crate::codeset::CodeSet;
use crate::config::Config;
use crate::encounters::IntakeContext;
use crate::ops::claims::{ClaimsError, ClaimsOutcome, ClaimsRequest, run_claims};
use crate::ops::map::{MapCounts, map_encounters};
use crate::output::{OutputError, OutputSet};
use crate::report::map::MapWriter;
use std::path::{Path, PathBuf};

/// The example configuration (also at `examples/ecm.toml`).
pub const EXAMPLE_CONFIG: &str = include_str!("../../examples/ecm.toml");
/// The example encounters (also at `examples/encounters.csv`).
pub const EXAMPLE_ENCOUNTERS: &str = include_str!("../../examples/encounters.csv");
/// The demo's fixed clock, so everyone's demo output is byte-identical.
pub const DEMO_AS_OF: &str = "2026-11-01T09:00";

/// What the demo wrote.
#[derive(Debug)]
pub struct DemoOutcome {
    pub config_path: PathBuf,
    pub encounters_path: PathBuf,
    pub map_path: PathBuf,
    pub map_counts: MapCounts,
    pub claims_dir: PathBuf,
    pub claims: ClaimsOutcome,
}

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    #[error("the built-in example is broken: {0}")]
    Example(String),
    #[error(
        "{first} already exists{more}; ecm demo replaces nothing without --force (the inputs it wrote there may hold your edits): pass --force to write the demo again, or choose another --out directory"
    )]
    Exists { first: String, more: String },
}

/// Every file the demo writes under `out`, so an existing one is found before any is written.
fn demo_files(out: &Path, config: &Config) -> Vec<PathBuf> {
    let mut v = vec![
        out.join("input").join("ecm.toml"),
        out.join("input").join("encounters.csv"),
        out.join("map.csv"),
    ];
    let claims = out.join("claims");
    v.extend(
        crate::ops::claims::output_names(config)
            .iter()
            .map(|n| claims.join(n)),
    );
    v
}

/// Writes the examples under `out/input/`, the map under `out/map.csv` and the claims under
/// `out/claims/`. An existing file of the demo's (an earlier demo, with the user's edits to its
/// inputs, say) stops it before anything is written, unless `force`.
pub fn run_demo(
    out: &Path,
    codeset: &CodeSet,
    clock: Option<Clock>,
    force: bool,
) -> Result<DemoOutcome, DemoError> {
    let clock = match clock {
        Some(c) => c,
        None => Clock::parse(DEMO_AS_OF).map_err(|e| DemoError::Example(e.to_string()))?,
    };
    let input = out.join("input");
    let config_path = input.join("ecm.toml");
    let config = Config::parse(EXAMPLE_CONFIG, &config_path.display().to_string())
        .map_err(|e| DemoError::Example(e.to_string()))?;
    if !force {
        let existing: Vec<PathBuf> = demo_files(out, &config)
            .into_iter()
            .filter(|p| p.exists())
            .collect();
        if let Some(first) = existing.first() {
            return Err(DemoError::Exists {
                first: first.display().to_string(),
                more: match existing.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} more of the demo's files)"),
                },
            });
        }
    }
    let mut files = OutputSet::prepare(&input, &[], true)?;
    files.write_all("ecm.toml", EXAMPLE_CONFIG.as_bytes())?;
    files.write_all("encounters.csv", EXAMPLE_ENCOUNTERS.as_bytes())?;
    files.commit()?;
    let encounters_path = input.join("encounters.csv");
    let inputs = vec![encounters_path.clone()];

    let ctx = IntakeContext {
        codeset,
        config: &config,
        as_of: clock.date,
    };
    let mut map_file = OutputSet::prepare(out, &[], true)?;
    let mut staged = map_file.create("map.csv")?;
    let mut w = MapWriter::csv(staged.writer()).map_err(|source| OutputError::Write {
        file: "map.csv".into(),
        source,
    })?;
    let mut werr = None;
    let (map_counts, _, _) = map_encounters(
        &inputs,
        &ctx,
        |row| {
            if werr.is_none() {
                werr = w.row(&row).err();
            }
        },
        &mut |_, _| {},
    )
    .map_err(|e| DemoError::Example(e.to_string()))?;
    let fin = w.finish();
    if let Some(source) = werr.or(fin.err()) {
        return Err(OutputError::Write {
            file: "map.csv".into(),
            source,
        }
        .into());
    }
    staged.finish()?;
    map_file.commit()?;

    let claims_dir = out.join("claims");
    let claims = run_claims(
        &ClaimsRequest {
            inputs: &inputs,
            out_dir: &claims_dir,
            config: &config,
            codeset,
            clock,
            strict: false,
            force: true,
            control_number: None,
        },
        &mut |_, _| {},
    )?;
    Ok(DemoOutcome {
        config_path,
        encounters_path,
        map_path: out.join("map.csv"),
        map_counts,
        claims_dir,
        claims,
    })
}
