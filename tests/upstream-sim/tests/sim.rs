//! Drives the simulator's router in-process (`tower::ServiceExt::oneshot`) and
//! the real binary once, checking what a proxy author relies on: each
//! provider's auth failure style, pagination and filters, hall sizes, the
//! reproduced wire quirks, `last_update_hash` behaviour, every fault kind, the
//! request log and reset. The write side (holds, payment, expiry, the clock)
//! is tested in the modules under `tests/sim/`, which share this harness.

#[path = "sim/clock_latency_and_admin.rs"]
mod clock_latency_and_admin;
#[path = "sim/qtickets_tickets.rs"]
mod qtickets_tickets;
#[path = "sim/ticketscloud_after_payment.rs"]
mod ticketscloud_after_payment;
#[path = "sim/ticketscloud_listing_and_prices.rs"]
mod ticketscloud_listing_and_prices;
#[path = "sim/ticketscloud_orders.rs"]
mod ticketscloud_orders;
#[path = "sim/write_side_support.rs"]
mod write_side_support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use upstream_sim::config::{DEFAULT_QTICKETS_KEY, DEFAULT_TICKETSCLOUD_KEY};
use upstream_sim::demo_data::*;
use upstream_sim::{app, SimConfig, SimState};

const QT: &str = "/qtickets/api/partners/v1/events";
const TC_EVENTS: &str = "/ticketscloud/v1/services/simple/events";

fn qtickets_auth() -> String {
    format!("Bearer {DEFAULT_QTICKETS_KEY}")
}

fn ticketscloud_auth() -> String {
    format!("key {DEFAULT_TICKETSCLOUD_KEY}")
}

fn tc_tickets(event_id: &str) -> String {
    format!("/ticketscloud/v1/resources/events/{event_id}/tickets")
}

struct Simulator {
    router: Router,
}

#[derive(Debug)]
struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: Bytes,
}

impl Reply {
    async fn read(response: axum::response::Response) -> Reply {
        let header_text =
            |name| response.headers().get(name).map(|value: &axum::http::HeaderValue| value.to_str().unwrap().to_owned());
        let status = response.status();
        let content_type = header_text(header::CONTENT_TYPE);
        let retry_after = header_text(header::RETRY_AFTER);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply { status, content_type, retry_after, body }
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(&self.body)))
    }
}

impl Simulator {
    fn new() -> Simulator {
        let state = SimState::seeded(SimConfig::default().upstream_keys()).into_shared();
        Simulator { router: app(state) }
    }

    async fn call(&self, method: Method, uri: &str, authorization: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(authorization) = authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let response = self.router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        Reply::read(response).await
    }

    async fn qtickets(&self, path: &str) -> Reply {
        self.call(Method::GET, &format!("{QT}/{path}"), Some(&qtickets_auth()), None).await
    }

    async fn ticketscloud(&self, path_and_query: &str) -> Reply {
        self.call(Method::GET, path_and_query, Some(&ticketscloud_auth()), None).await
    }

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(method, &format!("/_sim/{path}"), None, body).await
    }

    async fn seats_hash(&self, event_id: u64, show_id: u64) -> String {
        let reply = self.qtickets(&format!("seats/{event_id}/{show_id}")).await;
        reply.json()["last_update_hash"].as_str().unwrap().to_owned()
    }
}

/// A tolerant reading of `events/seats` zones, whether an array or an object
/// keyed by id: `(zone id as text, seats)`.
fn zones_of(seats_body: &Value) -> Vec<(String, Vec<Value>)> {
    fn id_text(id: &Value) -> String {
        match id {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
    fn seats_of(zone: &Value) -> Vec<Value> {
        match &zone["seats"] {
            Value::Array(seats) => seats.clone(),
            Value::Object(seats) => seats.values().cloned().collect(),
            other => panic!("seats neither array nor object: {other}"),
        }
    }
    match &seats_body["zones"] {
        Value::Array(zones) => zones.iter().map(|zone| (id_text(&zone["zone_id"]), seats_of(zone))).collect(),
        Value::Object(zones) => zones.values().map(|zone| (id_text(&zone["zone_id"]), seats_of(zone))).collect(),
        other => panic!("zones neither array nor object: {other}"),
    }
}

/// Asserts an object has exactly these fields (order is not part of JSON's meaning).
#[track_caller]
fn assert_fields(value: &Value, expected: &[&str]) {
    let actual: BTreeSet<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(actual, expected.iter().copied().collect::<BTreeSet<&str>>(), "fields of {value}");
}

// ---------------------------------------------------------------- auth ----

#[tokio::test]
async fn qtickets_answers_a_wrong_key_with_http_200_and_the_documented_error() {
    let simulator = Simulator::new();
    let wrong_authorizations = [
        None,
        Some("Bearer not-the-key".to_owned()),
        Some(format!("key {DEFAULT_QTICKETS_KEY}")),
        Some(DEFAULT_QTICKETS_KEY.to_owned()),
        Some(format!("Bearer {DEFAULT_TICKETSCLOUD_KEY}")),
    ];
    for path in ["lists", "seats/1001/2001", "seats/1002", "seats/9999"] {
        for authorization in &wrong_authorizations {
            for method in [Method::GET, Method::POST] {
                let reply = simulator.call(method.clone(), &format!("{QT}/{path}"), authorization.as_deref(), None).await;
                assert_eq!(reply.status, StatusCode::OK, "{method} {path} {authorization:?}");
                assert_eq!(
                    reply.json(),
                    json!({"status": "error", "code": "WRONG_AUTHORIZATION", "message": "Wrong authorization"}),
                    "{method} {path} {authorization:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn ticketscloud_answers_a_wrong_key_with_401_and_an_errors_list() {
    let simulator = Simulator::new();
    let wrong_authorizations = [
        None,
        Some("key not-the-key".to_owned()),
        Some(format!("Bearer {DEFAULT_TICKETSCLOUD_KEY}")),
        Some(format!("key {DEFAULT_QTICKETS_KEY}")),
    ];
    for path in [TC_EVENTS.to_owned(), tc_tickets(SWAN_LAKE_EVENT_ID), tc_tickets("unknown")] {
        for authorization in &wrong_authorizations {
            let reply = simulator.call(Method::GET, &path, authorization.as_deref(), None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path} {authorization:?}");
            assert_eq!(reply.json(), json!({"errors": ["Unauthorized"]}));
        }
        let authorized = simulator.call(Method::GET, &path, Some(&ticketscloud_auth()), None).await;
        assert_ne!(authorized.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

// ------------------------------------------------------------ QTickets ----

#[tokio::test]
async fn qtickets_get_and_post_answer_identically() {
    let simulator = Simulator::new();
    for path in ["lists", "seats/1001/2001", "seats/1001/2002", "seats/1002", "seats/1001"] {
        let uri = format!("{QT}/{path}");
        let get = simulator.call(Method::GET, &uri, Some(&qtickets_auth()), None).await;
        let post = simulator.call(Method::POST, &uri, Some(&qtickets_auth()), None).await;
        assert_eq!((get.status, &get.body), (post.status, &post.body), "{path}");
    }
}

#[tokio::test]
async fn events_lists_has_one_row_per_show_with_zones_on_each_events_first_row() {
    let simulator = Simulator::new();
    let body = simulator.qtickets("lists").await.json();
    assert_eq!(body["status"], "success");
    let rows = body["result"].as_array().unwrap();
    let summary: Vec<(u64, u64, &str, &str, bool)> = rows
        .iter()
        .map(|row| {
            (
                row["event_id"].as_u64().unwrap(),
                row["show_id"].as_u64().unwrap(),
                row["event_name"].as_str().unwrap(),
                row["start_date"].as_str().unwrap(),
                row["scheme"].get("zones").is_some(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1001, 2001, "Щелкунчик", "2027-03-14T19:00:00+03:00", true),
            (1001, 2002, "Щелкунчик", "2027-03-15T12:00:00+03:00", false),
            (1002, 2003, "Хоккей: Адмирал — Авангард", "2027-02-05T19:30:00+10:00", true),
        ]
    );
    for row in rows {
        assert_fields(row, &["event_id", "show_id", "event_name", "start_date", "scheme", "city", "last_update_hash"]);
        let hash = row["last_update_hash"].as_str().unwrap();
        assert!(hash.len() == 40 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
        assert_fields(&row["city"], &["id", "name", "timezone", "coords"]);
    }
    assert_eq!(rows[0]["city"]["timezone"], "Europe/Moscow");
    assert_eq!(rows[2]["city"]["name"], "Владивосток");
    // Zones in `lists` carry seat ids only, as in the document.
    let first_zone = &rows[0]["scheme"]["zones"][0];
    assert_fields(first_zone, &["zone_id", "name", "seats"]);
    assert_eq!(first_zone["seats"][0], json!({"seat_id": "1-1;1"}));
}

#[tokio::test]
async fn seats_addressing_follows_the_document() {
    let simulator = Simulator::new();
    let cases = [
        ("seats/1001", Some("VALIDATION_ERROR")),
        ("seats/9999", Some("EVENT_NOT_FOUND")),
        ("seats/1001/2003", Some("EVENT_NOT_FOUND")),
        ("seats/1001/9999", Some("EVENT_NOT_FOUND")),
        ("seats/abc", Some("EVENT_NOT_FOUND")),
        ("seats/1001/2001", None),
        ("seats/1002", None),
        ("seats/1002/2003", None),
    ];
    for (path, expected_error) in cases {
        let reply = simulator.qtickets(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: QTickets errors are HTTP 200");
        let body = reply.json();
        match expected_error {
            Some(code) => {
                assert_eq!((body["status"].as_str(), body["code"].as_str()), (Some("error"), Some(code)), "{path}");
                assert!(body["message"].is_string());
            }
            None => assert!(body["zones"].is_array() || body["zones"].is_object(), "{path}: {body}"),
        }
    }
}

#[tokio::test]
async fn halls_have_the_promised_sizes() {
    let simulator = Simulator::new();
    // (show path, min numbered seats, min numbered zones, min distinct numbered prices, admission zone?)
    let cases =
        [("seats/1001/2001", 2000, 4, 4, true), ("seats/1001/2002", 2000, 4, 4, true), ("seats/1002/2003", 10_000, 6, 4, false)];
    for (path, min_seats, min_zones, min_prices, has_admission) in cases {
        let body = simulator.qtickets(path).await.json();
        let zones = zones_of(&body);
        let numbered: Vec<&Value> = zones.iter().flat_map(|(_, seats)| seats).filter(|seat| seat.get("row").is_some()).collect();
        let numbered_zones = zones.iter().filter(|(_, seats)| seats.iter().any(|seat| seat.get("row").is_some())).count();
        let prices: BTreeSet<String> = numbered.iter().map(|seat| seat["price"].to_string()).collect();
        let admission: Vec<&Value> = zones.iter().flat_map(|(_, seats)| seats).filter(|seat| seat["admission"] == true).collect();
        assert!(numbered.len() >= min_seats, "{path}: {} seats", numbered.len());
        assert!(numbered_zones >= min_zones, "{path}: {numbered_zones} zones");
        assert!(prices.len() >= min_prices, "{path}: prices {prices:?}");
        assert_eq!(!admission.is_empty(), has_admission, "{path}");
        for seat in admission {
            assert!(seat["free_quantity"].as_u64().unwrap() > 0, "{path}: {seat}");
            assert_eq!(seat["available"], true);
        }
        let seat_ids: BTreeSet<&str> =
            zones.iter().flat_map(|(_, seats)| seats).map(|s| s["seat_id"].as_str().unwrap()).collect();
        assert_eq!(seat_ids.len(), zones.iter().map(|(_, seats)| seats.len()).sum::<usize>(), "{path}: unique seat ids");
        let coords: BTreeSet<(i64, i64)> =
            numbered.iter().map(|seat| (seat["coords"][0].as_i64().unwrap(), seat["coords"][1].as_i64().unwrap())).collect();
        assert_eq!(coords.len(), numbered.len(), "{path}: no two seats share coordinates");
        assert!(coords.iter().all(|(x, y)| *x >= 0 && *y >= 0), "{path}: coordinates on canvas");
    }
}

#[tokio::test]
async fn about_a_tenth_of_seats_is_sold_and_the_same_every_run() {
    let first = Simulator::new();
    let second = Simulator::new();
    for path in ["seats/1001/2001", "seats/1001/2002", "seats/1002"] {
        let reply = first.qtickets(path).await;
        assert_eq!(reply.body, second.qtickets(path).await.body, "{path}: deterministic");
        let body = reply.json();
        let numbered: Vec<Value> =
            zones_of(&body).into_iter().flat_map(|(_, seats)| seats).filter(|seat| seat.get("row").is_some()).collect();
        let sold = numbered.iter().filter(|seat| seat["available"] == false).count();
        let share = sold as f64 / numbered.len() as f64;
        assert!((0.05..0.15).contains(&share), "{path}: {sold} of {} sold", numbered.len());
    }
}

#[tokio::test]
async fn seats_have_the_documented_fields_and_prices_may_be_fractional() {
    let simulator = Simulator::new();
    let body = simulator.qtickets("seats/1001/2001").await.json();
    assert_fields(&body, &["event_id", "show_id", "event_name", "start_date", "scheme", "city", "last_update_hash", "zones"]);
    assert_eq!((body["event_id"].as_u64(), body["show_id"].as_u64()), (Some(1001), Some(2001)));
    let zones = body["zones"].as_array().unwrap();
    let stalls_seat = &zones[0]["seats"][0];
    assert_fields(stalls_seat, &["seat_id", "available", "coords", "row", "place", "price", "currency_id"]);
    assert_eq!(stalls_seat["currency_id"], "RUB");
    assert!(stalls_seat["price"].is_u64(), "whole prices are JSON integers: {stalls_seat}");
    assert_eq!(zones[1]["seats"][0]["price"].as_f64(), Some(3500.5));
    let admission_zone = zones.iter().find(|zone| zone["zone_id"] == "tancevalnyj-parter").expect("slug zone id");
    assert_eq!(admission_zone["name"], "Танцевальный партер");
    assert_fields(
        &admission_zone["seats"][0],
        &["seat_id", "available", "coords", "free_quantity", "admission", "price", "currency_id"],
    );
    assert_eq!(admission_zone["seats"][0]["free_quantity"], 150);
    assert!(body["scheme"]["place_description"].is_string());
    // The document's example: a whole zone on sale at price 0.
    let supervip = zones.iter().find(|zone| zone["zone_id"] == 7).expect("the Supervip zone");
    assert_eq!(supervip["name"], "Supervip");
    let free_seats = supervip["seats"].as_array().unwrap();
    assert_eq!(free_seats.len(), 12);
    assert!(free_seats.iter().all(|seat| seat["available"] == true && seat["price"] == 0), "{supervip}");

    let hockey = simulator.qtickets("seats/1002").await.json();
    assert_eq!(hockey["scheme"]["place_description"], Value::Null, "quirk: null description");
    let zone_ids: Vec<&Value> = hockey["zones"].as_array().unwrap().iter().map(|zone| &zone["zone_id"]).collect();
    assert!(zone_ids.contains(&&json!(11)) && zone_ids.contains(&&json!("15")) && zone_ids.contains(&&json!("vip-lozhi")));
}

#[tokio::test]
async fn show_2002_answers_with_zones_and_seats_keyed_by_id_and_string_ids() {
    let simulator = Simulator::new();
    let body = simulator.qtickets("seats/1001/2002").await.json();
    assert_eq!((&body["event_id"], &body["show_id"]), (&json!("1001"), &json!("2002")));
    let zones = body["zones"].as_object().expect("zones keyed by zone id");
    assert_eq!(zones.len(), 7);
    for (zone_key, zone) in zones {
        assert_eq!(zone["zone_id"].as_str(), Some(zone_key.as_str()), "zone ids are strings in this form");
        let seats = zone["seats"].as_object().expect("seats keyed by id");
        assert!(!seats.is_empty());
        for (seat_key, seat) in seats {
            assert_eq!(seat["seat_id"].as_str().unwrap(), format!("{zone_key}-{seat_key}"));
        }
    }
    assert_eq!(zones["tancevalnyj-parter"]["seats"]["1;1"]["free_quantity"], 80);
    assert!(zones["tancevalnyj-parter"]["description"].is_string());
    // The scheme keeps the documented array form, and lists keeps numbers.
    assert!(body["scheme"]["zones"].is_array());
    let lists = simulator.qtickets("lists").await.json();
    assert_eq!(lists["result"][1]["event_id"], json!(1001));
    assert_eq!(lists["result"][1]["show_id"], json!(2002));
    // Other shows keep arrays.
    assert!(simulator.qtickets("seats/1001/2001").await.json()["zones"].is_array());
}

#[tokio::test]
async fn last_update_hash_changes_exactly_when_availability_changes() {
    let simulator = Simulator::new();
    let original: BTreeMap<u64, String> = [
        (2001, simulator.seats_hash(1001, 2001).await),
        (2002, simulator.seats_hash(1001, 2002).await),
        (2003, simulator.seats_hash(1002, 2003).await),
    ]
    .into();
    assert_eq!(original.values().collect::<BTreeSet<_>>().len(), 3, "every show has its own hash");

    // Stable across repeats, methods and endpoints.
    assert_eq!(simulator.seats_hash(1001, 2001).await, original[&2001]);
    let post = simulator.call(Method::POST, &format!("{QT}/seats/1001/2001"), Some(&qtickets_auth()), None).await;
    assert_eq!(post.json()["last_update_hash"], original[&2001].as_str());
    let lists = simulator.qtickets("lists").await.json();
    for row in lists["result"].as_array().unwrap() {
        assert_eq!(row["last_update_hash"], original[&row["show_id"].as_u64().unwrap()].as_str());
    }

    // Find a vacant seat and sell it behind the proxy's back.
    let body = simulator.qtickets("seats/1001/2001").await.json();
    let vacant_seat = zones_of(&body)
        .into_iter()
        .flat_map(|(_, seats)| seats)
        .find(|seat| seat["available"] == true && seat.get("row").is_some())
        .unwrap();
    let seat_id = vacant_seat["seat_id"].as_str().unwrap();
    let sold = simulator
        .admin(
            Method::POST,
            "sell",
            Some(json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": [seat_id]})),
        )
        .await;
    assert_eq!(sold.status, StatusCode::OK, "{}", String::from_utf8_lossy(&sold.body));
    let after_sale = simulator.seats_hash(1001, 2001).await;
    assert_ne!(after_sale, original[&2001]);
    assert_eq!(sold.json()["last_update_hash"], after_sale.as_str());
    assert_eq!(simulator.seats_hash(1001, 2002).await, original[&2002], "other shows untouched");
    assert_eq!(simulator.seats_hash(1002, 2003).await, original[&2003]);
    let seat_now = zones_of(&simulator.qtickets("seats/1001/2001").await.json())
        .into_iter()
        .flat_map(|(_, seats)| seats)
        .find(|seat| seat["seat_id"] == seat_id)
        .unwrap();
    assert_eq!(seat_now["available"], false);

    // Admission sales change free_quantity and so the hash.
    simulator
        .admin(Method::POST, "sell", Some(json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": ["tancevalnyj-parter-1;1", "tancevalnyj-parter-1;1"]})))
        .await;
    let after_admission = simulator.seats_hash(1001, 2001).await;
    assert_ne!(after_admission, after_sale);
    let admission = simulator.qtickets("seats/1001/2001").await.json();
    assert_eq!(zones_of(&admission)[5].1[0]["free_quantity"], 148);

    // Reset brings the seed — and its hash — back.
    simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(simulator.seats_hash(1001, 2001).await, original[&2001]);
}

#[tokio::test]
async fn sell_refuses_what_cannot_be_sold() {
    let simulator = Simulator::new();
    let body = simulator.qtickets("seats/1001/2001").await.json();
    let sold_seat = zones_of(&body).into_iter().flat_map(|(_, seats)| seats).find(|seat| seat["available"] == false).unwrap()
        ["seat_id"]
        .clone();
    let cases = [
        (json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": [sold_seat]}), StatusCode::CONFLICT),
        (
            json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": ["1-1;1", "1-1;1"]}),
            StatusCode::CONFLICT,
        ),
        (json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": ["99-1;1"]}), StatusCode::NOT_FOUND),
        (json!({"provider": "qtickets", "event_id": 1001, "show_id": 2003, "seat_ids": ["1-1;1"]}), StatusCode::NOT_FOUND),
        (json!({"provider": "qtickets", "event_id": 1001, "seat_ids": ["1-1;1"]}), StatusCode::BAD_REQUEST),
        (json!({"provider": "qtickets", "event_id": 1001, "show_id": 2001, "seat_ids": []}), StatusCode::BAD_REQUEST),
        (
            json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID, "ticket_ids": ["000000000000000000000000"]}),
            StatusCode::NOT_FOUND,
        ),
        (json!({"provider": "ticketscloud", "event_id": "nope", "ticket_ids": ["x"]}), StatusCode::NOT_FOUND),
        (
            json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID, "set_id": SWAN_LAKE_GENERAL_ADMISSION_SET_ID, "quantity": 74}),
            StatusCode::CONFLICT,
        ),
        (json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID}), StatusCode::BAD_REQUEST),
        (json!({"provider": "kassir"}), StatusCode::BAD_REQUEST),
    ];
    let hash_before = simulator.seats_hash(1001, 2001).await;
    for (request, expected_status) in cases {
        let reply = simulator.admin(Method::POST, "sell", Some(request.clone())).await;
        assert_eq!(reply.status, expected_status, "{request}: {}", String::from_utf8_lossy(&reply.body));
        assert!(reply.json()["error"].is_string());
    }
    assert_eq!(simulator.seats_hash(1001, 2001).await, hash_before, "refused sales change nothing");
}

// --------------------------------------------------------- TicketsCloud ----

#[tokio::test]
async fn simple_events_pages_as_documented() {
    let simulator = Simulator::new();
    let both = [SWAN_LAKE_EVENT_ID, JAZZ_EVENING_EVENT_ID];
    let cases: [(&str, &[&str]); 7] = [
        ("", &both),
        ("?page_size=1", &[SWAN_LAKE_EVENT_ID]),
        ("?page=1&page_size=1", &[SWAN_LAKE_EVENT_ID]),
        ("?page=2&page_size=1", &[JAZZ_EVENING_EVENT_ID]),
        ("?page=3&page_size=1", &[]),
        ("?page=1&page_size=50", &both),
        ("?page=1", &both),
    ];
    for (query, expected_ids) in cases {
        let reply = simulator.ticketscloud(&format!("{TC_EVENTS}{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        let ids: Vec<String> = reply.json().as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids, expected_ids, "{query}");
    }
    for query in ["?page=0", "?page_size=0", "?page=x&page_size=2"] {
        let reply = simulator.ticketscloud(&format!("{TC_EVENTS}{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.json()["errors"][0].is_string());
    }
}

#[tokio::test]
async fn simple_events_have_the_documented_shape_and_consistent_counters() {
    let simulator = Simulator::new();
    let events = simulator.ticketscloud(TC_EVENTS).await.json();
    let swan_lake = &events[0];
    assert_eq!(swan_lake["title"]["text"], "Лебединое озеро");
    assert_eq!(swan_lake["status"], "public");
    assert_eq!(
        swan_lake["lifetime"],
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:20270415T160000Z\r\nDTEND;VALUE=DATE-TIME:20270415T190000Z\r\nEND:VEVENT\r\n"
    );
    assert_eq!(swan_lake["venue"]["name"], "Мариинский театр");
    assert_eq!(swan_lake["venue"]["city"]["name"]["ru"], "Санкт-Петербург");
    assert_eq!(swan_lake["venue"]["city"]["timezone"], "Europe/Moscow");
    assert_eq!(events[1]["venue"]["city"]["timezone"], "Asia/Novosibirsk");
    for field in [
        "id",
        "created_at",
        "updated_at",
        "lifetime",
        "status",
        "title",
        "venue",
        "sets",
        "tickets_amount",
        "tickets_amount_vacant",
        "deal",
        "org",
        "partner",
        "media",
        "tags",
        "age_rating",
    ] {
        assert!(swan_lake.get(field).is_some(), "missing {field}");
    }

    // Counters agree with the ticket list (seated sets) and add up.
    let all_tickets =
        simulator.ticketscloud(&format!("{}?status=vacant,reserved,sold,pending", tc_tickets(SWAN_LAKE_EVENT_ID))).await.json();
    let sets = swan_lake["sets"].as_array().unwrap();
    let mut amount_sum = 0;
    let mut vacant_sum = 0;
    for set in sets {
        let money = |field: &str| set[field].as_str().unwrap().to_owned();
        for field in ["price", "price_org", "price_extra"] {
            let text = money(field);
            let (roubles, kopecks) = text.split_once('.').unwrap();
            assert!(roubles.parse::<u64>().is_ok() && kopecks.len() == 2, "{field} {text}");
        }
        amount_sum += set["amount"].as_u64().unwrap();
        vacant_sum += set["amount_vacant"].as_u64().unwrap();
        if set["with_seats"] == true {
            let tickets_of_set: Vec<&Value> = all_tickets.as_array().unwrap().iter().filter(|t| t["set"] == set["id"]).collect();
            assert_eq!(tickets_of_set.len() as u64, set["amount"].as_u64().unwrap());
            let vacant = tickets_of_set.iter().filter(|t| t["status"] == "vacant").count() as u64;
            assert_eq!(vacant, set["amount_vacant"].as_u64().unwrap());
            assert!(set["sector"].as_str().unwrap().len() == 24);
            let seat_count: usize =
                set["seats"].as_object().unwrap().values().map(|numbers| numbers.as_array().unwrap().len()).sum();
            assert_eq!(seat_count as u64, set["amount"].as_u64().unwrap());
        } else {
            assert_eq!((&set["seats"], &set["sector"]), (&Value::Null, &Value::Null));
        }
    }
    assert_eq!(swan_lake["tickets_amount"].as_u64(), Some(amount_sum));
    assert_eq!(swan_lake["tickets_amount_vacant"].as_u64(), Some(vacant_sum));
    let general_admission = sets.iter().find(|set| set["id"] == SWAN_LAKE_GENERAL_ADMISSION_SET_ID).unwrap();
    assert_eq!((general_admission["amount"].as_u64(), general_admission["amount_vacant"].as_u64()), (Some(100), Some(73)));
    let seated_sectors: BTreeSet<&str> = sets.iter().filter_map(|set| set["sector"].as_str()).collect();
    assert_eq!(seated_sectors, [SWAN_LAKE_PARTERRE_SECTOR_ID, SWAN_LAKE_BELETAGE_SECTOR_ID].into());
    assert!((250..=350).contains(&all_tickets.as_array().unwrap().len()));

    let jazz_sets = events[1]["sets"].as_array().unwrap();
    assert_eq!(jazz_sets.len(), 1);
    assert_eq!(jazz_sets[0]["with_seats"], false);
    let jazz_tickets = simulator.ticketscloud(&tc_tickets(JAZZ_EVENING_EVENT_ID)).await.json();
    assert_eq!(jazz_tickets, json!([]), "general admission is not listed by /tickets");
}

#[tokio::test]
async fn event_tickets_filter_by_status_and_sector_lists() {
    let simulator = Simulator::new();
    let every =
        simulator.ticketscloud(&format!("{}?status=vacant,reserved,sold,pending", tc_tickets(SWAN_LAKE_EVENT_ID))).await.json();
    let every = every.as_array().unwrap();
    let statuses: BTreeSet<&str> = every.iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pending", "reserved", "sold", "vacant"].into(), "the seed has every status");
    assert_fields(&every[0], &["id", "number", "reserved_till", "seat", "serial", "set", "status"]);
    assert!(every.iter().filter(|t| t["status"] == "reserved").all(|t| t["reserved_till"].is_string()));
    assert!(every.iter().filter(|t| t["status"] != "reserved").all(|t| t["reserved_till"].is_null()));

    let parterre = SWAN_LAKE_PARTERRE_SECTOR_ID;
    let beletage = SWAN_LAKE_BELETAGE_SECTOR_ID;
    let cases: Vec<(String, Vec<&str>, Vec<&str>)> = vec![
        (String::new(), vec!["vacant", "reserved", "sold"], vec![]),
        ("status=vacant".into(), vec!["vacant"], vec![]),
        ("status=vacant,reserved".into(), vec!["vacant", "reserved"], vec![]),
        ("status=vacant&status=sold".into(), vec!["vacant", "sold"], vec![]),
        ("status=pending".into(), vec!["pending"], vec![]),
        (format!("sector={beletage}"), vec!["vacant", "reserved", "sold"], vec![beletage]),
        (format!("status=sold&sector={parterre}"), vec!["sold"], vec![parterre]),
        (format!("sector={parterre},{beletage}"), vec!["vacant", "reserved", "sold"], vec![parterre, beletage]),
        ("sector=000000000000000000000000".into(), vec!["vacant", "reserved", "sold"], vec!["000000000000000000000000"]),
    ];
    for (query, wanted_statuses, wanted_sectors) in cases {
        let expected: Vec<&Value> = every
            .iter()
            .filter(|t| wanted_statuses.contains(&t["status"].as_str().unwrap()))
            .filter(|t| wanted_sectors.is_empty() || wanted_sectors.contains(&t["seat"]["sector"].as_str().unwrap()))
            .collect();
        let reply = simulator.ticketscloud(&format!("{}?{query}", tc_tickets(SWAN_LAKE_EVENT_ID))).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        let got = reply.json();
        assert_eq!(got.as_array().unwrap().iter().collect::<Vec<_>>(), expected, "{query}");
    }
}

#[tokio::test]
async fn ticketscloud_errors_are_400_with_an_errors_list() {
    let simulator = Simulator::new();
    let cases = [
        (tc_tickets("5f1a0c0e2b3c4d5e6f700000"), json!({"errors": ["Event 5f1a0c0e2b3c4d5e6f700000 not found"]})),
        (
            format!("{}?status=gone", tc_tickets(SWAN_LAKE_EVENT_ID)),
            json!({"errors": ["Unknown ticket status gone; expected vacant, reserved, sold or pending"]}),
        ),
        (format!("{TC_EVENTS}?page=-1"), json!({"errors": ["page must be a positive integer"]})),
    ];
    for (uri, expected) in cases {
        let reply = simulator.ticketscloud(&uri).await;
        assert_eq!((reply.status, reply.json()), (StatusCode::BAD_REQUEST, expected), "{uri}");
    }
}

#[tokio::test]
async fn selling_ticketscloud_tickets_shows_in_listings_and_counters() {
    let simulator = Simulator::new();
    let vacant: Vec<String> = simulator
        .ticketscloud(&format!("{}?status=vacant&sector={SWAN_LAKE_BELETAGE_SECTOR_ID}", tc_tickets(SWAN_LAKE_EVENT_ID)))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let vacant_of = |events: &Value, set_id: &str| {
        events[0]["sets"].as_array().unwrap().iter().find(|set| set["id"] == set_id).unwrap()["amount_vacant"].as_u64().unwrap()
    };
    let before = simulator.ticketscloud(TC_EVENTS).await.json();
    let reply = simulator
        .admin(
            Method::POST,
            "sell",
            Some(json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID, "ticket_ids": vacant})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = simulator
        .admin(Method::POST, "sell", Some(json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID, "set_id": SWAN_LAKE_GENERAL_ADMISSION_SET_ID, "quantity": 3})))
        .await;
    assert_eq!(reply.json()["sold"].as_array().unwrap().len(), 3);
    let after = simulator.ticketscloud(TC_EVENTS).await.json();
    assert_eq!(vacant_of(&after, SWAN_LAKE_BELETAGE_SET_ID), vacant_of(&before, SWAN_LAKE_BELETAGE_SET_ID) - 2);
    assert_eq!(vacant_of(&after, SWAN_LAKE_GENERAL_ADMISSION_SET_ID), 70);
    assert_eq!(after[0]["tickets_amount_vacant"].as_u64().unwrap(), before[0]["tickets_amount_vacant"].as_u64().unwrap() - 5);
    let sold_now = simulator.ticketscloud(&format!("{}?status=sold", tc_tickets(SWAN_LAKE_EVENT_ID))).await.json();
    for id in &vacant {
        assert!(sold_now.as_array().unwrap().iter().any(|t| t["id"] == id.as_str()), "{id} sold");
    }
    let again = simulator
        .admin(
            Method::POST,
            "sell",
            Some(json!({"provider": "ticketscloud", "event_id": SWAN_LAKE_EVENT_ID, "ticket_ids": [vacant[0]]})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

// -------------------------------------------------------------- faults ----

fn upstream_calls() -> [(&'static str, String, String); 4] {
    [
        ("qtickets.events_lists", format!("{QT}/lists"), qtickets_auth()),
        ("qtickets.seats", format!("{QT}/seats/1001/2001"), qtickets_auth()),
        ("ticketscloud.events", TC_EVENTS.to_owned(), ticketscloud_auth()),
        ("ticketscloud.tickets", tc_tickets(SWAN_LAKE_EVENT_ID), ticketscloud_auth()),
    ]
}

#[tokio::test]
async fn each_fault_kind_breaks_each_route_as_described() {
    let simulator = Simulator::new();
    for (route, uri, authorization) in upstream_calls() {
        for kind in ["unavailable", "too_many_requests", "malformed_json", "html_error"] {
            let added = simulator.admin(Method::POST, "faults", Some(json!({"route": route, "kind": kind}))).await;
            assert_eq!(added.status, StatusCode::OK);
            let reply = simulator.call(Method::GET, &uri, Some(&authorization), None).await;
            match kind {
                "unavailable" => {
                    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{route}");
                    assert!(!reply.body.is_empty() && reply.body.len() < 200);
                }
                "too_many_requests" => {
                    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{route}");
                    assert_eq!(reply.retry_after.as_deref(), Some("1"), "{route}");
                    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
                    assert!(reply.body.len() < 200, "{route}: a small body");
                    let body = reply.json();
                    if route.starts_with("qtickets") {
                        assert_eq!(body["code"], "TOO_MANY_REQUESTS", "{route}");
                    } else {
                        assert!(body["errors"].is_array(), "{route}");
                    }
                }
                "malformed_json" => {
                    assert_eq!(reply.status, StatusCode::OK, "{route}");
                    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
                    assert!(serde_json::from_slice::<Value>(&reply.body).is_err(), "{route}: body must not parse");
                    assert!(matches!(reply.body.first(), Some(b'{' | b'[')), "{route}: looks like JSON");
                }
                "html_error" => {
                    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{route}");
                    assert_eq!(reply.content_type.as_deref(), Some("text/html"));
                    assert!(String::from_utf8_lossy(&reply.body).contains("<h1>502 Bad Gateway</h1>"));
                }
                _ => unreachable!(),
            }
            // Other routes are unaffected.
            for (other_route, other_uri, other_authorization) in upstream_calls() {
                if other_route != route {
                    let other = simulator.call(Method::GET, &other_uri, Some(&other_authorization), None).await;
                    assert_eq!(other.status, StatusCode::OK, "{kind} on {route} leaked to {other_route}");
                    other.json();
                }
            }
            assert_eq!(simulator.admin(Method::DELETE, "faults", None).await.status, StatusCode::OK);
            let healed = simulator.call(Method::GET, &uri, Some(&authorization), None).await;
            assert_eq!(healed.status, StatusCode::OK, "{route} after clearing");
            healed.json();
        }
    }
}

#[tokio::test(start_paused = true)]
async fn latency_fault_delays_then_answers_normally() {
    let simulator = Simulator::new();
    simulator
        .admin(
            Method::POST,
            "faults",
            Some(json!({"route": "qtickets.seats", "kind": "latency", "latency_ms": 3000, "count": 1})),
        )
        .await;
    let started = tokio::time::Instant::now();
    let slow = simulator.qtickets("seats/1001/2001").await;
    assert!(started.elapsed() >= Duration::from_millis(3000), "{:?}", started.elapsed());
    assert_eq!(slow.json()["show_id"], 2001);
    let started = tokio::time::Instant::now();
    simulator.qtickets("seats/1001/2001").await;
    assert!(started.elapsed() < Duration::from_millis(3000), "count 1: only the first request is slow");
}

#[tokio::test]
async fn faults_wear_out_match_every_route_and_precede_auth() {
    let simulator = Simulator::new();
    let added = simulator.admin(Method::POST, "faults", Some(json!({"route": "*", "kind": "unavailable", "count": 2}))).await;
    assert_eq!(added.json(), json!([{"route": "*", "kind": "unavailable", "remaining": 2}]));
    let unauthorized = simulator.call(Method::GET, &format!("{QT}/lists"), None, None).await;
    assert_eq!(unauthorized.status, StatusCode::SERVICE_UNAVAILABLE, "a broken upstream fails whatever the key");
    assert_eq!(unauthorized.json()["code"], "UNKNOWN_ERROR");
    let tickets = simulator.ticketscloud(TC_EVENTS).await;
    assert_eq!(tickets.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(tickets.json()["errors"].is_array());
    assert_eq!(simulator.ticketscloud(TC_EVENTS).await.status, StatusCode::OK, "count 2 used up");
    assert_eq!(simulator.admin(Method::GET, "faults", None).await.json(), json!([]));

    for bad in [
        json!({"route": "qtickets.orders", "kind": "unavailable"}),
        json!({"route": "*", "kind": "latency"}),
        json!({"route": "*", "kind": "slow"}),
        json!({"route": "*", "kind": "unavailable", "count": 0}),
        json!({"kind": "unavailable"}),
    ] {
        let reply = simulator.admin(Method::POST, "faults", Some(bad.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

// ---------------------------------------------------- log, state, reset ----

#[tokio::test]
async fn request_log_records_upstream_calls_only() {
    let simulator = Simulator::new();
    simulator.qtickets("lists").await;
    simulator.call(Method::POST, &format!("{QT}/seats/1002"), Some("Bearer wrong"), None).await;
    simulator.ticketscloud(&format!("{}?status=vacant", tc_tickets(SWAN_LAKE_EVENT_ID))).await;
    simulator.admin(Method::GET, "state", None).await;
    let log = simulator.admin(Method::GET, "requests", None).await.json();
    assert_eq!(
        log,
        json!([
            {"provider": "qtickets", "method": "GET", "path": "/qtickets/api/partners/v1/events/lists", "query": null, "authorized": true},
            {"provider": "qtickets", "method": "POST", "path": "/qtickets/api/partners/v1/events/seats/1002", "query": null, "authorized": false},
            {"provider": "ticketscloud", "method": "GET", "path": tc_tickets(SWAN_LAKE_EVENT_ID), "query": "status=vacant", "authorized": true},
        ])
    );
    assert!(!String::from_utf8_lossy(&simulator.admin(Method::GET, "requests", None).await.body).contains(DEFAULT_QTICKETS_KEY));
    simulator.admin(Method::DELETE, "requests", None).await;
    assert_eq!(simulator.admin(Method::GET, "requests", None).await.json(), json!([]));
}

#[tokio::test]
async fn state_summary_counts_seats_and_tickets() {
    let simulator = Simulator::new();
    let state = simulator.admin(Method::GET, "state", None).await.json();
    let shows = state["qtickets"].as_array().unwrap();
    assert_eq!(shows.len(), 3);
    for show in shows {
        let total = show["seats_total"].as_u64().unwrap();
        let parts = ["seats_vacant", "seats_reserved", "seats_sold"].iter().map(|k| show[k].as_u64().unwrap()).sum::<u64>();
        assert_eq!(total, parts);
        let hash = simulator.seats_hash(show["event_id"].as_u64().unwrap(), show["show_id"].as_u64().unwrap()).await;
        assert_eq!(show["last_update_hash"], hash.as_str());
    }
    assert_eq!(shows[0]["admission"], json!([{"seat_id": "tancevalnyj-parter-1;1", "free_quantity": 150}]));
    assert!(shows[2]["seats_total"].as_u64().unwrap() >= 10_000);
    let swan_lake = &state["ticketscloud"][0];
    assert_eq!(swan_lake["event_id"], SWAN_LAKE_EVENT_ID);
    let by_status = swan_lake["tickets_by_status"].as_object().unwrap();
    assert_eq!(by_status.values().map(|n| n.as_u64().unwrap()).sum::<u64>(), 400, "300 seated + 100 general admission");
}

#[tokio::test]
async fn reset_restores_seed_and_clears_faults_and_log() {
    let simulator = Simulator::new();
    let pristine = simulator.admin(Method::GET, "state", None).await.json();
    simulator
        .admin(
            Method::POST,
            "sell",
            Some(json!({"provider": "qtickets", "event_id": 1002, "seat_ids": ["11-1;1", "vip-lozhi-1;1"]})),
        )
        .await;
    simulator
        .admin(Method::POST, "sell", Some(json!({"provider": "ticketscloud", "event_id": JAZZ_EVENING_EVENT_ID, "set_id": JAZZ_GENERAL_ADMISSION_SET_ID, "quantity": 10})))
        .await;
    simulator.admin(Method::POST, "faults", Some(json!({"route": "ticketscloud.tickets", "kind": "html_error"}))).await;
    simulator.qtickets("lists").await;
    assert_ne!(simulator.admin(Method::GET, "state", None).await.json(), pristine);

    let reset = simulator.admin(Method::POST, "reset", None).await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(simulator.admin(Method::GET, "state", None).await.json(), pristine);
    assert_eq!(simulator.admin(Method::GET, "requests", None).await.json(), json!([]));
    assert_eq!(simulator.ticketscloud(&tc_tickets(SWAN_LAKE_EVENT_ID)).await.status, StatusCode::OK);
    // Keys survive a reset.
    assert_eq!(simulator.qtickets("lists").await.json()["status"], "success");
}

// ------------------------------------------------------------ binary ----

#[test]
fn binary_prints_its_address_and_serves() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_upstream-sim"))
        .args(["--listen", "127.0.0.1:0", "--qtickets-key", "binary-test-key"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    let address = first_line
        .trim_end()
        .strip_prefix("upstream-sim listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
        .to_owned();

    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /qtickets/api/partners/v1/events/lists HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer binary-test-key\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{}", &response[..80.min(response.len())]);
    assert!(response.contains(r#""status":"success""#), "the key from --qtickets-key is the one checked");
}
