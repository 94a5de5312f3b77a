//! `ecm`: Medi-Cal Enhanced Care Management billing: encounters to HCPCS codes, 837P claims and
//! invoices, plan-side ingest, PMPM reconciliation, and auditor tooling for X12 files.

pub mod model;
pub mod x12;
