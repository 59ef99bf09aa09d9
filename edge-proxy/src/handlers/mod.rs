//! Request dispatch: route → handler → response, plus what every API response
//! gets (CORS headers, one structured log line). One module per route family.

mod catalogue;
mod documents;
mod holds;
mod seating;

use std::rc::Rc;

use ticket_contract::PARTNER_KEY_HEADER;
use ticket_core::errors::ProxyError;
use worker::{Context, Date, Env, Method, Request, Response};

use crate::config::ProxyConfig;
use crate::http::{add_cors_headers, error_response, json_response, preflight_response};
use crate::routes::{route, RequestMethod, Route};

/// What a handler needs from the request it serves.
pub struct RequestScope<'a> {
    pub config: Rc<ProxyConfig>,
    pub context: &'a Context,
    /// Unix seconds, read once per request; the core never reads the clock.
    pub now: i64,
    pub if_none_match: Option<String>,
}

/// A handler's answer plus how the edge cache served it (`HIT`, `MISS`, `STALE`).
pub struct Handled {
    pub response: Response,
    pub cache_status: Option<&'static str>,
}

pub async fn handle(mut request: Request, env: Env, context: Context) -> Response {
    let started_ms = Date::now().as_millis();
    let path = request.path();
    let origin = request.headers().get("Origin").ok().flatten();
    let method = match request.method() {
        Method::Get => RequestMethod::Get,
        Method::Head => RequestMethod::Head,
        Method::Options => RequestMethod::Options,
        Method::Post => RequestMethod::Post,
        Method::Patch => RequestMethod::Patch,
        Method::Delete => RequestMethod::Delete,
        _ => RequestMethod::Other,
    };
    let outcome = dispatch(&mut request, method, &path, &env, &context, origin.as_deref()).await;
    let (mut response, cache_status, error_code) = match outcome {
        Ok(handled) => (handled.response, handled.cache_status, None),
        Err(error) => (error_response(&error), None, Some(error.code())),
    };
    if path.starts_with("/v1/") {
        add_cors_headers(&mut response, origin.as_deref());
    }
    // One JSON line per request. No keys, no buyer data: only the route shape.
    worker::console_log!(
        "{}",
        serde_json::json!({
            "method": format!("{:?}", request.method()),
            "path": path.chars().take(200).collect::<String>(),
            "status": response.status_code(),
            "error": error_code,
            "cache": cache_status,
            "duration_ms": Date::now().as_millis().saturating_sub(started_ms),
        })
    );
    response
}

/// Largest request body the proxy reads (hold commands are a few hundred bytes).
const MAX_BODY_BYTES: usize = 16 * 1024;

async fn dispatch(
    request: &mut Request,
    method: RequestMethod,
    path: &str,
    env: &Env,
    context: &Context,
    origin: Option<&str>,
) -> Result<Handled, ProxyError> {
    let route = route(method, path)?;
    if route == Route::Preflight {
        return Ok(Handled { response: preflight_response(origin), cache_status: None });
    }
    if route == Route::Health {
        let response = json_response(200, r#"{"status":"ok"}"#.to_owned(), &[("Cache-Control", "no-store")]);
        return Ok(Handled { response, cache_status: None });
    }
    let config = Rc::new(read_config(env)?);
    if let Route::ConfirmHold { hold_id } = &route {
        // Server to server: authenticated by a secret key, not a public one.
        return holds::confirm(&config, env, request, hold_id).await;
    }
    let partner_key = match &route {
        // `navigator.sendBeacon` cannot set headers: the key rides in the query.
        Route::ReleaseHold { beacon: true, .. } => query_parameter(request, "partner"),
        _ => request.headers().get(PARTNER_KEY_HEADER).ok().flatten(),
    };
    let partner = match partner_key {
        None => return Err(ProxyError::PartnerKeyMissing),
        Some(key) if !config.knows_public_key(&key) => return Err(ProxyError::PartnerKeyUnknown),
        Some(key) => key,
    };
    let scope = RequestScope {
        config,
        context,
        now: unix_now(),
        if_none_match: request.headers().get("If-None-Match").ok().flatten(),
    };
    match route {
        Route::Events => catalogue::events(&scope).await,
        Route::Layout { event, show_id } => seating::layout(&scope, event, show_id).await,
        Route::Availability { event, show_id } => seating::availability(&scope, event, show_id).await,
        Route::CreateHold => {
            let body = read_body(request).await?;
            holds::create(&scope, env, partner, &body).await
        }
        Route::GetHold { hold_id } => holds::get(env, partner, &hold_id).await,
        Route::ChangeHold { hold_id } => {
            let body = read_body(request).await?;
            holds::change(&scope, env, partner, &hold_id, &body).await
        }
        Route::ReleaseHold { hold_id, .. } => holds::release(env, partner, &hold_id).await,
        Route::Preflight | Route::Health | Route::ConfirmHold { .. } => unreachable!("answered above"),
    }
}

async fn read_body(request: &mut Request) -> Result<String, ProxyError> {
    let bytes = request.bytes().await.map_err(|_| ProxyError::InvalidBody { field: "body" })?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ProxyError::InvalidBody { field: "body" });
    }
    String::from_utf8(bytes).map_err(|_| ProxyError::InvalidBody { field: "body" })
}

fn query_parameter(request: &Request, name: &str) -> Option<String> {
    let url = request.url().ok()?;
    url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

/// Unix seconds now; the core never reads the clock itself.
pub fn unix_now() -> i64 {
    (Date::now().as_millis() / 1000) as i64
}

pub fn read_config(env: &Env) -> Result<ProxyConfig, ProxyError> {
    ProxyConfig::from_settings(|name| {
        env.secret(name)
            .map(|secret| secret.to_string())
            .or_else(|_| env.var(name).map(|var| var.to_string()))
            .ok()
    })
    .map_err(|error| {
        // Names the setting, never a value.
        worker::console_error!("{}", serde_json::json!({"event": "config_error", "error": error.to_string()}));
        ProxyError::Misconfigured
    })
}
