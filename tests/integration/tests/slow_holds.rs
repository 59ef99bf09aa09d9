//! Hold commands against a slow or forgetful upstream, through the proxy
//! under `wrangler dev`: QTickets adds run in parallel, a command past its
//! time budget answers `upstream_timeout` and leaves nothing reserved, a seat
//! sold a moment earlier rolls back the adds made alongside it, a QTickets
//! add whose answer was lost holds its seat once (under both of the
//! simulator's answers to a repeated `external_id`), and a TicketsCloud
//! create whose answer was lost is found again (adopted, or cancelled by the
//! alarm). "Nothing orphaned" is checked on the simulator's
//! own state: every live QTickets ticket of the show is owned by a hold.
//!
//! `scripts/test.sh` gives hold commands a 6 s budget
//! (`PROXY_HOLD_COMMAND_BUDGET_MS`) and each step up to 10 s (the default).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{Hold, HoldState};

/// The 10,120-seat hockey arena: room for every test here.
const EVENT: &str = "qt:1002";
const SHOW: &str = "2003";
/// The test stack's budget for one hold command.
const COMMAND_BUDGET: Duration = Duration::from_secs(6);

const TC_SEATED: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SEATED_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn create(event: &str, show: &str, seats: &[String]) -> Reply {
    let body = json!({"event": event, "show": show, "seats": seats, "admission": {}});
    widget_call("POST", "/v1/holds", Some(&body.to_string()))
}

fn release(hold_id: &str) -> Hold {
    let reply = widget_call("DELETE", &format!("/v1/holds/{hold_id}"), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    hold_of(&reply)
}

/// Live QTickets tickets of the show (`/_sim/state`): `(ticket id, seat id)`.
fn live_tickets(show: &str) -> BTreeSet<(String, String)> {
    sim_state()["qtickets_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ticket| ticket["show_id"] == json!(show.parse::<u64>().unwrap()) || ticket["show_id"] == json!(show))
        .map(|ticket| (text(&ticket["id"]), text(&ticket["seat_id"])))
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

fn upstream_calls(fragment: &str) -> usize {
    upstream_requests().iter().filter(|request| request["path"].as_str().is_some_and(|path| path.contains(fragment))).count()
}

#[test]
fn a_ten_seat_hold_with_slow_adds_answers_and_holds_exactly_its_seats() {
    let _stack = exclusive_stack();
    let seats = vacant_seats(EVENT, SHOW, 10, 300);
    let before = live_tickets(SHOW);
    inject_fault("qtickets.tickets_add", "latency", Some(3_500));
    let started = Instant::now();
    let created = create(EVENT, SHOW, &seats);
    let took = started.elapsed();
    clear_faults();
    assert_eq!(created.status, 201, "{}", created.body);
    println!("10-seat QTickets hold with 3.5 s per add answered in {took:?}");
    let hold = hold_of(&created);
    assert_eq!(hold.state, HoldState::Held);
    assert_eq!(hold.items.len(), 10);

    let added: BTreeSet<String> = live_tickets(SHOW).difference(&before).map(|(_, seat)| seat.clone()).collect();
    assert_eq!(added, seats.iter().cloned().collect(), "upstream holds exactly the hold's seats, once each");
    assert_eq!(live_tickets(SHOW).len(), before.len() + 10);

    assert_eq!(release(&hold.id).state, HoldState::Released);
    assert_eq!(live_tickets(SHOW), before, "and gives them all back");
}

#[test]
fn a_hold_past_its_budget_answers_upstream_timeout_and_leaves_nothing_reserved() {
    let _stack = exclusive_stack();
    let seats = vacant_seats(EVENT, SHOW, 10, 400);
    let before = live_tickets(SHOW);
    clear_upstream_requests();
    // The first five adds come back after the budget: no more may start.
    inject_fault("qtickets.tickets_add", "latency", Some(COMMAND_BUDGET.as_millis() as u64 + 1_000));
    let refused = create(EVENT, SHOW, &seats);
    clear_faults();
    assert_eq!((refused.status, refused.error_code().as_str()), (504, "upstream_timeout"), "{}", refused.body);
    assert!(refused.json()["error"]["message"].as_str().is_some_and(|message| !message.is_empty()));
    assert_eq!(live_tickets(SHOW), before, "nothing reserved that no hold owns");
    let (adds, removes) = (upstream_calls("/tickets/add/"), upstream_calls("/tickets/remove/"));
    assert!(adds < 10, "no add started after the budget: {adds}");
    assert_eq!(removes, adds, "every add undone");
    for seat in &seats[..2] {
        let again = create(EVENT, SHOW, std::slice::from_ref(seat));
        assert_eq!(again.status, 201, "{seat} is free again: {}", again.body);
        release(&hold_of(&again).id);
    }
}

#[test]
fn parallel_adds_with_one_seat_sold_a_moment_earlier_are_all_rolled_back() {
    let _stack = exclusive_stack();
    // Read the hall (the proxy's copy of its availability stays fresh for a
    // few seconds), then the seat is sold directly upstream.
    let seats = vacant_seats(EVENT, SHOW, 8, 500);
    let sold = seats[5].clone();
    let sale = sim_post("/_sim/sell", json!({"provider": "qtickets", "event_id": 1002, "show_id": 2003, "seat_ids": [sold]}));
    assert!(sale.status < 300, "{}", sale.body);
    let before = live_tickets(SHOW);
    clear_upstream_requests();
    let refused = create(EVENT, SHOW, &seats);
    assert_eq!((refused.status, refused.error_code().as_str()), (409, "seat_unavailable"), "{}", refused.body);
    assert_eq!(refused.json()["error"]["unavailable"], json!([sold]));
    assert!(upstream_calls("/tickets/add/") >= 2, "the adds went out together: {:?}", upstream_requests());
    assert!(upstream_calls("/tickets/remove/") >= 1, "and were rolled back: {:?}", upstream_requests());
    assert_eq!(live_tickets(SHOW), before, "no ticket left reserved");
}

/// Puts the simulator's default answer to a repeated QTickets `external_id`
/// back, whatever a test did (also when it fails half-way).
struct DefaultBehaviourAfterwards;

impl Drop for DefaultBehaviourAfterwards {
    fn drop(&mut self) {
        sim_post("/_sim/behaviour", json!({"qtickets_repeated_external_id": "same_ticket"}));
    }
}

#[test]
fn a_qtickets_add_whose_answer_was_lost_holds_its_seat_once_whatever_a_repeated_external_id_answers() {
    let _stack = exclusive_stack();
    let _restore = DefaultBehaviourAfterwards;
    for (round, behaviour) in ["same_ticket", "duplicate_error"].into_iter().enumerate() {
        let switched = sim_post("/_sim/behaviour", json!({ "qtickets_repeated_external_id": behaviour }));
        assert_eq!(switched.json()["qtickets_repeated_external_id"], behaviour, "{}", switched.body);
        let seats = vacant_seats(EVENT, SHOW, 2, 600 + 10 * round);
        let before = live_tickets(SHOW);
        // An add is made upstream and its answer is cut in half on the way back.
        sim_post("/_sim/faults", json!({"route": "qtickets.tickets_add", "kind": "malformed_json", "count": 1}));
        let created = create(EVENT, SHOW, &seats);
        clear_faults();
        assert_eq!(created.status, 201, "{behaviour}: the buyer's own seat is never reported taken: {}", created.body);
        let hold = hold_of(&created);
        assert_eq!(hold.items.len(), 2, "{behaviour}");
        let now: BTreeSet<(String, String)> = live_tickets(SHOW);
        let added: Vec<String> = now.difference(&before).map(|(_, seat)| seat.clone()).collect();
        let mut expected = seats.clone();
        expected.sort();
        let mut added_sorted = added.clone();
        added_sorted.sort();
        assert_eq!(added_sorted, expected, "{behaviour}: one ticket per seat, never a second: {added:?}");

        assert_eq!(release(&hold.id).state, HoldState::Released, "{behaviour}");
        assert_eq!(live_tickets(SHOW), before, "{behaviour}: the hold's tickets, and only they, are given back");
    }
}

/// TicketsCloud orders in the simulator that are still `executed` (holding
/// tickets), with the hold id each carries.
fn executed_orders() -> Vec<(String, String)> {
    sim_state()["ticketscloud_orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|order| order["status"] == "executed")
        .map(|order| (text(&order["id"]), text(&order["vendor_order_id"])))
        .collect()
}

#[test]
fn a_ticketscloud_create_whose_answer_was_lost_is_found_by_the_hold_id_and_adopted() {
    let _stack = exclusive_stack();
    let seats = vacant_seats(TC_SEATED, TC_SEATED_SHOW, 2, 30);
    let before = executed_orders();
    // The order is made, the answer is cut in half on the way back.
    sim_post("/_sim/faults", json!({"route": "ticketscloud.orders_create", "kind": "malformed_json", "count": 1}));
    let created = create(TC_SEATED, TC_SEATED_SHOW, &seats);
    clear_faults();
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    let new: Vec<(String, String)> = executed_orders().into_iter().filter(|order| !before.contains(order)).collect();
    assert_eq!(new.len(), 1, "one order, no second create: {new:?}");
    assert_eq!(new[0].1, hold.id, "the order found again is the hold's");

    assert_eq!(release(&hold.id).state, HoldState::Released);
    assert!(!executed_orders().iter().any(|(_, owner)| owner == &hold.id), "the adopted order was the one released");
}

#[test]
fn a_lost_ticketscloud_create_that_cannot_be_looked_for_at_once_is_cancelled_by_the_alarm() {
    let _stack = exclusive_stack();
    let seats = vacant_seats(TC_SEATED, TC_SEATED_SHOW, 1, 40);
    let before = executed_orders();
    sim_post("/_sim/faults", json!({"route": "ticketscloud.orders_create", "kind": "malformed_json", "count": 1}));
    inject_fault("ticketscloud.orders_list", "unavailable", None);
    let failed = create(TC_SEATED, TC_SEATED_SHOW, &seats);
    clear_faults();
    assert!(failed.status >= 500, "{}", failed.body);
    assert!(!failed.error_code().is_empty(), "a JSON error: {}", failed.body);
    let orphan: Vec<(String, String)> = executed_orders().into_iter().filter(|order| !before.contains(order)).collect();
    assert_eq!(orphan.len(), 1, "the order was made upstream: {orphan:?}");

    // The hold's journal brings its alarm back a few seconds later; it finds
    // the order by the hold id and cancels it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while executed_orders().contains(&orphan[0]) {
        assert!(Instant::now() < deadline, "the lost order {orphan:?} is still reserved");
        std::thread::sleep(Duration::from_millis(500));
    }
    let status = sim_state()["ticketscloud_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|order| text(&order["id"]) == orphan[0].0)
        .map(|order| text(&order["status"]));
    assert_eq!(status.as_deref(), Some("cancelled"));
}
