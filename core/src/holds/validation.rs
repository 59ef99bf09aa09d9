//! Hold request bodies and selections, checked before anything goes upstream.
//!
//! Two layers:
//! - [`parse_create`] / [`parse_change`] read the JSON bodies of
//!   `POST /v1/holds` and `PATCH /v1/holds/{id}` strictly: a size limit,
//!   known fields only, the right types, ids in the accepted alphabet, the
//!   buyer normalised ([`super::buyer`]).
//! - [`items_for`] checks a selection against the show's layout (and, when
//!   known, its availability) and turns it into priced [`HoldItem`]s: every id
//!   exists, nothing twice, 1 to `max_places` places, no place priced 0 unless
//!   the partner allows free places ([`crate::free_places`]). The upstream
//!   remains the judge of availability; the availability check here is only a
//!   cheap early "taken", so a buyer with a stale map gets the answer without
//!   an upstream round trip. A change is checked against the availability as
//!   its own hold sees it ([`availability_seen_by_hold`]).
//! - [`best_selection`] answers a create's `best` ("N best seats") with seat
//!   ids chosen by [`crate::best_seats`]; they then go through [`items_for`]
//!   like seats the buyer picked.
//!
//! Errors name a field from our own vocabulary (`seats`, `admission`,
//! `buyer.phone`, `body` for the body as a whole or an unknown field) and
//! never echo the input.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};
use ticket_contract::{
    availability_bits, Availability, BestAvailable, Buyer, ChangeHold, CreateHold, HoldItem, Layout, RefundHold,
};

use super::buyer::normalise_buyer;
use super::record::item_id;
use crate::best_seats::{best_seats, BestSeatsQuery};
use crate::errors::{FieldLocation, ProxyError};
use crate::free_places::refuse_free_items;
use crate::ids::{is_acceptable_item_id, parse_event_id, parse_show_id};

/// Largest hold request body accepted, in bytes.
pub const LARGEST_HOLD_BODY: usize = 16 * 1024;
/// The longest promo code accepted, in characters (the upstream documents
/// no limit; real codes are short words like `SALE10` or `promo5%`).
pub const LONGEST_PROMOCODE: usize = 64;

/// Reads a `POST /v1/holds` body. The event and show ids are validated like
/// ids in URLs and returned in canonical form (`tc:` ids lowercased).
pub fn parse_create(body: &str) -> Result<CreateHold, ProxyError> {
    let object = read_body_object(body)?;
    let mut event = None;
    let mut show = None;
    let mut seats = Vec::new();
    let mut admission = BTreeMap::new();
    let mut best = None;
    for (key, value) in &object {
        match key.as_str() {
            "event" => event = Some(value.as_str().ok_or(ProxyError::InvalidBody { field: "event" })?),
            "show" => show = Some(value.as_str().ok_or(ProxyError::InvalidBody { field: "show" })?),
            "seats" => seats = read_seats(value)?.unwrap_or_default(),
            "admission" => admission = read_admission(value)?.unwrap_or_default(),
            "best" => best = read_best(value)?,
            unknown => return Err(ProxyError::unknown_field(FieldLocation::Body, unknown)),
        }
    }
    // `best` chooses the places: it comes instead of them, not beside them.
    if best.is_some() && (!seats.is_empty() || !admission.is_empty()) {
        return Err(ProxyError::InvalidBody { field: "best" });
    }
    let event = parse_event_id(event.ok_or(ProxyError::InvalidBody { field: "event" })?)?;
    let show = parse_show_id(&event, show.ok_or(ProxyError::InvalidBody { field: "show" })?)?;
    Ok(CreateHold { event: event.public_id(), show, seats, admission, best })
}

/// `null` → `None`; `{"count": N, "zone": "<zone id>" | null}` → the
/// question (a count of at least 1; the partner's maximum is checked with
/// the layout, in [`best_selection`]).
fn read_best(value: &Value) -> Result<Option<BestAvailable>, ProxyError> {
    let fields = match value {
        Value::Null => return Ok(None),
        Value::Object(fields) => fields,
        _ => return Err(ProxyError::InvalidBody { field: "best" }),
    };
    let mut count = None;
    let mut zone = None;
    for (key, value) in fields {
        match key.as_str() {
            "count" => {
                let whole = value.as_u64().and_then(|count| u32::try_from(count).ok()).filter(|&count| count >= 1);
                count = Some(whole.ok_or(ProxyError::InvalidBody { field: "best.count" })?);
            }
            "zone" => {
                zone = match value {
                    Value::Null => None,
                    Value::String(id) if is_acceptable_item_id(id) => Some(id.clone()),
                    _ => return Err(ProxyError::InvalidBody { field: "best.zone" }),
                }
            }
            unknown => return Err(ProxyError::unknown_field(FieldLocation::Body, &format!("best.{unknown}"))),
        }
    }
    let count = count.ok_or(ProxyError::InvalidBody { field: "best.count" })?;
    Ok(Some(BestAvailable { count, zone }))
}

/// Turns a `best` question into the seat ids to hold (in row order), chosen
/// by [`crate::best_seats`] from the layout and the availability the hold
/// is checked against; feed them to [`items_for`] like seats a buyer picked.
///
/// - a count above `max_places` → 400 field `best.count`;
/// - a zone id the layout does not have → 400 field `best.zone`;
/// - no availability of this layout version to choose from → 502
///   `upstream_unavailable` (retry shortly);
/// - no block of that many seats → 409 `seat_unavailable`.
pub fn best_selection(
    layout: &Layout,
    availability: Option<&Availability>,
    best: &BestAvailable,
    max_places: u32,
    free_seats_allowed: bool,
) -> Result<Vec<String>, ProxyError> {
    if best.count == 0 || best.count > max_places {
        return Err(ProxyError::InvalidBody { field: "best.count" });
    }
    let zone = match &best.zone {
        None => None,
        Some(id) => {
            let index =
                layout.zones.iter().position(|zone| &zone.id == id).ok_or(ProxyError::InvalidBody { field: "best.zone" })?;
            Some(u16::try_from(index).map_err(|_| ProxyError::InvalidBody { field: "best.zone" })?)
        }
    };
    let available = availability
        .filter(|document| document.layout_version == layout.version)
        .and_then(|document| availability_bits::decode(&document.seats_available, layout.seats.len()))
        .ok_or(ProxyError::UpstreamUnavailable)?;
    let query = BestSeatsQuery { count: best.count as usize, zone, free_seats_allowed };
    let chosen = best_seats(layout, &available, query).ok_or(ProxyError::NoSeatsTogether { count: best.count })?;
    Ok(chosen.seats.iter().map(|&index| layout.seats[index].id.clone()).collect())
}

/// Reads a `PATCH /v1/holds/{id}` body. Every field is optional (`null`
/// counts as absent); a present `buyer` is validated and normalised.
/// `promocode` is the exception: `null` removes the hold's code, a text
/// applies one (trimmed; letters, digits and `-_.%+#`, at most
/// [`LONGEST_PROMOCODE`]); it comes on its own, so that a refused code
/// leaves the hold exactly as it was.
pub fn parse_change(body: &str) -> Result<ChangeHold, ProxyError> {
    let object = read_body_object(body)?;
    let mut change = ChangeHold::default();
    for (key, value) in &object {
        match key.as_str() {
            "seats" => change.seats = read_seats(value)?,
            "admission" => change.admission = read_admission(value)?,
            "buyer" if value.is_null() => change.buyer = None,
            "buyer" => change.buyer = Some(read_buyer(value)?),
            "promocode" => change.promocode = Some(read_promocode(value)?),
            unknown => return Err(ProxyError::unknown_field(FieldLocation::Body, unknown)),
        }
    }
    let other_change = change.seats.is_some() || change.admission.is_some() || change.buyer.is_some();
    if change.promocode.is_some() && other_change {
        return Err(ProxyError::InvalidBody { field: "promocode" });
    }
    Ok(change)
}

/// Reads a `POST /v1/holds/{id}/refund` body: none (or `{}`) refunds the
/// whole order; `{"tickets": [barcodes]}` the tickets named, at least one,
/// each a plain reference (which of them the hold issued is the hold's
/// object to check).
pub fn parse_refund(body: &str) -> Result<RefundHold, ProxyError> {
    if body.trim().is_empty() {
        return Ok(RefundHold::default());
    }
    let object = read_body_object(body)?;
    let mut refund = RefundHold::default();
    for (key, value) in &object {
        match key.as_str() {
            "tickets" => refund.tickets = read_ticket_references(value)?,
            unknown => return Err(ProxyError::unknown_field(FieldLocation::Body, unknown)),
        }
    }
    Ok(refund)
}

/// `null` → `None`; a non-empty array of plain references → them.
fn read_ticket_references(value: &Value) -> Result<Option<Vec<String>>, ProxyError> {
    let refuse = ProxyError::InvalidBody { field: "tickets" };
    match value {
        Value::Null => Ok(None),
        Value::Array(entries) if !entries.is_empty() && entries.len() <= 200 => entries
            .iter()
            .map(|entry| match entry.as_str() {
                Some(reference) if crate::ticketscloud::refunds::is_acceptable_ticket_reference(reference) => {
                    Ok(reference.to_string())
                }
                _ => Err(refuse.clone()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ => Err(refuse),
    }
}

/// A promo code to apply (`Some`), or `None` for `null` (remove it).
fn read_promocode(value: &Value) -> Result<Option<String>, ProxyError> {
    let refuse = ProxyError::InvalidBody { field: "promocode" };
    let code = match value {
        Value::Null => return Ok(None),
        Value::String(code) => code.trim(),
        _ => return Err(refuse),
    };
    let acceptable = |character: char| character.is_alphanumeric() || "-_.%+#".contains(character);
    if code.is_empty() || code.chars().count() > LONGEST_PROMOCODE || !code.chars().all(acceptable) {
        return Err(refuse);
    }
    Ok(Some(code.to_string()))
}

/// The whole selection a change asks for: a present `seats` or `admission`
/// replaces that part of the current items, an absent one keeps it. Feed the
/// result to [`items_for`].
pub fn desired_selection(current: &[HoldItem], change: &ChangeHold) -> (Vec<String>, BTreeMap<String, u32>) {
    let seats = change.seats.clone().unwrap_or_else(|| {
        current.iter().filter(|item| matches!(item, HoldItem::Seat { .. })).map(|item| item_id(item).to_string()).collect()
    });
    let admission = change.admission.clone().unwrap_or_else(|| {
        current
            .iter()
            .filter_map(|item| match item {
                HoldItem::Admission { admission_id, quantity, .. } => Some((admission_id.clone(), *quantity)),
                HoldItem::Seat { .. } => None,
            })
            .collect()
    });
    (seats, admission)
}

/// Checks a selection against the layout and prices it: seats first (in the
/// order asked), then admissions (by id).
///
/// - an unknown or malformed seat id, or a seat twice → 400 field `seats`;
/// - an unknown admission id or a quantity of 0 → 400 field `admission`;
/// - no places, or more than `max_places` → 400 field `seats`;
/// - places priced 0 when the partner does not allow free places
///   (`free_seats_allowed`) → 409 `seat_not_for_sale` naming them all;
/// - seats the availability document (of this layout version) marks taken,
///   or admissions with fewer places left than asked → 409
///   `seat_unavailable` naming them all.
pub fn items_for(
    layout: &Layout,
    availability: Option<&Availability>,
    seats: &[String],
    admission: &BTreeMap<String, u32>,
    max_places: u32,
    free_seats_allowed: bool,
) -> Result<Vec<HoldItem>, ProxyError> {
    let bad_seats = ProxyError::InvalidBody { field: "seats" };
    let bad_admission = ProxyError::InvalidBody { field: "admission" };
    let mut seen = HashSet::new();
    let mut seat_indexes = Vec::with_capacity(seats.len());
    for seat_id in seats {
        if !is_acceptable_item_id(seat_id) || !seen.insert(seat_id.as_str()) {
            return Err(bad_seats);
        }
        let index = layout.seats.iter().position(|seat| &seat.id == seat_id).ok_or(bad_seats.clone())?;
        seat_indexes.push(index);
    }
    let mut admission_indexes = Vec::with_capacity(admission.len());
    for (admission_id, &quantity) in admission {
        if !is_acceptable_item_id(admission_id) || quantity == 0 {
            return Err(bad_admission);
        }
        let index = layout.admissions.iter().position(|entry| &entry.id == admission_id).ok_or(bad_admission.clone())?;
        admission_indexes.push((index, quantity));
    }
    let places = admission.values().fold(seats.len() as u64, |sum, &quantity| sum + u64::from(quantity));
    if places == 0 || places > u64::from(max_places) {
        return Err(bad_seats);
    }

    let zone_name = |zone: u16| layout.zones.get(usize::from(zone)).map(|zone| zone.name.clone()).unwrap_or_default();
    let seat_items = seat_indexes.iter().map(|&index| {
        let seat = &layout.seats[index];
        HoldItem::Seat {
            seat_id: seat.id.clone(),
            zone_name: zone_name(seat.zone),
            row: seat.row.clone(),
            place: seat.place.clone(),
            price: seat.price,
        }
    });
    let admission_items = admission_indexes.iter().map(|&(index, quantity)| {
        let entry = &layout.admissions[index];
        HoldItem::Admission {
            admission_id: entry.id.clone(),
            zone_name: zone_name(entry.zone),
            quantity,
            unit_price: entry.price,
        }
    });
    let items: Vec<HoldItem> = seat_items.chain(admission_items).collect();
    // Before availability: a free place is "not for sale" whether or not it is taken.
    refuse_free_items(&items, free_seats_allowed)?;

    let mut unavailable = Vec::new();
    if let Some(availability) = availability.filter(|document| document.layout_version == layout.version) {
        if let Some(flags) = availability_bits::decode(&availability.seats_available, layout.seats.len()) {
            unavailable.extend(seat_indexes.iter().filter(|&&index| !flags[index]).map(|&index| layout.seats[index].id.clone()));
        }
        for &(index, quantity) in &admission_indexes {
            let id = &layout.admissions[index].id;
            let left = availability.admissions.iter().find(|entry| &entry.id == id).map(|entry| entry.quantity_left);
            if left.is_some_and(|left| left < quantity) {
                unavailable.push(id.clone());
            }
        }
    }
    if !unavailable.is_empty() {
        return Err(ProxyError::SeatUnavailable { ids: unavailable });
    }
    Ok(items)
}

/// The availability as the hold that has `held` sees it: its own seats
/// available again and its own admission places added back to what is left,
/// so a change can be checked like a create (new places taken a moment ago
/// are refused early, the places it keeps never are). An availability of
/// another layout version is returned as it is (`items_for` ignores it).
pub fn availability_seen_by_hold(availability: &Availability, layout: &Layout, held: &[HoldItem]) -> Availability {
    let mut seen = availability.clone();
    if availability.layout_version != layout.version {
        return seen;
    }
    if let Some(mut flags) = availability_bits::decode(&availability.seats_available, layout.seats.len()) {
        for item in held {
            if let HoldItem::Seat { seat_id, .. } = item {
                if let Some(index) = layout.seats.iter().position(|seat| &seat.id == seat_id) {
                    flags[index] = true;
                }
            }
        }
        seen.seats_available = availability_bits::encode(&flags);
    }
    for item in held {
        if let HoldItem::Admission { admission_id, quantity, .. } = item {
            if let Some(entry) = seen.admissions.iter_mut().find(|entry| &entry.id == admission_id) {
                entry.quantity_left = entry.quantity_left.saturating_add(*quantity);
            }
        }
    }
    seen
}

fn read_body_object(body: &str) -> Result<Map<String, Value>, ProxyError> {
    let whole_body = ProxyError::InvalidBody { field: "body" };
    if body.len() > LARGEST_HOLD_BODY {
        return Err(whole_body);
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(whole_body),
    }
}

/// `null` → `None`; an array of acceptable ids → the ids; anything else → 400.
fn read_seats(value: &Value) -> Result<Option<Vec<String>>, ProxyError> {
    let refuse = ProxyError::InvalidBody { field: "seats" };
    match value {
        Value::Null => Ok(None),
        Value::Array(entries) => entries
            .iter()
            .map(|entry| match entry.as_str() {
                Some(id) if is_acceptable_item_id(id) => Ok(id.to_string()),
                _ => Err(refuse.clone()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ => Err(refuse),
    }
}

/// `null` → `None`; an object of acceptable id → whole number (fits `u32`).
fn read_admission(value: &Value) -> Result<Option<BTreeMap<String, u32>>, ProxyError> {
    let refuse = ProxyError::InvalidBody { field: "admission" };
    match value {
        Value::Null => Ok(None),
        Value::Object(entries) => entries
            .iter()
            .map(|(id, quantity)| {
                let quantity = quantity.as_u64().and_then(|quantity| u32::try_from(quantity).ok());
                match quantity {
                    Some(quantity) if is_acceptable_item_id(id) => Ok((id.clone(), quantity)),
                    _ => Err(refuse.clone()),
                }
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Some),
        _ => Err(refuse),
    }
}

fn read_buyer(value: &Value) -> Result<Buyer, ProxyError> {
    let Value::Object(fields) = value else { return Err(ProxyError::InvalidBody { field: "buyer" }) };
    if let Some(unknown) = fields.keys().find(|key| !matches!(key.as_str(), "name" | "email" | "phone")) {
        return Err(ProxyError::unknown_field(FieldLocation::Body, &format!("buyer.{unknown}")));
    }
    let text = |key: &str, field: &'static str| {
        fields.get(key).and_then(Value::as_str).map(str::to_string).ok_or(ProxyError::InvalidBody { field })
    };
    let typed =
        Buyer { name: text("name", "buyer.name")?, email: text("email", "buyer.email")?, phone: text("phone", "buyer.phone")? };
    normalise_buyer(&typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refund body → its tickets, or the error's code and field.
    type RefundCase<'a> = (&'a str, Result<Option<Vec<&'a str>>, (&'a str, Option<&'a str>)>);

    #[test]
    fn refund_bodies_are_read_strictly() {
        let cases: &[RefundCase] = &[
            ("", Ok(None)),
            ("  ", Ok(None)),
            ("{}", Ok(None)),
            (r#"{"tickets":null}"#, Ok(None)),
            (
                r#"{"tickets":["67454655075047921","35348364979141729"]}"#,
                Ok(Some(vec!["67454655075047921", "35348364979141729"])),
            ),
            (r#"{"tickets":[]}"#, Err(("invalid_body", Some("tickets")))),
            (r#"{"tickets":"67454655075047921"}"#, Err(("invalid_body", Some("tickets")))),
            (r#"{"tickets":[67454655075047921]}"#, Err(("invalid_body", Some("tickets")))),
            (r#"{"tickets":["a b"]}"#, Err(("invalid_body", Some("tickets")))),
            (r#"{"tickets":["x"],"culprit":"user"}"#, Err(("invalid_body", Some("culprit")))),
            ("[]", Err(("invalid_body", Some("body")))),
            ("not json", Err(("invalid_body", Some("body")))),
        ];
        for (body, expected) in cases {
            let got = parse_refund(body)
                .map(|refund| refund.tickets)
                .map_err(|error| (error.code().to_string(), error.field().map(str::to_string)));
            let expected = expected
                .clone()
                .map(|tickets| tickets.map(|tickets| tickets.iter().map(|ticket| ticket.to_string()).collect::<Vec<_>>()))
                .map_err(|(code, field)| (code.to_string(), field.map(str::to_string)));
            assert_eq!(got, expected, "{body:?}");
        }
    }
    use crate::ids::{IdField, InvalidIdReason};
    use crate::upstream::MissingThing;
    use ticket_contract::{fixtures, AdmissionAvailability};

    fn layout() -> Layout {
        let seat =
            |id: &str, zone: u16, row: &str, place: &str, price: i64| fixtures::seat(id, zone, row, place, (0.0, 0.0), price);
        let zones = vec![
            fixtures::zone("1", "Партер VIP", 500_000),
            fixtures::zone("2", "Партер", 350_050),
            fixtures::zone("tp", "Танцпол", 200_000),
        ];
        let seats = vec![
            seat("1-1;1", 0, "1", "1", 500_000),
            seat("1-1;2", 0, "1", "2", 500_000),
            seat("1-1;3", 0, "1", "3", 500_000),
            seat("2-4;7", 1, "4", "7", 350_050),
        ];
        Layout {
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            admissions: vec![fixtures::admission("tancevalnyj-parter-1;1", 2, 200_000)],
            ..fixtures::layout(zones, seats)
        }
    }

    fn availability(version: &str, seats: &[bool], admission_left: u32) -> Availability {
        Availability {
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            layout_version: version.into(),
            seats_available: availability_bits::encode(seats),
            admissions: vec![AdmissionAvailability { id: "tancevalnyj-parter-1;1".into(), quantity_left: admission_left }],
            revision: 0,
            stale: false,
        }
    }

    /// One line per item: `seat 1-1;1 Партер VIP r1 p1 5000.00` / `admission … ×2 @2000.00`.
    fn describe(items: &[HoldItem]) -> Vec<String> {
        let money = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
        items
            .iter()
            .map(|item| match item {
                HoldItem::Seat { seat_id, zone_name, row, place, price } => {
                    format!("seat {seat_id} {zone_name} r{row} p{place} {}", money(price.minor))
                }
                HoldItem::Admission { admission_id, zone_name, quantity, unit_price } => {
                    format!("admission {admission_id} {zone_name} ×{quantity} @{}", money(unit_price.minor))
                }
            })
            .collect()
    }

    type ItemsCase<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, u32)], Option<Availability>, Result<Vec<&'a str>, ProxyError>);

    #[test]
    fn items_for_table() {
        let all_free = availability("v1", &[true; 4], 150);
        let second_taken = availability("v1", &[true, false, true, false], 1);
        let other_version = availability("v0", &[false; 4], 0);
        let unavailable = |ids: &[&str]| Err(ProxyError::SeatUnavailable { ids: ids.iter().map(|id| id.to_string()).collect() });
        let cases: Vec<ItemsCase<'_>> = vec![
            (
                "seats and admission, priced from the layout",
                &["2-4;7", "1-1;1"],
                &[("tancevalnyj-parter-1;1", 2)],
                Some(all_free.clone()),
                Ok(vec![
                    "seat 2-4;7 Партер r4 p7 3500.50",
                    "seat 1-1;1 Партер VIP r1 p1 5000.00",
                    "admission tancevalnyj-parter-1;1 Танцпол ×2 @2000.00",
                ]),
            ),
            ("no availability known", &["1-1;2"], &[], None, Ok(vec!["seat 1-1;2 Партер VIP r1 p2 5000.00"])),
            (
                "availability of another layout is ignored",
                &["1-1;2"],
                &[],
                Some(other_version),
                Ok(vec!["seat 1-1;2 Партер VIP r1 p2 5000.00"]),
            ),
            (
                "exactly max places",
                &["1-1;1"],
                &[("tancevalnyj-parter-1;1", 5)],
                None,
                Ok(vec!["seat 1-1;1 Партер VIP r1 p1 5000.00", "admission tancevalnyj-parter-1;1 Танцпол ×5 @2000.00"]),
            ),
            ("unknown seat", &["9-9;9"], &[], None, Err(ProxyError::InvalidBody { field: "seats" })),
            ("malformed seat", &["1-1;1/.."], &[], None, Err(ProxyError::InvalidBody { field: "seats" })),
            ("seat twice", &["1-1;1", "1-1;1"], &[], None, Err(ProxyError::InvalidBody { field: "seats" })),
            ("unknown admission", &[], &[("nope", 1)], None, Err(ProxyError::InvalidBody { field: "admission" })),
            ("a seat id is not an admission", &[], &[("1-1;1", 1)], None, Err(ProxyError::InvalidBody { field: "admission" })),
            (
                "zero quantity",
                &["1-1;1"],
                &[("tancevalnyj-parter-1;1", 0)],
                None,
                Err(ProxyError::InvalidBody { field: "admission" }),
            ),
            ("nothing", &[], &[], None, Err(ProxyError::InvalidBody { field: "seats" })),
            (
                "too many places",
                &["1-1;1"],
                &[("tancevalnyj-parter-1;1", 6)],
                None,
                Err(ProxyError::InvalidBody { field: "seats" }),
            ),
            (
                "absurd quantity",
                &[],
                &[("tancevalnyj-parter-1;1", u32::MAX)],
                None,
                Err(ProxyError::InvalidBody { field: "seats" }),
            ),
            (
                "taken seats are named",
                &["1-1;1", "1-1;2", "2-4;7"],
                &[],
                Some(second_taken.clone()),
                unavailable(&["1-1;2", "2-4;7"]),
            ),
            (
                "too few admission places left",
                &["1-1;1"],
                &[("tancevalnyj-parter-1;1", 2)],
                Some(second_taken),
                unavailable(&["tancevalnyj-parter-1;1"]),
            ),
        ];
        for (name, seats, admission, availability, expected) in cases {
            let seats: Vec<String> = seats.iter().map(|seat| seat.to_string()).collect();
            let admission: BTreeMap<String, u32> = admission.iter().map(|(id, quantity)| (id.to_string(), *quantity)).collect();
            let actual = items_for(&layout(), availability.as_ref(), &seats, &admission, 6, false).map(|items| describe(&items));
            let expected = expected.map(|lines| lines.iter().map(|line| line.to_string()).collect::<Vec<_>>());
            assert_eq!(actual, expected, "{name}");
        }
    }

    #[test]
    fn create_bodies_table() {
        let tc = "5F1A0C0E2B3C4D5E6F708192";
        let long_body = format!(r#"{{"event":"qt:1001","show":"2001","seats":[{}]}}"#, vec![r#""1-1;1""#; 3000].join(","));
        let cases: Vec<(String, Result<CreateHold, ProxyError>)> = vec![
            (
                r#"{"event":"qt:1001","show":"2001","seats":["1-1;1","tancevalnyj-parter-1;1"],"admission":{"tancevalnyj-parter-1;1":2}}"#.into(),
                Ok(CreateHold {
                    event: "qt:1001".into(),
                    show: "2001".into(),
                    seats: vec!["1-1;1".into(), "tancevalnyj-parter-1;1".into()],
                    admission: [("tancevalnyj-parter-1;1".to_string(), 2)].into_iter().collect(),
                    best: None,
                }),
            ),
            (
                format!(r#"{{"event":"tc:{tc}","show":"{tc}","seats":null}}"#),
                Ok(CreateHold {
                    event: "tc:5f1a0c0e2b3c4d5e6f708192".into(),
                    show: "5f1a0c0e2b3c4d5e6f708192".into(),
                    seats: vec![],
                    admission: BTreeMap::new(),
                    best: None,
                }),
            ),
            ("".into(), Err(ProxyError::InvalidBody { field: "body" })),
            ("[]".into(), Err(ProxyError::InvalidBody { field: "body" })),
            ("{\"event\":".into(), Err(ProxyError::InvalidBody { field: "body" })),
            (long_body, Err(ProxyError::InvalidBody { field: "body" })),
            (r#"{"event":"qt:1001","show":"2001","price":1}"#.into(), Err(ProxyError::unknown_field(FieldLocation::Body, "price"))),
            (r#"{"show":"2001"}"#.into(), Err(ProxyError::InvalidBody { field: "event" })),
            (r#"{"event":1001,"show":"2001"}"#.into(), Err(ProxyError::InvalidBody { field: "event" })),
            (r#"{"event":"qt:1001"}"#.into(), Err(ProxyError::InvalidBody { field: "show" })),
            (
                r#"{"event":"qt:../1","show":"2001"}"#.into(),
                Err(ProxyError::InvalidId { field: IdField::EventId, reason: InvalidIdReason::ForbiddenCharacter }),
            ),
            (
                r#"{"event":"qt:1001","show":"20x1"}"#.into(),
                Err(ProxyError::InvalidId { field: IdField::ShowId, reason: InvalidIdReason::NotQticketsDigits }),
            ),
            (
                format!(r#"{{"event":"tc:{tc}","show":"5f1a0c0e2b3c4d5e6f708193"}}"#),
                Err(ProxyError::NotFound { what: MissingThing::Show }),
            ),
            (r#"{"event":"qt:1001","show":"2001","seats":"1-1;1"}"#.into(), Err(ProxyError::InvalidBody { field: "seats" })),
            (r#"{"event":"qt:1001","show":"2001","seats":[1]}"#.into(), Err(ProxyError::InvalidBody { field: "seats" })),
            (r#"{"event":"qt:1001","show":"2001","seats":["1-1;1&paid=1"]}"#.into(), Err(ProxyError::InvalidBody { field: "seats" })),
            (r#"{"event":"qt:1001","show":"2001","seats":[""]}"#.into(), Err(ProxyError::InvalidBody { field: "seats" })),
            (r#"{"event":"qt:1001","show":"2001","admission":[]}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
            (r#"{"event":"qt:1001","show":"2001","admission":{"a":-1}}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
            (r#"{"event":"qt:1001","show":"2001","admission":{"a":1.5}}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
            (r#"{"event":"qt:1001","show":"2001","admission":{"a":"2"}}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
            (r#"{"event":"qt:1001","show":"2001","admission":{"a":4294967296}}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
            (r#"{"event":"qt:1001","show":"2001","admission":{"a/b":1}}"#.into(), Err(ProxyError::InvalidBody { field: "admission" })),
        ];
        for (body, expected) in cases {
            assert_eq!(parse_create(&body), expected, "{}", body.chars().take(120).collect::<String>());
        }
    }

    #[test]
    fn best_bodies_table() {
        let best = |count: u32, zone: Option<&str>| {
            Ok(CreateHold {
                event: "qt:1001".into(),
                show: "2001".into(),
                seats: vec![],
                admission: BTreeMap::new(),
                best: Some(BestAvailable { count, zone: zone.map(str::to_string) }),
            })
        };
        let bad = |field: &'static str| Err(ProxyError::InvalidBody { field });
        let cases: Vec<(&str, Result<CreateHold, ProxyError>)> = vec![
            (r#"{"event":"qt:1001","show":"2001","best":{"count":4}}"#, best(4, None)),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2,"zone":"1"}}"#, best(2, Some("1"))),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2,"zone":null},"seats":null}"#, best(2, None)),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":0}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":-1}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2.5}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":"4"}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":4294967296}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"zone":"1"}}"#, bad("best.count")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2,"zone":1}}"#, bad("best.zone")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2,"zone":"../1"}}"#, bad("best.zone")),
            (r#"{"event":"qt:1001","show":"2001","best":4}"#, bad("best")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2},"seats":["1-1;1"]}"#, bad("best")),
            (r#"{"event":"qt:1001","show":"2001","best":{"count":2},"admission":{"a":1}}"#, bad("best")),
            (
                r#"{"event":"qt:1001","show":"2001","best":{"count":2,"price":1}}"#,
                Err(ProxyError::unknown_field(FieldLocation::Body, "best.price")),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(parse_create(body), expected, "{body}");
        }
    }

    #[test]
    fn best_is_resolved_to_seats_of_one_row_then_checked_like_picks() {
        let layout = layout();
        let question = |count: u32, zone: Option<&str>| BestAvailable { count, zone: zone.map(str::to_string) };
        let all_free = availability("v1", &[true; 4], 5);
        let mut first_taken = all_free.clone();
        first_taken.seats_available = availability_bits::encode(&[false, true, true, true]);
        let ids = |list: &[&str]| Ok(list.iter().map(|id| id.to_string()).collect::<Vec<_>>());
        type Case<'a> = (&'a str, BestAvailable, Option<&'a Availability>, u32, Result<Vec<String>, ProxyError>);
        let cases: Vec<Case> = vec![
            ("row 1's three", question(3, None), Some(&all_free), 6, ids(&["1-1;1", "1-1;2", "1-1;3"])),
            ("in a zone", question(1, Some("2")), Some(&all_free), 6, ids(&["2-4;7"])),
            ("the two left of row 1", question(2, Some("1")), Some(&first_taken), 6, ids(&["1-1;2", "1-1;3"])),
            ("none together", question(3, None), Some(&first_taken), 6, Err(ProxyError::NoSeatsTogether { count: 3 })),
            (
                "a zone of admissions only",
                question(1, Some("tp")),
                Some(&all_free),
                6,
                Err(ProxyError::NoSeatsTogether { count: 1 }),
            ),
            (
                "more than the partner's maximum",
                question(3, None),
                Some(&all_free),
                2,
                Err(ProxyError::InvalidBody { field: "best.count" }),
            ),
            ("an unknown zone", question(1, Some("9")), Some(&all_free), 6, Err(ProxyError::InvalidBody { field: "best.zone" })),
            ("no availability to choose from", question(1, None), None, 6, Err(ProxyError::UpstreamUnavailable)),
        ];
        for (name, best, availability, max_places, expected) in cases {
            assert_eq!(best_selection(&layout, availability, &best, max_places, false), expected, "{name}");
        }
        let other_version = availability("v0", &[true; 4], 5);
        assert_eq!(
            best_selection(&layout, Some(&other_version), &question(1, None), 6, false),
            Err(ProxyError::UpstreamUnavailable)
        );
        // The chosen ids go through `items_for` like picks: priced, in row order.
        let seats = best_selection(&layout, Some(&all_free), &question(2, Some("1")), 6, false).unwrap();
        let items = items_for(&layout, Some(&all_free), &seats, &BTreeMap::new(), 6, false).map(|items| describe(&items));
        assert_eq!(items.unwrap().len(), 2);
    }

    #[test]
    fn change_bodies_table() {
        let buyer = |name: &str, email: &str, phone: &str| Buyer { name: name.into(), email: email.into(), phone: phone.into() };
        let cases: Vec<(&str, Result<ChangeHold, ProxyError>)> = vec![
            ("{}", Ok(ChangeHold::default())),
            (r#"{"seats":null,"admission":null,"buyer":null}"#, Ok(ChangeHold::default())),
            (r#"{"seats":[]}"#, Ok(ChangeHold { seats: Some(vec![]), ..ChangeHold::default() })),
            (
                r#"{"admission":{"tancevalnyj-parter-1;1":3}}"#,
                Ok(ChangeHold {
                    admission: Some([("tancevalnyj-parter-1;1".to_string(), 3)].into_iter().collect()),
                    ..ChangeHold::default()
                }),
            ),
            (
                r#"{"buyer":{"name":" Иван ","email":"Ivan@Mail.RU","phone":"8 916 123-45-67"}}"#,
                Ok(ChangeHold { buyer: Some(buyer("Иван", "Ivan@mail.ru", "+79161234567")), ..ChangeHold::default() }),
            ),
            (r#"{"buyer":{"name":"Иван","email":"ivan@mail.ru"}}"#, Err(ProxyError::InvalidBody { field: "buyer.phone" })),
            (
                r#"{"buyer":{"name":"Иван","email":"ivan@mail.ru","phone":79161234567}}"#,
                Err(ProxyError::InvalidBody { field: "buyer.phone" }),
            ),
            (
                r#"{"buyer":{"name":"","email":"ivan@mail.ru","phone":"+79161234567"}}"#,
                Err(ProxyError::InvalidBody { field: "buyer.name" }),
            ),
            (
                r#"{"buyer":{"name":"И","email":"ivan","phone":"+79161234567"}}"#,
                Err(ProxyError::InvalidBody { field: "buyer.email" }),
            ),
            (
                r#"{"buyer":{"name":"И","email":"i@mail.ru","phone":"+79161234567","age":3}}"#,
                Err(ProxyError::unknown_field(FieldLocation::Body, "buyer.age")),
            ),
            (r#"{"buyer":"Иван"}"#, Err(ProxyError::InvalidBody { field: "buyer" })),
            (r#"{"state":"confirmed"}"#, Err(ProxyError::unknown_field(FieldLocation::Body, "state"))),
            (r#"{"seats":{"1-1;1":1}}"#, Err(ProxyError::InvalidBody { field: "seats" })),
            ("null", Err(ProxyError::InvalidBody { field: "body" })),
            (r#"{"promocode":" SALE10 "}"#, Ok(ChangeHold { promocode: Some(Some("SALE10".into())), ..ChangeHold::default() })),
            (r#"{"promocode":"promo5%"}"#, Ok(ChangeHold { promocode: Some(Some("promo5%".into())), ..ChangeHold::default() })),
            (
                r#"{"promocode":"ЛЕТО-2027"}"#,
                Ok(ChangeHold { promocode: Some(Some("ЛЕТО-2027".into())), ..ChangeHold::default() }),
            ),
            (r#"{"promocode":null}"#, Ok(ChangeHold { promocode: Some(None), ..ChangeHold::default() })),
            (r#"{"promocode":""}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":"   "}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":"SALE 10"}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":"<script>"}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":"a\"}"}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":10}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (r#"{"promocode":["SALE10"]}"#, Err(ProxyError::InvalidBody { field: "promocode" })),
            (
                r#"{"promocode":"SALE10","admission":{"tancevalnyj-parter-1;1":3}}"#,
                Err(ProxyError::InvalidBody { field: "promocode" }),
            ),
            (
                r#"{"promocode":null,"buyer":{"name":"И","email":"i@mail.ru","phone":"+79161234567"}}"#,
                Err(ProxyError::InvalidBody { field: "promocode" }),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(parse_change(body), expected, "{body}");
        }
        let longest = format!(r#"{{"promocode":"{}"}}"#, "A".repeat(LONGEST_PROMOCODE));
        assert!(parse_change(&longest).is_ok());
        let too_long = format!(r#"{{"promocode":"{}"}}"#, "A".repeat(LONGEST_PROMOCODE + 1));
        assert_eq!(parse_change(&too_long), Err(ProxyError::InvalidBody { field: "promocode" }));
    }

    #[test]
    fn a_change_replaces_only_the_parts_it_names() {
        let current = items_for(
            &layout(),
            None,
            &["1-1;1".to_string()],
            &[("tancevalnyj-parter-1;1".to_string(), 2)].into_iter().collect(),
            10,
            false,
        )
        .unwrap();
        let only_seats = ChangeHold { seats: Some(vec!["1-1;2".into(), "1-1;3".into()]), ..ChangeHold::default() };
        let (seats, admission) = desired_selection(&current, &only_seats);
        assert_eq!(seats, ["1-1;2", "1-1;3"]);
        assert_eq!(admission.get("tancevalnyj-parter-1;1"), Some(&2));
        let only_admission = ChangeHold { admission: Some(BTreeMap::new()), ..ChangeHold::default() };
        let (seats, admission) = desired_selection(&current, &only_admission);
        assert_eq!(seats, ["1-1;1"]);
        assert!(admission.is_empty());
    }

    /// The test layout with a "Supervip" zone whose seat `7-1;3` and a free
    /// admission are priced 0 (the QTickets example's zones).
    fn layout_with_free_places() -> Layout {
        let mut layout = layout();
        layout.zones.push(fixtures::zone("7", "Supervip", 0));
        layout.seats.push(fixtures::seat("7-1;3", 3, "1", "3", (0.0, 0.0), 0));
        layout.admissions.push(fixtures::admission("free-ga", 3, 0));
        layout
    }

    #[test]
    fn free_places_are_refused_unless_the_partner_allows_them() {
        let layout = layout_with_free_places();
        let seats = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        let none = BTreeMap::new();
        let free_ga: BTreeMap<String, u32> = [("free-ga".to_string(), 2)].into_iter().collect();
        let not_for_sale = |ids: &[&str]| Err(ProxyError::SeatNotForSale { ids: seats(ids) });
        assert_eq!(
            items_for(&layout, None, &seats(&["1-1;1", "7-1;3"]), &free_ga, 6, false),
            not_for_sale(&["7-1;3", "free-ga"])
        );
        // Named as not for sale even when taken: that is the clearer answer.
        let mut flags = vec![true; 5];
        flags[4] = false;
        let mut taken = availability("v1", &flags, 150);
        taken.admissions.push(AdmissionAvailability { id: "free-ga".into(), quantity_left: 0 });
        assert_eq!(items_for(&layout, Some(&taken), &seats(&["7-1;3"]), &none, 6, false), not_for_sale(&["7-1;3"]));
        // A partner that allows them gets them at 0 ₽ (and the usual "taken").
        let allowed = items_for(&layout, None, &seats(&["7-1;3"]), &free_ga, 6, true).map(|items| describe(&items));
        assert_eq!(allowed, Ok(vec!["seat 7-1;3 Supervip r1 p3 0.00".to_string(), "admission free-ga Supervip ×2 @0.00".into()]));
        assert_eq!(
            items_for(&layout, Some(&taken), &seats(&["7-1;3"]), &none, 6, true),
            Err(ProxyError::SeatUnavailable { ids: seats(&["7-1;3"]) })
        );
    }

    #[test]
    fn a_change_is_checked_against_the_availability_its_own_hold_sees() {
        let layout = layout();
        let held = items_for(
            &layout,
            None,
            &["1-1;1".to_string()],
            &[("tancevalnyj-parter-1;1".to_string(), 2)].into_iter().collect(),
            10,
            false,
        )
        .unwrap();
        // The hall as everyone sees it: the hold's own seat and places taken,
        // 1-1;2 taken by someone else a moment ago.
        let everyone = availability("v1", &[false, false, true, true], 1);
        let seen = availability_seen_by_hold(&everyone, &layout, &held);
        assert_eq!(availability_bits::decode(&seen.seats_available, 4).unwrap(), [true, false, true, true]);
        assert_eq!(seen.admissions[0].quantity_left, 3);
        let admission: BTreeMap<String, u32> = [("tancevalnyj-parter-1;1".to_string(), 3)].into_iter().collect();
        let keep_and_add = items_for(&layout, Some(&seen), &["1-1;1".into(), "1-1;3".into()], &admission, 10, false);
        assert!(keep_and_add.is_ok(), "{keep_and_add:?}");
        assert_eq!(
            items_for(&layout, Some(&seen), &["1-1;1".into(), "1-1;2".into()], &BTreeMap::new(), 10, false),
            Err(ProxyError::SeatUnavailable { ids: vec!["1-1;2".into()] })
        );
        let other_version = availability("v0", &[false; 4], 0);
        assert_eq!(availability_seen_by_hold(&other_version, &layout, &held), other_version);
    }
}
