//! The QTickets side of the simulator's memory: halls (immutable layouts
//! shared by all shows of an event), shows with a per-seat status, and the
//! tickets that `tickets/add` creates. Status lives per show and per seat
//! (vacant / reserved / sold) and per admission seat as a `free_quantity`;
//! what changes it is in [`super::tickets`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::calendar::UnixTimestamp;
use crate::money::Kopecks;

/// An id that QTickets sometimes sends as a JSON number and sometimes as a
/// string (the live report shows `"zone_id": "vzroslyj-bilet-v-budni"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum WireId {
    Number(u64),
    Text(String),
}

impl WireId {
    pub fn as_key(&self) -> String {
        match self {
            WireId::Number(number) => number.to_string(),
            WireId::Text(text) => text.clone(),
        }
    }
}

#[derive(Debug)]
pub struct QticketsInventory {
    pub events: Vec<QticketsEvent>,
    /// Live tickets created by `tickets/add`, by ticket id (empty in the
    /// seed). Removed and expired tickets are dropped: they no longer exist.
    pub tickets: BTreeMap<String, QticketsTicket>,
    /// The id the next created ticket gets (QTickets ids are numeric strings).
    pub next_ticket_number: u64,
    /// What `tickets/add` answers when its `external_id` already names a
    /// live ticket of the show (`POST /_sim/behaviour`).
    pub repeated_external_id: RepeatedExternalId,
}

/// The document says only that `external_id` is unique (l.389). A repeated
/// `tickets/add` with an `external_id` that names a live ticket of the show
/// is answered one of two ways, switched by `POST /_sim/behaviour`
/// `{"qtickets_repeated_external_id": "same_ticket" | "duplicate_error"}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatedExternalId {
    /// That ticket, unchanged; nothing is created (the seed's default).
    #[default]
    SameTicket,
    /// `VALIDATION_ERROR` "The external id has already been taken."; nothing
    /// is created (how a unique rule in the API's validation would answer).
    DuplicateError,
}

#[derive(Debug)]
pub struct QticketsEvent {
    pub event_id: u64,
    pub event_name: String,
    pub city: QticketsCity,
    pub hall: Arc<HallLayout>,
    pub shows: Vec<QticketsShow>,
}

#[derive(Debug, Clone)]
pub struct QticketsCity {
    pub id: u64,
    pub name: String,
    pub timezone: String,
    /// `[latitude, longitude]`, as in the document's example.
    pub coords: [f64; 2],
}

/// A venue's scheme: what `scheme` in every response describes.
#[derive(Debug)]
pub struct HallLayout {
    pub scheme_id: u64,
    pub scheme_name: String,
    pub place_name: String,
    pub place_address: String,
    pub place_description: Option<String>,
    pub zones: Vec<ZoneLayout>,
    /// seat id → index into [`QticketsShow::seat_inventory`].
    pub seat_index_by_id: HashMap<String, usize>,
}

#[derive(Debug)]
pub struct ZoneLayout {
    pub zone_id: WireId,
    pub name: String,
    /// Shown only in the object-keyed quirk, where the live report has it.
    pub description: Option<String>,
    pub seats: Vec<SeatLayout>,
}

#[derive(Debug)]
pub struct SeatLayout {
    /// `"<zone>-<row>;<place>"`, as in the document (`"7-1;8"`).
    pub seat_id: String,
    pub inventory_index: usize,
    pub coords: [i32; 2],
    pub price: Kopecks,
    pub kind: SeatKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatKind {
    Numbered {
        row: u32,
        place: u32,
    },
    /// A general-admission "seat" that stands for many tickets.
    Admission,
}

/// Per-show wire deviations the simulator reproduces on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowWireQuirks {
    /// `events/seats` answers `zones` as an object keyed by zone id and each
    /// zone's `seats` as an object keyed by `"row;place"` (live report).
    pub zones_keyed_by_id: bool,
    /// `events/seats` answers `event_id` / `show_id` as strings, while
    /// `events/lists` keeps numbers.
    pub event_and_show_ids_as_strings: bool,
}

#[derive(Debug)]
pub struct QticketsShow {
    pub show_id: u64,
    /// With the venue's UTC offset, e.g. `2027-03-14T19:00:00+03:00`.
    pub start_date: String,
    pub wire_quirks: ShowWireQuirks,
    /// Indexed by [`SeatLayout::inventory_index`].
    pub seat_inventory: Vec<SeatInventory>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatInventory {
    Numbered(SeatStatus),
    Admission { free_quantity: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatStatus {
    Vacant,
    /// Held by an unpaid ticket (`tickets/add` with `paid=0`).
    Reserved {
        ticket_id: String,
    },
    /// Paid; seeded sales have no ticket record of ours.
    Sold {
        ticket_id: Option<String>,
    },
}

impl SeatInventory {
    /// The `available` flag on the wire.
    pub fn is_available(&self) -> bool {
        match self {
            SeatInventory::Numbered(status) => *status == SeatStatus::Vacant,
            SeatInventory::Admission { free_quantity } => *free_quantity > 0,
        }
    }
}

/// A ticket made by `tickets/add` (the shape of its `result`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QticketsTicket {
    /// A numeric string, as in the document (`"27061"`).
    pub ticket_id: String,
    pub ticket_number: u64,
    pub event_id: u64,
    pub show_id: u64,
    pub seat_id: String,
    /// Where the seat's status lives in [`QticketsShow::seat_inventory`].
    pub inventory_index: usize,
    pub external_id: Option<String>,
    pub paid: bool,
    /// Set while unpaid; `None` once paid.
    pub reserved_to: Option<ReservationDeadline>,
    /// Only once paid.
    pub barcode: Option<String>,
}

/// A `reserved_to` as the partner sent it (echoed back unchanged, offset and
/// all, as in the document's example) and the instant it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationDeadline {
    pub as_sent: String,
    pub instant: UnixTimestamp,
}

/// Why an `{event_id}/{show_id?}` pair does not name a show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShowLookupError {
    EventNotFound,
    /// The event has several shows and no `show_id` was given.
    ShowIdRequired,
}

impl QticketsInventory {
    /// Resolves the document's `{event_id}/{show_id?}` addressing: `show_id`
    /// may be left out only when the event has exactly one show.
    pub fn find_show(&self, event_id: u64, show_id: Option<u64>) -> Result<(&QticketsEvent, &QticketsShow), ShowLookupError> {
        let event = self.events.iter().find(|event| event.event_id == event_id).ok_or(ShowLookupError::EventNotFound)?;
        let show = match show_id {
            Some(show_id) => event.shows.iter().find(|show| show.show_id == show_id),
            None if event.shows.len() == 1 => event.shows.first(),
            None => return Err(ShowLookupError::ShowIdRequired),
        };
        show.map(|show| (event, show)).ok_or(ShowLookupError::EventNotFound)
    }

    pub fn find_show_mut(
        &mut self,
        event_id: u64,
        show_id: Option<u64>,
    ) -> Result<(Arc<HallLayout>, &mut QticketsShow), ShowLookupError> {
        let event = self.events.iter_mut().find(|event| event.event_id == event_id).ok_or(ShowLookupError::EventNotFound)?;
        let hall = event.hall.clone();
        let show_count = event.shows.len();
        let show = match show_id {
            Some(show_id) => event.shows.iter_mut().find(|show| show.show_id == show_id),
            None if show_count == 1 => event.shows.first_mut(),
            None => return Err(ShowLookupError::ShowIdRequired),
        };
        show.map(|show| (hall, show)).ok_or(ShowLookupError::EventNotFound)
    }
}

/// The show's `last_update_hash`: a SHA-1 (40 hex digits, like the document's
/// examples) of exactly what a partner can see change — each seat's
/// `available` flag and each admission seat's `free_quantity` — salted with the
/// event and show ids so that two shows never share a hash. It changes when
/// availability changes and stays put otherwise (a reserved seat turning sold
/// is not a change a partner could act on).
pub fn last_update_hash(event_id: u64, show: &QticketsShow) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("qtickets-sim:{event_id}:{}:", show.show_id).as_bytes());
    let mut buffer = Vec::with_capacity(show.seat_inventory.len() * 2);
    for seat in &show.seat_inventory {
        match seat {
            SeatInventory::Numbered(_) => buffer.push(u8::from(seat.is_available())),
            SeatInventory::Admission { free_quantity } => {
                buffer.push(2);
                buffer.extend_from_slice(&free_quantity.to_le_bytes());
            }
        }
    }
    hasher.update(&buffer);
    hasher.digest().to_string()
}

/// Seat counts for `GET /_sim/state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShowSeatCounts {
    pub seats_total: usize,
    pub seats_vacant: usize,
    pub seats_reserved: usize,
    pub seats_sold: usize,
}

pub fn count_numbered_seats(show: &QticketsShow) -> ShowSeatCounts {
    let mut counts = ShowSeatCounts::default();
    for seat in &show.seat_inventory {
        if let SeatInventory::Numbered(status) = seat {
            counts.seats_total += 1;
            match status {
                SeatStatus::Vacant => counts.seats_vacant += 1,
                SeatStatus::Reserved { .. } => counts.seats_reserved += 1,
                SeatStatus::Sold { .. } => counts.seats_sold += 1,
            }
        }
    }
    counts
}

/// Why `POST /_sim/sell` refused a QTickets seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SellSeatError {
    Show(ShowLookupError),
    SeatNotFound(String),
    SeatNotAvailable(String),
}

/// Marks numbered seats sold and takes one place per occurrence from admission
/// seats, all or nothing. Returns the new `last_update_hash`.
pub fn sell_seats(
    inventory: &mut QticketsInventory,
    event_id: u64,
    show_id: Option<u64>,
    seat_ids: &[String],
) -> Result<String, SellSeatError> {
    let (hall, show) = inventory.find_show_mut(event_id, show_id).map_err(SellSeatError::Show)?;
    let mut admission_taken: HashMap<usize, u32> = HashMap::new();
    let mut numbered_to_sell: Vec<usize> = Vec::new();
    for seat_id in seat_ids {
        let index = *hall.seat_index_by_id.get(seat_id).ok_or_else(|| SellSeatError::SeatNotFound(seat_id.clone()))?;
        match &show.seat_inventory[index] {
            SeatInventory::Numbered(SeatStatus::Vacant) if !numbered_to_sell.contains(&index) => numbered_to_sell.push(index),
            SeatInventory::Numbered(_) => return Err(SellSeatError::SeatNotAvailable(seat_id.clone())),
            SeatInventory::Admission { free_quantity } => {
                let taken = admission_taken.entry(index).or_insert(0);
                *taken += 1;
                if *taken > *free_quantity {
                    return Err(SellSeatError::SeatNotAvailable(seat_id.clone()));
                }
            }
        }
    }
    for index in numbered_to_sell {
        show.seat_inventory[index] = SeatInventory::Numbered(SeatStatus::Sold { ticket_id: None });
    }
    for (index, taken) in admission_taken {
        if let SeatInventory::Admission { free_quantity } = &mut show.seat_inventory[index] {
            *free_quantity -= taken;
        }
    }
    Ok(last_update_hash(event_id, show))
}
