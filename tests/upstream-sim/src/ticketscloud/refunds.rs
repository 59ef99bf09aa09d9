//! TicketsCloud refund requests (document l.1600–1960, l.2845–2935):
//! `POST /v2/resources/refund_requests` asks for a refund of tickets of a
//! paid order, `GET` lists them (filtered and paged like the orders list),
//! `PATCH …/:refund_id` approves or rejects one.
//!
//! - Create takes `order`, `culprit` (`user` | `org`), `tickets` (ids from
//!   the order) and an optional `requested_at`. It is refused with the
//!   document's messages: `<field> is required`, `culprit Value '<value>' not
//!   in list of avaiable values ['user', 'org']` (sic), `tickets list length
//!   is less than 1`, `Order <id> not found`, `wrong order (id: <id>) status:
//!   <status>` (not `done`), `bad tickets` (not from the order), `Some tickets
//!   already use in another refund request` (another refund of the order
//!   that is not rejected holds one), `Operation failed: event already start`. All
//!   refusals are HTTP 400 `{"errors": [...]}`; nothing is written.
//! - The answer is `{"data": refund, "refs": {"events", "orders"}}` with the
//!   refund object's documented fields (`id`, `status`, `culprit`,
//!   `created_at`, `finished_at`, `requested_at`, `refund_nominal`, `delta`,
//!   `event`, `org`, `order`, `policy`, `tickets`, `vendor`).
//! - **Progress.** Nobody processes refunds in the simulator, so it does it
//!   by the simulated clock: `new` for [`REFUND_NEW_SECONDS`], then
//!   `in_progress`, then `approved` [`REFUND_APPROVED_SECONDS`] after it
//!   was asked for (both settable: `POST /_sim/ticketscloud/refunds`); an
//!   approved refund's tickets go back on sale. A `PATCH`
//!   (`approved` | `rejected`) decides at once and stops the clock's say;
//!   a final refund refuses it (`RefundRequest in wrong status <status> for
//!   approve`, `Failed to reject refund request <id>`).
//! - The list takes `events`, `status` (`new`, `in_progress`, `approved`,
//!   `rejected`), `created_at=from,to` (as the orders list reads it),
//!   `page` (from 1) and `page_size` (1–200, default 50), oldest first, and
//!   answers `{"data": [...], "pagination": {...}, "refs": {...}}`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::inventory::{TicketStatus, TicketscloudInventory};
use super::order_list::{DEFAULT_ORDER_PAGE_SIZE, LARGEST_ORDER_PAGE_SIZE};
use super::order_request::parse_json_object;
use super::order_wire::order_envelope;
use super::orders::OrderStatus;
use super::{bad_request, list_parameter, single_parameter};
use crate::calendar::{parse_iso8601_with_offset, UnixTimestamp};
use crate::money::Kopecks;
use crate::state::{lock, SharedSimState};

/// How long a refund stays `new` on the simulated clock.
pub const REFUND_NEW_SECONDS: i64 = 60;
/// When a refund nobody decided is `approved`, after it was asked for.
pub const REFUND_APPROVED_SECONDS: i64 = 120;

/// How long a refund nobody decides is `new`, and when it is `approved`
/// (simulated seconds after it was asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundTiming {
    pub new_seconds: i64,
    pub approved_seconds: i64,
}

impl Default for RefundTiming {
    fn default() -> RefundTiming {
        RefundTiming { new_seconds: REFUND_NEW_SECONDS, approved_seconds: REFUND_APPROVED_SECONDS }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    New,
    InProgress,
    Approved,
    Rejected,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::New => "new",
            RefundStatus::InProgress => "in_progress",
            RefundStatus::Approved => "approved",
            RefundStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Option<RefundStatus> {
        [RefundStatus::New, RefundStatus::InProgress, RefundStatus::Approved, RefundStatus::Rejected]
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    fn is_final(self) -> bool {
        matches!(self, RefundStatus::Approved | RefundStatus::Rejected)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// 24-hex ObjectId.
    pub id: String,
    pub number: u64,
    pub order_id: String,
    pub event_id: String,
    pub culprit: String,
    pub ticket_ids: Vec<String>,
    pub status: RefundStatus,
    pub created_at: UnixTimestamp,
    pub requested_at: UnixTimestamp,
    pub finished_at: Option<UnixTimestamp>,
    /// A PATCH decided it: the clock no longer moves it.
    pub decided: bool,
    pub refund_nominal: Kopecks,
}

/// The id of the refund with this number: a 24-hex ObjectId.
pub fn refund_id_for_number(number: u64) -> String {
    format!("5dfa1fa4{number:016x}")
}

/// What a create asks for, read from its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCreateRequest {
    pub order_id: String,
    pub culprit: String,
    pub ticket_ids: Vec<String>,
    pub requested_at: Option<UnixTimestamp>,
}

/// Reads a create body, collecting every problem in the document's words.
pub fn parse_refund_create(body: &Map<String, Value>) -> Result<RefundCreateRequest, Vec<String>> {
    let mut errors = Vec::new();
    let text = |name: &str, errors: &mut Vec<String>| match body.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        None | Some(Value::Null) => {
            errors.push(format!("{name} is required"));
            None
        }
        Some(_) => {
            errors.push(format!("{name}: value is not a string"));
            None
        }
    };
    let order_id = text("order", &mut errors);
    let culprit = text("culprit", &mut errors);
    if let Some(culprit) = &culprit {
        if culprit != "user" && culprit != "org" {
            errors.push(format!("culprit Value '{culprit}' not in list of avaiable values ['user', 'org']"));
        }
    }
    let ticket_ids = match body.get("tickets") {
        None | Some(Value::Null) => {
            errors.push("tickets is required".to_owned());
            Vec::new()
        }
        Some(Value::Array(entries)) => {
            let ids: Vec<String> = entries.iter().filter_map(|entry| entry.as_str().map(str::to_owned)).collect();
            if ids.len() != entries.len() {
                errors.push("tickets: value is not a list of ids".to_owned());
            } else if ids.is_empty() {
                errors.push("tickets list length is less than 1".to_owned());
            }
            ids
        }
        Some(_) => {
            errors.push("tickets: value is not a list".to_owned());
            Vec::new()
        }
    };
    let requested_at = match body.get("requested_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => match parse_naive_or_offset(text) {
            Ok(instant) => Some(instant),
            Err(_) => {
                errors.push("requested_at: value should be an ISO datetime".to_owned());
                None
            }
        },
        Some(_) => {
            errors.push("requested_at: value should be an ISO datetime".to_owned());
            None
        }
    };
    for key in body.keys() {
        if !matches!(key.as_str(), "order" | "culprit" | "tickets" | "requested_at") {
            errors.push(format!("{key}: unknown field"));
        }
    }
    match (order_id, culprit, errors.is_empty()) {
        (Some(order_id), Some(culprit), true) => Ok(RefundCreateRequest { order_id, culprit, ticket_ids, requested_at }),
        _ => Err(errors),
    }
}

/// `2019-12-15T13:01:02` (UTC, as the list filters read it) or with an offset.
fn parse_naive_or_offset(text: &str) -> Result<UnixTimestamp, String> {
    let text = text.trim();
    let has_offset = text.len() > 19 && text[19..].contains(['Z', 'z', '+', '-']);
    let with_offset = if has_offset { text.to_owned() } else { format!("{}Z", text.replace(' ', "T")) };
    parse_iso8601_with_offset(&with_offset)
}

/// Creates a refund request, or says why not (nothing written then).
pub fn create_refund(
    inventory: &mut TicketscloudInventory,
    request: &RefundCreateRequest,
    now: UnixTimestamp,
) -> Result<String, Vec<String>> {
    let refuse = |message: String| Err(vec![message]);
    let Some(order) = inventory.orders.get(&request.order_id) else {
        return refuse(format!("Order {} not found", request.order_id));
    };
    if order.status != OrderStatus::Done {
        return refuse(format!("wrong order (id: {}) status: {}", order.id, order.status.as_str()));
    }
    if request.ticket_ids.iter().any(|ticket_id| !order.ticket_ids.contains(ticket_id)) {
        return refuse("bad tickets".to_owned());
    }
    // A refunded ticket goes back on sale and may be sold again: only this
    // order's refunds can hold it.
    let taken = inventory.refund_requests.values().any(|refund| {
        refund.order_id == request.order_id
            && refund.status != RefundStatus::Rejected
            && refund.ticket_ids.iter().any(|ticket_id| request.ticket_ids.contains(ticket_id))
    });
    if taken {
        return refuse("Some tickets already use in another refund request".to_owned());
    }
    let Some(event) = inventory.find_event(&order.event_id) else {
        return refuse(format!("Event {} not found", order.event_id));
    };
    let starts = parse_iso8601_with_offset(&ical_basic_to_iso(&event.lifetime_start_utc)).unwrap_or(UnixTimestamp(i64::MAX));
    if now.0 >= starts.0 {
        return refuse("Operation failed: event already start".to_owned());
    }
    let refund_nominal = request
        .ticket_ids
        .iter()
        .filter_map(|ticket_id| event.find_ticket(ticket_id).and_then(|ticket| event.find_set(&ticket.set_id)))
        .fold(Kopecks(0), |sum, set| sum + set.price_org + set.price_extra);
    let (order_id, event_id) = (order.id.clone(), order.event_id.clone());
    let number = inventory.next_refund_number;
    inventory.next_refund_number += 1;
    let id = refund_id_for_number(number);
    let refund = RefundRequest {
        id: id.clone(),
        number,
        order_id,
        event_id,
        culprit: request.culprit.clone(),
        ticket_ids: request.ticket_ids.clone(),
        status: RefundStatus::New,
        created_at: now,
        requested_at: request.requested_at.unwrap_or(now),
        finished_at: None,
        decided: false,
        refund_nominal,
    };
    inventory.refund_requests.insert(id.clone(), refund);
    Ok(id)
}

/// `20270415T160000Z` → `2027-04-15T16:00:00Z`.
fn ical_basic_to_iso(basic: &str) -> String {
    if basic.len() < 15 {
        return String::new();
    }
    format!("{}-{}-{}T{}:{}:{}Z", &basic[0..4], &basic[4..6], &basic[6..8], &basic[9..11], &basic[11..13], &basic[13..15])
}

/// Moves every refund nobody decided along the simulated clock, and puts
/// the tickets of the refunds it approves back on sale.
pub fn advance_refunds(inventory: &mut TicketscloudInventory, now: UnixTimestamp) {
    let timing = inventory.refund_timing;
    let mut approved = Vec::new();
    for refund in inventory.refund_requests.values_mut() {
        if refund.decided || refund.status.is_final() {
            continue;
        }
        let age = now.0 - refund.created_at.0;
        if age >= timing.approved_seconds {
            refund.status = RefundStatus::Approved;
            refund.finished_at = Some(refund.created_at.plus_seconds(timing.approved_seconds));
            approved.push(refund.id.clone());
        } else if age >= timing.new_seconds {
            refund.status = RefundStatus::InProgress;
        }
    }
    for refund_id in approved {
        return_tickets(inventory, &refund_id);
    }
}

/// An approved refund's tickets are void: back on sale.
fn return_tickets(inventory: &mut TicketscloudInventory, refund_id: &str) {
    let Some(refund) = inventory.refund_requests.get(refund_id).cloned() else { return };
    if let Some(event) = inventory.find_event_mut(&refund.event_id) {
        for ticket_id in &refund.ticket_ids {
            if let Some(ticket) = event.find_ticket_mut(ticket_id) {
                ticket.status = TicketStatus::Vacant;
                ticket.order_id = None;
                ticket.reserved_till = None;
            }
        }
    }
}

/// `PATCH` with `status: approved | rejected`.
pub fn decide_refund(
    inventory: &mut TicketscloudInventory,
    refund_id: &str,
    status: &str,
    now: UnixTimestamp,
) -> Result<(), (u16, Vec<String>)> {
    let Some(refund) = inventory.refund_requests.get_mut(refund_id) else {
        return Err((404, vec![format!("RefundRequest {refund_id} not found")]));
    };
    let wanted = match status {
        "approved" => RefundStatus::Approved,
        "rejected" => RefundStatus::Rejected,
        other => return Err((400, vec![format!("Incorrect status {other} for this operation")])),
    };
    if refund.status.is_final() {
        let message = match wanted {
            RefundStatus::Approved => format!("RefundRequest in wrong status {} for approve", refund.status.as_str()),
            _ => format!("Failed to reject refund request {refund_id}"),
        };
        return Err((400, vec![message]));
    }
    refund.status = wanted;
    refund.decided = true;
    refund.finished_at = Some(now);
    if wanted == RefundStatus::Approved {
        return_tickets(inventory, refund_id);
    }
    Ok(())
}

/// The refund object (l.1618–1637) as the simulator writes it.
pub fn refund_object(refund: &RefundRequest, inventory: &TicketscloudInventory) -> Value {
    let event = inventory.find_event(&refund.event_id);
    let money = refund.refund_nominal.to_money_string();
    json!({
        "created_at": refund.created_at.to_ticketscloud_order_datetime(),
        "culprit": refund.culprit,
        "customer_money": money,
        "delta": money,
        "event": refund.event_id,
        "finished_at": refund.finished_at.map(UnixTimestamp::to_ticketscloud_order_datetime),
        "id": refund.id,
        "order": refund.order_id,
        "org": event.map(|event| event.org["id"].clone()).unwrap_or(Value::Null),
        "policy": "general",
        "refund_nominal": money,
        "requested_at": refund.requested_at.to_ticketscloud_order_datetime(),
        "status": refund.status.as_str(),
        "tickets": refund.ticket_ids,
        "vendor": event.map(|event| event.partner["id"].clone()).unwrap_or(Value::Null),
    })
}

/// `refs` for refunds: their events and orders (l.1680–1770).
fn refunds_refs<'a>(refunds: impl Iterator<Item = &'a RefundRequest>, inventory: &TicketscloudInventory) -> Value {
    let mut events = Map::new();
    let mut orders = Map::new();
    for refund in refunds {
        let (Some(order), Some(event)) = (inventory.orders.get(&refund.order_id), inventory.find_event(&refund.event_id)) else {
            continue;
        };
        let envelope = order_envelope(order, event);
        orders.insert(order.id.clone(), envelope["data"].clone());
        if let Some(entries) = envelope["refs"]["events"].as_object() {
            events.extend(entries.clone());
        }
    }
    json!({"events": events, "orders": orders})
}

pub async fn create(State(shared): State<SharedSimState>, body: Bytes) -> Response {
    let request = match parse_json_object(&body).and_then(|body| parse_refund_create(&body)) {
        Ok(request) => request,
        Err(errors) => return errors_response(400, errors),
    };
    let mut state = lock(&shared);
    let now = state.clock.now();
    match create_refund(&mut state.ticketscloud, &request, now) {
        Ok(refund_id) => refund_response(&state.ticketscloud, &refund_id),
        Err(errors) => errors_response(400, errors),
    }
}

pub async fn patch(State(shared): State<SharedSimState>, Path(refund_id): Path<String>, body: Bytes) -> Response {
    let body = match parse_json_object(&body) {
        Ok(body) => body,
        Err(errors) => return errors_response(400, errors),
    };
    let Some(status) = body.get("status").and_then(Value::as_str) else {
        return errors_response(400, vec!["status is required".to_owned()]);
    };
    let mut state = lock(&shared);
    let now = state.clock.now();
    match decide_refund(&mut state.ticketscloud, &refund_id, status, now) {
        Ok(()) => refund_response(&state.ticketscloud, &refund_id),
        Err((status, errors)) => errors_response(status, errors),
    }
}

pub async fn list(State(shared): State<SharedSimState>, Query(query): Query<Vec<(String, String)>>) -> Response {
    let mut statuses = Vec::new();
    for text in list_parameter(&query, "status") {
        match RefundStatus::parse(text) {
            Some(status) => statuses.push(status),
            None => return bad_request(format!("Unknown refund status {text}; expected new, in_progress, approved or rejected")),
        }
    }
    let events = list_parameter(&query, "events");
    let (created_from, created_to) = match single_parameter(&query, "created_at").map(parse_range).transpose() {
        Ok(range) => range.unwrap_or((None, None)),
        Err(message) => return bad_request(message),
    };
    let positive = |name: &str, default: usize, largest: usize| -> Result<usize, String> {
        match single_parameter(&query, name) {
            None => Ok(default),
            Some(text) => match text.trim().parse::<usize>() {
                Ok(value) if value > 0 && value <= largest => Ok(value),
                _ => Err(format!("{name} must be a whole number from 1 to {largest}")),
            },
        }
    };
    let (page, page_size) =
        match (positive("page", 1, usize::MAX), positive("page_size", DEFAULT_ORDER_PAGE_SIZE, LARGEST_ORDER_PAGE_SIZE)) {
            (Ok(page), Ok(page_size)) => (page, page_size),
            (Err(message), _) | (_, Err(message)) => return bad_request(message),
        };
    let state = lock(&shared);
    let mut refunds: Vec<&RefundRequest> = state
        .ticketscloud
        .refund_requests
        .values()
        .filter(|refund| events.is_empty() || events.contains(&refund.event_id.as_str()))
        .filter(|refund| statuses.is_empty() || statuses.contains(&refund.status))
        .filter(|refund| created_from.is_none_or(|from: UnixTimestamp| refund.created_at.0 >= from.0))
        .filter(|refund| created_to.is_none_or(|to: UnixTimestamp| refund.created_at.0 <= to.0))
        .collect();
    refunds.sort_by_key(|refund| refund.number);
    let total = refunds.len();
    let start = (page - 1).saturating_mul(page_size).min(total);
    let end = start.saturating_add(page_size).min(total);
    let shown = &refunds[start..end];
    Json(json!({
        "data": shown.iter().map(|refund| refund_object(refund, &state.ticketscloud)).collect::<Vec<_>>(),
        "pagination": {"page": page, "page_size": page_size, "total": total},
        "refs": refunds_refs(shown.iter().copied(), &state.ticketscloud),
    }))
    .into_response()
}

/// `from,to`, either side empty; no offset means UTC.
fn parse_range(range: &str) -> Result<(Option<UnixTimestamp>, Option<UnixTimestamp>), String> {
    let (from, to) = range.split_once(',').unwrap_or((range, ""));
    let bound = |text: &str| -> Result<Option<UnixTimestamp>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        parse_naive_or_offset(text).map(Some).map_err(|_| format!("created_at: `{text}` is not a date like 2000-07-28T13:00:00"))
    };
    Ok((bound(from)?, bound(to)?))
}

fn refund_response(inventory: &TicketscloudInventory, refund_id: &str) -> Response {
    let Some(refund) = inventory.refund_requests.get(refund_id) else {
        return errors_response(404, vec![format!("RefundRequest {refund_id} not found")]);
    };
    Json(json!({"data": refund_object(refund, inventory), "refs": refunds_refs(std::iter::once(refund), inventory)}))
        .into_response()
}

fn errors_response(status: u16, errors: Vec<String>) -> Response {
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    (status, Json(json!({ "errors": errors }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn create_bodies_are_refused_in_the_documents_words() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({"culprit": "org", "tickets": ["a"]}), "order is required"),
            (
                json!({"order": "o", "culprit": "idunno", "tickets": ["a"]}),
                "culprit Value 'idunno' not in list of avaiable values ['user', 'org']",
            ),
            (json!({"order": "o", "culprit": "org", "tickets": []}), "tickets list length is less than 1"),
            (json!({"order": "o", "culprit": "org"}), "tickets is required"),
            (json!({"order": "o", "culprit": "org", "tickets": ["a"], "requested_at": "soon"}), "requested_at"),
        ];
        for (value, expected) in cases {
            let errors = parse_refund_create(&body(value.clone())).unwrap_err();
            assert!(errors.iter().any(|error| error.starts_with(expected)), "{value}: {errors:?}");
        }
        let read = parse_refund_create(&body(
            json!({"order": "o", "culprit": "user", "tickets": ["a"], "requested_at": "2019-12-15T13:01:02"}),
        ))
        .unwrap();
        assert_eq!(read.requested_at, Some(UnixTimestamp(1_576_414_862)));
    }

    #[test]
    fn event_starts_read_from_the_calendar_form() {
        assert_eq!(ical_basic_to_iso("20270415T160000Z"), "2027-04-15T16:00:00Z");
    }
}
