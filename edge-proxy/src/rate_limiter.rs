//! `RateLimiter`: the Durable Object that counts clients' requests.
//!
//! A client is `public key + client IP` or a secret key's hash; each has a
//! fixed window per budget (`reads`, `holds`, `server`). The clients of one
//! public key are spread over a few objects (`rate_limit::shard_of`), so a
//! crowd of new buyers finds objects already running instead of creating one
//! each. Being Durable Objects, the counters are strongly consistent worldwide,
//! and they run under `wrangler dev` exactly as deployed. The arithmetic is
//! `ticket_core::rate_limit`.
//!
//! Windows live in the object's memory only: a durable write on every API
//! call would buy little. An object is evicted from memory only after it has
//! had no requests for a while (tens of seconds or more), so what is lost is
//! the count of a client that has gone quiet — at worst it gets its next
//! window early — and, on a redeploy, the current windows.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use ticket_core::errors::ProxyError;
use ticket_core::partners::{Bucket, Limits};
use ticket_core::rate_limit::{has_ended, shard_of, take, Ask, Decision, Window};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::object_call::post_json;

/// The Durable Object binding in `wrangler.toml`.
const LIMITS_BINDING: &str = "RATE_LIMITER";
const LIMITER_URL: &str = "https://rate-limiter.invalid/take";

#[durable_object]
pub struct RateLimiter {
    /// `client|bucket` → its window and the window's length in seconds.
    windows: RefCell<HashMap<String, (Window, u32)>>,
    last_sweep_ms: Cell<i64>,
}

impl DurableObject for RateLimiter {
    fn new(_state: State, _env: Env) -> Self {
        RateLimiter { windows: RefCell::new(HashMap::new()), last_sweep_ms: Cell::new(0) }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        let Ok(ask) = request.json::<Ask>().await else {
            return Response::error("bad request", 400);
        };
        let now_ms = worker::Date::now().as_millis() as i64;
        let key = format!("{}|{}", ask.client, ask.bucket);
        let mut windows = self.windows.borrow_mut();
        if now_ms - self.last_sweep_ms.get() >= SWEEP_EVERY_MS {
            // Clients come and go: windows that ended are forgotten (a client
            // coming back starts a new one, as it would anyway).
            windows.retain(|_, (window, seconds)| !has_ended(window, now_ms, *seconds));
            self.last_sweep_ms.set(now_ms);
        }
        let known = windows.get(&key).map(|(window, _)| *window);
        let (window, decision) = take(known, now_ms, ask.limit, ask.window_seconds);
        windows.insert(key, (window, ask.window_seconds));
        Response::from_json(&decision)
    }
}

/// How often an object forgets the windows that ended.
const SWEEP_EVERY_MS: i64 = 10_000;

/// Counts this request in `client`'s `bucket`. If the limiter cannot be
/// reached the request goes on (a counter outage must not take the shop down)
/// and the failure is returned for the request's log line.
pub async fn take_one(env: &Env, client: &str, bucket: Bucket, limits: &Limits) -> std::result::Result<Decision, &'static str> {
    let ask = Ask {
        client: client.to_owned(),
        bucket: bucket.name().to_owned(),
        limit: limits.of(bucket),
        window_seconds: limits.window_seconds,
    };
    // `pk|<key>|<client>` → `pk|<key>|s<shard>`; a secret key is one client.
    let object = match client.rsplit_once('|') {
        Some((key, _)) if client.starts_with("pk|") => format!("{key}|s{}", shard_of(client)),
        _ => client.to_owned(),
    };
    let answer = async { post_json(env, LIMITS_BINDING, &object, LIMITER_URL, &ask).await?.json::<Decision>().await };
    answer.await.map_err(|_| "rate_limiter_unreachable")
}

/// The refusal for a decision that did not allow the request.
pub fn refusal(decision: &Decision) -> Option<ProxyError> {
    (!decision.allowed).then_some(ProxyError::RateLimited { retry_after_seconds: decision.reset_seconds })
}
