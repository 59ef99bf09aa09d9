//! Reads the JSON body of `POST /v2/resources/orders` and
//! `PATCH /v2/resources/orders/:id` into a typed change, collecting every
//! problem as a message for the document's `{"errors": [...]}` list.
//!
//! Documented messages are used where the document has one
//! (`Only one of tickets or random can be set` l.410, `Incorrect status
//! <status> for this operation` l.912, `expired_after is not changable`
//! l.423, `<field> is required` l.1787). Type errors have no documented
//! wording; those messages are ours, phrased like the documented ones
//! (`value is not a list`, `value should be True or False`, l.444–449).

use serde_json::{Map, Value};

/// Longest `vendor_data.order_id` (l.2149).
pub const VENDOR_ORDER_ID_MAX_CHARACTERS: usize = 64;
/// Most keys in `vendor_data.raw` and the longest key (l.2155–2157).
pub const VENDOR_RAW_MAX_KEYS: usize = 20;
pub const VENDOR_RAW_MAX_KEY_CHARACTERS: usize = 40;
pub const VENDOR_RAW_MAX_VALUE_CHARACTERS: usize = 128;

/// Every field a PATCH may carry; a create carries the same plus `event`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderChangeRequest {
    pub reservation: Option<DesiredReservation>,
    pub all_or_nothing: bool,
    pub customer: Option<OrderCustomer>,
    pub send_tickets: Option<bool>,
    /// Top-level keys to set in `vendor_data` (`order_id`, `raw`).
    pub vendor_data: Option<Map<String, Value>>,
    pub status: Option<RequestedOrderStatus>,
    /// The promo codes the order should carry (l.2326–2345), as sent.
    pub promocodes: Option<Vec<String>>,
}

/// What the order should hold after the change: always the full desired
/// state, never a delta (l.532–536, l.568–570).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesiredReservation {
    /// Every ticket id the order must hold, seated or not.
    Tickets(Vec<String>),
    /// Set id → how many tickets of that set the order must hold (in set id
    /// order). Sets left out must hold none.
    Random(Vec<(String, usize)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedOrderStatus {
    Done,
    Cancelled,
}

/// `settings.customer` (l.2066–2074).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderCustomer {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lang: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCreateRequest {
    pub event_id: String,
    pub change: OrderChangeRequest,
}

/// The body as a JSON object; an empty body counts as `{}`.
pub fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, Vec<String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(vec!["Request body must be a JSON object".to_owned()]),
        Err(error) => Err(vec![format!("Invalid JSON: {error}")]),
    }
}

pub fn parse_order_create(body: &Map<String, Value>) -> Result<OrderCreateRequest, Vec<String>> {
    let event_id = match body.get("event") {
        Some(Value::String(event_id)) if !event_id.trim().is_empty() => Ok(event_id.clone()),
        Some(Value::Null) | None => Err("event is required".to_owned()),
        Some(_) => Err("event: value is not a string".to_owned()),
    };
    let change = parse_order_change(body);
    match (event_id, change) {
        (Ok(event_id), Ok(change)) => Ok(OrderCreateRequest { event_id, change }),
        (event_id, change) => {
            let mut errors: Vec<String> = event_id.err().into_iter().collect();
            errors.extend(change.err().unwrap_or_default());
            Err(errors)
        }
    }
}

pub fn parse_order_change(body: &Map<String, Value>) -> Result<OrderChangeRequest, Vec<String>> {
    let mut errors = Vec::new();
    let mut change = OrderChangeRequest::default();

    let tickets = present(body, "tickets");
    let random = present(body, "random");
    match (tickets, random) {
        (Some(_), Some(_)) => errors.push("Only one of tickets or random can be set".to_owned()),
        (Some(tickets), None) => match parse_ticket_ids(tickets) {
            Ok(ids) => change.reservation = Some(DesiredReservation::Tickets(ids)),
            Err(message) => errors.push(message),
        },
        (None, Some(random)) => match parse_random(random) {
            Ok(counts) => change.reservation = Some(DesiredReservation::Random(counts)),
            Err(message) => errors.push(message),
        },
        (None, None) => {}
    }

    match present(body, "all_or_nothing") {
        None => {}
        Some(Value::Bool(flag)) => change.all_or_nothing = *flag,
        Some(_) => errors.push("all_or_nothing: value should be True or False".to_owned()),
    }

    if present(body, "expired_after").is_some() {
        errors.push("expired_after is not changable".to_owned());
    }

    match present(body, "settings") {
        None => {}
        Some(Value::Object(settings)) => {
            if let Some(customer) = present(settings, "customer") {
                match parse_customer(customer) {
                    Ok(customer) => change.customer = Some(customer),
                    Err(mut messages) => errors.append(&mut messages),
                }
            }
            match present(settings, "send_tickets") {
                None => {}
                Some(Value::Bool(flag)) => change.send_tickets = Some(*flag),
                Some(_) => errors.push("send_tickets: value should be True or False".to_owned()),
            }
        }
        Some(_) => errors.push("settings: value is not an object".to_owned()),
    }

    if let Some(vendor_data) = present(body, "vendor_data") {
        match parse_vendor_data(vendor_data) {
            Ok(vendor_data) => change.vendor_data = Some(vendor_data),
            Err(mut messages) => errors.append(&mut messages),
        }
    }

    match present(body, "promocodes") {
        None => {}
        Some(Value::Array(codes)) => match codes.iter().map(|code| code.as_str().map(str::to_owned)).collect() {
            Some(codes) => change.promocodes = Some(codes),
            None => errors.push("promocodes: value is not a string".to_owned()),
        },
        Some(_) => errors.push("promocodes: value is not a list".to_owned()),
    }

    match present(body, "status") {
        None => {}
        Some(Value::String(status)) if status == "done" => change.status = Some(RequestedOrderStatus::Done),
        Some(Value::String(status)) if status == "cancelled" => change.status = Some(RequestedOrderStatus::Cancelled),
        Some(Value::String(status)) => errors.push(format!("Incorrect status {status} for this operation")),
        Some(other) => errors.push(format!("Incorrect status {other} for this operation")),
    }

    if errors.is_empty() {
        Ok(change)
    } else {
        Err(errors)
    }
}

/// A member that is there and not `null`.
fn present<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

fn parse_ticket_ids(tickets: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = tickets else {
        return Err("tickets: value is not a list".to_owned());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(ticket_id) => Ok(ticket_id.clone()),
            _ => Err("tickets: value is not a string".to_owned()),
        })
        .collect()
}

fn parse_random(random: &Value) -> Result<Vec<(String, usize)>, String> {
    let Value::Object(counts) = random else {
        return Err("random: value is not an object".to_owned());
    };
    counts
        .iter()
        .map(|(set_id, count)| {
            count
                .as_u64()
                .and_then(|count| usize::try_from(count).ok())
                .map(|count| (set_id.clone(), count))
                .ok_or_else(|| format!("random: value for set {set_id} is not a whole number"))
        })
        .collect()
}

fn parse_customer(customer: &Value) -> Result<OrderCustomer, Vec<String>> {
    let Value::Object(fields) = customer else {
        return Err(vec!["customer: value is not an object".to_owned()]);
    };
    let mut errors = Vec::new();
    let mut text = |name: &str| match present(fields, name) {
        None => None,
        Some(Value::String(value)) => Some(value.clone()),
        Some(_) => {
            errors.push(format!("customer.{name}: value is not a string"));
            None
        }
    };
    let customer = OrderCustomer { name: text("name"), email: text("email"), phone: text("phone"), lang: text("lang") };
    if let Some(lang) = &customer.lang {
        if lang != "en" && lang != "ru" {
            // Worded like the documented `culprit Value „<value>“ not in list
            // of avaiable values [„user“, „org“]` (l.1791).
            errors.push(format!("lang Value '{lang}' not in list of avaiable values ['en', 'ru']"));
        }
    }
    if errors.is_empty() {
        Ok(customer)
    } else {
        Err(errors)
    }
}

fn parse_vendor_data(vendor_data: &Value) -> Result<Map<String, Value>, Vec<String>> {
    let Value::Object(fields) = vendor_data else {
        return Err(vec!["vendor_data: value is not an object".to_owned()]);
    };
    let mut errors = Vec::new();
    match fields.get("order_id") {
        None | Some(Value::Null) => {}
        Some(Value::String(order_id)) if order_id.chars().count() > VENDOR_ORDER_ID_MAX_CHARACTERS => {
            errors.push(format!("order_id: String is longer than {VENDOR_ORDER_ID_MAX_CHARACTERS} characters"))
        }
        Some(Value::String(_)) => {}
        Some(_) => errors.push("order_id: value is not a string".to_owned()),
    }
    match fields.get("raw") {
        None | Some(Value::Null) => {}
        Some(Value::Object(raw)) => {
            if raw.len() > VENDOR_RAW_MAX_KEYS {
                errors.push(format!("raw: list length is greater than {VENDOR_RAW_MAX_KEYS}"));
            }
            for (key, value) in raw {
                if key.chars().count() > VENDOR_RAW_MAX_KEY_CHARACTERS {
                    errors.push(format!("raw: key {key} is longer than {VENDOR_RAW_MAX_KEY_CHARACTERS} characters"));
                }
                if value.as_str().is_some_and(|text| text.chars().count() > VENDOR_RAW_MAX_VALUE_CHARACTERS) {
                    errors.push(format!("raw.{key}: String is longer than {VENDOR_RAW_MAX_VALUE_CHARACTERS} characters"));
                }
            }
        }
        Some(_) => errors.push("raw: value is not an object".to_owned()),
    }
    if errors.is_empty() {
        Ok(fields.clone())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(body: Value) -> Result<OrderChangeRequest, Vec<String>> {
        parse_order_change(body.as_object().unwrap())
    }

    #[test]
    fn valid_changes_are_typed() {
        let cases = [
            (json!({}), OrderChangeRequest::default()),
            (
                json!({"tickets": ["a", "b"], "all_or_nothing": true, "random": null}),
                OrderChangeRequest {
                    reservation: Some(DesiredReservation::Tickets(vec!["a".into(), "b".into()])),
                    all_or_nothing: true,
                    ..OrderChangeRequest::default()
                },
            ),
            (
                json!({"random": {"s1": 2, "s2": 0}}),
                OrderChangeRequest {
                    reservation: Some(DesiredReservation::Random(vec![("s1".into(), 2), ("s2".into(), 0)])),
                    ..OrderChangeRequest::default()
                },
            ),
            (
                json!({
                    "settings": {"customer": {"name": "Ivan Ivanov", "email": "hello@world.ru", "phone": "+79991234576", "lang": "ru"}, "send_tickets": false},
                    "vendor_data": {"order_id": "hold-1", "raw": {"enable_call_to_customer": true, "call_counter": 3}},
                    "status": "done"
                }),
                OrderChangeRequest {
                    customer: Some(OrderCustomer {
                        name: Some("Ivan Ivanov".into()),
                        email: Some("hello@world.ru".into()),
                        phone: Some("+79991234576".into()),
                        lang: Some("ru".into()),
                    }),
                    send_tickets: Some(false),
                    vendor_data: json!({"order_id": "hold-1", "raw": {"enable_call_to_customer": true, "call_counter": 3}})
                        .as_object()
                        .cloned(),
                    status: Some(RequestedOrderStatus::Done),
                    ..OrderChangeRequest::default()
                },
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(change(body.clone()), Ok(expected), "{body}");
        }
    }

    #[test]
    fn invalid_changes_list_every_problem() {
        let long_order_id = "x".repeat(65);
        let cases = [
            (json!({"tickets": [], "random": {}}), vec!["Only one of tickets or random can be set"]),
            (
                json!({"tickets": "a", "all_or_nothing": "yes"}),
                vec!["tickets: value is not a list", "all_or_nothing: value should be True or False"],
            ),
            (json!({"tickets": [1]}), vec!["tickets: value is not a string"]),
            (json!({"random": {"s1": -1}}), vec!["random: value for set s1 is not a whole number"]),
            (json!({"random": ["s1"]}), vec!["random: value is not an object"]),
            (json!({"status": "executed"}), vec!["Incorrect status executed for this operation"]),
            (json!({"expired_after": "2030-01-01 00:00:00"}), vec!["expired_after is not changable"]),
            (json!({"promocodes": "SALE10"}), vec!["promocodes: value is not a list"]),
            (json!({"promocodes": [10]}), vec!["promocodes: value is not a string"]),
            (
                json!({"settings": {"customer": {"lang": "de", "name": 5}}}),
                vec!["customer.name: value is not a string", "lang Value 'de' not in list of avaiable values ['en', 'ru']"],
            ),
            (json!({"vendor_data": {"order_id": long_order_id}}), vec!["order_id: String is longer than 64 characters"]),
        ];
        for (body, expected) in cases {
            assert_eq!(change(body.clone()), Err(expected.iter().map(|message| message.to_string()).collect()), "{body}");
        }
    }

    #[test]
    fn a_create_needs_an_event() {
        let create = |body: Value| parse_order_create(body.as_object().unwrap());
        assert_eq!(
            create(json!({"event": "e1", "random": {"s1": 1}})),
            Ok(OrderCreateRequest {
                event_id: "e1".into(),
                change: OrderChangeRequest {
                    reservation: Some(DesiredReservation::Random(vec![("s1".into(), 1)])),
                    ..OrderChangeRequest::default()
                }
            })
        );
        assert_eq!(
            create(json!({"tickets": 1})),
            Err(vec!["event is required".to_owned(), "tickets: value is not a list".to_owned()])
        );
        assert_eq!(parse_json_object(b""), Ok(Map::new()));
        assert!(parse_json_object(b"[]").is_err());
        assert!(parse_json_object(b"{").is_err());
    }
}
