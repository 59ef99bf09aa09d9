//! QTickets `events/lists` → contract events.
//!
//! The listing has one row per show; rows of one `event_id` become one
//! [`EventSummary`] with its shows sorted by start. Start times arrive in local
//! time with an offset; when the city's IANA zone is known they are converted
//! to it anyway, so all times of a venue carry the same, correct offset. The
//! listing has no prices (`price_from: None`): they come with the seat listing.
//!
//! Rows that cannot be offered (no usable id, title or start time) are skipped
//! rather than failing the whole catalogue.

use std::collections::HashMap;

use ticket_contract::{EventSummary, Provider, ShowSummary, Venue};

use super::wire::{QticketsCity, QticketsListingDocument, QticketsShowRow};
use super::{check_http_status, check_status_fields, read_object, unreadable};
use crate::ids::{parse_event_id, parse_show_id, public_event_id, EventRef};
use crate::lenient::{ObjectOrText, Scalar};
use crate::provider::{compare_start_times, merge_catalogues, CataloguePage};
use crate::upstream::{UpstreamError, UpstreamResponse};
use crate::venue_time::{format_in_zone, format_with_offset, known_zone, parse_offset_time, zone_name_for_offset, FALLBACK_ZONE};

/// Parses the whole listing (QTickets has a single page).
pub fn parse_listing(response: &UpstreamResponse) -> Result<CataloguePage, UpstreamError> {
    check_http_status(response)?;
    let document: QticketsListingDocument = read_object(&response.body, "event listing")?;
    check_status_fields(&document.status, &document.code)?;
    let rows = if document.result.was_a_collection {
        document.result.items
    } else if document.data.was_a_collection {
        document.data.items
    } else {
        return Err(unreadable("event listing has no `result` list"));
    };

    let mut events: Vec<EventSummary> = Vec::new();
    let mut position_by_event: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let Some(event) = event_ref_of(row) else { continue };
        let shows = shows_of(row, &event);
        if shows.is_empty() {
            continue;
        }
        let position = match position_by_event.get(&event.upstream_id) {
            Some(&position) => position,
            None => {
                let Some(summary) = summary_of(row, &event, &shows) else { continue };
                position_by_event.insert(event.upstream_id.clone(), events.len());
                events.push(summary);
                events.len() - 1
            }
        };
        let known_shows = &mut events[position].shows;
        for show in shows {
            if !known_shows.iter().any(|known| known.id == show.id) {
                known_shows.push(show);
            }
        }
    }
    for event in &mut events {
        event.shows.sort_by(|left, right| compare_start_times(&left.starts_at, &right.starts_at));
    }
    Ok(CataloguePage { events: merge_catalogues(vec![events]), has_more: false })
}

/// The row's event, if its id is one we would accept back from a browser.
fn event_ref_of(row: &QticketsShowRow) -> Option<EventRef> {
    let upstream_id = row.event_id.as_text().or_else(|| row.id.as_text())?;
    parse_event_id(&public_event_id(Provider::Qtickets, &upstream_id)).ok()
}

fn city_of(row: &QticketsShowRow) -> (Option<String>, Option<String>) {
    match &row.city.0 {
        Some(ObjectOrText::Object(QticketsCity { name, timezone })) => (name.as_text(), timezone.as_text()),
        Some(ObjectOrText::Text(name)) => (Scalar::Text(name.clone()).as_text(), None),
        None => (None, None),
    }
}

/// The shows a row describes: the Partners shape has one (`show_id`,
/// `start_date`), the REST shape a `shows` list.
fn shows_of(row: &QticketsShowRow, event: &EventRef) -> Vec<ShowSummary> {
    let (_, timezone_name) = city_of(row);
    let venue_zone = known_zone(timezone_name.as_deref());
    let mut candidates: Vec<(&Scalar, &Scalar)> = vec![(&row.show_id, &row.start_date)];
    candidates.extend(row.shows.items.iter().map(|show| (&show.id, &show.start_date)));
    candidates
        .into_iter()
        .filter_map(|(show_id, start_date)| {
            let show_id = parse_show_id(event, &show_id.as_text()?).ok()?;
            let local_start = parse_offset_time(&start_date.as_text()?)?;
            let starts_at = match venue_zone {
                Some(zone) => format_in_zone(&local_start, zone),
                None => format_with_offset(&local_start),
            };
            Some(ShowSummary { id: show_id, starts_at })
        })
        .collect()
}

fn summary_of(row: &QticketsShowRow, event: &EventRef, shows: &[ShowSummary]) -> Option<EventSummary> {
    let title = row.event_name.as_text().or_else(|| row.name.as_text())?;
    let scheme = row.scheme.as_ref();
    let venue_name = scheme
        .and_then(|scheme| scheme.place_name.as_text().or_else(|| scheme.name.as_text()))
        .or_else(|| row.place_name.as_text())
        .unwrap_or_default();
    let address = scheme.and_then(|scheme| scheme.place_address.as_text()).or_else(|| row.place_address.as_text());
    let (city, timezone_name) = city_of(row);
    let timezone = match known_zone(timezone_name.as_deref()) {
        Some(zone) => zone.name().to_string(),
        // No usable zone: name the offset the upstream gave with the first show.
        None => shows
            .first()
            .and_then(|show| parse_offset_time(&show.starts_at))
            .map(|start| zone_name_for_offset(*start.offset()))
            .unwrap_or_else(|| FALLBACK_ZONE.name().to_string()),
    };
    Some(EventSummary {
        id: event.public_id(),
        provider: Provider::Qtickets,
        title,
        venue: Venue { name: venue_name, address, city: city.unwrap_or_default(), timezone },
        shows: Vec::new(),
        price_from: None,
    })
}
