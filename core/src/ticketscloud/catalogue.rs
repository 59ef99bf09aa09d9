//! TicketsCloud `/v1/services/simple/events` → contract events.
//!
//! Each upstream event is one [`EventSummary`] with a single show whose id is
//! the event id. Its start is `DTSTART` of the `lifetime` VEVENT (UTC),
//! converted to the venue city's zone. `price_from` is the lowest set price
//! among sets with tickets left (all sets if none has any); a set priced 0
//! (free places, `crate::free_places`) is never the "from" price. Events whose
//! `status` is not `public`, or that lack an id, title or start, are skipped.
//! Pages are read until the listing's end ([`super::listing`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ticket_contract::{EventSummary, Money, Provider, ShowSummary, Venue};

use super::listing::read_listing;
use super::wire::TicketscloudEvent;
use crate::ids::{parse_event_id, public_event_id, EventRef};
use crate::lenient::ObjectOrText;
use crate::provider::{merge_catalogues, CataloguePage};
use crate::upstream::{UpstreamError, UpstreamResponse};
use crate::venue_time::{format_in_zone, known_zone, parse_iso_instant, parse_vevent_start, FALLBACK_ZONE};

/// Parses page `page` of the listing (either form, see [`super::listing`]);
/// `has_more` unless the page was empty (or a `pagination` total says the
/// listing is read): the page size asked for is never assumed to be the one
/// served.
pub fn parse_events_page(response: &UpstreamResponse, page: u32) -> Result<CataloguePage, UpstreamError> {
    let listing = read_listing(response)?;
    let has_more = listing.has_more(page);
    let events = listing.events.iter().filter_map(summary_of).collect();
    Ok(CataloguePage { events: merge_catalogues(vec![events]), has_more })
}

/// The event's validated reference, if it is public and its id is well-formed.
pub(crate) fn public_event_ref(event: &TicketscloudEvent) -> Option<EventRef> {
    if !is_public(event) {
        return None;
    }
    listed_event_ref(event)
}

/// The event's validated reference whatever its status.
pub(crate) fn listed_event_ref(event: &TicketscloudEvent) -> Option<EventRef> {
    parse_event_id(&public_event_id(Provider::Ticketscloud, &event.id.as_text()?)).ok()
}

/// `status: public`: tickets may be sold.
pub(crate) fn is_public(event: &TicketscloudEvent) -> bool {
    event.status.as_text().is_some_and(|status| status.eq_ignore_ascii_case("public"))
}

/// The venue's zone: city zone, venue zone, event zone, else Moscow.
pub(crate) fn venue_zone(event: &TicketscloudEvent) -> Tz {
    let venue = event.venue.as_ref();
    let city_zone = venue.and_then(|venue| venue.city.as_ref()).and_then(|city| city.timezone.as_text());
    let venue_zone = venue.and_then(|venue| venue.timezone.as_text());
    [city_zone, venue_zone, event.timezone.as_text()]
        .into_iter()
        .find_map(|name| known_zone(name.as_deref()))
        .unwrap_or(FALLBACK_ZONE)
}

/// The event's start, from a `VEVENT` text or a `{"start": …}` object.
pub(crate) fn start_of(event: &TicketscloudEvent, zone: Tz) -> Option<DateTime<Utc>> {
    match event.lifetime.0.as_ref()? {
        ObjectOrText::Text(vevent) => parse_vevent_start(vevent, zone),
        ObjectOrText::Object(lifetime) => parse_iso_instant(&lifetime.start.as_text()?),
    }
}

pub(crate) fn summary_of(event: &TicketscloudEvent) -> Option<EventSummary> {
    let event_ref = public_event_ref(event)?;
    let title = match event.title.0.as_ref()? {
        ObjectOrText::Object(title) => title.text.as_text()?,
        ObjectOrText::Text(text) => text.trim().to_string(),
    };
    if title.is_empty() {
        return None;
    }
    let zone = venue_zone(event);
    let starts_at = format_in_zone(&start_of(event, zone)?, zone);
    let venue = event.venue.as_ref();
    Some(EventSummary {
        id: event_ref.public_id(),
        provider: Provider::Ticketscloud,
        title,
        venue: Venue {
            name: venue.and_then(|venue| venue.name.0.clone()).unwrap_or_default(),
            address: venue.and_then(|venue| venue.address.0.clone()),
            city: venue.and_then(|venue| venue.city.as_ref()).and_then(|city| city.name.0.clone()).unwrap_or_default(),
            timezone: zone.name().to_string(),
        },
        shows: vec![ShowSummary { id: event_ref.upstream_id.clone(), starts_at }],
        price_from: price_from(event),
    })
}

fn price_from(event: &TicketscloudEvent) -> Option<Money> {
    let priced: Vec<(i64, bool)> = event
        .sets
        .items
        .iter()
        .filter_map(|set| {
            let price = set.price.as_minor_units().filter(|price| *price > 0)?;
            let has_tickets_left = set.amount_vacant.as_count().is_none_or(|left| left > 0);
            Some((price, has_tickets_left))
        })
        .collect();
    let lowest_on_sale = priced.iter().filter(|(_, left)| *left).map(|(price, _)| *price).min();
    lowest_on_sale.or_else(|| priced.iter().map(|(price, _)| *price).min()).map(Money::rub_minor)
}
