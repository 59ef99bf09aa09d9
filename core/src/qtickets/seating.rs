//! QTickets `events/seats/{event_id}/{show_id}` → layout + availability.
//!
//! One answer carries everything: zones, seats with `coords`, prices, the
//! `available` flag, admissions (`admission: true` + `free_quantity`) and
//! `last_update_hash`. The parser accepts the documented arrays and the live
//! report's objects keyed by id (under `zones` or `data`), and decides every
//! missing field explicitly:
//! - no `seat_id`: the seat is skipped (we could not hold it anyway);
//! - no `available`: not available;
//! - no `price`: listed at 0 and never available (we cannot sell it unpriced),
//!   for seats and admissions alike;
//! - `price: 0` (the document's own example has whole zones so): listed at 0
//!   and as available as the upstream says — a *free* place, which the
//!   show's owner publishes off sale except to partners that allow free
//!   places (`crate::free_places`);
//! - no `row` / `place`: empty text;
//! - a seated seat without `coords`: still listed, at a generated position
//!   (see `place_seats`); admissions need no position;
//! - an admission without `free_quantity` (or not `available`): 0 left.
//!
//! Upstream coordinates are translated so the plan starts at the layout margin.

use ticket_contract::{Geometry, Label};

use super::wire::{QticketsSeat, QticketsSeatsDocument};
use super::{check_http_status, check_status_fields, read_object, unreadable};
use crate::generated_plan::{generate_plan, PlanSeat, SEAT_PITCH};
use crate::hall_builder::{tidy_coordinate, HallDraft, PlacedSeat, LAYOUT_MARGIN};
use crate::ids::EventRef;
use crate::provider::Hall;
use crate::upstream::{UpstreamError, UpstreamResponse};

/// Coordinates beyond this are treated as missing.
const MAX_COORDINATE: f64 = 1_000_000.0;

/// A seated place read from the answer, before positioning.
struct SeatReading {
    id: String,
    zone_index: usize,
    zone_id: String,
    row: String,
    place: String,
    coords: Option<(f64, f64)>,
    price_minor: i64,
    available: bool,
}

pub fn parse_seats(event: &EventRef, show_id: &str, response: &UpstreamResponse) -> Result<Hall, UpstreamError> {
    check_http_status(response)?;
    let document: QticketsSeatsDocument = read_object(&response.body, "seat listing")?;
    check_status_fields(&document.status, &document.code)?;
    let zones = if document.zones.was_a_collection {
        document.zones.items
    } else if document.data.was_a_collection {
        document.data.items
    } else {
        return Err(unreadable("seat listing has no `zones`"));
    };

    let mut draft = HallDraft::new(event.public_id(), show_id.to_string());
    let mut seated: Vec<SeatReading> = Vec::new();
    let mut zone_names: Vec<String> = Vec::new();
    for (zone_position, zone) in zones.iter().enumerate() {
        let zone_id = zone.zone_id.as_text().unwrap_or_else(|| format!("zone-{}", zone_position + 1));
        let zone_name = zone.name.as_text().unwrap_or_else(|| zone_id.clone());
        draft.declare_zone(&zone_id, &zone_name);
        zone_names.push(zone_name);
        for seat in &zone.seats.items {
            let Some(seat_id) = seat.seat_id.as_text() else { continue };
            let price_minor = seat.price.as_minor_units().filter(|price| *price >= 0);
            let available = seat.available.as_flag().unwrap_or(false) && price_minor.is_some();
            if seat.admission.as_flag().unwrap_or(false) {
                let quantity_left = if available { free_quantity(seat) } else { 0 };
                draft.add_admission(&seat_id, &zone_id, price_minor.unwrap_or(0), quantity_left);
            } else {
                seated.push(SeatReading {
                    id: seat_id,
                    zone_index: zone_position,
                    zone_id: zone_id.clone(),
                    row: seat.row.as_text().unwrap_or_default(),
                    place: seat.place.as_text().unwrap_or_default(),
                    // Absurd coordinates would overflow the layout; treat them as missing.
                    coords: seat.coords.0.filter(|(x, y)| x.abs() <= MAX_COORDINATE && y.abs() <= MAX_COORDINATE),
                    price_minor: price_minor.unwrap_or(0),
                    available,
                });
            }
        }
    }

    let (positions, labels, geometry) = place_seats(&seated, &zone_names);
    for (reading, (x, y)) in seated.into_iter().zip(positions) {
        draft.add_seat(PlacedSeat {
            id: reading.id,
            zone_id: reading.zone_id,
            row: reading.row,
            place: reading.place,
            x,
            y,
            price_minor: reading.price_minor,
            available: reading.available,
        });
    }
    draft.finish(geometry, labels, document.last_update_hash.as_text())
}

fn free_quantity(seat: &QticketsSeat) -> u32 {
    seat.free_quantity.as_count().map_or(0, |count| u32::try_from(count).unwrap_or(u32::MAX))
}

/// Positions for `seated` (same order).
///
/// - Every seat has `coords` (the normal case): upstream geometry, translated
///   so the smallest x and y sit at the margin.
/// - None has: a generated plan, one block per zone, captioned with its name.
/// - Some lack them: those are lined up in rows of at most 40 under the
///   upstream plan, one seat pitch apart. They are sellable seats and must be
///   pickable, even if their true place in the hall is unknown.
fn place_seats(seated: &[SeatReading], zone_names: &[String]) -> (Vec<(f32, f32)>, Vec<Label>, Geometry) {
    let with_coords: Vec<(f64, f64)> = seated.iter().filter_map(|seat| seat.coords).collect();
    if with_coords.is_empty() && !seated.is_empty() {
        let plan_seats: Vec<PlanSeat<'_>> =
            seated.iter().map(|seat| PlanSeat { block: seat.zone_index, row: &seat.row, place: &seat.place }).collect();
        let plan = generate_plan(zone_names, &plan_seats);
        // The plan's reading order is not needed here: QTickets seat order is kept.
        return (plan.positions, plan.labels, Geometry::Generated);
    }
    let min_x = with_coords.iter().map(|(x, _)| *x).fold(f64::INFINITY, f64::min);
    let min_y = with_coords.iter().map(|(_, y)| *y).fold(f64::INFINITY, f64::min);
    let max_y = with_coords.iter().map(|(_, y)| *y).fold(f64::NEG_INFINITY, f64::max);
    let margin = f64::from(LAYOUT_MARGIN);
    let pitch = f64::from(SEAT_PITCH);
    let strip_top = (max_y - min_y) + margin + 2.0 * pitch;
    let mut missing_so_far = 0usize;
    let positions = seated
        .iter()
        .map(|seat| match seat.coords {
            Some((x, y)) => (tidy_coordinate(x - min_x + margin), tidy_coordinate(y - min_y + margin)),
            None => {
                let (strip_row, strip_column) = (missing_so_far / 40, missing_so_far % 40);
                missing_so_far += 1;
                (tidy_coordinate(margin + strip_column as f64 * pitch), tidy_coordinate(strip_top + strip_row as f64 * pitch))
            }
        })
        .collect();
    (positions, Vec::new(), Geometry::Upstream)
}
