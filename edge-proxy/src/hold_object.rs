//! `HoldObject`: the Durable Object that is the one home of one hold.
//!
//! It serialises every change to its hold (TicketsCloud answers `409` to
//! concurrent changes of one order; QTickets needs its adds and rollbacks in
//! order), persists the hold record (upstream references, buyer, expiry) in
//! its storage so a Worker restart loses nothing, and keeps an alarm at the
//! hold's expiry that gives the places back if the buyer walks away. The
//! decisions are `ticket_core::holds`; this file only performs them.

use ticket_contract::{Hold, HoldState};
use ticket_core::errors::ProxyError;
use ticket_core::holds::{self, HoldCommand, HoldRecord, HoldSettings};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, ScheduledTime, State, Storage};

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

#[durable_object]
pub struct HoldObject {
    state: State,
    env: Env,
}

impl DurableObject for HoldObject {
    fn new(state: State, env: Env) -> Self {
        HoldObject { state, env }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        let message: HoldMessage = match request.json().await {
            Ok(message) => message,
            Err(_) => return Ok(error_response(&ProxyError::Internal)),
        };
        let storage = self.state.storage();
        let config = read_config(&self.env);
        let log = UpstreamLog::default();
        let command_log = log.clone();
        let env = self.env.clone();
        // Nothing else reaches this object until the command is done, even
        // while it waits for the upstream: one hold, one change at a time.
        let outcome = self
            .state
            .block_concurrency_while(async move { Ok(handle_message(&env, storage, config, message, &command_log).await) })
            .await?;
        let mut response = match outcome {
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
        let storage = self.state.storage();
        let config = read_config(&self.env);
        let log = UpstreamLog::default();
        let expiry_log = log.clone();
        let env = self.env.clone();
        let outcome = self
            .state
            .block_concurrency_while(async move { Ok(expire_if_due(&env, storage, config, &expiry_log).await) })
            .await?;
        // One line per alarm that did something (or failed to).
        if !log.calls().is_empty() || outcome.is_err() {
            worker::console_log!(
                "{}",
                serde_json::json!({
                    "event": "hold_alarm",
                    "error": outcome.as_ref().err().map(ProxyError::code),
                    "upstream": log.calls(),
                })
            );
        }
        Response::empty()
    }
}

/// Schedules the alarm at the absolute unix time `at` (worker's `i64` form
/// would be an offset, not a timestamp).
async fn set_alarm_at(storage: &Storage, at: i64) {
    let date = worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(at as f64 * 1000.0));
    if storage.set_alarm(ScheduledTime::new(date)).await.is_err() {
        worker::console_error!("{}", serde_json::json!({"event": "hold_alarm_failed"}));
    }
}

fn settings_of(config: &ProxyConfig) -> HoldSettings {
    HoldSettings {
        qtickets: config.qtickets.clone(),
        ticketscloud: config.ticketscloud.clone(),
        hold_seconds: config.hold_seconds,
    }
}

async fn load(storage: &Storage) -> (Option<HoldRecord>, Option<String>) {
    let record = storage.get::<HoldRecord>(RECORD_KEY).await.ok().flatten();
    let partner = storage.get::<String>(PARTNER_KEY).await.ok().flatten();
    (record, partner)
}

async fn handle_message(
    env: &Env,
    storage: Storage,
    config: std::result::Result<ProxyConfig, ProxyError>,
    message: HoldMessage,
    log: &UpstreamLog,
) -> std::result::Result<(u16, Hold), ProxyError> {
    let config = config?;
    let now = unix_now();
    let (record, stored_partner) = load(&storage).await;
    let (partner, command) = match message {
        HoldMessage::Create { partner, hold_id, event_id, show_id, items } => {
            if record.is_some() {
                return Err(ProxyError::Internal); // hold ids are random; a collision is a bug
            }
            (partner, HoldCommand::Create { hold_id, event_id, show_id, items })
        }
        HoldMessage::Get { partner } => {
            let mut record = owned_record(record, stored_partner.as_deref(), &partner)?;
            // A page that went away has come back (a reload reads its hold).
            if record.mark_present() {
                store(&storage, &record).await?;
            }
            return Ok((200, holds::view(&record, now)));
        }
        HoldMessage::Change { partner, items, buyer } => (partner, HoldCommand::Change { items, buyer }),
        HoldMessage::Release { partner } => (partner, HoldCommand::Release),
        HoldMessage::Leave { partner } => (partner, HoldCommand::Leave),
        HoldMessage::Confirm { partner } => (partner, HoldCommand::Confirm),
    };
    let is_create = matches!(command, HoldCommand::Create { .. });
    let record = if is_create { None } else { Some(owned_record(record, stored_partner.as_deref(), &partner)?) };
    let hold = run(env, &storage, &config, record, command, now, log).await?;
    if is_create {
        let _ = storage.put(PARTNER_KEY, &partner).await;
    }
    Ok((if is_create { 201 } else { 200 }, hold))
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

/// Carries out one command: performs the upstream requests the core asks
/// for, persists the record it leaves and keeps the alarm at its expiry.
async fn run(
    env: &Env,
    storage: &Storage,
    config: &ProxyConfig,
    record: Option<HoldRecord>,
    command: HoldCommand,
    now: i64,
    log: &UpstreamLog,
) -> std::result::Result<Hold, ProxyError> {
    let settings = settings_of(config);
    let places_before = record.as_ref().map(|record| record.places_held().to_vec()).unwrap_or_default();
    let mut operation = holds::begin(record, command, now, &settings)?;
    while let Some(request) = operation.next_request() {
        let response = perform(&request, config.upstream_timeout_ms, log).await;
        operation.on_response(response);
    }
    let finished = operation.finish();
    if let Some(record) = &finished.record {
        store(storage, record).await?;
        show_object::hold_changed(env, &record.event_id, &record.show_id, &places_before, record.places_held()).await;
    }
    finished.result
}

/// Persists `record` and keeps the alarm where the record wants it.
async fn store(storage: &Storage, record: &HoldRecord) -> std::result::Result<(), ProxyError> {
    if storage.put(RECORD_KEY, record).await.is_err() {
        worker::console_error!("{}", serde_json::json!({"event": "hold_persist_failed"}));
        return Err(ProxyError::Internal);
    }
    match record.alarm_at() {
        Some(at) => set_alarm_at(storage, at).await,
        None => {
            let _ = storage.delete_alarm().await;
        }
    }
    Ok(())
}

async fn expire_if_due(
    env: &Env,
    storage: Storage,
    config: std::result::Result<ProxyConfig, ProxyError>,
    log: &UpstreamLog,
) -> std::result::Result<(), ProxyError> {
    let config = config?;
    let now = unix_now();
    let (record, _) = load(&storage).await;
    let Some(record) = record else { return Ok(()) };
    let view = holds::view(&record, now);
    if view.state != HoldState::Held && view.state != HoldState::Expired {
        return Ok(());
    }
    match record.alarm_at() {
        Some(at) if at > now => {
            // Woken early (clock skew): sleep again until the real expiry.
            set_alarm_at(&storage, at).await;
            Ok(())
        }
        Some(_) => run(env, &storage, &config, Some(record), HoldCommand::Expire, now, log).await.map(|_| ()),
        None => Ok(()),
    }
}
