//! `GET /v1/events`: both providers' upcoming events in one list.
//!
//! Each provider's catalogue is read page by page and the two are read in
//! parallel. If one provider fails, the buyer still sees the other's events and
//! the document says which provider is missing (`unavailable_providers`); such
//! a degraded list is kept only briefly. If both fail, the request fails.
//!
//! Some providers (QTickets) put no prices in their listing. For their events
//! the refresh reads each show's hall, a few at a time, to say "from N ₽";
//! those reads also fill the layout cache, so the hall the buyer opens next is
//! already at the edge.

use std::rc::Rc;

use futures_util::future::join;
use futures_util::stream::{self, StreamExt};
use ticket_contract::{EventList, EventSummary, Money, Provider};
use ticket_core::cache_policy::{etag_for, DocumentKind};
use ticket_core::errors::ProxyError;
use ticket_core::ids::parse_event_id;
use ticket_core::provider::{merge_catalogues, ProviderAdapter, MAX_CATALOGUE_PAGES};

use super::documents::{new_document, serve_shaped};
use super::seating::{adapters, refresh_hall, Store};
use super::{Handled, RequestScope};
use crate::config::ProxyConfig;
use crate::edge_cache::{self, cache_key, CachedDocument};
use crate::upstream_fetch::{perform, UpstreamLog};

/// How many halls one catalogue refresh reads at once to find prices: a bound
/// on the load a refresh puts on an upstream that publishes no rate limits.
const PRICE_READS_AT_ONCE: usize = 4;

/// At most this many halls are read per refresh for prices; events beyond it
/// are listed without "from N ₽" (and logged).
const MAX_PRICE_READS: usize = 60;

/// How long a list missing one provider counts as fresh, in seconds.
const DEGRADED_FRESH_FOR: i64 = 5;

pub async fn events(scope: &RequestScope<'_>) -> Result<Handled, ProxyError> {
    let key = cache_key("/v1/events");
    let config = scope.config.clone();
    let now = scope.now;
    let refresh_key = key.clone();
    let log = scope.upstream_log.clone();
    let partner = scope.partner;
    let read_upstream = move || refresh(config, now, refresh_key, log);
    serve_shaped(scope, DocumentKind::Catalogue, &key, read_upstream, |document| {
        if partner.sells_everything() {
            return Ok(document);
        }
        // One shared document per data centre; each partner sees its part.
        let mut list: EventList = serde_json::from_str(&document.body).map_err(|_| ProxyError::Internal)?;
        list.events.retain(|event| partner.allows_event_id(event.provider, &event.id));
        let body = serde_json::to_string(&list).map_err(|_| ProxyError::Internal)?;
        Ok(CachedDocument { etag: etag_for(body.as_bytes()), body, ..document })
    })
    .await
}

async fn refresh(config: Rc<ProxyConfig>, now: i64, key: String, log: UpstreamLog) -> Result<CachedDocument, ProxyError> {
    let adapters = adapters(&config);
    let timeout_ms = config.upstream_timeout_ms;
    let (qtickets_events, ticketscloud_events) =
        join(read_catalogue(&adapters.qtickets, timeout_ms, &log), read_catalogue(&adapters.ticketscloud, timeout_ms, &log))
            .await;

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
    fill_missing_prices(&config, now, &mut events, &log).await;
    let list = EventList { events, unavailable_providers };
    let body = serde_json::to_string(&list).map_err(|_| ProxyError::Internal)?;
    let mut document = new_document(body, now);
    if !list.unavailable_providers.is_empty() {
        // Backdated so it stops being fresh within seconds; being incomplete,
        // it is then never served stale, and the missing provider is retried.
        document.stored_at = now - (DocumentKind::Catalogue.fresh_for() - DEGRADED_FRESH_FOR).max(0);
        document.complete = false;
    }
    edge_cache::write(&key, DocumentKind::Catalogue, &document).await;
    Ok(document)
}

async fn read_catalogue(
    adapter: &dyn ProviderAdapter,
    timeout_ms: u32,
    log: &UpstreamLog,
) -> Result<Vec<EventSummary>, ProxyError> {
    let mut events = Vec::new();
    for page in 1..=MAX_CATALOGUE_PAGES {
        let response = perform(&adapter.catalogue_request(page), timeout_ms, log).await?;
        let parsed = adapter.parse_catalogue_page(page, &response)?;
        events.extend(parsed.events);
        if !parsed.has_more {
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
/// cheapest ticket on sale over their shows' halls. A hall that cannot be read
/// leaves the price unknown (the widget then shows no "from"), never wrong.
async fn fill_missing_prices(config: &ProxyConfig, now: i64, events: &mut [EventSummary], log: &UpstreamLog) {
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
            match refresh_hall(config, now, &event, &show_id, Store::LayoutOnly, log).await {
                Ok(documents) => (index, documents.hall.lowest_price_on_sale()),
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
