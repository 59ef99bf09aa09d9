//! TicketsCloud v1 REST JSON (`/v1/services/simple/events`,
//! `/v1/resources/events/:id/tickets`), read tolerantly.
//!
//! Shapes follow `api-docs/ticketscloud-distributor-api.txt`. Tolerances: the
//! listing may be a bare array (as in the example) or an object with an
//! `events`/`data` array (as the prose says); names may be plain strings or
//! `{"ru": …, "default": …}` maps; money may be `"104.00"` or a number; seat
//! rows and numbers may be numbers or strings; `lifetime` may be a `VEVENT`
//! text or a `{"start": …}` object.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::lenient::{Loose, LooseList, LooseObjectOrText, LooseTexts, Scalar};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudEvent {
    pub id: Scalar,
    pub status: Scalar,
    pub lifetime: LooseObjectOrText<TicketscloudLifetime>,
    pub title: LooseObjectOrText<TicketscloudTitle>,
    pub venue: Loose<TicketscloudVenue>,
    pub sets: LooseList<TicketscloudSet>,
    /// Present on `refs.events` entries; the venue's city zone is preferred.
    pub timezone: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudLifetime {
    pub start: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudTitle {
    pub text: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudVenue {
    pub name: LocalisedText,
    pub address: LocalisedText,
    pub city: Loose<TicketscloudCity>,
    pub timezone: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudCity {
    pub name: LocalisedText,
    pub timezone: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudSet {
    pub id: Scalar,
    pub pos: Scalar,
    pub name: Scalar,
    pub amount_vacant: Scalar,
    pub price: Scalar,
    pub with_seats: Scalar,
    /// A sector id (text) in the documents; an object with a `name` is used
    /// for the caption when one shows up.
    pub sector: LooseObjectOrText<TicketscloudSector>,
    /// Prices on a schedule (l.3132–3141): each rule has a validity period
    /// (`cal`, a VEVENT) and `current` marks the one in force.
    pub rules: LooseList<TicketscloudPriceRule>,
}

/// One of a set's price rules.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudPriceRule {
    pub id: Scalar,
    /// `BEGIN:VEVENT … DTSTART … DTEND … END:VEVENT`, UTC.
    pub cal: Scalar,
    pub current: Scalar,
    /// The final price (`price_org` + `price_extra`), like the set's `price`.
    pub price: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudSector {
    pub id: Scalar,
    pub name: LocalisedText,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudTicket {
    pub id: Scalar,
    pub seat: Loose<TicketscloudSeat>,
    pub set: Scalar,
    pub status: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudSeat {
    pub number: Scalar,
    pub row: Scalar,
    pub sector: Scalar,
}

/// `{"errors": [...]}` (400/404 and other refusals).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudErrorBody {
    pub errors: LooseTexts,
}

/// A name that is a string, or a map of language → string. Reading prefers
/// `ru`, then `default`, then `en`, then any other language.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LocalisedText(pub Option<String>);

impl<'de> Deserialize<'de> for LocalisedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocalisedVisitor;
        impl<'de> Visitor<'de> for LocalisedVisitor {
            type Value = LocalisedText;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a name or a map of names by language")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LocalisedText, A::Error> {
                let mut best: Option<(u8, String)> = None;
                while let Some((language, name)) = map.next_entry::<String, Scalar>()? {
                    let Some(name) = name.as_text() else { continue };
                    let rank = match language.as_str() {
                        "ru" => 0,
                        "default" => 1,
                        "en" => 2,
                        _ => 3,
                    };
                    if best.as_ref().is_none_or(|(best_rank, _)| rank < *best_rank) {
                        best = Some((rank, name));
                    }
                }
                Ok(LocalisedText(best.map(|(_, name)| name)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LocalisedText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LocalisedText(None))
            }
            fn visit_str<E>(self, value: &str) -> Result<LocalisedText, E> {
                Ok(LocalisedText(Scalar::Text(value.to_string()).as_text()))
            }
            fn visit_i64<E>(self, value: i64) -> Result<LocalisedText, E> {
                Ok(LocalisedText(Some(value.to_string())))
            }
            fn visit_u64<E>(self, value: u64) -> Result<LocalisedText, E> {
                Ok(LocalisedText(Some(value.to_string())))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LocalisedText, E> {
                Ok(LocalisedText(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LocalisedText, E> {
                Ok(LocalisedText(None))
            }
            fn visit_unit<E>(self) -> Result<LocalisedText, E> {
                Ok(LocalisedText(None))
            }
            fn visit_none<E>(self) -> Result<LocalisedText, E> {
                Ok(LocalisedText(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<LocalisedText, D::Error> {
                LocalisedText::deserialize(inner)
            }
        }
        deserializer.deserialize_any(LocalisedVisitor)
    }
}

/// A top-level list: a bare array, or an object holding it under `events`,
/// `data`, `tickets` or `result`. `was_a_list` is false for anything else
/// (`null`, a number, an object without such a key).
#[derive(Debug)]
pub struct TopLevelList<T> {
    pub items: Vec<T>,
    /// How many entries the upstream sent, including ones we could not read
    /// (paging is decided on this count).
    pub raw_len: usize,
    pub was_a_list: bool,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for TopLevelList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopLevelVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for TopLevelVisitor<T> {
            type Value = TopLevelList<T>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a list, or an object holding one")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                collect_list(seq)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found: Option<TopLevelList<T>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if found.is_none() && matches!(key.as_str(), "events" | "data" | "tickets" | "result") {
                        found = map.next_value::<NestedList<T>>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found.unwrap_or(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false }))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(TopLevelList { items: Vec::new(), raw_len: 0, was_a_list: false })
            }
        }
        deserializer.deserialize_any(TopLevelVisitor(PhantomData))
    }
}

/// Reads every entry of a JSON array, keeping the ones that parse and
/// counting all of them (paging is decided on the raw count).
fn collect_list<'de, T: DeserializeOwned, A: SeqAccess<'de>>(mut seq: A) -> Result<TopLevelList<T>, A::Error> {
    let mut items = Vec::new();
    let mut raw_len = 0;
    while let Some(Loose(item)) = seq.next_element::<Loose<T>>()? {
        raw_len += 1;
        items.extend(item);
    }
    Ok(TopLevelList { items, raw_len, was_a_list: true })
}

/// The array under a wrapper key: only arrays count (an object there would be
/// something else, e.g. TicketsCloud's `refs`); anything else is skipped.
struct NestedList<T>(Option<TopLevelList<T>>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for NestedList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NestedVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for NestedVisitor<T> {
            type Value = NestedList<T>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                collect_list(seq).map(|list| NestedList(Some(list)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NestedList(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(NestedList(None))
            }
        }
        deserializer.deserialize_any(NestedVisitor(PhantomData))
    }
}

/// `POST /v2/resources/orders`, `PATCH`/`GET /v2/resources/orders/:id`:
/// `{"data": order, "refs": {…}}`. An order at the top level (no `data`
/// wrapper) is accepted too.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudOrderDocument {
    pub data: Loose<TicketscloudOrder>,
    pub id: Scalar,
    pub status: Scalar,
    pub expired_after: Scalar,
    pub tickets: LooseList<TicketscloudOrderTicket>,
    pub values: Loose<TicketscloudOrderValues>,
}

impl TicketscloudOrderDocument {
    /// The order, wherever it was.
    pub fn into_order(self) -> TicketscloudOrder {
        match self.data.0 {
            Some(order) => order,
            None => TicketscloudOrder {
                id: self.id,
                status: self.status,
                expired_after: self.expired_after,
                tickets: self.tickets,
                vendor_data: Loose(None),
                values: self.values,
            },
        }
    }
}

/// The parts of the order object (l.94–160) a hold needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudOrder {
    pub id: Scalar,
    /// `executed` | `in_progress` | `done` | `cancelled` | `expired`.
    pub status: Scalar,
    /// `"2019-07-25 14:56:11"` (UTC in the simulator; other spellings tolerated).
    pub expired_after: Scalar,
    pub tickets: LooseList<TicketscloudOrderTicket>,
    /// What the distributor wrote into the order (l.2140–2159); we write our
    /// hold id into `order_id`.
    pub vendor_data: Loose<TicketscloudVendorData>,
    /// The order's money (l.133–151): `full` is what the buyer pays.
    pub values: Loose<TicketscloudOrderValues>,
}

/// `values` of an order: totals over its tickets.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudOrderValues {
    pub full: Scalar,
    pub discount: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudVendorData {
    pub order_id: Scalar,
}

/// `GET /v2/resources/orders` (l.2640–2800): `{"data": [orders],
/// "pagination": {"page", "page_size", "total"}, "refs": {…}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudOrderList {
    pub data: LooseList<TicketscloudOrder>,
    pub pagination: Loose<TicketscloudPagination>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudPagination {
    pub page: Scalar,
    pub page_size: Scalar,
    pub total: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketscloudOrderTicket {
    pub id: Scalar,
    pub set: Scalar,
    pub status: Scalar,
    /// `null` until the order is `done`.
    pub barcode: Scalar,
    pub seat: Loose<TicketscloudSeat>,
    /// What this ticket costs the buyer (`nominal` + `extra`), and the
    /// discount already taken off.
    pub full: Scalar,
    pub discount: Scalar,
}
