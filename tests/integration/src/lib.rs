//! Helpers for the integration tests: HTTP calls to the proxy (as a partner's
//! page would make them) and to the simulator's `/_sim/` admin surface.
//!
//! The stack is started by `scripts/test.sh`, which exports `PROXY_URL` and
//! `SIM_URL`; without them the tests fail loudly rather than pass vacuously.

use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

pub const DEMO_PARTNER_KEY: &str = "pk_demo_0000000000000000";
pub const PARTNER_ORIGIN: &str = "http://127.0.0.1:8080";

/// Tests share one simulator and one edge cache: they take turns.
static STACK: Mutex<()> = Mutex::new(());

pub fn exclusive_stack() -> MutexGuard<'static, ()> {
    STACK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn env_url(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests through `make test`, which starts the stack")
    })
}

pub fn proxy_url() -> String {
    env_url("PROXY_URL")
}

pub fn sim_url() -> String {
    env_url("SIM_URL")
}

/// A response reduced to what the tests look at.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", &self.body[..self.body.len().min(300)]))
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(60)).build()
}

fn reply_of(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("request failed: {error}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|name| {
            let value = response.header(&name).unwrap_or_default().to_owned();
            (name, value)
        })
        .collect();
    let body = response.into_string().expect("body");
    Reply { status, headers, body }
}

/// GET on the proxy the way the widget does it: partner key and origin set.
pub fn proxy_get(path: &str) -> Reply {
    proxy_get_with(path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)])
}

pub fn proxy_get_with(path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(&format!("{}{path}", proxy_url()));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    reply_of(request.call())
}

pub fn proxy_request(method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().request(method, &format!("{}{path}", proxy_url()));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    reply_of(request.call())
}

pub fn sim_post(path: &str, body: Value) -> Reply {
    reply_of(agent().post(&format!("{}{path}", sim_url())).send_json(body))
}

pub fn sim_get(path: &str) -> Value {
    reply_of(agent().get(&format!("{}{path}", sim_url())).call()).json()
}

pub fn sim_delete(path: &str) {
    let reply = reply_of(agent().delete(&format!("{}{path}", sim_url())).call());
    assert!(reply.status < 300, "DELETE {path}: {}", reply.status);
}

/// The upstream requests the simulator has received since the log was last cleared.
pub fn upstream_requests() -> Vec<Value> {
    sim_get("/_sim/requests").as_array().cloned().unwrap_or_default()
}

pub fn clear_upstream_requests() {
    sim_delete("/_sim/requests");
}

pub fn inject_fault(route: &str, kind: &str, latency_ms: Option<u64>) {
    let mut fault = serde_json::json!({"route": route, "kind": kind});
    if let Some(latency_ms) = latency_ms {
        fault["latency_ms"] = latency_ms.into();
    }
    let reply = sim_post("/_sim/faults", fault);
    assert!(reply.status < 300, "inject fault: {} {}", reply.status, reply.body);
}

pub fn clear_faults() {
    sim_delete("/_sim/faults");
}

/// The demo partner's secret key (clearly fake; its hash is in wrangler.toml).
pub const DEMO_SECRET_KEY: &str = "sk_demo_0000000000000000_not_a_secret";

fn send_with_body(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let mut request = agent().request(method, &format!("{}{path}", proxy_url()));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    reply_of(match body {
        Some(body) => request.set("Content-Type", "application/json").send_string(body),
        None => request.call(),
    })
}

/// A hold call the way the widget makes it (public key, partner origin).
pub fn widget_call(method: &str, path: &str, body: Option<&str>) -> Reply {
    send_with_body(method, path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)], body)
}

/// A call from the partner's server with the given `Authorization` header value.
pub fn server_call(method: &str, path: &str, authorization: Option<&str>) -> Reply {
    match authorization {
        Some(value) => send_with_body(method, path, &[("Authorization", value)], Some("")),
        None => send_with_body(method, path, &[], Some("")),
    }
}

pub fn sim_state() -> Value {
    sim_get("/_sim/state")
}
