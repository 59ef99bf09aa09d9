//! Performs an upstream request described as data by `ticket-core`, and hands
//! the response back as data. The only place the Worker talks to QTickets or
//! TicketsCloud, so the protections for them live here:
//!
//! - at most [`MOST_CALLS_IN_FLIGHT`] upstream calls at once per isolate
//!   (the rest wait their turn, inside their time budget);
//! - one time budget per call, retries included (`timeout_ms`);
//! - reads repeated on `503` / `429` / a lost connection with exponential
//!   backoff and full jitter ([`ticket_core::retry`]); writes never repeated here;
//! - every attempt timed into the request's [`UpstreamLog`] for its log line.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either};
use serde::{Deserialize, Serialize};
use ticket_core::errors::ProxyError;
use ticket_core::retry::{backoff_ms, should_retry};
use ticket_core::upstream::{HttpMethod, UpstreamRequest, UpstreamResponse};
use worker::{AbortController, Date, Delay, Fetch, Headers, Method, Request, RequestInit};

/// Upstream calls one isolate makes at once. Workers allow six open outbound
/// connections per invocation; this bounds what all requests in an isolate
/// together put on an upstream that publishes no limits.
pub const MOST_CALLS_IN_FLIGHT: usize = 6;

/// One upstream attempt, as the request's log line shows it. No query string,
/// no headers: nothing that could carry a key or buyer data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpstreamCall {
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub outcome: String,
    pub ms: u64,
    pub attempt: u32,
}

/// The upstream attempts made for one request (shared by its refreshes).
#[derive(Debug, Clone, Default)]
pub struct UpstreamLog(Rc<RefCell<Vec<UpstreamCall>>>);

impl UpstreamLog {
    pub fn calls(&self) -> Vec<UpstreamCall> {
        self.0.borrow().clone()
    }

    pub fn extend(&self, calls: Vec<UpstreamCall>) {
        self.0.borrow_mut().extend(calls);
    }

    fn push(&self, call: UpstreamCall) {
        let mut calls = self.0.borrow_mut();
        // A log line stays small even if a refresh reads many halls.
        if calls.len() < 80 {
            calls.push(call);
        }
    }
}

/// Sends `request` within `timeout_ms` (waiting for a slot and retries
/// included); the upstream's answer, if it comes later, is dropped and the
/// fetch aborted.
pub async fn perform(request: &UpstreamRequest, timeout_ms: u32, log: &UpstreamLog) -> Result<UpstreamResponse, ProxyError> {
    let deadline = now_ms() + u64::from(timeout_ms);
    let mut attempt = 0;
    loop {
        let left_ms = deadline.saturating_sub(now_ms());
        if left_ms == 0 {
            return Err(ProxyError::UpstreamTimeout);
        }
        let (outcome, retry_after) = perform_once(request, left_ms, log, attempt).await;
        if !should_retry(request.method, attempt, &outcome) {
            return outcome;
        }
        let delay_ms = u64::from(backoff_ms(attempt, retry_after.as_deref(), worker::js_sys::Math::random()));
        if now_ms() + delay_ms >= deadline {
            return outcome;
        }
        Delay::from(Duration::from_millis(delay_ms)).await;
        attempt += 1;
    }
}

async fn perform_once(
    request: &UpstreamRequest,
    budget_ms: u64,
    log: &UpstreamLog,
    attempt: u32,
) -> (Result<UpstreamResponse, ProxyError>, Option<String>) {
    let started = now_ms();
    let deadline = Box::pin(Delay::from(Duration::from_millis(budget_ms)));
    let controller = AbortController::default();
    let signal = controller.signal();
    let sending = Box::pin(async move {
        let _slot = Slot::acquire().await;
        let upstream_request = to_worker_request(request)?;
        let mut response = Fetch::Request(upstream_request).send_with_signal(&signal).await?;
        let status = response.status_code();
        let content_type = response.headers().get("Content-Type").ok().flatten();
        let retry_after = response.headers().get("Retry-After").ok().flatten();
        let body = response.text().await?;
        Ok::<_, worker::Error>((UpstreamResponse { status, content_type, body }, retry_after))
    });
    let (outcome, retry_after, label) = match select(sending, deadline).await {
        Either::Left((Ok((response, retry_after)), _)) => (Ok(response), retry_after, "answered"),
        Either::Left((Err(_network_error), _)) => (Err(ProxyError::UpstreamUnavailable), None, "unreachable"),
        Either::Right(_) => {
            controller.abort();
            (Err(ProxyError::UpstreamTimeout), None, "timeout")
        }
    };
    log.push(UpstreamCall {
        method: method_name(request.method).to_owned(),
        path: path_of(&request.url),
        status: outcome.as_ref().ok().map(|response| response.status),
        outcome: label.to_owned(),
        ms: now_ms().saturating_sub(started),
        attempt,
    });
    (outcome, retry_after)
}

fn to_worker_request(request: &UpstreamRequest) -> worker::Result<Request> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        HttpMethod::Get => Method::Get,
        HttpMethod::Post => Method::Post,
        HttpMethod::Patch => Method::Patch,
        HttpMethod::Delete => Method::Delete,
    })
    .with_headers(headers);
    if let Some(body) = &request.body {
        init.with_body(Some(body.as_str().into()));
    }
    Request::new_with_init(&request.url, &init)
}

fn method_name(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Delete => "DELETE",
    }
}

/// `https://host/a/b?x=1` → `host/a/b` (no scheme, no query).
fn path_of(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = without_scheme.split(['?', '#']).next().unwrap_or_default();
    path.chars().take(160).collect()
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

thread_local! {
    static IN_FLIGHT: Cell<usize> = const { Cell::new(0) };
}

/// How often a call waiting for a free slot looks again.
const SLOT_POLL_MS: u64 = 15;

/// A turn to call upstream; given back when dropped.
///
/// Waiting is polling on the waiter's own timer, not a wake-up from whoever
/// frees a slot: in workerd a request may not resume work on behalf of
/// another request (its promises belong to its own I/O context), so the
/// isolate-wide count is shared and nothing else is.
struct Slot;

impl Slot {
    async fn acquire() -> Slot {
        loop {
            let taken = IN_FLIGHT.with(|in_flight| {
                let free = in_flight.get() < MOST_CALLS_IN_FLIGHT;
                if free {
                    in_flight.set(in_flight.get() + 1);
                }
                free
            });
            if taken {
                return Slot;
            }
            Delay::from(Duration::from_millis(SLOT_POLL_MS)).await;
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        IN_FLIGHT.with(|in_flight| in_flight.set(in_flight.get().saturating_sub(1)));
    }
}
