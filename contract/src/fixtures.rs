//! Small hand-made halls for tests in every crate (feature `fixtures`, only
//! ever a dev-dependency): one place builds a `Layout`, so a field added to
//! the contract is added here once, not in every test module.

use crate::{Admission, Geometry, Layout, Money, Seat, Zone};

/// A zone whose places all cost `price_minor` kopecks.
pub fn zone(id: &str, name: &str, price_minor: i64) -> Zone {
    Zone { id: id.into(), name: name.into(), price_min: Money::rub_minor(price_minor), price_max: Money::rub_minor(price_minor) }
}

/// A seat of zone index `zone` at `(x, y)`.
pub fn seat(id: &str, zone: u16, row: &str, place: &str, (x, y): (f32, f32), price_minor: i64) -> Seat {
    Seat { id: id.into(), zone, row: row.into(), place: place.into(), x, y, price: Money::rub_minor(price_minor) }
}

/// A general-admission entry of zone index `zone`.
pub fn admission(id: &str, zone: u16, price_minor: i64) -> Admission {
    Admission { id: id.into(), zone, price: Money::rub_minor(price_minor) }
}

/// A hall of show `1` of event `qt:1`, layout version `v1`, 1000 × 1000,
/// drawn by the upstream; no admissions, captions or promo codes (set them
/// with struct update syntax).
pub fn layout(zones: Vec<Zone>, seats: Vec<Seat>) -> Layout {
    Layout {
        event_id: "qt:1".into(),
        show_id: "1".into(),
        version: "v1".into(),
        width: 1000.0,
        height: 1000.0,
        geometry: Geometry::Upstream,
        zones,
        seats,
        admissions: Vec::new(),
        labels: Vec::new(),
        accepts_promocodes: false,
    }
}
