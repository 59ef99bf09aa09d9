//! A small, stable, dependency-free content hash (FNV-1a, 64 bit).
//!
//! Used for layout versions and ETags: both only need "same bytes → same text,
//! different bytes → almost surely different text", across builds, machines and
//! the wasm/native boundary. `std`'s `DefaultHasher` is explicitly not stable
//! across releases, and a cryptographic hash would be dead weight in the Worker.

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over `bytes`.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET_BASIS, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME))
}

/// FNV-1a over `bytes` as 16 lowercase hex digits.
pub fn fnv1a_64_hex(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a_64(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors() {
        // Vectors from the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/).
        let cases: &[(&[u8], u64)] = &[(b"", 0xcbf29ce484222325), (b"a", 0xaf63dc4c8601ec8c), (b"foobar", 0x85944171f73967e8)];
        for &(input, expected) in cases {
            assert_eq!(fnv1a_64(input), expected, "{input:?}");
        }
        assert_eq!(fnv1a_64_hex(b"a"), "af63dc4c8601ec8c");
    }
}
