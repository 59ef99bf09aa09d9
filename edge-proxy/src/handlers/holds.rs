//! `/v1/holds…`: the Worker half of holds. It checks who is asking and what
//! they send (ids, body, seats against the hall's layout), then hands the
//! command to the hold's Durable Object, which owns everything upstream.

use std::collections::BTreeMap;

use ticket_contract::{Hold, HoldItem};
use ticket_core::errors::ProxyError;
use ticket_core::holds::{partner_keys, validation};
use ticket_core::ids::{parse_event_id, parse_show_id};
use worker::{Env, Headers, Method, Request, RequestInit};

use super::seating::current_hall;
use super::{Handled, RequestScope};
use crate::config::ProxyConfig;
use crate::hold_messages::{HoldMessage, HOLD_OBJECT_URL};
use crate::http::json_response;

/// The Durable Object binding in `wrangler.toml`.
const HOLDS_BINDING: &str = "HOLDS";

pub async fn create(scope: &RequestScope<'_>, env: &Env, partner: String, body: &str) -> Result<Handled, ProxyError> {
    let request = validation::parse_create(body)?;
    let event = parse_event_id(&request.event)?;
    let show_id = parse_show_id(&event, &request.show)?;
    let (layout, availability) = current_hall(&scope.config, scope.now, &event, &show_id).await?;
    let items = validation::items_for(
        &layout,
        availability.as_ref(),
        &request.seats,
        &request.admission,
        scope.config.max_places_per_hold,
    )?;
    let hold_id = new_hold_id()?;
    let message = HoldMessage::Create { partner, hold_id: hold_id.clone(), event_id: event.public_id(), show_id, items };
    send(env, &hold_id, &message).await
}

pub async fn get(env: &Env, partner: String, hold_id: &str) -> Result<Handled, ProxyError> {
    send(env, hold_id, &HoldMessage::Get { partner }).await
}

pub async fn change(
    scope: &RequestScope<'_>,
    env: &Env,
    partner: String,
    hold_id: &str,
    body: &str,
) -> Result<Handled, ProxyError> {
    let request = validation::parse_change(body)?;
    let items = if request.seats.is_some() || request.admission.is_some() {
        let current = current_hold(env, &partner, hold_id).await?;
        let (current_seats, current_admission) = split_items(&current.items);
        let seats = request.seats.unwrap_or(current_seats);
        let admission = request.admission.unwrap_or(current_admission);
        let event = parse_event_id(&current.event_id)?;
        let (layout, _) = current_hall(&scope.config, scope.now, &event, &current.show_id).await?;
        // No availability check here: the buyer's own held seats show as taken.
        Some(validation::items_for(&layout, None, &seats, &admission, scope.config.max_places_per_hold)?)
    } else {
        None
    };
    send(env, hold_id, &HoldMessage::Change { partner, items, buyer: request.buyer }).await
}

pub async fn release(env: &Env, partner: String, hold_id: &str) -> Result<Handled, ProxyError> {
    send(env, hold_id, &HoldMessage::Release { partner }).await
}

/// Confirm is server to server: the partner proves itself with a secret key
/// (`Authorization: Bearer sk_…`), checked against stored hashes before
/// anything else happens. A repeated confirm returns the same tickets.
pub async fn confirm(config: &ProxyConfig, env: &Env, request: &Request, hold_id: &str) -> Result<Handled, ProxyError> {
    let partner = partner_of_secret_key(config, request)?;
    send(env, hold_id, &HoldMessage::Confirm { partner }).await
}

fn partner_of_secret_key(config: &ProxyConfig, request: &Request) -> Result<String, ProxyError> {
    let authorization = request.headers().get("Authorization").ok().flatten();
    let presented = authorization.as_deref().and_then(|value| value.strip_prefix("Bearer ")).map(str::trim);
    match presented {
        Some(key) if key.starts_with("pk_") => Err(ProxyError::PublicKeyNotAllowed),
        Some(key) => config
            .partner_public_keys
            .iter()
            .find(|public_key| partner_keys::secret_key_matches(key, &config.secret_key_hashes_of(public_key)))
            .cloned()
            .ok_or(ProxyError::PartnerKeyUnknown),
        None if request.headers().has(ticket_contract::PARTNER_KEY_HEADER).unwrap_or(false) => {
            Err(ProxyError::PublicKeyNotAllowed)
        }
        None => Err(ProxyError::SecretKeyRequired),
    }
}

async fn current_hold(env: &Env, partner: &str, hold_id: &str) -> Result<Hold, ProxyError> {
    let handled = send(env, hold_id, &HoldMessage::Get { partner: partner.to_owned() }).await?;
    let mut response = handled.response;
    let body = response.text().await.map_err(|_| ProxyError::Internal)?;
    if response.status_code() != 200 {
        return Err(ProxyError::HoldNotFound);
    }
    serde_json::from_str(&body).map_err(|_| ProxyError::Internal)
}

fn split_items(items: &[HoldItem]) -> (Vec<String>, BTreeMap<String, u32>) {
    let mut seats = Vec::new();
    let mut admission = BTreeMap::new();
    for item in items {
        match item {
            HoldItem::Seat { seat_id, .. } => seats.push(seat_id.clone()),
            HoldItem::Admission { admission_id, quantity, .. } => {
                admission.insert(admission_id.clone(), *quantity);
            }
        }
    }
    (seats, admission)
}

/// Sends `message` to the hold's Durable Object and passes its answer on.
async fn send(env: &Env, hold_id: &str, message: &HoldMessage) -> Result<Handled, ProxyError> {
    let namespace = env.durable_object(HOLDS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let stub = namespace
        .id_from_name(hold_id)
        .and_then(|id| id.get_stub())
        .map_err(|_| ProxyError::Internal)?;
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json");
    let body = serde_json::to_string(message).map_err(|_| ProxyError::Internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let request = Request::new_with_init(HOLD_OBJECT_URL, &init).map_err(|_| ProxyError::Internal)?;
    let mut answer = stub.fetch_with_request(request).await.map_err(|_| ProxyError::Internal)?;
    let status = answer.status_code();
    let text = answer.text().await.map_err(|_| ProxyError::Internal)?;
    Ok(Handled { response: json_response(status, text, &[("Cache-Control", "no-store")]), cache_status: None })
}

/// 128 random bits from the runtime's CSPRNG: a hold id is a capability.
fn new_hold_id() -> Result<String, ProxyError> {
    use worker::wasm_bindgen::JsCast;
    let scope: worker::web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
    let crypto = scope.crypto().map_err(|_| ProxyError::Internal)?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).map_err(|_| ProxyError::Internal)?;
    Ok(format!("h_{}", bytes.iter().map(|byte| format!("{byte:02x}")).collect::<String>()))
}

