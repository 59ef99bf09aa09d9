//! Malformed input on every route, as a table: what a hostile script sends
//! after reading the widget's source. Each case must be refused with the
//! status, code and `error.field` the spec names (mostly 400), never a 5xx,
//! and — checked with the simulator's request log — without a single
//! upstream call. Runs as the demo partner from an allowed origin, so only
//! the input itself is wrong (and a few malformed key and origin headers).

use integration_tests::*;
use serde_json::json;
use ticket_contract::{availability_bits, Availability, Layout};

/// The big QTickets hall every body case refers to; its layout is warmed first.
const EVENT: &str = "qt:1001";
const SHOW: &str = "2001";
const ADMISSION: &str = "tancevalnyj-parter-1;1";

/// Who sends a case.
#[derive(Clone)]
enum Caller {
    /// The widget: the demo partner's public key from its page's origin.
    Widget,
    /// The partner's server with this `Authorization` value, no public key, no origin.
    Server(String),
    /// The widget's headers with one replaced or added.
    WidgetWith(&'static str, String),
}

struct Case {
    method: &'static str,
    path: String,
    body: Option<Vec<u8>>,
    caller: Caller,
    status: u16,
    code: &'static str,
    field: Option<String>,
}

fn request(method: &'static str, path: impl Into<String>, body: Option<Vec<u8>>) -> Case {
    Case { method, path: path.into(), body, caller: Caller::Widget, status: 0, code: "", field: None }
}

fn get(path: impl Into<String>) -> Case {
    request("GET", path, None)
}

fn send(method: &'static str, path: impl Into<String>, body: impl Into<String>) -> Case {
    request(method, path, Some(body.into().into_bytes()))
}

fn send_bytes(method: &'static str, path: impl Into<String>, body: Vec<u8>) -> Case {
    request(method, path, Some(body))
}

impl Case {
    /// 400 with this code and field.
    fn is(self, code: &'static str, field: impl Into<String>) -> Case {
        Case { status: 400, code, field: Some(field.into()), ..self }
    }

    /// Another status and code, no field expected.
    fn refused(self, status: u16, code: &'static str) -> Case {
        Case { status, code, field: None, ..self }
    }

    /// Sent by the partner's server with the demo secret key.
    fn sent_by_the_server(self) -> Case {
        self.with_authorization(format!("Bearer {DEMO_SECRET_KEY}"))
    }

    /// Sent by a server with this `Authorization` value.
    fn with_authorization(self, value: String) -> Case {
        Case { caller: Caller::Server(value), ..self }
    }

    fn with_path_suffix(self, suffix: &str) -> Case {
        Case { path: format!("{}{suffix}", self.path), ..self }
    }

    fn with_header(self, name: &'static str, value: impl Into<String>) -> Case {
        Case { caller: Caller::WidgetWith(name, value.into()), ..self }
    }

    fn run(&self, client_ip: &str) -> Reply {
        let mut headers: Vec<(&str, &str)> = match &self.caller {
            Caller::Server(authorization) => vec![("Authorization", authorization)],
            Caller::Widget | Caller::WidgetWith(..) => vec![("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)],
        };
        if let Caller::WidgetWith(name, value) = &self.caller {
            headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
            headers.push((name, value));
        }
        headers.push(("CF-Connecting-IP", client_ip));
        proxy_call(self.method, &self.path, &headers, self.body.as_deref())
    }

    fn describe(&self) -> String {
        let body = self.body.as_ref().map(|body| {
            let text = String::from_utf8_lossy(body);
            let shown: String = text.chars().take(90).collect();
            if text.chars().count() > 90 {
                format!(" {shown:?}… ({} bytes)", body.len())
            } else {
                format!(" {shown:?}")
            }
        });
        let path: String = self.path.chars().take(120).collect();
        format!("{} {path}{}", self.method, body.unwrap_or_default())
    }
}

fn create(body: serde_json::Value) -> Case {
    send("POST", "/v1/holds", body.to_string())
}

/// A create body for the warmed hall with these seats and admission.
fn create_in_hall(seats: serde_json::Value, admission: serde_json::Value) -> Case {
    create(json!({"event": EVENT, "show": SHOW, "seats": seats, "admission": admission}))
}

fn buyer(name: &str, email: &str, phone: &str) -> String {
    json!({"buyer": {"name": name, "email": email, "phone": phone}}).to_string()
}

/// Seats on sale in the warmed hall, read through the proxy.
fn vacant_seats(count: usize) -> Vec<String> {
    let layout = proxy_get(&format!("/v1/events/{EVENT}/shows/{SHOW}/layout"));
    assert_eq!(layout.status, 200, "{}", layout.body);
    let layout: Layout = serde_json::from_str(&layout.body).unwrap();
    assert!(layout.admissions.iter().any(|admission| admission.id == ADMISSION), "the hall has its dance floor");
    let availability = proxy_get(&format!("/v1/events/{EVENT}/shows/{SHOW}/availability"));
    assert_eq!(availability.status, 200, "{}", availability.body);
    let availability: Availability = serde_json::from_str(&availability.body).unwrap();
    let on_sale = availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap();
    let seats: Vec<String> = layout
        .seats
        .iter()
        .zip(on_sale)
        .filter(|(_, on_sale)| *on_sale)
        .skip(200)
        .take(count)
        .map(|(seat, _)| seat.id.clone())
        .collect();
    assert_eq!(seats.len(), count);
    seats
}

/// Every route but the PATCH of a live hold.
fn table(seats: &[String]) -> Vec<Case> {
    let layout = |event: &str, show: &str| format!("/v1/events/{event}/shows/{show}/layout");
    let availability = |event: &str, show: &str| format!("/v1/events/{event}/shows/{show}/availability");
    let one_seat = json!([seats[0]]);
    let over_max: Vec<&String> = seats.iter().take(DEMO_MAX_SEATS + 1).collect();
    let seventeen_kib = 17 * 1024;
    let padded_to = |body: String, size: usize| format!("{body}{}", " ".repeat(size.saturating_sub(body.len())));
    let big_seat_list = json!({"event": EVENT, "show": SHOW, "seats": vec![seats[0].as_str(); 3000]}).to_string();
    // As many copies of one seat id as fit in 15,000 bytes: under the size limit, so the list itself is judged.
    let many_duplicates =
        json!({"event": EVENT, "show": SHOW, "seats": vec![seats[0].as_str(); 15_000 / (seats[0].len() + 3)]}).to_string();
    let deep_nesting =
        format!("{{\"event\":\"{EVENT}\",\"show\":\"{SHOW}\",\"seats\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let long_digits = "9".repeat(5000);
    let hex31 = "0123456789abcdef0123456789abcde";
    let forty_one = "x".repeat(41);
    let release = format!("/v1/holds/{UNKNOWN_HOLD_ID}/release");

    vec![
        // ---- path ids: 400 invalid_id naming the id
        get(layout("qt:10%2F01", SHOW)).is("invalid_id", "event_id"),
        get(layout(EVENT, "20%2F01")).is("invalid_id", "show_id"),
        get(layout(EVENT, "..%2F..%2Fadmin")).is("invalid_id", "show_id"),
        get(layout("..%2F..%2Fapi", SHOW)).is("invalid_id", "event_id"),
        get(layout("qt:1001%00", SHOW)).is("invalid_id", "event_id"),
        get(availability(EVENT, "2001%0A")).is("invalid_id", "show_id"),
        get(availability(EVENT, "2001%0D%0AX-Injected:%201")).is("invalid_id", "show_id"),
        get(layout("xx:1001", SHOW)).is("invalid_id", "event_id"),
        get(layout("qt:abc", SHOW)).is("invalid_id", "event_id"),
        get(layout("QT:1001", SHOW)).is("invalid_id", "event_id"),
        get(layout("tc:5f1a0c0e2b3c4d5e6f70819z", "5f1a0c0e2b3c4d5e6f70819z")).is("invalid_id", "event_id"),
        get(layout(&format!("qt:{long_digits}"), SHOW)).is("invalid_id", "event_id"),
        get(availability(EVENT, &"1".repeat(13))).is("invalid_id", "show_id"),
        get(layout(EVENT, "2001:1")).is("invalid_id", "show_id"),
        get(layout(EVENT, "%20")).is("invalid_id", "show_id"),
        // Full-width digits, a right-to-left override, Cyrillic: unicode that looks like an id.
        get(layout("qt:%EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%91", SHOW)).is("invalid_id", "event_id"),
        get(availability("qt:%E2%80%AE1001", SHOW)).is("invalid_id", "event_id"),
        get(layout("qt:%D0%B0%D0%B1", SHOW)).is("invalid_id", "event_id"),
        get("/v1/holds/not-a-hold").is("invalid_id", "hold_id"),
        get("/v1/holds/h_0123456789ABCDEF0123456789ABCDEF").is("invalid_id", "hold_id"),
        get(format!("/v1/holds/{UNKNOWN_HOLD_ID}%00")).is("invalid_id", "hold_id"),
        send("PATCH", format!("/v1/holds/h_{hex31}"), "{}").is("invalid_id", "hold_id"),
        request("DELETE", "/v1/holds/..%2F..%2Fv1%2Fevents", None).is("invalid_id", "hold_id"),
        send("POST", format!("/v1/holds/{UNKNOWN_HOLD_ID}%2F..%2Fconfirm/release?partner={DEMO_PARTNER_KEY}"), "")
            .is("invalid_id", "hold_id"),
        send("POST", format!("/v1/holds/h_{hex31}/confirm"), "").sent_by_the_server().is("invalid_id", "hold_id"),
        // ---- query parameters: none anywhere, `partner` only on the public reads and the beacon release
        get("/v1/events?page=2").is("invalid_parameter", "page"),
        get(format!("/v1/holds/{UNKNOWN_HOLD_ID}?partner={DEMO_PARTNER_KEY}")).is("invalid_parameter", "partner"),
        get("/v1/events?event=qt:1001").is("invalid_parameter", "event"),
        get(format!("{}?v=1", layout(EVENT, SHOW))).is("invalid_parameter", "v"),
        get(format!("{}?callback=alert", availability(EVENT, SHOW))).is("invalid_parameter", "callback"),
        create_in_hall(one_seat.clone(), json!({})).with_path_suffix("?dry_run=1").is("invalid_parameter", "dry_run"),
        get(format!("/v1/holds/{UNKNOWN_HOLD_ID}?fields=all")).is("invalid_parameter", "fields"),
        send("PATCH", format!("/v1/holds/{UNKNOWN_HOLD_ID}?x=1"), "{}").is("invalid_parameter", "x"),
        request("DELETE", format!("/v1/holds/{UNKNOWN_HOLD_ID}?partner={DEMO_PARTNER_KEY}"), None)
            .is("invalid_parameter", "partner"),
        send("POST", format!("{release}?partner={DEMO_PARTNER_KEY}&extra=1"), "").is("invalid_parameter", "extra"),
        send("POST", format!("/v1/holds/{UNKNOWN_HOLD_ID}/confirm?force=1"), "")
            .sent_by_the_server()
            .is("invalid_parameter", "force"),
        // Names that are not short and plain are reported as `query`, never echoed.
        get("/v1/events?a%20b=1").is("invalid_parameter", "query"),
        get(format!("/v1/events?{forty_one}=1")).is("invalid_parameter", "query"),
        get("/v1/events?%00=1").is("invalid_parameter", "query"),
        get("/v1/events?%D0%B8%D0%B4=1").is("invalid_parameter", "query"),
        get("/v1/events?%3Cscript%3E=1").is("invalid_parameter", "query"),
        // ---- create bodies: the whole body
        send("POST", "/v1/holds", "not json").is("invalid_body", "body"),
        send("POST", "/v1/holds", "").is("invalid_body", "body"),
        send("POST", "/v1/holds", "[]").is("invalid_body", "body"),
        send("POST", "/v1/holds", "null").is("invalid_body", "body"),
        send("POST", "/v1/holds", "{\"event\":").is("invalid_body", "body"),
        send("POST", "/v1/holds", big_seat_list).refused(413, "payload_too_large"),
        // A well-formed small body padded past 16 KiB: the size alone refuses it.
        send("POST", "/v1/holds", padded_to(json!({"event": EVENT, "show": SHOW, "seats": one_seat}).to_string(), seventeen_kib))
            .refused(413, "payload_too_large"),
        send_bytes("POST", "/v1/holds", b"{\"event\":\"qt:1001\xff\",\"show\":\"2001\",\"seats\":[]}".to_vec())
            .is("invalid_body", "body"),
        send_bytes("POST", "/v1/holds", b"{\"event\":\"qt:1001\0\",\"show\":\"2001\",\"seats\":[]}".to_vec())
            .is("invalid_body", "body"),
        send("POST", "/v1/holds", deep_nesting).is("invalid_body", "body"),
        send(
            "POST",
            "/v1/holds",
            format!("{{\"event\":\"{EVENT}\",\"show\":\"{SHOW}\",\"admission\":{{\"{ADMISSION}\":1e400}}}}"),
        )
        .is("invalid_body", "body"),
        // ---- create bodies: fields and types
        create(json!({"show": SHOW, "seats": one_seat})).is("invalid_body", "event"),
        create(json!({"event": 1001, "show": SHOW, "seats": one_seat})).is("invalid_body", "event"),
        create(json!({"event": EVENT, "seats": one_seat})).is("invalid_body", "show"),
        create(json!({"event": EVENT, "show": 2001, "seats": one_seat})).is("invalid_body", "show"),
        create_in_hall(json!(seats[0]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([1]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([""]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([{"id": seats[0]}]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([format!("{}&paid=1", seats[0])]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([format!("{}\u{200b}", seats[0])]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!(["x".repeat(65)]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!(["no-such-seat"]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([seats[0], seats[0]]), json!({})).is("invalid_body", "seats"),
        send("POST", "/v1/holds", many_duplicates).is("invalid_body", "seats"),
        create_in_hall(json!([]), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!(null), json!(null)).is("invalid_body", "seats"),
        // More places than the partner's max_seats_per_hold (10 for the demo partner).
        create_in_hall(json!(over_max), json!({})).is("invalid_body", "seats"),
        create_in_hall(json!([]), json!({ADMISSION: DEMO_MAX_SEATS + 1})).is("invalid_body", "seats"),
        create_in_hall(one_seat.clone(), json!({ADMISSION: DEMO_MAX_SEATS})).is("invalid_body", "seats"),
        create_in_hall(json!([]), json!({ADMISSION: u32::MAX})).is("invalid_body", "seats"),
        create_in_hall(json!([]), json!({ADMISSION: u64::from(u32::MAX) + 1})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({ADMISSION: 1e30})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({ADMISSION: -1})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({ADMISSION: 1.5})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({ADMISSION: "2"})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({ADMISSION: 0})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!([ADMISSION])).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({"no-such-admission": 1})).is("invalid_body", "admission"),
        create_in_hall(json!([]), json!({"a/../b": 1})).is("invalid_body", "admission"),
        // Unknown fields: named when the name is short and plain, else `body`.
        create(json!({"event": EVENT, "show": SHOW, "seats": one_seat, "price": 1})).is("invalid_body", "price"),
        create(json!({"event": EVENT, "show": SHOW, "seats": one_seat, "state": "confirmed"})).is("invalid_body", "state"),
        create(json!({"event": EVENT, "show": SHOW, "seats": one_seat, "<script>": 1})).is("invalid_body", "body"),
        // A Cyrillic "е" in "event": a look-alike of a known field is still unknown.
        create(json!({"\u{435}vent": EVENT, "show": SHOW, "seats": one_seat})).is("invalid_body", "body"),
        create(json!({"event": EVENT, "show": SHOW, "seats": one_seat, forty_one.as_str(): 1})).is("invalid_body", "body"),
        // Ids inside a body are checked like ids in a path (the lead's core keeps invalid_id here).
        create(json!({"event": "qt:1001/../x", "show": SHOW, "seats": one_seat})).is("invalid_id", "event_id"),
        create(json!({"event": EVENT, "show": "20x1", "seats": one_seat})).is("invalid_id", "show_id"),
        // ---- malformed key and origin headers
        get("/v1/events").with_header("X-Partner-Key", "pk_demo").refused(401, "partner_key_unknown"),
        get("/v1/events").with_header("X-Partner-Key", format!("pk_{}", "a".repeat(65))).refused(401, "partner_key_unknown"),
        get("/v1/events").with_header("X-Partner-Key", format!("{DEMO_PARTNER_KEY}%00")).refused(401, "partner_key_unknown"),
        get("/v1/events")
            .with_header("X-Partner-Key", format!("{DEMO_PARTNER_KEY}, {DEMO_PARTNER_KEY}"))
            .refused(401, "partner_key_unknown"),
        create_in_hall(one_seat.clone(), json!({})).with_header("Origin", "null").refused(403, "origin_not_allowed"),
        get(layout(EVENT, SHOW)).with_header("Origin", "http://127.0.0.1:8080.evil.example").refused(403, "origin_not_allowed"),
        send("POST", format!("/v1/holds/{UNKNOWN_HOLD_ID}/confirm"), "")
            .with_authorization(format!("Bearer {DEMO_SECRET_KEY}x"))
            .refused(401, "partner_key_unknown"),
    ]
}

/// Changes (PATCH) of a live hold: checked against its hall, so they need one.
fn change_table(hold: &str, seats: &[String]) -> Vec<Case> {
    let change = |body: &str| send("PATCH", format!("/v1/holds/{hold}"), body);
    let over_max: Vec<&String> = seats.iter().take(DEMO_MAX_SEATS + 1).collect();
    vec![
        send("PATCH", format!("/v1/holds/{hold}"), format!("{{}}{}", " ".repeat(17 * 1024))).refused(413, "payload_too_large"),
        change("not json").is("invalid_body", "body"),
        change("[]").is("invalid_body", "body"),
        change(r#"{"state":"confirmed"}"#).is("invalid_body", "state"),
        change(r#"{"tickets":[]}"#).is("invalid_body", "tickets"),
        change(r#"{"seats":{"1-1;1":1}}"#).is("invalid_body", "seats"),
        change(&json!({"seats": ["no-such-seat"]}).to_string()).is("invalid_body", "seats"),
        change(&json!({"seats": over_max}).to_string()).is("invalid_body", "seats"),
        change(&json!({"admission": {ADMISSION: DEMO_MAX_SEATS}}).to_string()).is("invalid_body", "seats"),
        change(&json!({"admission": {ADMISSION: "many"}}).to_string()).is("invalid_body", "admission"),
        change(r#"{"buyer":"Иван Петров"}"#).is("invalid_body", "buyer"),
        change(r#"{"buyer":["Иван"]}"#).is("invalid_body", "buyer"),
        change(r#"{"buyer":{"name":"Иван","email":"ivan@example.ru"}}"#).is("invalid_body", "buyer.phone"),
        change(r#"{"buyer":{"name":"Иван","email":"ivan@example.ru","phone":79161234567}}"#).is("invalid_body", "buyer.phone"),
        change(&buyer("", "ivan@example.ru", "+79161234567")).is("invalid_body", "buyer.name"),
        change(&buyer("Иван\u{202e}вонaвИ", "ivan@example.ru", "+79161234567")).is("invalid_body", "buyer.name"),
        change(&buyer("Ivan\u{0}", "ivan@example.ru", "+79161234567")).is("invalid_body", "buyer.name"),
        change(&buyer("Ivan\u{200b}", "ivan@example.ru", "+79161234567")).is("invalid_body", "buyer.name"),
        change(&buyer(&"Я".repeat(101), "ivan@example.ru", "+79161234567")).is("invalid_body", "buyer.name"),
        change(&buyer("Иван", "ivan", "+79161234567")).is("invalid_body", "buyer.email"),
        change(&buyer("Иван", "ivan@example.ru\r\nBcc: all@example.ru", "+79161234567")).is("invalid_body", "buyer.email"),
        change(&buyer("Иван", "иван@example.ru", "+79161234567")).is("invalid_body", "buyer.email"),
        change(&buyer("Иван", &format!("{}@example.ru", "a".repeat(300)), "+79161234567")).is("invalid_body", "buyer.email"),
        change(&buyer("Иван", "ivan@example.ru", "+７９１６１２３４５６７")).is("invalid_body", "buyer.phone"),
        change(&buyer("Иван", "ivan@example.ru", "+7 916 CALL-NOW")).is("invalid_body", "buyer.phone"),
        change(&buyer("Иван", "ivan@example.ru", &"9".repeat(5000))).is("invalid_body", "buyer.phone"),
        change(r#"{"buyer":{"name":"Иван","email":"ivan@example.ru","phone":"+79161234567","age":30}}"#)
            .is("invalid_body", "buyer.age"),
    ]
}

/// What went wrong with one case, if anything: (a 5xx, a different answer).
fn judge(case: &Case, reply: &Reply) -> (Option<String>, Option<String>) {
    let field = reply.error_field();
    // Not `error_code()`: a body that is not JSON is a wrong answer to list, not a panic.
    let code = serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|body| body["error"]["code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let body: String = reply.body.chars().take(200).collect();
    let server_error = (reply.status >= 500).then(|| format!("{} → {} {body}", case.describe(), reply.status));
    let expected_field = case.field.as_deref();
    let wrong = ((reply.status, code.as_str()) != (case.status, case.code)
        || (expected_field.is_some() && field.as_deref() != expected_field))
        .then(|| {
            format!(
                "{}\n    expected {} {} field {expected_field:?}, got {} {body}",
                case.describe(),
                case.status,
                case.code,
                reply.status
            )
        });
    (server_error, wrong)
}

#[test]
fn malformed_input_on_every_route_is_refused_by_field_without_any_upstream_call() {
    let _stack = exclusive_stack();
    // Earlier tests' background refreshes first (they would land in the windows below).
    quiet_upstream();
    // Warm the hall (the body cases are checked against its cached layout) and
    // make the live hold the PATCH cases change; both may call upstream.
    let seats = vacant_seats(DEMO_MAX_SEATS + 2);
    let body = json!({"event": EVENT, "show": SHOW, "seats": [seats[DEMO_MAX_SEATS + 1]], "admission": {}});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = created.json()["id"].as_str().expect("hold id").to_owned();
    let seats = &seats[..=DEMO_MAX_SEATS];
    let change_cases = change_table(&hold, seats);
    let other_cases = table(seats);
    let refused_with_400 = change_cases.iter().chain(&other_cases).filter(|case| case.status == 400).count();
    assert!(refused_with_400 >= 60, "the table has only {refused_with_400} cases that must be 400");

    // Two rounds, each watched on the simulator's log: the changes while the
    // hold is young (its expiry would call upstream), then — the hold
    // released, which calls upstream too — everything else.
    let client_ip = unique_client_ip();
    let mut server_errors = Vec::new();
    let mut wrong = Vec::new();
    let mut upstream = Vec::new();
    for (round, cases) in [&change_cases, &other_cases].into_iter().enumerate() {
        // At once: the owner's availability (which seat checks read) is fresh
        // for a few seconds only; earlier tests' background work is over.
        clear_upstream_requests();
        for case in cases {
            let (server_error, answer) = judge(case, &case.run(&client_ip));
            server_errors.extend(server_error);
            wrong.extend(answer);
        }
        // A body naming the warmed hall is judged against it: the hall's
        // owner may refresh its copy (5 s fresh) in the background meanwhile.
        // That read of the hall is the owner's, not the malformed input's;
        // anything else (a bad id in a URL, any write) is.
        let hall_refresh = format!("/events/seats/{}/{SHOW}", EVENT.trim_start_matches("qt:"));
        upstream.extend(upstream_requests().into_iter().filter(|request| {
            !(request["method"] == "GET" && request["path"].as_str().is_some_and(|path| path.ends_with(&hall_refresh)))
        }));
        if round == 0 {
            let released = widget_call("DELETE", &format!("/v1/holds/{hold}"), None);
            assert_eq!(released.status, 200, "{}", released.body);
        }
    }
    let total = change_cases.len() + other_cases.len();
    assert!(server_errors.is_empty(), "malformed input must never be a 5xx:\n{}", server_errors.join("\n"));
    assert!(wrong.is_empty(), "{} of {total} cases answered otherwise:\n{}", wrong.len(), wrong.join("\n"));
    assert!(upstream.is_empty(), "no upstream call for malformed input, the simulator saw {upstream:?}");
}
