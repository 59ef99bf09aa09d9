//! HTTP glue for `tickets/add/{event_id}/{show_id?}` and
//! `tickets/remove/{event_id}/{show_id?}`: gather the parameters from
//! wherever the client put them, parse, run the ticket logic under the state
//! lock at the simulated `now`, and answer in the document's shape — success
//! with the event header and `result`, or the HTTP 200 error envelope.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::inventory::{last_update_hash, ShowLookupError};
use super::request_parameters::RequestParameters;
use super::ticket_requests::{parse_ticket_reference, parse_tickets_add_request};
use super::tickets::{add_or_update_ticket, remove_ticket, resolve_show, ShowAddress, TicketError, TicketReference};
use super::{error_response, json_response, wire, QticketsErrorCode};
use crate::state::{lock, SharedSimState, SimState};

pub async fn tickets_add(
    State(shared): State<SharedSimState>,
    Path(path): Path<HashMap<String, String>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&shared);
    let outcome = (|| {
        let parameters = collect_parameters(&uri, &headers, &body)?;
        let show = resolve_path_show(&state, &path)?;
        let request = parse_tickets_add_request(&parameters, state.clock.now()).map_err(TicketError::Validation)?;
        let ticket_id = add_or_update_ticket(&mut state.qtickets, show, &request)?;
        Ok((show, ticket_id))
    })();
    match outcome {
        Ok((show, ticket_id)) => {
            let ticket = &state.qtickets.tickets[&ticket_id];
            success_response(&state, show, wire::ticket_result(ticket))
        }
        Err(error) => ticket_error_response(&error),
    }
}

pub async fn tickets_remove(
    State(shared): State<SharedSimState>,
    Path(path): Path<HashMap<String, String>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&shared);
    let outcome = (|| {
        let parameters = collect_parameters(&uri, &headers, &body)?;
        let show = resolve_path_show(&state, &path)?;
        let reference = parse_ticket_reference(&parameters).map_err(TicketError::Validation)?;
        remove_ticket(&mut state.qtickets, show, &reference)?;
        Ok(show)
    })();
    match outcome {
        Ok(show) => success_response(&state, show, true),
        Err(error) => ticket_error_response(&error),
    }
}

fn collect_parameters(uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Result<RequestParameters, TicketError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    RequestParameters::collect(uri.query(), content_type, body).map_err(TicketError::Validation)
}

/// `{event_id}` and the optional `{show_id}` from the path; ids that are not
/// numbers name no event.
fn resolve_path_show(state: &SimState, path: &HashMap<String, String>) -> Result<ShowAddress, TicketError> {
    let not_found = || TicketError::Show(ShowLookupError::EventNotFound);
    let event_id = path.get("event_id").and_then(|text| text.parse::<u64>().ok()).ok_or_else(not_found)?;
    let show_id = match path.get("show_id") {
        None => None,
        Some(text) => Some(text.parse::<u64>().map_err(|_| not_found())?),
    };
    resolve_show(&state.qtickets, event_id, show_id)
}

fn success_response(state: &SimState, show: ShowAddress, result: impl serde::Serialize) -> Response {
    let (event, show) = state.qtickets.find_show(show.event_id, Some(show.show_id)).expect("a resolved show exists");
    let hash = last_update_hash(event.event_id, show);
    json_response(&wire::ticket_operation_response(event, show, hash, result))
}

fn ticket_error_response(error: &TicketError) -> Response {
    match error {
        TicketError::Show(ShowLookupError::EventNotFound) => error_response(QticketsErrorCode::EventNotFound, "Event not found"),
        TicketError::Show(ShowLookupError::ShowIdRequired) => {
            error_response(QticketsErrorCode::ValidationError, "The event has more than one show: show_id is required")
        }
        // The one message the document quotes (l.432–436).
        TicketError::SeatNotAvailable { seat_id } => {
            error_response(QticketsErrorCode::SeatNotAvailable, &format!("Seat \"{seat_id}\" is not available"))
        }
        TicketError::SeatNotFound { seat_id } => {
            error_response(QticketsErrorCode::SeatNotFound, &format!("Seat \"{seat_id}\" not found"))
        }
        TicketError::TicketNotFound { reference: TicketReference::TicketId(ticket_id) } => {
            error_response(QticketsErrorCode::TicketNotFound, &format!("Ticket \"{ticket_id}\" not found"))
        }
        TicketError::TicketNotFound { reference: TicketReference::ExternalId(external_id) } => {
            error_response(QticketsErrorCode::TicketNotFound, &format!("Ticket with external_id \"{external_id}\" not found"))
        }
        TicketError::Validation(message) => error_response(QticketsErrorCode::ValidationError, message),
    }
}
