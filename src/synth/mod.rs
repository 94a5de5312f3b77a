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
pub mod members;
pub mod names;
pub mod period;
pub mod places;
pub mod rng;
pub mod world;
