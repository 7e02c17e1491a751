//! A small seeded random number generator (SplitMix64): the same seed gives
//! the same walk on every machine, which is all the walk needs of it.

/// SplitMix64's state.
pub struct Rng(u64);

impl Rng {
    /// A generator that always gives the same numbers for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// true or false, evenly.
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}
