//! No upstream answer can crash the proxy: garbage, HTML, truncated JSON,
//! mutated bytes and documents whose every field has the wrong type go through
//! every parse function. Each must return an error or a hall that satisfies
//! all layout invariants — never panic.

use serde_json::Value;
use ticket_core::{parse_event_id, parse_show_id, ProviderAdapter, UpstreamError, UpstreamResponse};

use super::support::{adapters, assert_hall_is_consistent, event, fixture, ok};

const TC_EVENT: &str = "5b0d157f445143000114e321";

/// What one parse function made of a body: `Ok(seat count)` or the error.
type Outcome = Result<usize, UpstreamError>;

/// Runs `response` through every parse function (both positions of the two
/// TicketsCloud seating responses), checking halls that come out.
fn through_every_parser(response: &UpstreamResponse) -> Vec<(&'static str, Outcome)> {
    let adapters = adapters();
    let qt_event = event("qt:12");
    let tc_event = event(&format!("tc:{TC_EVENT}"));
    let good_events = ok("ticketscloud/events_seated_and_odd.json");
    let good_tickets = ok("ticketscloud/tickets_seated.json");
    let hall_outcome = |result: Result<ticket_core::Hall, UpstreamError>| {
        result.map(|hall| {
            assert_hall_is_consistent(&hall);
            hall.layout.seats.len()
        })
    };
    vec![
        ("qtickets catalogue", adapters.qtickets.parse_catalogue_page(1, response).map(|page| page.events.len())),
        ("qtickets seating", hall_outcome(adapters.qtickets.parse_seating(&qt_event, "21", std::slice::from_ref(response)))),
        ("ticketscloud catalogue", adapters.ticketscloud.parse_catalogue_page(1, response).map(|page| page.events.len())),
        (
            "ticketscloud seating (events)",
            hall_outcome(adapters.ticketscloud.parse_seating(&tc_event, TC_EVENT, &[response.clone(), good_tickets])),
        ),
        (
            "ticketscloud seating (tickets)",
            hall_outcome(adapters.ticketscloud.parse_seating(&tc_event, TC_EVENT, &[good_events, response.clone()])),
        ),
    ]
}

fn all_fixtures() -> Vec<String> {
    [
        "qtickets/lists_doc_example.json",
        "qtickets/lists_cities_and_odd_rows.json",
        "qtickets/lists_rest_shape.json",
        "qtickets/seats_doc_example.json",
        "qtickets/seats_object_keyed.json",
        "qtickets/seats_live_report.json",
        "qtickets/sim_seats_keyed_trimmed.json",
        "ticketscloud/events_doc_example.json",
        "ticketscloud/events_seated_and_odd.json",
        "ticketscloud/tickets_seated.json",
        "ticketscloud/sim_events.json",
    ]
    .iter()
    .map(|path| fixture(path))
    .collect()
}

#[test]
fn garbage_bodies_are_errors_for_every_parser_and_status() {
    let deep_arrays = "[".repeat(100_000);
    let deep_objects = r#"{"zones":"#.repeat(10_000);
    let huge_number = "9".repeat(5_000);
    let garbage: Vec<String> = vec![
        String::new(),
        " \n\t".into(),
        "null".into(),
        "true".into(),
        "0".into(),
        "-1e999".into(),
        huge_number,
        "\"just text\"".into(),
        "{".into(),
        "[".into(),
        "{{{{".into(),
        "\u{feff}{}x".into(),
        "\u{0}\u{1}\u{2}".into(),
        "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
        "<?xml version=\"1.0\"?><error/>".into(),
        "{\"result\": [1, 2, 3".into(),
        deep_arrays,
        deep_objects,
        fixture("qtickets/bad_gateway.html"),
    ];
    for body in &garbage {
        for status in [200, 201, 204, 400, 401, 404, 409, 500, 502, 503] {
            let response = UpstreamResponse { status, content_type: Some("text/html".into()), body: body.clone() };
            for (parser, outcome) in through_every_parser(&response) {
                let preview: String = body.chars().take(40).collect();
                assert!(outcome.is_err(), "{parser}: HTTP {status} {preview:?} was accepted: {outcome:?}");
                if (200..300).contains(&status) {
                    assert!(
                        matches!(outcome, Err(UpstreamError::BadResponse { .. })),
                        "{parser}: HTTP {status} {preview:?}: {outcome:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_truncation_of_every_fixture_is_a_bad_response() {
    for body in all_fixtures() {
        let boundaries: Vec<usize> = body.char_indices().map(|(index, _)| index).collect();
        let step = (boundaries.len() / 150).max(1);
        for &cut in boundaries.iter().step_by(step).chain(boundaries.last()) {
            let truncated = &body[..cut];
            let response = UpstreamResponse::json(200, truncated);
            for (parser, outcome) in through_every_parser(&response) {
                assert!(
                    matches!(outcome, Err(UpstreamError::BadResponse { .. })),
                    "{parser}: cut at {cut} of {} bytes: {outcome:?}",
                    body.len()
                );
            }
        }
    }
}

/// A tiny deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    const REPLACEMENTS: &[char] = &['{', '}', '[', ']', '"', ':', ',', '0', '9', '-', '.', 'e', 'n', ' ', '\\', 'я'];
    let mut random = Lcg(0x5eed);
    let mut accepted = 0;
    let mut refused = 0;
    for body in all_fixtures() {
        let characters: Vec<char> = body.chars().collect();
        for _ in 0..150 {
            let mut mutated = characters.clone();
            for _ in 0..=random.next(3) {
                let position = random.next(mutated.len());
                mutated[position] = REPLACEMENTS[random.next(REPLACEMENTS.len())];
            }
            let response = UpstreamResponse::json(200, mutated.into_iter().collect::<String>());
            for (_, outcome) in through_every_parser(&response) {
                if outcome.is_ok() {
                    accepted += 1
                } else {
                    refused += 1
                }
            }
        }
    }
    // Both kinds occur: mutations inside strings keep documents readable,
    // mutations of structure break them.
    assert!(accepted > 0 && refused > 0, "accepted {accepted}, refused {refused}");
}

/// Replaces every leaf (and some containers) with a value of another type.
fn retype(value: &Value, variant: usize, depth: usize) -> Value {
    match value {
        Value::Object(map) => {
            if depth > 0 && variant % 3 == 2 && depth % 2 == 0 {
                return Value::Array(map.values().map(|inner| retype(inner, variant, depth + 1)).collect());
            }
            Value::Object(map.iter().map(|(key, inner)| (key.clone(), retype(inner, variant, depth + 1))).collect())
        }
        Value::Array(items) => {
            if variant % 3 == 1 && depth % 2 == 1 {
                return Value::Object(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, inner)| (index.to_string(), retype(inner, variant, depth + 1)))
                        .collect(),
                );
            }
            Value::Array(items.iter().map(|inner| retype(inner, variant, depth + 1)).collect())
        }
        Value::String(text) => match variant % 4 {
            0 => Value::Bool(true),
            1 => Value::from(-(text.len() as i64)),
            2 => Value::Array(vec![Value::String(text.clone())]),
            _ => Value::Null,
        },
        Value::Number(number) => match variant % 4 {
            0 => Value::String(format!("{number}x")),
            1 => Value::from(f64::MAX),
            2 => serde_json::json!({ "value": number }),
            _ => Value::from(-1),
        },
        Value::Bool(flag) => match variant % 2 {
            0 => Value::String(flag.to_string()),
            _ => serde_json::json!([flag]),
        },
        Value::Null => match variant % 2 {
            0 => Value::from(0),
            _ => serde_json::json!({}),
        },
    }
}

#[test]
fn documents_with_wrongly_typed_fields_never_panic() {
    for body in all_fixtures() {
        let document: Value = serde_json::from_str(&body).unwrap();
        for variant in 0..12 {
            let response = UpstreamResponse::json(200, retype(&document, variant, 0).to_string());
            for (parser, outcome) in through_every_parser(&response) {
                // Accepted documents were checked for consistency inside.
                if let Err(error) = outcome {
                    assert!(
                        matches!(
                            error,
                            UpstreamError::BadResponse { .. } | UpstreamError::NotFound { .. } | UpstreamError::Refused { .. }
                        ),
                        "{parser}, variant {variant}: {error:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn random_ids_never_panic_and_accepted_ones_round_trip() {
    const ALPHABET: &[char] =
        &['q', 't', 'c', ':', '0', '1', '9', 'a', 'f', 'F', 'g', '/', '.', '%', '\\', ' ', '\u{0}', 'е', '１'];
    let mut random = Lcg(42);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let length = random.next(40);
        let raw: String = (0..length).map(|_| ALPHABET[random.next(ALPHABET.len())]).collect();
        let candidates = [raw.clone(), format!("qt:{raw}"), format!("tc:{raw}")];
        for candidate in candidates {
            if let Ok(parsed) = parse_event_id(&candidate) {
                accepted += 1;
                assert!(parsed.upstream_id.bytes().all(|byte| byte.is_ascii_alphanumeric()), "{candidate:?}");
                assert_eq!(parse_event_id(&parsed.public_id()), Ok(parsed.clone()));
                let _ = parse_show_id(&parsed, &raw);
            }
        }
    }
    assert!(accepted > 0, "some random ids are valid");
}
