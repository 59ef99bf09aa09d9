//! Building HTTP responses: JSON bodies, the error shape, CORS and caching
//! headers. The status and public code of an error are decided in
//! `ticket_core::errors::ProxyError`, not here.

use ticket_contract::PARTNER_KEY_HEADER;
use ticket_core::errors::ProxyError;
use worker::{Headers, Response};

/// A JSON response with the given status and extra headers.
pub fn json_response(status: u16, body: String, extra_headers: &[(&str, &str)]) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    for (name, value) in extra_headers {
        let _ = headers.set(name, value);
    }
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body.into_bytes())
}

pub fn error_response(error: &ProxyError) -> Response {
    let body = serde_json::to_string(&error.to_body()).unwrap_or_else(|_| {
        r#"{"error":{"code":"internal","message":"internal error"}}"#.to_owned()
    });
    json_response(error.status(), body, &[("Cache-Control", "no-store")])
}

/// `304 Not Modified` for a conditional GET whose ETag still matches.
pub fn not_modified(etag: &str, cache_control: &str) -> Response {
    let headers = Headers::new();
    let _ = headers.set("ETag", etag);
    let _ = headers.set("Cache-Control", cache_control);
    Response::builder().with_status(304).with_headers(headers).empty()
}

/// Answers a CORS preflight for the API.
pub fn preflight_response(origin: Option<&str>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
    let _ = headers.set(
        "Access-Control-Allow-Headers",
        &format!("{PARTNER_KEY_HEADER}, Content-Type, If-None-Match"),
    );
    let _ = headers.set("Access-Control-Max-Age", "86400");
    let mut response = Response::builder().with_status(204).with_headers(headers).empty();
    add_cors_headers(&mut response, origin);
    response
}

/// Lets the partner's page read the response. Every origin is allowed for now;
/// per-partner allowed origins come with partner records (issue 4).
pub fn add_cors_headers(response: &mut Response, origin: Option<&str>) {
    let headers = response.headers_mut();
    let _ = headers.set("Access-Control-Allow-Origin", origin.unwrap_or("*"));
    let _ = headers.append("Vary", "Origin");
    let _ = headers.set("Access-Control-Expose-Headers", "ETag, X-Cache, X-Request-Id");
}
