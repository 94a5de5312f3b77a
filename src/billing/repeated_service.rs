//! The same service billed twice: two lines for one payer, member, service date, HCPCS code and
//! modifiers. The state rejects duplicate service lines (and one duplicate fails the whole
//! encounter), and `ecm ingest` refuses them (ING-028), so the provider side refuses the later
//! row too, naming the earlier one, rather than send a file the plan will bounce.

use super::{Registry, ServiceLine};
use crate::digest::{Fingerprint, FingerprintKeyed};
use crate::model::{Hcpcs, Modifiers, RowRef};
use crate::rules::{self, Finding};
use chrono::NaiveDate;

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
/// left alone. One sort of line indices, so a million lines need no table of keys.
pub fn take_repeated_services(
    lines: &mut Vec<ServiceLine>,
    reg: &Registry,
    files: &[String],
    payers: &[&str],
) -> Vec<(RowRef, Finding)> {
    let mut order: Vec<u32> = (0..lines.len() as u32)
        .filter(|&i| lines[i as usize].correction.is_none())
        .collect();
    let key = |i: u32| {
        let l = &lines[i as usize];
        (
            l.payer,
            l.member,
            l.service_date,
            l.coding.hcpcs,
            l.coding.modifiers,
        )
    };
    order.sort_unstable_by_key(|&i| (key(i), i));
    let mut repeated: Vec<(u32, u32)> = Vec::new(); // (line, the first line with its service)
    let mut first = None;
    for w in 0..order.len() {
        let i = order[w];
        if w > 0 && key(order[w - 1]) == key(i) {
            repeated.push((i, first.expect("set at the run's start")));
        } else {
            first = Some(i);
        }
    }
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
