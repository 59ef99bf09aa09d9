//! What the adapters ask the upstreams for: method, URL, headers — and that
//! the key is only in `Authorization` and never in `Debug` output.

use ticket_core::{Adapters, HttpMethod, ProviderAdapter, UpstreamConfig, UpstreamRequest};

use super::support::{adapters, event, TEST_KEY};

/// Adapter, the requests it built, the expected `METHOD url` lines, and the
/// expected `Authorization` value.
type RequestCase<'a> = (&'a dyn ProviderAdapter, Vec<UpstreamRequest>, &'a [&'a str], String);

fn summary(request: &UpstreamRequest) -> String {
    format!("{} {}", request.method.as_str(), request.url)
}

#[test]
fn requests_are_built_from_the_base_url_and_validated_ids() {
    let adapters = adapters();
    let qtickets_event = event("qt:12");
    let ticketscloud_event = event("tc:5D31FBDD27649B0DFF076117");
    let cases: Vec<RequestCase<'_>> = vec![
        (
            &adapters.qtickets,
            vec![adapters.qtickets.catalogue_request(1), adapters.qtickets.catalogue_request(2)],
            &[
                "GET http://127.0.0.1:8790/qtickets/api/partners/v1/events/lists",
                "GET http://127.0.0.1:8790/qtickets/api/partners/v1/events/lists",
            ],
            format!("Bearer {TEST_KEY}"),
        ),
        (
            &adapters.qtickets,
            adapters.qtickets.seating_requests(&qtickets_event, "21"),
            &["GET http://127.0.0.1:8790/qtickets/api/partners/v1/events/seats/12/21"],
            format!("Bearer {TEST_KEY}"),
        ),
        (
            &adapters.ticketscloud,
            vec![adapters.ticketscloud.catalogue_request(1), adapters.ticketscloud.catalogue_request(3)],
            &[
                "GET https://ticketscloud.com/v1/services/simple/events?page=1&page_size=100",
                "GET https://ticketscloud.com/v1/services/simple/events?page=3&page_size=100",
            ],
            format!("key {TEST_KEY}"),
        ),
        (
            &adapters.ticketscloud,
            adapters.ticketscloud.seating_requests(&ticketscloud_event, "5d31fbdd27649b0dff076117"),
            &[
                "GET https://ticketscloud.com/v1/services/simple/events?page=1&page_size=100",
                "GET https://ticketscloud.com/v1/resources/events/5d31fbdd27649b0dff076117/tickets",
            ],
            format!("key {TEST_KEY}"),
        ),
    ];
    for (adapter, requests, expected, authorization) in cases {
        let actual: Vec<String> = requests.iter().map(summary).collect();
        assert_eq!(actual, expected, "{:?}", adapter.provider());
        for request in &requests {
            assert_eq!(request.method, HttpMethod::Get);
            assert_eq!(request.header("authorization"), Some(authorization.as_str()));
            assert_eq!(request.header("accept"), Some("application/json"));
            assert_eq!(request.body, None);
            assert!(!request.url.contains(TEST_KEY), "the key is never in a URL");
            let printed = format!("{request:?} {request:#?}");
            assert!(!printed.contains(TEST_KEY), "the key is redacted from Debug: {printed}");
        }
    }
}

#[test]
fn adapters_and_configs_never_print_the_key() {
    let adapters = adapters();
    for printed in [format!("{adapters:?}"), format!("{adapters:#?}")] {
        assert!(!printed.contains(TEST_KEY), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}

#[test]
fn the_glue_picks_the_adapter_by_provider() {
    let adapters = Adapters::new(
        UpstreamConfig { base_url: "http://q".into(), api_key: "a".into() },
        UpstreamConfig { base_url: "http://t".into(), api_key: "b".into() },
    );
    for public_id in ["qt:1", "tc:5d31fbdd27649b0dff076117"] {
        let event = event(public_id);
        assert_eq!(adapters.for_provider(event.provider).provider(), event.provider);
    }
    assert_eq!(adapters.all().len(), 2);
}
