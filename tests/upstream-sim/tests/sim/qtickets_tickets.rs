//! QTickets `tickets/add` and `tickets/remove` as a proxy uses them: hold a
//! seat, be refused a taken one (in an HTTP 200), retry safely with
//! `external_id`, pay and get a barcode, release, let the clock expire a
//! hold, count admission places — and send parameters any usual way.

use super::write_side_support::*;
use super::*;

const EVENING: &str = "1001/2001";

#[tokio::test]
async fn reserving_a_seat_answers_as_documented_and_makes_it_unavailable() {
    let simulator = Simulator::new();
    let hash_before = simulator.seats_hash(1001, 2001).await;
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;1").await["available"], true);

    let reserved_to = simulator.reserved_to_in(600).await;
    let answer = simulator
        .qtickets_tickets(
            "add",
            EVENING,
            &[("seat_id", "1-1;1"), ("paid", "0"), ("reserved_to", &reserved_to), ("external_id", "hold-a-1")],
        )
        .await;

    assert_fields(
        &answer,
        &["event_id", "show_id", "event_name", "start_date", "scheme", "city", "last_update_hash", "status", "result"],
    );
    assert_eq!(answer["status"], "success");
    assert_eq!((answer["event_id"].clone(), answer["show_id"].clone()), (json!(1001), json!(2001)));
    assert_eq!(answer["event_name"], "Щелкунчик");
    assert!(answer["scheme"].get("zones").is_none(), "the scheme comes without zones here");
    assert_eq!(
        answer["result"],
        json!({"id": "27061", "paid": 0, "reserved_to": reserved_to, "external_id": "hold-a-1", "barcode": null})
    );
    let hash_after = simulator.seats_hash(1001, 2001).await;
    assert_ne!(hash_after, hash_before);
    assert_eq!(answer["last_update_hash"], hash_after.as_str());
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;1").await["available"], false);

    let state = simulator.state().await;
    assert_eq!(state["qtickets"][0]["seats_reserved"], 1);
    assert_eq!(
        state["qtickets_tickets"],
        json!([{"id": "27061", "external_id": "hold-a-1", "event_id": 1001, "show_id": 2001, "seat_id": "1-1;1", "paid": false, "reserved_to": reserved_to, "barcode": null}])
    );
}

/// (action, show path, parameters, expected code, expected message if documented)
type RefusalCase<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str, Option<&'a str>);

#[tokio::test]
async fn refusals_are_http_200_errors_that_change_nothing() {
    let simulator = Simulator::new();
    simulator.qtickets_reserve(EVENING, "1-1;1", Some("first-buyer"), 600).await;
    let state_before = simulator.inventory_state().await;
    let later = simulator.reserved_to_in(600).await;
    let earlier = simulator.reserved_to_in(-60).await;
    let cases: Vec<RefusalCase> = vec![
        (
            "add",
            EVENING,
            vec![("seat_id", "1-1;1"), ("paid", "0"), ("reserved_to", &later)],
            "SEAT_NOT_AVAILABLE",
            Some("Seat \"1-1;1\" is not available"),
        ),
        // Seeded as sold.
        (
            "add",
            EVENING,
            vec![("seat_id", "1-1;3"), ("paid", "1")],
            "SEAT_NOT_AVAILABLE",
            Some("Seat \"1-1;3\" is not available"),
        ),
        ("add", EVENING, vec![("seat_id", "99-1;1"), ("paid", "1")], "SEAT_NOT_FOUND", None),
        ("add", EVENING, vec![("paid", "0"), ("reserved_to", &later)], "VALIDATION_ERROR", None),
        ("add", EVENING, vec![("seat_id", "1-1;2"), ("paid", "2")], "VALIDATION_ERROR", None),
        ("add", EVENING, vec![("seat_id", "1-1;2")], "VALIDATION_ERROR", None),
        ("add", EVENING, vec![("seat_id", "1-1;2"), ("paid", "0")], "VALIDATION_ERROR", None),
        ("add", EVENING, vec![("seat_id", "1-1;2"), ("paid", "0"), ("reserved_to", &earlier)], "VALIDATION_ERROR", None),
        (
            "add",
            EVENING,
            vec![("seat_id", "1-1;2"), ("paid", "0"), ("reserved_to", "2030-01-01T12:00:00")],
            "VALIDATION_ERROR",
            None,
        ),
        ("add", EVENING, vec![("id", "99999"), ("paid", "1")], "TICKET_NOT_FOUND", Some("Ticket \"99999\" not found")),
        ("add", EVENING, vec![("external_id", "nobody"), ("paid", "1")], "TICKET_NOT_FOUND", None),
        // The ticket exists, but in another show than the URL names.
        ("add", "1001/2002", vec![("external_id", "first-buyer"), ("paid", "1")], "TICKET_NOT_FOUND", None),
        ("add", "9999", vec![("seat_id", "1-1;2"), ("paid", "1")], "EVENT_NOT_FOUND", None),
        ("add", "1001/abc", vec![("seat_id", "1-1;2"), ("paid", "1")], "EVENT_NOT_FOUND", None),
        ("add", "1001", vec![("seat_id", "1-1;2"), ("paid", "1")], "VALIDATION_ERROR", None),
        ("remove", EVENING, vec![("id", "99999")], "TICKET_NOT_FOUND", None),
        ("remove", EVENING, vec![], "VALIDATION_ERROR", None),
    ];
    for (action, show_path, parameters, code, message) in cases {
        let answer = simulator.qtickets_tickets(action, show_path, &parameters).await;
        assert_fields(&answer, &["status", "code", "message"]);
        assert_eq!(
            (answer["status"].as_str(), answer["code"].as_str()),
            (Some("error"), Some(code)),
            "{action} {show_path} {parameters:?}: {answer}"
        );
        if let Some(message) = message {
            assert_eq!(answer["message"], message);
        }
    }
    // An unencoded `+` in the query string is a space, as PHP decodes it.
    let plus_in_query = simulator
        .call(
            Method::GET,
            &format!("{QT_TICKETS}/add/{EVENING}?seat_id=1-1;2&paid=0&reserved_to={}", later.replace(':', "%3A")),
            Some(&qtickets_auth()),
            None,
        )
        .await;
    assert_eq!(plus_in_query.json()["code"], "VALIDATION_ERROR");
    assert_eq!(simulator.inventory_state().await, state_before, "nothing changed");
}

#[tokio::test]
async fn the_same_external_id_returns_the_same_ticket() {
    let simulator = Simulator::new();
    let first = simulator.qtickets_reserve(EVENING, "1-1;1", Some("hold-7:seat-1"), 600).await;
    let hash_after_first = first["last_update_hash"].clone();
    for retry_seat in ["1-1;1", "1-1;2"] {
        let retry = simulator.qtickets_reserve(EVENING, retry_seat, Some("hold-7:seat-1"), 900).await;
        assert_eq!(retry["status"], "success", "{retry}");
        assert_eq!(retry["result"], first["result"], "same ticket, unchanged");
        assert_eq!(retry["last_update_hash"], hash_after_first);
    }
    assert_eq!(simulator.state().await["qtickets_tickets"].as_array().unwrap().len(), 1);
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;2").await["available"], true);

    // An answer lost on the way back (the body cut off) after the write: the
    // retry finds the ticket the lost answer was about.
    simulator
        .admin(Method::POST, "faults", Some(json!({"route": "qtickets.tickets_add", "kind": "malformed_json", "count": 1})))
        .await;
    let reserved_to = simulator.reserved_to_in(600).await;
    let parameters =
        [("seat_id", "1-1;4"), ("paid", "0"), ("reserved_to", reserved_to.as_str()), ("external_id", "hold-8:seat-1")];
    let lost = simulator
        .call_with_raw_body(
            Method::POST,
            &format!("{QT_TICKETS}/add/{EVENING}"),
            Some(&qtickets_auth()),
            "application/x-www-form-urlencoded",
            &form_encode(&parameters),
        )
        .await;
    assert!(serde_json::from_slice::<Value>(&lost.body).is_err());
    let retried = simulator.qtickets_tickets("add", EVENING, &parameters).await;
    assert_eq!(retried["result"]["id"], "27062");
    assert_eq!(simulator.state().await["qtickets_tickets"].as_array().unwrap().len(), 2);

    // Once removed, the external id is free for a new ticket.
    let removed = simulator.qtickets_tickets("remove", EVENING, &[("external_id", "hold-7:seat-1")]).await;
    assert_eq!(removed["result"], true);
    let again = simulator.qtickets_reserve(EVENING, "1-1;2", Some("hold-7:seat-1"), 600).await;
    assert_eq!(again["result"]["id"], "27063");
}

#[tokio::test]
async fn the_behaviour_switch_makes_a_repeated_external_id_a_validation_error() {
    let simulator = Simulator::new();
    assert_eq!(
        simulator.admin(Method::GET, "behaviour", None).await.json(),
        json!({"qtickets_repeated_external_id": "same_ticket"})
    );
    let switched =
        simulator.admin(Method::POST, "behaviour", Some(json!({"qtickets_repeated_external_id": "duplicate_error"}))).await;
    assert_eq!(switched.json()["qtickets_repeated_external_id"], "duplicate_error");
    for bad in [json!({"qtickets_repeated_external_id": "maybe"}), json!({"colour": "red"})] {
        let reply = simulator.admin(Method::POST, "behaviour", Some(bad.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }

    let first = simulator.qtickets_reserve(EVENING, "1-1;1", Some("hold-9:seat-1"), 600).await;
    assert_eq!(first["status"], "success", "{first}");
    let state_after_first = simulator.inventory_state().await;
    let repeated = simulator.qtickets_reserve(EVENING, "1-1;1", Some("hold-9:seat-1"), 600).await;
    assert_eq!(repeated["status"], "error", "{repeated}");
    assert_eq!(repeated["code"], "VALIDATION_ERROR");
    assert_eq!(repeated["message"], "The external id has already been taken.");
    assert_eq!(simulator.inventory_state().await, state_after_first, "nothing created");
    // The documented lookup by external id still finds the ticket.
    let reserved_to = simulator.reserved_to_in(600).await;
    let found = simulator
        .qtickets_tickets(
            "add",
            EVENING,
            &[("external_id", "hold-9:seat-1"), ("paid", "0"), ("reserved_to", reserved_to.as_str())],
        )
        .await;
    assert_eq!(found["result"]["id"], first["result"]["id"]);

    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.admin(Method::GET, "behaviour", None).await.json()["qtickets_repeated_external_id"], "same_ticket");
}

#[tokio::test]
async fn paying_gives_a_barcode_and_a_sold_ticket_stays_sold() {
    let simulator = Simulator::new();
    let sold_before = simulator.state().await["qtickets"][0]["seats_sold"].as_u64().unwrap();
    let reserved = simulator.qtickets_reserve(EVENING, "2-11;5", Some("hold-9:seat-1"), 600).await;
    assert_eq!(reserved["result"]["barcode"], Value::Null);
    let ticket_id = reserved["result"]["id"].as_str().unwrap().to_owned();

    // Extending by external id moves reserved_to.
    let extended_to = simulator.reserved_to_in(1800).await;
    let extended = simulator
        .qtickets_tickets("add", EVENING, &[("external_id", "hold-9:seat-1"), ("paid", "0"), ("reserved_to", &extended_to)])
        .await;
    assert_eq!(extended["result"]["reserved_to"], extended_to.as_str());
    assert_eq!(extended["result"]["id"], ticket_id.as_str());

    let paid = simulator.qtickets_tickets("add", EVENING, &[("id", &ticket_id), ("paid", "1")]).await;
    let barcode = paid["result"]["barcode"].as_str().unwrap().to_owned();
    assert_eq!(barcode.len(), 13);
    assert!(barcode.bytes().all(|byte| byte.is_ascii_digit()));
    assert_eq!(
        paid["result"],
        json!({"id": ticket_id, "paid": 1, "reserved_to": null, "external_id": "hold-9:seat-1", "barcode": barcode})
    );
    assert_eq!(paid["last_update_hash"], reserved["last_update_hash"], "reserved → sold is not an availability change");
    let paid_again = simulator.qtickets_tickets("add", EVENING, &[("external_id", "hold-9:seat-1"), ("paid", "1")]).await;
    assert_eq!(paid_again["result"], paid["result"], "a repeated confirm is harmless");

    let later = simulator.reserved_to_in(600).await;
    for (action, parameters) in [
        ("remove", vec![("id", ticket_id.as_str())]),
        ("add", vec![("id", ticket_id.as_str()), ("paid", "0"), ("reserved_to", later.as_str())]),
    ] {
        let refused = simulator.qtickets_tickets(action, EVENING, &parameters).await;
        assert_eq!(refused["code"], "VALIDATION_ERROR", "{action}");
    }
    simulator.advance_clock(7200).await;
    assert_eq!(simulator.qtickets_seat(EVENING, "2-11;5").await["available"], false);
    let state = simulator.state().await;
    assert_eq!(state["qtickets"][0]["seats_sold"], sold_before + 1);
    assert_eq!(state["qtickets_tickets"][0]["paid"], true, "sold tickets never expire");
}

#[tokio::test]
async fn removing_a_reservation_frees_the_seat() {
    let simulator = Simulator::new();
    let hash_before = simulator.seats_hash(1002, 2003).await;
    let reserved = simulator.qtickets_reserve("1002", "11-1;1", Some("hold-3:seat-1"), 600).await;
    assert_eq!(reserved["show_id"], 2003, "show_id left out: the event's only show");
    assert_eq!(simulator.qtickets_seat("1002/2003", "11-1;1").await["available"], false);

    let removed = simulator.qtickets_tickets("remove", "1002", &[("external_id", "hold-3:seat-1")]).await;
    assert_fields(
        &removed,
        &["event_id", "show_id", "event_name", "start_date", "scheme", "city", "last_update_hash", "status", "result"],
    );
    assert_eq!((removed["status"].as_str(), &removed["result"]), (Some("success"), &json!(true)));
    assert_eq!(removed["last_update_hash"], hash_before.as_str(), "back to the seeded availability");
    assert_eq!(simulator.qtickets_seat("1002/2003", "11-1;1").await["available"], true);
    let again = simulator.qtickets_tickets("remove", "1002/2003", &[("id", reserved["result"]["id"].as_str().unwrap())]).await;
    assert_eq!(again["code"], "TICKET_NOT_FOUND");
}

#[tokio::test]
async fn reservations_expire_by_the_simulated_clock() {
    let simulator = Simulator::new();
    let hash_before = simulator.seats_hash(1001, 2001).await;
    let short = simulator.qtickets_reserve(EVENING, "1-1;1", Some("short"), 600).await;
    simulator.qtickets_reserve(EVENING, "1-1;2", Some("long"), 1200).await;

    // Ten seconds short of the deadline (real time keeps ticking meanwhile).
    simulator.advance_clock(590).await;
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;1").await["available"], false);
    let clock = simulator.advance_clock(11).await;
    assert_eq!(clock["offset_seconds"], 601);
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;1").await["available"], true);
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;2").await["available"], false);
    let state = simulator.state().await;
    assert_eq!(
        state["qtickets_tickets"].as_array().unwrap().iter().map(|ticket| ticket["external_id"].clone()).collect::<Vec<_>>(),
        [json!("long")]
    );
    // Paying or extending an expired reservation: it is gone.
    let short_id = short["result"]["id"].as_str().unwrap();
    for parameters in [vec![("id", short_id), ("paid", "1")], vec![("external_id", "short"), ("paid", "1")]] {
        let answer = simulator.qtickets_tickets("add", EVENING, &parameters).await;
        assert_eq!(answer["code"], "TICKET_NOT_FOUND", "{parameters:?}");
    }

    // The other one, extended, outlives its first deadline.
    let extended_to = simulator.reserved_to_in(3600).await;
    simulator.qtickets_tickets("add", EVENING, &[("external_id", "long"), ("paid", "0"), ("reserved_to", &extended_to)]).await;
    simulator.advance_clock(1200).await;
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;2").await["available"], false);
    simulator.advance_clock(3600).await;
    assert_eq!(simulator.qtickets_seat(EVENING, "1-1;2").await["available"], true);
    assert_eq!(simulator.seats_hash(1001, 2001).await, hash_before);
}

#[tokio::test]
async fn admission_tickets_take_one_place_each() {
    let simulator = Simulator::new();
    // Show 2002 starts with 80 places; sell 78 elsewhere.
    let sold_elsewhere = vec!["tancevalnyj-parter-1;1"; 78];
    simulator
        .admin(
            Method::POST,
            "sell",
            Some(json!({"provider": "qtickets", "event_id": 1001, "show_id": 2002, "seat_ids": sold_elsewhere})),
        )
        .await;
    let matinee = "1001/2002";
    let admission = "tancevalnyj-parter-1;1";
    let seat = simulator.qtickets_seat(matinee, admission).await;
    assert_eq!((seat["free_quantity"].clone(), seat["available"].clone()), (json!(2), json!(true)));

    let mut ticket_ids = BTreeSet::new();
    let mut hashes = BTreeSet::from([simulator.seats_hash(1001, 2002).await]);
    for (expected_free, expected_available) in [(1, true), (0, false)] {
        let answer = simulator.qtickets_reserve(matinee, admission, None, 600).await;
        assert_eq!(answer["status"], "success", "{answer}");
        ticket_ids.insert(answer["result"]["id"].as_str().unwrap().to_owned());
        hashes.insert(answer["last_update_hash"].as_str().unwrap().to_owned());
        let seat = simulator.qtickets_seat(matinee, admission).await;
        assert_eq!((seat["free_quantity"].clone(), seat["available"].clone()), (json!(expected_free), json!(expected_available)));
    }
    assert_eq!(ticket_ids.len(), 2, "a new ticket per add");
    assert_eq!(hashes.len(), 3, "every place taken changes the hash");
    let none_left = simulator.qtickets_reserve(matinee, admission, None, 600).await;
    assert_eq!(none_left["code"], "SEAT_NOT_AVAILABLE");

    let first = ticket_ids.first().unwrap();
    simulator.qtickets_tickets("remove", matinee, &[("id", first)]).await;
    assert_eq!(simulator.qtickets_seat(matinee, admission).await["free_quantity"], 1);
    simulator.advance_clock(601).await;
    assert_eq!(simulator.qtickets_seat(matinee, admission).await["free_quantity"], 2);
}

#[tokio::test]
async fn parameters_may_come_in_the_query_a_form_json_or_multipart() {
    let simulator = Simulator::new();
    let reserved_to = simulator.reserved_to_in(600).await;
    let uri = format!("{QT_TICKETS}/add/{EVENING}");
    let query = format!("{uri}?{}", form_encode(&[("seat_id", "1-1;1"), ("paid", "0"), ("reserved_to", &reserved_to)]));
    let by_query_get = simulator.call(Method::GET, &query, Some(&qtickets_auth()), None).await;
    let by_form = simulator
        .call_with_raw_body(
            Method::POST,
            &uri,
            Some(&qtickets_auth()),
            "application/x-www-form-urlencoded",
            &form_encode(&[("seat_id", "1-1;2"), ("paid", "0"), ("reserved_to", &reserved_to)]),
        )
        .await;
    let by_json = simulator
        .call(
            Method::POST,
            &uri,
            Some(&qtickets_auth()),
            Some(json!({"seat_id": "1-1;4", "paid": 0, "reserved_to": reserved_to})),
        )
        .await;
    let multipart = "--b0UnD\r\nContent-Disposition: form-data; name=\"seat_id\"\r\n\r\n1-1;5\r\n--b0UnD\r\nContent-Disposition: form-data; name=\"paid\"\r\n\r\n1\r\n--b0UnD--\r\n";
    let by_multipart = simulator
        .call_with_raw_body(Method::POST, &uri, Some(&qtickets_auth()), "multipart/form-data; boundary=b0UnD", multipart)
        .await;
    for (how, reply) in [("query", by_query_get), ("form", by_form), ("json", by_json), ("multipart", by_multipart)] {
        assert_eq!(reply.json()["status"], "success", "{how}: {}", String::from_utf8_lossy(&reply.body));
    }
    let seats: Vec<Value> =
        simulator.state().await["qtickets_tickets"].as_array().unwrap().iter().map(|ticket| ticket["seat_id"].clone()).collect();
    assert_eq!(seats, [json!("1-1;1"), json!("1-1;2"), json!("1-1;4"), json!("1-1;5")]);
    // A wrong key is still the documented HTTP 200 error, and nothing is made.
    let wrong_key = simulator.call(Method::POST, &uri, Some("Bearer wrong"), Some(json!({"seat_id": "1-1;6", "paid": 1}))).await;
    assert_eq!((wrong_key.status, wrong_key.json()["code"].clone()), (StatusCode::OK, json!("WRONG_AUTHORIZATION")));
    assert_eq!(simulator.state().await["qtickets_tickets"].as_array().unwrap().len(), 4);
}
