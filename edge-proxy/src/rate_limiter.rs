//! `RateLimiter`: the Durable Object that counts one client's requests.
//!
//! One object per client (`public key + client IP`, or `secret key hash`),
//! holding a fixed window per budget (`reads`, `holds`, `server`). Being a
//! Durable Object, it is one strongly consistent counter worldwide, and it
//! runs under `wrangler dev` exactly as deployed. The arithmetic is
//! `ticket_core::rate_limit`.
//!
//! Windows live in the object's memory only: a durable write on every API
//! call would buy little. An object is evicted from memory only after it has
//! had no requests for a while (tens of seconds or more), so what is lost is
//! the count of a client that has gone quiet — at worst it gets its next
//! window early — and, on a redeploy, the current windows.

use std::cell::RefCell;
use std::collections::HashMap;

use ticket_core::errors::ProxyError;
use ticket_core::partners::{Bucket, Limits};
use ticket_core::rate_limit::{take, Ask, Decision, Window};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::object_call::post_json;

/// The Durable Object binding in `wrangler.toml`.
const LIMITS_BINDING: &str = "RATE_LIMITER";
const LIMITER_URL: &str = "https://rate-limiter.invalid/take";

#[durable_object]
pub struct RateLimiter {
    windows: RefCell<HashMap<String, Window>>,
}

impl DurableObject for RateLimiter {
    fn new(_state: State, _env: Env) -> Self {
        RateLimiter { windows: RefCell::new(HashMap::new()) }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        let Ok(ask) = request.json::<Ask>().await else {
            return Response::error("bad request", 400);
        };
        let known = self.windows.borrow().get(&ask.bucket).copied();
        let (window, decision) = take(known, worker::Date::now().as_millis() as i64, ask.limit, ask.window_seconds);
        self.windows.borrow_mut().insert(ask.bucket, window);
        Response::from_json(&decision)
    }
}

/// Counts this request in `client`'s `bucket`. If the limiter cannot be
/// reached the request goes on (a counter outage must not take the shop down)
/// and the failure is returned for the request's log line.
pub async fn take_one(env: &Env, client: &str, bucket: Bucket, limits: &Limits) -> std::result::Result<Decision, &'static str> {
    let ask = Ask { bucket: bucket.name().to_owned(), limit: limits.of(bucket), window_seconds: limits.window_seconds };
    let answer = async { post_json(env, LIMITS_BINDING, client, LIMITER_URL, &ask).await?.json::<Decision>().await };
    answer.await.map_err(|_| "rate_limiter_unreachable")
}

/// The refusal for a decision that did not allow the request.
pub fn refusal(decision: &Decision) -> Option<ProxyError> {
    (!decision.allowed).then_some(ProxyError::RateLimited { retry_after_seconds: decision.reset_seconds })
}
