//! `GET /_sim/state`: a summary of everything a test may want to check
//! without going through a provider API — per-show seat counts and hashes,
//! per-event ticket counts, every live QTickets ticket and every TicketsCloud
//! order (so a test can assert "exactly 10 seats held, none twice"), the
//! active faults and the clock offset. Deterministic for a given state: no
//! wall-clock time in it, so two readings of an unchanged state are equal.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use serde_json::json;

use crate::qtickets::inventory::{count_numbered_seats, last_update_hash, SeatInventory, ShowSeatCounts};
use crate::state::{lock, SharedSimState, SimState};
use crate::ticketscloud::inventory::SetCounts;
use crate::ticketscloud::promocodes::order_total;

#[derive(Debug, Serialize)]
struct QticketsShowSummary {
    event_id: u64,
    show_id: u64,
    event_name: String,
    #[serde(flatten)]
    seat_counts: ShowSeatCounts,
    admission: Vec<AdmissionSummary>,
    last_update_hash: String,
}

#[derive(Debug, Serialize)]
struct AdmissionSummary {
    seat_id: String,
    free_quantity: u32,
}

#[derive(Debug, Serialize)]
struct TicketscloudEventSummary {
    event_id: String,
    title: String,
    tickets_by_status: BTreeMap<&'static str, usize>,
    sets: Vec<TicketSetSummary>,
}

#[derive(Debug, Serialize)]
struct TicketSetSummary {
    set_id: String,
    name: String,
    with_seats: bool,
    sector: Option<String>,
    #[serde(flatten)]
    counts: SetCounts,
}

pub async fn state_summary(State(shared): State<SharedSimState>) -> Json<serde_json::Value> {
    let state = lock(&shared);
    let mut qtickets = Vec::new();
    for event in &state.qtickets.events {
        for show in &event.shows {
            let admission = event
                .hall
                .zones
                .iter()
                .flat_map(|zone| &zone.seats)
                .filter_map(|seat| match show.seat_inventory[seat.inventory_index] {
                    SeatInventory::Admission { free_quantity } => {
                        Some(AdmissionSummary { seat_id: seat.seat_id.clone(), free_quantity })
                    }
                    SeatInventory::Numbered(_) => None,
                })
                .collect();
            qtickets.push(QticketsShowSummary {
                event_id: event.event_id,
                show_id: show.show_id,
                event_name: event.event_name.clone(),
                seat_counts: count_numbered_seats(show),
                admission,
                last_update_hash: last_update_hash(event.event_id, show),
            });
        }
    }
    let ticketscloud: Vec<TicketscloudEventSummary> = state
        .ticketscloud
        .events
        .iter()
        .map(|event| TicketscloudEventSummary {
            event_id: event.id.clone(),
            title: event.title_text.clone(),
            tickets_by_status: event.tickets_by_status(),
            sets: event
                .sets
                .iter()
                .map(|set| TicketSetSummary {
                    set_id: set.id.clone(),
                    name: set.name.clone(),
                    with_seats: set.with_seats,
                    sector: set.sector_id.clone(),
                    counts: event.set_counts(&set.id),
                })
                .collect(),
        })
        .collect();
    Json(json!({
        "qtickets": qtickets,
        "qtickets_tickets": qtickets_tickets(&state),
        "ticketscloud": ticketscloud,
        "ticketscloud_orders": ticketscloud_orders(&state),
        "ticketscloud_refunds": ticketscloud_refunds(&state),
        "ticketscloud_barcode_delay_seconds": state.ticketscloud.barcode_delay_seconds,
        "faults": state.faults.views(),
        "requests_logged": state.request_log.len(),
        "clock_offset_seconds": state.clock.offset_seconds(),
    }))
}

/// One live QTickets ticket (removed and expired ones no longer exist).
#[derive(Debug, Serialize)]
struct QticketsTicketSummary<'a> {
    id: &'a str,
    external_id: Option<&'a str>,
    event_id: u64,
    show_id: u64,
    seat_id: &'a str,
    paid: bool,
    /// As sent by the partner; null once paid.
    reserved_to: Option<&'a str>,
    barcode: Option<&'a str>,
}

fn qtickets_tickets(state: &SimState) -> Vec<QticketsTicketSummary<'_>> {
    state
        .qtickets
        .tickets
        .values()
        .map(|ticket| QticketsTicketSummary {
            id: &ticket.ticket_id,
            external_id: ticket.external_id.as_deref(),
            event_id: ticket.event_id,
            show_id: ticket.show_id,
            seat_id: &ticket.seat_id,
            paid: ticket.paid,
            reserved_to: ticket.reserved_to.as_ref().map(|deadline| deadline.as_sent.as_str()),
            barcode: ticket.barcode.as_deref(),
        })
        .collect()
}

/// One TicketsCloud order, whatever its status.
#[derive(Debug, Serialize)]
struct TicketscloudOrderSummary<'a> {
    id: &'a str,
    number: u64,
    event_id: &'a str,
    status: &'static str,
    tickets: &'a [String],
    /// RFC 3339 UTC, like everything else in the admin API.
    expired_after: String,
    /// `vendor_data.order_id`: the proxy's own id for the hold.
    vendor_order_id: Option<&'a str>,
    /// Done and its barcodes issued (see `/_sim/ticketscloud/barcodes`).
    barcodes_issued: bool,
    /// The promo codes the order carries, as spelled when seeded.
    promocodes: Vec<&'a str>,
    /// What its tickets cost with those codes (`values.full`), e.g. `"2256.00"`.
    total: String,
}

/// One TicketsCloud refund request.
#[derive(Debug, Serialize)]
struct TicketscloudRefundSummary<'a> {
    id: &'a str,
    order_id: &'a str,
    culprit: &'a str,
    status: &'static str,
    tickets: &'a [String],
}

fn ticketscloud_refunds(state: &SimState) -> Vec<TicketscloudRefundSummary<'_>> {
    state
        .ticketscloud
        .refund_requests
        .values()
        .map(|refund| TicketscloudRefundSummary {
            id: &refund.id,
            order_id: &refund.order_id,
            culprit: &refund.culprit,
            status: refund.status.as_str(),
            tickets: &refund.ticket_ids,
        })
        .collect()
}

fn ticketscloud_orders(state: &SimState) -> Vec<TicketscloudOrderSummary<'_>> {
    state
        .ticketscloud
        .orders
        .values()
        .map(|order| TicketscloudOrderSummary {
            id: &order.id,
            number: order.number,
            event_id: &order.event_id,
            status: order.status.as_str(),
            tickets: &order.ticket_ids,
            expired_after: order.expired_after.to_rfc3339_utc(),
            vendor_order_id: order.vendor_data.get("order_id").and_then(|order_id| order_id.as_str()),
            barcodes_issued: order.barcodes_issued,
            promocodes: order.promocodes.iter().map(|promocode| promocode.code.as_str()).collect(),
            total: state
                .ticketscloud
                .find_event(&order.event_id)
                .map(|event| order_total(order, event).to_money_string())
                .unwrap_or_default(),
        })
        .collect()
}
