//! `GET /v1/events/{event}/shows/{show}/layout` and `…/availability`.
//!
//! One upstream read produces both documents: the large, rarely changing
//! layout and the small availability bitset. They are cached under separate
//! keys with separate lifetimes, so a stale availability refresh costs one
//! upstream call and the browser re-downloads only a few kilobytes.

use futures_util::future::join_all;
use ticket_contract::{Availability, Layout};
use ticket_core::cache_policy::DocumentKind;
use ticket_core::errors::ProxyError;
use ticket_core::ids::EventRef;
use ticket_core::provider::{Adapters, Hall};

use super::documents::{new_document, serve};
use super::{Handled, RequestScope};
use crate::config::ProxyConfig;
use crate::edge_cache::{self, CachedDocument};
use crate::upstream_fetch::{perform, UpstreamLog};

pub fn adapters(config: &ProxyConfig) -> Adapters {
    Adapters::new(config.qtickets.clone(), config.ticketscloud.clone())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Layout,
    Availability,
}

pub async fn layout(scope: &RequestScope<'_>, event: EventRef, show_id: String) -> Result<Handled, ProxyError> {
    serve_hall_document(scope, event, show_id, Wanted::Layout).await
}

pub async fn availability(scope: &RequestScope<'_>, event: EventRef, show_id: String) -> Result<Handled, ProxyError> {
    serve_hall_document(scope, event, show_id, Wanted::Availability).await
}

fn keys(event: &EventRef, show_id: &str) -> (String, String) {
    edge_cache::hall_document_keys(&event.public_id(), show_id)
}

async fn serve_hall_document(
    scope: &RequestScope<'_>,
    event: EventRef,
    show_id: String,
    wanted: Wanted,
) -> Result<Handled, ProxyError> {
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let (layout_key, availability_key) = keys(&event, &show_id);
    let (kind, key) = match wanted {
        Wanted::Layout => (DocumentKind::Layout, layout_key),
        Wanted::Availability => (DocumentKind::Availability, availability_key),
    };
    let config = scope.config.clone();
    let now = scope.now;
    let log = scope.upstream_log.clone();
    serve(scope, kind, &key, move || async move {
        let documents = refresh_hall(&config, now, &event, &show_id, Store::Both, &log).await?;
        Ok(match wanted {
            Wanted::Layout => documents.layout,
            Wanted::Availability => documents.availability,
        })
    })
    .await
}

/// A hall as read upstream, and the two documents stored for it.
pub struct HallDocuments {
    pub hall: Hall,
    pub layout: CachedDocument,
    pub availability: CachedDocument,
}

/// Which of a freshly read hall's documents go into the edge cache.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Both,
    /// For reads made on the side (catalogue prices): the layout is worth
    /// keeping for an hour; availability would be stale in seconds anyway.
    LayoutOnly,
}

/// Reads the hall upstream and stores its documents in the edge cache.
pub async fn refresh_hall(
    config: &ProxyConfig,
    now: i64,
    event: &EventRef,
    show_id: &str,
    store: Store,
    log: &UpstreamLog,
) -> Result<HallDocuments, ProxyError> {
    let adapters = adapters(config);
    let adapter = adapters.for_provider(event.provider);
    let requests = adapter.seating_requests(event, show_id);
    let responses = join_all(requests.iter().map(|request| perform(request, config.upstream_timeout_ms, log)))
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let hall = adapter.parse_seating(event, show_id, &responses)?;
    let layout_body = serde_json::to_string(&hall.layout).map_err(|_| ProxyError::Internal)?;
    let availability_body = serde_json::to_string(&hall.availability).map_err(|_| ProxyError::Internal)?;
    let layout = new_document(layout_body, now);
    let availability = new_document(availability_body, now);
    let (layout_key, availability_key) = keys(event, show_id);
    edge_cache::write(&layout_key, DocumentKind::Layout, &layout).await;
    if store == Store::Both {
        edge_cache::write(&availability_key, DocumentKind::Availability, &availability).await;
    }
    Ok(HallDocuments { hall, layout, availability })
}

/// The hall's layout (and availability, when this data centre has a copy) for
/// validating a hold: from the edge cache when there, otherwise read upstream.
pub async fn current_hall(
    config: &ProxyConfig,
    now: i64,
    event: &EventRef,
    show_id: &str,
    log: &UpstreamLog,
) -> Result<(Layout, Option<Availability>), ProxyError> {
    let (layout_key, availability_key) = keys(event, show_id);
    if let Some(layout) = edge_cache::read(&layout_key).await.and_then(|document| serde_json::from_str(&document.body).ok()) {
        let availability = edge_cache::read(&availability_key)
            .await
            .and_then(|document| serde_json::from_str::<Availability>(&document.body).ok());
        return Ok((layout, availability));
    }
    let documents = refresh_hall(config, now, event, show_id, Store::Both, log).await?;
    Ok((documents.hall.layout, Some(documents.hall.availability)))
}
