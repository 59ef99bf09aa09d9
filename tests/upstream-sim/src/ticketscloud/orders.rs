//! TicketsCloud orders (`/v2/resources/orders`) and their life cycle
//! (document l.2008–2041): created `executed`, holding tickets until
//! `expired_after`; then `done` (paid: tickets sold, barcodes appear),
//! `cancelled` (tickets back on sale) or, by the clock, `expired` (the same).
//! Only an `executed` order can change.
//!
//! A change is validated and planned in full before anything is written, so
//! a refused request leaves the order and the tickets exactly as they were.
//! Plain functions over [`TicketscloudInventory`] with time passed in; the
//! HTTP glue (including the 409 on concurrent PATCHes) is in `order_handlers`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::calendar::UnixTimestamp;
use crate::money::Kopecks;

use super::inventory::{TicketStatus, TicketscloudInventory};
use super::order_request::{OrderChangeRequest, OrderCreateRequest, OrderCustomer, RequestedOrderStatus};
use super::order_reservation::plan_reservation;
use super::promocodes::{plan_promocodes, TicketscloudPromocode};

/// How long a new order holds its tickets. Every example in the document
/// puts `expired_after` 15 minutes after `created_at` (l.255–257, l.963–965,
/// l.768–771); its life-cycle section says 10 minutes (l.2015). The
/// simulator follows the examples; a proxy should read `expired_after`
/// rather than assume either.
pub const ORDER_LIFETIME_SECONDS: i64 = 15 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketscloudOrder {
    /// 24-hex ObjectId.
    pub id: String,
    pub number: u64,
    pub event_id: String,
    pub status: OrderStatus,
    pub created_at: UnixTimestamp,
    pub expired_after: UnixTimestamp,
    pub done_at: Option<UnixTimestamp>,
    /// The tickets the order holds (or held, once cancelled or expired), in
    /// the order they were added.
    pub ticket_ids: Vec<String>,
    /// What each ticket costs in this order (organiser's price, service fee):
    /// its set's price by the rule in force when the ticket was added.
    pub ticket_prices: BTreeMap<String, (Kopecks, Kopecks)>,
    pub customer: Option<OrderCustomer>,
    pub send_tickets: bool,
    pub vendor_data: Map<String, Value>,
    /// Once `done`: whether its tickets carry their barcodes yet. The
    /// document shows a done order whose tickets have `barcode: null`
    /// (l.606–632); with a barcode delay (`POST /_sim/ticketscloud/barcodes`)
    /// they appear only at `barcodes_due_at`.
    pub barcodes_issued: bool,
    pub barcodes_due_at: Option<UnixTimestamp>,
    /// The promo codes the order carries (`promocodes` lists their ids).
    pub promocodes: Vec<TicketscloudPromocode>,
    /// The promo-code errors of the last PATCH, `(code, msg)`: listed in
    /// its `200` answer's `errors` (see [`super::promocodes`]).
    pub promocode_notes: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Executed,
    /// Documented (l.97) for orders paid through TicketsCloud's own payment
    /// systems; the simulator never enters it.
    InProgress,
    Done,
    Cancelled,
    Expired,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Executed => "executed",
            OrderStatus::InProgress => "in_progress",
            OrderStatus::Done => "done",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }
}

/// Why a create or change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderError {
    /// HTTP 404.
    OrderNotFound(String),
    /// HTTP 400 with these messages.
    Rejected(Vec<String>),
}

impl OrderError {
    fn rejected(message: impl Into<String>) -> OrderError {
        OrderError::Rejected(vec![message.into()])
    }
}

/// The id of the order with this number: a 24-hex ObjectId.
pub fn order_id_for_number(number: u64) -> String {
    format!("6b0a0d0e{number:016x}")
}

/// Creates an `executed` order for the event and applies the rest of the
/// request to it as a PATCH would. If that is refused, no order is created
/// (the caller never learns an id, so an empty leftover order would only
/// leak) and its number is not used up.
pub fn create_order(
    inventory: &mut TicketscloudInventory,
    request: &OrderCreateRequest,
    now: UnixTimestamp,
) -> Result<String, OrderError> {
    if inventory.find_event(&request.event_id).is_none() {
        return Err(OrderError::rejected(format!("Event {} not found", request.event_id)));
    }
    let number = inventory.next_order_number;
    let order_id = order_id_for_number(number);
    inventory.orders.insert(
        order_id.clone(),
        TicketscloudOrder {
            id: order_id.clone(),
            number,
            event_id: request.event_id.clone(),
            status: OrderStatus::Executed,
            created_at: now,
            expired_after: now.plus_seconds(ORDER_LIFETIME_SECONDS),
            done_at: None,
            ticket_ids: Vec::new(),
            ticket_prices: BTreeMap::new(),
            customer: None,
            send_tickets: false,
            vendor_data: Map::new(),
            barcodes_issued: false,
            barcodes_due_at: None,
            promocodes: Vec::new(),
            promocode_notes: Vec::new(),
        },
    );
    match change_order(inventory, &order_id, &request.change, now) {
        Ok(()) => {
            inventory.next_order_number += 1;
            Ok(order_id)
        }
        Err(error) => {
            inventory.orders.remove(&order_id);
            Err(error)
        }
    }
}

/// Applies one PATCH: reservation (`tickets` / `random`), buyer settings,
/// `vendor_data`, then `status`. All of it or none of it.
pub fn change_order(
    inventory: &mut TicketscloudInventory,
    order_id: &str,
    change: &OrderChangeRequest,
    now: UnixTimestamp,
) -> Result<(), OrderError> {
    let order = inventory.orders.get(order_id).ok_or_else(|| OrderError::OrderNotFound(order_id.to_owned()))?;
    if order.status != OrderStatus::Executed {
        // l.916 for cancelling a paid order, l.1452 for everything else
        // (l.883–885: a done order cannot be changed at all).
        return Err(OrderError::rejected(match (order.status, change.status) {
            (OrderStatus::Done, Some(RequestedOrderStatus::Cancelled)) => {
                format!("Order {order_id} is not cancellable")
            }
            (status, _) => format!("Not allow to update order in status {}", status.as_str()),
        }));
    }
    let event = inventory
        .find_event(&order.event_id)
        .ok_or_else(|| OrderError::rejected(format!("Event {} not found", order.event_id)))?;
    let planned_ticket_ids = match &change.reservation {
        Some(desired) => {
            plan_reservation(event, &order.ticket_ids, desired, change.all_or_nothing).map_err(OrderError::Rejected)?
        }
        None => order.ticket_ids.clone(),
    };
    if change.status == Some(RequestedOrderStatus::Done) && planned_ticket_ids.is_empty() {
        return Err(OrderError::rejected("there is no tickets in order"));
    }
    let promocode_plan = match &change.promocodes {
        Some(codes) => {
            let orders: Vec<&TicketscloudOrder> = inventory.orders.values().collect();
            let plan =
                plan_promocodes(&inventory.promocodes, &orders, order_id, &order.event_id, codes, planned_ticket_ids.len(), now);
            Some(plan.map_err(OrderError::Rejected)?)
        }
        None => None,
    };

    // Everything is valid: write.
    let barcode_delay_seconds = inventory.barcode_delay_seconds.max(0);
    commit_reservation(inventory, order_id, planned_ticket_ids, now);
    let order = inventory.orders.get_mut(order_id).expect("checked above");
    if let Some(customer) = &change.customer {
        order.customer = Some(customer.clone());
    }
    if let Some(send_tickets) = change.send_tickets {
        order.send_tickets = send_tickets;
    }
    order.promocode_notes.clear();
    if let Some(plan) = promocode_plan {
        order.promocodes = plan.promocodes;
        order.promocode_notes = plan.notes;
    }
    if let Some(vendor_data) = &change.vendor_data {
        // Keys given replace keys held (`order_id`, `raw`); others are kept,
        // so a later PATCH of `raw` alone does not lose our `order_id`.
        for (key, value) in vendor_data {
            order.vendor_data.insert(key.clone(), value.clone());
        }
    }
    let tickets_become = match change.status {
        None => None,
        Some(RequestedOrderStatus::Done) => {
            order.status = OrderStatus::Done;
            order.done_at = Some(now);
            order.barcodes_due_at = Some(now.plus_seconds(barcode_delay_seconds));
            order.barcodes_issued = barcode_delay_seconds == 0;
            Some(TicketStatus::Sold)
        }
        Some(RequestedOrderStatus::Cancelled) => {
            order.status = OrderStatus::Cancelled;
            Some(TicketStatus::Vacant)
        }
    };
    if let Some(ticket_status) = tickets_become {
        set_order_tickets(inventory, order_id, ticket_status);
    }
    Ok(())
}

/// Marks every `executed` order past its `expired_after` as `expired` and puts
/// its tickets back on sale (l.2015, l.2041). Tickets seeded as reserved by
/// someone else have no order here and are left alone.
pub fn expire_due_orders(inventory: &mut TicketscloudInventory, now: UnixTimestamp) {
    let due: Vec<String> = inventory
        .orders
        .values()
        .filter(|order| order.status == OrderStatus::Executed && order.expired_after <= now)
        .map(|order| order.id.clone())
        .collect();
    for order_id in due {
        if let Some(order) = inventory.orders.get_mut(&order_id) {
            order.status = OrderStatus::Expired;
        }
        set_order_tickets(inventory, &order_id, TicketStatus::Vacant);
    }
}

/// Gives done orders their barcodes once their delay has passed on the
/// simulated clock (see [`TicketscloudInventory::barcode_delay_seconds`]).
pub fn issue_due_barcodes(inventory: &mut TicketscloudInventory, now: UnixTimestamp) {
    for order in inventory.orders.values_mut() {
        let due = order.barcodes_due_at.is_some_and(|due| due <= now);
        if order.status == OrderStatus::Done && !order.barcodes_issued && due {
            order.barcodes_issued = true;
        }
    }
}

/// Releases the order's tickets that are not planned and reserves the planned
/// ones it does not hold yet (each with `reserved_till` = `expired_after`,
/// priced by its set's rule in force at `now`).
fn commit_reservation(
    inventory: &mut TicketscloudInventory,
    order_id: &str,
    planned_ticket_ids: Vec<String>,
    now: UnixTimestamp,
) {
    let TicketscloudInventory { events, orders, .. } = inventory;
    let order = orders.get_mut(order_id).expect("caller checked the order");
    let Some(event) = events.iter_mut().find(|event| event.id == order.event_id) else {
        return;
    };
    let reserved_till = order.expired_after.to_iso8601_with_zero_offset();
    for ticket in &mut event.tickets {
        let planned = planned_ticket_ids.contains(&ticket.id);
        let held_by_order = ticket.order_id.as_deref() == Some(order_id);
        if held_by_order && !planned {
            ticket.status = TicketStatus::Vacant;
            ticket.order_id = None;
            ticket.reserved_till = None;
        } else if planned && !held_by_order {
            ticket.status = TicketStatus::Reserved;
            ticket.order_id = Some(order_id.to_owned());
            ticket.reserved_till = Some(reserved_till.clone());
            if let Some(set) = event.sets.iter().find(|set| set.id == ticket.set_id) {
                order.ticket_prices.insert(ticket.id.clone(), set.prices_at(now));
            }
        }
    }
    order.ticket_prices.retain(|ticket_id, _| planned_ticket_ids.contains(ticket_id));
    order.ticket_ids = planned_ticket_ids;
}

/// Sells the order's tickets (`Sold`) or puts them back on sale (`Vacant`).
fn set_order_tickets(inventory: &mut TicketscloudInventory, order_id: &str, status: TicketStatus) {
    let TicketscloudInventory { events, orders, .. } = inventory;
    let Some(order) = orders.get(order_id) else {
        return;
    };
    let Some(event) = events.iter_mut().find(|event| event.id == order.event_id) else {
        return;
    };
    for ticket in &mut event.tickets {
        if ticket.order_id.as_deref() == Some(order_id) {
            ticket.status = status;
            ticket.reserved_till = None;
            if status == TicketStatus::Vacant {
                ticket.order_id = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data::{seeded_ticketscloud_inventory, SWAN_LAKE_EVENT_ID, SWAN_LAKE_GENERAL_ADMISSION_SET_ID};
    use crate::ticketscloud::order_request::DesiredReservation;

    const NOW: UnixTimestamp = UnixTimestamp(1_800_000_000);

    fn random_general_admission(count: usize) -> OrderChangeRequest {
        OrderChangeRequest {
            reservation: Some(DesiredReservation::Random(vec![(SWAN_LAKE_GENERAL_ADMISSION_SET_ID.to_owned(), count)])),
            all_or_nothing: true,
            ..OrderChangeRequest::default()
        }
    }

    fn vacant_general_admission(inventory: &TicketscloudInventory) -> usize {
        inventory.events[0].set_counts(SWAN_LAKE_GENERAL_ADMISSION_SET_ID).amount_vacant
    }

    fn create(inventory: &mut TicketscloudInventory, change: OrderChangeRequest) -> Result<String, OrderError> {
        create_order(inventory, &OrderCreateRequest { event_id: SWAN_LAKE_EVENT_ID.to_owned(), change }, NOW)
    }

    #[test]
    fn an_order_holds_until_done_cancelled_or_expired() {
        for ending in ["done", "cancelled", "expired"] {
            let mut inventory = seeded_ticketscloud_inventory();
            let order_id = create(&mut inventory, random_general_admission(2)).unwrap();
            assert_eq!(order_id, "6b0a0d0e000000000000d65d", "number 54877");
            assert_eq!(vacant_general_admission(&inventory), 71);
            let order = &inventory.orders[&order_id];
            assert_eq!(order.expired_after, NOW.plus_seconds(900));
            assert_eq!(order.ticket_ids.len(), 2);

            let status = |status| OrderChangeRequest { status: Some(status), ..OrderChangeRequest::default() };
            match ending {
                "done" => change_order(&mut inventory, &order_id, &status(RequestedOrderStatus::Done), NOW).unwrap(),
                "cancelled" => change_order(&mut inventory, &order_id, &status(RequestedOrderStatus::Cancelled), NOW).unwrap(),
                _ => {
                    expire_due_orders(&mut inventory, NOW.plus_seconds(899));
                    assert_eq!(inventory.orders[&order_id].status, OrderStatus::Executed);
                    expire_due_orders(&mut inventory, NOW.plus_seconds(900));
                }
            }
            let order = &inventory.orders[&order_id];
            assert_eq!(order.status.as_str(), ending);
            assert_eq!(order.ticket_ids.len(), 2, "the order remembers its tickets");
            let sold_now = inventory.events[0].tickets_by_status()["sold"];
            match ending {
                "done" => {
                    assert_eq!(vacant_general_admission(&inventory), 71);
                    assert_eq!(order.done_at, Some(NOW));
                    assert_eq!(sold_now, seeded_ticketscloud_inventory().events[0].tickets_by_status()["sold"] + 2);
                }
                _ => assert_eq!(vacant_general_admission(&inventory), 73),
            }
            // A finished order cannot change.
            let refusal = change_order(&mut inventory, &order_id, &random_general_admission(1), NOW);
            assert_eq!(refusal, Err(OrderError::Rejected(vec![format!("Not allow to update order in status {ending}")])));
        }
    }

    #[test]
    fn refused_requests_change_nothing() {
        let mut inventory = seeded_ticketscloud_inventory();
        let order_id = create(&mut inventory, random_general_admission(2)).unwrap();
        let before = (inventory.orders.clone(), inventory.events[0].tickets.clone());
        let cases = [
            (random_general_admission(100), "Not enough tickets"),
            (
                OrderChangeRequest {
                    reservation: Some(DesiredReservation::Tickets(vec![])),
                    status: Some(RequestedOrderStatus::Done),
                    ..OrderChangeRequest::default()
                },
                "there is no tickets in order",
            ),
        ];
        for (change, fragment) in cases {
            let Err(OrderError::Rejected(messages)) = change_order(&mut inventory, &order_id, &change, NOW) else {
                panic!("{change:?} should be refused");
            };
            assert!(messages[0].contains(fragment), "{messages:?}");
            assert_eq!((inventory.orders.clone(), inventory.events[0].tickets.clone()), before);
        }
        assert_eq!(
            change_order(&mut inventory, "nope", &OrderChangeRequest::default(), NOW),
            Err(OrderError::OrderNotFound("nope".into()))
        );

        // A refused create leaves no order and does not use up a number.
        assert!(create(&mut inventory, random_general_admission(1000)).is_err());
        assert_eq!(inventory.orders.len(), 1);
        let next = create(&mut inventory, OrderChangeRequest::default()).unwrap();
        assert_eq!(inventory.orders[&next].number, 54_878);
        let Err(OrderError::Rejected(messages)) = create_order(
            &mut inventory,
            &OrderCreateRequest { event_id: "nope".into(), change: OrderChangeRequest::default() },
            NOW,
        ) else {
            panic!()
        };
        assert_eq!(messages, ["Event nope not found"]);
    }

    #[test]
    fn cancelling_a_done_order_is_refused_as_documented() {
        let mut inventory = seeded_ticketscloud_inventory();
        let order_id = create(&mut inventory, random_general_admission(1)).unwrap();
        let status = |status| OrderChangeRequest { status: Some(status), ..OrderChangeRequest::default() };
        change_order(&mut inventory, &order_id, &status(RequestedOrderStatus::Done), NOW).unwrap();
        assert_eq!(
            change_order(&mut inventory, &order_id, &status(RequestedOrderStatus::Cancelled), NOW),
            Err(OrderError::Rejected(vec![format!("Order {order_id} is not cancellable")]))
        );
        expire_due_orders(&mut inventory, NOW.plus_seconds(10_000));
        assert_eq!(inventory.orders[&order_id].status, OrderStatus::Done, "paid orders never expire");
    }
}
