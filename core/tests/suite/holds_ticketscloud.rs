//! TicketsCloud holds against a scripted upstream: the desired-state
//! requests for seats, general admission (`random`) and both (the documented
//! random-then-tickets algorithm), refusals that cancel a half-built order,
//! `409` retried once, changes restored on failure, and confirmation that
//! never pays twice.

use ticket_contract::{HoldState, Money};
use ticket_core::holds::{self, FollowUp, HoldCommand, HoldRecord, HoldSettings, UpstreamHoldRefs};
use ticket_core::{HttpMethod, ProxyError, UpstreamResponse};

use super::holds_script::*;
use super::support::fixture;

const POST: HttpMethod = HttpMethod::Post;
const PATCH: HttpMethod = HttpMethod::Patch;
const GET: HttpMethod = HttpMethod::Get;

fn ga(serial: u32) -> String {
    tc_seat(0x148 + serial - 1)
}

/// `ticket-id set barcode` per ticket of the record's order.
fn describe_order(record: &HoldRecord) -> Vec<String> {
    let UpstreamHoldRefs::Ticketscloud { tickets, .. } = &record.upstream else { panic!("not a TicketsCloud record") };
    tickets
        .iter()
        .map(|ticket| {
            let set = match ticket.set_id.as_deref() {
                Some(TC_SEATED_SET) => "seated",
                Some(TC_ADMISSION_SET) => "ga",
                _ => "?",
            };
            format!("{} {set} {}", &ticket.ticket_id[12..], ticket.barcode.as_deref().unwrap_or("-"))
        })
        .collect()
}

fn seats_and_admission() -> Vec<ticket_contract::HoldItem> {
    vec![seat(&tc_seat(1), 520_000), admission(TC_ADMISSION_SET, 2, 156_000)]
}

/// A seat and two general-admission places, held at NOW through the
/// documented algorithm.
pub fn held_mixed() -> HoldRecord {
    let (s1, g1, g2) = (tc_seat(1), ga(1), ga(2));
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, seats_and_admission()), NOW),
        vec![
            exchange(
                POST,
                TC_ORDERS_URL,
                &[r#""random":{"64b7c1d2e3f4a5b6c7d8e904":2}"#, r#""all_or_nothing":true"#],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None)]),
            )
            .lacking(r#""tickets""#),
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#), r#""all_or_nothing":true"#],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
        ],
    );
    run.record().clone()
}

#[test]
fn seats_only_are_one_create_with_tickets() {
    let (s1, s2) = (tc_seat(1), tc_seat(2));
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000), seat(&s2, 520_000)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &[(&s1, TC_SEATED_SET, None), (&s2, TC_SEATED_SET, None)]))],
    );
    assert_eq!(
        run.json(0),
        serde_json::json!({
            "event": TC_EVENT_HEX,
            "tickets": [s1, s2],
            "all_or_nothing": true,
            "vendor_data": {"order_id": HOLD_ID},
        })
    );
    assert_eq!(run.requests[0].header("content-type"), Some("application/json"));
    assert_eq!(run.requests[0].header("authorization"), Some(format!("key {}", super::support::TEST_KEY).as_str()));
    let record = run.record();
    assert_eq!(record.state, HoldState::Held);
    assert_eq!(record.expires_at, NOW + HOLD_SECONDS, "our 10 minutes are shorter than the order's 15");
    assert_eq!(describe_order(record), ["000000000001 seated -", "000000000002 seated -"]);
    let UpstreamHoldRefs::Ticketscloud { order_id, order_expired_after, .. } = &record.upstream else { unreachable!() };
    assert_eq!((order_id.as_str(), *order_expired_after), (TC_ORDER, Some(ORDER_EXPIRED_AFTER)));
}

#[test]
fn a_partner_who_lets_ticketscloud_send_the_tickets_says_so_in_the_new_order() {
    let s1 = tc_seat(1);
    let sending = HoldSettings { send_tickets: true, ..settings() };
    let operation = holds::begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW, &sending).unwrap();
    let run = run(operation, vec![exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &[(&s1, TC_SEATED_SET, None)]))]);
    assert_eq!(run.json(0)["settings"], serde_json::json!({"send_tickets": true}));
    let quiet = run_default_create(&s1);
    assert!(quiet.get("settings").is_none(), "by default the partner sends them (the order's default): {quiet}");
}

fn run_default_create(seat_id: &str) -> serde_json::Value {
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(seat_id, 520_000)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &[(seat_id, TC_SEATED_SET, None)]))],
    );
    run.json(0)
}

#[test]
fn the_orders_deadline_bounds_the_hold() {
    let long = HoldSettings { hold_seconds: 3600, ..settings() };
    let s1 = tc_seat(1);
    let operation = holds::begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW, &long).unwrap();
    let run = run(operation, vec![exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &[(&s1, TC_SEATED_SET, None)]))]);
    assert_eq!(run.record().expires_at, ORDER_EXPIRED_AFTER - 30);
    assert_eq!(run.hold().expires_at, "2026-11-23T14:43:18Z");
}

#[test]
fn general_admission_only_is_one_create_with_random() {
    let (g1, g2) = (ga(1), ga(2));
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![admission(TC_ADMISSION_SET, 2, 156_000)]), NOW),
        vec![exchange(
            POST,
            TC_ORDERS_URL,
            &[],
            tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None)]),
        )],
    );
    assert_eq!(
        run.json(0),
        serde_json::json!({
            "event": TC_EVENT_HEX,
            "random": {TC_ADMISSION_SET: 2},
            "all_or_nothing": true,
            "vendor_data": {"order_id": HOLD_ID},
        })
    );
    assert_eq!(describe_order(run.record()), ["000000000148 ga -", "000000000149 ga -"]);
}

#[test]
fn seats_with_general_admission_follow_the_documented_random_then_tickets_algorithm() {
    let record = held_mixed();
    assert_eq!(describe_order(&record), ["000000000148 ga -", "000000000149 ga -", "000000000001 seated -"]);
    assert_eq!(holds::view(&record, NOW).total.minor, 520_000 + 2 * 156_000);
}

#[test]
fn a_refused_create_names_the_taken_seat_and_leaves_nothing() {
    let (s1, s4) = (tc_seat(1), tc_seat(4));
    let message = format!("ticket (id = {s4}) is not available");
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000), seat(&s4, 520_000)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], tc_errors(400, &[&message]))],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec![s4] });
    assert_eq!(run.finished.record, None);
}

#[test]
fn too_few_admission_places_name_the_admission() {
    let message = format!("Not enough tickets in set (id = {TC_ADMISSION_SET}): 200 requested, 71 available");
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![admission(TC_ADMISSION_SET, 200, 156_000)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], tc_errors(400, &[&message]))],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec![TC_ADMISSION_SET.into()] });
}

#[test]
fn a_refusal_after_random_cancels_the_half_built_order() {
    let (s4, g1, g2) = (tc_seat(4), ga(1), ga(2));
    let message = format!("ticket (id = {s4}) is not available");
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s4, 520_000), admission(TC_ADMISSION_SET, 2, 156_000)]), NOW),
        vec![
            exchange(
                POST,
                TC_ORDERS_URL,
                &[],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None)]),
            ),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_errors(400, &[&message])),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"cancelled"}"#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec![s4] });
    assert_eq!(run.finished.record, None, "the order is cancelled: nothing stays reserved");
}

#[test]
fn a_conflict_is_retried_once_with_the_same_request() {
    let (s1, g1, g2) = (tc_seat(1), ga(1), ga(2));
    let all = [(g1.as_str(), TC_ADMISSION_SET, None), (g2.as_str(), TC_ADMISSION_SET, None), (s1.as_str(), TC_SEATED_SET, None)];
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, seats_and_admission()), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &all[..2])),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_conflict()),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_order("executed", &all)),
        ],
    );
    assert_eq!(run.requests[1].body, run.requests[2].body);
    assert_eq!(run.hold().state, HoldState::Held);
}

#[test]
fn a_conflict_twice_is_upstream_busy_and_the_order_is_cancelled() {
    let (g1, g2) = (ga(1), ga(2));
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, seats_and_admission()), NOW),
        vec![
            exchange(
                POST,
                TC_ORDERS_URL,
                &[],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None)]),
            ),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_conflict()),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_conflict()),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_conflict()),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamConflict);
    assert_eq!((run.error().status(), run.error().code()), (503, "upstream_busy"));
    assert_eq!(run.finished.record, None);
}

#[test]
fn a_cancel_that_fails_leaves_a_record_due_at_once() {
    let (s4, g1) = (tc_seat(4), ga(1));
    let message = format!("ticket (id = {s4}) is not available");
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s4, 1), admission(TC_ADMISSION_SET, 1, 1)]), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], tc_order("executed", &[(&g1, TC_ADMISSION_SET, None)])),
            exchange(PATCH, TC_ORDER_URL, &[], tc_errors(400, &[&message])),
            exchange(PATCH, TC_ORDER_URL, &[r#""cancelled""#], Err(ProxyError::UpstreamTimeout)),
            exchange(PATCH, TC_ORDER_URL, &[r#""cancelled""#], Err(ProxyError::UpstreamTimeout)),
        ],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec![s4] });
    let record = run.record().clone();
    assert_eq!(record.alarm_at(), Some(NOW));
    let cleaned = super::holds_script::run(
        begin(Some(record), HoldCommand::Expire, NOW),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""cancelled""#], tc_order("cancelled", &[]))],
    );
    assert_eq!(cleaned.hold().state, HoldState::Expired);
}

#[test]
fn growing_general_admission_keeps_the_held_seats_through_random() {
    let held = held_mixed();
    let (s1, s2, g1, g2, g3) = (tc_seat(1), tc_seat(2), ga(1), ga(2), ga(3));
    let new_items = vec![seat(&s1, 520_000), seat(&s2, 520_000), admission(TC_ADMISSION_SET, 3, 156_000)];
    let after_random = [
        (g1.as_str(), TC_ADMISSION_SET, None),
        (g2.as_str(), TC_ADMISSION_SET, None),
        (s1.as_str(), TC_SEATED_SET, None),
        (g3.as_str(), TC_ADMISSION_SET, None),
    ];
    let mut after_tickets = after_random.to_vec();
    after_tickets.push((s2.as_str(), TC_SEATED_SET, None));
    let run = run(
        begin(Some(held), HoldCommand::Change { items: Some(new_items.clone()), buyer: None }, NOW + 60),
        vec![
            exchange(PATCH, TC_ORDER_URL, &[], tc_order("executed", &after_random)),
            exchange(PATCH, TC_ORDER_URL, &[], tc_order("executed", &after_tickets)),
        ],
    );
    assert_eq!(
        run.json(0),
        serde_json::json!({"random": {TC_SEATED_SET: 1, TC_ADMISSION_SET: 3}, "all_or_nothing": true}),
        "the held seat's set keeps its count, so the seat stays in the order"
    );
    assert_eq!(run.json(1), serde_json::json!({"tickets": [g1, g2, g3, s1, s2], "all_or_nothing": true}));
    assert_eq!(run.hold().items, new_items);
}

#[test]
fn shrinking_general_admission_is_one_tickets_patch() {
    let held = held_mixed();
    let (s1, g1) = (tc_seat(1), ga(1));
    let new_items = vec![seat(&s1, 520_000), admission(TC_ADMISSION_SET, 1, 156_000)];
    let run = run(
        begin(Some(held), HoldCommand::Change { items: Some(new_items), buyer: None }, NOW + 60),
        vec![exchange(
            PATCH,
            TC_ORDER_URL,
            &[],
            tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
        )],
    );
    assert_eq!(run.json(0), serde_json::json!({"tickets": [g1, s1], "all_or_nothing": true}));
    assert_eq!(describe_order(run.record()), ["000000000148 ga -", "000000000001 seated -"]);
}

#[test]
fn an_unchanged_selection_asks_nothing() {
    let held = held_mixed();
    let run =
        run(begin(Some(held.clone()), HoldCommand::Change { items: Some(held.items.clone()), buyer: None }, NOW + 60), vec![]);
    assert_eq!(run.record(), &held);
}

#[test]
fn a_change_refused_after_random_restores_the_old_order() {
    let held = held_mixed();
    let (s1, s4, g1, g2, g3) = (tc_seat(1), tc_seat(4), ga(1), ga(2), ga(3));
    let message = format!("ticket (id = {s4}) is not available");
    let new_items = vec![seat(&s1, 520_000), seat(&s4, 520_000), admission(TC_ADMISSION_SET, 3, 156_000)];
    let run = run(
        begin(Some(held.clone()), HoldCommand::Change { items: Some(new_items), buyer: None }, NOW + 60),
        vec![
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[r#""random""#],
                tc_order(
                    "executed",
                    &[
                        (&g1, TC_ADMISSION_SET, None),
                        (&g2, TC_ADMISSION_SET, None),
                        (&s1, TC_SEATED_SET, None),
                        (&g3, TC_ADMISSION_SET, None),
                    ],
                ),
            ),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], tc_errors(400, &[&message])),
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
        ],
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec![s4] });
    assert_eq!(run.record(), &held);
}

#[test]
fn a_restore_that_fails_makes_the_next_confirm_set_the_list_first() {
    let held = held_mixed();
    let (s1, s4, g1, g2, g3) = (tc_seat(1), tc_seat(4), ga(1), ga(2), ga(3));
    let new_items = vec![seat(&s1, 520_000), seat(&s4, 520_000), admission(TC_ADMISSION_SET, 3, 156_000)];
    let failed = run(
        begin(Some(held.clone()), HoldCommand::Change { items: Some(new_items), buyer: None }, NOW + 60),
        vec![
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[r#""random""#],
                tc_order(
                    "executed",
                    &[
                        (&g1, TC_ADMISSION_SET, None),
                        (&g2, TC_ADMISSION_SET, None),
                        (&s1, TC_SEATED_SET, None),
                        (&g3, TC_ADMISSION_SET, None),
                    ],
                ),
            ),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], Err(ProxyError::UpstreamTimeout)),
            exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], Err(ProxyError::UpstreamTimeout)),
            exchange(PATCH, TC_ORDER_URL, &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)], tc_conflict()),
            exchange(PATCH, TC_ORDER_URL, &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)], tc_conflict()),
        ],
    );
    assert_eq!(failed.error(), &ProxyError::UpstreamTimeout);
    assert_eq!(failed.record().items, held.items, "the buyer keeps the old selection");
    let paid = [
        (g1.as_str(), TC_ADMISSION_SET, Some("11")),
        (g2.as_str(), TC_ADMISSION_SET, Some("12")),
        (s1.as_str(), TC_SEATED_SET, Some("13")),
    ];
    let confirmed = run(
        begin(Some(failed.record().clone()), HoldCommand::Confirm, NOW + 90),
        vec![
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], tc_order("done", &paid)),
            organiser_read(),
        ],
    );
    assert_eq!(confirmed.hold().tickets.len(), 3);
}

#[test]
fn buyer_details_go_to_settings_customer() {
    let held = held_mixed();
    let run = run(
        begin(Some(held), HoldCommand::Change { items: None, buyer: Some(buyer()) }, NOW + 60),
        vec![exchange(PATCH, TC_ORDER_URL, &[], tc_order("executed", &[]))],
    );
    assert_eq!(
        run.json(0),
        serde_json::json!({"settings": {"customer": {"name": "Иван Петров", "email": "ivan@example.ru", "phone": "+79161234567", "lang": "ru"}}})
    );
    assert_eq!(run.hold().buyer, Some(buyer()));
}

#[test]
fn release_and_expiry_cancel_the_order_and_accept_an_order_already_gone() {
    let cases: Vec<(HoldCommand, i64, Result<UpstreamResponse, ProxyError>, HoldState)> = vec![
        (HoldCommand::Release, NOW + 10, tc_order("cancelled", &[]), HoldState::Released),
        (HoldCommand::Release, NOW + 10, tc_errors(400, &["Not allow to update order in status expired"]), HoldState::Released),
        (HoldCommand::Release, NOW + 10, tc_errors(400, &["Not allow to update order in status cancelled"]), HoldState::Released),
        (
            HoldCommand::Expire,
            NOW + HOLD_SECONDS,
            tc_errors(404, &["Order 6b0a0d0e000000000000d65e not found"]),
            HoldState::Expired,
        ),
        (HoldCommand::Expire, NOW + HOLD_SECONDS, tc_order("cancelled", &[]), HoldState::Expired),
    ];
    for (command, now, answer, state) in cases {
        let run = run(
            begin(Some(held_mixed()), command.clone(), now),
            vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"cancelled"}"#], answer)],
        );
        assert_eq!(run.hold().state, state, "{command:?}");
        assert_eq!(run.record().alarm_at(), None);
    }
}

#[test]
fn a_release_the_upstream_could_not_take_is_finished_by_the_alarm() {
    let held = held_mixed();
    let run = run(
        begin(Some(held.clone()), HoldCommand::Release, NOW + 10),
        vec![
            exchange(PATCH, TC_ORDER_URL, &[], Ok(UpstreamResponse::json(502, "<html>Bad Gateway</html>"))),
            exchange(PATCH, TC_ORDER_URL, &[], Ok(UpstreamResponse::json(502, "<html>Bad Gateway</html>"))),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamUnavailable);
    let kept = run.record();
    assert_eq!((&kept.items, &kept.upstream, kept.state), (&held.items, &held.upstream, held.state));
    assert_eq!(
        kept.alarm_at(),
        Some(NOW + 10 + ticket_core::holds::journal::RESUME_MARGIN_SECONDS),
        "cancelled soon by the alarm"
    );
    let cancelled = super::holds_script::run(
        begin(Some(kept.clone()), HoldCommand::Resume, NOW + 20),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[]))],
    );
    assert_eq!(cancelled.hold().state, HoldState::Released);
}

fn paid_tickets() -> Vec<(String, &'static str, Option<&'static str>)> {
    vec![
        (ga(1), TC_ADMISSION_SET, Some("16440165483322971")),
        (ga(2), TC_ADMISSION_SET, Some("25015473618208667")),
        (tc_seat(1), TC_SEATED_SET, Some("89995868505197513")),
    ]
}

fn order_with(status: &str, tickets: &[(String, &'static str, Option<&'static str>)]) -> Result<UpstreamResponse, ProxyError> {
    let borrowed: Vec<OrderTicket<'_>> = tickets.iter().map(|(id, set, barcode)| (id.as_str(), *set, *barcode)).collect();
    tc_order(status, &borrowed)
}

/// The orders list holding the hold's order in this state.
fn listed_with(status: &str, tickets: &[(String, &'static str, Option<&'static str>)]) -> Result<UpstreamResponse, ProxyError> {
    let borrowed: Vec<OrderTicket<'_>> = tickets.iter().map(|(id, set, barcode)| (id.as_str(), *set, *barcode)).collect();
    tc_orders_listed(&[tc_order_object(status, &borrowed)])
}

/// Reading the mixed hold's order through the orders list (any status).
fn read_url() -> String {
    tc_read_order_url(held_mixed().expires_at, None)
}

#[test]
fn confirm_marks_the_order_done_and_a_second_confirm_asks_nothing() {
    let confirmed = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], order_with("done", &paid_tickets())), organiser_read()],
    );
    let hold = confirmed.hold().clone();
    assert_eq!(hold.state, HoldState::Confirmed);
    let tickets: Vec<(String, String)> =
        hold.tickets.iter().map(|ticket| (ticket.item_id.clone(), ticket.barcode.clone())).collect();
    assert_eq!(
        tickets,
        [
            (tc_seat(1), "89995868505197513".to_string()),
            (TC_ADMISSION_SET.to_string(), "16440165483322971".to_string()),
            (TC_ADMISSION_SET.to_string(), "25015473618208667".to_string()),
        ],
        "in item order: the seat, then the admission places"
    );
    let again = run(begin(Some(confirmed.record().clone()), HoldCommand::Confirm, NOW + 5000), vec![]);
    assert_eq!(again.hold(), &hold);
}

#[test]
fn confirm_never_pays_twice_when_an_answer_was_lost() {
    type Script = Vec<Exchange>;
    let done = || exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], order_with("done", &paid_tickets()));
    let cases: Vec<(&str, Script)> = vec![
        (
            "done already (our earlier confirm's answer was lost): read it from the orders list",
            vec![
                exchange(PATCH, TC_ORDER_URL, &[], tc_errors(400, &["Not allow to update order in status done"])),
                exchange(GET, &read_url(), &[], listed_with("done", &paid_tickets())),
                organiser_read(),
            ],
        ),
        (
            "timeout on done, the order says done",
            vec![
                exchange(PATCH, TC_ORDER_URL, &[], Err(ProxyError::UpstreamTimeout)),
                exchange(GET, &read_url(), &[], listed_with("done", &paid_tickets())),
                organiser_read(),
            ],
        ),
        (
            "timeout on done, the order is still executed: pay once more",
            vec![
                exchange(PATCH, TC_ORDER_URL, &[], Err(ProxyError::UpstreamTimeout)),
                exchange(GET, &read_url(), &[], listed_with("executed", &[])),
                done(),
                organiser_read(),
            ],
        ),
        ("a conflict, then done", vec![exchange(PATCH, TC_ORDER_URL, &[], tc_conflict()), done(), organiser_read()]),
    ];
    for (name, script) in cases {
        let run = run(begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100), script);
        assert_eq!(run.hold().state, HoldState::Confirmed, "{name}");
        assert_eq!(run.hold().tickets.len(), 3, "{name}");
        let done_requests = run.requests.iter().filter(|request| request.body.as_deref() == Some(r#"{"status":"done"}"#)).count();
        assert!(done_requests <= 2, "{name}");
        let single_order_reads =
            run.requests.iter().filter(|request| request.method == GET && request.url.ends_with(TC_ORDER_URL)).count();
        assert_eq!(single_order_reads, 0, "{name}: no undocumented single-order GET");
    }
}

#[test]
fn confirm_on_an_order_that_expired_upstream_expires_the_hold() {
    let cases = [
        tc_errors(400, &["Not allow to update order in status expired"]),
        tc_errors(400, &["Not allow to update order in status cancelled"]),
        tc_errors(404, &["Order 6b0a0d0e000000000000d65e not found"]),
    ];
    for answer in cases {
        let printed = format!("{answer:?}");
        let run =
            run(begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100), vec![exchange(PATCH, TC_ORDER_URL, &[], answer)]);
        assert_eq!(run.error(), &ProxyError::HoldExpired, "{printed}");
        assert_eq!(run.record().state, HoldState::Expired, "{printed}");
    }
}

#[test]
fn a_confirm_the_upstream_refuses_stays_held() {
    let run = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![exchange(PATCH, TC_ORDER_URL, &[], tc_errors(400, &["Not enough money, сontact to TicketsCloud manager"]))],
    );
    assert!(matches!(run.error(), ProxyError::UpstreamRefused { .. }), "{:?}", run.error());
    assert_eq!(run.record().state, HoldState::Held);
}

#[test]
fn a_done_order_without_barcodes_stays_confirmed_until_the_list_shows_them() {
    let no_barcodes: Vec<(String, &str, Option<&str>)> = paid_tickets().into_iter().map(|(id, set, _)| (id, set, None)).collect();
    let done_list_url = tc_read_order_url(held_mixed().expires_at, Some("done"));
    let first = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], order_with("done", &no_barcodes)), organiser_read()],
    );
    let hold = first.hold();
    assert_eq!(hold.state, HoldState::Confirmed, "paid upstream: confirmed, never expired, never paid again");
    assert!(hold.tickets_pending && hold.tickets.is_empty(), "{hold:?}");
    assert_eq!(first.record().follow_up, Some(FollowUp { at: NOW + 105, attempts: 0 }));
    assert_eq!(first.record().alarm_at(), Some(NOW + 105), "the alarm looks again in 5 s");

    let early = run(begin(Some(first.record().clone()), HoldCommand::FollowUp, NOW + 104), vec![]);
    assert_eq!(early.record(), first.record(), "not due yet: nothing asked");

    // Still no barcodes, the order read oddly, the list down: confirmed and
    // pending all the same, and the next look backs off.
    let odd_answers: Vec<(&str, Vec<Exchange>)> = vec![
        ("still null", vec![exchange(GET, &done_list_url, &[], listed_with("done", &no_barcodes))]),
        ("listed as expired", vec![exchange(GET, &done_list_url, &[], listed_with("expired", &no_barcodes))]),
        ("not in the list", vec![exchange(GET, &done_list_url, &[], tc_orders_listed(&[]))]),
        (
            "the list is down",
            vec![
                exchange(GET, &done_list_url, &[], tc_errors(503, &["Service unavailable"])),
                exchange(GET, &done_list_url, &[], tc_errors(503, &["Service unavailable"])),
            ],
        ),
    ];
    for (name, script) in odd_answers {
        let looked = run(begin(Some(first.record().clone()), HoldCommand::FollowUp, NOW + 105), script);
        assert_eq!(looked.hold().state, HoldState::Confirmed, "{name}");
        assert!(looked.hold().tickets_pending, "{name}");
        assert_eq!(looked.record().follow_up, Some(FollowUp { at: NOW + 115, attempts: 1 }), "{name}");
    }
    // A repeated confirm reads the list once and answers the hold as it is.
    let again = run(
        begin(Some(first.record().clone()), HoldCommand::Confirm, NOW + 106),
        vec![exchange(GET, &read_url(), &[], listed_with("done", &no_barcodes))],
    );
    assert!(again.hold().tickets_pending);
    let odd_again = run(
        begin(Some(first.record().clone()), HoldCommand::Confirm, NOW + 106),
        vec![exchange(GET, &read_url(), &[], listed_with("cancelled", &no_barcodes))],
    );
    assert_eq!((odd_again.hold().state, odd_again.record().journal.is_none()), (HoldState::Confirmed, true));

    let issued = run(
        begin(Some(first.record().clone()), HoldCommand::FollowUp, NOW + 105),
        vec![exchange(GET, &done_list_url, &[], listed_with("done", &paid_tickets()))],
    );
    let hold = issued.hold();
    assert!(!hold.tickets_pending);
    assert_eq!(hold.tickets.len(), 3);
    assert_eq!(hold.tickets[0].barcode, "89995868505197513");
    assert_eq!(issued.record().follow_up, None, "nothing more to wait for");
    assert_eq!(issued.record().alarm_at(), None);
    let single_order_reads = issued.requests.iter().filter(|request| request.url.ends_with(TC_ORDER_URL)).count();
    assert_eq!(single_order_reads, 0);
}

#[test]
fn issued_tickets_carry_what_the_document_requires() {
    let confirmed = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], order_with("done", &paid_tickets())), organiser_read()],
    );
    let ticket = &confirmed.hold().tickets[0];
    assert!(ticket.row.is_some() && ticket.place.is_some(), "the seat's row and place");
    assert_eq!((ticket.serial.as_deref(), ticket.number.as_deref()), (Some("SWL"), Some("510001")));
    assert_eq!(ticket.price, Some(Money::rub_minor(520_000)), "`full`: price and fee");
    let event = ticket.event.as_ref().expect("the event");
    assert_eq!(event.title, "Лебединое озеро");
    assert_eq!(event.starts_at, "2027-04-15T19:00:00+03:00", "the venue's time");
    assert_eq!((event.venue.name.as_str(), event.venue.address.as_deref()), ("Мариинский театр", Some("Театральная площадь, 1")));
    let organiser = ticket.organiser.as_ref().expect("the organiser");
    assert_eq!(organiser.name, "ООО «Премьера»");
    assert_eq!((organiser.inn.as_deref(), organiser.ogrn.as_deref()), (Some("7701234567"), Some("1027700000001")));
    assert_eq!(organiser.address.as_deref(), Some("г. Москва, ул. Примерная, д. 1"));
    assert!(confirmed.hold().tickets.iter().all(|ticket| ticket.organiser.is_some() && ticket.serial.is_some()));

    // The catalogue cannot be read just now: the tickets are issued (entry
    // needs the barcode), and the alarm reads the organiser later.
    let without = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![
            exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], order_with("done", &paid_tickets())),
            exchange(GET, TC_LISTING_URL, &[], tc_errors(503, &["down"])),
            exchange(GET, TC_LISTING_URL, &[], tc_errors(503, &["down"])),
        ],
    );
    assert_eq!(without.hold().tickets.len(), 3);
    assert!(!without.hold().tickets_pending);
    assert_eq!(without.hold().tickets[0].organiser, None);
    let follow_up = without.record().follow_up.expect("a look later");
    let later = run(begin(Some(without.record().clone()), HoldCommand::FollowUp, follow_up.at), vec![organiser_read()]);
    assert_eq!(later.hold().tickets[0].organiser.as_ref().map(|organiser| organiser.name.as_str()), Some("ООО «Премьера»"));
    assert_eq!(later.hold().tickets[0].serial.as_deref(), Some("SWL"), "what the first reading gave is kept");
    assert_eq!(later.record().follow_up, None);
}

#[test]
fn the_simulators_captured_orders_are_understood() {
    let answer = |path: &str| Ok(UpstreamResponse::json(200, fixture(path)));
    let (s1, s2, s5) = (tc_seat(1), tc_seat(2), tc_seat(5));
    let seats = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000), seat(&s2, 520_000)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], answer("holds/sim_tc_order_seats.json"))],
    );
    assert_eq!(describe_order(seats.record()), ["000000000001 seated -", "000000000002 seated -"]);
    let released = run(
        begin(Some(seats.record().clone()), HoldCommand::Release, NOW + 1),
        vec![exchange(PATCH, "/orders/6b0a0d0e000000000000d65d", &[], answer("holds/sim_tc_order_seats_cancelled.json"))],
    );
    assert_eq!(released.hold().state, HoldState::Released);

    let items = vec![seat(&s5, 520_000), admission(TC_ADMISSION_SET, 2, 156_000)];
    let mixed = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, items), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[r#""random""#], answer("holds/sim_tc_order_random.json")),
            exchange(PATCH, TC_ORDER_URL, &[&s5], answer("holds/sim_tc_order_mixed.json")),
        ],
    );
    assert_eq!(mixed.record().expires_at, NOW + HOLD_SECONDS);
    let confirmed = run(
        begin(Some(mixed.record().clone()), HoldCommand::Confirm, NOW + 2),
        vec![exchange(PATCH, TC_ORDER_URL, &[], answer("holds/sim_tc_order_mixed_done.json")), organiser_read()],
    );
    let barcodes: Vec<&str> = confirmed.hold().tickets.iter().map(|ticket| ticket.barcode.as_str()).collect();
    assert_eq!(barcodes, ["89995868505197513", "16440165483322971", "25015473618208667"]);
    let seat = &confirmed.hold().tickets[0];
    assert_eq!((seat.serial.as_deref(), seat.number.as_deref()), (Some("SWL"), Some("510005")));
    assert_eq!(seat.price, Some(Money::rub_minor(520_000)));
    assert_eq!(seat.event.as_ref().map(|event| event.starts_at.as_str()), Some("2027-04-15T19:00:00+03:00"));
}

#[test]
fn an_order_found_paid_while_giving_it_back_confirms_the_hold() {
    // A confirm went through upstream but its result was never stored (the
    // Worker restarted): the alarm must not call that hold expired.
    let cases: Vec<(HoldCommand, i64, &str, Result<(), ProxyError>)> = vec![
        (HoldCommand::Expire, NOW + HOLD_SECONDS, "Order 6b0a0d0e000000000000d65e is not cancellable", Ok(())),
        (
            HoldCommand::Release,
            NOW + 10,
            "Not allow to update order in status done",
            Err(ProxyError::HoldNotActive { state: HoldState::Confirmed }),
        ),
    ];
    for (command, now, message, expected) in cases {
        let run = run(
            begin(Some(held_mixed()), command.clone(), now),
            vec![
                exchange(PATCH, TC_ORDER_URL, &[r#""cancelled""#], tc_errors(400, &[message])),
                exchange(GET, &read_url(), &[], listed_with("done", &paid_tickets())),
                organiser_read(),
            ],
        );
        assert_eq!(run.finished.result.as_ref().map(|_| ()).map_err(Clone::clone), expected, "{command:?}");
        assert_eq!(run.record().state, HoldState::Confirmed, "{command:?}");
        assert_eq!(run.record().tickets.len(), 3, "{command:?}");
    }
}

/// `tc_order` with the prices of each ticket (`full`) and of the order
/// (`values.full`, `values.discount`) changed to `full` per ticket and
/// `discount` in all.
fn priced_order(tickets: &[(&str, &str)], full: &str, discount: &str) -> Result<UpstreamResponse, ProxyError> {
    let entries: Vec<(&str, &str, Option<&str>)> = tickets.iter().map(|(id, set)| (*id, *set, None)).collect();
    let body = tc_order("executed", &entries).unwrap().body;
    let mut order: serde_json::Value = serde_json::from_str(&body).unwrap();
    let count = tickets.len() as f64;
    for ticket in order["data"]["tickets"].as_array_mut().unwrap() {
        ticket["full"] = full.into();
        ticket["discount"] = discount.into();
    }
    let full_minor: f64 = full.parse::<f64>().unwrap() * count;
    order["data"]["values"] = serde_json::json!({"full": format!("{full_minor:.2}"), "discount": discount});
    Ok(UpstreamResponse::json(200, order.to_string()))
}

#[test]
fn an_order_priced_otherwise_than_the_layout_is_undone_and_says_price_changed() {
    let (s1, s2) = (tc_seat(1), tc_seat(2));
    let both = [(s1.as_str(), TC_SEATED_SET), (s2.as_str(), TC_SEATED_SET)];
    let items = || vec![seat(&s1, 520_000), seat(&s2, 520_000)];
    // (case, the order's price per ticket, its discount, whether the create stands)
    let cases = [
        ("the layout's price", "5200.00", "0.00", true),
        ("a rule ended: dearer now", "6240.00", "0.00", false),
        ("cheaper now", "4160.00", "0.00", false),
        // A promo code's discount: the order's own numbers are the price.
        ("a discount is in", "4680.00", "520.00", true),
    ];
    for (case, full, discount, stands) in cases {
        let mut script = vec![exchange(POST, TC_ORDERS_URL, &[], priced_order(&both, full, discount))];
        if !stands {
            script.push(exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"cancelled"}"#], tc_order("cancelled", &[])));
        }
        let run = run(begin(None, create(&tc_event(), TC_EVENT_HEX, items()), NOW), script);
        if stands {
            assert_eq!(run.record().state, HoldState::Held, "{case}");
        } else {
            assert_eq!(run.error(), &ProxyError::PriceChanged, "{case}");
            assert_eq!(run.finished.record, None, "{case}: the order is cancelled, nothing stays reserved");
        }
    }
    // Without per-ticket prices, the order's total speaks.
    let total_only = {
        let body = priced_order(&both, "6240.00", "0.00").unwrap().body;
        let mut order: serde_json::Value = serde_json::from_str(&body).unwrap();
        for ticket in order["data"]["tickets"].as_array_mut().unwrap() {
            ticket.as_object_mut().unwrap().remove("full");
        }
        Ok(UpstreamResponse::json(200, order.to_string()))
    };
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, items()), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], total_only),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"cancelled"}"#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::PriceChanged);
}

#[test]
fn a_change_to_places_priced_otherwise_keeps_the_hold_as_it_was() {
    let held = held_mixed();
    let (s1, s2, g1, g2) = (tc_seat(1), tc_seat(2), ga(1), ga(2));
    let new_items = vec![seat(&s1, 520_000), seat(&s2, 520_000), admission(TC_ADMISSION_SET, 2, 156_000)];
    let mut dearer: serde_json::Value = serde_json::from_str(
        &tc_order(
            "executed",
            &[
                (&g1, TC_ADMISSION_SET, None),
                (&g2, TC_ADMISSION_SET, None),
                (&s1, TC_SEATED_SET, None),
                (&s2, TC_SEATED_SET, None),
            ],
        )
        .unwrap()
        .body,
    )
    .unwrap();
    dearer["data"]["tickets"][3]["full"] = "6240.00".into();
    let run = run(
        begin(Some(held.clone()), HoldCommand::Change { items: Some(new_items), buyer: None }, NOW + 60),
        vec![
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}","{s2}"]"#)],
                Ok(UpstreamResponse::json(200, dearer.to_string())),
            ),
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
        ],
    );
    assert_eq!(run.error(), &ProxyError::PriceChanged);
    assert_eq!(run.record(), &held, "the old places, restored upstream");
}
