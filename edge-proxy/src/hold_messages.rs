//! What the Worker says to a hold's Durable Object, and how the object
//! answers: an internal wire format between two halves of the proxy, never
//! seen by browsers or partners (their contract is `ticket_contract::holds`).
//!
//! Pure serde types, so both halves and native tests agree on them.

use serde::{Deserialize, Serialize};
use ticket_contract::{Buyer, HoldItem};

/// One request to a hold's Durable Object. `partner` is the public key of the
/// partner acting; an object answers `hold_not_found` to any other partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HoldMessage {
    Create {
        partner: String,
        hold_id: String,
        event_id: String,
        show_id: String,
        items: Vec<HoldItem>,
        /// The partner's `send_tickets` option (its record), for the new order.
        #[serde(default)]
        send_tickets: bool,
        /// The partner's `hold_retention_seconds`: how long the record is
        /// kept after the hold ends (absent: the default, 90 days).
        #[serde(default)]
        retention_seconds: Option<i64>,
    },
    /// A public-key read: the buyer and the tickets only within
    /// `details_seconds` (the partner's `hold_details_seconds`) after the
    /// hold ended (absent: the default, 24 h).
    Get {
        partner: String,
        #[serde(default)]
        details_seconds: Option<i64>,
    },
    Change {
        partner: String,
        items: Option<Vec<HoldItem>>,
        buyer: Option<Buyer>,
    },
    Release {
        partner: String,
    },
    /// The buyer's page went away (the `sendBeacon` release): the places go
    /// back after a grace unless the hold is used again (a reload).
    Leave {
        partner: String,
    },
    Confirm {
        partner: String,
        /// The partner's record allows places priced 0; without it a hold
        /// with such places is not confirmed (`seat_not_for_sale`).
        #[serde(default)]
        free_seats_allowed: bool,
    },
    /// Refund these tickets (barcodes) of a confirmed hold, or all of them.
    Refund {
        partner: String,
        #[serde(default)]
        tickets: Option<Vec<String>>,
    },
    /// Apply a promo code (`Some`) or remove the hold's (`None`).
    Promocode {
        partner: String,
        code: Option<String>,
    },
}

/// The URL the Worker addresses its Durable Object requests to (the host is
/// never resolved; a stub routes by object, not by URL).
pub const HOLD_OBJECT_URL: &str = "https://hold-object.invalid/command";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_a_kind_tag() {
        let message = HoldMessage::Change { partner: "pk_demo".into(), items: None, buyer: None };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(text, r#"{"kind":"change","partner":"pk_demo","items":null,"buyer":null}"#);
        assert_eq!(serde_json::from_str::<HoldMessage>(&text).unwrap(), message);
        let refund = HoldMessage::Refund { partner: "pk_demo".into(), tickets: Some(vec!["4600000000017".into()]) };
        let text = serde_json::to_string(&refund).unwrap();
        assert_eq!(text, r#"{"kind":"refund","partner":"pk_demo","tickets":["4600000000017"]}"#);
        assert_eq!(serde_json::from_str::<HoldMessage>(&text).unwrap(), refund);
        // A create from a Worker that predates `send_tickets` still reads.
        let older = r#"{"kind":"create","partner":"pk_demo","hold_id":"h_1","event_id":"tc:x","show_id":"x","items":[]}"#;
        assert!(matches!(
            serde_json::from_str::<HoldMessage>(older).unwrap(),
            HoldMessage::Create { send_tickets: false, retention_seconds: None, .. }
        ));
        let older_get = r#"{"kind":"get","partner":"pk_demo"}"#;
        assert!(matches!(
            serde_json::from_str::<HoldMessage>(older_get).unwrap(),
            HoldMessage::Get { details_seconds: None, .. }
        ));
        for code in [Some("SALE10".to_string()), None] {
            let message = HoldMessage::Promocode { partner: "pk_demo".into(), code };
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<HoldMessage>(&text).unwrap(), message, "{text}");
        }
    }
}
