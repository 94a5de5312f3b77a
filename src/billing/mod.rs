//! Billing: coded encounters held compactly, grouped into claims, and turned into the 837P
//! document model. Pure functions over values; writing files is the caller's business.

mod claim_plan;
mod code_totals;
mod corrections;
pub use crate::digest;
mod repeated_service;
mod service_line;
mod to_837;

pub use claim_plan::{
    Claims, MAX_DIAGNOSES_PER_CLAIM, MAX_LINES_PER_CLAIM, MAX_POINTERS_PER_LINE, PlannedClaim,
    PlannedLine, claim_order, plan_claims,
};
pub use code_totals::{
    CodeTally, CodeTotal, code_totals, code_totals_by, net_charge, sum_code_totals,
};
pub use corrections::{CorrectingRows, correction_claims};
pub use repeated_service::{SeenServices, ServiceKey, repeated_service, take_repeated_services};
pub use service_line::{
    LineId, Ranks, Registry, ServiceLine, Slot, order_lines, prefetch_ahead, sort_keyed_lines,
};
pub use to_837::{
    MAX_CLAIMS_PER_TRANSACTION, Parties, billing_provider, content_control_number, transaction,
};
