//! Serving a cached JSON document: edge cache lookup, stale-while-revalidate,
//! ETag / `If-None-Match`, and the browser's `Cache-Control`. Shared by every
//! read route so the policy lives in one place.

use std::future::Future;

use ticket_core::cache_policy::{etag_for, if_none_match_matches, judge, DocumentKind, Freshness};
use ticket_core::errors::ProxyError;

use super::{Handled, RequestScope};
use crate::edge_cache::{self, CachedDocument};
use crate::http::{json_response, not_modified};

/// Wraps a freshly produced body as a document stored `now`.
pub fn new_document(body: String, now: i64) -> CachedDocument {
    let etag = etag_for(body.as_bytes());
    CachedDocument { body, etag, stored_at: now, complete: true }
}

/// Serves the document under `key`: from the edge cache while fresh; from the
/// cache while stale, refreshing in the background; otherwise by awaiting
/// `refresh`, which fetches upstream, stores what it produced and returns it.
pub async fn serve<Refresh, Fut>(
    scope: &RequestScope<'_>,
    kind: DocumentKind,
    key: &str,
    refresh: Refresh,
) -> Result<Handled, ProxyError>
where
    Refresh: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedDocument, ProxyError>> + 'static,
{
    serve_shaped(scope, kind, key, refresh, Ok).await
}

/// [`serve`], with `shape` applied to the document on its way out (e.g. the
/// catalogue cut down to what one partner may sell; the ETag follows).
pub async fn serve_shaped<Refresh, Fut, Shape>(
    scope: &RequestScope<'_>,
    kind: DocumentKind,
    key: &str,
    refresh: Refresh,
    shape: Shape,
) -> Result<Handled, ProxyError>
where
    Refresh: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedDocument, ProxyError>> + 'static,
    Shape: FnOnce(CachedDocument) -> Result<CachedDocument, ProxyError>,
{
    if let Some(document) = edge_cache::read(key).await {
        let freshness = match judge(document.stored_at, scope.now, kind) {
            // An incomplete document is a stopgap: once not fresh, fetch again.
            Freshness::StaleRevalidate if !document.complete => Freshness::Expired,
            freshness => freshness,
        };
        match freshness {
            Freshness::Fresh => return Ok(respond(scope, kind, shape(document)?, "HIT")),
            Freshness::StaleRevalidate => {
                let refreshing = refresh();
                scope.context.wait_until(async move {
                    if let Err(error) = refreshing.await {
                        worker::console_warn!(
                            "{}",
                            serde_json::json!({"event": "background_refresh_failed", "error": error.code()})
                        );
                    }
                });
                return Ok(respond(scope, kind, shape(document)?, "STALE"));
            }
            Freshness::Expired => {}
        }
    }
    let document = refresh().await?;
    Ok(respond(scope, kind, shape(document)?, "MISS"))
}

fn respond(scope: &RequestScope<'_>, kind: DocumentKind, document: CachedDocument, cache_status: &'static str) -> Handled {
    let cache_control = kind.browser_cache_control();
    let response = match &scope.if_none_match {
        Some(header) if if_none_match_matches(header, &document.etag) => not_modified(&document.etag, cache_control),
        _ => json_response(
            200,
            document.body,
            &[("ETag", &document.etag), ("Cache-Control", cache_control), ("X-Cache", cache_status)],
        ),
    };
    Handled { response, cache_status: Some(cache_status) }
}
