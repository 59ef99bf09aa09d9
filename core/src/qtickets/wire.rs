//! QTickets Partners API JSON, read tolerantly.
//!
//! Shapes follow `api-docs/qtickets-partners-api.md`, widened by what the live
//! report saw: zones and seats as arrays *or* objects keyed by id, a `data`
//! wrapper instead of `zones`, ids as strings or numbers, counters missing, and
//! the REST `/events` row shape (`id`, `name`, `shows[]`, `city` as text). Every
//! leaf is a [`Scalar`], so a wrongly typed field reads as absent; the adapter
//! decides which absences matter. `scheme.zones` in the listing (the bulk of a
//! 1.3 MB answer) is not modelled and is skipped while parsing.

use serde::Deserialize;

use crate::lenient::{Loose, LooseList, LooseObjectOrText, Scalar};

/// Fields every QTickets answer may carry when something went wrong (`status:
/// "error"` arrives with HTTP 200).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsStatusFields {
    pub status: Scalar,
    pub code: Scalar,
}

/// `api/partners/v1/events/lists`: one row per show.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsListingDocument {
    pub status: Scalar,
    pub code: Scalar,
    pub result: LooseList<QticketsShowRow>,
    /// Not in the Partners API; a REST-style wrapper, accepted as a fallback.
    pub data: LooseList<QticketsShowRow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsShowRow {
    pub event_id: Scalar,
    pub show_id: Scalar,
    pub event_name: Scalar,
    pub start_date: Scalar,
    pub scheme: Loose<QticketsScheme>,
    pub city: LooseObjectOrText<QticketsCity>,
    pub last_update_hash: Scalar,
    /// REST `/events` shape: `id`, `name`, `place_name`, `place_address`, `shows[]`.
    pub id: Scalar,
    pub name: Scalar,
    pub place_name: Scalar,
    pub place_address: Scalar,
    pub shows: LooseList<QticketsRestShow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsScheme {
    pub name: Scalar,
    pub place_name: Scalar,
    pub place_address: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsCity {
    pub name: Scalar,
    pub timezone: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsRestShow {
    pub id: Scalar,
    pub start_date: Scalar,
}

/// `api/partners/v1/events/seats/{event_id}/{show_id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsSeatsDocument {
    pub status: Scalar,
    pub code: Scalar,
    pub zones: LooseList<QticketsZone>,
    /// The live report's shape: `{"data": {"<zone id>": {…}}}`.
    pub data: LooseList<QticketsZone>,
    pub last_update_hash: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsZone {
    pub zone_id: Scalar,
    pub name: Scalar,
    pub seats: LooseList<QticketsSeat>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsSeat {
    pub seat_id: Scalar,
    pub available: Scalar,
    pub coords: LoosePoint,
    pub row: Scalar,
    pub place: Scalar,
    pub price: Scalar,
    pub admission: Scalar,
    pub free_quantity: Scalar,
}

/// `coords`: `[x, y]` (numbers or numeric strings) or `{"x": …, "y": …}`;
/// anything else is absent.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct LoosePoint(pub Option<(f64, f64)>);

impl<'de> Deserialize<'de> for LoosePoint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum PointShape {
            Pair(Vec<Scalar>),
            Named {
                #[serde(default)]
                x: Scalar,
                #[serde(default)]
                y: Scalar,
            },
            Other(serde::de::IgnoredAny),
        }
        let point = match PointShape::deserialize(deserializer)? {
            PointShape::Pair(values) if values.len() >= 2 => values[0].as_coordinate().zip(values[1].as_coordinate()),
            PointShape::Named { x, y } => x.as_coordinate().zip(y.as_coordinate()),
            PointShape::Pair(_) | PointShape::Other(_) => None,
        };
        Ok(LoosePoint(point))
    }
}

/// `tickets/add` and `tickets/remove` answers: the event header (ignored),
/// `status`, and `result` — the ticket for an add or update, `true` for a
/// remove. Errors are `{"status":"error","code":…}` with HTTP 200.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsTicketAnswer {
    pub status: Scalar,
    pub code: Scalar,
    pub result: QticketsTicketResultField,
}

/// The ticket in a `tickets/add` answer (`qtickets-partners-api.md` l.419–428).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QticketsTicketResult {
    pub id: Scalar,
    pub paid: Scalar,
    pub external_id: Scalar,
    pub barcode: Scalar,
}

/// `result`: a ticket object, a flag (`true` after a remove), or anything
/// else (read as absent).
#[derive(Debug, Default)]
pub enum QticketsTicketResultField {
    #[default]
    Absent,
    Ticket(QticketsTicketResult),
    Flag(bool),
}

impl<'de> Deserialize<'de> for QticketsTicketResultField {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum ResultShape {
            Flag(bool),
            Ticket(Loose<QticketsTicketResult>),
        }
        Ok(match ResultShape::deserialize(deserializer) {
            Ok(ResultShape::Flag(flag)) => QticketsTicketResultField::Flag(flag),
            Ok(ResultShape::Ticket(Loose(Some(ticket)))) => QticketsTicketResultField::Ticket(ticket),
            Ok(ResultShape::Ticket(Loose(None))) | Err(_) => QticketsTicketResultField::Absent,
        })
    }
}
