//! The TicketsCloud side of the simulator's memory: events with their ticket
//! categories (`sets`) and every ticket, seated or not, with its status,
//! `reserved_till` and the order holding it. Set counters (`amount`,
//! `amount_vacant`) are derived from the tickets, never stored, so selling or
//! reserving a ticket cannot leave them stale. Likewise a set's price and
//! which of its price rules is `current` are derived from the simulated
//! clock ([`TicketSet::prices_at`]): rules change on schedule. Orders (`/v2/resources/orders`)
//! live in `orders` (their logic in [`super::orders`]) and a ticket an order
//! holds names it in `TicketscloudTicket::order_id`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::calendar::{parse_ical_basic_utc, UnixTimestamp};
use crate::money::Kopecks;

use super::orders::TicketscloudOrder;
use super::promocodes::TicketscloudPromocode;

#[derive(Debug)]
pub struct TicketscloudInventory {
    pub events: Vec<TicketscloudEvent>,
    /// Orders by id (none in the seed).
    pub orders: BTreeMap<String, TicketscloudOrder>,
    pub next_order_number: u64,
    /// How long after `done` an order's barcodes appear, in simulated
    /// seconds (`POST /_sim/ticketscloud/barcodes`); 0 (the default): at once.
    pub barcode_delay_seconds: i64,
    /// Refund requests by id (none in the seed; see [`super::refunds`]).
    pub refund_requests: BTreeMap<String, super::refunds::RefundRequest>,
    pub next_refund_number: u64,
    /// How a refund nobody decides moves along the simulated clock
    /// (`POST /_sim/ticketscloud/refunds`).
    pub refund_timing: super::refunds::RefundTiming,
    /// Every event's promo codes (see [`super::promocodes`]).
    pub promocodes: Vec<TicketscloudPromocode>,
}

#[derive(Debug, Clone)]
pub struct TicketscloudEvent {
    /// 24-hex ObjectId.
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    /// UTC, iCalendar basic format: `20270415T160000Z`.
    pub lifetime_start_utc: String,
    pub lifetime_end_utc: String,
    pub status: String,
    pub age_rating: u32,
    pub title_text: String,
    pub title_desc: String,
    pub tags: Vec<String>,
    /// Descriptive blocks with no behaviour in the simulator, kept as the JSON
    /// they are sent as: `venue`, `org`, `partner`, `deal`.
    pub venue: serde_json::Value,
    pub org: serde_json::Value,
    pub partner: serde_json::Value,
    pub deal: serde_json::Value,
    pub sets: Vec<TicketSet>,
    pub tickets: Vec<TicketscloudTicket>,
}

/// A ticket category. One set has at most one `sector`.
#[derive(Debug, Clone)]
pub struct TicketSet {
    pub id: String,
    pub pos: u32,
    pub name: String,
    pub desc: String,
    pub price_org: Kopecks,
    pub price_extra: Kopecks,
    pub with_seats: bool,
    pub sector_id: Option<String>,
    pub rules: Vec<PriceRule>,
}

/// A price on a schedule: in force from `start_utc` up to (not including)
/// `end_utc`, both iCalendar basic UTC (`20270331T210000Z`). Whether it is
/// `current` is the simulated clock's business, never stored.
#[derive(Debug, Clone)]
pub struct PriceRule {
    pub id: String,
    pub start_utc: String,
    pub end_utc: String,
    pub price_org: Kopecks,
    pub price_extra: Kopecks,
}

impl PriceRule {
    /// Whether the rule is in force at `now`.
    pub fn in_force_at(&self, now: UnixTimestamp) -> bool {
        match (parse_ical_basic_utc(&self.start_utc), parse_ical_basic_utc(&self.end_utc)) {
            (Some(start), Some(end)) => start <= now && now < end,
            _ => false,
        }
    }
}

impl TicketSet {
    /// The organiser's price and the service fee at `now`: the rule in force,
    /// else the set's own.
    pub fn prices_at(&self, now: UnixTimestamp) -> (Kopecks, Kopecks) {
        self.rules
            .iter()
            .find(|rule| rule.in_force_at(now))
            .map_or((self.price_org, self.price_extra), |rule| (rule.price_org, rule.price_extra))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketscloudTicket {
    pub id: String,
    pub number: u64,
    pub serial: String,
    pub set_id: String,
    /// `None` for general-admission tickets, which `/tickets` never lists
    /// but orders reserve through `random`.
    pub seat: Option<SeatPlace>,
    pub status: TicketStatus,
    pub reserved_till: Option<String>,
    /// The order holding this ticket, when it is one of ours.
    pub order_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatPlace {
    pub row: u32,
    pub number: u32,
    pub sector_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    Vacant,
    Reserved,
    Sold,
    Pending,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] = [TicketStatus::Vacant, TicketStatus::Reserved, TicketStatus::Sold, TicketStatus::Pending];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Vacant => "vacant",
            TicketStatus::Reserved => "reserved",
            TicketStatus::Sold => "sold",
            TicketStatus::Pending => "pending",
        }
    }

    pub fn parse(text: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

/// `BEGIN:VEVENT ... END:VEVENT` with CRLF line ends, as in the document.
pub fn vevent(start_utc: &str, end_utc: &str) -> String {
    format!("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:{start_utc}\r\nDTEND;VALUE=DATE-TIME:{end_utc}\r\nEND:VEVENT\r\n")
}

/// `amount` and `amount_vacant` of a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SetCounts {
    pub amount: usize,
    pub amount_vacant: usize,
}

impl TicketscloudEvent {
    pub fn set_counts(&self, set_id: &str) -> SetCounts {
        let mut counts = SetCounts::default();
        for ticket in self.tickets.iter().filter(|ticket| ticket.set_id == set_id) {
            counts.amount += 1;
            if ticket.status == TicketStatus::Vacant {
                counts.amount_vacant += 1;
            }
        }
        counts
    }

    pub fn tickets_by_status(&self) -> BTreeMap<&'static str, usize> {
        let mut counts: BTreeMap<&'static str, usize> = TicketStatus::ALL.iter().map(|status| (status.as_str(), 0)).collect();
        for ticket in &self.tickets {
            *counts.entry(ticket.status.as_str()).or_default() += 1;
        }
        counts
    }
}

impl TicketscloudInventory {
    pub fn find_event(&self, event_id: &str) -> Option<&TicketscloudEvent> {
        self.events.iter().find(|event| event.id == event_id)
    }

    pub fn find_event_mut(&mut self, event_id: &str) -> Option<&mut TicketscloudEvent> {
        self.events.iter_mut().find(|event| event.id == event_id)
    }
}

impl TicketscloudEvent {
    pub fn find_ticket(&self, ticket_id: &str) -> Option<&TicketscloudTicket> {
        self.tickets.iter().find(|ticket| ticket.id == ticket_id)
    }

    pub fn find_ticket_mut(&mut self, ticket_id: &str) -> Option<&mut TicketscloudTicket> {
        self.tickets.iter_mut().find(|ticket| ticket.id == ticket_id)
    }

    pub fn find_set(&self, set_id: &str) -> Option<&TicketSet> {
        self.sets.iter().find(|set| set.id == set_id)
    }
}

/// Why `POST /_sim/sell` refused TicketsCloud tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SellTicketError {
    EventNotFound(String),
    TicketNotFound(String),
    TicketNotVacant(String),
    SetNotFound(String),
    NotEnoughVacant { set_id: String, requested: usize, vacant: usize },
}

/// Marks the named vacant tickets sold, all or nothing.
pub fn sell_tickets(
    inventory: &mut TicketscloudInventory,
    event_id: &str,
    ticket_ids: &[String],
) -> Result<Vec<String>, SellTicketError> {
    let event = inventory.find_event_mut(event_id).ok_or_else(|| SellTicketError::EventNotFound(event_id.to_owned()))?;
    let mut indexes = Vec::new();
    for ticket_id in ticket_ids {
        let index = event
            .tickets
            .iter()
            .position(|ticket| &ticket.id == ticket_id)
            .ok_or_else(|| SellTicketError::TicketNotFound(ticket_id.clone()))?;
        if event.tickets[index].status != TicketStatus::Vacant || indexes.contains(&index) {
            return Err(SellTicketError::TicketNotVacant(ticket_id.clone()));
        }
        indexes.push(index);
    }
    for index in &indexes {
        event.tickets[*index].status = TicketStatus::Sold;
    }
    Ok(indexes.iter().map(|index| event.tickets[*index].id.clone()).collect())
}

/// Sells the first `quantity` vacant tickets of a set (how general admission
/// is sold, since those tickets are not listed anywhere).
pub fn sell_from_set(
    inventory: &mut TicketscloudInventory,
    event_id: &str,
    set_id: &str,
    quantity: usize,
) -> Result<Vec<String>, SellTicketError> {
    let event = inventory.find_event_mut(event_id).ok_or_else(|| SellTicketError::EventNotFound(event_id.to_owned()))?;
    if !event.sets.iter().any(|set| set.id == set_id) {
        return Err(SellTicketError::SetNotFound(set_id.to_owned()));
    }
    let vacant: Vec<usize> = event
        .tickets
        .iter()
        .enumerate()
        .filter(|(_, ticket)| ticket.set_id == set_id && ticket.status == TicketStatus::Vacant)
        .map(|(index, _)| index)
        .collect();
    if vacant.len() < quantity {
        return Err(SellTicketError::NotEnoughVacant { set_id: set_id.to_owned(), requested: quantity, vacant: vacant.len() });
    }
    Ok(vacant[..quantity]
        .iter()
        .map(|index| {
            event.tickets[*index].status = TicketStatus::Sold;
            event.tickets[*index].id.clone()
        })
        .collect())
}
