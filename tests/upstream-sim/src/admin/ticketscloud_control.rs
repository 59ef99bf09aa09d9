//! `/_sim/ticketscloud/…`: how the TicketsCloud events listing is served,
//! and events and prices that change the way an organiser changes them.
//!
//! - `GET` / `POST /_sim/ticketscloud/listing {"form": "embedded" |
//!   "normalised", "max_page_size": N | null}`: the listing's form and the
//!   most events a page holds whatever `page_size` asks (fields left out are
//!   kept). `reset` goes back to the command line's settings.
//! - `POST /_sim/ticketscloud/events {"copy_of": id, "id": new_id}`: a new
//!   public event, a copy of `copy_of` (sets, rules, seats and their
//!   statuses; tickets held by orders are vacant in the copy) with its own id
//!   and ticket ids — a hall no proxy object has read yet.
//! - `POST /_sim/ticketscloud/price_change {"event_id": id, "set_id": id?,
//!   "in_seconds": N, "percent": P}`: for each set (or the one named), the
//!   rule in force now ends `in_seconds` from now (0: it ended just now) and
//!   a new rule at `percent` % of its price begins then, until the old rule's
//!   end (or a year on). The listing's `current` flags and prices, and the
//!   prices of tickets added to orders, follow the simulated clock.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_json_body, AdminError};
use crate::calendar::{parse_ical_basic_utc, to_ical_basic_utc, UnixTimestamp, SECONDS_PER_DAY};
use crate::money::Kopecks;
use crate::state::{lock, ListingSettings, SharedSimState};
use crate::ticketscloud::inventory::{vevent, PriceRule, TicketStatus};
use crate::ticketscloud::wire::ListingForm;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListingRequest {
    form: Option<ListingForm>,
    /// `null` serves pages as asked; absent keeps the setting.
    #[serde(default, deserialize_with = "present")]
    max_page_size: Option<Option<usize>>,
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<usize>>, D::Error> {
    Option::<usize>::deserialize(deserializer).map(Some)
}

fn listing_view(settings: ListingSettings) -> Json<Value> {
    Json(json!({ "form": settings.form, "max_page_size": settings.max_page_size }))
}

pub async fn read_listing(State(shared): State<SharedSimState>) -> Json<Value> {
    listing_view(lock(&shared).ticketscloud_listing)
}

pub async fn set_listing(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let request: ListingRequest = parse_json_body(&body)?;
    if request.max_page_size == Some(Some(0)) {
        return Err(AdminError::new(StatusCode::BAD_REQUEST, "max_page_size must be above 0 (or null)"));
    }
    let mut state = lock(&shared);
    if let Some(form) = request.form {
        state.ticketscloud_listing.form = form;
    }
    if let Some(max_page_size) = request.max_page_size {
        state.ticketscloud_listing.max_page_size = max_page_size;
    }
    Ok(listing_view(state.ticketscloud_listing))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CopyEventRequest {
    copy_of: String,
    id: String,
}

fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

pub async fn copy_event(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let request: CopyEventRequest = parse_json_body(&body)?;
    if !is_object_id(&request.id) {
        return Err(AdminError::new(StatusCode::BAD_REQUEST, "id must be 24 lowercase hex digits"));
    }
    let mut state = lock(&shared);
    if state.ticketscloud.find_event(&request.id).is_some() {
        return Err(AdminError::new(StatusCode::CONFLICT, format!("event {} exists already", request.id)));
    }
    let original = state
        .ticketscloud
        .find_event(&request.copy_of)
        .ok_or_else(|| AdminError::new(StatusCode::NOT_FOUND, format!("no TicketsCloud event {}", request.copy_of)))?;
    let mut copy = original.clone();
    let tag = &request.id[request.id.len() - 4..];
    copy.id = request.id.clone();
    for ticket in &mut copy.tickets {
        // `6a1b2c3d` + the event's last four hex digits + a serial.
        if ticket.id.len() == 24 {
            ticket.id = format!("{}{tag}{}", &ticket.id[..8], &ticket.id[12..]);
        }
        if ticket.order_id.take().is_some() {
            ticket.status = TicketStatus::Vacant;
            ticket.reserved_till = None;
        }
    }
    let summary = json!({ "id": copy.id, "tickets": copy.tickets.len(), "sets": copy.sets.len() });
    state.ticketscloud.events.push(copy);
    Ok(Json(summary))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceChangeRequest {
    event_id: String,
    set_id: Option<String>,
    #[serde(default)]
    in_seconds: u64,
    percent: u64,
}

/// A new rule's id: the set id's first 20 hex digits and a serial.
fn rule_id(set_id: &str, serial: usize) -> String {
    format!("{}{serial:04x}", &set_id[..set_id.len().min(20)])
}

pub async fn change_prices(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let request: PriceChangeRequest = parse_json_body(&body)?;
    if request.percent == 0 || request.percent > 1_000 {
        return Err(AdminError::new(StatusCode::BAD_REQUEST, "percent must be 1..=1000"));
    }
    let mut state = lock(&shared);
    let now = state.clock.now();
    let change_at = now.plus_seconds(i64::try_from(request.in_seconds).unwrap_or(i64::MAX / 2));
    let event = state
        .ticketscloud
        .find_event_mut(&request.event_id)
        .ok_or_else(|| AdminError::new(StatusCode::NOT_FOUND, format!("no TicketsCloud event {}", request.event_id)))?;
    let mut changed = Vec::new();
    for set in event.sets.iter_mut().filter(|set| request.set_id.as_ref().is_none_or(|wanted| *wanted == set.id)) {
        let (price_org, price_extra) = set.prices_at(now);
        let serial = set.rules.len();
        let until = match set.rules.iter_mut().find(|rule| rule.in_force_at(now)) {
            Some(rule) => {
                let old_end = parse_ical_basic_utc(&rule.end_utc).unwrap_or(UnixTimestamp(0));
                rule.end_utc = to_ical_basic_utc(change_at);
                old_end
            }
            None => {
                // No rule in force: the set's own price becomes one, ending then.
                set.rules.push(PriceRule {
                    id: rule_id(&set.id, serial),
                    start_utc: to_ical_basic_utc(now),
                    end_utc: to_ical_basic_utc(change_at),
                    price_org,
                    price_extra,
                });
                UnixTimestamp(0)
            }
        };
        let until = if until > change_at { until } else { change_at.plus_seconds(365 * SECONDS_PER_DAY) };
        let new_org = Kopecks(price_org.0 * request.percent / 100);
        let new_extra = Kopecks(price_extra.0 * request.percent / 100);
        set.rules.push(PriceRule {
            id: rule_id(&set.id, set.rules.len()),
            start_utc: to_ical_basic_utc(change_at),
            end_utc: to_ical_basic_utc(until),
            price_org: new_org,
            price_extra: new_extra,
        });
        changed.push(json!({
            "set_id": set.id,
            "price_now": (price_org + price_extra).to_money_string(),
            "price_then": (new_org + new_extra).to_money_string(),
            "changes_at": change_at.to_rfc3339_utc(),
            "rules": set.rules.iter().map(|rule| json!({
                "id": rule.id,
                "cal": vevent(&rule.start_utc, &rule.end_utc),
                "current": rule.in_force_at(now),
            })).collect::<Vec<_>>(),
        }));
    }
    if changed.is_empty() {
        return Err(AdminError::new(StatusCode::NOT_FOUND, "no such set in this event"));
    }
    Ok(Json(json!({ "sets": changed })))
}
