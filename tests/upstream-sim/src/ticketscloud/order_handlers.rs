//! HTTP glue for `POST /v2/resources/orders`, `GET /v2/resources/orders/:id`
//! and `PATCH /v2/resources/orders/:id` (and the promo-code check,
//! `POST /v2/services/promocodes/check`), including the document's rule that
//! changes to one order must be sequential: "В случае получения запроса до
//! конца обработки предыдущего, будет возвращена ошибка 409 Conflict"
//! (l.513–520, again l.2047–2054).
//!
//! So a PATCH takes time here: the order is marked busy, the handler waits
//! the configured processing time (`POST /_sim/latency`, real time), then
//! applies the change and clears the mark. A PATCH that arrives for a busy
//! order gets `409 {"errors": ["Conflict"]}` at once — the body is our guess,
//! the document gives only the status — and changes nothing. Other orders
//! are never blocked. The busy mark is cleared by a drop guard, so a client
//! that hangs up mid-PATCH does not leave its order locked forever.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::order_request::{parse_json_object, parse_order_change, parse_order_create};
use super::order_wire::order_envelope;
use super::orders::{change_order, create_order, OrderError};
use super::promocodes;
use crate::state::{lock, SharedSimState, SimState};

pub async fn create(State(shared): State<SharedSimState>, body: Bytes) -> Response {
    let request = match parse_json_object(&body).and_then(|body| parse_order_create(&body)) {
        Ok(request) => request,
        Err(errors) => return errors_response(StatusCode::BAD_REQUEST, errors),
    };
    let mut state = lock(&shared);
    let now = state.clock.now();
    match create_order(&mut state.ticketscloud, &request, now) {
        Ok(order_id) => order_response(&state, &order_id),
        Err(error) => order_error_response(error),
    }
}

pub async fn get(State(shared): State<SharedSimState>, Path(order_id): Path<String>) -> Response {
    let state = lock(&shared);
    order_response(&state, &order_id)
}

pub async fn patch(State(shared): State<SharedSimState>, Path(order_id): Path<String>, body: Bytes) -> Response {
    let processing_time = {
        let mut state = lock(&shared);
        if !state.ticketscloud.orders.contains_key(&order_id) {
            return order_error_response(OrderError::OrderNotFound(order_id));
        }
        if !state.ticketscloud_orders_being_patched.insert(order_id.clone()) {
            return errors_response(StatusCode::CONFLICT, vec!["Conflict".to_owned()]);
        }
        state.processing_times.ticketscloud_order_patch
    };
    let busy_mark = OrderBusyMark { shared: shared.clone(), order_id: order_id.clone() };
    if !processing_time.is_zero() {
        tokio::time::sleep(processing_time).await;
    }
    let response = {
        let change = parse_json_object(&body).and_then(|body| parse_order_change(&body));
        let mut state = lock(&shared);
        match change {
            Err(errors) => errors_response(StatusCode::BAD_REQUEST, errors),
            Ok(change) => {
                let now = state.clock.now();
                match change_order(&mut state.ticketscloud, &order_id, &change, now) {
                    Ok(()) => order_response(&state, &order_id),
                    Err(error) => order_error_response(error),
                }
            }
        }
    };
    drop(busy_mark);
    response
}

/// While alive, the order is being patched; dropping it (normally, or because
/// the request future was dropped) frees the order for the next PATCH.
struct OrderBusyMark {
    shared: SharedSimState,
    order_id: String,
}

impl Drop for OrderBusyMark {
    fn drop(&mut self) {
        lock(&self.shared).ticketscloud_orders_being_patched.remove(&self.order_id);
    }
}

fn order_response(state: &SimState, order_id: &str) -> Response {
    let Some(order) = state.ticketscloud.orders.get(order_id) else {
        return order_error_response(OrderError::OrderNotFound(order_id.to_owned()));
    };
    match state.ticketscloud.find_event(&order.event_id) {
        Some(event) => Json(order_envelope(order, event)).into_response(),
        None => errors_response(StatusCode::BAD_REQUEST, vec![format!("Event {} not found", order.event_id)]),
    }
}

/// 404 for an unknown order, in the document's error-list format with the
/// wording of its refund errors (`Order <order_id> not found`, l.1795); 400
/// for everything refused.
fn order_error_response(error: OrderError) -> Response {
    match error {
        OrderError::OrderNotFound(order_id) => {
            errors_response(StatusCode::NOT_FOUND, vec![format!("Order {order_id} not found")])
        }
        OrderError::Rejected(errors) => errors_response(StatusCode::BAD_REQUEST, errors),
    }
}

/// `POST /v2/services/promocodes/check` `{"event", "code"}` (l.2500–2660):
/// the code's terms, or `400 {"error": "HTTPBadRequest", "reason": …}`.
pub async fn check_promocode(State(shared): State<SharedSimState>, body: Bytes) -> Response {
    let refusal =
        |reason: String| (StatusCode::BAD_REQUEST, Json(json!({"error": "HTTPBadRequest", "reason": reason}))).into_response();
    let body = match parse_json_object(&body) {
        Ok(body) => body,
        Err(errors) => return refusal(errors.join("; ")),
    };
    let text = |name: &str| body.get(name).and_then(|value| value.as_str()).map(str::to_owned);
    let (Some(event_id), Some(code)) = (text("event"), text("code")) else {
        return refusal("event and code are required".to_owned());
    };
    let state = lock(&shared);
    let Some(event) = state.ticketscloud.find_event(&event_id) else {
        return refusal(format!("Event {event_id} not found"));
    };
    match promocodes::check(&state.ticketscloud.promocodes, event, &code, state.clock.now()) {
        Ok(answer) => Json(answer).into_response(),
        Err(reason) => refusal(reason),
    }
}

fn errors_response(status: StatusCode, errors: Vec<String>) -> Response {
    (status, Json(json!({ "errors": errors }))).into_response()
}
