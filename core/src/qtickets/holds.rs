//! QTickets holds: one upstream ticket per place, added, paid and removed
//! with up to [`PARALLEL_TICKET_REQUESTS`] requests in flight at once
//! (`qtickets-partners-api.md` l.382–476).
//!
//! QTickets has no orders and no all-or-nothing, so this module provides it:
//! - **Create / Change** add a ticket per new place (`tickets/add` with
//!   `seat_id`, `paid=0`, `reserved_to`, `external_id`). The first seat the
//!   upstream refuses (`SEAT_NOT_AVAILABLE`, `SEAT_NOT_FOUND`) stops the
//!   adding; every ticket added by this command — also those whose adds were
//!   still in flight and succeed afterwards — is removed again, and the answer
//!   names every refused seat. A change runs in phases: old leftovers are
//!   removed first, then the new places are added, and only once all of them
//!   are held (the change is *committed*) are dropped places removed, so a
//!   failed change leaves the hold exactly as it was.
//! - **Lost answers are looked up, not guessed.** `external_id` is derived
//!   from the hold id, the item and a place number. The document only says
//!   it is unique (l.389): a repeated add with the same `external_id` may
//!   return the same ticket, or be refused (a duplicate / validation error,
//!   or `SEAT_NOT_AVAILABLE` for what is in fact our own seat). So an add
//!   whose answer was lost (timeout, 5xx, truncated body) is not sent again
//!   blindly: the ticket is first looked up by its `external_id` with the
//!   documented update form (`tickets/add` with `external_id`, `paid=0`,
//!   `reserved_to` and no `seat_id`, l.438–443), which names an existing
//!   ticket and never makes one. Found: it is the hold's. `TICKET_NOT_FOUND`:
//!   the add is sent again with the same `external_id`; if that is refused
//!   in any way, it is looked up once more (our first add may have landed
//!   in between) before the refusal counts. So there is never a second
//!   ticket for one place, and the buyer's own seat is never reported
//!   taken. An add that stays uncertain is removed by `external_id`.
//! - **Release / Expire** remove every ticket; `TICKET_NOT_FOUND` means it is
//!   already gone.
//! - **Confirm** pays each ticket (`tickets/add` with `id`, `paid=1`) and
//!   keeps its barcode; paying twice is harmless, so a confirm interrupted
//!   half-way is completed by the next one (or by the alarm, from the journal).
//! - **Checkpoints** (see [`crate::holds::journal`]): the record a checkpoint shows
//!   lists, as leftovers, every ticket this command added or may have added
//!   (an add in flight, by its `external_id`) that is not yet the hold's, so
//!   undoing an interrupted command is removing the leftovers.
//! - `reserved_to` is our expiry plus [`RESERVATION_GRACE_SECONDS`], written
//!   in UTC as `YYYY-MM-DDTHH:MM:SS+00:00` and sent as `%2B00%3A00` (a raw `+`
//!   in a form body is a space to PHP). Our alarm releases the tickets at our
//!   expiry; the grace only keeps a confirm that started just before expiry
//!   from meeting an already-dropped ticket, and lets QTickets clean up by
//!   itself if the alarm never runs.
//!
//! Requests are `POST` form bodies (the API treats GET and POST alike; a body
//! keeps seat ids and external ids out of URLs and access logs).

use std::collections::{BTreeMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ticket_contract::{Buyer, HoldItem, HoldState};

use crate::errors::ProxyError;
use crate::holds::journal::{is_transient, StepClass, StepId, StepIntent};
use crate::holds::record::{issued_ticket, item_id, item_places, HoldRecord, UpstreamHoldRefs};
use crate::holds::{view, CommandContext, Finished, HoldOperation, StepRequest};
use crate::ids::is_acceptable_item_id;
use crate::qtickets::wire::{QticketsTicketAnswer, QticketsTicketResultField};
use crate::qtickets::{check_http_status, error_for_code, read_object};
use crate::upstream::{HttpMethod, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse};

/// One QTickets ticket of a hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QticketsTicketRef {
    /// The hold item it belongs to: the seat id, or the admission seat id.
    pub item_id: String,
    /// Our idempotency key for `tickets/add` (see `crate::qtickets::holds`).
    pub external_id: String,
    /// QTickets' ticket id; `None` when an add's answer was lost and only the
    /// `external_id` is known.
    #[serde(default)]
    pub ticket_id: Option<String>,
    /// Set once the ticket is paid.
    #[serde(default)]
    pub barcode: Option<String>,
}

pub const TICKETS_ADD_PATH: &str = "api/partners/v1/tickets/add";
pub const TICKETS_REMOVE_PATH: &str = "api/partners/v1/tickets/remove";

/// How much longer QTickets keeps a reservation than our hold lasts.
pub const RESERVATION_GRACE_SECONDS: i64 = 30;

/// Longest barcode we accept from the upstream (EAN-13 in practice).
const LONGEST_BARCODE: usize = 128;

/// Builds the QTickets ticket requests of one show.
#[derive(Debug, Clone)]
pub struct QticketsTicketRequests {
    config: UpstreamConfig,
    /// Validated digits (from [`crate::ids`]).
    event_id: String,
    show_id: String,
}

impl QticketsTicketRequests {
    pub fn new(config: UpstreamConfig, event_id: String, show_id: String) -> QticketsTicketRequests {
        QticketsTicketRequests { config, event_id, show_id }
    }

    /// Reserves `seat_id` (a numbered seat, or one place of an admission seat).
    pub fn add(&self, seat_id: &str, external_id: &str, reserved_to_unix: i64) -> UpstreamRequest {
        let reserved_to = reserved_to_text(reserved_to_unix);
        self.post(
            TICKETS_ADD_PATH,
            &[("seat_id", seat_id), ("paid", "0"), ("reserved_to", &reserved_to), ("external_id", external_id)],
        )
    }

    /// Looks a ticket up by our `external_id`: the document's update form
    /// (l.438–443) with the reservation's own `reserved_to`, which answers
    /// the ticket if it exists (extending nothing: the deadline is the same)
    /// and `TICKET_NOT_FOUND` if not. It never reserves a seat.
    pub fn find(&self, external_id: &str, reserved_to_unix: i64) -> UpstreamRequest {
        let reserved_to = reserved_to_text(reserved_to_unix);
        self.post(TICKETS_ADD_PATH, &[("external_id", external_id), ("paid", "0"), ("reserved_to", &reserved_to)])
    }

    /// Marks a ticket paid (its barcode appears in the answer).
    pub fn pay(&self, ticket: &QticketsTicketRef) -> UpstreamRequest {
        let (name, value) = ticket_reference(ticket);
        self.post(TICKETS_ADD_PATH, &[(name, value), ("paid", "1")])
    }

    /// Cancels a reservation.
    pub fn remove(&self, ticket: &QticketsTicketRef) -> UpstreamRequest {
        let (name, value) = ticket_reference(ticket);
        self.post(TICKETS_REMOVE_PATH, &[(name, value)])
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> UpstreamRequest {
        let body = fields
            .iter()
            .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.config.request(
            HttpMethod::Post,
            &format!("{path}/{}/{}", self.event_id, self.show_id),
            crate::qtickets::AUTHORIZATION_SCHEME,
            Some(("application/x-www-form-urlencoded", body)),
        )
    }
}

/// A ticket is named by its id when we know it, else by our `external_id`.
fn ticket_reference(ticket: &QticketsTicketRef) -> (&'static str, &str) {
    match &ticket.ticket_id {
        Some(ticket_id) => ("id", ticket_id),
        None => ("external_id", &ticket.external_id),
    }
}

/// Our idempotency key for one place: `<16 hex of the hold>-<8 hex of the
/// item>-<place number>`, e.g. `3fa9c2d1e0b47a55-1a2b3c4d-0`. Deterministic,
/// short, `[a-z0-9-]` only, and unique across holds.
pub fn external_id_for(hold_id: &str, item_id: &str, place_number: u32) -> String {
    let hold_hash = Sha256::digest(hold_id.as_bytes());
    let item_hash = Sha256::digest(item_id.as_bytes());
    format!("{}-{}-{place_number}", hex_prefix(&hold_hash, 8), hex_prefix(&item_hash, 4))
}

fn hex_prefix(bytes: &[u8], byte_count: usize) -> String {
    bytes.iter().take(byte_count).map(|byte| format!("{byte:02x}")).collect()
}

/// `2026-11-23T14:28:48+00:00`: UTC, with an explicit offset as QTickets'
/// example writes it.
pub fn reserved_to_text(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// `application/x-www-form-urlencoded` value encoding: unreserved characters
/// as they are, every other byte as `%XX` (so `+` is `%2B`, `;` is `%3B`).
pub fn form_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// What one ticket request came to.
#[derive(Debug, Clone, PartialEq)]
enum TicketAnswer {
    /// `status: success` (or a readable `result`): the ticket, if any.
    Success { ticket_id: Option<String>, barcode: Option<String> },
    /// `SEAT_NOT_AVAILABLE` / `SEAT_NOT_FOUND`: nothing was reserved.
    SeatRefused,
    /// `TICKET_NOT_FOUND`: the ticket is gone (removed or expired).
    TicketNotFound,
    /// A definite refusal: nothing happened.
    Refused(ProxyError),
    /// No readable answer: the request may or may not have taken effect.
    Uncertain(ProxyError),
}

fn read_ticket_answer(response: Result<UpstreamResponse, ProxyError>) -> TicketAnswer {
    let response = match response {
        Ok(response) => response,
        Err(error) => return TicketAnswer::Uncertain(error),
    };
    if let Err(error) = check_http_status(&response) {
        return match error {
            UpstreamError::UpstreamRejectedKey | UpstreamError::NotFound { .. } => TicketAnswer::Refused(error.into()),
            other => TicketAnswer::Uncertain(other.into()),
        };
    }
    let answer: QticketsTicketAnswer = match read_object(&response.body, "ticket answer") {
        Ok(answer) => answer,
        Err(error) => return TicketAnswer::Uncertain(error.into()),
    };
    let status = answer.status.as_text().map(|status| status.to_ascii_lowercase());
    if status.as_deref() == Some("error") {
        let code = answer.code.as_text();
        return match code.as_deref() {
            Some("SEAT_NOT_AVAILABLE" | "SEAT_NOT_FOUND") => TicketAnswer::SeatRefused,
            Some("TICKET_NOT_FOUND") => TicketAnswer::TicketNotFound,
            // "Unknown error": the upstream itself does not know what happened.
            Some("UNKNOWN_ERROR") | None => TicketAnswer::Uncertain(ProxyError::UpstreamUnavailable),
            Some(_) => TicketAnswer::Refused(error_for_code(code).into()),
        };
    }
    match answer.result {
        QticketsTicketResultField::Ticket(ticket) => TicketAnswer::Success {
            ticket_id: ticket.id.as_text().filter(|id| is_acceptable_item_id(id)),
            barcode: ticket.barcode.as_text().filter(|barcode| is_acceptable_barcode(barcode)),
        },
        QticketsTicketResultField::Flag(true) => TicketAnswer::Success { ticket_id: None, barcode: None },
        _ if status.as_deref() == Some("success") => TicketAnswer::Success { ticket_id: None, barcode: None },
        _ => TicketAnswer::Uncertain(ProxyError::UpstreamBadResponse { what: "QTickets ticket answer without result".into() }),
    }
}

/// Printable ASCII without spaces, at most [`LONGEST_BARCODE`] characters.
pub(crate) fn is_acceptable_barcode(barcode: &str) -> bool {
    !barcode.is_empty() && barcode.len() <= LONGEST_BARCODE && barcode.bytes().all(|byte| byte.is_ascii_graphic())
}

/// How many QTickets ticket requests one command keeps in flight at once
/// (the Worker allows six upstream calls per isolate at once).
pub const PARALLEL_TICKET_REQUESTS: usize = 5;

/// What the operation is doing.
#[derive(Debug, Clone, PartialEq)]
enum QticketsCommand {
    Create,
    Change {
        items: Option<Vec<HoldItem>>,
        buyer: Option<Buyer>,
    },
    Release,
    Expire,
    Confirm,
    /// An interrupted create or change is undone: every leftover (the
    /// tickets it added or may have added) is removed.
    Undo {
        of_create: bool,
    },
}

/// Why a ticket is being removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Removal {
    /// Added by this command, which failed.
    Rollback,
    /// Part of the hold (dropped by a change, or released / expired).
    HoldTicket,
    /// A leftover of an earlier command.
    Leftover,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Add(QticketsTicketRef),
    /// Looks up, by its `external_id`, a ticket whose add may have landed
    /// (see [`QticketsTicketRequests::find`]). `refusal`: how the add sent
    /// again was refused, if it was — the answer if the ticket is not there.
    Find {
        ticket: QticketsTicketRef,
        refusal: Option<ProxyError>,
    },
    Remove(QticketsTicketRef, Removal),
    /// Pays the hold ticket with this `external_id`.
    Pay(String),
}

impl Action {
    fn class(&self) -> StepClass {
        match self {
            Action::Add(_) | Action::Find { .. } | Action::Pay(_) => StepClass::Forward,
            Action::Remove(..) => StepClass::Cleanup,
        }
    }

    fn intent(&self, step: StepId) -> StepIntent {
        let (action, reference) = match self {
            Action::Add(ticket) => ("add", &ticket.external_id),
            Action::Find { ticket, .. } => ("find", &ticket.external_id),
            Action::Remove(ticket, _) => ("remove", &ticket.external_id),
            Action::Pay(external_id) => ("pay", external_id),
        };
        StepIntent { step, action: action.to_string(), reference: Some(reference.clone()) }
    }

    /// The ticket this step is about, for the list of what may exist upstream.
    fn ticket(&self) -> Option<&QticketsTicketRef> {
        match self {
            Action::Add(ticket) | Action::Find { ticket, .. } | Action::Remove(ticket, _) => Some(ticket),
            Action::Pay(_) => None,
        }
    }
}

/// A group of steps that run in parallel; the next group starts when every
/// step of this one is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Old leftovers go first: one may hold a seat the buyer wants back.
    ClearLeftovers,
    Add,
    /// A change's dropped places, once every new place is held: the change
    /// is committed from here on.
    RemoveDropped,
    Release,
    Pay,
    /// A confirm found the reservation gone before anything was paid.
    GiveBack,
    Undo,
}

/// One step, queued or in flight.
#[derive(Debug, Clone, PartialEq)]
struct Attempt {
    action: Action,
    /// Sent once already (an uncertain answer): it may have taken effect.
    /// For an add: sent again after a lookup found no ticket.
    retried: bool,
}

impl Attempt {
    fn first(action: Action) -> Attempt {
        Attempt { action, retried: false }
    }
}

/// One command on one QTickets hold.
pub(crate) struct QticketsOperation {
    requests: QticketsTicketRequests,
    command: QticketsCommand,
    /// The hold as it was when the command began (for Create: a draft with
    /// the requested items and no tickets).
    record: HoldRecord,
    context: CommandContext,
    /// The hold's tickets as the command goes on (kept + added; barcodes).
    tickets: Vec<QticketsTicketRef>,
    /// Old leftovers not (yet) removed, plus tickets that failed to go.
    leftovers: Vec<QticketsTicketRef>,
    /// Hold tickets a release or expiry could not remove.
    unremoved: Vec<QticketsTicketRef>,
    /// External ids of tickets known to be gone upstream.
    gone: HashSet<String>,
    /// Adds whose answer never came, removed by `external_id` and found
    /// missing: the add may still land (a request the upstream goes on with
    /// after we stopped waiting), so they are removed once more later.
    recheck: Vec<QticketsTicketRef>,
    reserved_to: i64,
    phase: Option<Phase>,
    queue: VecDeque<Attempt>,
    later: VecDeque<(Phase, Vec<Action>)>,
    in_flight: BTreeMap<StepId, Attempt>,
    next_step: StepId,
    /// The latest `now_ms` seen.
    clock_ms: i64,
    failure: Option<ProxyError>,
    /// An add failed: whatever this command added is removed again,
    /// including adds still in flight that succeed.
    rolling_back: bool,
    /// A change whose new places are all held: it stands, whatever follows.
    committed: bool,
    /// The budget is spent: nothing more starts.
    out_of_time: bool,
    /// A confirm met a ticket that is gone upstream.
    ticket_gone_on_confirm: bool,
    /// A confirm found the tickets gone before any was paid: the hold is expired.
    expired_on_confirm: bool,
}

impl QticketsOperation {
    pub(crate) fn create(requests: QticketsTicketRequests, draft: HoldRecord, context: CommandContext) -> QticketsOperation {
        let mut operation = QticketsOperation::new(requests, QticketsCommand::Create, draft, context);
        let items = operation.record.items.clone();
        let mut adds: Vec<QticketsTicketRef> = Vec::new();
        for item in &items {
            for _ in 0..item_places(item) {
                let ticket = operation.new_ticket_for(item_id(item), adds.iter());
                adds.push(ticket);
            }
        }
        operation.later.push_back((Phase::Add, adds.into_iter().map(Action::Add).collect()));
        operation
    }

    pub(crate) fn change(
        requests: QticketsTicketRequests,
        record: HoldRecord,
        items: Option<Vec<HoldItem>>,
        buyer: Option<Buyer>,
        context: CommandContext,
    ) -> QticketsOperation {
        let command = QticketsCommand::Change { items: items.clone(), buyer };
        let mut operation = QticketsOperation::new(requests, command, record, context);
        if let Some(items) = items {
            operation.plan_change(&items);
        }
        operation
    }

    pub(crate) fn release(
        requests: QticketsTicketRequests,
        record: HoldRecord,
        context: CommandContext,
        expiring: bool,
    ) -> QticketsOperation {
        let command = if expiring { QticketsCommand::Expire } else { QticketsCommand::Release };
        let mut operation = QticketsOperation::new(requests, command, record, context);
        let hold_tickets = std::mem::take(&mut operation.tickets);
        let leftovers = std::mem::take(&mut operation.leftovers);
        let removals = hold_tickets
            .into_iter()
            .map(|ticket| Action::Remove(ticket, Removal::HoldTicket))
            .chain(leftovers.into_iter().map(|ticket| Action::Remove(ticket, Removal::Leftover)))
            .collect();
        operation.later.push_back((Phase::Release, removals));
        operation
    }

    pub(crate) fn confirm(requests: QticketsTicketRequests, record: HoldRecord, context: CommandContext) -> QticketsOperation {
        let mut operation = QticketsOperation::new(requests, QticketsCommand::Confirm, record, context);
        let unpaid = operation
            .tickets
            .iter()
            .filter(|ticket| ticket.barcode.is_none())
            .map(|ticket| Action::Pay(ticket.external_id.clone()));
        let pays = unpaid.collect();
        operation.later.push_back((Phase::Pay, pays));
        operation
    }

    /// Undoes an interrupted create or change from its checkpoint: the
    /// record's leftovers are everything it added or may have added.
    pub(crate) fn undo(
        requests: QticketsTicketRequests,
        record: HoldRecord,
        context: CommandContext,
        of_create: bool,
    ) -> QticketsOperation {
        let mut operation = QticketsOperation::new(requests, QticketsCommand::Undo { of_create }, record, context);
        let leftovers = std::mem::take(&mut operation.leftovers);
        operation
            .later
            .push_back((Phase::Undo, leftovers.into_iter().map(|ticket| Action::Remove(ticket, Removal::Leftover)).collect()));
        operation
    }

    fn new(
        requests: QticketsTicketRequests,
        command: QticketsCommand,
        record: HoldRecord,
        context: CommandContext,
    ) -> QticketsOperation {
        let (tickets, leftovers) = match &record.upstream {
            UpstreamHoldRefs::Qtickets { tickets, leftovers } => (tickets.clone(), leftovers.clone()),
            UpstreamHoldRefs::Ticketscloud { .. } => (Vec::new(), Vec::new()),
        };
        QticketsOperation {
            requests,
            command,
            reserved_to: record.expires_at.saturating_add(RESERVATION_GRACE_SECONDS),
            record,
            clock_ms: context.now.saturating_mul(1000),
            context,
            tickets,
            leftovers,
            unremoved: Vec::new(),
            gone: HashSet::new(),
            recheck: Vec::new(),
            phase: None,
            queue: VecDeque::new(),
            later: VecDeque::new(),
            in_flight: BTreeMap::new(),
            next_step: 1,
            failure: None,
            rolling_back: false,
            committed: false,
            out_of_time: false,
            ticket_gone_on_confirm: false,
            expired_on_confirm: false,
        }
    }

    /// Removals of old leftovers first (one may hold a seat the buyer wants
    /// back), then adds for new places, then removals of dropped places.
    fn plan_change(&mut self, new_items: &[HoldItem]) {
        let leftovers = std::mem::take(&mut self.leftovers);
        let mut kept_external_ids = HashSet::new();
        let mut wanted_adds = Vec::new();
        for item in new_items {
            let wanted = item_places(item) as usize;
            let held: Vec<&QticketsTicketRef> = self.tickets.iter().filter(|ticket| ticket.item_id == item_id(item)).collect();
            kept_external_ids.extend(held.iter().take(wanted).map(|ticket| ticket.external_id.clone()));
            wanted_adds.extend(std::iter::repeat_n(item_id(item).to_string(), wanted.saturating_sub(held.len())));
        }
        // Kept and dropped tickets stay in the hold's order.
        let (kept, dropped): (Vec<QticketsTicketRef>, Vec<QticketsTicketRef>) =
            std::mem::take(&mut self.tickets).into_iter().partition(|ticket| kept_external_ids.contains(&ticket.external_id));
        self.tickets = kept;
        let mut adds: Vec<QticketsTicketRef> = Vec::new();
        for item_id in wanted_adds {
            let ticket = self.new_ticket_for(&item_id, leftovers.iter().chain(&dropped).chain(&adds));
            adds.push(ticket);
        }
        let phases = [
            (
                Phase::ClearLeftovers,
                leftovers.into_iter().map(|ticket| Action::Remove(ticket, Removal::Leftover)).collect::<Vec<_>>(),
            ),
            (Phase::Add, adds.into_iter().map(Action::Add).collect()),
            (Phase::RemoveDropped, dropped.into_iter().map(|ticket| Action::Remove(ticket, Removal::HoldTicket)).collect()),
        ];
        for (phase, actions) in phases {
            // An empty add phase still marks where the change commits.
            if !actions.is_empty() || phase == Phase::RemoveDropped {
                self.later.push_back((phase, actions));
            }
        }
    }

    /// A ticket for `item_id` with the lowest place number whose external id
    /// is not used by any ticket of this hold (held, left over, or in
    /// `also_used`).
    fn new_ticket_for<'a>(&self, item_id: &str, also_used: impl Iterator<Item = &'a QticketsTicketRef>) -> QticketsTicketRef {
        let used: HashSet<&str> = self
            .tickets
            .iter()
            .chain(&self.leftovers)
            .map(|ticket| ticket.external_id.as_str())
            .chain(also_used.map(|ticket| ticket.external_id.as_str()))
            .collect();
        let external_id = (0u32..)
            .map(|place_number| external_id_for(&self.record.hold_id, item_id, place_number))
            .find(|candidate| !used.contains(candidate.as_str()))
            .unwrap_or_default();
        QticketsTicketRef { item_id: item_id.to_string(), external_id, ticket_id: None, barcode: None }
    }

    fn request_for(&self, action: &Action) -> Option<UpstreamRequest> {
        Some(match action {
            Action::Add(ticket) => self.requests.add(&ticket.item_id, &ticket.external_id, self.reserved_to),
            Action::Find { ticket, .. } => self.requests.find(&ticket.external_id, self.reserved_to),
            Action::Remove(ticket, _) => self.requests.remove(ticket),
            Action::Pay(external_id) => self.requests.pay(self.tickets.iter().find(|ticket| &ticket.external_id == external_id)?),
        })
    }

    /// Queues the step once more (first in line); false when it was sent
    /// twice already.
    fn retry(&mut self, action: Action, retried: bool) -> bool {
        if retried {
            return false;
        }
        self.queue.push_front(Attempt { action, retried: true });
        true
    }

    /// Keeps the first failure; refused seats found by parallel adds are all named.
    fn record_failure(&mut self, error: ProxyError) {
        match (&mut self.failure, error) {
            (None, error) => self.failure = Some(error),
            (Some(ProxyError::SeatUnavailable { ids }), ProxyError::SeatUnavailable { ids: more }) => {
                for id in more {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            (Some(_), _) => {}
        }
    }

    /// The next group of steps, when the current one is fully answered.
    fn start_next_phase(&mut self) -> bool {
        self.end_phase();
        let Some((phase, actions)) = self.later.pop_front() else {
            return false;
        };
        if phase == Phase::RemoveDropped {
            self.committed = true;
        }
        self.phase = Some(phase);
        self.queue.extend(actions.into_iter().map(Attempt::first));
        true
    }

    fn end_phase(&mut self) {
        let ended = self.phase.take();
        let nothing_paid = self.tickets.iter().all(|ticket| ticket.barcode.is_none());
        if ended == Some(Phase::Pay) && self.ticket_gone_on_confirm && nothing_paid {
            // The reservation ran out upstream before anything was paid: give
            // back whatever is left and call the hold expired.
            self.expired_on_confirm = true;
            let gone = &self.gone;
            let others: Vec<Action> = std::mem::take(&mut self.tickets)
                .into_iter()
                .filter(|ticket| !gone.contains(&ticket.external_id))
                .map(|ticket| Action::Remove(ticket, Removal::Leftover))
                .collect();
            self.later.push_front((Phase::GiveBack, others));
        }
    }

    /// The budget for `class` is spent at the head of the queue.
    fn run_out_of(&mut self, class: StepClass) {
        match (class, &self.command) {
            (StepClass::Forward, QticketsCommand::Create | QticketsCommand::Change { .. }) => {
                self.fail_adding(ProxyError::UpstreamTimeout, None)
            }
            (StepClass::Forward, QticketsCommand::Confirm) => self.stop_paying(ProxyError::UpstreamTimeout),
            _ => {
                self.out_of_time = true;
                self.record_failure(ProxyError::UpstreamTimeout);
            }
        }
    }

    /// An add failed (or the time for adding ran out): stop adding and
    /// remove what this command added (and the uncertain ticket, by its
    /// external id). Adds still in flight are removed when they answer.
    fn fail_adding(&mut self, error: ProxyError, uncertain: Option<QticketsTicketRef>) {
        self.record_failure(error);
        if !self.rolling_back {
            self.rolling_back = true;
            let mut rollback = Vec::new();
            for attempt in self.queue.drain(..) {
                match attempt.action {
                    // Sent once, answer lost: it may exist.
                    Action::Add(ticket) if attempt.retried => rollback.push(ticket),
                    Action::Find { ticket, .. } => rollback.push(ticket),
                    Action::Remove(ticket, Removal::Rollback) => rollback.push(ticket),
                    Action::Remove(ticket, Removal::Leftover) => self.leftovers.push(ticket),
                    // Never sent; or a dropped place, which stays held.
                    Action::Add(_) | Action::Remove(_, Removal::HoldTicket) | Action::Pay(_) => {}
                }
            }
            self.later.clear();
            let added = self.added_by_this_command();
            self.tickets.retain(|ticket| !added.contains(ticket));
            rollback.extend(added);
            self.queue.extend(rollback.into_iter().map(|ticket| Attempt::first(Action::Remove(ticket, Removal::Rollback))));
        }
        if let Some(ticket) = uncertain {
            self.queue.push_back(Attempt::first(Action::Remove(ticket, Removal::Rollback)));
        }
    }

    fn added_by_this_command(&self) -> Vec<QticketsTicketRef> {
        let before: HashSet<&str> = match &self.record.upstream {
            UpstreamHoldRefs::Qtickets { tickets, .. } => tickets.iter().map(|ticket| ticket.external_id.as_str()).collect(),
            UpstreamHoldRefs::Ticketscloud { .. } => HashSet::new(),
        };
        self.tickets.iter().filter(|ticket| !before.contains(ticket.external_id.as_str())).cloned().collect()
    }

    /// `retried`: this add was sent again after a lookup found no ticket,
    /// so our first add may have landed since — a refusal may be about our
    /// own ticket (a repeated `external_id`, or our own seat) and is checked
    /// by one more lookup before it counts.
    fn on_add(&mut self, mut ticket: QticketsTicketRef, retried: bool, answer: TicketAnswer) {
        let refusal = match answer {
            TicketAnswer::Success { ticket_id: Some(ticket_id), .. } => {
                ticket.ticket_id = Some(ticket_id);
                self.found(ticket);
                return;
            }
            TicketAnswer::SeatRefused => ProxyError::SeatUnavailable { ids: vec![ticket.item_id.clone()] },
            TicketAnswer::Refused(error) => error,
            TicketAnswer::TicketNotFound => ProxyError::UpstreamRefused { code: "TICKET_NOT_FOUND".into() },
            TicketAnswer::Success { ticket_id: None, .. } => {
                let error = ProxyError::UpstreamBadResponse { what: "QTickets add answer without a ticket id".into() };
                self.lost_add_answer(ticket, retried, error);
                return;
            }
            TicketAnswer::Uncertain(error) => {
                self.lost_add_answer(ticket, retried, error);
                return;
            }
        };
        if !retried {
            self.fail_adding(refusal, None);
        } else if self.rolling_back {
            self.fail_adding(refusal, Some(ticket));
        } else {
            self.queue.push_front(Attempt::first(Action::Find { ticket, refusal: Some(refusal) }));
        }
    }

    /// An add's answer was lost (it may have landed): look the ticket up
    /// before anything else; while rolling back, or when it was sent twice
    /// already, remove it by its `external_id` instead.
    fn lost_add_answer(&mut self, ticket: QticketsTicketRef, retried: bool, error: ProxyError) {
        if self.rolling_back || retried {
            self.fail_adding(error, Some(ticket));
        } else {
            self.queue.push_front(Attempt::first(Action::Find { ticket, refusal: None }));
        }
    }

    /// A ticket of this command exists upstream: the hold's, or removed
    /// again if the command is rolling back.
    fn found(&mut self, ticket: QticketsTicketRef) {
        if self.rolling_back {
            self.queue.push_back(Attempt::first(Action::Remove(ticket, Removal::Rollback)));
        } else {
            self.tickets.push(ticket);
        }
    }

    /// The answer to a lookup by `external_id` (see [`Action::Find`]).
    fn on_find(&mut self, mut ticket: QticketsTicketRef, refusal: Option<ProxyError>, retried: bool, answer: TicketAnswer) {
        match answer {
            TicketAnswer::Success { ticket_id: Some(ticket_id), .. } => {
                ticket.ticket_id = Some(ticket_id);
                self.found(ticket);
            }
            TicketAnswer::TicketNotFound => match refusal {
                // The lost add did not land (yet): send it again, unless the
                // command is being undone anyway.
                None if !self.rolling_back => self.queue.push_front(Attempt { action: Action::Add(ticket), retried: true }),
                None => self.fail_adding(ProxyError::UpstreamUnavailable, Some(ticket)),
                // The add sent again was refused for real. Our first add may
                // still land late: it is removed by its external id as well.
                Some(refusal) => self.fail_adding(refusal, Some(ticket)),
            },
            TicketAnswer::Success { ticket_id: None, .. } | TicketAnswer::Uncertain(_) => {
                let action = Action::Find { ticket: ticket.clone(), refusal: refusal.clone() };
                if !self.retry(action, retried) {
                    let error = match answer {
                        TicketAnswer::Uncertain(error) => error,
                        _ => ProxyError::UpstreamBadResponse { what: "QTickets ticket lookup without a ticket id".into() },
                    };
                    self.fail_adding(refusal.unwrap_or(error), Some(ticket));
                }
            }
            TicketAnswer::Refused(error) => self.fail_adding(refusal.unwrap_or(error), Some(ticket)),
            TicketAnswer::SeatRefused => {
                let error = ProxyError::UpstreamRefused { code: "SEAT_NOT_AVAILABLE".into() };
                self.fail_adding(refusal.unwrap_or(error), Some(ticket));
            }
        }
    }

    fn on_remove(&mut self, ticket: QticketsTicketRef, removal: Removal, retried: bool, answer: TicketAnswer) {
        let error = match answer {
            TicketAnswer::TicketNotFound
                if removal == Removal::Rollback
                    && ticket.ticket_id.is_none()
                    && !matches!(self.command, QticketsCommand::Undo { .. }) =>
            {
                self.recheck.push(ticket);
                return;
            }
            TicketAnswer::Success { .. } | TicketAnswer::TicketNotFound => {
                self.gone.insert(ticket.external_id);
                return;
            }
            TicketAnswer::Uncertain(error) => {
                if self.retry(Action::Remove(ticket.clone(), removal), retried) {
                    return;
                }
                error
            }
            TicketAnswer::Refused(error) => error,
            TicketAnswer::SeatRefused => ProxyError::UpstreamRefused { code: "SEAT_NOT_AVAILABLE".into() },
        };
        if removal == Removal::HoldTicket && matches!(self.command, QticketsCommand::Release | QticketsCommand::Expire) {
            self.unremoved.push(ticket);
            self.record_failure(error);
        } else {
            self.leftovers.push(ticket);
        }
    }

    fn on_pay(&mut self, external_id: String, retried: bool, answer: TicketAnswer) {
        let Some(index) = self.tickets.iter().position(|ticket| ticket.external_id == external_id) else { return };
        match answer {
            TicketAnswer::Success { barcode: Some(barcode), .. } => self.tickets[index].barcode = Some(barcode),
            TicketAnswer::Success { barcode: None, .. } => {
                if !self.retry(Action::Pay(external_id), retried) {
                    self.stop_paying(ProxyError::UpstreamBadResponse { what: "QTickets paid ticket without barcode".into() });
                }
            }
            TicketAnswer::Uncertain(error) => {
                if !self.retry(Action::Pay(external_id), retried) {
                    self.stop_paying(error);
                }
            }
            TicketAnswer::TicketNotFound => {
                self.gone.insert(external_id);
                self.ticket_gone_on_confirm = true;
                self.stop_paying(ProxyError::HoldExpired);
            }
            TicketAnswer::SeatRefused => self.stop_paying(ProxyError::UpstreamRefused { code: "SEAT_NOT_AVAILABLE".into() }),
            TicketAnswer::Refused(error) => self.stop_paying(error),
        }
    }

    /// No further pays start; a ticket found gone outranks other failures.
    fn stop_paying(&mut self, error: ProxyError) {
        if error == ProxyError::HoldExpired {
            self.failure = Some(error);
        } else {
            self.record_failure(error);
        }
        self.queue.retain(|attempt| !matches!(attempt.action, Action::Pay(_)));
    }

    /// Whatever was not done when `finish` came (the glue gave up, or the
    /// budget ran out) is treated as not done: an add in flight is uncertain
    /// (left over by its external id), a removal not made leaves its ticket.
    fn abandon_unfinished(&mut self) {
        let sent = std::mem::take(&mut self.in_flight).into_values().map(|attempt| (attempt.action, true));
        let queued = self.queue.drain(..).map(|attempt| (attempt.action, attempt.retried)).collect::<Vec<_>>();
        let later = self.later.drain(..).flat_map(|(_, actions)| actions).map(|action| (action, false)).collect::<Vec<_>>();
        let unfinished: Vec<(Action, bool)> = sent.chain(queued).chain(later).collect();
        if unfinished.is_empty() {
            return;
        }
        let releasing = matches!(self.command, QticketsCommand::Release | QticketsCommand::Expire);
        for (action, may_exist) in unfinished {
            match action {
                Action::Add(ticket) if may_exist => self.leftovers.push(ticket),
                Action::Find { ticket, .. } => self.leftovers.push(ticket),
                Action::Add(_) | Action::Pay(_) => {}
                Action::Remove(ticket, Removal::HoldTicket) if releasing => self.unremoved.push(ticket),
                // A committed change's dropped place is no longer the hold's;
                // before the commit it stays held.
                Action::Remove(ticket, Removal::HoldTicket) if self.committed => self.leftovers.push(ticket),
                Action::Remove(_, Removal::HoldTicket) => {}
                Action::Remove(ticket, Removal::Rollback | Removal::Leftover) => self.leftovers.push(ticket),
            }
        }
        if !self.committed {
            self.record_failure(if self.out_of_time { ProxyError::UpstreamTimeout } else { ProxyError::Internal });
        }
        if matches!(self.command, QticketsCommand::Create | QticketsCommand::Change { .. }) && !self.committed {
            // The command as a whole failed: whatever it added is a leftover.
            let added = self.added_by_this_command();
            self.tickets.retain(|ticket| !added.contains(ticket));
            self.leftovers.extend(added);
        }
    }

    fn now(&self) -> i64 {
        self.context.now.max(self.clock_ms.div_euclid(1000))
    }

    fn finish_record(mut self) -> Finished {
        self.abandon_unfinished();
        let now = self.now();
        let mut record = self.record.clone();
        record.journal = None;
        let failure = self.failure.take();
        match (&self.command, failure) {
            (QticketsCommand::Create, None) => {
                record.upstream =
                    UpstreamHoldRefs::Qtickets { tickets: ordered(&record.items, self.tickets), leftovers: Vec::new() };
                finished_ok(record, now)
            }
            (QticketsCommand::Create, Some(error)) => {
                if self.leftovers.is_empty() && self.recheck.is_empty() {
                    return Finished { record: None, result: Err(error) };
                }
                // Some tickets could not be removed (or may still appear):
                // keep a record that is already due, so the alarm comes back
                // to remove them — at once, or after a late add would land.
                record.items = Vec::new();
                record.expires_at = now;
                if !self.recheck.is_empty() {
                    record.journal = Some(self.context.undo_later(now));
                }
                let mut leftovers = self.leftovers;
                leftovers.extend(self.recheck);
                record.upstream = UpstreamHoldRefs::Qtickets { tickets: Vec::new(), leftovers };
                Finished { record: Some(record), result: Err(error) }
            }
            (QticketsCommand::Change { items, buyer }, failure) if failure.is_none() || self.committed => {
                if let Some(items) = items {
                    record.items = items.clone();
                }
                if let Some(buyer) = buyer {
                    record.buyer = Some(buyer.clone());
                }
                record.upstream =
                    UpstreamHoldRefs::Qtickets { tickets: ordered(&record.items, self.tickets), leftovers: self.leftovers };
                finished_ok(record, now)
            }
            (QticketsCommand::Change { .. }, failure) => {
                if !self.recheck.is_empty() {
                    record.journal = Some(self.context.undo_later(now));
                }
                if let UpstreamHoldRefs::Qtickets { leftovers, .. } = &mut record.upstream {
                    *leftovers = self.leftovers;
                    leftovers.extend(self.recheck);
                }
                Finished { record: Some(record), result: Err(failure.unwrap_or(ProxyError::Internal)) }
            }
            (QticketsCommand::Release, None) => {
                record.state = HoldState::Released;
                record.upstream = UpstreamHoldRefs::Qtickets { tickets: Vec::new(), leftovers: self.leftovers };
                finished_ok(record, now)
            }
            (QticketsCommand::Release, Some(error)) => {
                // Still held with what could not be given back; the alarm
                // tries again soon if the upstream was only slow or down,
                // else at expiry.
                if is_transient(&error) {
                    record.journal = self.context.unfinished(now);
                }
                let remaining = self.unremoved;
                record.items = items_covered_by(&record.items, &remaining);
                record.upstream = UpstreamHoldRefs::Qtickets { tickets: remaining, leftovers: self.leftovers };
                Finished { record: Some(record), result: Err(error) }
            }
            (QticketsCommand::Expire, failure) => {
                record.state = HoldState::Expired;
                let mut leftovers = self.unremoved;
                leftovers.extend(self.leftovers);
                record.upstream = UpstreamHoldRefs::Qtickets { tickets: Vec::new(), leftovers };
                match failure {
                    None => finished_ok(record, now),
                    Some(error) => Finished { record: Some(record), result: Err(error) },
                }
            }
            (QticketsCommand::Confirm, failure) => {
                let all_paid = !self.tickets.is_empty() && self.tickets.iter().all(|ticket| ticket.barcode.is_some());
                if failure.is_none() && all_paid {
                    record.state = HoldState::Confirmed;
                    let tickets = ordered(&record.items, self.tickets);
                    record.tickets = issued_tickets(&record.items, &tickets);
                    record.upstream = UpstreamHoldRefs::Qtickets { tickets, leftovers: self.leftovers };
                    return finished_ok(record, now);
                }
                let error = failure.unwrap_or(ProxyError::Internal);
                if self.expired_on_confirm {
                    record.state = HoldState::Expired;
                    record.upstream = UpstreamHoldRefs::Qtickets { tickets: Vec::new(), leftovers: self.leftovers };
                } else {
                    // Keep what was paid; the alarm (or the next confirm)
                    // pays the rest unless the upstream said no for good.
                    if is_transient(&error) {
                        record.journal = self.context.unfinished(now);
                    }
                    record.upstream = UpstreamHoldRefs::Qtickets { tickets: self.tickets, leftovers: self.leftovers };
                }
                Finished { record: Some(record), result: Err(error) }
            }
            (QticketsCommand::Undo { of_create }, failure) => {
                if *of_create {
                    record.state = HoldState::Released;
                    record.items = Vec::new();
                }
                let unfinished = !self.leftovers.is_empty();
                record.upstream = UpstreamHoldRefs::Qtickets { tickets: self.tickets, leftovers: self.leftovers };
                if unfinished {
                    record.journal = self.context.unfinished(now);
                }
                match failure {
                    None if !unfinished => finished_ok(record, now),
                    other => Finished { record: Some(record), result: Err(other.unwrap_or(ProxyError::UpstreamUnavailable)) },
                }
            }
        }
    }

    /// The hold's tickets as a checkpoint shows them: what the hold owns
    /// for sure at this point of the command.
    fn checkpoint_hold_tickets(&self) -> Vec<QticketsTicketRef> {
        let original = match &self.record.upstream {
            UpstreamHoldRefs::Qtickets { tickets, .. } => tickets.clone(),
            UpstreamHoldRefs::Ticketscloud { .. } => Vec::new(),
        };
        let tickets = match &self.command {
            QticketsCommand::Create | QticketsCommand::Undo { of_create: true } => Vec::new(),
            QticketsCommand::Change { items, .. } if self.committed => {
                ordered(items.as_deref().unwrap_or(&self.record.items), self.tickets.clone())
            }
            QticketsCommand::Confirm => self.tickets.clone(),
            _ => original,
        };
        tickets.into_iter().filter(|ticket| !self.gone.contains(&ticket.external_id)).collect()
    }

    /// Every ticket that may exist upstream and is not the hold's: what an
    /// undo removes.
    fn checkpoint_leftovers(&self, hold_tickets: &[QticketsTicketRef]) -> Vec<QticketsTicketRef> {
        let original_leftovers: &[QticketsTicketRef] = match &self.record.upstream {
            UpstreamHoldRefs::Qtickets { leftovers, .. } => leftovers,
            UpstreamHoldRefs::Ticketscloud { .. } => &[],
        };
        let queued = self.queue.iter().filter(|attempt| attempt.retried || !matches!(attempt.action, Action::Add(_)));
        let later = self.later.iter().flat_map(|(_, actions)| actions).filter(|action| matches!(action, Action::Remove(..)));
        let candidates = original_leftovers
            .iter()
            .chain(&self.leftovers)
            .chain(&self.tickets)
            .chain(&self.unremoved)
            .chain(&self.recheck)
            .chain(self.in_flight.values().filter_map(|attempt| attempt.action.ticket()))
            .chain(queued.filter_map(|attempt| attempt.action.ticket()))
            .chain(later.filter_map(Action::ticket));
        let mut leftovers: Vec<QticketsTicketRef> = Vec::new();
        for ticket in candidates {
            let external_id = &ticket.external_id;
            if self.gone.contains(external_id) || hold_tickets.iter().any(|held| &held.external_id == external_id) {
                continue;
            }
            match leftovers.iter_mut().find(|known| &known.external_id == external_id) {
                // The same ticket seen before its add was answered: keep the id.
                Some(known) if known.ticket_id.is_none() => known.ticket_id = ticket.ticket_id.clone(),
                Some(_) => {}
                None => leftovers.push(ticket.clone()),
            }
        }
        leftovers
    }
}

impl HoldOperation for QticketsOperation {
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest> {
        self.clock_ms = self.clock_ms.max(now_ms);
        let mut batch = Vec::new();
        while !self.out_of_time {
            if self.queue.is_empty() {
                if !self.in_flight.is_empty() || !self.start_next_phase() {
                    break;
                }
                continue;
            }
            if self.in_flight.len() >= PARALLEL_TICKET_REQUESTS {
                break;
            }
            let class = self.queue.front().map_or(StepClass::Cleanup, |attempt| attempt.action.class());
            if !self.context.deadlines.allows(class, now_ms) {
                self.run_out_of(class);
                continue;
            }
            let Some(attempt) = self.queue.pop_front() else { break };
            // A pay for a ticket that does not exist is skipped.
            let Some(request) = self.request_for(&attempt.action) else { continue };
            let id = self.next_step;
            self.next_step += 1;
            self.in_flight.insert(id, attempt);
            batch.push(StepRequest { id, request });
        }
        batch
    }

    fn on_response(&mut self, id: StepId, response: Result<UpstreamResponse, ProxyError>) {
        let Some(attempt) = self.in_flight.remove(&id) else { return };
        let answer = read_ticket_answer(response);
        match attempt.action {
            Action::Add(ticket) => self.on_add(ticket, attempt.retried, answer),
            Action::Find { ticket, refusal } => self.on_find(ticket, refusal, attempt.retried, answer),
            Action::Remove(ticket, removal) => self.on_remove(ticket, removal, attempt.retried, answer),
            Action::Pay(external_id) => self.on_pay(external_id, attempt.retried, answer),
        }
    }

    fn checkpoint(&self) -> Option<HoldRecord> {
        let mut record = self.record.clone();
        match &self.command {
            QticketsCommand::Create | QticketsCommand::Undo { of_create: true } => record.items = Vec::new(),
            QticketsCommand::Change { items, buyer } if self.committed => {
                if let Some(items) = items {
                    record.items = items.clone();
                }
                if let Some(buyer) = buyer {
                    record.buyer = Some(buyer.clone());
                }
            }
            _ => {}
        }
        let tickets = self.checkpoint_hold_tickets();
        let leftovers = self.checkpoint_leftovers(&tickets);
        record.upstream = UpstreamHoldRefs::Qtickets { tickets, leftovers };
        let intents = self.in_flight.iter().map(|(id, attempt)| attempt.action.intent(*id)).collect();
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

/// Tickets in item order (a seat's ticket, then an admission's places).
fn ordered(items: &[HoldItem], tickets: Vec<QticketsTicketRef>) -> Vec<QticketsTicketRef> {
    let mut remaining = tickets;
    let mut ordered = Vec::with_capacity(remaining.len());
    for item in items {
        let (mine, others): (Vec<_>, Vec<_>) = remaining.into_iter().partition(|ticket| ticket.item_id == item_id(item));
        ordered.extend(mine);
        remaining = others;
    }
    ordered.extend(remaining);
    ordered
}

/// The items still backed by `tickets` (admission quantities reduced).
fn items_covered_by(items: &[HoldItem], tickets: &[QticketsTicketRef]) -> Vec<HoldItem> {
    items
        .iter()
        .filter_map(|item| {
            let count = tickets.iter().filter(|ticket| ticket.item_id == item_id(item)).count() as u32;
            match item {
                HoldItem::Seat { .. } => (count > 0).then(|| item.clone()),
                HoldItem::Admission { admission_id, zone_name, unit_price, .. } => (count > 0).then(|| HoldItem::Admission {
                    admission_id: admission_id.clone(),
                    zone_name: zone_name.clone(),
                    quantity: count,
                    unit_price: *unit_price,
                }),
            }
        })
        .collect()
}

fn issued_tickets(items: &[HoldItem], tickets: &[QticketsTicketRef]) -> Vec<ticket_contract::IssuedTicket> {
    items
        .iter()
        .flat_map(|item| {
            tickets
                .iter()
                .filter(move |ticket| ticket.item_id == item_id(item))
                .filter_map(move |ticket| ticket.barcode.clone().map(|barcode| issued_ticket(item, barcode)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_short_deterministic_and_distinct() {
        let first = external_id_for("h_0123456789abcdef0123456789abcdef", "1-1;3", 0);
        assert_eq!(first, external_id_for("h_0123456789abcdef0123456789abcdef", "1-1;3", 0));
        assert!(first.len() <= 32, "{first}");
        assert!(first.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-'), "{first}");
        let others = [
            external_id_for("h_0123456789abcdef0123456789abcdef", "1-1;3", 1),
            external_id_for("h_0123456789abcdef0123456789abcdef", "1-1;4", 0),
            external_id_for("h_0123456789abcdef0123456789abcdee", "1-1;3", 0),
        ];
        for other in &others {
            assert_ne!(&first, other);
        }
        // The hold part is shared by all tickets of a hold.
        assert_eq!(first[..16], others[0][..16]);
        assert_eq!(first[..16], others[1][..16]);
    }

    #[test]
    fn reserved_to_is_utc_with_an_explicit_offset_and_encodes_the_plus() {
        assert_eq!(reserved_to_text(1_795_443_000), "2026-11-23T14:10:00+00:00");
        assert_eq!(form_encode("2026-11-23T14:10:00+00:00"), "2026-11-23T14%3A10%3A00%2B00%3A00");
        assert_eq!(form_encode("1-1;3"), "1-1%3B3");
        assert_eq!(form_encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(form_encode("Ж"), "%D0%96");
    }

    #[test]
    fn ticket_answers_are_classified_tolerantly() {
        let ok = |body: &str| Ok(UpstreamResponse::json(200, body));
        let cases: Vec<(Result<UpstreamResponse, ProxyError>, TicketAnswer)> = vec![
            (
                ok(r#"{"status":"success","result":{"id":"27061","paid":0,"barcode":null}}"#),
                TicketAnswer::Success { ticket_id: Some("27061".into()), barcode: None },
            ),
            (
                ok(r#"{"result":{"id":27061,"paid":1,"barcode":2000000270616}}"#),
                TicketAnswer::Success { ticket_id: Some("27061".into()), barcode: Some("2000000270616".into()) },
            ),
            (ok(r#"{"status":"success","result":true}"#), TicketAnswer::Success { ticket_id: None, barcode: None }),
            (ok(r#"{"status":"error","code":"SEAT_NOT_AVAILABLE","message":"x"}"#), TicketAnswer::SeatRefused),
            (ok(r#"{"status":"error","code":"SEAT_NOT_FOUND"}"#), TicketAnswer::SeatRefused),
            (ok(r#"{"status":"ERROR","code":"TICKET_NOT_FOUND"}"#), TicketAnswer::TicketNotFound),
            (
                ok(r#"{"status":"error","code":"VALIDATION_ERROR"}"#),
                TicketAnswer::Refused(ProxyError::UpstreamRefused { code: "VALIDATION_ERROR".into() }),
            ),
            (ok(r#"{"status":"error","code":"WRONG_AUTHORIZATION"}"#), TicketAnswer::Refused(ProxyError::UpstreamRejectedKey)),
            (ok(r#"{"status":"error","code":"UNKNOWN_ERROR"}"#), TicketAnswer::Uncertain(ProxyError::UpstreamUnavailable)),
            (ok(r#"{"status":"error"}"#), TicketAnswer::Uncertain(ProxyError::UpstreamUnavailable)),
            (Err(ProxyError::UpstreamTimeout), TicketAnswer::Uncertain(ProxyError::UpstreamTimeout)),
            (
                Ok(UpstreamResponse::json(503, r#"{"error":"Unknown error","status":503,"code":"UNKNOWN_ERROR"}"#)),
                TicketAnswer::Uncertain(ProxyError::UpstreamUnavailable),
            ),
            (
                ok(r#"{"event_id":1001,"status":"succ"#),
                TicketAnswer::Uncertain(ProxyError::UpstreamBadResponse {
                    what: "QTickets ticket answer is not valid JSON".into(),
                }),
            ),
            (ok(r#"{"status":"success","result":{"id":"../../x"}}"#), TicketAnswer::Success { ticket_id: None, barcode: None }),
            (
                ok(r#"{"result":false}"#),
                TicketAnswer::Uncertain(ProxyError::UpstreamBadResponse { what: "QTickets ticket answer without result".into() }),
            ),
        ];
        for (response, expected) in cases {
            let printed = format!("{response:?}");
            assert_eq!(read_ticket_answer(response), expected, "{printed}");
        }
    }
}
