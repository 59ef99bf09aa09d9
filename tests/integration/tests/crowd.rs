//! A crowd against the local stack: 100 clients at once, each viewer from its
//! own address, loading the widget's wasm and the hall's layout — what an
//! on-sale looks like to `wrangler dev`.
//!
//! It exists because the local proxy once fell over under exactly this: wrangler's
//! devtools relay turned every devtools event of the Worker (each console line,
//! each chunk of each subrequest's body; a 660 KB wasm asset is ~170 of them)
//! into an HTTP request to the wrangler process, one new socket each whenever
//! wrangler lagged. workerd piled up ~17,000 open files, most in CLOSE-WAIT,
//! and answered nothing, not even `/healthz` (see ARCHITECTURE.md, "The local
//! stack under load"; scripts/stack.sh turns the relay off). Runs after the
//! other integration tests and before the browser tests, which then prove the
//! stack still works after the crowd.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use integration_tests::*;

/// 1,500 viewers × 2 requests: a few thousand requests, well past the point
/// where the pile-up took the proxy down (about 2,000).
const VIEWERS: usize = 1_500;
const CLIENTS_AT_ONCE: usize = 100;
/// How long one client waits for one whole answer before it counts as none
/// (a buyer's browser gives up sooner). A liveness bound, not a speed target.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);
/// With the relay off the process clients talk to holds ~250 open files under
/// this crowd (100 client connections, 100 to the Worker's own process, a few
/// more); with it on, ~17,000. Its open-files limit here is 20,000, on many
/// developer machines far lower.
const FRONT_PROCESS_OPEN_FILES_BOUND: usize = 2_000;

const WIDGET_WASM: &str = "/widget/ticket_widget_bg.wasm";
const LAYOUT: &str = "/v1/events/qt:1001/shows/2001/layout";

#[test]
fn a_crowd_of_viewers_is_answered_and_the_proxy_keeps_answering() {
    let _stack = exclusive_stack();
    // The crowd reads a cached layout: this test is about the proxy, not about
    // how often the upstream is read (that is `make bench`).
    let first = proxy_get(LAYOUT);
    assert_eq!(first.status, 200, "{}", first.body);

    let front = FrontProcess::listening_on(proxy_port());
    let peak_open_files = AtomicUsize::new(front.open_files());
    let crowd_done = AtomicBool::new(false);
    let gave_up = AtomicBool::new(false);
    let no_answer: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let statuses: Mutex<BTreeMap<(&str, u16), usize>> = Mutex::new(BTreeMap::new());
    let next_viewer = AtomicUsize::new(0);

    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !crowd_done.load(Ordering::Relaxed) {
                peak_open_files.fetch_max(front.open_files(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let clients: Vec<_> = (0..CLIENTS_AT_ONCE)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::AgentBuilder::new().timeout(ANSWER_WITHIN).max_idle_connections_per_host(1).build();
                    loop {
                        let viewer = next_viewer.fetch_add(1, Ordering::Relaxed);
                        if viewer >= VIEWERS || gave_up.load(Ordering::Relaxed) {
                            return;
                        }
                        let address = unique_client_ip();
                        let headers = widget_headers(DEMO_PARTNER_KEY, PARTNER_ORIGIN, &address);
                        for path in [WIDGET_WASM, LAYOUT] {
                            match crowd_get(&agent, path, &headers, viewer == 0) {
                                Ok(status) => *statuses.lock().unwrap().entry((path, status)).or_default() += 1,
                                Err(problem) => {
                                    // One client without an answer is enough to fail;
                                    // the others stop instead of waiting out their timeouts.
                                    no_answer.lock().unwrap().push(problem);
                                    gave_up.store(true, Ordering::Relaxed);
                                    return;
                                }
                            }
                        }
                    }
                })
            })
            .collect();
        for client in clients {
            client.join().expect("a crowd client panicked");
        }
        crowd_done.store(true, Ordering::Relaxed);
    });

    let no_answer = no_answer.into_inner().unwrap();
    let statuses = statuses.into_inner().unwrap();
    let peak_open_files = peak_open_files.into_inner();
    let answered: usize = statuses.values().sum();
    let health = proxy_get_with("/healthz", &[]);

    assert!(
        no_answer.is_empty(),
        "{} request(s) got no HTTP answer within {ANSWER_WITHIN:?} after {answered} did (first: {}); the proxy's front \
         process held up to {peak_open_files} open files",
        no_answer.len(),
        no_answer[0]
    );
    assert_eq!(answered, VIEWERS * 2);
    let not_ok: Vec<_> = statuses.iter().filter(|((_, status), _)| *status != 200).collect();
    assert!(not_ok.is_empty(), "every viewer gets the widget and the cached layout: {statuses:?}");
    assert_eq!((health.status, health.body.as_str()), (200, r#"{"status":"ok"}"#), "the proxy answers after the crowd");
    assert!(
        peak_open_files < FRONT_PROCESS_OPEN_FILES_BOUND,
        "the proxy's front process (pid {}) held up to {peak_open_files} open files during the crowd; sockets towards \
         wrangler's own process are piling up again (`ss -tanp state close-wait`)",
        front.pid
    );
}

fn proxy_port() -> u16 {
    let url = proxy_url();
    let port = url.rsplit(':').next().and_then(|port| port.trim_end_matches('/').parse().ok());
    port.unwrap_or_else(|| panic!("PROXY_URL has no port: {url}"))
}

/// The process that accepts the proxy's TCP connections (wrangler's front
/// workerd), found through /proc: the owner of the listening socket.
struct FrontProcess {
    pid: u32,
}

impl FrontProcess {
    fn listening_on(port: u16) -> FrontProcess {
        let inodes = listening_socket_inodes(port);
        assert!(!inodes.is_empty(), "no listening socket on port {port} in /proc/net/tcp*");
        let processes = std::fs::read_dir("/proc").expect("reading /proc");
        for process in processes.flatten() {
            let Some(pid) = process.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
            let Ok(files) = std::fs::read_dir(process.path().join("fd")) else { continue };
            for file in files.flatten() {
                let target = std::fs::read_link(file.path()).unwrap_or_default();
                if inodes.iter().any(|inode| target.to_str() == Some(&format!("socket:[{inode}]"))) {
                    return FrontProcess { pid };
                }
            }
        }
        panic!("no process owns the listening socket on port {port}")
    }

    /// How many files (sockets included) the process has open now; 0 once it is gone.
    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid)).map(|files| files.count()).unwrap_or(0)
    }
}

/// Inodes of the sockets listening on `port` (`st` 0A in /proc/net/tcp and tcp6).
fn listening_socket_inodes(port: u16) -> Vec<String> {
    let port_hex = format!(":{port:04X}");
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() > 9 && fields[1].ends_with(&port_hex) && fields[3] == "0A" {
                inodes.push(fields[9].to_owned());
            }
        }
    }
    inodes
}
