//! Turns an adapter's seat list into the contract's layout + availability pair.
//!
//! Both adapters end the same way: zones indexed and priced from their seats,
//! duplicate seat ids dropped (one bit per seat must mean one seat), the
//! layout's size taken from its coordinates, its `version` hashed from
//! everything *except* availability, and the availability bits written in the
//! layout's seat order. Doing that once here keeps the two adapters about
//! their upstreams only.

use std::collections::{HashMap, HashSet};

use ticket_contract::{
    availability_bits, Admission, AdmissionAvailability, Availability, Geometry, Label, Layout, Money, Seat, Zone,
};

use crate::fingerprint::fnv1a_64_hex;
use crate::provider::Hall;
use crate::upstream::UpstreamError;

/// Empty space around the outermost seats and labels, in layout units.
pub const LAYOUT_MARGIN: f32 = 24.0;

/// A seat with its final position (already translated so that the plan starts
/// at [`LAYOUT_MARGIN`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedSeat {
    pub id: String,
    pub zone_id: String,
    pub row: String,
    pub place: String,
    pub x: f32,
    pub y: f32,
    pub price_minor: i64,
    pub available: bool,
}

#[derive(Debug)]
struct ZoneDraft {
    id: String,
    name: String,
    price_min: Option<i64>,
    price_max: Option<i64>,
}

#[derive(Debug)]
struct AdmissionDraft {
    id: String,
    zone: usize,
    price_minor: i64,
    quantity_left: u32,
}

/// Collects zones, seats and admissions, then [`HallDraft::finish`]es them.
#[derive(Debug)]
pub struct HallDraft {
    event_id: String,
    show_id: String,
    zones: Vec<ZoneDraft>,
    zone_by_id: HashMap<String, usize>,
    seats: Vec<(usize, PlacedSeat)>,
    seat_ids: HashSet<String>,
    admissions: Vec<AdmissionDraft>,
    admission_ids: HashSet<String>,
    accepts_promocodes: bool,
}

impl HallDraft {
    /// `event_id` is the public (prefixed) id, `show_id` the provider-local one.
    pub fn new(event_id: String, show_id: String) -> HallDraft {
        HallDraft {
            event_id,
            show_id,
            zones: Vec::new(),
            zone_by_id: HashMap::new(),
            seats: Vec::new(),
            seat_ids: HashSet::new(),
            admissions: Vec::new(),
            admission_ids: HashSet::new(),
            accepts_promocodes: false,
        }
    }

    /// Holds for this hall take promo codes (the layout's `accepts_promocodes`).
    pub fn accept_promocodes(&mut self) {
        self.accepts_promocodes = true;
    }

    /// Declares a zone (first declaration wins) and returns its draft index.
    /// Zones that end up with no seat and no admission are left out.
    pub fn declare_zone(&mut self, id: &str, name: &str) -> usize {
        if let Some(&index) = self.zone_by_id.get(id) {
            return index;
        }
        let index = self.zones.len();
        self.zones.push(ZoneDraft { id: id.to_string(), name: name.to_string(), price_min: None, price_max: None });
        self.zone_by_id.insert(id.to_string(), index);
        index
    }

    /// Adds a seat; returns `false` (and drops it) when its id was seen before.
    pub fn add_seat(&mut self, seat: PlacedSeat) -> bool {
        if !self.seat_ids.insert(seat.id.clone()) {
            return false;
        }
        let zone = self.declare_zone(&seat.zone_id.clone(), &seat.zone_id.clone());
        self.note_price(zone, seat.price_minor);
        self.seats.push((zone, seat));
        true
    }

    /// Adds a general-admission entry; returns `false` when its id was seen before.
    pub fn add_admission(&mut self, id: &str, zone_id: &str, price_minor: i64, quantity_left: u32) -> bool {
        if !self.admission_ids.insert(id.to_string()) {
            return false;
        }
        let zone = self.declare_zone(zone_id, zone_id);
        self.note_price(zone, price_minor);
        self.admissions.push(AdmissionDraft { id: id.to_string(), zone, price_minor, quantity_left });
        true
    }

    pub fn seat_count(&self) -> usize {
        self.seats.len()
    }

    fn note_price(&mut self, zone: usize, price_minor: i64) {
        let draft = &mut self.zones[zone];
        draft.price_min = Some(draft.price_min.map_or(price_minor, |known| known.min(price_minor)));
        draft.price_max = Some(draft.price_max.map_or(price_minor, |known| known.max(price_minor)));
    }

    /// Builds the layout (size from seat and label positions plus margin,
    /// version from its content) and the matching availability.
    pub fn finish(self, geometry: Geometry, labels: Vec<Label>, upstream_version: Option<String>) -> Result<Hall, UpstreamError> {
        let mut final_index_of_draft: Vec<Option<u16>> = vec![None; self.zones.len()];
        let mut zones = Vec::new();
        for (draft_index, draft) in self.zones.into_iter().enumerate() {
            let (Some(price_min), Some(price_max)) = (draft.price_min, draft.price_max) else { continue };
            let final_index = u16::try_from(zones.len())
                .map_err(|_| UpstreamError::BadResponse { what: "more than 65535 zones".to_string() })?;
            final_index_of_draft[draft_index] = Some(final_index);
            zones.push(Zone {
                id: draft.id,
                name: draft.name,
                price_min: Money::rub_minor(price_min),
                price_max: Money::rub_minor(price_max),
            });
        }
        // Every seat and admission priced its zone, so the lookups below hit.
        let zone_of = |draft_index: usize| final_index_of_draft[draft_index].unwrap_or(0);

        let mut seat_flags = Vec::with_capacity(self.seats.len());
        let mut seats = Vec::with_capacity(self.seats.len());
        let mut width: f32 = 0.0;
        let mut height: f32 = 0.0;
        for (zone, placed) in self.seats {
            width = width.max(placed.x + LAYOUT_MARGIN);
            height = height.max(placed.y + LAYOUT_MARGIN);
            seat_flags.push(placed.available);
            seats.push(Seat {
                id: placed.id,
                zone: zone_of(zone),
                row: placed.row,
                place: placed.place,
                x: placed.x,
                y: placed.y,
                price: Money::rub_minor(placed.price_minor),
            });
        }
        for label in &labels {
            width = width.max(label.x + LAYOUT_MARGIN);
            height = height.max(label.y + LAYOUT_MARGIN);
        }
        let mut admissions = Vec::with_capacity(self.admissions.len());
        let mut admission_counts = Vec::with_capacity(self.admissions.len());
        for draft in self.admissions {
            admission_counts.push(AdmissionAvailability { id: draft.id.clone(), quantity_left: draft.quantity_left });
            admissions.push(Admission { id: draft.id, zone: zone_of(draft.zone), price: Money::rub_minor(draft.price_minor) });
        }
        let mut layout = Layout {
            event_id: self.event_id,
            show_id: self.show_id,
            version: String::new(),
            width,
            height,
            geometry,
            zones,
            seats,
            admissions,
            labels,
            accepts_promocodes: self.accepts_promocodes,
        };
        layout.version = layout_version(&layout);
        let availability = Availability {
            event_id: layout.event_id.clone(),
            show_id: layout.show_id.clone(),
            layout_version: layout.version.clone(),
            seats_available: availability_bits::encode(&seat_flags),
            admissions: admission_counts,
            revision: 0,
            stale: false,
        };
        Ok(Hall { layout, availability, upstream_version, prices_valid_until: None })
    }
}

/// A stable hash of everything in a layout except its own `version`: geometry,
/// zones, seat order and prices. Availability is not part of a layout, so a
/// seat being sold never changes the version.
pub fn layout_version(layout: &Layout) -> String {
    let mut unversioned = layout.clone();
    unversioned.version = String::new();
    // Serialising plain data structs into a Vec cannot fail; an empty body
    // would still give a (constant) version rather than a panic.
    let bytes = serde_json::to_vec(&unversioned).unwrap_or_default();
    fnv1a_64_hex(&bytes)
}

/// Rounds a coordinate to a tenth of a unit, so float noise does not change
/// layout versions.
pub fn tidy_coordinate(value: f64) -> f32 {
    ((value * 10.0).round() / 10.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(id: &str, zone: &str, x: f32, price: i64, available: bool) -> PlacedSeat {
        PlacedSeat {
            id: id.into(),
            zone_id: zone.into(),
            row: "1".into(),
            place: id.into(),
            x,
            y: LAYOUT_MARGIN,
            price_minor: price,
            available,
        }
    }

    #[test]
    fn indexes_prices_and_versions_zones_without_availability() {
        let build = |first_available: bool| {
            let mut draft = HallDraft::new("qt:1".into(), "2".into());
            draft.declare_zone("empty", "Never used");
            draft.declare_zone("b", "Balcony");
            assert!(draft.add_seat(seat("s1", "b", 24.0, 100, first_available)));
            assert!(draft.add_seat(seat("s2", "b", 48.0, 300, false)));
            assert!(!draft.add_seat(seat("s2", "b", 72.0, 900, true)), "duplicate id dropped");
            assert!(draft.add_admission("ga", "floor", 50_000, 7));
            draft.finish(Geometry::Upstream, vec![], Some("hash".into())).unwrap()
        };
        let hall = build(true);
        let zones: Vec<(&str, i64, i64)> =
            hall.layout.zones.iter().map(|zone| (zone.id.as_str(), zone.price_min.minor, zone.price_max.minor)).collect();
        assert_eq!(zones, [("b", 100, 300), ("floor", 50_000, 50_000)]);
        assert_eq!(hall.layout.seats.len(), 2);
        assert_eq!(hall.layout.admissions[0].zone, 1);
        assert_eq!(hall.availability.seats_available, "80");
        assert_eq!(hall.availability.admissions[0].quantity_left, 7);
        assert_eq!(hall.layout.width, 48.0 + LAYOUT_MARGIN);
        assert_eq!(hall.availability.layout_version, hall.layout.version);
        assert_eq!(hall.layout.version, layout_version(&hall.layout));
        let sold_out = build(false);
        assert_eq!(sold_out.layout.version, hall.layout.version, "availability does not change the version");
        assert_eq!(sold_out.availability.seats_available, "00");
    }
}
