//! TicketsCloud sets + ticket listing fixtures → layout + availability on a
//! generated plan: one block per sector, captions, statuses, admissions.

use std::collections::HashSet;

use ticket_contract::Geometry;
use ticket_core::{MissingThing, ProviderAdapter, UpstreamError};

use super::support::{
    adapters, assert_hall_is_consistent, describe_admissions, describe_seats, describe_zones, event, format_minor, ok,
};

const NUTCRACKER: &str = "5b0d157f445143000114e321";

fn captions(hall: &ticket_core::Hall) -> Vec<&str> {
    hall.layout.labels.iter().map(|label| label.text.as_str()).collect()
}

fn assert_no_two_seats_share_a_point(hall: &ticket_core::Hall) {
    let points: HashSet<(u32, u32)> = hall.layout.seats.iter().map(|seat| (seat.x.to_bits(), seat.y.to_bits())).collect();
    assert_eq!(points.len(), hall.layout.seats.len(), "every seat has its own point");
}

#[test]
fn seated_sets_across_sectors_on_a_generated_plan() {
    let hall = adapters()
        .ticketscloud
        .parse_seating(
            &event(&format!("tc:{NUTCRACKER}")),
            NUTCRACKER,
            &[ok("ticketscloud/events_seated_and_odd.json"), ok("ticketscloud/tickets_seated.json")],
        )
        .unwrap();
    assert_hall_is_consistent(&hall);
    assert_no_two_seats_share_a_point(&hall);
    assert_eq!(hall.layout.geometry, Geometry::Generated);
    assert_eq!(
        describe_zones(&hall.layout),
        [
            "5b0d1580445143000114e933 \"Танцпол\" 2000.00..2000.00",
            "5b0d1580445143000114e92d \"Партер\" 1500.50..1500.50",
            "5b0d1580445143000114e930 \"Балкон\" 900.00..900.00",
            "5b0d1580445143000114e931 \"Амфитеатр\" 700.00..700.00",
            "5b0d1580445143000114e932 \"Амфитеатр льготный\" 350.00..350.00",
        ],
        "sets ordered by pos; the set without a price is left out"
    );
    assert_eq!(
        describe_seats(&hall),
        [
            // Партер: rows ascending, numbers ascending, rows centred.
            "5b0d157f445143000114e4ef z1 r1 p1 @36,60 1500.50 free",
            "5b0d157f445143000114e4f0 z1 r1 p2 @60,60 1500.50 free",
            "5b0d157f445143000114f002 z1 r2 p1 @24,88 1500.50 taken",
            "5b0d157f445143000114f003 z1 r2 p2 @48,88 1500.50 free",
            "5b0d157f445143000114f001 z1 r2 p3 @72,88 1500.50 taken",
            // Балкон spans two sectors: two blocks.
            "5b0d157f445143000114f004 z2 r1 p1 @128,60 900.00 free",
            "5b0d157f445143000114f005 z2 r1 p2 @152,60 900.00 free",
            "5b0d157f445143000114f006 z2 r1 p1 @208,60 900.00 free",
            // Two sets share one sector: one block, each seat keeps its set.
            "5b0d157f445143000114f007 z3 r1 p1 @264,60 700.00 free",
            "5b0d157f445143000114f008 z4 r1 p2 @288,60 350.00 taken",
        ],
        "unknown set, seatless ticket and duplicate id are skipped"
    );
    assert_eq!(captions(&hall), ["Партер", "Балкон, сектор 1", "Балкон, сектор 2", "Амфитеатр"]);
    assert!(hall.layout.labels.iter().all(|label| label.y < 60.0), "captions above their blocks");
    assert_eq!(hall.availability.seats_available, "d780");
    assert_eq!(describe_admissions(&hall), ["5b0d1580445143000114e933 z0 2000.00 left=120"]);
    assert_eq!((hall.layout.width, hall.layout.height), (312.0, 112.0));
    assert_eq!(hall.upstream_version, None);
}

#[test]
fn the_documented_general_admission_event() {
    let event_id = "5d31fbdd27649b0dff076117";
    let hall = adapters()
        .ticketscloud
        .parse_seating(
            &event(&format!("tc:{event_id}")),
            event_id,
            &[ok("ticketscloud/events_doc_example.json"), ok("ticketscloud/tickets_doc_example.json")],
        )
        .unwrap();
    assert_hall_is_consistent(&hall);
    assert!(hall.layout.seats.is_empty(), "the listed tickets belong to another event's set");
    assert_eq!(
        describe_admissions(&hall),
        ["5d31fbfa27649b0dff07611b z0 104.00 left=50", "5d31fbfa8a75c12c9d64de13 z1 1092.00 left=10"]
    );
}

#[test]
fn the_simulators_hall() {
    let event_id = "5f1a0c0e2b3c4d5e6f708192";
    let hall = adapters()
        .ticketscloud
        .parse_seating(
            &event(&format!("tc:{event_id}")),
            event_id,
            &[ok("ticketscloud/sim_events.json"), ok("ticketscloud/sim_tickets_swan_lake.json")],
        )
        .unwrap();
    assert_hall_is_consistent(&hall);
    assert_no_two_seats_share_a_point(&hall);
    assert_eq!(hall.layout.seats.len(), 296);
    // "Партер VIP" and "Партер" share a sector: captioned by the shared word.
    assert_eq!(captions(&hall), ["Партер", "Бельэтаж"]);
    assert_eq!(describe_admissions(&hall).len(), 1);
    let taken = hall.availability.seats_available.chars().filter(|digit| *digit != 'f').count();
    assert!(taken > 0, "the simulator's seed has some seats sold or reserved");
}

#[test]
fn events_that_cannot_be_shown_are_not_found() {
    let cases: &[(&str, &str, UpstreamError)] = &[
        // Not in the first 500 events of the account.
        ("5d31fbdd27649b0dff0761ff", "5d31fbdd27649b0dff0761ff", UpstreamError::NotFound { what: MissingThing::Event }),
        // Listed, but a draft.
        ("5d31fbdd27649b0dff0761bb", "5d31fbdd27649b0dff0761bb", UpstreamError::NotFound { what: MissingThing::Event }),
        // A TicketsCloud event's only show is the event itself.
        (NUTCRACKER, "5d31fbdd27649b0dff0761bb", UpstreamError::NotFound { what: MissingThing::Show }),
    ];
    let adapters = adapters();
    for (event_id, show_id, expected) in cases {
        let result = adapters.ticketscloud.parse_seating(
            &event(&format!("tc:{event_id}")),
            show_id,
            &[ok("ticketscloud/events_seated_and_odd.json"), ok("ticketscloud/tickets_seated.json")],
        );
        assert_eq!(result.as_ref().err(), Some(expected), "{event_id}/{show_id}");
    }
}

/// A set priced `"0.00"` gives free places: drawn and as available as the
/// listing says, at price 0 — and the show's owner publishes them on sale
/// only in the document for partners that allow free places. A set without
/// a price stays out (its places are never on sale).
#[test]
fn a_set_priced_zero_gives_free_places_that_only_the_free_document_puts_on_sale() {
    let mut events: serde_json::Value =
        serde_json::from_str(&super::support::fixture("ticketscloud/events_seated_and_odd.json")).unwrap();
    let nutcracker = events.as_array_mut().unwrap().iter_mut().find(|event| event["id"] == NUTCRACKER).unwrap();
    for set in nutcracker["sets"].as_array_mut().unwrap() {
        // Партер (seated, two vacant seats) and Танцпол (general admission).
        if set["id"] == "5b0d1580445143000114e92d" || set["id"] == "5b0d1580445143000114e933" {
            set["price"] = serde_json::json!("0.00");
        }
    }
    let events_response = ticket_core::UpstreamResponse::json(200, events.to_string());
    let hall = adapters()
        .ticketscloud
        .parse_seating(
            &event(&format!("tc:{NUTCRACKER}")),
            NUTCRACKER,
            &[events_response.clone(), ok("ticketscloud/tickets_seated.json")],
        )
        .unwrap();
    assert_hall_is_consistent(&hall);
    let zones = describe_zones(&hall.layout);
    assert!(zones.contains(&"5b0d1580445143000114e92d \"Партер\" 0.00..0.00".to_string()), "{zones:?}");
    assert!(!zones.iter().any(|zone| zone.contains("No price")), "{zones:?}");
    assert_eq!(
        &describe_seats(&hall)[..2],
        ["5b0d157f445143000114e4ef z1 r1 p1 @36,60 0.00 free", "5b0d157f445143000114e4f0 z1 r1 p2 @60,60 0.00 free"]
    );
    assert_eq!(describe_admissions(&hall), ["5b0d1580445143000114e933 z0 0.00 left=120"]);

    let mut show = ticket_core::show_hall::ShowHall::default();
    assert!(show.start_read(0));
    show.read_succeeded(hall.clone(), 1);
    let usual = show.availability(false).unwrap();
    let (seats, admissions) = usual.for_layout(&hall.layout).unwrap();
    assert_eq!(&seats[..5], [false, false, false, false, false], "Партер (free) is off sale; the rest as the listing says");
    assert_eq!(admissions, [0], "so is the free general admission");
    let with_free = show.availability(true).unwrap();
    assert_eq!(with_free.seats_available, hall.availability.seats_available, "the upstream's truth for partners that allow them");
    assert_eq!(with_free.admissions[0].quantity_left, 120);

    // The catalogue's "from" is never a free set's 0.
    let page = adapters().ticketscloud.parse_catalogue_page(1, &events_response).unwrap();
    let from = page.events.iter().find(|summary| summary.id == format!("tc:{NUTCRACKER}")).unwrap().price_from;
    assert_eq!(from.map(|price| price.minor), Some(35_000));
}

#[test]
fn a_normalised_listing_gives_the_same_hall() {
    let read = |listing: &str| {
        adapters()
            .ticketscloud
            .parse_seating(
                &event(&format!("tc:{NUTCRACKER}")),
                NUTCRACKER,
                &[ok(listing), ok("ticketscloud/tickets_seated.json")],
            )
            .unwrap()
    };
    let from_normalised = read("ticketscloud/events_normalised.json");
    assert_eq!(from_normalised, read("ticketscloud/events_seated_and_odd.json"));
    assert_eq!(from_normalised.layout.seats.len(), 10, "sets found through their ids");
}

/// Unix seconds of an RFC 3339 time.
fn at(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp()
}

/// A listing page URL and the tickets URL the adapter asks for.
fn listing_url(page: u32) -> String {
    format!("https://ticketscloud.com/v1/services/simple/events?page={page}&page_size=100")
}

fn tickets_url(event_id: &str) -> String {
    format!("https://ticketscloud.com/v1/resources/events/{event_id}/tickets")
}

/// Drives one hall read to its end; `answer` plays the upstream. Returns the
/// outcome and the URLs asked, in order.
fn drive_hall_read(
    event_id: &str,
    memo: Option<&ticket_core::SeatingMemo>,
    now: i64,
    answer: impl Fn(&str) -> ticket_core::UpstreamResponse,
) -> (Result<ticket_core::HallReadOutcome, UpstreamError>, Vec<String>) {
    let adapters = adapters();
    let event = event(&format!("tc:{event_id}"));
    let mut read = adapters.ticketscloud.hall_read(&event, event_id, memo, now);
    let mut asked = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..ticket_core::MAX_HALL_READ_ROUNDS {
        match read.step(answers) {
            Ok(ticket_core::HallStep::Send(requests)) => {
                answers = requests
                    .iter()
                    .map(|request| {
                        asked.push(request.url.clone());
                        answer(&request.url)
                    })
                    .collect();
            }
            Ok(ticket_core::HallStep::Done(outcome)) => return (Ok(*outcome), asked),
            Err(error) => return (Err(error), asked),
        }
    }
    panic!("the read never ended: {asked:?}");
}

/// The documented event (two general-admission sets with price rules), its
/// rules as given, or changed by `edit`.
fn documented_listing(edit: impl Fn(&mut serde_json::Value)) -> String {
    let mut listing: serde_json::Value = serde_json::from_str(&ok("ticketscloud/events_doc_example.json").body).unwrap();
    edit(&mut listing[0]);
    listing.to_string()
}

const DOCUMENTED: &str = "5d31fbdd27649b0dff076117";

#[test]
fn prices_follow_the_rule_in_force_and_end_with_it() {
    let no_current = |event: &mut serde_json::Value| {
        for set in event["sets"].as_array_mut().unwrap() {
            for rule in set["rules"].as_array_mut().unwrap() {
                rule["current"] = false.into();
            }
        }
    };
    let no_rules = |event: &mut serde_json::Value| {
        for set in event["sets"].as_array_mut().unwrap() {
            set["rules"] = serde_json::json!([]);
        }
    };
    // (case, listing, read at, admission prices, prices good until)
    type RuleCase = (&'static str, String, i64, [&'static str; 2], Option<i64>);
    let cases: Vec<RuleCase> = vec![
        (
            "as documented: the current rules, until the first one ends",
            documented_listing(|_| {}),
            at("2019-07-20T00:00:00Z"),
            ["104.00", "1092.00"],
            Some(at("2019-07-22T20:59:00Z")),
        ),
        (
            "a rule still called current after its end: read again soon",
            documented_listing(|_| {}),
            at("2019-07-23T00:00:00Z"),
            ["104.00", "1092.00"],
            Some(at("2019-07-23T00:00:15Z")),
        ),
        (
            "no rule marked current: the one whose period holds the moment",
            documented_listing(no_current),
            at("2019-07-23T00:00:00Z"),
            ["156.00", "1092.00"],
            Some(at("2019-07-26T20:59:00Z")),
        ),
        (
            "before every rule: the set's price until the first begins",
            documented_listing(no_current),
            at("2019-07-01T00:00:00Z"),
            ["104.00", "1092.00"],
            Some(at("2019-07-17T21:00:00Z")),
        ),
        (
            "no rules: the set's price, no end",
            documented_listing(no_rules),
            at("2019-07-20T00:00:00Z"),
            ["104.00", "1092.00"],
            None,
        ),
    ];
    for (case, listing, now, prices, valid_until) in cases {
        let (outcome, _) = drive_hall_read(DOCUMENTED, None, now, |url| {
            if url == listing_url(1) {
                ticket_core::UpstreamResponse::json(200, listing.clone())
            } else {
                ok("ticketscloud/tickets_doc_example.json")
            }
        });
        let hall = outcome.unwrap_or_else(|error| panic!("{case}: {error}")).hall;
        let actual: Vec<String> = hall.layout.admissions.iter().map(|admission| format_minor(admission.price.minor)).collect();
        assert_eq!(actual, prices, "{case}");
        assert_eq!(hall.prices_valid_until, valid_until, "{case}");
    }
}

#[test]
fn a_hall_read_keeps_the_sets_and_reads_them_again_only_when_due() {
    // The documented event is on page 2 of a listing served 1 event per page.
    let now = at("2019-07-20T00:00:00Z");
    let other = documented_listing(|event| event["id"] = "5d31fbdd27649b0dff0761ee".into());
    let upstream = |listing_page_of_event: u32| {
        let other = other.clone();
        move |url: &str| -> ticket_core::UpstreamResponse {
            let json = |body: String| ticket_core::UpstreamResponse::json(200, body);
            if url == tickets_url(DOCUMENTED) {
                ok("ticketscloud/tickets_doc_example.json")
            } else if url == listing_url(listing_page_of_event) {
                json(documented_listing(|_| {}))
            } else if url == listing_url(1) || url == listing_url(2) || url == listing_url(3) {
                json(other.clone())
            } else {
                json("[]".into())
            }
        }
    };
    let (first, asked) = drive_hall_read(DOCUMENTED, None, now, upstream(2));
    let first = first.unwrap();
    assert_eq!(asked, [listing_url(1), listing_url(2), tickets_url(DOCUMENTED)], "page by page, then the tickets");
    let memo = first.memo.clone().expect("the sets are kept");

    // (case, read at, the event's listing page now, expected requests)
    let cases: Vec<(&str, i64, u32, Vec<String>)> = vec![
        ("a refresh: the tickets only", now + 5, 2, vec![tickets_url(DOCUMENTED)]),
        ("admission counts 29 s old: still the tickets only", now + 29, 2, vec![tickets_url(DOCUMENTED)]),
        (
            "admission counts 30 s old: the listing again, from the event's page",
            now + 30,
            2,
            vec![listing_url(2), tickets_url(DOCUMENTED)],
        ),
        (
            "the event moved to a later page",
            now + 30,
            4,
            vec![listing_url(2), listing_url(3), listing_url(4), tickets_url(DOCUMENTED)],
        ),
        (
            "the event moved to an earlier page: from the start",
            now + 30,
            1,
            vec![listing_url(2), listing_url(3), listing_url(4), listing_url(1), tickets_url(DOCUMENTED)],
        ),
    ];
    for (case, read_at, page, expected) in cases {
        let (outcome, asked) = drive_hall_read(DOCUMENTED, Some(&memo), read_at, upstream(page));
        let outcome = outcome.unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_eq!(asked, expected, "{case}");
        assert_eq!(outcome.hall.layout, first.hall.layout, "{case}");
    }

    // The rule in force ends: the listing is read again at that moment, even
    // for a hall without admissions.
    let ends = at("2019-07-22T20:59:00Z");
    let (_, asked) = drive_hall_read(DOCUMENTED, Some(&memo), ends - 1, upstream(2));
    assert_eq!(asked.len(), 2, "counts are old but the prices still good: listing + tickets ({asked:?})");
    let (outcome, asked) = drive_hall_read(DOCUMENTED, Some(&memo), ends, upstream(2));
    assert_eq!(asked.first(), Some(&listing_url(2)), "at the rule's end");
    assert_eq!(outcome.unwrap().hall.prices_valid_until, Some(ends + 15), "the listing still says the old rule: soon again");

    // An event gone from the listing is not found (after the whole listing).
    let (outcome, asked) = drive_hall_read(DOCUMENTED, Some(&memo), now + 30, |url| {
        if url == tickets_url(DOCUMENTED) {
            ok("ticketscloud/tickets_doc_example.json")
        } else if url == listing_url(1) {
            ticket_core::UpstreamResponse::json(200, other.clone())
        } else {
            ticket_core::UpstreamResponse::json(200, "[]")
        }
    });
    assert_eq!(outcome.err(), Some(UpstreamError::NotFound { what: MissingThing::Event }));
    assert_eq!(asked, [listing_url(2), listing_url(1), listing_url(2)]);
}

#[test]
fn a_ticket_of_a_set_the_kept_sets_lack_reads_the_listing_again() {
    let now = 1_900_000_000;
    let (first, asked) = drive_hall_read(NUTCRACKER, None, now, |url| {
        if url == listing_url(1) {
            ok("ticketscloud/events_seated_and_odd.json")
        } else {
            ok("ticketscloud/tickets_seated.json")
        }
    });
    let memo = first.unwrap().memo.unwrap();
    assert_eq!(asked.len(), 2);
    // The seated fixture names one set the listing lacks: noted, not asked about again.
    let (_, asked) = drive_hall_read(NUTCRACKER, Some(&memo), now + 1, |_| ok("ticketscloud/tickets_seated.json"));
    assert_eq!(asked, [tickets_url(NUTCRACKER)]);
    // A ticket of a set nobody has seen yet: the sets changed upstream.
    let with_new_set =
        ok("ticketscloud/tickets_seated.json").body.replacen("5b0d1580445143000114e92d", "5b0d1580445143000114e9ff", 1);
    let (outcome, asked) = drive_hall_read(NUTCRACKER, Some(&memo), now + 1, |url| {
        if url == listing_url(1) {
            ok("ticketscloud/events_seated_and_odd.json")
        } else {
            ticket_core::UpstreamResponse::json(200, with_new_set.clone())
        }
    });
    assert_eq!(asked, [tickets_url(NUTCRACKER), listing_url(1)], "the tickets answer is used once the sets are read");
    assert!(outcome.is_ok());
}
