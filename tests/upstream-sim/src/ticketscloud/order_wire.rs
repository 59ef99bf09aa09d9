//! The JSON of a TicketsCloud order answer, `{"data": order, "refs": {...}}`,
//! as the document's examples show it (order object l.94–236, examples
//! l.253–354, l.602–695, l.1059–1161, l.1293–1397):
//!
//! * money as strings with two decimals; a ticket's `price` and `nominal`
//!   are the organiser's price, `extra` the service fee, `full` their sum —
//!   as the set's rule in force made them when the ticket joined the order;
//! * datetimes as `2019-07-25 14:41:11`, no offset (UTC in the simulator);
//! * a ticket's `seat` has `row` and `number` as strings (`"2"`, `"14"`,
//!   l.1092–1096), unlike the v1 listing's integers;
//! * `barcode` is `null` until the order is `done` (l.358), and may stay
//!   `null` for a while after (a done order without barcodes, l.606–632:
//!   the simulator's barcode delay);
//! * a ticket's `status` inside the order stays `"reserved"` even in a done
//!   order — every done example shows that (l.797, l.1317, l.1335, l.1734) —
//!   so payment must be read from the order's `status`, not the tickets'. In
//!   a cancelled or expired order (no example) the simulator writes `"vacant"`;
//! * `done_at` and the order `code` appear once the order is done (l.767–769);
//! * `refs.sets` lists the sets of the order's tickets (l.686–693), while
//!   `values.sets_values` covers every set of the event (l.638–653);
//! * with a promo code, `promocodes` lists its id, `refs.promocodes`
//!   describes it, a ticket's `discount` is the code's and `nominal` its
//!   price less that, and a code the last PATCH could not apply is named in
//!   the answer's `errors` (see `promocodes`).

use serde_json::{json, Map, Value};

use crate::barcodes::{ticketscloud_barcode, ticketscloud_order_code};
use crate::calendar::ical_basic_utc_to_ticketscloud_order_datetime;
use crate::money::Kopecks;

use super::inventory::{TicketSet, TicketscloudEvent, TicketscloudTicket};
use super::orders::{OrderStatus, TicketscloudOrder};
use super::promocodes::{order_set_promocode, order_ticket_discount};

/// `{"data": order, "refs": {...}}` for one order of `event`.
pub fn order_envelope(order: &TicketscloudOrder, event: &TicketscloudEvent) -> Value {
    let mut envelope = json!({
        "data": order_object(order, event),
        "refs": order_refs(order, event),
    });
    if !order.promocode_notes.is_empty() {
        // A code the last PATCH could not apply: said in a 200 (l.2476–2498).
        let errors: Vec<Value> = order.promocode_notes.iter().map(|(code, msg)| json!({"code": code, "msg": msg})).collect();
        envelope["errors"] = Value::Array(errors);
    }
    envelope
}

fn order_object(order: &TicketscloudOrder, event: &TicketscloudEvent) -> Value {
    let tickets: Vec<(&TicketscloudTicket, &TicketSet)> = order
        .ticket_ids
        .iter()
        .filter_map(|ticket_id| event.find_ticket(ticket_id))
        .filter_map(|ticket| event.find_set(&ticket.set_id).map(|set| (ticket, set)))
        .collect();
    let mut object = Map::new();
    object.insert("created_at".into(), json!(order.created_at.to_ticketscloud_order_datetime()));
    if order.status == OrderStatus::Done {
        object.insert("code".into(), json!(ticketscloud_order_code(order.number)));
        if let Some(done_at) = order.done_at {
            object.insert("done_at".into(), json!(done_at.to_ticketscloud_order_datetime()));
        }
    }
    object.insert("event".into(), json!(order.event_id));
    object.insert("expired_after".into(), json!(order.expired_after.to_ticketscloud_order_datetime()));
    object.insert("id".into(), json!(order.id));
    object.insert("number".into(), json!(order.number));
    object.insert("org".into(), event.org["id"].clone());
    object.insert("origin".into(), json!("api"));
    object.insert("promocodes".into(), json!(order.promocodes.iter().map(|promocode| &promocode.id).collect::<Vec<_>>()));
    object.insert("settings".into(), settings(order));
    object.insert("status".into(), json!(order.status));
    object.insert("tickets".into(), Value::Array(tickets.iter().map(|(ticket, set)| order_ticket(order, ticket, set)).collect()));
    object.insert("values".into(), values(order, event, &tickets));
    object.insert("vendor".into(), event.partner["id"].clone());
    object.insert("vendor_data".into(), Value::Object(order.vendor_data.clone()));
    Value::Object(object)
}

fn settings(order: &TicketscloudOrder) -> Value {
    let mut settings = json!({
        "invitation": false,
        "send_tickets": order.send_tickets,
        "subscribe_agree": false,
    });
    if let Some(customer) = &order.customer {
        let mut fields = Map::new();
        for (name, value) in
            [("email", &customer.email), ("lang", &customer.lang), ("name", &customer.name), ("phone", &customer.phone)]
        {
            if let Some(value) = value {
                fields.insert(name.into(), json!(value));
            }
        }
        settings["customer"] = Value::Object(fields);
    }
    settings
}

fn order_ticket(order: &TicketscloudOrder, ticket: &TicketscloudTicket, set: &TicketSet) -> Value {
    let status_in_order = match order.status {
        OrderStatus::Executed | OrderStatus::InProgress | OrderStatus::Done => "reserved",
        OrderStatus::Cancelled | OrderStatus::Expired => "vacant",
    };
    let barcode =
        (order.status == OrderStatus::Done && order.barcodes_issued).then(|| ticketscloud_barcode(order.number, ticket.number));
    let (price_org, price_extra) = ticket_price(order, ticket, set);
    let discount = order_ticket_discount(order, set);
    let nominal = Kopecks(price_org.0.saturating_sub(discount.0));
    let mut entry = json!({
        "barcode": barcode,
        "discount": discount.to_money_string(),
        "extra": price_extra.to_money_string(),
        "full": (nominal + price_extra).to_money_string(),
        "id": ticket.id,
        "nominal": nominal.to_money_string(),
        "number": ticket.number,
        "price": price_org.to_money_string(),
        "serial": ticket.serial,
        "set": ticket.set_id,
        "status": status_in_order,
    });
    if let Some(seat) = &ticket.seat {
        entry["seat"] = json!({
            "number": seat.number.to_string(),
            "row": seat.row.to_string(),
            "sector": seat.sector_id,
        });
    }
    entry
}

/// What `ticket` costs in `order` (organiser's price, service fee).
fn ticket_price(order: &TicketscloudOrder, ticket: &TicketscloudTicket, set: &TicketSet) -> (Kopecks, Kopecks) {
    order.ticket_prices.get(&ticket.id).copied().unwrap_or((set.price_org, set.price_extra))
}

fn values(order: &TicketscloudOrder, event: &TicketscloudEvent, tickets: &[(&TicketscloudTicket, &TicketSet)]) -> Value {
    let (price, extra) = tickets.iter().fold((Kopecks(0), Kopecks(0)), |(price, extra), (ticket, set)| {
        let (ticket_org, ticket_extra) = ticket_price(order, ticket, set);
        (price + ticket_org, extra + ticket_extra)
    });
    let discount = tickets.iter().fold(Kopecks(0), |sum, (_, set)| sum + order_ticket_discount(order, set));
    let nominal = Kopecks(price.0.saturating_sub(discount.0));
    let sets_values: Map<String, Value> = event
        .sets
        .iter()
        .map(|set| {
            let set_discount = order_ticket_discount(order, set);
            (
                set.id.clone(),
                json!({
                    "discount": set_discount.to_money_string(),
                    "id": set.id,
                    "nominal": Kopecks(set.price_org.0.saturating_sub(set_discount.0)).to_money_string(),
                    "price": set.price_org.to_money_string(),
                    "promocode": order_set_promocode(order, set).map(|promocode| &promocode.id),
                }),
            )
        })
        .collect();
    json!({
        "discount": discount.to_money_string(),
        "extra": extra.to_money_string(),
        "full": (nominal + extra).to_money_string(),
        "nominal": nominal.to_money_string(),
        "price": price.to_money_string(),
        "sets_values": sets_values,
        "viral_promocodes": [],
    })
}

fn order_refs(order: &TicketscloudOrder, event: &TicketscloudEvent) -> Value {
    let org_id = event.org["id"].as_str().unwrap_or_default().to_owned();
    let venue_id = event.venue["id"].as_str().unwrap_or_default().to_owned();
    let mut partners = Map::new();
    for party in [&event.partner, &event.org] {
        if let Some(id) = party["id"].as_str() {
            partners.insert(id.to_owned(), json!({"id": id, "name": party["name"]}));
        }
    }
    let mut sets = Map::new();
    for ticket_id in &order.ticket_ids {
        let Some(set) = event.find_ticket(ticket_id).and_then(|ticket| event.find_set(&ticket.set_id)) else {
            continue;
        };
        sets.insert(
            set.id.clone(),
            json!({
                "id": set.id,
                "name": set.name,
                "price": set.price_org.to_money_string(),
                "with_seats": set.with_seats,
            }),
        );
    }
    let venue = &event.venue;
    let city = &venue["city"];
    json!({
        "events": {
            event.id.clone(): {
                "age_rating": event.age_rating,
                "id": event.id,
                "lifetime": {
                    "finish": ical_basic_utc_to_ticketscloud_order_datetime(&event.lifetime_end_utc),
                    "start": ical_basic_utc_to_ticketscloud_order_datetime(&event.lifetime_start_utc),
                },
                "org": org_id,
                "status": event.status,
                "timezone": city["timezone"],
                "title": {"desc": event.title_desc, "text": event.title_text},
                "venue": venue_id,
            }
        },
        "partners": partners,
        "promocodes": order
            .promocodes
            .iter()
            .map(|promocode| (promocode.id.clone(), promocode.reference()))
            .collect::<Map<String, Value>>(),
        "sets": sets,
        "venues": {
            venue_id.clone(): {
                "address": venue["address"],
                // The order refs write `_id` where the event listing writes `id` (l.213–227).
                "city": {"_id": city["id"], "name": city["name"], "timezone": city["timezone"]},
                "country": {"_id": venue["country"]["id"], "name": venue["country"]["name"]},
                "desc": venue["desc"],
                "id": venue_id,
                "name": venue["name"],
            }
        },
    })
}
