//! The hold state machine, provider by provider: which commands each state
//! accepts, what every illegal transition answers (always before any
//! upstream request), how a hold is shown over time, and that a stored
//! record survives the JSON round trip through the Durable Object. Also: no
//! upstream answer, however broken, makes an operation panic or loop.

use ticket_contract::{HoldState, IssuedTicket};
use ticket_core::holds::{self, view, HoldCommand, HoldRecord, HoldSettings};
use ticket_core::ids::{IdField, InvalidIdReason};
use ticket_core::upstream::MissingThing;
use ticket_core::{ProxyError, UpstreamResponse};

use super::holds_qtickets::held_qtickets;
use super::holds_script::*;
use super::holds_ticketscloud::held_mixed;

/// What `begin` should do.
#[derive(Debug)]
enum Expected {
    Refused(ProxyError),
    /// An operation without a single request, leaving the record in this state.
    NoRequests(HoldState),
}

fn confirmed(record: &HoldRecord) -> HoldRecord {
    let mut record = with_state(record.clone(), HoldState::Confirmed, record.expires_at);
    let places: u32 = record.items.iter().map(ticket_core::holds::record::item_places).sum();
    record.tickets = (0..places)
        .map(|number| IssuedTicket {
            item_id: "x".into(),
            zone_name: "z".into(),
            barcode: format!("{number}"),
            ..IssuedTicket::default()
        })
        .collect();
    record
}

#[test]
fn every_transition_of_both_providers() {
    use Expected::{NoRequests, Refused};
    for held in [held_qtickets(), held_mixed()] {
        let provider = held.provider;
        let expiry = held.expires_at;
        let before = expiry - 1;
        let expired_state = with_state(held.clone(), HoldState::Expired, expiry);
        let released = with_state(held.clone(), HoldState::Released, expiry);
        let confirmed = confirmed(&held);
        let change = HoldCommand::Change { items: Some(held.items.clone()), buyer: Some(buyer()) };
        let same_create = HoldCommand::Create {
            hold_id: held.hold_id.clone(),
            event_id: held.event_id.clone(),
            show_id: held.show_id.clone(),
            items: held.items.clone(),
        };
        let other_create = HoldCommand::Create {
            hold_id: held.hold_id.clone(),
            event_id: held.event_id.clone(),
            show_id: held.show_id.clone(),
            items: held.items[..1].to_vec(),
        };
        let cases: Vec<(&str, Option<HoldRecord>, HoldCommand, i64, Expected)> = vec![
            ("change without hold", None, change.clone(), before, Refused(ProxyError::HoldNotFound)),
            ("release without hold", None, HoldCommand::Release, before, Refused(ProxyError::HoldNotFound)),
            ("expire without hold", None, HoldCommand::Expire, before, Refused(ProxyError::HoldNotFound)),
            ("confirm without hold", None, HoldCommand::Confirm, before, Refused(ProxyError::HoldNotFound)),
            ("create twice, same request", Some(held.clone()), same_create.clone(), before, NoRequests(HoldState::Held)),
            ("create twice, other request", Some(held.clone()), other_create, before, Refused(ProxyError::Internal)),
            (
                "empty change",
                Some(held.clone()),
                HoldCommand::Change { items: None, buyer: None },
                before,
                NoRequests(HoldState::Held),
            ),
            (
                "change to nothing",
                Some(held.clone()),
                HoldCommand::Change { items: Some(vec![]), buyer: None },
                before,
                Refused(ProxyError::InvalidBody { field: "seats" }),
            ),
            (
                "change with a seat twice",
                Some(held.clone()),
                HoldCommand::Change { items: Some(vec![held.items[0].clone(), held.items[0].clone()]), buyer: None },
                before,
                Refused(ProxyError::InvalidBody { field: "seats" }),
            ),
            ("expire before time", Some(held.clone()), HoldCommand::Expire, before, NoRequests(HoldState::Held)),
            ("change past expiry", Some(held.clone()), change.clone(), expiry, Refused(ProxyError::HoldExpired)),
            ("release past expiry", Some(held.clone()), HoldCommand::Release, expiry, Refused(ProxyError::HoldExpired)),
            ("confirm past expiry", Some(held.clone()), HoldCommand::Confirm, expiry + 1, Refused(ProxyError::HoldExpired)),
            ("change expired", Some(expired_state.clone()), change.clone(), before, Refused(ProxyError::HoldExpired)),
            ("release expired", Some(expired_state.clone()), HoldCommand::Release, before, Refused(ProxyError::HoldExpired)),
            ("confirm expired", Some(expired_state.clone()), HoldCommand::Confirm, before, Refused(ProxyError::HoldExpired)),
            ("expire expired", Some(expired_state), HoldCommand::Expire, expiry + 5, NoRequests(HoldState::Expired)),
            (
                "change confirmed",
                Some(confirmed.clone()),
                change.clone(),
                before,
                Refused(ProxyError::HoldNotActive { state: HoldState::Confirmed }),
            ),
            (
                "release confirmed",
                Some(confirmed.clone()),
                HoldCommand::Release,
                before,
                Refused(ProxyError::HoldNotActive { state: HoldState::Confirmed }),
            ),
            ("confirm confirmed", Some(confirmed.clone()), HoldCommand::Confirm, expiry + 9999, NoRequests(HoldState::Confirmed)),
            ("expire confirmed", Some(confirmed), HoldCommand::Expire, expiry + 5, NoRequests(HoldState::Confirmed)),
            (
                "change released",
                Some(released.clone()),
                change,
                before,
                Refused(ProxyError::HoldNotActive { state: HoldState::Released }),
            ),
            (
                "release released",
                Some(released.clone()),
                HoldCommand::Release,
                before,
                Refused(ProxyError::HoldNotActive { state: HoldState::Released }),
            ),
            (
                "confirm released",
                Some(released.clone()),
                HoldCommand::Confirm,
                before,
                Refused(ProxyError::HoldNotActive { state: HoldState::Released }),
            ),
            ("expire released", Some(released), HoldCommand::Expire, expiry + 5, NoRequests(HoldState::Released)),
        ];
        for (name, record, command, now, expected) in cases {
            let outcome = holds::begin(record, command, now, &settings());
            match (outcome, expected) {
                (Err(error), Refused(expected)) => assert_eq!(error, expected, "{provider:?}: {name}"),
                (Ok(mut operation), NoRequests(state)) => {
                    assert!(operation.next_requests(0).is_empty(), "{provider:?}: {name} must not call upstream");
                    let finished = operation.finish();
                    assert_eq!(finished.record.map(|record| record.state), Some(state), "{provider:?}: {name}");
                    assert!(finished.result.is_ok(), "{provider:?}: {name}");
                }
                (Ok(_), expected) => panic!("{provider:?}: {name}: began, expected {expected:?}"),
                (Err(error), expected) => panic!("{provider:?}: {name}: refused with {error:?}, expected {expected:?}"),
            }
        }
    }
}

#[test]
fn a_create_is_checked_before_anything_is_asked() {
    let good = settings();
    let bad_settings = HoldSettings { hold_seconds: 0, ..settings() };
    let cases: Vec<(HoldCommand, &HoldSettings, ProxyError)> = vec![
        (
            create("qt:abc", QT_SHOW, vec![seat("1-1;1", 1)]),
            &good,
            ProxyError::InvalidId { field: IdField::EventId, reason: InvalidIdReason::NotQticketsDigits },
        ),
        (
            create(&tc_event(), "5f1a0c0e2b3c4d5e6f708193", vec![seat(&tc_seat(1), 1)]),
            &good,
            ProxyError::NotFound { what: MissingThing::Show },
        ),
        (create(QT_EVENT, QT_SHOW, vec![]), &good, ProxyError::InvalidBody { field: "seats" }),
        (create(QT_EVENT, QT_SHOW, vec![admission(QT_ADMISSION, 0, 1)]), &good, ProxyError::InvalidBody { field: "admission" }),
        (create(QT_EVENT, QT_SHOW, vec![seat("1-1;1&paid=1", 1)]), &good, ProxyError::InvalidBody { field: "seats" }),
        (create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 1)]), &bad_settings, ProxyError::Misconfigured),
    ];
    for (command, settings, expected) in cases {
        let printed = format!("{command:?}");
        assert_eq!(holds::begin(None, command, NOW, settings).err(), Some(expected), "{printed}");
    }
}

#[test]
fn a_held_hold_shows_as_expired_from_its_expiry_on() {
    let held = held_qtickets();
    let cases = [
        (NOW, HoldState::Held),
        (held.expires_at - 1, HoldState::Held),
        (held.expires_at, HoldState::Expired),
        (held.expires_at + 3600, HoldState::Expired),
    ];
    for (now, state) in cases {
        let hold = view(&held, now);
        assert_eq!(hold.state, state, "at {now}");
        assert_eq!(hold.expires_at, "2026-11-23T14:38:48Z");
        assert_eq!(hold.id, HOLD_ID);
        assert_eq!((hold.event_id.as_str(), hold.show_id.as_str()), (QT_EVENT, QT_SHOW));
    }
    assert_eq!(held.alarm_at(), Some(held.expires_at));
    let json = serde_json::to_value(view(&held, NOW)).unwrap();
    assert_eq!(json["total"], serde_json::json!({"minor": 1_400_000, "currency": "RUB"}));
    assert_eq!(json["items"][2]["kind"], "admission");
    let text = json.to_string();
    assert!(!text.contains("27061") && !text.contains("external"), "no upstream reference leaves the proxy: {text}");
}

#[test]
fn records_survive_the_json_round_trip_and_older_records_load() {
    for record in [held_qtickets(), held_mixed()] {
        let json = serde_json::to_string(&record).unwrap();
        let back: HoldRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, record);
    }
    let qtickets_json = serde_json::to_value(held_qtickets()).unwrap();
    assert_eq!(qtickets_json["upstream"]["provider"], "qtickets");
    assert_eq!(qtickets_json["state"], "held");
    // A record as a first version might have written it: no buyer, no
    // tickets, no leftovers, no flags.
    let minimal = r#"{"hold_id":"h_1","provider":"ticketscloud","event_id":"tc:5f1a0c0e2b3c4d5e6f708192",
        "show_id":"5f1a0c0e2b3c4d5e6f708192","state":"held","items":[],"expires_at":1795444728,
        "upstream":{"provider":"ticketscloud","order_id":"6b0a0d0e000000000000d65e","tickets":[]}}"#;
    let record: HoldRecord = serde_json::from_str(minimal).unwrap();
    assert_eq!(record.alarm_at(), Some(1_795_444_728));
}

/// Garbage an upstream (or a broken network) might answer with.
fn broken_answers() -> Vec<Result<UpstreamResponse, ProxyError>> {
    let ok = |body: &str| Ok(UpstreamResponse::json(200, body));
    vec![
        Err(ProxyError::UpstreamTimeout),
        Err(ProxyError::UpstreamUnavailable),
        ok(""),
        ok("null"),
        ok("[]"),
        ok("{}"),
        ok("\"success\""),
        ok(r#"{"status":"success"}"#),
        ok(r#"{"status":"error","code":{"x":1}}"#),
        ok(r#"{"status":"error","code":"SEAT_NOT_AVAILABLE"}"#),
        ok(r#"{"status":"error","code":"TICKET_NOT_FOUND"}"#),
        ok(r#"{"result":{"id":[1,2],"barcode":{"a":1}}}"#),
        ok(r#"{"result":{"id":"1","barcode":"\u0000\n"}}"#),
        ok(r#"{"data":[]}"#),
        ok(r#"{"data":{"id":"6b0a0d0e000000000000d65e","status":"done","tickets":"x"}}"#),
        ok(
            r#"{"data":{"id":"6b0a0d0e000000000000d65e","status":"done","expired_after":"9999-99-99","tickets":[{"id":"x","barcode":"1"},{"id":7},null,3]}}"#,
        ),
        ok(r#"{"data":{"id":"../../admin","status":"executed","tickets":[]}}"#),
        ok(
            r#"{"data":{"id":"6b0a0d0e000000000000d65e","status":"executed","expired_after":"-9999999999-01-01 00:00:00","tickets":[]}}"#,
        ),
        Ok(UpstreamResponse::json(409, r#"{"errors":["Conflict"]}"#)),
        Ok(UpstreamResponse::json(400, r#"{"errors":"Not allow to update order in status done"}"#)),
        Ok(UpstreamResponse::json(
            400,
            r#"{"errors":[{"tickets":["ticket (id = 6a1b2c3d8192000000000001) is not available"]}]}"#,
        )),
        Ok(UpstreamResponse::json(404, "")),
        Ok(UpstreamResponse::json(401, r#"{"errors":["Unauthorized"]}"#)),
        Ok(UpstreamResponse::json(502, "<html><body>Bad Gateway</body></html>")),
        Ok(UpstreamResponse::json(302, "")),
    ]
}

/// How to begin one operation: the record, the command and `now`.
type OperationStart = Box<dyn Fn() -> (Option<HoldRecord>, HoldCommand, i64)>;

/// Every kind of operation, with no upstream answering sensibly: each ends
/// (with an error or a consistent record) within a bounded number of
/// requests, and never panics.
#[test]
fn broken_upstream_answers_never_panic_or_loop() {
    let starts: Vec<(&str, OperationStart)> = vec![
        ("qt create", Box::new(|| (None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 1), admission(QT_ADMISSION, 2, 1)]), NOW))),
        (
            "qt change",
            Box::new(|| {
                (
                    Some(held_qtickets()),
                    HoldCommand::Change {
                        items: Some(vec![seat("1-1;5", 1), admission(QT_ADMISSION, 3, 1)]),
                        buyer: Some(buyer()),
                    },
                    NOW + 1,
                )
            }),
        ),
        ("qt release", Box::new(|| (Some(held_qtickets()), HoldCommand::Release, NOW + 1))),
        ("qt expire", Box::new(|| (Some(held_qtickets()), HoldCommand::Expire, NOW + HOLD_SECONDS))),
        ("qt confirm", Box::new(|| (Some(held_qtickets()), HoldCommand::Confirm, NOW + 1))),
        (
            "tc create",
            Box::new(|| {
                (None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&tc_seat(1), 1), admission(TC_ADMISSION_SET, 2, 1)]), NOW)
            }),
        ),
        (
            "tc change",
            Box::new(|| {
                (
                    Some(held_mixed()),
                    HoldCommand::Change {
                        items: Some(vec![seat(&tc_seat(2), 1), admission(TC_ADMISSION_SET, 3, 1)]),
                        buyer: Some(buyer()),
                    },
                    NOW + 1,
                )
            }),
        ),
        ("tc release", Box::new(|| (Some(held_mixed()), HoldCommand::Release, NOW + 1))),
        ("tc expire", Box::new(|| (Some(held_mixed()), HoldCommand::Expire, NOW + HOLD_SECONDS))),
        ("tc confirm", Box::new(|| (Some(held_mixed()), HoldCommand::Confirm, NOW + 1))),
    ];
    let answers = broken_answers();
    for (name, start) in &starts {
        // Each broken answer everywhere, then each broken answer at one
        // position among otherwise-broken-in-another-way answers.
        for (index, answer) in answers.iter().enumerate() {
            let (record, command, now) = start();
            let mut operation = holds::begin(record, command, now, &settings()).unwrap();
            let mut asked = 0;
            let mut outstanding = std::collections::VecDeque::new();
            let mut checkpoints = Vec::new();
            loop {
                outstanding.extend(operation.next_requests(0));
                let Some(step) = outstanding.pop_front() else { break };
                asked += 1;
                assert!(asked <= 40, "{name}: answer #{index} loops");
                let reply = if asked % 2 == 0 { answers[(index + asked) % answers.len()].clone() } else { answer.clone() };
                operation.on_response(step.id, reply);
                checkpoints.extend(operation.checkpoint());
            }
            // A crash at any point resumes without panicking or looping either.
            for checkpoint in checkpoints.into_iter().step_by(3) {
                let mut resumed = holds::begin(Some(checkpoint), HoldCommand::Resume, now + 60, &settings()).unwrap();
                let mut resumed_asked = 0;
                let mut outstanding = std::collections::VecDeque::new();
                loop {
                    outstanding.extend(resumed.next_requests(0));
                    let Some(step) = outstanding.pop_front() else { break };
                    resumed_asked += 1;
                    assert!(resumed_asked <= 40, "{name}: answer #{index} loops when resumed");
                    resumed.on_response(step.id, answer.clone());
                }
                let _ = resumed.finish();
            }
            let finished = operation.finish();
            if let Some(record) = &finished.record {
                let _ = view(record, now);
                let json = serde_json::to_string(record).unwrap();
                assert!(!json.contains("../"), "{name}: an upstream id unfit for a URL was kept: {json}");
            }
            if let Err(error) = &finished.result {
                let body = serde_json::to_string(&error.to_body()).unwrap();
                assert!(!body.contains("Unauthorized") && !body.contains("html"), "{name}: {body}");
            }
        }
    }
}

#[test]
fn finishing_early_never_loses_what_was_reserved() {
    // The glue gives up half-way (e.g. the Worker is shutting down).
    let mut operation = begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 1), seat("1-1;2", 1)]), NOW);
    let batch = operation.next_requests(0);
    assert_eq!(batch.len(), 2, "both adds at once");
    operation.on_response(batch[0].id, qt_ticket("27061", "x", None));
    let finished = operation.finish();
    assert_eq!(finished.result, Err(ProxyError::Internal));
    let record = finished.record.expect("what was reserved is remembered");
    assert_eq!(record.alarm_at(), Some(NOW), "and released at once by the alarm");
    let json = serde_json::to_string(&record).unwrap();
    assert!(json.contains("27061"), "{json}");
}

/// Finishes an operation that must make no upstream request.
fn without_requests(mut operation: Box<dyn holds::HoldOperation>) -> HoldRecord {
    assert!(operation.next_requests(0).is_empty(), "no upstream request");
    let finished = operation.finish();
    finished.result.expect("succeeds");
    finished.record.expect("a record")
}

#[test]
fn a_page_that_went_away_gives_the_places_back_after_the_grace_unless_someone_comes_back() {
    use holds::LEAVE_GRACE_SECONDS;
    for held in [held_qtickets(), held_mixed()] {
        // The beacon: nothing upstream yet, still held, the alarm moves up.
        let leaving = without_requests(begin(Some(held.clone()), HoldCommand::Leave, NOW + 5));
        assert_eq!((leaving.state, leaving.leaving_since), (HoldState::Held, Some(NOW + 5)));
        assert_eq!(leaving.alarm_at(), Some(NOW + 5 + LEAVE_GRACE_SECONDS));
        assert_eq!(view(&leaving, NOW + 6).state, HoldState::Held, "the buyer still sees it held");
        // A second beacon does not push the deadline.
        let again = without_requests(begin(Some(leaving.clone()), HoldCommand::Leave, NOW + 9));
        assert_eq!(again.leaving_since, Some(NOW + 5));

        // The alarm before the grace is over: nothing happens.
        let early = without_requests(begin(Some(leaving.clone()), HoldCommand::Expire, NOW + 5 + LEAVE_GRACE_SECONDS - 1));
        assert_eq!(early.state, HoldState::Held);

        // The reloaded page (or the partner) uses the hold: the leave is off.
        let back = without_requests(begin(Some(leaving.clone()), HoldCommand::Change { items: None, buyer: None }, NOW + 8));
        assert_eq!((back.leaving_since, back.alarm_at()), (None, Some(held.expires_at)));
        let mut read = leaving.clone();
        assert!(read.mark_present() && read.leaving_since.is_none(), "a read counts too (the Durable Object's GET)");

        // Nobody came back: the alarm releases upstream (a release, not an expiry).
        let mut due = begin(Some(leaving.clone()), HoldCommand::Expire, NOW + 5 + LEAVE_GRACE_SECONDS);
        assert!(!due.next_requests(0).is_empty(), "{:?}: the places go back upstream", held.provider);

        // Only a held hold can be left.
        let expired = with_state(held.clone(), HoldState::Expired, held.expires_at);
        let refused = holds::begin(Some(expired), HoldCommand::Leave, held.expires_at, &settings()).err();
        assert_eq!(refused, Some(ProxyError::HoldExpired));
        let released = with_state(held.clone(), HoldState::Released, held.expires_at);
        let refused = holds::begin(Some(released), HoldCommand::Leave, NOW, &settings()).err();
        assert_eq!(refused, Some(ProxyError::HoldNotActive { state: HoldState::Released }));
    }
    // The grace never outlives the hold itself.
    let mut late = held_qtickets();
    late.leaving_since = Some(late.expires_at - 2);
    assert_eq!(late.alarm_at(), Some(late.expires_at));
}
