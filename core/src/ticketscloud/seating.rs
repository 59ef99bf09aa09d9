//! TicketsCloud event sets + ticket listing → layout + availability.
//!
//! The ticket listing says which seat each ticket is (sector, row, number),
//! which set (price category) it belongs to and its status, but has neither
//! prices nor coordinates. So:
//! - zones are the event's sets (from the catalogue answer), ordered by `pos`;
//! - each ticket of a seated set is one seat: id = ticket id, price = its set's
//!   price, available = status `vacant` (`reserved`/`sold` are not);
//! - seats are drawn on a generated plan, one block per sector, captioned with
//!   the name of the set that owns the sector ("Партер"); a set spanning
//!   several sectors gives "Партер, сектор N"; a sector shared by several sets
//!   is captioned with the words their names share ("Партер VIP" + "Партер"
//!   → "Партер"), else "Сектор N" (N = its block number);
//! - each set without seats (`with_seats: false`) is one admission with
//!   `amount_vacant` left.
//!
//! Limitation: the sets come from catalogue page 1 at 500 events per page; an
//! event beyond the account's first 500 is reported as not found.

use std::collections::{HashMap, HashSet};

use ticket_contract::Geometry;

use super::catalogue::{public_event_ref, read_events};
use super::wire::{TicketscloudEvent, TicketscloudSet, TicketscloudTicket, TopLevelList};
use super::{check_http_status, unreadable};
use crate::generated_plan::{generate_plan, PlanSeat};
use crate::hall_builder::{HallDraft, PlacedSeat};
use crate::ids::EventRef;
use crate::lenient::ObjectOrText;
use crate::provider::Hall;
use crate::upstream::{MissingThing, UpstreamError, UpstreamResponse};

/// A set we can sell from (it has a readable id and price).
struct SetInfo {
    id: String,
    name: String,
    price_minor: i64,
    with_seats: Option<bool>,
    amount_vacant: u32,
    /// A sector name, when the set's `sector` is an object that has one.
    sector_name: Option<String>,
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

pub fn parse_hall(
    event: &EventRef,
    show_id: &str,
    events_response: &UpstreamResponse,
    tickets_response: &UpstreamResponse,
) -> Result<Hall, UpstreamError> {
    let listing = read_events(events_response)?;
    let upstream_event = listing
        .items
        .iter()
        .find(|candidate| public_event_ref(candidate).is_some_and(|found| found.upstream_id == event.upstream_id))
        .ok_or(UpstreamError::NotFound { what: MissingThing::Event })?;
    if show_id != event.upstream_id {
        return Err(UpstreamError::NotFound { what: MissingThing::Show });
    }
    check_http_status(tickets_response)?;
    let tickets: TopLevelList<TicketscloudTicket> =
        serde_json::from_str(&tickets_response.body).map_err(|_| unreadable("ticket listing is not JSON"))?;
    if !tickets.was_a_list {
        return Err(unreadable("ticket listing is not a list"));
    }

    let sets = sellable_sets(upstream_event);
    let set_index_by_id: HashMap<&str, usize> = sets.iter().enumerate().map(|(index, set)| (set.id.as_str(), index)).collect();
    let mut draft = HallDraft::new(event.public_id(), show_id.to_string());
    // An order takes promo codes (`promocodes`); see `promocodes.rs`.
    draft.accept_promocodes();
    for set in &sets {
        draft.declare_zone(&set.id, &set.name);
    }

    let readings = seated_tickets(&tickets.items, &sets, &set_index_by_id);
    let (sector_of_reading, captions) = sectors_and_captions(&readings, &sets);
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
    draft.finish(Geometry::Generated, plan.labels, None)
}

/// The event's sets with an id and a price, ordered by `pos` (stable).
fn sellable_sets(event: &TicketscloudEvent) -> Vec<SetInfo> {
    let mut positioned: Vec<(i64, SetInfo)> = event
        .sets
        .items
        .iter()
        .filter_map(|set: &TicketscloudSet| {
            let id = set.id.as_text()?;
            let price_minor = set.price.as_minor_units().filter(|price| *price >= 0)?;
            let position = set.pos.as_text().and_then(|pos| pos.parse::<i64>().ok()).unwrap_or(0);
            let sector_name = match &set.sector.0 {
                Some(ObjectOrText::Object(sector)) => sector.name.0.clone(),
                _ => None,
            };
            Some((
                position,
                SetInfo {
                    name: set.name.as_text().unwrap_or_else(|| id.clone()),
                    id,
                    price_minor,
                    with_seats: set.with_seats.as_flag(),
                    amount_vacant: set.amount_vacant.as_count().map_or(0, |left| u32::try_from(left).unwrap_or(u32::MAX)),
                    sector_name,
                },
            ))
        })
        .collect();
    positioned.sort_by_key(|(position, _)| *position);
    positioned.into_iter().map(|(_, set)| set).collect()
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
