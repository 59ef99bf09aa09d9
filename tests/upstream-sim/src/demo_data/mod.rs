//! The seeded demo inventory both providers start with (and return to on
//! `POST /_sim/reset`). Russian names as real data has, dates in 2027, and no
//! randomness from the OS: "about 10% sold" comes from a fixed-seed PRNG, so
//! the same seat is sold on every machine.
//!
//! QTickets: event 1001 «Щелкунчик» (Кремлёвский дворец, two shows; 2002 is the
//! show with the object-keyed quirk) and event 1002 «Хоккей: Адмирал — Авангард»
//! (Фетисов Арена, one 10,000+ seat show for benchmarks). TicketsCloud:
//! «Лебединое озеро» (seated + general admission) and «Джазовый вечер»
//! (general admission only), whose promo codes are `SALE10` (10 % off),
//! `JAZZ2025` (expired), `FIRST50` (used up) and `GROUP5` (from 5 tickets).

mod fetisov_arena;
mod hall_builder;
mod kremlin_palace;
mod ticketscloud_events;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::prng::DeterministicRandom;
use crate::qtickets::inventory::{
    HallLayout, QticketsCity, QticketsEvent, QticketsInventory, QticketsShow, RepeatedExternalId, SeatInventory, SeatKind,
    SeatStatus, ShowWireQuirks,
};
use crate::ticketscloud::inventory::TicketscloudInventory;

pub use ticketscloud_events::{
    JAZZ_EVENING_EVENT_ID, JAZZ_GENERAL_ADMISSION_SET_ID, SWAN_LAKE_BELETAGE_SECTOR_ID, SWAN_LAKE_BELETAGE_SET_ID,
    SWAN_LAKE_EVENT_ID, SWAN_LAKE_GENERAL_ADMISSION_SET_ID, SWAN_LAKE_PARTERRE_SECTOR_ID, SWAN_LAKE_PARTERRE_SET_ID,
    SWAN_LAKE_PARTERRE_VIP_SET_ID,
};

pub const NUTCRACKER_EVENT_ID: u64 = 1001;
pub const NUTCRACKER_EVENING_SHOW_ID: u64 = 2001;
/// The show whose `events/seats` answer has zones and seats as objects keyed
/// by id, and `event_id` / `show_id` as strings.
pub const NUTCRACKER_MATINEE_SHOW_ID: u64 = 2002;
pub const HOCKEY_EVENT_ID: u64 = 1002;
pub const HOCKEY_SHOW_ID: u64 = 2003;

/// Share of numbered QTickets seats seeded as already sold.
pub const SEEDED_SOLD_PERCENT: u64 = 10;

pub fn seeded_qtickets_inventory() -> QticketsInventory {
    let moscow =
        QticketsCity { id: 2, name: "Москва".to_owned(), timezone: "Europe/Moscow".to_owned(), coords: [55.7558, 37.6176] };
    let vladivostok = QticketsCity {
        id: 17,
        name: "Владивосток".to_owned(),
        timezone: "Asia/Vladivostok".to_owned(),
        coords: [43.1155, 131.8855],
    };
    let kremlin_palace = Arc::new(kremlin_palace::hall());
    let fetisov_arena = Arc::new(fetisov_arena::hall());

    let nutcracker = QticketsEvent {
        event_id: NUTCRACKER_EVENT_ID,
        event_name: "Щелкунчик".to_owned(),
        city: moscow,
        shows: vec![
            QticketsShow {
                show_id: NUTCRACKER_EVENING_SHOW_ID,
                start_date: "2027-03-14T19:00:00+03:00".to_owned(),
                wire_quirks: ShowWireQuirks::default(),
                seat_inventory: seeded_seat_inventory(&kremlin_palace, NUTCRACKER_EVENING_SHOW_ID, 150),
            },
            QticketsShow {
                show_id: NUTCRACKER_MATINEE_SHOW_ID,
                start_date: "2027-03-15T12:00:00+03:00".to_owned(),
                wire_quirks: ShowWireQuirks { zones_keyed_by_id: true, event_and_show_ids_as_strings: true },
                seat_inventory: seeded_seat_inventory(&kremlin_palace, NUTCRACKER_MATINEE_SHOW_ID, 80),
            },
        ],
        hall: kremlin_palace,
    };
    let hockey = QticketsEvent {
        event_id: HOCKEY_EVENT_ID,
        event_name: "Хоккей: Адмирал — Авангард".to_owned(),
        city: vladivostok,
        shows: vec![QticketsShow {
            show_id: HOCKEY_SHOW_ID,
            start_date: "2027-02-05T19:30:00+10:00".to_owned(),
            wire_quirks: ShowWireQuirks::default(),
            seat_inventory: seeded_seat_inventory(&fetisov_arena, HOCKEY_SHOW_ID, 0),
        }],
        hall: fetisov_arena,
    };
    QticketsInventory {
        events: vec![nutcracker, hockey],
        tickets: BTreeMap::new(),
        next_ticket_number: 27061,
        repeated_external_id: RepeatedExternalId::default(),
    }
}

/// Every numbered seat sold with probability [`SEEDED_SOLD_PERCENT`] from a
/// PRNG seeded with the show id, except free ones (price 0), which are all
/// vacant; admission seats start at `admission_free_quantity`.
fn seeded_seat_inventory(hall: &HallLayout, show_id: u64, admission_free_quantity: u32) -> Vec<SeatInventory> {
    let mut random = DeterministicRandom::with_seed(show_id);
    let mut inventory = vec![SeatInventory::Numbered(SeatStatus::Vacant); hall.seat_index_by_id.len()];
    for seat in hall.zones.iter().flat_map(|zone| &zone.seats) {
        inventory[seat.inventory_index] = match seat.kind {
            // Free places (price 0) are all on sale, as in the document's example.
            SeatKind::Numbered { .. } if seat.price.0 == 0 => SeatInventory::Numbered(SeatStatus::Vacant),
            SeatKind::Numbered { .. } if random.percent_chance(SEEDED_SOLD_PERCENT) => {
                SeatInventory::Numbered(SeatStatus::Sold { ticket_id: None })
            }
            SeatKind::Numbered { .. } => SeatInventory::Numbered(SeatStatus::Vacant),
            SeatKind::Admission => SeatInventory::Admission { free_quantity: admission_free_quantity },
        };
    }
    inventory
}

pub fn seeded_ticketscloud_inventory() -> TicketscloudInventory {
    TicketscloudInventory {
        events: vec![ticketscloud_events::swan_lake(), ticketscloud_events::jazz_evening()],
        orders: BTreeMap::new(),
        next_order_number: 54877,
        barcode_delay_seconds: 0,
        refund_requests: BTreeMap::new(),
        next_refund_number: 1,
        refund_timing: crate::ticketscloud::refunds::RefundTiming::default(),
        promocodes: crate::ticketscloud::promocodes::seeded_promocodes(JAZZ_EVENING_EVENT_ID),
    }
}
