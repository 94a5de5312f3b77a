//! A hash table keyed by [`fingerprint`](crate::digest::fingerprint)s whose slot for a key can be
//! fetched into the cache before the key is looked up.
//!
//! The ingest ledger looks up two fingerprints per invoice line in tables of a million entries
//! and more; each lookup in a `HashMap` missed the cache twice (its control bytes, then its
//! entry), and the thread doing it was the one every other waited on. Here a key's entry sits in
//! the one slot array (open addressing, linear probing, at most half full), so a lookup touches
//! one place, and [`FpTable::prefetch`] asks for that place a few lines ahead.

use crate::digest::Fingerprint;

/// A map from 128-bit fingerprints (already uniform hashes: their low bits pick the slot) to
/// small `Copy` values. Keys are kept as [`Fingerprint`]s, two 64-bit halves, so a slot needs
/// 8-byte alignment, not a `u128`'s 16.
#[derive(Clone)]
pub struct FpTable<V: Copy> {
    /// `None` for an empty slot; else key and value.
    slots: Vec<Option<(Fingerprint, V)>>,
    len: usize,
}

impl<V: Copy> Default for FpTable<V> {
    fn default() -> Self {
        FpTable {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<V: Copy> FpTable<V> {
    /// Entries held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room for `more` entries beyond those held without growing.
    pub fn reserve(&mut self, more: usize) {
        let want = (self.len + more)
            .saturating_mul(2)
            .next_power_of_two()
            .max(16);
        if want > self.slots.len() {
            self.resize(want);
        }
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![None; slots]);
        for (k, v) in old.into_iter().flatten() {
            let at = self.find(k).unwrap_err();
            self.slots[at] = Some((k, v));
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// `Ok(slot)` holding `key`, or `Err(slot)`: the empty slot where it would go. The table is
    /// never full (at most half), so the probe ends.
    fn find(&self, key: Fingerprint) -> Result<usize, usize> {
        let mask = self.mask();
        let mut at = key.low() as usize & mask;
        loop {
            match &self.slots[at] {
                None => return Err(at),
                Some((k, _)) if *k == key => return Ok(at),
                Some(_) => at = (at + 1) & mask,
            }
        }
    }

    /// Asks the processor to bring `key`'s slot into the cache; a later [`FpTable::get`] or
    /// [`FpTable::insert`] of it then does not wait on memory. Does nothing else.
    #[inline]
    pub fn prefetch(&self, key: impl Into<Fingerprint>) {
        let key = key.into();
        if self.slots.is_empty() {
            return;
        }
        crate::prefetch::prefetch(&self.slots[key.low() as usize & self.mask()]);
    }

    pub fn get(&self, key: impl Into<Fingerprint>) -> Option<V> {
        if self.slots.is_empty() {
            return None;
        }
        self.find(key.into())
            .ok()
            .and_then(|at| self.slots[at].map(|(_, v)| v))
    }

    pub fn contains_key(&self, key: impl Into<Fingerprint>) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`'s value, returning the one it replaces.
    pub fn insert(&mut self, key: impl Into<Fingerprint>, value: V) -> Option<V> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.reserve(1);
        }
        let key = key.into();
        match self.find(key) {
            Ok(at) => self.slots[at].replace((key, value)).map(|(_, v)| v),
            Err(at) => {
                self.slots[at] = Some((key, value));
                self.len += 1;
                None
            }
        }
    }

    /// `key`'s value, inserting `value` first when the key is absent.
    pub fn get_or_insert(&mut self, key: impl Into<Fingerprint>, value: V) -> V {
        let key = key.into();
        match self.get(key) {
            Some(v) => v,
            None => {
                self.insert(key, value);
                value
            }
        }
    }

    /// Takes `key` out, returning its value. Later entries of its probe run move back so that
    /// every key stays reachable from its home slot without gaps.
    pub fn remove(&mut self, key: impl Into<Fingerprint>) -> Option<V> {
        if self.slots.is_empty() {
            return None;
        }
        let mut hole = self.find(key.into()).ok()?;
        let (_, value) = self.slots[hole].take().expect("found");
        self.len -= 1;
        let mask = self.mask();
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let Some((k, _)) = self.slots[at] else {
                return Some(value);
            };
            // The entry at `at` may fill the hole if its home is not in (hole, at] (cyclically):
            // then the hole lies on its probe path.
            let home = k.low() as usize & mask;
            let between = if hole <= at {
                hole < home && home <= at
            } else {
                hole < home || home <= at
            };
            if !between {
                self.slots[hole] = self.slots[at].take();
                hole = at;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn keeps_replaces_and_removes() {
        let mut t = FpTable::default();
        assert_eq!(t.get(7), None);
        assert_eq!(t.remove(7), None);
        t.prefetch(7);
        assert_eq!(t.insert(7, 'a'), None);
        assert_eq!(t.insert(7, 'b'), Some('a'));
        assert_eq!(t.get(7), Some('b'));
        assert_eq!(t.get_or_insert(8, 'c'), 'c');
        assert_eq!(t.get_or_insert(8, 'd'), 'c');
        assert_eq!(t.len(), 2);
        assert_eq!(t.remove(7), Some('b'));
        assert_eq!(t.get(7), None);
        assert!(t.contains_key(8));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn colliding_keys_stay_reachable_after_removals() {
        // Keys sharing their low bits share a home slot and probe past each other, across the
        // end of the slot array too.
        let mut t = FpTable::default();
        t.reserve(4);
        let n = t.slots.len() as u128;
        let keys: Vec<u128> = (0..5).map(|i| (n - 2) + (i << 64)).collect();
        for (i, &k) in keys.iter().enumerate() {
            t.insert(k, i);
        }
        t.insert(0, 99); // its home is taken by a wrapped key
        t.remove(keys[1]);
        for (i, &k) in keys.iter().enumerate().filter(|(i, _)| *i != 1) {
            assert_eq!(t.get(k), Some(i), "key {i}");
        }
        assert_eq!(t.get(0), Some(99));
    }

    proptest! {
        /// Any sequence of inserts and removes leaves the table agreeing with a `HashMap`.
        #[test]
        fn agrees_with_a_hash_map(ops in proptest::collection::vec((any::<bool>(), 0u128..40, any::<u8>()), 0..400)) {
            let mut t = FpTable::default();
            let mut m = HashMap::new();
            for (insert, low, v) in ops {
                // Few distinct low bits: long probe runs, many collisions.
                let key = low % 8 + (low << 70);
                if insert {
                    prop_assert_eq!(t.insert(key, v), m.insert(key, v));
                } else {
                    prop_assert_eq!(t.remove(key), m.remove(&key));
                }
                prop_assert_eq!(t.len(), m.len());
            }
            for low in 0u128..40 {
                let key = low % 8 + (low << 70);
                prop_assert_eq!(t.get(key), m.get(&key).copied());
            }
        }
    }
}
