//! Envelope checks: the file holds 837 transaction sets (GS01 `HC`, ST01 `837`), each trailer
//! repeats its header's control number (ISA13/IEA02, GS06/GE02, ST02/SE02) and counts what it
//! closes (SE01 segments, GE01 transaction sets, IEA01 groups); ST03 names the 837P guide, as
//! GS08 does; no control number repeats within what holds it (ST02 in its group, GS06 in its
//! interchange, ISA13 in the file).

use super::finding::CheckFinding;
use crate::rules::check::{
    BAD_CODE, CONTROL_NUMBER_MISMATCH, DUPLICATE_CONTROL_NUMBER, NOT_837P, WRONG_COUNT,
};
use crate::x12::{Placement, Segment};
use std::collections::HashSet;

/// The guide an 837P transaction set follows (GS08 and ST03).
const GUIDE: &str = "005010X222A1";

/// What the open envelopes said and hold so far.
#[derive(Debug, Default)]
pub(super) struct Envelopes {
    isa13: String,
    gs06: String,
    st02: String,
    gs08: String,
    /// GS groups in the current interchange, ST sets in the current group.
    groups: u64,
    sets: u64,
    /// The control numbers used so far: ISA13 in the file, GS06 in the interchange, ST02 in the
    /// group (ISA13 and GS06 as numbers, so `0905` repeats `905`).
    isa13s: HashSet<String>,
    gs06s: HashSet<String>,
    st02s: HashSet<String>,
}

impl Envelopes {
    /// Called before a segment is placed: `false` (after reporting it) when a GS or ST says the
    /// file holds another kind of transaction set, whose segments the 837 grammar cannot place.
    pub(super) fn before_placing(
        &self,
        seg: &Segment<'_>,
        emit: &mut dyn FnMut(CheckFinding),
    ) -> bool {
        let (element, expected, loop_id) = match seg.id() {
            "GS" => ("GS01", "HC", "GS_LOOP"),
            "ST" => ("ST01", "837", "ST_LOOP"),
            _ => return true,
        };
        let found = seg.element(1);
        if found == expected {
            return true;
        }
        let shown: String = found.chars().take(3).collect();
        emit(
            CheckFinding::at(
                &NOT_837P,
                seg.position(),
                seg.id(),
                Some(loop_id),
                format!(
                    "{element} is {shown:?}, not {expected:?}: this is not an 837 claim file, so it was not checked further"
                ),
            )
            .element(element),
        );
        false
    }

    /// Records a header, or checks a trailer against it.
    pub(super) fn placed(
        &mut self,
        seg: &Segment<'_>,
        p: &Placement,
        emit: &mut dyn FnMut(CheckFinding),
    ) {
        let mut report = |element: &str, rule, message: String| {
            emit(
                CheckFinding::at(rule, seg.position(), seg.id(), Some(p.loop_def.id), message)
                    .element(element),
            );
        };
        // ISA13 and GS06 are numbers (N0); ST02 is text (AN).
        let mut repeated = |element: &str, number: &str, seen: &mut HashSet<String>, within| {
            let key = match element {
                "ST02" => number.to_string(),
                _ => canonical_number(number),
            };
            if !number.is_empty() && !seen.insert(key) {
                report(
                    element,
                    &DUPLICATE_CONTROL_NUMBER,
                    format!("{element} {number:?} repeats an earlier {element} {within}"),
                );
            }
        };
        match seg.id() {
            "ISA" => {
                self.isa13 = seg.element(13).to_string();
                self.groups = 0;
                self.gs06s.clear();
                repeated("ISA13", seg.element(13), &mut self.isa13s, "in this file");
            }
            "GS" => {
                self.gs06 = seg.element(6).to_string();
                self.gs08 = seg.element(8).to_string();
                self.groups += 1;
                self.sets = 0;
                self.st02s.clear();
                repeated(
                    "GS06",
                    seg.element(6),
                    &mut self.gs06s,
                    "in this interchange",
                );
            }
            "ST" => {
                self.st02 = seg.element(2).to_string();
                self.sets += 1;
                repeated(
                    "ST02",
                    seg.element(2),
                    &mut self.st02s,
                    "in this functional group",
                );
                let st03 = seg.element(3);
                if st03 != GUIDE {
                    let gs08 = if self.gs08 == GUIDE || self.gs08 == st03 {
                        String::new()
                    } else {
                        format!(" (GS08 says {:?}, and must say the same)", self.gs08)
                    };
                    report(
                        "ST03",
                        &BAD_CODE,
                        format!(
                            "ST03 (Implementation Convention Reference) is {st03:?}, but an 837P transaction set names its guide {GUIDE:?} there, as GS08 does{gs08}"
                        ),
                    );
                }
            }
            "SE" => {
                let counted = seg.position().in_set.map(u64::from);
                if let (Some(counted), Ok(said)) = (counted, seg.element(1).parse::<u64>())
                    && said != counted
                {
                    report(
                        "SE01",
                        &WRONG_COUNT,
                        format!(
                            "SE01 says {said} segments but the set has {counted}, ST and SE included"
                        ),
                    );
                }
                if seg.element(2) != self.st02 {
                    report(
                        "SE02",
                        &CONTROL_NUMBER_MISMATCH,
                        format!(
                            "SE02 {:?} differs from ST02 {:?}",
                            seg.element(2),
                            self.st02
                        ),
                    );
                }
            }
            "GE" => {
                if let Ok(said) = seg.element(1).parse::<u64>()
                    && said != self.sets
                {
                    report(
                        "GE01",
                        &WRONG_COUNT,
                        format!(
                            "GE01 says {said} transaction sets but the group has {}",
                            self.sets
                        ),
                    );
                }
                if !same_number(seg.element(2), &self.gs06) {
                    report(
                        "GE02",
                        &CONTROL_NUMBER_MISMATCH,
                        format!(
                            "GE02 {:?} differs from GS06 {:?}",
                            seg.element(2),
                            self.gs06
                        ),
                    );
                }
            }
            "IEA" => {
                if let Ok(said) = seg.element(1).parse::<u64>()
                    && said != self.groups
                {
                    report(
                        "IEA01",
                        &WRONG_COUNT,
                        format!(
                            "IEA01 says {said} functional groups but the interchange has {}",
                            self.groups
                        ),
                    );
                }
                if !same_number(seg.element(2), &self.isa13) {
                    report(
                        "IEA02",
                        &CONTROL_NUMBER_MISMATCH,
                        format!(
                            "IEA02 {:?} differs from ISA13 {:?}",
                            seg.element(2),
                            self.isa13
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

/// A control number as compared for repeats: without leading zeros when it is a number.
fn canonical_number(n: &str) -> String {
    n.parse::<u64>()
        .map_or_else(|_| n.to_string(), |x| x.to_string())
}

/// Control numbers are numeric (N0): `000000905` and `905` are the same number.
fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
