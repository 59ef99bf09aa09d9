//! The QTickets Partners API (`qtickets-partners-api.md`), mounted under
//! `/qtickets`: `events/lists`, `events/seats/{event_id}/{show_id?}`,
//! `tickets/add/{event_id}/{show_id?}` and `tickets/remove/{event_id}/{show_id?}`.
//! GET and POST answer identically, as the document says, and every error —
//! including a wrong key — is HTTP 200 with `{"status":"error","code":...}`.
//!
//! `inventory` holds the state, `tickets` the ticket lifecycle,
//! `request_parameters` and `ticket_requests` read what clients send,
//! `ticket_handlers` is the tickets routes' HTTP glue and `wire` the JSON
//! shapes; this file routes and serves the read-only routes.

pub mod inventory;
pub mod request_parameters;
pub mod ticket_handlers;
pub mod ticket_requests;
pub mod tickets;
pub mod wire;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::gate::guarded;
use crate::state::{lock, SharedSimState, UpstreamRoute};
use inventory::{last_update_hash, ShowLookupError};

pub fn router(shared: SharedSimState) -> Router {
    let events_lists = get(events_lists).post(events_lists);
    let seats_of_single_show_event = get(seats_of_single_show_event).post(seats_of_single_show_event);
    let seats_of_show = get(seats_of_show).post(seats_of_show);
    let tickets_add = || get(ticket_handlers::tickets_add).post(ticket_handlers::tickets_add);
    let tickets_remove = || get(ticket_handlers::tickets_remove).post(ticket_handlers::tickets_remove);
    Router::new()
        .route("/api/partners/v1/events/lists", guarded(&shared, UpstreamRoute::QticketsEventsLists, events_lists))
        .route(
            "/api/partners/v1/events/seats/{event_id}",
            guarded(&shared, UpstreamRoute::QticketsSeats, seats_of_single_show_event),
        )
        .route(
            "/api/partners/v1/events/seats/{event_id}/{show_id}",
            guarded(&shared, UpstreamRoute::QticketsSeats, seats_of_show),
        )
        .route("/api/partners/v1/tickets/add/{event_id}", guarded(&shared, UpstreamRoute::QticketsTicketsAdd, tickets_add()))
        .route(
            "/api/partners/v1/tickets/add/{event_id}/{show_id}",
            guarded(&shared, UpstreamRoute::QticketsTicketsAdd, tickets_add()),
        )
        .route(
            "/api/partners/v1/tickets/remove/{event_id}",
            guarded(&shared, UpstreamRoute::QticketsTicketsRemove, tickets_remove()),
        )
        .route(
            "/api/partners/v1/tickets/remove/{event_id}/{show_id}",
            guarded(&shared, UpstreamRoute::QticketsTicketsRemove, tickets_remove()),
        )
        .with_state(shared)
}

/// The documented error codes (l.478–486) the simulator answers with.
/// `UNKNOWN_ERROR` only appears in the 503 of the `unavailable` fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QticketsErrorCode {
    WrongAuthorization,
    EventNotFound,
    SeatNotFound,
    SeatNotAvailable,
    TicketNotFound,
    ValidationError,
}

impl QticketsErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            QticketsErrorCode::WrongAuthorization => "WRONG_AUTHORIZATION",
            QticketsErrorCode::EventNotFound => "EVENT_NOT_FOUND",
            QticketsErrorCode::SeatNotFound => "SEAT_NOT_FOUND",
            QticketsErrorCode::SeatNotAvailable => "SEAT_NOT_AVAILABLE",
            QticketsErrorCode::TicketNotFound => "TICKET_NOT_FOUND",
            QticketsErrorCode::ValidationError => "VALIDATION_ERROR",
        }
    }
}

/// HTTP 200 with the error envelope — the real service does not use HTTP
/// status codes for API errors.
pub fn error_response(code: QticketsErrorCode, message: &str) -> Response {
    json_response(&wire::ErrorBody { status: "error", code: code.code(), message })
}

/// Exactly the body the document gives for a wrong or missing key.
pub fn wrong_authorization_response() -> Response {
    error_response(QticketsErrorCode::WrongAuthorization, "Wrong authorization")
}

pub(crate) fn json_response(body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

async fn events_lists(State(shared): State<SharedSimState>) -> Response {
    let state = lock(&shared);
    let mut rows = Vec::new();
    for event in &state.qtickets.events {
        for (position, show) in event.shows.iter().enumerate() {
            let hash = last_update_hash(event.event_id, show);
            rows.push(wire::events_list_row(event, show, position == 0, hash));
        }
    }
    json_response(&wire::SuccessEnvelope::new(rows))
}

async fn seats_of_single_show_event(State(shared): State<SharedSimState>, Path(event_id): Path<String>) -> Response {
    seats(&shared, &event_id, None)
}

async fn seats_of_show(State(shared): State<SharedSimState>, Path((event_id, show_id)): Path<(String, String)>) -> Response {
    seats(&shared, &event_id, Some(&show_id))
}

fn seats(shared: &SharedSimState, event_id_text: &str, show_id_text: Option<&str>) -> Response {
    let not_found = || error_response(QticketsErrorCode::EventNotFound, "Event not found");
    let Ok(event_id) = event_id_text.parse::<u64>() else {
        return not_found();
    };
    let show_id = match show_id_text.map(str::parse::<u64>) {
        None => None,
        Some(Ok(show_id)) => Some(show_id),
        Some(Err(_)) => return not_found(),
    };
    let state = lock(shared);
    match state.qtickets.find_show(event_id, show_id) {
        Ok((event, show)) => {
            let hash = last_update_hash(event.event_id, show);
            json_response(&wire::seats_response(event, show, hash))
        }
        Err(ShowLookupError::EventNotFound) => not_found(),
        Err(ShowLookupError::ShowIdRequired) => {
            error_response(QticketsErrorCode::ValidationError, "The event has more than one show: show_id is required")
        }
    }
}
