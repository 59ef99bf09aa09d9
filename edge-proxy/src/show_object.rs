//! `ShowObject`: the one home of one show's hall, worldwide.
//!
//! Every read of a hall that misses the edge cache comes here, so a crowd
//! costs the upstream one read: the object keeps the current hall in memory
//! (`ticket_core::show_hall`), reads it upstream at most once at a time, and
//! everyone who asks meanwhile waits for that one read or gets the copy it
//! has (stale-while-revalidate, stale-if-error, a short negative cache; the
//! rules are `ticket_core::single_flight`).
//!
//! It is also where a show's live feed lives. Viewers hold WebSockets on it
//! (the Hibernation API: an idle feed costs no duration); every change is sent
//! to all of them at once:
//! - a hold made, changed, released, expired or sold through this proxy
//!   (its hold object calls [`hold_changed`]) is applied without any read;
//! - while anyone watches, an alarm reads the upstream every
//!   [`POLL_INTERVAL_MS`] (one read per interval whatever the crowd) and
//!   sends what changed there (sales elsewhere, the provider's own expiries);
//!   nobody watching, no polling.
//!
//! The layout stays in the Cache API of each data centre (it is large and
//! changes rarely, and never past the end of its prices: a TicketsCloud price
//! rule's end travels with it as `X-Valid-Until`); this object is only asked
//! when that cache misses.
//!
//! A hall with places priced 0 has two availability documents (free places
//! off sale, or on sale for partners that allow them; `ticket_core::free_places`
//! says why here): each request names the one it wants, and each feed is
//! tagged with the one it is sent.
//!
//! What a provider's hall read leaves for the next one (TicketsCloud: the
//! event's sets from the events listing, so a refresh reads only the
//! tickets) is kept here with the hall (`SeatingMemo`), in memory.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::{join_all, FutureExt, LocalBoxFuture, Shared};
use serde::{Deserialize, Serialize};
use ticket_contract::{HoldItem, LiveMessage, LIVE_PING, LIVE_PONG};
use ticket_core::cache_policy::DocumentKind;
use ticket_core::errors::ProxyError;
use ticket_core::ids::{parse_event_id, parse_show_id, EventRef};
use ticket_core::provider::{Adapters, Hall, HallReadOutcome, HallStep, SeatingMemo, MAX_HALL_READ_ROUNDS};
use ticket_core::show_hall::ShowHall;
use ticket_core::single_flight::ReadPlan;
use worker::{
    durable_object, DurableObject, Env, Headers, Method, Request, RequestInit, Response, Result, ScheduledTime, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair, WebSocketRequestResponsePair,
};

use crate::config::ProxyConfig;
use crate::edge_cache::{self, CachedEntry, CachedMeta};
use crate::handlers::read_config;
use crate::http::{error_response, json_response};
use crate::object_call::post_json;
use crate::show_messages::{
    show_object_name, ShowMessage, LIVE_CLIENT_HEADER, LIVE_EVENT_HEADER, LIVE_FREE_SEATS_HEADER, LIVE_SHOW_HEADER,
    READ_AT_HEADER, SHOW_LIVE_URL, SHOW_OBJECT_URL, VALID_UNTIL_HEADER,
};
use crate::upstream_fetch::{perform, UpstreamLog};

/// The Durable Object binding in `wrangler.toml`.
const SHOWS_BINDING: &str = "SHOWS";

/// While anyone watches, the upstream is read this often.
pub const POLL_INTERVAL_MS: u64 = 5_000;

/// Live feeds one client (public key + address) may hold on one show: a
/// buyer with a few tabs, not a script opening thousands.
pub const MOST_FEEDS_PER_CLIENT: usize = 4;

/// When a client over [`MOST_FEEDS_PER_CLIENT`] may try again.
const FEED_RETRY_AFTER_SECONDS: u32 = 30;

/// The tag every live feed carries (feeds are also tagged by client).
const FEED_TAG: &str = "feed";
/// Which availability a feed is sent: the usual one (free places off sale),
/// or the one with free places on sale, for a partner that allows them
/// (`ticket_core::free_places`). Every feed has one of the two.
const USUAL_FEED_TAG: &str = "feed_usual";
const FREE_SEATS_FEED_TAG: &str = "feed_free_seats";

/// Storage key of the show this object serves (for alarms after eviction).
const SHOW_KEY: &str = "show";
/// Storage keys of the last good copy (for stale-if-error after an eviction).
const LAST_LAYOUT_KEY: &str = "last_layout";
const LAST_AVAILABILITY_KEY: &str = "last_availability";
/// A layout larger than this (as JSON) is not kept in storage (a stored
/// value may be at most 2 MiB); such a hall has no last good copy after an
/// eviction.
const LARGEST_STORED_LAYOUT: usize = 1_900_000;

/// The last good availability and when it was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredAvailability {
    availability: ticket_contract::Availability,
    read_at_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ShowIdentity {
    event_id: String,
    show_id: String,
}

type ReadUnderWay = Shared<LocalBoxFuture<'static, ()>>;

/// What the object keeps in memory; shared with the read under way.
#[derive(Default)]
struct Owner {
    hall: RefCell<ShowHall>,
    reading: RefCell<Option<ReadUnderWay>>,
    show: RefCell<Option<(EventRef, String)>>,
    /// The layout version last written to storage.
    stored_layout_version: RefCell<Option<String>>,
    /// What the last hall read left for the next one.
    seating_memo: RefCell<Option<SeatingMemo>>,
}

#[durable_object]
pub struct ShowObject {
    state: State,
    env: Env,
    owner: Rc<Owner>,
}

impl DurableObject for ShowObject {
    fn new(state: State, env: Env) -> Self {
        // `ping` is answered by the runtime itself: a live feed's keep-alive
        // never wakes the object.
        if let Ok(pair) = WebSocketRequestResponsePair::new(LIVE_PING, LIVE_PONG) {
            state.set_websocket_auto_response(&pair);
        }
        ShowObject { state, env, owner: Rc::new(Owner::default()) }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        if request.path() == "/live" {
            return Ok(self.open_feed(&request).await.unwrap_or_else(|error| error_response(&error)));
        }
        let message: ShowMessage = match request.json().await {
            Ok(message) => message,
            Err(_) => return Ok(error_response(&ProxyError::Internal)),
        };
        Ok(self.answer(message).await.unwrap_or_else(|error| error_response(&error)))
    }

    async fn alarm(&self) -> Result<Response> {
        if self.state.get_websockets_with_tag(FEED_TAG).is_empty() {
            return Response::empty(); // nobody watches: no more polling
        }
        if self.remembered_show().await.is_some() {
            if self.owner.hall.borrow().poll_due(now_ms(), POLL_INTERVAL_MS) {
                self.read_upstream().await;
            }
            self.schedule_poll().await;
        }
        Response::empty()
    }

    async fn websocket_message(&self, _socket: WebSocket, _message: WebSocketIncomingMessage) -> Result<()> {
        Ok(()) // a client has nothing to say but `ping`, which the runtime answers
    }

    async fn websocket_close(&self, socket: WebSocket, _code: usize, _reason: String, _was_clean: bool) -> Result<()> {
        let _ = socket.close(Some(1000), Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, socket: WebSocket, _error: worker::Error) -> Result<()> {
        let _ = socket.close(Some(1011), Some("error"));
        Ok(())
    }
}

impl ShowObject {
    async fn answer(&self, message: ShowMessage) -> std::result::Result<Response, ProxyError> {
        match message {
            ShowMessage::Layout { event_id, show_id } => {
                self.know_show(&event_id, &show_id)?;
                self.ensure_copy(DocumentKind::Layout).await?;
                let hall = self.owner.hall.borrow();
                let (body, etag) = hall.layout_document().ok_or(ProxyError::Internal)?;
                Ok(document_response(body.to_owned(), Some(etag), &hall))
            }
            ShowMessage::Availability { event_id, show_id, free_seats } => {
                self.know_show(&event_id, &show_id)?;
                self.ensure_copy(DocumentKind::Availability).await?;
                let hall = self.owner.hall.borrow();
                let body = hall.availability_document(free_seats).ok_or(ProxyError::Internal)?;
                let etag = ticket_core::cache_policy::etag_for(body.as_bytes());
                Ok(document_response(body.to_owned(), Some(&etag), &hall))
            }
            ShowMessage::PriceFrom { event_id, show_id } => {
                self.know_show(&event_id, &show_id)?;
                self.ensure_copy(DocumentKind::Availability).await?;
                let price_from = self.owner.hall.borrow().lowest_price_on_sale();
                let body = serde_json::json!({ "price_from": price_from }).to_string();
                Ok(json_response(200, body, &[]))
            }
            ShowMessage::PricesChanged { event_id, show_id } => {
                self.know_show(&event_id, &show_id)?;
                // A read under way may bring the old prices: it ends first.
                let under_way = self.owner.reading.borrow().clone();
                if let Some(read) = under_way {
                    read.await;
                }
                // The kept sets named the old prices too: read everything again.
                self.owner.seating_memo.borrow_mut().take();
                self.owner.hall.borrow_mut().prices_outdated(now_ms());
                self.ensure_copy(DocumentKind::Layout).await?;
                let hall = self.owner.hall.borrow();
                let (body, etag) = hall.layout_document().ok_or(ProxyError::Internal)?;
                Ok(document_response(body.to_owned(), Some(etag), &hall))
            }
            ShowMessage::HoldChanged { before, after, .. } => {
                let changed = self.owner.hall.borrow_mut().apply_hold_change(&before, &after, now_ms());
                if changed {
                    broadcast(&self.state, &self.owner.hall.borrow());
                }
                Ok(json_response(200, format!(r#"{{"changed":{changed}}}"#), &[]))
            }
        }
    }

    /// Accepts a live feed (already checked by the Worker: partner key,
    /// origin, budget, allowlist) unless this client holds too many.
    async fn open_feed(&self, request: &Request) -> std::result::Result<Response, ProxyError> {
        let header = |name: &str| request.headers().get(name).ok().flatten().unwrap_or_default();
        let (event_id, show_id, client) = (header(LIVE_EVENT_HEADER), header(LIVE_SHOW_HEADER), header(LIVE_CLIENT_HEADER));
        let free_seats = header(LIVE_FREE_SEATS_HEADER) == "1";
        self.know_show(&event_id, &show_id)?;
        if client.is_empty() {
            return Err(ProxyError::Internal);
        }
        if self.state.get_websockets_with_tag(&client).len() >= MOST_FEEDS_PER_CLIENT {
            return Err(ProxyError::RateLimited { retry_after_seconds: FEED_RETRY_AFTER_SECONDS });
        }
        // The first viewer of a cold show waits for its first read here, so
        // the feed opens with the hall (or the upstream's error, as HTTP).
        self.ensure_copy(DocumentKind::Availability).await?;
        let pair = WebSocketPair::new().map_err(|_| ProxyError::Internal)?;
        let kind_tag = if free_seats { FREE_SEATS_FEED_TAG } else { USUAL_FEED_TAG };
        self.state.accept_websocket_with_tags(&pair.server, &[FEED_TAG, kind_tag, client.as_str()]);
        if let Some(text) = live_message(&self.owner.hall.borrow(), free_seats) {
            let _ = pair.server.send_with_str(&text);
        }
        let identity = ShowIdentity { event_id, show_id };
        let _ = self.state.storage().put(SHOW_KEY, &identity).await;
        self.schedule_poll().await;
        Response::from_websocket(pair.client).map_err(|_| ProxyError::Internal)
    }

    /// Makes sure there is a copy good enough for `kind` (reading upstream,
    /// or waiting for the read under way, as the rules say).
    async fn ensure_copy(&self, kind: DocumentKind) -> std::result::Result<(), ProxyError> {
        for _ in 0..3 {
            let plan = self.owner.hall.borrow().plan(kind, now_ms());
            match plan {
                ReadPlan::Serve => return Ok(()),
                ReadPlan::ServeAndRead => {
                    let read = self.start_read();
                    self.state.wait_until(read);
                    return Ok(());
                }
                ReadPlan::Read | ReadPlan::Wait => self.read_upstream().await,
                ReadPlan::Refuse(error) => return Err(error),
            }
        }
        Err(ProxyError::UpstreamUnavailable)
    }

    /// Reads the hall upstream, or waits for the read under way.
    async fn read_upstream(&self) {
        self.start_read().await;
    }

    /// The read under way, or a new one. Never two at once.
    fn start_read(&self) -> ReadUnderWay {
        if let Some(read) = self.owner.reading.borrow().clone() {
            return read;
        }
        let owner = self.owner.clone();
        let env = self.env.clone();
        let state = same_state(&self.state);
        let read = async move {
            let show = owner.show.borrow().clone();
            if let Some((event, show_id)) = show {
                if owner.hall.borrow_mut().start_read(now_ms()) {
                    let log = UpstreamLog::default();
                    let memo = owner.seating_memo.borrow().clone();
                    let outcome = match read_config(&env) {
                        Ok(config) => read_hall(&config, &event, &show_id, memo.as_ref(), &log).await,
                        Err(error) => Err(error),
                    };
                    let error = outcome.as_ref().err().map(ProxyError::code);
                    let changed = match outcome {
                        Ok(HallReadOutcome { hall, memo }) => {
                            *owner.seating_memo.borrow_mut() = memo;
                            let changed = owner.hall.borrow_mut().read_succeeded(hall, now_ms());
                            if changed {
                                keep_last_good(&state, &owner).await;
                            }
                            changed
                        }
                        Err(error) => {
                            let had_copy = owner.hall.borrow().has_copy();
                            let mut changed = owner.hall.borrow_mut().read_failed(error.clone(), now_ms());
                            let gone = matches!(error, ProxyError::NotFound { .. });
                            if !had_copy && !gone {
                                if let Some((hall, read_at_ms)) = last_good(&state).await {
                                    changed = owner.hall.borrow_mut().restore_last_good(hall, read_at_ms, error, now_ms());
                                }
                            }
                            changed
                        }
                    };
                    if changed {
                        broadcast(&state, &owner.hall.borrow());
                    }
                    worker::console_log!(
                        "{}",
                        serde_json::json!({
                            "event": "hall_read",
                            "show": show_object_name(&event.public_id(), &show_id),
                            "error": error,
                            "changed": changed,
                            "viewers": state.get_websockets_with_tag(FEED_TAG).len(),
                            "upstream": log.calls(),
                        })
                    );
                }
            }
            owner.reading.borrow_mut().take();
        }
        .boxed_local()
        .shared();
        *self.owner.reading.borrow_mut() = Some(read.clone());
        read
    }

    /// Keeps the show this object serves (ids checked again: a message is
    /// input like any other).
    fn know_show(&self, event_id: &str, show_id: &str) -> std::result::Result<(), ProxyError> {
        if self.owner.show.borrow().is_some() {
            return Ok(());
        }
        let event = parse_event_id(event_id).map_err(|_| ProxyError::Internal)?;
        let show_id = parse_show_id(&event, show_id).map_err(|_| ProxyError::Internal)?;
        *self.owner.show.borrow_mut() = Some((event, show_id));
        Ok(())
    }

    /// The show, from memory or (after an eviction) from storage.
    async fn remembered_show(&self) -> Option<()> {
        if self.owner.show.borrow().is_some() {
            return Some(());
        }
        let identity: ShowIdentity = self.state.storage().get(SHOW_KEY).await.ok().flatten()?;
        self.know_show(&identity.event_id, &identity.show_id).ok()
    }

    /// Keeps one poll alarm set while anyone watches.
    async fn schedule_poll(&self) {
        let storage = self.state.storage();
        if matches!(storage.get_alarm().await, Ok(Some(at)) if at > now_ms() as i64) {
            return;
        }
        let at = worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64((now_ms() + POLL_INTERVAL_MS) as f64));
        if storage.set_alarm(ScheduledTime::new(at)).await.is_err() {
            worker::console_error!("{}", serde_json::json!({"event": "show_poll_alarm_failed"}));
        }
    }
}

/// Keeps the current hall in storage as the last good copy: the
/// availability (the upstream's whole truth, free places included) after
/// every read that changed it, the layout when its version changed.
async fn keep_last_good(state: &State, owner: &Owner) {
    let storage = state.storage();
    let (layout, availability, read_at_ms) = {
        let hall = owner.hall.borrow();
        let (Some(layout), Some(availability), Some(read_at_ms)) = (hall.layout(), hall.availability(true), hall.read_at_ms())
        else {
            return;
        };
        let layout_is_new = owner.stored_layout_version.borrow().as_deref() != Some(layout.version.as_str());
        let small_enough = hall.layout_document().is_some_and(|(body, _)| body.len() <= LARGEST_STORED_LAYOUT);
        ((layout_is_new && small_enough).then(|| layout.clone()), availability, read_at_ms)
    };
    if let Some(layout) = layout {
        if storage.put(LAST_LAYOUT_KEY, &layout).await.is_ok() {
            *owner.stored_layout_version.borrow_mut() = Some(layout.version.clone());
        }
    }
    let stored = StoredAvailability { availability, read_at_ms };
    if storage.put(LAST_AVAILABILITY_KEY, &stored).await.is_err() {
        worker::console_warn!("{}", serde_json::json!({"event": "show_keep_last_good_failed"}));
    }
}

/// The last good copy kept in storage, if its layout and availability agree.
async fn last_good(state: &State) -> Option<(Hall, u64)> {
    let storage = state.storage();
    let layout: ticket_contract::Layout = storage.get(LAST_LAYOUT_KEY).await.ok().flatten()?;
    let stored: StoredAvailability = storage.get(LAST_AVAILABILITY_KEY).await.ok().flatten()?;
    if stored.availability.layout_version != layout.version {
        return None;
    }
    Some((
        Hall { layout, availability: stored.availability, upstream_version: None, prices_valid_until: None },
        stored.read_at_ms,
    ))
}

/// A document for the Worker: the body, its ETag, when its data was read
/// upstream, and whether it is the last good copy of a failing upstream.
fn document_response(body: String, etag: Option<&str>, hall: &ShowHall) -> Response {
    let read_at = (hall.read_at_ms().unwrap_or_else(now_ms) / 1_000).to_string();
    let mut headers = vec![(READ_AT_HEADER, read_at.as_str()), ("Cache-Control", "no-store")];
    if let Some(etag) = etag {
        headers.push(("ETag", etag));
    }
    let valid_until = hall.prices_valid_until().map(|until| until.to_string());
    if let Some(valid_until) = &valid_until {
        headers.push((VALID_UNTIL_HEADER, valid_until.as_str()));
    }
    let stale = hall.availability(false).is_some_and(|availability| availability.stale);
    if stale {
        headers.push(("X-Stale", "1"));
    }
    json_response(200, body, &headers)
}

/// The availability as a live message (with free places on sale or not),
/// when there is a copy.
fn live_message(hall: &ShowHall, free_seats: bool) -> Option<String> {
    serde_json::to_string(&LiveMessage::Availability(hall.availability(free_seats)?)).ok()
}

/// Sends the current availability to every live feed of the show: each
/// feed the document for its kind of partner (one text per kind, made once).
fn broadcast(state: &State, hall: &ShowHall) {
    for (tag, free_seats) in [(USUAL_FEED_TAG, false), (FREE_SEATS_FEED_TAG, true)] {
        let sockets = state.get_websockets_with_tag(tag);
        if sockets.is_empty() {
            continue;
        }
        let Some(text) = live_message(hall, free_seats) else { return };
        for socket in sockets {
            let _ = socket.send_with_str(&text);
        }
    }
}

/// One upstream read of the hall, in the adapter's rounds (each round's
/// requests in parallel), with what the last read left (`memo`).
async fn read_hall(
    config: &ProxyConfig,
    event: &EventRef,
    show_id: &str,
    memo: Option<&SeatingMemo>,
    log: &UpstreamLog,
) -> std::result::Result<HallReadOutcome, ProxyError> {
    let adapters = Adapters::new(config.qtickets.clone(), config.ticketscloud.clone());
    let adapter = adapters.for_provider(event.provider);
    let mut read = adapter.hall_read(event, show_id, memo, (now_ms() / 1_000) as i64);
    let mut answers = Vec::new();
    for _ in 0..MAX_HALL_READ_ROUNDS {
        match read.step(answers)? {
            HallStep::Send(requests) => {
                answers = join_all(requests.iter().map(|request| perform(request, config.upstream_timeout_ms, log)))
                    .await
                    .into_iter()
                    .collect::<std::result::Result<Vec<_>, _>>()?;
            }
            HallStep::Done(outcome) => return Ok(*outcome),
        }
    }
    Err(ProxyError::UpstreamBadResponse { what: "hall read did not end".into() })
}

/// A second handle on the object's state, for the read under way (which
/// outlives the request that started it).
fn same_state(state: &State) -> State {
    use worker::wasm_bindgen::JsCast;
    let raw: &worker::wasm_bindgen::JsValue = state.as_raw().as_ref();
    State::from(raw.clone().unchecked_into::<worker::worker_sys::DurableObjectState>())
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

// ---- The Worker's side: asking a show's object ----

/// A hall document (layout or availability) from the show's owner, its body
/// unread. `free_seats`: the availability for a partner that allows places
/// priced 0 (the layout is the same for everyone).
pub async fn document(
    env: &Env,
    kind: DocumentKind,
    event: &EventRef,
    show_id: &str,
    free_seats: bool,
) -> std::result::Result<CachedEntry, ProxyError> {
    let (event_id, show_id) = (event.public_id(), show_id.to_owned());
    let message = match kind {
        DocumentKind::Layout => ShowMessage::Layout { event_id: event_id.clone(), show_id: show_id.clone() },
        _ => ShowMessage::Availability { event_id: event_id.clone(), show_id: show_id.clone(), free_seats },
    };
    let answer = ask(env, &event_id, &show_id, &message).await?;
    owned_entry(answer).await
}

/// An owner's answer as a document for the edge (its body unread), or its
/// error. The ETag and `X-Read-At` headers carry what the edge cache needs;
/// the last good copy of a failing upstream (`X-Stale`) and a list missing a
/// provider (`X-Incomplete`) are marked incomplete, never kept as if fresh.
pub async fn owned_entry(mut answer: Response) -> std::result::Result<CachedEntry, ProxyError> {
    let status = answer.status_code();
    if status != 200 {
        let body = answer.text().await.map_err(|_| ProxyError::Internal)?;
        return Err(error_of(status, &body));
    }
    let header = |name: &str| answer.headers().get(name).ok().flatten();
    let stored_at = header(READ_AT_HEADER).and_then(|text| text.parse::<i64>().ok()).unwrap_or_else(crate::handlers::unix_now);
    let etag = header("ETag").ok_or(ProxyError::Internal)?;
    let complete = header("X-Stale").is_none() && header("X-Incomplete").is_none();
    let valid_until = header(VALID_UNTIL_HEADER).and_then(|text| text.parse::<i64>().ok());
    // An answer from another object has immutable headers: the body goes on
    // in a response of our own.
    let response = answer.with_headers(Headers::new());
    Ok(CachedEntry { meta: CachedMeta { etag, stored_at, complete, valid_until }, response })
}

/// The cheapest place on sale in the show (for the catalogue), if known.
pub async fn price_from(
    env: &Env,
    event: &EventRef,
    show_id: &str,
) -> std::result::Result<Option<ticket_contract::Money>, ProxyError> {
    let (event_id, show_id) = (event.public_id(), show_id.to_owned());
    let message = ShowMessage::PriceFrom { event_id: event_id.clone(), show_id: show_id.clone() };
    let mut answer = ask(env, &event_id, &show_id, &message).await?;
    let status = answer.status_code();
    let body = answer.text().await.map_err(|_| ProxyError::Internal)?;
    if status != 200 {
        return Err(error_of(status, &body));
    }
    #[derive(Deserialize)]
    struct PriceFrom {
        price_from: Option<ticket_contract::Money>,
    }
    serde_json::from_str::<PriceFrom>(&body).map(|answer| answer.price_from).map_err(|_| ProxyError::Internal)
}

/// A hold of `event_id`/`show_id` kept `before` off sale and keeps `after`
/// now (each `HoldRecord::places_held`): every viewer of the show sees the
/// difference at once, and this data centre's cached availability is dropped.
pub async fn hold_changed(env: &Env, event_id: &str, show_id: &str, before: &[HoldItem], after: &[HoldItem]) {
    if before == after {
        return;
    }
    edge_cache::forget_availability(event_id, show_id).await;
    let message = ShowMessage::HoldChanged {
        event_id: event_id.to_owned(),
        show_id: show_id.to_owned(),
        before: before.to_vec(),
        after: after.to_vec(),
    };
    if let Err(error) = ask(env, event_id, show_id, &message).await {
        // Viewers then learn of it at the next poll; the hold itself is fine.
        worker::console_warn!("{}", serde_json::json!({"event": "show_notify_failed", "error": error.code()}));
    }
}

/// The upstream priced a hold of this show otherwise than its layout said
/// (`price_changed`): this data centre's copies are dropped, the show's
/// owner reads the hall again, and the new layout goes into the edge cache,
/// so the buyer's next read of the layout has the new prices.
pub async fn prices_changed(env: &Env, event: &EventRef, show_id: &str) {
    let event_id = event.public_id();
    edge_cache::forget_hall(&event_id, show_id).await;
    let message = ShowMessage::PricesChanged { event_id: event_id.clone(), show_id: show_id.to_owned() };
    let outcome = match ask(env, &event_id, show_id, &message).await {
        Ok(answer) => owned_entry(answer).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(mut entry) => {
            let (layout_key, _) = edge_cache::hall_document_keys(&event_id, show_id);
            edge_cache::write_entry(&layout_key, DocumentKind::Layout, &mut entry).await;
        }
        Err(error) => {
            // The next read of the layout asks the owner, which reads again.
            worker::console_warn!("{}", serde_json::json!({"event": "prices_changed_read_failed", "error": error.code()}));
        }
    }
}

/// Forwards a checked live-feed upgrade to the show's object, which answers
/// `101` with the feed (or an error). `free_seats`: the partner allows
/// places priced 0, and its feed shows them on sale.
pub async fn open_live_feed(
    env: &Env,
    event: &EventRef,
    show_id: &str,
    client: &str,
    free_seats: bool,
) -> std::result::Result<Response, ProxyError> {
    let event_id = event.public_id();
    let stub = stub(env, &event_id, show_id)?;
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|_| ProxyError::Internal);
    set("Upgrade", "websocket")?;
    set(LIVE_EVENT_HEADER, &event_id)?;
    set(LIVE_SHOW_HEADER, show_id)?;
    set(LIVE_CLIENT_HEADER, client)?;
    if free_seats {
        set(LIVE_FREE_SEATS_HEADER, "1")?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let request = Request::new_with_init(SHOW_LIVE_URL, &init).map_err(|_| ProxyError::Internal)?;
    let mut answer = stub.fetch_with_request(request).await.map_err(|_| ProxyError::Internal)?;
    // Answers from another object have immutable headers: made anew, so the
    // Worker can add its own (X-Request-Id, CORS, rate limits).
    if answer.status_code() == 101 {
        let socket = answer.websocket().ok_or(ProxyError::Internal)?;
        return Response::from_websocket(socket).map_err(|_| ProxyError::Internal);
    }
    let status = answer.status_code();
    let body = answer.text().await.map_err(|_| ProxyError::Internal)?;
    if status == 429 {
        return Err(ProxyError::RateLimited { retry_after_seconds: FEED_RETRY_AFTER_SECONDS });
    }
    Err(error_of(status, &body))
}

fn stub(env: &Env, event_id: &str, show_id: &str) -> std::result::Result<worker::Stub, ProxyError> {
    let namespace = env.durable_object(SHOWS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let id = namespace.id_from_name(&show_object_name(event_id, show_id)).map_err(|_| ProxyError::Internal)?;
    id.get_stub().map_err(|_| ProxyError::Internal)
}

async fn ask(env: &Env, event_id: &str, show_id: &str, message: &ShowMessage) -> std::result::Result<Response, ProxyError> {
    env.durable_object(SHOWS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    post_json(env, SHOWS_BINDING, &show_object_name(event_id, show_id), SHOW_OBJECT_URL, message)
        .await
        .map_err(|_| ProxyError::Internal)
}

/// The error an owner answered with (its body is our own error JSON).
pub fn error_of(status: u16, body: &str) -> ProxyError {
    let code = serde_json::from_str::<ticket_contract::ErrorBody>(body).map(|body| body.error.code).unwrap_or_default();
    ProxyError::from_code(&code).unwrap_or(if status >= 500 { ProxyError::UpstreamUnavailable } else { ProxyError::Internal })
}
