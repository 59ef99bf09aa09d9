//! What the Worker and the hold objects say to a show's Durable Object (the
//! one owner of that show's hall), and to the catalogue's: an internal wire
//! format between parts of the proxy, never seen by browsers or partners.
//!
//! Pure serde types, so every side and native tests agree on them.

use serde::{Deserialize, Serialize};
use ticket_contract::HoldItem;

/// One request to a show's object. Every message names the show, so an
/// object woken from nothing (evicted, redeployed) knows what to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShowMessage {
    /// The hall's layout document.
    Layout { event_id: String, show_id: String },
    /// The hall's availability document as viewers see it now: with places
    /// priced 0 on sale only when `free_seats` (the partner's record allows
    /// them; `ticket_core::free_places`).
    Availability {
        event_id: String,
        show_id: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        free_seats: bool,
    },
    /// The cheapest place on sale (the catalogue's "from N ₽"): `{"price_from": Money|null}`.
    PriceFrom { event_id: String, show_id: String },
    /// A hold kept `before` off sale and keeps `after` now
    /// (`HoldRecord::places_held`): applied for every viewer at once.
    HoldChanged { event_id: String, show_id: String, before: Vec<HoldItem>, after: Vec<HoldItem> },
    /// The upstream priced a hold otherwise than the layout (`price_changed`):
    /// the hall is read again now (its event's sets too); answered with the
    /// new layout document.
    PricesChanged { event_id: String, show_id: String },
}

/// The name of a show's object: one per show worldwide.
pub fn show_object_name(event_id: &str, show_id: &str) -> String {
    format!("{event_id}/{show_id}")
}

/// The URL the Worker addresses its show-object requests to (never resolved).
pub const SHOW_OBJECT_URL: &str = "https://show-object.invalid/command";
/// The URL of a live-feed upgrade forwarded to a show's object.
pub const SHOW_LIVE_URL: &str = "https://show-object.invalid/live";

/// Headers of a forwarded live-feed upgrade: the show, and the client (a hash
/// of the public key and the buyer's address) whose feeds are counted.
pub const LIVE_EVENT_HEADER: &str = "X-Show-Event";
pub const LIVE_SHOW_HEADER: &str = "X-Show-Id";
pub const LIVE_CLIENT_HEADER: &str = "X-Live-Client";
/// Present (`1`) on the upgrade of a partner that allows free places: its
/// feed gets the availability with them on sale.
pub const LIVE_FREE_SEATS_HEADER: &str = "X-Live-Free-Seats";

/// Response header of a document from an owner: when its data was read
/// upstream (unix seconds), for the edge cache's freshness.
pub const READ_AT_HEADER: &str = "X-Read-At";
/// Response header of a hall document whose prices end (unix seconds; a
/// price rule's end): no copy is served past it.
pub const VALID_UNTIL_HEADER: &str = "X-Valid-Until";

/// The one catalogue object's name, and the URL its requests go to.
pub const CATALOGUE_OBJECT_NAME: &str = "catalogue";
pub const CATALOGUE_OBJECT_URL: &str = "https://catalogue-object.invalid/catalogue";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_a_kind_tag() {
        let message = ShowMessage::Availability { event_id: "qt:1001".into(), show_id: "2001".into(), free_seats: false };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(text, r#"{"kind":"availability","event_id":"qt:1001","show_id":"2001"}"#);
        assert_eq!(serde_json::from_str::<ShowMessage>(&text).unwrap(), message);
        let free = ShowMessage::Availability { event_id: "qt:1001".into(), show_id: "2001".into(), free_seats: true };
        let text = serde_json::to_string(&free).unwrap();
        assert_eq!(text, r#"{"kind":"availability","event_id":"qt:1001","show_id":"2001","free_seats":true}"#);
        assert_eq!(serde_json::from_str::<ShowMessage>(&text).unwrap(), free);
        assert_eq!(show_object_name("qt:1001", "2001"), "qt:1001/2001");
    }
}
