//! Talking to the edge proxy (browser only): catalogue documents and holds.
//!
//! Plain `fetch` through `web-sys` keeps the bundle small (no HTTP client
//! crate). Every request carries the partner's public key in
//! `X-Partner-Key` and gives up after [`REQUEST_TIMEOUT_MS`], so a phone that
//! lost its network sees an error with a retry button instead of a skeleton
//! forever. Status and body are classified by the pure `api_error` module.
//!
//! After any hold operation availability is fetched with `cache: "no-store"`
//! (`fresh`), so a buyer never sees a browser-cached copy in which their own
//! seats are still free. A refusal keeps its `Retry-After` (a `429`), so
//! whoever retries knows how long to wait.
//!
//! A 2xx body is parsed by the browser (`Response.json()`) and read into the
//! contract's types by `browser_json`; an error body is read as the
//! contract's `ErrorBody` if it is one. Request bodies are written the same
//! way (`JSON.stringify`).
//!
//! The first reads (catalogue; the hall of a widget opened on a date) are
//! started by the loader while the wasm downloads (`widget.js`, `prefetch`);
//! a GET takes such a response once, by partner key and URL, instead of
//! asking again. A prefetch that failed to connect is simply asked again.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use ticket_contract::{Availability, ChangeHold, CreateHold, EventList, Hold, Layout, PARTNER_KEY_HEADER};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Request, RequestCache, RequestInit, RequestMode, Response};

use crate::api_error::{error_from_response, parse_success, ApiError};
use crate::browser_json;
use crate::config::WidgetConfig;
use crate::hold_wire::parse_hold;

/// Longer than the proxy's own upstream timeout, so its `upstream_timeout`
/// answer normally arrives first.
pub const REQUEST_TIMEOUT_MS: u32 = 20_000;

/// `GET /v1/events`
pub async fn fetch_events(config: Arc<WidgetConfig>) -> Result<Arc<EventList>, ApiError> {
    get_json(&config.events_url(), &config.partner_key).await.map(Arc::new)
}

/// `GET /v1/events/{event_id}/shows/{show_id}/layout`; `fresh` bypasses the
/// browser cache (the live feed named a layout version this copy is not).
pub async fn fetch_layout(
    config: Arc<WidgetConfig>,
    event_id: String,
    show_id: String,
    fresh: bool,
) -> Result<Arc<Layout>, ApiError> {
    let body = send("GET", &config.layout_url(&event_id, &show_id), &config.partner_key, None, fresh).await?;
    parse_success(browser_json::reader(body)).map(Arc::new)
}

/// Whether holds for this show take a promo code: the layout's
/// `accepts_promocodes`, read without building the layout's seats (the
/// browser normally has the document cached from the hall).
pub async fn fetch_accepts_promocodes(config: &WidgetConfig, event_id: &str, show_id: &str) -> Result<bool, ApiError> {
    #[derive(serde::Deserialize)]
    struct Capabilities {
        #[serde(default)]
        accepts_promocodes: bool,
    }
    let body = send("GET", &config.layout_url(event_id, show_id), &config.partner_key, None, false).await?;
    parse_success::<Capabilities, _>(browser_json::reader(body)).map(|capabilities| capabilities.accepts_promocodes)
}

/// `GET /v1/events/{event_id}/shows/{show_id}/availability`; `fresh`
/// bypasses the browser cache (after a hold operation, and every poll while
/// the live feed is down).
pub async fn fetch_availability(
    config: Arc<WidgetConfig>,
    event_id: String,
    show_id: String,
    fresh: bool,
) -> Result<Arc<Availability>, ApiError> {
    let url = config.availability_url(&event_id, &show_id);
    let body = send("GET", &url, &config.partner_key, None, fresh).await?;
    parse_success(browser_json::reader(body)).map(Arc::new)
}

/// `POST /v1/holds`
pub async fn create_hold(config: &WidgetConfig, request: &CreateHold) -> Result<Hold, ApiError> {
    hold_request("POST", &config.holds_url(), config, Some(&json_body(request))).await
}

/// `GET /v1/holds/{hold_id}`
pub async fn fetch_hold(config: &WidgetConfig, hold_id: &str) -> Result<Hold, ApiError> {
    hold_request("GET", &config.hold_url(hold_id), config, None).await
}

/// `PATCH /v1/holds/{hold_id}`
pub async fn change_hold(config: &WidgetConfig, hold_id: &str, change: &ChangeHold) -> Result<Hold, ApiError> {
    hold_request("PATCH", &config.hold_url(hold_id), config, Some(&json_body(change))).await
}

/// `DELETE /v1/holds/{hold_id}`
pub async fn release_hold(config: &WidgetConfig, hold_id: &str) -> Result<Hold, ApiError> {
    hold_request("DELETE", &config.hold_url(hold_id), config, None).await
}

/// A request body: `JSON.stringify` of the contract type.
fn json_body<T: Serialize>(request: &T) -> JsValue {
    JsValue::from_str(&browser_json::to_text(request))
}

/// Hold answers are never cached: they are the buyer's own, and change.
async fn hold_request(method: &str, url: &str, config: &WidgetConfig, body: Option<&JsValue>) -> Result<Hold, ApiError> {
    let document = send(method, url, &config.partner_key, body, true).await?;
    parse_hold(browser_json::reader(document))
}

async fn get_json<T: DeserializeOwned>(url: &str, partner_key: &str) -> Result<T, ApiError> {
    let body = send("GET", url, partner_key, None, false).await?;
    parse_success(browser_json::reader(body))
}

/// One request; the 2xx body parsed as JSON, or the classified error
/// (logged for the developer console). Not generic, so there is one copy of
/// it in the wasm whatever the answer's type.
async fn send(method: &str, url: &str, partner_key: &str, body: Option<&JsValue>, no_store: bool) -> Result<JsValue, ApiError> {
    let result = request_json(method, url, partner_key, body, no_store).await;
    if let Err(error) = &result {
        leptos::logging::warn!("ticket-widget: {method} {url} failed: {error}");
    }
    result
}

/// The response promise the loader (`widget.js`) started for `url` before
/// the wasm ran, if any; taken once, so later reads go to the network.
fn take_prefetched(window: &web_sys::Window, partner_key: &str, url: &str) -> Option<js_sys::Promise> {
    let early: js_sys::Map = js_sys::Reflect::get(window, &JsValue::from_str("__ticketWidgetPrefetch")).ok()?.dyn_into().ok()?;
    let key = JsValue::from_str(&format!("{partner_key} {url}"));
    let promise = early.get(&key).dyn_into::<js_sys::Promise>().ok()?;
    early.delete(&key);
    Some(promise)
}

async fn request_json(
    method: &str,
    url: &str,
    partner_key: &str,
    body: Option<&JsValue>,
    no_store: bool,
) -> Result<JsValue, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS)));
    if no_store {
        init.set_cache(RequestCache::NoStore);
    }
    if let Some(body) = body {
        init.set_body(body);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Network)?;
    let headers = request.headers();
    headers.set(PARTNER_KEY_HEADER, partner_key).map_err(|_| ApiError::Network)?;
    headers.set("Accept", "application/json").map_err(|_| ApiError::Network)?;
    if body.is_some() {
        headers.set("Content-Type", "application/json").map_err(|_| ApiError::Network)?;
    }

    let window = web_sys::window().ok_or(ApiError::Network)?;
    // The loader may have started this very read while the wasm loaded.
    let early = if method == "GET" && !no_store { take_prefetched(&window, partner_key, url) } else { None };
    let early_response = match early {
        Some(promise) => JsFuture::from(promise).await.ok(),
        None => None,
    };
    let response: Response = match early_response {
        Some(response) => response,
        None => JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| ApiError::Network)?,
    }
    .unchecked_into();
    if response.ok() {
        // Rejects with a SyntaxError for a body that is not JSON (not the
        // contract's answer), with another error if the body never arrived.
        let document = response.json().map_err(|_| ApiError::Network)?;
        JsFuture::from(document).await.map_err(|error| {
            if error.is_instance_of::<js_sys::SyntaxError>() {
                ApiError::BadResponse
            } else {
                ApiError::Network
            }
        })
    } else {
        let body_promise = response.text().map_err(|_| ApiError::Network)?;
        let body = JsFuture::from(body_promise).await.map_err(|_| ApiError::Network)?.as_string().unwrap_or_default();
        // Readable cross-origin: the proxy lists it in Access-Control-Expose-Headers.
        let retry_after = response.headers().get("Retry-After").ok().flatten();
        Err(error_from_response(response.status(), browser_json::read_text(&body), retry_after.as_deref()))
    }
}
