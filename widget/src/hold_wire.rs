//! Reading a `Hold` from the proxy's JSON without serde's tagged-enum code.
//!
//! The contract's `HoldItem` is an internally tagged enum (`"kind": "seat"`);
//! serde deserialises those by buffering each item into a generic `Content`
//! tree first, which costs the widget several kilobytes of wasm. The widget
//! instead reads items into one flat struct and builds the contract type from
//! it. The contract stays the single definition of the wire format: the tests
//! below read exactly what the contract's own `Serialize` writes.

use serde::{Deserialize, Deserializer};
use ticket_contract::{AppliedPromocode, Buyer, Hold, HoldItem, HoldState, IssuedTicket, Money};

use crate::api_error::ApiError;

#[derive(Deserialize)]
struct FlatHold {
    id: String,
    event_id: String,
    show_id: String,
    state: HoldState,
    items: Vec<FlatItem>,
    total: Money,
    expires_at: String,
    #[serde(default)]
    buyer: Option<Buyer>,
    #[serde(default)]
    tickets: Vec<IssuedTicket>,
    #[serde(default)]
    tickets_pending: bool,
    promocode: Option<AppliedPromocode>,
    #[serde(default)]
    details_withheld: bool,
}

/// Every field of every `HoldItem` variant; `kind` says which are meant.
#[derive(Deserialize)]
struct FlatItem {
    kind: String,
    #[serde(default)]
    seat_id: String,
    #[serde(default)]
    admission_id: String,
    zone_name: String,
    #[serde(default)]
    row: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    price: Option<Money>,
    #[serde(default)]
    quantity: u32,
    #[serde(default)]
    unit_price: Option<Money>,
}

impl FlatItem {
    fn into_item(self) -> Option<HoldItem> {
        Some(match self.kind.as_str() {
            "seat" => HoldItem::Seat {
                seat_id: self.seat_id,
                zone_name: self.zone_name,
                row: self.row,
                place: self.place,
                price: self.price?,
            },
            "admission" => HoldItem::Admission {
                admission_id: self.admission_id,
                zone_name: self.zone_name,
                quantity: self.quantity,
                unit_price: self.unit_price?,
            },
            _ => return None,
        })
    }
}

/// Reads a parsed 2xx hold body (`POST`, `GET`, `PATCH`, `DELETE /v1/holds…`).
pub fn parse_hold<'de, D: Deserializer<'de>>(body: D) -> Result<Hold, ApiError> {
    let flat = FlatHold::deserialize(body).map_err(|_| ApiError::BadResponse)?;
    let items = flat.items.into_iter().map(FlatItem::into_item).collect::<Option<Vec<_>>>();
    Ok(Hold {
        id: flat.id,
        event_id: flat.event_id,
        show_id: flat.show_id,
        state: flat.state,
        items: items.ok_or(ApiError::BadResponse)?,
        total: flat.total,
        expires_at: flat.expires_at,
        buyer: flat.buyer,
        tickets: flat.tickets,
        tickets_pending: flat.tickets_pending,
        // A refund is the partner's server's business, not the buyer's screen.
        refund: None,
        promocode: flat.promocode,
        details_withheld: flat.details_withheld,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::ItemDiscount;

    /// As the glue does it, with `serde_json` in place of the browser's parser.
    fn parse_hold(body: &str) -> Result<Hold, ApiError> {
        let document: serde_json::Value = serde_json::from_str(body).map_err(|_| ApiError::BadResponse)?;
        super::parse_hold(document)
    }

    fn hold(state: HoldState) -> Hold {
        Hold {
            id: "h_0123456789abcdef0123456789abcdef".into(),
            event_id: "tc:5f1a0c0e2b3c4d5e6f708192".into(),
            show_id: "5f1a0c0e2b3c4d5e6f708192".into(),
            state,
            items: vec![
                HoldItem::Seat {
                    seat_id: "s1".into(),
                    zone_name: "Партер".into(),
                    row: "1".into(),
                    place: "5".into(),
                    price: Money::rub_minor(150_000),
                },
                HoldItem::Admission {
                    admission_id: "ga".into(),
                    zone_name: "Танцпол".into(),
                    quantity: 3,
                    unit_price: Money::rub_minor(100_050),
                },
            ],
            total: Money::rub_minor(450_150),
            expires_at: "2027-03-14T16:10:00Z".into(),
            buyer: None,
            tickets: vec![],
            tickets_pending: false,
            refund: None,
            promocode: None,
            details_withheld: false,
        }
    }

    #[test]
    fn reads_what_the_contract_writes() {
        let mut confirmed = hold(HoldState::Confirmed);
        confirmed.buyer = Some(Buyer { name: "Анна".into(), email: "a@example.ru".into(), phone: "+79161234567".into() });
        confirmed.tickets = vec![
            IssuedTicket {
                item_id: "s1".into(),
                zone_name: "Партер".into(),
                row: Some("1".into()),
                place: Some("5".into()),
                barcode: "4600000000017".into(),
                serial: Some("SWL".into()),
                number: Some("510005".into()),
                price: Some(Money::rub_minor(520_000)),
                organiser: Some(ticket_contract::Organiser { name: "ООО «Премьера»".into(), ..Default::default() }),
                ..IssuedTicket::default()
            },
            IssuedTicket {
                item_id: "ga".into(), zone_name: "Танцпол".into(), barcode: "GA-1".into(), ..IssuedTicket::default()
            },
        ];
        let mut issuing = hold(HoldState::Confirmed);
        issuing.tickets_pending = true;
        let mut discounted = hold(HoldState::Held);
        discounted.total = Money::rub_minor(405_135);
        discounted.promocode = Some(AppliedPromocode {
            code: "SALE10".into(),
            total_before_discount: Money::rub_minor(450_150),
            discount: Money::rub_minor(45_015),
            items: vec![ItemDiscount { item_id: "ga".into(), discount: Money::rub_minor(30_015) }],
        });
        for expected in
            [hold(HoldState::Held), hold(HoldState::Released), hold(HoldState::Expired), confirmed, issuing, discounted]
        {
            let json = serde_json::to_string(&expected).unwrap();
            assert_eq!(parse_hold(&json), Ok(expected), "{json}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_hold() {
        let good = serde_json::to_string(&hold(HoldState::Held)).unwrap();
        let cases = [
            "",
            "{}",
            "<html>",
            &good.replace("\"kind\":\"seat\"", "\"kind\":\"table\""),
            &good.replace("\"price\"", "\"cost\""),
            &good.replace("\"held\"", "\"pending\""),
        ];
        for body in cases {
            assert_eq!(parse_hold(body), Err(ApiError::BadResponse), "{body}");
        }
    }
}
