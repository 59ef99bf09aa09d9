//! Turns the parameters of `tickets/add` and `tickets/remove` into typed
//! requests, refusing what the document rules out with `VALIDATION_ERROR`:
//! `paid` must be 0 or 1 (l.387), an unpaid ticket needs `reserved_to`
//! (l.388, l.443), a new ticket needs `seat_id` (l.386), an update or removal
//! needs `id` or `external_id` (l.441, l.448). `reserved_to` must carry its
//! offset, as the example does (`2018-05-24T17:00:00+10:00`), and lie in the
//! future by the simulated clock — a reservation that has already ended is
//! not one. Messages are worded like a Laravel validator's, which is what the
//! real service's error texts are presumed to be; the document gives none.

use crate::calendar::{parse_iso8601_with_offset, UnixTimestamp};

use super::inventory::ReservationDeadline;
use super::request_parameters::RequestParameters;
use super::tickets::{NewTicketRequest, TicketReference, TicketUpdateRequest, TicketsAddRequest};

/// `tickets/add`: `seat_id` makes a new ticket; otherwise `id` or
/// `external_id` names the ticket to update. With `seat_id`, an
/// `external_id` is the new ticket's (see `tickets::create_ticket`).
pub fn parse_tickets_add_request(parameters: &RequestParameters, now: UnixTimestamp) -> Result<TicketsAddRequest, String> {
    let paid = parse_paid(parameters)?;
    let reserved_to = if paid { None } else { Some(parse_reserved_to(parameters, now)?) };
    if let Some(ticket_id) = parameters.get("id") {
        return Ok(TicketsAddRequest::Update(TicketUpdateRequest {
            ticket: TicketReference::TicketId(ticket_id.to_owned()),
            paid,
            reserved_to,
        }));
    }
    let external_id = parameters.get("external_id").map(str::to_owned);
    match (parameters.get("seat_id"), external_id) {
        (Some(seat_id), external_id) => {
            Ok(TicketsAddRequest::New(NewTicketRequest { seat_id: seat_id.to_owned(), paid, reserved_to, external_id }))
        }
        (None, Some(external_id)) => Ok(TicketsAddRequest::Update(TicketUpdateRequest {
            ticket: TicketReference::ExternalId(external_id),
            paid,
            reserved_to,
        })),
        (None, None) => Err("The seat id field is required when id is not present.".to_owned()),
    }
}

/// `tickets/remove`: `id`, or else `external_id`.
pub fn parse_ticket_reference(parameters: &RequestParameters) -> Result<TicketReference, String> {
    match (parameters.get("id"), parameters.get("external_id")) {
        (Some(ticket_id), _) => Ok(TicketReference::TicketId(ticket_id.to_owned())),
        (None, Some(external_id)) => Ok(TicketReference::ExternalId(external_id.to_owned())),
        (None, None) => Err("The id field is required when external id is not present.".to_owned()),
    }
}

fn parse_paid(parameters: &RequestParameters) -> Result<bool, String> {
    match parameters.get("paid") {
        Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(_) => Err("The selected paid is invalid: expected 0 or 1.".to_owned()),
        None => Err("The paid field is required.".to_owned()),
    }
}

fn parse_reserved_to(parameters: &RequestParameters, now: UnixTimestamp) -> Result<ReservationDeadline, String> {
    let text = parameters.get("reserved_to").ok_or_else(|| "The reserved to field is required when paid is 0.".to_owned())?;
    let instant = parse_iso8601_with_offset(text).map_err(|_| {
        format!("The reserved to \"{text}\" is not a valid date with a time zone offset, like 2018-05-24T17:00:00+10:00.")
    })?;
    if instant <= now {
        return Err(format!("The reserved to must be a date after now ({}).", now.to_rfc3339_utc()));
    }
    Ok(ReservationDeadline { as_sent: text.to_owned(), instant })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixTimestamp = UnixTimestamp(1_527_145_200); // 2018-05-24T07:00:00Z

    fn deadline(text: &str, instant: i64) -> Option<ReservationDeadline> {
        Some(ReservationDeadline { as_sent: text.to_owned(), instant: UnixTimestamp(instant) })
    }

    /// (parameters, expected request or a fragment of the validation message)
    type AddCase = (Vec<(&'static str, &'static str)>, Result<TicketsAddRequest, &'static str>);

    #[test]
    fn add_parameters_become_new_tickets_or_updates() {
        let in_ten_hours = "2018-05-24T17:00:00Z";
        let in_ten_hours_instant = NOW.0 + 36_000;
        let cases: Vec<AddCase> = vec![
            (
                vec![("seat_id", "6-1;52"), ("paid", "0"), ("reserved_to", in_ten_hours), ("external_id", "ticket12345")],
                Ok(TicketsAddRequest::New(NewTicketRequest {
                    seat_id: "6-1;52".into(),
                    paid: false,
                    reserved_to: deadline(in_ten_hours, in_ten_hours_instant),
                    external_id: Some("ticket12345".into()),
                })),
            ),
            (
                vec![("seat_id", "6-1;52"), ("paid", "1"), ("reserved_to", "rubbish")],
                Ok(TicketsAddRequest::New(NewTicketRequest {
                    seat_id: "6-1;52".into(),
                    paid: true,
                    reserved_to: None,
                    external_id: None,
                })),
            ),
            (
                vec![("id", "27061"), ("seat_id", "6-1;52"), ("paid", "1")],
                Ok(TicketsAddRequest::Update(TicketUpdateRequest {
                    ticket: TicketReference::TicketId("27061".into()),
                    paid: true,
                    reserved_to: None,
                })),
            ),
            (
                vec![("external_id", "ticket12345"), ("paid", "0"), ("reserved_to", "2018-05-24T17:00:01+10:00")],
                Ok(TicketsAddRequest::Update(TicketUpdateRequest {
                    ticket: TicketReference::ExternalId("ticket12345".into()),
                    paid: false,
                    reserved_to: deadline("2018-05-24T17:00:01+10:00", NOW.0 + 1),
                })),
            ),
            (vec![("seat_id", "6-1;52")], Err("paid field is required")),
            (vec![("seat_id", "6-1;52"), ("paid", "2")], Err("expected 0 or 1")),
            (vec![("seat_id", "6-1;52"), ("paid", "true")], Err("expected 0 or 1")),
            (vec![("seat_id", "6-1;52"), ("paid", "0")], Err("reserved to field is required")),
            (vec![("seat_id", "6-1;52"), ("paid", "0"), ("reserved_to", "2018-05-24T17:00:00")], Err("time zone offset")),
            (vec![("seat_id", "6-1;52"), ("paid", "0"), ("reserved_to", "2018-05-24T07:00:00Z")], Err("after now")),
            (vec![("paid", "1")], Err("seat id field is required")),
            (vec![("paid", "1"), ("external_id", " ")], Err("seat id field is required")),
        ];
        for (pairs, expected) in cases {
            let parameters = RequestParameters::from_pairs(pairs.iter().copied());
            match (parse_tickets_add_request(&parameters, NOW), expected) {
                (Ok(request), Ok(expected)) => assert_eq!(request, expected, "{pairs:?}"),
                (Err(message), Err(fragment)) => {
                    assert!(message.contains(fragment), "{pairs:?}: {message}")
                }
                (outcome, expected) => panic!("{pairs:?}: got {outcome:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn removal_needs_an_id_or_an_external_id() {
        let cases = [
            (vec![("id", "1"), ("external_id", "x")], Ok(TicketReference::TicketId("1".into()))),
            (vec![("external_id", "x")], Ok(TicketReference::ExternalId("x".into()))),
            (vec![("seat_id", "1-1;1")], Err(())),
        ];
        for (pairs, expected) in cases {
            let parameters = RequestParameters::from_pairs(pairs.iter().copied());
            assert_eq!(parse_ticket_reference(&parameters).map_err(|_| ()), expected, "{pairs:?}");
        }
    }
}
