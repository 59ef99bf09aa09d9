//! QTickets `events/seats` fixtures → layout + availability: documented
//! arrays, the live report's objects keyed by id, fractional prices,
//! admissions, and every missing field decided explicitly.

use ticket_contract::{Geometry, Money};
use ticket_core::ProviderAdapter;

use super::support::{adapters, assert_hall_is_consistent, describe_admissions, describe_seats, describe_zones, event, ok};

#[test]
fn the_documented_seat_listing() {
    let hall = adapters().qtickets.parse_seating(&event("qt:12"), "21", &[ok("qtickets/seats_doc_example.json")]).unwrap();
    assert_hall_is_consistent(&hall);
    assert_eq!(
        describe_zones(&hall.layout),
        [
            "7 \"Supervip right\" 0.00..0.00",
            "6 \"VIP right 2\" 0.00..0.00",
            "3 \"Танцевальный партер\" 300.00..300.00",
            "1 \"VIP 3\" 100.00..1234.00",
        ]
    );
    // Coordinates translated so the plan starts at the 24-unit margin.
    assert_eq!(
        describe_seats(&hall),
        [
            "7-1;8 z0 r1 p8 @249,864 0.00 free",
            "7-1;7 z0 r1 p7 @265,850 0.00 free",
            "7-1;6 z0 r1 p6 @282,836 0.00 free",
            "7-1;5 z0 r1 p5 @299,822 0.00 free",
            "7-1;4 z0 r1 p4 @315,808 0.00 free",
            "7-1;3 z0 r1 p3 @332,794 0.00 free",
            "6-1;52 z1 r1 p52 @24,487 0.00 free",
            "6-1;53 z1 r1 p53 @40,501 0.00 free",
            "6-1;51 z1 r1 p51 @24,466 0.00 free",
            "6-1;50 z1 r1 p50 @40,452 0.00 free",
            "6-1;49 z1 r1 p49 @57,438 0.00 free",
            "6-1;48 z1 r1 p48 @74,424 0.00 free",
            "6-1;47 z1 r1 p47 @91,410 0.00 free",
            "1-1;3 z3 r1 p3 @998,24 1234.00 free",
            "1-1;2 z3 r1 p2 @1018,24 100.00 free",
        ]
    );
    assert_eq!(describe_admissions(&hall), ["3-1;1 z2 300.00 left=14"]);
    assert_eq!(hall.availability.seats_available, "fffe");
    assert_eq!((hall.layout.width, hall.layout.height), (1042.0, 888.0));
    assert_eq!(hall.layout.geometry, Geometry::Upstream);
    assert!(hall.layout.labels.is_empty());
    assert_eq!(hall.layout.event_id, "qt:12");
    assert_eq!(hall.layout.show_id, "21");
    assert_eq!(hall.upstream_version.as_deref(), Some("2f030832e2eb309b811dc9675df611273aefe618"));
}

#[test]
fn lowest_price_on_sale_skips_free_placeholders_and_sold_seats() {
    let mut hall = adapters().qtickets.parse_seating(&event("qt:12"), "21", &[ok("qtickets/seats_doc_example.json")]).unwrap();
    // 0.00 seats are price placeholders, not free tickets; 100.00 is the cheapest real seat.
    assert_eq!(hall.lowest_price_on_sale(), Some(Money::rub_minor(10_000)));
    // Every seat sold: the dance floor's admission (300.00) is what is left.
    hall.availability.seats_available = "0000".into();
    assert_eq!(hall.lowest_price_on_sale(), Some(Money::rub_minor(30_000)));
    hall.availability.admissions[0].quantity_left = 0;
    assert_eq!(hall.lowest_price_on_sale(), None);
}

#[test]
fn objects_keyed_by_id_string_ids_fractional_prices_and_missing_fields() {
    let hall = adapters().qtickets.parse_seating(&event("qt:12"), "21", &[ok("qtickets/seats_object_keyed.json")]).unwrap();
    assert_hall_is_consistent(&hall);
    // Empty and malformed zones are left out; prices in kopecks, rounded
    // half away from zero (0.285 → 29, "99.995" → 10000).
    assert_eq!(describe_zones(&hall.layout), ["7 \"Партер\" 0.00..1500.50", "3 \"Танцпол\" 2000.00..2500.00"]);
    assert_eq!(
        describe_seats(&hall),
        [
            "7-1;1 z0 r1 p1 @24,24 1500.50 free",
            // coords and `available` as strings.
            "7-1;2 z0 r1 p2 @44,24 100.00 free",
            // coords as {x, y}; no `available` → taken.
            "7-1;3 z0 r1 p3 @64,24 0.29 taken",
            // No coords: listed under the plan (generated position).
            "7-1;4 z0 r1 p4 @24,102.3 1000.00 free",
            // No price: listed at 0, never sellable.
            "7-1;5 z0 r1 p5 @104,24 0.00 taken",
            // Numeric seat id, `available: 0`, fractional coordinate.
            "7001 z0 r1 p7 @144,54.3 1000.00 taken",
        ]
    );
    assert_eq!(
        describe_admissions(&hall),
        ["3-1;1 z1 2500.00 left=25", "3-1;2 z1 2000.00 left=0"],
        "free_quantity as text; missing free_quantity means none left"
    );
    assert_eq!(hall.availability.seats_available, "d0");
    assert_eq!(hall.layout.geometry, Geometry::Upstream);
    assert_eq!(hall.upstream_version.as_deref(), Some("f00d"));
}

#[test]
fn the_live_report_shape_under_data() {
    let hall = adapters().qtickets.parse_seating(&event("qt:24089"), "152887", &[ok("qtickets/seats_live_report.json")]).unwrap();
    assert_hall_is_consistent(&hall);
    assert_eq!(describe_zones(&hall.layout), ["vzroslyj-bilet-v-budni \"Детский билет (будни)\" 0.00..0.00"]);
    assert!(hall.layout.seats.is_empty());
    // No price, no `available`, no `free_quantity`: shown, but not sellable.
    assert_eq!(describe_admissions(&hall), ["vzroslyj-bilet-v-budni-1;1 z0 0.00 left=0"]);
    assert_eq!(hall.availability.seats_available, "");
    assert_eq!(hall.upstream_version, None);
}

#[test]
fn array_and_keyed_forms_of_one_hall_give_the_same_layout() {
    let adapters = adapters();
    let from_array =
        adapters.qtickets.parse_seating(&event("qt:1001"), "2001", &[ok("qtickets/sim_seats_array_trimmed.json")]).unwrap();
    let from_keyed =
        adapters.qtickets.parse_seating(&event("qt:1001"), "2001", &[ok("qtickets/sim_seats_keyed_trimmed.json")]).unwrap();
    assert_hall_is_consistent(&from_array);
    assert_hall_is_consistent(&from_keyed);
    assert_eq!(from_array.layout, from_keyed.layout, "same geometry, zones, prices and version");
    assert_eq!(from_array.layout.seats.len(), 20);
    assert_eq!(describe_zones(&from_array.layout)[1], "2 \"Партер\" 3500.50..3500.50");
    assert_ne!(from_array.upstream_version, from_keyed.upstream_version, "the shows differ in sales");
}

#[test]
fn a_hall_without_any_coordinates_gets_a_generated_plan() {
    let body = r#"{"zones":[
        {"zone_id":1,"name":"Партер","seats":[
            {"seat_id":"1-2;1","available":true,"row":2,"place":1,"price":500},
            {"seat_id":"1-1;2","available":true,"row":1,"place":2,"price":500},
            {"seat_id":"1-1;1","available":false,"row":1,"place":1,"price":500}]},
        {"zone_id":2,"name":"Балкон","seats":[
            {"seat_id":"2-1;1","available":true,"row":1,"place":1,"price":300}]}]}"#;
    let response = ticket_core::UpstreamResponse::json(200, body);
    let hall = adapters().qtickets.parse_seating(&event("qt:5"), "6", &[response]).unwrap();
    assert_hall_is_consistent(&hall);
    assert_eq!(hall.layout.geometry, Geometry::Generated);
    let labels: Vec<&str> = hall.layout.labels.iter().map(|label| label.text.as_str()).collect();
    assert_eq!(labels, ["Партер", "Балкон"]);
    // Upstream seat order is kept (availability bits follow it); positions
    // follow rows and numbers.
    assert_eq!(
        describe_seats(&hall),
        [
            "1-2;1 z0 r2 p1 @36,88 500.00 free",
            "1-1;2 z0 r1 p2 @48,60 500.00 free",
            "1-1;1 z0 r1 p1 @24,60 500.00 taken",
            "2-1;1 z1 r1 p1 @104,60 300.00 free",
        ]
    );
}

#[test]
fn the_layout_version_ignores_availability_but_not_prices() {
    let adapters = adapters();
    let parse = |body: String| {
        adapters.qtickets.parse_seating(&event("qt:12"), "21", &[ticket_core::UpstreamResponse::json(200, body)]).unwrap()
    };
    let original = ok("qtickets/seats_doc_example.json").body;
    let baseline = parse(original.clone());
    let sold = parse(original.replacen("\"available\": true", "\"available\": false", 3));
    let repriced = parse(original.replacen("\"price\": 1234", "\"price\": 1235", 1));
    let moved = parse(original.replacen("1052", "1060", 1));
    assert_eq!(sold.layout.version, baseline.layout.version);
    assert_ne!(sold.availability.seats_available, baseline.availability.seats_available);
    assert_ne!(repriced.layout.version, baseline.layout.version);
    assert_ne!(moved.layout.version, baseline.layout.version);
}
