//! Helpers for the integration tests: HTTP calls to the proxy (as a partner's
//! page or server would make them) and to the simulator's `/_sim/` admin
//! surface.
//!
//! The stack is started by `scripts/test.sh`, which exports `PROXY_URL` and
//! `SIM_URL`; without them the tests fail loudly rather than pass vacuously.
//!
//! Every reply the helpers receive is appended (status line, headers, body) to
//! `test-output/responses/integration-<test binary>-<pid>.log`, so that
//! `scripts/canary-scan.sh` can prove afterwards that no response carried an
//! upstream key.

use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::Value;

pub mod live;
pub mod openapi;

pub const DEMO_PARTNER_KEY: &str = "pk_demo_0000000000000000";
pub const PARTNER_ORIGIN: &str = "http://127.0.0.1:8080";
/// The demo partner's second allowed origin (tests/integration/partners.test.json).
pub const PARTNER_ORIGIN_LOCALHOST: &str = "http://localhost:8080";
/// An origin no test partner allows.
pub const FOREIGN_ORIGIN: &str = "https://evil.example";

/// The test partners of `tests/integration/partners.test.json` (clearly fake keys).
/// `limited`: origin `PARTNER_ORIGIN`, window 4 s, reads 5, holds 3, server 3.
pub const LIMITED_PARTNER_KEY: &str = "pk_test_limited_00000000";
pub const LIMITED_SECRET_KEY: &str = "sk_test_limited_0000000000_not_a_secret";
pub const LIMITED_WINDOW_SECONDS: u64 = 4;
pub const LIMITED_READS: u32 = 5;
pub const LIMITED_HOLDS: u32 = 3;
pub const LIMITED_SERVER_CALLS: u32 = 3;
/// `revoked`: both keys refused with `partner_key_revoked`.
pub const REVOKED_PARTNER_KEY: &str = "pk_test_revoked_00000000";
pub const REVOKED_SECRET_KEY: &str = "sk_test_revoked_0000000000_not_a_secret";
/// `narrow`: origin `NARROW_ORIGIN`, QTickets only, event `qt:1001` only, at most 2 seats per hold.
pub const NARROW_PARTNER_KEY: &str = "pk_test_narrow_000000000";
pub const NARROW_SECRET_KEY: &str = "sk_test_narrow_00000000000_not_a_secret";
pub const NARROW_ORIGIN: &str = "https://shop.example";
pub const NARROW_MAX_SEATS: usize = 2;
/// `free`: origin `PARTNER_ORIGIN`, `free_seats_allowed: true` — places the
/// upstream prices at 0 are on sale to it (to nobody else).
pub const FREE_PARTNER_KEY: &str = "pk_test_free_00000000000";
pub const FREE_SECRET_KEY: &str = "sk_test_free_0000000000000_not_a_secret";
/// `capped`: origin `PARTNER_ORIGIN`, large budgets, but at most
/// `CAPPED_HOLDS_PER_CLIENT` active holds per client and
/// `CAPPED_HOLDS_PER_SHOW` on one show.
pub const CAPPED_PARTNER_KEY: &str = "pk_test_capped_000000000";
pub const CAPPED_SECRET_KEY: &str = "sk_test_capped_00000000000_not_a_secret";
pub const CAPPED_HOLDS_PER_CLIENT: usize = 2;
pub const CAPPED_HOLDS_PER_SHOW: usize = 3;
/// The demo partner's `max_seats_per_hold` in the test directory.
pub const DEMO_MAX_SEATS: usize = 10;
/// A partner whose ended holds show their buyer and tickets for
/// `FORGETFUL_DETAILS_SECONDS` and are deleted after `FORGETFUL_RETENTION_SECONDS`.
pub const FORGETFUL_PARTNER_KEY: &str = "pk_test_forgetful_000000";
pub const FORGETFUL_SECRET_KEY: &str = "sk_test_forgetful_00000000_not_a_secret";
pub const FORGETFUL_DETAILS_SECONDS: u64 = 10;
pub const FORGETFUL_RETENTION_SECONDS: u64 = 20;

/// A hold id that is well formed and belongs to nobody.
pub const UNKNOWN_HOLD_ID: &str = "h_ffffffffffffffffffffffffffffffff";

/// Tests share one simulator and one edge cache: they take turns.
static STACK: Mutex<()> = Mutex::new(());

pub fn exclusive_stack() -> MutexGuard<'static, ()> {
    STACK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn env_url(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run these tests through `make test`, which starts the stack"))
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
        self.headers.iter().find(|(header, _)| header.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", &self.body[..self.body.len().min(300)]))
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }

    /// `error.field`, if the body is a JSON error that names one.
    pub fn error_field(&self) -> Option<String> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body["error"]["field"].as_str().map(str::to_owned)
    }

    /// A header that must be a whole number (`Retry-After`, `X-RateLimit-*`).
    pub fn number_header(&self, name: &str) -> u64 {
        let value = self.header(name).unwrap_or_else(|| panic!("no {name} header: {:?}", self.headers));
        value.trim().parse().unwrap_or_else(|_| panic!("{name} is not a whole number: {value:?}"))
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(60)).build()
}

/// Largest body read from a reply (the 10,000-seat layout is well below).
const LARGEST_REPLY_BODY: u64 = 64 * 1024 * 1024;

/// Sends `request` (with `body`, if any), records the reply and returns it.
fn perform(request: ureq::Request, body: Option<&[u8]>) -> Reply {
    let label = format!("{} {}", request.method(), request.url());
    let result = match body {
        Some(body) => request.send_bytes(body),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{label}: request failed: {error}"),
    };
    let status = response.status();
    let status_line = format!("{} {} {}", response.http_version(), status, response.status_text());
    let mut headers = Vec::new();
    for name in response.headers_names() {
        if headers.iter().any(|(seen, _): &(String, String)| *seen == name) {
            continue;
        }
        for value in response.all(&name) {
            headers.push((name.clone(), value.to_owned()));
        }
    }
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(LARGEST_REPLY_BODY)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|error| panic!("{label}: reading the body: {error}"));
    let body = String::from_utf8_lossy(&bytes).into_owned();
    record_reply(&label, &status_line, &headers, &body);
    Reply { status, headers, body }
}

/// `test-output/responses/` at the workspace root.
pub fn responses_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-output/responses")
}

/// This process's response log, opened (append) on first use.
fn response_log() -> &'static Mutex<File> {
    static LOG: OnceLock<Mutex<File>> = OnceLock::new();
    LOG.get_or_init(|| {
        let folder = responses_folder();
        std::fs::create_dir_all(&folder).unwrap_or_else(|error| panic!("creating {}: {error}", folder.display()));
        let binary = std::env::args()
            .next()
            .and_then(|path| PathBuf::from(path).file_stem().map(|stem| stem.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".to_owned());
        let path = folder.join(format!("integration-{binary}-{}.log", std::process::id()));
        let file = File::options()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|error| panic!("opening {}: {error}", path.display()));
        Mutex::new(file)
    })
}

/// Appends one reply to the response log in one write (threads share the file).
pub(crate) fn record_reply(label: &str, status_line: &str, headers: &[(String, String)], body: &str) {
    let mut entry = String::with_capacity(body.len() + 512);
    entry.push_str("=== ");
    entry.push_str(label);
    entry.push('\n');
    entry.push_str(status_line);
    entry.push('\n');
    for (name, value) in headers {
        entry.push_str(name);
        entry.push_str(": ");
        entry.push_str(value);
        entry.push('\n');
    }
    entry.push('\n');
    entry.push_str(body);
    entry.push_str("\n\n");
    let mut log = response_log().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    log.write_all(entry.as_bytes()).expect("recording a reply in test-output/responses");
}

/// One GET on the proxy by a member of a crowd, over `agent` (that member's
/// kept-alive connection, as a browser's): the HTTP status once the whole body
/// has arrived, or why no complete answer came. A crowd repeats the same few
/// documents thousands of times, so the reply is recorded for the canary scan
/// only when `record` is set.
pub fn crowd_get(agent: &ureq::Agent, path: &str, headers: &[(&str, &str)], record: bool) -> Result<u16, String> {
    let mut request = agent.get(&format!("{}{path}", proxy_url()));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let response = match request.call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(error) => return Err(format!("GET {path}: {error}")),
    };
    let status = response.status();
    let status_line = format!("{} {} {}", response.http_version(), status, response.status_text());
    let headers: Vec<(String, String)> = response
        .headers_names()
        .into_iter()
        .filter_map(|name| response.header(&name).map(|value| (name.clone(), value.to_owned())))
        .collect();
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(LARGEST_REPLY_BODY)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("GET {path}: body: {error}"))?;
    if record {
        record_reply(&format!("GET {path}"), &status_line, &headers, &String::from_utf8_lossy(&bytes));
    }
    Ok(status)
}

/// GET on the proxy the way the widget does it: partner key and origin set.
pub fn proxy_get(path: &str) -> Reply {
    proxy_get_with(path, &[("X-Partner-Key", DEMO_PARTNER_KEY), ("Origin", PARTNER_ORIGIN)])
}

pub fn proxy_get_with(path: &str, headers: &[(&str, &str)]) -> Reply {
    proxy_call("GET", path, headers, None)
}

pub fn proxy_request(method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    proxy_call(method, path, headers, None)
}

/// Any call to the proxy: `path` as sent (percent-encoding kept), the headers
/// exactly as given (`X-Partner-Key`, `Origin`, `CF-Connecting-IP`,
/// `Authorization`, `X-Request-Id`, …), and an optional body, sent as
/// `Content-Type: application/json` unless the headers name another type.
pub fn proxy_call(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Reply {
    let mut request = agent().request(method, &format!("{}{path}", proxy_url()));
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let names_a_type = headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if body.is_some() && !names_a_type {
        request = request.set("Content-Type", "application/json");
    }
    perform(request, body)
}

/// The headers of a widget's call for partner `key` from `origin`, as client `ip`.
pub fn widget_headers<'a>(key: &'a str, origin: &'a str, ip: &'a str) -> [(&'a str, &'a str); 3] {
    [("X-Partner-Key", key), ("Origin", origin), ("CF-Connecting-IP", ip)]
}

/// A client address no other call of this test process uses, so rate-limit
/// budgets (per key and `CF-Connecting-IP`) are never shared between tests.
/// `10.<pid>.<pid>.<n>`: distinct across the test binaries of one run too.
pub fn unique_client_ip() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let serial = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    assert!(serial < 250 * 250, "out of test client addresses");
    format!("10.{}.{}.{}", pid % 250, (pid / 250 + serial / 250) % 250, serial % 250 + 1)
}

pub fn sim_post(path: &str, body: Value) -> Reply {
    let request = agent().post(&format!("{}{path}", sim_url())).set("Content-Type", "application/json");
    perform(request, Some(body.to_string().as_bytes()))
}

pub fn sim_get(path: &str) -> Value {
    perform(agent().get(&format!("{}{path}", sim_url())), None).json()
}

pub fn sim_delete(path: &str) {
    let reply = perform(agent().delete(&format!("{}{path}", sim_url())), None);
    assert!(reply.status < 300, "DELETE {path}: {}", reply.status);
}

/// The upstream requests the simulator has received since the log was last cleared.
pub fn upstream_requests() -> Vec<Value> {
    sim_get("/_sim/requests").as_array().cloned().unwrap_or_default()
}

pub fn clear_upstream_requests() {
    sim_delete("/_sim/requests");
}

/// Waits until the proxy's background work that earlier tests started
/// (stale-while-revalidate refreshes of the catalogue and its halls, which
/// page through listings and can take seconds) has stopped calling the
/// simulator for a moment, then clears its log: a test that asserts "nothing
/// was called upstream" watches only what its own requests cause.
pub fn quiet_upstream() {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        clear_upstream_requests();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        if upstream_requests().is_empty() || std::time::Instant::now() > deadline {
            clear_upstream_requests();
            return;
        }
    }
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
    proxy_call(method, path, headers, body.map(str::as_bytes))
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

/// The seats on sale in a hall right now as the proxy reports them (what a
/// buyer's widget sees), in layout order.
pub fn seats_on_sale(event: &str, show: &str) -> Vec<String> {
    let layout_reply = proxy_get(&format!("/v1/events/{event}/shows/{show}/layout"));
    let layout: ticket_contract::Layout =
        serde_json::from_str(&layout_reply.body).unwrap_or_else(|_| panic!("a layout: {}", layout_reply.body));
    let availability_reply = proxy_get(&format!("/v1/events/{event}/shows/{show}/availability"));
    let availability: ticket_contract::Availability =
        serde_json::from_str(&availability_reply.body).unwrap_or_else(|_| panic!("an availability: {}", availability_reply.body));
    let (flags, _) = availability.for_layout(&layout).expect("the availability of this layout");
    layout.seats.iter().zip(flags).filter(|(_, on_sale)| *on_sale).map(|(seat, _)| seat.id.clone()).collect()
}

/// The first `count` seats on sale right now, after skipping `skip`.
pub fn vacant_seats(event: &str, show: &str, count: usize, skip: usize) -> Vec<String> {
    seats_on_sale(event, show).into_iter().skip(skip).take(count).collect()
}
