//! The per-data-centre document cache on top of the Workers Cache API.
//!
//! Documents are stored with the time they were fetched (`X-Stored-At`) and
//! their ETag; whether a stored document is fresh, stale-but-usable or expired
//! is decided by `ticket_core::cache_policy`, not by the Cache API's own expiry
//! (which we only set long enough to cover the stale-while-revalidate window).

use ticket_core::cache_policy::DocumentKind;
use worker::{Cache, Headers, Response};

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
}

/// A cached document whose body has not been read: a hit can be passed on
/// as it is (a 1 MB layout never goes through the Worker's memory).
pub struct CachedEntry {
    pub meta: CachedMeta,
    pub response: Response,
}

impl CachedEntry {
    /// Reads the body (for a document that is changed on its way out).
    pub async fn into_document(mut self) -> Option<CachedDocument> {
        let body = self.response.text().await.ok()?;
        let CachedMeta { etag, stored_at, complete } = self.meta;
        Some(CachedDocument { body, etag, stored_at, complete })
    }
}

pub async fn lookup(key: &str) -> Option<CachedEntry> {
    let cache = Cache::default();
    let response = cache.get(key, true).await.ok().flatten()?;
    let stored_at = response.headers().get("X-Stored-At").ok().flatten()?.parse().ok()?;
    let etag = response.headers().get("ETag").ok().flatten()?;
    let complete = response.headers().get("X-Incomplete").ok().flatten().is_none();
    Some(CachedEntry { meta: CachedMeta { etag, stored_at, complete }, response })
}

pub async fn read(key: &str) -> Option<CachedDocument> {
    lookup(key).await?.into_document().await
}

pub async fn write(key: &str, kind: DocumentKind, document: &CachedDocument) {
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    let _ = headers.set("ETag", &document.etag);
    let _ = headers.set("X-Stored-At", &document.stored_at.to_string());
    if !document.complete {
        let _ = headers.set("X-Incomplete", "1");
    }
    let keep_for = kind.fresh_for() + kind.stale_while_revalidate();
    let _ = headers.set("Cache-Control", &format!("public, max-age={keep_for}"));
    let response = Response::builder().with_status(200).with_headers(headers).fixed(document.body.clone().into_bytes());
    if let Err(error) = Cache::default().put(key, response).await {
        worker::console_warn!("{}", serde_json::json!({"event": "cache_put_failed", "key": key, "error": error.to_string()}));
    }
}

/// Drops this data centre's cached availability of a show, after a hold
/// changed who has which places: the buyer who just reserved must never see
/// their own seats as free.
pub async fn forget_availability(event_id: &str, show_id: &str) {
    let (_, availability_key) = hall_document_keys(event_id, show_id);
    let _ = Cache::default().delete(availability_key.as_str(), true).await;
}

/// The cache keys of a show's layout and availability documents.
pub fn hall_document_keys(event_id: &str, show_id: &str) -> (String, String) {
    let base = format!("/v1/events/{event_id}/shows/{show_id}");
    (cache_key(&format!("{base}/layout")), cache_key(&format!("{base}/availability")))
}
