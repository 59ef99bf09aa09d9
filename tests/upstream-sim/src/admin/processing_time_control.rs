//! `GET /_sim/latency` and `POST /_sim/latency {"ticketscloud.order_patch": ms}`:
//! how long the simulator spends processing a TicketsCloud order PATCH (the
//! window in which a second PATCH for the same order gets `409 Conflict`).
//! Real milliseconds; see [`crate::processing_times`].

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use super::{parse_json_body, AdminError};
use crate::state::{lock, SharedSimState};

pub async fn read_processing_times(State(shared): State<SharedSimState>) -> Json<BTreeMap<&'static str, u64>> {
    Json(lock(&shared).processing_times.view())
}

/// Sets the times given and answers with all of them.
pub async fn set_processing_times(
    State(shared): State<SharedSimState>,
    body: Bytes,
) -> Result<Json<BTreeMap<&'static str, u64>>, AdminError> {
    let request: BTreeMap<String, Value> = parse_json_body(&body)?;
    let mut state = lock(&shared);
    state.processing_times.apply_admin_request(&request).map_err(|message| AdminError::new(StatusCode::BAD_REQUEST, message))?;
    Ok(Json(state.processing_times.view()))
}
