//! The operations behind each subcommand: library functions the thin CLI calls, and tests call
//! without a process.

pub mod check;
pub mod claims;
pub mod demo;
pub mod diff;
pub mod ingest;
pub mod intake;
pub mod invoice;
pub mod map;
pub mod reconcile;
pub mod render;
pub mod run;
