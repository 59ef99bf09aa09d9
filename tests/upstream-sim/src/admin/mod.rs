//! The test-only control surface under `/_sim/`: reset the seeded data, read a
//! summary of the inventory (`state_summary`), read or clear the upstream
//! request log, inject or clear faults, sell seats behind the proxy's back
//! (`sell`), move the simulated clock (`clock_control`), set processing
//! times (`processing_time_control`), and set how the TicketsCloud listing is
//! served, copy an event or change prices on a schedule
//! (`ticketscloud_control`), and TicketsCloud's barcode delay and refund
//! timing (`ticketscloud_behaviour`). Admin requests are never logged and
//! never faulted.
//!
//! Errors here are `{"error": "..."}` with a 4xx status; this is our API, not
//! an imitation of a provider's.

mod behaviour_control;
mod clock_control;
mod processing_time_control;
mod sell;
mod state_summary;
mod ticketscloud_behaviour;
mod ticketscloud_control;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::faults::{FaultRequest, FaultRule};
use crate::state::{lock, SharedSimState};

pub fn router(shared: SharedSimState) -> Router {
    Router::new()
        .route("/reset", post(reset))
        .route("/state", get(state_summary::state_summary))
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/faults", get(list_faults).post(add_fault).delete(clear_faults))
        .route("/sell", post(sell::sell))
        .route("/clock", get(clock_control::read_clock).post(clock_control::advance_clock))
        .route("/behaviour", get(behaviour_control::read_behaviour).post(behaviour_control::set_behaviour))
        .route(
            "/latency",
            get(processing_time_control::read_processing_times).post(processing_time_control::set_processing_times),
        )
        .route("/ticketscloud/listing", get(ticketscloud_control::read_listing).post(ticketscloud_control::set_listing))
        .route("/ticketscloud/events", post(ticketscloud_control::copy_event))
        .route("/ticketscloud/price_change", post(ticketscloud_control::change_prices))
        .route(
            "/ticketscloud/barcodes",
            get(ticketscloud_behaviour::read_barcode_delay).post(ticketscloud_behaviour::set_barcode_delay),
        )
        .route(
            "/ticketscloud/refunds",
            get(ticketscloud_behaviour::read_refund_timing).post(ticketscloud_behaviour::set_refund_timing),
        )
        .with_state(shared)
}

#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    fn new(status: StatusCode, message: impl Into<String>) -> AdminError {
        AdminError { status, message: message.into() }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

fn parse_json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, AdminError> {
    serde_json::from_slice(body).map_err(|error| AdminError::new(StatusCode::BAD_REQUEST, format!("invalid JSON body: {error}")))
}

/// Seeded data back, faults, log and busy orders cleared, clock offset 0,
/// default processing times and behaviours.
async fn reset(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    lock(&shared).reset_to_seed();
    Json(json!({ "reset": true }))
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
async fn add_fault(State(shared): State<SharedSimState>, body: Bytes) -> Result<Response, AdminError> {
    let request: FaultRequest = parse_json_body(&body)?;
    let rule = FaultRule::from_request(&request).map_err(|message| AdminError::new(StatusCode::BAD_REQUEST, message))?;
    let mut state = lock(&shared);
    state.faults.add(rule);
    Ok(Json(state.faults.views()).into_response())
}

async fn clear_faults(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    lock(&shared).faults.clear();
    Json(json!({ "cleared": true }))
}
