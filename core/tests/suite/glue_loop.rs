//! The Worker glue, in miniature: a fake transport stands in for `fetch`, and
//! the loops below are the shape the edge proxy should use. They show that the
//! core is data-in/data-out — ids validated, requests described, responses
//! parsed, errors mapped — with nothing left for the glue but IO and caching.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;
use ticket_contract::EventList;
use ticket_core::{
    merge_catalogues, parse_event_id, parse_show_id, Adapters, HallReadOutcome, HallStep, ProxyError, SeatingMemo,
    UpstreamRequest, UpstreamResponse, MAX_CATALOGUE_PAGES, MAX_HALL_READ_ROUNDS,
};

use super::support::{adapters, fixture, ok};

/// URL → response; records every URL asked for.
struct FakeUpstreams {
    answers: HashMap<String, UpstreamResponse>,
    asked: RefCell<Vec<String>>,
}

impl FakeUpstreams {
    fn fetch(&self, request: &UpstreamRequest) -> UpstreamResponse {
        self.asked.borrow_mut().push(request.url.clone());
        self.answers.get(&request.url).cloned().unwrap_or_else(|| UpstreamResponse {
            status: 404,
            content_type: None,
            body: "no route".into(),
        })
    }
}

/// `GET /v1/events`: every provider, page by page, merged by date. A provider
/// that fails is named in `unavailable_providers`; the others still show.
fn load_catalogue(adapters: &Adapters, upstreams: &FakeUpstreams) -> EventList {
    let mut pages = Vec::new();
    let mut unavailable_providers = Vec::new();
    for adapter in adapters.all() {
        let mut provider_pages = Vec::new();
        let mut failed = false;
        for page in 1..=MAX_CATALOGUE_PAGES {
            let response = upstreams.fetch(&adapter.catalogue_request(page));
            match adapter.parse_catalogue_page(page, &response) {
                Ok(parsed) => {
                    provider_pages.push(parsed.events);
                    if !parsed.has_more {
                        break;
                    }
                }
                Err(_logged_not_shown) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            unavailable_providers.push(adapter.provider());
        } else {
            pages.extend(provider_pages);
        }
    }
    EventList { events: merge_catalogues(pages), unavailable_providers }
}

/// `GET /v1/events/{event_id}/shows/{show_id}/layout` (and `/availability`),
/// as a show's owner reads it: in rounds, with what the last read left.
fn load_hall(
    adapters: &Adapters,
    upstreams: &FakeUpstreams,
    raw_event_id: &str,
    raw_show_id: &str,
    memo: Option<&SeatingMemo>,
) -> Result<HallReadOutcome, ProxyError> {
    let event = parse_event_id(raw_event_id)?;
    let show_id = parse_show_id(&event, raw_show_id)?;
    let adapter = adapters.for_provider(event.provider);
    let mut read = adapter.hall_read(&event, &show_id, memo, NOW);
    let mut answers = Vec::new();
    for _ in 0..MAX_HALL_READ_ROUNDS {
        match read.step(answers)? {
            // The Worker runs each round's requests concurrently (join_all) and keeps the order.
            HallStep::Send(requests) => answers = requests.iter().map(|request| upstreams.fetch(request)).collect(),
            HallStep::Done(outcome) => return Ok(*outcome),
        }
    }
    Err(ProxyError::Internal)
}

/// Unix seconds: the glue passes its clock in.
const NOW: i64 = 1_800_000_000;

/// A TicketsCloud page of `count` copies of the documented event with fresh ids.
fn ticketscloud_page(count: usize, first_number: usize) -> String {
    let template: Value = serde_json::from_str::<Vec<Value>>(&fixture("ticketscloud/events_doc_example.json")).unwrap().remove(0);
    let events: Vec<Value> = (0..count)
        .map(|offset| {
            let mut copy = template.clone();
            copy["id"] = Value::from(format!("{:024x}", first_number + offset));
            copy
        })
        .collect();
    serde_json::to_string(&events).unwrap()
}

fn upstreams() -> FakeUpstreams {
    let qtickets = "http://127.0.0.1:8790/qtickets/api/partners/v1";
    let ticketscloud = "https://ticketscloud.com/v1";
    let answers = HashMap::from([
        (format!("{qtickets}/events/lists"), ok("qtickets/lists_doc_example.json")),
        (format!("{qtickets}/events/seats/12/21"), ok("qtickets/seats_doc_example.json")),
        (
            format!("{ticketscloud}/services/simple/events?page=1&page_size=100"),
            UpstreamResponse::json(200, ticketscloud_page(100, 1)),
        ),
        // Pages of any size: the listing ends at the first empty one.
        (
            format!("{ticketscloud}/services/simple/events?page=2&page_size=100"),
            UpstreamResponse::json(200, ticketscloud_page(1, 101)),
        ),
        (format!("{ticketscloud}/services/simple/events?page=3&page_size=100"), ok("ticketscloud/events_seated_and_odd.json")),
        (format!("{ticketscloud}/services/simple/events?page=4&page_size=100"), UpstreamResponse::json(200, "[]")),
        (format!("{ticketscloud}/resources/events/5b0d157f445143000114e321/tickets"), ok("ticketscloud/tickets_seated.json")),
    ]);
    FakeUpstreams { answers, asked: RefCell::new(Vec::new()) }
}

#[test]
fn the_catalogue_loop_reads_every_page_and_merges_by_date() {
    let upstreams = upstreams();
    let list = load_catalogue(&adapters(), &upstreams);
    // 101 copies and the 4 public events of the third page.
    assert_eq!(list.events.len(), 2 + 101 + 4);
    assert!(list.unavailable_providers.is_empty());
    let first_ids: Vec<&str> = list.events.iter().take(2).map(|event| event.id.as_str()).collect();
    assert_eq!(first_ids, ["qt:12", "qt:33"], "2018 QTickets shows before the 2019 TicketsCloud events");
    let asked = upstreams.asked.borrow();
    assert_eq!(asked.len(), 5, "one QTickets call, four TicketsCloud pages (the last one empty), no fifth: {asked:?}");
}

#[test]
fn the_seating_loop_validates_fetches_and_parses() {
    let upstreams = upstreams();
    let adapters = adapters();
    let qtickets_hall = load_hall(&adapters, &upstreams, "qt:12", "21", None).unwrap();
    assert_eq!(qtickets_hall.hall.layout.seats.len(), 15);
    assert_eq!(qtickets_hall.memo, None, "QTickets reads its hall in one round and keeps nothing");

    // A TicketsCloud event on the third listing page: its sets are found
    // page by page, then its tickets are read.
    let nutcracker = ("tc:5b0d157f445143000114e321", "5b0d157f445143000114e321");
    let asked_before = upstreams.asked.borrow().len();
    let first = load_hall(&adapters, &upstreams, nutcracker.0, nutcracker.1, None).unwrap();
    assert_eq!(first.hall.layout.seats.len(), 10);
    let asked: Vec<String> = upstreams.asked.borrow()[asked_before..].to_vec();
    assert_eq!(asked.len(), 4, "pages 1–3, then the tickets: {asked:?}");
    // The next read keeps the sets: the tickets only.
    let asked_before = upstreams.asked.borrow().len();
    let again = load_hall(&adapters, &upstreams, nutcracker.0, nutcracker.1, first.memo.as_ref()).unwrap();
    assert_eq!(again.hall, first.hall);
    let asked: Vec<String> = upstreams.asked.borrow()[asked_before..].to_vec();
    assert_eq!(asked, ["https://ticketscloud.com/v1/resources/events/5b0d157f445143000114e321/tickets"]);

    let failures = [
        ("qt:12/../1", "21", 400, "invalid_id"),
        ("qt:12", "%2e%2e", 400, "invalid_id"),
        ("tc:5b0d157f445143000114e321", "5b0d157f445143000114e322", 404, "show_not_found"),
        // Not served by the fake upstream: a bare 404 page, i.e. a wrong base URL.
        ("qt:99", "1", 502, "upstream_unavailable"),
    ];
    let asked_before = upstreams.asked.borrow().len();
    for (event_id, show_id, status, code) in failures {
        let error = load_hall(&adapters, &upstreams, event_id, show_id, None).unwrap_err();
        assert_eq!((error.status(), error.code()), (status, code), "{event_id}/{show_id}");
    }
    assert_eq!(upstreams.asked.borrow().len(), asked_before + 1, "invalid ids never reach an upstream");
}

#[test]
fn a_failing_provider_is_named_and_the_other_still_listed() {
    let mut upstreams = upstreams();
    upstreams.answers.insert(
        "https://ticketscloud.com/v1/services/simple/events?page=2&page_size=100".into(),
        UpstreamResponse { status: 503, content_type: None, body: "<html>maintenance</html>".into() },
    );
    let list = load_catalogue(&adapters(), &upstreams);
    let ids: Vec<&str> = list.events.iter().map(|event| event.id.as_str()).collect();
    assert_eq!(ids, ["qt:12", "qt:33"], "a half-read provider is left out whole");
    assert_eq!(list.unavailable_providers, [ticket_contract::Provider::Ticketscloud]);
}
