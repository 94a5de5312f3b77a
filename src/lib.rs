//! `ecm`: Medi-Cal Enhanced Care Management billing: encounters to HCPCS codes, 837P claims and
//! invoices, plan-side ingest, PMPM reconciliation, and auditor tooling for X12 files.

pub mod billing;
pub mod claim_diff;
pub mod cli;
pub mod clock;
pub mod codeset;
pub mod coding;
pub mod config;
pub mod digest;
pub mod encounters;
pub mod fp_table;
pub mod input;
pub mod invoice;
pub mod model;
pub mod ops;
pub mod output;
pub mod pipeline;
pub mod prefetch;
pub mod reconcile;
pub mod report;
pub mod rules;
pub mod synth;
pub mod x12;
