//! `POST /_sim/sell`: sells seats or tickets behind the proxy's back, the way
//! another sales channel would, so tests can check that the proxy notices
//! (cache invalidation, `last_update_hash`, a hold refused for a seat that
//! looked free).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::{parse_json_body, AdminError};
use crate::qtickets::inventory::{sell_seats, SellSeatError, ShowLookupError};
use crate::state::{lock, SharedSimState};
use crate::ticketscloud::inventory::{sell_from_set, sell_tickets, SellTicketError};

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

pub async fn sell(State(shared): State<SharedSimState>, body: Bytes) -> Result<Response, AdminError> {
    let request: SellRequest = parse_json_body(&body)?;
    let mut state = lock(&shared);
    match request {
        SellRequest::Qtickets { event_id, show_id, seat_ids } => {
            if seat_ids.is_empty() {
                return Err(AdminError::new(StatusCode::BAD_REQUEST, "seat_ids must not be empty"));
            }
            let hash = sell_seats(&mut state.qtickets, event_id, show_id, &seat_ids).map_err(|error| match error {
                SellSeatError::Show(ShowLookupError::EventNotFound) => {
                    AdminError::new(StatusCode::NOT_FOUND, format!("no QTickets show {event_id}/{show_id:?}"))
                }
                SellSeatError::Show(ShowLookupError::ShowIdRequired) => {
                    AdminError::new(StatusCode::BAD_REQUEST, format!("event {event_id} has several shows: give show_id"))
                }
                SellSeatError::SeatNotFound(seat_id) => {
                    AdminError::new(StatusCode::NOT_FOUND, format!("no seat {seat_id} in this show"))
                }
                SellSeatError::SeatNotAvailable(seat_id) => {
                    AdminError::new(StatusCode::CONFLICT, format!("seat {seat_id} is not available"))
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
        SellRequest::Ticketscloud { event_id, ticket_ids, set_id, quantity } => {
            let sold = match (ticket_ids.is_empty(), set_id) {
                (false, None) => sell_tickets(&mut state.ticketscloud, &event_id, &ticket_ids),
                (true, Some(set_id)) => sell_from_set(&mut state.ticketscloud, &event_id, &set_id, quantity.unwrap_or(1)),
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
                SellTicketError::TicketNotFound(id) => {
                    AdminError::new(StatusCode::NOT_FOUND, format!("no ticket {id} in this event"))
                }
                SellTicketError::SetNotFound(id) => AdminError::new(StatusCode::NOT_FOUND, format!("no set {id} in this event")),
                SellTicketError::TicketNotVacant(id) => {
                    AdminError::new(StatusCode::CONFLICT, format!("ticket {id} is not vacant"))
                }
                SellTicketError::NotEnoughVacant { set_id, requested, vacant } => AdminError::new(
                    StatusCode::CONFLICT,
                    format!("set {set_id} has {vacant} vacant tickets, {requested} requested"),
                ),
            })?;
            let vacant_left =
                state.ticketscloud.find_event(&event_id).map(|event| event.tickets_by_status()["vacant"]).unwrap_or(0);
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
