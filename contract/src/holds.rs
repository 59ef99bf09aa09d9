//! The hold part of the wire contract: reserving seats and admissions, buyer
//! details, payment confirmation by the partner's server, and issued tickets.
//!
//! A hold is the proxy's own object (one Durable Object each); its id is an
//! opaque capability the widget keeps in `sessionStorage`. Upstream references
//! (QTickets ticket ids, a TicketsCloud order id) never appear here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Money, Venue};

/// `POST /v1/holds` — take these places for the buyer, all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateHold {
    /// Public event id, e.g. `qt:1001`.
    pub event: String,
    /// Show id of that event.
    pub show: String,
    /// Seat ids from the layout.
    #[serde(default)]
    pub seats: Vec<String>,
    /// Admission id from the layout → how many places.
    #[serde(default)]
    pub admission: BTreeMap<String, u32>,
    /// Instead of `seats` and `admission`: let the proxy choose this many
    /// seats side by side (see [`BestAvailable`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<BestAvailable>,
}

/// `best` in `POST /v1/holds`: "N best seats". The proxy picks `count`
/// adjacent free seats of one row (no aisle or missing seat between them),
/// nearest to the stage centre, never leaving a single free seat stranded
/// beside them when another block would not, and holds them exactly as if
/// their ids had been sent. No such block: `409 seat_unavailable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BestAvailable {
    /// How many seats: 1 to the partner's maximum per hold.
    pub count: u32,
    /// Only seats of this zone (`Zone::id` from the layout); absent or
    /// `null`: any zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// `PATCH /v1/holds/{id}` — every field optional; a present `seats` or
/// `admission` replaces that part of the hold (desired state, not a delta).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeHold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<BTreeMap<String, u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    /// A promo code to apply (`"SALE10"`), or `null` to remove the one
    /// applied; absent leaves it as it is. Sent on its own (not with
    /// `seats`, `admission` or `buyer`), and only for events whose layout
    /// says `accepts_promocodes`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present_even_if_null")]
    pub promocode: Option<Option<String>>,
}

/// A field that is present, even as `null`, is `Some(…)`: `{"promocode":
/// null}` (remove) differs from no `promocode` at all (leave it).
fn present_even_if_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// The buyer's contact details, validated by the proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    pub name: String,
    pub email: String,
    /// E.164, e.g. `+79161234567` (the proxy normalises what the buyer typed).
    pub phone: String,
}

/// Where a hold is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldState {
    /// Places are reserved upstream until `expires_at`.
    Held,
    /// Paid: the partner's server confirmed; tickets are issued.
    Confirmed,
    /// Given back by the buyer (cancel, tab closed) before payment.
    Released,
    /// Not paid in time; the places went back on sale.
    Expired,
}

/// A hold as the widget and the partner's server see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    /// Opaque, unguessable id (`h_` + 32 hex digits).
    pub id: String,
    pub event_id: String,
    pub show_id: String,
    pub state: HoldState,
    pub items: Vec<HoldItem>,
    pub total: Money,
    /// RFC 3339, UTC. After it, an unpaid hold is expired.
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    /// Issued once the hold is confirmed; empty before.
    #[serde(default)]
    pub tickets: Vec<IssuedTicket>,
    /// Paid, but the provider has not issued every ticket yet (TicketsCloud
    /// can mark an order done before its barcodes exist): `tickets` fills in
    /// as they arrive; the proxy keeps looking by itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tickets_pending: bool,
    /// A refund the partner asked for (`POST /v1/holds/{id}/refund`), as it
    /// progresses upstream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<Refund>,
    /// The promo code applied to the hold, with what it takes off. `total`
    /// is then the discounted total; `items` keep their list prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promocode: Option<AppliedPromocode>,
    /// The hold ended longer ago than the partner's details window (24 h by
    /// default): a public-key read shows its state only — no `buyer`, no
    /// `tickets`, no refunded barcodes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub details_withheld: bool,
}

/// A promo code on a hold and its discounts, as the ticketing system
/// priced them (the proxy never computes a discount itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPromocode {
    /// The code as the buyer entered it.
    pub code: String,
    /// The total at list prices, before the code.
    pub total_before_discount: Money,
    /// What the code takes off the total (`total_before_discount - total`).
    pub discount: Money,
    /// What it takes off each item the ticketing system discounted (items
    /// it does not apply to are left out).
    #[serde(default)]
    pub items: Vec<ItemDiscount>,
}

/// The discount on one line of a hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDiscount {
    /// The seat id or admission id of the item (as in `HoldItem`).
    pub item_id: String,
    /// Off the whole line (all places of an admission item together).
    pub discount: Money,
}

/// One line of a hold: a seat, or a number of admission places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HoldItem {
    Seat { seat_id: String, zone_name: String, row: String, place: String, price: Money },
    Admission { admission_id: String, zone_name: String, quantity: u32, unit_price: Money },
}

/// A ticket the buyer can enter with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedTicket {
    /// The seat id or admission id this ticket is for.
    pub item_id: String,
    pub zone_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The value to encode in the barcode shown to the buyer.
    pub barcode: String,
    /// The ticket's series and number as the provider printed them
    /// (TicketsCloud `serial` and `number`), when it has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// What the buyer paid for this ticket (service fee included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// The event this ticket is for: title, start and venue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<TicketEvent>,
    /// Who organises the event, with the legal details a ticket must show
    /// (name, INN, OGRN or OGRNIP, address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser: Option<Organiser>,
}

/// The event as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub title: String,
    /// RFC 3339 with the venue's offset, e.g. `2027-04-15T19:00:00+03:00`.
    pub starts_at: String,
    pub venue: Venue,
}

/// An event organiser's legal details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organiser {
    /// The legal entity's name (`ООО «…»`, `ИП …`).
    pub name: String,
    /// ИНН.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
    /// ОГРН (a company) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrn: Option<String>,
    /// … or ОГРНИП (a sole trader, who has no legal address to show).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrnip: Option<String>,
    /// The legal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// `POST /v1/holds/{id}/refund` — the partner's server gives tickets of a
/// confirmed hold back. Without `tickets` (or with no body) the whole order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundHold {
    /// Barcodes of the tickets to refund (from `Hold::tickets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tickets: Option<Vec<String>>,
}

/// A refund of some or all tickets of a confirmed hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub state: RefundState,
    /// Barcodes of the tickets being refunded; empty while the hold's
    /// tickets are still being issued (a whole-order refund).
    pub tickets: Vec<String>,
}

/// Where a refund is upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Asked for; nobody has looked at it yet.
    Requested,
    /// Being processed by the provider.
    InProgress,
    /// Done: the money goes back and the tickets are void.
    Approved,
    /// Refused by the provider or the organiser; the tickets stay valid.
    Rejected,
}

/// Header a partner's server sends its secret key in, on `confirm`:
/// `Authorization: Bearer sk_…`.
pub const CONFIRM_AUTHORIZATION_SCHEME: &str = "Bearer";

/// Optional header making a repeated confirm safe to retry.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_promocode_change_tells_null_from_absent() {
        let cases: [(&str, Option<Option<&str>>); 3] =
            [("{}", None), (r#"{"promocode":null}"#, Some(None)), (r#"{"promocode":"SALE10"}"#, Some(Some("SALE10")))];
        for (body, expected) in cases {
            let change: ChangeHold = serde_json::from_str(body).unwrap();
            assert_eq!(change.promocode, expected.map(|code| code.map(str::to_string)), "{body}");
            assert_eq!(serde_json::to_string(&change).unwrap(), body, "written back as read");
        }
    }
}
