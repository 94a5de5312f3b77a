//! The same service billed twice: two lines for one payer, member, service date, HCPCS code and
//! modifiers. The state rejects duplicate service lines (and one duplicate fails the whole
//! encounter), and `ecm ingest` refuses them (ING-028), so the provider side refuses the later
//! row too, naming the earlier one, rather than send a file the plan will bounce.

use super::{Registry, ServiceLine};
use crate::digest::{Fingerprint, FingerprintKeyed};
use crate::model::{Hcpcs, Modifiers, RowRef};
use crate::rules::{self, Finding};
use chrono::{Datelike, NaiveDate};

/// What makes two lines the same service. Correcting rows (replace, void) are not compared:
/// they repeat the service of the line they correct on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceKey<'a> {
    pub payer: &'a str,
    pub member_id: &'a str,
    pub date: NaiveDate,
    pub hcpcs: Hcpcs,
    pub modifiers: Modifiers,
}

/// The finding for a row whose service repeats the one at `first` (of `first_file`).
pub fn repeated_service(
    key: &ServiceKey,
    file: &str,
    row: u32,
    encounter_id: &str,
    first_file: &str,
    first: RowRef,
    first_id: &str,
) -> Finding {
    let mods = key.modifiers.join(" ");
    let code = if mods.is_empty() {
        key.hcpcs.to_string()
    } else {
        format!("{} {mods}", key.hcpcs)
    };
    Finding {
        rule: &rules::DUPLICATE_SERVICE,
        file: file.to_string(),
        row,
        encounter_id: Some(encounter_id.to_string()),
        field: Some("service_date".into()),
        message: format!(
            "the member already has {code} on {} for payer {} at {first_file} row {} (encounter {first_id}); the state rejects a repeated service line",
            key.date, key.payer, first.row
        ),
    }
}

/// Rows seen so far by their service, for readers that judge rows one at a time (`ecm map`).
#[derive(Default)]
pub struct SeenServices {
    first: FingerprintKeyed<(RowRef, Box<str>)>,
}

impl SeenServices {
    /// The earlier row with this service and its encounter id, or `None` after remembering
    /// this one as the first.
    pub fn check(&mut self, key: &ServiceKey, at: RowRef, id: &str) -> Option<(RowRef, &str)> {
        let fp = Fingerprint::of(key);
        if self.first.contains_key(&fp) {
            return self.first.get(&fp).map(|(r, i)| (*r, &**i));
        }
        self.first.insert(fp, (at, id.into()));
        None
    }
}

/// Takes every line off `lines` that repeats an earlier line's service (earlier in input order,
/// which is `lines`' order) and returns a finding for each, in input order. `files` names the
/// tables a [`RowRef::file`] indexes; `payers` the configured payer keys. Correcting lines are
/// left alone. One sort of packed keys and line indices (32 MB for a million lines), no hash table.
pub fn take_repeated_services(
    lines: &mut Vec<ServiceLine>,
    reg: &Registry,
    files: &[String],
    payers: &[&str],
) -> Vec<(RowRef, Finding)> {
    // The service as one integer (payer, member, day, code: 16 + 32 + 32 + 40 bits), beside the
    // line's index: the sort compares keys lying side by side, and reads a line only where two
    // keys tie, for its modifiers. Sorting indices by a key read from each line on every
    // comparison waited on memory (a million lines are 200 MB) for most of the sort.
    let packed = |l: &ServiceLine| -> u128 {
        let code = l
            .coding
            .hcpcs
            .as_str()
            .bytes()
            .fold(0u128, |k, b| k << 8 | u128::from(b));
        u128::from(l.payer) << 104
            | u128::from(l.member) << 72
            | u128::from(l.service_date.num_days_from_ce() as u32) << 40
            | code
    };
    let mut order: Vec<(u128, u32)> = lines
        .iter()
        .zip(0u32..)
        .filter(|(l, _)| l.correction.is_none())
        .map(|(l, i)| (packed(l), i))
        .collect();
    let modifiers = |i: u32| lines[i as usize].coding.modifiers;
    crate::pipeline::sort_keyed(&mut order, |&a, &b| {
        modifiers(a).cmp(&modifiers(b)).then(a.cmp(&b))
    });
    let same =
        |(ka, a): (u128, u32), (kb, b): (u128, u32)| ka == kb && modifiers(a) == modifiers(b);
    let mut repeated: Vec<(u32, u32)> = Vec::new(); // (line, the first line with its service)
    let mut first = None;
    for w in 0..order.len() {
        let i = order[w].1;
        if w > 0 && same(order[w - 1], order[w]) {
            repeated.push((i, first.expect("set at the run's start")));
        } else {
            first = Some(i);
        }
    }
    drop(order);
    if repeated.is_empty() {
        return Vec::new();
    }
    repeated.sort_unstable();
    let file = |r: RowRef| files.get(r.file as usize).map_or("", String::as_str);
    let findings: Vec<(RowRef, Finding)> = repeated
        .iter()
        .map(|&(i, f)| {
            let (l, fl) = (&lines[i as usize], &lines[f as usize]);
            let k = ServiceKey {
                payer: payers.get(l.payer as usize).copied().unwrap_or(""),
                member_id: &reg.members[l.member as usize].member_id,
                date: l.service_date,
                hcpcs: l.coding.hcpcs,
                modifiers: l.coding.modifiers,
            };
            let finding = repeated_service(
                &k,
                file(l.source),
                l.source.row,
                reg.encounter_id(l),
                file(fl.source),
                fl.source,
                reg.encounter_id(fl),
            );
            (l.source, finding)
        })
        .collect();
    let mut next = repeated.iter().map(|&(i, _)| i).peekable();
    let mut at = 0u32;
    lines.retain(|_| {
        let drop = next.peek() == Some(&at);
        if drop {
            next.next();
        }
        at += 1;
        !drop
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::coding::Coding;
    use crate::model::{Activity, Member, Sex};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Lines of few payers, members, days, codes and modifier lists, so services repeat often;
    /// (payer, member, day, code, modifiers, is a correction) per line.
    fn lines_of<'cs>(
        cs: &'cs CodeSet,
        reg: &mut Registry,
        spec: &[(u16, u8, u8, bool, u8, bool)],
    ) -> Vec<ServiceLine<'cs>> {
        let mods = ["", "U1", "U2", "U1:GQ"];
        spec.iter()
            .enumerate()
            .map(|(n, &(payer, member, day, second_code, m, corrects))| {
                let member = reg.member(
                    payer,
                    &Member {
                        member_id: format!("M-{member}").as_str().into(),
                        cin: None,
                        last_name: "Lastname".into(),
                        first_name: "Firstname".into(),
                        dob: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
                        sex: Sex::Female,
                        address: None,
                    },
                );
                let row = &cs.hcpcs[usize::from(second_code)];
                ServiceLine {
                    source: RowRef {
                        file: 0,
                        row: n as u32 + 2,
                    },
                    encounter_id: reg.line_id(&format!("E-{n}")),
                    payer,
                    member,
                    service_date: NaiveDate::from_ymd_opt(2026, 1, 1 + u32::from(day)).unwrap(),
                    activity: Activity::Assessment,
                    coding: Coding {
                        modifiers: Modifiers::parse(mods[usize::from(m)]).unwrap(),
                        ..Coding::plain(row)
                    },
                    authorization: None,
                    rendering: None,
                    correction: corrects.then(|| {
                        reg.correction(crate::model::Correction {
                            frequency: crate::model::ClaimFrequency::Replacement,
                            replaces: "E-0".into(),
                            original_claim_id: None,
                        })
                    }),
                }
            })
            .collect()
    }

    proptest! {
        /// The lines taken off are exactly those whose service (payer, member, day, code,
        /// modifiers) an earlier uncorrecting line had, each finding naming that first line.
        #[test]
        fn takes_off_exactly_the_later_repeats(
            spec in proptest::collection::vec((0u16..2, 0u8..3, 0u8..3, any::<bool>(), 0u8..4, proptest::bool::weighted(0.1)), 0..60)
        ) {
            let cs = CodeSet::embedded().unwrap();
            let mut reg = Registry::default();
            let mut lines = lines_of(&cs, &mut reg, &spec);
            let mut first: HashMap<_, u32> = HashMap::new();
            let mut expected_kept = Vec::new();
            let mut expected_findings = Vec::new();
            for l in &lines {
                let key = (l.payer, l.member, l.service_date, l.coding.hcpcs, l.coding.modifiers);
                match (l.correction, first.get(&key)) {
                    (None, Some(&f)) => expected_findings.push((l.source.row, f)),
                    (None, None) => {
                        first.insert(key, l.source.row);
                        expected_kept.push(l.source.row);
                    }
                    (Some(_), _) => expected_kept.push(l.source.row),
                }
            }
            let files = vec!["e.csv".to_string()];
            let found = take_repeated_services(&mut lines, &reg, &files, &["p0", "p1"]);
            let kept: Vec<u32> = lines.iter().map(|l| l.source.row).collect();
            prop_assert_eq!(kept, expected_kept);
            let rows: Vec<u32> = found.iter().map(|(r, _)| r.row).collect();
            prop_assert_eq!(rows, expected_findings.iter().map(|&(r, _)| r).collect::<Vec<_>>());
            for ((_, finding), (_, f)) in found.iter().zip(&expected_findings) {
                let named = format!("row {f} (encounter E-{})", f - 2);
                prop_assert!(finding.message.contains(&named), "{} lacks {}", finding.message, named);
            }
        }
    }
}
