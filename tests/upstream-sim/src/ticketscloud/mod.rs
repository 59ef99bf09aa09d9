//! The TicketsCloud distributor API (`ticketscloud-distributor-api.txt`),
//! mounted under `/ticketscloud`: the v1 listings `GET /v1/services/simple/events`
//! (a plain JSON array as in the example, or the normalised form the prose
//! describes; paged by `page` / `page_size`, at most the configured
//! `max_page_size` per page whatever is asked; prices by the rule in force
//! at the simulated clock) and
//! `GET /v1/resources/events/{id}/tickets` (seated tickets, filtered by
//! comma-separated `status` and `sector` lists), and the v2 orders
//! `POST` and `GET /v2/resources/orders` (create; the filtered list),
//! `GET` and `PATCH /v2/resources/orders/{id}`, and
//! `POST /v2/services/promocodes/check` (promo codes: `promocodes`).
//! Errors are HTTP 400 with `{"errors": [...]}`, the document's error format.
//!
//! `inventory` holds the state and `wire` the v1 JSON shapes; orders are
//! `orders` (life cycle), `order_reservation` (`tickets` / `random`),
//! `order_request` (request bodies), `order_wire` (answers) and
//! `order_handlers` (HTTP glue). This file routes and serves the v1 listings.

pub mod inventory;
pub mod order_handlers;
pub mod order_list;
pub mod order_request;
pub mod order_reservation;
pub mod order_wire;
pub mod orders;
pub mod promocodes;
pub mod refunds;
pub mod wire;

use std::ops::Range;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::json;

use crate::gate::guarded;
use crate::state::{lock, SharedSimState, UpstreamRoute};
use inventory::TicketStatus;

/// Page size used when `page` is given without `page_size`. The document
/// does not say; this is the simulator's choice.
pub const DEFAULT_PAGE_SIZE: usize = 20;

pub fn router(shared: SharedSimState) -> Router {
    Router::new()
        .route("/v1/services/simple/events", guarded(&shared, UpstreamRoute::TicketscloudEvents, get(simple_events)))
        .route(
            "/v1/resources/events/{event_id}/tickets",
            guarded(&shared, UpstreamRoute::TicketscloudTickets, get(event_tickets)),
        )
        .route(
            "/v2/resources/orders",
            guarded(&shared, UpstreamRoute::TicketscloudOrdersList, get(order_list::list)).merge(guarded(
                &shared,
                UpstreamRoute::TicketscloudOrdersCreate,
                post(order_handlers::create),
            )),
        )
        .route(
            "/v2/services/promocodes/check",
            guarded(&shared, UpstreamRoute::TicketscloudPromocodesCheck, post(order_handlers::check_promocode)),
        )
        .route(
            "/v2/resources/orders/{order_id}",
            guarded(&shared, UpstreamRoute::TicketscloudOrdersGet, get(order_handlers::get)).merge(guarded(
                &shared,
                UpstreamRoute::TicketscloudOrdersPatch,
                patch(order_handlers::patch),
            )),
        )
        .route(
            "/v2/resources/refund_requests",
            guarded(&shared, UpstreamRoute::TicketscloudRefundsList, get(refunds::list)).merge(guarded(
                &shared,
                UpstreamRoute::TicketscloudRefundsCreate,
                post(refunds::create),
            )),
        )
        .route(
            "/v2/resources/refund_requests/{refund_id}",
            guarded(&shared, UpstreamRoute::TicketscloudRefundsPatch, patch(refunds::patch)),
        )
        .with_state(shared)
}

/// HTTP 400 `{"errors": [message]}`, the format the document gives for errors.
pub fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "errors": [message] }))).into_response()
}

/// The document does not show what a wrong key gets. We answer
/// `401 {"errors": ["Unauthorized"]}`: the HTTP status RFC 7235 (which the
/// document cites for the header) gives a failed credential, in the
/// document's error-list format.
pub fn unauthorized_response() -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({ "errors": ["Unauthorized"] }))).into_response()
}

/// All values of a query parameter, whether repeated (`a=1&a=2`) or
/// comma-separated (`a=1,2`, the document's form), without empty items.
pub(crate) fn list_parameter<'a>(query: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(key, _)| key == name)
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

pub(crate) fn single_parameter<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// Which slice of `total` events a `page` / `page_size` pair selects. Pages
/// count from 1: `page=2&page_size=3` is items 4..=6 (indexes 3..6);
/// `page_size` alone is the first page; neither means everything. A server
/// cap (`max_page_size`) makes pages smaller than asked, numbered by the
/// size served.
pub fn page_window(
    total: usize,
    page: Option<&str>,
    page_size: Option<&str>,
    max_page_size: Option<usize>,
) -> Result<Range<usize>, String> {
    fn positive(name: &str, text: &str) -> Result<usize, String> {
        match text.trim().parse::<usize>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(format!("{name} must be a positive integer")),
        }
    }
    let page = page.map(|text| positive("page", text)).transpose()?;
    let page_size = page_size.map(|text| positive("page_size", text)).transpose()?;
    if page.is_none() && page_size.is_none() {
        return Ok(0..total);
    }
    let page = page.unwrap_or(1);
    let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE).min(max_page_size.unwrap_or(usize::MAX));
    let start = page.saturating_sub(1).saturating_mul(page_size).min(total);
    let end = start.saturating_add(page_size).min(total);
    Ok(start..end)
}

async fn simple_events(State(shared): State<SharedSimState>, Query(query): Query<Vec<(String, String)>>) -> Response {
    let state = lock(&shared);
    let events = &state.ticketscloud.events;
    let listing = state.ticketscloud_listing;
    let (page, page_size) = (single_parameter(&query, "page"), single_parameter(&query, "page_size"));
    let window = match page_window(events.len(), page, page_size, listing.max_page_size) {
        Ok(window) => window,
        Err(message) => return bad_request(message),
    };
    Json(wire::events_page(&events[window], state.clock.now(), listing.form)).into_response()
}

async fn event_tickets(
    State(shared): State<SharedSimState>,
    Path(event_id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let mut wanted_statuses = Vec::new();
    for text in list_parameter(&query, "status") {
        match TicketStatus::parse(text) {
            Some(status) => wanted_statuses.push(status),
            None => return bad_request(format!("Unknown ticket status {text}; expected vacant, reserved, sold or pending")),
        }
    }
    if wanted_statuses.is_empty() {
        // The document: "by default, tickets in every status except pending".
        wanted_statuses = vec![TicketStatus::Vacant, TicketStatus::Reserved, TicketStatus::Sold];
    }
    let wanted_sectors = list_parameter(&query, "sector");

    let state = lock(&shared);
    let Some(event) = state.ticketscloud.find_event(&event_id) else {
        return bad_request(format!("Event {event_id} not found"));
    };
    let tickets: Vec<wire::TicketWire<'_>> = event
        .tickets
        .iter()
        .filter(|ticket| wanted_statuses.contains(&ticket.status))
        .filter(|ticket| match &ticket.seat {
            Some(seat) => wanted_sectors.is_empty() || wanted_sectors.contains(&seat.sector_id.as_str()),
            None => false,
        })
        .filter_map(wire::seated_ticket)
        .collect();
    Json(tickets).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (events in total, page, page_size, server cap, expected window or error)
    type PageCase = (usize, Option<&'static str>, Option<&'static str>, Option<usize>, Result<Range<usize>, &'static str>);

    #[test]
    fn pages_count_from_one_as_documented() {
        let cases: &[PageCase] = &[
            (10, None, None, None, Ok(0..10)),
            (10, Some("2"), Some("3"), None, Ok(3..6)),
            (10, None, Some("3"), None, Ok(0..3)),
            (10, Some("4"), Some("3"), None, Ok(9..10)),
            (10, Some("5"), Some("3"), None, Ok(10..10)),
            (30, Some("2"), None, None, Ok(20..30)),
            // A cap: pages of the size served, whatever was asked.
            (10, Some("2"), Some("100"), Some(1), Ok(1..2)),
            (10, Some("11"), Some("100"), Some(1), Ok(10..10)),
            (10, Some("2"), Some("3"), Some(5), Ok(3..6)),
            (10, Some("0"), Some("3"), None, Err("page must be a positive integer")),
            (10, Some("1"), Some("x"), None, Err("page_size must be a positive integer")),
            (10, Some("-1"), None, None, Err("page must be a positive integer")),
        ];
        for (total, page, page_size, cap, expected) in cases {
            let expected = expected.clone().map_err(str::to_owned);
            assert_eq!(
                page_window(*total, *page, *page_size, *cap),
                expected,
                "page {page:?} page_size {page_size:?} cap {cap:?}"
            );
        }
    }

    #[test]
    fn list_parameters_accept_commas_and_repeats() {
        let query: Vec<(String, String)> = [("status", "vacant,reserved"), ("status", "sold"), ("sector", ""), ("x", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(list_parameter(&query, "status"), ["vacant", "reserved", "sold"]);
        assert!(list_parameter(&query, "sector").is_empty());
    }
}
