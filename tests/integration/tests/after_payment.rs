//! TicketsCloud after payment, end to end through the proxy under `wrangler
//! dev` and the simulator: a `done` order whose barcodes come later ends
//! `confirmed` with its tickets (the hold's alarm reads the orders list; no
//! undocumented single-order read, never `expired`); issued tickets carry
//! what a ticket must show; refunds (whole and partial, asked twice, their
//! progress) and QTickets refusing them.

use std::time::{Duration, Instant};

use integration_tests::openapi::assert_documented;
use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{Hold, HoldState, RefundState};

const TC_SEATED: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SEATED_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";
const TC_ADMISSION: &str = "64b7c1d2e3f4a5b6c7d8e904";
const JAZZ: &str = "tc:5f1a0c0e2b3c4d5e6f708193";
const JAZZ_SHOW: &str = "5f1a0c0e2b3c4d5e6f708193";
const JAZZ_ADMISSION: &str = "64b7c1d2e3f4a5b6c7d8e905";

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn secret() -> String {
    format!("Bearer {DEMO_SECRET_KEY}")
}

/// A held hold with the buyer's details set.
fn held(event: &str, show: &str, seats: &[String], admission: Value) -> Hold {
    let body = json!({"event": event, "show": show, "seats": seats, "admission": admission});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    let buyer = json!({"buyer": {"name": "Анна Иванова", "email": "anna@example.ru", "phone": "+79161234567"}});
    let changed = widget_call("PATCH", &format!("/v1/holds/{}", hold.id), Some(&buyer.to_string()));
    assert_eq!(changed.status, 200, "{}", changed.body);
    hold
}

fn confirm(hold_id: &str) -> Reply {
    server_call("POST", &format!("/v1/holds/{hold_id}/confirm"), Some(&secret()))
}

fn refund(hold_id: &str, body: Option<Value>) -> Reply {
    let path = format!("/v1/holds/{hold_id}/refund");
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    let reply = proxy_call("POST", &path, &[("Authorization", &secret())], Some(body.as_bytes()));
    assert_documented("POST", &path, &reply);
    reply
}

fn read(hold_id: &str) -> Hold {
    hold_of(&widget_call("GET", &format!("/v1/holds/{hold_id}"), None))
}

/// Reads the hold until `done` says so, for at most `seconds`.
fn read_until(hold_id: &str, seconds: u64, what: &str, done: impl Fn(&Hold) -> bool) -> Hold {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let hold = read(hold_id);
        if done(&hold) {
            return hold;
        }
        assert!(Instant::now() < deadline, "{what}: {hold:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

// The simulated clock is never moved here: other tests' QTickets
// reservations are only a minute long. The simulator's switches are set in
// real seconds instead, and put back when a test ends.

/// The simulator issues barcodes `seconds` after `done` while this lives.
struct LateBarcodes;

impl LateBarcodes {
    fn after(seconds: i64) -> LateBarcodes {
        let reply = sim_post("/_sim/ticketscloud/barcodes", json!({"delay_seconds": seconds}));
        assert_eq!(reply.status, 200, "{}", reply.body);
        LateBarcodes
    }
}

impl Drop for LateBarcodes {
    fn drop(&mut self) {
        sim_post("/_sim/ticketscloud/barcodes", json!({"delay_seconds": 0}));
    }
}

/// The simulator approves refunds `seconds` after they are asked for while this lives.
struct QuickRefunds;

impl QuickRefunds {
    fn approved_after(seconds: i64) -> QuickRefunds {
        let reply = sim_post("/_sim/ticketscloud/refunds", json!({"new_seconds": 1, "approved_seconds": seconds}));
        assert_eq!(reply.status, 200, "{}", reply.body);
        QuickRefunds
    }
}

impl Drop for QuickRefunds {
    fn drop(&mut self) {
        sim_post("/_sim/ticketscloud/refunds", json!({"new_seconds": 60, "approved_seconds": 120}));
    }
}

/// Every upstream read of one order by its id (`GET …/orders/{id}`), which
/// the document does not have.
fn single_order_reads() -> Vec<Value> {
    upstream_requests()
        .into_iter()
        .filter(|request| {
            let path = request["path"].as_str().unwrap_or_default();
            request["method"] == "GET" && path.starts_with("/ticketscloud/v2/resources/orders/")
        })
        .collect()
}

fn assert_complete(hold: &Hold, title: &str) {
    assert!(!hold.tickets.is_empty());
    for ticket in &hold.tickets {
        assert!(!ticket.barcode.is_empty());
        assert!(ticket.serial.as_deref().is_some_and(|serial| !serial.is_empty()), "series: {ticket:?}");
        assert!(ticket.number.as_deref().is_some_and(|number| number.bytes().all(|byte| byte.is_ascii_digit())), "{ticket:?}");
        assert!(ticket.price.is_some_and(|price| price.minor > 0), "price: {ticket:?}");
        let event = ticket.event.as_ref().expect("the event on the ticket");
        assert_eq!(event.title, title);
        assert!(event.starts_at.ends_with("+03:00") || event.starts_at.ends_with("+07:00"), "venue time: {}", event.starts_at);
        assert!(!event.venue.name.is_empty() && event.venue.address.is_some(), "{:?}", event.venue);
        let organiser = ticket.organiser.as_ref().expect("the organiser's legal details");
        assert!(organiser.inn.is_some() && (organiser.ogrn.is_some() || organiser.ogrnip.is_some()), "{organiser:?}");
    }
}

#[test]
fn a_done_order_without_barcodes_ends_confirmed_with_its_tickets() {
    let _stack = exclusive_stack();
    // Later than the proxy's first look (5 s after the confirm), so it has
    // to look again.
    let _late = LateBarcodes::after(7);
    let seats = vacant_seats(TC_SEATED, TC_SEATED_SHOW, 1, 12);
    let hold = held(TC_SEATED, TC_SEATED_SHOW, &seats, json!({ TC_ADMISSION: 1 }));
    clear_upstream_requests();

    let confirmed = confirm(&hold.id);
    assert_eq!(confirmed.status, 200, "paid upstream: never an error, never 410: {}", confirmed.body);
    assert_documented("POST", &format!("/v1/holds/{}/confirm", hold.id), &confirmed);
    let paid = hold_of(&confirmed);
    assert_eq!(paid.state, HoldState::Confirmed);
    assert!(paid.tickets_pending && paid.tickets.is_empty(), "{paid:?}");
    assert_eq!(confirmed.json()["tickets_pending"], json!(true));
    let again = confirm(&hold.id);
    assert_eq!((again.status, hold_of(&again).tickets_pending), (200, true), "a repeated confirm says the same");

    let issued = read_until(&hold.id, 60, "the barcodes never arrived", |hold| !hold.tickets_pending);
    assert_eq!(issued.state, HoldState::Confirmed);
    assert_eq!(issued.tickets.len(), 2, "a seat and an admission place");
    assert_complete(&issued, "Лебединое озеро");
    assert!(single_order_reads().is_empty(), "no undocumented single-order GET: {:?}", single_order_reads());
    let list_reads = upstream_requests()
        .into_iter()
        .filter(|request| request["path"] == "/ticketscloud/v2/resources/orders" && request["method"] == "GET")
        .count();
    assert!(list_reads >= 1, "the barcodes came through the documented orders list");
    let order = sim_state()["ticketscloud_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|order| order["vendor_order_id"] == json!(hold.id))
        .cloned()
        .unwrap();
    assert_eq!((order["status"].as_str(), order["barcodes_issued"].as_bool()), (Some("done"), Some(true)));
}

#[test]
fn a_confirmed_hold_is_refunded_partly_then_asked_again_and_followed_to_approval() {
    let _stack = exclusive_stack();
    let _quick = QuickRefunds::approved_after(3);
    let hold = held(JAZZ, JAZZ_SHOW, &[], json!({ JAZZ_ADMISSION: 2 }));
    let confirmed = confirm(&hold.id);
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert!(!paid.tickets_pending);
    assert_complete(&paid, "Джазовый вечер");
    let sole_trader = paid.tickets[0].organiser.clone().unwrap();
    assert!(sole_trader.ogrnip.is_some() && sole_trader.ogrn.is_none(), "{sole_trader:?}");
    let first = paid.tickets[0].barcode.clone();

    // Who may ask: the secret key only.
    let path = format!("/v1/holds/{}/refund", hold.id);
    let public_as_bearer = format!("Bearer {DEMO_PARTNER_KEY}");
    let public = proxy_call("POST", &path, &[("Authorization", &public_as_bearer)], Some(b""));
    assert_eq!((public.status, public.error_code().as_str()), (403, "public_key_not_allowed"));
    let public_only = proxy_call("POST", &path, &[("X-Partner-Key", DEMO_PARTNER_KEY)], Some(b""));
    assert_eq!((public_only.status, public_only.error_code().as_str()), (401, "secret_key_required"));
    let nobody = proxy_call("POST", &path, &[], Some(b""));
    assert_eq!((nobody.status, nobody.error_code().as_str()), (401, "secret_key_required"));
    let unknown = refund(&hold.id, Some(json!({"tickets": ["0000000000"]})));
    assert_eq!((unknown.status, unknown.error_code().as_str()), (400, "invalid_body"), "{}", unknown.body);

    clear_upstream_requests();
    let asked = refund(&hold.id, Some(json!({"tickets": [first]})));
    assert_eq!(asked.status, 200, "{}", asked.body);
    let refunded = hold_of(&asked);
    assert_eq!(refunded.state, HoldState::Confirmed);
    let requested = refunded.refund.clone().expect("the refund");
    assert_eq!((requested.state, requested.tickets.clone()), (RefundState::Requested, vec![first.clone()]));
    let upstream_refunds = sim_state()["ticketscloud_refunds"].as_array().unwrap().clone();
    let ours: Vec<&Value> =
        upstream_refunds.iter().filter(|refund| refund["tickets"].as_array().is_some_and(|tickets| tickets.len() == 1)).collect();
    assert_eq!(ours.len(), 1, "{upstream_refunds:?}");
    assert_eq!((ours[0]["culprit"].as_str(), ours[0]["tickets"].as_array().unwrap().len()), (Some("org"), 1));

    // Asked again: the same answer, nothing asked twice; other tickets wait.
    let again = refund(&hold.id, Some(json!({"tickets": [first]})));
    assert_eq!((again.status, hold_of(&again).refund), (200, Some(requested)));
    let posts = upstream_requests()
        .into_iter()
        .filter(|request| request["method"] == "POST" && request["path"] == "/ticketscloud/v2/resources/refund_requests")
        .count();
    assert_eq!(posts, 1, "one refund request upstream");
    let other = refund(&hold.id, None);
    assert_eq!((other.status, other.error_code().as_str()), (409, "refund_already_requested"), "{}", other.body);

    // The refund progresses upstream; the hold's alarm follows it.
    let approved = read_until(&hold.id, 60, "the refund never showed approved", |hold| {
        hold.refund.as_ref().is_some_and(|refund| refund.state == RefundState::Approved)
    });
    assert_eq!(approved.refund.unwrap().tickets, [first]);
    assert_eq!(approved.tickets.len(), 2, "the tickets stay listed");
}

#[test]
fn a_whole_order_is_refunded_without_a_body() {
    let _stack = exclusive_stack();
    let hold = held(JAZZ, JAZZ_SHOW, &[], json!({ JAZZ_ADMISSION: 3 }));
    let paid = hold_of(&confirm(&hold.id));
    assert_eq!(paid.tickets.len(), 3);
    let asked = refund(&hold.id, None);
    assert_eq!(asked.status, 200, "{}", asked.body);
    let whole = hold_of(&asked).refund.unwrap();
    let mut barcodes: Vec<String> = paid.tickets.iter().map(|ticket| ticket.barcode.clone()).collect();
    let mut refunded = whole.tickets.clone();
    barcodes.sort();
    refunded.sort();
    assert_eq!(refunded, barcodes, "every ticket of the order");
    let upstream = sim_state()["ticketscloud_refunds"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(upstream["tickets"].as_array().unwrap().len(), 3);
}

#[test]
fn refunds_are_refused_for_qtickets_and_for_unpaid_holds_changing_nothing() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1001", "2001", 1, 80);
    let qtickets = held("qt:1001", "2001", &seats, json!({}));
    let paid = hold_of(&confirm(&qtickets.id));
    assert_eq!(paid.state, HoldState::Confirmed);
    quiet_upstream();
    let refused = refund(&qtickets.id, None);
    assert_eq!((refused.status, refused.error_code().as_str()), (409, "refund_not_supported"), "{}", refused.body);
    assert!(upstream_requests().is_empty(), "nothing asked upstream: {:?}", upstream_requests());
    assert_eq!(read(&qtickets.id), paid, "the hold is as it was");

    let unpaid = held(JAZZ, JAZZ_SHOW, &[], json!({ JAZZ_ADMISSION: 1 }));
    let not_yet = refund(&unpaid.id, None);
    assert_eq!((not_yet.status, not_yet.error_code().as_str()), (409, "hold_not_active"), "{}", not_yet.body);
    assert_eq!(read(&unpaid.id).refund, None);
    widget_call("DELETE", &format!("/v1/holds/{}", unpaid.id), None);
}
