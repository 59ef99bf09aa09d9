//! Injected upstream failures: the ways the real services were seen to fail
//! (a 503 with a JSON body, in the live report), plus what any HTTP upstream
//! does on a bad day (slow answers, a body cut short, a proxy's HTML error
//! page, a 429 telling the caller to slow down). Tests switch them on through `POST /_sim/faults`; the gate applies
//! them before the request reaches a handler.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::state::{Provider, UpstreamRoute};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    Route(UpstreamRoute),
    /// `"*"`: every upstream route of both providers.
    EveryRoute,
}

impl FaultTarget {
    pub fn name(self) -> &'static str {
        match self {
            FaultTarget::Route(route) => route.name(),
            FaultTarget::EveryRoute => "*",
        }
    }

    fn matches(self, route: UpstreamRoute) -> bool {
        match self {
            FaultTarget::Route(target) => target == route,
            FaultTarget::EveryRoute => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait, then answer normally.
    Latency { latency_ms: u64 },
    /// HTTP 503 with a small body.
    Unavailable,
    /// HTTP 429 with `Retry-After: 1` and a small body.
    TooManyRequests,
    /// HTTP 200, `content-type: application/json`, the real body cut in half.
    MalformedJson,
    /// HTTP 502 with an nginx error page, `content-type: text/html`.
    HtmlError,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Latency { .. } => "latency",
            FaultKind::Unavailable => "unavailable",
            FaultKind::TooManyRequests => "too_many_requests",
            FaultKind::MalformedJson => "malformed_json",
            FaultKind::HtmlError => "html_error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub target: FaultTarget,
    pub kind: FaultKind,
    /// How many more requests it applies to; `None` = until cleared.
    pub remaining_uses: Option<u32>,
}

/// The body of `POST /_sim/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    pub route: String,
    pub kind: String,
    pub latency_ms: Option<u64>,
    pub count: Option<u32>,
}

/// How a fault is listed by `GET /_sim/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultView {
    pub route: &'static str,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Requests it still applies to; null = until cleared.
    pub remaining: Option<u32>,
}

impl FaultRule {
    pub fn from_request(request: &FaultRequest) -> Result<FaultRule, String> {
        let target = match request.route.as_str() {
            "*" => FaultTarget::EveryRoute,
            name => FaultTarget::Route(UpstreamRoute::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = UpstreamRoute::ALL.iter().map(|route| route.name()).collect();
                format!("unknown route `{name}`; expected one of {known:?} or \"*\"")
            })?),
        };
        let kind = match (request.kind.as_str(), request.latency_ms) {
            ("latency", Some(latency_ms)) => FaultKind::Latency { latency_ms },
            ("latency", None) => return Err("kind `latency` needs `latency_ms`".to_owned()),
            ("unavailable", _) => FaultKind::Unavailable,
            ("too_many_requests", _) => FaultKind::TooManyRequests,
            ("malformed_json", _) => FaultKind::MalformedJson,
            ("html_error", _) => FaultKind::HtmlError,
            (other, _) => {
                return Err(format!(
                    "unknown kind `{other}`; expected latency, unavailable, too_many_requests, malformed_json or html_error"
                ))
            }
        };
        if request.count == Some(0) {
            return Err("`count` must be at least 1 (leave it out for \"until cleared\")".to_owned());
        }
        Ok(FaultRule { target, kind, remaining_uses: request.count })
    }

    pub fn view(&self) -> FaultView {
        FaultView {
            route: self.target.name(),
            kind: self.kind.name(),
            latency_ms: match self.kind {
                FaultKind::Latency { latency_ms } => Some(latency_ms),
                _ => None,
            },
            remaining: self.remaining_uses,
        }
    }
}

/// A fault that replaces the upstream's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFault {
    Unavailable,
    TooManyRequests,
    MalformedJson,
    HtmlError,
}

/// What the faults matching one request add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TriggeredFaults {
    /// The longest latency of the matching latency faults.
    pub latency: Option<Duration>,
    /// The first matching response-replacing fault, in the order they were added.
    pub response: Option<ResponseFault>,
}

#[derive(Debug, Default)]
pub struct FaultTable {
    rules: Vec<FaultRule>,
}

impl FaultTable {
    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn views(&self) -> Vec<FaultView> {
        self.rules.iter().map(FaultRule::view).collect()
    }

    /// Applies every rule matching `route` to one request: each uses up one
    /// of its `count`, and rules used up are dropped.
    pub fn trigger(&mut self, route: UpstreamRoute) -> TriggeredFaults {
        let mut triggered = TriggeredFaults::default();
        for rule in self.rules.iter_mut().filter(|rule| rule.target.matches(route)) {
            if let Some(remaining) = &mut rule.remaining_uses {
                *remaining -= 1;
            }
            match rule.kind {
                FaultKind::Latency { latency_ms } => {
                    let latency = Duration::from_millis(latency_ms);
                    triggered.latency = Some(triggered.latency.map_or(latency, |longest| longest.max(latency)));
                }
                FaultKind::Unavailable => {
                    triggered.response.get_or_insert(ResponseFault::Unavailable);
                }
                FaultKind::TooManyRequests => {
                    triggered.response.get_or_insert(ResponseFault::TooManyRequests);
                }
                FaultKind::MalformedJson => {
                    triggered.response.get_or_insert(ResponseFault::MalformedJson);
                }
                FaultKind::HtmlError => {
                    triggered.response.get_or_insert(ResponseFault::HtmlError);
                }
            }
        }
        self.rules.retain(|rule| rule.remaining_uses != Some(0));
        triggered
    }
}

/// HTTP 503. For QTickets the body is the one the live report quotes for its
/// 503 (`{"error": "Unknown error", "status": 503, "code": "UNKNOWN_ERROR"}`);
/// for TicketsCloud it is its usual `{"errors": [...]}` list.
pub fn unavailable_response(provider: Provider) -> Response {
    let body = match provider {
        Provider::Qtickets => {
            serde_json::json!({"error": "Unknown error", "status": 503, "code": "UNKNOWN_ERROR"})
        }
        Provider::Ticketscloud => {
            serde_json::json!({"errors": ["Service temporarily unavailable"]})
        }
    };
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

/// How long a `too_many_requests` answer asks the caller to wait.
pub const TOO_MANY_REQUESTS_RETRY_AFTER_SECONDS: u64 = 1;

/// HTTP 429 with `Retry-After: 1`, in each provider's error style (QTickets
/// documents no limits, so its body mirrors the shape of its 503; TicketsCloud
/// uses its `{"errors": [...]}` list). Lets tests watch the proxy back off.
pub fn too_many_requests_response(provider: Provider) -> Response {
    let body = match provider {
        Provider::Qtickets => {
            serde_json::json!({"error": "Too many requests", "status": 429, "code": "TOO_MANY_REQUESTS"})
        }
        Provider::Ticketscloud => serde_json::json!({"errors": ["Too many requests"]}),
    };
    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, TOO_MANY_REQUESTS_RETRY_AFTER_SECONDS.to_string())], axum::Json(body))
        .into_response()
}

pub const NGINX_BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// HTTP 502 with the page nginx shows when the application behind it is down.
pub fn html_error_response() -> Response {
    (StatusCode::BAD_GATEWAY, [(header::CONTENT_TYPE, "text/html"), (header::SERVER, "nginx")], NGINX_BAD_GATEWAY_PAGE)
        .into_response()
}

/// Keeps the first half of the real body (cut on a character boundary), as if
/// the connection dropped mid-answer, and says it is a JSON 200. Every body
/// the simulator sends is a JSON object or array, and no strict prefix of one
/// parses.
pub async fn truncate_to_malformed_json(response: Response) -> Response {
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let mut cut = (text.len() / 2).max(1).min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let truncated = if cut == 0 { "{".to_owned() } else { text[..cut].to_owned() };
    let mut response = Response::new(Body::from(truncated));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(route: &str, kind: &str, latency_ms: Option<u64>, count: Option<u32>) -> Result<FaultRule, String> {
        FaultRule::from_request(&FaultRequest { route: route.into(), kind: kind.into(), latency_ms, count })
    }

    #[test]
    fn requests_are_validated() {
        assert_eq!(
            rule("qtickets.seats", "latency", Some(30), Some(2)),
            Ok(FaultRule {
                target: FaultTarget::Route(UpstreamRoute::QticketsSeats),
                kind: FaultKind::Latency { latency_ms: 30 },
                remaining_uses: Some(2)
            })
        );
        assert_eq!(rule("*", "html_error", None, None).unwrap().target, FaultTarget::EveryRoute);
        let too_many = rule("ticketscloud.tickets", "too_many_requests", None, Some(3)).unwrap();
        assert_eq!(too_many.kind, FaultKind::TooManyRequests);
        assert_eq!(
            too_many.view(),
            FaultView { route: "ticketscloud.tickets", kind: "too_many_requests", latency_ms: None, remaining: Some(3) }
        );
        for (route, kind, latency_ms, count, fragment) in [
            ("qtickets.orders", "unavailable", None, None, "unknown route"),
            ("*", "teapot", None, None, "unknown kind"),
            ("*", "latency", None, None, "latency_ms"),
            ("*", "unavailable", None, Some(0), "at least 1"),
        ] {
            let error = rule(route, kind, latency_ms, count).expect_err(kind);
            assert!(error.contains(fragment), "{error}");
        }
    }

    #[test]
    fn counted_faults_wear_out_and_latencies_combine() {
        let mut table = FaultTable::default();
        table.add(rule("qtickets.seats", "unavailable", None, Some(1)).unwrap());
        table.add(rule("*", "latency", Some(10), None).unwrap());
        table.add(rule("qtickets.seats", "latency", Some(40), Some(2)).unwrap());

        let first = table.trigger(UpstreamRoute::QticketsSeats);
        assert_eq!(first.response, Some(ResponseFault::Unavailable));
        assert_eq!(first.latency, Some(Duration::from_millis(40)));
        let second = table.trigger(UpstreamRoute::QticketsSeats);
        assert_eq!((second.response, second.latency), (None, Some(Duration::from_millis(40))));
        let third = table.trigger(UpstreamRoute::QticketsSeats);
        assert_eq!(third.latency, Some(Duration::from_millis(10)));
        assert_eq!(table.views().len(), 1, "only the unlimited fault is left");
        assert_eq!(table.trigger(UpstreamRoute::TicketscloudEvents).latency, Some(Duration::from_millis(10)));
    }

    #[test]
    fn too_many_requests_is_a_429_with_retry_after_in_each_providers_style() {
        let mut table = FaultTable::default();
        table.add(rule("*", "too_many_requests", None, Some(1)).unwrap());
        assert_eq!(table.trigger(UpstreamRoute::QticketsSeats).response, Some(ResponseFault::TooManyRequests));
        assert_eq!(table.trigger(UpstreamRoute::QticketsSeats).response, None);

        for (provider, marker) in [(Provider::Qtickets, "TOO_MANY_REQUESTS"), (Provider::Ticketscloud, "errors")] {
            let response = too_many_requests_response(provider);
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(response.headers().get(header::RETRY_AFTER), Some(&HeaderValue::from_static("1")));
            assert_eq!(response.headers().get(header::CONTENT_TYPE), Some(&HeaderValue::from_static("application/json")));
            let body = body_text(response);
            assert!(body.len() < 200 && body.contains(marker), "{provider:?}: {body}");
            serde_json::from_str::<serde_json::Value>(&body).expect("a JSON body");
        }
    }

    fn body_text(response: Response) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let bytes = runtime.block_on(to_bytes(response.into_body(), usize::MAX)).unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
