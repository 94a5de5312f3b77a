//! Totals per code + modifiers, as summaries and invoices show them, and what one line adds to
//! the money an invoice asks for.

use super::{Registry, ServiceLine};
use crate::digest::FnvHashMap;
use crate::model::{ClaimFrequency, Hcpcs, Modifiers, Money};
use serde::Serialize;

/// What line `l` adds to the money claimed on an invoice (and counted by `ecm ingest`): its
/// charge, or for a void its charge as a credit, below zero, since a void takes back what the
/// line it cancels billed. The 837 is another matter: a void claim carries the original charge
/// (CLM05-3 = 8 says it is cancelled), so `l.coding.charge` itself stays the original.
pub fn net_charge(l: &ServiceLine, reg: &Registry) -> Money {
    let void = l
        .correction
        .is_some_and(|c| reg.corrections[c.index()].frequency == ClaimFrequency::Void);
    if void && !l.coding.charge.is_zero() {
        -l.coding.charge
    } else {
        l.coding.charge
    }
}

/// Lines, units and charges for one code + modifiers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeTotal {
    pub hcpcs: String,
    pub modifiers: String,
    pub lines: u64,
    pub units: u64,
    pub charge: Money,
}

/// Lines, units and charges per code + modifiers, in code order, each line's charge as the
/// 837 carries it.
pub fn code_totals<'a, 'cs: 'a>(
    lines: impl Iterator<Item = &'a ServiceLine<'cs>>,
) -> Vec<CodeTotal> {
    code_totals_by(lines, |l| l.coding.charge)
}

/// [`code_totals`] with each line's charge as `charge` gives it (e.g. [`net_charge`]).
pub fn code_totals_by<'a, 'cs: 'a>(
    lines: impl Iterator<Item = &'a ServiceLine<'cs>>,
    charge: impl Fn(&ServiceLine) -> Money,
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
        e.2 += charge(l);
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
