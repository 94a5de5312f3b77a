//! The operations behind each subcommand: library functions the thin CLI calls, and tests call
//! without a process.

pub mod claims;
pub mod demo;
pub mod map;
pub mod reconcile;
