//! QTickets holds against a scripted upstream: one `tickets/add` per place
//! with a deterministic `external_id`, rollback of partial adds, lost add
//! answers looked up by `external_id` (under both answers to a repeated
//! `external_id`: the same ticket, or a refusal), changes that never touch the
//! places they keep, releases, and payment with barcodes.

use ticket_contract::{HoldItem, HoldState};
use ticket_core::holds::journal::RESUME_MARGIN_SECONDS;
use ticket_core::holds::{HoldCommand, HoldRecord, UpstreamHoldRefs};
use ticket_core::qtickets::holds::external_id_for;
use ticket_core::{HttpMethod, ProxyError, UpstreamResponse};

use super::holds_script::*;
use super::support::fixture;

const POST: HttpMethod = HttpMethod::Post;
/// NOW + hold (600 s) + the 30 s grace, `+00:00` sent as `%2B00%3A00`.
const RESERVED_TO: &str = "reserved_to=2026-11-23T14%3A39%3A18%2B00%3A00";

fn external(item: &str, place_number: u32) -> String {
    external_id_for(HOLD_ID, item, place_number)
}

fn add(seat_id_encoded: &str, external_id: &str, answer: Result<UpstreamResponse, ProxyError>) -> Exchange {
    let seat = format!("seat_id={seat_id_encoded}&");
    let external = format!("external_id={external_id}");
    exchange(POST, QT_ADD_URL, &[&seat, "paid=0", RESERVED_TO, &external], answer)
}

fn remove_by_id(ticket_id: &str, answer: Result<UpstreamResponse, ProxyError>) -> Exchange {
    let body = format!("id={ticket_id}");
    exchange(POST, QT_REMOVE_URL, &[&body], answer)
}

fn pay(ticket_id: &str, answer: Result<UpstreamResponse, ProxyError>) -> Exchange {
    let body = format!("id={ticket_id}&paid=1");
    exchange(POST, QT_ADD_URL, &[&body], answer)
}

/// `item ticket-id external-id barcode` per ticket of the record.
fn describe_tickets(record: &HoldRecord) -> Vec<String> {
    let UpstreamHoldRefs::Qtickets { tickets, .. } = &record.upstream else { panic!("not a QTickets record") };
    tickets
        .iter()
        .map(|ticket| {
            let short = |external: &str| {
                if external == external_id_for(HOLD_ID, &ticket.item_id, 0) {
                    "#0"
                } else if external == external_id_for(HOLD_ID, &ticket.item_id, 1) {
                    "#1"
                } else if external == external_id_for(HOLD_ID, &ticket.item_id, 2) {
                    "#2"
                } else {
                    "?"
                }
            };
            format!(
                "{} {} {} {}",
                ticket.item_id,
                ticket.ticket_id.as_deref().unwrap_or("-"),
                short(&ticket.external_id),
                ticket.barcode.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn leftovers(record: &HoldRecord) -> Vec<String> {
    let UpstreamHoldRefs::Qtickets { leftovers, .. } = &record.upstream else { panic!("not a QTickets record") };
    leftovers.iter().map(|ticket| format!("{} {}", ticket.item_id, ticket.ticket_id.as_deref().unwrap_or("-"))).collect()
}

/// Two seats and two admission places, held at NOW.
pub fn held_qtickets() -> HoldRecord {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;2", 500_000), admission(QT_ADMISSION, 2, 200_000)];
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B2", &external("1-1;2", 0), qt_ticket("27062", "x", None)),
            add("tancevalnyj-parter-1%3B1", &external(QT_ADMISSION, 0), qt_ticket("27063", "x", None)),
            add("tancevalnyj-parter-1%3B1", &external(QT_ADMISSION, 1), qt_ticket("27064", "x", None)),
        ],
    );
    run.record().clone()
}

#[test]
fn create_adds_one_ticket_per_place_until_our_expiry_plus_grace() {
    let record = held_qtickets();
    assert_eq!(record.state, HoldState::Held);
    assert_eq!(record.expires_at, NOW + HOLD_SECONDS);
    assert_eq!(record.alarm_at(), Some(NOW + HOLD_SECONDS));
    assert_eq!(
        describe_tickets(&record),
        ["1-1;1 27061 #0 -", "1-1;2 27062 #0 -", "tancevalnyj-parter-1;1 27063 #0 -", "tancevalnyj-parter-1;1 27064 #1 -",]
    );
    let hold = ticket_core::holds::view(&record, NOW);
    assert_eq!(hold.total.minor, 1_400_000);
    assert_eq!(hold.expires_at, "2026-11-23T14:38:48Z");
    assert_eq!(hold.state, HoldState::Held);
}

#[test]
fn the_add_request_is_a_form_with_exactly_the_documented_fields() {
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 500_000)]), NOW),
        vec![add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None))],
    );
    let fields: Vec<(String, String)> = run.form(0).into_iter().collect();
    let expected = [
        ("external_id", external("1-1;1", 0)),
        ("paid", "0".to_string()),
        ("reserved_to", "2026-11-23T14:39:18+00:00".to_string()),
        ("seat_id", "1-1;1".to_string()),
    ];
    assert_eq!(fields, expected.map(|(name, value)| (name.to_string(), value)));
    let request = &run.requests[0];
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert!(request.url.starts_with("http://sim/qtickets/api/partners/v1/tickets/add/"), "{}", request.url);
    assert!(!request.url.contains('?'), "nothing in the query string: {}", request.url);
}

#[test]
fn a_refused_seat_rolls_back_the_seats_added_alongside_it() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;3", 500_000), seat("1-1;4", 500_000)];
    // The three adds go out at once; the one after the refusal still lands
    // and is removed again too.
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B3", &external("1-1;3", 0), qt_error("SEAT_NOT_AVAILABLE")),
            add("1-1%3B4", &external("1-1;4", 0), qt_ticket("27064", "x", None)),
            remove_by_id("27061", qt_removed()),
            remove_by_id("27064", qt_removed()),
        ],
    );
    assert_eq!(run.most_in_flight, 3);
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;3".into()] });
    assert_eq!(run.error().to_body().error.unavailable, ["1-1;3"]);
    assert_eq!(run.finished.record, None, "nothing left upstream, nothing to keep");
}

#[test]
fn an_unknown_seat_is_refused_the_same_way() {
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;9999", 1)]), NOW),
        vec![add(
            "1-1%3B9999",
            &external("1-1;9999", 0),
            Ok(UpstreamResponse::json(200, fixture("holds/sim_qt_error_seat_not_found.json"))),
        )],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;9999".into()] });
}

#[test]
fn a_rollback_that_fails_leaves_a_record_the_alarm_cleans_up_at_once() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;3", 500_000)];
    let failed = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B3", &external("1-1;3", 0), qt_error("SEAT_NOT_AVAILABLE")),
            remove_by_id("27061", Err(ProxyError::UpstreamTimeout)),
            remove_by_id("27061", Ok(UpstreamResponse::json(502, "<html>Bad Gateway</html>"))),
        ],
    );
    assert_eq!(failed.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;3".into()] });
    let record = failed.record().clone();
    assert_eq!(record.alarm_at(), Some(NOW), "due at once");
    assert!(record.items.is_empty());
    assert_eq!(leftovers(&record), ["1-1;1 27061"]);
    assert_eq!(ticket_core::holds::view(&record, NOW).state, HoldState::Expired);

    let cleaned = run(begin(Some(record), HoldCommand::Expire, NOW + 1), vec![remove_by_id("27061", qt_removed())]);
    assert_eq!(cleaned.hold().state, HoldState::Expired);
    assert!(leftovers(cleaned.record()).is_empty());
    assert_eq!(cleaned.record().alarm_at(), None);
}

/// The documented lookup of a ticket by our `external_id`: the update form
/// of `tickets/add` (no `seat_id`), with the reservation's own deadline.
fn find(external_id: &str, answer: Result<UpstreamResponse, ProxyError>) -> Exchange {
    let external = format!("external_id={external_id}");
    exchange(POST, QT_ADD_URL, &[&external, "paid=0", RESERVED_TO], answer).lacking("seat_id")
}

fn adds_of(run: &super::holds_script::Run, external_id: &str) -> usize {
    run.requests
        .iter()
        .filter(|request| {
            let body = request.body.as_deref().unwrap_or("");
            body.contains("seat_id=") && body.contains(&format!("external_id={external_id}"))
        })
        .count()
}

#[test]
fn a_lost_add_answer_is_looked_up_by_its_external_id_not_sent_again() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;2", 500_000)];
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), Err(ProxyError::UpstreamTimeout)),
            // The simulator's malformed_json fault: written, answer cut.
            add("1-1%3B2", &external("1-1;2", 0), qt_truncated()),
            find(&external("1-1;1", 0), qt_ticket("27061", "x", None)),
            find(&external("1-1;2", 0), qt_ticket("27062", "x", None)),
        ],
    );
    assert_eq!(describe_tickets(run.record()), ["1-1;1 27061 #0 -", "1-1;2 27062 #0 -"]);
    assert_eq!(run.hold().state, HoldState::Held);
    assert_eq!(adds_of(&run, &external("1-1;1", 0)), 1, "never a second add for one place");
    let fields: Vec<String> = run.form(2).into_keys().collect();
    assert_eq!(fields, ["external_id", "paid", "reserved_to"], "the documented update form, which never reserves");
    // While a lookup is out, a crash leaves a record that names the ticket
    // as a leftover (the undo removes it by its external id).
    let looking = run
        .checkpoints
        .iter()
        .find(|record| {
            record.journal.as_ref().is_some_and(|journal| journal.in_flight.iter().any(|intent| intent.action == "find"))
        })
        .expect("a checkpoint with a lookup in flight");
    assert!(leftovers(looking).contains(&"1-1;1 -".to_string()), "{:?}", leftovers(looking));
}

/// Both answers the document allows to a repeated `external_id` (the same
/// ticket, or a refusal: a duplicate / validation error, or the seat — our
/// own — not available) end the same way: one ticket, the hold's.
#[test]
fn an_add_that_lands_after_its_lookup_is_the_holds_whatever_a_repeated_external_id_answers() {
    let uncertain = external("1-1;1", 0);
    let repeated_answers = [
        ("the same ticket", qt_ticket("27061", "x", None), false),
        ("a duplicate external_id", qt_error("VALIDATION_ERROR"), true),
        ("our own seat, not available", qt_error("SEAT_NOT_AVAILABLE"), true),
    ];
    for (behaviour, answer, looked_up_again) in repeated_answers {
        let mut script = vec![
            add("1-1%3B1", &uncertain, Err(ProxyError::UpstreamTimeout)),
            // Not there yet: the first add is still on its way upstream.
            find(&uncertain, qt_error("TICKET_NOT_FOUND")),
            // Sent again; meanwhile the first add landed.
            add("1-1%3B1", &uncertain, answer),
        ];
        if looked_up_again {
            script.push(find(&uncertain, qt_ticket("27061", "x", None)));
        }
        let run = run(begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 500_000)]), NOW), script);
        assert_eq!(run.hold().state, HoldState::Held, "{behaviour}");
        assert_eq!(describe_tickets(run.record()), ["1-1;1 27061 #0 -"], "{behaviour}");
        assert!(leftovers(run.record()).is_empty(), "{behaviour}");
        assert_eq!(run.record().alarm_at(), Some(NOW + HOLD_SECONDS), "{behaviour}");
    }
}

#[test]
fn a_refused_add_sent_again_is_the_seat_taken_only_if_no_ticket_of_ours_is_there() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;2", 500_000)];
    let uncertain = external("1-1;2", 0);
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B2", &uncertain, qt_truncated()),
            find(&uncertain, qt_error("TICKET_NOT_FOUND")),
            add("1-1%3B2", &uncertain, qt_error("SEAT_NOT_AVAILABLE")),
            // Not ours: someone else took it.
            find(&uncertain, qt_error("TICKET_NOT_FOUND")),
            remove_by_id("27061", qt_removed()),
            exchange(POST, QT_REMOVE_URL, &[&format!("external_id={uncertain}")], qt_error("TICKET_NOT_FOUND")),
        ],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;2".into()] });
    // The first add was never answered: it could still land, so the record
    // keeps it and the alarm removes it once more later.
    assert_eq!(leftovers(run.record()), ["1-1;2 -"]);
    assert_eq!(run.record().alarm_at(), Some(ticket_core::holds::CommandBudget::default().resume_at(NOW)));
}

#[test]
fn an_add_uncertain_twice_fails_and_is_removed_by_its_external_id() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;2", 500_000)];
    let uncertain = external("1-1;2", 0);
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B2", &uncertain, Err(ProxyError::UpstreamTimeout)),
            find(&uncertain, qt_error("TICKET_NOT_FOUND")),
            add(
                "1-1%3B2",
                &uncertain,
                Ok(UpstreamResponse::json(503, r#"{"error":"Unknown error","status":503,"code":"UNKNOWN_ERROR"}"#)),
            ),
            remove_by_id("27061", qt_removed()),
            exchange(POST, QT_REMOVE_URL, &[&format!("external_id={uncertain}")], qt_error("TICKET_NOT_FOUND")),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamUnavailable);
    // Not found *yet*: an add the upstream goes on with after we stopped
    // waiting could still land. The record keeps it, and the alarm removes it
    // once more after any request of this command has surely finished.
    let record = run.record().clone();
    assert!(record.items.is_empty());
    assert_eq!(leftovers(&record), ["1-1;2 -"]);
    assert_eq!(record.alarm_at(), Some(ticket_core::holds::CommandBudget::default().resume_at(NOW)));
    let rechecked = super::holds_script::run(
        begin(Some(record), HoldCommand::Resume, NOW + 40),
        vec![exchange(POST, QT_REMOVE_URL, &[&format!("external_id={uncertain}")], qt_removed())],
    );
    assert_eq!(rechecked.record().state, HoldState::Released);
    assert!(leftovers(rechecked.record()).is_empty());
    assert_eq!(rechecked.record().alarm_at(), None);
}

#[test]
fn a_lookup_that_cannot_be_answered_removes_the_ticket_by_its_external_id() {
    let uncertain = external("1-1;1", 0);
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 500_000)]), NOW),
        vec![
            add("1-1%3B1", &uncertain, qt_truncated()),
            find(&uncertain, Err(ProxyError::UpstreamTimeout)),
            find(&uncertain, Err(ProxyError::UpstreamTimeout)),
            exchange(POST, QT_REMOVE_URL, &[&format!("external_id={uncertain}")], qt_removed()),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamTimeout);
    assert_eq!(run.finished.record, None, "removed: nothing left upstream, nothing to keep");
}

#[test]
fn a_rejected_key_stops_and_rolls_back() {
    let items = vec![seat("1-1;1", 500_000), seat("1-1;2", 500_000)];
    let run = run(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            add("1-1%3B1", &external("1-1;1", 0), qt_ticket("27061", "x", None)),
            add("1-1%3B2", &external("1-1;2", 0), qt_error("WRONG_AUTHORIZATION")),
            remove_by_id("27061", qt_removed()),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamRejectedKey);
}

#[test]
fn a_change_adds_new_places_first_then_removes_dropped_ones() {
    let held = held_qtickets();
    let new_items = vec![seat("1-1;2", 500_000), seat("1-1;4", 500_000), admission(QT_ADMISSION, 1, 200_000)];
    let changed = run(
        begin(Some(held), HoldCommand::Change { items: Some(new_items.clone()), buyer: None }, NOW + 60),
        vec![
            add("1-1%3B4", &external("1-1;4", 0), qt_ticket("27065", "x", None)),
            remove_by_id("27061", qt_removed()),
            remove_by_id("27064", qt_removed()),
        ],
    );
    assert_eq!(changed.hold().items, new_items);
    assert_eq!(changed.hold().total.minor, 1_200_000);
    assert_eq!(changed.record().expires_at, NOW + HOLD_SECONDS, "a change does not extend the hold");
    assert_eq!(describe_tickets(changed.record()), ["1-1;2 27062 #0 -", "1-1;4 27065 #0 -", "tancevalnyj-parter-1;1 27063 #0 -"]);

    // Growing the admission again uses the free place numbers 1 and 2.
    let more = vec![seat("1-1;2", 500_000), seat("1-1;4", 500_000), admission(QT_ADMISSION, 3, 200_000)];
    let grown = run(
        begin(Some(changed.record().clone()), HoldCommand::Change { items: Some(more), buyer: None }, NOW + 90),
        vec![
            add("tancevalnyj-parter-1%3B1", &external(QT_ADMISSION, 1), qt_ticket("27066", "x", None)),
            add("tancevalnyj-parter-1%3B1", &external(QT_ADMISSION, 2), qt_ticket("27067", "x", None)),
        ],
    );
    assert_eq!(
        describe_tickets(grown.record()),
        [
            "1-1;2 27062 #0 -",
            "1-1;4 27065 #0 -",
            "tancevalnyj-parter-1;1 27063 #0 -",
            "tancevalnyj-parter-1;1 27066 #1 -",
            "tancevalnyj-parter-1;1 27067 #2 -",
        ]
    );
}

#[test]
fn a_failed_change_removes_only_what_it_added_and_keeps_the_hold_as_it_was() {
    let held = held_qtickets();
    let new_items = vec![
        seat("1-1;1", 500_000),
        seat("1-1;2", 500_000),
        seat("1-1;5", 500_000),
        seat("1-1;6", 500_000),
        admission(QT_ADMISSION, 2, 200_000),
    ];
    let failed = run(
        begin(Some(held.clone()), HoldCommand::Change { items: Some(new_items), buyer: Some(buyer()) }, NOW + 60),
        vec![
            add("1-1%3B5", &external("1-1;5", 0), qt_ticket("27065", "x", None)),
            add("1-1%3B6", &external("1-1;6", 0), qt_error("SEAT_NOT_AVAILABLE")),
            remove_by_id("27065", qt_removed()),
        ],
    );
    assert_eq!(failed.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;6".into()] });
    assert_eq!(failed.record(), &held, "old places, old buyer, old expiry");
}

#[test]
fn buyer_details_are_kept_by_us_alone() {
    let held = held_qtickets();
    let changed = run(begin(Some(held), HoldCommand::Change { items: None, buyer: Some(buyer()) }, NOW + 60), vec![]);
    assert_eq!(changed.hold().buyer, Some(buyer()));
}

#[test]
fn confirm_pays_every_ticket_and_a_second_confirm_asks_nothing() {
    let held = held_qtickets();
    let confirmed = run(
        begin(Some(held), HoldCommand::Confirm, NOW + 120),
        vec![
            pay("27061", qt_ticket("27061", "x", Some("2000000270616"))),
            pay("27062", qt_ticket("27062", "x", Some("2000000270623"))),
            pay("27063", qt_ticket("27063", "x", Some("2000000270630"))),
            pay("27064", qt_ticket("27064", "x", Some("2000000270647"))),
        ],
    );
    let hold = confirmed.hold().clone();
    assert_eq!(hold.state, HoldState::Confirmed);
    let tickets: Vec<String> = hold
        .tickets
        .iter()
        .map(|ticket| format!("{} {:?}/{:?} {}", ticket.item_id, ticket.row, ticket.place, ticket.barcode))
        .collect();
    assert_eq!(
        tickets,
        [
            r#"1-1;1 Some("1")/Some("1") 2000000270616"#,
            r#"1-1;2 Some("1")/Some("2") 2000000270623"#,
            "tancevalnyj-parter-1;1 None/None 2000000270630",
            "tancevalnyj-parter-1;1 None/None 2000000270647",
        ]
    );
    assert_eq!(confirmed.record().alarm_at(), None);

    let again = run(begin(Some(confirmed.record().clone()), HoldCommand::Confirm, NOW + 4000), vec![]);
    assert_eq!(again.hold(), &hold);
}

#[test]
fn an_interrupted_confirm_is_completed_by_the_next_one_even_after_expiry() {
    let held = held_qtickets();
    let interrupted = run(
        begin(Some(held), HoldCommand::Confirm, NOW + 500),
        vec![
            pay("27061", qt_ticket("27061", "x", Some("2000000270616"))),
            pay("27062", Err(ProxyError::UpstreamTimeout)),
            pay("27063", qt_ticket("27063", "x", Some("2000000270630"))),
            pay("27064", qt_ticket("27064", "x", Some("2000000270647"))),
            pay("27062", Err(ProxyError::UpstreamTimeout)),
        ],
    );
    assert_eq!(interrupted.most_in_flight, 4, "every pay at once");
    assert_eq!(interrupted.error(), &ProxyError::UpstreamTimeout);
    assert_eq!(interrupted.record().state, HoldState::Held);
    assert!(interrupted.record().tickets.is_empty());
    assert_eq!(
        interrupted.record().alarm_at(),
        Some(NOW + 500 + ticket_core::holds::journal::RESUME_MARGIN_SECONDS),
        "the alarm comes back soon to complete it"
    );

    // The partner's next confirm (or the alarm, after expiry) pays the rest.
    for (command, at) in [(HoldCommand::Confirm, NOW + 700), (HoldCommand::Resume, NOW + 700), (HoldCommand::Expire, NOW + 700)] {
        let completed = run(
            begin(Some(interrupted.record().clone()), command.clone(), at),
            vec![pay("27062", qt_ticket("27062", "x", Some("2000000270623")))],
        );
        assert_eq!(completed.hold().state, HoldState::Confirmed, "{command:?}");
        assert_eq!(completed.hold().tickets.len(), 4);
        assert_eq!(completed.record().journal, None);
        assert_eq!(completed.record().alarm_at(), None);
    }
    // Meanwhile the buyer cannot give the places back.
    let refused = ticket_core::holds::begin(Some(interrupted.record().clone()), HoldCommand::Release, NOW + 501, &settings());
    assert_eq!(refused.err(), Some(ProxyError::UpstreamTimeout));
}

#[test]
fn confirm_finding_the_tickets_gone_upstream_expires_the_hold() {
    let held = held_qtickets();
    let run = run(
        begin(Some(held), HoldCommand::Confirm, NOW + 100),
        vec![
            pay("27061", qt_error("TICKET_NOT_FOUND")),
            pay("27062", qt_error("TICKET_NOT_FOUND")),
            pay("27063", qt_error("VALIDATION_ERROR")),
            pay("27064", qt_error("TICKET_NOT_FOUND")),
            // Nothing was paid: what is left is given back.
            remove_by_id("27063", qt_removed()),
        ],
    );
    assert_eq!(run.error(), &ProxyError::HoldExpired);
    assert_eq!(run.record().state, HoldState::Expired);
    assert_eq!(run.record().alarm_at(), None);
}

#[test]
fn release_removes_every_ticket_and_treats_missing_ones_as_gone() {
    let held = held_qtickets();
    let released = run(
        begin(Some(held), HoldCommand::Release, NOW + 30),
        vec![
            remove_by_id("27061", qt_removed()),
            remove_by_id("27062", qt_error("TICKET_NOT_FOUND")),
            remove_by_id("27063", qt_removed()),
            remove_by_id("27064", qt_removed()),
        ],
    );
    assert_eq!(released.hold().state, HoldState::Released);
    assert_eq!(released.record().alarm_at(), None);
    assert!(describe_tickets(released.record()).is_empty());
}

#[test]
fn a_release_that_fails_part_way_keeps_holding_what_is_left() {
    let held = held_qtickets();
    let partial = run(
        begin(Some(held), HoldCommand::Release, NOW + 30),
        vec![
            remove_by_id("27061", qt_removed()),
            remove_by_id("27062", Ok(UpstreamResponse::json(503, "{}"))),
            remove_by_id("27063", qt_removed()),
            remove_by_id("27064", qt_removed()),
            remove_by_id("27062", Ok(UpstreamResponse::json(503, "{}"))),
        ],
    );
    assert_eq!(partial.error(), &ProxyError::UpstreamUnavailable);
    let record = partial.record();
    assert_eq!(record.state, HoldState::Held);
    assert_eq!(record.items, vec![seat("1-1;2", 500_000)]);
    assert_eq!(record.alarm_at(), Some(NOW + 30 + RESUME_MARGIN_SECONDS), "the alarm tries again soon");
    let finished = super::holds_script::run(
        begin(Some(record.clone()), HoldCommand::Resume, NOW + 40),
        vec![remove_by_id("27062", qt_removed())],
    );
    assert_eq!(finished.hold().state, HoldState::Released);
    assert_eq!(finished.record().alarm_at(), None);

    // Refused for good (not slow, not down): kept until the expiry's alarm.
    let refused = super::holds_script::run(
        begin(Some(held_qtickets()), HoldCommand::Release, NOW + 30),
        vec![
            remove_by_id("27061", qt_removed()),
            remove_by_id("27062", qt_error("VALIDATION_ERROR")),
            remove_by_id("27063", qt_removed()),
            remove_by_id("27064", qt_removed()),
        ],
    );
    assert_eq!(refused.record().alarm_at(), Some(NOW + HOLD_SECONDS));
}

#[test]
fn expiry_before_time_is_a_no_op_and_after_time_removes_everything() {
    let held = held_qtickets();
    let early = run(begin(Some(held.clone()), HoldCommand::Expire, NOW + HOLD_SECONDS - 1), vec![]);
    assert_eq!(early.record(), &held);
    let expired = run(
        begin(Some(held), HoldCommand::Expire, NOW + HOLD_SECONDS),
        vec![
            remove_by_id("27061", qt_removed()),
            remove_by_id("27062", qt_removed()),
            remove_by_id("27063", qt_error("TICKET_NOT_FOUND")),
            remove_by_id("27064", qt_removed()),
        ],
    );
    assert_eq!(expired.hold().state, HoldState::Expired);
    assert_eq!(expired.record().alarm_at(), None);
}

#[test]
fn the_simulators_captured_answers_are_understood() {
    let answer = |path: &str| Ok(UpstreamResponse::json(200, fixture(path)));
    let created = run(
        begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 500_000)]), NOW),
        vec![add("1-1%3B1", &external("1-1;1", 0), answer("holds/sim_qt_add.json"))],
    );
    assert_eq!(describe_tickets(created.record()), ["1-1;1 27061 #0 -"]);
    let confirmed = run(
        begin(Some(created.record().clone()), HoldCommand::Confirm, NOW + 1),
        vec![pay("27061", answer("holds/sim_qt_pay.json"))],
    );
    assert_eq!(confirmed.hold().tickets[0].barcode, "2000000270616");

    let released = run(
        begin(Some(created.record().clone()), HoldCommand::Release, NOW + 1),
        vec![remove_by_id("27061", answer("holds/sim_qt_remove.json"))],
    );
    assert_eq!(released.hold().state, HoldState::Released);

    let refused = run(
        begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;3", 500_000)]), NOW),
        vec![add("1-1%3B3", &external("1-1;3", 0), answer("holds/sim_qt_error_seat_not_available.json"))],
    );
    assert_eq!(refused.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;3".into()] });

    // A paid ticket cannot be removed: VALIDATION_ERROR is a refusal, and the
    // release says so instead of pretending.
    let stuck = run(
        begin(Some(created.record().clone()), HoldCommand::Release, NOW + 1),
        vec![remove_by_id("27061", answer("holds/sim_qt_error_validation.json"))],
    );
    assert_eq!(stuck.error(), &ProxyError::UpstreamRefused { code: "VALIDATION_ERROR".into() });
    let _: &HoldItem = &stuck.record().items[0];
}

#[test]
fn leftovers_are_removed_before_a_change_adds_anything() {
    // An earlier change could not remove 1-1;9; the buyer now wants it back.
    let mut record = held_qtickets();
    let leftover = ticket_core::holds::record::QticketsTicketRef {
        item_id: "1-1;9".into(),
        external_id: external("1-1;9", 0),
        ticket_id: Some("27070".into()),
        barcode: None,
    };
    if let UpstreamHoldRefs::Qtickets { leftovers, .. } = &mut record.upstream {
        leftovers.push(leftover);
    }
    let mut items = record.items.clone();
    items.push(seat("1-1;9", 500_000));
    let changed = run(
        begin(Some(record), HoldCommand::Change { items: Some(items), buyer: None }, NOW + 60),
        vec![remove_by_id("27070", qt_removed()), add("1-1%3B9", &external("1-1;9", 1), qt_ticket("27071", "x", None))],
    );
    assert!(leftovers(changed.record()).is_empty());
    assert_eq!(describe_tickets(changed.record()).last().map(String::as_str), Some("1-1;9 27071 #1 -"));
}
