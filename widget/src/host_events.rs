//! What the widget tells the host page: the `ticket-widget:*` DOM events.
//!
//! The loader (`static/widget.js`) passes `mount_widget` an `emit(name,
//! detailJson)` function; it dispatches `new CustomEvent("ticket-widget:" +
//! name, {bubbles: true, composed: true, detail})` on the `<ticket-widget>`
//! element and keeps its read-only `hold` property. Which events a change of
//! the checkout makes is decided here, purely (tested natively):
//!
//! | event     | when                                             | detail |
//! |-----------|--------------------------------------------------|--------|
//! | `select`  | the picked seats/admissions change               | `{event_id, show_id, seats: [{id, zone, row, place, price}], admissions: [{id, zone, quantity, price}], count, total}` |
//! | `hold`    | a hold is made (or replaced, or resumed)         | `{hold_id, event_id, show_id, expires_at, total, items}` |
//! | `expire`  | the countdown ran out; the places are back       | `{hold_id}` |
//! | `release` | the hold ended otherwise before payment          | `{hold_id}` |
//! | `paid`    | the hold is confirmed: the tickets               | `{hold_id, tickets}` |
//! | `error`   | something failed that the buyer is told about    | `{code}` |
//!
//! (`ready` and `pay` come from the loader itself.)

use serde::Serialize;
use ticket_contract::{Hold, HoldItem, HoldState, IssuedTicket, Layout, Money};

use crate::checkout::{HoldNotice, Step};
use crate::selection::Selection;

/// One event for the host page: its name (without the `ticket-widget:`
/// prefix) and its detail.
#[derive(Debug, Clone, PartialEq)]
pub struct HostEvent {
    pub name: &'static str,
    pub detail: HostDetail,
}

/// An event's `detail` object, written as the table above says (untagged:
/// each variant is just its fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HostDetail {
    /// `error`
    Error { code: String },
    /// `select`
    Select {
        event_id: String,
        show_id: String,
        seats: Vec<PickedSeat>,
        admissions: Vec<PickedAdmission>,
        count: u64,
        total: Money,
    },
    /// `hold`
    Held { hold_id: String, event_id: String, show_id: String, expires_at: String, total: Money, items: Vec<HoldItem> },
    /// `expire`, `release`
    Ended { hold_id: String },
    /// `paid`
    Paid { hold_id: String, tickets: Vec<IssuedTicket> },
}

/// A picked seat in `select`'s detail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickedSeat {
    pub id: String,
    pub zone: String,
    pub row: String,
    pub place: String,
    pub price: Money,
}

/// Picked places of an admission in `select`'s detail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickedAdmission {
    pub id: String,
    pub zone: String,
    pub quantity: u32,
    pub price: Money,
}

impl HostEvent {
    fn new(name: &'static str, detail: HostDetail) -> HostEvent {
        HostEvent { name, detail }
    }

    /// A failure the buyer is told about, by its stable error code.
    pub fn error(code: &str) -> HostEvent {
        HostEvent::new("error", HostDetail::Error { code: code.to_owned() })
    }

    /// The buyer's current picks in `layout` (on every change).
    pub fn select(layout: &Layout, selection: &Selection) -> HostEvent {
        let seats = selection
            .seats()
            .iter()
            .filter_map(|&index| layout.seats.get(index))
            .map(|seat| PickedSeat {
                id: seat.id.clone(),
                zone: zone_name(layout, seat.zone).to_owned(),
                row: seat.row.clone(),
                place: seat.place.clone(),
                price: seat.price,
            })
            .collect();
        let admissions = selection
            .admissions()
            .filter_map(|(index, quantity)| layout.admissions.get(index).map(|admission| (admission, quantity)))
            .map(|(admission, quantity)| PickedAdmission {
                id: admission.id.clone(),
                zone: zone_name(layout, admission.zone).to_owned(),
                quantity,
                price: admission.price,
            })
            .collect();
        HostEvent::new(
            "select",
            HostDetail::Select {
                event_id: layout.event_id.clone(),
                show_id: layout.show_id.clone(),
                seats,
                admissions,
                count: selection.ticket_count(),
                total: selection.total(layout),
            },
        )
    }

    /// What the move of the checkout from `before` to `after` tells the page.
    pub fn from_steps(before: &Step, after: &Step) -> Vec<HostEvent> {
        let was = before.stage.hold();
        let now = after.stage.hold();
        let mut events = Vec::new();
        match (was, now) {
            (_, Some(hold))
                if hold.state == HoldState::Confirmed
                    && was.is_none_or(|was| was.id != hold.id || was.state != HoldState::Confirmed) =>
            {
                let detail = HostDetail::Paid { hold_id: hold.id.clone(), tickets: hold.tickets.clone() };
                events.push(HostEvent::new("paid", detail));
            }
            (_, Some(hold)) if hold.state != HoldState::Confirmed && was.is_none_or(|was| was.id != hold.id) => {
                events.push(held(hold));
            }
            (Some(was), None) if was.state != HoldState::Confirmed => {
                let name = if after.notice == Some(HoldNotice::Expired) { "expire" } else { "release" };
                events.push(HostEvent::new(name, HostDetail::Ended { hold_id: was.id.clone() }));
            }
            _ => {}
        }
        if let Some(HoldNotice::Failed(code)) = &after.notice {
            if before.notice.as_ref() != after.notice.as_ref() {
                events.push(HostEvent::error(code));
            }
        }
        events
    }
}

fn held(hold: &Hold) -> HostEvent {
    HostEvent::new(
        "hold",
        HostDetail::Held {
            hold_id: hold.id.clone(),
            event_id: hold.event_id.clone(),
            show_id: hold.show_id.clone(),
            expires_at: hold.expires_at.clone(),
            total: hold.total,
            items: hold.items.clone(),
        },
    )
}

fn zone_name(layout: &Layout, zone: u16) -> &str {
    layout.zones.get(zone as usize).map_or("", |zone| zone.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::{ActiveHold, CheckoutStage};
    use serde_json::{json, Value};
    use ticket_contract::{fixtures, Currency, Money};

    /// The detail as the host page receives it (JSON).
    fn detail(event: &HostEvent) -> Value {
        serde_json::to_value(&event.detail).expect("a detail")
    }

    fn hold(id: &str, state: HoldState) -> Hold {
        serde_json::from_value(json!({
            "id": id, "event_id": "qt:1001", "show_id": "2001", "state": state,
            "items": [], "total": Money { minor: 150_000, currency: Currency::Rub },
            "expires_at": "2026-12-05T10:15:00Z",
        }))
        .expect("a hold")
    }

    fn step(stage: CheckoutStage, notice: Option<HoldNotice>) -> Step {
        Step { stage, notice }
    }

    fn names(events: &[HostEvent]) -> Vec<&'static str> {
        events.iter().map(|event| event.name).collect()
    }

    #[test]
    fn a_new_hold_then_its_end_by_expiry_or_release() {
        let choosing = step(CheckoutStage::Choosing, None);
        let details = step(CheckoutStage::Details(ActiveHold::new(hold("h_1", HoldState::Held), None, 0)), None);
        let made = HostEvent::from_steps(&choosing, &details);
        assert_eq!(names(&made), ["hold"]);
        assert_eq!(
            detail(&made[0]),
            json!({
                "hold_id": "h_1", "event_id": "qt:1001", "show_id": "2001", "expires_at": "2026-12-05T10:15:00Z",
                "total": {"minor": 150000, "currency": "RUB"}, "items": [],
            })
        );
        // Moving on with the same hold says nothing new.
        let payment = step(CheckoutStage::Payment(ActiveHold::new(hold("h_1", HoldState::Held), None, 0)), None);
        assert!(HostEvent::from_steps(&details, &payment).is_empty());
        // A replaced hold (seats changed) is a new hold.
        let replaced = step(CheckoutStage::Details(ActiveHold::new(hold("h_2", HoldState::Held), None, 0)), None);
        assert_eq!(names(&HostEvent::from_steps(&details, &replaced)), ["hold"]);

        let expired = step(CheckoutStage::Choosing, Some(HoldNotice::Expired));
        let ended = HostEvent::from_steps(&payment, &expired);
        assert_eq!(names(&ended), ["expire"]);
        assert_eq!(detail(&ended[0]), json!({ "hold_id": "h_1" }));
        assert_eq!(names(&HostEvent::from_steps(&payment, &choosing)), ["release"]);
    }

    #[test]
    fn paid_once_with_the_tickets_and_errors_by_code() {
        let waiting = step(CheckoutStage::AwaitingPayment(ActiveHold::new(hold("h_1", HoldState::Held), None, 0)), None);
        let tickets = step(CheckoutStage::Tickets(hold("h_1", HoldState::Confirmed)), None);
        let paid = HostEvent::from_steps(&waiting, &tickets);
        assert_eq!(names(&paid), ["paid"]);
        assert_eq!(detail(&paid[0]), json!({ "hold_id": "h_1", "tickets": [] }));
        assert!(HostEvent::from_steps(&tickets, &tickets).is_empty(), "told once");
        // Done with the tickets: not a release.
        assert!(HostEvent::from_steps(&tickets, &step(CheckoutStage::Choosing, None)).is_empty());

        let failed = step(waiting.stage.clone(), Some(HoldNotice::Failed("upstream_unavailable".into())));
        let told = HostEvent::from_steps(&waiting, &failed);
        assert_eq!(told, [HostEvent::error("upstream_unavailable")]);
        assert_eq!(detail(&told[0]), json!({ "code": "upstream_unavailable" }));
        assert!(HostEvent::from_steps(&failed, &failed).is_empty(), "the same notice is not told twice");
    }

    #[test]
    fn select_names_each_pick_with_its_zone_and_price() {
        let zones = vec![fixtures::zone("z1", "Партер", 150_000), fixtures::zone("z2", "Танцпол", 100_050)];
        let seats =
            vec![fixtures::seat("s1", 0, "1", "5", (0.0, 0.0), 150_000), fixtures::seat("s2", 0, "1", "6", (10.0, 0.0), 150_000)];
        let layout = Layout { admissions: vec![fixtures::admission("ga", 1, 100_050)], ..fixtures::layout(zones, seats) };
        let mut selection = Selection::default();
        selection.toggle_seat(1, true);
        selection.set_admission_quantity(0, 2, 10);
        let event = HostEvent::select(&layout, &selection);
        assert_eq!(event.name, "select");
        assert_eq!(
            detail(&event),
            json!({
                "event_id": "qt:1", "show_id": "1",
                "seats": [{"id": "s2", "zone": "Партер", "row": "1", "place": "6",
                           "price": {"minor": 150000, "currency": "RUB"}}],
                "admissions": [{"id": "ga", "zone": "Танцпол", "quantity": 2,
                                "price": {"minor": 100050, "currency": "RUB"}}],
                "count": 3,
                "total": {"minor": 350100, "currency": "RUB"},
            })
        );
        let nothing = HostEvent::select(&layout, &Selection::default());
        assert_eq!(detail(&nothing)["seats"], json!([]));
        assert_eq!(detail(&nothing)["count"], 0);
    }
}
