//! The JSON TicketsCloud's v1 services answer with, following the examples of
//! `/v1/services/simple/events` and `/v1/resources/events/:id/tickets` in
//! `ticketscloud-distributor-api.txt` (money as strings, times as VEVENT
//! strings in UTC, ids as 24-hex ObjectIds).

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::inventory::{vevent, TicketSet, TicketscloudEvent, TicketscloudTicket};

/// One element of the `simple/events` array. Keys come out in alphabetical
/// order, like the document's example.
pub fn event(event: &TicketscloudEvent) -> Value {
    let sets: Vec<Value> = event.sets.iter().map(|set| ticket_set(event, set)).collect();
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

/// A set. `seats` lists every seat of the category (row → numbers, rows as
/// string keys since JSON object keys are strings), whatever its status:
/// availability is what `/tickets` is for. `null` without seats.
fn ticket_set(event: &TicketscloudEvent, set: &TicketSet) -> Value {
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
                "current": rule.current,
                "id": rule.id,
                "price": (rule.price_org + rule.price_extra).to_money_string(),
                "price_extra": rule.price_extra.to_money_string(),
                "price_org": rule.price_org.to_money_string(),
            })
        })
        .collect();
    json!({
        "amount": counts.amount,
        "amount_vacant": counts.amount_vacant,
        "desc": set.desc,
        "id": set.id,
        "name": set.name,
        "pos": set.pos,
        "price": (set.price_org + set.price_extra).to_money_string(),
        "price_extra": set.price_extra.to_money_string(),
        "price_org": set.price_org.to_money_string(),
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
