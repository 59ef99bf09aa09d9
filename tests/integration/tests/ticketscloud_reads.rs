//! TicketsCloud reads through the proxy as the document allows them to come:
//! listing pages of a size the proxy does not assume (the test stack's
//! simulator serves at most one event per page), the normalised listing, a
//! hall refresh that reads the event's tickets and not the listing again,
//! prices that end with their rule, and a hold the upstream prices otherwise
//! than the layout (`409 price_changed`, nothing held).
//!
//! Each hall test reads a copy of a seeded event made for it
//! (`/_sim/ticketscloud/events`): a hall no show owner has read yet, on the
//! last page of the listing.

use std::time::{Duration, Instant};

use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{EventList, Layout};

const SWAN_LAKE: &str = "5f1a0c0e2b3c4d5e6f708192";
const JAZZ: &str = "5f1a0c0e2b3c4d5e6f708193";
/// Swan Lake's general-admission set: 1500 ₽ + 4 % until the seeded rule ends.
const SWAN_LAKE_ADMISSION: &str = "64b7c1d2e3f4a5b6c7d8e904";
const LISTING_PATH: &str = "/ticketscloud/v1/services/simple/events";

/// A new event copied from `original`, with an id no other test (or run) uses.
fn copy_of(original: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("5f1a0c0e2b3c4d5e{:06x}{serial:02x}", std::process::id() & 0xff_ffff);
    let reply = sim_post("/_sim/ticketscloud/events", json!({"copy_of": original, "id": id}));
    assert_eq!(reply.status, 200, "copying {original}: {}", reply.body);
    id
}

fn hall_path(event_id: &str, document: &str) -> String {
    format!("/v1/events/tc:{event_id}/shows/{event_id}/{document}")
}

fn layout_of(event_id: &str) -> (Layout, Reply) {
    let reply = proxy_get(&hall_path(event_id, "layout"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let layout = serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("a layout ({error}): {}", reply.body));
    (layout, reply)
}

/// `admission id → price` and the seat prices, as the layout says.
fn prices(layout: &Layout) -> (Vec<(String, i64)>, Vec<i64>) {
    let admissions = layout.admissions.iter().map(|admission| (admission.id.clone(), admission.price.minor)).collect();
    let mut seats: Vec<i64> = layout.seats.iter().map(|seat| seat.price.minor).collect();
    seats.sort_unstable();
    seats.dedup();
    (admissions, seats)
}

fn admission_price(layout: &Layout, admission_id: &str) -> i64 {
    layout.admissions.iter().find(|admission| admission.id == admission_id).unwrap().price.minor
}

/// Upstream requests logged since the log was last cleared whose path is `path`.
fn requests_to(path: &str) -> usize {
    upstream_requests().iter().filter(|request| request["path"].as_str() == Some(path)).count()
}

fn tickets_path(event_id: &str) -> String {
    format!("/ticketscloud/v1/resources/events/{event_id}/tickets")
}

/// Sets how the simulator serves the listing; the returned guard puts the
/// embedded form back, whatever happens in between.
struct ListingForm;

impl ListingForm {
    fn normalised() -> ListingForm {
        let reply = sim_post("/_sim/ticketscloud/listing", json!({"form": "normalised"}));
        assert_eq!(reply.status, 200, "{}", reply.body);
        ListingForm
    }
}

impl Drop for ListingForm {
    fn drop(&mut self) {
        sim_post("/_sim/ticketscloud/listing", json!({"form": "embedded"}));
    }
}

#[test]
fn the_catalogue_reads_every_page_whatever_their_size() {
    let _stack = exclusive_stack();
    let listing = sim_get("/_sim/ticketscloud/listing");
    assert_eq!(
        listing["max_page_size"], 1,
        "scripts/test.sh starts the simulator with SIM_TICKETSCLOUD_MAX_PAGE_SIZE=1: every listing page holds one event, \
         whatever page_size the proxy asks for"
    );
    let reply = proxy_get("/v1/events");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let list: EventList = serde_json::from_str(&reply.body).unwrap();
    assert!(list.unavailable_providers.is_empty(), "{:?}", list.unavailable_providers);
    for seeded in [SWAN_LAKE, JAZZ] {
        assert!(
            list.events.iter().any(|event| event.id == format!("tc:{seeded}")),
            "tc:{seeded} is on page {} of the listing and must be listed: {:?}",
            if seeded == SWAN_LAKE { 1 } else { 2 },
            list.events.iter().map(|event| &event.id).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_hall_refresh_reads_the_tickets_and_not_the_listing_again() {
    let _stack = exclusive_stack();
    let event_id = copy_of(SWAN_LAKE);
    clear_upstream_requests();
    let (layout, _) = layout_of(&event_id);
    assert!(!layout.seats.is_empty() && !layout.admissions.is_empty());
    let first_pages = requests_to(LISTING_PATH);
    let first_tickets = requests_to(&tickets_path(&event_id));
    println!("first read of a cold hall: {first_pages} listing page(s) (one event per page) + {first_tickets} ticket list");
    assert!(first_pages >= 1, "the sets come from the listing");
    assert_eq!(first_tickets, 1);

    // Each refresh: the copy the edge and the owner keep is 5 s fresh; a
    // request after that is served and refreshes it in the background.
    clear_upstream_requests();
    let refreshes = 2;
    for refresh in 1..=refreshes {
        std::thread::sleep(Duration::from_millis(5_300));
        assert_eq!(proxy_get(&hall_path(&event_id, "availability")).status, 200);
        let deadline = Instant::now() + Duration::from_secs(5);
        while requests_to(&tickets_path(&event_id)) < refresh {
            assert!(Instant::now() < deadline, "refresh {refresh} never reached the upstream: {:?}", upstream_requests());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let (pages, tickets) = (requests_to(LISTING_PATH), requests_to(&tickets_path(&event_id)));
    println!(
        "{refreshes} refreshes: {pages} listing pages + {tickets} ticket lists ({:.1} upstream requests per refresh; \
         before: the 500-event listing page + the ticket list, 2 per refresh)",
        (pages + tickets) as f64 / refreshes as f64
    );
    assert_eq!(pages, 0, "a refresh keeps the event's sets from the first read: {:?}", upstream_requests());
    assert_eq!(tickets, refreshes);
}

#[test]
fn a_normalised_listing_gives_the_same_hall() {
    let _stack = exclusive_stack();
    let (jazz, _) = layout_of(JAZZ);
    let event_id = copy_of(JAZZ);
    let normalised = ListingForm::normalised();
    let (copy, _) = layout_of(&event_id);
    drop(normalised);
    let zones = |layout: &Layout| -> Vec<(String, String, i64)> {
        layout.zones.iter().map(|zone| (zone.id.clone(), zone.name.clone(), zone.price_min.minor)).collect()
    };
    assert_eq!(zones(&copy), zones(&jazz), "the sets, found through their ids");
    assert_eq!(prices(&copy), prices(&jazz));
    let availability: Value = serde_json::from_str(&proxy_get(&hall_path(&event_id, "availability")).body).unwrap();
    assert!(availability["admissions"][0]["quantity_left"].as_u64().unwrap() > 0, "{availability}");
}

/// The simulator's clock must be the proxy's: a price rule's end is a moment
/// in both.
fn assert_clocks_agree() {
    let clock = sim_get("/_sim/clock");
    assert_eq!(
        clock["offset_seconds"], 0,
        "a test moved the simulated clock before this one; price rules end at moments the proxy reads on its own clock"
    );
}

#[test]
fn a_layout_is_read_again_when_its_price_rule_ends() {
    let _stack = exclusive_stack();
    assert_clocks_agree();
    let event_id = copy_of(SWAN_LAKE);
    let rule_seconds = 4;
    let change = json!({"event_id": event_id, "in_seconds": rule_seconds, "percent": 150});
    let scheduled = sim_post("/_sim/ticketscloud/price_change", change);
    assert_eq!(scheduled.status, 200, "{}", scheduled.body);
    let ends_at = Instant::now() + Duration::from_secs(rule_seconds);

    let (before, reply) = layout_of(&event_id);
    assert_eq!(admission_price(&before, SWAN_LAKE_ADMISSION), 156_000);
    let max_age: u64 = reply
        .header("Cache-Control")
        .and_then(|value| value.split(',').find_map(|part| part.trim().strip_prefix("max-age=")?.parse().ok()))
        .unwrap_or_else(|| panic!("no max-age: {:?}", reply.headers));
    assert!(max_age <= rule_seconds, "browsers keep it no longer than the rule: max-age={max_age}");
    let (again, _) = layout_of(&event_id);
    assert_eq!(prices(&again), prices(&before), "until the rule ends, the same prices");

    std::thread::sleep(ends_at.saturating_duration_since(Instant::now()) + Duration::from_millis(1_200));
    let (after, _) = layout_of(&event_id);
    assert_eq!(admission_price(&after, SWAN_LAKE_ADMISSION), 234_000, "the next rule's price, right after the end");
    let (_, seats_before) = prices(&before);
    let (_, seats_after) = prices(&after);
    assert_eq!(seats_after, seats_before.iter().map(|price| price * 3 / 2).collect::<Vec<_>>());
    assert_ne!(after.version, before.version);
}

/// The TicketsCloud orders of `event_id` and their statuses.
fn orders_of(event_id: &str) -> Vec<(String, String)> {
    let state = sim_state();
    state["ticketscloud_orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|order| order["event_id"] == event_id)
        .map(|order| (order["id"].as_str().unwrap().to_owned(), order["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn tickets_by_status(event_id: &str) -> Value {
    let state = sim_state();
    state["ticketscloud"].as_array().unwrap().iter().find(|event| event["event_id"] == event_id).unwrap()["tickets_by_status"]
        .clone()
}

#[test]
fn a_hold_the_upstream_prices_otherwise_is_refused_and_the_layout_read_again() {
    let _stack = exclusive_stack();
    let event_id = copy_of(SWAN_LAKE);
    let (before, _) = layout_of(&event_id);
    let seats = vacant_seats(&format!("tc:{event_id}"), &event_id, 2, 0);
    // The organiser raises the prices now; the proxy's layout still says the old ones.
    let change = json!({"event_id": event_id, "in_seconds": 0, "percent": 150});
    assert_eq!(sim_post("/_sim/ticketscloud/price_change", change).status, 200);
    let statuses_before = tickets_by_status(&event_id);

    let body =
        json!({"event": format!("tc:{event_id}"), "show": event_id, "seats": seats, "admission": {SWAN_LAKE_ADMISSION: 1}});
    let refused = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!((refused.status, refused.error_code().as_str()), (409, "price_changed"), "{}", refused.body);
    let orders = orders_of(&event_id);
    assert!(!orders.is_empty(), "the order was made, then undone");
    assert!(orders.iter().all(|(_, status)| status == "cancelled"), "nothing stays reserved: {orders:?}");
    assert_eq!(tickets_by_status(&event_id), statuses_before, "every ticket as it was");

    // The layout the buyer reads next has the new prices.
    let (after, _) = layout_of(&event_id);
    assert_eq!(admission_price(&after, SWAN_LAKE_ADMISSION), admission_price(&before, SWAN_LAKE_ADMISSION) * 3 / 2);
    // And a hold at those prices goes through.
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold: Value = created.json();
    let expected_total: i64 =
        after.seats.iter().filter(|seat| seats.contains(&seat.id)).map(|seat| seat.price.minor).sum::<i64>()
            + admission_price(&after, SWAN_LAKE_ADMISSION);
    assert_eq!(hold["total"]["minor"].as_i64(), Some(expected_total));
    let released = widget_call("DELETE", &format!("/v1/holds/{}", hold["id"].as_str().unwrap()), None);
    assert_eq!(released.status, 200, "{}", released.body);
}
