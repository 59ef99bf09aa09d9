//! The one trait between the providers, and what it returns.
//!
//! QTickets and TicketsCloud differ in every detail (one row per show vs. one
//! event per date, pixel coordinates vs. none, errors in a 200 vs. HTTP
//! statuses). Each adapter hides that behind [`ProviderAdapter`], which is
//! data-in/data-out: it builds [`UpstreamRequest`]s and parses
//! [`UpstreamResponse`]s, and the Worker glue is a thin loop that performs the
//! requests in between. Nothing outside `qtickets/` and `ticketscloud/` needs to
//! know which provider an event came from.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::DateTime;
use ticket_contract::{availability_bits, Availability, EventSummary, Layout, Money, Provider};

use crate::ids::EventRef;
use crate::qtickets::QticketsAdapter;
use crate::ticketscloud::TicketscloudAdapter;
use crate::upstream::{UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse};

/// A safety stop for the catalogue loop: no provider is read beyond this many
/// pages, whatever `has_more` says.
pub const MAX_CATALOGUE_PAGES: u32 = 20;

/// One page of a provider's catalogue, already in contract form.
#[derive(Debug, Clone, PartialEq)]
pub struct CataloguePage {
    pub events: Vec<EventSummary>,
    /// Whether page `page + 1` may hold more events.
    pub has_more: bool,
}

/// Everything needed to draw and sell one show's hall.
#[derive(Debug, Clone, PartialEq)]
pub struct Hall {
    pub layout: Layout,
    /// `availability.layout_version == layout.version` always.
    pub availability: Availability,
    /// The upstream's own change marker, when it has one (QTickets
    /// `last_update_hash`); TicketsCloud has none.
    pub upstream_version: Option<String>,
    /// When the prices in this layout stop being right (unix seconds): the
    /// end of a price rule in force (TicketsCloud set `rules`). No copy of
    /// the layout is served past it without reading the hall again.
    pub prices_valid_until: Option<i64>,
}

impl Hall {
    /// The cheapest ticket a buyer can take right now (an available seat or an
    /// admission with places left): the catalogue's "from N ₽" for providers
    /// whose listing carries no prices. `None` when nothing is on sale.
    pub fn lowest_price_on_sale(&self) -> Option<Money> {
        let seats_available = availability_bits::decode(&self.availability.seats_available, self.layout.seats.len())?;
        let seat_prices =
            self.layout.seats.iter().zip(seats_available).filter(|(_, available)| *available).map(|(seat, _)| seat.price);
        let admission_prices = self.layout.admissions.iter().filter_map(|admission| {
            let left = self.availability.admissions.iter().find(|entry| entry.id == admission.id)?;
            (left.quantity_left > 0).then_some(admission.price)
        });
        seat_prices.chain(admission_prices).filter(|price| price.minor > 0).min()
    }
}

/// The contract every provider adapter fulfils.
pub trait ProviderAdapter {
    fn provider(&self) -> Provider;

    /// Catalogue is read page by page; page numbers start at 1.
    fn catalogue_request(&self, page: u32) -> UpstreamRequest;

    fn parse_catalogue_page(&self, page: u32, response: &UpstreamResponse) -> Result<CataloguePage, UpstreamError>;

    /// Requests needed to draw one show's hall; the caller performs them (in
    /// parallel) and passes the responses back in the same order.
    /// `event` and `show_id` must come from [`crate::ids`].
    fn seating_requests(&self, event: &EventRef, show_id: &str) -> Vec<UpstreamRequest>;

    fn parse_seating(&self, event: &EventRef, show_id: &str, responses: &[UpstreamResponse]) -> Result<Hall, UpstreamError>;

    /// One read of a show's hall as its owner makes it, in rounds of
    /// requests ([`HallRead`]). `memo` is what the previous read of this hall
    /// left ([`HallReadOutcome::memo`]); `now` is unix seconds. By default one
    /// round of [`ProviderAdapter::seating_requests`] and nothing kept.
    fn hall_read<'a>(&'a self, event: &EventRef, show_id: &str, memo: Option<&SeatingMemo>, now: i64) -> Box<dyn HallRead + 'a> {
        let _ = (memo, now);
        Box::new(OneRoundHallRead { adapter: self, event: event.clone(), show_id: show_id.to_owned(), sent: false })
    }
}

/// What a show's owner keeps between two reads of its hall, for a provider
/// whose hall read needs more than the hall's own listing; opaque to the
/// glue, which keeps it with the hall and passes it back.
#[derive(Debug, Clone, PartialEq)]
pub enum SeatingMemo {
    /// The event's sets from the events listing (names, prices and their
    /// rules, admission counts) and where in the listing it was found.
    Ticketscloud(crate::ticketscloud::seating::EventSets),
}

/// A hall read's next move.
#[derive(Debug)]
pub enum HallStep {
    /// Send these requests (in parallel) and pass the answers back in order.
    Send(Vec<UpstreamRequest>),
    /// The read is over.
    Done(Box<HallReadOutcome>),
}

/// What a hall read brings back.
#[derive(Debug, Clone, PartialEq)]
pub struct HallReadOutcome {
    pub hall: Hall,
    /// To keep for the next read of the same hall.
    pub memo: Option<SeatingMemo>,
}

/// The most rounds a hall read takes (a bound for the glue's loop): a
/// listing read page by page, the hall's own listing, once more.
pub const MAX_HALL_READ_ROUNDS: u32 = 2 * MAX_CATALOGUE_PAGES + 4;

/// A hall read as a state machine: the glue calls [`HallRead::step`] with
/// no answers first, then with the answers to each `Send`, until `Done` or an
/// error (an upstream failure of any request ends the read).
pub trait HallRead {
    fn step(&mut self, answers: Vec<UpstreamResponse>) -> Result<HallStep, UpstreamError>;
}

/// [`ProviderAdapter::hall_read`] for adapters that read a hall in one round.
struct OneRoundHallRead<'a, Adapter: ProviderAdapter + ?Sized> {
    adapter: &'a Adapter,
    event: EventRef,
    show_id: String,
    sent: bool,
}

impl<Adapter: ProviderAdapter + ?Sized> HallRead for OneRoundHallRead<'_, Adapter> {
    fn step(&mut self, answers: Vec<UpstreamResponse>) -> Result<HallStep, UpstreamError> {
        if !self.sent {
            self.sent = true;
            return Ok(HallStep::Send(self.adapter.seating_requests(&self.event, &self.show_id)));
        }
        let hall = self.adapter.parse_seating(&self.event, &self.show_id, &answers)?;
        Ok(HallStep::Done(Box::new(HallReadOutcome { hall, memo: None })))
    }
}

/// Both adapters, configured; the glue picks one by an event's provider.
#[derive(Debug, Clone)]
pub struct Adapters {
    pub qtickets: QticketsAdapter,
    pub ticketscloud: TicketscloudAdapter,
}

impl Adapters {
    pub fn new(qtickets: UpstreamConfig, ticketscloud: UpstreamConfig) -> Adapters {
        Adapters { qtickets: QticketsAdapter::new(qtickets), ticketscloud: TicketscloudAdapter::new(ticketscloud) }
    }

    pub fn for_provider(&self, provider: Provider) -> &dyn ProviderAdapter {
        match provider {
            Provider::Qtickets => &self.qtickets,
            Provider::Ticketscloud => &self.ticketscloud,
        }
    }

    pub fn all(&self) -> [&dyn ProviderAdapter; 2] {
        [&self.qtickets, &self.ticketscloud]
    }
}

/// Checks that the glue passed back as many responses as there were requests.
pub(crate) fn expect_response_count(responses: &[UpstreamResponse], expected: usize) -> Result<(), UpstreamError> {
    if responses.len() == expected {
        Ok(())
    } else {
        Err(UpstreamError::BadResponse { what: format!("expected {expected} upstream responses, got {}", responses.len()) })
    }
}

/// Merges catalogue pages (of one or several providers) into one list, earliest
/// first show first. Events seen twice (a page boundary that moved while we
/// read) are merged: shows united, lowest price kept. Events without a
/// readable date go last; ties are broken by title and id so the order is
/// stable.
pub fn merge_catalogues(pages: Vec<Vec<EventSummary>>) -> Vec<EventSummary> {
    let mut merged: Vec<EventSummary> = Vec::new();
    let mut position_by_id: HashMap<String, usize> = HashMap::new();
    for event in pages.into_iter().flatten() {
        match position_by_id.get(&event.id) {
            Some(&position) => {
                let kept = &mut merged[position];
                for show in event.shows {
                    if !kept.shows.iter().any(|known| known.id == show.id) {
                        kept.shows.push(show);
                    }
                }
                kept.price_from = match (kept.price_from, event.price_from) {
                    (Some(left), Some(right)) => Some(left.min(right)),
                    (left, right) => left.or(right),
                };
            }
            None => {
                position_by_id.insert(event.id.clone(), merged.len());
                merged.push(event);
            }
        }
    }
    for event in &mut merged {
        event
            .shows
            .sort_by(|left, right| compare_start_times(&left.starts_at, &right.starts_at).then_with(|| left.id.cmp(&right.id)));
    }
    merged.sort_by(|left, right| {
        let left_start = left.shows.first().map(|show| show.starts_at.as_str());
        let right_start = right.shows.first().map(|show| show.starts_at.as_str());
        let by_start = match (left_start, right_start) {
            (Some(left), Some(right)) => compare_start_times(left, right),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_start.then_with(|| left.title.cmp(&right.title)).then_with(|| left.id.cmp(&right.id))
    });
    merged
}

/// Orders two RFC 3339 times by instant (offsets differ between venues);
/// unreadable times sort after readable ones.
pub fn compare_start_times(left: &str, right: &str) -> Ordering {
    match (DateTime::parse_from_rfc3339(left), DateTime::parse_from_rfc3339(right)) {
        (Ok(left), Ok(right)) => left.cmp(&right),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => left.cmp(right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{Money, ShowSummary, Venue};

    fn event(id: &str, title: &str, starts: &[&str], price: Option<i64>) -> EventSummary {
        EventSummary {
            id: id.to_string(),
            provider: if id.starts_with("qt:") { Provider::Qtickets } else { Provider::Ticketscloud },
            title: title.to_string(),
            venue: Venue { name: "V".into(), address: None, city: "C".into(), timezone: "Europe/Moscow".into() },
            shows: starts
                .iter()
                .enumerate()
                .map(|(index, start)| ShowSummary { id: format!("{id}-{index}"), starts_at: start.to_string() })
                .collect(),
            price_from: price.map(Money::rub_minor),
        }
    }

    #[test]
    fn merges_pages_by_first_show_instant_across_offsets() {
        let merged = merge_catalogues(vec![
            vec![
                // 10:00 in Vladivostok is 03:00 in Moscow: earlier than 05:00 Moscow.
                event("qt:1", "Moscow", &["2027-03-14T05:00:00+03:00"], None),
                event("qt:2", "No date", &[], None),
            ],
            vec![
                event("tc:aaaaaaaaaaaaaaaaaaaaaaaa", "Vladivostok", &["2027-03-14T10:00:00+10:00"], Some(500)),
                event(
                    "qt:3",
                    "Later, listed with shows out of order",
                    &["2027-05-01T19:00:00+03:00", "2027-04-01T19:00:00+03:00"],
                    None,
                ),
            ],
        ]);
        let order: Vec<&str> = merged.iter().map(|event| event.title.as_str()).collect();
        assert_eq!(order, ["Vladivostok", "Moscow", "Later, listed with shows out of order", "No date"]);
        assert_eq!(merged[2].shows[0].starts_at, "2027-04-01T19:00:00+03:00");
    }

    #[test]
    fn merges_an_event_seen_on_two_pages() {
        let merged = merge_catalogues(vec![
            vec![event("tc:bbbbbbbbbbbbbbbbbbbbbbbb", "Twice", &["2027-01-01T19:00:00+03:00"], Some(900))],
            vec![event("tc:bbbbbbbbbbbbbbbbbbbbbbbb", "Twice", &["2027-01-01T19:00:00+03:00"], Some(400))],
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].shows.len(), 1);
        assert_eq!(merged[0].price_from, Some(Money::rub_minor(400)));
    }
}
