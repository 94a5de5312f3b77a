//! A hash table keyed by [`fingerprint`](crate::digest::fingerprint)s whose slot for a key can be
//! fetched into the cache before the key is looked up.
//!
//! The ingest ledger looks up two fingerprints per invoice line in tables of a million entries
//! and more, and the encounter readers one per row; each lookup in a `HashMap` missed the cache
//! twice (its control bytes, then its entry), on the thread every other waited on. Here a key's
//! entry sits in the one slot array (open addressing, linear probing, at most three quarters
//! full), so a lookup touches one place, and [`FpTable::prefetch`] asks for that place a few
//! rows ahead. A slot is the key and the value, nothing more (24 bytes for a [`RowRef`]): the
//! all-zero key marks an empty slot, and a real all-zero fingerprint is kept beside the slots.
//!
//! [`RowRef`]: crate::model::RowRef

use crate::digest::Fingerprint;

/// A map from 128-bit fingerprints (already uniform hashes: their low bits pick the slot) to
/// small `Copy` values. `V::default()` fills empty slots and is never returned.
#[derive(Clone)]
pub struct FpTable<V: Copy + Default> {
    /// Key and value; an empty slot's key is [`Fingerprint::ZERO`].
    slots: Vec<(Fingerprint, V)>,
    /// Entries held, the zero key's included.
    len: usize,
    /// The value of the key [`Fingerprint::ZERO`], which cannot sit in a slot.
    zero: Option<V>,
}

impl<V: Copy + Default> Default for FpTable<V> {
    fn default() -> Self {
        FpTable {
            slots: Vec::new(),
            len: 0,
            zero: None,
        }
    }
}

impl<V: Copy + Default> FpTable<V> {
    /// Entries held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room for `more` entries beyond those held without growing.
    pub fn reserve(&mut self, more: usize) {
        let want = Self::slots_for(self.len.saturating_add(more));
        if want > self.slots.len() {
            self.resize(want);
        }
    }

    /// Slots for `n` entries: a power of two at least 4/3 of `n`, so the table stays at most
    /// three quarters full.
    fn slots_for(n: usize) -> usize {
        (n.saturating_add(n / 3) + 1).next_power_of_two().max(16)
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(
            &mut self.slots,
            vec![(Fingerprint::ZERO, V::default()); slots],
        );
        for (k, v) in old {
            if k != Fingerprint::ZERO {
                let at = self.find(k).unwrap_err();
                self.slots[at] = (k, v);
            }
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// `Ok(slot)` holding `key` (not [`Fingerprint::ZERO`]), or `Err(slot)`: the empty slot
    /// where it would go. The table is never full, so the probe ends.
    fn find(&self, key: Fingerprint) -> Result<usize, usize> {
        let mask = self.mask();
        let mut at = key.low() as usize & mask;
        loop {
            let k = self.slots[at].0;
            if k == key {
                return Ok(at);
            }
            if k == Fingerprint::ZERO {
                return Err(at);
            }
            at = (at + 1) & mask;
        }
    }

    /// Asks the processor to bring `key`'s slot into the cache; a later [`FpTable::get`] or
    /// [`FpTable::insert`] of it then does not wait on memory. Does nothing else.
    #[inline]
    pub fn prefetch(&self, key: impl Into<Fingerprint>) {
        let key = key.into();
        if !self.slots.is_empty() {
            crate::prefetch::prefetch(&self.slots[key.low() as usize & self.mask()]);
        }
    }

    pub fn get(&self, key: impl Into<Fingerprint>) -> Option<V> {
        let key = key.into();
        if key == Fingerprint::ZERO {
            return self.zero;
        }
        if self.slots.is_empty() {
            return None;
        }
        self.find(key).ok().map(|at| self.slots[at].1)
    }

    /// Sets `key`'s value, returning the one it replaces.
    pub fn insert(&mut self, key: impl Into<Fingerprint>, value: V) -> Option<V> {
        let key = key.into();
        if key == Fingerprint::ZERO {
            let old = self.zero.replace(value);
            self.len += usize::from(old.is_none());
            return old;
        }
        if Self::slots_for(self.len + 1) > self.slots.len() {
            self.reserve(1);
        }
        match self.find(key) {
            Ok(at) => Some(std::mem::replace(&mut self.slots[at].1, value)),
            Err(at) => {
                self.slots[at] = (key, value);
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
        let key = key.into();
        if key == Fingerprint::ZERO {
            let old = self.zero.take();
            self.len -= usize::from(old.is_some());
            return old;
        }
        if self.slots.is_empty() {
            return None;
        }
        let mut hole = self.find(key).ok()?;
        let empty = (Fingerprint::ZERO, V::default());
        let (_, value) = std::mem::replace(&mut self.slots[hole], empty);
        self.len -= 1;
        let mask = self.mask();
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let k = self.slots[at].0;
            if k == Fingerprint::ZERO {
                return Some(value);
            }
            // The entry at `at` may fill the hole if its home is not in (hole, at] (cyclically):
            // then the hole lies on its probe path.
            let home = k.low() as usize & mask;
            let between = if hole <= at {
                hole < home && home <= at
            } else {
                hole < home || home <= at
            };
            if !between {
                self.slots[hole] = std::mem::replace(&mut self.slots[at], empty);
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
        assert!(t.get(8).is_some());
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn the_all_zero_key_is_a_key_like_any_other() {
        let mut t = FpTable::default();
        assert_eq!(t.get(0), None);
        assert_eq!(t.insert(0, 'z'), None);
        assert_eq!(t.insert(16, 'a'), None); // 16 and 0 share a home slot
        assert_eq!((t.get(0), t.get(16), t.len()), (Some('z'), Some('a'), 2));
        assert_eq!(t.insert(0, 'y'), Some('z'));
        assert_eq!(t.remove(0), Some('y'));
        assert_eq!((t.get(0), t.get(16), t.len()), (None, Some('a'), 1));
        assert_eq!(t.remove(0), None);
    }

    #[test]
    fn stays_at_most_three_quarters_full() {
        let mut t = FpTable::default();
        for k in 1..=1000u128 {
            t.insert(k * 0x9E37_79B9_7F4A_7C15, ());
            assert!(
                t.len() * 4 <= t.slots.len() * 3,
                "{} in {}",
                t.len(),
                t.slots.len()
            );
        }
        t.reserve(3000);
        assert!(t.slots.len() * 3 >= 4000 * 4, "{}", t.slots.len());
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
        t.insert(1 << 64, 99); // low bits 0: its home is taken by a wrapped key
        t.remove(keys[1]);
        for (i, &k) in keys.iter().enumerate().filter(|(i, _)| *i != 1) {
            assert_eq!(t.get(k), Some(i), "key {i}");
        }
        assert_eq!(t.get(1 << 64), Some(99));
    }

    proptest! {
        /// Any sequence of inserts and removes leaves the table agreeing with a `HashMap`.
        #[test]
        fn agrees_with_a_hash_map(ops in proptest::collection::vec((any::<bool>(), 0u128..40, any::<u8>()), 0..400)) {
            let mut t = FpTable::default();
            let mut m = HashMap::new();
            for (insert, low, v) in ops {
                // Few distinct low bits: long probe runs, many collisions (and key 0).
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
