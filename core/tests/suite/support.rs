//! Shared helpers: fixture loading, configured adapters, and one-line
//! renderings of contract values so expectations read as tables.

use ticket_contract::{EventSummary, Layout};
use ticket_core::{parse_event_id, Adapters, EventRef, Hall, UpstreamConfig, UpstreamResponse};

/// A key that must never show up in any output a test can see.
pub const TEST_KEY: &str = "test-key-MUST-NOT-LEAK-3f9a";

pub fn adapters() -> Adapters {
    Adapters::new(
        UpstreamConfig { base_url: "http://127.0.0.1:8790/qtickets/".into(), api_key: TEST_KEY.into() },
        UpstreamConfig { base_url: "https://ticketscloud.com".into(), api_key: TEST_KEY.into() },
    )
}

/// The text of `core/tests/fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("fixture {full}: {error}"))
}

/// A `200 application/json` response with the fixture as body.
pub fn ok(path: &str) -> UpstreamResponse {
    UpstreamResponse::json(200, fixture(path))
}

pub fn event(public_id: &str) -> EventRef {
    parse_event_id(public_id).unwrap_or_else(|error| panic!("{public_id}: {error}"))
}

/// `qt:12 | Title | Venue, Address, City (Zone) | show=start, … | from 104.00`
pub fn describe_event(event: &EventSummary) -> String {
    let shows: Vec<String> = event.shows.iter().map(|show| format!("{}={}", show.id, show.starts_at)).collect();
    format!(
        "{} | {} | {}, {}, {} ({}) | {} | from {}",
        event.id,
        event.title,
        event.venue.name,
        event.venue.address.as_deref().unwrap_or("-"),
        event.venue.city,
        event.venue.timezone,
        shows.join(", "),
        event.price_from.map_or("-".to_string(), |price| format_minor(price.minor)),
    )
}

pub fn format_minor(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

/// `zone-id "Name" min..max`
pub fn describe_zones(layout: &Layout) -> Vec<String> {
    layout
        .zones
        .iter()
        .map(|zone| {
            format!("{} {:?} {}..{}", zone.id, zone.name, format_minor(zone.price_min.minor), format_minor(zone.price_max.minor))
        })
        .collect()
}

/// `seat-id z<zone> r<row> p<place> @x,y price avail` in layout order.
pub fn describe_seats(hall: &Hall) -> Vec<String> {
    let flags = ticket_contract::availability_bits::decode(&hall.availability.seats_available, hall.layout.seats.len())
        .expect("availability bits decode for every seat");
    hall.layout
        .seats
        .iter()
        .zip(flags)
        .map(|(seat, available)| {
            format!(
                "{} z{} r{} p{} @{},{} {} {}",
                seat.id,
                seat.zone,
                seat.row,
                seat.place,
                seat.x,
                seat.y,
                format_minor(seat.price.minor),
                if available { "free" } else { "taken" }
            )
        })
        .collect()
}

/// `admission-id z<zone> price left=N`
pub fn describe_admissions(hall: &Hall) -> Vec<String> {
    assert_eq!(hall.layout.admissions.len(), hall.availability.admissions.len());
    hall.layout
        .admissions
        .iter()
        .zip(&hall.availability.admissions)
        .map(|(admission, left)| {
            assert_eq!(admission.id, left.id, "admission availability follows layout order");
            format!("{} z{} {} left={}", admission.id, admission.zone, format_minor(admission.price.minor), left.quantity_left)
        })
        .collect()
}

/// Invariants every hall must satisfy, whatever the provider.
pub fn assert_hall_is_consistent(hall: &Hall) {
    let layout = &hall.layout;
    assert_eq!(hall.availability.layout_version, layout.version);
    assert_eq!(hall.availability.event_id, layout.event_id);
    assert_eq!(hall.availability.show_id, layout.show_id);
    assert_eq!(layout.version, ticket_core::hall_builder::layout_version(layout), "version is the content hash");
    assert_eq!(hall.availability.seats_available.len(), layout.seats.len().div_ceil(8) * 2);
    let zone_count = layout.zones.len();
    assert!(layout.seats.iter().all(|seat| usize::from(seat.zone) < zone_count), "seat zones index zones");
    assert!(layout.admissions.iter().all(|admission| usize::from(admission.zone) < zone_count));
    for seat in &layout.seats {
        assert!(seat.x.is_finite() && seat.y.is_finite() && seat.x >= 0.0 && seat.y >= 0.0, "{seat:?}");
        assert!(seat.x <= layout.width && seat.y <= layout.height, "{seat:?} inside {}x{}", layout.width, layout.height);
        let zone = &layout.zones[usize::from(seat.zone)];
        assert!(zone.price_min <= seat.price && seat.price <= zone.price_max, "{seat:?} priced within {zone:?}");
    }
    let mut ids: Vec<&str> = layout.seats.iter().map(|seat| seat.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), layout.seats.len(), "seat ids are unique");
    let json = serde_json::to_string(layout).expect("layout serialises");
    assert!(!json.contains("null"), "no non-finite numbers serialised as null");
}
