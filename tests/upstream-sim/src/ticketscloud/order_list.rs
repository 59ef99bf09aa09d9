//! `GET /v2/resources/orders` (document l.2640–2800): the distributor's
//! orders, filtered and paged. The proxy reads it to find an order whose
//! create answer was lost, by the hold id it wrote into `vendor_data.order_id`.
//!
//! Query parameters, as documented:
//!
//! - `events`, `status`: lists, comma-separated or repeated. An unknown
//!   status is refused (400), like the v1 tickets listing's.
//! - `created_at`: `from,to` in ISO 8601 (`2000-07-28T13:00:00`); either
//!   side may be empty. The document's example has no offset; the simulator
//!   reads such times as UTC (and accepts an explicit offset).
//! - `only_with_customer`: `true`/`1` keeps orders with buyer details only.
//! - `page` (from 1, default 1) and `page_size` (1–200, default 50).
//!
//! The answer is `{"data": [orders], "pagination": {"page", "page_size",
//! "total"}, "refs": {...}}`, each order exactly as `GET /v2/resources/orders/{id}`
//! writes it, oldest first (the document does not say; the simulator's choice).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::orders::{OrderStatus, TicketscloudOrder};
use super::{bad_request, list_parameter, order_wire, single_parameter};
use crate::calendar::{parse_iso8601_with_offset, UnixTimestamp};
use crate::state::{lock, SharedSimState};

/// The document's default and maximum page sizes (l.2661).
pub const DEFAULT_ORDER_PAGE_SIZE: usize = 50;
pub const LARGEST_ORDER_PAGE_SIZE: usize = 200;

/// What the query asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderFilter {
    pub events: Vec<String>,
    pub statuses: Vec<OrderStatus>,
    pub created_from: Option<UnixTimestamp>,
    pub created_to: Option<UnixTimestamp>,
    pub only_with_customer: bool,
    pub page: usize,
    pub page_size: usize,
}

impl OrderFilter {
    pub fn parse(query: &[(String, String)]) -> Result<OrderFilter, String> {
        let mut filter = OrderFilter {
            events: list_parameter(query, "events").into_iter().map(str::to_owned).collect(),
            page: 1,
            page_size: DEFAULT_ORDER_PAGE_SIZE,
            ..OrderFilter::default()
        };
        for text in list_parameter(query, "status") {
            let status =
                [OrderStatus::Executed, OrderStatus::InProgress, OrderStatus::Done, OrderStatus::Cancelled, OrderStatus::Expired]
                    .into_iter()
                    .find(|status| status.as_str() == text)
                    .ok_or_else(|| {
                        format!("Unknown order status {text}; expected executed, in_progress, done, cancelled or expired")
                    })?;
            filter.statuses.push(status);
        }
        if let Some(range) = single_parameter(query, "created_at") {
            let (from, to) = range.split_once(',').unwrap_or((range, ""));
            filter.created_from = parse_bound(from)?;
            filter.created_to = parse_bound(to)?;
        }
        if let Some(flag) = single_parameter(query, "only_with_customer") {
            filter.only_with_customer = match flag.trim() {
                "true" | "1" => true,
                "false" | "0" | "" => false,
                other => return Err(format!("only_with_customer must be true or false, not {other}")),
            };
        }
        let positive = |name: &str| -> Result<Option<usize>, String> {
            single_parameter(query, name)
                .map(|text| {
                    text.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|value| *value > 0)
                        .ok_or(format!("{name} must be a positive integer"))
                })
                .transpose()
        };
        if let Some(page) = positive("page")? {
            filter.page = page;
        }
        if let Some(page_size) = positive("page_size")? {
            if page_size > LARGEST_ORDER_PAGE_SIZE {
                return Err(format!("page_size must be at most {LARGEST_ORDER_PAGE_SIZE}"));
            }
            filter.page_size = page_size;
        }
        Ok(filter)
    }

    pub fn matches(&self, order: &TicketscloudOrder) -> bool {
        (self.events.is_empty() || self.events.contains(&order.event_id))
            && (self.statuses.is_empty() || self.statuses.contains(&order.status))
            && self.created_from.is_none_or(|from| order.created_at.0 >= from.0)
            && self.created_to.is_none_or(|to| order.created_at.0 <= to.0)
            && (!self.only_with_customer || order.customer.is_some())
    }
}

/// One side of `created_at`: empty, or an ISO datetime (UTC unless it says otherwise).
fn parse_bound(text: &str) -> Result<Option<UnixTimestamp>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let has_offset = text.len() > 19 && text[19..].contains(['Z', 'z', '+', '-']);
    let with_offset = if has_offset { text.to_owned() } else { format!("{text}Z") };
    parse_iso8601_with_offset(&with_offset)
        .map(Some)
        .map_err(|_| format!("created_at: `{text}` is not a date like 2000-07-28T13:00:00"))
}

pub async fn list(State(shared): State<SharedSimState>, Query(query): Query<Vec<(String, String)>>) -> Response {
    let filter = match OrderFilter::parse(&query) {
        Ok(filter) => filter,
        Err(message) => return bad_request(message),
    };
    let state = lock(&shared);
    let mut orders: Vec<&TicketscloudOrder> = state.ticketscloud.orders.values().filter(|order| filter.matches(order)).collect();
    orders.sort_by_key(|order| order.number);
    let total = orders.len();
    let start = (filter.page - 1).saturating_mul(filter.page_size).min(total);
    let end = start.saturating_add(filter.page_size).min(total);
    let mut data = Vec::new();
    let mut refs = Map::new();
    for order in &orders[start..end] {
        let Some(event) = state.ticketscloud.find_event(&order.event_id) else { continue };
        let envelope = order_wire::order_envelope(order, event);
        merge_refs(&mut refs, &envelope["refs"]);
        data.push(envelope["data"].clone());
    }
    Json(json!({
        "data": data,
        "pagination": {"page": filter.page, "page_size": filter.page_size, "total": total},
        "refs": refs,
    }))
    .into_response()
}

/// `refs` of several orders in one: each kind (`events`, `sets`, …) keyed by id.
fn merge_refs(into: &mut Map<String, Value>, refs: &Value) {
    let Some(kinds) = refs.as_object() else { return };
    for (kind, entries) in kinds {
        let target = into.entry(kind.clone()).or_insert_with(|| json!({}));
        if let (Some(target), Some(entries)) = (target.as_object_mut(), entries.as_object()) {
            for (id, entry) in entries {
                target.insert(id.clone(), entry.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    }

    #[test]
    fn filters_read_the_documented_parameters() {
        let filter = OrderFilter::parse(&query(&[
            ("status", "done,cancelled"),
            ("created_at", "2000-07-28T13:00:00,2020-07-28T13:00:00"),
            ("events", "a"),
            ("events", "b"),
            ("page", "2"),
            ("page_size", "200"),
        ]))
        .unwrap();
        assert_eq!(filter.statuses, [OrderStatus::Done, OrderStatus::Cancelled]);
        assert_eq!(filter.events, ["a", "b"]);
        assert_eq!(filter.created_from, Some(UnixTimestamp(964_789_200)));
        assert_eq!(filter.created_to, Some(UnixTimestamp(1_595_941_200)));
        assert_eq!((filter.page, filter.page_size), (2, 200));
        let defaults = OrderFilter::parse(&[]).unwrap();
        assert_eq!((defaults.page, defaults.page_size, defaults.only_with_customer), (1, 50, false));
        let open_ended = OrderFilter::parse(&query(&[("created_at", ",2020-07-28T16:00:00+03:00")])).unwrap();
        assert_eq!((open_ended.created_from, open_ended.created_to), (None, Some(UnixTimestamp(1_595_941_200))));
    }

    #[test]
    fn bad_parameters_are_named() {
        let cases = [
            (("status", "paid"), "Unknown order status paid"),
            (("page_size", "201"), "page_size must be at most 200"),
            (("page", "0"), "page must be a positive integer"),
            (("created_at", "yesterday,"), "created_at: `yesterday`"),
            (("only_with_customer", "maybe"), "only_with_customer must be true or false"),
        ];
        for ((name, value), expected) in cases {
            let error = OrderFilter::parse(&query(&[(name, value)])).unwrap_err();
            assert!(error.starts_with(expected), "{name}={value}: {error}");
        }
    }
}
