//! Holds end to end: the widget's calls and the partner server's confirm,
//! through the proxy under `wrangler dev` (Durable Objects, alarms) to the
//! simulator's write APIs, for both providers; places priced 0, on sale only
//! to a partner whose record gives them away.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{availability_bits, Availability, Hold, HoldItem, HoldState, Layout};

const TC_SEATED: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SEATED_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";

fn layout(event: &str, show: &str) -> Layout {
    serde_json::from_str(&proxy_get(&format!("/v1/events/{event}/shows/{show}/layout")).body).unwrap()
}

fn availability(event: &str, show: &str) -> Availability {
    serde_json::from_str(&proxy_get(&format!("/v1/events/{event}/shows/{show}/availability")).body).unwrap()
}

fn seat_is_on_sale(event: &str, show: &str, seat_id: &str) -> bool {
    let layout = layout(event, show);
    let index = layout.seats.iter().position(|seat| seat.id == seat_id).unwrap();
    availability_bits::decode(&availability(event, show).seats_available, layout.seats.len()).unwrap()[index]
}

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn create(event: &str, show: &str, seats: &[String], admission: Value) -> Reply {
    let body = json!({"event": event, "show": show, "seats": seats, "admission": admission});
    widget_call("POST", "/v1/holds", Some(&body.to_string()))
}

fn confirm(hold_id: &str, authorization: Option<&str>) -> Reply {
    server_call("POST", &format!("/v1/holds/{hold_id}/confirm"), authorization)
}

/// The whole path for one provider: hold, seats no longer on sale, buyer
/// details, refused confirms, the real confirm, a repeated confirm.
fn buy(event: &str, show: &str, admission_id: &str) {
    let seats = vacant_seats(event, show, 2, 3);
    let created = create(event, show, &seats, json!({ admission_id: 2 }));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    assert_eq!(hold.state, HoldState::Held);
    assert_eq!(hold.items.len(), 3, "two seats and one admission line: {:?}", hold.items);
    assert!(hold.total.minor > 0);
    assert!(hold.id.starts_with("h_"));
    for seat in &seats {
        assert!(!seat_is_on_sale(event, show, seat), "the buyer never sees their own seat as free: {seat}");
    }

    let buyer = json!({"buyer": {"name": "Анна Иванова", "email": "anna@example.ru", "phone": "8 (916) 123-45-67"}});
    let changed = widget_call("PATCH", &format!("/v1/holds/{}", hold.id), Some(&buyer.to_string()));
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(hold_of(&changed).buyer.unwrap().phone, "+79161234567");

    quiet_upstream();
    let refusals = [
        (None, 401, "secret_key_required"),
        (Some(format!("Bearer {DEMO_PARTNER_KEY}")), 403, "public_key_not_allowed"),
        (Some("Bearer sk_wrong_key".to_owned()), 401, "partner_key_unknown"),
    ];
    for (authorization, status, code) in refusals {
        let reply = confirm(&hold.id, authorization.as_deref());
        assert_eq!((reply.status, reply.error_code().as_str()), (status, code), "{authorization:?}: {}", reply.body);
    }
    // The widget's own call (public key, no secret key): 401, the secret key is missing.
    let only_public = widget_call("POST", &format!("/v1/holds/{}/confirm", hold.id), Some(""));
    assert_eq!((only_public.status, only_public.error_code().as_str()), (401, "secret_key_required"), "{}", only_public.body);
    assert!(upstream_requests().is_empty(), "refused confirms call no upstream: {:?}", upstream_requests());

    let secret = format!("Bearer {DEMO_SECRET_KEY}");
    let confirmed = confirm(&hold.id, Some(&secret));
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert_eq!(paid.state, HoldState::Confirmed);
    assert_eq!(paid.tickets.len(), 4, "two seats + two admission places: {:?}", paid.tickets);
    assert!(paid.tickets.iter().all(|ticket| !ticket.barcode.is_empty()));
    let barcodes: BTreeSet<&str> = paid.tickets.iter().map(|ticket| ticket.barcode.as_str()).collect();
    assert_eq!(barcodes.len(), 4, "every ticket its own barcode");

    quiet_upstream();
    let again = confirm(&hold.id, Some(&secret));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(hold_of(&again).tickets, paid.tickets, "a repeated confirm returns the same tickets");
    assert!(upstream_requests().is_empty(), "and issues nothing twice: {:?}", upstream_requests());

    let seen = widget_call("GET", &format!("/v1/holds/{}", hold.id), None);
    assert_eq!(hold_of(&seen).state, HoldState::Confirmed);
    let too_late = widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
    assert_eq!((too_late.status, too_late.error_code().as_str()), (409, "hold_not_active"));
}

#[test]
fn qtickets_hold_to_tickets() {
    let _stack = exclusive_stack();
    buy("qt:1001", "2001", "tancevalnyj-parter-1;1");
    let state = sim_state();
    let paid = state["qtickets_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ticket| ticket["paid"] == json!(1) || ticket["paid"] == json!(true))
        .count();
    assert!(paid >= 4, "QTickets has the paid tickets: {state}");
}

#[test]
fn ticketscloud_hold_to_tickets() {
    let _stack = exclusive_stack();
    buy(TC_SEATED, TC_SEATED_SHOW, "64b7c1d2e3f4a5b6c7d8e904");
    let state = sim_state();
    let done = state["ticketscloud_orders"].as_array().unwrap().iter().filter(|order| order["status"] == "done").count();
    assert!(done >= 1, "TicketsCloud has a done order: {state}");
}

#[test]
fn release_gives_the_seats_back_at_once() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1001", "2001", 1, 20);
    let hold = hold_of(&create("qt:1001", "2001", &seats, json!({})));
    assert!(!seat_is_on_sale("qt:1001", "2001", &seats[0]));
    let reply = widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(hold_of(&reply).state, HoldState::Released);
    assert!(seat_is_on_sale("qt:1001", "2001", &seats[0]), "released seat is on sale again");
}

/// The proxy's grace after a page went away (`LEAVE_GRACE_SECONDS` in core).
const LEAVE_GRACE: Duration = Duration::from_secs(15);

#[test]
fn a_page_that_went_away_gives_its_seats_back_after_a_grace_unless_it_comes_back() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1001", "2001", 2, 60);
    let left = hold_of(&create("qt:1001", "2001", &seats[..1], json!({})));
    let reloaded = hold_of(&create("qt:1001", "2001", &seats[1..], json!({})));
    // What navigator.sendBeacon sends on pagehide: a POST with a text body,
    // the key in the query, no custom headers. Both pages go away...
    let started = Instant::now();
    for hold in [&left, &reloaded] {
        let reply = server_call("POST", &format!("/v1/holds/{}/release?partner={DEMO_PARTNER_KEY}", hold.id), None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(hold_of(&reply).state, HoldState::Held, "held through the grace");
    }
    // ...and one of them was a reload: the new page reads its hold.
    assert_eq!(hold_of(&widget_call("GET", &format!("/v1/holds/{}", reloaded.id), None)).state, HoldState::Held);
    assert!(!seat_is_on_sale("qt:1001", "2001", &seats[0]), "nobody can take a seat during the grace");

    // The page that never came back: its hold is released by the alarm.
    // (Watched through the seat, not the hold: reading the hold is what a
    // reloaded page does, and would keep it.)
    let deadline = Instant::now() + LEAVE_GRACE + Duration::from_secs(8);
    while !seat_is_on_sale("qt:1001", "2001", &seats[0]) {
        assert!(Instant::now() < deadline, "the left hold's seat is not back on sale after the grace");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(started.elapsed() >= LEAVE_GRACE - Duration::from_secs(1), "not before the grace: {:?}", started.elapsed());
    assert_eq!(hold_of(&widget_call("GET", &format!("/v1/holds/{}", left.id), None)).state, HoldState::Released);

    // The reloaded page's hold outlived the grace.
    assert_eq!(hold_of(&widget_call("GET", &format!("/v1/holds/{}", reloaded.id), None)).state, HoldState::Held);
    assert!(!seat_is_on_sale("qt:1001", "2001", &seats[1]));
    let released = widget_call("DELETE", &format!("/v1/holds/{}", reloaded.id), None);
    assert_eq!(hold_of(&released).state, HoldState::Released);
}

#[test]
fn a_seat_taken_a_moment_earlier_is_named_and_nothing_stays_reserved() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1001", "2001", 3, 40);
    let first = hold_of(&create("qt:1001", "2001", &seats[1..2], json!({})));
    assert_eq!(first.state, HoldState::Held);
    let state_before = sim_state()["qtickets_tickets"].as_array().unwrap().len();
    let second = create("qt:1001", "2001", &seats, json!({}));
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(second.error_code(), "seat_unavailable");
    assert_eq!(second.json()["error"]["unavailable"], json!([seats[1]]));
    // Nothing of the refused hold stays reserved upstream.
    let live: Vec<Value> = sim_state()["qtickets_tickets"].as_array().unwrap().clone();
    assert!(live.len() <= state_before + 2, "rolled back: {live:?}");
    assert!(seat_is_on_sale("qt:1001", "2001", &seats[0]) && seat_is_on_sale("qt:1001", "2001", &seats[2]));
}

#[test]
fn fifty_buyers_for_ten_seats_get_exactly_ten() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1002", "2003", 10, 100);
    let outcomes: Vec<Reply> = std::thread::scope(|scope| {
        let buyers: Vec<_> = (0..50)
            .map(|buyer| {
                let seat = vec![seats[buyer % 10].clone()];
                scope.spawn(move || create("qt:1002", "2003", &seat, json!({})))
            })
            .collect();
        buyers.into_iter().map(|buyer| buyer.join().unwrap()).collect()
    });
    let winners: Vec<Hold> = outcomes.iter().filter(|reply| reply.status == 201).map(hold_of).collect();
    let losers: Vec<&Reply> = outcomes.iter().filter(|reply| reply.status != 201).collect();
    assert_eq!(winners.len(), 10, "statuses: {:?}", outcomes.iter().map(|reply| reply.status).collect::<Vec<_>>());
    assert!(
        losers.iter().all(|reply| reply.status == 409 && reply.error_code() == "seat_unavailable"),
        "{:?}",
        losers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let held_seats: BTreeSet<String> = sim_state()["qtickets_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ticket| ticket["show_id"] == json!(2003) || ticket["show_id"] == json!("2003"))
        .filter(|ticket| seats.iter().any(|seat| ticket["seat_id"] == json!(seat)))
        .map(|ticket| ticket["seat_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(held_seats.len(), 10, "each seat held once upstream");
    for hold in winners {
        widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
    }
}

#[test]
fn an_abandoned_hold_is_released_by_its_alarm() {
    let _stack = exclusive_stack();
    let seats = vacant_seats(TC_SEATED, TC_SEATED_SHOW, 1, 10);
    let hold = hold_of(&create(TC_SEATED, TC_SEATED_SHOW, &seats, json!({})));
    assert!(!seat_is_on_sale(TC_SEATED, TC_SEATED_SHOW, &seats[0]));
    // The test stack sets HOLD_SECONDS to a few seconds; the Durable Object's
    // alarm then cancels the order upstream.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let current = hold_of(&widget_call("GET", &format!("/v1/holds/{}", hold.id), None));
        let order_cancelled = sim_state()["ticketscloud_orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|order| order["vendor_order_id"] == json!(hold.id) && order["status"] != "executed");
        if current.state == HoldState::Expired && order_cancelled {
            break;
        }
        assert!(Instant::now() < deadline, "hold not released by its alarm: {current:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(seat_is_on_sale(TC_SEATED, TC_SEATED_SHOW, &seats[0]), "the seat is on sale again");
    let late = confirm(&hold.id, Some(&format!("Bearer {DEMO_SECRET_KEY}")));
    assert_eq!((late.status, late.error_code().as_str()), (410, "hold_expired"), "{}", late.body);
}

#[test]
fn bad_hold_requests_are_refused_before_any_upstream_call() {
    let _stack = exclusive_stack();
    clear_upstream_requests();
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        ("POST", "/v1/holds", "not json", 400, "invalid_body"),
        (
            "POST",
            "/v1/holds",
            r#"{"event":"qt:1001","show":"2001","seats":["1-1;1"],"admission":{},"extra":1}"#,
            400,
            "invalid_body",
        ),
        ("POST", "/v1/holds", r#"{"event":"qt:1001/../x","show":"2001","seats":["1-1;1"]}"#, 400, "invalid_id"),
        ("POST", "/v1/holds", r#"{"event":"qt:1001","show":"2001","seats":[]}"#, 400, "invalid_body"),
        ("POST", "/v1/holds", r#"{"event":"qt:1001","show":"2001","seats":["no-such-seat"]}"#, 400, "invalid_body"),
        ("POST", "/v1/holds", r#"{"event":"qt:1001","show":"2001","seats":["1-1;1","1-1;1"]}"#, 400, "invalid_body"),
        ("GET", "/v1/holds/h_ffffffffffffffffffffffffffffffff", "", 404, "hold_not_found"),
        ("GET", "/v1/holds/not-a-hold", "", 400, "invalid_id"),
    ];
    for (method, path, body, status, code) in cases {
        let body = (!body.is_empty()).then_some(*body);
        let reply = widget_call(method, path, body);
        assert_eq!((reply.status, reply.error_code().as_str()), (*status, *code), "{method} {path} {body:?}: {}", reply.body);
    }
    let writes: Vec<Value> = upstream_requests()
        .into_iter()
        .filter(|request| {
            request["path"].as_str().unwrap_or_default().contains("tickets/add")
                || request["path"].as_str().unwrap_or_default().contains("orders")
        })
        .collect();
    assert!(writes.is_empty(), "no upstream write for bad input: {writes:?}");
}

/// The Кремлёвский дворец's «Supervip» zone: on sale upstream at price 0,
/// like the QTickets document's own example.
fn free_seat_ids(layout: &Layout) -> Vec<String> {
    layout.seats.iter().filter(|seat| seat.price.minor == 0).map(|seat| seat.id.clone()).collect()
}

/// The availability `key` sees: which of `seat_ids` are on sale.
fn on_sale_for(key: &str, ip: &str, event: &str, show: &str, seat_ids: &[String]) -> Vec<String> {
    let headers = widget_headers(key, PARTNER_ORIGIN, ip);
    let layout: Layout =
        serde_json::from_str(&proxy_get_with(&format!("/v1/events/{event}/shows/{show}/layout"), &headers).body).unwrap();
    let reply = proxy_get_with(&format!("/v1/events/{event}/shows/{show}/availability"), &headers);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let availability: Availability = serde_json::from_str(&reply.body).unwrap();
    let (flags, _) = availability.for_layout(&layout).expect("the availability of this layout");
    layout
        .seats
        .iter()
        .zip(flags)
        .filter(|(seat, on_sale)| *on_sale && seat_ids.contains(&seat.id))
        .map(|(seat, _)| seat.id.clone())
        .collect()
}

fn upstream_adds() -> Vec<Value> {
    upstream_requests()
        .into_iter()
        .filter(|request| request["path"].as_str().unwrap_or_default().contains("tickets/add"))
        .collect()
}

#[test]
fn a_seat_priced_zero_is_not_for_sale_unless_the_partners_record_gives_such_seats_away() {
    let _stack = exclusive_stack();
    let (event, show) = ("qt:1001", "2001");
    let free_seats = free_seat_ids(&layout(event, show));
    assert_eq!(free_seats.len(), 12, "the layout (the same for everyone) has the Supervip zone at 0: {free_seats:?}");

    // The demo partner's buyers see them not on sale, and cannot hold one.
    let demo_ip = unique_client_ip();
    assert_eq!(on_sale_for(DEMO_PARTNER_KEY, &demo_ip, event, show, &free_seats), Vec::<String>::new());
    clear_upstream_requests();
    let paid_seat = vacant_seats(event, show, 1, 80);
    let mixed = vec![paid_seat[0].clone(), free_seats[0].clone()];
    let refused = create(event, show, &mixed, json!({}));
    assert_eq!((refused.status, refused.error_code().as_str()), (409, "seat_not_for_sale"), "{}", refused.body);
    assert_eq!(refused.json()["error"]["unavailable"], json!([free_seats[0]]));
    openapi::assert_documented("POST", "/v1/holds", &refused);
    assert!(upstream_adds().is_empty(), "nothing reserved upstream: {:?}", upstream_adds());
    // Nor add one to a hold it has.
    let hold = hold_of(&create(event, show, &paid_seat, json!({})));
    let change = json!({"seats": mixed});
    let refused_change = widget_call("PATCH", &format!("/v1/holds/{}", hold.id), Some(&change.to_string()));
    assert_eq!(
        (refused_change.status, refused_change.error_code().as_str()),
        (409, "seat_not_for_sale"),
        "{}",
        refused_change.body
    );
    let unchanged = hold_of(&widget_call("GET", &format!("/v1/holds/{}", hold.id), None));
    assert_eq!(unchanged.items.len(), 1, "the hold is as it was: {:?}", unchanged.items);
    widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);

    // A partner whose record allows them sees them on sale, holds one at
    // 0 ₽ and confirms it with its secret key.
    let free_ip = unique_client_ip();
    let offered = on_sale_for(FREE_PARTNER_KEY, &free_ip, event, show, &free_seats);
    assert!(!offered.is_empty(), "the free partner sees free places on sale");
    let chosen = offered[0].clone();
    let body = json!({"event": event, "show": show, "seats": [chosen], "admission": {}});
    let free_headers = widget_headers(FREE_PARTNER_KEY, PARTNER_ORIGIN, &free_ip);
    let created = proxy_call("POST", "/v1/holds", &free_headers, Some(body.to_string().as_bytes()));
    assert_eq!(created.status, 201, "{}", created.body);
    let free_hold = hold_of(&created);
    assert_eq!(free_hold.total.minor, 0, "free, not a price: {:?}", free_hold);
    assert!(matches!(&free_hold.items[..], [HoldItem::Seat { price, .. }] if price.minor == 0), "{:?}", free_hold.items);
    assert!(!on_sale_for(FREE_PARTNER_KEY, &free_ip, event, show, &free_seats).contains(&chosen), "held: taken for everyone");
    let confirmed =
        server_call("POST", &format!("/v1/holds/{}/confirm", free_hold.id), Some(&format!("Bearer {FREE_SECRET_KEY}")));
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert_eq!(paid.state, HoldState::Confirmed);
    assert_eq!(paid.tickets.len(), 1);
    // Still never on sale to the demo partner.
    assert!(on_sale_for(DEMO_PARTNER_KEY, &demo_ip, event, show, &free_seats).is_empty());
}
