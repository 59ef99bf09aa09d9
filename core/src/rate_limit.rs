//! Fixed-window request budgets, as arithmetic. The Worker keeps one window
//! per client and budget in a Durable Object and asks [`take`] whether one
//! more request fits. A client is a public key + IP (or a secret key); the
//! clients of one key are spread over [`LIMITER_SHARDS`] objects
//! ([`shard_of`]), each keeping the windows of many clients, so a crowd of new
//! buyers does not create (and load) one object per buyer.
//!
//! A window starts with the first request after the previous one ended and
//! lasts `window_seconds`; `limit` requests fit in it. The answer carries what
//! the `X-RateLimit-*` headers and `Retry-After` say.

use serde::{Deserialize, Serialize};

/// One budget's state, as the Durable Object keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Unix milliseconds when this window began.
    pub started_ms: i64,
    /// Requests counted in it, refused ones included.
    pub count: u32,
}

/// What the front Worker asks the Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// Whose budget: `pk|<public key>|<client>` or `sk|<hash prefix>`.
    pub client: String,
    /// `reads`, `holds` or `server`.
    pub bucket: String,
    pub limit: u32,
    pub window_seconds: u32,
}

/// The answer: whether the request may go on, and the header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    /// `X-RateLimit-Limit`.
    pub limit: u32,
    /// `X-RateLimit-Remaining` (after this request).
    pub remaining: u32,
    /// `X-RateLimit-Reset`: whole seconds until the window ends (at least 1);
    /// also `Retry-After` when refused.
    pub reset_seconds: u32,
}

/// The client part of a rate-limit key, from `CF-Connecting-IP`: an IPv4
/// address as it is; an IPv6 address cut to its /64 network, because one
/// subscriber usually has a whole /64 and could otherwise take a fresh budget
/// per address. Anything unparsable counts as one shared client.
pub fn client_of(ip: Option<&str>) -> String {
    use std::net::IpAddr;
    match ip.map(str::trim).and_then(|text| text.parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
            }
        },
        None => "unknown".to_owned(),
    }
}

/// Objects the clients of one key are spread over.
pub const LIMITER_SHARDS: u32 = 32;

/// Which of a key's limiter objects counts `client` (stable, spread evenly).
pub fn shard_of(client: &str) -> u32 {
    let hash = u64::from_str_radix(&crate::fingerprint::fnv1a_64_hex(client.as_bytes()), 16).unwrap_or(0);
    (hash % u64::from(LIMITER_SHARDS)) as u32
}

/// Whether a window has ended at `now_ms` (its client's next request starts a
/// new one), so an object can forget it.
pub fn has_ended(window: &Window, now_ms: i64, window_seconds: u32) -> bool {
    now_ms >= window.started_ms + i64::from(window_seconds.max(1)) * 1000
}

/// Counts one request against `window` at `now_ms`.
pub fn take(window: Option<Window>, now_ms: i64, limit: u32, window_seconds: u32) -> (Window, Decision) {
    let length_ms = i64::from(window_seconds.max(1)) * 1000;
    let current = match window {
        // A clock that went backwards keeps the window it has.
        Some(window) if now_ms < window.started_ms + length_ms => window,
        _ => Window { started_ms: now_ms, count: 0 },
    };
    let count = current.count.saturating_add(1);
    let allowed = count <= limit;
    let ends_in_ms = (current.started_ms + length_ms - now_ms).clamp(1, length_ms);
    let decision = Decision {
        allowed,
        limit,
        remaining: limit.saturating_sub(count),
        reset_seconds: u32::try_from((ends_in_ms + 999) / 1000).unwrap_or(u32::MAX),
    };
    (Window { started_ms: current.started_ms, count }, decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_counts_down_refuses_and_recovers_after_the_window() {
        let mut window = None;
        let mut seen = Vec::new();
        for second in 0..4 {
            let (next, decision) = take(window, 1_000_000 + second * 1000, 3, 10);
            window = Some(next);
            seen.push((decision.allowed, decision.remaining, decision.reset_seconds));
        }
        assert_eq!(seen, [(true, 2, 10), (true, 1, 9), (true, 0, 8), (false, 0, 7)]);
        // Still inside the window: refused, with the time left.
        let (next, decision) = take(window, 1_009_500, 3, 10);
        assert_eq!((decision.allowed, decision.reset_seconds), (false, 1));
        // The window ended: a fresh budget.
        let (next, decision) = take(Some(next), 1_010_000, 3, 10);
        assert_eq!((decision.allowed, decision.remaining, decision.reset_seconds), (true, 2, 10));
        assert_eq!(next, Window { started_ms: 1_010_000, count: 1 });
    }

    #[test]
    fn clients_spread_over_a_few_objects_and_windows_end() {
        let shards: std::collections::BTreeSet<u32> =
            (0..1000).map(|n| shard_of(&format!("pk|k|10.0.{}.{}", n / 250, n % 250))).collect();
        assert_eq!(shards.len(), LIMITER_SHARDS as usize, "a thousand clients use every shard");
        assert!(shards.iter().all(|&shard| shard < LIMITER_SHARDS));
        assert_eq!(shard_of("pk|k|10.0.0.1"), shard_of("pk|k|10.0.0.1"), "stable");
        let window = Window { started_ms: 1_000, count: 3 };
        assert!(!has_ended(&window, 10_999, 10));
        assert!(has_ended(&window, 11_000, 10));
    }

    #[test]
    fn clients_are_ipv4_addresses_or_ipv6_networks() {
        let cases: &[(Option<&str>, &str)] = &[
            (Some("203.0.113.7"), "203.0.113.7"),
            (Some(" 203.0.113.7 "), "203.0.113.7"),
            (Some("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64"),
            (Some("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64"),
            (Some("2001:db8:1:3::1"), "2001:db8:1:3::/64"),
            (Some("::ffff:198.51.100.1"), "198.51.100.1"),
            (Some("not an address"), "unknown"),
            (Some("203.0.113.7|x"), "unknown"),
            (None, "unknown"),
        ];
        for &(ip, client) in cases {
            assert_eq!(client_of(ip), client, "{ip:?}");
        }
    }

    #[test]
    fn odd_clocks_and_huge_counts_do_not_break_the_answer() {
        let (_, decision) = take(Some(Window { started_ms: 5_000, count: u32::MAX }), 4_000, 10, 60);
        assert!(!decision.allowed);
        assert!((1..=60).contains(&decision.reset_seconds));
        let (_, decision) = take(None, 0, 1, 0);
        assert!(decision.allowed);
        assert_eq!(decision.reset_seconds, 1);
    }
}
