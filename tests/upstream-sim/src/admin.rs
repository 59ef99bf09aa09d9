//! The test-only control surface under `/_sim/`: reset the seeded data, read a
//! summary of the inventory, read or clear the upstream request log, inject or
//! clear faults, and sell seats behind the proxy's back (to exercise cache
//! invalidation). Admin requests are never logged and never faulted.
//!
//! Errors here are `{"error": "..."}` with a 4xx status; this is our API, not
//! an imitation of a provider's.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::{FaultRequest, FaultRule};
use crate::qtickets::inventory::{
    count_numbered_seats, last_update_hash, sell_seats, SeatInventory, SellSeatError,
    ShowLookupError, ShowSeatCounts,
};
use crate::state::{lock, SharedSimState};
use crate::ticketscloud::inventory::{sell_from_set, sell_tickets, SellTicketError, SetCounts};

pub fn router(shared: SharedSimState) -> Router {
    Router::new()
        .route("/reset", post(reset))
        .route("/state", get(state_summary))
        .route("/requests", get(list_requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/sell", post(sell))
        .with_state(shared)
}

#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    fn new(status: StatusCode, message: impl Into<String>) -> AdminError {
        AdminError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

fn parse_json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, AdminError> {
    serde_json::from_slice(body).map_err(|error| {
        AdminError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid JSON body: {error}"),
        )
    })
}

async fn reset(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    lock(&shared).reset_to_seed();
    Json(json!({ "reset": true }))
}

#[derive(Debug, Serialize)]
struct QticketsShowSummary {
    event_id: u64,
    show_id: u64,
    event_name: String,
    #[serde(flatten)]
    seat_counts: ShowSeatCounts,
    admission: Vec<AdmissionSummary>,
    last_update_hash: String,
}

#[derive(Debug, Serialize)]
struct AdmissionSummary {
    seat_id: String,
    free_quantity: u32,
}

#[derive(Debug, Serialize)]
struct TicketscloudEventSummary {
    event_id: String,
    title: String,
    tickets_by_status: std::collections::BTreeMap<&'static str, usize>,
    sets: Vec<TicketSetSummary>,
}

#[derive(Debug, Serialize)]
struct TicketSetSummary {
    set_id: String,
    name: String,
    with_seats: bool,
    sector: Option<String>,
    #[serde(flatten)]
    counts: SetCounts,
}

async fn state_summary(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    let state = lock(&shared);
    let mut qtickets = Vec::new();
    for event in &state.qtickets.events {
        for show in &event.shows {
            let admission = event
                .hall
                .zones
                .iter()
                .flat_map(|zone| &zone.seats)
                .filter_map(|seat| match show.seat_inventory[seat.inventory_index] {
                    SeatInventory::Admission { free_quantity } => Some(AdmissionSummary {
                        seat_id: seat.seat_id.clone(),
                        free_quantity,
                    }),
                    SeatInventory::Numbered(_) => None,
                })
                .collect();
            qtickets.push(QticketsShowSummary {
                event_id: event.event_id,
                show_id: show.show_id,
                event_name: event.event_name.clone(),
                seat_counts: count_numbered_seats(show),
                admission,
                last_update_hash: last_update_hash(event.event_id, show),
            });
        }
    }
    let ticketscloud: Vec<TicketscloudEventSummary> = state
        .ticketscloud
        .events
        .iter()
        .map(|event| TicketscloudEventSummary {
            event_id: event.id.clone(),
            title: event.title_text.clone(),
            tickets_by_status: event.tickets_by_status(),
            sets: event
                .sets
                .iter()
                .map(|set| TicketSetSummary {
                    set_id: set.id.clone(),
                    name: set.name.clone(),
                    with_seats: set.with_seats,
                    sector: set.sector_id.clone(),
                    counts: event.set_counts(&set.id),
                })
                .collect(),
        })
        .collect();
    Json(json!({
        "qtickets": qtickets,
        "ticketscloud": ticketscloud,
        "faults": state.faults.views(),
        "requests_logged": state.request_log.len(),
    }))
}

async fn list_requests(State(shared): State<SharedSimState>) -> Response {
    Json(lock(&shared).request_log.clone()).into_response()
}

async fn clear_requests(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    lock(&shared).request_log.clear();
    Json(json!({ "cleared": true }))
}

async fn list_faults(State(shared): State<SharedSimState>) -> Response {
    Json(lock(&shared).faults.views()).into_response()
}

/// Adds one fault and answers with all active faults.
async fn add_fault(
    State(shared): State<SharedSimState>,
    body: Bytes,
) -> Result<Response, AdminError> {
    let request: FaultRequest = parse_json_body(&body)?;
    let rule = FaultRule::from_request(&request)
        .map_err(|message| AdminError::new(StatusCode::BAD_REQUEST, message))?;
    let mut state = lock(&shared);
    state.faults.add(rule);
    Ok(Json(state.faults.views()).into_response())
}

async fn clear_faults(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    lock(&shared).faults.clear();
    Json(json!({ "cleared": true }))
}

/// The body of `POST /_sim/sell`.
///
/// QTickets: every id in `seat_ids` is sold; an admission seat id takes one
/// place from its `free_quantity` per occurrence. TicketsCloud: either
/// `ticket_ids`, or `set_id` with `quantity` (default 1) to sell the first
/// vacant tickets of a category — the way to sell general admission.
#[derive(Debug, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
enum SellRequest {
    Qtickets {
        event_id: u64,
        show_id: Option<u64>,
        seat_ids: Vec<String>,
    },
    Ticketscloud {
        event_id: String,
        #[serde(default)]
        ticket_ids: Vec<String>,
        set_id: Option<String>,
        quantity: Option<usize>,
    },
}

async fn sell(State(shared): State<SharedSimState>, body: Bytes) -> Result<Response, AdminError> {
    let request: SellRequest = parse_json_body(&body)?;
    let mut state = lock(&shared);
    match request {
        SellRequest::Qtickets {
            event_id,
            show_id,
            seat_ids,
        } => {
            if seat_ids.is_empty() {
                return Err(AdminError::new(
                    StatusCode::BAD_REQUEST,
                    "seat_ids must not be empty",
                ));
            }
            let hash =
                sell_seats(&mut state.qtickets, event_id, show_id, &seat_ids).map_err(|error| {
                    match error {
                        SellSeatError::Show(ShowLookupError::EventNotFound) => AdminError::new(
                            StatusCode::NOT_FOUND,
                            format!("no QTickets show {event_id}/{show_id:?}"),
                        ),
                        SellSeatError::Show(ShowLookupError::ShowIdRequired) => AdminError::new(
                            StatusCode::BAD_REQUEST,
                            format!("event {event_id} has several shows: give show_id"),
                        ),
                        SellSeatError::SeatNotFound(seat_id) => AdminError::new(
                            StatusCode::NOT_FOUND,
                            format!("no seat {seat_id} in this show"),
                        ),
                        SellSeatError::SeatNotAvailable(seat_id) => AdminError::new(
                            StatusCode::CONFLICT,
                            format!("seat {seat_id} is not available"),
                        ),
                    }
                })?;
            Ok(Json(json!({
                "provider": "qtickets",
                "event_id": event_id,
                "show_id": show_id,
                "sold": seat_ids,
                "last_update_hash": hash,
            }))
            .into_response())
        }
        SellRequest::Ticketscloud {
            event_id,
            ticket_ids,
            set_id,
            quantity,
        } => {
            let sold = match (ticket_ids.is_empty(), set_id) {
                (false, None) => sell_tickets(&mut state.ticketscloud, &event_id, &ticket_ids),
                (true, Some(set_id)) => sell_from_set(
                    &mut state.ticketscloud,
                    &event_id,
                    &set_id,
                    quantity.unwrap_or(1),
                ),
                _ => {
                    return Err(AdminError::new(
                        StatusCode::BAD_REQUEST,
                        "give either ticket_ids or set_id (with an optional quantity)",
                    ))
                }
            }
            .map_err(|error| match error {
                SellTicketError::EventNotFound(id) => {
                    AdminError::new(StatusCode::NOT_FOUND, format!("no TicketsCloud event {id}"))
                }
                SellTicketError::TicketNotFound(id) => AdminError::new(
                    StatusCode::NOT_FOUND,
                    format!("no ticket {id} in this event"),
                ),
                SellTicketError::SetNotFound(id) => {
                    AdminError::new(StatusCode::NOT_FOUND, format!("no set {id} in this event"))
                }
                SellTicketError::TicketNotVacant(id) => {
                    AdminError::new(StatusCode::CONFLICT, format!("ticket {id} is not vacant"))
                }
                SellTicketError::NotEnoughVacant {
                    set_id,
                    requested,
                    vacant,
                } => AdminError::new(
                    StatusCode::CONFLICT,
                    format!("set {set_id} has {vacant} vacant tickets, {requested} requested"),
                ),
            })?;
            let vacant_left = state
                .ticketscloud
                .find_event(&event_id)
                .map(|event| event.tickets_by_status()["vacant"])
                .unwrap_or(0);
            Ok(Json(json!({
                "provider": "ticketscloud",
                "event_id": event_id,
                "sold": sold,
                "tickets_amount_vacant": vacant_left,
            }))
            .into_response())
        }
    }
}
