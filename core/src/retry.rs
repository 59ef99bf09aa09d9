//! When the proxy repeats an upstream call, and how long it waits first.
//!
//! QTickets publishes no rate limits and sends no rate-limit headers; both
//! upstreams answer `503` (and may answer `429`) when overloaded. Reads (`GET`)
//! are safe to repeat: they are retried at most [`MAX_RETRIES`] times with
//! exponential backoff and full jitter, honouring a short `Retry-After`. Writes
//! are never repeated here: whether a write may be repeated is the hold logic's
//! decision (`holds::*`), which knows which writes are idempotent.

use crate::errors::ProxyError;
use crate::upstream::{HttpMethod, UpstreamResponse};

/// Retries after the first attempt.
pub const MAX_RETRIES: u32 = 2;
/// The first backoff's upper bound; it doubles with each retry.
pub const BASE_DELAY_MS: u32 = 250;
/// No wait is longer than this, whatever `Retry-After` says.
pub const LONGEST_DELAY_MS: u32 = 2_000;

/// Whether the outcome of attempt number `attempt` (0 = the first) of a
/// `method` call should be repeated.
pub fn should_retry(method: HttpMethod, attempt: u32, outcome: &Result<UpstreamResponse, ProxyError>) -> bool {
    if method != HttpMethod::Get || attempt >= MAX_RETRIES {
        return false;
    }
    match outcome {
        Ok(response) => response.status == 503 || response.status == 429,
        // A connection that failed before any answer; not a timeout, which
        // already spent the call's whole budget.
        Err(error) => *error == ProxyError::UpstreamUnavailable,
    }
}

/// How long to wait before retry number `attempt + 1`. `unit_random` is a
/// uniform random number in `[0, 1)` (full jitter); `retry_after` is the
/// upstream's header, if any, in seconds.
pub fn backoff_ms(attempt: u32, retry_after: Option<&str>, unit_random: f64) -> u32 {
    let ceiling = BASE_DELAY_MS.saturating_mul(1 << attempt.min(16)).min(LONGEST_DELAY_MS);
    let jittered = (f64::from(ceiling) * unit_random.clamp(0.0, 1.0)) as u32;
    let asked = retry_after
        .and_then(|value| value.trim().parse::<u32>().ok())
        .map(|seconds| seconds.saturating_mul(1000).min(LONGEST_DELAY_MS));
    match asked {
        Some(asked) => asked.max(jittered),
        None => jittered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16) -> Result<UpstreamResponse, ProxyError> {
        Ok(UpstreamResponse { status, content_type: None, body: String::new() })
    }

    #[test]
    fn only_reads_are_repeated_and_only_on_overload_or_lost_connections() {
        use HttpMethod::*;
        let cases: &[(HttpMethod, u32, Result<UpstreamResponse, ProxyError>, bool)] = &[
            (Get, 0, response(503), true),
            (Get, 1, response(429), true),
            (Get, 2, response(503), false),
            (Get, 0, response(200), false),
            (Get, 0, response(500), false),
            (Get, 0, response(502), false),
            (Get, 0, Err(ProxyError::UpstreamUnavailable), true),
            (Get, 0, Err(ProxyError::UpstreamTimeout), false),
            (Post, 0, response(503), false),
            (Patch, 0, response(429), false),
            (Delete, 0, Err(ProxyError::UpstreamUnavailable), false),
        ];
        for (method, attempt, outcome, expected) in cases {
            assert_eq!(should_retry(*method, *attempt, outcome), *expected, "{method:?} #{attempt} {outcome:?}");
        }
    }

    #[test]
    fn backoff_grows_is_jittered_and_bounded() {
        assert_eq!(backoff_ms(0, None, 0.0), 0);
        assert_eq!(backoff_ms(0, None, 0.5), 125);
        assert_eq!(backoff_ms(1, None, 0.999_9), 499);
        assert_eq!(backoff_ms(5, None, 0.999_9), 1_999);
        assert_eq!(backoff_ms(40, None, 1.0), LONGEST_DELAY_MS);
        assert_eq!(backoff_ms(0, Some("1"), 0.1), 1_000);
        assert_eq!(backoff_ms(0, Some(" 3600 "), 0.1), LONGEST_DELAY_MS);
        assert_eq!(backoff_ms(0, Some("Wed, 21 Oct 2026 07:28:00 GMT"), 0.5), 125);
        assert_eq!(backoff_ms(0, None, f64::NAN), 0);
    }
}
