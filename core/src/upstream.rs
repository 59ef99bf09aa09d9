//! Upstream HTTP calls as plain data.
//!
//! The core never performs IO: adapters *describe* the requests they need
//! ([`UpstreamRequest`]) and *interpret* what came back ([`UpstreamResponse`]).
//! The Worker glue is the only code that turns one into a `fetch` and back.
//! That keeps every provider rule testable with fixtures, natively, in
//! milliseconds.
//!
//! The API key lives in [`UpstreamConfig`] and goes only into the
//! `Authorization` header; the hand-written `Debug` impls below print
//! `<redacted>` instead, so a `{:?}` in a log line cannot leak it.

use std::fmt;

use thiserror::Error;

/// Placeholder printed instead of secrets in `Debug` output.
pub const REDACTED: &str = "<redacted>";

/// The methods the two upstreams need (QTickets: GET/POST; TicketsCloud:
/// GET/POST/PATCH for orders; DELETE for completeness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Post,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// Where one provider lives and the key to talk to it (a Worker secret).
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamConfig {
    /// E.g. `https://qtickets.ru` or `http://127.0.0.1:8790/qtickets`
    /// (simulator); a trailing slash is fine.
    pub base_url: String,
    pub api_key: String,
}

impl fmt::Debug for UpstreamConfig {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("UpstreamConfig").field("base_url", &self.base_url).field("api_key", &REDACTED).finish()
    }
}

impl UpstreamConfig {
    /// `base_url` joined with `path_and_query` with exactly one slash between.
    pub fn url(&self, path_and_query: &str) -> String {
        join_url(&self.base_url, path_and_query)
    }

    /// A request to this upstream, authorised with `Authorization:
    /// <scheme> <key>` (`Bearer` for QTickets, `key` for TicketsCloud) — the
    /// one place the key is put into a request. `body` is its content type
    /// and text.
    pub fn request(
        &self,
        method: HttpMethod,
        path_and_query: &str,
        authorization_scheme: &str,
        body: Option<(&str, String)>,
    ) -> UpstreamRequest {
        let mut headers = vec![
            ("Authorization".to_string(), format!("{authorization_scheme} {}", self.api_key)),
            ("Accept".to_string(), "application/json".to_string()),
        ];
        let body = body.map(|(content_type, text)| {
            headers.push(("Content-Type".to_string(), content_type.to_string()));
            text
        });
        UpstreamRequest { method, url: self.url(path_and_query), headers, body }
    }
}

/// Joins a base URL and a path without doubling or dropping the slash.
pub fn join_url(base_url: &str, path_and_query: &str) -> String {
    format!("{}/{}", base_url.trim_end_matches('/'), path_and_query.trim_start_matches('/'))
}

/// One HTTP request the caller should perform.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamRequest {
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl UpstreamRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(header_name, _)| header_name.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for UpstreamRequest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_secret_header(name) { REDACTED } else { value.as_str() };
                (name.as_str(), shown)
            })
            .collect();
        formatter
            .debug_struct("UpstreamRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

fn is_secret_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie", "x-api-key"].iter().any(|secret| name.eq_ignore_ascii_case(secret))
}

/// What came back from one [`UpstreamRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

impl UpstreamResponse {
    /// A `200 application/json` response; handy in tests and the glue.
    pub fn json(status: u16, body: impl Into<String>) -> UpstreamResponse {
        UpstreamResponse { status, content_type: Some("application/json".to_string()), body: body.into() }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What an adapter could not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingThing {
    Event,
    Show,
}

/// Why an upstream exchange did not give us what we asked for.
///
/// Texts carried here are short, sanitised and key-free: upstream bodies are
/// never copied in whole.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpstreamError {
    #[error("the upstream does not know this {}", match what { MissingThing::Event => "event", MissingThing::Show => "show" })]
    NotFound { what: MissingThing },
    /// The upstream refused our API key: a configuration problem on our side.
    #[error("the upstream rejected our API key")]
    UpstreamRejectedKey,
    /// The upstream understood and said no (`SEAT_NOT_AVAILABLE`, a validation
    /// error, …). `code` is the upstream's code or first message, sanitised.
    #[error("the upstream refused the request: {code}")]
    Refused { code: String },
    /// A non-2xx answer that is not one of the above (502 HTML page, 503).
    #[error("the upstream answered HTTP {status}")]
    Unavailable { status: u16 },
    /// A 2xx answer we cannot read (HTML, truncated JSON, unexpected shape).
    #[error("the upstream answer could not be read: {what}")]
    BadResponse { what: String },
    /// The caller gave up waiting (reported by the glue, never by a parser).
    #[error("the upstream did not answer in time")]
    Timeout,
}

/// Keeps an upstream-supplied code or message safe to log and to carry in an
/// error: printable ASCII only, at most 80 characters.
pub fn sanitise_upstream_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|character| if character.is_ascii_graphic() || character == ' ' { character } else { '?' })
        .take(80)
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        "unspecified".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_urls_with_exactly_one_slash() {
        let cases = [
            ("https://qtickets.ru", "api/partners/v1/events/lists", "https://qtickets.ru/api/partners/v1/events/lists"),
            ("https://qtickets.ru/", "/api/x", "https://qtickets.ru/api/x"),
            ("http://127.0.0.1:8790/qtickets//", "//api/x", "http://127.0.0.1:8790/qtickets/api/x"),
            ("http://127.0.0.1:8790/ticketscloud", "v1/a?page=1", "http://127.0.0.1:8790/ticketscloud/v1/a?page=1"),
        ];
        for (base, path, expected) in cases {
            assert_eq!(join_url(base, path), expected);
        }
    }

    #[test]
    fn debug_output_redacts_the_key() {
        let config = UpstreamConfig { base_url: "https://qtickets.ru".into(), api_key: "sekret-key-123".into() };
        let request = UpstreamRequest {
            method: HttpMethod::Get,
            url: config.url("api/x"),
            headers: vec![("Authorization".into(), "Bearer sekret-key-123".into()), ("accept".into(), "application/json".into())],
            body: None,
        };
        for printed in [format!("{config:?}"), format!("{config:#?}"), format!("{request:?}"), format!("{request:#?}")] {
            assert!(!printed.contains("sekret"), "{printed}");
            assert!(printed.contains(REDACTED), "{printed}");
        }
        assert!(format!("{request:?}").contains("application/json"));
    }

    #[test]
    fn sanitises_upstream_text() {
        assert_eq!(sanitise_upstream_text("SEAT_NOT_AVAILABLE"), "SEAT_NOT_AVAILABLE");
        assert_eq!(sanitise_upstream_text("a\nb\u{1b}[31m"), "a?b?[31m");
        assert_eq!(sanitise_upstream_text("Событие"), "???????");
        assert_eq!(sanitise_upstream_text("  "), "unspecified");
        assert_eq!(sanitise_upstream_text(&"x".repeat(500)).len(), 80);
    }
}
