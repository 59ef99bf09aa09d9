//! The admin additions the write side needs: the simulated clock, the
//! processing-time knob, reset of both, the request log and fault injection
//! on the new routes, and `/_sim/state` as the place to check "exactly ten
//! seats held, none twice" after a race.

use super::write_side_support::*;
use super::*;

#[tokio::test]
async fn the_clock_reads_advances_only_forward_and_resets() {
    let simulator = Simulator::new();
    let clock = simulator.admin(Method::GET, "clock", None).await.json();
    assert_fields(&clock, &["now", "offset_seconds"]);
    assert_eq!(clock["offset_seconds"], 0);
    assert!(clock["now"].as_str().unwrap().ends_with('Z'));
    let before = simulator.sim_now().await;

    let advanced = simulator.advance_clock(86_400).await;
    assert_eq!(advanced["offset_seconds"], 86_400);
    let after = simulator.sim_now().await;
    assert!((86_400..=86_402).contains(&(after.0 - before.0)), "{before} → {after}");

    for bad in [json!({"advance_seconds": -1}), json!({"seconds": 5}), json!({"advance_seconds": "5"})] {
        let reply = simulator.admin(Method::POST, "clock", Some(bad.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.admin(Method::GET, "clock", None).await.json()["offset_seconds"], 0);
    assert_eq!(simulator.state().await["clock_offset_seconds"], 0);
}

#[tokio::test]
async fn the_processing_time_knob_reads_sets_and_resets() {
    let simulator = Simulator::new();
    let default = json!({"ticketscloud.order_patch": 50});
    assert_eq!(simulator.admin(Method::GET, "latency", None).await.json(), default);
    let set = simulator.admin(Method::POST, "latency", Some(json!({"ticketscloud.order_patch": 0}))).await;
    assert_eq!((set.status, set.json()), (StatusCode::OK, json!({"ticketscloud.order_patch": 0})));
    for bad in [json!({"ticketscloud.order_patch": -5}), json!({"qtickets.tickets_add": 5}), json!([])] {
        let reply = simulator.admin(Method::POST, "latency", Some(bad.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.json()["error"].is_string());
    }
    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.admin(Method::GET, "latency", None).await.json(), default);
}

#[tokio::test]
async fn reset_forgets_tickets_and_orders() {
    let simulator = Simulator::new();
    let pristine = simulator.inventory_state().await;
    simulator.qtickets_reserve("1001/2001", "1-1;1", Some("x"), 600).await;
    simulator.tc_create(json!({"event": JAZZ_EVENING_EVENT_ID, "random": {JAZZ_GENERAL_ADMISSION_SET_ID: 2}})).await;
    simulator.advance_clock(60).await;
    assert_ne!(simulator.inventory_state().await, pristine);
    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.inventory_state().await, pristine);
    // Ids start over, as on a fresh start.
    let again = simulator.qtickets_reserve("1001/2001", "1-1;1", Some("x"), 600).await;
    assert_eq!(again["result"]["id"], "27061");
}

/// (fault route name, method, uri, body) — one call per new route.
fn write_calls(order_id: &str, reserved_to: &str) -> Vec<(&'static str, Method, String, Option<Value>)> {
    vec![
        (
            "qtickets.tickets_add",
            Method::POST,
            format!("{QT_TICKETS}/add/1001/2001"),
            Some(json!({"seat_id": "1-1;2", "paid": 0, "reserved_to": reserved_to})),
        ),
        ("qtickets.tickets_remove", Method::POST, format!("{QT_TICKETS}/remove/1001/2001"), Some(json!({"external_id": "held"}))),
        ("ticketscloud.orders_create", Method::POST, TC_ORDERS.to_owned(), Some(json!({"event": SWAN_LAKE_EVENT_ID}))),
        ("ticketscloud.orders_patch", Method::PATCH, format!("{TC_ORDERS}/{order_id}"), Some(json!({"status": "cancelled"}))),
        ("ticketscloud.orders_get", Method::GET, format!("{TC_ORDERS}/{order_id}"), None),
        ("ticketscloud.orders_list", Method::GET, format!("{TC_ORDERS}?events={SWAN_LAKE_EVENT_ID}&status=executed"), None),
    ]
}

#[tokio::test]
async fn write_routes_are_logged_and_can_be_faulted() {
    let simulator = Simulator::new();
    simulator.qtickets_reserve("1001/2001", "1-1;1", Some("held"), 600).await;
    let order_id =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID})).await.json()["data"]["id"].as_str().unwrap().to_owned();
    let reserved_to = simulator.reserved_to_in(600).await;
    let before = simulator.inventory_state().await;

    for kind in ["unavailable", "too_many_requests", "html_error"] {
        for (route, method, uri, body) in write_calls(&order_id, &reserved_to) {
            simulator.admin(Method::POST, "faults", Some(json!({"route": route, "kind": kind, "count": 1}))).await;
            simulator.admin(Method::DELETE, "requests", None).await;
            let authorization = if route.starts_with("qtickets") { qtickets_auth() } else { ticketscloud_auth() };
            let reply = simulator.call(method.clone(), &uri, Some(&authorization), body).await;
            let expected_status = match kind {
                "unavailable" => StatusCode::SERVICE_UNAVAILABLE,
                "too_many_requests" => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::BAD_GATEWAY,
            };
            assert_eq!(reply.status, expected_status, "{kind} on {route}");
            let log = simulator.admin(Method::GET, "requests", None).await.json();
            assert_eq!(log.as_array().unwrap().len(), 1, "{route}");
            let path = uri.split('?').next().unwrap();
            assert_eq!((log[0]["method"].as_str(), log[0]["path"].as_str()), (Some(method.as_str()), Some(path)));
        }
    }
    let mut after = simulator.inventory_state().await;
    after.as_object_mut().unwrap().remove("faults");
    let mut before = before;
    before.as_object_mut().unwrap().remove("faults");
    assert_eq!(after, before, "a failed upstream call wrote nothing");

    // Healed, the same calls work (and are logged as they happen).
    simulator.admin(Method::DELETE, "requests", None).await;
    for (route, method, uri, body) in write_calls(&order_id, &reserved_to) {
        let authorization = if route.starts_with("qtickets") { qtickets_auth() } else { ticketscloud_auth() };
        let reply = simulator.call(method, &uri, Some(&authorization), body).await;
        assert_eq!(reply.status, StatusCode::OK, "{route}: {}", String::from_utf8_lossy(&reply.body));
        if route.starts_with("qtickets") {
            assert_eq!(reply.json()["status"], "success", "{route}");
        }
    }
    let logged = simulator.admin(Method::GET, "requests", None).await.json();
    assert_eq!(logged.as_array().unwrap().len(), write_calls(&order_id, &reserved_to).len());
    assert!(logged.as_array().unwrap().iter().all(|entry| entry["authorized"] == true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_buyers_racing_for_ten_seats_get_exactly_ten_tickets() {
    let simulator = Simulator::new();
    let seats: Vec<String> = zones_of(&simulator.qtickets("seats/1001/2001").await.json())
        .into_iter()
        .flat_map(|(_, seats)| seats)
        .filter(|seat| seat["available"] == true && seat.get("row").is_some())
        .map(|seat| seat["seat_id"].as_str().unwrap().to_owned())
        .take(10)
        .collect();
    let reserved_to = simulator.reserved_to_in(600).await;
    let mut buyers = Vec::new();
    for buyer in 0..50 {
        let router = simulator.router.clone();
        let seat = seats[buyer % seats.len()].clone();
        let body = form_encode(&[
            ("seat_id", &seat),
            ("paid", "0"),
            ("reserved_to", &reserved_to),
            ("external_id", &format!("buyer-{buyer}")),
        ]);
        buyers.push(tokio::spawn(async move {
            let request = Request::builder()
                .method(Method::POST)
                .uri(format!("{QT_TICKETS}/add/1001/2001"))
                .header(header::AUTHORIZATION, qtickets_auth())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            serde_json::from_slice::<Value>(&body).unwrap()
        }));
    }
    let mut winners = 0;
    for buyer in buyers {
        let answer = buyer.await.unwrap();
        match answer["status"].as_str() {
            Some("success") => winners += 1,
            _ => assert_eq!(answer["code"], "SEAT_NOT_AVAILABLE", "{answer}"),
        }
    }
    assert_eq!(winners, 10);
    let held: Vec<String> = simulator.state().await["qtickets_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| ticket["seat_id"].as_str().unwrap().to_owned())
        .collect();
    let distinct: BTreeSet<&String> = held.iter().collect();
    assert_eq!((held.len(), distinct.len()), (10, 10), "exactly ten seats held, none twice");
}
