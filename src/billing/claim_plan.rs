//! Grouping a payer's service lines into claims: by encounter, member-day or member-month, split
//! further wherever claim-level facts differ (prior authorization, rendering provider) and wherever
//! a claim would exceed 50 lines or 12 diagnoses. A line whose place of service differs from its
//! claim's carries its own (SV105) rather than starting a new claim.
//!
//! Lines are sorted once on integer keys ([`claim_order`]); claims are then produced lazily, a
//! member at a time ([`Claims`]), so a million lines never become a million claims in memory.

use super::digest::{Fnv64, FnvHashSet};
use super::{Ranks, Registry, ServiceLine, Slot};
use crate::billing::order_lines;
use crate::config::ClaimGrouping;
use crate::model::{ClaimFrequency, DiagnosisCode, Money, PlaceOfService};
use chrono::Datelike;

/// The most service lines one 837P claim may carry.
pub const MAX_LINES_PER_CLAIM: usize = 50;
/// The most diagnoses one claim's HI segment may carry.
pub const MAX_DIAGNOSES_PER_CLAIM: usize = 12;
/// The most diagnosis pointers one service line may carry.
pub const MAX_POINTERS_PER_LINE: usize = 4;

/// A line on a planned claim: which service line, and its diagnosis pointers (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    pub line: u32,
    pub pointers: Vec<u8>,
}

/// A claim as grouped, before it becomes X12.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedClaim {
    /// CLM01: derived from the group's content, at most 20 characters, unique in the payer's file.
    pub claim_id: String,
    pub member: u32,
    pub place_of_service: PlaceOfService,
    /// Position in [`Registry::authorizations`].
    pub authorization: Option<Slot>,
    /// Position in [`Registry::renderings`].
    pub rendering: Option<Slot>,
    pub diagnoses: Vec<DiagnosisCode>,
    pub lines: Vec<PlannedLine>,
    pub total: Money,
    /// CLM05-3: an original claim, or a replacement or void of an earlier one.
    pub frequency: ClaimFrequency,
    /// REF*F8: the claim a replacement or void corrects.
    pub original_reference: Option<String>,
}

impl PlannedClaim {
    /// An empty claim whose claim-level facts (member, place of service, authorization,
    /// rendering provider) are those of its first line `l`.
    pub fn open(
        claim_id: String,
        l: &ServiceLine,
        frequency: ClaimFrequency,
        original_reference: Option<String>,
    ) -> PlannedClaim {
        PlannedClaim {
            claim_id,
            member: l.member,
            place_of_service: l.coding.place_of_service,
            authorization: l.authorization,
            rendering: l.rendering,
            diagnoses: Vec::new(),
            lines: Vec::new(),
            total: Money::ZERO,
            frequency,
            original_reference,
        }
    }

    /// A claim of one line (`li` is the index of `l`): what the plan side builds from each
    /// invoice line.
    pub fn single(
        claim_id: String,
        li: u32,
        l: &ServiceLine,
        frequency: ClaimFrequency,
        original_reference: Option<String>,
    ) -> PlannedClaim {
        let mut c = PlannedClaim::open(claim_id, l, frequency, original_reference);
        add_line(&mut c, li, l);
        c
    }
}

/// What puts lines on separate claims, as sortable integers: member, period, authorization and
/// rendering provider (ranks, 0 = none), then the service date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    member: u32,
    period: u32,
    authorization: u32,
    rendering: u32,
    date: i32,
}

impl SortKey {
    fn group(&self) -> (u32, u32, u32, u32) {
        (self.member, self.period, self.authorization, self.rendering)
    }
}

fn sort_key(l: &ServiceLine, ranks: &Ranks, grouping: ClaimGrouping) -> SortKey {
    let d = l.service_date;
    SortKey {
        member: ranks.member[l.member as usize],
        period: match grouping {
            // Each line is its own claim; the period only orders them.
            ClaimGrouping::Encounter | ClaimGrouping::MemberDay => {
                d.year() as u32 * 10_000 + d.month() * 100 + d.day()
            }
            ClaimGrouping::MemberMonth => d.year() as u32 * 100 + d.month(),
        },
        authorization: l
            .authorization
            .map_or(0, |a| ranks.authorization[a.index()] + 1),
        rendering: l.rendering.map_or(0, |r| ranks.rendering[r.index()] + 1),
        date: d.num_days_from_ce(),
    }
}

/// The lines of one payer (`which`, indices into `lines`) in claim order: each claim's lines
/// are contiguous, members by id, then period, authorization, rendering provider, date and
/// encounter id.
pub fn claim_order(
    lines: &[ServiceLine],
    reg: &Registry,
    which: impl IntoIterator<Item = u32>,
    ranks: &Ranks,
    grouping: ClaimGrouping,
) -> Vec<u32> {
    order_lines(
        lines,
        reg,
        which
            .into_iter()
            .map(|i| (sort_key(&lines[i as usize], ranks, grouping), i)),
    )
}

/// Claims produced from lines in [`claim_order`], a member at a time, each member's claims in
/// order of their first service date.
pub struct Claims<'a, 'cs> {
    lines: &'a [ServiceLine<'cs>],
    order: &'a [u32],
    reg: &'a Registry,
    ranks: &'a Ranks,
    payer_key: &'a str,
    grouping: ClaimGrouping,
    next: usize,
    ready: std::vec::IntoIter<PlannedClaim>,
    used_ids: FnvHashSet<u64>,
}

impl<'a, 'cs> Claims<'a, 'cs> {
    /// Starts producing the claims of `order` (from [`claim_order`] with the same `ranks` and
    /// `grouping`).
    pub fn new(
        lines: &'a [ServiceLine<'cs>],
        order: &'a [u32],
        reg: &'a Registry,
        ranks: &'a Ranks,
        payer_key: &'a str,
        grouping: ClaimGrouping,
    ) -> Self {
        Claims {
            lines,
            order,
            reg,
            ranks,
            payer_key,
            grouping,
            next: 0,
            ready: Vec::new().into_iter(),
            // Never more claims than lines: sized once instead of rehashed as it grows.
            used_ids: FnvHashSet::with_capacity_and_hasher(order.len(), Default::default()),
        }
    }

    /// Keeps claim ids already used in the file (a correction keeps its original's CLM01) from
    /// being given to a new claim.
    pub fn reserving<'i>(mut self, ids: impl IntoIterator<Item = &'i str>) -> Self {
        for id in ids {
            if let Some(hash) = id
                .strip_prefix('E')
                .filter(|h| h.len() == 16)
                .and_then(|h| u64::from_str_radix(h, 16).ok())
            {
                self.used_ids.insert(hash);
            }
        }
        self
    }

    /// Plans every claim of one member (the lines from `self.next` on with the same member).
    fn plan_member(&mut self) -> Vec<PlannedClaim> {
        let (lines, ranks, grouping, order) = (self.lines, self.ranks, self.grouping, self.order);
        let key = |i: u32| sort_key(&lines[i as usize], ranks, grouping);
        let start = self.next;
        let member = key(order[start]).member;
        let mut end = start;
        while end < order.len() && key(order[end]).member == member {
            end += 1;
        }
        self.next = end;
        let mut claims = Vec::new();
        let mut i = start;
        while i < end {
            let group = key(order[i]).group();
            let mut j = i + 1;
            if grouping != ClaimGrouping::Encounter {
                while j < end && key(order[j]).group() == group {
                    j += 1;
                }
            }
            self.plan_group(&order[i..j], &mut claims);
            i = j;
        }
        let first_date = |c: &PlannedClaim| lines[c.lines[0].line as usize].service_date;
        claims.sort_by(|a, b| {
            first_date(a)
                .cmp(&first_date(b))
                .then(a.claim_id.cmp(&b.claim_id))
        });
        claims
    }

    /// Splits one group's lines into claims of at most 50 lines and 12 diagnoses.
    fn plan_group(&mut self, group: &[u32], out: &mut Vec<PlannedClaim>) {
        let mut chunk = 0u32;
        let mut current: Option<PlannedClaim> = None;
        for &li in group {
            let l = &self.lines[li as usize];
            // Every code of the line goes in the claim's HI, not only the four it points to.
            let dx = &l.coding.diagnoses;
            let fits = current.as_ref().is_some_and(|c| {
                let new_dx = dx.iter().filter(|d| !c.diagnoses.contains(d)).count();
                c.lines.len() < MAX_LINES_PER_CLAIM
                    && c.diagnoses.len() + new_dx <= MAX_DIAGNOSES_PER_CLAIM
            });
            if !fits {
                if let Some(c) = current.take() {
                    self.close(c, chunk, out);
                    chunk += 1;
                }
                // The id is given once the claim's lines are known (`close`).
                current = Some(PlannedClaim::open(
                    String::new(),
                    l,
                    ClaimFrequency::Original,
                    None,
                ));
            }
            add_line(current.as_mut().expect("set above"), li, l);
        }
        if let Some(c) = current {
            self.close(c, chunk, out);
        }
    }

    /// Gives a claim whose lines are all on it its id, and hands it on.
    fn close(&mut self, mut c: PlannedClaim, chunk: u32, out: &mut Vec<PlannedClaim>) {
        c.claim_id = self.claim_id(&c, chunk);
        out.push(c);
    }

    /// `E` + 16 hex digits of a hash of the claim: payer, member, period, authorization,
    /// rendering provider, grouping, chunk, and the encounter id of every line on it. The same
    /// lines give the same id in every run (a re-billed claim keeps its CLM01), and a claim with
    /// another set of lines (rows corrected, added or removed since) gets another, so a payer
    /// never sees one CLM01 for two different claims.
    fn claim_id(&mut self, c: &PlannedClaim, chunk: u32) -> String {
        let reg = self.reg;
        let first = &self.lines[c.lines[0].line as usize];
        let d = first.service_date;
        // The period as text: `E` + the encounter id, CCYYMMDD or CCYYMM (the digits written
        // here rather than through `format!`, which was a third of planning's time).
        let mut digits = [0u8; 8];
        let period_bytes: &[u8] = match self.grouping {
            ClaimGrouping::Encounter => &[],
            ClaimGrouping::MemberDay => {
                put_digits(&mut digits[..4], d.year().max(0) as u32);
                put_digits(&mut digits[4..6], d.month());
                put_digits(&mut digits[6..], d.day());
                &digits
            }
            ClaimGrouping::MemberMonth => {
                put_digits(&mut digits[..4], d.year().max(0) as u32);
                put_digits(&mut digits[4..6], d.month());
                &digits[..6]
            }
        };
        let mut salt = 0u64;
        loop {
            let mut h = Fnv64::default();
            h.str(self.payer_key)
                .str(&reg.members[first.member as usize].member_id);
            if self.grouping == ClaimGrouping::Encounter {
                h.bytes(b"E").str(reg.encounter_id(first));
            } else {
                h.bytes(period_bytes).bytes(&[0x1f]);
            }
            h.str(
                first
                    .authorization
                    .map_or("", |a| &reg.authorizations[a.index()]),
            )
            .str(
                first
                    .rendering
                    .map_or("", |r| reg.renderings[r.index()].npi.as_str()),
            )
            .u64(self.grouping as u64)
            .u64(u64::from(chunk));
            h.u64(c.lines.len() as u64);
            for pl in &c.lines {
                h.str(reg.encounter_id(&self.lines[pl.line as usize]));
            }
            h.u64(salt);
            let hash = h.finish();
            if self.used_ids.insert(hash) {
                return hex_id(b'E', hash);
            }
            salt += 1;
        }
    }
}

/// Writes `n` as `out.len()` decimal digits, zero-padded (the leading digits of a larger `n` are
/// dropped; callers pass fields that fit).
fn put_digits(out: &mut [u8], mut n: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// `prefix` followed by `hash` as 16 upper-case hex digits (what `format!("E{hash:016X}")`
/// gives, without the formatting machinery).
pub(crate) fn hex_id(prefix: u8, hash: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(17);
    s.push(char::from(prefix));
    for i in (0..16).rev() {
        s.push(char::from(HEX[((hash >> (i * 4)) & 0xF) as usize]));
    }
    s
}

/// Puts a line on a claim: every one of its diagnoses joins the claim's (HI carries up to 12),
/// the first four pointed to by the line (SV107, 1-based), and its charge joins the claim's
/// total. The caller has checked that it fits.
pub(super) fn add_line(c: &mut PlannedClaim, li: u32, l: &ServiceLine) {
    let dx = &l.coding.diagnoses;
    let mut pointers = Vec::with_capacity(dx.len().min(MAX_POINTERS_PER_LINE));
    for (k, d) in dx.iter().enumerate() {
        let pos = match c.diagnoses.iter().position(|x| x == d) {
            Some(p) => p,
            None => {
                c.diagnoses.push(*d);
                c.diagnoses.len() - 1
            }
        };
        if k < MAX_POINTERS_PER_LINE {
            pointers.push(pos as u8 + 1);
        }
    }
    c.total += l.coding.charge;
    c.lines.push(PlannedLine { line: li, pointers });
}

impl Iterator for Claims<'_, '_> {
    type Item = PlannedClaim;

    fn next(&mut self) -> Option<PlannedClaim> {
        loop {
            if let Some(c) = self.ready.next() {
                return Some(c);
            }
            if self.next >= self.order.len() {
                return None;
            }
            self.ready = self.plan_member().into_iter();
        }
    }
}

/// Every claim of one payer's lines at once (for tests and small runs).
pub fn plan_claims(
    lines: &[ServiceLine],
    which: &[u32],
    reg: &Registry,
    payer_key: &str,
    grouping: ClaimGrouping,
) -> Vec<PlannedClaim> {
    let ranks = reg.ranks();
    let order = claim_order(lines, reg, which.iter().copied(), &ranks, grouping);
    Claims::new(lines, &order, reg, &ranks, payer_key, grouping).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::coding::Coding;
    use crate::model::{Activity, Member, RowRef, Sex};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    proptest! {
        /// The hand-written digits are exactly what the formatting machinery gives, so claim
        /// ids do not change with the way they are written.
        #[test]
        fn ids_and_periods_are_spelled_as_format_spells_them(hash: u64, n in 0u32..10_000) {
            prop_assert_eq!(hex_id(b'E', hash), format!("E{hash:016X}"));
            let mut four = [0u8; 4];
            put_digits(&mut four, n);
            prop_assert_eq!(std::str::from_utf8(&four).unwrap(), format!("{n:04}"));
        }
    }

    fn line<'cs>(
        cs: &'cs CodeSet,
        reg: &mut Registry,
        member: &str,
        day: u32,
        dx: Vec<u8>,
        id: usize,
    ) -> ServiceLine<'cs> {
        let m = Member {
            member_id: member.into(),
            cin: None,
            last_name: "L".into(),
            first_name: "F".into(),
            dob: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            sex: Sex::Unknown,
            address: None,
        };
        let member = reg.member(0, &m);
        let row = &cs.hcpcs[0];
        ServiceLine {
            source: RowRef {
                file: 0,
                row: id as u32 + 2,
            },
            encounter_id: reg.line_id(&format!("E{id:05}")),
            payer: 0,
            member,
            service_date: NaiveDate::from_ymd_opt(2025, 3, day).unwrap(),
            activity: Activity::Assessment,
            coding: Coding {
                charge: Money::parse(&format!("{}.25", id % 7 + 1)).unwrap(),
                diagnoses: dx
                    .iter()
                    .map(|d| DiagnosisCode::parse(&format!("Z59.{d:02}")).unwrap())
                    .collect(),
                ..Coding::plain(row)
            },
            authorization: None,
            rendering: None,
            correction: None,
        }
    }

    proptest! {
        #[test]
        fn every_line_lands_on_exactly_one_claim_within_limits(
            spec in proptest::collection::vec((0u8..4, 1u32..4, proptest::collection::vec(0u8..30, 1..13)), 1..400),
            grouping in prop_oneof![Just(ClaimGrouping::Encounter), Just(ClaimGrouping::MemberDay), Just(ClaimGrouping::MemberMonth)],
        ) {
            let cs = CodeSet::embedded().unwrap();
            let mut reg = Registry::default();
            let lines: Vec<ServiceLine> = spec
                .iter()
                .enumerate()
                .map(|(i, (m, d, dx))| line(&cs, &mut reg, &format!("M{m}"), *d, dx.clone(), i))
                .collect();
            let which: Vec<u32> = (0..lines.len() as u32).collect();
            let claims = plan_claims(&lines, &which, &reg, "p", grouping);
            let mut seen: Vec<u32> = claims.iter().flat_map(|c| c.lines.iter().map(|l| l.line)).collect();
            seen.sort_unstable();
            prop_assert_eq!(&seen, &which);
            let mut ids = std::collections::HashSet::new();
            for c in &claims {
                prop_assert!(ids.insert(c.claim_id.clone()), "duplicate claim id");
                prop_assert!(c.claim_id.len() <= 20);
                prop_assert!(!c.lines.is_empty() && c.lines.len() <= MAX_LINES_PER_CLAIM);
                prop_assert!(!c.diagnoses.is_empty() && c.diagnoses.len() <= MAX_DIAGNOSES_PER_CLAIM);
                let total: Money = c.lines.iter().map(|l| lines[l.line as usize].coding.charge).sum();
                prop_assert_eq!(total, c.total);
                for pl in &c.lines {
                    let l = &lines[pl.line as usize];
                    prop_assert_eq!(l.member, c.member);
                    prop_assert!(!pl.pointers.is_empty() && pl.pointers.len() <= MAX_POINTERS_PER_LINE);
                    for (k, p) in pl.pointers.iter().enumerate() {
                        prop_assert_eq!(c.diagnoses[*p as usize - 1], l.coding.diagnoses[k]);
                    }
                    // Every code of the line is in HI, not only the four it points to.
                    for d in l.coding.diagnoses.iter() {
                        prop_assert!(c.diagnoses.contains(d));
                    }
                    if grouping == ClaimGrouping::MemberDay {
                        prop_assert_eq!(l.service_date, lines[c.lines[0].line as usize].service_date);
                    }
                }
                if grouping == ClaimGrouping::Encounter {
                    prop_assert_eq!(c.lines.len(), 1);
                }
            }
            // The same input plans the same claims.
            prop_assert_eq!(plan_claims(&lines, &which, &reg, "p", grouping), claims);
        }
    }

    #[test]
    fn a_busy_member_month_splits_at_fifty_lines_with_stable_ids() {
        let cs = CodeSet::embedded().unwrap();
        let mut reg = Registry::default();
        let lines: Vec<ServiceLine> = (0..120)
            .map(|i| line(&cs, &mut reg, "M1", 1 + (i % 28) as u32, vec![1], i))
            .collect();
        let which: Vec<u32> = (0..120).collect();
        let claims = plan_claims(&lines, &which, &reg, "p", ClaimGrouping::MemberMonth);
        assert_eq!(
            claims.iter().map(|c| c.lines.len()).collect::<Vec<_>>(),
            vec![50, 50, 20]
        );
        let again = plan_claims(&lines, &which, &reg, "p", ClaimGrouping::MemberMonth);
        assert_eq!(again, claims, "the same lines give the same claims and ids");
        // Fewer rows: the month's first claim holds other lines now, so it has another id.
        let fewer = plan_claims(&lines, &which[..60], &reg, "p", ClaimGrouping::MemberMonth);
        assert_ne!(fewer[0].lines, claims[0].lines);
        assert_ne!(fewer[0].claim_id, claims[0].claim_id);
        for c in &fewer {
            assert!(
                claims
                    .iter()
                    .all(|o| o.claim_id != c.claim_id || o.lines == c.lines)
            );
        }
    }
}
