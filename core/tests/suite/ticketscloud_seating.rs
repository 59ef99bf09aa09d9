//! TicketsCloud sets + ticket listing fixtures → layout + availability on a
//! generated plan: one block per sector, captions, statuses, admissions.

use std::collections::HashSet;

use ticket_contract::Geometry;
use ticket_core::{MissingThing, ProviderAdapter, UpstreamError};

use super::support::{adapters, assert_hall_is_consistent, describe_admissions, describe_seats, describe_zones, event, ok};

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
