//! Compact encoding of "which seats can be bought" for the availability document.
//!
//! A 10,000-seat hall would cost hundreds of kilobytes as a list of ids; as one
//! bit per seat in layout order it is 1,250 bytes, 2,500 hex characters. Hex keeps
//! it readable in curl output and needs no codec crate on either side.

/// Encodes availability flags (in layout seat order) as lowercase hex, most
/// significant bit of each byte first.
pub fn encode(available: &[bool]) -> String {
    let mut hex = String::with_capacity(available.len().div_ceil(8) * 2);
    for chunk in available.chunks(8) {
        let mut byte = 0u8;
        for (bit, &is_available) in chunk.iter().enumerate() {
            if is_available {
                byte |= 0x80 >> bit;
            }
        }
        hex.push(char::from_digit((byte >> 4) as u32, 16).unwrap_or('0'));
        hex.push(char::from_digit((byte & 0x0f) as u32, 16).unwrap_or('0'));
    }
    hex
}

/// Decodes `seat_count` flags from [`encode`]'s output. Returns `None` when the
/// text is not hex or is too short for `seat_count` seats.
pub fn decode(hex: &str, seat_count: usize) -> Option<Vec<bool>> {
    let digits = hex.as_bytes();
    if digits.len() < seat_count.div_ceil(8) * 2 {
        return None;
    }
    let mut flags = Vec::with_capacity(seat_count);
    for index in 0..seat_count {
        let pair = &digits[(index / 8) * 2..(index / 8) * 2 + 2];
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        let byte = (high << 4) | low;
        flags.push(byte & (0x80 >> (index % 8)) != 0);
    }
    Some(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_pads_the_last_byte() {
        let cases: &[&[bool]] = &[&[], &[true], &[false, true, false, false, false, false, false, true, true], &[true; 17]];
        for &flags in cases {
            let hex = encode(flags);
            assert_eq!(hex.len(), flags.len().div_ceil(8) * 2, "{flags:?}");
            assert_eq!(decode(&hex, flags.len()).as_deref(), Some(flags), "{hex}");
        }
        assert_eq!(encode(&[true, false, true]), "a0");
    }

    #[test]
    fn rejects_short_or_non_hex_text() {
        assert_eq!(decode("a", 3), None);
        assert_eq!(decode("zz", 3), None);
        assert_eq!(decode("", 1), None);
    }
}
