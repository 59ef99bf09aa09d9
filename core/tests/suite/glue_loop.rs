//! The Worker glue, in miniature: a fake transport stands in for `fetch`, and
//! the loops below are the shape the edge proxy should use. They show that the
//! core is data-in/data-out — ids validated, requests described, responses
//! parsed, errors mapped — with nothing left for the glue but IO and caching.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;
use ticket_contract::EventList;
use ticket_core::{
    merge_catalogues, parse_event_id, parse_show_id, Adapters, Hall, ProxyError, UpstreamRequest, UpstreamResponse,
    MAX_CATALOGUE_PAGES,
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

/// `GET /v1/events/{event_id}/shows/{show_id}/layout` (and `/availability`).
fn load_hall(adapters: &Adapters, upstreams: &FakeUpstreams, raw_event_id: &str, raw_show_id: &str) -> Result<Hall, ProxyError> {
    let event = parse_event_id(raw_event_id)?;
    let show_id = parse_show_id(&event, raw_show_id)?;
    let adapter = adapters.for_provider(event.provider);
    // The Worker runs these concurrently (join_all) and keeps the order.
    let responses: Vec<UpstreamResponse> =
        adapter.seating_requests(&event, &show_id).iter().map(|request| upstreams.fetch(request)).collect();
    Ok(adapter.parse_seating(&event, &show_id, &responses)?)
}

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
        (
            format!("{ticketscloud}/services/simple/events?page=2&page_size=100"),
            UpstreamResponse::json(200, ticketscloud_page(1, 101)),
        ),
        (format!("{ticketscloud}/services/simple/events?page=1&page_size=500"), ok("ticketscloud/events_seated_and_odd.json")),
        (format!("{ticketscloud}/resources/events/5b0d157f445143000114e321/tickets"), ok("ticketscloud/tickets_seated.json")),
    ]);
    FakeUpstreams { answers, asked: RefCell::new(Vec::new()) }
}

#[test]
fn the_catalogue_loop_reads_every_page_and_merges_by_date() {
    let upstreams = upstreams();
    let list = load_catalogue(&adapters(), &upstreams);
    assert_eq!(list.events.len(), 2 + 101);
    assert!(list.unavailable_providers.is_empty());
    let first_ids: Vec<&str> = list.events.iter().take(2).map(|event| event.id.as_str()).collect();
    assert_eq!(first_ids, ["qt:12", "qt:33"], "2018 QTickets shows before the 2019 TicketsCloud events");
    let asked = upstreams.asked.borrow();
    assert_eq!(asked.len(), 3, "one QTickets call, two TicketsCloud pages, no third: {asked:?}");
}

#[test]
fn the_seating_loop_validates_fetches_and_parses() {
    let upstreams = upstreams();
    let adapters = adapters();
    let qtickets_hall = load_hall(&adapters, &upstreams, "qt:12", "21").unwrap();
    assert_eq!(qtickets_hall.layout.seats.len(), 15);
    let ticketscloud_hall = load_hall(&adapters, &upstreams, "tc:5b0d157f445143000114e321", "5b0d157f445143000114e321").unwrap();
    assert_eq!(ticketscloud_hall.layout.seats.len(), 10);

    let failures = [
        ("qt:12/../1", "21", 400, "invalid_id"),
        ("qt:12", "%2e%2e", 400, "invalid_id"),
        ("tc:5b0d157f445143000114e321", "5b0d157f445143000114e322", 404, "show_not_found"),
        // Not served by the fake upstream: a bare 404 page, i.e. a wrong base URL.
        ("qt:99", "1", 502, "upstream_unavailable"),
    ];
    let asked_before = upstreams.asked.borrow().len();
    for (event_id, show_id, status, code) in failures {
        let error = load_hall(&adapters, &upstreams, event_id, show_id).unwrap_err();
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
