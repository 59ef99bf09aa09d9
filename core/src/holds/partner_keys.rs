//! Partner secret keys: only their SHA-256 hashes are kept in configuration.
//!
//! A partner's server confirms payments with `Authorization: Bearer sk_…`.
//! The Worker's configuration holds the lowercase hex SHA-256 of each valid
//! secret key, never the key itself, so a leaked configuration does not leak
//! the power to mark orders paid; removing a hash revokes the key. Comparison
//! is constant-time over every stored hash.

use sha2::{Digest, Sha256};

use crate::errors::ProxyError;

/// Prefix of every partner secret key.
pub const SECRET_KEY_PREFIX: &str = "sk_";
/// Prefix of every partner public key (the widget's `X-Partner-Key`).
pub const PUBLIC_KEY_PREFIX: &str = "pk_";

/// The lowercase hex SHA-256 of `key`, as stored in configuration.
pub fn hash_secret_key(key: &str) -> String {
    lowercase_hex(&Sha256::digest(key.as_bytes()))
}

/// Whether `presented` hashes to one of `stored_hashes` (hex, any case,
/// surrounding whitespace ignored). Every stored hash is compared, in
/// constant time, whatever matches first.
pub fn secret_key_matches(presented: &str, stored_hashes: &[String]) -> bool {
    let presented_hash = hash_secret_key(presented);
    let mut matched = false;
    for stored in stored_hashes {
        let stored = stored.trim().to_ascii_lowercase();
        matched |= constant_time_equal(presented_hash.as_bytes(), stored.as_bytes());
    }
    matched
}

/// The secret key a server call presents, from its raw `Authorization`
/// header: missing or not `Bearer` → [`ProxyError::SecretKeyRequired`]; a
/// public key → [`ProxyError::PublicKeyNotAllowed`]; anything that is not an
/// `sk_` key of sane length → [`ProxyError::PartnerKeyUnknown`]. Whose key
/// it is, is the partner directory's question (`crate::partners`).
pub fn presented_secret_key(authorization: Option<&str>) -> Result<&str, ProxyError> {
    let token = authorization
        .map(str::trim)
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case(ticket_contract::holds::CONFIRM_AUTHORIZATION_SCHEME).then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or(ProxyError::SecretKeyRequired)?;
    if token.starts_with(PUBLIC_KEY_PREFIX) {
        return Err(ProxyError::PublicKeyNotAllowed);
    }
    if !token.starts_with(SECRET_KEY_PREFIX) || token.len() > 200 {
        return Err(ProxyError::PartnerKeyUnknown);
    }
    Ok(token)
}

fn constant_time_equal(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    left.iter().zip(right).fold(0u8, |difference, (a, b)| difference | (a ^ b)) == 0
}

fn lowercase_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lowercase_hex_sha256() {
        // Known SHA-256 test vectors.
        assert_eq!(hash_secret_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hash_secret_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let hash = hash_secret_key("sk_demo_partner_secret");
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)));
        assert!(!hash.contains("sk_"));
    }

    #[test]
    fn a_key_matches_only_its_own_hash() {
        let stored = vec![hash_secret_key("sk_other"), format!("  {}  ", hash_secret_key("sk_live_1").to_uppercase())];
        let cases: &[(&str, bool)] = &[
            ("sk_live_1", true),
            ("sk_other", true),
            ("sk_live_2", false),
            ("sk_live_1 ", false),
            ("", false),
            ("pk_live_1", false),
        ];
        for &(presented, expected) in cases {
            assert_eq!(secret_key_matches(presented, &stored), expected, "{presented:?}");
        }
        // The stored hash itself is not a key.
        assert!(!secret_key_matches(&hash_secret_key("sk_live_1"), &stored));
        assert!(!secret_key_matches("sk_live_1", &[]));
        assert!(!secret_key_matches("sk_live_1", &["not-a-hash".to_string()]));
    }

    #[test]
    fn confirm_authorization_table() {
        let stored = vec![hash_secret_key("sk_demo_1")];
        let cases: &[(Option<&str>, Result<(), ProxyError>)] = &[
            (Some("Bearer sk_demo_1"), Ok(())),
            (Some("bearer   sk_demo_1 "), Ok(())),
            (None, Err(ProxyError::SecretKeyRequired)),
            (Some(""), Err(ProxyError::SecretKeyRequired)),
            (Some("Bearer"), Err(ProxyError::SecretKeyRequired)),
            (Some("Bearer "), Err(ProxyError::SecretKeyRequired)),
            (Some("Basic c2tfZGVtb18xOg=="), Err(ProxyError::SecretKeyRequired)),
            (Some("sk_demo_1"), Err(ProxyError::SecretKeyRequired)),
            (Some("Bearer pk_demo_1"), Err(ProxyError::PublicKeyNotAllowed)),
            (Some("Bearer sk_demo_2"), Err(ProxyError::PartnerKeyUnknown)),
            (Some("Bearer demo_1"), Err(ProxyError::PartnerKeyUnknown)),
        ];
        for (header, expected) in cases {
            let outcome = presented_secret_key(*header).and_then(|key| {
                if secret_key_matches(key, &stored) {
                    Ok(())
                } else {
                    Err(ProxyError::PartnerKeyUnknown)
                }
            });
            assert_eq!(&outcome, expected, "{header:?}");
        }
    }
}
