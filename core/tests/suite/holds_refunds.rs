//! Refunds of confirmed holds against a scripted upstream: TicketsCloud's
//! refund requests (whole order and some tickets, culprit `org`), asking
//! again (idempotent), refusals that leave the hold as it was, an answer
//! lost on the way back, progress read by the alarm; QTickets refused.

use ticket_contract::{HoldState, RefundState};
use ticket_core::holds::{self, HoldCommand, HoldRecord, UpstreamHoldRefs};
use ticket_core::{HttpMethod, ProxyError, UpstreamResponse};

use super::holds_qtickets::held_qtickets;
use super::holds_script::*;
use super::holds_ticketscloud::held_mixed;

const POST: HttpMethod = HttpMethod::Post;
const GET: HttpMethod = HttpMethod::Get;
const PATCH: HttpMethod = HttpMethod::Patch;
const REFUNDS_URL: &str = "/ticketscloud/v2/resources/refund_requests";
const REFUND_ID: &str = "5dfa1fa437077b6b6ed0f6b3";

/// The mixed hold (a seat, two admissions), paid, every ticket with its barcode.
fn confirmed_mixed() -> HoldRecord {
    let (s1, g1, g2) = (tc_seat(1), tc_seat(0x148), tc_seat(0x149));
    let paid = [
        (g1.as_str(), TC_ADMISSION_SET, Some("1001")),
        (g2.as_str(), TC_ADMISSION_SET, Some("1002")),
        (s1.as_str(), TC_SEATED_SET, Some("1003")),
    ];
    let run = run(
        begin(Some(held_mixed()), HoldCommand::Confirm, NOW + 100),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"status":"done"}"#], tc_order("done", &paid)), organiser_read()],
    );
    assert_eq!(run.record().state, HoldState::Confirmed);
    assert_eq!(run.record().follow_up, None);
    run.record().clone()
}

fn ticket_id_of(record: &HoldRecord, barcode: &str) -> String {
    let UpstreamHoldRefs::Ticketscloud { tickets, .. } = &record.upstream else { panic!("not TicketsCloud") };
    tickets.iter().find(|ticket| ticket.barcode.as_deref() == Some(barcode)).unwrap().ticket_id.clone()
}

fn refund_answer(status: &str, tickets: &[String]) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(200, format!(r#"{{"data":{},"refs":{{}}}}"#, refund_object(status, tickets))))
}

fn refund_object(status: &str, tickets: &[String]) -> String {
    serde_json::json!({
        "created_at": "2026-11-23 14:31:00", "culprit": "org", "event": TC_EVENT_HEX, "id": REFUND_ID,
        "order": TC_ORDER, "policy": "general", "refund_nominal": "5200.00", "status": status, "tickets": tickets,
    })
    .to_string()
}

fn refund_list(objects: &[String]) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(
        200,
        format!(
            r#"{{"data":[{}],"pagination":{{"page":1,"page_size":200,"total":{}}},"refs":{{}}}}"#,
            objects.join(","),
            objects.len()
        ),
    ))
}

/// The end of the refund-list URL for a refund asked at `at`.
fn refunds_list_url(at: i64) -> String {
    let text = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string();
    format!(
        "/refund_requests?events={TC_EVENT_HEX}&created_at={},{}&page=1&page_size=200",
        text(at - 15 * 3600),
        text(at + 15 * 3600)
    )
}

fn refund(tickets: Option<&[&str]>) -> HoldCommand {
    HoldCommand::Refund { tickets: tickets.map(|tickets| tickets.iter().map(|ticket| ticket.to_string()).collect()) }
}

#[test]
fn a_whole_refund_is_one_request_and_asking_again_asks_nothing() {
    let confirmed = confirmed_mixed();
    let all_ids: Vec<String> = ["1001", "1002", "1003"].iter().map(|barcode| ticket_id_of(&confirmed, barcode)).collect();
    let at = NOW + 200;
    let asked = run(
        begin(Some(confirmed.clone()), refund(None), at),
        vec![exchange(POST, REFUNDS_URL, &[], refund_answer("new", &all_ids))],
    );
    assert_eq!(
        asked.json(0),
        serde_json::json!({"order": TC_ORDER, "culprit": "org", "tickets": all_ids}),
        "the document's fields, culprit org"
    );
    let hold = asked.hold();
    assert_eq!(hold.state, HoldState::Confirmed, "a refund does not un-confirm the hold");
    let asked_refund = hold.refund.as_ref().expect("the refund");
    assert_eq!(asked_refund.state, RefundState::Requested);
    assert_eq!(asked_refund.tickets, ["1001", "1002", "1003"]);
    assert_eq!(asked.record().journal, None);
    assert_eq!(asked.record().alarm_at(), Some(at + 5), "the alarm follows its progress");
    assert!(asked.checkpoints[0].journal.is_some(), "journaled before it was sent");

    // Idempotent: the same refund again (the whole order, or its tickets by name).
    for again in [refund(None), refund(Some(&["1003", "1001", "1002"]))] {
        let repeated = run(begin(Some(asked.record().clone()), again, at + 1), vec![]);
        assert_eq!(repeated.hold(), hold);
    }
    let other = holds::begin(Some(asked.record().clone()), refund(Some(&["1001"])), at + 1, &settings()).err();
    assert_eq!(other, Some(ProxyError::RefundAlreadyRequested));

    // The alarm reads the progress until it is final.
    let progressing = run(
        begin(Some(asked.record().clone()), HoldCommand::FollowUp, at + 5),
        vec![exchange(GET, &refunds_list_url(at), &[], refund_list(&[refund_object("in_progress", &all_ids)]))],
    );
    assert_eq!(progressing.hold().refund.as_ref().unwrap().state, RefundState::InProgress);
    assert_eq!(progressing.record().alarm_at(), Some(at + 5 + 10), "backing off");
    let approved = run(
        begin(Some(progressing.record().clone()), HoldCommand::FollowUp, at + 15),
        vec![exchange(GET, &refunds_list_url(at), &[], refund_list(&[refund_object("approved", &all_ids)]))],
    );
    assert_eq!(approved.hold().refund.as_ref().unwrap().state, RefundState::Approved);
    assert_eq!(approved.record().alarm_at(), None, "final: nothing more to look for");
}

#[test]
fn a_partial_refund_names_only_those_tickets() {
    let confirmed = confirmed_mixed();
    let seat_ticket = ticket_id_of(&confirmed, "1003");
    let asked = run(
        begin(Some(confirmed.clone()), refund(Some(&["1003"])), NOW + 200),
        vec![exchange(POST, REFUNDS_URL, &[], refund_answer("new", std::slice::from_ref(&seat_ticket)))],
    );
    assert_eq!(asked.json(0)["tickets"], serde_json::json!([seat_ticket]));
    assert_eq!(asked.hold().refund.as_ref().unwrap().tickets, ["1003"]);
    assert_eq!(asked.hold().tickets.len(), 3, "the other tickets stay valid");

    for (tickets, expected) in [
        (&["9999"][..], ProxyError::InvalidBody { field: "tickets" }),
        (&["1003", "1003"][..], ProxyError::InvalidBody { field: "tickets" }),
    ] {
        let refused = holds::begin(Some(confirmed.clone()), refund(Some(tickets)), NOW + 200, &settings()).err();
        assert_eq!(refused, Some(expected), "{tickets:?}");
    }
}

#[test]
fn a_refusal_leaves_the_hold_as_it_was() {
    let confirmed = confirmed_mixed();
    for message in ["Operation failed: event already start", "Operation failed: there is discounted ticket"] {
        let refused = run(
            begin(Some(confirmed.clone()), refund(None), NOW + 200),
            vec![exchange(POST, REFUNDS_URL, &[], tc_errors(400, &[message]))],
        );
        assert!(matches!(refused.error(), ProxyError::UpstreamRefused { .. }), "{message}: {:?}", refused.error());
        assert_eq!(refused.record(), &confirmed, "{message}");
    }
}

#[test]
fn a_lost_answer_is_found_in_the_list_or_asked_again_later() {
    let confirmed = confirmed_mixed();
    let all_ids: Vec<String> = ["1001", "1002", "1003"].iter().map(|barcode| ticket_id_of(&confirmed, barcode)).collect();
    let at = NOW + 200;
    let someone_elses = refund_object("new", &all_ids[..1]).replace(REFUND_ID, "5dfa1fa437077b6b6ed0aaaa");
    let found = run(
        begin(Some(confirmed.clone()), refund(None), at),
        vec![
            exchange(POST, REFUNDS_URL, &[], Err(ProxyError::UpstreamTimeout)),
            exchange(GET, &refunds_list_url(at), &[], refund_list(&[someone_elses, refund_object("new", &all_ids)])),
        ],
    );
    assert_eq!(found.hold().refund.as_ref().unwrap().state, RefundState::Requested);
    assert_eq!(found.requests.iter().filter(|request| request.method == POST).count(), 1, "asked once");

    // Ours already (the answer was lost): the upstream refuses a second one.
    let ours_already = run(
        begin(Some(confirmed.clone()), refund(None), at),
        vec![
            exchange(POST, REFUNDS_URL, &[], tc_errors(400, &["Some tickets already use in another refund request"])),
            exchange(GET, &refunds_list_url(at), &[], refund_list(&[refund_object("in_progress", &all_ids)])),
        ],
    );
    assert_eq!(ours_already.hold().refund.as_ref().unwrap().state, RefundState::InProgress);

    // Not in the list yet: the journal stays and the alarm looks again,
    // then asks again.
    let unknown = run(
        begin(Some(confirmed.clone()), refund(None), at),
        vec![
            exchange(POST, REFUNDS_URL, &[], tc_errors(502, &["Bad gateway"])),
            exchange(GET, &refunds_list_url(at), &[], refund_list(&[])),
        ],
    );
    assert!(unknown.finished.result.is_err());
    let record = unknown.record().clone();
    assert!(record.journal.is_some() && record.refund.is_some(), "the refund stays asked for");
    let resumed = run(
        holds::begin(Some(record), HoldCommand::Resume, at + 60, &settings()).unwrap(),
        vec![
            exchange(GET, &refunds_list_url(at), &[], refund_list(&[])),
            exchange(POST, REFUNDS_URL, &[], refund_answer("new", &all_ids)),
        ],
    );
    assert_eq!(resumed.record().journal, None);
    assert_eq!(resumed.hold().refund.as_ref().unwrap().state, RefundState::Requested);
}

#[test]
fn only_a_confirmed_ticketscloud_hold_can_be_refunded() {
    // QTickets' Partners API has no refund: refused whatever the hold's state.
    let qtickets_held = held_qtickets();
    let qtickets_confirmed = with_state(held_qtickets(), HoldState::Confirmed, NOW + HOLD_SECONDS);
    for record in [qtickets_held, qtickets_confirmed] {
        let refused = holds::begin(Some(record), refund(None), NOW + 10, &settings()).err();
        assert_eq!(refused, Some(ProxyError::RefundNotSupported));
    }
    let cases = [
        (held_mixed(), NOW + 10, ProxyError::HoldNotActive { state: HoldState::Held }),
        (held_mixed(), NOW + HOLD_SECONDS + 1, ProxyError::HoldExpired),
        (with_state(held_mixed(), HoldState::Released, NOW), NOW + 10, ProxyError::HoldNotActive { state: HoldState::Released }),
    ];
    for (record, now, expected) in cases {
        assert_eq!(holds::begin(Some(record), refund(None), now, &settings()).err(), Some(expected));
    }
}
