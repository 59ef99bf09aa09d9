//! Helpers for the write-side tests: raw-body calls (QTickets takes form,
//! multipart and JSON bodies), QTickets `tickets/*` and TicketsCloud order
//! calls, the simulated clock, and a reading of `/_sim/state`.

use super::*;
use upstream_sim::calendar::{parse_iso8601_with_offset, UnixTimestamp};

pub const QT_TICKETS: &str = "/qtickets/api/partners/v1/tickets";
pub const TC_ORDERS: &str = "/ticketscloud/v2/resources/orders";

impl Simulator {
    /// A request with a body sent as is, under the given content type.
    pub async fn call_with_raw_body(
        &self,
        method: Method,
        uri: &str,
        authorization: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, content_type);
        if let Some(authorization) = authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let response = self.router.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        Reply::read(response).await
    }

    /// `POST tickets/{action}/{show_path}` with a form body; the answer must be
    /// HTTP 200 (QTickets never uses another status for API errors).
    pub async fn qtickets_tickets(&self, action: &str, show_path: &str, parameters: &[(&str, &str)]) -> Value {
        let reply = self
            .call_with_raw_body(
                Method::POST,
                &format!("{QT_TICKETS}/{action}/{show_path}"),
                Some(&qtickets_auth()),
                "application/x-www-form-urlencoded",
                &form_encode(parameters),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{action} {parameters:?}");
        reply.json()
    }

    /// Reserves a seat until `seconds` from the simulated now.
    pub async fn qtickets_reserve(&self, show_path: &str, seat_id: &str, external_id: Option<&str>, seconds: i64) -> Value {
        let reserved_to = self.reserved_to_in(seconds).await;
        let mut parameters = vec![("seat_id", seat_id), ("paid", "0"), ("reserved_to", &reserved_to)];
        if let Some(external_id) = external_id {
            parameters.push(("external_id", external_id));
        }
        self.qtickets_tickets("add", show_path, &parameters).await
    }

    /// The seat as `events/seats` shows it now.
    pub async fn qtickets_seat(&self, show_path: &str, seat_id: &str) -> Value {
        zones_of(&self.qtickets(&format!("seats/{show_path}")).await.json())
            .into_iter()
            .flat_map(|(_, seats)| seats)
            .find(|seat| seat["seat_id"] == seat_id)
            .unwrap_or_else(|| panic!("no seat {seat_id}"))
    }

    pub async fn tc(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(method, path, Some(&ticketscloud_auth()), body).await
    }

    pub async fn tc_create(&self, body: Value) -> Reply {
        self.tc(Method::POST, TC_ORDERS, Some(body)).await
    }

    pub async fn tc_patch(&self, order_id: &str, body: Value) -> Reply {
        self.tc(Method::PATCH, &format!("{TC_ORDERS}/{order_id}"), Some(body)).await
    }

    pub async fn tc_get(&self, order_id: &str) -> Reply {
        self.tc(Method::GET, &format!("{TC_ORDERS}/{order_id}"), None).await
    }

    /// Ticket ids of the event's `/tickets` listing with this status.
    pub async fn tc_ticket_ids(&self, event_id: &str, status: &str) -> Vec<String> {
        self.ticketscloud(&format!("{}?status={status}", tc_tickets(event_id)))
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|ticket| ticket["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `amount_vacant` of one set in `simple/events`.
    pub async fn tc_amount_vacant(&self, event_id: &str, set_id: &str) -> u64 {
        let events = self.ticketscloud(TC_EVENTS).await.json();
        let event = events.as_array().unwrap().iter().find(|event| event["id"] == event_id).unwrap().clone();
        event["sets"].as_array().unwrap().iter().find(|set| set["id"] == set_id).unwrap()["amount_vacant"].as_u64().unwrap()
    }

    pub async fn sim_now(&self) -> UnixTimestamp {
        let clock = self.admin(Method::GET, "clock", None).await.json();
        parse_iso8601_with_offset(clock["now"].as_str().unwrap()).unwrap()
    }

    pub async fn advance_clock(&self, seconds: i64) -> Value {
        let reply = self.admin(Method::POST, "clock", Some(json!({"advance_seconds": seconds}))).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }

    /// `seconds` after the simulated now, written in Moscow time
    /// (`…+03:00`), as a partner in Moscow would send it.
    pub async fn reserved_to_in(&self, seconds: i64) -> String {
        let moscow_wall_clock = self.sim_now().await.plus_seconds(seconds + 3 * 3600);
        moscow_wall_clock.to_rfc3339_utc().replace('Z', "+03:00")
    }

    pub async fn state(&self) -> Value {
        self.admin(Method::GET, "state", None).await.json()
    }

    /// `/_sim/state` without `requests_logged`, which every call changes:
    /// what must stay equal when a request is refused.
    pub async fn inventory_state(&self) -> Value {
        let mut state = self.state().await;
        state.as_object_mut().unwrap().remove("requests_logged");
        state
    }
}

/// `application/x-www-form-urlencoded`, encoding everything but unreserved characters.
pub fn form_encode(parameters: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|byte| match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
                _ => format!("%{byte:02X}"),
            })
            .collect()
    }
    parameters.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect::<Vec<_>>().join("&")
}

/// A TicketsCloud order datetime (`2019-07-25 14:41:11`, UTC) as an instant.
pub fn order_datetime(text: &Value) -> UnixTimestamp {
    let text = text.as_str().unwrap_or_else(|| panic!("not a string: {text}"));
    assert_eq!(text.len(), 19, "{text}");
    assert_eq!(&text[10..11], " ", "{text}");
    parse_iso8601_with_offset(&format!("{}Z", text.replace(' ', "T"))).unwrap()
}
