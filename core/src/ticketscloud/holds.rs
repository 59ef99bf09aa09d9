//! TicketsCloud holds: one order per hold, changed by sending its whole
//! desired state (`ticketscloud-distributor-api.txt` l.30–950, 2040–2360).
//!
//! - **Create**: `POST /v2/resources/orders` with `event`, `all_or_nothing:
//!   true` and our hold id in `vendor_data.order_id`. Seats only → `tickets`
//!   (ticket ids are the layout's seat ids). General admission → `random`
//!   `{set_id: n}`; with seats too, the document's algorithm follows: read
//!   the ticket ids `random` reserved, then `PATCH tickets` = those ids + the
//!   seat ids. A refusal (400 naming tickets or sets) becomes
//!   `seat_unavailable`; an order that was already created is cancelled so
//!   nothing stays reserved.
//! - **Change**: the same desired state. Growing a general-admission count
//!   needs `random` first; it names the sets of the seats already held with
//!   their current counts so those seats stay in the order (the document's
//!   step 3b), then `tickets` fixes the exact seat list. Shrinking needs only
//!   `tickets` (we keep the first tickets of each set). If the change fails
//!   after `random` changed the order, a `PATCH tickets` with the old list
//!   restores it. Buyer details go to `settings.customer`.
//! - **Release / Expire**: `PATCH status: cancelled`; an order already
//!   cancelled or expired counts as released.
//! - **Confirm**: `PATCH status: done`; barcodes come from the answer's
//!   tickets. A refusal because the order is already done (an earlier confirm
//!   whose answer was lost) and an uncertain answer are resolved by reading
//!   the order through the orders list (`GET /v2/resources/orders` by event
//!   and creation time: the document has no single-order read). Tickets in a
//!   done order may still say `reserved`: payment is read from the order's
//!   status, never from ticket statuses. A done order whose barcodes are
//!   still `null` (l.606–632) is paid: the hold is `confirmed` with
//!   `tickets_pending`, and the alarm reads the barcodes later
//!   ([`super::tickets`]); nothing read afterwards turns a paid hold into an
//!   expired one.
//! - **A create whose answer was lost** (timeout, 5xx, a body cut short: the
//!   order may exist, its id unknown) is looked for in the orders list
//!   (`GET /v2/resources/orders?events=…&status=executed`, l.2640–2800),
//!   by our hold id in `vendor_data.order_id`: while the command still has
//!   time the order found is adopted (and checked like any create's
//!   answer), otherwise it is cancelled. Not found means nothing was
//!   created. A search that fails leaves a journal, so the alarm looks again.
//! - **409 Conflict**: the same request is sent once more (the Durable Object
//!   serialises our own changes, so a 409 means someone else touched the
//!   order); a second 409 is [`ProxyError::UpstreamConflict`].
//! - Our expiry is the earlier of `now + hold_seconds` and the order's
//!   `expired_after` minus [`ORDER_EXPIRY_MARGIN_SECONDS`].
//! - **Prices**: once the order holds the places of a create or change, what
//!   it says the buyer pays (each ticket's `full`, else `values.full`) must
//!   be what the items cost in the layout the buyer chose from; otherwise
//!   (a price rule ended, a price was changed) the command is undone like a
//!   refusal and answers `price_changed` ([`price_change`]).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ticket_contract::{Buyer, HoldItem, HoldState, IssuedTicket};

use crate::errors::ProxyError;
use crate::holds::journal::{is_transient, StepClass, StepId, StepIntent};
use crate::holds::record::{issued_ticket, item_id, item_places, FollowUp, HoldRecord, UpstreamHoldRefs};
use crate::holds::{view, CommandContext, Finished, HoldOperation, StepRequest};
use crate::ids::is_acceptable_item_id;
use crate::qtickets::holds::is_acceptable_barcode;
use crate::ticketscloud::check_http_status;
use crate::ticketscloud::promocodes;
use crate::ticketscloud::wire::{
    TicketscloudErrorBody, TicketscloudOrder, TicketscloudOrderDocument, TicketscloudOrderList, TopLevelList,
};
use crate::upstream::{HttpMethod, UpstreamConfig, UpstreamRequest, UpstreamResponse};

/// One ticket of a TicketsCloud order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketscloudTicketRef {
    /// The ticket id; for a seat it is also the layout's seat id.
    pub ticket_id: String,
    /// The ticket's set (price category); for general admission it is the
    /// layout's admission id.
    #[serde(default)]
    pub set_id: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
}

pub const ORDERS_PATH: &str = "v2/resources/orders";
/// Our hold ends this long before the order's own `expired_after`, so a
/// confirm that starts just before our expiry still finds the order alive.
pub const ORDER_EXPIRY_MARGIN_SECONDS: i64 = 30;
/// The order lifetime the document's prose states (l.2015, "10 minutes"),
/// assumed when `expired_after` is missing or implausible.
pub const DOCUMENTED_ORDER_LIFETIME_SECONDS: i64 = 600;
/// `settings.customer.lang`: the contract has no buyer language yet.
pub const CUSTOMER_LANGUAGE: &str = "ru";
/// `vendor_data.order_id` is at most 64 characters (l.2144).
const LONGEST_VENDOR_ORDER_ID: usize = 64;
/// Orders per page of the orders list (the document's maximum, l.2661).
pub const ORDER_LIST_PAGE_SIZE: u32 = 200;
/// Pages of the orders list read when looking for a lost order.
pub const MOST_ORDER_LIST_PAGES: u32 = 5;

/// Builds TicketsCloud order requests for one event.
#[derive(Debug, Clone)]
pub struct TicketscloudOrderRequests {
    pub(crate) config: UpstreamConfig,
    /// Validated 24-hex event id (from [`crate::ids`]).
    pub(crate) event_id: String,
    /// A new order asks TicketsCloud to e-mail the tickets itself
    /// (`settings.send_tickets`, the partner's option).
    send_tickets: bool,
}

impl TicketscloudOrderRequests {
    pub fn new(config: UpstreamConfig, event_id: String) -> TicketscloudOrderRequests {
        TicketscloudOrderRequests { config, event_id, send_tickets: false }
    }

    /// The partner's `send_tickets` option for the orders these requests create.
    pub fn sending_tickets(mut self, send_tickets: bool) -> TicketscloudOrderRequests {
        self.send_tickets = send_tickets;
        self
    }

    /// `POST /v2/resources/orders` with `tickets` when there is no general
    /// admission, else with `random` (seats follow in a `PATCH`).
    pub fn create(&self, selection: &OrderSelection, hold_id: &str) -> UpstreamRequest {
        let vendor_order_id = vendor_order_id(hold_id);
        let mut body = json!({
            "event": self.event_id,
            "all_or_nothing": true,
            "vendor_data": {"order_id": vendor_order_id},
        });
        if selection.admissions.is_empty() {
            body["tickets"] = json!(selection.seats);
        } else {
            body["random"] = json!(selection.admissions);
        }
        if self.send_tickets {
            body["settings"] = json!({"send_tickets": true});
        }
        self.send(HttpMethod::Post, ORDERS_PATH.to_string(), Some(body))
    }

    /// The order's exact ticket list (desired state).
    pub fn set_tickets(&self, order_id: &str, ticket_ids: &[String]) -> UpstreamRequest {
        self.patch(order_id, json!({"tickets": ticket_ids, "all_or_nothing": true}))
    }

    /// Counts per set (desired state); sets left out hold none.
    pub fn set_random(&self, order_id: &str, random: &BTreeMap<String, u32>) -> UpstreamRequest {
        self.patch(order_id, json!({"random": random, "all_or_nothing": true}))
    }

    pub fn set_customer(&self, order_id: &str, buyer: &Buyer) -> UpstreamRequest {
        self.patch(
            order_id,
            json!({"settings": {"customer": {
                "name": buyer.name,
                "email": buyer.email,
                "phone": buyer.phone,
                "lang": CUSTOMER_LANGUAGE,
            }}}),
        )
    }

    /// `done` (paid) or `cancelled`.
    pub fn set_status(&self, order_id: &str, status: &str) -> UpstreamRequest {
        self.patch(order_id, json!({"status": status}))
    }

    /// One page of this event's unpaid orders (`executed`), newest last.
    pub fn find(&self, page: u32) -> UpstreamRequest {
        let query = format!("events={}&status=executed&page={page}&page_size={ORDER_LIST_PAGE_SIZE}", self.event_id);
        self.send(HttpMethod::Get, format!("{ORDERS_PATH}?{query}"), None)
    }

    fn patch(&self, order_id: &str, body: Value) -> UpstreamRequest {
        self.send(HttpMethod::Patch, format!("{ORDERS_PATH}/{order_id}"), Some(body))
    }

    pub(crate) fn send(&self, method: HttpMethod, path: String, body: Option<Value>) -> UpstreamRequest {
        let body = body.map(|body| ("application/json", body.to_string()));
        self.config.request(method, &path, crate::ticketscloud::AUTHORIZATION_SCHEME, body)
    }
}

/// What we write into `vendor_data.order_id`: the hold id (34 characters;
/// cut to the documented 64 just in case).
pub fn vendor_order_id(hold_id: &str) -> String {
    hold_id.chars().take(LONGEST_VENDOR_ORDER_ID).collect()
}

/// What a hold's items ask of an order: seat ticket ids, and a count per
/// general-admission set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderSelection {
    pub seats: Vec<String>,
    pub admissions: BTreeMap<String, u32>,
}

impl OrderSelection {
    pub fn of(items: &[HoldItem]) -> OrderSelection {
        let mut selection = OrderSelection::default();
        for item in items {
            match item {
                HoldItem::Seat { seat_id, .. } => selection.seats.push(seat_id.clone()),
                HoldItem::Admission { admission_id, quantity, .. } => {
                    *selection.admissions.entry(admission_id.clone()).or_insert(0) += quantity;
                }
            }
        }
        selection
    }

    fn places(&self) -> usize {
        self.seats.len() + self.admissions.values().map(|&count| count as usize).sum::<usize>()
    }

    /// Tickets of `set` in `tickets` that are not one of our seats.
    fn admission_tickets<'a>(
        &'a self,
        set: &'a str,
        tickets: &'a [TicketscloudTicketRef],
    ) -> impl Iterator<Item = &'a TicketscloudTicketRef> {
        tickets.iter().filter(move |ticket| ticket.set_id.as_deref() == Some(set) && !self.seats.contains(&ticket.ticket_id))
    }

    /// The first `n` admission tickets of each set, in set order.
    fn admission_ticket_ids(&self, tickets: &[TicketscloudTicketRef]) -> Vec<String> {
        self.admissions
            .iter()
            .flat_map(|(set, &count)| {
                self.admission_tickets(set, tickets).take(count as usize).map(|ticket| ticket.ticket_id.clone())
            })
            .collect()
    }

    /// Admission sets with fewer tickets in `tickets` than wanted.
    fn short_admissions(&self, tickets: &[TicketscloudTicketRef]) -> Vec<String> {
        self.admissions
            .iter()
            .filter(|(set, &count)| self.admission_tickets(set, tickets).count() < count as usize)
            .map(|(set, _)| set.clone())
            .collect()
    }

    /// Seats and admission sets `tickets` does not fully provide.
    fn missing_in(&self, tickets: &[TicketscloudTicketRef]) -> Vec<String> {
        let held: HashSet<&str> = tickets.iter().map(|ticket| ticket.ticket_id.as_str()).collect();
        let mut missing: Vec<String> = self.seats.iter().filter(|seat| !held.contains(seat.as_str())).cloned().collect();
        missing.extend(self.short_admissions(tickets));
        missing
    }

    /// Exactly this selection, no more, no less.
    fn is_exactly(&self, tickets: &[TicketscloudTicketRef]) -> bool {
        self.missing_in(tickets).is_empty() && tickets.len() == self.places()
    }
}

/// The earlier of our own hold time and the order's deadline less a margin.
/// An `expired_after` that is missing, or so close that it is more likely a
/// clock or format mismatch, is replaced by the documented lifetime.
pub fn hold_expiry(now: i64, hold_seconds: i64, order_expired_after: Option<i64>) -> i64 {
    now.saturating_add(hold_seconds).min(order_deadline(now, order_expired_after))
}

fn order_deadline(now: i64, order_expired_after: Option<i64>) -> i64 {
    match order_expired_after {
        Some(expired_after) if expired_after.saturating_sub(ORDER_EXPIRY_MARGIN_SECONDS) > now.saturating_add(60) => {
            expired_after - ORDER_EXPIRY_MARGIN_SECONDS
        }
        _ => now.saturating_add(DOCUMENTED_ORDER_LIFETIME_SECONDS - ORDER_EXPIRY_MARGIN_SECONDS),
    }
}

/// TicketsCloud datetimes: `2019-07-25 14:56:11` (UTC, as the simulator
/// writes the document's examples), with `T`, fractions, `Z` or an offset
/// tolerated.
pub fn parse_order_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.timestamp());
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(instant.timestamp());
        }
    }
    let naive = text.trim_end_matches(['Z', 'z']);
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|naive| naive.and_utc().timestamp())
}

/// The order as one answer showed it.
#[derive(Debug, Clone, PartialEq, Default)]
struct OrderReading {
    order_id: Option<String>,
    /// Lowercase (`executed`, `done`, `cancelled`, `expired`, …).
    status: Option<String>,
    expired_after: Option<i64>,
    tickets: Vec<TicketscloudTicketRef>,
    /// `vendor_data.order_id`: the hold that made the order.
    vendor_order_id: Option<String>,
    prices: OrderPrices,
}

/// What an order says its tickets cost the buyer (minor units).
#[derive(Debug, Clone, PartialEq, Default)]
struct OrderPrices {
    /// Each ticket's `full`, by ticket id.
    full_by_ticket: BTreeMap<String, i64>,
    /// `values.full`.
    total: Option<i64>,
    /// A discount is in (a promo code): the order's numbers are the price.
    discounted: bool,
}

impl OrderPrices {
    fn of(order: &TicketscloudOrder) -> OrderPrices {
        let values = order.values.as_ref();
        let mut discounted = values.and_then(|values| values.discount.as_minor_units()).is_some_and(|discount| discount != 0);
        let mut full_by_ticket = BTreeMap::new();
        for ticket in &order.tickets.items {
            discounted |= ticket.discount.as_minor_units().is_some_and(|discount| discount != 0);
            if let (Some(id), Some(full)) = (ticket.id.as_text(), ticket.full.as_minor_units()) {
                full_by_ticket.insert(id, full);
            }
        }
        OrderPrices { full_by_ticket, total: values.and_then(|values| values.full.as_minor_units()), discounted }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum OrderAnswer {
    Order(OrderReading),
    /// 409: someone else is changing the order; nothing changed.
    Conflict,
    /// A 4xx refusal with the upstream's messages: nothing changed.
    Refused {
        messages: Vec<String>,
        error: ProxyError,
    },
    /// 404: the order does not exist (any more).
    Gone(ProxyError),
    /// No readable answer: the request may or may not have taken effect.
    Uncertain(ProxyError),
}

fn read_order_answer(response: Result<UpstreamResponse, ProxyError>) -> OrderAnswer {
    let response = match response {
        Ok(response) => response,
        Err(error) => return OrderAnswer::Uncertain(error),
    };
    if response.status == 409 {
        return OrderAnswer::Conflict;
    }
    if response.is_success() {
        return match read_order(&response.body) {
            Some(reading) => OrderAnswer::Order(reading),
            None => OrderAnswer::Uncertain(ProxyError::UpstreamBadResponse { what: "TicketsCloud order is not readable".into() }),
        };
    }
    let messages = serde_json::from_str::<TicketscloudErrorBody>(&response.body).map(|body| body.errors.0).unwrap_or_default();
    let error: ProxyError = check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into);
    match response.status {
        404 => OrderAnswer::Gone(error),
        408 | 500..=599 => OrderAnswer::Uncertain(error),
        400..=499 => OrderAnswer::Refused { messages, error },
        _ => OrderAnswer::Uncertain(error),
    }
}

fn read_order(body: &str) -> Option<OrderReading> {
    if !body.trim_start().starts_with('{') {
        return None;
    }
    Some(order_reading(serde_json::from_str::<TicketscloudOrderDocument>(body).ok()?.into_order()))
}

fn order_reading(order: TicketscloudOrder) -> OrderReading {
    let tickets = order
        .tickets
        .items
        .iter()
        .filter_map(|ticket| {
            let ticket_id = ticket.id.as_text().filter(|id| is_acceptable_item_id(id))?;
            Some(TicketscloudTicketRef {
                ticket_id,
                set_id: ticket.set.as_text().filter(|id| is_acceptable_item_id(id)),
                barcode: ticket.barcode.as_text().filter(|barcode| is_acceptable_barcode(barcode)),
            })
        })
        .collect();
    let prices = OrderPrices::of(&order);
    OrderReading {
        prices,
        order_id: order.id.as_text().filter(|id| is_safe_order_id(id)),
        status: order.status.as_text().map(|status| status.to_ascii_lowercase()),
        expired_after: order.expired_after.as_text().and_then(|text| parse_order_datetime(&text)),
        tickets,
        vendor_order_id: order.vendor_data.0.and_then(|vendor_data| vendor_data.order_id.as_text()),
    }
}

/// One page of the orders list.
#[derive(Debug, Clone, PartialEq)]
struct OrderList {
    orders: Vec<OrderReading>,
    /// Another page may hold more.
    has_more: bool,
}

/// `{"data": [orders], "pagination": {page, page_size, total}, "refs": …}`
/// (l.2679–2800); a bare array is accepted too, and orders that cannot be
/// read are skipped. Without a readable `pagination`, a full page means
/// there may be more. `None` when the answer is no list at all.
fn read_order_list(response: Result<UpstreamResponse, ProxyError>, page: u32) -> Result<OrderList, ProxyError> {
    let response = response?;
    if !response.is_success() {
        return Err(check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into));
    }
    let unreadable = || ProxyError::UpstreamBadResponse { what: "TicketsCloud orders list is not readable".into() };
    let trimmed = response.body.trim_start();
    let (orders, pagination) = if trimmed.starts_with('[') {
        let list = serde_json::from_str::<TopLevelList<TicketscloudOrder>>(trimmed).map_err(|_| unreadable())?;
        (list.items, None)
    } else {
        let list = serde_json::from_str::<TicketscloudOrderList>(trimmed).map_err(|_| unreadable())?;
        if !list.data.was_a_collection {
            return Err(unreadable());
        }
        (list.data.items, list.pagination.0)
    };
    let count = orders.len() as u64;
    let has_more = match pagination.as_ref().and_then(|pagination| pagination.total.as_text()?.parse::<u64>().ok()) {
        Some(total) => {
            let page_size = pagination
                .as_ref()
                .and_then(|pagination| pagination.page_size.as_text()?.parse::<u64>().ok())
                .filter(|&size| size > 0)
                .unwrap_or(u64::from(ORDER_LIST_PAGE_SIZE));
            u64::from(page).saturating_mul(page_size) < total
        }
        None => count >= u64::from(ORDER_LIST_PAGE_SIZE),
    };
    Ok(OrderList { orders: orders.into_iter().map(order_reading).collect(), has_more })
}

/// Order ids go into URL paths: ASCII letters and digits only (ObjectIds).
fn is_safe_order_id(order_id: &str) -> bool {
    !order_id.is_empty() && order_id.len() <= 64 && order_id.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// `Not allow to update order in status done`, …
fn says_order_in_status(messages: &[String], status: &str) -> bool {
    let wanted = format!("in status {status}");
    messages.iter().any(|message| message.to_lowercase().contains(&wanted))
}

fn says_order_gone(messages: &[String]) -> bool {
    says_order_in_status(messages, "cancelled") || says_order_in_status(messages, "expired")
}

/// A refusal about places (`ticket (id = X) is not available`, `Not enough
/// tickets in set (id = X): …`) becomes `seat_unavailable` naming the ids of
/// `asked` found in the messages, else `fallback`; any other refusal keeps
/// its mapped error.
fn refusal_error(messages: &[String], error: ProxyError, asked: &[String], fallback: &[String]) -> ProxyError {
    let lowered: Vec<String> = messages.iter().map(|message| message.to_lowercase()).collect();
    let about_places = lowered.iter().any(|message| {
        ["ticket", "set (id", "not enough", "not available", "unavailable", "sold", "reserved"]
            .iter()
            .any(|hint| message.contains(hint))
    });
    if !about_places {
        return error;
    }
    let named: Vec<String> =
        asked.iter().filter(|id| lowered.iter().any(|message| message.contains(&id.to_lowercase()))).cloned().collect();
    ProxyError::SeatUnavailable { ids: if named.is_empty() { fallback.to_vec() } else { named } }
}

#[derive(Debug, Clone, PartialEq)]
enum TicketscloudCommand {
    Create,
    Change {
        items: Option<Vec<HoldItem>>,
        buyer: Option<Buyer>,
    },
    Release,
    Expire,
    Confirm,
    /// An interrupted create (cancel the order, found by our hold id if its
    /// id was never read) or change (put the old ticket list back).
    Undo {
        of_create: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TicketsPurpose {
    /// Reach the desired selection.
    Build,
    /// Put the order back as it was before a failed change.
    Restore,
    /// Before paying, make the order hold exactly the record's tickets.
    Resync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CancelPurpose {
    /// A create failed after the order existed.
    Rollback,
    /// Release or expiry.
    GiveBack,
}

/// Why the orders list is searched for our order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FindPurpose {
    /// The create's answer was lost while the buyer still waits: take the order.
    Adopt,
    /// Nobody waits for it any more: cancel it.
    Cancel,
    /// Paid or not, and its barcodes: the order as the list shows it (the
    /// document has no single-order read).
    Read,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    CreateOrder,
    FindOrder { page: u32, purpose: FindPurpose },
    Random(BTreeMap<String, u32>),
    Tickets(Vec<String>, TicketsPurpose),
    Customer(Buyer),
    Cancel(CancelPurpose),
    Done,
}

/// How the command ended, beyond success or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pending,
    /// Released (cancel accepted, or the order was already gone).
    GivenBack,
    /// The order is done upstream.
    Paid,
    /// The order expired or was cancelled upstream before it was paid.
    ExpiredUpstream,
}

/// The order as the command goes on.
#[derive(Debug, Clone, PartialEq)]
struct OrderState {
    order_id: String,
    tickets: Vec<TicketscloudTicketRef>,
    expired_after: Option<i64>,
    contents_uncertain: bool,
}

/// One command on one TicketsCloud hold.
pub(crate) struct TicketscloudOperation {
    requests: TicketscloudOrderRequests,
    command: TicketscloudCommand,
    /// The hold as it was when the command began (Create: a draft).
    record: HoldRecord,
    /// What the items ask of the order (Create, Change with items).
    desired: OrderSelection,
    order: Option<OrderState>,
    /// The order's tickets before this command (for Restore).
    old_tickets: Vec<TicketscloudTicketRef>,
    step: Option<Step>,
    retried: bool,
    random_applied: bool,
    items_applied: bool,
    buyer_applied: bool,
    done_requests: u8,
    outcome: Outcome,
    cleanup_failed: bool,
    failure: Option<ProxyError>,
    now: i64,
    hold_seconds: i64,
    context: CommandContext,
    /// The step sent and not answered yet.
    in_flight: Option<StepId>,
    next_step: StepId,
    /// The latest `now_ms` seen.
    clock_ms: i64,
    /// The create's answer was lost: an order with our hold id may exist,
    /// its id unknown. Cleared once the orders list said yes or no.
    order_may_exist: bool,
    /// Why the create's answer was lost (answered if no order is found).
    lost_create: Option<ProxyError>,
    /// A change sent `random` or `tickets`: until it ends the order may hold
    /// other tickets than the record says.
    order_touched: bool,
    /// A lost create's order was not found: the alarm looks once more.
    look_again_later: bool,
    /// What the latest answer said the order's tickets cost.
    order_prices: Option<OrderPrices>,
    /// Promo-code prices from the last order answer (see `promocodes::reprice`).
    order_pricing: Option<promocodes::OrderPricing>,
}

impl TicketscloudOperation {
    pub(crate) fn create(
        requests: TicketscloudOrderRequests,
        draft: HoldRecord,
        context: CommandContext,
        hold_seconds: i64,
    ) -> TicketscloudOperation {
        let mut operation = TicketscloudOperation::new(requests, TicketscloudCommand::Create, draft, context, hold_seconds);
        operation.desired = OrderSelection::of(&operation.record.items);
        operation.set_step(Some(Step::CreateOrder));
        operation
    }

    pub(crate) fn change(
        requests: TicketscloudOrderRequests,
        record: HoldRecord,
        items: Option<Vec<HoldItem>>,
        buyer: Option<Buyer>,
        context: CommandContext,
        hold_seconds: i64,
    ) -> TicketscloudOperation {
        let command = TicketscloudCommand::Change { items: items.clone(), buyer };
        let mut operation = TicketscloudOperation::new(requests, command, record, context, hold_seconds);
        match items {
            Some(items) => {
                operation.desired = OrderSelection::of(&items);
                let first = operation.first_change_step();
                match first {
                    Some(step) => operation.set_step(Some(step)),
                    None => {
                        operation.items_applied = true;
                        operation.after_items();
                    }
                }
            }
            None => operation.after_items(),
        }
        operation
    }

    pub(crate) fn release(
        requests: TicketscloudOrderRequests,
        record: HoldRecord,
        context: CommandContext,
        expiring: bool,
    ) -> TicketscloudOperation {
        let command = if expiring { TicketscloudCommand::Expire } else { TicketscloudCommand::Release };
        let mut operation = TicketscloudOperation::new(requests, command, record, context, 0);
        operation.set_step(Some(Step::Cancel(CancelPurpose::GiveBack)));
        operation
    }

    /// Undoes an interrupted create or change from its checkpoint.
    pub(crate) fn undo(
        requests: TicketscloudOrderRequests,
        record: HoldRecord,
        context: CommandContext,
        of_create: bool,
    ) -> TicketscloudOperation {
        let mut operation = TicketscloudOperation::new(requests, TicketscloudCommand::Undo { of_create }, record, context, 0);
        let first = match (&operation.order, of_create) {
            (Some(_), true) => Some(Step::Cancel(CancelPurpose::Rollback)),
            (None, true) => {
                operation.order_may_exist = true;
                Some(Step::FindOrder { page: 1, purpose: FindPurpose::Cancel })
            }
            (Some(order), false) if order.contents_uncertain => {
                Some(Step::Tickets(ticket_ids(&order.tickets), TicketsPurpose::Restore))
            }
            (_, false) => None,
        };
        operation.set_step(first);
        operation
    }

    pub(crate) fn confirm(
        requests: TicketscloudOrderRequests,
        record: HoldRecord,
        context: CommandContext,
    ) -> TicketscloudOperation {
        let mut operation = TicketscloudOperation::new(requests, TicketscloudCommand::Confirm, record, context, 0);
        let first = if operation.record.state == HoldState::Confirmed {
            // Paid already, but some barcodes were missing: read them again.
            Step::FindOrder { page: 1, purpose: FindPurpose::Read }
        } else if operation.order.as_ref().is_some_and(|order| order.contents_uncertain) {
            let ids = operation.order.as_ref().map(|order| ticket_ids(&order.tickets)).unwrap_or_default();
            Step::Tickets(ids, TicketsPurpose::Resync)
        } else {
            Step::Done
        };
        operation.set_step(Some(first));
        operation
    }

    fn new(
        requests: TicketscloudOrderRequests,
        command: TicketscloudCommand,
        record: HoldRecord,
        context: CommandContext,
        hold_seconds: i64,
    ) -> TicketscloudOperation {
        let order = match &record.upstream {
            UpstreamHoldRefs::Ticketscloud { order_id, tickets, order_expired_after, contents_uncertain }
                if !order_id.is_empty() =>
            {
                Some(OrderState {
                    order_id: order_id.clone(),
                    tickets: tickets.clone(),
                    expired_after: *order_expired_after,
                    contents_uncertain: *contents_uncertain,
                })
            }
            _ => None,
        };
        TicketscloudOperation {
            requests,
            command,
            old_tickets: order.as_ref().map(|order| order.tickets.clone()).unwrap_or_default(),
            order,
            record,
            desired: OrderSelection::default(),
            step: None,
            retried: false,
            random_applied: false,
            items_applied: false,
            buyer_applied: false,
            done_requests: 0,
            outcome: Outcome::Pending,
            cleanup_failed: false,
            failure: None,
            now: context.now,
            hold_seconds,
            clock_ms: context.now.saturating_mul(1000),
            context,
            in_flight: None,
            next_step: 1,
            order_may_exist: false,
            lost_create: None,
            order_touched: false,
            look_again_later: false,
            order_prices: None,
            order_pricing: None,
        }
    }

    fn set_step(&mut self, step: Option<Step>) {
        if step == Some(Step::Done) {
            self.done_requests += 1;
        }
        self.step = step;
        self.retried = false;
    }

    /// Sends the current request once more; false when that was done already.
    fn retry_once(&mut self) -> bool {
        if self.retried {
            return false;
        }
        self.retried = true;
        true
    }

    fn current_tickets(&self) -> &[TicketscloudTicketRef] {
        self.order.as_ref().map_or(&[], |order| order.tickets.as_slice())
    }

    fn take_reading(&mut self, reading: OrderReading) {
        self.order_prices = Some(reading.prices.clone());
        match &mut self.order {
            Some(order) => {
                order.tickets = reading.tickets;
                if reading.expired_after.is_some() {
                    order.expired_after = reading.expired_after;
                }
            }
            None => {
                if let Some(order_id) = reading.order_id {
                    self.order = Some(OrderState {
                        order_id,
                        tickets: reading.tickets,
                        expired_after: reading.expired_after,
                        contents_uncertain: false,
                    });
                }
            }
        }
    }

    /// Change: `random` when a general-admission count grows, else
    /// `tickets`, or nothing when the order already matches.
    fn first_change_step(&self) -> Option<Step> {
        let current = self.current_tickets();
        let held_seats: HashSet<&str> =
            self.record.items.iter().filter(|item| matches!(item, HoldItem::Seat { .. })).map(item_id).collect();
        let admission_count = |set: &str| {
            current
                .iter()
                .filter(|ticket| ticket.set_id.as_deref() == Some(set) && !held_seats.contains(ticket.ticket_id.as_str()))
                .count()
        };
        let grows = self.desired.admissions.iter().any(|(set, &count)| count as usize > admission_count(set));
        if grows {
            let mut random = self.desired.admissions.clone();
            for ticket in current.iter().filter(|ticket| held_seats.contains(ticket.ticket_id.as_str())) {
                if let Some(set) = &ticket.set_id {
                    *random.entry(set.clone()).or_insert(0) += 1;
                }
            }
            return Some(Step::Random(random));
        }
        if self.desired.is_exactly(current) {
            return None;
        }
        Some(Step::Tickets(self.build_ticket_list(), TicketsPurpose::Build))
    }

    /// Admission tickets already in the order + the desired seats.
    fn build_ticket_list(&self) -> Vec<String> {
        let mut ids = self.desired.admission_ticket_ids(self.current_tickets());
        ids.extend(self.desired.seats.iter().cloned());
        ids
    }

    /// The ids a refusal can name, and the fallback when it names none: the
    /// new seats (else every seat, else every admission).
    fn refusal_ids(&self) -> (Vec<String>, Vec<String>) {
        let mut asked = self.desired.seats.clone();
        asked.extend(self.desired.admissions.keys().cloned());
        let old: HashSet<&str> = self.old_tickets.iter().map(|ticket| ticket.ticket_id.as_str()).collect();
        let new_seats: Vec<String> = self.desired.seats.iter().filter(|seat| !old.contains(seat.as_str())).cloned().collect();
        let fallback = if !new_seats.is_empty() {
            new_seats
        } else if !self.desired.seats.is_empty() {
            self.desired.seats.clone()
        } else {
            self.desired.admissions.keys().cloned().collect()
        };
        (asked, fallback)
    }

    fn place_refusal(&self, messages: &[String], error: ProxyError) -> ProxyError {
        let (asked, fallback) = self.refusal_ids();
        refusal_error(messages, error, &asked, &fallback)
    }

    /// The items are in place (or not asked for): the buyer, if any, next.
    fn after_items(&mut self) {
        let buyer = match &self.command {
            TicketscloudCommand::Change { buyer: Some(buyer), .. } if self.order.is_some() => Some(buyer.clone()),
            _ => None,
        };
        self.set_step(buyer.map(Step::Customer));
    }

    /// Building the selection failed: undo what this command did upstream.
    fn fail_building(&mut self, error: ProxyError, order_may_have_changed: bool) {
        self.failure = Some(error);
        match self.command {
            TicketscloudCommand::Create if self.order.is_some() => self.set_step(Some(Step::Cancel(CancelPurpose::Rollback))),
            TicketscloudCommand::Change { .. } if order_may_have_changed || self.random_applied => {
                let old = ticket_ids(&self.old_tickets);
                self.set_step(Some(Step::Tickets(old, TicketsPurpose::Restore)));
            }
            _ => self.set_step(None),
        }
    }

    /// After the create request, `random` or a `tickets` patch: does the
    /// order now hold the selection?
    fn check_built(&mut self) {
        let tickets = self.current_tickets().to_vec();
        let missing = self.desired.missing_in(&tickets);
        if !missing.is_empty() {
            return self.fail_building(ProxyError::SeatUnavailable { ids: missing }, true);
        }
        if tickets.len() > self.desired.places() {
            // More than asked for: the next confirm will first set the list.
            if let Some(order) = &mut self.order {
                order.contents_uncertain = true;
            }
        }
        let changed_price = self.order_prices.as_ref().and_then(|prices| price_change(self.desired_items(), &tickets, prices));
        if let Some(error) = changed_price {
            return self.fail_building(error, true);
        }
        self.items_applied = true;
        self.after_items();
    }

    /// The items the order is being built for (a create's or a change's).
    fn desired_items(&self) -> &[HoldItem] {
        match &self.command {
            TicketscloudCommand::Change { items: Some(items), .. } => items,
            _ => &self.record.items,
        }
    }

    fn on_answer(&mut self, step: Step, answer: OrderAnswer) {
        match step {
            Step::CreateOrder => self.on_create(answer),
            Step::Random(_) => self.on_random(answer),
            Step::Tickets(_, purpose) => self.on_tickets(purpose, answer),
            Step::Customer(buyer) => self.on_customer(buyer, answer),
            Step::Cancel(purpose) => self.on_cancel(purpose, answer),
            Step::Done => self.on_done(answer),
            // Answered as a list (see `on_response`).
            Step::FindOrder { .. } => {}
        }
    }

    fn on_create(&mut self, answer: OrderAnswer) {
        match answer {
            OrderAnswer::Order(reading) => {
                if reading.order_id.is_none() {
                    self.failure = Some(ProxyError::UpstreamBadResponse { what: "TicketsCloud order without id".into() });
                    return self.set_step(None);
                }
                self.take_reading(reading);
                if self.desired.admissions.is_empty() || self.desired.seats.is_empty() {
                    return self.check_built();
                }
                let short = self.desired.short_admissions(self.current_tickets());
                if !short.is_empty() {
                    return self.fail_building(ProxyError::SeatUnavailable { ids: short }, true);
                }
                let ids = self.build_ticket_list();
                self.set_step(Some(Step::Tickets(ids, TicketsPurpose::Build)));
            }
            OrderAnswer::Conflict if self.retry_once() => {}
            OrderAnswer::Conflict => self.fail_building(ProxyError::UpstreamConflict, false),
            OrderAnswer::Refused { messages, error } => {
                let error = self.place_refusal(&messages, error);
                self.fail_building(error, false)
            }
            OrderAnswer::Gone(error) => self.fail_building(error, false),
            // A lost answer to a create cannot be retried (a second order
            // would be refused the same places): look for the order.
            OrderAnswer::Uncertain(error) => {
                self.order_may_exist = true;
                self.lost_create = Some(error);
                self.set_step(Some(Step::FindOrder { page: 1, purpose: FindPurpose::Adopt }));
            }
        }
    }

    /// A page of the orders list, looking for the order our lost create made.
    fn on_find(&mut self, page: u32, purpose: FindPurpose, list: Result<OrderList, ProxyError>) {
        let list = match list {
            Ok(list) => list,
            Err(_) if self.retry_once() => return,
            Err(error) => {
                // Still unknown: the alarm looks again (the journal stays).
                let error = self.lost_create.take().unwrap_or(error);
                return self.stop(error);
            }
        };
        let ours = vendor_order_id(&self.record.hold_id);
        let known_id = self.order.as_ref().map(|order| order.order_id.clone());
        let found = list.orders.into_iter().find(|order| match purpose {
            FindPurpose::Read => {
                let same_id = known_id.is_some() && order.order_id == known_id;
                same_id || (known_id.is_none() && order.vendor_order_id.as_deref() == Some(ours.as_str()))
            }
            FindPurpose::Adopt | FindPurpose::Cancel => {
                order.vendor_order_id.as_deref() == Some(ours.as_str())
                    && order.order_id.is_some()
                    && matches!(order.status.as_deref(), None | Some("executed" | "in_progress"))
            }
        });
        match found {
            Some(order) if purpose == FindPurpose::Read => self.on_read(OrderAnswer::Order(order)),
            Some(order) => {
                self.order_may_exist = false;
                match purpose {
                    FindPurpose::Adopt => self.on_create(OrderAnswer::Order(order)),
                    FindPurpose::Cancel => {
                        self.take_reading(order);
                        self.set_step(Some(Step::Cancel(CancelPurpose::Rollback)));
                    }
                    FindPurpose::Read => {}
                }
            }
            None if list.has_more && page < MOST_ORDER_LIST_PAGES => {
                self.set_step(Some(Step::FindOrder { page: page + 1, purpose }))
            }
            // Not in the list (yet): paid or not stays unknown, which is
            // never "expired"; a confirm keeps its journal and comes back.
            None if purpose == FindPurpose::Read => {
                self.stop(ProxyError::UpstreamBadResponse { what: "TicketsCloud order not in the orders list".into() })
            }
            None => {
                // No such order: the create did not happen — or has not yet
                // (the upstream may go on with a request we stopped waiting
                // for), so a live create leaves the alarm to look once more.
                self.order_may_exist = false;
                match purpose {
                    FindPurpose::Adopt => {
                        self.look_again_later = true;
                        let error = self.lost_create.take().unwrap_or(ProxyError::UpstreamUnavailable);
                        self.stop(error)
                    }
                    FindPurpose::Cancel => {
                        self.outcome = Outcome::GivenBack;
                        self.set_step(None)
                    }
                    FindPurpose::Read => {}
                }
            }
        }
    }

    fn on_random(&mut self, answer: OrderAnswer) {
        match answer {
            OrderAnswer::Order(reading) => {
                self.random_applied = true;
                self.take_reading(reading);
                let short = self.desired.short_admissions(self.current_tickets());
                if !short.is_empty() {
                    return self.fail_building(ProxyError::SeatUnavailable { ids: short }, true);
                }
                if self.desired.is_exactly(self.current_tickets()) {
                    return self.check_built();
                }
                let ids = self.build_ticket_list();
                self.set_step(Some(Step::Tickets(ids, TicketsPurpose::Build)));
            }
            OrderAnswer::Conflict if self.retry_once() => {}
            OrderAnswer::Conflict => self.fail_building(ProxyError::UpstreamConflict, false),
            OrderAnswer::Refused { messages, error } => {
                let error = self.place_refusal(&messages, error);
                self.fail_building(error, false)
            }
            OrderAnswer::Gone(_) => self.expired_upstream(),
            OrderAnswer::Uncertain(_) if self.retry_once() => {}
            OrderAnswer::Uncertain(error) => self.fail_building(error, true),
        }
    }

    fn on_tickets(&mut self, purpose: TicketsPurpose, answer: OrderAnswer) {
        match (purpose, answer) {
            (_, OrderAnswer::Conflict | OrderAnswer::Uncertain(_)) if self.retry_once() => {}
            (TicketsPurpose::Build, OrderAnswer::Order(reading)) => {
                self.take_reading(reading);
                self.check_built();
            }
            (TicketsPurpose::Build, OrderAnswer::Conflict) => self.fail_building(ProxyError::UpstreamConflict, false),
            (TicketsPurpose::Build, OrderAnswer::Refused { messages, error }) => {
                let error = self.place_refusal(&messages, error);
                self.fail_building(error, false)
            }
            (TicketsPurpose::Build, OrderAnswer::Uncertain(error)) => self.fail_building(error, true),
            (TicketsPurpose::Build | TicketsPurpose::Restore | TicketsPurpose::Resync, OrderAnswer::Gone(_)) => {
                self.expired_upstream()
            }
            (TicketsPurpose::Restore, OrderAnswer::Order(reading)) => {
                self.take_reading(reading);
                if let Some(order) = &mut self.order {
                    order.contents_uncertain = false;
                }
                self.set_step(None);
            }
            (TicketsPurpose::Restore, _) => {
                // The order may hold something else than the record says; the
                // confirm will set the list first.
                if let Some(order) = &mut self.order {
                    order.tickets = self.old_tickets.clone();
                    order.contents_uncertain = true;
                }
                self.set_step(None);
            }
            (TicketsPurpose::Resync, OrderAnswer::Order(reading)) => {
                self.take_reading(reading);
                if let Some(order) = &mut self.order {
                    order.contents_uncertain = false;
                }
                self.set_step(Some(Step::Done));
            }
            (TicketsPurpose::Resync, OrderAnswer::Conflict) => self.stop(ProxyError::UpstreamConflict),
            (TicketsPurpose::Resync, OrderAnswer::Refused { messages, error }) => {
                if says_order_gone(&messages) {
                    return self.expired_upstream();
                }
                let error = self.place_refusal(&messages, error);
                self.stop(error)
            }
            (TicketsPurpose::Resync, OrderAnswer::Uncertain(error)) => self.stop(error),
        }
    }

    fn on_customer(&mut self, buyer: Buyer, answer: OrderAnswer) {
        match answer {
            OrderAnswer::Order(reading) => {
                self.take_reading(reading);
                self.buyer_applied = true;
                if let TicketscloudCommand::Change { buyer: wanted, .. } = &mut self.command {
                    *wanted = Some(buyer);
                }
                self.set_step(None);
            }
            OrderAnswer::Conflict | OrderAnswer::Uncertain(_) if self.retry_once() => {}
            OrderAnswer::Conflict => self.stop(ProxyError::UpstreamConflict),
            OrderAnswer::Refused { messages, .. } if says_order_gone(&messages) => self.expired_upstream(),
            OrderAnswer::Refused { error, .. } | OrderAnswer::Uncertain(error) => self.stop(error),
            OrderAnswer::Gone(_) => self.expired_upstream(),
        }
    }

    fn on_cancel(&mut self, purpose: CancelPurpose, answer: OrderAnswer) {
        if let OrderAnswer::Refused { messages, .. } = &answer {
            let paid = says_order_in_status(messages, "done")
                || messages.iter().any(|message| message.to_lowercase().contains("not cancellable"));
            if paid && purpose == CancelPurpose::GiveBack {
                // Paid already (a confirm whose result was never stored): read
                // the tickets instead of calling the hold released.
                return self.read_order();
            }
        }
        let outcome = match answer {
            OrderAnswer::Order(_) | OrderAnswer::Gone(_) => Ok(()),
            OrderAnswer::Refused { messages, .. } if says_order_gone(&messages) => Ok(()),
            OrderAnswer::Conflict | OrderAnswer::Uncertain(_) if self.retry_once() => return,
            OrderAnswer::Conflict => Err(ProxyError::UpstreamConflict),
            OrderAnswer::Refused { error, .. } | OrderAnswer::Uncertain(error) => Err(error),
        };
        match (purpose, outcome) {
            (CancelPurpose::Rollback, Ok(())) => {
                if matches!(self.command, TicketscloudCommand::Undo { .. }) {
                    self.outcome = Outcome::GivenBack;
                }
            }
            (CancelPurpose::Rollback, Err(_)) => self.cleanup_failed = true,
            (CancelPurpose::GiveBack, Ok(())) => self.outcome = Outcome::GivenBack,
            (CancelPurpose::GiveBack, Err(error)) => self.failure = Some(error),
        }
        self.set_step(None);
    }

    fn on_done(&mut self, answer: OrderAnswer) {
        match answer {
            OrderAnswer::Order(reading) => {
                let paid = reading.status.as_deref() == Some("done");
                self.take_reading(reading);
                if paid {
                    // Paid, with barcodes or not: a done order without them
                    // stays confirmed while the alarm looks for them.
                    self.outcome = Outcome::Paid;
                    self.set_step(None);
                } else {
                    self.read_order();
                }
            }
            OrderAnswer::Conflict if self.retry_once() => {}
            OrderAnswer::Conflict => self.stop(ProxyError::UpstreamConflict),
            OrderAnswer::Refused { messages, .. } if says_order_in_status(&messages, "done") => self.read_order(),
            OrderAnswer::Refused { messages, .. } if says_order_gone(&messages) => self.expired_upstream(),
            OrderAnswer::Refused { error, .. } => self.stop(error),
            OrderAnswer::Gone(_) => self.expired_upstream(),
            // Paid or not? Read the order instead of paying twice.
            OrderAnswer::Uncertain(_) => self.read_order(),
        }
    }

    fn on_read(&mut self, answer: OrderAnswer) {
        match answer {
            OrderAnswer::Order(reading) => match reading.status.as_deref() {
                Some("done") => {
                    self.take_reading(reading);
                    self.outcome = Outcome::Paid;
                    self.set_step(None);
                }
                Some("cancelled" | "expired") => self.expired_upstream(),
                Some("executed" | "in_progress")
                    if self.command == TicketscloudCommand::Confirm
                        && self.done_requests < 2
                        && self.record.state == HoldState::Held =>
                {
                    self.set_step(Some(Step::Done))
                }
                _ => self.stop(ProxyError::UpstreamBadResponse { what: "TicketsCloud order is not done".into() }),
            },
            OrderAnswer::Conflict | OrderAnswer::Uncertain(_) if self.retry_once() => {}
            OrderAnswer::Conflict => self.stop(ProxyError::UpstreamConflict),
            OrderAnswer::Refused { error, .. } | OrderAnswer::Uncertain(error) => self.stop(error),
            OrderAnswer::Gone(_) => self.expired_upstream(),
        }
    }

    fn stop(&mut self, error: ProxyError) {
        self.failure = Some(error);
        self.set_step(None);
    }

    fn expired_upstream(&mut self) {
        if self.outcome == Outcome::Paid || self.record.state == HoldState::Confirmed {
            // A paid order never turns into an expired hold, whatever a
            // later answer seems to say.
            return self.stop(ProxyError::UpstreamBadResponse { what: "a paid TicketsCloud order reads as unpaid".into() });
        }
        self.outcome = Outcome::ExpiredUpstream;
        self.failure = Some(ProxyError::HoldExpired);
        self.set_step(None);
    }

    /// Reads the order through the orders list (paid or not, and its barcodes).
    fn read_order(&mut self) {
        self.set_step(Some(Step::FindOrder { page: 1, purpose: FindPurpose::Read }));
    }

    fn order_refs(&self) -> UpstreamHoldRefs {
        match &self.order {
            Some(order) => UpstreamHoldRefs::Ticketscloud {
                order_id: order.order_id.clone(),
                tickets: order.tickets.clone(),
                order_expired_after: order.expired_after,
                contents_uncertain: order.contents_uncertain,
            },
            None => self.record.upstream.clone(),
        }
    }

    /// Forward steps need the forward budget; undoing (cancel, restore,
    /// looking for an order to cancel) may use the undo budget too. A
    /// release or an undo only ever gives back.
    fn step_class(&self, step: &Step) -> StepClass {
        match (&self.command, step) {
            (TicketscloudCommand::Release | TicketscloudCommand::Expire | TicketscloudCommand::Undo { .. }, _) => {
                StepClass::Cleanup
            }
            (_, Step::Cancel(_) | Step::Tickets(_, TicketsPurpose::Restore)) => StepClass::Cleanup,
            (_, Step::FindOrder { purpose: FindPurpose::Cancel, .. }) => StepClass::Cleanup,
            _ => StepClass::Forward,
        }
    }

    /// The budget for `class` ran out before `step` could start.
    fn run_out_of(&mut self, class: StepClass, step: Step) {
        match (class, &self.command, step) {
            (StepClass::Forward, TicketscloudCommand::Create, Step::FindOrder { page, .. }) => {
                // Too late to hand the order to the buyer: cancel it if it exists.
                self.failure = Some(ProxyError::UpstreamTimeout);
                self.lost_create = None;
                self.set_step(Some(Step::FindOrder { page, purpose: FindPurpose::Cancel }))
            }
            (StepClass::Forward, TicketscloudCommand::Create | TicketscloudCommand::Change { .. }, Step::Customer(_)) => {
                self.stop(ProxyError::UpstreamTimeout)
            }
            (StepClass::Forward, TicketscloudCommand::Create | TicketscloudCommand::Change { .. }, _) => {
                let touched = self.order_touched;
                self.fail_building(ProxyError::UpstreamTimeout, touched)
            }
            (StepClass::Forward, _, _) => self.stop(ProxyError::UpstreamTimeout),
            (StepClass::Cleanup, _, step) => {
                // Out of time for undoing too: leave it to the alarm.
                match step {
                    Step::Cancel(CancelPurpose::Rollback) => self.cleanup_failed = true,
                    Step::Tickets(_, TicketsPurpose::Restore) => {
                        if let Some(order) = &mut self.order {
                            order.tickets = self.old_tickets.clone();
                            order.contents_uncertain = true;
                        }
                    }
                    _ => {}
                }
                if self.failure.is_none() {
                    self.failure = Some(ProxyError::UpstreamTimeout);
                }
                self.set_step(None);
            }
        }
    }

    fn intent(&self, step: &Step, id: StepId) -> StepIntent {
        let action = match step {
            Step::CreateOrder => "create order",
            Step::FindOrder { .. } => "find order",
            Step::Random(_) => "patch order random",
            Step::Tickets(..) => "patch order tickets",
            Step::Customer(_) => "patch order customer",
            Step::Cancel(_) => "patch order status cancelled",
            Step::Done => "patch order status done",
        };
        let reference = match step {
            Step::CreateOrder | Step::FindOrder { .. } => Some(vendor_order_id(&self.record.hold_id)),
            _ => self.order.as_ref().map(|order| order.order_id.clone()),
        };
        StepIntent { step: id, action: action.to_string(), reference }
    }

    fn request_for(&mut self, step: &Step) -> Option<UpstreamRequest> {
        let order_id = self.order.as_ref().map(|order| order.order_id.as_str());
        let request = match (step, order_id) {
            (Step::CreateOrder, _) => self.requests.create(&self.desired, &self.record.hold_id),
            (Step::FindOrder { page, purpose: FindPurpose::Read }, _) => {
                self.requests.orders_around(*page, None, self.record.expires_at)
            }
            (Step::FindOrder { page, .. }, _) => self.requests.find(*page),
            (Step::Random(random), Some(order_id)) => self.requests.set_random(order_id, random),
            (Step::Tickets(ids, _), Some(order_id)) => self.requests.set_tickets(order_id, ids),
            (Step::Customer(buyer), Some(order_id)) => self.requests.set_customer(order_id, buyer),
            (Step::Cancel(_), Some(order_id)) => self.requests.set_status(order_id, "cancelled"),
            (Step::Done, Some(order_id)) => self.requests.set_status(order_id, "done"),
            (_, None) => {
                // No order to talk to: nothing can be done upstream.
                self.failure.get_or_insert(ProxyError::Internal);
                self.step = None;
                return None;
            }
        };
        Some(request)
    }

    fn now(&self) -> i64 {
        self.now.max(self.clock_ms.div_euclid(1000))
    }

    fn finish_record(mut self) -> Finished {
        if let Some(step) = self.step.take() {
            // `finish` before the last request was answered.
            if self.failure.is_none() {
                self.failure = Some(ProxyError::Internal);
            }
            if matches!(self.command, TicketscloudCommand::Create | TicketscloudCommand::Undo { of_create: true }) {
                self.cleanup_failed = true;
            }
            if matches!(step, Step::FindOrder { .. }) || (self.in_flight.is_some() && step == Step::CreateOrder) {
                self.order_may_exist = true;
            }
            if let Some(order) = &mut self.order {
                order.contents_uncertain = true;
            }
        }
        let now = self.now();
        let failure = self.failure.take();
        let mut record = self.record.clone();
        record.journal = None;
        if self.outcome == Outcome::ExpiredUpstream {
            record.state = HoldState::Expired;
            record.upstream = self.order_refs();
            return Finished { record: Some(record), result: Err(failure.unwrap_or(ProxyError::HoldExpired)) };
        }
        if self.outcome == Outcome::Paid && matches!(self.command, TicketscloudCommand::Release | TicketscloudCommand::Expire) {
            // Found paid while giving it back: the hold is confirmed.
            record.state = HoldState::Confirmed;
            record.upstream = self.order_refs();
            let tickets = self.current_tickets().to_vec();
            record.tickets = issued_tickets(&record.items, &tickets);
            await_missing_barcodes(&mut record, &tickets, now);
            let result = match self.command {
                TicketscloudCommand::Release => Err(ProxyError::HoldNotActive { state: HoldState::Confirmed }),
                _ => Ok(view(&record, now)),
            };
            return Finished { record: Some(record), result };
        }
        match (&self.command, failure) {
            (TicketscloudCommand::Create, None) => {
                let Some(order) = &self.order else {
                    return Finished { record: None, result: Err(ProxyError::Internal) };
                };
                record.expires_at = hold_expiry(now, self.hold_seconds, order.expired_after);
                record.upstream = self.order_refs();
                finished_ok(record, now)
            }
            (TicketscloudCommand::Create, Some(error)) => {
                if self.order.is_none() && self.look_again_later {
                    record.items = Vec::new();
                    record.state = HoldState::Released;
                    record.journal = Some(self.context.undo_later(now));
                    return Finished { record: Some(record), result: Err(error) };
                }
                if self.order.is_none() && self.order_may_exist {
                    // The create's answer was lost and the order could not be
                    // looked for: the alarm looks again (and cancels it).
                    record.items = Vec::new();
                    record.state = HoldState::Released;
                    record.journal = self.context.unfinished(now);
                    return Finished { record: Some(record), result: Err(error) };
                }
                if self.order.is_none() || !self.cleanup_failed {
                    return Finished { record: None, result: Err(error) };
                }
                // The order could not be cancelled: keep a record that is due
                // now, so the alarm comes back at once to cancel it.
                record.items = Vec::new();
                record.expires_at = now;
                record.upstream = self.order_refs();
                Finished { record: Some(record), result: Err(error) }
            }
            (TicketscloudCommand::Change { items, buyer }, failure) => {
                if self.items_applied {
                    if let Some(items) = items {
                        record.items = items.clone();
                    }
                }
                if self.buyer_applied {
                    record.buyer = buyer.clone();
                }
                record.upstream = self.order_refs();
                promocodes::reprice(&mut record, self.order_pricing.as_ref());
                if let Some(order) = &self.order {
                    if order.expired_after.is_some() {
                        record.expires_at = record.expires_at.min(order_deadline(now, order.expired_after));
                    }
                }
                match failure {
                    None => finished_ok(record, now),
                    Some(error) => Finished { record: Some(record), result: Err(error) },
                }
            }
            (TicketscloudCommand::Release, None) if self.outcome == Outcome::GivenBack => {
                record.state = HoldState::Released;
                finished_ok(record, now)
            }
            (TicketscloudCommand::Release, failure) => {
                let error = failure.unwrap_or(ProxyError::Internal);
                if is_transient(&error) {
                    // The buyer let go: the alarm cancels the order soon.
                    record.journal = self.context.unfinished(now);
                }
                Finished { record: Some(record), result: Err(error) }
            }
            (TicketscloudCommand::Expire, failure) => {
                record.state = HoldState::Expired;
                match failure {
                    None if self.outcome == Outcome::GivenBack => finished_ok(record, now),
                    other => Finished { record: Some(record), result: Err(other.unwrap_or(ProxyError::Internal)) },
                }
            }
            (TicketscloudCommand::Confirm, failure) => {
                record.upstream = self.order_refs();
                if self.outcome == Outcome::Paid {
                    promocodes::reprice(&mut record, self.order_pricing.as_ref());
                    record.state = HoldState::Confirmed;
                    let tickets = self.current_tickets().to_vec();
                    record.tickets = issued_tickets(&record.items, &tickets);
                    await_missing_barcodes(&mut record, &tickets, now);
                    return finished_ok(record, now);
                }
                if record.state == HoldState::Confirmed {
                    // Paid before this confirm (it only looked for barcodes):
                    // the hold stands as it is, and the alarm keeps looking.
                    await_missing_barcodes(&mut record, self.current_tickets(), now);
                    return finished_ok(record, now);
                }
                let error = failure.unwrap_or(ProxyError::Internal);
                if is_transient(&error) {
                    // Paid or not, the order is still there: the alarm
                    // completes the confirm.
                    record.journal = self.context.unfinished(now);
                }
                Finished { record: Some(record), result: Err(error) }
            }
            (TicketscloudCommand::Undo { of_create }, failure) => {
                record.upstream = self.order_refs();
                let done = if *of_create {
                    record.state = HoldState::Released;
                    record.items = Vec::new();
                    self.outcome == Outcome::GivenBack || (self.order.is_none() && !self.order_may_exist)
                } else {
                    failure.is_none()
                };
                if *of_create && !done {
                    record.journal = self.context.unfinished(now);
                }
                match failure {
                    None if done => finished_ok(record, now),
                    other => Finished { record: Some(record), result: Err(other.unwrap_or(ProxyError::UpstreamUnavailable)) },
                }
            }
        }
    }
}

impl HoldOperation for TicketscloudOperation {
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest> {
        self.clock_ms = self.clock_ms.max(now_ms);
        // Each pass either sends the step, or changes or ends it (bounded).
        for _ in 0..8 {
            if self.in_flight.is_some() {
                return Vec::new();
            }
            let Some(step) = self.step.clone() else { return Vec::new() };
            let class = self.step_class(&step);
            if !self.context.deadlines.allows(class, now_ms) {
                self.run_out_of(class, step);
                continue;
            }
            let Some(request) = self.request_for(&step) else { continue };
            if matches!(step, Step::Random(_) | Step::Tickets(_, TicketsPurpose::Build)) {
                self.order_touched = true;
            }
            let id = self.next_step;
            self.next_step += 1;
            self.in_flight = Some(id);
            return vec![StepRequest { id, request }];
        }
        Vec::new()
    }

    fn on_response(&mut self, id: StepId, response: Result<UpstreamResponse, ProxyError>) {
        if self.in_flight != Some(id) {
            return;
        }
        self.in_flight = None;
        let Some(step) = self.step.clone() else { return };
        match step {
            Step::FindOrder { page, purpose } => {
                let list = read_order_list(response, page);
                self.on_find(page, purpose, list)
            }
            step => {
                if let Ok(answer) = response.as_ref() {
                    if answer.is_success() {
                        self.order_pricing = promocodes::read_order_pricing(&answer.body).or(self.order_pricing.take());
                    }
                }
                self.on_answer(step, read_order_answer(response))
            }
        }
    }

    fn checkpoint(&self) -> Option<HoldRecord> {
        let mut record = self.record.clone();
        match &self.command {
            TicketscloudCommand::Create | TicketscloudCommand::Undo { of_create: true } => {
                record.items = Vec::new();
                record.upstream = self.order_refs();
            }
            TicketscloudCommand::Change { .. } if self.order_touched => {
                if let UpstreamHoldRefs::Ticketscloud { contents_uncertain, .. } = &mut record.upstream {
                    *contents_uncertain = true;
                }
            }
            _ => {}
        }
        let intents = match (&self.step, self.in_flight) {
            (Some(step), Some(id)) => vec![self.intent(step, id)],
            _ => Vec::new(),
        };
        record.journal = Some(self.context.journal_with(intents));
        Some(record)
    }

    fn finish(self: Box<Self>) -> Finished {
        (*self).finish_record()
    }
}

fn finished_ok(record: HoldRecord, now: i64) -> Finished {
    let hold = view(&record, now);
    Finished { record: Some(record), result: Ok(hold) }
}

fn ticket_ids(tickets: &[TicketscloudTicketRef]) -> Vec<String> {
    tickets.iter().map(|ticket| ticket.ticket_id.clone()).collect()
}

/// Which order ticket stands for which item: a seat's ticket has the seat's
/// id; an admission's are tickets of its set that are not seats.
fn tickets_by_item<'a>(
    items: &'a [HoldItem],
    tickets: &'a [TicketscloudTicketRef],
) -> Vec<(&'a HoldItem, Vec<&'a TicketscloudTicketRef>)> {
    let seat_ids: HashSet<&str> = items.iter().filter(|item| matches!(item, HoldItem::Seat { .. })).map(item_id).collect();
    items
        .iter()
        .map(|item| {
            let mine: Vec<&TicketscloudTicketRef> = match item {
                HoldItem::Seat { seat_id, .. } => tickets.iter().filter(|ticket| &ticket.ticket_id == seat_id).take(1).collect(),
                HoldItem::Admission { admission_id, quantity, .. } => tickets
                    .iter()
                    .filter(|ticket| {
                        ticket.set_id.as_deref() == Some(admission_id.as_str()) && !seat_ids.contains(ticket.ticket_id.as_str())
                    })
                    .take(*quantity as usize)
                    .collect(),
            };
            (item, mine)
        })
        .collect()
}

/// Whether the order prices the hold's places differently from the layout
/// the buyer chose from (its items): each matched ticket's `full` summed
/// when the order gives them all, else `values.full` when the order holds
/// exactly these places. `None` when the prices agree, when the order says
/// nothing, or when a discount is in it (a promo code: its numbers are then
/// the price, not ours).
fn price_change(items: &[HoldItem], tickets: &[TicketscloudTicketRef], prices: &OrderPrices) -> Option<ProxyError> {
    if prices.discounted {
        return None;
    }
    let expected = items.iter().fold(0i64, |sum, item| {
        sum.saturating_add(match item {
            HoldItem::Seat { price, .. } => price.minor,
            HoldItem::Admission { quantity, unit_price, .. } => unit_price.minor.saturating_mul(i64::from(*quantity)),
        })
    });
    let matched: Vec<&TicketscloudTicketRef> = tickets_by_item(items, tickets).into_iter().flat_map(|(_, mine)| mine).collect();
    let per_ticket: Option<i64> =
        matched.iter().map(|ticket| prices.full_by_ticket.get(&ticket.ticket_id).copied()).sum::<Option<i64>>();
    let charged = match per_ticket {
        Some(sum) if !matched.is_empty() => Some(sum),
        _ => prices.total.filter(|_| matched.len() == tickets.len()),
    };
    match charged {
        Some(charged) if charged != expected => Some(ProxyError::PriceChanged),
        _ => None,
    }
}

/// A paid order without every barcode (TicketsCloud may issue them after
/// `done`): the hold stays confirmed and the alarm looks for them; with
/// all of them, nothing more to look for here.
fn await_missing_barcodes(record: &mut HoldRecord, tickets: &[TicketscloudTicketRef], now: i64) {
    if !tickets_complete(&record.items, tickets) {
        record.follow_up = Some(record.follow_up.unwrap_or_else(|| FollowUp::first(now)));
    }
}

/// Every place has a ticket with a barcode.
pub(crate) fn tickets_complete(items: &[HoldItem], tickets: &[TicketscloudTicketRef]) -> bool {
    tickets_by_item(items, tickets)
        .iter()
        .all(|(item, mine)| mine.len() == item_places(item) as usize && mine.iter().all(|ticket| ticket.barcode.is_some()))
}

/// The buyer's tickets, in item order; tickets of the order that belong to no
/// item (there should be none) are listed too: they were paid for.
pub(crate) fn issued_tickets(items: &[HoldItem], tickets: &[TicketscloudTicketRef]) -> Vec<IssuedTicket> {
    let by_item = tickets_by_item(items, tickets);
    let used: HashSet<&str> = by_item.iter().flat_map(|(_, mine)| mine.iter().map(|ticket| ticket.ticket_id.as_str())).collect();
    let mut issued: Vec<IssuedTicket> = by_item
        .iter()
        .flat_map(|(item, mine)| {
            mine.iter().filter_map(|ticket| ticket.barcode.clone().map(|barcode| issued_ticket(item, barcode)))
        })
        .collect();
    issued.extend(tickets.iter().filter(|ticket| !used.contains(ticket.ticket_id.as_str())).filter_map(|ticket| {
        ticket.barcode.clone().map(|barcode| IssuedTicket {
            item_id: ticket.set_id.clone().unwrap_or_else(|| ticket.ticket_id.clone()),
            barcode,
            ..IssuedTicket::default()
        })
    }));
    issued
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_datetimes_in_every_spelling() {
        let utc = 1_564_066_571; // 2019-07-25 14:56:11 UTC
        let cases: &[(&str, Option<i64>)] = &[
            ("2019-07-25 14:56:11", Some(utc)),
            ("2019-07-25T14:56:11", Some(utc)),
            ("2019-07-25T14:56:11Z", Some(utc)),
            ("2019-07-25 14:56:11.250", Some(utc)),
            ("2019-07-25T17:56:11+03:00", Some(utc)),
            ("2019-07-25 17:56:11+03:00", Some(utc)),
            ("2019-07-25 14:56", Some(utc - 11)),
            ("", None),
            ("tomorrow", None),
            ("2019-13-25 14:56:11", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(parse_order_datetime(text), expected, "{text:?}");
        }
    }

    #[test]
    fn expiry_is_bounded_by_the_order() {
        let now = 1_000_000;
        let cases: &[(i64, Option<i64>, i64)] = &[
            (600, Some(now + 900), now + 600),
            (1200, Some(now + 900), now + 870),
            (1200, None, now + 570),
            // Implausibly close or past: a clock or format mismatch.
            (1200, Some(now + 60), now + 570),
            (1200, Some(now - 3600), now + 570),
            (300, None, now + 300),
        ];
        for &(hold_seconds, expired_after, expected) in cases {
            assert_eq!(hold_expiry(now, hold_seconds, expired_after), expected, "{hold_seconds} {expired_after:?}");
        }
    }

    #[test]
    fn refusals_name_the_places_they_mention() {
        let asked = vec![
            "6a1b2c3d8192000000000001".to_string(),
            "6a1b2c3d8192000000000004".to_string(),
            "64b7c1d2e3f4a5b6c7d8e904".to_string(),
        ];
        let fallback = vec!["6a1b2c3d8192000000000001".to_string(), "6a1b2c3d8192000000000004".to_string()];
        let refused = ProxyError::UpstreamRefused { code: "x".into() };
        let unavailable = |ids: &[&str]| ProxyError::SeatUnavailable { ids: ids.iter().map(|id| id.to_string()).collect() };
        let cases: Vec<(Vec<&str>, ProxyError)> = vec![
            (vec!["ticket (id = 6a1b2c3d8192000000000004) is not available"], unavailable(&["6a1b2c3d8192000000000004"])),
            (vec!["Ticket (id = 6A1B2C3D8192000000000004) is not available"], unavailable(&["6a1b2c3d8192000000000004"])),
            (
                vec!["Not enough tickets in set (id = 64b7c1d2e3f4a5b6c7d8e904): 5 requested, 2 available"],
                unavailable(&["64b7c1d2e3f4a5b6c7d8e904"]),
            ),
            (vec!["Some tickets are unavailable"], unavailable(&["6a1b2c3d8192000000000001", "6a1b2c3d8192000000000004"])),
            (vec!["Deal not found"], refused.clone()),
            (vec![], refused.clone()),
        ];
        for (messages, expected) in cases {
            let messages: Vec<String> = messages.iter().map(|message| message.to_string()).collect();
            assert_eq!(refusal_error(&messages, refused.clone(), &asked, &fallback), expected, "{messages:?}");
        }
    }

    #[test]
    fn order_answers_are_classified() {
        let cases: Vec<(Result<UpstreamResponse, ProxyError>, &str)> = vec![
            (Ok(UpstreamResponse::json(409, r#"{"errors":["Conflict"]}"#)), "conflict"),
            (Ok(UpstreamResponse::json(409, "")), "conflict"),
            (Ok(UpstreamResponse::json(400, r#"{"errors":["Not allow to update order in status done"]}"#)), "refused"),
            (Ok(UpstreamResponse::json(401, r#"{"errors":["Unauthorized"]}"#)), "refused"),
            (Ok(UpstreamResponse::json(404, r#"{"errors":["Order x not found"]}"#)), "gone"),
            (Ok(UpstreamResponse::json(502, "<html>bad gateway</html>")), "uncertain"),
            (Ok(UpstreamResponse::json(200, r#"{"data":{"id":"6b0a","sta"#)), "uncertain"),
            (Ok(UpstreamResponse::json(200, "[]")), "uncertain"),
            (Err(ProxyError::UpstreamTimeout), "uncertain"),
            (Ok(UpstreamResponse::json(200, r#"{"data":{"id":"6b0a","status":"executed","tickets":[]}}"#)), "order"),
            (Ok(UpstreamResponse::json(201, r#"{"id":"6b0a","status":"executed"}"#)), "order"),
        ];
        for (response, expected) in cases {
            let printed = format!("{response:?}");
            let kind = match read_order_answer(response) {
                OrderAnswer::Order(_) => "order",
                OrderAnswer::Conflict => "conflict",
                OrderAnswer::Refused { .. } => "refused",
                OrderAnswer::Gone(_) => "gone",
                OrderAnswer::Uncertain(_) => "uncertain",
            };
            assert_eq!(kind, expected, "{printed}");
        }
        let reading = read_order(
            r#"{"data":{"id":"../x","status":"DONE","expired_after":"2019-07-25 14:56:11",
            "tickets":[{"id":"a1","set":"s1","barcode":"123"},{"id":"a/2"},{"id":"a3","set":7,"barcode":null},"junk"]}}"#,
        )
        .unwrap();
        assert_eq!(reading.order_id, None, "an id unfit for a URL is dropped");
        assert_eq!(reading.status.as_deref(), Some("done"));
        assert_eq!(reading.expired_after, Some(1_564_066_571));
        let described: Vec<String> = reading
            .tickets
            .iter()
            .map(|ticket| format!("{} {:?} {:?}", ticket.ticket_id, ticket.set_id, ticket.barcode))
            .collect();
        assert_eq!(described, [r#"a1 Some("s1") Some("123")"#, "a3 Some(\"7\") None"]);
    }
}
