//! Privacy at the edges, end to end through the proxy under `wrangler dev`:
//! a hold id and the (public) partner key show the buyer's details and the
//! barcodes only for the partner's `hold_details_seconds` after the hold
//! ended, then the state only, while the partner's server (secret key) keeps
//! seeing them; the record is deleted after `hold_retention_seconds`. Time
//! travels by the test partner's short windows (10 s and 20 s). And `/embed`,
//! opened on its own, passes on only a `payment_url` on the partner's origins.

use std::time::{Duration, Instant};

use integration_tests::openapi::assert_documented;
use integration_tests::*;
use serde_json::json;
use ticket_contract::{Hold, HoldState};

const EVENT: &str = "qt:1001";
const SHOW: &str = "2001";
const BUYER_EMAIL: &str = "olga.forgetful@example.ru";

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

/// A call of the forgetful partner's widget.
fn widget(method: &str, path: &str, body: Option<&str>) -> Reply {
    let ip = unique_client_ip();
    let headers = widget_headers(FORGETFUL_PARTNER_KEY, PARTNER_ORIGIN, &ip);
    let reply = proxy_call(method, path, &headers, body.map(str::as_bytes));
    assert_documented(method, path, &reply);
    reply
}

/// A call of the forgetful partner's server.
fn server(path: &str) -> Reply {
    let reply = server_call("POST", path, Some(&format!("Bearer {FORGETFUL_SECRET_KEY}")));
    assert_documented("POST", path, &reply);
    reply
}

/// A hold of the forgetful partner with a buyer, on `skip`'s free seat.
fn held(skip: usize) -> Hold {
    let seats = vacant_seats(EVENT, SHOW, 1, skip);
    let body = json!({"event": EVENT, "show": SHOW, "seats": seats});
    let created = widget("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    let buyer = json!({"buyer": {"name": "Ольга Петрова", "email": BUYER_EMAIL, "phone": "+79161234567"}});
    let changed = widget("PATCH", &format!("/v1/holds/{}", hold.id), Some(&buyer.to_string()));
    assert_eq!(changed.status, 200, "{}", changed.body);
    hold
}

/// Waits until `seconds` have passed since `since`.
fn sleep_until(since: Instant, seconds: u64) {
    let until = since + Duration::from_secs(seconds);
    if let Some(left) = until.checked_duration_since(Instant::now()) {
        std::thread::sleep(left);
    }
}

/// Reads `path` (as the widget) until `done`, for at most `seconds`.
fn read_until(path: &str, seconds: u64, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let reply = widget("GET", path, None);
        if done(&reply) {
            return reply;
        }
        assert!(Instant::now() < deadline, "{what}: {} {}", reply.status, reply.body);
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn a_paid_hold_shows_buyer_and_barcodes_to_the_public_key_only_for_a_while_then_is_deleted() {
    let hold = held(40);
    let path = format!("/v1/holds/{}", hold.id);
    let confirmed = server(&format!("{path}/confirm"));
    let ended = Instant::now();
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert_eq!(paid.state, HoldState::Confirmed);
    assert_eq!(paid.tickets.len(), 1);
    let barcode = paid.tickets[0].barcode.clone();

    // Within the window: the buyer's page (public key) sees everything.
    let fresh = widget("GET", &path, None);
    let read_at = ended.elapsed();
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    if read_at < Duration::from_secs(FORGETFUL_DETAILS_SECONDS) {
        let fresh = hold_of(&fresh);
        assert_eq!(fresh.buyer.as_ref().map(|buyer| buyer.email.as_str()), Some(BUYER_EMAIL));
        assert_eq!(fresh.tickets.len(), 1);
        assert!(!fresh.details_withheld);
    }

    // After it: the state only, whoever holds the id and the public key.
    sleep_until(ended, FORGETFUL_DETAILS_SECONDS + 1);
    let later = widget("GET", &path, None);
    assert_eq!(later.status, 200, "{}", later.body);
    assert!(!later.body.contains(BUYER_EMAIL) && !later.body.contains(&barcode), "{}", later.body);
    let later = hold_of(&later);
    assert_eq!((later.state, later.buyer.as_ref(), later.tickets.len()), (HoldState::Confirmed, None, 0));
    assert!(later.details_withheld);
    assert_eq!(later.items, paid.items, "what was bought stays");

    // The partner's server still gets them (a repeated confirm is safe).
    let again = server(&format!("{path}/confirm"));
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.body.contains(BUYER_EMAIL) && again.body.contains(&barcode), "{}", again.body);

    // After the retention the hold's object has deleted it: nobody finds it.
    sleep_until(ended, FORGETFUL_RETENTION_SECONDS);
    let gone = read_until(&path, 30, "the record is deleted after its retention", |reply| reply.status == 404);
    assert_eq!(gone.error_code(), "hold_not_found");
    let confirm_gone = server(&format!("{path}/confirm"));
    assert_eq!((confirm_gone.status, confirm_gone.error_code()), (404, "hold_not_found".to_string()));
}

#[test]
fn a_released_hold_stops_showing_its_buyer_after_the_window() {
    let hold = held(45);
    let path = format!("/v1/holds/{}", hold.id);
    let released = widget("DELETE", &path, None);
    let ended = Instant::now();
    assert_eq!(released.status, 200, "{}", released.body);
    assert_eq!(hold_of(&released).state, HoldState::Released);
    sleep_until(ended, FORGETFUL_DETAILS_SECONDS + 1);
    let later = widget("GET", &path, None);
    assert_eq!(later.status, 200, "{}", later.body);
    assert!(!later.body.contains(BUYER_EMAIL), "{}", later.body);
    let later = hold_of(&later);
    assert_eq!((later.state, later.details_withheld), (HoldState::Released, true));
}

#[test]
fn the_demo_partner_still_sees_a_just_paid_hold_whole() {
    // The default window (24 h): nothing changes for a buyer waiting for tickets.
    let seats = vacant_seats(EVENT, SHOW, 1, 50);
    let body = json!({"event": EVENT, "show": SHOW, "seats": seats});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    let path = format!("/v1/holds/{}", hold.id);
    let buyer = json!({"buyer": {"name": "Анна", "email": "anna.demo@example.ru", "phone": "+79161234567"}});
    assert_eq!(widget_call("PATCH", &path, Some(&buyer.to_string())).status, 200);
    let confirmed = server_call("POST", &format!("{path}/confirm"), Some(&format!("Bearer {DEMO_SECRET_KEY}")));
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let read = hold_of(&widget_call("GET", &path, None));
    assert_eq!(read.buyer.map(|buyer| buyer.email), Some("anna.demo@example.ru".to_string()));
    assert_eq!((read.tickets.len(), read.details_withheld), (1, false));
}

/// The payment URL the proxy wrote into an `/embed` page, if any.
fn embed_payment_url(payment_url: &str) -> Option<String> {
    let query = format!("partner={DEMO_PARTNER_KEY}&event={EVENT}&payment_url={}", encode_query_value(payment_url));
    // Opened as a top-level page: no frame, no Referer, no Origin.
    let page = proxy_get(&format!("/embed?{query}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.header("ETag").is_none(), "a rewritten page keeps no ETag of the file");
    let start = page.body.find(r#"<meta name="ticket-widget-payment-url" content=""#).expect("the page's payment-URL slot");
    let rest = &page.body[start + r#"<meta name="ticket-widget-payment-url" content=""#.len()..];
    let content = &rest[..rest.find('"').expect("the attribute's end")];
    (!content.is_empty()).then(|| content.replace("&amp;", "&"))
}

fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[test]
fn embed_passes_on_only_a_payment_url_on_the_partners_origins() {
    let cases: &[(&str, Option<&str>)] = &[
        ("http://127.0.0.1:8080/pay#hold={hold_id}", Some("http://127.0.0.1:8080/pay#hold={hold_id}")),
        ("http://localhost:8080/pay?lang=ru&x=1", Some("http://localhost:8080/pay?lang=ru&x=1")),
        ("https://evil.example/pay#hold={hold_id}", None),
        ("http://127.0.0.1:8080@evil.example/pay", None),
        ("http://127.0.0.1:8082/pay", None),
        ("javascript:alert(document.domain)", None),
    ];
    for &(asked, expected) in cases {
        assert_eq!(embed_payment_url(asked).as_deref(), expected, "{asked}");
    }
    // Without payment_url the slot stays empty; the page still carries its frame-ancestors.
    let page = proxy_get(&format!("/embed?partner={DEMO_PARTNER_KEY}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<meta name="ticket-widget-payment-url" content="">"#));
    let policy = page.header("Content-Security-Policy").unwrap_or_default();
    assert!(policy.starts_with("frame-ancestors 'self' http://127.0.0.1:8080"), "{policy}");
}
