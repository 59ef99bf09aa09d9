//! "N best seats" end to end: `POST /v1/holds` with `best` through the proxy
//! under `wrangler dev` to the simulator, on the 2,172-seat QTickets hall
//! (Кремлёвский дворец, qt:1001 show 2001) and the TicketsCloud hall of
//! «Лебединое озеро»: the hold has N seats side by side in one row, they are
//! taken for everyone afterwards, a zone is respected, a block that cannot
//! exist is `409 seat_unavailable`, bad input is `400` naming the field.

use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{availability_bits, Availability, Hold, HoldItem, HoldState, Layout};

const QT_EVENT: &str = "qt:1001";
const QT_SHOW: &str = "2001";
const TC_EVENT: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";
/// «Бельэтаж», a seated TicketsCloud set (a zone of the layout).
const TC_BELETAGE_ZONE: &str = "64b7c1d2e3f4a5b6c7d8e903";
/// The TicketsCloud general-admission set: a zone without seats.
const TC_STANDING_ZONE: &str = "64b7c1d2e3f4a5b6c7d8e904";

fn layout(event: &str, show: &str) -> Layout {
    serde_json::from_str(&proxy_get(&format!("/v1/events/{event}/shows/{show}/layout")).body).unwrap()
}

fn seats_free(event: &str, show: &str, layout: &Layout) -> Vec<bool> {
    let availability: Availability =
        serde_json::from_str(&proxy_get(&format!("/v1/events/{event}/shows/{show}/availability")).body).unwrap();
    availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap()
}

fn best(event: &str, show: &str, best: Value) -> Reply {
    let body = json!({"event": event, "show": show, "best": best});
    widget_call("POST", "/v1/holds", Some(&body.to_string()))
}

fn hold_of(reply: &Reply) -> Hold {
    assert_eq!(reply.status, 201, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn release(hold: &Hold) {
    let released = widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
    assert_eq!(released.status, 200, "{}", released.body);
}

/// The hold's seats are `count` seats of one zone and row with consecutive
/// place numbers (both halls number their rows 1, 2, 3… without aisles), no
/// longer on sale; returns their ids in the hold's order.
fn assert_one_row_block(event: &str, show: &str, hold: &Hold, count: usize) -> Vec<String> {
    assert_eq!(hold.state, HoldState::Held);
    let layout = layout(event, show);
    let seats: Vec<_> = hold
        .items
        .iter()
        .map(|item| match item {
            HoldItem::Seat { seat_id, .. } => layout.seats.iter().find(|seat| &seat.id == seat_id).expect("a seat of the layout"),
            other => panic!("only seats: {other:?}"),
        })
        .collect();
    assert_eq!(seats.len(), count, "{:?}", hold.items);
    assert!(seats.iter().all(|seat| seat.zone == seats[0].zone && seat.row == seats[0].row), "one zone and row: {seats:?}");
    let mut places: Vec<u32> = seats.iter().map(|seat| seat.place.parse().unwrap()).collect();
    places.sort_unstable();
    assert!(places.windows(2).all(|pair| pair[1] == pair[0] + 1), "side by side: places {places:?}");
    let free = seats_free(event, show, &layout);
    for seat in &seats {
        let index = layout.seats.iter().position(|candidate| candidate.id == seat.id).unwrap();
        assert!(!free[index], "held, so taken for everyone: {}", seat.id);
    }
    seats.iter().map(|seat| seat.id.clone()).collect()
}

fn zone_names(hold: &Hold) -> Vec<&str> {
    hold.items
        .iter()
        .map(|item| match item {
            HoldItem::Seat { zone_name, .. } | HoldItem::Admission { zone_name, .. } => zone_name.as_str(),
        })
        .collect()
}

#[test]
fn qtickets_best_four_are_side_by_side_near_the_stage_and_taken() {
    let _stack = exclusive_stack();
    let first = hold_of(&best(QT_EVENT, QT_SHOW, json!({"count": 4})));
    let first_seats = assert_one_row_block(QT_EVENT, QT_SHOW, &first, 4);
    // The stalls' front zone is nearest the stage (the free box beside it
    // is not for sale to this partner).
    assert_eq!(zone_names(&first), ["Партер VIP"; 4]);

    // The next buyer gets other seats; the first block is taken.
    let second = hold_of(&best(QT_EVENT, QT_SHOW, json!({"count": 4})));
    let second_seats = assert_one_row_block(QT_EVENT, QT_SHOW, &second, 4);
    assert!(second_seats.iter().all(|seat| !first_seats.contains(seat)), "{first_seats:?} then {second_seats:?}");

    // Given back, the same question gets the same answer.
    release(&first);
    let again = hold_of(&best(QT_EVENT, QT_SHOW, json!({"count": 4})));
    assert_eq!(assert_one_row_block(QT_EVENT, QT_SHOW, &again, 4), first_seats, "deterministic");
    release(&again);
    release(&second);
}

#[test]
fn qtickets_best_in_a_zone() {
    let _stack = exclusive_stack();
    // «Амфитеатр» (zone 5): behind the stalls, so never the nearest anywhere.
    let reply = best(QT_EVENT, QT_SHOW, json!({"count": 3, "zone": "5"}));
    let hold = hold_of(&reply);
    assert_one_row_block(QT_EVENT, QT_SHOW, &hold, 3);
    assert_eq!(zone_names(&hold), ["Амфитеатр"; 3]);
    release(&hold);
    // The balcony along the left wall: its rows run front to back.
    let balcony = hold_of(&best(QT_EVENT, QT_SHOW, json!({"count": 5, "zone": "3"})));
    assert_one_row_block(QT_EVENT, QT_SHOW, &balcony, 5);
    assert_eq!(zone_names(&balcony), ["Балкон левый"; 5]);
    release(&balcony);
}

#[test]
fn no_such_block_is_seat_unavailable() {
    let _stack = exclusive_stack();
    // «Supervip» (zone 7) is priced 0: not for sale to the demo partner at all.
    let free_box = best(QT_EVENT, QT_SHOW, json!({"count": 1, "zone": "7"}));
    assert_eq!((free_box.status, free_box.error_code().as_str()), (409, "seat_unavailable"), "{}", free_box.body);
    assert_eq!(free_box.error_field().as_deref(), Some("best"));
    // A partner that gives free places away gets them, but its rows are 6 seats long.
    let ip = unique_client_ip();
    let headers = widget_headers(FREE_PARTNER_KEY, PARTNER_ORIGIN, &ip);
    let seven = json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 7, "zone": "7"}}).to_string();
    let too_many = proxy_call("POST", "/v1/holds", &headers, Some(seven.as_bytes()));
    assert_eq!((too_many.status, too_many.error_code().as_str()), (409, "seat_unavailable"), "{}", too_many.body);
    let two = json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 2, "zone": "7"}}).to_string();
    let given = proxy_call("POST", "/v1/holds", &headers, Some(two.as_bytes()));
    let given = hold_of(&given);
    assert_eq!(zone_names(&given), ["Supervip"; 2]);
    assert_eq!(given.total.minor, 0);
    let released = proxy_call("DELETE", &format!("/v1/holds/{}", given.id), &headers, None);
    assert_eq!(released.status, 200, "{}", released.body);
    // A zone of standing places has no seats to choose.
    let standing = best(TC_EVENT, TC_SHOW, json!({"count": 2, "zone": TC_STANDING_ZONE}));
    assert_eq!((standing.status, standing.error_code().as_str()), (409, "seat_unavailable"), "{}", standing.body);
}

#[test]
fn bad_best_requests_are_400_naming_the_field() {
    let _stack = exclusive_stack();
    clear_upstream_requests();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 0}}), "best.count"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": DEMO_MAX_SEATS + 1}}), "best.count"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": "4"}}), "best.count"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"zone": "1"}}), "best.count"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 2, "zone": "999"}}), "best.zone"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 2, "zone": "a/b"}}), "best.zone"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 2}, "seats": ["1-1;1"]}), "best"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": 2}), "best"),
        (json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": 2, "row": "1"}}), "best.row"),
        (json!({"event": TC_EVENT, "show": TC_SHOW, "best": {"count": 2, "zone": "1"}}), "best.zone"),
    ];
    for (body, field) in cases {
        let reply = widget_call("POST", "/v1/holds", Some(&body.to_string()));
        assert_eq!((reply.status, reply.error_code().as_str()), (400, "invalid_body"), "{body}: {}", reply.body);
        assert_eq!(reply.error_field().as_deref(), Some(field), "{body}");
    }
    // The per-hold limit is the partner's: 2 for the narrow partner.
    let ip = unique_client_ip();
    let narrow = widget_headers(NARROW_PARTNER_KEY, NARROW_ORIGIN, &ip);
    let three = json!({"event": QT_EVENT, "show": QT_SHOW, "best": {"count": NARROW_MAX_SEATS + 1}}).to_string();
    let reply = proxy_call("POST", "/v1/holds", &narrow, Some(three.as_bytes()));
    assert_eq!((reply.status, reply.error_field().as_deref()), (400, Some("best.count")), "{}", reply.body);
    let writes: Vec<Value> = upstream_requests()
        .into_iter()
        .filter(|request| {
            let path = request["path"].as_str().unwrap_or_default();
            path.contains("tickets/add") || path.contains("orders")
        })
        .collect();
    assert!(writes.is_empty(), "nothing reserved upstream for bad input: {writes:?}");
}

#[test]
fn ticketscloud_best_four_and_a_zone() {
    let _stack = exclusive_stack();
    let hold = hold_of(&best(TC_EVENT, TC_SHOW, json!({"count": 4})));
    assert_one_row_block(TC_EVENT, TC_SHOW, &hold, 4);
    release(&hold);
    let beletage = hold_of(&best(TC_EVENT, TC_SHOW, json!({"count": 3, "zone": TC_BELETAGE_ZONE})));
    assert_one_row_block(TC_EVENT, TC_SHOW, &beletage, 3);
    assert_eq!(zone_names(&beletage), ["Бельэтаж"; 3]);
    release(&beletage);
}
