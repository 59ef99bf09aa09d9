//! Serving a cached JSON document: edge cache lookup, stale-while-revalidate,
//! ETag / `If-None-Match`, and the browser's `Cache-Control`. Shared by every
//! read route so the policy lives in one place.

use std::future::Future;

use ticket_contract::PARTNER_KEY_HEADER;
use ticket_core::cache_policy::{
    browser_cache_control_until, etag_for, if_none_match_matches, judge_until, DocumentKind, Freshness,
};
use ticket_core::errors::ProxyError;

use worker::Headers;

use super::{Handled, RequestScope};
use crate::edge_cache::{self, CachedDocument, CachedEntry};
use crate::http::{json_response, not_modified};

/// Wraps a freshly produced body as a document stored `now`.
pub fn new_document(body: String, now: i64) -> CachedDocument {
    let etag = etag_for(body.as_bytes());
    CachedDocument { body, etag, stored_at: now, complete: true }
}

/// Serves the document under `key`: from the edge cache while fresh; from the
/// cache while stale, refreshing in the background; otherwise by awaiting
/// `refresh`, which asks the document's owner, stores what it answered and
/// returns it (its body unread).
pub async fn serve<Refresh, Fut>(
    scope: &RequestScope<'_>,
    kind: DocumentKind,
    key: &str,
    refresh: Refresh,
) -> Result<Handled, ProxyError>
where
    Refresh: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedEntry, ProxyError>> + 'static,
{
    serve_shaped(scope, kind, key, refresh, None::<fn(CachedDocument) -> Result<CachedDocument, ProxyError>>).await
}

/// [`serve`], with `shape` (if any) applied to the document on its way out
/// (e.g. the catalogue cut down to what one partner may sell; the ETag
/// follows). Without one, a cached document is passed on without reading it.
pub async fn serve_shaped<Refresh, Fut, Shape>(
    scope: &RequestScope<'_>,
    kind: DocumentKind,
    key: &str,
    refresh: Refresh,
    shape: Option<Shape>,
) -> Result<Handled, ProxyError>
where
    Refresh: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedEntry, ProxyError>> + 'static,
    Shape: FnOnce(CachedDocument) -> Result<CachedDocument, ProxyError>,
{
    if let Some(entry) = edge_cache::lookup(key).await {
        let freshness = match judge_until(entry.meta.stored_at, scope.now, kind, entry.meta.valid_until) {
            // An incomplete document is a stopgap: once not fresh, fetch again.
            Freshness::StaleRevalidate if !entry.meta.complete => Freshness::Expired,
            freshness => freshness,
        };
        let cache_status = match freshness {
            Freshness::Fresh => Some("HIT"),
            Freshness::StaleRevalidate => Some("STALE"),
            Freshness::Expired => None,
        };
        if let Some(cache_status) = cache_status {
            if freshness == Freshness::StaleRevalidate {
                let refreshing = refresh();
                scope.context.wait_until(async move {
                    if let Err(error) = refreshing.await {
                        worker::console_warn!(
                            "{}",
                            serde_json::json!({"event": "background_refresh_failed", "error": error.code()})
                        );
                    }
                });
            }
            return match shape {
                None => Ok(respond_cached(scope, kind, entry, cache_status)),
                Some(shape) => {
                    let document = entry.into_document().await.ok_or(ProxyError::Internal)?;
                    Ok(respond(scope, kind, shape(document)?, cache_status))
                }
            };
        }
    }
    let entry = refresh().await?;
    match shape {
        Some(shape) => {
            let document = entry.into_document().await.ok_or(ProxyError::Internal)?;
            Ok(respond(scope, kind, shape(document)?, "MISS"))
        }
        None => Ok(respond_cached(scope, kind, entry, "MISS")),
    }
}

/// The catalogue (cut to what a partner may sell) and the availability
/// (places priced 0 on sale only for partners that allow them) depend on
/// the partner's key, not only on the URL: browsers and shared caches must
/// keep one copy per key. The layout is the same for everyone.
fn varies_by_partner(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::Catalogue | DocumentKind::Availability)
}

/// Adds `Vary: X-Partner-Key` to a document that depends on the partner.
fn mark_partner_variance(kind: DocumentKind, response: &mut worker::Response) {
    if varies_by_partner(kind) {
        let _ = response.headers_mut().append("Vary", PARTNER_KEY_HEADER);
    }
}

fn respond(scope: &RequestScope<'_>, kind: DocumentKind, document: CachedDocument, cache_status: &'static str) -> Handled {
    let cache_control = kind.browser_cache_control();
    let mut response = match &scope.if_none_match {
        Some(header) if if_none_match_matches(header, &document.etag) => not_modified(&document.etag, cache_control),
        _ => json_response(
            200,
            document.body,
            &[("ETag", &document.etag), ("Cache-Control", cache_control), ("X-Cache", cache_status)],
        ),
    };
    mark_partner_variance(kind, &mut response);
    Handled { response, cache_status: Some(cache_status) }
}

/// A document passed on as it is (its body never read), with the headers of
/// a served one.
fn respond_cached(scope: &RequestScope<'_>, kind: DocumentKind, entry: CachedEntry, cache_status: &'static str) -> Handled {
    // A layout whose prices end soon is kept by browsers no longer than that.
    let cache_control = browser_cache_control_until(kind, scope.now, entry.meta.valid_until);
    let cache_control = cache_control.as_str();
    let etag = entry.meta.etag.clone();
    let mut response = match &scope.if_none_match {
        Some(header) if if_none_match_matches(header, &etag) => not_modified(&etag, cache_control),
        _ => {
            let headers = Headers::new();
            let _ = headers.set("Content-Type", &edge_cache::content_type_of(&entry.response));
            let _ = headers.set("ETag", &etag);
            let _ = headers.set("Cache-Control", cache_control);
            let _ = headers.set("X-Cache", cache_status);
            entry.response.with_headers(headers).with_status(200)
        }
    };
    mark_partner_variance(kind, &mut response);
    Handled { response, cache_status: Some(cache_status) }
}
