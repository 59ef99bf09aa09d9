//! `/v1/holds…`: the Worker half of holds. It checks who is asking and what
//! they send (ids, body, seats against the hall's layout; a create's `best`
//! is first turned into the seats it chooses), then hands the command to the
//! hold's Durable Object, which owns everything upstream.
//! A create takes a lease in its client's and its partner's show ledgers
//! first (caps on active holds, `ticket_core::abuse`): over a cap, nothing is
//! sent upstream; a release or confirm gives the leases back.
//! When the upstream priced the places otherwise than the layout
//! (`price_changed`), the show's layout is read again before the answer goes
//! out, so the buyer's next look at the hall has the new prices.

use std::collections::BTreeMap;

use ticket_contract::{ErrorBody, Hold, HoldItem, HoldState};
use ticket_core::abuse::{self, HoldCap, Lease};
use ticket_core::errors::ProxyError;
use ticket_core::holds::validation;
use ticket_core::ids::{parse_event_id, parse_show_id, EventRef};
use ticket_core::partners::Partner;
use worker::Env;

use super::seating::current_hall;
use super::{random_hex_128, Handled, RequestScope};
use crate::config::ProxyConfig;
use crate::hold_messages::{HoldMessage, HOLD_OBJECT_URL};
use crate::hold_object::UPSTREAM_CALLS_HEADER;
use crate::http::json_response;
use crate::object_call::post_json;
use crate::rate_limiter::Limiter;
use crate::show_object;
use crate::upstream_fetch::{UpstreamCall, UpstreamLog};

/// The Durable Object binding in `wrangler.toml`.
const HOLDS_BINDING: &str = "HOLDS";

/// The caps on active holds, for one request: its client's ledger and its
/// partner's caps.
pub struct HoldCaps<'a> {
    limiter: Limiter<'a>,
    partner: &'a Partner,
    client_ledger: String,
    lease_expires_at: i64,
    now: i64,
}

impl<'a> HoldCaps<'a> {
    pub fn new(limiter: Limiter<'a>, partner: &'a Partner, client: &str, config: &ProxyConfig, now: i64) -> HoldCaps<'a> {
        HoldCaps {
            limiter,
            partner,
            client_ledger: abuse::client_ledger(&partner.public_key, client),
            lease_expires_at: abuse::lease_expiry(now, config.hold_seconds, config.hold_command_budget_ms),
            now,
        }
    }

    /// Takes the new hold's leases: its client's first, then its partner's
    /// on the show (the client's is given back if the show is full). Without
    /// the limiter, no hold (`503`).
    async fn reserve(&self, hold_id: &str, event_id: &str, show_id: &str) -> Result<(), ProxyError> {
        let unavailable = |_| ProxyError::LimiterUnavailable;
        let limits = &self.partner.limits;
        let lease = Lease { hold_id: hold_id.to_owned(), expires_at: self.lease_expires_at, client_ledger: None };
        let client = self.limiter.reserve(&self.client_ledger, lease.clone(), limits.active_holds_per_client, self.now).await;
        if let Some(refusal) = abuse::refusal(HoldCap::Client, &client.map_err(unavailable)?) {
            return Err(refusal);
        }
        let show_ledger = abuse::show_ledger(&self.partner.public_key, event_id, show_id);
        let lease = Lease { client_ledger: Some(self.client_ledger.clone()), ..lease };
        let show = self.limiter.reserve(&show_ledger, lease, limits.active_holds_per_show, self.now).await;
        let refused = match show {
            Ok(reservation) => abuse::refusal(HoldCap::Show, &reservation),
            Err(_) => Some(ProxyError::LimiterUnavailable),
        };
        if let Some(refusal) = refused {
            let _ = self.limiter.give_back(&self.client_ledger, hold_id).await;
            return Err(refusal);
        }
        Ok(())
    }

    /// Gives a hold's leases back (it ended, or was never made). The show's
    /// ledger knows the client's (a confirm does not know the buyer).
    async fn give_back(&self, hold_id: &str, event_id: &str, show_id: &str) {
        let show_ledger = abuse::show_ledger(&self.partner.public_key, event_id, show_id);
        if let Ok(Some(Lease { client_ledger: Some(client_ledger), .. })) = self.limiter.give_back(&show_ledger, hold_id).await {
            let _ = self.limiter.give_back(&client_ledger, hold_id).await;
        }
    }

    /// After a command: a hold that is no longer held gives its leases back.
    async fn after(&self, hold_id: &str, answer: &ObjectAnswer) {
        if answer.status != 200 {
            return;
        }
        if let Ok(hold) = serde_json::from_str::<Hold>(&answer.text) {
            if hold.state != HoldState::Held {
                self.give_back(hold_id, &hold.event_id, &hold.show_id).await;
            }
        }
    }
}

pub async fn create(scope: &RequestScope<'_>, env: &Env, body: &str, caps: &HoldCaps<'_>) -> Result<Handled, ProxyError> {
    let request = validation::parse_create(body)?;
    let event = parse_event_id(&request.event)?;
    if !scope.partner.allows_event(&event) {
        return Err(ProxyError::EventNotAllowed);
    }
    let show_id = parse_show_id(&event, &request.show)?;
    let free_seats_allowed = scope.partner.free_seats_allowed;
    let (layout, availability) = current_hall(env, &event, &show_id, free_seats_allowed).await?;
    // "N best seats": chosen from the same layout and availability, then
    // held exactly as if the buyer had picked them.
    let seats = match &request.best {
        Some(best) => validation::best_selection(
            &layout,
            availability.as_ref(),
            best,
            scope.partner.max_seats_per_hold,
            free_seats_allowed,
        )?,
        None => request.seats,
    };
    let items = validation::items_for(
        &layout,
        availability.as_ref(),
        &seats,
        &request.admission,
        scope.partner.max_seats_per_hold,
        free_seats_allowed,
    )?;
    let hold_id = format!("h_{}", random_hex_128()?);
    caps.reserve(&hold_id, &event.public_id(), &show_id).await?;
    let message = HoldMessage::Create {
        partner: partner_of(scope),
        hold_id: hold_id.clone(),
        event_id: event.public_id(),
        show_id: show_id.clone(),
        items,
        send_tickets: scope.partner.send_tickets,
        retention_seconds: Some(i64::from(scope.partner.hold_retention_seconds)),
    };
    let answer = match send_message(scope, env, &hold_id, &message).await {
        Ok(answer) => answer,
        Err(error) => {
            caps.give_back(&hold_id, &event.public_id(), &show_id).await;
            return Err(error);
        }
    };
    if answer.status != 201 {
        // Nothing was reserved: the leases go back at once.
        caps.give_back(&hold_id, &event.public_id(), &show_id).await;
    }
    answer.after_price_change(env, &event, &show_id).await;
    Ok(answer.into_handled())
}

/// A public-key read: the buyer's details and the tickets only within the
/// partner's `hold_details_seconds` after the hold ended, then its state.
pub async fn get(scope: &RequestScope<'_>, env: &Env, hold_id: &str) -> Result<Handled, ProxyError> {
    send(scope, env, hold_id, &public_read(scope)).await
}

pub async fn change(scope: &RequestScope<'_>, env: &Env, hold_id: &str, body: &str) -> Result<Handled, ProxyError> {
    let request = validation::parse_change(body)?;
    let partner = partner_of(scope);
    if let Some(code) = request.promocode {
        // On its own (`parse_change` refuses it with other fields).
        return send(scope, env, hold_id, &HoldMessage::Promocode { partner, code }).await;
    }
    let mut hall = None;
    let items = if request.seats.is_some() || request.admission.is_some() {
        let current = current_hold(scope, env, hold_id).await?;
        let (current_seats, current_admission) = split_items(&current.items);
        let seats = request.seats.unwrap_or(current_seats);
        let admission = request.admission.unwrap_or(current_admission);
        let event = parse_event_id(&current.event_id)?;
        let free_seats_allowed = scope.partner.free_seats_allowed;
        let (layout, availability) = current_hall(env, &event, &current.show_id, free_seats_allowed).await?;
        hall = Some((event, current.show_id));
        // The hall as this hold sees it: its own places are not "taken".
        let seen = availability.map(|availability| validation::availability_seen_by_hold(&availability, &layout, &current.items));
        Some(validation::items_for(
            &layout,
            seen.as_ref(),
            &seats,
            &admission,
            scope.partner.max_seats_per_hold,
            free_seats_allowed,
        )?)
    } else {
        None
    };
    let answer = send_message(scope, env, hold_id, &HoldMessage::Change { partner, items, buyer: request.buyer }).await?;
    if let Some((event, show_id)) = hall {
        answer.after_price_change(env, &event, &show_id).await;
    }
    Ok(answer.into_handled())
}

/// `DELETE` gives the places back now; the `sendBeacon` twin (a page going
/// away, which may be a reload) gives them back after a short grace unless
/// the page comes back for its hold.
pub async fn release(
    scope: &RequestScope<'_>,
    env: &Env,
    hold_id: &str,
    beacon: bool,
    caps: &HoldCaps<'_>,
) -> Result<Handled, ProxyError> {
    let partner = partner_of(scope);
    let message = if beacon { HoldMessage::Leave { partner } } else { HoldMessage::Release { partner } };
    let answer = send_message(scope, env, hold_id, &message).await?;
    caps.after(hold_id, &answer).await;
    Ok(answer.into_handled())
}

/// Confirm is server to server: the partner proved itself with a secret key
/// (`Authorization: Bearer sk_…`) before this runs (see `handlers::api`).
/// A repeated confirm returns the same tickets.
pub async fn confirm(scope: &RequestScope<'_>, env: &Env, hold_id: &str, caps: &HoldCaps<'_>) -> Result<Handled, ProxyError> {
    let message = HoldMessage::Confirm { partner: partner_of(scope), free_seats_allowed: scope.partner.free_seats_allowed };
    let answer = send_message(scope, env, hold_id, &message).await?;
    caps.after(hold_id, &answer).await;
    Ok(answer.into_handled())
}

/// Refund is server to server like confirm: some tickets (`{"tickets":
/// [barcodes]}`) or, without a body, the whole order of a confirmed hold.
/// Asking again for the same tickets answers the hold as it is.
pub async fn refund(scope: &RequestScope<'_>, env: &Env, hold_id: &str, body: &str) -> Result<Handled, ProxyError> {
    let request = validation::parse_refund(body)?;
    send(scope, env, hold_id, &HoldMessage::Refund { partner: partner_of(scope), tickets: request.tickets }).await
}

/// Holds belong to a partner's public key: a hold object answers
/// `hold_not_found` to any other partner.
fn partner_of(scope: &RequestScope<'_>) -> String {
    scope.partner.public_key.clone()
}

fn public_read(scope: &RequestScope<'_>) -> HoldMessage {
    HoldMessage::Get { partner: partner_of(scope), details_seconds: Some(i64::from(scope.partner.hold_details_seconds)) }
}

async fn current_hold(scope: &RequestScope<'_>, env: &Env, hold_id: &str) -> Result<Hold, ProxyError> {
    let handled = send(scope, env, hold_id, &public_read(scope)).await?;
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
async fn send(scope: &RequestScope<'_>, env: &Env, hold_id: &str, message: &HoldMessage) -> Result<Handled, ProxyError> {
    Ok(send_message(scope, env, hold_id, message).await?.into_handled())
}

/// A hold object's answer, read.
struct ObjectAnswer {
    status: u16,
    text: String,
}

impl ObjectAnswer {
    fn into_handled(self) -> Handled {
        Handled { response: json_response(self.status, self.text, &[("Cache-Control", "no-store")]), cache_status: None }
    }

    /// After a `price_changed` refusal, the show's layout is read again.
    async fn after_price_change(&self, env: &Env, event: &EventRef, show_id: &str) {
        let code = || serde_json::from_str::<ErrorBody>(&self.text).map(|body| body.error.code).unwrap_or_default();
        if self.status == ProxyError::PriceChanged.status() && code() == ProxyError::PriceChanged.code() {
            show_object::prices_changed(env, event, show_id).await;
        }
    }
}

async fn send_message(
    scope: &RequestScope<'_>,
    env: &Env,
    hold_id: &str,
    message: &HoldMessage,
) -> Result<ObjectAnswer, ProxyError> {
    env.durable_object(HOLDS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let mut answer = post_json(env, HOLDS_BINDING, hold_id, HOLD_OBJECT_URL, message).await.map_err(|_| ProxyError::Internal)?;
    let status = answer.status_code();
    record_upstream_calls(&scope.upstream_log, answer.headers().get(UPSTREAM_CALLS_HEADER).ok().flatten());
    let text = answer.text().await.map_err(|_| ProxyError::Internal)?;
    Ok(ObjectAnswer { status, text })
}

/// The object's upstream calls, for this request's log line.
fn record_upstream_calls(log: &UpstreamLog, header: Option<String>) {
    if let Some(calls) = header.and_then(|json| serde_json::from_str::<Vec<UpstreamCall>>(&json).ok()) {
        log.extend(calls);
    }
}
