//! The life of a QTickets ticket, as `tickets/add` and `tickets/remove`
//! drive it (`qtickets-partners-api.md` l.382–476): a vacant seat is reserved
//! until `reserved_to` (or sold at once with `paid=1`), a reservation is
//! extended or paid by updating the ticket, released by removing it, and
//! released by the clock when `reserved_to` passes. An admission seat gives
//! one place of its `free_quantity` per ticket.
//!
//! Plain functions over [`QticketsInventory`] with time passed in; the HTTP
//! glue is in `ticket_handlers`, parameter parsing in `ticket_requests`.

use crate::barcodes::qtickets_ean13_barcode;
use crate::calendar::UnixTimestamp;

use super::inventory::{
    HallLayout, QticketsEvent, QticketsInventory, QticketsShow, QticketsTicket, RepeatedExternalId, ReservationDeadline,
    SeatInventory, SeatStatus, ShowLookupError,
};

/// The `VALIDATION_ERROR` message of a repeated `external_id` under
/// [`RepeatedExternalId::DuplicateError`] (worded like the other
/// Laravel-style validation messages; the document gives none).
pub const DUPLICATE_EXTERNAL_ID_MESSAGE: &str = "The external id has already been taken.";

/// Why a ticket request failed; each maps to one documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketError {
    Show(ShowLookupError),
    SeatNotFound { seat_id: String },
    SeatNotAvailable { seat_id: String },
    TicketNotFound { reference: TicketReference },
    Validation(String),
}

/// How a request names an existing ticket: the document allows "`id`
/// идентификатор билета или `external_id`" (l.441, l.448).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketReference {
    TicketId(String),
    ExternalId(String),
}

/// `tickets/add` with `seat_id`: a new ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicketRequest {
    pub seat_id: String,
    pub paid: bool,
    /// Required (and in the future) when unpaid; ignored when paid.
    pub reserved_to: Option<ReservationDeadline>,
    pub external_id: Option<String>,
}

/// `tickets/add` with `id` or `external_id` instead of `seat_id`: an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketUpdateRequest {
    pub ticket: TicketReference,
    pub paid: bool,
    pub reserved_to: Option<ReservationDeadline>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketsAddRequest {
    New(NewTicketRequest),
    Update(TicketUpdateRequest),
}

/// A show named by a request, resolved to both ids (the URL may leave
/// `show_id` out when the event has one show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShowAddress {
    pub event_id: u64,
    pub show_id: u64,
}

pub fn resolve_show(inventory: &QticketsInventory, event_id: u64, show_id: Option<u64>) -> Result<ShowAddress, TicketError> {
    let (event, show) = inventory.find_show(event_id, show_id).map_err(TicketError::Show)?;
    Ok(ShowAddress { event_id: event.event_id, show_id: show.show_id })
}

/// Creates or updates a ticket; returns its id.
pub fn add_or_update_ticket(
    inventory: &mut QticketsInventory,
    show: ShowAddress,
    request: &TicketsAddRequest,
) -> Result<String, TicketError> {
    match request {
        TicketsAddRequest::New(request) => create_ticket(inventory, show, request),
        TicketsAddRequest::Update(request) => update_ticket(inventory, show, request),
    }
}

/// A new ticket for a vacant seat. When `external_id` already names a live
/// ticket of this show, nothing is created: the document calls
/// `external_id` the value "по которому в дальнейшем будет вестись работа по
/// этому конкретному билету" (l.389) — one external id, one ticket — but does
/// not say what a repeated add answers, so the simulator answers either way
/// ([`RepeatedExternalId`]): that ticket, unchanged, or `VALIDATION_ERROR`.
/// Once the ticket is removed or expired, the id is free again.
fn create_ticket(
    inventory: &mut QticketsInventory,
    show: ShowAddress,
    request: &NewTicketRequest,
) -> Result<String, TicketError> {
    if let Some(external_id) = &request.external_id {
        if let Some(existing) = find_by_external_id(inventory, show, external_id) {
            return match inventory.repeated_external_id {
                RepeatedExternalId::SameTicket => Ok(existing.ticket_id.clone()),
                RepeatedExternalId::DuplicateError => Err(TicketError::Validation(DUPLICATE_EXTERNAL_ID_MESSAGE.to_owned())),
            };
        }
    }
    let QticketsInventory { events, tickets, next_ticket_number, .. } = inventory;
    let (hall, show_state) = locate_show(events, show)?;
    let inventory_index = *hall
        .seat_index_by_id
        .get(&request.seat_id)
        .ok_or_else(|| TicketError::SeatNotFound { seat_id: request.seat_id.clone() })?;
    let ticket_number = *next_ticket_number;
    let ticket_id = ticket_number.to_string();
    match &mut show_state.seat_inventory[inventory_index] {
        SeatInventory::Numbered(status @ SeatStatus::Vacant) => {
            *status = if request.paid {
                SeatStatus::Sold { ticket_id: Some(ticket_id.clone()) }
            } else {
                SeatStatus::Reserved { ticket_id: ticket_id.clone() }
            };
        }
        SeatInventory::Admission { free_quantity } if *free_quantity > 0 => *free_quantity -= 1,
        SeatInventory::Numbered(_) | SeatInventory::Admission { .. } => {
            return Err(TicketError::SeatNotAvailable { seat_id: request.seat_id.clone() })
        }
    }
    *next_ticket_number += 1;
    tickets.insert(
        ticket_id.clone(),
        QticketsTicket {
            ticket_id: ticket_id.clone(),
            ticket_number,
            event_id: show.event_id,
            show_id: show.show_id,
            seat_id: request.seat_id.clone(),
            inventory_index,
            external_id: request.external_id.clone(),
            paid: request.paid,
            reserved_to: if request.paid { None } else { request.reserved_to.clone() },
            barcode: request.paid.then(|| qtickets_ean13_barcode(ticket_number)),
        },
    );
    Ok(ticket_id)
}

/// `paid=1` sells the ticket (its barcode appears); `paid=0` with a new
/// `reserved_to` moves the reservation's deadline. Paying a paid ticket again
/// answers with it unchanged, so a retried confirm is harmless; un-paying one
/// is refused.
fn update_ticket(
    inventory: &mut QticketsInventory,
    show: ShowAddress,
    request: &TicketUpdateRequest,
) -> Result<String, TicketError> {
    let ticket_id = find_ticket_id(inventory, show, &request.ticket)?;
    let QticketsInventory { events, tickets, .. } = inventory;
    let ticket = tickets.get_mut(&ticket_id).expect("find_ticket_id returns live tickets");
    match (ticket.paid, request.paid) {
        (true, true) => {}
        (true, false) => return Err(TicketError::Validation(format!("Ticket \"{ticket_id}\" is already paid"))),
        (false, true) => {
            let (_, show_state) = locate_show(events, show)?;
            if let SeatInventory::Numbered(status) = &mut show_state.seat_inventory[ticket.inventory_index] {
                *status = SeatStatus::Sold { ticket_id: Some(ticket_id.clone()) };
            }
            ticket.paid = true;
            ticket.reserved_to = None;
            ticket.barcode = Some(qtickets_ean13_barcode(ticket.ticket_number));
        }
        (false, false) => ticket.reserved_to = request.reserved_to.clone(),
    }
    Ok(ticket_id)
}

/// Cancels a reservation: the ticket is gone and its seat (or admission
/// place) is for sale again. A paid ticket cannot be removed: the document
/// presents `tickets/remove` as "отмена брони" (cancelling a reservation,
/// l.446) and says nothing of refunds, so the simulator answers
/// `VALIDATION_ERROR` rather than silently un-selling a ticket.
pub fn remove_ticket(
    inventory: &mut QticketsInventory,
    show: ShowAddress,
    reference: &TicketReference,
) -> Result<(), TicketError> {
    let ticket_id = find_ticket_id(inventory, show, reference)?;
    if inventory.tickets[&ticket_id].paid {
        return Err(TicketError::Validation(format!("Ticket \"{ticket_id}\" is paid and cannot be removed")));
    }
    release_ticket(inventory, &ticket_id);
    Ok(())
}

/// Releases every unpaid ticket whose `reserved_to` is at or before `now`.
pub fn release_expired_reservations(inventory: &mut QticketsInventory, now: UnixTimestamp) {
    let expired: Vec<String> = inventory
        .tickets
        .values()
        .filter(|ticket| !ticket.paid && ticket.reserved_to.as_ref().is_some_and(|deadline| deadline.instant <= now))
        .map(|ticket| ticket.ticket_id.clone())
        .collect();
    for ticket_id in expired {
        release_ticket(inventory, &ticket_id);
    }
}

fn release_ticket(inventory: &mut QticketsInventory, ticket_id: &str) {
    let Some(ticket) = inventory.tickets.remove(ticket_id) else {
        return;
    };
    let show = ShowAddress { event_id: ticket.event_id, show_id: ticket.show_id };
    let Ok((_, show_state)) = locate_show(&mut inventory.events, show) else {
        return;
    };
    match &mut show_state.seat_inventory[ticket.inventory_index] {
        SeatInventory::Numbered(status) => {
            let held_by_this_ticket = matches!(
                status,
                SeatStatus::Reserved { ticket_id: holder } if holder == ticket_id
            );
            if held_by_this_ticket {
                *status = SeatStatus::Vacant;
            }
        }
        SeatInventory::Admission { free_quantity } => *free_quantity += 1,
    }
}

fn find_by_external_id<'a>(inventory: &'a QticketsInventory, show: ShowAddress, external_id: &str) -> Option<&'a QticketsTicket> {
    inventory.tickets.values().find(|ticket| {
        ticket.event_id == show.event_id && ticket.show_id == show.show_id && ticket.external_id.as_deref() == Some(external_id)
    })
}

/// A live ticket of this show, by id or external id. A ticket of another show
/// is "not found" here: the URL names the show the ticket must belong to.
fn find_ticket_id(inventory: &QticketsInventory, show: ShowAddress, reference: &TicketReference) -> Result<String, TicketError> {
    let found = match reference {
        TicketReference::TicketId(ticket_id) => {
            inventory.tickets.get(ticket_id).filter(|ticket| ticket.event_id == show.event_id && ticket.show_id == show.show_id)
        }
        TicketReference::ExternalId(external_id) => find_by_external_id(inventory, show, external_id),
    };
    found.map(|ticket| ticket.ticket_id.clone()).ok_or_else(|| TicketError::TicketNotFound { reference: reference.clone() })
}

fn locate_show(events: &mut [QticketsEvent], show: ShowAddress) -> Result<(&HallLayout, &mut QticketsShow), TicketError> {
    let event = events
        .iter_mut()
        .find(|event| event.event_id == show.event_id)
        .ok_or(TicketError::Show(ShowLookupError::EventNotFound))?;
    let show_state = event
        .shows
        .iter_mut()
        .find(|candidate| candidate.show_id == show.show_id)
        .ok_or(TicketError::Show(ShowLookupError::EventNotFound))?;
    Ok((&event.hall, show_state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data::seeded_qtickets_inventory;
    use crate::qtickets::inventory::last_update_hash;

    const SHOW: ShowAddress = ShowAddress { event_id: 1001, show_id: 2001 };
    const ADMISSION_SEAT: &str = "tancevalnyj-parter-1;1";

    fn deadline(instant: i64) -> Option<ReservationDeadline> {
        Some(ReservationDeadline { as_sent: format!("@{instant}"), instant: UnixTimestamp(instant) })
    }

    fn reserve(seat_id: &str, external_id: Option<&str>, until: i64) -> TicketsAddRequest {
        TicketsAddRequest::New(NewTicketRequest {
            seat_id: seat_id.to_owned(),
            paid: false,
            reserved_to: deadline(until),
            external_id: external_id.map(str::to_owned),
        })
    }

    fn seat_status(inventory: &QticketsInventory, seat_id: &str) -> SeatInventory {
        let (event, show) = inventory.find_show(1001, Some(2001)).unwrap();
        show.seat_inventory[event.hall.seat_index_by_id[seat_id]].clone()
    }

    fn hash(inventory: &QticketsInventory) -> String {
        let (_, show) = inventory.find_show(1001, Some(2001)).unwrap();
        last_update_hash(1001, show)
    }

    #[test]
    fn a_reservation_lives_until_paid_removed_or_expired() {
        let mut inventory = seeded_qtickets_inventory();
        let seeded_hash = hash(&inventory);
        let ticket_id = add_or_update_ticket(&mut inventory, SHOW, &reserve("1-1;1", None, 100)).unwrap();
        assert_eq!(ticket_id, "27061");
        assert_eq!(
            seat_status(&inventory, "1-1;1"),
            SeatInventory::Numbered(SeatStatus::Reserved { ticket_id: ticket_id.clone() })
        );
        assert_ne!(hash(&inventory), seeded_hash);

        release_expired_reservations(&mut inventory, UnixTimestamp(99));
        assert!(inventory.tickets.contains_key(&ticket_id), "not yet due");
        release_expired_reservations(&mut inventory, UnixTimestamp(100));
        assert!(inventory.tickets.is_empty(), "due at reserved_to");
        assert_eq!(seat_status(&inventory, "1-1;1"), SeatInventory::Numbered(SeatStatus::Vacant));
        assert_eq!(hash(&inventory), seeded_hash);
    }

    #[test]
    fn updates_pay_extend_or_are_refused() {
        let mut inventory = seeded_qtickets_inventory();
        let ticket_id = add_or_update_ticket(&mut inventory, SHOW, &reserve("1-1;2", Some("hold-1"), 100)).unwrap();
        let update = |reference: TicketReference, paid: bool, until: Option<i64>| {
            TicketsAddRequest::Update(TicketUpdateRequest { ticket: reference, paid, reserved_to: until.and_then(deadline) })
        };
        let extended = update(TicketReference::ExternalId("hold-1".into()), false, Some(500));
        assert_eq!(add_or_update_ticket(&mut inventory, SHOW, &extended), Ok(ticket_id.clone()));
        release_expired_reservations(&mut inventory, UnixTimestamp(200));
        assert!(inventory.tickets.contains_key(&ticket_id), "extended to 500");

        let pay = update(TicketReference::TicketId(ticket_id.clone()), true, None);
        add_or_update_ticket(&mut inventory, SHOW, &pay).unwrap();
        let paid = inventory.tickets[&ticket_id].clone();
        assert!(paid.paid && paid.reserved_to.is_none());
        assert_eq!(paid.barcode.as_deref(), Some("2000000270616"));
        assert_eq!(add_or_update_ticket(&mut inventory, SHOW, &pay), Ok(ticket_id.clone()), "paying twice is harmless");
        assert_eq!(inventory.tickets[&ticket_id], paid);
        release_expired_reservations(&mut inventory, UnixTimestamp(10_000));
        assert!(inventory.tickets.contains_key(&ticket_id), "sold tickets never expire");

        assert_eq!(
            add_or_update_ticket(&mut inventory, SHOW, &update(TicketReference::TicketId(ticket_id.clone()), false, Some(900))),
            Err(TicketError::Validation(format!("Ticket \"{ticket_id}\" is already paid")))
        );
        let unknown = TicketReference::TicketId("99999".into());
        assert_eq!(
            add_or_update_ticket(&mut inventory, SHOW, &update(unknown.clone(), true, None)),
            Err(TicketError::TicketNotFound { reference: unknown })
        );
        assert_eq!(
            remove_ticket(&mut inventory, SHOW, &TicketReference::TicketId(ticket_id.clone())),
            Err(TicketError::Validation(format!("Ticket \"{ticket_id}\" is paid and cannot be removed")))
        );
        let other_show = ShowAddress { event_id: 1001, show_id: 2002 };
        assert!(matches!(
            remove_ticket(&mut inventory, other_show, &TicketReference::TicketId(ticket_id)),
            Err(TicketError::TicketNotFound { .. })
        ));
    }

    #[test]
    fn a_repeated_external_id_is_the_same_ticket_or_refused_and_never_a_second_ticket() {
        for behaviour in [RepeatedExternalId::SameTicket, RepeatedExternalId::DuplicateError] {
            let mut inventory = seeded_qtickets_inventory();
            inventory.repeated_external_id = behaviour;
            let first = add_or_update_ticket(&mut inventory, SHOW, &reserve(ADMISSION_SEAT, Some("hold-1-0"), 100)).unwrap();
            let again = add_or_update_ticket(&mut inventory, SHOW, &reserve(ADMISSION_SEAT, Some("hold-1-0"), 100));
            match behaviour {
                RepeatedExternalId::SameTicket => assert_eq!(again, Ok(first.clone())),
                RepeatedExternalId::DuplicateError => {
                    assert_eq!(again, Err(TicketError::Validation(DUPLICATE_EXTERNAL_ID_MESSAGE.to_owned())))
                }
            }
            assert_eq!(inventory.tickets.len(), 1, "{behaviour:?}: one external id, one ticket");
            assert_eq!(seat_status(&inventory, ADMISSION_SEAT), SeatInventory::Admission { free_quantity: 149 }, "{behaviour:?}");
            // The lookup by external id (an update) finds it either way.
            let lookup = TicketsAddRequest::Update(TicketUpdateRequest {
                ticket: TicketReference::ExternalId("hold-1-0".into()),
                paid: false,
                reserved_to: deadline(100),
            });
            assert_eq!(add_or_update_ticket(&mut inventory, SHOW, &lookup), Ok(first.clone()), "{behaviour:?}");
            // Removed, the id is free again.
            remove_ticket(&mut inventory, SHOW, &TicketReference::ExternalId("hold-1-0".into())).unwrap();
            assert!(add_or_update_ticket(&mut inventory, SHOW, &reserve("1-1;1", Some("hold-1-0"), 100)).is_ok());
        }
    }

    #[test]
    fn admission_places_are_counted_one_ticket_each() {
        let mut inventory = seeded_qtickets_inventory();
        let SeatInventory::Admission { free_quantity } = seat_status(&inventory, ADMISSION_SEAT) else {
            panic!("admission seat")
        };
        assert_eq!(free_quantity, 150);
        let first = add_or_update_ticket(&mut inventory, SHOW, &reserve(ADMISSION_SEAT, None, 100)).unwrap();
        let second = add_or_update_ticket(&mut inventory, SHOW, &reserve(ADMISSION_SEAT, None, 200)).unwrap();
        assert_ne!(first, second);
        assert_eq!(seat_status(&inventory, ADMISSION_SEAT), SeatInventory::Admission { free_quantity: 148 });
        remove_ticket(&mut inventory, SHOW, &TicketReference::TicketId(first)).unwrap();
        release_expired_reservations(&mut inventory, UnixTimestamp(200));
        assert_eq!(seat_status(&inventory, ADMISSION_SEAT), SeatInventory::Admission { free_quantity: 150 });
    }
}
