//! The JSON TicketsCloud's v1 services answer with, following the examples of
//! `/v1/services/simple/events` and `/v1/resources/events/:id/tickets` in
//! `ticketscloud-distributor-api.txt` (money as strings, times as VEVENT
//! strings in UTC, ids as 24-hex ObjectIds).
//!
//! The events listing comes in either form the document describes
//! ([`ListingForm`]): embedded, as its example (each event carries its venue,
//! organiser, partner and sets), or normalised, as its prose (an `events`
//! list naming those by id, and a map per kind of entity on the page).
//! Prices and which rule is `current` are the simulated clock's.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::inventory::{vevent, TicketSet, TicketscloudEvent, TicketscloudTicket};
use crate::calendar::UnixTimestamp;

/// How `/v1/services/simple/events` writes its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListingForm {
    /// A bare array of whole events (the document's example).
    #[default]
    Embedded,
    /// `{"events": [...], "venues": {...}, "cities": {...}, "orgs": {...},
    /// "partners": {...}, "sets": {...}}`: events name the rest by id.
    Normalised,
}

/// One page of the listing in `form`.
pub fn events_page(events: &[TicketscloudEvent], now: UnixTimestamp, form: ListingForm) -> Value {
    let embedded: Vec<Value> = events.iter().map(|one| event(one, now)).collect();
    match form {
        ListingForm::Embedded => Value::Array(embedded),
        ListingForm::Normalised => normalised(embedded),
    }
}

/// The embedded events with each venue, city, organiser, partner and set
/// moved to its map and named by id instead.
fn normalised(events: Vec<Value>) -> Value {
    let mut maps: Map<String, Value> =
        ["venues", "cities", "orgs", "partners", "sets"].iter().map(|name| (name.to_string(), json!({}))).collect();
    let mut keep = |map: &str, entity: Value| -> Value {
        let id = match &entity["id"] {
            Value::String(id) => id.clone(),
            Value::Number(id) => id.to_string(),
            _ => return entity,
        };
        let reference = entity["id"].clone();
        maps[map][id] = entity;
        reference
    };
    let mut listed = Vec::new();
    for mut event in events {
        if let Some(mut venue) = event.get_mut("venue").map(Value::take) {
            if let Some(city) = venue.get_mut("city").map(Value::take) {
                venue["city"] = keep("cities", city);
            }
            event["venue"] = keep("venues", venue);
        }
        for (field, map) in [("org", "orgs"), ("partner", "partners")] {
            if let Some(entity) = event.get_mut(field).map(Value::take) {
                event[field] = keep(map, entity);
            }
        }
        if let Some(Value::Array(sets)) = event.get_mut("sets").map(Value::take) {
            event["sets"] = Value::Array(sets.into_iter().map(|set| keep("sets", set)).collect());
        }
        listed.push(event);
    }
    maps.insert("events".to_owned(), Value::Array(listed));
    Value::Object(maps)
}

/// One element of the `simple/events` array at `now`. Keys come out in
/// alphabetical order, like the document's example.
pub fn event(event: &TicketscloudEvent, now: UnixTimestamp) -> Value {
    let sets: Vec<Value> = event.sets.iter().map(|set| ticket_set(event, set, now)).collect();
    let (tickets_amount, tickets_amount_vacant) = event.sets.iter().fold((0, 0), |(amount, vacant), set| {
        let counts = event.set_counts(&set.id);
        (amount + counts.amount, vacant + counts.amount_vacant)
    });
    json!({
        "age_rating": event.age_rating,
        "allow_other_ps": false,
        "created_at": event.created_at,
        "deal": event.deal,
        "id": event.id,
        "lifetime": vevent(&event.lifetime_start_utc, &event.lifetime_end_utc),
        "map": null,
        "media": {},
        "org": event.org,
        "partner": event.partner,
        "sets": sets,
        "status": event.status,
        "tags": event.tags,
        "ticket_template": {"fan_cover_url": null, "name": null, "text_color": null},
        "tickets_amount": tickets_amount,
        "tickets_amount_vacant": tickets_amount_vacant,
        "title": {"desc": event.title_desc, "text": event.title_text},
        "updated_at": event.updated_at,
        "venue": event.venue,
    })
}

/// A set at `now`: its prices are those of the rule in force (`current`).
/// `seats` lists every seat of the category (row → numbers, rows as
/// string keys since JSON object keys are strings), whatever its status:
/// availability is what `/tickets` is for. `null` without seats.
fn ticket_set(event: &TicketscloudEvent, set: &TicketSet, now: UnixTimestamp) -> Value {
    let counts = event.set_counts(&set.id);
    let seats = if set.with_seats {
        let mut rows: Map<String, Value> = Map::new();
        let mut seat_places: Vec<(u32, u32)> = event
            .tickets
            .iter()
            .filter(|ticket| ticket.set_id == set.id)
            .filter_map(|ticket| ticket.seat.as_ref().map(|seat| (seat.row, seat.number)))
            .collect();
        seat_places.sort_unstable();
        for (row, number) in seat_places {
            let numbers = rows.entry(row.to_string()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(numbers) = numbers {
                numbers.push(json!(number));
            }
        }
        Value::Object(rows)
    } else {
        Value::Null
    };
    let rules: Vec<Value> = set
        .rules
        .iter()
        .map(|rule| {
            json!({
                "cal": vevent(&rule.start_utc, &rule.end_utc),
                "current": rule.in_force_at(now),
                "id": rule.id,
                "price": (rule.price_org + rule.price_extra).to_money_string(),
                "price_extra": rule.price_extra.to_money_string(),
                "price_org": rule.price_org.to_money_string(),
            })
        })
        .collect();
    let (price_org, price_extra) = set.prices_at(now);
    json!({
        "amount": counts.amount,
        "amount_vacant": counts.amount_vacant,
        "desc": set.desc,
        "id": set.id,
        "name": set.name,
        "pos": set.pos,
        "price": (price_org + price_extra).to_money_string(),
        "price_extra": price_extra.to_money_string(),
        "price_org": price_org.to_money_string(),
        "rules": rules,
        "seats": seats,
        "sector": set.sector_id,
        "with_seats": set.with_seats,
    })
}

/// One element of the `/tickets` array.
#[derive(Debug, Serialize)]
pub struct TicketWire<'a> {
    id: &'a str,
    number: u64,
    reserved_till: Option<&'a str>,
    seat: SeatWire<'a>,
    serial: &'a str,
    set: &'a str,
    status: &'static str,
}

#[derive(Debug, Serialize)]
struct SeatWire<'a> {
    number: u32,
    row: u32,
    sector: &'a str,
}

/// `None` for general-admission tickets, which the endpoint does not list.
pub fn seated_ticket(ticket: &TicketscloudTicket) -> Option<TicketWire<'_>> {
    let seat = ticket.seat.as_ref()?;
    Some(TicketWire {
        id: &ticket.id,
        number: ticket.number,
        reserved_till: ticket.reserved_till.as_deref(),
        seat: SeatWire { number: seat.number, row: seat.row, sector: &seat.sector_id },
        serial: &ticket.serial,
        set: &ticket.set_id,
        status: ticket.status.as_str(),
    })
}
