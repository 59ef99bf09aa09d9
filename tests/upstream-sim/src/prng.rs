//! A tiny xorshift64* generator with caller-chosen seeds, so the demo data
//! ("about 10% of seats already sold") is the same on every run and every
//! machine: tests can name seats that are sold or vacant.

#[derive(Debug, Clone)]
pub struct DeterministicRandom {
    state: u64,
}

impl DeterministicRandom {
    pub fn with_seed(seed: u64) -> DeterministicRandom {
        // xorshift must never hold zero; mix the seed so that small seeds differ.
        let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        DeterministicRandom { state: if mixed == 0 { 1 } else { mixed } }
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True with probability `percent` / 100.
    pub fn percent_chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_roughly_fair() {
        let first: Vec<u64> = (0..5)
            .map({
                let mut r = DeterministicRandom::with_seed(7);
                move |_| r.next_u64()
            })
            .collect();
        let second: Vec<u64> = (0..5)
            .map({
                let mut r = DeterministicRandom::with_seed(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(first, second);
        let mut random = DeterministicRandom::with_seed(2001);
        let hits = (0..10_000).filter(|_| random.percent_chance(10)).count();
        assert!((800..1200).contains(&hits), "{hits} of 10000 at 10%");
    }
}
