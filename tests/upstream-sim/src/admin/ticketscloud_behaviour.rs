//! TicketsCloud's behaviour after payment, for tests:
//!
//! - `GET|POST /_sim/ticketscloud/barcodes {"delay_seconds": N}`: how long
//!   after `done` an order's barcodes appear (simulated seconds; 0, the
//!   default, at once). The document shows a done order whose tickets still
//!   have `barcode: null` (l.606–632); with a delay, the order answers, the
//!   orders list and `GET …/orders/:id` all show `null` until the simulated
//!   clock reaches `done_at + N`.
//! - `GET|POST /_sim/ticketscloud/refunds {"new_seconds": A,
//!   "approved_seconds": B}`: a refund nobody decides is `new` for A
//!   seconds, `in_progress` until B, then `approved` (defaults 60 and 120).
//!
//! `POST /_sim/reset` puts both back to their defaults.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_json_body, AdminError};
use crate::state::{lock, SharedSimState};
use crate::ticketscloud::refunds::RefundTiming;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BarcodeDelay {
    delay_seconds: i64,
}

pub async fn read_refund_timing(State(shared): State<SharedSimState>) -> Json<RefundTiming> {
    Json(lock(&shared).ticketscloud.refund_timing)
}

pub async fn set_refund_timing(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<RefundTiming>, AdminError> {
    let timing: RefundTiming = parse_json_body(&body)?;
    if timing.new_seconds < 0 || timing.approved_seconds < timing.new_seconds {
        return Err(AdminError::new(StatusCode::BAD_REQUEST, "0 <= new_seconds <= approved_seconds"));
    }
    lock(&shared).ticketscloud.refund_timing = timing;
    Ok(Json(timing))
}

pub async fn read_barcode_delay(State(shared): State<SharedSimState>) -> Json<Value> {
    Json(json!({"delay_seconds": lock(&shared).ticketscloud.barcode_delay_seconds}))
}

pub async fn set_barcode_delay(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let request: BarcodeDelay = parse_json_body(&body)?;
    if !(0..=7 * 24 * 3600).contains(&request.delay_seconds) {
        return Err(AdminError::new(StatusCode::BAD_REQUEST, "delay_seconds must be from 0 to 604800"));
    }
    let mut state = lock(&shared);
    state.ticketscloud.barcode_delay_seconds = request.delay_seconds;
    Ok(Json(json!({"delay_seconds": request.delay_seconds})))
}
