//! Rules for `ecm invoice` beyond the encounter and coding rules (`INV-`).

use super::{Rule, Severity};

/// INV-001: the service date is outside the invoice period.
pub static OUTSIDE_PERIOD: Rule = Rule {
    id: "INV-001",
    severity: Severity::Error,
    applies_to: "invoice",
    title: "the service date is outside the invoice period (--period)",
    fix: "Invoice the row with the month it belongs to (run again with --period set to that month, or without --period for one invoice per month), or correct its service date.",
};

/// This file's rules.
pub(super) static RULES: &[&Rule] = &[&OUTSIDE_PERIOD];
