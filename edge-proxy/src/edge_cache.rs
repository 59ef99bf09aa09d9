//! The per-data-centre document cache on top of the Workers Cache API.
//!
//! Documents are stored with the time they were fetched (`X-Stored-At`) and
//! their ETag; whether a stored document is fresh, stale-but-usable or expired
//! is decided by `ticket_core::cache_policy`, not by the Cache API's own expiry
//! (which we only set long enough to cover the stale-while-revalidate window).

use std::cell::RefCell;
use std::collections::HashMap;

use ticket_core::cache_policy::DocumentKind;
use worker::{Cache, Headers, Response};

use crate::show_messages::VALID_UNTIL_HEADER;

/// One cached JSON document.
#[derive(Debug, Clone)]
pub struct CachedDocument {
    pub body: String,
    pub etag: String,
    /// Unix seconds when the upstream data was fetched.
    pub stored_at: i64,
    /// False for a document built while part of the upstream data was missing
    /// (a catalogue without one provider): it is never served stale.
    pub complete: bool,
}

/// Cache keys are URLs on a host that cannot exist, so they never collide with
/// a real request.
pub fn cache_key(path: &str) -> String {
    format!("https://edge-cache.invalid{path}")
}

/// What a cached document says about itself, before its body is read.
#[derive(Debug, Clone)]
pub struct CachedMeta {
    pub etag: String,
    pub stored_at: i64,
    pub complete: bool,
    /// When its content stops being right (unix seconds; a layout's prices
    /// until a price rule ends): expired from then on, whatever its age.
    pub valid_until: Option<i64>,
}

/// A document whose body has not been read (from the edge cache, or from
/// its owner): it can be passed on as it is, so a 1 MB layout never goes
/// through the Worker's memory.
pub struct CachedEntry {
    pub meta: CachedMeta,
    pub response: Response,
}

impl CachedEntry {
    /// Reads the body (for a document that is changed on its way out).
    pub async fn into_document(mut self) -> Option<CachedDocument> {
        let body = self.response.text().await.ok()?;
        let CachedMeta { etag, stored_at, complete, .. } = self.meta;
        Some(CachedDocument { body, etag, stored_at, complete })
    }
}

pub async fn lookup(key: &str) -> Option<CachedEntry> {
    let cache = Cache::default();
    let response = cache.get(key, true).await.ok().flatten()?;
    let stored_at = response.headers().get("X-Stored-At").ok().flatten()?.parse().ok()?;
    let etag = response.headers().get("ETag").ok().flatten()?;
    let complete = response.headers().get("X-Incomplete").ok().flatten().is_none();
    let valid_until = response.headers().get(VALID_UNTIL_HEADER).ok().flatten().and_then(|text| text.parse().ok());
    Some(CachedEntry { meta: CachedMeta { etag, stored_at, complete, valid_until }, response })
}

thread_local! {
    /// What this isolate wrote lately: key → (ETag, stored at, when written).
    static RECENT_WRITES: RefCell<HashMap<String, (String, i64, u64)>> = RefCell::new(HashMap::new());
}

/// A crowd that misses the cache at once brings the same document back many
/// times; it is written once (a 10,000-seat layout is a megabyte).
const SAME_WRITE_WITHIN_MS: u64 = 2_000;

/// Whether this isolate wrote the same copy of `key` a moment ago; if not,
/// notes that it is writing it now.
fn written_lately(key: &str, meta: &CachedMeta) -> bool {
    let now_ms = worker::Date::now().as_millis();
    RECENT_WRITES.with(|writes| {
        let mut writes = writes.borrow_mut();
        if let Some((etag, stored_at, at_ms)) = writes.get(key) {
            if *etag == meta.etag && *stored_at == meta.stored_at && now_ms.saturating_sub(*at_ms) < SAME_WRITE_WITHIN_MS {
                return true;
            }
        }
        if writes.len() > 1_000 {
            writes.clear();
        }
        writes.insert(key.to_owned(), (meta.etag.clone(), meta.stored_at, now_ms));
        false
    })
}

/// Keeps `entry` in this data centre's cache (its body is teed: the entry
/// can still be served).
pub async fn write_entry(key: &str, kind: DocumentKind, entry: &mut CachedEntry) {
    if written_lately(key, &entry.meta) {
        return;
    }
    let Ok(copy) = entry.response.cloned() else { return };
    put(key, kind, &entry.meta, copy).await;
}

async fn put(key: &str, kind: DocumentKind, meta: &CachedMeta, body: Response) {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", &content_type_of(&body));
    let _ = headers.set("ETag", &meta.etag);
    let _ = headers.set("X-Stored-At", &meta.stored_at.to_string());
    if !meta.complete {
        let _ = headers.set("X-Incomplete", "1");
    }
    if let Some(valid_until) = meta.valid_until {
        let _ = headers.set(VALID_UNTIL_HEADER, &valid_until.to_string());
    }
    let keep_for = kind.fresh_for() + kind.stale_while_revalidate();
    let _ = headers.set("Cache-Control", &format!("public, max-age={keep_for}"));
    let response = body.with_headers(headers).with_status(200);
    if let Err(error) = Cache::default().put(key, response).await {
        worker::console_warn!("{}", serde_json::json!({"event": "cache_put_failed", "key": key, "error": error.to_string()}));
    }
}

/// A document's media type: JSON unless its response says otherwise (the
/// painted hall is SVG).
pub fn content_type_of(response: &Response) -> String {
    response.headers().get("Content-Type").ok().flatten().unwrap_or_else(|| "application/json; charset=utf-8".to_owned())
}

/// Drops this data centre's cached layout and availability of a show, after
/// the upstream priced a hold otherwise than the layout said.
pub async fn forget_hall(event_id: &str, show_id: &str) {
    let (layout_key, _) = hall_document_keys(event_id, show_id);
    forget(&layout_key).await;
    forget(&paint_key(event_id, show_id)).await;
    forget_availability(event_id, show_id).await;
}

/// Drops this data centre's cached availability of a show (both documents:
/// with and without free places), after a hold changed who has which places:
/// the buyer who just reserved must never see their own seats as free.
pub async fn forget_availability(event_id: &str, show_id: &str) {
    for free_seats in [false, true] {
        forget(&availability_key(event_id, show_id, free_seats)).await;
    }
}

async fn forget(key: &str) {
    RECENT_WRITES.with(|writes| writes.borrow_mut().remove(key));
    let _ = Cache::default().delete(key, true).await;
}

/// The cache keys of a show's layout and (usual) availability documents.
pub fn hall_document_keys(event_id: &str, show_id: &str) -> (String, String) {
    let base = format!("/v1/events/{event_id}/shows/{show_id}");
    (cache_key(&format!("{base}/layout")), availability_key(event_id, show_id, false))
}

/// The cache key of a show's painted hall (made from its layout, kept beside it).
pub fn paint_key(event_id: &str, show_id: &str) -> String {
    cache_key(&format!("/v1/events/{event_id}/shows/{show_id}/paint"))
}

/// The cache key of a show's availability: the usual document, or (for
/// partners that allow them) the one with free places on sale.
pub fn availability_key(event_id: &str, show_id: &str, free_seats: bool) -> String {
    let path = format!("/v1/events/{event_id}/shows/{show_id}/availability");
    cache_key(&if free_seats { format!("{path}?free_seats=1") } else { path })
}
