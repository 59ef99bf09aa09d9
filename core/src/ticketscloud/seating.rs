//! TicketsCloud event sets + ticket listing → layout + availability.
//!
//! The ticket listing says which seat each ticket is (sector, row, number),
//! which set (price category) it belongs to and its status, but has neither
//! prices nor coordinates. So:
//! - zones are the event's sets (from the events listing), ordered by `pos`;
//! - each ticket of a seated set is one seat: id = ticket id, price = its set's
//!   price, available = status `vacant` (`reserved`/`sold` are not);
//! - a set's price is the one of its rule in force (`rules`: the one marked
//!   `current`, else the one whose `cal` period holds the moment of the read),
//!   else the set's own `price`; the layout's prices are good until the
//!   earliest end of a rule in force ([`EventSets::prices_valid_until`]);
//! - seats are drawn on a generated plan, one block per sector, captioned with
//!   the name of the set that owns the sector ("Партер"); a set spanning
//!   several sectors gives "Партер, сектор N"; a sector shared by several sets
//!   is captioned with the words their names share ("Партер VIP" + "Партер"
//!   → "Партер"), else "Сектор N" (N = its block number);
//! - each set without seats (`with_seats: false`) is one admission with
//!   `amount_vacant` left;
//! - a set without a readable price is left out (its places are not for
//!   sale); a set priced 0 gives free places, which the show's owner
//!   publishes off sale except to partners that allow them
//!   (`crate::free_places`).
//!
//! The v1 API has no "one event" endpoint: the sets are in the events
//! listing, paged. A show's owner reads the listing once
//! ([`TicketscloudHallRead`]: from the page the event was on last time, else
//! page by page from the first to the listing's end) and keeps the event's
//! sets ([`EventSets`], the hall's [`SeatingMemo`]); a refresh of the hall
//! then reads only `/tickets`. The sets are read again, never kept silently,
//! when a price rule in force ends, when a ticket names a set they do not
//! have, when general-admission counts (which only the listing has) are older
//! than [`ADMISSION_COUNTS_FRESH_FOR_SECONDS`], and at the latest after
//! [`SETS_FRESH_FOR_SECONDS`].

use std::collections::{HashMap, HashSet};

use ticket_contract::Geometry;

use super::catalogue::{is_public, listed_event_ref, public_event_ref};
use super::listing::read_listing;
use super::wire::{TicketscloudEvent, TicketscloudSet, TicketscloudTicket, TopLevelList};
use super::{check_http_status, unreadable, TicketscloudAdapter};
use crate::generated_plan::{generate_plan, PlanSeat};
use crate::hall_builder::{HallDraft, PlacedSeat};
use crate::ids::EventRef;
use crate::lenient::ObjectOrText;
use crate::provider::{Hall, HallRead, HallReadOutcome, HallStep, SeatingMemo, MAX_CATALOGUE_PAGES};
use crate::upstream::{MissingThing, UpstreamError, UpstreamResponse};
use crate::venue_time::{parse_vevent_end, parse_vevent_start, FALLBACK_ZONE};

/// Kept sets are read again after this long at the latest (a set renamed,
/// added or dropped shows within minutes).
pub const SETS_FRESH_FOR_SECONDS: i64 = 300;
/// General-admission counts (`amount_vacant`) come only with the listing:
/// a hall with admissions reads its sets again after this long, so sales
/// elsewhere show (the proxy's own holds show at once).
pub const ADMISSION_COUNTS_FRESH_FOR_SECONDS: i64 = 30;
/// A rule still marked `current` after its end (the upstream has not moved
/// on yet): the sets are read again this soon, until it has.
pub const OVERDUE_RULE_RECHECK_SECONDS: i64 = 15;

/// A set we can sell from (it has a readable id and price).
#[derive(Debug, Clone, PartialEq)]
struct SetInfo {
    id: String,
    name: String,
    price_minor: i64,
    with_seats: Option<bool>,
    amount_vacant: u32,
    /// A sector name, when the set's `sector` is an object that has one.
    sector_name: Option<String>,
}

/// One event's sets as a hall needs them, from one read of the listing.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSets {
    event_id: String,
    /// Sellable sets, ordered by `pos`.
    sets: Vec<SetInfo>,
    /// The set ids the listing was asked about: every set it listed,
    /// sellable or not, and those the tickets named when it was read (a
    /// ticket of any other set means the sets changed).
    known_set_ids: HashSet<String>,
    /// The listing page the event was found on (looked at first next time).
    listing_page: u32,
    /// When the listing was read (unix seconds).
    read_at: i64,
    prices_valid_until: Option<i64>,
}

impl EventSets {
    /// The sets of `event`, found on `listing_page`, read at `now` (unix
    /// seconds; `None` when unknown: only `current` flags then count).
    pub fn of_event(event: &TicketscloudEvent, listing_page: u32, now: Option<i64>) -> EventSets {
        let mut positioned: Vec<(i64, SetInfo)> = Vec::new();
        let mut known_set_ids = HashSet::new();
        let mut boundaries = Vec::new();
        for set in &event.sets.items {
            let Some(id) = set.id.as_text() else { continue };
            known_set_ids.insert(id.clone());
            let (rule_price, boundary) = rule_in_force(set, now);
            boundaries.extend(boundary);
            let Some(price_minor) = rule_price.or_else(|| set.price.as_minor_units()).filter(|price| *price >= 0) else {
                continue;
            };
            let position = set.pos.as_text().and_then(|pos| pos.parse::<i64>().ok()).unwrap_or(0);
            let sector_name = match &set.sector.0 {
                Some(ObjectOrText::Object(sector)) => sector.name.0.clone(),
                _ => None,
            };
            positioned.push((
                position,
                SetInfo {
                    name: set.name.as_text().unwrap_or_else(|| id.clone()),
                    id,
                    price_minor,
                    with_seats: set.with_seats.as_flag(),
                    amount_vacant: set.amount_vacant.as_count().map_or(0, |left| u32::try_from(left).unwrap_or(u32::MAX)),
                    sector_name,
                },
            ));
        }
        positioned.sort_by_key(|(position, _)| *position);
        let earliest_boundary = boundaries.into_iter().min();
        let prices_valid_until = match (earliest_boundary, now) {
            // Past already: the upstream still calls an ended rule current.
            (Some(until), Some(now)) if until <= now => Some(now + OVERDUE_RULE_RECHECK_SECONDS),
            (until, _) => until,
        };
        EventSets {
            event_id: listed_event_ref(event).map(|found| found.upstream_id).unwrap_or_default(),
            sets: positioned.into_iter().map(|(_, set)| set).collect(),
            known_set_ids,
            listing_page: listing_page.max(1),
            read_at: now.unwrap_or(0),
            prices_valid_until,
        }
    }

    /// When the prices read with these sets stop being right (unix seconds).
    pub fn prices_valid_until(&self) -> Option<i64> {
        self.prices_valid_until
    }

    /// The listing page the event was found on.
    pub fn listing_page(&self) -> u32 {
        self.listing_page
    }

    /// Whether the listing must be read again before these sets are used at
    /// `now`: a rule in force ended, or admission counts or the sets are too
    /// old.
    pub fn needs_reading(&self, now: i64) -> bool {
        let lifetime = if self.has_admissions() { ADMISSION_COUNTS_FRESH_FOR_SECONDS } else { SETS_FRESH_FOR_SECONDS };
        let too_old = now >= self.read_at.saturating_add(lifetime) || now < self.read_at;
        let prices_ended = self.prices_valid_until.is_some_and(|until| now >= until);
        too_old || prices_ended
    }

    /// Sets that are (or may be) general admission: their counts come from
    /// the listing.
    fn has_admissions(&self) -> bool {
        self.sets.iter().any(|set| set.with_seats != Some(true))
    }

    /// Whether a seated ticket names a set the listing was not asked about.
    fn misses_a_set_of(&self, tickets: &[TicketscloudTicket]) -> bool {
        seated_set_ids(tickets).any(|set_id| !self.known_set_ids.contains(&set_id))
    }

    /// Notes the sets `tickets` name, read along with the listing: sets the
    /// listing does not have (or no longer) are not asked about again.
    fn know_sets_of(&mut self, tickets: &[TicketscloudTicket]) {
        self.known_set_ids.extend(seated_set_ids(tickets));
    }
}

/// The set ids seated tickets name.
fn seated_set_ids(tickets: &[TicketscloudTicket]) -> impl Iterator<Item = String> + '_ {
    tickets.iter().filter(|ticket| ticket.seat.as_ref().is_some()).filter_map(|ticket| ticket.set.as_text())
}

/// A price rule, read.
struct RuleReading {
    start: Option<i64>,
    end: Option<i64>,
    current: bool,
    price_minor: Option<i64>,
}

/// The price of the rule in force (the one marked `current`, else the one
/// whose period holds `now`) and when that price may change: the rule's end,
/// or without a rule in force the next rule's start.
fn rule_in_force(set: &TicketscloudSet, now: Option<i64>) -> (Option<i64>, Option<i64>) {
    let rules: Vec<RuleReading> = set
        .rules
        .items
        .iter()
        .map(|rule| {
            let cal = rule.cal.as_text().unwrap_or_default();
            RuleReading {
                start: parse_vevent_start(&cal, FALLBACK_ZONE).map(|instant| instant.timestamp()),
                end: parse_vevent_end(&cal, FALLBACK_ZONE).map(|instant| instant.timestamp()),
                current: rule.current.as_flag() == Some(true),
                price_minor: rule.price.as_minor_units().filter(|price| *price >= 0),
            }
        })
        .collect();
    let in_force = rules.iter().find(|rule| rule.current).or_else(|| {
        let now = now?;
        rules.iter().find(|rule| rule.start.is_some_and(|start| start <= now) && rule.end.is_some_and(|end| now < end))
    });
    match in_force {
        Some(rule) => (rule.price_minor, rule.end),
        None => {
            let next_start = now.and_then(|now| rules.iter().filter_map(|rule| rule.start).filter(|start| *start > now).min());
            (None, next_start)
        }
    }
}

/// A seated ticket, before placing.
struct TicketReading {
    id: String,
    set_index: usize,
    sector: String,
    row: String,
    place: String,
    available: bool,
}

/// One round: the event's sets from the listing page that has it, and its
/// tickets (tests and tools; a show's owner reads with [`TicketscloudHallRead`]).
pub fn parse_hall(
    event: &EventRef,
    show_id: &str,
    events_response: &UpstreamResponse,
    tickets_response: &UpstreamResponse,
) -> Result<Hall, UpstreamError> {
    let listing = read_listing(events_response)?;
    let upstream_event = listing
        .events
        .iter()
        .find(|candidate| public_event_ref(candidate).is_some_and(|found| found.upstream_id == event.upstream_id))
        .ok_or(UpstreamError::NotFound { what: MissingThing::Event })?;
    if show_id != event.upstream_id {
        return Err(UpstreamError::NotFound { what: MissingThing::Show });
    }
    let tickets = read_tickets(tickets_response)?;
    hall_from_sets(event, show_id, &EventSets::of_event(upstream_event, 1, None), &tickets.items)
}

/// The `/tickets` answer.
fn read_tickets(response: &UpstreamResponse) -> Result<TopLevelList<TicketscloudTicket>, UpstreamError> {
    check_http_status(response)?;
    let tickets: TopLevelList<TicketscloudTicket> =
        serde_json::from_str(&response.body).map_err(|_| unreadable("ticket listing is not JSON"))?;
    if !tickets.was_a_list {
        return Err(unreadable("ticket listing is not a list"));
    }
    Ok(tickets)
}

/// The hall of `event` from its sets and its tickets.
fn hall_from_sets(
    event: &EventRef,
    show_id: &str,
    event_sets: &EventSets,
    tickets: &[TicketscloudTicket],
) -> Result<Hall, UpstreamError> {
    let sets = &event_sets.sets;
    let set_index_by_id: HashMap<&str, usize> = sets.iter().enumerate().map(|(index, set)| (set.id.as_str(), index)).collect();
    let mut draft = HallDraft::new(event.public_id(), show_id.to_string());
    // An order takes promo codes (`promocodes`); see `promocodes.rs`.
    draft.accept_promocodes();
    for set in sets {
        draft.declare_zone(&set.id, &set.name);
    }

    let readings = seated_tickets(tickets, sets, &set_index_by_id);
    let (sector_of_reading, captions) = sectors_and_captions(&readings, sets);
    let plan_seats: Vec<PlanSeat<'_>> = readings
        .iter()
        .zip(&sector_of_reading)
        .map(|(reading, &block)| PlanSeat { block, row: &reading.row, place: &reading.place })
        .collect();
    let plan = generate_plan(&captions, &plan_seats);
    for &index in &plan.order {
        let reading = &readings[index];
        let set = &sets[reading.set_index];
        let (x, y) = plan.positions[index];
        draft.add_seat(PlacedSeat {
            id: reading.id.clone(),
            zone_id: set.id.clone(),
            row: reading.row.clone(),
            place: reading.place.clone(),
            x,
            y,
            price_minor: set.price_minor,
            available: reading.available,
        });
    }

    let sets_with_seated_tickets: HashSet<usize> = readings.iter().map(|reading| reading.set_index).collect();
    for (index, set) in sets.iter().enumerate() {
        let is_admission = match set.with_seats {
            Some(with_seats) => !with_seats,
            None => !sets_with_seated_tickets.contains(&index),
        };
        if is_admission {
            draft.add_admission(&set.id, &set.id, set.price_minor, set.amount_vacant);
        }
    }
    let mut hall = draft.finish(Geometry::Generated, plan.labels, None)?;
    hall.prices_valid_until = event_sets.prices_valid_until;
    Ok(hall)
}

/// Where a [`TicketscloudHallRead`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    /// A listing page was asked for; `from_hint`: the scan began at the page
    /// the event was on last time, not at page 1.
    Listing {
        page: u32,
        from_hint: bool,
    },
    Tickets,
}

/// One read of a TicketsCloud hall by its owner: `/tickets` alone while the
/// kept sets are good; otherwise the listing first, then `/tickets`; and the
/// listing once more if a ticket names a set the kept ones lack.
pub struct TicketscloudHallRead {
    adapter: TicketscloudAdapter,
    event: EventRef,
    show_id: String,
    now: i64,
    sets: Option<EventSets>,
    /// This read has read the listing (the sets are as fresh as can be).
    listing_read: bool,
    /// The `/tickets` answer, kept while the listing is read after it.
    tickets: Option<UpstreamResponse>,
    phase: Phase,
}

impl TicketscloudHallRead {
    pub fn new(adapter: TicketscloudAdapter, event: EventRef, show_id: String, memo: Option<&SeatingMemo>, now: i64) -> Self {
        let sets = match memo {
            Some(SeatingMemo::Ticketscloud(sets)) if sets.event_id == event.upstream_id => Some(sets.clone()),
            _ => None,
        };
        TicketscloudHallRead { adapter, event, show_id, now, sets, listing_read: false, tickets: None, phase: Phase::Start }
    }

    fn listing_page(&mut self, page: u32, from_hint: bool) -> HallStep {
        self.phase = Phase::Listing { page, from_hint };
        HallStep::Send(vec![self.adapter.listing_page_request(page)])
    }

    fn tickets(&mut self) -> HallStep {
        self.phase = Phase::Tickets;
        HallStep::Send(vec![self.adapter.tickets_request(&self.event)])
    }

    /// The listing, from the page the event was on last time.
    fn listing_from_hint(&mut self) -> HallStep {
        let page = self.sets.as_ref().map_or(1, EventSets::listing_page);
        self.listing_page(page, page > 1)
    }

    fn on_listing_page(&mut self, page: u32, from_hint: bool, answer: &UpstreamResponse) -> Result<HallStep, UpstreamError> {
        let listing = read_listing(answer)?;
        let found = listing
            .events
            .iter()
            .find(|candidate| listed_event_ref(candidate).is_some_and(|found| found.upstream_id == self.event.upstream_id));
        if let Some(found) = found {
            if !is_public(found) {
                return Err(UpstreamError::NotFound { what: MissingThing::Event });
            }
            self.sets = Some(EventSets::of_event(found, page, Some(self.now)));
            self.listing_read = true;
            return match self.tickets.take() {
                Some(tickets) => self.finish(&tickets),
                None => Ok(self.tickets()),
            };
        }
        if listing.has_more(page) && page < MAX_CATALOGUE_PAGES {
            return Ok(self.listing_page(page + 1, from_hint));
        }
        if from_hint {
            // Not from where it was (events before it ended, or it moved): from the start.
            return Ok(self.listing_page(1, false));
        }
        Err(UpstreamError::NotFound { what: MissingThing::Event })
    }

    fn finish(&mut self, tickets_response: &UpstreamResponse) -> Result<HallStep, UpstreamError> {
        let tickets = read_tickets(tickets_response)?;
        let mut sets = self.sets.clone().ok_or_else(|| unreadable("event sets missing"))?;
        if self.listing_read {
            sets.know_sets_of(&tickets.items);
        }
        let hall = hall_from_sets(&self.event, &self.show_id, &sets, &tickets.items)?;
        Ok(HallStep::Done(Box::new(HallReadOutcome { hall, memo: Some(SeatingMemo::Ticketscloud(sets)) })))
    }
}

impl HallRead for TicketscloudHallRead {
    fn step(&mut self, answers: Vec<UpstreamResponse>) -> Result<HallStep, UpstreamError> {
        let phase = self.phase;
        let answer = match phase {
            Phase::Start => {
                if self.show_id != self.event.upstream_id {
                    return Err(UpstreamError::NotFound { what: MissingThing::Show });
                }
                return Ok(match &self.sets {
                    Some(sets) if !sets.needs_reading(self.now) => self.tickets(),
                    _ => self.listing_from_hint(),
                });
            }
            _ => {
                let [answer]: [UpstreamResponse; 1] =
                    answers.try_into().map_err(|_| UpstreamError::BadResponse { what: "expected 1 upstream response".into() })?;
                answer
            }
        };
        match phase {
            Phase::Listing { page, from_hint } => self.on_listing_page(page, from_hint, &answer),
            _ => {
                let needs_listing = match (&self.sets, self.listing_read) {
                    (Some(sets), false) => sets.misses_a_set_of(&read_tickets(&answer)?.items),
                    _ => false,
                };
                if needs_listing {
                    // A set the kept ones lack: the sets changed upstream.
                    self.tickets = Some(answer);
                    return Ok(self.listing_from_hint());
                }
                self.finish(&answer)
            }
        }
    }
}

/// Tickets that are seats of a sellable seated set, first of each id only.
fn seated_tickets(
    tickets: &[TicketscloudTicket],
    sets: &[SetInfo],
    set_index_by_id: &HashMap<&str, usize>,
) -> Vec<TicketReading> {
    let mut seen = HashSet::new();
    tickets
        .iter()
        .filter_map(|ticket| {
            let id = ticket.id.as_text()?;
            let seat = ticket.seat.as_ref()?;
            let set_index = *set_index_by_id.get(ticket.set.as_text()?.as_str())?;
            if sets[set_index].with_seats == Some(false) || !seen.insert(id.clone()) {
                return None;
            }
            Some(TicketReading {
                id,
                set_index,
                sector: seat.sector.as_text().unwrap_or_default(),
                row: seat.row.as_text().unwrap_or_default(),
                place: seat.number.as_text().unwrap_or_default(),
                available: ticket.status.as_text().is_some_and(|status| status.eq_ignore_ascii_case("vacant")),
            })
        })
        .collect()
}

/// Assigns each reading a block (one per sector) and captions the blocks.
/// Sectors are ordered by the lowest `pos` of their sets, then by first
/// appearance.
fn sectors_and_captions(readings: &[TicketReading], sets: &[SetInfo]) -> (Vec<usize>, Vec<String>) {
    struct SectorInfo {
        first_seen: usize,
        sets: Vec<usize>,
    }
    let mut sectors: Vec<(String, SectorInfo)> = Vec::new();
    let mut sector_lookup: HashMap<&str, usize> = HashMap::new();
    for (position, reading) in readings.iter().enumerate() {
        let index = *sector_lookup.entry(reading.sector.as_str()).or_insert_with(|| {
            sectors.push((reading.sector.clone(), SectorInfo { first_seen: position, sets: Vec::new() }));
            sectors.len() - 1
        });
        if !sectors[index].1.sets.contains(&reading.set_index) {
            sectors[index].1.sets.push(reading.set_index);
        }
    }
    // `sets` is already sorted by pos, so a set's index orders like its pos.
    let mut block_order: Vec<usize> = (0..sectors.len()).collect();
    block_order.sort_by_key(|&sector| {
        let info = &sectors[sector].1;
        (info.sets.iter().min().copied().unwrap_or(usize::MAX), info.first_seen)
    });
    let mut block_of_sector = vec![0; sectors.len()];
    for (block, &sector) in block_order.iter().enumerate() {
        block_of_sector[sector] = block;
    }
    // For "Партер, сектор N": the blocks each set appears in, in block order.
    let mut blocks_of_set: HashMap<usize, Vec<usize>> = HashMap::new();
    for (block, &sector) in block_order.iter().enumerate() {
        for &set in &sectors[sector].1.sets {
            blocks_of_set.entry(set).or_default().push(block);
        }
    }
    let captions = block_order
        .iter()
        .enumerate()
        .map(|(block, &sector)| {
            let owning_sets = &sectors[sector].1.sets;
            if let Some(name) = owning_sets.iter().find_map(|&set| sets[set].sector_name.clone()) {
                return name;
            }
            match owning_sets.as_slice() {
                [only_set] => {
                    let set_blocks = blocks_of_set.get(only_set).map(Vec::as_slice).unwrap_or(&[]);
                    if set_blocks.len() <= 1 {
                        sets[*only_set].name.clone()
                    } else {
                        let number = set_blocks.iter().position(|&other| other == block).unwrap_or(0) + 1;
                        format!("{}, сектор {number}", sets[*only_set].name)
                    }
                }
                several_sets => {
                    let names: Vec<&str> = several_sets.iter().map(|&set| sets[set].name.as_str()).collect();
                    shared_leading_words(&names).unwrap_or_else(|| format!("Сектор {}", block + 1))
                }
            }
        })
        .collect();
    let sector_of_reading = readings.iter().map(|reading| block_of_sector[sector_lookup[reading.sector.as_str()]]).collect();
    (sector_of_reading, captions)
}

/// The words several set names start with ("Партер VIP" + "Партер" →
/// "Партер"), or `None` when they share none.
fn shared_leading_words(names: &[&str]) -> Option<String> {
    let (first, others) = names.split_first()?;
    let mut shared: Vec<&str> = first.split_whitespace().collect();
    for name in others {
        let common = shared.iter().zip(name.split_whitespace()).take_while(|(left, right)| *left == right).count();
        shared.truncate(common);
    }
    let caption = shared.join(" ");
    let caption = caption.trim_end_matches([',', '-', '—', '–', ':', ' ']);
    (!caption.is_empty()).then(|| caption.to_string())
}

#[cfg(test)]
mod tests {
    use super::shared_leading_words;

    #[test]
    fn captions_a_shared_sector_by_the_words_its_sets_share() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["Партер VIP", "Партер"], Some("Партер")),
            (&["Амфитеатр, левая сторона", "Амфитеатр, правая сторона"], Some("Амфитеатр")),
            (&["Ложа A", "Ложа B", "Ложа C"], Some("Ложа")),
            (&["VIP", "Эконом"], None),
            (&[], None),
        ];
        for &(names, expected) in cases {
            assert_eq!(shared_leading_words(names).as_deref(), expected, "{names:?}");
        }
    }
}
