//! Totals per code + modifiers, as summaries and invoices show them.

use super::ServiceLine;
use crate::digest::FnvHashMap;
use crate::model::{Hcpcs, Modifiers, Money};
use serde::Serialize;

/// Lines, units and charges for one code + modifiers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeTotal {
    pub hcpcs: String,
    pub modifiers: String,
    pub lines: u64,
    pub units: u64,
    pub charge: Money,
}

/// Lines, units and charges per code + modifiers, in code order.
pub fn code_totals<'a, 'cs: 'a>(
    lines: impl Iterator<Item = &'a ServiceLine<'cs>>,
) -> Vec<CodeTotal> {
    // Keyed by the codes themselves (no allocation per line); spelled out, and put in text
    // order, at the end.
    let mut by: FnvHashMap<(Hcpcs, Modifiers), (u64, u64, Money)> = FnvHashMap::default();
    for l in lines {
        let e = by
            .entry((l.coding.hcpcs, l.coding.modifiers))
            .or_insert((0, 0, Money::ZERO));
        e.0 += 1;
        e.1 += u64::from(l.coding.units);
        e.2 += l.coding.charge;
    }
    let mut out: Vec<CodeTotal> = by
        .into_iter()
        .map(|((hcpcs, modifiers), (lines, units, charge))| CodeTotal {
            hcpcs: hcpcs.to_string(),
            modifiers: modifiers.join(":"),
            lines,
            units,
            charge,
        })
        .collect();
    out.sort_by(|a, b| (&a.hcpcs, &a.modifiers).cmp(&(&b.hcpcs, &b.modifiers)));
    out
}
