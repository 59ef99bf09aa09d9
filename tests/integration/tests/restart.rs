//! A proxy restart in the middle of a hold loses nothing. `scripts/test.sh`
//! runs `before_the_restart`, restarts wrangler/workerd (`restart_proxy`),
//! then runs `after_the_restart`; the hold id is handed over in a file.

use integration_tests::*;
use serde_json::json;
use ticket_contract::{availability_bits, Availability, Hold, HoldState, Layout};

fn handover_file() -> std::path::PathBuf {
    let folder = std::env::var("STACK_LOG_DIR").expect("STACK_LOG_DIR is set by scripts/test.sh");
    std::path::Path::new(&folder).join("hold-across-restart.json")
}

#[test]
fn before_the_restart() {
    let layout: Layout = serde_json::from_str(&proxy_get("/v1/events/qt:1001/shows/2002/layout").body).unwrap();
    let availability: Availability = serde_json::from_str(&proxy_get("/v1/events/qt:1001/shows/2002/availability").body).unwrap();
    let flags = availability_bits::decode(&availability.seats_available, layout.seats.len()).unwrap();
    let seat = layout.seats.iter().zip(flags).find(|(_, on_sale)| *on_sale).map(|(seat, _)| seat.id.clone()).unwrap();
    let body = json!({"event": "qt:1001", "show": "2002", "seats": [seat], "admission": {}});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let buyer = json!({"buyer": {"name": "Пётр", "email": "petr@example.ru", "phone": "+7 916 000-00-01"}});
    let hold: Hold = serde_json::from_str(&created.body).unwrap();
    let changed = widget_call("PATCH", &format!("/v1/holds/{}", hold.id), Some(&buyer.to_string()));
    assert_eq!(changed.status, 200, "{}", changed.body);
    std::fs::write(handover_file(), &changed.body).unwrap();
}

#[test]
fn after_the_restart() {
    let before: Hold =
        serde_json::from_str(&std::fs::read_to_string(handover_file()).expect("run before_the_restart first")).unwrap();
    let now = widget_call("GET", &format!("/v1/holds/{}", before.id), None);
    assert_eq!(now.status, 200, "{}", now.body);
    let after: Hold = serde_json::from_str(&now.body).unwrap();
    assert_eq!(after.state, HoldState::Held);
    assert_eq!((&after.items, &after.buyer, &after.expires_at), (&before.items, &before.buyer, &before.expires_at));
    let confirmed = server_call("POST", &format!("/v1/holds/{}/confirm", before.id), Some(&format!("Bearer {DEMO_SECRET_KEY}")));
    assert_eq!(confirmed.status, 200, "the upstream tickets were remembered: {}", confirmed.body);
    let paid: Hold = serde_json::from_str(&confirmed.body).unwrap();
    assert_eq!(paid.tickets.len(), 1);
}

/// Run after `after_the_restart` (scripts/test.sh): the show's owner lost its
/// memory in the restart, and the upstream now fails; the last good copy it
/// kept in storage is served, flagged stale, instead of an error.
#[test]
fn the_last_good_copy_outlives_a_restart() {
    let path = "/v1/events/qt:1001/shows/2002/availability";
    inject_fault("qtickets.seats", "unavailable", None);
    let reply = proxy_get(path);
    clear_faults();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let availability: Availability = serde_json::from_str(&reply.body).unwrap();
    assert!(availability.stale, "flagged as the last good copy");
    let layout: Layout = serde_json::from_str(&proxy_get("/v1/events/qt:1001/shows/2002/layout").body).unwrap();
    assert_eq!(availability.layout_version, layout.version);
}
