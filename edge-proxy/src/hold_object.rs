//! `HoldObject`: the Durable Object that is the one home of one hold.
//!
//! It serialises every change to its hold (TicketsCloud answers `409` to
//! concurrent changes of one order; QTickets needs its adds and rollbacks in
//! order), persists the hold record (upstream references, buyer, expiry) in
//! its storage so a Worker restart loses nothing, and keeps an alarm at the
//! hold's expiry that gives the places back if the buyer walks away. The
//! decisions are `ticket_core::holds`; this file only performs them.
//!
//! Commands take turns through the object's own flag ([`HoldObject::busy`]),
//! never through `blockConcurrencyWhile`: workerd resets an object whose
//! blocked callback runs past 30 s, which a slow upstream can cause, and the
//! reset would drop the command half-way. While a command waits for the
//! upstream, the object stays open; the next command (or the alarm) waits
//! for its turn by polling on its own timer (one request cannot resume
//! another's work in workerd).
//!
//! Each command persists its operation's checkpoint before a batch of
//! requests goes out (the intents) and after each answer (the result), and
//! the first checkpoint moves the alarm to the journal's `resume_at`. If the
//! object is reset, killed or redeployed in the middle, the alarm finds the
//! journal and resumes the command (`HoldCommand::Resume`): an interrupted
//! create or change is undone, a confirm completed, a release redone. Any
//! command also resumes a leftover journal before it starts.

use std::cell::Cell;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use ticket_contract::{Hold, HoldItem, HoldState};
use ticket_core::errors::ProxyError;
use ticket_core::holds::{self, CommandBudget, HoldCommand, HoldRecord, HoldSettings, StepId, StepRequest};
use ticket_core::upstream::UpstreamResponse;
use ticket_core::{free_places, partners};
use worker::{durable_object, Date, Delay, DurableObject, Env, Request, Response, Result, ScheduledTime, State, Storage};

use crate::config::ProxyConfig;
use crate::handlers::{read_config, unix_now};
use crate::hold_messages::HoldMessage;
use crate::http::{error_response, json_response};
use crate::show_object;
use crate::upstream_fetch::{perform, UpstreamLog};

/// Response header carrying the object's upstream calls (JSON) back to the
/// front Worker for its log line; never passed on to the client.
pub const UPSTREAM_CALLS_HEADER: &str = "X-Upstream-Calls";

const RECORD_KEY: &str = "record";
const PARTNER_KEY: &str = "partner";

/// How long a command waits for the one before it to finish (a command
/// runs at most its budget, one step's timeout and the undo budget).
const LONGEST_COMMAND_WAIT_MS: u64 = 60_000;
/// The alarm may run for minutes; it waits longer for its turn.
const LONGEST_ALARM_WAIT_MS: u64 = 180_000;
/// How often a waiting command looks whether its turn has come.
const TURN_POLL_MS: u64 = 20;

#[durable_object]
pub struct HoldObject {
    state: State,
    env: Env,
    /// A command (or the alarm) is running: the others wait their turn.
    busy: Cell<bool>,
}

impl DurableObject for HoldObject {
    fn new(state: State, env: Env) -> Self {
        HoldObject { state, env, busy: Cell::new(false) }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        let message: HoldMessage = match request.json().await {
            Ok(message) => message,
            Err(_) => return Ok(error_response(&ProxyError::Internal)),
        };
        let log = UpstreamLog::default();
        let mut response = match self.handle_message(message, &log).await {
            Ok((status, hold)) => {
                json_response(status, serde_json::to_string(&hold).unwrap_or_default(), &[("Cache-Control", "no-store")])
            }
            Err(error) => error_response(&error),
        };
        let calls = serde_json::to_string(&log.calls()).unwrap_or_default();
        let _ = response.headers_mut().set(UPSTREAM_CALLS_HEADER, &calls);
        Ok(response)
    }

    async fn alarm(&self) -> Result<Response> {
        let log = UpstreamLog::default();
        let outcome = self.on_alarm(&log).await;
        // One line per alarm that did something (or failed to).
        if !log.calls().is_empty() || outcome.is_err() {
            worker::console_log!(
                "{}",
                serde_json::json!({
                    "event": "hold_alarm",
                    "resumed": outcome.as_ref().ok().copied().flatten(),
                    "error": outcome.as_ref().err().map(ProxyError::code),
                    "upstream": log.calls(),
                })
            );
        }
        Response::empty()
    }
}

/// This object's turn to run a command; the next one's when dropped (also
/// when the request is cancelled half-way: the journal covers the rest).
struct Turn<'a>(&'a Cell<bool>);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl HoldObject {
    async fn take_turn(&self, longest_wait_ms: u64) -> std::result::Result<Turn<'_>, ProxyError> {
        let give_up_at = now_ms().saturating_add(longest_wait_ms);
        loop {
            if !self.busy.get() {
                self.busy.set(true);
                return Ok(Turn(&self.busy));
            }
            if now_ms() >= give_up_at {
                // The command before is stuck on a slow upstream.
                return Err(ProxyError::UpstreamTimeout);
            }
            Delay::from(Duration::from_millis(TURN_POLL_MS)).await;
        }
    }

    async fn handle_message(&self, message: HoldMessage, log: &UpstreamLog) -> std::result::Result<(u16, Hold), ProxyError> {
        let config = read_config(&self.env)?;
        let storage = self.state.storage();
        if let HoldMessage::Get { partner, details_seconds } = &message {
            let details_seconds = details_seconds.unwrap_or(i64::from(partners::DEFAULT_HOLD_DETAILS_SECONDS));
            let (record, stored_partner) = load(&storage).await;
            let record = owned_record(record, stored_partner.as_deref(), partner)?;
            if record.leaving_since.is_none() {
                return Ok((200, holds::public_view(&record, unix_now(), details_seconds)));
            }
            // A page that went away has come back (a reload reads its hold):
            // written down in turn, so no command's checkpoint is overwritten.
            let _turn = self.take_turn(LONGEST_COMMAND_WAIT_MS).await?;
            let (record, stored_partner) = load(&storage).await;
            let mut record = owned_record(record, stored_partner.as_deref(), partner)?;
            if record.mark_present() {
                let mut keeper = RecordKeeper::new(&self.env, &storage, Some(&record), None);
                keeper.persist(&record).await?;
            }
            return Ok((200, holds::public_view(&record, unix_now(), details_seconds)));
        }
        let _turn = self.take_turn(LONGEST_COMMAND_WAIT_MS).await?;
        let (record, stored_partner) = load(&storage).await;
        // A partner whose record does not allow places priced 0 confirms none.
        let refuses_free_places = matches!(message, HoldMessage::Confirm { free_seats_allowed: false, .. });
        let mut send_tickets = false;
        let mut retention_seconds = holds::DEFAULT_RETENTION_SECONDS;
        let (partner, command) = match message {
            HoldMessage::Create { partner, hold_id, event_id, show_id, items, send_tickets: send, retention_seconds: kept } => {
                if record.is_some() {
                    return Err(ProxyError::Internal); // hold ids are random; a collision is a bug
                }
                send_tickets = send;
                retention_seconds = kept.unwrap_or(retention_seconds);
                (partner, HoldCommand::Create { hold_id, event_id, show_id, items })
            }
            // Answered above, without taking a turn.
            HoldMessage::Get { .. } => return Err(ProxyError::Internal),
            HoldMessage::Change { partner, items, buyer } => (partner, HoldCommand::Change { items, buyer }),
            HoldMessage::Release { partner } => (partner, HoldCommand::Release),
            HoldMessage::Leave { partner } => (partner, HoldCommand::Leave),
            HoldMessage::Confirm { partner, .. } => (partner, HoldCommand::Confirm),
            HoldMessage::Refund { partner, tickets } => (partner, HoldCommand::Refund { tickets }),
            HoldMessage::Promocode { partner, code } => (partner, HoldCommand::Promocode { code }),
        };
        let is_create = matches!(command, HoldCommand::Create { .. });
        let mut record = if is_create { None } else { Some(owned_record(record, stored_partner.as_deref(), &partner)?) };
        if let Some(held) = record.as_ref().filter(|record| refuses_free_places && record.state == HoldState::Held) {
            free_places::refuse_free_items(&held.items, false)?;
        }
        let alarm = record.as_ref().and_then(HoldRecord::wake_at);
        let mut keeper = RecordKeeper::new(&self.env, &storage, record.as_ref(), alarm);
        if record.as_ref().is_some_and(|record| record.journal.is_some()) {
            // A command of this hold was cut off (a reset, a crash, a deploy):
            // finish or undo it before anything new.
            record = self.run(&config, &mut keeper, record, HoldCommand::Resume, log).await?.0;
        }
        let settings = HoldSettings { send_tickets, retention_seconds, ..settings_of(&config) };
        let (_, result) = self.run_with(&settings, &mut keeper, record, command, log).await?;
        let hold = result?;
        if is_create {
            let _ = storage.put(PARTNER_KEY, &partner).await;
        }
        Ok((if is_create { 201 } else { 200 }, hold))
    }

    /// The alarm: resume a command that was cut off, else expire the hold (or
    /// release it after a leave's grace) if it is due. Returns the command
    /// it resumed, for the log line.
    async fn on_alarm(&self, log: &UpstreamLog) -> std::result::Result<Option<&'static str>, ProxyError> {
        let config = read_config(&self.env)?;
        let _turn = self.take_turn(LONGEST_ALARM_WAIT_MS).await?;
        let storage = self.state.storage();
        let now = unix_now();
        let (record, _) = load(&storage).await;
        let Some(record) = record else { return Ok(None) };
        // The alarm that woke us is spent.
        let mut keeper = RecordKeeper::new(&self.env, &storage, Some(&record), None);
        if let Some(journal) = &record.journal {
            let resumed = journaled_name(journal.command);
            let (_, result) = self.run(&config, &mut keeper, Some(record), HoldCommand::Resume, log).await?;
            return result.map(|_| Some(resumed));
        }
        if record.is_due_for_deletion(now) {
            // The hold ended longer ago than its retention: nothing of it is kept.
            keeper.set_alarm(None).await;
            if storage.delete_all().await.is_err() {
                worker::console_error!("{}", serde_json::json!({"event": "hold_delete_failed"}));
                return Err(ProxyError::Internal);
            }
            worker::console_log!("{}", serde_json::json!({"event": "hold_deleted"}));
            return Ok(None);
        }
        let view = holds::view(&record, now);
        if view.state == HoldState::Confirmed && record.follow_up.is_some() {
            // A paid hold waits for something upstream (late barcodes, the
            // organiser's details, a refund's progress): look again when due.
            return match record.alarm_at() {
                Some(at) if at > now => {
                    keeper.set_alarm(Some(at)).await;
                    Ok(None)
                }
                _ => {
                    let (_, result) = self.run(&config, &mut keeper, Some(record), HoldCommand::FollowUp, log).await?;
                    result.map(|_| Some("follow_up"))
                }
            };
        }
        if view.state != HoldState::Held && view.state != HoldState::Expired {
            // Woken early for the deletion (clock skew): sleep again until it.
            keeper.set_alarm(record.wake_at()).await;
            return Ok(None);
        }
        match record.wake_at() {
            Some(at) if at > now => {
                // Woken early (clock skew): sleep again until the real expiry.
                keeper.set_alarm(Some(at)).await;
                Ok(None)
            }
            Some(_) => {
                let (_, result) = self.run(&config, &mut keeper, Some(record), HoldCommand::Expire, log).await?;
                result.map(|_| None)
            }
            None => Ok(None),
        }
    }

    /// Carries out one command: performs the upstream requests the core asks
    /// for (several at once where it allows), persists each checkpoint — the
    /// intents before a batch leaves, the result after each answer — and then
    /// the record the command finishes with, keeping the alarm where each
    /// wants it. Returns that record and the command's outcome.
    async fn run(
        &self,
        config: &ProxyConfig,
        keeper: &mut RecordKeeper<'_>,
        record: Option<HoldRecord>,
        command: HoldCommand,
        log: &UpstreamLog,
    ) -> std::result::Result<(Option<HoldRecord>, std::result::Result<Hold, ProxyError>), ProxyError> {
        self.run_with(&settings_of(config), keeper, record, command, log).await
    }

    /// [`Self::run`] with the settings given (a create carries the
    /// partner's options in them).
    async fn run_with(
        &self,
        settings: &HoldSettings,
        keeper: &mut RecordKeeper<'_>,
        record: Option<HoldRecord>,
        command: HoldCommand,
        log: &UpstreamLog,
    ) -> std::result::Result<(Option<HoldRecord>, std::result::Result<Hold, ProxyError>), ProxyError> {
        let step_timeout_ms = u32::try_from(settings.budget.step_timeout_ms).unwrap_or(u32::MAX);
        let mut operation = holds::begin(record, command, unix_now(), settings)?;
        let mut in_flight = FuturesUnordered::new();
        let mut checkpointed = false;
        loop {
            let batch = operation.next_requests(now_ms() as i64);
            if !batch.is_empty() {
                if let Some(checkpoint) = operation.checkpoint() {
                    keeper.persist(&checkpoint).await?;
                    checkpointed = true;
                }
                for step in batch {
                    in_flight.push(perform_step(step, step_timeout_ms, log));
                }
            }
            let Some((id, response)) = in_flight.next().await else { break };
            operation.on_response(id, response);
            if let Some(checkpoint) = operation.checkpoint() {
                keeper.persist(&checkpoint).await?;
            }
        }
        let finished = holds::finish(operation, unix_now());
        match &finished.record {
            Some(record) => keeper.persist(record).await?,
            // A create that left nothing upstream: nothing to keep.
            None if checkpointed => keeper.forget().await,
            None => {}
        }
        Ok((finished.record, finished.result))
    }
}

async fn perform_step(
    step: StepRequest,
    timeout_ms: u32,
    log: &UpstreamLog,
) -> (StepId, std::result::Result<UpstreamResponse, ProxyError>) {
    let response = perform(&step.request, timeout_ms, log).await;
    (step.id, response)
}

fn journaled_name(command: holds::JournaledCommand) -> &'static str {
    match command {
        holds::JournaledCommand::Create => "create",
        holds::JournaledCommand::Change => "change",
        holds::JournaledCommand::Release => "release",
        holds::JournaledCommand::Expire => "expire",
        holds::JournaledCommand::Confirm => "confirm",
        holds::JournaledCommand::Refund => "refund",
        holds::JournaledCommand::Promocode => "promocode",
    }
}

/// Writes a hold's records and keeps two things in step with each write: the
/// alarm (where the record wants it) and the show's viewers, told through
/// [`show_object::hold_changed`] whenever the places the hold keeps off sale
/// change — whether by a command, a checkpoint (a change committed) or a
/// recovery.
struct RecordKeeper<'a> {
    env: &'a Env,
    storage: &'a Storage,
    /// The places of the last record written (or loaded).
    places: Vec<HoldItem>,
    /// The alarm as last set (or as the loaded record implies).
    alarm_at: Option<i64>,
}

impl<'a> RecordKeeper<'a> {
    fn new(env: &'a Env, storage: &'a Storage, record: Option<&HoldRecord>, alarm_at: Option<i64>) -> RecordKeeper<'a> {
        let places = record.map(|record| record.places_held().to_vec()).unwrap_or_default();
        RecordKeeper { env, storage, places, alarm_at }
    }

    async fn persist(&mut self, record: &HoldRecord) -> std::result::Result<(), ProxyError> {
        if self.storage.put(RECORD_KEY, record).await.is_err() {
            worker::console_error!("{}", serde_json::json!({"event": "hold_persist_failed"}));
            return Err(ProxyError::Internal);
        }
        if record.wake_at() != self.alarm_at {
            self.set_alarm(record.wake_at()).await;
        }
        let places = record.places_held();
        if places != self.places.as_slice() {
            show_object::hold_changed(self.env, &record.event_id, &record.show_id, &self.places, places).await;
            self.places = places.to_vec();
        }
        Ok(())
    }

    /// The record of a create that left nothing upstream is dropped.
    async fn forget(&mut self) {
        let _ = self.storage.delete(RECORD_KEY).await;
        self.set_alarm(None).await;
    }

    /// Schedules the alarm at the absolute unix time `at` (worker's `i64`
    /// form would be an offset, not a timestamp), or deletes it.
    async fn set_alarm(&mut self, at: Option<i64>) {
        let outcome = match at {
            Some(at) => {
                let date = worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(at as f64 * 1000.0));
                self.storage.set_alarm(ScheduledTime::new(date)).await
            }
            None => self.storage.delete_alarm().await,
        };
        match outcome {
            Ok(()) => self.alarm_at = at,
            Err(_) => worker::console_error!("{}", serde_json::json!({"event": "hold_alarm_failed"})),
        }
    }
}

fn settings_of(config: &ProxyConfig) -> HoldSettings {
    let step_timeout_ms = i64::from(config.hold_step_timeout_ms);
    HoldSettings {
        qtickets: config.qtickets.clone(),
        ticketscloud: config.ticketscloud.clone(),
        hold_seconds: config.hold_seconds,
        budget: CommandBudget { forward_ms: i64::from(config.hold_command_budget_ms), undo_ms: step_timeout_ms, step_timeout_ms },
        send_tickets: false,
        retention_seconds: holds::DEFAULT_RETENTION_SECONDS,
    }
}

async fn load(storage: &Storage) -> (Option<HoldRecord>, Option<String>) {
    let record = storage.get::<HoldRecord>(RECORD_KEY).await.ok().flatten();
    let partner = storage.get::<String>(PARTNER_KEY).await.ok().flatten();
    (record, partner)
}

/// The stored record, if it belongs to `partner`; any other partner is told
/// the hold does not exist.
fn owned_record(
    record: Option<HoldRecord>,
    stored_partner: Option<&str>,
    partner: &str,
) -> std::result::Result<HoldRecord, ProxyError> {
    match (record, stored_partner) {
        (Some(record), Some(owner)) if owner == partner => Ok(record),
        _ => Err(ProxyError::HoldNotFound),
    }
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}
