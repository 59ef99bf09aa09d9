//! Assembles a QTickets hall zone by zone, giving every seat its documented
//! id (`"<zone>-<row>;<place>"`) and its slot in the per-show inventory, so the
//! venue files only describe geometry and prices.

use std::collections::HashMap;

use crate::money::Kopecks;
use crate::qtickets::inventory::{HallLayout, SeatKind, SeatLayout, WireId, ZoneLayout};

pub struct HallBuilder {
    hall: HallLayout,
    next_inventory_index: usize,
}

pub struct SchemeDescription<'a> {
    pub scheme_id: u64,
    pub scheme_name: &'a str,
    pub place_name: &'a str,
    pub place_address: &'a str,
    pub place_description: Option<&'a str>,
}

impl HallBuilder {
    pub fn new(scheme: SchemeDescription<'_>) -> HallBuilder {
        HallBuilder {
            hall: HallLayout {
                scheme_id: scheme.scheme_id,
                scheme_name: scheme.scheme_name.to_owned(),
                place_name: scheme.place_name.to_owned(),
                place_address: scheme.place_address.to_owned(),
                place_description: scheme.place_description.map(str::to_owned),
                zones: Vec::new(),
                seat_index_by_id: HashMap::new(),
            },
            next_inventory_index: 0,
        }
    }

    /// Starts a zone; the seats added next belong to it.
    pub fn begin_zone(&mut self, zone_id: WireId, name: &str, description: Option<&str>) {
        self.hall.zones.push(ZoneLayout {
            zone_id,
            name: name.to_owned(),
            description: description.map(str::to_owned),
            seats: Vec::new(),
        });
    }

    pub fn numbered_seat(&mut self, row: u32, place: u32, coords: [f64; 2], price: Kopecks) {
        self.push_seat(SeatKind::Numbered { row, place }, (row, place), coords, price);
    }

    /// A general-admission zone is one seat `"<zone>-1;1"` with `admission: true`.
    pub fn admission_seat(&mut self, coords: [f64; 2], price: Kopecks) {
        self.push_seat(SeatKind::Admission, (1, 1), coords, price);
    }

    fn push_seat(&mut self, kind: SeatKind, (row, place): (u32, u32), coords: [f64; 2], price: Kopecks) {
        let zone = self.hall.zones.last_mut().expect("begin_zone before adding seats");
        let seat_id = format!("{}-{row};{place}", zone.zone_id.as_key());
        let inventory_index = self.next_inventory_index;
        self.next_inventory_index += 1;
        let previous = self.hall.seat_index_by_id.insert(seat_id.clone(), inventory_index);
        assert!(previous.is_none(), "seat {seat_id} added twice");
        zone.seats.push(SeatLayout {
            seat_id,
            inventory_index,
            coords: [coords[0].round() as i32, coords[1].round() as i32],
            price,
            kind,
        });
    }

    pub fn finish(self) -> HallLayout {
        self.hall
    }
}
