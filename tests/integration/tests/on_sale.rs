//! The day an event goes on sale: a crowd of viewers costs the upstream one
//! read, and every viewer of a hall sees seats taken and given back live.
//!
//! Each show has one owner (its Durable Object) that reads the upstream at
//! most once at a time and holds the show's live feeds (WebSockets).

use std::collections::HashSet;
use std::thread;
use std::time::Duration;

use integration_tests::live::LiveFeed;
use integration_tests::*;
use serde_json::json;
use ticket_contract::{availability_bits, Availability, Hold, Layout};

/// The 2,184-seat QTickets hall.
const EVENT: &str = "qt:1001";
const SHOW: &str = "2001";
const SHOW_NUMBER: u64 = 2001;
const EVENT_NUMBER: u64 = 1001;

/// Upstream reads of a QTickets hall in the simulator's request log.
fn hall_reads(event: u64, show: u64) -> usize {
    let path = format!("/qtickets/api/partners/v1/events/seats/{event}/{show}");
    upstream_requests().iter().filter(|request| request["path"].as_str() == Some(path.as_str())).count()
}

fn layout() -> Layout {
    let reply = proxy_get(&format!("/v1/events/{EVENT}/shows/{SHOW}/layout"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

fn free_seats(layout: &Layout, availability: &Availability) -> Vec<String> {
    let flags = availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap();
    layout.seats.iter().zip(flags).filter(|(_, free)| *free).map(|(seat, _)| seat.id.clone()).collect()
}

fn is_free(layout: &Layout, availability: &Availability, seat_id: &str) -> bool {
    let index = layout.seats.iter().position(|seat| seat.id == seat_id).expect("a seat of the layout");
    availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap()[index]
}

/// `readers` viewers, each from its own address, read `path` at once.
fn crowd_reads(path: &str, readers: usize) -> Vec<u16> {
    let handles: Vec<_> = (0..readers)
        .map(|_| {
            let path = path.to_owned();
            let ip = unique_client_ip();
            thread::spawn(move || proxy_get_with(&path, &widget_headers(DEMO_PARTNER_KEY, PARTNER_ORIGIN, &ip)).status)
        })
        .collect();
    handles.into_iter().map(|handle| handle.join().unwrap()).collect()
}

/// Now, in unix milliseconds (the proxy runs on this machine's clock).
fn unix_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

fn open_feed() -> LiveFeed {
    LiveFeed::open(EVENT, SHOW, DEMO_PARTNER_KEY, Some(PARTNER_ORIGIN), &unique_client_ip())
        .unwrap_or_else(|refused| panic!("the feed did not open: {} {}", refused.status, refused.body))
}

#[test]
fn a_crowd_on_a_stale_hall_costs_the_upstream_one_read() {
    let _stack = exclusive_stack();
    let path = format!("/v1/events/{EVENT}/shows/{SHOW}/availability");
    assert_eq!(proxy_get(&path).status, 200);
    // Past its freshness (5 s), every data centre's copy and the owner's are
    // stale: each of these viewers would refresh it, and the owner reads once.
    thread::sleep(Duration::from_millis(5_500));
    clear_upstream_requests();
    let statuses = crowd_reads(&path, 60);
    assert!(statuses.iter().all(|&status| status == 200), "{statuses:?}");
    thread::sleep(Duration::from_millis(1_500)); // the background refresh
    let reads = hall_reads(EVENT_NUMBER, SHOW_NUMBER);
    assert!(reads <= 1, "60 viewers caused {reads} upstream reads of the hall");
}

#[test]
fn a_crowd_on_a_dead_link_costs_the_upstream_one_read() {
    let _stack = exclusive_stack();
    // A well-formed show id the event does not have: the upstream says so once.
    clear_upstream_requests();
    let statuses = crowd_reads(&format!("/v1/events/{EVENT}/shows/2999/availability"), 40);
    assert!(statuses.iter().all(|&status| status == 404), "{statuses:?}");
    let reads = hall_reads(EVENT_NUMBER, 2999);
    assert!(reads <= 1, "40 viewers of a dead link caused {reads} upstream reads");
    let again = proxy_get(&format!("/v1/events/{EVENT}/shows/2999/layout"));
    assert_eq!(again.status, 404, "{}", again.body);
    assert!(["show_not_found", "event_not_found"].contains(&again.error_code().as_str()), "{}", again.body);
    assert_eq!(hall_reads(EVENT_NUMBER, 2999), reads, "\"does not exist\" is remembered for a while");
}

#[test]
fn a_viewer_sees_another_buyers_hold_and_release_pushed_live() {
    let _stack = exclusive_stack();
    let layout = layout();
    let mut feed = open_feed();
    let first = feed.next_availability(Duration::from_secs(10)).expect("the feed opens with the hall");
    assert_eq!(first.layout_version, layout.version);
    let seat = free_seats(&layout, &first).into_iter().nth(7).expect("a free seat");

    // Another buyer reserves it through the proxy: the feed says so, pushed
    // by the hold itself (its revision, the moment the change became known,
    // falls within the hold's request; a poll would find it seconds later).
    let body = json!({"event": EVENT, "show": SHOW, "seats": [seat], "admission": {}}).to_string();
    let asked_at = unix_ms();
    let created = widget_call("POST", "/v1/holds", Some(&body));
    let answered_at = unix_ms();
    assert_eq!(created.status, 201, "{}", created.body);
    let hold: Hold = serde_json::from_str(&created.body).unwrap();
    let taken = feed.wait_for(Duration::from_secs(10), |availability| !is_free(&layout, availability, &seat)).expect("taken");
    assert!(taken.revision > first.revision, "a newer revision");
    assert!(
        (asked_at..=answered_at + 50).contains(&taken.revision),
        "pushed by the hold: {asked_at} ≤ {} ≤ {answered_at}",
        taken.revision
    );

    // Given back: the seat is free again for everyone, as soon.
    let asked_at = unix_ms();
    let released = widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
    let answered_at = unix_ms();
    assert_eq!(released.status, 200, "{}", released.body);
    let free = feed.wait_for(Duration::from_secs(10), |availability| is_free(&layout, availability, &seat)).expect("free again");
    assert!(free.revision > taken.revision);
    assert!((asked_at..=answered_at + 50).contains(&free.revision), "pushed by the release");

    // The plain document agrees with the feed.
    let document: Availability =
        serde_json::from_str(&proxy_get(&format!("/v1/events/{EVENT}/shows/{SHOW}/availability")).body).unwrap();
    assert!(is_free(&layout, &document, &seat));
    feed.close();
}

#[test]
fn a_viewer_sees_a_sale_made_elsewhere_and_the_feed_ignores_chatter() {
    let _stack = exclusive_stack();
    let layout = layout();
    let mut feed = open_feed();
    let first = feed.next_availability(Duration::from_secs(10)).expect("the feed opens with the hall");
    // Sold at the box office: only the upstream knows. While anyone watches,
    // the owner polls the upstream (every 5 s) and tells every viewer.
    let seat = free_seats(&layout, &first).into_iter().nth(11).expect("a free seat");
    let sold = sim_post(
        "/_sim/sell",
        json!({"provider": "qtickets", "event_id": EVENT_NUMBER, "show_id": SHOW_NUMBER, "seat_ids": [seat]}),
    );
    assert!(sold.status < 300, "{}", sold.body);
    // A client has nothing to say but `ping`; anything else is ignored.
    feed.send_text("{\"type\":\"availability\",\"seats_available\":\"00\"}");
    feed.ping();
    let seen = feed.wait_for(Duration::from_secs(20), |availability| !is_free(&layout, availability, &seat));
    assert!(seen.is_some(), "the sale upstream never reached the feed");
    assert!(feed.ponged, "ping is answered with pong");
    feed.close();
}

#[test]
fn the_feed_checks_key_origin_allowlist_and_upgrade_and_limits_each_client() {
    let _stack = exclusive_stack();
    let ip = unique_client_ip();
    let refused = |key: &str, origin: Option<&str>, event: &str, show: &str| {
        LiveFeed::open(event, show, key, origin, &ip).map(|_| ()).expect_err("refused").status
    };
    assert_eq!(refused("pk_nobody_000000000000000", Some(PARTNER_ORIGIN), EVENT, SHOW), 401);
    assert_eq!(refused(DEMO_PARTNER_KEY, Some(FOREIGN_ORIGIN), EVENT, SHOW), 403);
    assert_eq!(refused(NARROW_PARTNER_KEY, Some(NARROW_ORIGIN), "qt:1002", "2003"), 403, "not in the partner's allowlist");
    assert_eq!(refused(DEMO_PARTNER_KEY, Some(PARTNER_ORIGIN), EVENT, "2999"), 404);
    let plain = proxy_get(&format!("/v1/events/{EVENT}/shows/{SHOW}/live?partner={DEMO_PARTNER_KEY}"));
    assert_eq!((plain.status, plain.error_code()), (426, "upgrade_required".to_owned()));

    // One buyer (key + address) may hold a few feeds of a show, not more.
    let mut feeds: Vec<LiveFeed> = Vec::new();
    let mut statuses = HashSet::new();
    for _ in 0..6 {
        match LiveFeed::open(EVENT, SHOW, DEMO_PARTNER_KEY, Some(PARTNER_ORIGIN), &ip) {
            Ok(feed) => feeds.push(feed),
            Err(refusal) => {
                statuses.insert(refusal.status);
            }
        }
    }
    assert_eq!(feeds.len(), 4, "four feeds per client");
    assert_eq!(statuses, HashSet::from([429]));
    // Another buyer is not affected.
    let other = LiveFeed::open(EVENT, SHOW, DEMO_PARTNER_KEY, Some(PARTNER_ORIGIN), &unique_client_ip());
    assert!(other.is_ok());
    for feed in feeds {
        feed.close();
    }
}
