//! TicketsCloud `/v2/resources/orders` as a proxy uses it: create an order
//! with seats or general admission, change it by desired state, be refused
//! atomically under `all_or_nothing`, pay (barcodes appear only then),
//! cancel, expire by the clock, store the buyer and our hold id — and get
//! `409 Conflict` when two PATCHes for one order overlap.

use super::write_side_support::*;
use super::*;

/// Parterre VIP row 1 seat 1, vacant in the seed.
const VACANT_SEAT: &str = "6a1b2c3d8192000000000001";
/// Sold in the seed.
const SOLD_SEAT: &str = "6a1b2c3d8192000000000004";

async fn vacant_seats(simulator: &Simulator, count: usize) -> Vec<String> {
    let mut vacant = simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await;
    vacant.truncate(count);
    assert_eq!(vacant.len(), count);
    vacant
}

fn ticket_ids_of(order: &Value) -> Vec<String> {
    order["data"]["tickets"].as_array().unwrap().iter().map(|ticket| ticket["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_order_created_with_tickets_reserves_them_as_documented() {
    let simulator = Simulator::new();
    let seats = vacant_seats(&simulator, 2).await;
    assert_eq!(seats[0], VACANT_SEAT);
    let vip_vacant_before = simulator.tc_amount_vacant(SWAN_LAKE_EVENT_ID, SWAN_LAKE_PARTERRE_VIP_SET_ID).await;

    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": seats, "all_or_nothing": true})).await;
    assert_eq!(created.status, StatusCode::OK, "{}", String::from_utf8_lossy(&created.body));
    let order = created.json();
    assert_fields(&order, &["data", "refs"]);
    let data = &order["data"];
    assert_fields(
        data,
        &[
            "created_at",
            "event",
            "expired_after",
            "id",
            "number",
            "org",
            "origin",
            "promocodes",
            "settings",
            "status",
            "tickets",
            "values",
            "vendor",
            "vendor_data",
        ],
    );
    assert_eq!(data["status"], "executed");
    assert_eq!(data["event"], SWAN_LAKE_EVENT_ID);
    assert_eq!(data["number"], 54877);
    assert_eq!(data["id"].as_str().unwrap().len(), 24);
    assert_eq!(
        order_datetime(&data["expired_after"]).0 - order_datetime(&data["created_at"]).0,
        15 * 60,
        "expired_after is 15 minutes on, as in every example"
    );
    let now = simulator.sim_now().await;
    assert!((now.0 - order_datetime(&data["created_at"]).0).abs() <= 2, "created by the simulated clock");
    assert_eq!(data["settings"], json!({"invitation": false, "send_tickets": false, "subscribe_agree": false}));
    assert_eq!(data["vendor_data"], json!({}));

    let first = &data["tickets"][0];
    assert_fields(
        first,
        &["barcode", "discount", "extra", "full", "id", "nominal", "number", "price", "seat", "serial", "set", "status"],
    );
    assert_eq!(
        (first["id"].clone(), first["status"].clone(), first["barcode"].clone(), first["set"].clone()),
        (json!(VACANT_SEAT), json!("reserved"), Value::Null, json!(SWAN_LAKE_PARTERRE_VIP_SET_ID))
    );
    assert_eq!(
        (
            first["price"].clone(),
            first["nominal"].clone(),
            first["extra"].clone(),
            first["full"].clone(),
            first["discount"].clone()
        ),
        (json!("5000.00"), json!("5000.00"), json!("200.00"), json!("5200.00"), json!("0.00"))
    );
    assert_eq!(
        first["seat"],
        json!({"number": "1", "row": "1", "sector": SWAN_LAKE_PARTERRE_SECTOR_ID}),
        "row and number are strings here"
    );
    assert_eq!(ticket_ids_of(&order), seats);
    let values = &data["values"];
    assert_eq!(
        (values["price"].clone(), values["extra"].clone(), values["full"].clone()),
        (json!("10000.00"), json!("400.00"), json!("10400.00"))
    );
    assert_eq!(values["sets_values"].as_object().unwrap().len(), 4, "every set of the event");

    let refs = &order["refs"];
    assert_fields(refs, &["events", "partners", "promocodes", "sets", "venues"]);
    let event_ref = &refs["events"][SWAN_LAKE_EVENT_ID];
    assert_eq!(event_ref["lifetime"], json!({"start": "2027-04-15 16:00:00", "finish": "2027-04-15 19:00:00"}));
    assert_eq!(event_ref["timezone"], "Europe/Moscow");
    assert_eq!(refs["sets"].as_object().unwrap().keys().collect::<Vec<_>>(), [SWAN_LAKE_PARTERRE_VIP_SET_ID]);
    assert_eq!(refs["sets"][SWAN_LAKE_PARTERRE_VIP_SET_ID]["with_seats"], true);
    assert!(refs["partners"][data["org"].as_str().unwrap()].is_object());
    assert!(refs["partners"][data["vendor"].as_str().unwrap()].is_object());
    assert_eq!(refs["venues"].as_object().unwrap().len(), 1);

    // The v1 listings show the reservation.
    let reserved = simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "reserved").await;
    assert!(seats.iter().all(|seat| reserved.contains(seat)));
    let listing = simulator.ticketscloud(&tc_tickets(SWAN_LAKE_EVENT_ID)).await.json();
    let listed = listing.as_array().unwrap().iter().find(|ticket| ticket["id"] == VACANT_SEAT).unwrap();
    assert_eq!(listed["status"], "reserved");
    assert!(listed["reserved_till"].as_str().unwrap().ends_with("+00:00"));
    assert_eq!(simulator.tc_amount_vacant(SWAN_LAKE_EVENT_ID, SWAN_LAKE_PARTERRE_VIP_SET_ID).await, vip_vacant_before - 2);
    // GET answers the same order.
    let fetched = simulator.tc_get(data["id"].as_str().unwrap()).await;
    assert_eq!((fetched.status, fetched.json()), (StatusCode::OK, order.clone()));
    let state = simulator.state().await;
    assert_eq!(state["ticketscloud_orders"][0]["tickets"], json!(seats));
    assert_eq!(state["ticketscloud_orders"][0]["status"], "executed");
}

#[tokio::test]
async fn random_reserves_general_admission_by_desired_count() {
    let simulator = Simulator::new();
    let set = JAZZ_GENERAL_ADMISSION_SET_ID;
    assert_eq!(simulator.tc_amount_vacant(JAZZ_EVENING_EVENT_ID, set).await, 154);
    let created = simulator.tc_create(json!({"event": JAZZ_EVENING_EVENT_ID, "random": {set: 3}})).await.json();
    let tickets = created["data"]["tickets"].as_array().unwrap().clone();
    assert_eq!(tickets.len(), 3);
    assert!(tickets.iter().all(|ticket| ticket.get("seat").is_none() && ticket["set"] == set));
    assert_eq!(created["refs"]["sets"][set]["with_seats"], false);
    assert_eq!(simulator.tc_amount_vacant(JAZZ_EVENING_EVENT_ID, set).await, 151);
    assert_eq!(
        simulator.ticketscloud(&tc_tickets(JAZZ_EVENING_EVENT_ID)).await.json(),
        json!([]),
        "general admission is never listed"
    );

    let order_id = created["data"]["id"].as_str().unwrap();
    for (count, vacant) in [(3, 151), (1, 153), (5, 149), (0, 154)] {
        let patched = simulator.tc_patch(order_id, json!({"random": {set: count}})).await;
        assert_eq!(patched.status, StatusCode::OK);
        assert_eq!(patched.json()["data"]["tickets"].as_array().unwrap().len(), count);
        assert_eq!(simulator.tc_amount_vacant(JAZZ_EVENING_EVENT_ID, set).await, vacant, "random {count}");
    }
    // Sending the same count again keeps the same tickets.
    let first = simulator.tc_patch(order_id, json!({"random": {set: 2}})).await.json();
    let again = simulator.tc_patch(order_id, json!({"random": {set: 2}})).await.json();
    assert_eq!(ticket_ids_of(&first), ticket_ids_of(&again));
}

#[tokio::test]
async fn mixed_orders_follow_the_documented_algorithm() {
    // Random first, then `tickets` with the ids it returned plus a seat
    // (l.699–711); and the other way round, random naming both sets (3b).
    let simulator = Simulator::new();
    let general = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "random": {general: 1}})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let mut wanted = ticket_ids_of(&created);
    wanted.push(VACANT_SEAT.to_owned());
    let mixed = simulator.tc_patch(&order_id, json!({"tickets": wanted, "all_or_nothing": true})).await.json();
    assert_eq!(ticket_ids_of(&mixed), wanted);

    let grown = simulator
        .tc_patch(&order_id, json!({"random": {general: 2, SWAN_LAKE_PARTERRE_VIP_SET_ID: 1}, "all_or_nothing": true}))
        .await
        .json();
    let grown_ids = ticket_ids_of(&grown);
    assert_eq!(grown_ids.len(), 3);
    assert!(grown_ids.starts_with(&wanted), "kept tickets stay: {grown_ids:?}");
}

#[tokio::test]
async fn all_or_nothing_refusals_leave_the_order_unchanged() {
    let simulator = Simulator::new();
    let seats = vacant_seats(&simulator, 3).await;
    let created =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [seats[0]], "all_or_nothing": true})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let vacant_before = simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await;

    let refused = simulator.tc_patch(&order_id, json!({"tickets": [seats[1], SOLD_SEAT], "all_or_nothing": true})).await;
    assert_eq!(
        (refused.status, refused.json()),
        (StatusCode::BAD_REQUEST, json!({"errors": [format!("ticket (id = {SOLD_SEAT}) is not available")]}))
    );
    assert_eq!(simulator.tc_get(&order_id).await.json(), created, "unchanged");
    assert_eq!(simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await, vacant_before, "nothing released either");

    // A ticket held by another order is just as unavailable.
    let other = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [seats[2]]})).await.json();
    let taken = simulator.tc_patch(&order_id, json!({"tickets": [seats[0], seats[2]], "all_or_nothing": true})).await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert_eq!(ticket_ids_of(&other), [seats[2].clone()]);

    // Without all_or_nothing the unavailable ones are skipped.
    let partial = simulator.tc_patch(&order_id, json!({"tickets": [seats[1], SOLD_SEAT, seats[2]]})).await;
    assert_eq!(partial.status, StatusCode::OK);
    assert_eq!(ticket_ids_of(&partial.json()), [seats[1].clone()]);
    assert!(simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await.contains(&seats[0]), "released");

    // A refused create makes no order at all.
    let refused_create =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [SOLD_SEAT], "all_or_nothing": true})).await;
    assert_eq!(refused_create.status, StatusCode::BAD_REQUEST);
    assert_eq!(simulator.state().await["ticketscloud_orders"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn bad_requests_get_the_documented_errors() {
    let simulator = Simulator::new();
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID})).await.json();
    assert_eq!(created["data"]["tickets"], json!([]), "an empty order, as in the document's example");
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let jazz_ticket = "6a1b2c3d8193000000000001";
    let cases: Vec<(Method, String, Value, StatusCode, Value)> = vec![
        (
            Method::POST,
            TC_ORDERS.into(),
            json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [VACANT_SEAT], "random": {}}),
            StatusCode::BAD_REQUEST,
            json!(["Only one of tickets or random can be set"]),
        ),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/{order_id}"),
            json!({"tickets": [VACANT_SEAT], "random": {}}),
            StatusCode::BAD_REQUEST,
            json!(["Only one of tickets or random can be set"]),
        ),
        (
            Method::POST,
            TC_ORDERS.into(),
            json!({"event": "5f1a0c0e2b3c4d5e6f700000"}),
            StatusCode::BAD_REQUEST,
            json!(["Event 5f1a0c0e2b3c4d5e6f700000 not found"]),
        ),
        (Method::POST, TC_ORDERS.into(), json!({}), StatusCode::BAD_REQUEST, json!(["event is required"])),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/{order_id}"),
            json!({"tickets": [jazz_ticket]}),
            StatusCode::BAD_REQUEST,
            json!([format!("ticket (id = {jazz_ticket}) does not belong to current event")]),
        ),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/{order_id}"),
            json!({"status": "executed"}),
            StatusCode::BAD_REQUEST,
            json!(["Incorrect status executed for this operation"]),
        ),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/{order_id}"),
            json!({"status": "done"}),
            StatusCode::BAD_REQUEST,
            json!(["there is no tickets in order"]),
        ),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/{order_id}"),
            json!({"expired_after": "2030-01-01 00:00:00"}),
            StatusCode::BAD_REQUEST,
            json!(["expired_after is not changable"]),
        ),
        (
            Method::PATCH,
            format!("{TC_ORDERS}/000000000000000000000000"),
            json!({}),
            StatusCode::NOT_FOUND,
            json!(["Order 000000000000000000000000 not found"]),
        ),
        (
            Method::GET,
            format!("{TC_ORDERS}/000000000000000000000000"),
            Value::Null,
            StatusCode::NOT_FOUND,
            json!(["Order 000000000000000000000000 not found"]),
        ),
    ];
    for (method, uri, body, status, errors) in cases {
        let body = (!body.is_null()).then_some(body);
        let reply = simulator.tc(method.clone(), &uri, body.clone()).await;
        assert_eq!((reply.status, reply.json()), (status, json!({"errors": errors})), "{method} {uri} {body:?}");
    }
    let garbage = simulator
        .call_with_raw_body(
            Method::PATCH,
            &format!("{TC_ORDERS}/{order_id}"),
            Some(&ticketscloud_auth()),
            "application/json",
            "{\"tickets\": [",
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(garbage.json()["errors"][0].as_str().unwrap().starts_with("Invalid JSON"));
    for (method, uri) in [
        (Method::POST, TC_ORDERS.to_owned()),
        (Method::GET, format!("{TC_ORDERS}/{order_id}")),
        (Method::PATCH, format!("{TC_ORDERS}/{order_id}")),
    ] {
        let unauthorized =
            simulator.call(method.clone(), &uri, Some("key wrong"), Some(json!({"event": SWAN_LAKE_EVENT_ID}))).await;
        assert_eq!(
            (unauthorized.status, unauthorized.json()),
            (StatusCode::UNAUTHORIZED, json!({"errors": ["Unauthorized"]})),
            "{method} {uri}"
        );
    }
    assert_eq!(simulator.tc_get(&order_id).await.json(), created, "nothing changed the order");
    assert_eq!(simulator.state().await["ticketscloud_orders"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn done_sells_the_tickets_and_only_then_gives_barcodes() {
    let simulator = Simulator::new();
    let general = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "random": {general: 1}})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let mut wanted = ticket_ids_of(&created);
    wanted.push(VACANT_SEAT.to_owned());
    let held = simulator.tc_patch(&order_id, json!({"tickets": wanted})).await.json();
    assert!(held["data"]["tickets"].as_array().unwrap().iter().all(|ticket| ticket["barcode"].is_null()));
    assert!(held["data"].get("done_at").is_none() && held["data"].get("code").is_none());

    let done = simulator.tc_patch(&order_id, json!({"status": "done"})).await;
    assert_eq!(done.status, StatusCode::OK);
    let done = done.json();
    let data = &done["data"];
    assert_eq!(data["status"], "done");
    assert!(order_datetime(&data["done_at"]).0 >= order_datetime(&data["created_at"]).0);
    assert_eq!(data["code"].as_str().unwrap().len(), 8);
    let barcodes: BTreeSet<String> = data["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| {
            assert_eq!(ticket["status"], "reserved", "as in every done example (l.797, l.1317)");
            ticket["barcode"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(barcodes.len(), 2);
    assert!(barcodes.iter().all(|barcode| barcode.len() == 17 && barcode.bytes().all(|byte| byte.is_ascii_digit())));

    assert!(simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "sold").await.contains(&VACANT_SEAT.to_owned()));
    assert_eq!(simulator.tc_get(&order_id).await.json(), done, "GET shows the same barcodes");
    for (change, error) in [
        (json!({"status": "done"}), "Not allow to update order in status done".to_owned()),
        (json!({"tickets": []}), "Not allow to update order in status done".to_owned()),
        (json!({"status": "cancelled"}), format!("Order {order_id} is not cancellable")),
    ] {
        let refused = simulator.tc_patch(&order_id, change.clone()).await;
        assert_eq!((refused.status, refused.json()), (StatusCode::BAD_REQUEST, json!({"errors": [error]})), "{change}");
    }
    simulator.advance_clock(3600).await;
    assert_eq!(simulator.tc_get(&order_id).await.json(), done, "a paid order never expires");
}

#[tokio::test]
async fn cancelling_puts_the_tickets_back_on_sale() {
    let simulator = Simulator::new();
    let seats = vacant_seats(&simulator, 2).await;
    let vacant_before = simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await;
    let general_before = simulator.tc_amount_vacant(SWAN_LAKE_EVENT_ID, SWAN_LAKE_GENERAL_ADMISSION_SET_ID).await;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": seats})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    simulator.tc_patch(&order_id, json!({"random": {SWAN_LAKE_GENERAL_ADMISSION_SET_ID: 2}})).await;

    let cancelled = simulator.tc_patch(&order_id, json!({"status": "cancelled"})).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    let cancelled = cancelled.json();
    assert_eq!(cancelled["data"]["status"], "cancelled");
    assert!(cancelled["data"]["tickets"].as_array().unwrap().iter().all(|ticket| ticket["barcode"].is_null()));
    assert_eq!(simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await, vacant_before);
    assert_eq!(simulator.tc_amount_vacant(SWAN_LAKE_EVENT_ID, SWAN_LAKE_GENERAL_ADMISSION_SET_ID).await, general_before);
    let refused = simulator.tc_patch(&order_id, json!({"tickets": seats})).await;
    assert_eq!(refused.json(), json!({"errors": ["Not allow to update order in status cancelled"]}));
}

#[tokio::test]
async fn orders_expire_by_the_simulated_clock() {
    let simulator = Simulator::new();
    let vacant_before = simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await;
    let created = simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [VACANT_SEAT]})).await.json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();

    simulator.advance_clock(15 * 60 - 10).await;
    assert_eq!(simulator.tc_get(&order_id).await.json()["data"]["status"], "executed");
    assert!(!simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await.contains(&VACANT_SEAT.to_owned()));
    simulator.advance_clock(11).await;
    let expired = simulator.tc_get(&order_id).await.json();
    assert_eq!(expired["data"]["status"], "expired");
    assert_eq!(expired["data"]["tickets"][0]["status"], "vacant");
    assert_eq!(simulator.tc_ticket_ids(SWAN_LAKE_EVENT_ID, "vacant").await, vacant_before);
    let refused = simulator.tc_patch(&order_id, json!({"status": "done"})).await;
    assert_eq!(
        (refused.status, refused.json()),
        (StatusCode::BAD_REQUEST, json!({"errors": ["Not allow to update order in status expired"]}))
    );
    assert_eq!(simulator.state().await["ticketscloud_orders"][0]["status"], "expired");
}

#[tokio::test]
async fn the_buyer_and_our_hold_id_are_stored_and_returned() {
    let simulator = Simulator::new();
    let created = simulator
        .tc_create(json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [VACANT_SEAT], "vendor_data": {"order_id": "hold_01JD5"}}))
        .await
        .json();
    assert_eq!(created["data"]["vendor_data"], json!({"order_id": "hold_01JD5"}));
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    let customer = json!({"email": "hello@world.ru", "lang": "ru", "name": "Ivan Ivanov", "phone": "+79991234576"});
    let patched = simulator
        .tc_patch(&order_id, json!({"settings": {"customer": customer}, "vendor_data": {"raw": {"enable_call_to_customer": true, "call_counter": 3}}}))
        .await
        .json();
    assert_eq!(
        patched["data"]["settings"],
        json!({"customer": customer, "invitation": false, "send_tickets": false, "subscribe_agree": false})
    );
    assert_eq!(
        patched["data"]["vendor_data"],
        json!({"order_id": "hold_01JD5", "raw": {"enable_call_to_customer": true, "call_counter": 3}}),
        "a later PATCH of raw keeps order_id"
    );
    assert_eq!(ticket_ids_of(&patched), [VACANT_SEAT], "tickets untouched when not sent");
    assert_eq!(simulator.tc_get(&order_id).await.json(), patched);
    assert_eq!(simulator.state().await["ticketscloud_orders"][0]["vendor_order_id"], "hold_01JD5");

    let refused = simulator.tc_patch(&order_id, json!({"settings": {"customer": {"lang": "de"}}})).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(simulator.tc_get(&order_id).await.json(), patched);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overlapping_patches_to_one_order_get_409_and_other_orders_do_not() {
    let simulator = Simulator::new();
    simulator.admin(Method::POST, "latency", Some(json!({"ticketscloud.order_patch": 400}))).await;
    let seats = vacant_seats(&simulator, 7).await;
    let busy_order =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID})).await.json()["data"]["id"].as_str().unwrap().to_owned();
    let other_order =
        simulator.tc_create(json!({"event": SWAN_LAKE_EVENT_ID})).await.json()["data"]["id"].as_str().unwrap().to_owned();

    let mut tasks = Vec::new();
    for (index, seat) in seats.iter().take(5).enumerate() {
        let router = simulator.router.clone();
        let uri = format!("{TC_ORDERS}/{busy_order}");
        let body = json!({"tickets": [seat]});
        tasks.push(tokio::spawn(async move { (index, patch_with(router, &uri, body).await) }));
    }
    let other = {
        let router = simulator.router.clone();
        let uri = format!("{TC_ORDERS}/{other_order}");
        let body = json!({"tickets": [seats[5]]});
        tokio::spawn(async move { patch_with(router, &uri, body).await })
    };
    let mut applied = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (index, (status, body)) = task.await.unwrap();
        match status {
            StatusCode::OK => applied.push(index),
            StatusCode::CONFLICT => {
                assert_eq!(body, json!({"errors": ["Conflict"]}));
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((applied.len(), conflicts), (1, 4), "exactly one PATCH wins");
    let (other_status, _) = other.await.unwrap();
    assert_eq!(other_status, StatusCode::OK, "another order is never blocked");

    let order = simulator.tc_get(&busy_order).await.json();
    assert_eq!(ticket_ids_of(&order), [seats[applied[0]].clone()], "only the winner's change happened");
    let after = simulator.tc_patch(&busy_order, json!({"tickets": [seats[6]]})).await;
    assert_eq!(after.status, StatusCode::OK, "free again once the PATCH is done");
}

async fn patch_with(router: Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(uri)
        .header(header::AUTHORIZATION, ticketscloud_auth())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_orders_list_finds_an_order_by_our_hold_id_with_the_documented_filters_and_paging() {
    let simulator = Simulator::new();
    let seats = vacant_seats(&simulator, 3).await;
    let mut ids = Vec::new();
    for (index, seat) in seats.iter().enumerate() {
        let body = json!({"event": SWAN_LAKE_EVENT_ID, "tickets": [seat], "vendor_data": {"order_id": format!("h_{index}")}});
        ids.push(simulator.tc_create(body).await.json()["data"]["id"].as_str().unwrap().to_owned());
    }
    simulator.tc_patch(&ids[0], json!({"status": "cancelled"})).await;
    let list = |query: String| {
        let simulator = &simulator;
        async move {
            let reply = simulator.ticketscloud(&format!("{TC_ORDERS}{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", String::from_utf8_lossy(&reply.body));
            reply.json()
        }
    };

    let executed = list(format!("?events={SWAN_LAKE_EVENT_ID}&status=executed")).await;
    assert_fields(&executed, &["data", "pagination", "refs"]);
    assert_eq!(executed["pagination"], json!({"page": 1, "page_size": 50, "total": 2}));
    let vendor_ids: Vec<&str> =
        executed["data"].as_array().unwrap().iter().map(|order| order["vendor_data"]["order_id"].as_str().unwrap()).collect();
    assert_eq!(vendor_ids, ["h_1", "h_2"], "oldest first, the cancelled one left out");
    // Each order as GET /v2/resources/orders/{id} writes it.
    assert_eq!(executed["data"][0], simulator.tc_get(&ids[1]).await.json()["data"]);
    assert!(executed["refs"]["events"][SWAN_LAKE_EVENT_ID].is_object());

    let second_page = list("?status=executed,cancelled&page=2&page_size=2".to_owned()).await;
    assert_eq!(second_page["pagination"], json!({"page": 2, "page_size": 2, "total": 3}));
    assert_eq!(second_page["data"].as_array().unwrap().len(), 1);
    assert_eq!(list("?events=5f1a0c0e2b3c4d5e6f708193".to_owned()).await["data"], json!([]));
    assert_eq!(list("?only_with_customer=true".to_owned()).await["pagination"]["total"], 0);
    let now = simulator.sim_now().await;
    let before = upstream_sim::calendar::UnixTimestamp(now.0 - 3600).to_rfc3339_utc().trim_end_matches('Z').to_owned();
    assert_eq!(list(format!("?created_at={before},")).await["pagination"]["total"], 3);
    assert_eq!(list(format!("?created_at=,{before}")).await["pagination"]["total"], 0);

    for bad in ["?page_size=201", "?status=paid", "?page=0", "?created_at=soon,"] {
        let reply = simulator.ticketscloud(&format!("{TC_ORDERS}{bad}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.json()["errors"][0].is_string());
    }
}

#[tokio::test]
async fn promo_codes_are_checked_applied_priced_and_refused_as_documented() {
    let simulator = Simulator::new();
    let check = |code: &str| {
        let simulator = &simulator;
        let body = json!({"event": JAZZ_EVENING_EVENT_ID, "code": code});
        async move { simulator.tc(Method::POST, "/ticketscloud/v2/services/promocodes/check", Some(body)).await }
    };
    let sale = check("sale10").await;
    assert_eq!(sale.status, StatusCode::OK);
    assert_eq!(sale.json()["data"], json!({"discount": {"percentage": "10%"}, "sets": [], "tickets_count": {}}));
    for (code, reason) in [("NOPE", "Promocode not found"), ("JAZZ2025", "Promocode expired")] {
        let refused = check(code).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{code}");
        assert_eq!(refused.json(), json!({"error": "HTTPBadRequest", "reason": reason}), "{code}");
    }

    let created = simulator
        .tc_create(json!({"event": JAZZ_EVENING_EVENT_ID, "random": {JAZZ_GENERAL_ADMISSION_SET_ID: 2}, "all_or_nothing": true}))
        .await
        .json();
    let order_id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["data"]["values"]["nominal"], "2400.00");

    // "Promokey …" refusals change nothing.
    for (code, message) in
        [("NOPE", "Promokey not founded"), ("JAZZ2025", "Promokey expired"), ("FIRST50", "Promokey fully reserved")]
    {
        let refused = simulator.tc_patch(&order_id, json!({"promocodes": [code]})).await;
        assert_eq!((refused.status, refused.json()), (StatusCode::BAD_REQUEST, json!({"errors": [message]})), "{code}");
    }
    assert_eq!(simulator.tc_get(&order_id).await.json()["data"]["promocodes"], json!([]));

    // Too few tickets: a 200 that says why in `errors`, no code applied.
    let short = simulator.tc_patch(&order_id, json!({"promocodes": ["GROUP5"]})).await.json();
    assert_eq!(short["errors"][0]["code"], "promocode_limit_min_tickets");
    assert_eq!((short["data"]["promocodes"].clone(), short["data"]["values"]["discount"].clone()), (json!([]), json!("0.00")));

    let applied = simulator.tc_patch(&order_id, json!({"promocodes": ["Sale10"]})).await.json();
    assert!(applied.get("errors").is_none());
    let data = &applied["data"];
    let code_id = data["promocodes"][0].as_str().unwrap();
    assert_eq!(applied["refs"]["promocodes"][code_id]["code"], "SALE10");
    assert_eq!(applied["refs"]["promocodes"][code_id]["discount"], json!({"percentage": "10%"}));
    let ticket = &data["tickets"][0];
    assert_eq!(
        (ticket["price"].clone(), ticket["discount"].clone(), ticket["nominal"].clone(), ticket["full"].clone()),
        (json!("1200.00"), json!("120.00"), json!("1080.00"), json!("1128.00"))
    );
    let values = &data["values"];
    assert_eq!(
        (values["price"].clone(), values["discount"].clone(), values["nominal"].clone()),
        (json!("2400.00"), json!("240.00"), json!("2160.00"))
    );
    assert_eq!(values["sets_values"][JAZZ_GENERAL_ADMISSION_SET_ID]["promocode"], code_id);

    // The code stays while the tickets change, and is what the paid order costs.
    let grown =
        simulator.tc_patch(&order_id, json!({"random": {JAZZ_GENERAL_ADMISSION_SET_ID: 3}, "all_or_nothing": true})).await;
    assert_eq!(grown.json()["data"]["values"]["nominal"], "3240.00");
    simulator.tc_patch(&order_id, json!({"status": "done"})).await;
    let summary = simulator.state().await;
    let order = summary["ticketscloud_orders"].as_array().unwrap().iter().find(|order| order["id"] == order_id.as_str()).unwrap();
    assert_eq!((order["promocodes"].clone(), order["total"].clone()), (json!(["SALE10"]), json!("3384.00")));

    // Removed: list prices again.
    let other = simulator
        .tc_create(
            json!({"event": JAZZ_EVENING_EVENT_ID, "random": {JAZZ_GENERAL_ADMISSION_SET_ID: 1}, "promocodes": ["SALE10"]}),
        )
        .await
        .json();
    assert_eq!(other["data"]["values"]["nominal"], "1080.00");
    let other_id = other["data"]["id"].as_str().unwrap();
    let removed = simulator.tc_patch(other_id, json!({"promocodes": []})).await.json();
    assert_eq!(
        (removed["data"]["promocodes"].clone(), removed["data"]["values"]["nominal"].clone()),
        (json!([]), json!("1200.00"))
    );
}
