//! Building HTTP responses: JSON bodies, the error shape, CORS, rate-limit and
//! caching headers. The status and public code of an error are decided in
//! `ticket_core::errors::ProxyError`, not here.

use ticket_contract::PARTNER_KEY_HEADER;
use ticket_core::errors::ProxyError;
use ticket_core::rate_limit::Decision;
use worker::{Headers, Response};

/// A JSON response with the given status and extra headers.
pub fn json_response(status: u16, body: String, extra_headers: &[(&str, &str)]) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    for (name, value) in extra_headers {
        let _ = headers.set(name, value);
    }
    Response::builder().with_status(status).with_headers(headers).fixed(body.into_bytes())
}

pub fn error_response(error: &ProxyError) -> Response {
    let body = serde_json::to_string(&error.to_body())
        .unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"internal error"}}"#.to_owned());
    let retry_after = error.retry_after_seconds().map(|seconds| seconds.to_string());
    let mut headers = vec![("Cache-Control", "no-store")];
    if let Some(seconds) = &retry_after {
        headers.push(("Retry-After", seconds));
    }
    json_response(error.status(), body, &headers)
}

/// `304 Not Modified` for a conditional GET whose ETag still matches.
pub fn not_modified(etag: &str, cache_control: &str) -> Response {
    let headers = Headers::new();
    let _ = headers.set("ETag", etag);
    let _ = headers.set("Cache-Control", cache_control);
    Response::builder().with_status(304).with_headers(headers).empty()
}

/// Answers a CORS preflight from an origin some partner allows.
pub fn preflight_response() -> Response {
    let headers = Headers::new();
    let _ = headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
    let _ =
        headers.set("Access-Control-Allow-Headers", &format!("{PARTNER_KEY_HEADER}, Content-Type, If-None-Match, X-Request-Id"));
    let _ = headers.set("Access-Control-Max-Age", "600");
    Response::builder().with_status(204).with_headers(headers).empty()
}

/// Lets a page on `origin` read the response (only called for an origin the
/// partner allows, or `*` for public documents).
pub fn add_cors_headers(response: &mut Response, origin: &str) {
    let headers = response.headers_mut();
    let _ = headers.set("Access-Control-Allow-Origin", origin);
    let _ = headers.append("Vary", "Origin");
    let _ = headers.set(
        "Access-Control-Expose-Headers",
        "ETag, X-Cache, X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, \
         Availability-Bits, Availability-Layout-Version, Availability-Revision",
    );
}

/// `X-RateLimit-*` from the limiter's decision (and `Retry-After` on a refusal).
pub fn add_rate_limit_headers(response: &mut Response, decision: &Decision) {
    let headers = response.headers_mut();
    let _ = headers.set("X-RateLimit-Limit", &decision.limit.to_string());
    let _ = headers.set("X-RateLimit-Remaining", &decision.remaining.to_string());
    let _ = headers.set("X-RateLimit-Reset", &decision.reset_seconds.to_string());
    if !decision.allowed {
        let _ = headers.set("Retry-After", &decision.reset_seconds.to_string());
    }
}
