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
    let mut tally = CodeTally::default();
    for l in lines {
        tally.add(l, charge(l));
    }
    tally.totals()
}

/// [`code_totals_by`] a line at a time, for loops that gather other things from the lines too.
#[derive(Debug, Default)]
pub struct CodeTally {
    // Keyed by the codes themselves (no allocation per line); spelled out, and put in text
    // order, at the end.
    by: FnvHashMap<(Hcpcs, Modifiers), (u64, u64, Money)>,
}

impl CodeTally {
    /// Counts line `l`, with `charge` as its charge.
    pub fn add(&mut self, l: &ServiceLine, charge: Money) {
        let e = self
            .by
            .entry((l.coding.hcpcs, l.coding.modifiers))
            .or_insert((0, 0, Money::ZERO));
        e.0 += 1;
        e.1 += u64::from(l.coding.units);
        e.2 += charge;
    }

    /// The totals, in code order.
    pub fn totals(self) -> Vec<CodeTotal> {
        let mut out: Vec<CodeTotal> = self
            .by
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
}

/// Totals of disjoint sets of lines (each invoice's) added up: what [`code_totals_by`] gives on
/// all the lines together, without reading them again.
pub fn sum_code_totals<'a>(parts: impl IntoIterator<Item = &'a [CodeTotal]>) -> Vec<CodeTotal> {
    let mut by: std::collections::BTreeMap<(&str, &str), (u64, u64, Money)> =
        std::collections::BTreeMap::new();
    for t in parts.into_iter().flatten() {
        let e = by
            .entry((&t.hcpcs, &t.modifiers))
            .or_insert((0, 0, Money::ZERO));
        e.0 += t.lines;
        e.1 += t.units;
        e.2 += t.charge;
    }
    by.into_iter()
        .map(|((hcpcs, modifiers), (lines, units, charge))| CodeTotal {
            hcpcs: hcpcs.to_string(),
            modifiers: modifiers.to_string(),
            lines,
            units,
            charge,
        })
        .collect()
}

#[cfg(test)]
mod sum_tests {
    use super::*;

    fn t(hcpcs: &str, modifiers: &str, lines: u64, units: u64, charge: &str) -> CodeTotal {
        CodeTotal {
            hcpcs: hcpcs.into(),
            modifiers: modifiers.into(),
            lines,
            units,
            charge: Money::parse(charge).unwrap(),
        }
    }

    #[test]
    fn sums_the_same_code_across_parts_in_code_order() {
        let a = [t("G9012", "", 2, 2, "60"), t("G9008", "U1", 1, 1, "10.50")];
        let b = [t("G9008", "U1", 3, 4, "-0.25"), t("G9008", "", 1, 1, "5")];
        assert_eq!(
            sum_code_totals([&a[..], &b[..], &[]]),
            [
                t("G9008", "", 1, 1, "5"),
                t("G9008", "U1", 4, 5, "10.25"),
                t("G9012", "", 2, 2, "60"),
            ]
        );
        assert!(sum_code_totals([]).is_empty());
    }
}
