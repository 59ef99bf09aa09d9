//! Holds: the life of one buyer's reservation, decided without IO.
//!
//! The Worker's Durable Object (one per hold) is glue around this module. For
//! every command it loads the [`HoldRecord`], asks [`begin`] for a
//! [`HoldOperation`], performs the upstream requests the operation asks for —
//! several at once where the provider allows it (QTickets: up to
//! [`crate::qtickets::holds::PARALLEL_TICKET_REQUESTS`] ticket requests; TicketsCloud: one
//! order, one request at a time) — feeding each response back by its step id,
//! and stores the record the operation finishes with:
//!
//! ```text
//! let mut operation = holds::begin(record, command, now, &settings)?;
//! loop {
//!     let batch = operation.next_requests(now_ms());      // [] while waiting, or when done
//!     if !batch.is_empty() { store(operation.checkpoint()) } // intents, before anything leaves
//!     send(batch);
//!     let Some((id, response)) = next_answer().await else { break };
//!     operation.on_response(id, response);
//!     store(operation.checkpoint());                       // the result
//! }
//! let finished = holds::finish(operation, now);            // the end of the hold written down
//! store(finished.record); set_alarm(finished.record.wake_at());
//! ```
//!
//! Time is always an argument (`now`, unix seconds; `now_ms` for the time
//! budget). Every failure path leaves upstream as it was before the command
//! (QTickets has no all-or-nothing, so a partial add is rolled back with
//! `tickets/remove` inside the operation), and every checkpoint is a record
//! from which [`HoldCommand::Resume`] finishes or undoes the command if the
//! object is reset in the middle (see [`journal`]).

pub mod buyer;
pub mod journal;
pub mod partner_keys;
pub mod record;
pub mod validation;

pub use journal::{CommandBudget, CommandJournal, JournaledCommand, StepId};
pub use record::{FollowUp, HoldRecord, RefundRecord, UpstreamHoldRefs, DEFAULT_RETENTION_SECONDS, LEAVE_GRACE_SECONDS};

use ticket_contract::{Buyer, Hold, HoldItem, HoldState, Provider, Refund};

use crate::errors::ProxyError;
use crate::ids::{parse_event_id, parse_show_id};
use crate::qtickets::holds as qtickets;
use crate::ticketscloud::holds as ticketscloud;
use crate::ticketscloud::promocodes as ticketscloud_promocodes;
use crate::ticketscloud::refunds as ticketscloud_refunds;
use crate::ticketscloud::tickets as ticketscloud_tickets;
use crate::upstream::{UpstreamConfig, UpstreamRequest, UpstreamResponse};

/// Settings a hold operation needs, from the Worker's configuration.
#[derive(Debug, Clone)]
pub struct HoldSettings {
    pub qtickets: UpstreamConfig,
    pub ticketscloud: UpstreamConfig,
    /// How long a hold lasts, in seconds (the upstream may cut it shorter).
    pub hold_seconds: i64,
    /// How long one command may keep the upstream busy.
    pub budget: CommandBudget,
    /// The partner's `send_tickets` option, for a hold being created: the
    /// provider e-mails the tickets to the buyer itself (TicketsCloud
    /// `settings.send_tickets`). Later commands read the upstream order.
    pub send_tickets: bool,
    /// The partner's `hold_retention_seconds`, for a hold being created:
    /// how long its record is kept after it ends (see
    /// [`HoldRecord::delete_at`]).
    pub retention_seconds: i64,
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
    /// Finish or undo the command the record's journal says was under way
    /// when the object stopped (the alarm, or the next command, sends it).
    Resume,
    /// The partner's server gives tickets of a confirmed hold back: the
    /// tickets with these barcodes, or (`None`) the whole order.
    Refund { tickets: Option<Vec<String>> },
    /// The alarm looks upstream again for what a paid hold waits for (see
    /// [`FollowUp`]).
    FollowUp,
    /// Apply a promo code (`Some`, validated by
    /// [`validation::parse_change`]) or remove the one applied (`None`).
    Promocode { code: Option<String> },
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

/// One upstream request an operation wants sent, named by its step id.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRequest {
    pub id: StepId,
    pub request: UpstreamRequest,
}

/// One command being carried out against one provider: a small state machine
/// that asks for upstream requests and digests their responses.
pub trait HoldOperation {
    /// The requests that may be sent now, at `now_ms` (unix milliseconds):
    /// as many as the provider's parallel bound allows next to those still
    /// in flight. Empty while every allowed request is in flight, and when
    /// the operation is done (nothing in flight and nothing more to send) —
    /// also when its time budget ran out.
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest>;
    /// The outcome of performing the request with step `id`.
    fn on_response(&mut self, id: StepId, response: Result<UpstreamResponse, ProxyError>);
    /// The record to persist now, so that the hold's alarm can finish or undo
    /// the command from it if nothing more happens: it carries the command's
    /// [`CommandJournal`] (intents of the requests in flight) and every result
    /// so far. `None` for an operation that asks nothing upstream.
    fn checkpoint(&self) -> Option<HoldRecord>;
    /// The outcome, once `next_requests` returned nothing with nothing in
    /// flight (or earlier: whatever is unfinished is treated as not done).
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
/// | Promocode | `hold_not_found` | apply / remove (QTickets: `promocode_not_supported`) | `hold_expired` | `hold_not_active` | `hold_not_active` |
/// | Resume | `hold_not_found` | finish or undo the journal's command (no-op without one) | same | same | same |
/// | Refund | `hold_not_found` | `hold_not_active` | `hold_expired` | ask a refund (same tickets again: no-op) | `hold_not_active` |
/// | FollowUp | `hold_not_found` | no-op | no-op | look again when due (late barcodes, organiser, refund progress) | no-op |
///
/// A refund of a QTickets hold is `refund_not_supported` whatever its state
/// (its Partners API has no refund).
/// A held hold past its expiry whose payment already began (some tickets
/// paid, or a confirm journaled) may still be confirmed, to finish that
/// payment. While a confirm is still being completed (its journal outlived
/// a resume because the upstream is down), only Confirm and Resume go on; the
/// rest answer `upstream_timeout`, and Expire resumes the confirm instead.
/// The glue resumes any journal before it runs another command. Any command
/// but Leave and Expire means someone is still there: a pending leave is
/// dropped.
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
    if matches!(command, HoldCommand::Resume) || (command == HoldCommand::Expire && record.journal.is_some()) {
        return resume(record, now, settings);
    }
    let confirming = record.journal.as_ref().is_some_and(|journal| journal.command == JournaledCommand::Confirm);
    if confirming && command != HoldCommand::Confirm {
        return Err(ProxyError::UpstreamTimeout);
    }
    if !matches!(command, HoldCommand::Leave | HoldCommand::Expire | HoldCommand::FollowUp) {
        record.mark_present();
    }
    let expired = record.visible_state(now) == HoldState::Expired;
    let context = |command: JournaledCommand| CommandContext::new(command, now, &settings.budget);
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
            let context = context(JournaledCommand::Change);
            Ok(match provider_requests(&record, settings)? {
                ProviderRequests::Qtickets(requests) => {
                    Box::new(qtickets::QticketsOperation::change(requests, record, items, buyer, context))
                }
                ProviderRequests::Ticketscloud(requests) => Box::new(ticketscloud::TicketscloudOperation::change(
                    requests,
                    record,
                    items,
                    buyer,
                    context,
                    settings.hold_seconds,
                )),
            })
        }
        HoldCommand::Release => {
            refuse_unless_active(&record, expired)?;
            release(record, settings, context(JournaledCommand::Release), false)
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
                return release(record, settings, context(JournaledCommand::Expire), true);
            }
            if record.is_leave_due(now) {
                // The page went away and nobody came back: a release.
                record.leaving_since = None;
                return release(record, settings, context(JournaledCommand::Release), false);
            }
            Ok(no_requests(record, now))
        }
        HoldCommand::Confirm => match record.state {
            HoldState::Confirmed if confirmed_tickets_complete(&record) => Ok(no_requests(record, now)),
            HoldState::Held if expired && !payment_began(&record) && !confirming => Err(ProxyError::HoldExpired),
            HoldState::Expired => Err(ProxyError::HoldExpired),
            HoldState::Released => Err(ProxyError::HoldNotActive { state: HoldState::Released }),
            HoldState::Held | HoldState::Confirmed => {
                // A retried confirm carries the journal's resume count on.
                let context = match &record.journal {
                    Some(journal) => CommandContext::resuming(journal, now, &settings.budget),
                    None => context(JournaledCommand::Confirm),
                };
                confirm(record, settings, context)
            }
        },
        HoldCommand::Resume => resume(record, now, settings),
        HoldCommand::Promocode { code } => {
            refuse_unless_active(&record, expired)?;
            let requests = promocode_requests(&record, settings)?;
            let applied = record.promocode.as_ref().map(|promocode| promocode.code.as_str());
            if applied.map(str::to_lowercase) == code.as_deref().map(str::to_lowercase) {
                // Asked for what is there already (codes ignore case upstream).
                return Ok(no_requests(record, now));
            }
            let context = context(JournaledCommand::Promocode);
            Ok(Box::new(ticketscloud_promocodes::PromocodeOperation::change(requests, record, code, context)))
        }
        HoldCommand::Refund { tickets } => begin_refund(record, tickets, expired, settings, context(JournaledCommand::Refund)),
        HoldCommand::FollowUp => follow_up(record, now, settings),
    }
}

/// The outcome of `operation` at `now` (unix seconds), with the end of the
/// hold written down if the command ended it (see [`HoldRecord::note_end`]):
/// what the glue calls instead of [`HoldOperation::finish`].
pub fn finish(operation: Box<dyn HoldOperation>, now: i64) -> Finished {
    let mut finished = operation.finish();
    if let Some(record) = &mut finished.record {
        record.note_end(now);
    }
    finished
}

/// A refund: only TicketsCloud has one, only for a confirmed hold.
fn begin_refund(
    record: HoldRecord,
    tickets: Option<Vec<String>>,
    expired: bool,
    settings: &HoldSettings,
    context: CommandContext,
) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let requests = match provider_requests(&record, settings)? {
        ProviderRequests::Qtickets(_) => return Err(ProxyError::RefundNotSupported),
        ProviderRequests::Ticketscloud(requests) => requests,
    };
    match record.state {
        HoldState::Confirmed => {}
        HoldState::Held if expired => return Err(ProxyError::HoldExpired),
        state => return Err(ProxyError::HoldNotActive { state }),
    }
    ticketscloud_refunds::refund(requests, record, tickets, context)
}

/// The alarm's look at what a paid hold waits for, once it is due.
fn follow_up(mut record: HoldRecord, now: i64, settings: &HoldSettings) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let due = record.follow_up.is_some_and(|follow_up| follow_up.at <= now);
    if record.state != HoldState::Confirmed || !due {
        return Ok(no_requests(record, now));
    }
    let context = CommandContext::new(JournaledCommand::Confirm, now, &settings.budget);
    match provider_requests(&record, settings)? {
        ProviderRequests::Ticketscloud(requests) => Ok(ticketscloud_tickets::follow_up(requests, record, context)),
        ProviderRequests::Qtickets(_) => {
            // QTickets issues barcodes with the payment: nothing to wait for.
            record.follow_up = None;
            Ok(no_requests(record, now))
        }
    }
}

/// Finishes or undoes the command the record's journal says was under way
/// (see [`journal`]); without a journal, nothing to do.
fn resume(record: HoldRecord, now: i64, settings: &HoldSettings) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let Some(journal) = record.journal.clone() else {
        return Ok(no_requests(record, now));
    };
    let context = CommandContext::resuming(&journal, now, &settings.budget);
    match journal.command {
        JournaledCommand::Create | JournaledCommand::Change => {
            let of_create = journal.command == JournaledCommand::Create;
            Ok(match provider_requests(&record, settings)? {
                ProviderRequests::Qtickets(requests) => {
                    Box::new(qtickets::QticketsOperation::undo(requests, record, context, of_create))
                }
                ProviderRequests::Ticketscloud(requests) => {
                    Box::new(ticketscloud::TicketscloudOperation::undo(requests, record, context, of_create))
                }
            })
        }
        JournaledCommand::Release => release(record, settings, context, false),
        JournaledCommand::Expire => release(record, settings, context, true),
        JournaledCommand::Confirm => confirm(record, settings, context),
        JournaledCommand::Promocode => match promocode_requests(&record, settings) {
            Ok(requests) => Ok(Box::new(ticketscloud_promocodes::PromocodeOperation::undo(requests, record, context))),
            // QTickets never journals a promo code.
            Err(_) => {
                let mut record = record;
                record.journal = None;
                Ok(no_requests(record, now))
            }
        },
        JournaledCommand::Refund => match provider_requests(&record, settings)? {
            ProviderRequests::Ticketscloud(requests) => Ok(ticketscloud_refunds::resume_refund(requests, record, context)),
            ProviderRequests::Qtickets(_) => {
                let mut record = record;
                record.journal = None;
                Ok(no_requests(record, now))
            }
        },
    }
}

fn confirm(record: HoldRecord, settings: &HoldSettings, context: CommandContext) -> Result<Box<dyn HoldOperation>, ProxyError> {
    Ok(match provider_requests(&record, settings)? {
        ProviderRequests::Qtickets(requests) => Box::new(qtickets::QticketsOperation::confirm(requests, record, context)),
        ProviderRequests::Ticketscloud(requests) => {
            ticketscloud_tickets::completing(requests, record, context, ticketscloud::TicketscloudOperation::confirm)
        }
    })
}

/// What every operation knows of the command it carries out.
#[derive(Debug, Clone)]
pub(crate) struct CommandContext {
    /// Unix seconds when the command (this run of it) began.
    pub now: i64,
    pub deadlines: journal::Deadlines,
    /// The journal this command's checkpoints carry; for a resume, the
    /// journal it resumes (same command, attempts counted on).
    pub journal: CommandJournal,
    pub resumed: bool,
}

impl CommandContext {
    pub fn new(command: JournaledCommand, now: i64, budget: &CommandBudget) -> CommandContext {
        CommandContext {
            now,
            deadlines: journal::Deadlines::new(now, budget),
            journal: CommandJournal::new(command, now, budget),
            resumed: false,
        }
    }

    pub fn resuming(journal: &CommandJournal, now: i64, budget: &CommandBudget) -> CommandContext {
        let journal = CommandJournal { resume_at: budget.resume_at(now), in_flight: Vec::new(), ..journal.clone() };
        CommandContext { now, deadlines: journal::Deadlines::new(now, budget), journal, resumed: true }
    }

    /// The journal a checkpoint carries, with the intents of the requests in flight.
    pub fn journal_with(&self, in_flight: Vec<journal::StepIntent>) -> CommandJournal {
        CommandJournal { in_flight, ..self.journal.clone() }
    }

    /// The journal of a command that failed while a write it sent may still
    /// land upstream (an add cut off by our timeout, a create whose answer
    /// was lost and whose order was not found yet): the alarm undoes the
    /// command again once any request it sent has surely been answered.
    pub fn undo_later(&self, now: i64) -> CommandJournal {
        let resume_at = self.journal.resume_at.max(now.saturating_add(journal::RESUME_MARGIN_SECONDS));
        CommandJournal { resume_at, in_flight: Vec::new(), ..self.journal.clone() }
    }

    /// The journal to keep when the command could not finish its duty
    /// (a confirm not all paid, an undo not all removed): the alarm comes
    /// back soon, then less often, and gives up after a while.
    pub fn unfinished(&self, now: i64) -> Option<CommandJournal> {
        if self.resumed {
            self.journal.retry_later(now)
        } else {
            let resume_at = now.saturating_add(journal::RESUME_MARGIN_SECONDS);
            Some(CommandJournal { resume_at, in_flight: Vec::new(), ..self.journal.clone() })
        }
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
        total: record.total_due(),
        expires_at: record::rfc3339_utc(record.expires_at),
        buyer: record.buyer.clone(),
        tickets: record.tickets.clone(),
        tickets_pending: record.state == HoldState::Confirmed && !confirmed_tickets_complete(record),
        refund: record.refund.as_ref().map(|refund| Refund { state: refund.state, tickets: refund.tickets.clone() }),
        promocode: record.applied_promocode(),
        details_withheld: false,
    }
}

/// The hold as a public key reads it at `now`: [`view`] while the hold is
/// held and for `details_seconds` (the partner's `hold_details_seconds`)
/// after it ended; later the state only — no buyer, no tickets, no refunded
/// barcodes — and `details_withheld`. A hold id and the public key (which
/// is public) are then no longer a key to the buyer's details. The
/// secret-key routes see [`view`].
pub fn public_view(record: &HoldRecord, now: i64, details_seconds: i64) -> Hold {
    let mut hold = view(record, now);
    if !record.shows_details(now, details_seconds) {
        hold.buyer = None;
        hold.tickets = Vec::new();
        if let Some(refund) = &mut hold.refund {
            refund.tickets = Vec::new();
        }
        hold.details_withheld = true;
    }
    hold
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
        journal: None,
        follow_up: None,
        refund: None,
        organiser: None,
        promocode: None,
        ended_at: None,
        retention_seconds: Some(settings.retention_seconds),
    };
    let context = CommandContext::new(JournaledCommand::Create, now, &settings.budget);
    Ok(match event.provider {
        Provider::Qtickets => {
            let requests = qtickets::QticketsTicketRequests::new(settings.qtickets.clone(), event.upstream_id, show_id);
            Box::new(qtickets::QticketsOperation::create(requests, draft, context))
        }
        Provider::Ticketscloud => {
            let requests = ticketscloud::TicketscloudOrderRequests::new(settings.ticketscloud.clone(), event.upstream_id)
                .sending_tickets(settings.send_tickets);
            Box::new(ticketscloud::TicketscloudOperation::create(requests, draft, context, settings.hold_seconds))
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

fn release(
    record: HoldRecord,
    settings: &HoldSettings,
    context: CommandContext,
    expiring: bool,
) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let now = context.now;
    Ok(match provider_requests(&record, settings)? {
        ProviderRequests::Qtickets(requests) => {
            Box::new(qtickets::QticketsOperation::release(requests, record, context, expiring))
        }
        ProviderRequests::Ticketscloud(requests) => {
            let has_order = matches!(&record.upstream, UpstreamHoldRefs::Ticketscloud { order_id, .. } if !order_id.is_empty());
            if !has_order {
                // Nothing was ever reserved upstream.
                let mut record = record;
                record.state = if expiring { HoldState::Expired } else { HoldState::Released };
                record.journal = None;
                return Ok(no_requests(record, now));
            }
            ticketscloud_tickets::completing(requests, record, context, |requests, record, context| {
                ticketscloud::TicketscloudOperation::release(requests, record, context, expiring)
            })
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

/// The promo-code request builder for a stored TicketsCloud record. QTickets'
/// Partners API has no promo codes: `promocode_not_supported`.
fn promocode_requests(
    record: &HoldRecord,
    settings: &HoldSettings,
) -> Result<ticketscloud_promocodes::PromocodeRequests, ProxyError> {
    let event = parse_event_id(&record.event_id).map_err(|_| ProxyError::Internal)?;
    match (event.provider, &record.upstream) {
        (Provider::Qtickets, _) => Err(ProxyError::PromocodeNotSupported),
        (Provider::Ticketscloud, UpstreamHoldRefs::Ticketscloud { .. }) => {
            Ok(ticketscloud_promocodes::PromocodeRequests::new(settings.ticketscloud.clone(), event.upstream_id))
        }
        (Provider::Ticketscloud, UpstreamHoldRefs::Qtickets { .. }) => Err(ProxyError::Internal),
    }
}

/// An operation that asks for nothing and finishes with `record` as it is.
struct NoRequests {
    finished: Finished,
}

pub(crate) fn no_requests(record: HoldRecord, now: i64) -> Box<dyn HoldOperation> {
    let hold = view(&record, now);
    Box::new(NoRequests { finished: Finished { record: Some(record), result: Ok(hold) } })
}

impl HoldOperation for NoRequests {
    fn next_requests(&mut self, _now_ms: i64) -> Vec<StepRequest> {
        Vec::new()
    }

    fn on_response(&mut self, _id: StepId, _response: Result<UpstreamResponse, ProxyError>) {}

    fn checkpoint(&self) -> Option<HoldRecord> {
        None
    }

    fn finish(self: Box<Self>) -> Finished {
        self.finished
    }
}
