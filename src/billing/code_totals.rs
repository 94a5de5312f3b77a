//! Totals per code + modifiers, as summaries and invoices show them.

use super::ServiceLine;
use crate::model::Money;
use serde::Serialize;
use std::collections::BTreeMap;

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
    let mut by: BTreeMap<(String, String), (u64, u64, Money)> = BTreeMap::new();
    for l in lines {
        let e = by
            .entry((l.coding.hcpcs.to_string(), l.coding.modifiers.join(":")))
            .or_insert((0, 0, Money::ZERO));
        e.0 += 1;
        e.1 += u64::from(l.coding.units);
        e.2 += l.coding.charge;
    }
    by.into_iter()
        .map(|((hcpcs, modifiers), (lines, units, charge))| CodeTotal {
            hcpcs,
            modifiers,
            lines,
            units,
            charge,
        })
        .collect()
}
