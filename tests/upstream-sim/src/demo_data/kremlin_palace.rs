//! The Кремлёвский дворец hall for «Щелкунчик» (QTickets event 1001): 2,184
//! numbered seats in six zones at five prices, plus a general-admission
//! «Танцевальный партер» in front of the stage. Pixel coordinates sketch a
//! real auditorium (stage at the top, y grows towards the back):
//!
//! * stalls («Партер VIP» rows 1–10, «Партер» rows 11–24) on concentric arcs
//!   fanning out from the stage, 28 + 2·row seats a row (30 to 76), 20 px apart;
//! * two side balconies, 3 rows × 50 seats along the walls;
//! * an amphitheatre, 10 straight rows × 60 seats behind the stalls;
//! * «Supervip» (zone 7), a box of 2 rows × 6 seats left of the stage, all
//!   `available: true` at `price: 0`, as the document's own `events/seats`
//!   example has its "Supervip right" zone (l.130–200).
//!
//! The canvas is about 1,800 × 1,350 px.

use super::hall_builder::{HallBuilder, SchemeDescription};
use crate::money::Kopecks;
use crate::qtickets::inventory::{HallLayout, WireId};

const CENTRE_X: f64 = 900.0;
/// The stalls' arcs are centred above the stage, off canvas.
const FAN_CENTRE_Y: f64 = -600.0;
const FIRST_ARC_RADIUS: f64 = 930.0;
const ROW_PITCH: f64 = 30.0;
const SEAT_PITCH: f64 = 20.0;
/// The zone of seats priced 0 (`"7-<row>;<place>"`).
pub const SUPERVIP_ZONE_ID: u64 = 7;

pub fn hall() -> HallLayout {
    let mut hall = HallBuilder::new(SchemeDescription {
        scheme_id: 48,
        scheme_name: "Кремлёвский дворец",
        place_name: "Кремлёвский дворец",
        place_address: "ул. Воздвиженка, 1",
        place_description: Some("м. Библиотека им. Ленина, Александровский сад, Боровицкая"),
    });

    hall.begin_zone(WireId::Number(1), "Партер VIP", Some("Ряды 1–10"));
    for row in 1..=10 {
        stalls_row(&mut hall, row, Kopecks::from_roubles(5000));
    }
    hall.begin_zone(WireId::Number(2), "Партер", Some("Ряды 11–24"));
    for row in 11..=24 {
        // 3500.5: QTickets prices are not always whole roubles.
        stalls_row(&mut hall, row, Kopecks(350_050));
    }

    for (zone_id, name, front_row_x, step_outwards) in
        [(3, "Балкон левый", 100.0, -ROW_PITCH), (4, "Балкон правый", 1700.0, ROW_PITCH)]
    {
        hall.begin_zone(WireId::Number(zone_id), name, None);
        for row in 1..=3u32 {
            let x = front_row_x + f64::from(row - 1) * step_outwards;
            for place in 1..=50u32 {
                let y = 330.0 + f64::from(place - 1) * SEAT_PITCH;
                hall.numbered_seat(row, place, [x, y], Kopecks::from_roubles(2500));
            }
        }
    }

    hall.begin_zone(WireId::Number(5), "Амфитеатр", None);
    for row in 1..=10u32 {
        let y = 1080.0 + f64::from(row - 1) * 28.0;
        for place in 1..=60u32 {
            let x = CENTRE_X + (f64::from(place) - 30.5) * 24.0;
            hall.numbered_seat(row, place, [x, y], Kopecks::from_roubles(1500));
        }
    }

    // A slug id, like the admission zone in the live report.
    hall.begin_zone(WireId::Text("tancevalnyj-parter".to_owned()), "Танцевальный партер", Some("Стоячие места у сцены"));
    hall.admission_seat([CENTRE_X, 200.0], Kopecks::from_roubles(2000));

    // Priced 0, like the document's example: free places, which the proxy
    // sells only for partners that allow them.
    hall.begin_zone(WireId::Number(SUPERVIP_ZONE_ID), "Supervip", Some("Ложа у сцены"));
    for row in 1..=2u32 {
        for place in 1..=6u32 {
            let coords = [300.0 + f64::from(place - 1) * SEAT_PITCH, 230.0 + f64::from(row - 1) * SEAT_PITCH];
            hall.numbered_seat(row, place, coords, Kopecks(0));
        }
    }

    hall.finish()
}

/// One arc of the stalls, places numbered left to right.
fn stalls_row(hall: &mut HallBuilder, row: u32, price: Kopecks) {
    let radius = FIRST_ARC_RADIUS + f64::from(row - 1) * ROW_PITCH;
    let places = 28 + 2 * row;
    let angle_per_seat = SEAT_PITCH / radius;
    for place in 1..=places {
        let angle = (f64::from(place) - (f64::from(places) + 1.0) / 2.0) * angle_per_seat;
        let coords = [CENTRE_X + radius * angle.sin(), FAN_CENTRE_Y + radius * angle.cos()];
        hall.numbered_seat(row, place, coords, price);
    }
}
