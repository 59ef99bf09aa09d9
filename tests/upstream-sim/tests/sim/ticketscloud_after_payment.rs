//! TicketsCloud after payment, as a proxy meets it: barcodes that arrive
//! after `done` (the simulator's switch), the organiser's legal details in
//! the listing, and refund requests — created, refused in the document's
//! words, listed, moved along by the clock or decided by a PATCH.

use super::write_side_support::*;
use super::*;

const TC_REFUNDS: &str = "/ticketscloud/v2/resources/refund_requests";

/// A done order of two general-admission tickets; its id and ticket ids.
async fn paid_order(simulator: &Simulator) -> (String, Vec<String>) {
    let general = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "random": {general: 2}})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let done = simulator.tc_patch(&order_id, json!({"status": "done"})).await;
    assert_eq!(done.status, StatusCode::OK);
    let tickets = done.json()["data"]["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| ticket["id"].as_str().unwrap().to_owned())
        .collect();
    (order_id, tickets)
}

async fn request(simulator: &Simulator, body: Value) -> Reply {
    simulator.tc(Method::POST, TC_REFUNDS, Some(body)).await
}

async fn list(simulator: &Simulator, query: String) -> Reply {
    simulator.ticketscloud(&format!("{TC_REFUNDS}?{query}")).await
}

fn barcodes_of(order: &Value) -> Vec<Value> {
    order["tickets"].as_array().unwrap().iter().map(|ticket| ticket["barcode"].clone()).collect()
}

#[tokio::test]
async fn barcodes_can_come_after_done_and_every_read_agrees() {
    let simulator = Simulator::new();
    let switched = simulator.admin(Method::POST, "ticketscloud/barcodes", Some(json!({"delay_seconds": 30}))).await;
    assert_eq!((switched.status, switched.json()), (StatusCode::OK, json!({"delay_seconds": 30})));
    for bad in [json!({"delay_seconds": -1}), json!({"seconds": 5})] {
        assert_eq!(simulator.admin(Method::POST, "ticketscloud/barcodes", Some(bad)).await.status, StatusCode::BAD_REQUEST);
    }
    let general = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "random": {general: 2}})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let done = simulator.tc_patch(&order_id, json!({"status": "done"})).await.json();
    assert_eq!(done["data"]["status"], "done", "paid");
    assert_eq!(barcodes_of(&done["data"]), [Value::Null, Value::Null], "the document's done order with barcode null");
    let listed = || async {
        let list = simulator.ticketscloud(&format!("{TC_ORDERS}?events={SWAN_LAKE_EVENT_ID}&status=done")).await.json();
        list["data"][0].clone()
    };
    assert_eq!(barcodes_of(&listed().await), [Value::Null, Value::Null]);
    assert_eq!(simulator.state().await["ticketscloud_orders"][0]["barcodes_issued"], false);

    simulator.advance_clock(29).await;
    assert_eq!(barcodes_of(&listed().await), [Value::Null, Value::Null], "not yet");
    simulator.advance_clock(1).await;
    let issued = listed().await;
    assert!(barcodes_of(&issued).iter().all(|barcode| barcode.as_str().is_some_and(|text| text.len() == 17)), "{issued}");
    assert_eq!(barcodes_of(&simulator.tc_get(&order_id).await.json()["data"]), barcodes_of(&issued));

    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.admin(Method::GET, "ticketscloud/barcodes", None).await.json(), json!({"delay_seconds": 0}));
}

#[tokio::test]
async fn the_listing_names_the_organisers_legal_entity() {
    let simulator = Simulator::new();
    let events = simulator.ticketscloud(TC_EVENTS).await.json();
    let legal = |event_id: &str| {
        events.as_array().unwrap().iter().find(|event| event["id"] == event_id).unwrap()["org"]["legal_detail"].clone()
    };
    let company = legal(SWAN_LAKE_EVENT_ID);
    assert_eq!((company["inn"].as_str(), company["ogrn"].as_str()), (Some("7701234567"), Some("1027700000001")));
    assert!(company["address"].as_str().is_some_and(|address| !address.is_empty()));
    let sole_trader = legal(JAZZ_EVENING_EVENT_ID);
    assert!(sole_trader["ogrnip"].is_string() && sole_trader.get("ogrn").is_none() && sole_trader.get("address").is_none());
}

#[tokio::test]
async fn refund_requests_are_created_refused_listed_and_progress() {
    let simulator = Simulator::new();
    let (order_id, tickets) = paid_order(&simulator).await;

    // Refused as documented, nothing written.
    let unpaid =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "random": {SWAN_LAKE_GENERAL_ADMISSION_SET_ID: 1}})).await.json()
            ["data"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let before = simulator.inventory_state().await;
    let refusals = [
        (
            json!({"order": order_id, "culprit": "idunno", "tickets": tickets}),
            "culprit Value 'idunno' not in list of avaiable values ['user', 'org']".to_owned(),
        ),
        (json!({"order": order_id, "culprit": "org", "tickets": []}), "tickets list length is less than 1".to_owned()),
        (json!({"culprit": "org", "tickets": tickets}), "order is required".to_owned()),
        (
            json!({"order": "6b0a0d0e00000000000fffff", "culprit": "org", "tickets": tickets}),
            "Order 6b0a0d0e00000000000fffff not found".to_owned(),
        ),
        (json!({"order": unpaid, "culprit": "org", "tickets": ["x"]}), format!("wrong order (id: {unpaid}) status: executed")),
        (json!({"order": order_id, "culprit": "org", "tickets": ["6a1b2c3d8192000000000001"]}), "bad tickets".to_owned()),
    ];
    for (body, message) in refusals {
        let refused = request(&simulator, body.clone()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            refused.json()["errors"].as_array().unwrap().iter().any(|error| error == &json!(message)),
            "{body}: {}",
            refused.json()
        );
    }
    assert_eq!(simulator.inventory_state().await, before, "refusals write nothing");

    let created = request(&simulator, json!({"order": order_id, "culprit": "org", "tickets": [tickets[0]]})).await;
    assert_eq!(created.status, StatusCode::OK, "{}", String::from_utf8_lossy(&created.body));
    let refund = created.json()["data"].clone();
    assert_fields(
        &refund,
        &[
            "created_at",
            "culprit",
            "customer_money",
            "delta",
            "event",
            "finished_at",
            "id",
            "order",
            "org",
            "policy",
            "refund_nominal",
            "requested_at",
            "status",
            "tickets",
            "vendor",
        ],
    );
    assert_eq!((refund["status"].as_str(), refund["culprit"].as_str()), (Some("new"), Some("org")));
    assert_eq!(refund["tickets"], json!([tickets[0]]));
    assert_eq!(refund["refund_nominal"], "1560.00", "the ticket's price and fee");
    assert!(created.json()["refs"]["orders"].get(&order_id).is_some());
    let refund_id = refund["id"].as_str().unwrap().to_owned();

    let again = request(&simulator, json!({"order": order_id, "culprit": "org", "tickets": tickets})).await;
    assert_eq!(again.json()["errors"], json!(["Some tickets already use in another refund request"]));

    let listed = list(&simulator, format!("events={SWAN_LAKE_EVENT_ID}")).await.json();
    assert_eq!(listed["pagination"], json!({"page": 1, "page_size": 50, "total": 1}));
    assert_eq!(listed["data"][0]["id"], json!(refund_id));
    assert_eq!(list(&simulator, format!("events={JAZZ_EVENING_EVENT_ID}")).await.json()["pagination"]["total"], 0);
    assert_eq!(list(&simulator, "status=approved".into()).await.json()["pagination"]["total"], 0);
    assert_eq!(list(&simulator, "status=paid".into()).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        list(&simulator, "created_at=2000-01-01T00:00:00,2001-01-01T00:00:00".into()).await.json()["pagination"]["total"],
        0
    );

    // Nobody processes it: the clock does.
    simulator.advance_clock(60).await;
    assert_eq!(list(&simulator, String::new()).await.json()["data"][0]["status"].clone(), "in_progress");
    simulator.advance_clock(60).await;
    assert_eq!(list(&simulator, String::new()).await.json()["data"][0]["status"].clone(), "approved");
    let finished = list(&simulator, String::new()).await.json()["data"][0]["finished_at"].clone();
    assert!(finished.is_string());
    let state = simulator.state().await;
    assert_eq!(state["ticketscloud_refunds"][0]["status"], "approved");
    let vacant_general = simulator.tc_amount_vacant(SWAN_LAKE_EVENT_ID, SWAN_LAKE_GENERAL_ADMISSION_SET_ID).await;
    assert_eq!(vacant_general, 73 - 2 - 1 + 1, "the refunded ticket is on sale again (the unpaid order still holds one)");

    // A final refund cannot be decided again; another one can be rejected.
    let approve_again =
        simulator.tc(Method::PATCH, &format!("{TC_REFUNDS}/{refund_id}"), Some(json!({"status": "approved"}))).await;
    assert_eq!(approve_again.json()["errors"], json!(["RefundRequest in wrong status approved for approve"]));
    let second = request(&simulator, json!({"order": order_id, "culprit": "user", "tickets": [tickets[1]]})).await.json()["data"]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rejected = simulator.tc(Method::PATCH, &format!("{TC_REFUNDS}/{second}"), Some(json!({"status": "rejected"}))).await;
    assert_eq!(rejected.json()["data"]["status"], "rejected");
    simulator.advance_clock(600).await;
    let rejected_now = list(&simulator, "status=rejected".into()).await.json();
    assert_eq!(rejected_now["data"][0]["id"], json!(second), "a decided refund stays decided");
    let retry = request(&simulator, json!({"order": order_id, "culprit": "org", "tickets": [tickets[1]]})).await;
    assert_eq!(retry.status, StatusCode::OK, "a rejected refund's tickets may be asked for again");

    // Faster processing for tests: approved 3 s after it was asked for.
    let timing =
        simulator.admin(Method::POST, "ticketscloud/refunds", Some(json!({"new_seconds": 1, "approved_seconds": 3}))).await;
    assert_eq!(timing.status, StatusCode::OK);
    let bad = simulator.admin(Method::POST, "ticketscloud/refunds", Some(json!({"new_seconds": 5, "approved_seconds": 3}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    simulator.advance_clock(3).await;
    let approved_now = list(&simulator, "status=approved".into()).await.json();
    assert_eq!(approved_now["pagination"]["total"], 2, "the retried refund too, after 3 s");

    // A refunded ticket is on sale again; sold again, it can be refunded again.
    let (resale, resold) = paid_order(&simulator).await;
    assert!(resold.contains(&tickets[0]), "{resold:?}");
    let refund_of_resale = request(&simulator, json!({"order": resale, "culprit": "org", "tickets": [tickets[0]]})).await;
    assert_eq!(refund_of_resale.status, StatusCode::OK, "{}", String::from_utf8_lossy(&refund_of_resale.body));
}
