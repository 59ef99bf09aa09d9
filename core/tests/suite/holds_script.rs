//! A scripted fake upstream for hold operations: each test lists the
//! exchanges it expects — method, the end of the URL, fragments the body must
//! (or must not) contain — with the canned answer to give. [`run`] drives an
//! operation as the Durable Object does (every request allowed at once is
//! sent; answers come back in a chosen order) and fails on any request the
//! script did not foresee, on any foreseen request that never came, and on
//! any request that carries the key outside `Authorization`. It keeps every
//! checkpoint, so tests can "crash" after any step and resume from it.
//!
//! Answers use the shapes the upstream simulator sends (see
//! `fixtures/holds/sim_*.json`, captured from it).

use std::collections::{BTreeMap, VecDeque};

use ticket_contract::{Buyer, Hold, HoldItem, HoldState, Money};
use ticket_core::holds::{self, CommandBudget, Finished, HoldCommand, HoldOperation, HoldRecord, HoldSettings, StepId};
use ticket_core::{HttpMethod, ProxyError, UpstreamConfig, UpstreamRequest, UpstreamResponse};

use super::support::TEST_KEY;

/// 2026-11-23 14:28:48 UTC, when the simulator fixtures were captured.
pub const NOW: i64 = 1_795_444_128;
/// `expired_after` of the captured TicketsCloud orders: NOW + 15 minutes.
pub const ORDER_EXPIRED_AFTER: i64 = 1_795_445_028;
pub const ORDER_EXPIRED_AFTER_TEXT: &str = "2026-11-23 14:43:48";
pub const HOLD_SECONDS: i64 = 600;
pub const HOLD_ID: &str = "h_0123456789abcdef0123456789abcdef";

pub const QT_EVENT: &str = "qt:1001";
pub const QT_SHOW: &str = "2001";
pub const QT_ADD_URL: &str = "/qtickets/api/partners/v1/tickets/add/1001/2001";
pub const QT_REMOVE_URL: &str = "/qtickets/api/partners/v1/tickets/remove/1001/2001";
pub const QT_ADMISSION: &str = "tancevalnyj-parter-1;1";

pub const TC_EVENT_HEX: &str = "5f1a0c0e2b3c4d5e6f708192";
pub const TC_ORDER: &str = "6b0a0d0e000000000000d65e";
pub const TC_ORDERS_URL: &str = "/ticketscloud/v2/resources/orders";
pub const TC_ORDER_URL: &str = "/ticketscloud/v2/resources/orders/6b0a0d0e000000000000d65e";
pub const TC_SEATED_SET: &str = "64b7c1d2e3f4a5b6c7d8e901";
pub const TC_ADMISSION_SET: &str = "64b7c1d2e3f4a5b6c7d8e904";

pub fn settings() -> HoldSettings {
    HoldSettings {
        qtickets: UpstreamConfig { base_url: "http://sim/qtickets".into(), api_key: TEST_KEY.into() },
        ticketscloud: UpstreamConfig { base_url: "http://sim/ticketscloud/".into(), api_key: TEST_KEY.into() },
        hold_seconds: HOLD_SECONDS,
        budget: CommandBudget::default(),
        send_tickets: false,
        retention_seconds: RETENTION_SECONDS,
    }
}

/// The retention the test settings give a new hold.
pub const RETENTION_SECONDS: i64 = 7 * 24 * 3600;

pub fn tc_event() -> String {
    format!("tc:{TC_EVENT_HEX}")
}

/// A TicketsCloud seat ticket id of the simulator's Swan Lake (`…8192` + serial).
pub fn tc_seat(serial: u32) -> String {
    format!("6a1b2c3d8192{serial:012x}")
}

pub fn seat(seat_id: &str, price_minor: i64) -> HoldItem {
    HoldItem::Seat {
        seat_id: seat_id.into(),
        zone_name: "Партер VIP".into(),
        row: "1".into(),
        place: seat_id.rsplit(';').next().unwrap_or("").into(),
        price: Money::rub_minor(price_minor),
    }
}

pub fn admission(admission_id: &str, quantity: u32, unit_price_minor: i64) -> HoldItem {
    HoldItem::Admission {
        admission_id: admission_id.into(),
        zone_name: "Танцевальный партер".into(),
        quantity,
        unit_price: Money::rub_minor(unit_price_minor),
    }
}

pub fn buyer() -> Buyer {
    Buyer { name: "Иван Петров".into(), email: "ivan@example.ru".into(), phone: "+79161234567".into() }
}

pub fn create(event_id: &str, show_id: &str, items: Vec<HoldItem>) -> HoldCommand {
    HoldCommand::Create { hold_id: HOLD_ID.into(), event_id: event_id.into(), show_id: show_id.into(), items }
}

pub fn begin(record: Option<HoldRecord>, command: HoldCommand, now: i64) -> Box<dyn HoldOperation> {
    holds::begin(record, command, now, &settings()).unwrap_or_else(|error| panic!("begin refused: {error:?}"))
}

/// One expected request and the answer to give it.
pub struct Exchange {
    method: HttpMethod,
    url_end: String,
    body_has: Vec<String>,
    body_lacks: Vec<String>,
    answer: Result<UpstreamResponse, ProxyError>,
}

impl Exchange {
    /// The body must also not contain `fragment`.
    pub fn lacking(mut self, fragment: &str) -> Exchange {
        self.body_lacks.push(fragment.to_string());
        self
    }
}

pub fn exchange(method: HttpMethod, url_end: &str, body_has: &[&str], answer: Result<UpstreamResponse, ProxyError>) -> Exchange {
    Exchange {
        method,
        url_end: url_end.to_string(),
        body_has: body_has.iter().map(|fragment| fragment.to_string()).collect(),
        body_lacks: Vec::new(),
        answer,
    }
}

/// What an operation did: every request, and how it finished.
pub struct Run {
    pub requests: Vec<UpstreamRequest>,
    pub finished: Finished,
    /// The most requests that were in flight at once.
    pub most_in_flight: usize,
    /// Every checkpoint the operation gave, in order: one before each batch
    /// of requests went out and one after each answer (what the Durable
    /// Object persists; a crash leaves the last one).
    pub checkpoints: Vec<HoldRecord>,
}

impl Run {
    pub fn record(&self) -> &HoldRecord {
        self.finished.record.as_ref().expect("a record is kept")
    }

    pub fn hold(&self) -> &Hold {
        self.finished.result.as_ref().unwrap_or_else(|error| panic!("the command failed: {error:?}"))
    }

    pub fn error(&self) -> &ProxyError {
        self.finished.result.as_ref().expect_err("the command should have failed")
    }

    /// The body of request `index`, form-decoded into `name=value` pairs
    /// (QTickets) — or the raw body when it is JSON.
    pub fn form(&self, index: usize) -> BTreeMap<String, String> {
        form_fields(self.requests[index].body.as_deref().unwrap_or(""))
    }

    pub fn json(&self, index: usize) -> serde_json::Value {
        serde_json::from_str(self.requests[index].body.as_deref().unwrap_or("null")).expect("a JSON body")
    }
}

/// In which order the fake upstream answers the requests in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// The oldest request first (a steady upstream).
    OldestFirst,
    /// The newest request first (the first ones are slow).
    NewestFirst,
}

/// Drives `operation` through `script` as the Durable Object does: every
/// request the operation allows is sent at once, and they are answered the
/// oldest first; each answered request must be the next exchange of the
/// script. The clock stays at the start of the command (within budget).
pub fn run(operation: Box<dyn HoldOperation>, script: Vec<Exchange>) -> Run {
    drive(operation, script, Answering::OldestFirst, |_| 0)
}

/// [`run`] with a chosen answering order and a clock (`clock(n)` is the
/// time in unix milliseconds once `n` answers are in).
pub fn drive(
    mut operation: Box<dyn HoldOperation>,
    script: Vec<Exchange>,
    answering: Answering,
    clock: impl Fn(usize) -> i64,
) -> Run {
    let mut script = script.into_iter();
    let mut requests = Vec::new();
    let mut checkpoints = Vec::new();
    let mut outstanding: VecDeque<(StepId, UpstreamRequest)> = VecDeque::new();
    let mut most_in_flight = 0;
    loop {
        let batch = operation.next_requests(clock(requests.len()));
        if !batch.is_empty() {
            checkpoints.push(operation.checkpoint().expect("an operation that sends requests gives checkpoints"));
        }
        for step in batch {
            assert!(!outstanding.iter().any(|(id, _)| *id == step.id), "step id {} reused", step.id);
            outstanding.push_back((step.id, step.request));
        }
        most_in_flight = most_in_flight.max(outstanding.len());
        let next = match answering {
            Answering::OldestFirst => outstanding.pop_front(),
            Answering::NewestFirst => outstanding.pop_back(),
        };
        let Some((id, request)) = next else { break };
        assert!(requests.len() < 100, "runaway operation: {requests:#?}");
        let body = request.body.clone().unwrap_or_default();
        let printed = format!("{} {} {}", request.method.as_str(), request.url, body);
        assert!(!printed.contains(TEST_KEY), "the key leaked into {printed}");
        for (name, value) in &request.headers {
            if !name.eq_ignore_ascii_case("authorization") {
                assert!(!value.contains(TEST_KEY), "the key leaked into header {name}");
            }
        }
        let expected = script.next().unwrap_or_else(|| panic!("unexpected request #{}: {printed}", requests.len() + 1));
        assert_eq!(request.method, expected.method, "request #{}: {printed}", requests.len() + 1);
        assert!(
            request.url.ends_with(&expected.url_end),
            "request #{} should go to …{}: {printed}",
            requests.len() + 1,
            expected.url_end
        );
        for fragment in &expected.body_has {
            assert!(body.contains(fragment.as_str()), "request #{} should contain {fragment:?}: {printed}", requests.len() + 1);
        }
        for fragment in &expected.body_lacks {
            assert!(
                !body.contains(fragment.as_str()),
                "request #{} should not contain {fragment:?}: {printed}",
                requests.len() + 1
            );
        }
        requests.push(request);
        operation.on_response(id, expected.answer);
        checkpoints.push(operation.checkpoint().expect("a checkpoint after each answer"));
    }
    let left: Vec<String> = script.map(|unused| format!("{} …{}", unused.method.as_str(), unused.url_end)).collect();
    assert!(left.is_empty(), "expected requests never made: {left:?}");
    Run { requests, finished: operation.finish(), most_in_flight, checkpoints }
}

/// `a=1&b=%3B` → {a: 1, b: ;}
pub fn form_fields(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                decoded.push(byte);
                index += 3;
                continue;
            }
        }
        decoded.push(bytes[index]);
        index += 1;
    }
    String::from_utf8(decoded).expect("UTF-8")
}

// ---- QTickets answers (the simulator's shapes) ----

const QT_HEADER: &str = r#""event_id":1001,"show_id":2001,"event_name":"Щелкунчик","start_date":"2027-03-14T19:00:00+03:00","scheme":{"id":48,"name":"Кремлёвский дворец","place_name":"Кремлёвский дворец","place_address":"ул. Воздвиженка, 1","place_description":null},"city":{"id":2,"name":"Москва","timezone":"Europe/Moscow","coords":[55.7558,37.6176]},"last_update_hash":"a29ba016d04435a75b0294d06180ab6415e19384""#;

pub fn qt_ticket(ticket_id: &str, external_id: &str, barcode: Option<&str>) -> Result<UpstreamResponse, ProxyError> {
    let barcode = barcode.map_or("null".to_string(), |barcode| format!("{barcode:?}"));
    let (paid, reserved_to) = if barcode == "null" { (0, r#""2026-11-23T14:39:18+00:00""#) } else { (1, "null") };
    Ok(UpstreamResponse::json(
        200,
        format!(
            r#"{{{QT_HEADER},"status":"success","result":{{"id":"{ticket_id}","paid":{paid},"reserved_to":{reserved_to},"external_id":"{external_id}","barcode":{barcode}}}}}"#
        ),
    ))
}

pub fn qt_removed() -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(200, format!(r#"{{{QT_HEADER},"status":"success","result":true}}"#)))
}

pub fn qt_error(code: &str) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(200, format!(r#"{{"status":"error","code":"{code}","message":"…"}}"#)))
}

/// The simulator's `malformed_json` fault: the write happened, the answer
/// was cut in half.
pub fn qt_truncated() -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(200, format!(r#"{{{QT_HEADER},"status":"succ"#)))
}

// ---- TicketsCloud answers ----

/// `(ticket id, set id, barcode)`.
pub type OrderTicket<'a> = (&'a str, &'a str, Option<&'a str>);

pub fn tc_order(status: &str, tickets: &[OrderTicket<'_>]) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(200, format!(r#"{{"data":{},"refs":{TC_REFS}}}"#, tc_order_object(status, tickets))))
}

/// The refs of a TicketsCloud order answer: the event and its venue.
pub const TC_REFS: &str = r#"{"events":{"5f1a0c0e2b3c4d5e6f708192":{"age_rating":6,"id":"5f1a0c0e2b3c4d5e6f708192","lifetime":{"finish":"2027-04-15 19:00:00","start":"2027-04-15 16:00:00"},"org":"60a1b2c3d4e5f60718293a4b","status":"public","timezone":"Europe/Moscow","title":{"desc":"Балет","text":"Лебединое озеро"},"venue":"5540add49cb5385eeef17b51"}},"partners":{},"promocodes":{},"sets":{},"venues":{"5540add49cb5385eeef17b51":{"address":"Театральная площадь, 1","city":{"_id":498817,"name":{"default":"Saint Petersburg","en":"Saint Petersburg","ru":"Санкт-Петербург"},"timezone":"Europe/Moscow"},"country":{"_id":"RU"},"desc":"","id":"5540add49cb5385eeef17b51","name":"Мариинский театр"}}}"#;

/// The order object of [`tc_order`].
pub fn tc_order_object(status: &str, tickets: &[OrderTicket<'_>]) -> String {
    let tickets: Vec<String> = tickets
        .iter()
        .map(|(ticket_id, set_id, barcode)| {
            let seat = if *set_id == TC_SEATED_SET {
                r#","seat":{"number":"1","row":"1","sector":"55abfa669cb5382abebd9f01"}"#
            } else {
                ""
            };
            let barcode = barcode.map_or("null".to_string(), |barcode| format!("{barcode:?}"));
            // The simulator's prices: 5000 + 4 % for the seated set, 1500 + 4 % for admission.
            let (price, extra, full) =
                if *set_id == TC_SEATED_SET { ("5000.00", "200.00", "5200.00") } else { ("1500.00", "60.00", "1560.00") };
            format!(
                r#"{{"barcode":{barcode},"discount":"0.00","extra":"{extra}","full":"{full}","id":"{ticket_id}","nominal":"{price}","number":510001,"price":"{price}"{seat},"serial":"SWL","set":"{set_id}","status":"reserved"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"created_at":"2026-11-23 14:28:48","event":"{TC_EVENT_HEX}","expired_after":"{ORDER_EXPIRED_AFTER_TEXT}","id":"{TC_ORDER}","number":54878,"origin":"api","promocodes":[],"settings":{{"invitation":false,"send_tickets":false}},"status":"{status}","tickets":[{}],"values":{{}},"vendor_data":{{"order_id":"{HOLD_ID}"}}}}"#,
        tickets.join(",")
    )
}

/// The orders list (`GET /v2/resources/orders`) holding these orders.
pub fn tc_orders_listed(orders: &[String]) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(
        200,
        format!(
            r#"{{"data":[{}],"pagination":{{"page":1,"page_size":200,"total":{}}},"refs":{TC_REFS}}}"#,
            orders.join(","),
            orders.len()
        ),
    ))
}

/// The end of the orders-list URL that reads a hold's order (any status),
/// for a hold expiring at `expires_at`: orders created up to 15 h either side.
pub fn tc_read_order_url(expires_at: i64, status: Option<&str>) -> String {
    let at = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string();
    let status = status.map(|status| format!("&status={status}")).unwrap_or_default();
    format!(
        "/orders?events={TC_EVENT_HEX}&created_at={},{}{status}&page=1&page_size=200",
        at(expires_at - 15 * 3600),
        at(expires_at + 15 * 3600)
    )
}

/// The catalogue page the organiser's legal details are read from.
pub const TC_LISTING_URL: &str = "/ticketscloud/v1/services/simple/events?page=1&page_size=100";

/// A catalogue page with the seated event and its organiser's legal details.
pub fn tc_listing() -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(
        200,
        format!(
            r#"[{{"id":"{TC_EVENT_HEX}","status":"public","org":{{"id":"60a1b2c3d4e5f60718293a4b","name":"Театральное агентство «Премьера»","legal_detail":{{"name":"ООО «Премьера»","inn":"7701234567","ogrn":"1027700000001","address":"г. Москва, ул. Примерная, д. 1"}}}}}}]"#
        ),
    ))
}

/// The read of the organiser's legal details after a TicketsCloud order is paid.
pub fn organiser_read() -> Exchange {
    exchange(HttpMethod::Get, TC_LISTING_URL, &[], tc_listing())
}

pub fn tc_errors(status: u16, messages: &[&str]) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(status, serde_json::json!({ "errors": messages }).to_string()))
}

pub fn tc_conflict() -> Result<UpstreamResponse, ProxyError> {
    tc_errors(409, &["Conflict"])
}

/// A record in a given state with a given expiry, for transition tables.
pub fn with_state(mut record: HoldRecord, state: HoldState, expires_at: i64) -> HoldRecord {
    record.state = state;
    record.expires_at = expires_at;
    record
}
