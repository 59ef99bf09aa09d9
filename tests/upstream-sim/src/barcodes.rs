//! Barcodes for paid tickets, derived from the ticket so they are the same on
//! every run (tests can compare them across a retried confirm) and never
//! appear before payment. QTickets gets a 13-digit EAN-13 (the document says
//! only "value for the barcode", l.428; EAN-13 is what Russian box offices
//! print); TicketsCloud gets 17 digits like every barcode in its document
//! (`"67454655075047921"`, l.1307), plus the 8-character order `code` its done
//! orders carry (`"97elgi8j"`, l.767).

/// `2` (the in-store EAN prefix range 20–29) + the ticket number in 11 digits
/// + the EAN-13 check digit.
pub fn qtickets_ean13_barcode(ticket_number: u64) -> String {
    let body = format!("2{:011}", ticket_number % 100_000_000_000);
    let weighted_sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(position, digit)| {
            let digit = u32::from(digit - b'0');
            if position % 2 == 0 {
                digit
            } else {
                digit * 3
            }
        })
        .sum();
    let check_digit = (10 - weighted_sum % 10) % 10;
    format!("{body}{check_digit}")
}

/// 17 digits, never starting with 0, from the order and ticket numbers.
pub fn ticketscloud_barcode(order_number: u64, ticket_number: u64) -> String {
    let mixed = splitmix64(order_number.rotate_left(32) ^ ticket_number);
    let smallest_17_digit = 10_000_000_000_000_000u64;
    format!("{}", smallest_17_digit + mixed % (9 * smallest_17_digit))
}

/// The 8 lowercase letters and digits of a done order's `code`.
pub fn ticketscloud_order_code(order_number: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut value = splitmix64(order_number ^ 0x6f72_6465_7263_6f64);
    (0..8)
        .map(|_| {
            let character = ALPHABET[(value % ALPHABET.len() as u64) as usize] as char;
            value /= ALPHABET.len() as u64;
            character
        })
        .collect()
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qtickets_barcodes_are_valid_ean13() {
        let cases = [(27061, "2000000270616"), (1, "2000000000015"), (99_999_999_999, "2999999999991")];
        for (ticket_number, expected) in cases {
            assert_eq!(qtickets_ean13_barcode(ticket_number), expected);
        }
    }

    #[test]
    fn ticketscloud_codes_look_like_the_documents() {
        let barcodes: std::collections::BTreeSet<String> =
            (0..1000).map(|ticket| ticketscloud_barcode(54_877, 510_001 + ticket)).collect();
        assert_eq!(barcodes.len(), 1000, "distinct per ticket");
        for barcode in &barcodes {
            assert_eq!(barcode.len(), 17);
            assert!(barcode.bytes().all(|byte| byte.is_ascii_digit()));
        }
        assert_eq!(ticketscloud_barcode(54_877, 510_001), ticketscloud_barcode(54_877, 510_001));
        let code = ticketscloud_order_code(54_877);
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit()));
        assert_ne!(code, ticketscloud_order_code(54_878));
    }
}
