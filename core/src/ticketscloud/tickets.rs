//! Complete TicketsCloud tickets, and what a paid hold waits for afterwards.
//!
//! The document says what a ticket must show (l.2190–2215): barcode, series
//! and number, category, row and seat, price, venue (name and address), the
//! start in the venue's zone, the event's title, and the organiser's legal
//! entity (name, INN, OGRN, address unless a sole trader). So, for a paid
//! hold:
//!
//! - the order's tickets give `barcode`, `serial`, `number` and `full` (the
//!   price paid, fee included), and the order's `refs` give the event
//!   (`title`, `lifetime.start`, `timezone`, `venue`) and the venue (`name`,
//!   `address`, `city`) — read from every order answer the command gets;
//! - the organiser's legal details are only in the catalogue listing
//!   (`/v1/services/simple/events`, `org.legal_detail`: `name`, `inn`,
//!   `ogrn` | `ogrnip`, `address`, l.3060–3070), read page by page (either
//!   form, `listing.rs`) until the event turns up or an empty page ends the
//!   list, once per hold.
//!
//! A `done` order may come without barcodes (`barcode: null`, l.606–632):
//! the hold is `confirmed` with `tickets_pending`, and its Durable Object's
//! alarm reads the order again through the documented orders list
//! (`GET /v2/resources/orders?events=…&status=done&created_at=…`,
//! l.2640–2800), backing off ([`crate::holds::FollowUp`]) until every
//! barcode is there. The same follow-up reads a refund's progress
//! ([`super::refunds`]) and retries an organiser lookup that failed.
//!
//! [`completing`] wraps the order operation of a confirm (or a release that
//! finds the order paid): it passes every request through, notes what the
//! answers say about the tickets, and once the hold is confirmed completes
//! its tickets. [`follow_up`] is the alarm's look.

use std::collections::HashMap;

use serde::Deserialize;
use ticket_contract::{HoldItem, HoldState, IssuedTicket, Money, Organiser, RefundState, TicketEvent, Venue};

use super::holds::{
    issued_tickets, parse_order_datetime, tickets_complete, vendor_order_id, TicketscloudOperation, TicketscloudOrderRequests,
    TicketscloudTicketRef, MOST_ORDER_LIST_PAGES, ORDERS_PATH, ORDER_LIST_PAGE_SIZE,
};
use super::listing::read_listing_as;
use super::refunds::{list_datetime, read_refund_progress, RefundProgress, MOST_REFUND_LIST_PAGES};
use super::wire::{LocalisedText, TicketscloudCity, TicketscloudLifetime, TicketscloudTitle};
use super::{AUTHORIZATION_SCHEME, EVENTS_PATH};
use crate::errors::ProxyError;
use crate::holds::journal::{StepClass, StepId};
use crate::holds::record::{item_id, FollowUp, HoldRecord, UpstreamHoldRefs};
use crate::holds::{view, CommandContext, Finished, HoldOperation, StepRequest};
use crate::lenient::{Loose, LooseList, LooseObjectOrText, ObjectOrText, Scalar};
use crate::provider::MAX_CATALOGUE_PAGES;
use crate::qtickets::holds::is_acceptable_barcode;
use crate::upstream::{HttpMethod, UpstreamRequest, UpstreamResponse};
use crate::venue_time::{format_in_zone, known_zone, parse_vevent_start, FALLBACK_ZONE};

/// Events per catalogue page when looking for the organiser.
pub const ORGANISER_PAGE_SIZE: u32 = 100;
/// Orders are searched among those created this long either side of the
/// hold's expiry: the list's datetimes carry no offset, so whichever of
/// Russia's zones the upstream reads them in, the order is still inside.
pub const ORDER_SEARCH_SLACK_SECONDS: i64 = 15 * 3600;
/// Step ids of this wrapper's own requests (the wrapped operation counts from 1).
const OWN_STEPS_FROM: StepId = 1 << 24;

impl TicketscloudOrderRequests {
    /// One page of this event's orders created around `around` (unix
    /// seconds), of one `status` or any.
    pub(crate) fn orders_around(&self, page: u32, status: Option<&str>, around: i64) -> UpstreamRequest {
        let from = list_datetime(around.saturating_sub(ORDER_SEARCH_SLACK_SECONDS));
        let to = list_datetime(around.saturating_add(ORDER_SEARCH_SLACK_SECONDS));
        let mut query = format!("events={}&created_at={from},{to}", self.event_id);
        if let Some(status) = status {
            query.push_str(&format!("&status={status}"));
        }
        query.push_str(&format!("&page={page}&page_size={ORDER_LIST_PAGE_SIZE}"));
        self.send(HttpMethod::Get, format!("{ORDERS_PATH}?{query}"), None)
    }

    /// One page of the catalogue listing, for the organiser's legal details.
    pub(crate) fn listing_page(&self, page: u32) -> UpstreamRequest {
        let path = format!("{EVENTS_PATH}?page={page}&page_size={ORGANISER_PAGE_SIZE}");
        self.config.request(HttpMethod::Get, &path, AUTHORIZATION_SCHEME, None)
    }
}

/// What order answers said about one ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TicketFacts {
    pub serial: Option<String>,
    pub number: Option<String>,
    pub price: Option<Money>,
    pub barcode: Option<String>,
}

/// What order answers said about the hold's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OrderFacts {
    /// By upstream ticket id.
    pub tickets: HashMap<String, TicketFacts>,
    pub event: Option<TicketEvent>,
}

impl OrderFacts {
    fn merge(&mut self, newer: OrderFacts) {
        for (ticket_id, facts) in newer.tickets {
            let known = self.tickets.entry(ticket_id).or_default();
            known.serial = facts.serial.or(known.serial.take());
            known.number = facts.number.or(known.number.take());
            known.price = facts.price.or(known.price);
            known.barcode = facts.barcode.or(known.barcode.take());
        }
        if newer.event.is_some() {
            self.event = newer.event;
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FactsEnvelope {
    /// An order (`POST`/`PATCH` answers) or a list of them (the orders list).
    data: serde_json::Value,
    refs: Loose<FactsRefs>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FactsOrder {
    id: Scalar,
    event: Scalar,
    tickets: LooseList<FactsTicket>,
    vendor_data: Loose<FactsVendorData>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FactsVendorData {
    order_id: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FactsTicket {
    id: Scalar,
    serial: Scalar,
    number: Scalar,
    price: Scalar,
    full: Scalar,
    barcode: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FactsRefs {
    events: LooseList<RefEvent>,
    venues: LooseList<RefVenue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RefEvent {
    id: Scalar,
    title: LooseObjectOrText<TicketscloudTitle>,
    lifetime: LooseObjectOrText<TicketscloudLifetime>,
    timezone: Scalar,
    venue: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RefVenue {
    id: Scalar,
    name: LocalisedText,
    address: LocalisedText,
    city: Loose<TicketscloudCity>,
    timezone: Scalar,
}

/// The facts an order answer (one order, or the orders list) gives about
/// the order `order_id` (or, before its id is known, the order our hold
/// made); `None` when the answer holds no such order.
pub(crate) fn read_order_facts(body: &str, order_id: Option<&str>, hold_id: &str) -> Option<OrderFacts> {
    let envelope: FactsEnvelope = serde_json::from_str(body).ok()?;
    let ours = vendor_order_id(hold_id);
    let is_ours = |order: &FactsOrder| match order_id {
        Some(order_id) => order.id.as_text().as_deref() == Some(order_id),
        None => order.vendor_data.as_ref().and_then(|vendor| vendor.order_id.as_text()).as_deref() == Some(ours.as_str()),
    };
    let order = match envelope.data {
        serde_json::Value::Array(orders) => orders
            .into_iter()
            .filter_map(|order| serde_json::from_value::<FactsOrder>(order).ok())
            .find(|order| is_ours(order))?,
        object @ serde_json::Value::Object(_) => {
            let order = serde_json::from_value::<FactsOrder>(object).ok()?;
            // One order answered for our request: ours, unless it says otherwise.
            let says_other = order.id.as_text().zip(order_id).is_some_and(|(read, ours)| read != ours);
            if says_other {
                return None;
            }
            order
        }
        _ => return None,
    };
    let tickets = order
        .tickets
        .items
        .iter()
        .filter_map(|ticket| {
            let facts = TicketFacts {
                serial: ticket.serial.as_text(),
                number: ticket.number.as_text(),
                price: ticket.full.as_minor_units().or_else(|| ticket.price.as_minor_units()).map(Money::rub_minor),
                barcode: ticket.barcode.as_text().filter(|barcode| is_acceptable_barcode(barcode)),
            };
            Some((ticket.id.as_text()?, facts))
        })
        .collect();
    let event = envelope.refs.as_ref().and_then(|refs| event_of(refs, order.event.as_text().as_deref()));
    Some(OrderFacts { tickets, event })
}

/// The event a ticket names, from an order answer's `refs`.
fn event_of(refs: &FactsRefs, event_id: Option<&str>) -> Option<TicketEvent> {
    let event = refs.events.items.iter().find(|event| event_id.is_none() || event.id.as_text().as_deref() == event_id)?;
    let title = match event.title.0.as_ref()? {
        ObjectOrText::Object(title) => title.text.as_text()?,
        ObjectOrText::Text(text) => text.trim().to_string(),
    };
    let venue_id = event.venue.as_text();
    let venue = refs.venues.items.iter().find(|venue| venue.id.as_text().is_some() && venue.id.as_text() == venue_id);
    let city = venue.and_then(|venue| venue.city.as_ref());
    let zone = [
        event.timezone.as_text(),
        city.and_then(|city| city.timezone.as_text()),
        venue.and_then(|venue| venue.timezone.as_text()),
    ]
    .into_iter()
    .find_map(|name| known_zone(name.as_deref()))
    .unwrap_or(FALLBACK_ZONE);
    let start = match event.lifetime.0.as_ref()? {
        // Order refs write `2019-08-15 21:20:00`: UTC, as the listing's
        // `DTSTART…Z` of the same event shows (l.3175 against l.2226).
        ObjectOrText::Object(lifetime) => chrono::DateTime::from_timestamp(parse_order_datetime(&lifetime.start.as_text()?)?, 0)?,
        ObjectOrText::Text(vevent) => parse_vevent_start(vevent, zone)?,
    };
    Some(TicketEvent {
        title,
        starts_at: format_in_zone(&start, zone),
        venue: Venue {
            name: venue.and_then(|venue| venue.name.0.clone()).unwrap_or_default(),
            address: venue.and_then(|venue| venue.address.0.clone()),
            city: city.and_then(|city| city.name.0.clone()).unwrap_or_default(),
            timezone: zone.name().to_string(),
        },
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListedEvent {
    id: Scalar,
    org: Loose<ListedOrganiser>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListedOrganiser {
    name: Scalar,
    legal_detail: Loose<LegalDetail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LegalDetail {
    name: Scalar,
    inn: Scalar,
    ogrn: Scalar,
    ogrnip: Scalar,
    address: Scalar,
}

/// What one catalogue page says about the event's organiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrganiserLookup {
    /// The event is on this page: its organiser (`None`: it names none).
    Found(Option<Organiser>),
    NotHere {
        has_more: bool,
    },
}

/// Reads catalogue page `page` (in either form the listing comes in) for
/// `event_id`'s organiser. The listing ends where the catalogue's does: at
/// an empty page ([`super::listing::ListingPage::has_more`]), whatever size
/// the server gives its pages.
pub(crate) fn read_organiser(response: &UpstreamResponse, event_id: &str, page: u32) -> Result<OrganiserLookup, ProxyError> {
    let listing = read_listing_as::<ListedEvent>(response).map_err(ProxyError::from)?;
    let found = listing.events.iter().find(|event| event.id.as_text().is_some_and(|id| id.eq_ignore_ascii_case(event_id)));
    Ok(match found {
        Some(event) => OrganiserLookup::Found(event.org.as_ref().and_then(organiser_of)),
        None => OrganiserLookup::NotHere { has_more: listing.has_more(page) },
    })
}

fn organiser_of(org: &ListedOrganiser) -> Option<Organiser> {
    let legal = org.legal_detail.as_ref();
    let text = |pick: fn(&LegalDetail) -> &Scalar| legal.and_then(|legal| pick(legal).as_text());
    let name = text(|legal| &legal.name).or_else(|| org.name.as_text())?;
    Some(Organiser {
        name,
        inn: text(|legal| &legal.inn),
        ogrn: text(|legal| &legal.ogrn),
        ogrnip: text(|legal| &legal.ogrnip),
        address: text(|legal| &legal.address),
    })
}

/// Completes a paid hold's tickets from what is known: barcodes the facts
/// bring in are written to the order's references, then every issued ticket
/// gets its series, number, price (the item's price when the order gave
/// none), event and organiser; a ticket keeps what an earlier reading gave
/// it. A refund's barcodes follow its tickets.
pub(crate) fn complete_tickets(record: &mut HoldRecord, facts: &OrderFacts) {
    let UpstreamHoldRefs::Ticketscloud { tickets: refs, .. } = &mut record.upstream else { return };
    for ticket in refs.iter_mut() {
        if ticket.barcode.is_none() {
            ticket.barcode = facts.tickets.get(&ticket.ticket_id).and_then(|known| known.barcode.clone());
        }
    }
    let refs: Vec<TicketscloudTicketRef> = refs.clone();
    let earlier = std::mem::take(&mut record.tickets);
    record.tickets = issued_tickets(&record.items, &refs)
        .into_iter()
        .map(|mut ticket| {
            let known = refs
                .iter()
                .find(|reference| reference.barcode.as_deref() == Some(ticket.barcode.as_str()))
                .and_then(|reference| facts.tickets.get(&reference.ticket_id));
            let before = earlier.iter().find(|issued| issued.barcode == ticket.barcode);
            ticket.serial =
                known.and_then(|known| known.serial.clone()).or_else(|| before.and_then(|before| before.serial.clone()));
            ticket.number =
                known.and_then(|known| known.number.clone()).or_else(|| before.and_then(|before| before.number.clone()));
            ticket.price = known
                .and_then(|known| known.price)
                .or_else(|| before.and_then(|before| before.price))
                .or_else(|| item_price(&record.items, &ticket));
            ticket.event = facts.event.clone().or_else(|| before.and_then(|before| before.event.clone()));
            ticket.organiser = record.organiser.clone();
            ticket
        })
        .collect();
    if let Some(refund) = &mut record.refund {
        let barcodes: Vec<String> = refund
            .upstream
            .ticket_ids
            .iter()
            .filter_map(|id| {
                refs.iter().find(|reference| &reference.ticket_id == id).and_then(|reference| reference.barcode.clone())
            })
            .collect();
        if barcodes.len() >= refund.tickets.len() {
            refund.tickets = barcodes;
        }
    }
}

/// The price of one place of the item a ticket is for.
fn item_price(items: &[HoldItem], ticket: &IssuedTicket) -> Option<Money> {
    items.iter().find(|item| item_id(item) == ticket.item_id).map(|item| match item {
        HoldItem::Seat { price, .. } => *price,
        HoldItem::Admission { unit_price, .. } => *unit_price,
    })
}

/// Every place of a TicketsCloud hold has its barcode.
fn barcodes_complete(record: &HoldRecord) -> bool {
    match &record.upstream {
        UpstreamHoldRefs::Ticketscloud { tickets, .. } => tickets_complete(&record.items, tickets),
        UpstreamHoldRefs::Qtickets { .. } => true,
    }
}

fn refund_waiting(record: &HoldRecord) -> Option<String> {
    let refund = record.refund.as_ref().filter(|refund| !refund.is_final())?;
    refund.upstream.refund_id.clone()
}

/// This wrapper's own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OwnStep {
    /// The orders list, for barcodes issued after `done`.
    FindOrder { page: u32 },
    /// The catalogue listing, for the organiser's legal details.
    Organiser { page: u32 },
    /// The refund list, for the refund's progress.
    RefundProgress { page: u32 },
}

/// Runs a TicketsCloud operation (or nothing, for the alarm's follow-up),
/// then completes the tickets of the hold it leaves confirmed.
pub(crate) struct Completion {
    inner: Option<Box<dyn HoldOperation>>,
    /// Step ids of the wrapped operation's requests not answered yet.
    inner_in_flight: Vec<StepId>,
    /// What the wrapped operation finished with (or the record to follow up).
    finished: Option<Finished>,
    requests: TicketscloudOrderRequests,
    context: CommandContext,
    hold_id: String,
    order_id: Option<String>,
    facts: OrderFacts,
    /// The alarm's look: read the orders list and the refund's progress too,
    /// and move the next look on.
    following_up: bool,
    step: Option<OwnStep>,
    in_flight: Option<StepId>,
    next_step: StepId,
    retried: bool,
    order_looked: bool,
    organiser_looked: bool,
    organiser_failed: bool,
    refund_looked: bool,
    refund_state: Option<RefundState>,
    clock_ms: i64,
}

/// Runs `start` (a confirm or a release of the TicketsCloud hold `record`)
/// and completes the tickets if it leaves the hold confirmed.
pub(crate) fn completing(
    requests: TicketscloudOrderRequests,
    record: HoldRecord,
    context: CommandContext,
    start: impl FnOnce(TicketscloudOrderRequests, HoldRecord, CommandContext) -> TicketscloudOperation,
) -> Box<dyn HoldOperation> {
    let mut completion = Completion::new(None, None, requests.clone(), context.clone(), false);
    completion.note_record(&record);
    completion.inner = Some(Box::new(start(requests, record, context)));
    Box::new(completion)
}

/// The alarm's look at a confirmed hold whose follow-up is due.
pub(crate) fn follow_up(
    requests: TicketscloudOrderRequests,
    record: HoldRecord,
    context: CommandContext,
) -> Box<dyn HoldOperation> {
    let hold = view(&record, context.now);
    let finished = Finished { record: Some(record), result: Ok(hold) };
    Box::new(Completion::new(None, Some(finished), requests, context, true))
}

impl Completion {
    fn new(
        inner: Option<Box<dyn HoldOperation>>,
        finished: Option<Finished>,
        requests: TicketscloudOrderRequests,
        context: CommandContext,
        following_up: bool,
    ) -> Completion {
        let mut completion = Completion {
            inner,
            inner_in_flight: Vec::new(),
            finished,
            requests,
            clock_ms: context.now.saturating_mul(1000),
            context,
            hold_id: String::new(),
            order_id: None,
            facts: OrderFacts::default(),
            following_up,
            step: None,
            in_flight: None,
            next_step: OWN_STEPS_FROM,
            retried: false,
            order_looked: false,
            organiser_looked: false,
            organiser_failed: false,
            refund_looked: false,
            refund_state: None,
        };
        if let Some(record) = completion.finished.as_ref().and_then(|finished| finished.record.clone()) {
            completion.note_record(&record);
            completion.plan();
        }
        completion
    }

    fn note_record(&mut self, record: &HoldRecord) {
        self.hold_id = record.hold_id.clone();
        if let UpstreamHoldRefs::Ticketscloud { order_id, .. } = &record.upstream {
            if !order_id.is_empty() {
                self.order_id = Some(order_id.clone());
            }
        }
    }

    /// The confirmed record being completed, if the command left one.
    fn confirmed(&self) -> Option<&HoldRecord> {
        let record = self.finished.as_ref()?.record.as_ref()?;
        (record.state == HoldState::Confirmed).then_some(record)
    }

    fn confirmed_mut(&mut self) -> Option<&mut HoldRecord> {
        let record = self.finished.as_mut()?.record.as_mut()?;
        (record.state == HoldState::Confirmed).then_some(record)
    }

    /// What to read next for the confirmed hold, if anything.
    fn plan(&mut self) {
        self.retried = false;
        let Some(record) = self.confirmed() else {
            self.step = None;
            return;
        };
        let barcodes_missing = !barcodes_complete(record);
        let organiser_missing = record.organiser.is_none();
        let refund = refund_waiting(record);
        self.step = if self.following_up && barcodes_missing && !self.order_looked {
            Some(OwnStep::FindOrder { page: 1 })
        } else if organiser_missing && !self.organiser_looked {
            Some(OwnStep::Organiser { page: 1 })
        } else if self.following_up && refund.is_some() && !self.refund_looked {
            Some(OwnStep::RefundProgress { page: 1 })
        } else {
            None
        };
    }

    /// Notes what a successful order answer says about our order.
    fn sniff(&mut self, response: &Result<UpstreamResponse, ProxyError>) {
        let Ok(response) = response else { return };
        if !response.is_success() || !response.body.trim_start().starts_with('{') {
            return;
        }
        if let Some(facts) = read_order_facts(&response.body, self.order_id.as_deref(), &self.hold_id) {
            self.facts.merge(facts);
        }
    }

    fn on_own_answer(&mut self, step: OwnStep, response: Result<UpstreamResponse, ProxyError>) {
        match step {
            OwnStep::FindOrder { page } => {
                let has_more =
                    response.as_ref().ok().filter(|answer| answer.is_success()).map(|answer| list_has_more(&answer.body, page));
                let facts = response
                    .as_ref()
                    .ok()
                    .filter(|answer| answer.is_success())
                    .and_then(|answer| read_order_facts(&answer.body, self.order_id.as_deref(), &self.hold_id));
                match (facts, has_more) {
                    (Some(facts), _) => {
                        self.facts.merge(facts);
                        self.order_looked = true;
                        self.plan();
                    }
                    (None, Some(true)) if page < MOST_ORDER_LIST_PAGES => {
                        self.step = Some(OwnStep::FindOrder { page: page + 1 });
                        self.retried = false;
                    }
                    (None, None) if !self.retried => self.retried = true,
                    _ => {
                        self.order_looked = true;
                        self.plan();
                    }
                }
            }
            OwnStep::Organiser { page } => {
                let event_id = self.requests.event_id.clone();
                match response.and_then(|answer| read_organiser(&answer, &event_id, page)) {
                    Ok(OrganiserLookup::Found(organiser)) => {
                        self.organiser_looked = true;
                        if let Some(record) = self.confirmed_mut() {
                            record.organiser = organiser;
                        }
                        self.plan();
                    }
                    Ok(OrganiserLookup::NotHere { has_more: true }) if page < MAX_CATALOGUE_PAGES => {
                        self.step = Some(OwnStep::Organiser { page: page + 1 });
                        self.retried = false;
                    }
                    Ok(OrganiserLookup::NotHere { .. }) => {
                        // Not in the catalogue (any more): nothing to look for.
                        self.organiser_looked = true;
                        self.plan();
                    }
                    Err(_) if !self.retried => self.retried = true,
                    Err(_) => {
                        self.organiser_looked = true;
                        self.organiser_failed = true;
                        self.plan();
                    }
                }
            }
            OwnStep::RefundProgress { page } => {
                let refund_id = self.confirmed().and_then(refund_waiting).unwrap_or_default();
                match read_refund_progress(response, page, &refund_id) {
                    Ok(RefundProgress::Found(state)) => {
                        self.refund_state = Some(state);
                        self.refund_looked = true;
                        self.plan();
                    }
                    Ok(RefundProgress::NotHere { has_more: true }) if page < MOST_REFUND_LIST_PAGES => {
                        self.step = Some(OwnStep::RefundProgress { page: page + 1 });
                        self.retried = false;
                    }
                    Ok(RefundProgress::NotHere { .. }) => {
                        self.refund_looked = true;
                        self.plan();
                    }
                    Err(_) if !self.retried => self.retried = true,
                    Err(_) => {
                        self.refund_looked = true;
                        self.plan();
                    }
                }
            }
        }
    }

    fn request_for(&self, step: OwnStep) -> Option<UpstreamRequest> {
        let record = self.confirmed()?;
        Some(match step {
            OwnStep::FindOrder { page } => self.requests.orders_around(page, Some("done"), record.expires_at),
            OwnStep::Organiser { page } => self.requests.listing_page(page),
            OwnStep::RefundProgress { page } => {
                let around = record.refund.as_ref().map_or(record.expires_at, |refund| refund.requested_at);
                self.requests.refunds_around(page, around)
            }
        })
    }

    /// The inner operation is done: keep what it finished with.
    fn take_inner_finish(&mut self) {
        if let Some(inner) = self.inner.take() {
            let finished = inner.finish();
            if let Some(record) = finished.record.clone() {
                self.note_record(&record);
            }
            self.finished = Some(finished);
        }
        self.plan();
    }

    fn now(&self) -> i64 {
        self.context.now.max(self.clock_ms.div_euclid(1000))
    }
}

/// Whether another page of an orders list may hold more (its `pagination`,
/// else a full page).
fn list_has_more(body: &str, page: u32) -> bool {
    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct Paged {
        data: LooseList<serde::de::IgnoredAny>,
        pagination: Loose<Pagination>,
    }
    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct Pagination {
        page_size: Scalar,
        total: Scalar,
    }
    let Ok(paged) = serde_json::from_str::<Paged>(body) else { return false };
    let page_size = paged
        .pagination
        .as_ref()
        .and_then(|pagination| pagination.page_size.as_count())
        .filter(|&size| size > 0)
        .unwrap_or(u64::from(ORDER_LIST_PAGE_SIZE));
    match paged.pagination.as_ref().and_then(|pagination| pagination.total.as_count()) {
        Some(total) => u64::from(page).saturating_mul(page_size) < total,
        None => paged.data.items.len() as u64 >= page_size,
    }
}

impl HoldOperation for Completion {
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest> {
        self.clock_ms = self.clock_ms.max(now_ms);
        if let Some(inner) = &mut self.inner {
            let batch = inner.next_requests(now_ms);
            if !batch.is_empty() || !self.inner_in_flight.is_empty() {
                self.inner_in_flight.extend(batch.iter().map(|step| step.id));
                return batch;
            }
            self.take_inner_finish();
        }
        if self.in_flight.is_some() {
            return Vec::new();
        }
        let Some(step) = self.step else { return Vec::new() };
        // Reads that can wait for the next look: only within the budget.
        if !self.context.deadlines.allows(StepClass::Forward, now_ms) {
            self.step = None;
            return Vec::new();
        }
        let Some(request) = self.request_for(step) else {
            self.step = None;
            return Vec::new();
        };
        let id = self.next_step;
        self.next_step += 1;
        self.in_flight = Some(id);
        vec![StepRequest { id, request }]
    }

    fn on_response(&mut self, id: StepId, response: Result<UpstreamResponse, ProxyError>) {
        if let Some(position) = self.inner_in_flight.iter().position(|&inner_id| inner_id == id) {
            self.inner_in_flight.swap_remove(position);
            self.sniff(&response);
            if let Some(inner) = &mut self.inner {
                inner.on_response(id, response);
            }
            return;
        }
        if self.in_flight != Some(id) {
            return;
        }
        self.in_flight = None;
        if let Some(step) = self.step {
            self.on_own_answer(step, response);
        }
    }

    fn checkpoint(&self) -> Option<HoldRecord> {
        if let Some(inner) = &self.inner {
            return inner.checkpoint();
        }
        let mut record = self.finished.as_ref()?.record.clone()?;
        if record.state == HoldState::Confirmed && record.journal.is_none() {
            // Cut off while reading: the alarm comes back to finish the look.
            let soon = FollowUp::first(self.now());
            record.follow_up =
                Some(FollowUp { at: soon.at, attempts: record.follow_up.map_or(0, |follow_up| follow_up.attempts) });
        }
        Some(record)
    }

    fn finish(self: Box<Self>) -> Finished {
        let mut completion = *self;
        if completion.inner.is_some() {
            completion.take_inner_finish();
        }
        let now = completion.now();
        let following_up = completion.following_up;
        let facts = std::mem::take(&mut completion.facts);
        let refund_state = completion.refund_state;
        let organiser_failed = completion.organiser_failed;
        let Some(mut finished) = completion.finished.take() else {
            return Finished { record: None, result: Err(ProxyError::Internal) };
        };
        let Some(record) = finished.record.as_mut().filter(|record| record.state == HoldState::Confirmed) else {
            return finished;
        };
        if let (Some(state), Some(refund)) = (refund_state, record.refund.as_mut()) {
            refund.state = state;
        }
        complete_tickets(record, &facts);
        let waiting =
            !barcodes_complete(record) || (record.organiser.is_none() && organiser_failed) || refund_waiting(record).is_some();
        record.follow_up = match (waiting, following_up) {
            (false, _) => None,
            (true, true) => FollowUp::after(record.follow_up, now),
            (true, false) => Some(record.follow_up.unwrap_or_else(|| FollowUp::first(now))),
        };
        if finished.result.is_ok() {
            finished.result = Ok(view(record, now));
        }
        finished
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_facts_from_the_documents_done_answer() {
        // l.1280–1400, trimmed: two tickets, refs with the event and partners.
        let order = r#"{"code":"lw4bbl0o","event":"5d7134962110d30a34e95b96","id":"5d8b924971a0bf323bd6a6ed",
          "status":"done","tickets":[
            {"barcode":"67454655075047921","discount":"0.00","extra":"560.00","full":"6160.00","id":"5d7135113f18da51a186ad16",
             "nominal":"5600.00","number":168475,"price":"5600.00","serial":"PYX","set":"5d7135112110d30a34e97e2d","status":"reserved"},
            {"barcode":null,"full":"1089.00","id":"5d7134962110d30a34e95cfe","number":135830,"price":"990.00",
             "seat":{"number":"14","row":"2","sector":"5a8dd58e6e55b2064c67c144"},"serial":"EOY","status":"reserved"}]}"#;
        let body = format!(
            r#"{{"data":{order},"refs":{}}}"#,
            r#"{"events":{"5d7134962110d30a34e95b96":{"id":"5d7134962110d30a34e95b96",
              "lifetime":{"finish":"2020-06-12 18:00:00","start":"2020-06-12 15:00:00"},
              "org":"5ba10ea90c43fc000b0fc786","status":"public","timezone":"Europe/Moscow",
              "title":{"desc":"ref","text":"Slipknot"},"venue":"552322649cb5384154e028b2"}},
            "venues":{"552322649cb5384154e028b2":{"address":"ул. Родионова, 4","city":{"_id":520555,
              "name":{"default":"Nizhniy Novgorod","en":"Nizhny Novgorod","ru":"Нижний Новгород"},"timezone":"Europe/Moscow"},
              "id":"552322649cb5384154e028b2","name":"MILO Concert Hall"}}}"#
        );
        let facts = read_order_facts(&body, Some("5d8b924971a0bf323bd6a6ed"), "h_x").unwrap();
        let first = &facts.tickets["5d7135113f18da51a186ad16"];
        assert_eq!(first.serial.as_deref(), Some("PYX"));
        assert_eq!(first.number.as_deref(), Some("168475"));
        assert_eq!(first.price, Some(Money::rub_minor(616_000)), "full: the price paid, fee included");
        assert_eq!(first.barcode.as_deref(), Some("67454655075047921"));
        assert_eq!(facts.tickets["5d7134962110d30a34e95cfe"].barcode, None);
        let event = facts.event.unwrap();
        assert_eq!(event.title, "Slipknot");
        assert_eq!(event.starts_at, "2020-06-12T18:00:00+03:00", "UTC in the refs, venue time on the ticket");
        assert_eq!(event.venue.name, "MILO Concert Hall");
        assert_eq!(event.venue.address.as_deref(), Some("ул. Родионова, 4"));
        assert_eq!(event.venue.city, "Нижний Новгород");

        assert_eq!(read_order_facts(&body, Some("6b0a0d0e000000000000d65e"), "h_x"), None, "another order");
        let list = format!(r#"{{"data":[{{"id":"other","tickets":[]}},{order}],"refs":{{}}}}"#);
        let listed = read_order_facts(&list, Some("5d8b924971a0bf323bd6a6ed"), "h_x").unwrap();
        assert_eq!(listed.tickets.len(), 2);
        assert_eq!(listed.event, None, "the list's refs named no event");
    }

    #[test]
    fn the_organiser_is_read_from_the_listings_legal_detail() {
        let page = |events: &str| UpstreamResponse::json(200, format!("[{events}]"));
        let with_legal = r#"{"id":"5f1a0c0e2b3c4d5e6f708192","org":{"name":"Театральное агентство «Премьера»",
            "legal_detail":{"name":"ООО «Премьера»","inn":"7701234567","ogrn":"1027700000001","address":"г. Москва, ул. Примерная, д. 1"}}}"#;
        assert_eq!(
            read_organiser(&page(with_legal), "5F1A0C0E2B3C4D5E6F708192", 1).unwrap(),
            OrganiserLookup::Found(Some(Organiser {
                name: "ООО «Премьера»".into(),
                inn: Some("7701234567".into()),
                ogrn: Some("1027700000001".into()),
                ogrnip: None,
                address: Some("г. Москва, ул. Примерная, д. 1".into()),
            }))
        );
        let without = r#"{"id":"5f1a0c0e2b3c4d5e6f708192","org":{"name":"Джаз-клуб"}}"#;
        assert_eq!(
            read_organiser(&page(without), "5f1a0c0e2b3c4d5e6f708192", 1).unwrap(),
            OrganiserLookup::Found(Some(Organiser { name: "Джаз-клуб".into(), ..Organiser::default() }))
        );
        // A page of one other event (a server capping its pages) is not the
        // end; an empty page is.
        assert_eq!(read_organiser(&page(r#"{"id":"other"}"#), "5f1a", 1).unwrap(), OrganiserLookup::NotHere { has_more: true });
        assert_eq!(read_organiser(&page(""), "5f1a", 2).unwrap(), OrganiserLookup::NotHere { has_more: false });
        // The normalised form: the organiser is found through its id.
        let normalised = UpstreamResponse::json(
            200,
            r#"{"events":[{"id":"5f1a","org":"o1"}],"orgs":{"o1":{"name":"Джаз-клуб","legal_detail":{"inn":"7701234567"}}}}"#,
        );
        let OrganiserLookup::Found(Some(organiser)) = read_organiser(&normalised, "5f1a", 1).unwrap() else {
            panic!("not found")
        };
        assert_eq!(organiser.inn.as_deref(), Some("7701234567"));
        assert!(read_organiser(&UpstreamResponse::json(503, r#"{"errors":["down"]}"#), "x", 1).is_err());
    }

    #[test]
    fn follow_ups_back_off_and_end() {
        let first = FollowUp::first(1000);
        assert_eq!(first, FollowUp { at: 1005, attempts: 0 });
        let delays: Vec<i64> = std::iter::successors(Some(first), |previous| FollowUp::after(Some(*previous), 0))
            .take(10)
            .map(|follow_up| follow_up.at)
            .collect();
        assert_eq!(delays, [1005, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        let mut count = 1;
        let mut current = first;
        while let Some(next) = FollowUp::after(Some(current), 0) {
            current = next;
            count += 1;
        }
        assert_eq!(count, crate::holds::record::MOST_FOLLOW_UPS);
    }
}
