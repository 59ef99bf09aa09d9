//! The JSON QTickets' Partners API answers with, built straight from the
//! inventory by borrowing (a 10,000-seat hall is serialised on every call).
//! Shapes follow `qtickets-partners-api.md`; the deliberate deviations seen in
//! `qtickets-rest-api-live-report.md` are switched on per show by
//! [`ShowWireQuirks`](super::inventory::ShowWireQuirks).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::inventory::{
    HallLayout, QticketsCity, QticketsEvent, QticketsShow, QticketsTicket, SeatInventory, SeatKind, SeatLayout, WireId,
    ZoneLayout,
};
use crate::money::QticketsPrice;

/// `{"status":"success","result":...}` — the envelope of `events/lists`.
#[derive(Serialize)]
pub struct SuccessEnvelope<T: Serialize> {
    pub status: &'static str,
    pub result: T,
}

impl<T: Serialize> SuccessEnvelope<T> {
    pub fn new(result: T) -> Self {
        SuccessEnvelope { status: "success", result }
    }
}

/// `{"status":"error","code":...,"message":...}`. The real service sends it
/// with HTTP 200, and so do we.
#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub status: &'static str,
    pub code: &'a str,
    pub message: &'a str,
}

#[derive(Serialize)]
pub struct SchemeWire<'a> {
    id: u64,
    name: &'a str,
    place_name: &'a str,
    place_address: &'a str,
    /// Quirk: `null` for the Фетисов Арена scheme; the document only shows strings.
    place_description: Option<&'a str>,
    /// The document lists zones with seat ids only on the first row of an
    /// event in `events/lists`, and on the `scheme` of `events/seats`.
    #[serde(skip_serializing_if = "Option::is_none")]
    zones: Option<Vec<ZoneSeatIdsWire<'a>>>,
}

#[derive(Serialize)]
struct ZoneSeatIdsWire<'a> {
    zone_id: &'a WireId,
    name: &'a str,
    seats: Vec<SeatIdWire<'a>>,
}

#[derive(Serialize)]
struct SeatIdWire<'a> {
    seat_id: &'a str,
}

#[derive(Serialize)]
pub struct CityWire<'a> {
    id: u64,
    name: &'a str,
    timezone: &'a str,
    coords: [f64; 2],
}

/// One row of `events/lists`: one per show.
#[derive(Serialize)]
pub struct EventsListRowWire<'a> {
    event_id: u64,
    show_id: u64,
    event_name: &'a str,
    start_date: &'a str,
    scheme: SchemeWire<'a>,
    city: CityWire<'a>,
    last_update_hash: String,
}

/// The body of `events/seats/{event_id}/{show_id?}` (no envelope, as documented).
#[derive(Serialize)]
pub struct SeatsResponseWire<'a> {
    event_id: WireId,
    show_id: WireId,
    event_name: &'a str,
    start_date: &'a str,
    scheme: SchemeWire<'a>,
    city: CityWire<'a>,
    last_update_hash: String,
    zones: ZonesWire<'a>,
}

/// The answer of `tickets/add` and `tickets/remove` (l.393–423, l.451–475):
/// the event header — ids as numbers, the scheme without zones, the city,
/// the show's hash after the change — then `status` and `result`.
#[derive(Serialize)]
pub struct TicketOperationResponseWire<'a, R: Serialize> {
    event_id: u64,
    show_id: u64,
    event_name: &'a str,
    start_date: &'a str,
    scheme: SchemeWire<'a>,
    city: CityWire<'a>,
    last_update_hash: String,
    status: &'static str,
    result: R,
}

pub fn ticket_operation_response<'a, R: Serialize>(
    event: &'a QticketsEvent,
    show: &'a QticketsShow,
    last_update_hash: String,
    result: R,
) -> TicketOperationResponseWire<'a, R> {
    TicketOperationResponseWire {
        event_id: event.event_id,
        show_id: show.show_id,
        event_name: &event.event_name,
        start_date: &show.start_date,
        scheme: scheme(&event.hall, false),
        city: city(&event.city),
        last_update_hash,
        status: "success",
        result,
    }
}

/// `result` of `tickets/add` (l.416–422): `id` a numeric string, `paid` 0 or
/// 1, `reserved_to` as the partner sent it (null once paid), `barcode` only
/// once paid.
#[derive(Serialize)]
pub struct TicketResultWire<'a> {
    id: &'a str,
    paid: u8,
    reserved_to: Option<&'a str>,
    external_id: Option<&'a str>,
    barcode: Option<&'a str>,
}

pub fn ticket_result(ticket: &QticketsTicket) -> TicketResultWire<'_> {
    TicketResultWire {
        id: &ticket.ticket_id,
        paid: u8::from(ticket.paid),
        reserved_to: ticket.reserved_to.as_ref().map(|deadline| deadline.as_sent.as_str()),
        external_id: ticket.external_id.as_deref(),
        barcode: ticket.barcode.as_deref(),
    }
}

pub fn scheme(hall: &HallLayout, with_zone_seat_ids: bool) -> SchemeWire<'_> {
    SchemeWire {
        id: hall.scheme_id,
        name: &hall.scheme_name,
        place_name: &hall.place_name,
        place_address: &hall.place_address,
        place_description: hall.place_description.as_deref(),
        zones: with_zone_seat_ids.then(|| {
            hall.zones
                .iter()
                .map(|zone| ZoneSeatIdsWire {
                    zone_id: &zone.zone_id,
                    name: &zone.name,
                    seats: zone.seats.iter().map(|seat| SeatIdWire { seat_id: &seat.seat_id }).collect(),
                })
                .collect()
        }),
    }
}

pub fn city(city: &QticketsCity) -> CityWire<'_> {
    CityWire { id: city.id, name: &city.name, timezone: &city.timezone, coords: city.coords }
}

pub fn events_list_row<'a>(
    event: &'a QticketsEvent,
    show: &'a QticketsShow,
    is_first_row_of_event: bool,
    last_update_hash: String,
) -> EventsListRowWire<'a> {
    EventsListRowWire {
        event_id: event.event_id,
        show_id: show.show_id,
        event_name: &event.event_name,
        start_date: &show.start_date,
        scheme: scheme(&event.hall, is_first_row_of_event),
        city: city(&event.city),
        last_update_hash,
    }
}

pub fn seats_response<'a>(event: &'a QticketsEvent, show: &'a QticketsShow, last_update_hash: String) -> SeatsResponseWire<'a> {
    let id = |number: u64| {
        if show.wire_quirks.event_and_show_ids_as_strings {
            WireId::Text(number.to_string())
        } else {
            WireId::Number(number)
        }
    };
    SeatsResponseWire {
        event_id: id(event.event_id),
        show_id: id(show.show_id),
        event_name: &event.event_name,
        start_date: &show.start_date,
        scheme: scheme(&event.hall, true),
        city: city(&event.city),
        last_update_hash,
        zones: ZonesWire { hall: &event.hall, show, keyed_by_id: show.wire_quirks.zones_keyed_by_id },
    }
}

/// `zones` of `events/seats`: the documented array, or (quirk) an object keyed
/// by zone id whose `seats` are objects keyed by `"row;place"`.
pub struct ZonesWire<'a> {
    hall: &'a HallLayout,
    show: &'a QticketsShow,
    keyed_by_id: bool,
}

impl Serialize for ZonesWire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.keyed_by_id {
            let mut zones = serializer.serialize_map(Some(self.hall.zones.len()))?;
            for zone in &self.hall.zones {
                let zone_key = zone.zone_id.as_key();
                zones.serialize_entry(&zone_key, &KeyedZoneWire { zone, zone_key: &zone_key, show: self.show })?;
            }
            zones.end()
        } else {
            serializer.collect_seq(self.hall.zones.iter().map(|zone| ListedZoneWire { zone, show: self.show }))
        }
    }
}

struct ListedZoneWire<'a> {
    zone: &'a ZoneLayout,
    show: &'a QticketsShow,
}

impl Serialize for ListedZoneWire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut zone = serializer.serialize_map(Some(3))?;
        zone.serialize_entry("zone_id", &self.zone.zone_id)?;
        zone.serialize_entry("name", &self.zone.name)?;
        zone.serialize_entry("seats", &SeatsSequence { seats: &self.zone.seats, show: self.show })?;
        zone.end()
    }
}

struct SeatsSequence<'a> {
    seats: &'a [SeatLayout],
    show: &'a QticketsShow,
}

impl Serialize for SeatsSequence<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.seats.iter().map(|seat| seat_wire(seat, self.show)))
    }
}

struct KeyedZoneWire<'a> {
    zone: &'a ZoneLayout,
    zone_key: &'a str,
    show: &'a QticketsShow,
}

impl Serialize for KeyedZoneWire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut zone = serializer.serialize_map(None)?;
        // In the keyed form every zone id is a string, as in the live report.
        zone.serialize_entry("zone_id", self.zone_key)?;
        zone.serialize_entry("name", &self.zone.name)?;
        if let Some(description) = &self.zone.description {
            zone.serialize_entry("description", description)?;
        }
        zone.serialize_entry("seats", &KeyedSeats { seats: &self.zone.seats, zone_key: self.zone_key, show: self.show })?;
        zone.end()
    }
}

struct KeyedSeats<'a> {
    seats: &'a [SeatLayout],
    zone_key: &'a str,
    show: &'a QticketsShow,
}

impl Serialize for KeyedSeats<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let prefix = format!("{}-", self.zone_key);
        let mut seats = serializer.serialize_map(Some(self.seats.len()))?;
        for seat in self.seats {
            // The live report keys seats by the id without its zone prefix
            // (`"1;1": {"seat_id": "vzroslyj-bilet-v-budni-1;1"}`).
            let key = seat.seat_id.strip_prefix(&prefix).unwrap_or(&seat.seat_id);
            seats.serialize_entry(key, &seat_wire(seat, self.show))?;
        }
        seats.end()
    }
}

/// One seat: numbered seats carry `row`/`place`, admission seats
/// `free_quantity` and `admission: true`, in the document's field order.
#[derive(Serialize)]
struct SeatWire<'a> {
    seat_id: &'a str,
    available: bool,
    coords: [i32; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    free_quantity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admission: Option<bool>,
    price: QticketsPrice,
    currency_id: &'static str,
}

fn seat_wire<'a>(seat: &'a SeatLayout, show: &QticketsShow) -> SeatWire<'a> {
    let inventory = &show.seat_inventory[seat.inventory_index];
    let (row, place) = match seat.kind {
        SeatKind::Numbered { row, place } => (Some(row), Some(place)),
        SeatKind::Admission => (None, None),
    };
    let free_quantity = match inventory {
        SeatInventory::Admission { free_quantity } => Some(*free_quantity),
        SeatInventory::Numbered(_) => None,
    };
    SeatWire {
        seat_id: &seat.seat_id,
        available: inventory.is_available(),
        coords: seat.coords,
        row,
        place,
        free_quantity,
        admission: free_quantity.map(|_| true),
        price: QticketsPrice(seat.price),
        currency_id: "RUB",
    }
}
