//! `CatalogueObject`: the one owner of the merged event list, worldwide.
//!
//! Data centres keep the list in their edge cache; when a copy goes stale or
//! is missing they ask this object, which reads both providers' catalogues at
//! most once at a time for everyone (the rules are
//! `ticket_core::single_flight`: stale-while-revalidate without a stampede,
//! stale-if-error, a pause after a failure).
//!
//! Each provider's catalogue is read page by page, to the end its adapter
//! sees (TicketsCloud: an empty page, whatever size the pages are), and the
//! two are read in parallel. If one provider fails, the list has the other's events and names
//! the missing provider (`unavailable_providers`); such a list counts as fresh
//! for seconds only. If both fail, the read fails.
//!
//! Some providers (QTickets) put no prices in their listing. For their events
//! the read asks each show's owner (`ShowObject`) for its cheapest place, a
//! few at a time, to say "from N ₽"; those owners keep the halls they read, so
//! the hall a buyer opens next is already there.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use futures_util::future::{join, FutureExt, LocalBoxFuture, Shared};
use futures_util::stream::{self, StreamExt};
use ticket_contract::{EventList, EventSummary, Money, Provider};
use ticket_core::cache_policy::DocumentKind;
use ticket_core::errors::ProxyError;
use ticket_core::ids::parse_event_id;
use ticket_core::provider::{merge_catalogues, Adapters, ProviderAdapter, MAX_CATALOGUE_PAGES};
use ticket_core::single_flight::{ReadPlan, ReadPolicy, ReadTracker};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::config::ProxyConfig;
use crate::edge_cache::{CachedDocument, CachedEntry};
use crate::handlers::{new_document, read_config};
use crate::http::{error_response, json_response};
use crate::object_call::post_json;
use crate::show_messages::{CATALOGUE_OBJECT_NAME, CATALOGUE_OBJECT_URL, READ_AT_HEADER};
use crate::show_object;
use crate::upstream_fetch::{perform, UpstreamLog};

/// The Durable Object binding in `wrangler.toml`.
const CATALOGUE_BINDING: &str = "CATALOGUE";

/// How many halls one read asks for prices at once: a bound on the load a
/// refresh puts on an upstream that publishes no rate limits.
const PRICE_READS_AT_ONCE: usize = 4;

/// At most this many halls are asked per read for prices; events beyond it
/// are listed without "from N ₽" (and logged).
const MAX_PRICE_READS: usize = 60;

/// How long a list missing one provider counts as fresh, in milliseconds.
pub const DEGRADED_FRESH_FOR_MS: u64 = 5_000;

type ReadUnderWay = Shared<LocalBoxFuture<'static, ()>>;

#[derive(Default)]
struct Owner {
    document: RefCell<Option<CachedDocument>>,
    reads: RefCell<ReadTracker>,
    reading: RefCell<Option<ReadUnderWay>>,
}

#[durable_object]
pub struct CatalogueObject {
    state: State,
    env: Env,
    owner: Rc<Owner>,
}

impl DurableObject for CatalogueObject {
    fn new(state: State, env: Env) -> Self {
        CatalogueObject { state, env, owner: Rc::new(Owner::default()) }
    }

    async fn fetch(&self, _request: Request) -> Result<Response> {
        for _ in 0..3 {
            let plan = self.plan();
            match plan {
                ReadPlan::Serve => return Ok(self.respond()),
                ReadPlan::ServeAndRead => {
                    self.state.wait_until(self.start_read());
                    return Ok(self.respond());
                }
                ReadPlan::Read | ReadPlan::Wait => self.start_read().await,
                ReadPlan::Refuse(error) => return Ok(error_response(&error)),
            }
        }
        Ok(error_response(&ProxyError::UpstreamUnavailable))
    }
}

impl CatalogueObject {
    fn plan(&self) -> ReadPlan {
        let document = self.owner.document.borrow();
        let mut policy = ReadPolicy::for_kind(DocumentKind::Catalogue);
        if document.as_ref().is_some_and(|document| !document.complete) {
            // A list missing a provider is a stopgap: read again soon.
            policy.fresh_for_ms = DEGRADED_FRESH_FOR_MS;
        }
        self.owner.reads.borrow().plan(document.is_some(), now_ms(), &policy)
    }

    fn respond(&self) -> Response {
        let document = self.owner.document.borrow();
        let Some(document) = document.as_ref() else { return error_response(&ProxyError::Internal) };
        let stored_at = document.stored_at.to_string();
        let mut headers = vec![(READ_AT_HEADER, stored_at.as_str()), ("ETag", document.etag.as_str())];
        if !document.complete {
            headers.push(("X-Incomplete", "1"));
        }
        json_response(200, document.body.clone(), &headers)
    }

    /// The read under way, or a new one. Never two at once.
    fn start_read(&self) -> ReadUnderWay {
        if let Some(read) = self.owner.reading.borrow().clone() {
            return read;
        }
        let owner = self.owner.clone();
        let env = self.env.clone();
        let read = async move {
            if owner.reads.borrow_mut().start(now_ms()) {
                let log = UpstreamLog::default();
                let outcome = match read_config(&env) {
                    Ok(config) => read_catalogue(&env, &config, &log).await,
                    Err(error) => Err(error),
                };
                worker::console_log!(
                    "{}",
                    serde_json::json!({
                        "event": "catalogue_read",
                        "error": outcome.as_ref().err().map(ProxyError::code),
                        "upstream": log.calls(),
                    })
                );
                match outcome {
                    Ok(document) => {
                        *owner.document.borrow_mut() = Some(document);
                        owner.reads.borrow_mut().succeeded();
                    }
                    Err(error) => owner.reads.borrow_mut().failed(now_ms(), error),
                }
            }
            owner.reading.borrow_mut().take();
        }
        .boxed_local()
        .shared();
        *self.owner.reading.borrow_mut() = Some(read.clone());
        read
    }
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Both providers' catalogues, merged, with prices filled in.
async fn read_catalogue(env: &Env, config: &ProxyConfig, log: &UpstreamLog) -> std::result::Result<CachedDocument, ProxyError> {
    let adapters = Adapters::new(config.qtickets.clone(), config.ticketscloud.clone());
    let timeout_ms = config.upstream_timeout_ms;
    let (qtickets_events, ticketscloud_events) =
        join(read_provider(&adapters.qtickets, timeout_ms, log), read_provider(&adapters.ticketscloud, timeout_ms, log)).await;
    let mut unavailable_providers = Vec::new();
    let mut lists = Vec::new();
    let mut first_error = None;
    for (provider, outcome) in [(Provider::Qtickets, qtickets_events), (Provider::Ticketscloud, ticketscloud_events)] {
        match outcome {
            Ok(events) => lists.push(events),
            Err(error) => {
                worker::console_warn!(
                    "{}",
                    serde_json::json!({"event": "catalogue_provider_failed", "provider": provider, "error": error.code()})
                );
                unavailable_providers.push(provider);
                first_error.get_or_insert(error);
            }
        }
    }
    if lists.is_empty() {
        return Err(first_error.unwrap_or(ProxyError::UpstreamUnavailable));
    }
    let mut events = merge_catalogues(lists);
    fill_missing_prices(env, &mut events).await;
    let list = EventList { events, unavailable_providers };
    let body = serde_json::to_string(&list).map_err(|_| ProxyError::Internal)?;
    let mut document = new_document(body, (now_ms() / 1_000) as i64);
    document.complete = list.unavailable_providers.is_empty();
    Ok(document)
}

async fn read_provider(
    adapter: &dyn ProviderAdapter,
    timeout_ms: u32,
    log: &UpstreamLog,
) -> std::result::Result<Vec<EventSummary>, ProxyError> {
    let mut events: Vec<EventSummary> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for page in 1..=MAX_CATALOGUE_PAGES {
        let response = perform(&adapter.catalogue_request(page), timeout_ms, log).await?;
        let parsed = adapter.parse_catalogue_page(page, &response)?;
        // A page of events all seen already: an upstream that ignores `page`.
        let mut nothing_new = !parsed.events.is_empty();
        for event in &parsed.events {
            let shows: Vec<&str> = event.shows.iter().map(|show| show.id.as_str()).collect();
            nothing_new &= !seen.insert(format!("{}|{}", event.id, shows.join(",")));
        }
        events.extend(parsed.events);
        if !parsed.has_more || nothing_new {
            return Ok(events);
        }
    }
    worker::console_warn!(
        "{}",
        serde_json::json!({"event": "catalogue_truncated", "provider": adapter.provider(), "pages": MAX_CATALOGUE_PAGES})
    );
    Ok(events)
}

/// Sets `price_from` for events whose provider listing had none, from the
/// cheapest place on sale over their shows' halls (asked of each show's
/// owner). A hall that cannot be read leaves the price unknown (the widget
/// then shows no "from"), never wrong.
async fn fill_missing_prices(env: &Env, events: &mut [EventSummary]) {
    let wanted: Vec<(usize, String, String)> = events
        .iter()
        .enumerate()
        .filter(|(_, event)| event.price_from.is_none())
        .flat_map(|(index, event)| event.shows.iter().map(move |show| (index, event.id.clone(), show.id.clone())))
        .collect();
    if wanted.len() > MAX_PRICE_READS {
        worker::console_warn!("{}", serde_json::json!({"event": "price_reads_truncated", "shows": wanted.len()}));
    }
    let lowest_prices: Vec<(usize, Option<Money>)> = stream::iter(wanted.into_iter().take(MAX_PRICE_READS))
        .map(|(index, event_id, show_id)| async move {
            let Ok(event) = parse_event_id(&event_id) else { return (index, None) };
            match show_object::price_from(env, &event, &show_id).await {
                Ok(price) => (index, price),
                Err(error) => {
                    worker::console_warn!(
                        "{}",
                        serde_json::json!({"event": "price_read_failed", "event_id": event_id, "error": error.code()})
                    );
                    (index, None)
                }
            }
        })
        .buffer_unordered(PRICE_READS_AT_ONCE)
        .collect()
        .await;
    for (index, price) in lowest_prices {
        let current = &mut events[index].price_from;
        *current = match (*current, price) {
            (Some(known), Some(found)) => Some(known.min(found)),
            (known, found) => known.or(found),
        };
    }
}

// ---- The Worker's side ----

/// The merged event list from its owner, its body unread.
pub async fn catalogue(env: &Env) -> std::result::Result<CachedEntry, ProxyError> {
    env.durable_object(CATALOGUE_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let answer = post_json(env, CATALOGUE_BINDING, CATALOGUE_OBJECT_NAME, CATALOGUE_OBJECT_URL, &serde_json::json!({}))
        .await
        .map_err(|_| ProxyError::Internal)?;
    show_object::owned_entry(answer).await
}
