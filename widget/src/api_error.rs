//! The one error type every proxy call can end in, and how a response becomes one.
//!
//! The buyer sees a translated message chosen by [`ApiError::code`] (see
//! `i18n::error_message`); the proxy's English `message` is kept only for the
//! developer console. Deciding the code from a status and a body is pure, so it
//! is tested here rather than in a browser.

use ticket_contract::ErrorBody;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS refusal).
    #[error("network")]
    Network,
    /// The proxy answered with an error; `code` is its stable error code,
    /// `field` the request field it is about (`buyer.email`), `unavailable`
    /// the seat / admission ids a `seat_unavailable` answer names.
    #[error("{code}")]
    Proxy { status: u16, code: String, message: String, field: Option<String>, unavailable: Vec<String> },
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
        ApiError::Proxy { status, code: code.to_owned(), message: String::new(), field: None, unavailable: Vec::new() }
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

/// Turns a non-2xx answer into an error: the contract's
/// `{"error":{"code","message"}}` when the body has it, otherwise a code
/// derived from the status (a gateway or a dev server may answer in HTML).
pub fn error_from_response(status: u16, body: &str) -> ApiError {
    if let Ok(parsed) = serde_json::from_str::<ErrorBody>(body) {
        if !parsed.error.code.is_empty() {
            return ApiError::Proxy {
                status,
                code: parsed.error.code,
                message: parsed.error.message,
                field: parsed.error.field,
                unavailable: parsed.error.unavailable,
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
    ApiError::proxy(status, code)
}

/// Parses a 2xx body as the contract type `T`.
pub fn parse_success<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::BadResponse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::EventList;

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
            assert_eq!(error_from_response(status, body).code(), expected, "{status} {body}");
        }
        assert_eq!(
            error_from_response(502, r#"{"error":{"code":"upstream_unavailable","message":"m"}}"#),
            ApiError::Proxy {
                status: 502,
                code: "upstream_unavailable".into(),
                message: "m".into(),
                field: None,
                unavailable: vec![]
            }
        );
    }

    #[test]
    fn keeps_the_field_and_the_unavailable_ids() {
        let taken = error_from_response(
            409,
            r#"{"error":{"code":"seat_unavailable","message":"taken","unavailable":["s1","ga"]}}"#,
        );
        assert_eq!(taken.code(), "seat_unavailable");
        assert_eq!(taken.unavailable(), ["s1".to_owned(), "ga".to_owned()]);
        assert_eq!(taken.field(), None);
        let invalid = error_from_response(
            400,
            r#"{"error":{"code":"invalid_body","message":"bad e-mail","field":"buyer.email"}}"#,
        );
        assert_eq!(invalid.field(), Some("buyer.email"));
        assert!(invalid.unavailable().is_empty());
        assert_eq!(ApiError::Network.field(), None);
        assert!(ApiError::Network.unavailable().is_empty());
    }

    #[test]
    fn display_is_the_code_so_error_boundaries_can_translate_it() {
        assert_eq!(ApiError::Network.to_string(), "network");
        assert_eq!(error_from_response(504, "").to_string(), "upstream_timeout");
    }

    #[test]
    fn parses_success_bodies() {
        let empty: EventList = parse_success(r#"{"events":[]}"#).unwrap();
        assert!(empty.events.is_empty() && empty.unavailable_providers.is_empty());
        assert_eq!(parse_success::<EventList>("<html>"), Err(ApiError::BadResponse));
    }
}
