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
    pub encounter_id: Box<str>,
    /// Index of the payer in the configuration.
    pub payer: u16,
    /// Index into [`Registry::members`].
    pub member: u32,
    pub service_date: NaiveDate,
    pub activity: Activity,
    pub coding: Coding<'cs>,
    /// Index into [`Registry::authorizations`].
    pub authorization: Option<u32>,
    /// Index into [`Registry::renderings`].
    pub rendering: Option<u32>,
    /// Index into [`Registry::corrections`] when the line replaces or voids an earlier one.
    pub correction: Option<u32>,
}

/// Indices of `lines` in order of a key worked out once per line (`keyed`: key and index), then
/// encounter id, then index, so the order is total. Keys are compared side by side in one
/// vector; encounter ids are read only on a tie.
pub fn order_lines<K: Ord>(
    lines: &[ServiceLine],
    keyed: impl IntoIterator<Item = (K, u32)>,
) -> Vec<u32> {
    let mut keyed: Vec<(K, u32)> = keyed.into_iter().collect();
    keyed.sort_unstable_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| {
                lines[*a as usize]
                    .encounter_id
                    .cmp(&lines[*b as usize].encounter_id)
            })
            .then(a.cmp(b))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Members, rendering providers and authorization numbers, each stored once.
#[derive(Debug, Default)]
pub struct Registry {
    pub members: Vec<Member>,
    /// Per payer index: member id -> index into `members`.
    member_index: Vec<FnvHashMap<Box<str>, u32>>,
    pub renderings: Vec<Rendering>,
    rendering_index: FnvHashMap<Rendering, u32>,
    pub authorizations: Vec<Box<str>>,
    authorization_index: FnvHashMap<Box<str>, u32>,
    /// What each correcting line corrects (few lines are corrections, so not interned).
    pub corrections: Vec<Correction>,
    /// Every distinct diagnosis list, shared by the lines that carry it.
    diagnosis_lists: FnvHashSet<Arc<[DiagnosisCode]>>,
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
    order.sort_by(|&a, &b| cmp(&items[a as usize], &items[b as usize]).then(a.cmp(&b)));
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

    /// The index of an authorization number, adding it on first sight.
    pub fn authorization(&mut self, a: &str) -> u32 {
        if let Some(&i) = self.authorization_index.get(a) {
            return i;
        }
        let i = self.authorizations.len() as u32;
        self.authorizations.push(a.into());
        self.authorization_index.insert(a.into(), i);
        i
    }

    /// Sort ranks of every entry; ties (the same member id under two payers) keep first-seen order.
    pub fn ranks(&self) -> Ranks {
        Ranks {
            member: ranks_by(&self.members, |a, b| a.member_id.cmp(&b.member_id)),
            authorization: ranks_by(&self.authorizations, |a, b| a.cmp(b)),
            rendering: ranks_by(&self.renderings, |a, b| a.cmp(b)),
        }
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

    /// The index of a rendering provider, adding it on first sight.
    pub fn rendering(&mut self, r: &Rendering) -> u32 {
        if let Some(&i) = self.rendering_index.get(r) {
            return i;
        }
        let i = self.renderings.len() as u32;
        self.renderings.push(r.clone());
        self.rendering_index.insert(r.clone(), i);
        i
    }
}

impl<'cs> ServiceLine<'cs> {
    /// Builds the line for an accepted, coded encounter.
    pub fn new(
        e: &Encounter,
        payer: u16,
        mut coding: Coding<'cs>,
        registry: &mut Registry,
    ) -> Self {
        coding.diagnoses = registry.diagnoses(coding.diagnoses);
        ServiceLine {
            source: e.source,
            encounter_id: e.encounter_id.as_str().into(),
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
            correction: e.correction.as_ref().map(|c| {
                registry.corrections.push(c.clone());
                registry.corrections.len() as u32 - 1
            }),
        }
    }
}
