//! `GET /_sim/clock` and `POST /_sim/clock {"advance_seconds": N}`: read and
//! move the simulated clock that every reservation deadline is measured
//! against. Advancing releases whatever has come due at once, so the next
//! read of any route already shows it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_json_body, AdminError};
use crate::state::{lock, SharedSimState, SimState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceClockRequest {
    advance_seconds: i64,
}

pub async fn read_clock(State(shared): State<SharedSimState>) -> Json<Value> {
    Json(clock_view(&lock(&shared)))
}

/// The clock only moves forward: a negative step is refused, because a
/// deadline that has passed (and released its seats) cannot un-pass.
pub async fn advance_clock(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let request: AdvanceClockRequest = parse_json_body(&body)?;
    let seconds = u64::try_from(request.advance_seconds).map_err(|_| {
        AdminError::new(StatusCode::BAD_REQUEST, "advance_seconds must not be negative: the clock only moves forward")
    })?;
    let mut state = lock(&shared);
    state.clock.advance(seconds);
    state.release_everything_due();
    Ok(Json(clock_view(&state)))
}

fn clock_view(state: &SimState) -> Value {
    json!({
        "now": state.clock.now().to_rfc3339_utc(),
        "offset_seconds": state.clock.offset_seconds(),
    })
}
