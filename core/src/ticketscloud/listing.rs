//! The events listing (`GET /v1/services/simple/events`) in both forms the
//! document describes, and where its paging ends.
//!
//! - **Embedded** (the document's example, l.3170–3420): a bare array of
//!   events, each carrying its `venue`, `org`, `partner` and `sets` whole.
//!   An object with the array under `events` (or `data`) is the same thing.
//! - **Normalised** (the document's prose, l.2966–2970): `{"events": [...],
//!   "<entities>": {id: entity, ...}, ...}` — events name their venue,
//!   organiser, partner and sets by id, and the other top-level fields are
//!   maps of each entity present on the page. [`embed_references`] puts the
//!   entities back where the ids are, so one parser reads both forms. The
//!   document does not name the maps; a field `venue` (or `venues`) is looked
//!   up in a map called `venues`, `venue`, …, and a nested id (`venue.city`)
//!   the same way.
//! - **Paging** (l.2971–2972): `page=2&page_size=3` is events 4–6. No total
//!   is documented and a server may send fewer than `page_size` (a cap of its
//!   own), so a page's size says nothing about the end: the listing ends at
//!   the first page with no events (or earlier if the answer carries a
//!   `pagination` total, as the orders list does).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::wire::{TicketscloudEvent, TopLevelList};
use super::{check_http_status, unreadable};
use crate::lenient::{Loose, Scalar};
use crate::upstream::{UpstreamError, UpstreamResponse};

/// How deep references are followed (event → venue → city → country).
const MOST_REFERENCE_DEPTH: usize = 4;

/// One page of the events listing.
pub type EventListing = ListingPage<TicketscloudEvent>;

/// One page of the events listing, each event read as `T` (the catalogue
/// and halls read [`TicketscloudEvent`]; a paid hold reads only the
/// organiser).
#[derive(Debug, Default)]
pub struct ListingPage<T> {
    /// The events that could be read.
    pub events: Vec<T>,
    /// How many entries the page had, readable or not.
    pub entries: usize,
    /// `pagination` of the answer, when it has one (not documented for this
    /// listing; read if present).
    total: Option<u64>,
    page_size: Option<u64>,
}

impl<T> ListingPage<T> {
    /// Whether page `page + 1` may hold more events: this page had some, and
    /// no `pagination` total says they are all read.
    pub fn has_more(&self, page: u32) -> bool {
        if self.entries == 0 {
            return false;
        }
        match (self.total, self.page_size) {
            (Some(total), Some(page_size)) if page_size > 0 => u64::from(page).saturating_mul(page_size) < total,
            _ => true,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListingPagination {
    pagination: Loose<PaginationFields>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PaginationFields {
    total: Scalar,
    page_size: Scalar,
}

/// Checks the status and reads one page of the listing, in either form.
pub fn read_listing(response: &UpstreamResponse) -> Result<EventListing, UpstreamError> {
    read_listing_as(response)
}

/// [`read_listing`], each event read as `T`.
pub fn read_listing_as<T: DeserializeOwned>(response: &UpstreamResponse) -> Result<ListingPage<T>, UpstreamError> {
    check_http_status(response)?;
    let body = response.body.trim_start();
    if !body.starts_with('{') {
        // The embedded form as in the example: read as it streams.
        let listing: TopLevelList<T> = serde_json::from_str(body).map_err(|_| unreadable("event listing is not JSON"))?;
        if !listing.was_a_list {
            return Err(unreadable("event listing is not a list of events"));
        }
        return Ok(ListingPage { events: listing.items, entries: listing.raw_len, total: None, page_size: None });
    }
    let mut document: Value = serde_json::from_str(body).map_err(|_| unreadable("event listing is not JSON"))?;
    let pagination = serde_json::from_value::<ListingPagination>(document.clone()).unwrap_or_default().pagination.0;
    embed_references(&mut document);
    let listing: TopLevelList<T> = serde_json::from_value(document).map_err(|_| unreadable("event listing is not readable"))?;
    if !listing.was_a_list {
        return Err(unreadable("event listing is not a list of events"));
    }
    let (total, page_size) = match pagination {
        Some(fields) => (fields.total.as_count(), fields.page_size.as_count()),
        None => (None, None),
    };
    Ok(ListingPage { events: listing.items, entries: listing.raw_len, total, page_size })
}

/// In a normalised listing, replaces each id an event gives for an entity
/// (`"venue": "5540…"`, `"sets": ["5d31…", …]`) by the entity from the
/// page's map of that kind. Ids with no entity are left as they are (the
/// parser then finds no object there); an embedded listing has nothing to
/// replace.
pub fn embed_references(document: &mut Value) {
    let Value::Object(top) = document else { return };
    let Some(Value::Array(events)) = top.get("events") else { return };
    if events.is_empty() {
        return;
    }
    let mut maps: Map<String, Value> = Map::new();
    for (name, value) in top.iter() {
        if name == "events" {
            continue;
        }
        if let Value::Object(entries) = value {
            // Maps may sit under `refs`, as in the order answers.
            if name == "refs" {
                for (inner_name, inner) in entries {
                    if inner.is_object() {
                        maps.insert(inner_name.clone(), inner.clone());
                    }
                }
            } else {
                maps.insert(name.clone(), value.clone());
            }
        }
    }
    if maps.is_empty() {
        return;
    }
    if let Some(Value::Array(events)) = top.get_mut("events") {
        for event in events.iter_mut() {
            resolve_fields(event, &maps, 0);
        }
    }
}

/// Replaces the ids in `value`'s fields by entities, then looks inside them.
fn resolve_fields(value: &mut Value, maps: &Map<String, Value>, depth: usize) {
    if depth >= MOST_REFERENCE_DEPTH {
        return;
    }
    let Value::Object(fields) = value else { return };
    for (name, field) in fields.iter_mut() {
        if name == "id" {
            continue;
        }
        match field {
            Value::String(_) | Value::Number(_) => {
                if let Some(entity) = entity_for(name, field, maps) {
                    *field = entity;
                    resolve_fields(field, maps, depth + 1);
                }
            }
            Value::Array(items) => {
                let names_entities = items.iter().any(|item| entity_for(name, item, maps).is_some());
                if names_entities {
                    for item in items.iter_mut() {
                        if let Some(entity) = entity_for(name, item, maps) {
                            *item = entity;
                            resolve_fields(item, maps, depth + 1);
                        }
                    }
                }
            }
            Value::Object(_) => resolve_fields(field, maps, depth + 1),
            _ => {}
        }
    }
}

/// The entity `id` stands for in the map named after `field`, if any.
fn entity_for(field: &str, id: &Value, maps: &Map<String, Value>) -> Option<Value> {
    let key = match id {
        Value::String(text) => text.trim().to_string(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    if key.is_empty() {
        return None;
    }
    map_names(field)
        .iter()
        .filter_map(|name| maps.get(name.as_str()))
        .find_map(|map| map.get(&key).filter(|entity| entity.is_object()).cloned())
}

/// The names a map of `field`'s entities may have: `venue` → `venues`,
/// `venue`; `city` → `cities`; `sets` → `sets`, `set`.
fn map_names(field: &str) -> Vec<String> {
    let mut names = vec![format!("{field}s"), field.to_string(), format!("{field}es")];
    if let Some(stem) = field.strip_suffix('y') {
        names.push(format!("{stem}ies"));
    }
    if let Some(singular) = field.strip_suffix('s') {
        names.push(singular.to_string());
    }
    if let Some(stem) = field.strip_suffix("ies") {
        names.push(format!("{stem}y"));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_replaced_by_their_entities() {
        let mut listing = json!({
            "events": [{
                "id": "e1",
                "venue": "v1",
                "org": "o1",
                "sets": ["s1", "s2", "gone"],
                "title": {"text": "T"},
            }],
            "venues": {"v1": {"id": "v1", "name": "Hall", "city": 524901}},
            "cities": {"524901": {"id": 524901, "timezone": "Europe/Moscow"}},
            "orgs": {"o1": {"id": "o1", "name": "Org"}},
            "sets": {"s1": {"id": "s1", "price": "100.00"}, "s2": {"id": "s2", "price": "200.00"}},
        });
        embed_references(&mut listing);
        let event = &listing["events"][0];
        assert_eq!(event["venue"]["name"], "Hall");
        assert_eq!(event["venue"]["city"]["timezone"], "Europe/Moscow");
        assert_eq!(event["org"]["name"], "Org");
        assert_eq!(event["sets"][1]["price"], "200.00");
        assert_eq!(event["sets"][2], "gone", "an id without an entity stays an id");
        assert_eq!(event["id"], "e1");
    }

    #[test]
    fn map_names_cover_plurals() {
        assert!(map_names("city").contains(&"cities".to_string()));
        assert!(map_names("sets").contains(&"set".to_string()));
        assert!(map_names("venue").contains(&"venues".to_string()));
    }

    #[test]
    fn paging_ends_at_an_empty_page_or_a_total() {
        let listing = |entries, total, page_size| EventListing { events: Vec::new(), entries, total, page_size };
        let cases = [
            (listing(3, None, None), 1, true),
            (listing(1, None, None), 7, true),
            (listing(0, None, None), 1, false),
            (listing(3, Some(7), Some(3)), 2, true),
            (listing(1, Some(7), Some(3)), 3, false),
            (listing(3, Some(6), Some(3)), 2, false),
            (listing(3, Some(6), Some(0)), 2, true),
        ];
        for (listing, page, expected) in cases {
            assert_eq!(listing.has_more(page), expected, "{listing:?} page {page}");
        }
    }
}
