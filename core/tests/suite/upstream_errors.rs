//! Every way an upstream says "no" → our typed `UpstreamError` → the HTTP
//! status and public code the browser sees. One table per provider, each row
//! run through every parse function it applies to.

use ticket_core::{MissingThing, ProviderAdapter, ProxyError, UpstreamError, UpstreamResponse};

use super::support::{adapters, event, fixture, ok, TEST_KEY};

fn response(status: u16, body: &str) -> UpstreamResponse {
    UpstreamResponse { status, content_type: Some("application/json".into()), body: body.to_string() }
}

fn refused(code: &str) -> UpstreamError {
    UpstreamError::Refused { code: code.to_string() }
}

fn bad_response() -> UpstreamError {
    UpstreamError::BadResponse { what: String::new() }
}

/// `BadResponse` texts are descriptive; compare the variant only.
fn same_error(actual: &UpstreamError, expected: &UpstreamError) -> bool {
    match (actual, expected) {
        (UpstreamError::BadResponse { .. }, UpstreamError::BadResponse { .. }) => true,
        _ => actual == expected,
    }
}

const EVENT_NOT_FOUND: UpstreamError = UpstreamError::NotFound { what: MissingThing::Event };

#[test]
fn qtickets_errors_map_to_typed_errors_and_public_codes() {
    let html = fixture("qtickets/bad_gateway.html");
    let cases: Vec<(u16, String, UpstreamError, u16, &str)> = vec![
        // Errors with HTTP 200, as QTickets sends them.
        (
            200,
            fixture("qtickets/error_wrong_authorization.json"),
            UpstreamError::UpstreamRejectedKey,
            502,
            "upstream_misconfigured",
        ),
        (200, fixture("qtickets/error_event_not_found.json"), EVENT_NOT_FOUND, 404, "event_not_found"),
        (200, fixture("qtickets/error_seat_not_available.json"), refused("SEAT_NOT_AVAILABLE"), 502, "upstream_refused"),
        (200, fixture("qtickets/error_validation.json"), refused("VALIDATION_ERROR"), 502, "upstream_refused"),
        (200, r#"{"status":"error","code":"SEAT_NOT_FOUND"}"#.into(), refused("SEAT_NOT_FOUND"), 502, "upstream_refused"),
        (200, r#"{"status":"error","code":"TICKET_NOT_FOUND"}"#.into(), refused("TICKET_NOT_FOUND"), 502, "upstream_refused"),
        (200, r#"{"status":"error","code":"UNKNOWN_ERROR"}"#.into(), refused("UNKNOWN_ERROR"), 502, "upstream_refused"),
        (200, r#"{"status":"ERROR","code":"BRAND\nNEW"}"#.into(), refused("BRAND?NEW"), 502, "upstream_refused"),
        (200, r#"{"status":"error"}"#.into(), refused("unspecified"), 502, "upstream_refused"),
        // Non-2xx statuses.
        (
            503,
            fixture("qtickets/error_unknown_503.json"),
            UpstreamError::Unavailable { status: 503 },
            502,
            "upstream_unavailable",
        ),
        (502, html.clone(), UpstreamError::Unavailable { status: 502 }, 502, "upstream_unavailable"),
        (500, String::new(), UpstreamError::Unavailable { status: 500 }, 502, "upstream_unavailable"),
        (401, String::new(), UpstreamError::UpstreamRejectedKey, 502, "upstream_misconfigured"),
        (404, fixture("qtickets/error_event_not_found.json"), EVENT_NOT_FOUND, 404, "event_not_found"),
        // 2xx bodies we cannot read.
        (200, html, bad_response(), 502, "upstream_bad_response"),
        (200, r#"{"status":"success","result":[{"event_id":1"#.into(), bad_response(), 502, "upstream_bad_response"),
        (200, String::new(), bad_response(), 502, "upstream_bad_response"),
        (200, "null".into(), bad_response(), 502, "upstream_bad_response"),
        (200, "[0, 0, []]".into(), bad_response(), 502, "upstream_bad_response"),
        (200, r#"{"status":"success","result":"soon","zones":7}"#.into(), bad_response(), 502, "upstream_bad_response"),
    ];
    let adapters = adapters();
    let qt_event = event("qt:12");
    for (status, body, expected, public_status, public_code) in cases {
        let upstream = response(status, &body);
        let outcomes = [
            ("catalogue", adapters.qtickets.parse_catalogue_page(1, &upstream).err()),
            ("seating", adapters.qtickets.parse_seating(&qt_event, "21", std::slice::from_ref(&upstream)).err()),
        ];
        for (operation, outcome) in outcomes {
            let error = outcome.unwrap_or_else(|| panic!("{operation}: HTTP {status} {body:?} was accepted"));
            assert!(same_error(&error, &expected), "{operation}: HTTP {status} {body:?}: {error:?}, expected {expected:?}");
            let public = ProxyError::from(error);
            assert_eq!((public.status(), public.code()), (public_status, public_code), "{operation}: {body:?}");
        }
    }
}

#[test]
fn ticketscloud_errors_map_to_typed_errors_and_public_codes() {
    let html = fixture("qtickets/bad_gateway.html");
    let cases: Vec<(u16, String, UpstreamError, u16, &str)> = vec![
        (401, fixture("ticketscloud/error_unauthorized.json"), UpstreamError::UpstreamRejectedKey, 502, "upstream_misconfigured"),
        (401, r#"{"errors":["Unauthorized"]}"#.into(), UpstreamError::UpstreamRejectedKey, 502, "upstream_misconfigured"),
        (403, String::new(), UpstreamError::UpstreamRejectedKey, 502, "upstream_misconfigured"),
        (400, fixture("ticketscloud/error_event_not_found.json"), EVENT_NOT_FOUND, 404, "event_not_found"),
        (404, fixture("ticketscloud/error_event_not_found.json"), EVENT_NOT_FOUND, 404, "event_not_found"),
        (404, r#"{"errors":["Not found"]}"#.into(), EVENT_NOT_FOUND, 404, "event_not_found"),
        (404, html.clone(), UpstreamError::Unavailable { status: 404 }, 502, "upstream_unavailable"),
        (400, fixture("ticketscloud/error_deal_not_found.json"), refused("Deal not found"), 502, "upstream_refused"),
        (409, r#"{"errors":{"tickets":["Conflict"]}}"#.into(), refused("Conflict"), 502, "upstream_refused"),
        (422, String::new(), refused("http_422"), 502, "upstream_refused"),
        (429, String::new(), UpstreamError::Unavailable { status: 429 }, 502, "upstream_unavailable"),
        (500, String::new(), UpstreamError::Unavailable { status: 500 }, 502, "upstream_unavailable"),
        (502, html.clone(), UpstreamError::Unavailable { status: 502 }, 502, "upstream_unavailable"),
        (503, r#"{"errors":["maintenance"]}"#.into(), UpstreamError::Unavailable { status: 503 }, 502, "upstream_unavailable"),
        (301, String::new(), UpstreamError::Unavailable { status: 301 }, 502, "upstream_unavailable"),
        (200, html, bad_response(), 502, "upstream_bad_response"),
        (200, r#"[{"id":"5d31fbdd27649b0dff076117","#.into(), bad_response(), 502, "upstream_bad_response"),
        (200, String::new(), bad_response(), 502, "upstream_bad_response"),
        (200, "null".into(), bad_response(), 502, "upstream_bad_response"),
        (200, r#"{"errors":["Event x not found"]}"#.into(), bad_response(), 502, "upstream_bad_response"),
        (200, r#"{"data":{"not":"a list"}}"#.into(), bad_response(), 502, "upstream_bad_response"),
    ];
    let adapters = adapters();
    let event_id = "5d31fbdd27649b0dff076117";
    let tc_event = event(&format!("tc:{event_id}"));
    let good_events = ok("ticketscloud/events_doc_example.json");
    let good_tickets = ok("ticketscloud/tickets_doc_example.json");
    for (status, body, expected, public_status, public_code) in cases {
        let upstream = response(status, &body);
        let outcomes = [
            ("catalogue", adapters.ticketscloud.parse_catalogue_page(1, &upstream).err()),
            (
                "seating: events",
                adapters.ticketscloud.parse_seating(&tc_event, event_id, &[upstream.clone(), good_tickets.clone()]).err(),
            ),
            (
                "seating: tickets",
                adapters.ticketscloud.parse_seating(&tc_event, event_id, &[good_events.clone(), upstream.clone()]).err(),
            ),
        ];
        for (operation, outcome) in outcomes {
            let error = outcome.unwrap_or_else(|| panic!("{operation}: HTTP {status} {body:?} was accepted"));
            assert!(same_error(&error, &expected), "{operation}: HTTP {status} {body:?}: {error:?}, expected {expected:?}");
            let public = ProxyError::from(error);
            assert_eq!((public.status(), public.code()), (public_status, public_code), "{operation}: {body:?}");
        }
    }
}

#[test]
fn a_wrong_number_of_responses_is_a_bad_response_not_a_panic() {
    let adapters = adapters();
    let qt_event = event("qt:12");
    let tc_event = event("tc:5d31fbdd27649b0dff076117");
    let one = ok("qtickets/seats_doc_example.json");
    assert!(matches!(adapters.qtickets.parse_seating(&qt_event, "21", &[]), Err(UpstreamError::BadResponse { .. })));
    assert!(matches!(
        adapters.qtickets.parse_seating(&qt_event, "21", &[one.clone(), one.clone()]),
        Err(UpstreamError::BadResponse { .. })
    ));
    assert!(matches!(
        adapters.ticketscloud.parse_seating(&tc_event, "5d31fbdd27649b0dff076117", &[one]),
        Err(UpstreamError::BadResponse { .. })
    ));
}

#[test]
fn public_error_bodies_never_carry_upstream_text_or_keys() {
    let body_with_secrets = format!(r#"{{"status":"error","code":"Bearer {TEST_KEY}","message":"secret detail"}}"#);
    let error = adapters().qtickets.parse_catalogue_page(1, &response(200, &body_with_secrets)).unwrap_err();
    let public = serde_json::to_string(&ProxyError::from(error).to_body()).unwrap();
    assert!(!public.contains(TEST_KEY) && !public.contains("secret detail") && !public.contains("Bearer"), "{public}");
}
