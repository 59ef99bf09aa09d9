//! The proxy under `wrangler dev`, talking to the upstream simulator: what a
//! partner's page and an operator would notice. Runs after `faults.rs` (see
//! scripts/test.sh), on a warm edge cache.

use integration_tests::*;
use ticket_contract::{availability_bits, Availability, EventList, Layout, Provider};

const TC_SEATED: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SEATED_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";

fn layout_of(event: &str, show: &str) -> Layout {
    let reply = proxy_get(&format!("/v1/events/{event}/shows/{show}/layout"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("layout matches the contract")
}

fn availability_of(event: &str, show: &str) -> Availability {
    let reply = proxy_get(&format!("/v1/events/{event}/shows/{show}/availability"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("availability matches the contract")
}

#[test]
fn catalogue_lists_both_providers_with_local_dates() {
    let _stack = exclusive_stack();
    let reply = proxy_get("/v1/events");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("access-control-allow-origin"), Some(PARTNER_ORIGIN));
    assert!(reply.header("etag").is_some());
    let list: EventList = serde_json::from_str(&reply.body).expect("event list matches the contract");
    assert!(list.unavailable_providers.is_empty());

    let nutcracker = list.events.iter().find(|event| event.id == "qt:1001").expect("qt:1001 listed");
    assert_eq!(nutcracker.provider, Provider::Qtickets);
    assert_eq!(nutcracker.shows.len(), 2, "QTickets rows are grouped into one event with two shows");
    assert_eq!(nutcracker.venue.timezone, "Europe/Moscow");
    assert!(nutcracker.shows.iter().all(|show| show.starts_at.ends_with("+03:00")), "{:?}", nutcracker.shows);

    let hockey = list.events.iter().find(|event| event.id == "qt:1002").expect("qt:1002 listed");
    assert!(hockey.shows[0].starts_at.ends_with("+10:00"), "Vladivostok time: {:?}", hockey.shows);

    let swan_lake = list.events.iter().find(|event| event.id == TC_SEATED).expect("TicketsCloud event listed");
    assert_eq!(swan_lake.provider, Provider::Ticketscloud);
    assert_eq!(swan_lake.shows.len(), 1);
    assert!(swan_lake.price_from.is_some(), "TicketsCloud gives prices in the catalogue");

    let dates: Vec<&str> = list.events.iter().map(|event| event.shows[0].starts_at.as_str()).collect();
    assert!(list.events.len() >= 4, "{dates:?}");
}

#[test]
fn qtickets_hall_has_every_seat_zone_and_admission() {
    let _stack = exclusive_stack();
    let layout = layout_of("qt:1001", "2001");
    assert!(layout.seats.len() >= 2000, "{} seats", layout.seats.len());
    assert!(layout.zones.len() >= 5, "{} zones", layout.zones.len());
    assert!(!layout.admissions.is_empty(), "the dance floor is general admission");
    for seat in &layout.seats {
        assert!((seat.zone as usize) < layout.zones.len());
        assert!(seat.x >= 0.0 && seat.x <= layout.width && seat.y >= 0.0 && seat.y <= layout.height, "{seat:?}");
    }
    let availability = availability_of("qt:1001", "2001");
    assert_eq!(availability.layout_version, layout.version);
    let flags = availability_bits::decode(&availability.seats_available, layout.seats.len()).expect("bitset");
    let sold = flags.iter().filter(|available| !**available).count();
    assert!(sold > 0 && sold < layout.seats.len() / 2, "{sold} sold of {}", layout.seats.len());
    assert!(availability.admissions.iter().all(|admission| admission.quantity_left > 0));
}

#[test]
fn ticketscloud_hall_gets_a_generated_plan() {
    let _stack = exclusive_stack();
    let layout = layout_of(TC_SEATED, TC_SEATED_SHOW);
    assert_eq!(layout.geometry, ticket_contract::Geometry::Generated);
    assert!(!layout.seats.is_empty() && !layout.admissions.is_empty());
    assert!(!layout.labels.is_empty(), "sector captions");
    let mut points: Vec<(i64, i64)> = layout.seats.iter().map(|seat| ((seat.x * 10.0) as i64, (seat.y * 10.0) as i64)).collect();
    points.sort();
    points.dedup();
    assert_eq!(points.len(), layout.seats.len(), "no two seats drawn on the same spot");
    let availability = availability_of(TC_SEATED, TC_SEATED_SHOW);
    let flags = availability_bits::decode(&availability.seats_available, layout.seats.len()).expect("bitset");
    assert!(flags.iter().any(|available| !available), "some TicketsCloud seats are already sold");
}

#[test]
fn second_read_is_served_from_the_edge_cache() {
    let _stack = exclusive_stack();
    let first = proxy_get("/v1/events/qt:1002/shows/2003/layout");
    assert_eq!(first.status, 200, "{}", first.body);
    let layout: Layout = serde_json::from_str(&first.body).unwrap();
    assert!(layout.seats.len() >= 10_000, "the benchmark hall has {} seats", layout.seats.len());

    quiet_upstream();
    let second = proxy_get("/v1/events/qt:1002/shows/2003/layout");
    assert_eq!(second.status, 200);
    assert_eq!(second.header("x-cache"), Some("HIT"));
    assert_eq!(second.body, first.body);
    assert!(upstream_requests().is_empty(), "a cache hit calls no upstream: {:?}", upstream_requests());

    let etag = second.header("etag").expect("etag").to_owned();
    let conditional =
        proxy_get_with("/v1/events/qt:1002/shows/2003/layout", &[("X-Partner-Key", DEMO_PARTNER_KEY), ("If-None-Match", &etag)]);
    assert_eq!(conditional.status, 304, "the browser's copy is still good");
}

#[test]
fn the_painted_hall_is_the_layout_drawn_as_the_widget_draws_it() {
    let _stack = exclusive_stack();
    for (event, show) in [("qt:1001", "2001"), ("qt:1002", "2003"), (TC_SEATED, TC_SEATED_SHOW)] {
        let path = format!("/v1/events/{event}/shows/{show}/paint");
        let layout = layout_of(event, show);
        let painted = proxy_get(&path);
        assert_eq!(painted.status, 200, "{path}: {}", painted.body);
        assert!(painted.header("content-type").unwrap_or_default().starts_with("image/svg+xml"), "{:?}", painted.headers);
        assert_eq!(painted.body, ticket_paint::painted_hall(&layout), "{path}: the seat map of the layout served");
        assert_eq!(painted.body.matches("<circle ").count(), layout.seats.len());
        // The partner's availability rides along in headers: the loader's
        // first frame needs this one request.
        let availability = availability_of(event, show);
        assert_eq!(painted.header("availability-bits"), Some(availability.seats_available.as_str()), "{path}");
        assert_eq!(painted.header("availability-layout-version"), Some(layout.version.as_str()), "{path}");
        assert_eq!(painted.header("availability-revision"), Some(availability.revision.to_string().as_str()), "{path}");
        assert_eq!(painted.header("cache-control"), Some("no-cache"), "{path}: revalidated, the headers change with sales");

        // Cached next to the layout, with an ETag the browser can revalidate;
        // a 304 still carries the current availability.
        let again = proxy_get(&path);
        assert_eq!(again.header("x-cache"), Some("HIT"), "{path}");
        let etag = again.header("etag").expect("etag").to_owned();
        let conditional = proxy_get_with(&path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("If-None-Match", &etag)]);
        assert_eq!(conditional.status, 304, "{path}");
        assert_eq!(conditional.header("availability-bits"), Some(availability.seats_available.as_str()), "{path}");
    }
    // The partner checks of the layout: a key, an allowed origin.
    let path = "/v1/events/qt:1001/shows/2001/paint";
    assert_eq!(proxy_get_with(path, &[]).status, 401);
    // The key may come in the query instead (the loader's request needs no preflight then).
    let by_query = proxy_get_with(&format!("{path}?partner={DEMO_PARTNER_KEY}"), &[("Origin", PARTNER_ORIGIN)]);
    assert_eq!(by_query.status, 200, "{}", by_query.body);
    assert_eq!(by_query.header("access-control-allow-origin"), Some(PARTNER_ORIGIN));
    assert_eq!(proxy_get_with(&format!("{path}?partner=pk_nobody_000000"), &[]).status, 401);
    let foreign = proxy_get_with(path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", FOREIGN_ORIGIN)]);
    assert_eq!(foreign.status, 403, "{}", foreign.body);

    // The loader's other first reads take the key in the query as well, and
    // answer exactly what the header form answers.
    for read in ["/v1/events", "/v1/events/qt:1001/shows/2001/layout", "/v1/events/qt:1001/shows/2001/availability"] {
        let by_header = proxy_get_with(read, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)]);
        let by_query = proxy_get_with(&format!("{read}?partner={DEMO_PARTNER_KEY}"), &[("Origin", PARTNER_ORIGIN)]);
        assert_eq!(by_query.status, 200, "{read}: {}", by_query.body);
        if read.ends_with("availability") {
            // Holds made meanwhile by other tests may change it: the same document, not the same seats.
            assert!(by_query.body.contains("\"seats_available\"") && by_header.body.contains("\"seats_available\""), "{read}");
        } else {
            assert_eq!(by_query.body, by_header.body, "{read}");
        }
        assert_eq!(by_query.header("access-control-allow-origin"), Some(PARTNER_ORIGIN), "{read}");
        assert_eq!(proxy_get_with(&format!("{read}?partner=pk_nobody_000000"), &[]).status, 401, "{read}");
        let foreign = proxy_get_with(&format!("{read}?partner={DEMO_PARTNER_KEY}"), &[("Origin", FOREIGN_ORIGIN)]);
        assert_eq!(foreign.status, 403, "{read}: {}", foreign.body);
    }
}

#[test]
fn a_partners_server_gets_the_first_frame_to_put_in_its_page() {
    let _stack = exclusive_stack();
    let stylesheet = proxy_get("/widget.css");
    assert_eq!(stylesheet.status, 200);
    for (event, show) in [("qt:1001", "2001"), ("qt:1002", "2003"), (TC_SEATED, TC_SEATED_SHOW)] {
        let path = format!("/v1/events/{event}/shows/{show}/first-frame?partner={DEMO_PARTNER_KEY}");
        let layout = layout_of(event, show);
        // A server's request: no Origin, the key in the query.
        let frame = proxy_get_with(&path, &[]);
        assert_eq!(frame.status, 200, "{path}: {}", frame.body);
        assert_eq!(frame.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        assert_eq!(frame.header("cache-control"), Some("no-cache"), "{path}: never kept, sales change it");
        // Exactly the painted hall with the availability of its revision
        // applied, in the loader's boxes, the widget's stylesheet inline.
        let availability = availability_of(event, show);
        let revision = frame.header("availability-revision").expect("its availability's revision").to_owned();
        let expected = |availability: &Availability| {
            let seats = availability_bits::decode(&availability.seats_available, layout.seats.len()).expect("bits");
            let text =
                ticket_paint::FrameText { stylesheet: &stylesheet.body, heading: "Выберите места", dark: false };
            ticket_paint::first_frame(&ticket_paint::painted_hall(&layout), &seats, &text).expect("a frame")
        };
        if availability.revision.to_string() == revision {
            assert_eq!(frame.body, expected(&availability), "{path}");
        } else {
            assert!(frame.body.starts_with(r#"<template shadowrootmode="open"><style>"#), "{path}");
        }
        let taken = availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap();
        assert!(taken.contains(&false) || event == TC_SEATED, "{path}: the test hall has taken seats");
        assert_eq!(frame.body.matches("<circle ").count(), layout.seats.len(), "{path}");
    }
    let path = "/v1/events/qt:1001/shows/2001/first-frame";
    let english = proxy_get_with(&format!("{path}?partner={DEMO_PARTNER_KEY}&lang=en&theme=dark"), &[]);
    assert_eq!(english.status, 200, "{}", english.body);
    assert!(english.body.contains(r#"<h3 class="tw-subheading">Choose your seats</h3>"#));
    assert!(english.body.contains(r#"<div class="tw-host tw-painted tw-theme-dark" aria-busy="true">"#));
    // What it refuses, saying why (a partner's server logs it; its page then
    // goes out without the frame and the loader paints the hall).
    for (query, status, code, field) in [
        (format!("partner={DEMO_PARTNER_KEY}&lang=de"), 400, "invalid_parameter", Some("lang")),
        (format!("partner={DEMO_PARTNER_KEY}&theme=pink"), 400, "invalid_parameter", Some("theme")),
        (format!("partner={DEMO_PARTNER_KEY}&payment_url=x"), 400, "invalid_parameter", Some("payment_url")),
        ("lang=ru".to_owned(), 401, "partner_key_missing", None),
        ("partner=pk_nobody_000000".to_owned(), 401, "partner_key_unknown", None),
    ] {
        let reply = proxy_get_with(&format!("{path}?{query}"), &[]);
        assert_eq!((reply.status, reply.error_code().as_str()), (status, code), "{query}: {}", reply.body);
        assert_eq!(reply.json()["error"]["field"].as_str(), field, "{query}");
    }
    let not_allowed = proxy_get_with(&format!("/v1/events/qt:1002/shows/2003/first-frame?partner={NARROW_PARTNER_KEY}"), &[]);
    assert_eq!(not_allowed.status, 403, "{}", not_allowed.body);
    // From a browser, only on the partner's origins, as every read.
    let foreign = proxy_get_with(&format!("{path}?partner={DEMO_PARTNER_KEY}"), &[("Origin", FOREIGN_ORIGIN)]);
    assert_eq!(foreign.status, 403, "{}", foreign.body);
}

#[test]
fn malformed_ids_are_refused_before_any_upstream_call() {
    let _stack = exclusive_stack();
    let bad_paths = [
        "/v1/events/qt:10%2F01/shows/2001/layout",
        "/v1/events/qt:1001/shows/20%2F01/layout",
        "/v1/events/qt:1001/shows/..%2F..%2Fapi/layout",
        "/v1/events/qt:1001%00/shows/2001/layout",
        "/v1/events/qt:1001/shows/2001%0A/availability",
        "/v1/events/qt:abc/shows/2001/layout",
        "/v1/events/xx:1001/shows/2001/layout",
        "/v1/events/tc:5f1a/shows/5f1a/layout",
        "/v1/events/tc:5f1a0c0e2b3c4d5e6f70819z/shows/5f1a0c0e2b3c4d5e6f70819z/layout",
        "/v1/events/qt:%D0%B0%D0%B1/shows/2001/layout",
        "/v1/events/qt:1001/shows/%20/layout",
    ];
    let long_id = format!("/v1/events/qt:{}/shows/2001/layout", "9".repeat(5000));
    quiet_upstream();
    for path in bad_paths.iter().copied().chain([long_id.as_str()]) {
        let reply = proxy_get(path);
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.error_code(), "invalid_id", "{path}");
    }
    assert!(upstream_requests().is_empty(), "no upstream call for bad input: {:?}", upstream_requests());
}

#[test]
fn unknown_event_is_404() {
    let _stack = exclusive_stack();
    let reply = proxy_get("/v1/events/qt:999999/shows/1/layout");
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert_eq!(reply.error_code(), "event_not_found");
}

#[test]
fn a_request_without_a_known_partner_key_is_refused() {
    let _stack = exclusive_stack();
    quiet_upstream();
    let missing = proxy_get_with("/v1/events", &[]);
    assert_eq!(missing.status, 401);
    let unknown = proxy_get_with("/v1/events", &[("X-Partner-Key", "pk_nobody")]);
    assert_eq!(unknown.status, 401);
    assert!(upstream_requests().is_empty());
}

#[test]
fn preflight_allows_the_partner_key_header() {
    let _stack = exclusive_stack();
    let reply = proxy_request(
        "OPTIONS",
        "/v1/events",
        &[
            ("Origin", PARTNER_ORIGIN),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "x-partner-key"),
        ],
    );
    assert_eq!(reply.status, 204);
    assert!(reply.header("access-control-allow-headers").unwrap_or_default().contains("X-Partner-Key"));
}

#[test]
fn the_widget_is_served_by_the_proxy() {
    let _stack = exclusive_stack();
    let embed = format!("/embed?partner={DEMO_PARTNER_KEY}");
    let served = [
        ("/widget.js", "ticket-widget"),
        (embed.as_str(), "<html"),
        ("/widget/ticket_widget.js", ""),
        // The seat-picking stage the loader mounts on a painted hall.
        ("/widget/ticket_pick.js", "mount_pick"),
    ];
    for (path, content) in served {
        let reply = proxy_get_with(path, &[]);
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.body.contains(content), "{path}");
        assert!(reply.header("x-request-id").is_some_and(|id| id.len() >= 16), "{path}: every response has a request id");
    }
    // Only the partner's own pages (and the embed itself) may frame the embed.
    let reply = proxy_get_with(&embed, &[]);
    assert_eq!(
        reply.header("content-security-policy"),
        Some("frame-ancestors 'self' http://127.0.0.1:8080 http://localhost:8080 http://127.0.0.1:8081 http://127.0.0.1:8089")
    );
    // An embed without a partner, or with an unknown or revoked one, is refused.
    for (path, status, code) in [
        ("/embed", 400, "invalid_parameter"),
        ("/embed?partner=pk_nobody_000000000", 401, "partner_key_unknown"),
        ("/embed?partner=pk_test_revoked_00000000", 401, "partner_key_revoked"),
    ] {
        let reply = proxy_get_with(path, &[]);
        assert_eq!((reply.status, reply.error_code().as_str()), (status, code), "{path}");
        assert!(reply.header("content-security-policy").is_none(), "{path}");
    }
}
