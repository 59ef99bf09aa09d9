//! The proxy's settings, read from Worker vars and secrets through a getter so
//! the parsing is pure and tested natively.
//!
//! Upstream keys are secrets (`wrangler secret put`, or `.dev.vars` locally) and
//! only ever travel inside [`UpstreamConfig`], whose `Debug` output redacts them.

use ticket_core::upstream::UpstreamConfig;

/// Names of the settings, as they appear in `wrangler.toml` `[vars]` and secrets.
pub mod names {
    pub const QTICKETS_BASE_URL: &str = "QTICKETS_BASE_URL";
    pub const QTICKETS_API_KEY: &str = "QTICKETS_API_KEY";
    pub const TICKETSCLOUD_BASE_URL: &str = "TICKETSCLOUD_BASE_URL";
    pub const TICKETSCLOUD_API_KEY: &str = "TICKETSCLOUD_API_KEY";
    pub const PARTNER_PUBLIC_KEYS: &str = "PARTNER_PUBLIC_KEYS";
    pub const UPSTREAM_TIMEOUT_MS: &str = "UPSTREAM_TIMEOUT_MS";
    pub const PARTNER_SECRET_KEY_HASHES: &str = "PARTNER_SECRET_KEY_HASHES";
    pub const HOLD_SECONDS: &str = "HOLD_SECONDS";
    pub const MAX_PLACES_PER_HOLD: &str = "MAX_PLACES_PER_HOLD";
}

#[derive(Debug, Clone)]
pub struct ProxyConfig {
    pub qtickets: UpstreamConfig,
    pub ticketscloud: UpstreamConfig,
    /// Public partner keys (`pk_…`) the widget may present. Partner records with
    /// origins and limits replace this list in a later issue.
    pub partner_public_keys: Vec<String>,
    /// Upper bound on one upstream call, in milliseconds.
    pub upstream_timeout_ms: u32,
    /// Per public key: SHA-256 hex hashes of that partner's secret keys
    /// (`pk_…=hash`, comma-separated in `PARTNER_SECRET_KEY_HASHES`). The
    /// secret keys themselves are never stored.
    pub partner_secret_key_hashes: Vec<(String, String)>,
    /// How long a hold lasts before it expires, in seconds.
    pub hold_seconds: i64,
    /// Most places (seats plus admission tickets) one hold may take.
    pub max_places_per_hold: u32,
}

/// A setting that is missing or malformed. Names the setting, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("setting {0} is missing")]
    Missing(&'static str),
    #[error("setting {0} is malformed")]
    Malformed(&'static str),
}

pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 8_000;
pub const DEFAULT_HOLD_SECONDS: i64 = 15 * 60;
pub const DEFAULT_MAX_PLACES_PER_HOLD: u32 = 10;

impl ProxyConfig {
    /// Reads every setting through `get` (vars and secrets alike).
    pub fn from_settings(get: impl Fn(&str) -> Option<String>) -> Result<ProxyConfig, ConfigError> {
        let required = |name: &'static str| -> Result<String, ConfigError> {
            get(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty()).ok_or(ConfigError::Missing(name))
        };
        let base_url = |name: &'static str| -> Result<String, ConfigError> {
            let value = required(name)?;
            if value.starts_with("https://") || value.starts_with("http://") {
                Ok(value.trim_end_matches('/').to_owned())
            } else {
                Err(ConfigError::Malformed(name))
            }
        };
        let partner_public_keys: Vec<String> = required(names::PARTNER_PUBLIC_KEYS)?
            .split(',')
            .map(|key| key.trim().to_owned())
            .filter(|key| !key.is_empty())
            .collect();
        if partner_public_keys.iter().any(|key| !key.starts_with("pk_")) {
            return Err(ConfigError::Malformed(names::PARTNER_PUBLIC_KEYS));
        }
        let upstream_timeout_ms = match get(names::UPSTREAM_TIMEOUT_MS) {
            None => DEFAULT_UPSTREAM_TIMEOUT_MS,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|millis| (100..=60_000).contains(millis))
                .ok_or(ConfigError::Malformed(names::UPSTREAM_TIMEOUT_MS))?,
        };
        let number = |name: &'static str, default: i64, range: std::ops::RangeInclusive<i64>| -> Result<i64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(text) => text.trim().parse::<i64>().ok().filter(|value| range.contains(value)).ok_or(ConfigError::Malformed(name)),
            }
        };
        let hold_seconds = number(names::HOLD_SECONDS, DEFAULT_HOLD_SECONDS, 10..=3600)?;
        let max_places_per_hold = number(names::MAX_PLACES_PER_HOLD, DEFAULT_MAX_PLACES_PER_HOLD as i64, 1..=50)? as u32;
        let mut partner_secret_key_hashes = Vec::new();
        for pair in get(names::PARTNER_SECRET_KEY_HASHES).unwrap_or_default().split(',') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (public_key, hash) = pair.split_once('=').ok_or(ConfigError::Malformed(names::PARTNER_SECRET_KEY_HASHES))?;
            let (public_key, hash) = (public_key.trim(), hash.trim().to_ascii_lowercase());
            let is_sha256_hex = hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit());
            if !is_sha256_hex || !partner_public_keys.iter().any(|known| known == public_key) {
                return Err(ConfigError::Malformed(names::PARTNER_SECRET_KEY_HASHES));
            }
            partner_secret_key_hashes.push((public_key.to_owned(), hash));
        }
        Ok(ProxyConfig {
            qtickets: UpstreamConfig {
                base_url: base_url(names::QTICKETS_BASE_URL)?,
                api_key: required(names::QTICKETS_API_KEY)?,
            },
            ticketscloud: UpstreamConfig {
                base_url: base_url(names::TICKETSCLOUD_BASE_URL)?,
                api_key: required(names::TICKETSCLOUD_API_KEY)?,
            },
            partner_public_keys,
            upstream_timeout_ms,
            partner_secret_key_hashes,
            hold_seconds,
            max_places_per_hold,
        })
    }

    /// The stored secret-key hashes of the partner with this public key.
    pub fn secret_key_hashes_of(&self, public_key: &str) -> Vec<String> {
        self.partner_secret_key_hashes
            .iter()
            .filter(|(partner, _)| partner == public_key)
            .map(|(_, hash)| hash.clone())
            .collect()
    }

    pub fn knows_public_key(&self, key: &str) -> bool {
        self.partner_public_keys.iter().any(|known| known == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    const COMPLETE: &[(&str, &str)] = &[
        ("QTICKETS_BASE_URL", "http://127.0.0.1:8790/qtickets/"),
        ("QTICKETS_API_KEY", "canary-qt-key-123"),
        ("TICKETSCLOUD_BASE_URL", "https://ticketscloud.com"),
        ("TICKETSCLOUD_API_KEY", "canary-tc-key-456"),
        ("PARTNER_PUBLIC_KEYS", "pk_demo_1, pk_demo_2"),
        (
            "PARTNER_SECRET_KEY_HASHES",
            "pk_demo_1=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
        ),
    ];

    #[test]
    fn reads_a_complete_configuration() {
        let config = ProxyConfig::from_settings(settings(COMPLETE)).unwrap();
        assert_eq!(config.qtickets.base_url, "http://127.0.0.1:8790/qtickets");
        assert_eq!(config.partner_public_keys, vec!["pk_demo_1", "pk_demo_2"]);
        assert_eq!(config.upstream_timeout_ms, DEFAULT_UPSTREAM_TIMEOUT_MS);
        assert!(config.knows_public_key("pk_demo_2"));
        assert!(!config.knows_public_key("pk_demo_3"));
        assert_eq!(
            config.secret_key_hashes_of("pk_demo_1"),
            vec!["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
        );
        assert!(config.secret_key_hashes_of("pk_demo_2").is_empty());
        assert_eq!((config.hold_seconds, config.max_places_per_hold), (900, 10));
        let debug = format!("{config:?}");
        assert!(!debug.contains("canary-qt-key-123") && !debug.contains("canary-tc-key-456"), "{debug}");
    }

    #[test]
    fn names_the_bad_setting_without_its_value() {
        let cases: &[(&str, Option<&str>, ConfigError)] = &[
            ("QTICKETS_API_KEY", None, ConfigError::Missing("QTICKETS_API_KEY")),
            ("TICKETSCLOUD_API_KEY", Some("  "), ConfigError::Missing("TICKETSCLOUD_API_KEY")),
            ("QTICKETS_BASE_URL", Some("ftp://x"), ConfigError::Malformed("QTICKETS_BASE_URL")),
            ("PARTNER_PUBLIC_KEYS", Some("sk_live_oops"), ConfigError::Malformed("PARTNER_PUBLIC_KEYS")),
            ("UPSTREAM_TIMEOUT_MS", Some("forever"), ConfigError::Malformed("UPSTREAM_TIMEOUT_MS")),
            ("HOLD_SECONDS", Some("5"), ConfigError::Malformed("HOLD_SECONDS")),
            ("HOLD_SECONDS", Some("a day"), ConfigError::Malformed("HOLD_SECONDS")),
            ("PARTNER_SECRET_KEY_HASHES", Some("pk_demo_1=sk_live_in_clear"), ConfigError::Malformed("PARTNER_SECRET_KEY_HASHES")),
            ("PARTNER_SECRET_KEY_HASHES", Some("pk_other=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), ConfigError::Malformed("PARTNER_SECRET_KEY_HASHES")),
        ];
        for (name, value, expected) in cases {
            let mut pairs: Vec<(&str, &str)> =
                COMPLETE.iter().copied().filter(|(setting, _)| setting != name).collect();
            if let Some(value) = value {
                pairs.push((name, value));
            }
            let error = ProxyConfig::from_settings(settings(&pairs)).unwrap_err();
            assert_eq!(&error, expected, "{name}");
        }
    }
}
