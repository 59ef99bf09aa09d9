//! The Фетисов Арена hall for «Хоккей: Адмирал — Авангард» (QTickets event
//! 1002): 10,120 numbered seats in nine zones around a rink, sized for
//! benchmarks rather than realism of capacity. Each side of the rink has a
//! lower stand (rows 1–20) and an upper stand (rows 1–20) behind it, and a
//! row of VIP boxes sits between the lower and upper north stands. Seats are
//! 16 px apart, rows 18 px; the canvas is about 2,900 × 2,250 px.
//!
//! Wire quirks on purpose: the upper-stand zone ids are numeric strings
//! (`"15"`), the VIP zone id is a slug, and the scheme has no
//! `place_description` (`null`).

use super::hall_builder::{HallBuilder, SchemeDescription};
use crate::money::Kopecks;
use crate::qtickets::inventory::{HallLayout, WireId};

const RINK_CENTRE_X: f64 = 1500.0;
const RINK_CENTRE_Y: f64 = 1150.0;
const RINK_HALF_WIDTH: f64 = 600.0;
const RINK_HALF_HEIGHT: f64 = 300.0;
const GAP_TO_FIRST_ROW: f64 = 40.0;
const ROWS_PER_STAND: u32 = 20;
const ROW_PITCH: f64 = 18.0;
const SEAT_PITCH: f64 = 16.0;
/// Distance from the lower stand's last row to the upper stand's first.
const GAP_BETWEEN_TIERS: f64 = 60.0;

#[derive(Clone, Copy)]
enum RinkSide {
    North,
    South,
    West,
    East,
}

pub fn hall() -> HallLayout {
    let mut hall = HallBuilder::new(SchemeDescription {
        scheme_id: 312,
        scheme_name: "Фетисов Арена",
        place_name: "Фетисов Арена",
        place_address: "ул. Фадеева, 1",
        place_description: None,
    });

    let lower_tier_depth = f64::from(ROWS_PER_STAND - 1) * ROW_PITCH + GAP_BETWEEN_TIERS;
    let stands = [
        (WireId::Number(11), "Нижний ярус, Север", RinkSide::North, 0.0, 70, 3000),
        (WireId::Number(12), "Нижний ярус, Юг", RinkSide::South, 0.0, 70, 3000),
        (WireId::Number(13), "Нижний ярус, Запад", RinkSide::West, 0.0, 35, 2000),
        (WireId::Number(14), "Нижний ярус, Восток", RinkSide::East, 0.0, 35, 2000),
        (WireId::Text("15".to_owned()), "Верхний ярус, Север", RinkSide::North, lower_tier_depth, 100, 1500),
        (WireId::Text("16".to_owned()), "Верхний ярус, Юг", RinkSide::South, lower_tier_depth, 100, 1500),
        (WireId::Text("17".to_owned()), "Верхний ярус, Запад", RinkSide::West, lower_tier_depth, 45, 1000),
        (WireId::Text("18".to_owned()), "Верхний ярус, Восток", RinkSide::East, lower_tier_depth, 45, 1000),
    ];
    for (zone_id, name, side, extra_depth, places_per_row, price_roubles) in stands {
        hall.begin_zone(zone_id, name, None);
        for row in 1..=ROWS_PER_STAND {
            let depth = extra_depth + f64::from(row - 1) * ROW_PITCH;
            for place in 1..=places_per_row {
                let along = (f64::from(place) - (f64::from(places_per_row) + 1.0) / 2.0) * SEAT_PITCH;
                let coords = stand_seat(side, depth, along);
                hall.numbered_seat(row, place, coords, Kopecks::from_roubles(price_roubles));
            }
        }
    }

    hall.begin_zone(WireId::Text("vip-lozhi".to_owned()), "VIP-ложи", Some("Ложи между ярусами"));
    let lower_north_last_row_y = RINK_CENTRE_Y - RINK_HALF_HEIGHT - GAP_TO_FIRST_ROW - f64::from(ROWS_PER_STAND - 1) * ROW_PITCH;
    for row in 1..=2u32 {
        let y = lower_north_last_row_y - 20.0 * f64::from(row);
        for place in 1..=60u32 {
            let x = RINK_CENTRE_X + (f64::from(place) - 30.5) * SEAT_PITCH;
            // 7500.5: another fractional price.
            hall.numbered_seat(row, place, [x, y], Kopecks(750_050));
        }
    }

    hall.finish()
}

/// A seat `depth` px behind a stand's first row and `along` px from the
/// middle of the rink side it faces.
fn stand_seat(side: RinkSide, depth: f64, along: f64) -> [f64; 2] {
    let (cx, cy) = (RINK_CENTRE_X, RINK_CENTRE_Y);
    let vertical_offset = RINK_HALF_HEIGHT + GAP_TO_FIRST_ROW + depth;
    let horizontal_offset = RINK_HALF_WIDTH + GAP_TO_FIRST_ROW + depth;
    match side {
        RinkSide::North => [cx + along, cy - vertical_offset],
        RinkSide::South => [cx - along, cy + vertical_offset],
        RinkSide::West => [cx - horizontal_offset, cy - along],
        RinkSide::East => [cx + horizontal_offset, cy + along],
    }
}
