//! Request dispatch: who is asking (partner key, origin), how often (rate
//! limits), what for (route, validated) → handler → response, plus what every
//! response gets (`X-Request-Id`, CORS, rate-limit headers, one structured log
//! line). One module per route family.

mod assets;
mod catalogue;
mod documents;

pub use documents::new_document;
mod holds;
mod seating;

use futures_util::StreamExt;
use ticket_contract::PARTNER_KEY_HEADER;
use ticket_core::abuse;
use ticket_core::errors::ProxyError;
use ticket_core::partners::{Partner, PartnerDirectory};
use ticket_core::rate_limit::{client_of, Decision};
use ticket_core::request_body::{check_declared_length, BodyCap, MAX_BODY_BYTES};
use worker::{Context, Date, Env, Request, Response};

use crate::config::ProxyConfig;
use crate::http::{add_cors_headers, add_rate_limit_headers, error_response, json_response, preflight_response};
use crate::partner_store;
use crate::rate_limiter::{self, Limiter};
use crate::routes::{allowed_methods, is_acceptable_request_id, route, FirstFrameOptions, KeyPlace, RequestMethod, Route};
use crate::upstream_fetch::UpstreamLog;

/// The proxy's OpenAPI document, served at `/v1/openapi.json`.
const OPENAPI_DOCUMENT: &str = include_str!("../../../contract/openapi.json");

/// What a handler needs from the request it serves.
pub struct RequestScope<'a> {
    pub context: &'a Context,
    /// Unix seconds, read once per request; the core never reads the clock.
    pub now: i64,
    pub if_none_match: Option<String>,
    /// The partner whose public or secret key the request carries.
    pub partner: &'a Partner,
    pub upstream_log: UpstreamLog,
}

/// A handler's answer plus how the edge cache served it (`HIT`, `MISS`, `STALE`).
pub struct Handled {
    pub response: Response,
    pub cache_status: Option<&'static str>,
}

/// What the log line and the response headers need to know about a request.
#[derive(Default)]
struct Trace {
    route: &'static str,
    partner: Option<String>,
    /// The origin to answer CORS for (an allowed one, or `*`).
    cors_origin: Option<String>,
    limit: Option<(&'static str, Decision)>,
    limiter_error: Option<&'static str>,
    upstream: UpstreamLog,
}

pub async fn handle(mut request: Request, env: Env, context: Context) -> Response {
    let started_ms = Date::now().as_millis();
    let path = request.path();
    let request_id = match request.headers().get("X-Request-Id").ok().flatten() {
        Some(id) if is_acceptable_request_id(&id) => id,
        _ => new_request_id(),
    };
    // From the request's own method name: `worker::Method` reads a method it
    // does not know (`QUERY`) as `GET`.
    let method = RequestMethod::from_name(&request.inner().method());
    let mut trace = Trace::default();
    let is_api = path.starts_with("/v1/") || path == "/v1" || path == "/healthz";
    let outcome = if is_api {
        api(&mut request, method, &path, &env, &context, &mut trace).await
    } else {
        trace.route = "asset";
        assets::serve(&request, &path, &env).await
    };
    let (mut response, cache_status, error_code) = match outcome {
        Ok(handled) => (handled.response, handled.cache_status, None),
        Err(error) => {
            let mut response = error_response(&error);
            if matches!(error, ProxyError::MethodNotAllowed) {
                // RFC 9110: a 405 lists the methods the resource does answer.
                if let Some(allow) = allowed_methods(&path) {
                    let _ = response.headers_mut().set("Allow", allow);
                }
            }
            (response, None, Some(error.code()))
        }
    };
    if let Some(origin) = &trace.cors_origin {
        add_cors_headers(&mut response, origin);
    } else if is_api {
        // What a browser may keep of an API answer depends on the page's
        // origin even when this one had none (a same-origin page, the
        // `/embed` iframe): without `Vary: Origin` its cached copy, which
        // has no CORS headers, would be handed to a partner's page.
        let _ = response.headers_mut().append("Vary", "Origin");
    }
    if let Some((_, decision)) = &trace.limit {
        add_rate_limit_headers(&mut response, decision);
    }
    let _ = response.headers_mut().set("X-Request-Id", &request_id);
    // One JSON line per request. No keys, no buyer data: the route, the
    // partner's id, the outcome and the upstream calls (method, path, timing).
    worker::console_log!(
        "{}",
        serde_json::json!({
            "request_id": request_id,
            "method": format!("{:?}", request.method()),
            "route": trace.route,
            "path": path.chars().take(200).collect::<String>(),
            "partner": trace.partner,
            "status": response.status_code(),
            "error": error_code,
            "cache": cache_status,
            "rate_limit": trace.limit.map(|(bucket, decision)| serde_json::json!({"bucket": bucket, "remaining": decision.remaining})),
            "rate_limit_error": trace.limiter_error,
            "upstream": trace.upstream.calls(),
            "duration_ms": Date::now().as_millis().saturating_sub(started_ms),
        })
    );
    response
}

async fn api(
    request: &mut Request,
    method: RequestMethod,
    path: &str,
    env: &Env,
    context: &Context,
    trace: &mut Trace,
) -> Result<Handled, ProxyError> {
    let route = route(method, path)?;
    trace.route = route.name();
    let url = request.url().map_err(|_| ProxyError::Internal)?;
    let query: Vec<(String, String)> = url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
    route.check_query(query.iter().map(|(name, _)| name.as_str()))?;
    if takes_body(&route) {
        // Before any work: a body declared too large is refused unread.
        check_declared_length(request.headers().get("Content-Length").ok().flatten().as_deref(), MAX_BODY_BYTES)?;
    }
    match route {
        Route::Health => {
            let response = json_response(200, r#"{"status":"ok"}"#.to_owned(), &[("Cache-Control", "no-store")]);
            return Ok(Handled { response, cache_status: None });
        }
        Route::OpenApi => {
            trace.cors_origin = Some("*".to_owned());
            let response = json_response(200, OPENAPI_DOCUMENT.to_owned(), &[("Cache-Control", "public, max-age=300")]);
            return Ok(Handled { response, cache_status: None });
        }
        _ => {}
    }
    let origin = request.headers().get("Origin").ok().flatten();
    let directory = partner_store::directory(env).await?;
    // Until the partner is known, answer CORS to origins some partner allows,
    // so a page can read why its request failed (e.g. a mistyped key).
    trace.cors_origin = origin.clone().filter(|origin| directory.some_partner_allows_origin(origin));
    if route == Route::Preflight {
        return match trace.cors_origin {
            Some(_) => Ok(Handled { response: preflight_response(), cache_status: None }),
            None => Err(ProxyError::OriginNotAllowed),
        };
    }
    // Settings are checked before any work, though the objects that call
    // upstream read them themselves.
    let config = read_config(env)?;
    let address = client_of(request.headers().get("CF-Connecting-IP").ok().flatten().as_deref());
    let limiter = limiter_for(env, &url, &address);
    let if_none_match = request.headers().get("If-None-Match").ok().flatten();
    let upstream_log = trace.upstream.clone();
    let scope_of = |partner| RequestScope {
        context,
        now: unix_now(),
        if_none_match: if_none_match.clone(),
        partner,
        upstream_log: upstream_log.clone(),
    };
    if let Route::ConfirmHold { hold_id } | Route::RefundHold { hold_id } = &route {
        // Server to server: a secret key, no origin needed, never a public key.
        let authorization = request.headers().get("Authorization").ok().flatten();
        let has_public_key = request.headers().has(PARTNER_KEY_HEADER).unwrap_or(false);
        let authorized = directory.authorize_server_call(authorization.as_deref(), has_public_key);
        let (partner, key_hash) = match authorized {
            Ok(found) => found,
            Err(error) => return Err(count_bad_key(limiter, trace, &address, config.bad_key_budget, error).await),
        };
        trace.partner = Some(partner.id.clone());
        spend(limiter, trace, &route, &format!("sk|{}", &key_hash[..32]), partner).await?;
        let scope = scope_of(partner);
        if matches!(route, Route::RefundHold { .. }) {
            let body = read_body(request).await?;
            return holds::refund(&scope, env, hold_id, &body).await;
        }
        let caps = holds::HoldCaps::new(limiter, partner, &address, &config, scope.now);
        return holds::confirm(&scope, env, hold_id, &caps).await;
    }
    let partner = match partner_of_public_key(request, &route, &query, &directory) {
        Ok(partner) => partner,
        Err(error) => return Err(count_bad_key(limiter, trace, &address, config.bad_key_budget, error).await),
    };
    trace.partner = Some(partner.id.clone());
    if let Some(origin) = &origin {
        if !partner.allows_origin(origin) && !is_own_origin(origin, &url) {
            trace.cors_origin = None;
            return Err(ProxyError::OriginNotAllowed);
        }
        trace.cors_origin = Some(origin.clone());
    }
    let client = address;
    spend(limiter, trace, &route, &abuse::client_ledger(&partner.public_key, &client), partner).await?;
    let scope = scope_of(partner);
    let caps = holds::HoldCaps::new(limiter, partner, &client, &config, scope.now);
    match route {
        Route::Events => catalogue::events(&scope, env).await,
        Route::Layout { event, show_id } => seating::layout(&scope, env, event, show_id).await,
        Route::Availability { event, show_id } => seating::availability(&scope, env, event, show_id).await,
        Route::Paint { event, show_id } => seating::paint(&scope, env, event, show_id).await,
        Route::FirstFrame { event, show_id } => {
            let options = FirstFrameOptions::from_query(query.iter().map(|(name, value)| (name.as_str(), value.as_str())))?;
            seating::first_frame(&scope, env, event, show_id, options, &url.origin().ascii_serialization()).await
        }
        Route::Live { event, show_id } => seating::live(&scope, env, request, event, show_id, &client).await,
        Route::CreateHold => {
            let body = read_body(request).await?;
            holds::create(&scope, env, &body, &caps).await
        }
        Route::GetHold { hold_id } => holds::get(&scope, env, &hold_id).await,
        Route::ChangeHold { hold_id } => {
            let body = read_body(request).await?;
            holds::change(&scope, env, &hold_id, &body).await
        }
        Route::ReleaseHold { hold_id, beacon } => holds::release(&scope, env, &hold_id, beacon, &caps).await,
        Route::Preflight | Route::Health | Route::OpenApi | Route::ConfirmHold { .. } | Route::RefundHold { .. } => {
            unreachable!("answered above")
        }
    }
}

/// The partner whose public key the request carries: `X-Partner-Key`, or
/// `?partner=` where the route takes it there (`Route::key_place`: the
/// beacon release and the live feed, which cannot set headers; the public
/// reads, whose loader requests skip the CORS preflight that way).
fn partner_of_public_key<'d>(
    request: &Request,
    route: &Route,
    query: &[(String, String)],
    directory: &'d PartnerDirectory,
) -> Result<&'d Partner, ProxyError> {
    let from_query = || query.iter().find(|(name, _)| name == "partner").map(|(_, value)| value.clone());
    let from_header = || request.headers().get(PARTNER_KEY_HEADER).ok().flatten();
    let key = match route.key_place() {
        KeyPlace::Query => from_query(),
        KeyPlace::HeaderOrQuery => from_header().or_else(from_query),
        KeyPlace::Header => from_header(),
    };
    match key {
        None => Err(ProxyError::PartnerKeyMissing),
        Some(key) => directory.by_public_key(key.trim()),
    }
}

/// Counts the request against the partner's budget for this route; refuses it
/// (429) when the budget is spent. Without the limiter, reads go on (logged)
/// and holds, confirms and refunds are refused (503, `Retry-After`).
async fn spend(
    limiter: Limiter<'_>,
    trace: &mut Trace,
    route: &Route,
    client: &str,
    partner: &Partner,
) -> Result<(), ProxyError> {
    let Some(bucket) = route.bucket() else { return Ok(()) };
    match limiter.take_for_partner(client, bucket, &partner.limits).await {
        Ok(decision) => {
            trace.limit = Some((bucket.name(), decision));
            rate_limiter::refusal(&decision).map_or(Ok(()), Err)
        }
        Err(problem) => {
            trace.limiter_error = Some(problem);
            if abuse::fails_closed(bucket) {
                Err(ProxyError::LimiterUnavailable)
            } else {
                Ok(())
            }
        }
    }
}

/// A request refused for its key (missing, unknown, revoked) counts against
/// its address's bad-key budget; past it the answer is `429` instead. If the
/// limiter cannot count it, the refusal stands as it is.
async fn count_bad_key(limiter: Limiter<'_>, trace: &mut Trace, address: &str, budget: u32, error: ProxyError) -> ProxyError {
    if !abuse::is_bad_key(&error) {
        return error;
    }
    let client = abuse::bad_key_client(address);
    match limiter.take_one(&client, "bad_keys", budget, abuse::BAD_KEYS_WINDOW_SECONDS).await {
        Ok(decision) => match rate_limiter::refusal(&decision) {
            Some(refusal) => {
                // The 429 says how the budget stands, as every 429 does.
                trace.limit = Some(("bad_keys", decision));
                refusal
            }
            None => error,
        },
        Err(problem) => {
            trace.limiter_error = Some(problem);
            error
        }
    }
}

/// The limiter for this request. In local development only (the request
/// came to a loopback host, as under `wrangler dev`), the
/// `LIMITER_FAULT_CLIENT` setting names a client address whose limiter calls
/// all fail, so tests can see what an unreachable limiter does.
fn limiter_for<'a>(env: &'a Env, url: &worker::Url, address: &str) -> Limiter<'a> {
    let local = ticket_core::this_machine::is_this_machine(url.as_str());
    let fault = env.var("LIMITER_FAULT_CLIENT").map(|value| value.to_string()).unwrap_or_default();
    if local && !fault.is_empty() && fault.trim() == address {
        Limiter::unreachable(env)
    } else {
        Limiter::new(env)
    }
}

/// The routes that read a request body.
fn takes_body(route: &Route) -> bool {
    matches!(route, Route::CreateHold | Route::ChangeHold { .. } | Route::RefundHold { .. })
}

/// The iframe embed (`/embed`) runs the widget on the proxy's own origin.
fn is_own_origin(origin: &str, url: &worker::Url) -> bool {
    url.origin().ascii_serialization().eq_ignore_ascii_case(origin)
}

/// The request body, read as a stream and given up on at the first byte past
/// [`MAX_BODY_BYTES`] (`413`): a chunked body declares no length, and a large
/// one is never read whole.
async fn read_body(request: &mut Request) -> Result<String, ProxyError> {
    check_declared_length(request.headers().get("Content-Length").ok().flatten().as_deref(), MAX_BODY_BYTES)?;
    let mut body = BodyCap::new(MAX_BODY_BYTES);
    // No body at all (a refund of the whole order) reads as an empty one.
    let Ok(mut stream) = request.stream() else { return body.finish() };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ProxyError::InvalidBody { field: "body" })?;
        body.push(&chunk)?;
    }
    body.finish()
}

/// 128 random bits from the runtime's CSPRNG, as lowercase hex.
pub fn random_hex_128() -> Result<String, ProxyError> {
    use worker::wasm_bindgen::JsCast;
    let scope: worker::web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
    let crypto = scope.crypto().map_err(|_| ProxyError::Internal)?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).map_err(|_| ProxyError::Internal)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

fn new_request_id() -> String {
    random_hex_128().unwrap_or_else(|_| format!("t{}", Date::now().as_millis()))
}

/// Unix seconds now; the core never reads the clock itself.
pub fn unix_now() -> i64 {
    (Date::now().as_millis() / 1000) as i64
}

pub fn read_config(env: &Env) -> Result<ProxyConfig, ProxyError> {
    ProxyConfig::from_settings(|name| {
        env.secret(name).map(|secret| secret.to_string()).or_else(|_| env.var(name).map(|var| var.to_string())).ok()
    })
    .map_err(|error| {
        // Names the setting, never a value.
        worker::console_error!("{}", serde_json::json!({"event": "config_error", "error": error.to_string()}));
        ProxyError::Misconfigured
    })
}
