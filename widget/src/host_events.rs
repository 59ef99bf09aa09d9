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

use serde_json::{json, Value};
use ticket_contract::{Hold, HoldState, Layout};

use crate::checkout::{HoldNotice, Step};
use crate::selection::Selection;

/// One event for the host page: its name (without the `ticket-widget:`
/// prefix) and its detail.
#[derive(Debug, Clone, PartialEq)]
pub struct HostEvent {
    pub name: &'static str,
    pub detail: Value,
}

impl HostEvent {
    fn new(name: &'static str, detail: Value) -> HostEvent {
        HostEvent { name, detail }
    }

    /// A failure the buyer is told about, by its stable error code.
    pub fn error(code: &str) -> HostEvent {
        HostEvent::new("error", json!({ "code": code }))
    }

    /// The buyer's current picks in `layout` (on every change).
    pub fn select(layout: &Layout, selection: &Selection) -> HostEvent {
        let seats: Vec<Value> = selection
            .seats()
            .iter()
            .filter_map(|&index| layout.seats.get(index))
            .map(|seat| {
                json!({
                    "id": seat.id,
                    "zone": zone_name(layout, seat.zone),
                    "row": seat.row,
                    "place": seat.place,
                    "price": seat.price,
                })
            })
            .collect();
        let admissions: Vec<Value> = selection
            .admissions()
            .filter_map(|(index, quantity)| layout.admissions.get(index).map(|admission| (admission, quantity)))
            .map(|(admission, quantity)| {
                json!({
                    "id": admission.id,
                    "zone": zone_name(layout, admission.zone),
                    "quantity": quantity,
                    "price": admission.price,
                })
            })
            .collect();
        HostEvent::new(
            "select",
            json!({
                "event_id": layout.event_id,
                "show_id": layout.show_id,
                "seats": seats,
                "admissions": admissions,
                "count": selection.ticket_count(),
                "total": selection.total(layout),
            }),
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
                events.push(HostEvent::new("paid", json!({ "hold_id": hold.id, "tickets": hold.tickets })));
            }
            (_, Some(hold)) if hold.state != HoldState::Confirmed && was.is_none_or(|was| was.id != hold.id) => {
                events.push(held(hold));
            }
            (Some(was), None) if was.state != HoldState::Confirmed => {
                let name = if after.notice == Some(HoldNotice::Expired) { "expire" } else { "release" };
                events.push(HostEvent::new(name, json!({ "hold_id": was.id })));
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
        json!({
            "hold_id": hold.id,
            "event_id": hold.event_id,
            "show_id": hold.show_id,
            "expires_at": hold.expires_at,
            "total": hold.total,
            "items": hold.items,
        }),
    )
}

fn zone_name(layout: &Layout, zone: u16) -> &str {
    layout.zones.get(zone as usize).map_or("", |zone| zone.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::{ActiveHold, CheckoutStage};
    use ticket_contract::{Currency, Money};

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
        assert_eq!(made[0].detail["hold_id"], "h_1");
        assert_eq!(made[0].detail["expires_at"], "2026-12-05T10:15:00Z");
        // Moving on with the same hold says nothing new.
        let payment = step(CheckoutStage::Payment(ActiveHold::new(hold("h_1", HoldState::Held), None, 0)), None);
        assert!(HostEvent::from_steps(&details, &payment).is_empty());
        // A replaced hold (seats changed) is a new hold.
        let replaced = step(CheckoutStage::Details(ActiveHold::new(hold("h_2", HoldState::Held), None, 0)), None);
        assert_eq!(names(&HostEvent::from_steps(&details, &replaced)), ["hold"]);

        let expired = step(CheckoutStage::Choosing, Some(HoldNotice::Expired));
        let ended = HostEvent::from_steps(&payment, &expired);
        assert_eq!(names(&ended), ["expire"]);
        assert_eq!(ended[0].detail, json!({ "hold_id": "h_1" }));
        assert_eq!(names(&HostEvent::from_steps(&payment, &choosing)), ["release"]);
    }

    #[test]
    fn paid_once_with_the_tickets_and_errors_by_code() {
        let waiting = step(CheckoutStage::AwaitingPayment(ActiveHold::new(hold("h_1", HoldState::Held), None, 0)), None);
        let tickets = step(CheckoutStage::Tickets(hold("h_1", HoldState::Confirmed)), None);
        let paid = HostEvent::from_steps(&waiting, &tickets);
        assert_eq!(names(&paid), ["paid"]);
        assert_eq!(paid[0].detail["hold_id"], "h_1");
        assert!(paid[0].detail["tickets"].is_array());
        assert!(HostEvent::from_steps(&tickets, &tickets).is_empty(), "told once");
        // Done with the tickets: not a release.
        assert!(HostEvent::from_steps(&tickets, &step(CheckoutStage::Choosing, None)).is_empty());

        let failed = step(waiting.stage.clone(), Some(HoldNotice::Failed("upstream_unavailable".into())));
        let told = HostEvent::from_steps(&waiting, &failed);
        assert_eq!(told, [HostEvent::error("upstream_unavailable")]);
        assert!(HostEvent::from_steps(&failed, &failed).is_empty(), "the same notice is not told twice");
    }
}
