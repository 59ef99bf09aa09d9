//! Fetching contract documents from the edge proxy (browser only).
//!
//! Plain `fetch` through `web-sys` keeps the bundle small (no HTTP client
//! crate). Every request carries the partner's public key in
//! `X-Partner-Key` and gives up after [`REQUEST_TIMEOUT_MS`], so a phone that
//! lost its network sees an error with a retry button instead of a skeleton
//! forever. Status and body are classified by the pure `api_error` module.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use ticket_contract::{Availability, EventList, Layout, PARTNER_KEY_HEADER};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Request, RequestInit, RequestMode, Response};

use crate::api_error::{error_from_response, parse_success, ApiError};
use crate::config::WidgetConfig;

/// Longer than the proxy's own upstream timeout, so its `upstream_timeout`
/// answer normally arrives first.
pub const REQUEST_TIMEOUT_MS: u32 = 20_000;

/// `GET /v1/events`
pub async fn fetch_events(config: Arc<WidgetConfig>) -> Result<Arc<EventList>, ApiError> {
    get_json(&config.events_url(), &config.partner_key).await.map(Arc::new)
}

/// `GET /v1/events/{event_id}/shows/{show_id}/layout`
pub async fn fetch_layout(config: Arc<WidgetConfig>, event_id: String, show_id: String) -> Result<Arc<Layout>, ApiError> {
    get_json(&config.layout_url(&event_id, &show_id), &config.partner_key).await.map(Arc::new)
}

/// `GET /v1/events/{event_id}/shows/{show_id}/availability`
pub async fn fetch_availability(
    config: Arc<WidgetConfig>,
    event_id: String,
    show_id: String,
) -> Result<Arc<Availability>, ApiError> {
    get_json(&config.availability_url(&event_id, &show_id), &config.partner_key).await.map(Arc::new)
}

async fn get_json<T: DeserializeOwned>(url: &str, partner_key: &str) -> Result<T, ApiError> {
    let result = request_json(url, partner_key).await;
    if let Err(error) = &result {
        leptos::logging::warn!("ticket-widget: GET {url} failed: {error:?}");
    }
    result
}

async fn request_json<T: DeserializeOwned>(url: &str, partner_key: &str) -> Result<T, ApiError> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS)));
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Network)?;
    let headers = request.headers();
    headers.set(PARTNER_KEY_HEADER, partner_key).map_err(|_| ApiError::Network)?;
    headers.set("Accept", "application/json").map_err(|_| ApiError::Network)?;

    let window = web_sys::window().ok_or(ApiError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Network)?
        .unchecked_into();
    let body_promise = response.text().map_err(|_| ApiError::Network)?;
    let body = JsFuture::from(body_promise)
        .await
        .map_err(|_| ApiError::Network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        parse_success(&body)
    } else {
        Err(error_from_response(response.status(), &body))
    }
}
