//! The OpenAPI document against the running proxy (under `wrangler dev`, with
//! the simulator): the proxy serves exactly `contract/openapi.json`, and real
//! answers — documents, a hold from create to confirm, refusals of every kind —
//! have a status the document lists for their route, a body that matches that
//! status's schema, and the headers it promises (`X-Request-Id` on all).
//! The checks themselves are `integration_tests::openapi`, unit-tested natively.

use integration_tests::openapi::{assert_documented, document};
use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{availability_bits, Availability, Hold, HoldState, Layout};

const TC_SEATED: &str = "tc:5f1a0c0e2b3c4d5e6f708192";
const TC_SEATED_SHOW: &str = "5f1a0c0e2b3c4d5e6f708192";
/// The matinee of «Щелкунчик»: no other test holds seats in it.
const QT_EVENT: &str = "qt:1001";
const QT_MATINEE: &str = "2002";

/// A call with exactly these headers, checked against the document.
fn documented(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let reply = proxy_call(method, path, headers, body.map(str::as_bytes));
    assert_documented(method, path, &reply);
    reply
}

/// A widget's call (demo key, partner origin), checked against the document.
fn widget(method: &str, path: &str, body: Option<Value>) -> Reply {
    let body = body.map(|body| body.to_string());
    let reply = widget_call(method, path, body.as_deref());
    assert_documented(method, path, &reply);
    reply
}

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn assert_refused(reply: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!((reply.status, reply.error_code().as_str()), (status, code), "{what}: {}", reply.body);
}

#[test]
fn the_proxy_serves_this_document() {
    let reply = documented("GET", "/v1/openapi.json", &[], None);
    assert_eq!(reply.status, 200, "{}", &reply.body[..reply.body.len().min(300)]);
    assert!(reply.header("Content-Type").unwrap_or_default().starts_with("application/json"), "{:?}", reply.headers);
    assert!(reply.json() == *document(), "/v1/openapi.json is contract/openapi.json");
    // The docs page loads it from the proxy's own origin; a partner's page may too.
    let from_a_page = documented("GET", "/v1/openapi.json", &[("Origin", PARTNER_ORIGIN)], None);
    assert_eq!(from_a_page.status, 200);
    assert_eq!(documented("GET", "/healthz", &[], None).json(), json!({"status": "ok"}));
}

#[test]
fn documents_of_both_providers_match_their_schemas() {
    let _stack = exclusive_stack();
    let events = widget("GET", "/v1/events", None);
    assert_eq!(events.status, 200, "{}", events.body);
    let ids: Vec<&str> = events.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["id"].as_str().unwrap())
        .map(|id| if id.starts_with("qt:") { "qt" } else { "tc" })
        .collect();
    assert!(ids.contains(&"qt") && ids.contains(&"tc"), "events of both providers: {ids:?}");

    for (event, show) in [("qt:1001", "2001"), (TC_SEATED, TC_SEATED_SHOW)] {
        for document in ["layout", "availability", "paint"] {
            let path = format!("/v1/events/{event}/shows/{show}/{document}");
            let first = widget("GET", &path, None);
            assert_eq!(first.status, 200, "{path}: {}", first.body);
            // The document's ETag gives a 304 with the documented headers
            // (availability may change between two reads: then the newer
            // document's ETag is the one to match).
            let mut etag = first.header("ETag").unwrap().to_owned();
            let mut again = first;
            for _ in 0..3 {
                let headers = [("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN), ("If-None-Match", etag.as_str())];
                again = documented("GET", &path, &headers, None);
                match again.header("ETag") {
                    Some(newer) if again.status == 200 && newer != etag => etag = newer.to_owned(),
                    _ => break,
                }
            }
            assert_eq!(again.status, 304, "{path} with If-None-Match: {}", again.body);
        }
    }
}

#[test]
fn a_hold_from_create_to_confirm_matches_its_schemas() {
    let _stack = exclusive_stack();
    let layout_reply = widget("GET", &format!("/v1/events/{QT_EVENT}/shows/{QT_MATINEE}/layout"), None);
    let layout: Layout = serde_json::from_str(&layout_reply.body).unwrap();
    let availability_reply = widget("GET", &format!("/v1/events/{QT_EVENT}/shows/{QT_MATINEE}/availability"), None);
    let availability: Availability = serde_json::from_str(&availability_reply.body).unwrap();
    let on_sale = availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap();
    let seats: Vec<String> = layout
        .seats
        .iter()
        .zip(on_sale)
        .filter(|(_, on_sale)| *on_sale)
        .skip(500)
        .take(3)
        .map(|(seat, _)| seat.id.clone())
        .collect();
    assert_eq!(seats.len(), 3, "seats on sale in the matinee");
    let admission = availability
        .admissions
        .iter()
        .find(|entry| entry.quantity_left >= 1)
        .map(|entry| entry.id.clone())
        .expect("a general-admission entry with places left");

    // Create (two seats and one standing place) → read → buyer → confirm.
    let body = json!({"event": QT_EVENT, "show": QT_MATINEE, "seats": &seats[..2], "admission": {admission.as_str(): 1}});
    let created = widget("POST", "/v1/holds", Some(body));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    let hold_path = format!("/v1/holds/{}", hold.id);
    assert_eq!(hold_of(&widget("GET", &hold_path, None)).state, HoldState::Held);
    let buyer = json!({"buyer": {"name": "Анна Иванова", "email": "anna@example.ru", "phone": "8 (916) 123-45-67"}});
    let changed = widget("PATCH", &hold_path, Some(buyer));
    assert_eq!(changed.status, 200, "{}", changed.body);
    let confirmed =
        documented("POST", &format!("{hold_path}/confirm"), &[("Authorization", &format!("Bearer {DEMO_SECRET_KEY}"))], Some(""));
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert_eq!((paid.state, paid.tickets.len()), (HoldState::Confirmed, 3), "{}", confirmed.body);
    assert_eq!(hold_of(&widget("GET", &hold_path, None)).state, HoldState::Confirmed);
    assert_refused(&widget("DELETE", &hold_path, None), 409, "hold_not_active", "release after confirm");

    // A seat someone holds: 409 naming it; the beacon release (a page going
    // away) keeps it through a grace; a DELETE gives it back.
    let first = widget("POST", "/v1/holds", Some(json!({"event": QT_EVENT, "show": QT_MATINEE, "seats": [&seats[2]]})));
    assert_eq!(first.status, 201, "{}", first.body);
    let first = hold_of(&first);
    let second = widget("POST", "/v1/holds", Some(json!({"event": QT_EVENT, "show": QT_MATINEE, "seats": [&seats[2]]})));
    assert_refused(&second, 409, "seat_unavailable", "the same seat twice");
    assert_eq!(second.json()["error"]["unavailable"], json!([seats[2]]));
    let beacon = format!("/v1/holds/{}/release?partner={DEMO_PARTNER_KEY}", first.id);
    let released = documented("POST", &beacon, &[("Content-Type", "text/plain;charset=UTF-8")], Some(""));
    assert_eq!((released.status, hold_of(&released).state), (200, HoldState::Held), "{}", released.body);
    let deleted = widget("DELETE", &format!("/v1/holds/{}", first.id), None);
    assert_eq!((deleted.status, hold_of(&deleted).state), (200, HoldState::Released), "{}", deleted.body);
    let again = widget("DELETE", &format!("/v1/holds/{}", first.id), None);
    assert_refused(&again, 409, "hold_not_active", "release of a released hold");
}

#[test]
fn refusals_match_the_error_schema_of_their_route_and_status() {
    let _stack = exclusive_stack();
    let demo = [("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)];
    let revoked = [("X-Partner-Key", REVOKED_PARTNER_KEY)];
    let unknown = [("X-Partner-Key", "pk_nobody_0000000000000000")];
    let foreign = [("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", FOREIGN_ORIGIN)];
    let narrow = [("X-Partner-Key", NARROW_PARTNER_KEY), ("Origin", NARROW_ORIGIN)];
    let public_as_bearer = format!("Bearer {DEMO_PARTNER_KEY}");
    let public_key_on_confirm = [("Authorization", public_as_bearer.as_str())];
    let confirm_unknown = format!("/v1/holds/{UNKNOWN_HOLD_ID}/confirm");
    let unknown_hold = format!("/v1/holds/{UNKNOWN_HOLD_ID}");
    let refund_unknown = format!("/v1/holds/{UNKNOWN_HOLD_ID}/refund");
    let extra_field = json!({"event": "qt:1001", "show": "2001", "seats": ["1-1;1"], "price": 1}).to_string();
    let tc_other_show = format!("/v1/events/{TC_SEATED}/shows/5f1a0c0e2b3c4d5e6f708193/layout");
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], Option<&'a str>, u16, &'a str);
    let cases: Vec<Case<'_>> = vec![
        ("GET", "/v1/events/qt:0123/shows/2001/layout", &demo, None, 400, "invalid_id"),
        ("GET", "/v1/events/qt:1001/shows/20x1/availability", &demo, None, 400, "invalid_id"),
        ("GET", "/v1/holds/not-a-hold", &demo, None, 400, "invalid_id"),
        ("GET", "/v1/events?page=2", &demo, None, 400, "invalid_parameter"),
        ("POST", "/v1/holds", &demo, Some(extra_field.as_str()), 400, "invalid_body"),
        ("POST", "/v1/holds", &demo, Some("not json"), 400, "invalid_body"),
        ("GET", "/v1/events", &[], None, 401, "partner_key_missing"),
        ("GET", "/v1/events", &unknown, None, 401, "partner_key_unknown"),
        ("GET", "/v1/events", &revoked, None, 401, "partner_key_revoked"),
        ("POST", &confirm_unknown, &[], Some(""), 401, "secret_key_required"),
        ("POST", &confirm_unknown, &public_key_on_confirm, Some(""), 403, "public_key_not_allowed"),
        // No secret key is 401, as documented, even with a public key beside it.
        ("POST", &confirm_unknown, &[("X-Partner-Key", DEMO_PARTNER_KEY)], Some(""), 401, "secret_key_required"),
        ("POST", &refund_unknown, &[("X-Partner-Key", DEMO_PARTNER_KEY)], Some(""), 401, "secret_key_required"),
        ("GET", "/v1/events", &foreign, None, 403, "origin_not_allowed"),
        ("GET", "/v1/events/qt:1002/shows/2003/layout", &narrow, None, 403, "event_not_allowed"),
        ("GET", &unknown_hold, &demo, None, 404, "hold_not_found"),
        ("GET", &tc_other_show, &demo, None, 404, "show_not_found"),
        ("GET", "/v1/events/qt:1001/shows/2001/tickets", &demo, None, 404, "not_found"),
        ("PUT", "/v1/holds", &demo, Some("{}"), 405, "method_not_allowed"),
    ];
    for (method, path, headers, body, status, code) in cases {
        let reply = documented(method, path, headers, body);
        assert_refused(&reply, status, code, &format!("{method} {path}"));
    }
}

#[test]
fn rate_limited_answers_match_their_schema() {
    let ip = unique_client_ip();
    let headers = widget_headers(LIMITED_PARTNER_KEY, PARTNER_ORIGIN, &ip);
    let mut statuses = Vec::new();
    for _ in 0..(4 * LIMITED_READS) {
        let reply = documented("GET", "/v1/events", &headers, None);
        statuses.push(reply.status);
        if reply.status == 429 {
            assert_eq!(reply.error_code(), "rate_limited");
            return;
        }
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    panic!("never limited: {statuses:?}");
}

#[test]
fn a_request_id_is_echoed_on_answers_and_refusals() {
    let id = "partner-42.req:0001";
    for (path, status) in [("/v1/events", 200), ("/v1/holds/not-a-hold", 400)] {
        let reply = documented("GET", path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("X-Request-Id", id)], None);
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert_eq!(reply.header("X-Request-Id"), Some(id), "{path}: echoed");
    }
    let unusable =
        documented("GET", "/v1/events", &[("X-Partner-Key", DEMO_PARTNER_KEY), ("X-Request-Id", "no spaces allowed")], None);
    let made = unusable.header("X-Request-Id").unwrap_or_default();
    assert!(!made.is_empty() && made != "no spaces allowed", "a new id instead of an unusable one: {made:?}");
    // Empty or too long: replaced too, never refused (the document says so).
    for sent in [String::new(), "a".repeat(129)] {
        let reply = documented("GET", "/v1/events", &[("X-Partner-Key", DEMO_PARTNER_KEY), ("X-Request-Id", &sent)], None);
        assert_eq!(reply.status, 200, "X-Request-Id {sent:?}: {}", reply.body);
        let made = reply.header("X-Request-Id").unwrap_or_default();
        assert!(!made.is_empty() && made.len() <= 128 && made != sent, "a new id instead of {sent:?}: {made:?}");
    }
}

#[test]
fn percent_encoded_ids_are_decoded_once_then_checked() {
    // What `encodeURIComponent("qt:1001")` gives a partner's JavaScript.
    let plain = widget("GET", "/v1/events/qt:1001/shows/2001/layout", None);
    let encoded = widget("GET", "/v1/events/qt%3A1001/shows/2001/layout", None);
    assert_eq!((plain.status, encoded.status), (200, 200), "{}", encoded.body);
    assert_eq!(encoded.json(), plain.json(), "the same layout");
    let paint = widget("GET", "/v1/events/qt%3a1001/shows/%32001/paint", None);
    assert_eq!(paint.status, 200, "{}", paint.body);
    for path in [
        // Decoded once: `%253A` is `%3A`, not `:`.
        "/v1/events/qt%253A1001/shows/2001/layout",
        // Separators and controls stay inside their segment, and are refused with it.
        "/v1/events/qt%3A1001%2F..%2F/shows/2001/layout",
        "/v1/events/qt%3A1001/shows/2001%2F..%2F..%2Fadmin/availability",
        "/v1/events/qt%3A1001/shows/2001%3F/layout",
        "/v1/events/qt%3A1001/shows/2001%0A/layout",
        "/v1/events/qt%3A1001/shows/2001%00/layout",
        "/v1/events/qt%3A10%zz01/shows/2001/layout",
    ] {
        assert_refused(&widget("GET", path, None), 400, "invalid_id", path);
    }
    let hold = format!("/v1/holds/{}%2F", &UNKNOWN_HOLD_ID);
    assert_refused(&widget("GET", &hold, None), 400, "invalid_id", &hold);
}

#[test]
fn every_405_lists_what_the_route_answers_in_allow() {
    let hold = format!("/v1/holds/{UNKNOWN_HOLD_ID}");
    let confirm = format!("{hold}/confirm");
    // An unanswered method is 405 before any id is looked at.
    let live_with_a_bad_id = format!("/v1/events/{TC_SEATED}/shows/20%2F01/live");
    let cases: [(&str, &str, &str); 8] = [
        ("PUT", "/v1/holds", "POST, OPTIONS"),
        ("GET", "/v1/holds", "POST, OPTIONS"),
        ("POST", &hold, "GET, HEAD, PATCH, DELETE, OPTIONS"),
        ("GET", &confirm, "POST, OPTIONS"),
        ("DELETE", "/v1/events", "GET, HEAD, OPTIONS"),
        ("POST", "/v1/events/qt%3A1001/shows/2001/layout", "GET, HEAD, OPTIONS"),
        ("PATCH", &live_with_a_bad_id, "GET, HEAD, OPTIONS"),
        // A method the proxy does not know at all is not read as a GET.
        ("QUERY", "/healthz", "GET, HEAD"),
    ];
    for (method, path, allow) in cases {
        let reply = documented(method, path, &[("X-Partner-Key", DEMO_PARTNER_KEY)], None);
        assert_refused(&reply, 405, "method_not_allowed", &format!("{method} {path}"));
        assert_eq!(reply.header("Allow"), Some(allow), "{method} {path}");
    }
}
