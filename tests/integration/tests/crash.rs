//! `kill -9` of the proxy in the middle of a confirm and of a create: after
//! the restart, the holds' alarms finish the confirm (the hold ends
//! `confirmed` with every ticket) and undo the create (nothing stays
//! reserved). `scripts/test.sh` runs `before_the_crash` in the background,
//! waits for its handover file (written once the upstream shows both
//! commands half-way), kills wrangler and workerd with `kill -KILL`
//! (`crash_proxy`), starts the proxy again on the same state, then runs
//! `after_the_crash`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{Hold, HoldState};

/// The confirm's hold: seven seats of the hockey arena.
const CONFIRM_EVENT: &str = "qt:1002";
const CONFIRM_SHOW: &str = "2003";
/// The create's hold: ten seats of the Kremlin palace.
const CREATE_EVENT: &str = "qt:1001";
const CREATE_SHOW: &str = "2001";
/// Every QTickets add and pay takes this long until after the crash.
const SLOW_WRITES_MS: u64 = 5_000;

fn handover_file() -> std::path::PathBuf {
    let folder = std::env::var("STACK_LOG_DIR").expect("STACK_LOG_DIR is set by scripts/test.sh");
    std::path::Path::new(&folder).join("crash-handover.json")
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// Live QTickets tickets of a show: `seat id → paid`.
fn live_tickets(show: &str) -> Vec<(String, bool)> {
    sim_state()["qtickets_tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ticket| text(&ticket["show_id"]) == show)
        .map(|ticket| (text(&ticket["seat_id"]), ticket["paid"] == json!(1) || ticket["paid"] == json!(true)))
        .collect()
}

/// A request that the crash will cut off: no panic when it fails.
fn call_and_expect_the_crash(method: &str, path: &str, headers: Vec<(&'static str, String)>, body: String) -> String {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(90)).build();
    let mut request = agent.request(method, &format!("{}{path}", proxy_url())).set("Content-Type", "application/json");
    for (name, value) in &headers {
        request = request.set(name, value);
    }
    match request.send_string(&body) {
        Ok(response) => format!("answered {} before the crash", response.status()),
        Err(ureq::Error::Status(status, _)) => format!("answered {status} before the crash"),
        Err(error) => format!("cut off: {error}"),
    }
}

#[test]
fn before_the_crash() {
    let confirm_seats = vacant_seats(CONFIRM_EVENT, CONFIRM_SHOW, 7, 700);
    let body = json!({"event": CONFIRM_EVENT, "show": CONFIRM_SHOW, "seats": confirm_seats, "admission": {}});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let paying: Hold = serde_json::from_str(&created.body).unwrap();

    let create_seats = vacant_seats(CREATE_EVENT, CREATE_SHOW, 10, 150);
    let before: BTreeSet<String> = live_tickets(CREATE_SHOW).into_iter().map(|(seat, _)| seat).collect();
    inject_fault("qtickets.tickets_add", "latency", Some(SLOW_WRITES_MS));

    let confirm_path = format!("/v1/holds/{}/confirm", paying.id);
    let confirm = std::thread::spawn(move || {
        call_and_expect_the_crash(
            "POST",
            &confirm_path,
            vec![("Authorization", format!("Bearer {DEMO_SECRET_KEY}"))],
            String::new(),
        )
    });
    let create_body = json!({"event": CREATE_EVENT, "show": CREATE_SHOW, "seats": create_seats, "admission": {}}).to_string();
    let create = std::thread::spawn(move || {
        let headers = vec![("X-Partner-Key", DEMO_PARTNER_KEY.to_owned()), ("Origin", PARTNER_ORIGIN.to_owned())];
        call_and_expect_the_crash("POST", "/v1/holds", headers, create_body)
    });

    // Half-way: some of the confirm's tickets paid upstream, some of the
    // create's seats reserved, the rest of both still in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let paid = live_tickets(CONFIRM_SHOW).iter().filter(|(seat, paid)| *paid && confirm_seats.contains(seat)).count();
        let reserved = live_tickets(CREATE_SHOW).iter().filter(|(seat, _)| !before.contains(seat)).count();
        if paid >= 1 && reserved >= 1 {
            assert!(paid < 7, "the confirm finished before the crash: slow writes did not apply");
            println!("crashing with {paid} of 7 tickets paid and {reserved} of 10 seats reserved");
            break;
        }
        assert!(Instant::now() < deadline, "the commands never got half-way (paid {paid}, reserved {reserved})");
        std::thread::sleep(Duration::from_millis(100));
    }
    let handover = json!({"paying": paying.id, "create_seats": create_seats, "before": before});
    let temporary = handover_file().with_extension("tmp");
    std::fs::write(&temporary, handover.to_string()).unwrap();
    std::fs::rename(&temporary, handover_file()).unwrap();
    // scripts/test.sh kills the proxy now; both calls are cut off.
    println!("confirm: {}", confirm.join().unwrap());
    println!("create: {}", create.join().unwrap());
}

#[test]
fn after_the_crash() {
    clear_faults();
    let handover: Value =
        serde_json::from_str(&std::fs::read_to_string(handover_file()).expect("run before_the_crash first")).unwrap();
    let paying = handover["paying"].as_str().unwrap();
    let create_seats: BTreeSet<String> =
        handover["create_seats"].as_array().unwrap().iter().map(|seat| seat.as_str().unwrap().to_owned()).collect();
    let before: BTreeSet<String> =
        handover["before"].as_array().unwrap().iter().map(|seat| seat.as_str().unwrap().to_owned()).collect();

    // The confirm's alarm completes it: paid tickets are never lost.
    let deadline = Instant::now() + Duration::from_secs(90);
    let confirmed = loop {
        let reply = widget_call("GET", &format!("/v1/holds/{paying}"), None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let hold: Hold = serde_json::from_str(&reply.body).unwrap();
        if hold.state == HoldState::Confirmed {
            break hold;
        }
        assert!(Instant::now() < deadline, "the interrupted confirm was not completed: {hold:?}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(confirmed.tickets.len(), 7, "every ticket: {:?}", confirmed.tickets);
    let barcodes: BTreeSet<&str> = confirmed.tickets.iter().map(|ticket| ticket.barcode.as_str()).collect();
    assert_eq!(barcodes.len(), 7);
    let seats: BTreeSet<String> =
        confirmed.items.iter().map(|item| text(&serde_json::to_value(item).unwrap()["seat_id"])).collect();
    let paid_upstream: BTreeSet<String> = live_tickets(CONFIRM_SHOW)
        .into_iter()
        .filter(|(seat, paid)| *paid && seats.contains(seat))
        .map(|(seat, _)| seat)
        .collect();
    assert_eq!(paid_upstream, seats, "QTickets has every ticket paid");
    let again = server_call("POST", &format!("/v1/holds/{paying}/confirm"), Some(&format!("Bearer {DEMO_SECRET_KEY}")));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(serde_json::from_str::<Hold>(&again.body).unwrap().tickets, confirmed.tickets);

    // The create's alarm undoes it: nothing it reserved stays reserved.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let left: Vec<String> =
            live_tickets(CREATE_SHOW).into_iter().map(|(seat, _)| seat).filter(|seat| !before.contains(seat)).collect();
        if left.is_empty() {
            break;
        }
        assert!(left.iter().all(|seat| create_seats.contains(seat)), "only the create's seats: {left:?}");
        assert!(Instant::now() < deadline, "still reserved after the crash: {left:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
    // The seats are for sale again.
    let seats: Vec<String> = create_seats.into_iter().take(3).collect();
    let body = json!({"event": CREATE_EVENT, "show": CREATE_SHOW, "seats": seats, "admission": {}});
    let retaken = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(retaken.status, 201, "{}", retaken.body);
    let hold: Hold = serde_json::from_str(&retaken.body).unwrap();
    widget_call("DELETE", &format!("/v1/holds/{}", hold.id), None);
}
