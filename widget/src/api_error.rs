//! The one error type every proxy call can end in, and how a response becomes one.
//!
//! The buyer sees a translated message chosen by [`ApiError::code`] (see
//! `i18n::error_message`); the proxy's English `message` is kept only for the
//! developer console. Deciding the code from a status and a body is pure, so it
//! is tested here rather than in a browser. Bodies arrive already parsed (the
//! browser parses JSON, `browser_json.rs`): an error body as the contract's
//! [`ErrorBody`] if it was one, a success body as a `serde::Deserializer`.

use serde::{Deserialize, Deserializer};
use ticket_contract::ErrorBody;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS refusal).
    #[error("network")]
    Network,
    /// The proxy answered with an error; `code` is its stable error code,
    /// `field` the request field it is about (`buyer.email`), `unavailable`
    /// the seat / admission ids a `seat_unavailable` answer names,
    /// `retry_after_seconds` the `Retry-After` of a `429` (when to ask again).
    #[error("{code}")]
    Proxy {
        status: u16,
        code: String,
        message: String,
        field: Option<String>,
        unavailable: Vec<String>,
        retry_after_seconds: Option<u32>,
    },
    /// A 2xx answer that is not the JSON the contract promises.
    #[error("bad_response")]
    BadResponse,
    /// The availability document indexes a different layout version than the
    /// one we hold (the hall was re-planned between the two requests).
    #[error("layout_changed")]
    LayoutChanged,
}

impl ApiError {
    /// A proxy error with only a status and a code (no field, no ids).
    pub fn proxy(status: u16, code: &str) -> ApiError {
        ApiError::Proxy {
            status,
            code: code.to_owned(),
            message: String::new(),
            field: None,
            unavailable: Vec::new(),
            retry_after_seconds: None,
        }
    }

    /// How long the proxy asked us to wait before the next request (a `429`'s
    /// `Retry-After`), if it said.
    pub fn retry_after_seconds(&self) -> Option<u32> {
        match self {
            ApiError::Proxy { retry_after_seconds, .. } => *retry_after_seconds,
            _ => None,
        }
    }

    /// The request field the proxy blamed, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Proxy { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The ids a `seat_unavailable` answer names (empty otherwise).
    pub fn unavailable(&self) -> &[String] {
        match self {
            ApiError::Proxy { unavailable, .. } => unavailable,
            _ => &[],
        }
    }

    /// The stable code the UI translates.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Network => "network",
            ApiError::Proxy { code, .. } => code,
            ApiError::BadResponse => "bad_response",
            ApiError::LayoutChanged => "layout_changed",
        }
    }
}

/// The longest `Retry-After` the widget honours. The proxy's rate-limit
/// windows are about a minute; a larger value (a misconfigured gateway) would
/// only freeze the checkout for longer than a hold lives.
pub const MAX_RETRY_AFTER_SECONDS: u32 = 600;

/// Turns a non-2xx answer into an error: the contract's
/// `{"error":{"code","message"}}` when the body was one (`body`: `None` when
/// it was not JSON of that shape), otherwise a code derived from the status
/// (a gateway or a dev server may answer in HTML). `retry_after` is the
/// response's `Retry-After` header (whole seconds; the HTTP-date form is not
/// used by the proxy and is ignored).
pub fn error_from_response(status: u16, body: Option<ErrorBody>, retry_after: Option<&str>) -> ApiError {
    let retry_after_seconds =
        retry_after.and_then(|value| value.trim().parse::<u32>().ok()).map(|seconds| seconds.min(MAX_RETRY_AFTER_SECONDS));
    if let Some(parsed) = body {
        if !parsed.error.code.is_empty() {
            return ApiError::Proxy {
                status,
                code: parsed.error.code,
                message: parsed.error.message,
                field: parsed.error.field,
                unavailable: parsed.error.unavailable,
                retry_after_seconds,
            };
        }
    }
    let code = match status {
        404 => "not_found",
        429 => "rate_limited",
        401 | 403 => "unauthorized",
        502 | 503 => "upstream_unavailable",
        504 => "upstream_timeout",
        500..=599 => "server_error",
        _ => "bad_response",
    };
    let mut error = ApiError::proxy(status, code);
    if let ApiError::Proxy { retry_after_seconds: slot, .. } = &mut error {
        *slot = retry_after_seconds;
    }
    error
}

/// Reads a parsed 2xx body as the contract type `T`.
pub fn parse_success<'de, T: Deserialize<'de>, D: Deserializer<'de>>(body: D) -> Result<T, ApiError> {
    T::deserialize(body).map_err(|_| ApiError::BadResponse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::EventList;

    /// What the glue hands over for a response body: the contract's error
    /// body if the text is JSON of that shape.
    fn error_from_response(status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
        super::error_from_response(status, serde_json::from_str(body).ok(), retry_after)
    }

    fn parse_success<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ApiError> {
        super::parse_success(&mut serde_json::Deserializer::from_str(body))
    }

    #[test]
    fn classifies_error_responses() {
        let cases: &[(u16, &str, &str)] = &[
            (502, r#"{"error":{"code":"upstream_unavailable","message":"QTickets said 503"}}"#, "upstream_unavailable"),
            (504, r#"{"error":{"code":"upstream_timeout","message":"slow"}}"#, "upstream_timeout"),
            (404, r#"{"error":{"code":"event_not_found","message":"no such event","field":"event_id"}}"#, "event_not_found"),
            (404, "<html>Not Found</html>", "not_found"),
            (429, "", "rate_limited"),
            (403, "forbidden", "unauthorized"),
            (503, "", "upstream_unavailable"),
            (504, "gateway timeout", "upstream_timeout"),
            (500, "{}", "server_error"),
            (418, r#"{"error":{"code":"","message":""}}"#, "bad_response"),
        ];
        for &(status, body, expected) in cases {
            assert_eq!(error_from_response(status, body, None).code(), expected, "{status} {body}");
        }
        assert_eq!(
            error_from_response(502, r#"{"error":{"code":"upstream_unavailable","message":"m"}}"#, None),
            ApiError::Proxy {
                status: 502,
                code: "upstream_unavailable".into(),
                message: "m".into(),
                field: None,
                unavailable: vec![],
                retry_after_seconds: None,
            }
        );
    }

    #[test]
    fn keeps_the_field_and_the_unavailable_ids() {
        let taken = error_from_response(
            409,
            r#"{"error":{"code":"seat_unavailable","message":"taken","unavailable":["s1","ga"]}}"#,
            None,
        );
        assert_eq!(taken.code(), "seat_unavailable");
        assert_eq!(taken.unavailable(), ["s1".to_owned(), "ga".to_owned()]);
        assert_eq!(taken.field(), None);
        let invalid =
            error_from_response(400, r#"{"error":{"code":"invalid_body","message":"bad e-mail","field":"buyer.email"}}"#, None);
        assert_eq!(invalid.field(), Some("buyer.email"));
        assert!(invalid.unavailable().is_empty());
        assert_eq!(ApiError::Network.field(), None);
        assert!(ApiError::Network.unavailable().is_empty());
    }

    #[test]
    fn display_is_the_code_so_error_boundaries_can_translate_it() {
        assert_eq!(ApiError::Network.to_string(), "network");
        assert_eq!(error_from_response(504, "", None).to_string(), "upstream_timeout");
    }

    #[test]
    fn reads_the_proxys_access_refusals_and_its_retry_after() {
        /// Status, body, `Retry-After` header → code, seconds to wait.
        type Case<'a> = (u16, &'a str, Option<&'a str>, &'a str, Option<u32>);
        let rate_limited = r#"{"error":{"code":"rate_limited","message":"Too many requests"}}"#;
        let cases: &[Case] = &[
            (429, rate_limited, Some("7"), "rate_limited", Some(7)),
            (429, rate_limited, Some(" 12 "), "rate_limited", Some(12)),
            (429, rate_limited, Some("0"), "rate_limited", Some(0)),
            (429, rate_limited, None, "rate_limited", None),
            // Only whole seconds: the HTTP-date form and nonsense are ignored.
            (429, rate_limited, Some("Wed, 21 Oct 2026 07:28:00 GMT"), "rate_limited", None),
            (429, rate_limited, Some("-5"), "rate_limited", None),
            (429, rate_limited, Some("1.5"), "rate_limited", None),
            // Capped: a gateway's huge value must not freeze the checkout.
            (429, rate_limited, Some("86400"), "rate_limited", Some(MAX_RETRY_AFTER_SECONDS)),
            (429, "<html>Too Many Requests</html>", Some("3"), "rate_limited", Some(3)),
            (401, r#"{"error":{"code":"partner_key_revoked","message":"revoked"}}"#, None, "partner_key_revoked", None),
            (403, r#"{"error":{"code":"origin_not_allowed","message":"origin"}}"#, None, "origin_not_allowed", None),
        ];
        for &(status, body, header, code, retry_after) in cases {
            let error = error_from_response(status, body, header);
            assert_eq!(error.code(), code, "{status} {header:?}");
            assert_eq!(error.retry_after_seconds(), retry_after, "{status} {header:?}");
        }
        assert_eq!(ApiError::Network.retry_after_seconds(), None);
        assert_eq!(ApiError::proxy(429, "rate_limited").retry_after_seconds(), None);
    }

    #[test]
    fn parses_success_bodies() {
        let empty: EventList = parse_success(r#"{"events":[]}"#).unwrap();
        assert!(empty.events.is_empty() && empty.unavailable_providers.is_empty());
        assert_eq!(parse_success::<EventList>("<html>"), Err(ApiError::BadResponse));
    }
}
