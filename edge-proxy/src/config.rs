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
    pub const UPSTREAM_TIMEOUT_MS: &str = "UPSTREAM_TIMEOUT_MS";
    pub const HOLD_SECONDS: &str = "HOLD_SECONDS";
    pub const HOLD_COMMAND_BUDGET_MS: &str = "HOLD_COMMAND_BUDGET_MS";
    pub const HOLD_STEP_TIMEOUT_MS: &str = "HOLD_STEP_TIMEOUT_MS";
    pub const BAD_KEY_BUDGET: &str = "BAD_KEY_BUDGET";
}

#[derive(Debug, Clone)]
pub struct ProxyConfig {
    pub qtickets: UpstreamConfig,
    pub ticketscloud: UpstreamConfig,
    /// Upper bound on one upstream call (retries included), in milliseconds.
    pub upstream_timeout_ms: u32,
    /// How long a hold lasts before it expires, in seconds.
    pub hold_seconds: i64,
    /// How long one hold command may go on starting upstream steps (adds,
    /// pays, order changes), in milliseconds; past it the command undoes what
    /// it did and answers `upstream_timeout`. Well under the 30 s after which
    /// workerd would reset an object that blocked its input.
    pub hold_command_budget_ms: u32,
    /// Upper bound on one upstream step of a hold command, in milliseconds.
    /// Longer than `upstream_timeout_ms` for reads: a write cut off is an
    /// uncertain write that costs a retry or an undo. Undoing may also go on
    /// for this long after the command's budget.
    pub hold_step_timeout_ms: u32,
    /// Requests with a missing, unknown or revoked key one client address may
    /// send per minute before they are answered `429` (`ticket_core::abuse`).
    pub bad_key_budget: u32,
}

/// A setting that is missing or malformed. Names the setting, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("setting {0} is missing")]
    Missing(&'static str),
    #[error("setting {0} is malformed")]
    Malformed(&'static str),
    /// An `http://` upstream that is not on this machine: keys would cross
    /// the internet in clear.
    #[error("setting {0} must be an https:// URL (http:// only for an upstream on this machine, such as the simulator)")]
    Insecure(&'static str),
}

pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 8_000;
pub const DEFAULT_HOLD_SECONDS: i64 = 15 * 60;
pub const DEFAULT_HOLD_COMMAND_BUDGET_MS: u32 = 20_000;
pub const DEFAULT_HOLD_STEP_TIMEOUT_MS: u32 = 10_000;

impl ProxyConfig {
    /// Reads every setting through `get` (vars and secrets alike).
    pub fn from_settings(get: impl Fn(&str) -> Option<String>) -> Result<ProxyConfig, ConfigError> {
        let required = |name: &'static str| -> Result<String, ConfigError> {
            get(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty()).ok_or(ConfigError::Missing(name))
        };
        let base_url = |name: &'static str| -> Result<String, ConfigError> {
            let value = required(name)?;
            match value.split_once("://") {
                Some(("https", rest)) if !rest.is_empty() => Ok(value.trim_end_matches('/').to_owned()),
                Some(("http", rest)) if ticket_core::this_machine::is_this_machine(rest) => {
                    Ok(value.trim_end_matches('/').to_owned())
                }
                Some(("http", rest)) if !rest.is_empty() => Err(ConfigError::Insecure(name)),
                _ => Err(ConfigError::Malformed(name)),
            }
        };
        let millis = |name: &'static str, default: u32, range: std::ops::RangeInclusive<u32>| -> Result<u32, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(text) => {
                    text.trim().parse::<u32>().ok().filter(|millis| range.contains(millis)).ok_or(ConfigError::Malformed(name))
                }
            }
        };
        let upstream_timeout_ms = millis(names::UPSTREAM_TIMEOUT_MS, DEFAULT_UPSTREAM_TIMEOUT_MS, 100..=60_000)?;
        let hold_command_budget_ms = millis(names::HOLD_COMMAND_BUDGET_MS, DEFAULT_HOLD_COMMAND_BUDGET_MS, 1_000..=25_000)?;
        let hold_step_timeout_ms = millis(names::HOLD_STEP_TIMEOUT_MS, DEFAULT_HOLD_STEP_TIMEOUT_MS, 100..=30_000)?;
        let number = |name: &'static str, default: i64, range: std::ops::RangeInclusive<i64>| -> Result<i64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(text) => {
                    text.trim().parse::<i64>().ok().filter(|value| range.contains(value)).ok_or(ConfigError::Malformed(name))
                }
            }
        };
        let hold_seconds = number(names::HOLD_SECONDS, DEFAULT_HOLD_SECONDS, 10..=3600)?;
        let bad_key_budget = millis(names::BAD_KEY_BUDGET, ticket_core::abuse::DEFAULT_BAD_KEY_BUDGET, 1..=1_000_000)?;
        Ok(ProxyConfig {
            qtickets: UpstreamConfig {
                base_url: base_url(names::QTICKETS_BASE_URL)?,
                api_key: required(names::QTICKETS_API_KEY)?,
            },
            ticketscloud: UpstreamConfig {
                base_url: base_url(names::TICKETSCLOUD_BASE_URL)?,
                api_key: required(names::TICKETSCLOUD_API_KEY)?,
            },
            upstream_timeout_ms,
            hold_seconds,
            hold_command_budget_ms,
            hold_step_timeout_ms,
            bad_key_budget,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    const COMPLETE: &[(&str, &str)] = &[
        ("QTICKETS_BASE_URL", "http://127.0.0.1:8790/qtickets/"),
        ("QTICKETS_API_KEY", "canary-qt-key-123"),
        ("TICKETSCLOUD_BASE_URL", "https://ticketscloud.com"),
        ("TICKETSCLOUD_API_KEY", "canary-tc-key-456"),
    ];

    #[test]
    fn reads_a_complete_configuration() {
        let config = ProxyConfig::from_settings(settings(COMPLETE)).unwrap();
        assert_eq!(config.qtickets.base_url, "http://127.0.0.1:8790/qtickets");
        assert_eq!(config.upstream_timeout_ms, DEFAULT_UPSTREAM_TIMEOUT_MS);
        assert_eq!(config.hold_seconds, 900);
        assert_eq!((config.hold_command_budget_ms, config.hold_step_timeout_ms), (20_000, 10_000));
        assert_eq!(config.bad_key_budget, ticket_core::abuse::DEFAULT_BAD_KEY_BUDGET);
        let debug = format!("{config:?}");
        assert!(!debug.contains("canary-qt-key-123") && !debug.contains("canary-tc-key-456"), "{debug}");
    }

    #[test]
    fn names_the_bad_setting_without_its_value() {
        let cases: &[(&str, Option<&str>, ConfigError)] = &[
            ("QTICKETS_API_KEY", None, ConfigError::Missing("QTICKETS_API_KEY")),
            ("TICKETSCLOUD_API_KEY", Some("  "), ConfigError::Missing("TICKETSCLOUD_API_KEY")),
            ("QTICKETS_BASE_URL", Some("ftp://x"), ConfigError::Malformed("QTICKETS_BASE_URL")),
            ("QTICKETS_BASE_URL", Some("http://qtickets.ru"), ConfigError::Insecure("QTICKETS_BASE_URL")),
            ("TICKETSCLOUD_BASE_URL", Some("http://127.example.com/x"), ConfigError::Insecure("TICKETSCLOUD_BASE_URL")),
            ("TICKETSCLOUD_BASE_URL", Some("https://"), ConfigError::Malformed("TICKETSCLOUD_BASE_URL")),
            ("UPSTREAM_TIMEOUT_MS", Some("forever"), ConfigError::Malformed("UPSTREAM_TIMEOUT_MS")),
            ("HOLD_SECONDS", Some("5"), ConfigError::Malformed("HOLD_SECONDS")),
            ("HOLD_SECONDS", Some("a day"), ConfigError::Malformed("HOLD_SECONDS")),
            ("HOLD_COMMAND_BUDGET_MS", Some("30000"), ConfigError::Malformed("HOLD_COMMAND_BUDGET_MS")),
            ("HOLD_STEP_TIMEOUT_MS", Some("0"), ConfigError::Malformed("HOLD_STEP_TIMEOUT_MS")),
            ("BAD_KEY_BUDGET", Some("0"), ConfigError::Malformed("BAD_KEY_BUDGET")),
        ];
        for (name, value, expected) in cases {
            let mut pairs: Vec<(&str, &str)> = COMPLETE.iter().copied().filter(|(setting, _)| setting != name).collect();
            if let Some(value) = value {
                pairs.push((name, value));
            }
            let error = ProxyConfig::from_settings(settings(&pairs)).unwrap_err();
            assert_eq!(&error, expected, "{name}");
        }
    }

    #[test]
    fn plain_http_only_for_an_upstream_on_this_machine() {
        for local in ["http://127.0.0.1:8790/qtickets", "http://localhost:8790", "http://[::1]:8790/x"] {
            let config =
                ProxyConfig::from_settings(settings(&[("QTICKETS_BASE_URL", local), COMPLETE[1], COMPLETE[2], COMPLETE[3]]));
            assert!(config.is_ok(), "{local}: {config:?}");
        }
        let production = [
            ("QTICKETS_BASE_URL", "https://qtickets.ru"),
            ("QTICKETS_API_KEY", "k"),
            ("TICKETSCLOUD_BASE_URL", "https://ticketscloud.com/"),
            ("TICKETSCLOUD_API_KEY", "k"),
        ];
        let config = ProxyConfig::from_settings(settings(&production)).unwrap();
        assert_eq!(config.ticketscloud.base_url, "https://ticketscloud.com");
    }
}
