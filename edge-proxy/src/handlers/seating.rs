//! `GET /v1/events/{event}/shows/{show}/layout`, `…/availability`,
//! `…/paint` (the hall already drawn, for the widget's first frame) and
//! `…/live` (the show's live feed, a WebSocket).
//!
//! Each data centre keeps both documents in its edge cache; a miss (or a
//! stale copy) asks the show's one owner, its `ShowObject`, which reads the
//! upstream at most once at a time for everyone. The layout (large, rarely
//! changing) and the availability (a few kilobytes, changing every second)
//! are cached under separate keys with separate lifetimes. The layout is the
//! same for every partner; the availability a partner gets depends on its
//! record's `free_seats_allowed` (places priced 0 on sale or not; see
//! `ticket_core::free_places`), each kind under its own key.
//!
//! The painted hall is the layout drawn by `ticket_paint::painted_hall` (the
//! function the widget draws its seat map with), every seat available: like
//! the layout it is the same for every partner and cached next to it, with
//! the layout's age and price end. Its response carries the partner's
//! current availability bits in headers (read like the availability route
//! reads them), which the loader applies: one request for the first frame.

use ticket_contract::{Availability, Layout};
use ticket_core::cache_policy::{etag_for, judge_until, DocumentKind, Freshness};
use ticket_core::errors::ProxyError;
use ticket_core::fingerprint::fnv1a_64_hex;
use ticket_core::ids::EventRef;
use worker::{Env, Headers, Request, Response};

use super::documents::serve;
use super::{Handled, RequestScope};
use crate::edge_cache::{self, CachedEntry, CachedMeta};
use crate::routes::FirstFrameOptions;
use crate::show_object;
use ticket_paint::FrameText;

pub async fn layout(scope: &RequestScope<'_>, env: &Env, event: EventRef, show_id: String) -> Result<Handled, ProxyError> {
    serve_hall_document(scope, env, event, show_id, DocumentKind::Layout).await
}

pub async fn availability(scope: &RequestScope<'_>, env: &Env, event: EventRef, show_id: String) -> Result<Handled, ProxyError> {
    serve_hall_document(scope, env, event, show_id, DocumentKind::Availability).await
}

/// `GET …/paint`: the seat map's SVG, drawn at the edge from the layout,
/// with the partner's current availability in `Availability-*` headers (the
/// body is the same for everyone and stays cached; the loader applies the
/// bits), so the first frame needs this one request.
pub async fn paint(scope: &RequestScope<'_>, env: &Env, event: EventRef, show_id: String) -> Result<Handled, ProxyError> {
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let key = edge_cache::paint_key(&event.public_id(), &show_id);
    let free_seats = scope.partner.free_seats_allowed;
    // Both at once: the availability is a small document, usually cached.
    let (paint_env, paint_event, paint_show, paint_key, now) =
        (env.clone(), event.clone(), show_id.clone(), key.clone(), scope.now);
    let painting = serve(scope, DocumentKind::Layout, &key, move || async move {
        painted_from_layout(&paint_env, &paint_event, &paint_show, &paint_key, now).await
    });
    let (painted, availability) =
        futures_util::future::join(painting, availability_now(scope, env, &event, &show_id, free_seats)).await;
    let mut painted = painted?;
    let headers = painted.response.headers_mut();
    // The headers change with every sale: a browser revalidates each time
    // (a 304 carries the current headers; the drawing is not sent again).
    let _ = headers.set("Cache-Control", "no-cache");
    let _ = headers.append("Vary", ticket_contract::PARTNER_KEY_HEADER);
    if let Some(availability) = availability {
        let _ = headers.set(AVAILABILITY_BITS_HEADER, &availability.seats_available);
        let _ = headers.set(AVAILABILITY_LAYOUT_VERSION_HEADER, &availability.layout_version);
        let _ = headers.set(AVAILABILITY_REVISION_HEADER, &availability.revision.to_string());
    }
    Ok(painted)
}

/// `GET …/first-frame`: the painted hall with the partner's availability
/// applied, in the widget's declarative shadow root (its stylesheet inline),
/// for a partner's server to include inside its `<ticket-widget>` element:
/// the hall is in the page's own HTML, and the loader starts the wasm at
/// once. Made per request from the cached drawing (never cached itself: the
/// availability changes with every sale); without a current availability it
/// is a 502, and the partner's page falls back to the loader's paint.
pub async fn first_frame(
    scope: &RequestScope<'_>,
    env: &Env,
    event: EventRef,
    show_id: String,
    options: FirstFrameOptions,
    origin: &str,
) -> Result<Handled, ProxyError> {
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let key = edge_cache::paint_key(&event.public_id(), &show_id);
    let painting = async {
        let entry = match fresh_copy(&key, DocumentKind::Layout, scope.now).await {
            Some(entry) => entry,
            None => painted_from_layout(env, &event, &show_id, &key, scope.now).await?,
        };
        entry.into_document().await.ok_or(ProxyError::Internal)
    };
    let free_seats = scope.partner.free_seats_allowed;
    let (painted, availability, stylesheet) = futures_util::future::join3(
        painting,
        availability_now(scope, env, &event, &show_id, free_seats),
        widget_stylesheet(env, origin),
    )
    .await;
    let painted = painted?.body;
    let availability = availability.ok_or(ProxyError::UpstreamUnavailable)?;
    let seats_available = ticket_paint::painted_seat_count(&painted, &availability.layout_version)
        .and_then(|count| ticket_contract::availability_bits::decode(&availability.seats_available, count))
        // The drawing and the availability of two layout versions (a change
        // under way): the loader's own paint will wait for a matching pair.
        .ok_or(ProxyError::UpstreamUnavailable)?;
    let heading = if options.russian { "Выберите места" } else { "Choose your seats" };
    let text = FrameText { stylesheet: &stylesheet?, heading, dark: options.dark };
    let body = ticket_paint::first_frame(&painted, &seats_available, &text).ok_or(ProxyError::Internal)?;
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "text/html; charset=utf-8");
    let _ = headers.set("Cache-Control", "no-cache");
    let _ = headers.set("Vary", ticket_contract::PARTNER_KEY_HEADER);
    let _ = headers.set(AVAILABILITY_REVISION_HEADER, &availability.revision.to_string());
    let response = Response::builder().with_headers(headers).fixed(body.into_bytes());
    Ok(Handled { response, cache_status: None })
}

thread_local! {
    /// The widget's stylesheet as this deployment serves it (an isolate runs
    /// one deployment: read once).
    static STYLESHEET: std::cell::RefCell<Option<std::rc::Rc<str>>> = const { std::cell::RefCell::new(None) };
}

/// `widget.css` from the static assets, for a first frame to carry inline.
async fn widget_stylesheet(env: &Env, origin: &str) -> Result<std::rc::Rc<str>, ProxyError> {
    if let Some(stylesheet) = STYLESHEET.with(|kept| kept.borrow().clone()) {
        return Ok(stylesheet);
    }
    let assets = env.assets(super::assets::ASSETS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let mut response = assets.fetch(format!("{origin}/widget.css"), None).await.map_err(|_| ProxyError::Internal)?;
    if response.status_code() != 200 {
        return Err(ProxyError::Misconfigured);
    }
    let stylesheet: std::rc::Rc<str> = response.text().await.map_err(|_| ProxyError::Internal)?.into();
    STYLESHEET.with(|kept| *kept.borrow_mut() = Some(stylesheet.clone()));
    Ok(stylesheet)
}

/// The headers of a painted hall that carry the partner's availability
/// (`Availability::seats_available`, `layout_version`, `revision`); absent
/// when it could not be read just now (the loader then reads the document).
pub const AVAILABILITY_BITS_HEADER: &str = "Availability-Bits";
pub const AVAILABILITY_LAYOUT_VERSION_HEADER: &str = "Availability-Layout-Version";
pub const AVAILABILITY_REVISION_HEADER: &str = "Availability-Revision";

/// The partner's availability as the availability route would serve it: this
/// data centre's copy while fresh, or while it may still be served stale (the
/// owner is then asked again in the background, as the route does), else the
/// owner's; `None` on any failure.
async fn availability_now(
    scope: &RequestScope<'_>,
    env: &Env,
    event: &EventRef,
    show_id: &str,
    free_seats: bool,
) -> Option<Availability> {
    let key = key_of(DocumentKind::Availability, event, show_id, free_seats);
    let cached = edge_cache::lookup(&key).await.and_then(|entry| {
        match judge_until(entry.meta.stored_at, scope.now, DocumentKind::Availability, entry.meta.valid_until) {
            Freshness::Fresh => Some(entry),
            Freshness::StaleRevalidate if entry.meta.complete => {
                let (env, event, show_id) = (env.clone(), event.clone(), show_id.to_owned());
                let refresh_key = key.clone();
                scope.context.wait_until(async move {
                    if let Err(error) =
                        from_owner(&env, DocumentKind::Availability, &event, &show_id, free_seats, &refresh_key).await
                    {
                        // As the availability route logs its own background refresh.
                        worker::console_warn!(
                            "{}",
                            serde_json::json!({"event": "background_refresh_failed", "error": error.code()})
                        );
                    }
                });
                Some(entry)
            }
            _ => None,
        }
    });
    let entry = match cached {
        Some(entry) => entry,
        None => from_owner(env, DocumentKind::Availability, event, show_id, free_seats, &key).await.ok()?,
    };
    let document = entry.into_document().await?;
    serde_json::from_str(&document.body).ok()
}

/// This data centre's copy under `key` while it is fresh.
async fn fresh_copy(key: &str, kind: DocumentKind, now: i64) -> Option<CachedEntry> {
    edge_cache::lookup(key)
        .await
        .filter(|entry| judge_until(entry.meta.stored_at, now, kind, entry.meta.valid_until) == Freshness::Fresh)
}

/// Draws the hall from its layout (this data centre's copy while it is
/// fresh, else the owner's) and keeps the drawing in this data centre.
async fn painted_from_layout(env: &Env, event: &EventRef, show_id: &str, key: &str, now: i64) -> Result<CachedEntry, ProxyError> {
    let layout_key = key_of(DocumentKind::Layout, event, show_id, false);
    let entry = match fresh_copy(&layout_key, DocumentKind::Layout, now).await {
        Some(entry) => entry,
        None => from_owner(env, DocumentKind::Layout, event, show_id, false, &layout_key).await?,
    };
    let CachedMeta { stored_at, complete, valid_until, .. } = entry.meta.clone();
    let document = entry.into_document().await.ok_or(ProxyError::Internal)?;
    let layout: Layout = serde_json::from_str(&document.body).map_err(|_| ProxyError::Internal)?;
    let body = ticket_paint::painted_hall(&layout);
    let etag = etag_for(body.as_bytes());
    let headers = Headers::new();
    let _ = headers.set("Content-Type", PAINT_CONTENT_TYPE);
    let response = Response::builder().with_headers(headers).fixed(body.into_bytes());
    let mut painted = CachedEntry { meta: CachedMeta { etag, stored_at, complete, valid_until }, response };
    edge_cache::write_entry(key, DocumentKind::Layout, &mut painted).await;
    Ok(painted)
}

/// The painted hall is one `<svg>` element.
const PAINT_CONTENT_TYPE: &str = "image/svg+xml; charset=utf-8";

fn key_of(kind: DocumentKind, event: &EventRef, show_id: &str, free_seats: bool) -> String {
    if kind == DocumentKind::Layout {
        edge_cache::hall_document_keys(&event.public_id(), show_id).0
    } else {
        edge_cache::availability_key(&event.public_id(), show_id, free_seats)
    }
}

async fn serve_hall_document(
    scope: &RequestScope<'_>,
    env: &Env,
    event: EventRef,
    show_id: String,
    kind: DocumentKind,
) -> Result<Handled, ProxyError> {
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let free_seats = scope.partner.free_seats_allowed;
    let key = key_of(kind, &event, &show_id, free_seats);
    let env = env.clone();
    serve(scope, kind, &key.clone(), move || async move { from_owner(&env, kind, &event, &show_id, free_seats, &key).await })
        .await
}

/// Asks the show's owner for a document and keeps it in this data centre.
async fn from_owner(
    env: &Env,
    kind: DocumentKind,
    event: &EventRef,
    show_id: &str,
    free_seats: bool,
    key: &str,
) -> Result<CachedEntry, ProxyError> {
    let mut entry = show_object::document(env, kind, event, show_id, free_seats).await?;
    edge_cache::write_entry(key, kind, &mut entry).await;
    Ok(entry)
}

/// The hall's layout and current availability for validating a hold: the
/// layout from the edge cache when there, the availability from the show's
/// owner (it knows every hold made through the proxy a moment ago), as the
/// partner sees it (`free_seats`: with places priced 0 on sale).
pub async fn current_hall(
    env: &Env,
    event: &EventRef,
    show_id: &str,
    free_seats: bool,
) -> Result<(Layout, Option<Availability>), ProxyError> {
    let layout_key = key_of(DocumentKind::Layout, event, show_id, false);
    // Not a copy whose prices have ended: a hold is priced from it.
    let now = crate::handlers::unix_now();
    let cached = match edge_cache::lookup(&layout_key).await {
        Some(entry) if entry.meta.valid_until.is_none_or(|until| now < until) => entry.into_document().await,
        _ => None,
    };
    let cached = cached.and_then(|document| serde_json::from_str::<Layout>(&document.body).ok());
    let layout = match cached {
        Some(layout) => layout,
        None => {
            let entry = from_owner(env, DocumentKind::Layout, event, show_id, false, &layout_key).await?;
            let document = entry.into_document().await.ok_or(ProxyError::Internal)?;
            serde_json::from_str(&document.body).map_err(|_| ProxyError::Internal)?
        }
    };
    let availability = match show_object::document(env, DocumentKind::Availability, event, show_id, free_seats).await {
        Ok(entry) => entry.into_document().await.and_then(|document| serde_json::from_str::<Availability>(&document.body).ok()),
        Err(_) => None,
    };
    Ok((layout, availability))
}

/// `GET …/live`: the show's live feed. The Worker has checked the partner
/// key (`?partner=`), the page's origin and the budget; here the allowlist
/// and that it is a WebSocket upgrade, then the show's object takes it.
pub async fn live(
    scope: &RequestScope<'_>,
    env: &Env,
    request: &Request,
    event: EventRef,
    show_id: String,
    client: &str,
) -> Result<Handled, ProxyError> {
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let upgrade = request.headers().get("Upgrade").ok().flatten().unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(ProxyError::UpgradeRequired);
    }
    // Feeds are counted per client without naming it: a hash of key and address.
    let client_tag = format!("c{}", fnv1a_64_hex(format!("{}|{client}", scope.partner.public_key).as_bytes()));
    let response = show_object::open_live_feed(env, &event, &show_id, &client_tag, scope.partner.free_seats_allowed).await?;
    Ok(Handled { response, cache_status: None })
}
