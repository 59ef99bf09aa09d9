//! Which tickets an order holds after a `tickets` or `random` request
//! (document l.522–727). Both fields give the full desired state: `tickets`
//! lists every ticket id the order must hold; `random` maps each set id to
//! how many tickets of it the order must hold, sets left out holding none.
//!
//! Planning is separate from committing so that a refusal changes nothing:
//! with `all_or_nothing: true`, if any wanted ticket cannot be had "the list
//! of reserved tickets does not change" — not even the releases (l.717–719).
//! Without it, tickets that cannot be had are skipped and simply absent from
//! the answer (l.721–723).
//!
//! `random` keeps the tickets of a set the order already holds (so sending
//! `{set: n}` again changes nothing), releases the excess when the count
//! drops, and takes the first vacant tickets of the set, in ticket order,
//! when it grows. It works for seated sets too, which is what lets example
//! 3b (l.1265–1278) keep a seated ticket while adding a general-admission one.

use std::collections::BTreeSet;

use super::inventory::{TicketStatus, TicketscloudEvent};
use super::order_request::DesiredReservation;

/// The ticket ids the order will hold, in order: kept tickets first (in
/// their previous order), then newly taken ones. `Err` carries the messages
/// for a 400; nothing has changed.
pub fn plan_reservation(
    event: &TicketscloudEvent,
    currently_held: &[String],
    desired: &DesiredReservation,
    all_or_nothing: bool,
) -> Result<Vec<String>, Vec<String>> {
    match desired {
        DesiredReservation::Tickets(ticket_ids) => plan_named_tickets(event, currently_held, ticket_ids, all_or_nothing),
        DesiredReservation::Random(counts) => plan_random_tickets(event, currently_held, counts, all_or_nothing),
    }
}

fn plan_named_tickets(
    event: &TicketscloudEvent,
    currently_held: &[String],
    ticket_ids: &[String],
    all_or_nothing: bool,
) -> Result<Vec<String>, Vec<String>> {
    let mut unknown = Vec::new();
    let mut unavailable = Vec::new();
    let mut wanted: Vec<&String> = Vec::new();
    for ticket_id in ticket_ids {
        if wanted.contains(&ticket_id) {
            continue;
        }
        match event.find_ticket(ticket_id) {
            None => unknown.push(format!("ticket (id = {ticket_id}) does not belong to current event")),
            Some(_) if currently_held.contains(ticket_id) => wanted.push(ticket_id),
            Some(ticket) if ticket.status == TicketStatus::Vacant => wanted.push(ticket_id),
            Some(_) => unavailable.push(ticket_id),
        }
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    if all_or_nothing && !unavailable.is_empty() {
        return Err(unavailable_messages(unavailable.iter().map(|id| id.as_str())));
    }
    let wanted: BTreeSet<&str> = wanted.into_iter().map(String::as_str).collect();
    Ok(kept_then_new(currently_held, &wanted))
}

fn plan_random_tickets(
    event: &TicketscloudEvent,
    currently_held: &[String],
    counts: &[(String, usize)],
    all_or_nothing: bool,
) -> Result<Vec<String>, Vec<String>> {
    let unknown: Vec<String> = counts
        .iter()
        .filter(|(set_id, _)| event.find_set(set_id).is_none())
        .map(|(set_id, _)| format!("set (id = {set_id}) does not belong to current event"))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    let mut shortfalls = Vec::new();
    for (set_id, count) in counts {
        let held_of_set = currently_held
            .iter()
            .filter(|ticket_id| event.find_ticket(ticket_id).is_some_and(|ticket| &ticket.set_id == set_id))
            .take(*count);
        wanted.extend(held_of_set.map(String::as_str));
        let already =
            wanted.iter().filter(|ticket_id| event.find_ticket(ticket_id).is_some_and(|ticket| &ticket.set_id == set_id)).count();
        let missing = count - already;
        let vacant_of_set: Vec<&str> = event
            .tickets
            .iter()
            .filter(|ticket| &ticket.set_id == set_id && ticket.status == TicketStatus::Vacant)
            .map(|ticket| ticket.id.as_str())
            .take(missing)
            .collect();
        if vacant_of_set.len() < missing {
            // Our wording: the document lists no message for this case.
            shortfalls.push(format!(
                "Not enough tickets in set (id = {set_id}): {missing} requested, {} available",
                vacant_of_set.len()
            ));
        }
        wanted.extend(vacant_of_set);
    }
    if all_or_nothing && !shortfalls.is_empty() {
        return Err(shortfalls);
    }
    Ok(kept_then_new(currently_held, &wanted))
}

/// Our wording for tickets that are not vacant under `all_or_nothing` (the
/// document gives none), in the style of its `ticket (id = {}) does not
/// belong to current event` (l.435): one message per ticket, so the caller
/// learns exactly which seats were lost.
fn unavailable_messages<'a>(ticket_ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    ticket_ids.map(|ticket_id| format!("ticket (id = {ticket_id}) is not available")).collect()
}

fn kept_then_new(currently_held: &[String], wanted: &BTreeSet<&str>) -> Vec<String> {
    let mut planned: Vec<String> =
        currently_held.iter().filter(|ticket_id| wanted.contains(ticket_id.as_str())).cloned().collect();
    // New tickets in the order the event lists them, which is ticket order.
    for ticket_id in wanted {
        if !currently_held.iter().any(|held| held == ticket_id) {
            planned.push((*ticket_id).to_owned());
        }
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data::{seeded_ticketscloud_inventory, SWAN_LAKE_GENERAL_ADMISSION_SET_ID, SWAN_LAKE_PARTERRE_VIP_SET_ID};

    fn swan_lake() -> TicketscloudEvent {
        seeded_ticketscloud_inventory().events.remove(0)
    }

    /// Marks tickets reserved by an order, as a committed plan would.
    fn hold(event: &mut TicketscloudEvent, ticket_ids: &[String]) {
        for ticket_id in ticket_ids {
            let ticket = event.find_ticket_mut(ticket_id).unwrap();
            ticket.status = TicketStatus::Reserved;
            ticket.order_id = Some("order".into());
        }
    }

    /// (desired state, all_or_nothing, expected plan or errors)
    type PlanCase = (DesiredReservation, bool, Result<Vec<String>, Vec<String>>);

    fn ids(event: &TicketscloudEvent, status: TicketStatus, set_id: &str, count: usize) -> Vec<String> {
        event
            .tickets
            .iter()
            .filter(|ticket| ticket.status == status && ticket.set_id == set_id)
            .take(count)
            .map(|ticket| ticket.id.clone())
            .collect()
    }

    #[test]
    fn named_tickets_are_a_desired_state() {
        let mut event = swan_lake();
        let vacant = ids(&event, TicketStatus::Vacant, SWAN_LAKE_PARTERRE_VIP_SET_ID, 3);
        let sold = ids(&event, TicketStatus::Sold, SWAN_LAKE_PARTERRE_VIP_SET_ID, 1);
        let held = vec![vacant[0].clone(), vacant[1].clone()];
        hold(&mut event, &held);
        let tickets = |list: &[&String]| DesiredReservation::Tickets(list.iter().map(|id| (*id).clone()).collect());
        let cases: Vec<PlanCase> = vec![
            // Keep one, drop one, add one.
            (tickets(&[&vacant[2], &vacant[1]]), true, Ok(vec![vacant[1].clone(), vacant[2].clone()])),
            // The same list again: nothing changes.
            (tickets(&[&vacant[0], &vacant[1], &vacant[0]]), true, Ok(held.clone())),
            (tickets(&[]), true, Ok(vec![])),
            // A sold ticket: skipped, or everything refused.
            (tickets(&[&vacant[0], &sold[0]]), false, Ok(vec![vacant[0].clone()])),
            (tickets(&[&vacant[0], &sold[0]]), true, Err(vec![format!("ticket (id = {}) is not available", sold[0])])),
            (
                DesiredReservation::Tickets(vec!["000000000000000000000000".into()]),
                false,
                Err(vec!["ticket (id = 000000000000000000000000) does not belong to current event".into()]),
            ),
        ];
        for (desired, all_or_nothing, expected) in cases {
            assert_eq!(
                plan_reservation(&event, &held, &desired, all_or_nothing),
                expected,
                "{desired:?} all_or_nothing={all_or_nothing}"
            );
        }
    }

    #[test]
    fn random_counts_are_a_desired_state_per_set() {
        let mut event = swan_lake();
        let general = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
        let vacant_general = ids(&event, TicketStatus::Vacant, general, 100);
        assert_eq!(vacant_general.len(), 73);
        let seated = ids(&event, TicketStatus::Vacant, SWAN_LAKE_PARTERRE_VIP_SET_ID, 1);
        let held = vec![seated[0].clone(), vacant_general[0].clone()];
        hold(&mut event, &held);
        let random = |counts: &[(&str, usize)]| {
            DesiredReservation::Random(counts.iter().map(|(set_id, count)| ((*set_id).to_owned(), *count)).collect())
        };
        let cases: Vec<PlanCase> = vec![
            // Grow the GA count, keep the seat (example 3b).
            (
                random(&[(general, 3), (SWAN_LAKE_PARTERRE_VIP_SET_ID, 1)]),
                true,
                Ok(vec![seated[0].clone(), vacant_general[0].clone(), vacant_general[1].clone(), vacant_general[2].clone()]),
            ),
            // Leaving the seated set out releases the seat.
            (random(&[(general, 1)]), true, Ok(vec![vacant_general[0].clone()])),
            (random(&[]), true, Ok(vec![])),
            // More than there is: take what there is, or nothing changes.
            (random(&[(general, 80)]), false, Ok(vacant_general.clone())),
            (
                random(&[(general, 80)]),
                true,
                Err(vec![format!("Not enough tickets in set (id = {general}): 79 requested, 72 available")]),
            ),
            (random(&[("nope", 1)]), false, Err(vec!["set (id = nope) does not belong to current event".into()])),
        ];
        for (desired, all_or_nothing, expected) in cases {
            assert_eq!(
                plan_reservation(&event, &held, &desired, all_or_nothing),
                expected,
                "{desired:?} all_or_nothing={all_or_nothing}"
            );
        }
    }
}
