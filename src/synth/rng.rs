//! The generator's only source of randomness: SplitMix64 (Steele, Lea and Flood 2014; Vigna's
//! reference `splitmix64.c`), written out here so a seed gives the same numbers on every machine
//! and with every version of every dependency. Draws are integers; probabilities are integer
//! weights or parts per ten thousand / million, never floats.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a good 64-bit mixer on its own.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a derived stream is for; each purpose gets numbers independent of the others, so that
/// (for example) the share of bad rows never changes which members or payments are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Shared data: the clinician pool.
    World = 1,
    /// A member's identity, enrollment and encounters.
    Member = 2,
    /// Which of a member's rows are replaced by bad rows, and how.
    BadRows = 3,
    /// A member's payments and the payment errors.
    Payments = 4,
}

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent generator for one purpose and one index (e.g. a member), derived from the
    /// run's seed, so members can be generated one at a time in any order.
    pub fn stream(seed: u64, stream: Stream, index: u64) -> Rng {
        let a = mix64(seed.wrapping_add(GOLDEN_GAMMA.wrapping_mul(stream as u64)));
        Rng::new(mix64(a ^ mix64(index.wrapping_add(GOLDEN_GAMMA))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// A number in `0..n` (multiply-shift; the bias, under 2^-32 for the small `n` used here, does
    /// not matter for synthetic data). `n` must be at least 1.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_10k` / 10,000.
    pub fn chance(&mut self, per_10k: u32) -> bool {
        self.below(10_000) < u64::from(per_10k)
    }

    /// True with probability `ppm` / 1,000,000.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        self.below(1_000_000) < u64::from(ppm)
    }

    /// One element, uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// One value, with probability proportional to its integer weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (v, w) in items {
            let w = u64::from(*w);
            if r < w {
                return *v;
            }
            r -= w;
        }
        unreachable!("r < total")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_splitmix64_vector() {
        // First outputs of Vigna's splitmix64.c seeded with 1234567.
        let mut r = Rng::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn streams_are_stable_and_distinct() {
        let a = Rng::stream(42, Stream::Member, 7).next_u64();
        assert_eq!(a, Rng::stream(42, Stream::Member, 7).next_u64());
        assert_ne!(a, Rng::stream(42, Stream::Member, 8).next_u64());
        assert_ne!(a, Rng::stream(42, Stream::Payments, 7).next_u64());
        assert_ne!(a, Rng::stream(43, Stream::Member, 7).next_u64());
    }

    #[test]
    fn draws_stay_in_range_and_follow_weights() {
        let mut r = Rng::new(9);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            assert!(r.below(7) < 7);
            let x = r.range(-3, 3);
            assert!((-3..=3).contains(&x));
            counts[r.weighted(&[(0usize, 1), (1, 2), (2, 0)])] += 1;
        }
        assert_eq!(counts[2], 0);
        assert!(counts[1] > counts[0] * 3 / 2, "{counts:?}");
    }
}
