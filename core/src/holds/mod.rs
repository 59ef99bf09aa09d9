//! Holds: the life of one buyer's reservation, decided without IO.
//!
//! The Worker's Durable Object (one per hold) is glue around this module. For
//! every command it loads the [`HoldRecord`], asks [`begin`] for an
//! [`HoldOperation`], performs the upstream requests the operation asks for,
//! one at a time, feeding each response back, and stores the record the
//! operation finishes with:
//!
//! ```text
//! let mut operation = holds::begin(record, command, now, &settings)?;
//! while let Some(request) = operation.next_request() {
//!     let response = perform(&request).await;          // Result<UpstreamResponse, ProxyError>
//!     operation.on_response(response);
//! }
//! let finished = operation.finish();                    // Result<Finished, ProxyError>
//! store(finished.record); set_alarm(finished.record.alarm_at());
//! ```
//!
//! Time is always an argument (`now`, unix seconds). Every failure path leaves
//! upstream as it was before the command (QTickets has no all-or-nothing, so a
//! partial add is rolled back with `tickets/remove` inside the operation).

pub mod buyer;
pub mod partner_keys;
pub mod qtickets;
pub mod record;
pub mod ticketscloud;
pub mod validation;

pub use record::{HoldRecord, UpstreamHoldRefs, LEAVE_GRACE_SECONDS};

use ticket_contract::{Buyer, Hold, HoldItem, HoldState, Provider};

use crate::errors::ProxyError;
use crate::ids::{parse_event_id, parse_show_id};
use crate::upstream::{UpstreamConfig, UpstreamRequest, UpstreamResponse};

/// Settings a hold operation needs, from the Worker's configuration.
#[derive(Debug, Clone)]
pub struct HoldSettings {
    pub qtickets: UpstreamConfig,
    pub ticketscloud: UpstreamConfig,
    /// How long a hold lasts, in seconds (the upstream may cut it shorter).
    pub hold_seconds: i64,
}

/// What the buyer or the partner asks of a hold.
#[derive(Debug, Clone, PartialEq)]
pub enum HoldCommand {
    /// Reserve `items` (already validated against the layout by
    /// [`validation`]: ids exist, prices and names filled in).
    Create { hold_id: String, event_id: String, show_id: String, items: Vec<HoldItem> },
    /// Replace the items (desired state) and/or set the buyer's details.
    Change { items: Option<Vec<HoldItem>>, buyer: Option<Buyer> },
    /// The buyer gave the places back (cancel).
    Release,
    /// The buyer's page went away (`pagehide` beacon): give the places back
    /// after [`LEAVE_GRACE_SECONDS`] unless the hold is used again before.
    Leave,
    /// The hold's time is up (the Durable Object's alarm).
    Expire,
    /// The partner's server says the buyer paid. Idempotent.
    Confirm,
}

/// What a finished operation leaves behind.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The record to persist — also when the command failed, since upstream
    /// state may have changed (e.g. a failed change still rolled back). `None`
    /// only for a failed `Create` that left nothing upstream.
    pub record: Option<HoldRecord>,
    /// The hold as the caller sees it after the command, or the public error.
    pub result: Result<Hold, ProxyError>,
}

/// One command being carried out against one provider: a small state machine
/// that asks for upstream requests and digests their responses.
pub trait HoldOperation {
    /// The next upstream request to perform, or `None` when done.
    fn next_request(&mut self) -> Option<UpstreamRequest>;
    /// The outcome of performing the request last returned by `next_request`.
    fn on_response(&mut self, response: Result<UpstreamResponse, ProxyError>);
    /// The outcome, once `next_request` returned `None`.
    fn finish(self: Box<Self>) -> Finished;
}

/// Starts `command` on the hold `record` (`None` before `Create`). Refuses
/// illegal transitions (e.g. changing a confirmed hold) with an error before
/// any upstream request. A command that needs no upstream call (confirming a
/// hold that is already confirmed) returns an operation with no requests.
///
/// Transitions (`expired` = stored `Expired`, or `Held` at/after `expires_at`):
///
/// | command | no record | held | expired | confirmed | released |
/// |---|---|---|---|---|---|
/// | Create | reserve | same request: no-op, else `internal` | `internal` | `internal` | `internal` |
/// | Change | `hold_not_found` | change | `hold_expired` | `hold_not_active` | `hold_not_active` |
/// | Release | `hold_not_found` | release | `hold_expired` | `hold_not_active` | `hold_not_active` |
/// | Leave | `hold_not_found` | mark leaving (no upstream call) | `hold_expired` | `hold_not_active` | `hold_not_active` |
/// | Expire | `hold_not_found` | release upstream (no-op before `expires_at`, or the end of a leave's grace) | no-op | no-op | no-op |
/// | Confirm | `hold_not_found` | pay | `hold_expired` | no-op (re-reads missing barcodes) | `hold_not_active` |
///
/// A held hold past its expiry whose payment already began (some tickets
/// paid) may still be confirmed, to finish that payment. Any command but
/// Leave and Expire means someone is still there: a pending leave is dropped.
pub fn begin(
    record: Option<HoldRecord>,
    command: HoldCommand,
    now: i64,
    settings: &HoldSettings,
) -> Result<Box<dyn HoldOperation>, ProxyError> {
    if settings.hold_seconds < 1 {
        return Err(ProxyError::Misconfigured);
    }
    let Some(record) = record else {
        return match command {
            HoldCommand::Create { hold_id, event_id, show_id, items } => {
                begin_create(hold_id, &event_id, &show_id, items, now, settings)
            }
            _ => Err(ProxyError::HoldNotFound),
        };
    };
    let mut record = record;
    if !matches!(command, HoldCommand::Leave | HoldCommand::Expire) {
        record.mark_present();
    }
    let expired = record.visible_state(now) == HoldState::Expired;
    match command {
        HoldCommand::Create { event_id, show_id, items, .. } => {
            // A create delivered twice (the Worker retried): the same hold.
            let same = record.state == HoldState::Held
                && record.event_id == event_id
                && record.show_id == show_id
                && record.items == items;
            if same {
                Ok(no_requests(record, now))
            } else {
                Err(ProxyError::Internal)
            }
        }
        HoldCommand::Change { items, buyer } => {
            refuse_unless_active(&record, expired)?;
            if let Some(items) = &items {
                check_items(items)?;
            }
            if items.is_none() && buyer.is_none() {
                return Ok(no_requests(record, now));
            }
            Ok(match provider_requests(&record, settings)? {
                ProviderRequests::Qtickets(requests) => {
                    Box::new(qtickets::QticketsOperation::change(requests, record, items, buyer, now))
                }
                ProviderRequests::Ticketscloud(requests) => Box::new(ticketscloud::TicketscloudOperation::change(
                    requests,
                    record,
                    items,
                    buyer,
                    now,
                    settings.hold_seconds,
                )),
            })
        }
        HoldCommand::Release => {
            refuse_unless_active(&record, expired)?;
            release(record, now, settings, false)
        }
        HoldCommand::Leave => {
            refuse_unless_active(&record, expired)?;
            record.leaving_since.get_or_insert(now);
            Ok(no_requests(record, now))
        }
        HoldCommand::Expire => {
            if record.state != HoldState::Held {
                return Ok(no_requests(record, now));
            }
            if record.is_past_expiry(now) {
                return release(record, now, settings, true);
            }
            if record.is_leave_due(now) {
                // The page went away and nobody came back: a release.
                record.leaving_since = None;
                return release(record, now, settings, false);
            }
            Ok(no_requests(record, now))
        }
        HoldCommand::Confirm => match record.state {
            HoldState::Confirmed if confirmed_tickets_complete(&record) => Ok(no_requests(record, now)),
            HoldState::Held if expired && !payment_began(&record) => Err(ProxyError::HoldExpired),
            HoldState::Expired => Err(ProxyError::HoldExpired),
            HoldState::Released => Err(ProxyError::HoldNotActive { state: HoldState::Released }),
            HoldState::Held | HoldState::Confirmed => Ok(match provider_requests(&record, settings)? {
                ProviderRequests::Qtickets(requests) => Box::new(qtickets::QticketsOperation::confirm(requests, record, now)),
                ProviderRequests::Ticketscloud(requests) => {
                    Box::new(ticketscloud::TicketscloudOperation::confirm(requests, record, now))
                }
            }),
        },
    }
}

/// The hold as the widget sees it (`GET /v1/holds/{id}`), at `now`: a held
/// record past its expiry shows as expired even before the alarm has run.
pub fn view(record: &HoldRecord, now: i64) -> Hold {
    Hold {
        id: record.hold_id.clone(),
        event_id: record.event_id.clone(),
        show_id: record.show_id.clone(),
        state: record.visible_state(now),
        items: record.items.clone(),
        total: record.total(),
        expires_at: record::rfc3339_utc(record.expires_at),
        buyer: record.buyer.clone(),
        tickets: record.tickets.clone(),
    }
}

fn begin_create(
    hold_id: String,
    event_id: &str,
    show_id: &str,
    items: Vec<HoldItem>,
    now: i64,
    settings: &HoldSettings,
) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let event = parse_event_id(event_id)?;
    let show_id = parse_show_id(&event, show_id)?;
    check_items(&items)?;
    let draft = HoldRecord {
        hold_id,
        provider: event.provider,
        event_id: event.public_id(),
        show_id: show_id.clone(),
        state: HoldState::Held,
        items,
        expires_at: now.saturating_add(settings.hold_seconds),
        buyer: None,
        upstream: match event.provider {
            Provider::Qtickets => UpstreamHoldRefs::Qtickets { tickets: Vec::new(), leftovers: Vec::new() },
            Provider::Ticketscloud => UpstreamHoldRefs::Ticketscloud {
                order_id: String::new(),
                tickets: Vec::new(),
                order_expired_after: None,
                contents_uncertain: false,
            },
        },
        tickets: Vec::new(),
        leaving_since: None,
    };
    Ok(match event.provider {
        Provider::Qtickets => {
            let requests = qtickets::QticketsTicketRequests::new(settings.qtickets.clone(), event.upstream_id, show_id);
            Box::new(qtickets::QticketsOperation::create(requests, draft, now))
        }
        Provider::Ticketscloud => {
            let requests = ticketscloud::TicketscloudOrderRequests::new(settings.ticketscloud.clone(), event.upstream_id);
            Box::new(ticketscloud::TicketscloudOperation::create(requests, draft, now, settings.hold_seconds))
        }
    })
}

/// Items as [`validation::items_for`] makes them: at least one, every id
/// acceptable and once only, every quantity at least 1.
fn check_items(items: &[HoldItem]) -> Result<(), ProxyError> {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let id = record::item_id(item);
        let field = match item {
            HoldItem::Seat { .. } => "seats",
            HoldItem::Admission { .. } => "admission",
        };
        if !crate::ids::is_acceptable_item_id(id) || !seen.insert(id) || record::item_places(item) == 0 {
            return Err(ProxyError::InvalidBody { field });
        }
    }
    if items.is_empty() {
        return Err(ProxyError::InvalidBody { field: "seats" });
    }
    Ok(())
}

/// Change and Release need a held hold whose time is not up.
fn refuse_unless_active(record: &HoldRecord, expired: bool) -> Result<(), ProxyError> {
    match record.state {
        _ if expired => Err(ProxyError::HoldExpired),
        HoldState::Held => Ok(()),
        state => Err(ProxyError::HoldNotActive { state }),
    }
}

fn release(record: HoldRecord, now: i64, settings: &HoldSettings, expiring: bool) -> Result<Box<dyn HoldOperation>, ProxyError> {
    Ok(match provider_requests(&record, settings)? {
        ProviderRequests::Qtickets(requests) => Box::new(qtickets::QticketsOperation::release(requests, record, now, expiring)),
        ProviderRequests::Ticketscloud(requests) => {
            let has_order = matches!(&record.upstream, UpstreamHoldRefs::Ticketscloud { order_id, .. } if !order_id.is_empty());
            if !has_order {
                // Nothing was ever reserved upstream.
                let mut record = record;
                record.state = if expiring { HoldState::Expired } else { HoldState::Released };
                return Ok(no_requests(record, now));
            }
            Box::new(ticketscloud::TicketscloudOperation::release(requests, record, now, expiring))
        }
    })
}

/// Some ticket of the hold is already paid (a confirm was interrupted).
fn payment_began(record: &HoldRecord) -> bool {
    match &record.upstream {
        UpstreamHoldRefs::Qtickets { tickets, .. } => tickets.iter().any(|ticket| ticket.barcode.is_some()),
        UpstreamHoldRefs::Ticketscloud { .. } => false,
    }
}

/// A confirmed hold has a ticket with a barcode for every place.
fn confirmed_tickets_complete(record: &HoldRecord) -> bool {
    let places: usize = record.items.iter().map(|item| record::item_places(item) as usize).sum();
    record.tickets.len() >= places
}

enum ProviderRequests {
    Qtickets(qtickets::QticketsTicketRequests),
    Ticketscloud(ticketscloud::TicketscloudOrderRequests),
}

/// The request builder for a stored record; its ids were validated when the
/// hold was created and are checked again here (a record is data from storage).
fn provider_requests(record: &HoldRecord, settings: &HoldSettings) -> Result<ProviderRequests, ProxyError> {
    let event = parse_event_id(&record.event_id).map_err(|_| ProxyError::Internal)?;
    let show_id = parse_show_id(&event, &record.show_id).map_err(|_| ProxyError::Internal)?;
    match (event.provider, &record.upstream) {
        (Provider::Qtickets, UpstreamHoldRefs::Qtickets { .. }) => Ok(ProviderRequests::Qtickets(
            qtickets::QticketsTicketRequests::new(settings.qtickets.clone(), event.upstream_id, show_id),
        )),
        (Provider::Ticketscloud, UpstreamHoldRefs::Ticketscloud { .. }) => Ok(ProviderRequests::Ticketscloud(
            ticketscloud::TicketscloudOrderRequests::new(settings.ticketscloud.clone(), event.upstream_id),
        )),
        _ => Err(ProxyError::Internal),
    }
}

/// An operation that asks for nothing and finishes with `record` as it is.
struct NoRequests {
    finished: Finished,
}

fn no_requests(record: HoldRecord, now: i64) -> Box<dyn HoldOperation> {
    let hold = view(&record, now);
    Box::new(NoRequests { finished: Finished { record: Some(record), result: Ok(hold) } })
}

impl HoldOperation for NoRequests {
    fn next_request(&mut self) -> Option<UpstreamRequest> {
        None
    }

    fn on_response(&mut self, _response: Result<UpstreamResponse, ProxyError>) {}

    fn finish(self: Box<Self>) -> Finished {
        self.finished
    }
}
