//! `contract/openapi.json` as a test oracle: validates JSON values against its
//! schemas, and real responses against what it says about their route and
//! status (body schema, required headers).
//!
//! The document is hand-written; these checks are what keeps it true. The unit
//! tests below run natively (no stack): the document is well-formed OpenAPI
//! 3.1, every `$ref` resolves, its examples and values serialised from the
//! real `ticket-contract` types validate, wrong values do not, and its error
//! codes are exactly the stable ones, each under the right HTTP status. The
//! live side is `tests/openapi.rs`.
//!
//! Validation is JSON Schema draft 2020-12 (OpenAPI 3.1's dialect) by the
//! `jsonschema` crate. A schema fragment is validated inside a root that
//! carries the document's `components`, so `#/components/…` references
//! resolve against the whole document.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::Reply;

/// The document, as the proxy serves it at `/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../../../contract/openapi.json");

/// The parsed document.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::from_str(OPENAPI_JSON).unwrap_or_else(|error| panic!("contract/openapi.json is not JSON: {error}"))
    })
}

/// Follows `{"$ref": "#/…"}` (repeatedly) to the object it names.
pub fn resolve(value: &Value) -> &Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { return current };
        current = lookup(reference).unwrap_or_else(|| panic!("unresolved $ref {reference}"));
    }
    panic!("$ref chain too long at {value}")
}

/// The value a local reference (`#/components/schemas/Hold`) points at.
pub fn lookup(reference: &str) -> Option<&'static Value> {
    document().pointer(reference.strip_prefix('#')?)
}

/// Every way `instance` fails `schema` (a schema fragment of the document,
/// e.g. `{"$ref":"#/components/schemas/Hold"}`), one line each; empty if valid.
pub fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document()["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("schema {schema} does not compile: {error}"));
    validator.iter_errors(instance).map(|error| format!("at `{}`: {error}", error.instance_path())).collect()
}

/// Fails unless `value` is valid against `#/components/schemas/<schema>`.
pub fn assert_matches(schema: &str, value: &Value) {
    let reference = format!("#/components/schemas/{schema}");
    assert!(lookup(&reference).is_some(), "no schema {schema} in contract/openapi.json");
    let errors = schema_errors(&json!({ "$ref": reference }), value);
    assert!(errors.is_empty(), "not a valid {schema}:\n  {}\nvalue: {}", errors.join("\n  "), shorten(value));
}

/// Whether `value` is valid against `#/components/schemas/<schema>`.
pub fn matches(schema: &str, value: &Value) -> bool {
    schema_errors(&json!({ "$ref": format!("#/components/schemas/{schema}") }), value).is_empty()
}

/// The path template of the document that a concrete path (no query) falls
/// under, e.g. `/v1/holds/h_…/confirm` → `/v1/holds/{hold_id}/confirm`.
pub fn path_template(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    document()["paths"].as_object()?.keys().map(String::as_str).find(|template| {
        let template_segments: Vec<&str> = template.split('/').collect();
        template_segments.len() == segments.len()
            && template_segments.iter().zip(&segments).all(|(expected, actual)| {
                (expected.starts_with('{') && expected.ends_with('}') && !actual.is_empty()) || expected == actual
            })
    })
}

/// The response object (references followed) the document gives for
/// `method` on `path_template` with `status`; `None` if it documents none.
pub fn response_object(method: &str, path_template: &str, status: u16) -> Option<&'static Value> {
    let operation = document()["paths"].get(path_template)?.get(method.to_ascii_lowercase())?;
    Some(resolve(operation["responses"].get(status.to_string())?))
}

/// The JSON schema (a fragment, possibly a `$ref`) of the `application/json`
/// body the document gives for this route and status. `None` if the route or
/// status is not documented, or the response has no JSON body (`304`).
pub fn response_schema(method: &str, path_template: &str, status: u16) -> Option<Value> {
    response_object(method, path_template, status)?.pointer("/content/application~1json/schema").cloned()
}

/// `(name, required, schema)` of every header the response documents.
pub fn response_headers(response: &Value) -> Vec<(String, bool, Value)> {
    let Some(headers) = response.get("headers").and_then(Value::as_object) else { return Vec::new() };
    headers
        .iter()
        .map(|(name, header)| {
            let header = resolve(header);
            (name.clone(), header["required"] == json!(true), header["schema"].clone())
        })
        .collect()
}

/// Checks a real response against the document: its status is documented for
/// this method and path, its body matches that status's schema, and every
/// header the document requires is present with a value its schema accepts.
/// A path the document does not have must be the generic `404 not_found`, a
/// method it does not have on a path the generic `405 method_not_allowed`.
pub fn assert_documented(method: &str, path: &str, reply: &Reply) {
    let context = format!("{method} {path} → {}", reply.status);
    let generic = |name: &str, status: u16| {
        assert_eq!(reply.status, status, "{context}: expected the generic {name}: {}", reply.body);
        lookup(&format!("#/components/responses/{name}")).unwrap_or_else(|| panic!("no {name} response"))
    };
    let response = match path_template(path) {
        Some(template) if document()["paths"][template].get(method.to_ascii_lowercase()).is_none() => {
            generic("MethodNotAllowed", 405)
        }
        Some(template) => response_object(method, template, reply.status).unwrap_or_else(|| {
            panic!("{context}: the document has no {} response for {method} {template}; body: {}", reply.status, reply.body)
        }),
        None => generic("RouteNotFound", 404),
    };
    for (name, required, schema) in response_headers(response) {
        match reply.header(&name) {
            Some(text) => {
                let value = if resolve(&schema)["type"] == json!("integer") {
                    text.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(text))
                } else {
                    Value::from(text)
                };
                let errors = schema_errors(&schema, &value);
                assert!(errors.is_empty(), "{context}: header {name}: {text:?} is not as documented: {}", errors.join("; "));
            }
            None => assert!(!required, "{context}: documented header {name} is missing; headers: {:?}", reply.headers),
        }
    }
    match response.pointer("/content/application~1json/schema") {
        Some(schema) => {
            let content_type = reply.header("Content-Type").unwrap_or_default();
            assert!(content_type.starts_with("application/json"), "{context}: Content-Type {content_type:?}");
            let errors = schema_errors(schema, &reply.json());
            assert!(
                errors.is_empty(),
                "{context}: the body is not as documented:\n  {}\nbody: {}",
                errors.join("\n  "),
                shorten(&reply.json())
            );
        }
        None => match response.pointer("/content/image~1svg+xml") {
            // The painted hall: an SVG document, its markup checked by the tests that use it.
            Some(_) => {
                let content_type = reply.header("Content-Type").unwrap_or_default();
                assert!(content_type.starts_with("image/svg+xml"), "{context}: Content-Type {content_type:?}");
                assert!(reply.body.starts_with("<svg "), "{context}: not an SVG: {}", &reply.body[..reply.body.len().min(200)]);
            }
            None => assert!(reply.body.is_empty(), "{context}: the document says no body, got {}", reply.body),
        },
    }
}

fn shorten(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(600) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use ticket_contract::{
        availability_bits, Admission, AdmissionAvailability, Buyer, Currency, ErrorBody, ErrorDetail, EventList, EventSummary,
        Geometry, Hold, HoldItem, HoldState, IssuedTicket, Label, Layout, Money, Provider, Seat, ShowSummary, Venue, Zone,
    };

    /// A contract value as the proxy puts it on the wire.
    macro_rules! value_of {
        ($value:expr) => {
            serde_json::to_value($value).unwrap()
        };
    }

    /// The stable codes of issue 4's spec and the status each is answered with
    /// (`ticket_core::errors::ProxyError::status`).
    const STABLE_CODES: &[(&str, u16)] = &[
        ("invalid_id", 400),
        ("invalid_parameter", 400),
        ("invalid_body", 400),
        ("partner_key_missing", 401),
        ("partner_key_unknown", 401),
        ("partner_key_revoked", 401),
        ("secret_key_required", 401),
        ("public_key_not_allowed", 403),
        ("origin_not_allowed", 403),
        ("event_not_allowed", 403),
        ("event_not_found", 404),
        ("show_not_found", 404),
        ("not_found", 404),
        ("hold_not_found", 404),
        ("method_not_allowed", 405),
        ("upgrade_required", 426),
        ("seat_unavailable", 409),
        ("seat_not_for_sale", 409),
        ("hold_not_active", 409),
        ("hold_expired", 410),
        ("refund_not_supported", 409),
        ("refund_already_requested", 409),
        ("rate_limited", 429),
        ("proxy_misconfigured", 500),
        ("internal", 500),
        ("upstream_unavailable", 502),
        ("upstream_bad_response", 502),
        ("upstream_refused", 502),
        ("upstream_misconfigured", 502),
        ("upstream_busy", 503),
        ("upstream_timeout", 504),
        ("price_changed", 409),
        ("promocode_invalid", 422),
        ("promocode_expired", 422),
        ("promocode_exhausted", 422),
        ("promocode_not_applicable", 422),
        ("promocode_not_supported", 409),
        ("payload_too_large", 413),
        ("too_many_active_holds", 429),
        ("show_holds_limit", 429),
        ("temporarily_unavailable", 503),
    ];

    /// Every operation the proxy has: (method, path template, success status).
    const OPERATIONS: &[(&str, &str, u16)] = &[
        ("get", "/v1/events", 200),
        ("get", "/v1/events/{event_id}/shows/{show_id}/layout", 200),
        ("get", "/v1/events/{event_id}/shows/{show_id}/availability", 200),
        ("get", "/v1/events/{event_id}/shows/{show_id}/paint", 200),
        ("get", "/v1/events/{event_id}/shows/{show_id}/first-frame", 200),
        ("get", "/v1/events/{event_id}/shows/{show_id}/live", 101),
        ("post", "/v1/holds", 201),
        ("get", "/v1/holds/{hold_id}", 200),
        ("patch", "/v1/holds/{hold_id}", 200),
        ("delete", "/v1/holds/{hold_id}", 200),
        ("post", "/v1/holds/{hold_id}/release", 200),
        ("post", "/v1/holds/{hold_id}/confirm", 200),
        ("post", "/v1/holds/{hold_id}/refund", 200),
        ("get", "/v1/openapi.json", 200),
        ("get", "/healthz", 200),
    ];

    /// Routes without a key or a rate limit.
    const OPEN_ROUTES: &[&str] = &["/v1/openapi.json", "/healthz"];

    fn rub(minor: i64) -> Money {
        Money { minor, currency: Currency::Rub }
    }

    fn event_list() -> EventList {
        EventList {
            events: vec![
                EventSummary {
                    id: "qt:1001".into(),
                    provider: Provider::Qtickets,
                    title: "Щелкунчик".into(),
                    venue: Venue {
                        name: "Кремлёвский дворец".into(),
                        address: Some("ул. Воздвиженка, 1".into()),
                        city: "Москва".into(),
                        timezone: "Europe/Moscow".into(),
                    },
                    shows: vec![
                        ShowSummary { id: "2001".into(), starts_at: "2027-03-14T19:00:00+03:00".into() },
                        ShowSummary { id: "2002".into(), starts_at: "2027-03-15T12:00:00+03:00".into() },
                    ],
                    price_from: None,
                },
                EventSummary {
                    id: "tc:5f1a0c0e2b3c4d5e6f708192".into(),
                    provider: Provider::Ticketscloud,
                    title: "Лебединое озеро".into(),
                    venue: Venue {
                        name: "Приморская сцена".into(),
                        address: None,
                        city: "Владивосток".into(),
                        timezone: "Asia/Vladivostok".into(),
                    },
                    shows: vec![ShowSummary {
                        id: "5f1a0c0e2b3c4d5e6f708192".into(),
                        starts_at: "2027-04-02T19:00:00+10:00".into(),
                    }],
                    price_from: Some(rub(150_000)),
                },
            ],
            unavailable_providers: Vec::new(),
        }
    }

    fn layout(geometry: Geometry) -> Layout {
        Layout {
            event_id: "tc:5f1a0c0e2b3c4d5e6f708192".into(),
            show_id: "5f1a0c0e2b3c4d5e6f708192".into(),
            version: "9c1d2e3f4a5b6c7d".into(),
            width: 640.0,
            height: 380.5,
            geometry,
            zones: vec![
                Zone {
                    id: "64b7c1d2e3f4a5b6c7d8e901".into(),
                    name: "Партер VIP".into(),
                    price_min: rub(500_000),
                    price_max: rub(500_000),
                },
                Zone {
                    id: "64b7c1d2e3f4a5b6c7d8e904".into(),
                    name: "Танцпол".into(),
                    price_min: rub(150_000),
                    price_max: rub(150_000),
                },
            ],
            seats: (1..=10)
                .map(|place| Seat {
                    id: format!("64b7c1d2e3f4a5b6c7d8{place:04x}"),
                    zone: 0,
                    row: "1".into(),
                    place: place.to_string(),
                    x: 40.0 + 12.5 * place as f32,
                    y: 40.0,
                    price: rub(500_000),
                })
                .collect(),
            admissions: vec![Admission { id: "64b7c1d2e3f4a5b6c7d8e904".into(), zone: 1, price: rub(150_000) }],
            labels: vec![Label { text: "Партер VIP".into(), x: 100.0, y: 20.0 }],
            accepts_promocodes: true,
        }
    }

    fn availability() -> ticket_contract::Availability {
        let flags: Vec<bool> = (0..10).map(|index| index % 3 != 1).collect();
        ticket_contract::Availability {
            event_id: "tc:5f1a0c0e2b3c4d5e6f708192".into(),
            show_id: "5f1a0c0e2b3c4d5e6f708192".into(),
            layout_version: "9c1d2e3f4a5b6c7d".into(),
            seats_available: availability_bits::encode(&flags),
            admissions: vec![AdmissionAvailability { id: "64b7c1d2e3f4a5b6c7d8e904".into(), quantity_left: 0 }],
            revision: 0,
            stale: false,
        }
    }

    fn hold(state: HoldState) -> Hold {
        let paid = state == HoldState::Confirmed;
        Hold {
            id: "h_0123456789abcdef0123456789abcdef".into(),
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            state,
            items: vec![
                HoldItem::Seat {
                    seat_id: "1-4;12".into(),
                    zone_name: "Партер".into(),
                    row: "4".into(),
                    place: "12".into(),
                    price: rub(350_050),
                },
                HoldItem::Admission {
                    admission_id: "tancevalnyj-parter-1;1".into(),
                    zone_name: "Танцпол".into(),
                    quantity: 2,
                    unit_price: rub(200_000),
                },
            ],
            total: rub(750_050),
            expires_at: "2027-03-01T12:15:00Z".into(),
            buyer: paid.then(|| Buyer {
                name: "Анна Иванова".into(),
                email: "anna@пример.рф".into(),
                phone: "+79161234567".into(),
            }),
            tickets: if paid {
                vec![
                    IssuedTicket {
                        item_id: "1-4;12".into(),
                        zone_name: "Партер".into(),
                        row: Some("4".into()),
                        place: Some("12".into()),
                        barcode: "4601234567890".into(),
                        ..IssuedTicket::default()
                    },
                    IssuedTicket {
                        item_id: "tancevalnyj-parter-1;1".into(),
                        zone_name: "Танцпол".into(),
                        barcode: "4601234567891".into(),
                        ..IssuedTicket::default()
                    },
                ]
            } else {
                Vec::new()
            },
            tickets_pending: false,
            refund: None,
            promocode: None,
            details_withheld: false,
        }
    }

    /// A held hold with a promo code, priced as the upstream said.
    fn discounted_hold() -> Hold {
        Hold {
            total: rub(675_045),
            promocode: Some(ticket_contract::AppliedPromocode {
                code: "SALE10".into(),
                total_before_discount: rub(750_050),
                discount: rub(75_005),
                items: vec![
                    ticket_contract::ItemDiscount { item_id: "1-4;12".into(), discount: rub(35_005) },
                    ticket_contract::ItemDiscount { item_id: "tancevalnyj-parter-1;1".into(), discount: rub(40_000) },
                ],
            }),
            ..hold(HoldState::Held)
        }
    }

    /// A confirmed TicketsCloud hold with a complete ticket and a refund.
    fn refunded_hold() -> Hold {
        let mut hold = hold(HoldState::Confirmed);
        hold.tickets.truncate(1);
        hold.tickets[0].serial = Some("SWL".into());
        hold.tickets[0].number = Some("510005".into());
        hold.tickets[0].price = Some(rub(520_000));
        hold.tickets[0].event = Some(ticket_contract::TicketEvent {
            title: "Лебединое озеро".into(),
            starts_at: "2027-04-15T19:00:00+03:00".into(),
            venue: Venue {
                name: "Мариинский театр".into(),
                address: Some("Театральная площадь, 1".into()),
                city: "Санкт-Петербург".into(),
                timezone: "Europe/Moscow".into(),
            },
        });
        hold.tickets[0].organiser = Some(ticket_contract::Organiser {
            name: "ООО «Премьера»".into(),
            inn: Some("7701234567".into()),
            ogrn: Some("1027700000001".into()),
            ogrnip: None,
            address: Some("г. Москва, ул. Примерная, д. 1".into()),
        });
        hold.refund = Some(ticket_contract::Refund {
            state: ticket_contract::RefundState::InProgress,
            tickets: vec!["4601234567890".into()],
        });
        hold
    }

    fn error(code: &str, field: Option<&str>, unavailable: &[&str]) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message: "A fixed English message.".into(),
                field: field.map(str::to_string),
                unavailable: unavailable.iter().map(|id| id.to_string()).collect(),
            },
        }
    }

    /// Every `"$ref"` string anywhere under `value`, with where it was found.
    fn references(value: &Value, at: String, found: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if key == "$ref" {
                        found.push((at.clone(), child.as_str().unwrap_or_default().to_owned()));
                    } else {
                        references(child, format!("{at}/{key}"), found);
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    references(child, format!("{at}/{index}"), found);
                }
            }
            _ => {}
        }
    }

    /// The error codes a (resolved) response allows: the `enum` it narrows
    /// `ErrorBody` to, or every code when it uses `ErrorBody` as is.
    fn codes_of(response: &Value) -> Option<BTreeSet<String>> {
        let schema = response.pointer("/content/application~1json/schema")?;
        let narrowed = schema.pointer("/allOf/1/properties/error/properties/code/enum");
        let based_on_error_body = schema.get("$ref") == Some(&json!("#/components/schemas/ErrorBody"))
            || schema.pointer("/allOf/0/$ref") == Some(&json!("#/components/schemas/ErrorBody"));
        if !based_on_error_body {
            return None;
        }
        Some(match narrowed {
            Some(codes) => codes.as_array().unwrap().iter().map(|code| code.as_str().unwrap().to_owned()).collect(),
            None => STABLE_CODES.iter().map(|(code, _)| code.to_string()).collect(),
        })
    }

    fn operations() -> Vec<(String, String, &'static Value)> {
        let mut found = Vec::new();
        for (path, item) in document()["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if method != "parameters" {
                    found.push((method.clone(), path.clone(), operation));
                }
            }
        }
        found
    }

    #[test]
    fn the_document_is_openapi_3_1_with_every_route() {
        let document = document();
        assert_eq!(document["openapi"], "3.1.0");
        assert!(document["info"]["title"].as_str().is_some_and(|title| !title.is_empty()));
        let documented: BTreeSet<(String, String)> = operations().into_iter().map(|(method, path, _)| (method, path)).collect();
        let expected: BTreeSet<(String, String)> =
            OPERATIONS.iter().map(|(method, path, _)| (method.to_string(), path.to_string())).collect();
        assert_eq!(documented, expected);
        let schemes = &document["components"]["securitySchemes"];
        let partner_key = (&schemes["partnerKey"]["type"], &schemes["partnerKey"]["in"], &schemes["partnerKey"]["name"]);
        assert_eq!(partner_key, (&json!("apiKey"), &json!("header"), &json!("X-Partner-Key")));
        assert_eq!((&schemes["secretKey"]["type"], &schemes["secretKey"]["scheme"]), (&json!("http"), &json!("bearer")));
        let mut operation_ids = BTreeSet::new();
        for (method, path, operation) in operations() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            assert!(operation_ids.insert(id), "operationId {id} twice");
            assert!(operation["tags"].as_array().is_some_and(|tags| tags.len() == 1), "{method} {path}: one tag");
        }
    }

    #[test]
    fn every_reference_resolves() {
        let mut found = Vec::new();
        references(document(), String::new(), &mut found);
        assert!(found.len() > 100, "the document is built from shared components: {}", found.len());
        for (at, reference) in found {
            assert!(reference.starts_with("#/"), "{at}: only local references: {reference}");
            assert!(lookup(&reference).is_some(), "{at}: {reference} does not resolve");
        }
    }

    #[test]
    fn every_schema_and_header_schema_compiles() {
        for name in document()["components"]["schemas"].as_object().unwrap().keys() {
            // Compiles, and rejects a value no schema of ours accepts.
            assert!(
                !schema_errors(&json!({ "$ref": format!("#/components/schemas/{name}") }), &json!({"\u{0}": [[]]})).is_empty(),
                "{name}"
            );
        }
        for header in document()["components"]["headers"].as_object().unwrap().values() {
            schema_errors(&header["schema"], &json!("1"));
        }
    }

    #[test]
    fn the_documents_own_examples_are_valid() {
        let mut checked = 0;
        for (method, path, operation) in operations() {
            let mut media = Vec::new();
            if let Some(body) = operation.pointer("/requestBody/content/application~1json") {
                media.push(("request".to_string(), body));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if let Some(body) = resolve(response).pointer("/content/application~1json") {
                    media.push((status.clone(), body));
                }
            }
            for (what, body) in media {
                for (name, example) in body.get("examples").and_then(Value::as_object).into_iter().flatten() {
                    let errors = schema_errors(&body["schema"], &example["value"]);
                    assert!(errors.is_empty(), "{method} {path} {what} example {name}: {errors:?}");
                    checked += 1;
                }
            }
        }
        for (name, schema) in document()["components"]["schemas"].as_object().unwrap() {
            for example in schema.get("examples").and_then(Value::as_array).into_iter().flatten() {
                assert_matches(name, example);
                checked += 1;
            }
        }
        assert!(checked > 40, "{checked} examples");
    }

    #[test]
    fn values_of_the_contract_types_are_valid() {
        let mut degraded = event_list();
        degraded.unavailable_providers = vec![Provider::Ticketscloud];
        degraded.events.truncate(1);
        let cases: Vec<(&str, Value)> = vec![
            ("EventList", value_of!(event_list())),
            ("EventList", value_of!(&degraded)),
            (
                "EventList",
                value_of!(EventList {
                    events: Vec::new(),
                    unavailable_providers: vec![Provider::Qtickets, Provider::Ticketscloud]
                }),
            ),
            ("Layout", value_of!(layout(Geometry::Generated))),
            ("Layout", value_of!(Layout { labels: Vec::new(), ..layout(Geometry::Upstream) })),
            ("Availability", value_of!(availability())),
            (
                "Availability",
                value_of!(ticket_contract::Availability { revision: 1_796_423_298_697, stale: true, ..availability() }),
            ),
            ("LiveMessage", value_of!(ticket_contract::LiveMessage::Availability(availability()))),
            ("Hold", value_of!(hold(HoldState::Held))),
            ("Hold", value_of!(hold(HoldState::Confirmed))),
            ("Hold", value_of!(hold(HoldState::Released))),
            ("Hold", value_of!(hold(HoldState::Expired))),
            ("Hold", value_of!(refunded_hold())),
            ("Hold", value_of!(Hold { tickets: Vec::new(), tickets_pending: true, ..hold(HoldState::Confirmed) })),
            ("RefundHold", value_of!(ticket_contract::RefundHold::default())),
            ("RefundHold", value_of!(ticket_contract::RefundHold { tickets: Some(vec!["4601234567890".into()]) })),
            ("Hold", value_of!(discounted_hold())),
            ("Hold", value_of!(Hold { buyer: None, tickets: Vec::new(), details_withheld: true, ..hold(HoldState::Confirmed) })),
            ("ErrorBody", value_of!(error("invalid_id", Some("hold_id"), &[]))),
            ("ErrorBody", value_of!(error("invalid_body", Some("buyer.phone"), &[]))),
            ("ErrorBody", value_of!(error("seat_unavailable", None, &["1-4;12", "tancevalnyj-parter-1;1"]))),
            ("ErrorBody", value_of!(error("rate_limited", None, &[]))),
            (
                "CreateHold",
                value_of!(ticket_contract::CreateHold {
                    event: "qt:1001".into(),
                    show: "2001".into(),
                    seats: vec!["1-4;12".into()],
                    admission: BTreeMap::from([("tancevalnyj-parter-1;1".to_string(), 2)]),
                    best: None,
                }),
            ),
            (
                "CreateHold",
                value_of!(ticket_contract::CreateHold {
                    event: "qt:1001".into(),
                    show: "2001".into(),
                    seats: Vec::new(),
                    admission: BTreeMap::new(),
                    best: Some(ticket_contract::BestAvailable { count: 4, zone: Some("2".into()) }),
                }),
            ),
            ("CreateHold", json!({"event": "qt:1001", "show": "2001", "best": {"count": 2, "zone": null}, "seats": null})),
            (
                "ChangeHold",
                value_of!(ticket_contract::ChangeHold {
                    buyer: Some(Buyer {
                        name: "Анна".into(), email: "anna@example.ru".into(), phone: "8 916 123-45-67".into()
                    }),
                    ..Default::default()
                }),
            ),
            ("ChangeHold", value_of!(ticket_contract::ChangeHold::default())),
            (
                "ChangeHold",
                value_of!(ticket_contract::ChangeHold { promocode: Some(Some("SALE10".into())), ..Default::default() }),
            ),
            ("ChangeHold", value_of!(ticket_contract::ChangeHold { promocode: Some(None), ..Default::default() })),
            ("ErrorBody", value_of!(error("promocode_expired", Some("promocode"), &[]))),
        ];
        for (schema, value) in &cases {
            assert_matches(schema, value);
        }
        // And as the responses of their routes.
        let routes: Vec<(&str, &str, u16, Value)> = vec![
            ("get", "/v1/events", 200, value_of!(event_list())),
            ("get", "/v1/events/{event_id}/shows/{show_id}/layout", 200, value_of!(layout(Geometry::Upstream))),
            ("get", "/v1/events/{event_id}/shows/{show_id}/availability", 200, value_of!(availability())),
            ("post", "/v1/holds", 201, value_of!(hold(HoldState::Held))),
            ("post", "/v1/holds", 409, value_of!(error("seat_unavailable", None, &["1-4;12"]))),
            ("post", "/v1/holds", 409, value_of!(error("seat_not_for_sale", None, &["7-1;3"]))),
            ("post", "/v1/holds", 409, value_of!(error("seat_unavailable", Some("best"), &[]))),
            ("patch", "/v1/holds/{hold_id}", 409, value_of!(error("seat_not_for_sale", None, &["7-1;3"]))),
            ("post", "/v1/holds/{hold_id}/confirm", 409, value_of!(error("seat_not_for_sale", None, &["7-1;3"]))),
            ("post", "/v1/holds/{hold_id}/confirm", 200, value_of!(hold(HoldState::Confirmed))),
            ("post", "/v1/holds/{hold_id}/confirm", 401, value_of!(error("secret_key_required", None, &[]))),
            ("post", "/v1/holds/{hold_id}/refund", 200, value_of!(refunded_hold())),
            ("post", "/v1/holds/{hold_id}/refund", 409, value_of!(error("refund_not_supported", None, &[]))),
            ("post", "/v1/holds/{hold_id}/refund", 409, value_of!(error("refund_already_requested", None, &[]))),
            ("delete", "/v1/holds/{hold_id}", 410, value_of!(error("hold_expired", None, &[]))),
            ("patch", "/v1/holds/{hold_id}", 200, value_of!(discounted_hold())),
            ("patch", "/v1/holds/{hold_id}", 422, value_of!(error("promocode_exhausted", Some("promocode"), &[]))),
            ("patch", "/v1/holds/{hold_id}", 409, value_of!(error("promocode_not_supported", Some("promocode"), &[]))),
            (
                "get",
                "/v1/holds/{hold_id}",
                200,
                value_of!(Hold { buyer: None, tickets: Vec::new(), details_withheld: true, ..hold(HoldState::Confirmed) }),
            ),
            ("get", "/healthz", 200, json!({"status": "ok"})),
            ("get", "/v1/openapi.json", 200, document().clone()),
        ];
        for (method, path, status, value) in routes {
            let schema = response_schema(method, path, status).unwrap_or_else(|| panic!("{method} {path} {status}"));
            let errors = schema_errors(&schema, &value);
            assert!(errors.is_empty(), "{method} {path} {status}: {errors:?}");
        }
    }

    #[test]
    fn wrong_values_are_refused() {
        let edit = |value: Value, change: &dyn Fn(&mut Value)| {
            let mut value = value;
            change(&mut value);
            value
        };
        let held = || value_of!(hold(HoldState::Held));
        let cases: Vec<(&str, &str, Value)> = vec![
            ("Hold", "unknown state", edit(held(), &|hold| hold["state"] = json!("paid"))),
            (
                "LiveMessage",
                "another kind of message",
                edit(value_of!(ticket_contract::LiveMessage::Availability(availability())), &|message| {
                    message["type"] = json!("layout")
                }),
            ),
            ("LiveMessage", "a bare availability", value_of!(availability())),
            (
                "Hold",
                "no tickets field",
                edit(held(), &|hold| {
                    hold.as_object_mut().unwrap().remove("tickets");
                }),
            ),
            ("Hold", "a field we never send", edit(held(), &|hold| hold["upstream_order"] = json!("123"))),
            (
                "Hold",
                "a promo code without its discount",
                edit(value_of!(discounted_hold()), &|hold| {
                    hold["promocode"].as_object_mut().unwrap().remove("discount");
                }),
            ),
            ("ChangeHold", "an empty promo code", json!({"promocode": ""})),
            ("ChangeHold", "a promo code as a number", json!({"promocode": 10})),
            ("Hold", "money as a float", edit(held(), &|hold| hold["total"]["minor"] = json!(7500.5))),
            ("Hold", "money in another currency", edit(held(), &|hold| hold["total"]["currency"] = json!("EUR"))),
            (
                "Hold",
                "an item without its kind",
                edit(held(), &|hold| {
                    hold["items"][0].as_object_mut().unwrap().remove("kind");
                }),
            ),
            ("Hold", "a seat item with admission fields", edit(held(), &|hold| hold["items"][0]["quantity"] = json!(1))),
            ("Hold", "no items", edit(held(), &|hold| hold["items"] = json!([]))),
            ("Hold", "a guessable hold id", edit(held(), &|hold| hold["id"] = json!("h_1"))),
            ("Hold", "a local expiry time", edit(held(), &|hold| hold["expires_at"] = json!("2027-03-01T15:15:00+03:00"))),
            ("Hold", "an impossible date", edit(held(), &|hold| hold["expires_at"] = json!("2027-13-01T12:15:00Z"))),
            (
                "Hold",
                "a phone not in E.164",
                edit(value_of!(hold(HoldState::Confirmed)), &|hold| hold["buyer"]["phone"] = json!("8 916 123-45-67")),
            ),
            (
                "Hold",
                "an empty barcode",
                edit(value_of!(hold(HoldState::Confirmed)), &|hold| hold["tickets"][0]["barcode"] = json!("")),
            ),
            (
                "Layout",
                "a zone index that is not a number",
                edit(value_of!(layout(Geometry::Upstream)), &|layout| layout["seats"][0]["zone"] = json!("0")),
            ),
            (
                "Layout",
                "unknown geometry",
                edit(value_of!(layout(Geometry::Upstream)), &|layout| layout["geometry"] = json!("guessed")),
            ),
            (
                "Layout",
                "no labels",
                edit(value_of!(layout(Geometry::Upstream)), &|layout| {
                    layout.as_object_mut().unwrap().remove("labels");
                }),
            ),
            (
                "Layout",
                "a non-canonical event id",
                edit(value_of!(layout(Geometry::Upstream)), &|layout| layout["event_id"] = json!("tc:5F1A0C0E2B3C4D5E6F708192")),
            ),
            (
                "Availability",
                "uppercase hex",
                edit(value_of!(availability()), &|document| document["seats_available"] = json!("B6C0")),
            ),
            (
                "Availability",
                "an odd number of hex digits",
                edit(value_of!(availability()), &|document| document["seats_available"] = json!("b6c")),
            ),
            (
                "Availability",
                "bits as a list",
                edit(value_of!(availability()), &|document| document["seats_available"] = json!([true, false])),
            ),
            (
                "Availability",
                "negative places left",
                edit(value_of!(availability()), &|document| document["admissions"][0]["quantity_left"] = json!(-1)),
            ),
            (
                "EventList",
                "an event id with a leading zero",
                edit(value_of!(event_list()), &|list| list["events"][0]["id"] = json!("qt:01001")),
            ),
            (
                "EventList",
                "price_from left out instead of null",
                edit(value_of!(event_list()), &|list| {
                    list["events"][0].as_object_mut().unwrap().remove("price_from");
                }),
            ),
            (
                "EventList",
                "an empty unavailable_providers (we skip it)",
                edit(value_of!(event_list()), &|list| list["unavailable_providers"] = json!([])),
            ),
            (
                "EventList",
                "a start time without an offset",
                edit(value_of!(event_list()), &|list| list["events"][0]["shows"][0]["starts_at"] = json!("2027-03-14T19:00:00")),
            ),
            ("ErrorBody", "a code that is not a stable code", value_of!(error("oops", None, &[]))),
            (
                "ErrorBody",
                "an empty unavailable list (we skip it)",
                edit(value_of!(error("seat_unavailable", None, &[])), &|body| body["error"]["unavailable"] = json!([])),
            ),
            ("ErrorBody", "the bare detail", value_of!(error("internal", None, &[]).error)),
            ("ErrorBody", "a field echoing odd input", value_of!(error("invalid_body", Some("<script>"), &[]))),
            ("CreateHold", "an unknown field", json!({"event": "qt:1001", "show": "2001", "seats": ["1-1;1"], "price": 1})),
            ("CreateHold", "a seat twice", json!({"event": "qt:1001", "show": "2001", "seats": ["1-1;1", "1-1;1"]})),
            (
                "CreateHold",
                "zero admission places",
                json!({"event": "qt:1001", "show": "2001", "admission": {"tancevalnyj-parter-1;1": 0}}),
            ),
            ("CreateHold", "a path in an event id", json!({"event": "qt:1001/../x", "show": "2001"})),
            ("CreateHold", "best for no seats", json!({"event": "qt:1001", "show": "2001", "best": {"count": 0}})),
            ("CreateHold", "best without a count", json!({"event": "qt:1001", "show": "2001", "best": {"zone": "2"}})),
            (
                "CreateHold",
                "best and seats",
                json!({"event": "qt:1001", "show": "2001", "best": {"count": 1}, "seats": ["1-1;1"]}),
            ),
            (
                "CreateHold",
                "best and admission",
                json!({"event": "qt:1001", "show": "2001", "best": {"count": 1}, "admission": {"tancevalnyj-parter-1;1": 1}}),
            ),
            ("CreateHold", "best with a price", json!({"event": "qt:1001", "show": "2001", "best": {"count": 1, "price": 1}})),
            ("ChangeHold", "a buyer without a phone", json!({"buyer": {"name": "Анна", "email": "anna@example.ru"}})),
            ("RefundHold", "an empty ticket list", json!({"tickets": []})),
            ("RefundHold", "an unknown field", json!({"culprit": "user"})),
            (
                "Hold",
                "a refund in an unknown state",
                edit(value_of!(refunded_hold()), &|hold| hold["refund"]["state"] = json!("paid")),
            ),
            (
                "Hold",
                "an organiser without a name",
                edit(value_of!(refunded_hold()), &|hold| {
                    hold["tickets"][0]["organiser"].as_object_mut().unwrap().remove("name");
                }),
            ),
        ];
        for (schema, why, value) in cases {
            assert!(!matches(schema, &value), "{schema} accepted {why}: {value}");
        }
        // Narrowed per status: a 409 is never `hold_not_found`.
        let conflict = response_schema("patch", "/v1/holds/{hold_id}", 409).unwrap();
        assert!(schema_errors(&conflict, &value_of!(error("hold_not_active", None, &[]))).is_empty());
        assert!(!schema_errors(&conflict, &value_of!(error("hold_not_found", None, &[]))).is_empty());
    }

    #[test]
    fn error_codes_are_exactly_the_stable_ones_each_under_its_status() {
        let documented: Vec<&str> = document()["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|code| code.as_str().unwrap())
            .collect();
        let stable: BTreeSet<&str> = STABLE_CODES.iter().map(|(code, _)| *code).collect();
        assert_eq!(documented.iter().copied().collect::<BTreeSet<_>>(), stable);
        assert_eq!(documented.len(), stable.len(), "no code twice");

        let status_of: BTreeMap<&str, u16> = STABLE_CODES.iter().copied().collect();
        let mut answered = BTreeSet::new();
        let mut check = |what: &str, status: u16, response: &Value| {
            let Some(codes) = codes_of(response) else {
                assert!(status < 400, "{what}: an error response without ErrorBody");
                return;
            };
            assert!(status >= 400, "{what}: ErrorBody on a success");
            for code in codes {
                assert_eq!(status_of.get(code.as_str()), Some(&status), "{what}: `{code}` is not answered with {status}");
                answered.insert(code);
            }
        };
        for (method, path, operation) in operations() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                check(&format!("{method} {path} {status}"), status.parse().unwrap(), resolve(response));
            }
        }
        check("RouteNotFound", 404, lookup("#/components/responses/RouteNotFound").unwrap());
        check("MethodNotAllowed", 405, lookup("#/components/responses/MethodNotAllowed").unwrap());
        assert_eq!(answered.iter().map(String::as_str).collect::<BTreeSet<_>>(), stable, "every code is answered somewhere");
    }

    #[test]
    fn the_error_table_in_the_description_lists_every_code_with_its_status() {
        let description = document()["info"]["description"].as_str().unwrap();
        let rows: BTreeMap<String, u16> = description
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                let status = cells.get(2)?.parse().ok()?;
                Some((code.to_owned(), status))
            })
            .collect();
        let expected: BTreeMap<String, u16> = STABLE_CODES.iter().map(|(code, status)| (code.to_string(), *status)).collect();
        assert_eq!(rows, expected);
        for topic in [
            "X-Partner-Key",
            "Authorization: Bearer",
            "allowed origins",
            "X-RateLimit-Remaining",
            "Retry-After",
            "`reads`",
            "`holds`",
            "`server`",
            "released",
            "expired",
        ] {
            assert!(description.contains(topic), "the introduction explains {topic}");
        }
    }

    #[test]
    fn every_response_documents_its_headers() {
        for (method, path, operation) in operations() {
            let limited = !OPEN_ROUTES.contains(&path.as_str());
            let responses = operation["responses"].as_object().unwrap();
            for (status, response) in responses {
                let headers = response_headers(resolve(response));
                let required = |name: &str| headers.iter().any(|(header, required, _)| header == name && *required);
                let what = format!("{method} {path} {status}");
                assert!(required("X-Request-Id"), "{what}: X-Request-Id");
                let success = status.starts_with('2') || status == "304";
                if limited && (success || status == "429") {
                    for name in ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"] {
                        assert!(required(name), "{what}: {name}");
                    }
                }
                if status == "429" {
                    assert!(required("Retry-After"), "{what}: Retry-After");
                }
            }
            if limited {
                assert!(responses.contains_key("429"), "{method} {path}: may be rate limited");
                assert!(responses.contains_key("400") && responses.contains_key("401"), "{method} {path}: keyed");
                // The beacon release carries its key in the `partner` query parameter.
                let key_in_query = operation["parameters"].as_array().is_some_and(|parameters| {
                    parameters.iter().map(resolve).any(|parameter| {
                        parameter["in"] == "query" && parameter["name"] == "partner" && parameter["required"] == true
                    })
                });
                assert!(operation["security"] != json!([]) || key_in_query, "{method} {path}: keyed");
            }
            let documents =
                path.ends_with("/layout") || path.ends_with("/availability") || path.ends_with("/paint") || path == "/v1/events";
            if documents {
                assert!(responses.contains_key("304"), "{method} {path}: 304");
                let headers = response_headers(resolve(&responses["200"]));
                for name in ["ETag", "X-Cache", "Cache-Control"] {
                    assert!(headers.iter().any(|(header, required, _)| header == name && *required), "{method} {path}: {name}");
                }
            }
        }
    }

    #[test]
    fn concrete_paths_find_their_template() {
        let cases: &[(&str, Option<&str>)] = &[
            ("/v1/events", Some("/v1/events")),
            ("/v1/events/qt:1001/shows/2001/layout", Some("/v1/events/{event_id}/shows/{show_id}/layout")),
            (
                "/v1/events/tc:5f1a0c0e2b3c4d5e6f708192/shows/5f1a0c0e2b3c4d5e6f708192/availability",
                Some("/v1/events/{event_id}/shows/{show_id}/availability"),
            ),
            ("/v1/holds", Some("/v1/holds")),
            ("/v1/holds/h_0123456789abcdef0123456789abcdef", Some("/v1/holds/{hold_id}")),
            (
                "/v1/holds/h_0123456789abcdef0123456789abcdef/release?partner=pk_demo_0000000000000000",
                Some("/v1/holds/{hold_id}/release"),
            ),
            ("/v1/holds/h_0123456789abcdef0123456789abcdef/confirm", Some("/v1/holds/{hold_id}/confirm")),
            ("/v1/holds/h_0123456789abcdef0123456789abcdef/refund", Some("/v1/holds/{hold_id}/refund")),
            ("/v1/openapi.json", Some("/v1/openapi.json")),
            ("/healthz", Some("/healthz")),
            ("/v1/events/qt:1001/shows/2001/tickets", None),
            ("/v1/holds//confirm", None),
            ("/v1/nothing", None),
        ];
        for (path, expected) in cases {
            assert_eq!(path_template(path), *expected, "{path}");
        }
        assert_eq!(response_schema("get", "/v1/events", 200), Some(json!({"$ref": "#/components/schemas/EventList"})));
        assert_eq!(response_schema("get", "/v1/events", 304), None, "304 has no body");
        assert_eq!(response_schema("get", "/v1/events", 418), None);
        assert_eq!(response_schema("put", "/v1/events", 200), None);
    }

    #[test]
    fn a_reply_is_checked_against_its_route_status_headers_and_body() {
        let reply = |status: u16, headers: &[(&str, &str)], body: Value| Reply {
            status,
            headers: headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect(),
            body: body.to_string(),
        };
        let good_headers: &[(&str, &str)] = &[
            ("content-type", "application/json; charset=utf-8"),
            ("x-request-id", "req-1"),
            ("etag", "\"0123456789abcdef\""),
            ("cache-control", "public, max-age=5"),
            ("x-cache", "MISS"),
            ("x-ratelimit-limit", "600"),
            ("x-ratelimit-remaining", "599"),
            ("x-ratelimit-reset", "42"),
        ];
        let path = "/v1/events/tc:5f1a0c0e2b3c4d5e6f708192/shows/5f1a0c0e2b3c4d5e6f708192/availability";
        assert_documented("GET", path, &reply(200, good_headers, value_of!(availability())));
        let refused = |status: u16, headers: &[(&str, &str)], body: Value| {
            std::panic::catch_unwind(|| assert_documented("GET", path, &reply(status, headers, body))).is_err()
        };
        assert!(refused(200, good_headers, value_of!(layout(Geometry::Upstream))), "a layout is not availability");
        assert!(refused(200, &good_headers[..7], value_of!(availability())), "no X-RateLimit-Reset");
        let mut bad_cache = good_headers.to_vec();
        bad_cache[4] = ("x-cache", "HOT");
        assert!(refused(200, &bad_cache, value_of!(availability())), "X-Cache HOT");
        assert!(refused(418, good_headers, value_of!(availability())), "an undocumented status");
        let error_headers: &[(&str, &str)] = &[("content-type", "application/json"), ("x-request-id", "r")];
        assert_documented("GET", path, &reply(404, error_headers, value_of!(error("show_not_found", None, &[]))));
        assert!(refused(404, error_headers, value_of!(error("hold_not_found", None, &[]))), "not this route's 404");
        assert!(refused(404, &error_headers[..1], value_of!(error("show_not_found", None, &[]))), "no X-Request-Id");
        assert_documented("GET", "/v1/nothing", &reply(404, error_headers, value_of!(error("not_found", None, &[]))));
        let method_not_allowed = value_of!(error("method_not_allowed", None, &[]));
        let with_allow: &[(&str, &str)] =
            &[("content-type", "application/json"), ("x-request-id", "r"), ("allow", "POST, OPTIONS")];
        assert_documented("PUT", "/v1/holds", &reply(405, with_allow, method_not_allowed.clone()));
        assert!(
            std::panic::catch_unwind(|| assert_documented(
                "PUT",
                "/v1/holds",
                &reply(405, error_headers, method_not_allowed.clone())
            ))
            .is_err(),
            "a 405 without Allow"
        );
        assert!(
            std::panic::catch_unwind(|| assert_documented(
                "PUT",
                "/v1/holds",
                &reply(404, error_headers, value_of!(error("not_found", None, &[])))
            ))
            .is_err(),
            "a wrong method on a known path is 405"
        );
    }
}
