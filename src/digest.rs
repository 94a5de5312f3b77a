//! A small, stable content hash (FNV-1a, 64 bit) for control numbers and claim ids derived from
//! content: the same input gives the same number on every machine and every run; and 128-bit
//! fingerprints for maps that keep keys without their strings.

use std::hash::{Hash, Hasher};

/// FNV-1a 64-bit hasher over explicitly fed bytes (no platform-dependent integer encoding).
#[derive(Debug, Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Feeds bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// Feeds a string and a separator, so `("ab","c")` and `("a","bc")` differ.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.field(s.as_bytes())
    }

    /// Feeds a field's bytes and the separator [`Fnv64::str`] puts after a string.
    pub fn field(&mut self, b: &[u8]) -> &mut Self {
        self.bytes(b).bytes(&[0x1f])
    }

    /// Feeds a number as little-endian bytes.
    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.bytes(&n.to_le_bytes())
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a as the hasher of in-memory maps keyed by short ids (member ids, encounter ids):
/// several times faster than the standard SipHash on such keys. Keys come from the user's own
/// files, so hash flooding is not a threat a local batch tool must defend against.
impl std::hash::Hasher for Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` hashed with [`Fnv64`].
pub type FnvHashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv64>>;
/// A `HashSet` hashed with [`Fnv64`].
pub type FnvHashSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<Fnv64>>;

/// A 128-bit fingerprint of a value (two SipHash-1-3 halves with fixed keys): equal values give
/// equal fingerprints, and two different values share one with a probability near 2^-128. Maps keep
/// fingerprints rather than strings (the ledger's lines, reconcile's encounters), so a million
/// keys cost a few dozen megabytes and no allocation each.
pub fn fingerprint(value: impl Hash) -> u128 {
    // The value's parts are gathered into one run of bytes first: SipHash costs little per byte
    // but much per call, and a key's Hash feeds it a dozen small pieces.
    let mut bytes = Gathered::default();
    value.hash(&mut bytes);
    let bytes = bytes.as_slice();
    let half = |salt: u8| {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u8(salt);
        h.write(bytes);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// The bytes a value's `Hash` feeds, in order (on the stack while they fit).
struct Gathered {
    inline: [u8; 128],
    len: usize,
    spilled: Vec<u8>,
}

impl Default for Gathered {
    fn default() -> Self {
        Gathered {
            inline: [0; 128],
            len: 0,
            spilled: Vec::new(),
        }
    }
}

impl Gathered {
    fn as_slice(&self) -> &[u8] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }
}

impl Hasher for Gathered {
    fn write(&mut self, bytes: &[u8]) {
        if self.spilled.is_empty() && self.len + bytes.len() <= self.inline.len() {
            self.inline[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            if self.spilled.is_empty() {
                self.spilled.extend_from_slice(&self.inline[..self.len]);
            }
            self.spilled.extend_from_slice(bytes);
        }
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// Fingerprints are already hashes: the maps use their low bits as they are.
#[derive(Default)]
pub struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A [`fingerprint`] as two 64-bit halves, so a map entry beside it needs 8-byte alignment, not
/// the 16 a `u128` asks for (an encounter-id map of a million entries: 48 MB instead of 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprint([u64; 2]);

impl Fingerprint {
    /// All bits zero (what [`crate::fp_table::FpTable`] marks empty slots with).
    pub const ZERO: Fingerprint = Fingerprint([0, 0]);

    pub fn of(value: impl Hash) -> Fingerprint {
        let f = fingerprint(value);
        Fingerprint::from(f)
    }

    /// The low half: the bits hash tables take as the key's hash.
    pub fn low(self) -> u64 {
        self.0[1]
    }
}

impl From<u128> for Fingerprint {
    fn from(f: u128) -> Fingerprint {
        Fingerprint([(f >> 64) as u64, f as u64])
    }
}

impl Hash for Fingerprint {
    /// One half is already a good hash.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[1]);
    }
}

/// A `HashMap` keyed by [`Fingerprint`]s.
pub type FingerprintKeyed<V> =
    std::collections::HashMap<Fingerprint, V, std::hash::BuildHasherDefault<FingerprintHasher>>;

/// A `HashMap` keyed by [`fingerprint`]s.
pub type FingerprintMap<V> =
    std::collections::HashMap<u128, V, std::hash::BuildHasherDefault<FingerprintHasher>>;
/// A `HashSet` of [`fingerprint`]s.
pub type FingerprintSet =
    std::collections::HashSet<u128, std::hash::BuildHasherDefault<FingerprintHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_fnv1a_vectors() {
        assert_eq!(Fnv64::default().finish(), 0xcbf29ce484222325);
        assert_eq!(Fnv64::default().bytes(b"a").finish(), 0xaf63dc4c8601ec8c);
        assert_eq!(
            Fnv64::default().bytes(b"foobar").finish(),
            0x85944171f73967e8
        );
    }

    #[test]
    fn separators_keep_fields_apart() {
        let a = Fnv64::default().str("ab").str("c").finish();
        let b = Fnv64::default().str("a").str("bc").finish();
        assert_ne!(a, b);
    }
}
