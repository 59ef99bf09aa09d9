//! TicketsCloud promo codes on a hold's order (`ticketscloud-distributor-api.txt`
//! l.2318–2660 "Добавить промокоды к заказу", "Проверка промокода", and the
//! order errors l.386–431, l.1420–1504).
//!
//! - **Apply** `code`: first `POST /v2/services/promocodes/check` `{event,
//!   code}`. A `400` (`{"error": "HTTPBadRequest", "reason": "Promocode not
//!   found"}`) is a refusal and nothing else is sent; a `200` names the sets
//!   the code is for and the fewest tickets it needs — a hold with none of
//!   those sets, or too few places, is refused without touching the order.
//!   Then `PATCH /v2/resources/orders/:id` `{"promocodes": [code]}` (desired
//!   state: the one code). The order answer is the judge: its `promocodes`
//!   must name a code and its `values` show a discount.
//! - **Remove**: the same PATCH with `{"promocodes": []}`.
//! - **Refusals** come two ways and both become one stable code
//!   ([`refusal_of`]): a `400 {"errors": ["Promokey expired"]}` (the order
//!   errors' "Promokey …" messages), or — "успешность применения промокода
//!   не влияет на код ответа" — a `200` order with `errors: [{"code":
//!   "promocode_not_found", "msg": …}]`. A refused or uncertain change whose
//!   answer does not show the order as it was is undone by the PATCH of the
//!   hold's previous code (or none), so a refusal leaves the hold *and* the
//!   order unchanged; if that fails too, the journal stays and the alarm
//!   sends it again.
//! - **Prices** are never ours: the hold's discounted total is the order's
//!   `values.full` (what the buyer pays: the discounted `nominal` plus the
//!   service fee `extra`, as the layout's set prices include it), the
//!   discount `values.discount`, the total before it their sum, and each
//!   item's discount its tickets' `discount` ([`OrderPricing::pricing_for`]). A later change of
//!   the hold's places re-reads them from that change's answer
//!   ([`reprice`], called by [`super::holds`]).
//!
//! QTickets' Partners API has no promo codes: `crate::holds::begin` answers
//! `promocode_not_supported` there and the layout's `accepts_promocodes` is
//! false.

use std::collections::HashSet;

use serde_json::{json, Value};
use ticket_contract::{HoldItem, HoldState};

use crate::errors::{PromocodeRefusal, ProxyError};
use crate::holds::journal::{StepClass, StepId, StepIntent};
use crate::holds::record::{item_id, item_places, HoldPromocode, HoldRecord, PromocodePricing, UpstreamHoldRefs};
use crate::holds::{view, CommandContext, Finished, HoldOperation, StepRequest};
use crate::money::decimal_text_to_minor_units;
use crate::ticketscloud::holds::ORDERS_PATH;
use crate::ticketscloud::{check_http_status, AUTHORIZATION_SCHEME};
use crate::upstream::{HttpMethod, UpstreamConfig, UpstreamRequest, UpstreamResponse};

pub const PROMOCODE_CHECK_PATH: &str = "v2/services/promocodes/check";

/// Builds the promo-code requests for one event's orders.
#[derive(Debug, Clone)]
pub struct PromocodeRequests {
    config: UpstreamConfig,
    /// Validated 24-hex event id (from [`crate::ids`]).
    event_id: String,
}

impl PromocodeRequests {
    pub fn new(config: UpstreamConfig, event_id: String) -> PromocodeRequests {
        PromocodeRequests { config, event_id }
    }

    /// `POST /v2/services/promocodes/check` `{"event", "code"}`.
    pub fn check(&self, code: &str) -> UpstreamRequest {
        let body = json!({"event": self.event_id, "code": code});
        self.send(HttpMethod::Post, PROMOCODE_CHECK_PATH.to_string(), body)
    }

    /// `PATCH /v2/resources/orders/:id` `{"promocodes": [...]}`: the codes
    /// the order should carry (none removes them).
    pub fn set_promocodes(&self, order_id: &str, codes: &[String]) -> UpstreamRequest {
        self.send(HttpMethod::Patch, format!("{ORDERS_PATH}/{order_id}"), json!({"promocodes": codes}))
    }

    fn send(&self, method: HttpMethod, path: String, body: Value) -> UpstreamRequest {
        self.config.request(method, &path, AUTHORIZATION_SCHEME, Some(("application/json", body.to_string())))
    }
}

/// The stable refusal an upstream text stands for: an order error's
/// "Promokey …" message, a promo-code error `code` (`promocode_not_found`)
/// or `msg`, or the check's `reason`. `None` for texts about something else
/// ("Not allow to update order in status expired" is not about a code).
pub fn refusal_of(text: &str) -> Option<PromocodeRefusal> {
    let text = text.to_lowercase();
    if !text.contains("promo") {
        return None;
    }
    let has = |fragments: &[&str]| fragments.iter().any(|fragment| text.contains(fragment));
    Some(if has(&["min_tickets", "more tickets", "mimimum count", "minimum count"]) {
        PromocodeRefusal::NotApplicable
    } else if has(&["not_found", "not found"]) {
        // "Promokey not founded", "Promocode not found".
        PromocodeRefusal::Invalid
    } else if has(&["expired"]) {
        PromocodeRefusal::Expired
    } else if has(&["fully reserved", "already reserved", "already_used", "already used", "exhausted"]) {
        PromocodeRefusal::Exhausted
    } else {
        // "Promokey needed (to add these tickets)", "Cant use promocode when
        // event have promotion", "promocode_apply_info", anything new.
        PromocodeRefusal::NotApplicable
    })
}

/// The first promo-code refusal among `texts`.
fn first_refusal(texts: &[String]) -> Option<PromocodeRefusal> {
    texts.iter().find_map(|text| refusal_of(text))
}

/// What the check says about a code for this event (`data` of a `200`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckedPromocode {
    /// The sets it is for; empty = every set.
    pub sets: Vec<String>,
    /// The fewest tickets in an order before it gives anything.
    pub fewest_tickets: Option<u64>,
}

/// A `200` check answer; `None` when it cannot be read (the order PATCH
/// judges then).
fn read_check(body: &str) -> Option<CheckedPromocode> {
    let document: Value = serde_json::from_str(body).ok()?;
    let data = document.get("data").filter(|data| data.is_object()).unwrap_or(&document);
    let sets = data
        .get("sets")
        .and_then(Value::as_array)
        .map(|sets| sets.iter().filter_map(|set| set.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let fewest_tickets = data.pointer("/tickets_count/min").and_then(|min| min.as_u64().or_else(|| min.as_str()?.parse().ok()));
    Some(CheckedPromocode { sets, fewest_tickets })
}

impl CheckedPromocode {
    /// Whether the code can give anything to an order with these tickets'
    /// sets and this many places.
    pub fn fits(&self, order_sets: &HashSet<&str>, places: u64) -> bool {
        let sets_fit = self.sets.is_empty() || self.sets.iter().any(|set| order_sets.contains(set.as_str()));
        sets_fit && self.fewest_tickets.is_none_or(|fewest| places >= fewest)
    }
}

/// One ticket of an order, priced.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TicketPrice {
    ticket_id: String,
    set_id: Option<String>,
    discount: Option<i64>,
}

/// The promo-code parts of one order answer (`PATCH`/`POST`/`GET` of an
/// order): which codes it carries, its money and the errors it lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderPricing {
    /// `data.promocodes`: the ids of the codes on the order; `None` when the
    /// answer has no such list.
    pub promocode_ids: Option<Vec<String>>,
    tickets: Vec<TicketPrice>,
    /// `values.full` and `values.discount` (minor units).
    full: Option<i64>,
    discount: Option<i64>,
    /// The answer's `errors`: texts, and the `code` and `msg` of objects.
    pub errors: Vec<String>,
}

fn money(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::String(text) => decimal_text_to_minor_units(text),
        Value::Number(number) => decimal_text_to_minor_units(&number.to_string()),
        _ => None,
    }
}

/// Reads the promo-code parts of an order answer body (`{"data": order,
/// "refs": …, "errors": …}` or a bare order); `None` when it is no JSON
/// object at all.
pub fn read_order_pricing(body: &str) -> Option<OrderPricing> {
    if !body.trim_start().starts_with('{') {
        return None;
    }
    let document: Value = serde_json::from_str(body).ok()?;
    let order = document.get("data").filter(|data| data.is_object()).unwrap_or(&document);
    let promocode_ids = order.get("promocodes").and_then(Value::as_array).map(|ids| {
        ids.iter()
            .filter_map(|id| match id {
                Value::String(id) => Some(id.clone()),
                Value::Object(code) => code.get("id").and_then(Value::as_str).map(str::to_string),
                _ => None,
            })
            .collect()
    });
    let tickets = order
        .get("tickets")
        .and_then(Value::as_array)
        .map(|tickets| {
            tickets
                .iter()
                .filter_map(|ticket| {
                    Some(TicketPrice {
                        ticket_id: ticket.get("id")?.as_str()?.to_string(),
                        set_id: ticket.get("set").and_then(Value::as_str).map(str::to_string),
                        discount: money(ticket.get("discount")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let values = order.get("values");
    let mut errors = Vec::new();
    for source in [document.get("errors"), order.get("errors")].into_iter().flatten() {
        let entries = match source {
            Value::Array(entries) => entries.clone(),
            other => vec![other.clone()],
        };
        for entry in entries {
            match entry {
                Value::String(text) => errors.push(text),
                Value::Object(fields) => {
                    for key in ["code", "msg", "message"] {
                        if let Some(text) = fields.get(key).and_then(Value::as_str) {
                            errors.push(text.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Some(OrderPricing {
        promocode_ids,
        tickets,
        full: money(values.and_then(|values| values.get("full"))),
        discount: money(values.and_then(|values| values.get("discount"))),
        errors,
    })
}

impl OrderPricing {
    /// Whether the order carries a promo code; `None` when the answer does not say.
    pub fn carries_a_code(&self) -> Option<bool> {
        self.promocode_ids.as_ref().map(|ids| !ids.is_empty())
    }

    /// The hold's prices as this answer gives them: the total to pay is
    /// `values.full`, the discount `values.discount` (the total before it is
    /// their sum), each item's discount from its tickets (a seat's ticket
    /// has the seat's id; an admission's are the tickets of its set that are
    /// no seat of the hold). `None` when the answer has no `values` totals.
    pub fn pricing_for(&self, items: &[HoldItem]) -> Option<PromocodePricing> {
        let (total, discount) = (self.full?, self.discount?);
        let total_before_discount = total.saturating_add(discount);
        let seat_ids: HashSet<&str> = items.iter().filter(|item| matches!(item, HoldItem::Seat { .. })).map(item_id).collect();
        let item_discounts = items
            .iter()
            .filter_map(|item| {
                let discounts: Vec<i64> = match item {
                    HoldItem::Seat { seat_id, .. } => self
                        .tickets
                        .iter()
                        .filter(|ticket| &ticket.ticket_id == seat_id)
                        .take(1)
                        .filter_map(|ticket| ticket.discount)
                        .collect(),
                    HoldItem::Admission { admission_id, .. } => self
                        .tickets
                        .iter()
                        .filter(|ticket| {
                            ticket.set_id.as_deref() == Some(admission_id.as_str())
                                && !seat_ids.contains(ticket.ticket_id.as_str())
                        })
                        .take(item_places(item) as usize)
                        .filter_map(|ticket| ticket.discount)
                        .collect(),
                };
                let line: i64 = discounts.iter().fold(0i64, |sum, discount| sum.saturating_add(*discount));
                (line > 0).then(|| (item_id(item).to_string(), line))
            })
            .collect();
        Some(PromocodePricing { total_before_discount, discount, total, item_discounts })
    }
}

/// After another command read the order (a change of places, a confirm):
/// the hold's promo code as that answer shows it — dropped if the order no
/// longer carries one, else re-priced (or marked unpriced when the answer
/// has no totals). A hold without a code is left alone.
pub fn reprice(record: &mut HoldRecord, pricing: Option<&OrderPricing>) {
    let Some(pricing) = pricing else { return };
    if record.promocode.is_none() {
        return;
    }
    if pricing.carries_a_code() == Some(false) {
        record.promocode = None;
        return;
    }
    let repriced = pricing.pricing_for(&record.items);
    if let Some(promocode) = &mut record.promocode {
        promocode.pricing = repriced;
    }
}

/// What was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Goal {
    Apply(String),
    Remove,
    /// An interrupted apply or remove: the order gets the record's code back.
    Undo,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Check(String),
    /// The codes the order should carry.
    Set(Vec<String>),
    /// Put the record's code (or none) back after a refused or uncertain set.
    Restore(Vec<String>),
}

/// One promo-code command on one TicketsCloud hold.
pub(crate) struct PromocodeOperation {
    requests: PromocodeRequests,
    goal: Goal,
    record: HoldRecord,
    order_id: Option<String>,
    step: Option<Step>,
    in_flight: Option<StepId>,
    next_step: StepId,
    retried: bool,
    /// A `Set` was sent: the order may carry another code than the record says.
    order_touched: bool,
    /// The command's outcome once known: the hold's new promo code (applied,
    /// or `None` removed).
    done: Option<Option<HoldPromocode>>,
    failure: Option<ProxyError>,
    /// The order is cancelled or expired upstream.
    order_gone: bool,
    /// The restore could not be done: the alarm sends it again.
    restore_pending: bool,
    /// Prices from the last readable order answer.
    last_pricing: Option<OrderPricing>,
    context: CommandContext,
    clock_ms: i64,
}

impl PromocodeOperation {
    /// Apply `code` (`Some`) or remove the hold's code (`None`).
    pub(crate) fn change(
        requests: PromocodeRequests,
        record: HoldRecord,
        code: Option<String>,
        context: CommandContext,
    ) -> PromocodeOperation {
        let (goal, first) = match code {
            Some(code) => (Goal::Apply(code.clone()), Step::Check(code)),
            None => (Goal::Remove, Step::Set(Vec::new())),
        };
        PromocodeOperation::new(requests, record, goal, first, context)
    }

    /// Undoes an interrupted apply or remove: the record's code back on the order.
    pub(crate) fn undo(requests: PromocodeRequests, record: HoldRecord, context: CommandContext) -> PromocodeOperation {
        let codes = recorded_codes(&record);
        PromocodeOperation::new(requests, record, Goal::Undo, Step::Restore(codes), context)
    }

    fn new(
        requests: PromocodeRequests,
        record: HoldRecord,
        goal: Goal,
        first: Step,
        context: CommandContext,
    ) -> PromocodeOperation {
        let order_id = match &record.upstream {
            UpstreamHoldRefs::Ticketscloud { order_id, .. } if !order_id.is_empty() => Some(order_id.clone()),
            _ => None,
        };
        PromocodeOperation {
            requests,
            goal,
            record,
            order_id,
            step: Some(first),
            in_flight: None,
            next_step: 1,
            retried: false,
            order_touched: false,
            done: None,
            failure: None,
            order_gone: false,
            restore_pending: false,
            last_pricing: None,
            clock_ms: context.now.saturating_mul(1000),
            context,
        }
    }

    fn set_step(&mut self, step: Option<Step>) {
        self.step = step;
        self.retried = false;
    }

    fn retry_once(&mut self) -> bool {
        !std::mem::replace(&mut self.retried, true)
    }

    fn stop(&mut self, error: ProxyError) {
        self.failure.get_or_insert(error);
        self.set_step(None);
    }

    /// Refused (or failed) after the order may have changed: put the
    /// record's code back unless the answer shows the order as it was.
    fn refuse(&mut self, error: ProxyError, order_as_it_was: bool) {
        self.failure.get_or_insert(error);
        if order_as_it_was {
            self.set_step(None);
        } else {
            self.set_step(Some(Step::Restore(recorded_codes(&self.record))));
        }
    }

    fn on_check(&mut self, code: String, response: Result<UpstreamResponse, ProxyError>) {
        let response = match response {
            Ok(response) => response,
            Err(_) if self.retry_once() => return,
            Err(error) => return self.stop(error),
        };
        if response.is_success() {
            let fits = read_check(&response.body).is_none_or(|checked| {
                let (sets, places) = order_sets_and_places(&self.record);
                checked.fits(&sets.iter().map(String::as_str).collect(), places)
            });
            if !fits {
                return self.stop(ProxyError::PromocodeRefused { reason: PromocodeRefusal::NotApplicable });
            }
            return self.set_step(Some(Step::Set(vec![code])));
        }
        match response.status {
            // The document: a code that cannot be applied is a 400 with a reason.
            400 | 404 | 409 | 422 => {
                let texts = check_texts(&response.body);
                match first_refusal(&texts) {
                    Some(reason) => self.stop(ProxyError::PromocodeRefused { reason }),
                    None if response.status == 400 => {
                        self.stop(ProxyError::PromocodeRefused { reason: PromocodeRefusal::NotApplicable })
                    }
                    None => self.stop(check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into)),
                }
            }
            408 | 429 | 500..=599 if self.retry_once() => {}
            _ => self.stop(check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into)),
        }
    }

    fn on_set(&mut self, response: Result<UpstreamResponse, ProxyError>) {
        let answer = read_answer(response);
        match answer {
            Answer::Order(pricing) => {
                self.last_pricing = Some(pricing.clone());
                let as_it_was = pricing.carries_a_code() == Some(self.record.promocode.is_some());
                if let Some(reason) = first_refusal(&pricing.errors) {
                    return self.refuse(ProxyError::PromocodeRefused { reason }, as_it_was);
                }
                match &self.goal {
                    Goal::Apply(code) => {
                        let priced = pricing.pricing_for(&self.record.items);
                        let discounted = priced.as_ref().is_some_and(|priced| priced.discount > 0);
                        if pricing.carries_a_code() == Some(false) || (priced.is_some() && !discounted) {
                            // Accepted without effect: not for these places.
                            return self
                                .refuse(ProxyError::PromocodeRefused { reason: PromocodeRefusal::NotApplicable }, as_it_was);
                        }
                        self.done = Some(Some(HoldPromocode { code: code.clone(), pricing: priced }));
                    }
                    Goal::Remove if pricing.carries_a_code() == Some(true) => {
                        // Still on the order (the tickets need it): the hold keeps it.
                        return self.refuse(ProxyError::PromocodeRefused { reason: PromocodeRefusal::NotApplicable }, true);
                    }
                    Goal::Remove | Goal::Undo => self.done = Some(None),
                }
                self.set_step(None);
            }
            Answer::Conflict if self.retry_once() => {}
            Answer::Conflict => self.refuse(ProxyError::UpstreamConflict, true),
            Answer::Refused { texts, error } => match first_refusal(&texts) {
                Some(reason) => self.refuse(ProxyError::PromocodeRefused { reason }, true),
                None if says_order_gone(&texts) => self.gone(),
                None => self.refuse(error, true),
            },
            Answer::Gone => self.gone(),
            // A desired state: sending it again is safe.
            Answer::Uncertain(_) if self.retry_once() => {}
            Answer::Uncertain(error) => self.refuse(error, false),
        }
    }

    fn on_restore(&mut self, response: Result<UpstreamResponse, ProxyError>) {
        match read_answer(response) {
            Answer::Order(pricing) => {
                self.last_pricing = Some(pricing);
                if self.goal == Goal::Undo {
                    self.done = Some(self.record.promocode.clone());
                }
                self.set_step(None);
            }
            Answer::Gone => self.gone(),
            Answer::Refused { texts, .. } if says_order_gone(&texts) => self.gone(),
            Answer::Conflict | Answer::Uncertain(_) if self.retry_once() => {}
            Answer::Conflict => self.restore_failed(ProxyError::UpstreamConflict),
            Answer::Refused { error, .. } | Answer::Uncertain(error) => self.restore_failed(error),
        }
    }

    fn restore_failed(&mut self, error: ProxyError) {
        self.restore_pending = true;
        self.stop(error);
    }

    fn gone(&mut self) {
        self.order_gone = true;
        self.failure = Some(ProxyError::HoldExpired);
        self.set_step(None);
    }

    fn step_class(&self, step: &Step) -> StepClass {
        match step {
            Step::Check(_) | Step::Set(_) if self.goal != Goal::Undo => StepClass::Forward,
            _ => StepClass::Cleanup,
        }
    }

    fn run_out_of(&mut self, class: StepClass, step: Step) {
        match (class, step) {
            (StepClass::Forward, _) => {
                let touched = self.order_touched;
                self.refuse(ProxyError::UpstreamTimeout, !touched)
            }
            (StepClass::Cleanup, _) => self.restore_failed(ProxyError::UpstreamTimeout),
        }
    }

    fn request_for(&self, step: &Step, order_id: &str) -> UpstreamRequest {
        match step {
            Step::Check(code) => self.requests.check(code),
            Step::Set(codes) | Step::Restore(codes) => self.requests.set_promocodes(order_id, codes),
        }
    }

    fn intent(&self, step: &Step, id: StepId) -> StepIntent {
        let action = match step {
            Step::Check(_) => "check promocode",
            Step::Set(_) => "patch order promocodes",
            Step::Restore(_) => "restore order promocodes",
        };
        StepIntent { step: id, action: action.to_string(), reference: self.order_id.clone() }
    }

    fn now(&self) -> i64 {
        self.context.now.max(self.clock_ms.div_euclid(1000))
    }
}

impl HoldOperation for PromocodeOperation {
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest> {
        self.clock_ms = self.clock_ms.max(now_ms);
        for _ in 0..4 {
            if self.in_flight.is_some() {
                return Vec::new();
            }
            let Some(step) = self.step.clone() else { return Vec::new() };
            let Some(order_id) = self.order_id.clone() else {
                // A held TicketsCloud hold always has its order.
                self.stop(ProxyError::Internal);
                return Vec::new();
            };
            let class = self.step_class(&step);
            if !self.context.deadlines.allows(class, now_ms) {
                self.run_out_of(class, step);
                continue;
            }
            if matches!(step, Step::Set(_)) {
                self.order_touched = true;
            }
            let request = self.request_for(&step, &order_id);
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
        match self.step.clone() {
            Some(Step::Check(code)) => self.on_check(code, response),
            Some(Step::Set(_)) => self.on_set(response),
            Some(Step::Restore(_)) => self.on_restore(response),
            None => {}
        }
    }

    fn checkpoint(&self) -> Option<HoldRecord> {
        let mut record = self.record.clone();
        let intents = match (&self.step, self.in_flight) {
            (Some(step), Some(id)) => vec![self.intent(step, id)],
            _ => Vec::new(),
        };
        record.journal = Some(self.context.journal_with(intents));
        Some(record)
    }

    fn finish(self: Box<Self>) -> Finished {
        let mut operation = *self;
        let now = operation.now();
        if operation.step.take().is_some() {
            // Finished before the last answer: the order may be changed.
            operation.failure.get_or_insert(ProxyError::Internal);
            operation.restore_pending |= operation.order_touched;
        }
        let mut record = operation.record.clone();
        record.journal = None;
        if operation.order_gone {
            record.state = HoldState::Expired;
            return Finished { record: Some(record), result: Err(ProxyError::HoldExpired) };
        }
        match (operation.done.take(), operation.failure.take()) {
            (Some(promocode), None) => {
                record.promocode = promocode;
                reprice_from_restore(&mut record, operation.goal == Goal::Undo, operation.last_pricing.as_ref());
                let hold = view(&record, now);
                Finished { record: Some(record), result: Ok(hold) }
            }
            (_, failure) => {
                let error = failure.unwrap_or(ProxyError::Internal);
                if operation.restore_pending {
                    // The order may carry another code than the record says:
                    // the alarm puts the record's back.
                    record.journal = operation.context.unfinished(now);
                } else {
                    // The order is as the record says (untouched, shown so, or
                    // restored): its last answer's prices are the record's.
                    reprice_from_restore(&mut record, true, operation.last_pricing.as_ref());
                }
                Finished { record: Some(record), result: Err(error) }
            }
        }
    }
}

/// After an undo or a refusal whose last answer shows the order with the
/// record's code again, the record takes that answer's prices.
fn reprice_from_restore(record: &mut HoldRecord, restored: bool, pricing: Option<&OrderPricing>) {
    if !restored {
        return;
    }
    if let (Some(pricing), Some(promocode)) = (pricing, record.promocode.as_mut()) {
        if pricing.carries_a_code() != Some(false) {
            if let Some(priced) = pricing.pricing_for(&record.items) {
                promocode.pricing = Some(priced);
            }
        }
    }
}

/// The codes the order should carry for the record: its code, or none.
fn recorded_codes(record: &HoldRecord) -> Vec<String> {
    record.promocode.iter().map(|promocode| promocode.code.clone()).collect()
}

/// The sets of the order's tickets and the hold's number of places.
fn order_sets_and_places(record: &HoldRecord) -> (Vec<String>, u64) {
    let sets = match &record.upstream {
        UpstreamHoldRefs::Ticketscloud { tickets, .. } => tickets.iter().filter_map(|ticket| ticket.set_id.clone()).collect(),
        UpstreamHoldRefs::Qtickets { .. } => Vec::new(),
    };
    let mut sets: Vec<String> = sets;
    // An admission item's id is its set id.
    sets.extend(
        record.items.iter().filter(|item| matches!(item, HoldItem::Admission { .. })).map(|item| item_id(item).to_string()),
    );
    let places = record.items.iter().map(|item| u64::from(item_places(item))).sum();
    (sets, places)
}

/// The texts of a check refusal: `{"error": "HTTPBadRequest", "reason": "…"}`,
/// or the order-style `{"errors": [...]}`.
fn check_texts(body: &str) -> Vec<String> {
    let Ok(document) = serde_json::from_str::<Value>(body) else { return Vec::new() };
    let mut texts: Vec<String> = ["reason", "message", "msg", "code"]
        .iter()
        .filter_map(|key| document.get(*key).and_then(Value::as_str).map(str::to_string))
        .collect();
    if let Some(pricing) = read_order_pricing(body) {
        texts.extend(pricing.errors);
    }
    texts
}

fn says_order_gone(texts: &[String]) -> bool {
    texts.iter().any(|text| {
        let text = text.to_lowercase();
        text.contains("in status cancelled") || text.contains("in status expired")
    })
}

/// An order PATCH's answer, as far as a promo code is concerned.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Order(OrderPricing),
    Conflict,
    /// A 4xx refusal: nothing changed.
    Refused {
        texts: Vec<String>,
        error: ProxyError,
    },
    /// 404: the order is no more.
    Gone,
    /// No readable answer: the PATCH may or may not have happened.
    Uncertain(ProxyError),
}

fn read_answer(response: Result<UpstreamResponse, ProxyError>) -> Answer {
    let response = match response {
        Ok(response) => response,
        Err(error) => return Answer::Uncertain(error),
    };
    if response.status == 409 {
        return Answer::Conflict;
    }
    if response.is_success() {
        return match read_order_pricing(&response.body) {
            Some(pricing) if pricing.promocode_ids.is_some() || pricing.full.is_some() => Answer::Order(pricing),
            _ => Answer::Uncertain(ProxyError::UpstreamBadResponse { what: "TicketsCloud order is not readable".into() }),
        };
    }
    let error: ProxyError = check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into);
    let texts = check_texts(&response.body);
    match response.status {
        404 if !texts.is_empty() => Answer::Gone,
        408 | 425 | 429 | 500..=599 => Answer::Uncertain(error),
        400..=499 => Answer::Refused { texts, error },
        _ => Answer::Uncertain(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_of_the_document_has_its_stable_code() {
        use PromocodeRefusal::*;
        let cases: &[(&str, Option<PromocodeRefusal>)] = &[
            // Order errors (l.386–431, l.1420–1504).
            ("Promokey needed", Some(NotApplicable)),
            ("Promokey not founded", Some(Invalid)),
            ("Promokey expired", Some(Expired)),
            ("Promokey fully reserved", Some(Exhausted)),
            ("Promokey already reserved", Some(Exhausted)),
            ("Cant use promocode when event have promotion", Some(NotApplicable)),
            ("Promokey needed to add these tickets", Some(NotApplicable)),
            // Promo-code errors of a 200 answer (l.2455–2480), codes and messages.
            ("promocode_not_found", Some(Invalid)),
            ("Promocode not found", Some(Invalid)),
            ("promocode_already_used", Some(Exhausted)),
            ("Promocode already used", Some(Exhausted)),
            ("promocode_limit_min_tickets", Some(NotApplicable)),
            ("Need more tickets in order for promocode activation", Some(NotApplicable)),
            ("Mimimum count of tickets in order for promocode activation is 3", Some(NotApplicable)),
            ("promocode_apply_info", Some(NotApplicable)),
            ("Cant apply promocode by some reason", Some(NotApplicable)),
            // Not about a code.
            ("Not allow to update order in status expired", None),
            ("Deal not found", None),
            ("Event 5f1a0c0e2b3c4d5e6f708193 not found", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(refusal_of(text), expected, "{text:?}");
        }
    }

    #[test]
    fn order_answers_give_the_upstreams_prices() {
        // The document's example (l.2363–2440): 1000.00 less 100.00 = 900.00,
        // plus the service fee 46.12: 946.12 to pay.
        let body = r#"{"data":{"id":"5bacf64ea0eb2f000c45160a","status":"executed","promocodes":["5d664d392a4191909a568b40"],
            "tickets":[{"barcode":null,"discount":"100.00","extra":"46.12","full":"946.12","id":"5d664830b8a2cb5ce0576457",
            "nominal":"900.00","number":142278,"price":"1000.00","serial":"BKC","set":"5d6648306b23e8a5f90ef047","status":"reserved"}],
            "values":{"discount":"100.00","extra":"46.12","full":"946.12","nominal":"900.00","price":"1000.00"}},
            "refs":{"promocodes":{"5d664d392a4191909a568b40":{"code":"promo100","discount":{"fix":"100.00"}}}}}"#;
        let pricing = read_order_pricing(body).unwrap();
        assert_eq!(pricing.carries_a_code(), Some(true));
        assert!(pricing.errors.is_empty());
        let items = vec![HoldItem::Admission {
            admission_id: "5d6648306b23e8a5f90ef047".into(),
            zone_name: "Партер".into(),
            quantity: 1,
            unit_price: ticket_contract::Money::rub_minor(100_000),
        }];
        assert_eq!(
            pricing.pricing_for(&items),
            Some(PromocodePricing {
                total_before_discount: 104_612,
                discount: 10_000,
                total: 94_612,
                item_discounts: vec![("5d6648306b23e8a5f90ef047".into(), 10_000)],
            })
        );

        // A 200 whose code was not applied (l.2476–2498).
        let refused = r#"{"data":{"promocodes":[],"values":{"price":"1000.00","discount":"0.00","nominal":"1000.00","full":"1046.12"}},
            "errors":[{"code":"promocode_not_found","msg":"Promocode not found"}]}"#;
        let pricing = read_order_pricing(refused).unwrap();
        assert_eq!(pricing.carries_a_code(), Some(false));
        assert_eq!(first_refusal(&pricing.errors), Some(PromocodeRefusal::Invalid));

        assert_eq!(read_order_pricing("<html>"), None);
        let bare = read_order_pricing(r#"{"id":"1","status":"executed"}"#).unwrap();
        assert_eq!((bare.carries_a_code(), bare.pricing_for(&items)), (None, None));
    }

    #[test]
    fn the_check_decides_whether_a_code_can_fit_the_hold() {
        let checked = read_check(
            r#"{"data":{"discount":{"percentage":"25%"},"sets":["5d765a59221988d7da985879"],"tickets_count":{"min":2}},"refs":{}}"#,
        )
        .unwrap();
        assert_eq!(checked.sets, ["5d765a59221988d7da985879"]);
        assert_eq!(checked.fewest_tickets, Some(2));
        let set: HashSet<&str> = ["5d765a59221988d7da985879"].into_iter().collect();
        let other: HashSet<&str> = ["64b7c1d2e3f4a5b6c7d8e905"].into_iter().collect();
        let cases = [(&set, 2, true), (&set, 1, false), (&other, 5, false)];
        for (sets, places, fits) in cases {
            assert_eq!(checked.fits(sets, places), fits, "{sets:?} {places}");
        }
        let open =
            read_check(r#"{"data":{"discount":{"fix":"100.00"},"sets":[],"tickets_count":{}},"refs":{"sets":{}}}"#).unwrap();
        assert!(open.fits(&other, 1));
        assert_eq!(
            check_texts(r#"{"error":"HTTPBadRequest","reason":"Promocode not found"}"#).iter().find_map(|text| refusal_of(text)),
            Some(PromocodeRefusal::Invalid)
        );
    }
}
