//! Coded encounters held for claim assembly, compactly: a million of them must fit in memory
//! together with the member registry, so member and rendering details are stored once and
//! referenced by index.

use super::digest::{FnvHashMap, FnvHashSet};
use crate::coding::Coding;
use crate::model::{Activity, Correction, DiagnosisCode, Encounter, Member, Rendering, RowRef};
use chrono::NaiveDate;
use std::sync::Arc;

/// One billable encounter, coded.
#[derive(Debug, Clone)]
pub struct ServiceLine<'cs> {
    pub source: RowRef,
    /// The encounter id (an invoice line's id on the plan side), kept in the registry:
    /// [`Registry::encounter_id`].
    pub encounter_id: LineId,
    /// Index of the payer in the configuration.
    pub payer: u16,
    /// Index into [`Registry::members`].
    pub member: u32,
    pub service_date: NaiveDate,
    pub activity: Activity,
    pub coding: Coding<'cs>,
    /// Position in [`Registry::authorizations`].
    pub authorization: Option<Slot>,
    /// Position in [`Registry::renderings`].
    pub rendering: Option<Slot>,
    /// Position in [`Registry::corrections`] when the line replaces or voids an earlier one.
    pub correction: Option<Slot>,
}

/// Where a line's id sits in the registry's id text: eight bytes instead of a boxed string (16,
/// and an allocation of its own) per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineId {
    chunk: u16,
    len: u16,
    at: u32,
}

/// Line ids, concatenated, in chunks each small enough for a `u32` offset.
#[derive(Debug, Default)]
struct IdText {
    chunks: Vec<String>,
}

impl IdText {
    const CHUNK: usize = 1 << 30;

    fn add(&mut self, id: &str) -> LineId {
        let len = u16::try_from(id.len()).expect("line ids are checked to at most 30 characters");
        if self
            .chunks
            .last()
            .is_none_or(|c| c.len() + id.len() > Self::CHUNK)
        {
            self.chunks.push(String::new());
        }
        let chunk = self.chunks.len() - 1;
        let text = &mut self.chunks[chunk];
        let at = text.len() as u32;
        text.push_str(id);
        LineId {
            chunk: u16::try_from(chunk).expect("fewer than 2^16 chunks of 1 GiB of ids"),
            len,
            at,
        }
    }

    fn get(&self, id: LineId) -> &str {
        let at = id.at as usize;
        &self.chunks[id.chunk as usize][at..at + id.len as usize]
    }
}

/// A position in one of the [`Registry`]'s lists, stored one up so that `Option<Slot>` takes
/// four bytes, not eight: a million lines carry three of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot(std::num::NonZeroU32);

impl Slot {
    /// The slot of list position `index` (lists stay far below four billion entries).
    pub fn new(index: usize) -> Slot {
        let one_up = u32::try_from(index + 1).expect("registry lists hold fewer than 2^32 items");
        Slot(std::num::NonZeroU32::new(one_up).expect("one up is never zero"))
    }

    /// The list position.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// Indices of `lines` in order of a key worked out once per line (`keyed`: key and index), then
/// encounter id, then index, so the order is total. Keys are compared side by side in one
/// vector; encounter ids are read only on a tie.
pub fn order_lines<K: Ord + Copy + Send + Sync>(
    lines: &[ServiceLine],
    reg: &Registry,
    keyed: impl IntoIterator<Item = (K, u32)>,
) -> Vec<u32> {
    sort_keyed_lines(lines, reg, keyed)
        .into_iter()
        .map(|(_, i)| i)
        .collect()
}

/// [`order_lines`] with each line's key kept beside its index, for a caller that reads the
/// key's fields back (rather than fetch each line again, in an order unrelated to where it lies).
pub fn sort_keyed_lines<K: Ord + Copy + Send + Sync>(
    lines: &[ServiceLine],
    reg: &Registry,
    keyed: impl IntoIterator<Item = (K, u32)>,
) -> Vec<(K, u32)> {
    let mut keyed: Vec<(K, u32)> = keyed.into_iter().collect();
    crate::pipeline::sort_keyed(&mut keyed, |a, b| {
        reg.encounter_id(&lines[*a as usize])
            .cmp(reg.encounter_id(&lines[*b as usize]))
            .then(a.cmp(b))
    });
    keyed
}

/// For a loop at position `k` of `order` (line indices in an order other than the one the lines
/// lie in: invoice or claim order): starts fetching the line eight places ahead (both of its cache
/// lines), and the member and id of the one four ahead (whose line was fetched four steps ago), so
/// that reading a line does not wait on memory.
pub fn prefetch_ahead(order: &[u32], k: usize, lines: &[ServiceLine], reg: &Registry) {
    const AHEAD: usize = 8;
    if let Some(&far) = order.get(k + AHEAD) {
        let l = &lines[far as usize];
        crate::prefetch::prefetch(l);
        crate::prefetch::prefetch(&l.correction);
    }
    if let Some(&near) = order.get(k + AHEAD / 2) {
        let l = &lines[near as usize];
        crate::prefetch::prefetch(&reg.members[l.member as usize]);
        crate::prefetch::prefetch(reg.encounter_id(l));
    }
}

/// Members, rendering providers and authorization numbers, each stored once.
#[derive(Debug, Default)]
pub struct Registry {
    pub members: Vec<Member>,
    /// Per payer index: member id -> index into `members`.
    member_index: Vec<FnvHashMap<Box<str>, u32>>,
    pub renderings: Vec<Rendering>,
    rendering_index: FnvHashMap<Rendering, Slot>,
    pub authorizations: Vec<Box<str>>,
    authorization_index: FnvHashMap<Box<str>, Slot>,
    /// What each correcting line corrects (few lines are corrections, so not interned).
    pub corrections: Vec<Correction>,
    /// Every distinct diagnosis list, shared by the lines that carry it.
    diagnosis_lists: FnvHashSet<Arc<[DiagnosisCode]>>,
    /// Every line's id.
    line_ids: IdText,
}

/// Each registry entry's position in sorted order (member id, authorization number, rendering
/// NPI), so claims can be ordered by comparing integers instead of strings.
#[derive(Debug, Clone, Default)]
pub struct Ranks {
    pub member: Vec<u32>,
    pub authorization: Vec<u32>,
    pub rendering: Vec<u32>,
}

fn ranks_by<T>(items: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    // The index breaks ties, so an unstable sort gives the one order a stable sort would.
    order.sort_unstable_by(|&a, &b| cmp(&items[a as usize], &items[b as usize]).then(a.cmp(&b)));
    let mut rank = vec![0u32; items.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

impl Registry {
    /// The index of this payer's member, adding them on first sight. The first row's details are
    /// kept (rows disagreeing on identity were already refused); an address is taken from the
    /// first row that has one.
    pub fn member(&mut self, payer: u16, m: &Member) -> u32 {
        let p = payer as usize;
        if self.member_index.len() <= p {
            self.member_index.resize_with(p + 1, FnvHashMap::default);
        }
        if let Some(&i) = self.member_index[p].get(m.member_id.as_str()) {
            let existing = &mut self.members[i as usize];
            if existing.address.is_none() && m.address.is_some() {
                existing.address = m.address.clone();
            }
            if existing.cin.is_none() && m.cin.is_some() {
                existing.cin = m.cin.clone();
            }
            return i;
        }
        let i = self.members.len() as u32;
        self.members.push(m.clone());
        self.member_index[p].insert(m.member_id.as_str().into(), i);
        i
    }

    /// The slot of an authorization number, adding it on first sight.
    pub fn authorization(&mut self, a: &str) -> Slot {
        if let Some(&i) = self.authorization_index.get(a) {
            return i;
        }
        let i = Slot::new(self.authorizations.len());
        self.authorizations.push(a.into());
        self.authorization_index.insert(a.into(), i);
        i
    }

    /// Keeps a line's id (see [`ServiceLine::encounter_id`]).
    pub fn line_id(&mut self, id: &str) -> LineId {
        self.line_ids.add(id)
    }

    /// A line's encounter id (its line id on the plan side).
    pub fn encounter_id(&self, l: &ServiceLine) -> &str {
        self.line_ids.get(l.encounter_id)
    }

    /// The slot of a correcting line's correction (few lines are corrections: not interned).
    pub fn correction(&mut self, c: Correction) -> Slot {
        self.corrections.push(c);
        Slot::new(self.corrections.len() - 1)
    }

    /// Sort ranks of every entry; ties (the same member id under two payers) keep first-seen order.
    pub fn ranks(&self) -> Ranks {
        Ranks {
            member: self.member_ranks(),
            authorization: ranks_by(&self.authorizations, |a, b| a.cmp(b)),
            rendering: ranks_by(&self.renderings, |a, b| a.cmp(b)),
        }
    }

    /// [`Ranks::member`] alone, for orders that do not go by authorization or rendering
    /// provider (invoices, ingest's encounters): a run has hundreds of thousands of
    /// authorization numbers, and sorting them was a third of the time spent ranking.
    pub fn member_ranks(&self) -> Vec<u32> {
        ranks_by(&self.members, |a, b| a.member_id.cmp(&b.member_id))
    }

    /// The registry's copy of a diagnosis list, so a million lines with a few hundred distinct
    /// lists hold a few hundred allocations, not a million.
    pub fn diagnoses(&mut self, list: Arc<[DiagnosisCode]>) -> Arc<[DiagnosisCode]> {
        if let Some(shared) = self.diagnosis_lists.get(&*list) {
            return Arc::clone(shared);
        }
        self.diagnosis_lists.insert(Arc::clone(&list));
        list
    }

    /// [`Registry::diagnoses`] from the codes themselves: nothing is allocated for a list the
    /// registry holds already.
    pub fn diagnoses_of(&mut self, codes: &[DiagnosisCode]) -> Arc<[DiagnosisCode]> {
        match self.diagnosis_lists.get(codes) {
            Some(shared) => Arc::clone(shared),
            None => self.diagnoses(Arc::from(codes)),
        }
    }

    /// The slot of a rendering provider, adding it on first sight.
    pub fn rendering(&mut self, r: &Rendering) -> Slot {
        if let Some(&i) = self.rendering_index.get(r) {
            return i;
        }
        let i = Slot::new(self.renderings.len());
        self.renderings.push(r.clone());
        self.rendering_index.insert(r.clone(), i);
        i
    }
}

impl<'cs> ServiceLine<'cs> {
    /// Builds the line for an accepted, coded encounter (coded with its diagnosis list taken
    /// from the registry: [`crate::coding::code_encounter_sharing`] and
    /// [`Registry::diagnoses_of`]).
    pub fn new(e: &Encounter, payer: u16, coding: Coding<'cs>, registry: &mut Registry) -> Self {
        ServiceLine {
            source: e.source,
            encounter_id: registry.line_id(&e.encounter_id),
            payer,
            member: registry.member(payer, &e.member),
            service_date: e.service_date,
            activity: e.activity,
            coding,
            authorization: e
                .authorization_number
                .as_deref()
                .map(|a| registry.authorization(a)),
            rendering: e.rendering.as_ref().map(|r| registry.rendering(r)),
            correction: e
                .correction
                .as_ref()
                .map(|c| registry.correction(c.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million lines are held at once: their size is a budget (see the README's Performance).
    #[test]
    fn a_line_stays_small() {
        assert_eq!(size_of::<Option<Slot>>(), 4);
        assert_eq!(size_of::<LineId>(), 8);
        assert!(
            size_of::<ServiceLine>() <= 120,
            "{}",
            size_of::<ServiceLine>()
        );
    }

    #[test]
    fn line_ids_and_slots_come_back_as_given() {
        let mut text = IdText::default();
        let ids = ["E-1", "", "SCC-0003-R1", "E-1"];
        let refs: Vec<LineId> = ids.iter().map(|id| text.add(id)).collect();
        for (id, r) in ids.iter().zip(refs) {
            assert_eq!(text.get(r), *id);
        }
        assert_eq!(Slot::new(0).index(), 0);
        assert_eq!(Slot::new(41).index(), 41);
    }
}
