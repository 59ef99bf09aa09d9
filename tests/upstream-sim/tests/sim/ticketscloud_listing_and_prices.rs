//! The TicketsCloud events listing as the document allows it to come —
//! pages smaller than asked, the normalised form — and prices on a schedule:
//! which rule is `current`, and what an order charges, follow the simulated
//! clock; an organiser's price change and a copied event come from `/_sim/`.

use super::*;

fn ids_of(events: &Value) -> Vec<String> {
    events.as_array().unwrap().iter().map(|event| event["id"].as_str().unwrap().to_owned()).collect()
}

/// The set's `price`, and which of its rules are `current`, in the listing.
async fn set_in_listing(simulator: &Simulator, event_id: &str, set_id: &str) -> (String, Vec<bool>) {
    let events = simulator.ticketscloud(TC_EVENTS).await.json();
    let event = events.as_array().unwrap().iter().find(|event| event["id"] == event_id).unwrap().clone();
    let set = event["sets"].as_array().unwrap().iter().find(|set| set["id"] == set_id).unwrap().clone();
    let current = set["rules"].as_array().unwrap().iter().map(|rule| rule["current"].as_bool().unwrap()).collect();
    (set["price"].as_str().unwrap().to_owned(), current)
}

/// `values.full` of a new order for `count` admission places of the set.
async fn order_total(simulator: &Simulator, event_id: &str, set_id: &str, count: u32) -> String {
    let reply = simulator.tc_create(json!({"event": event_id, "random": {set_id: count}})).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()["data"]["values"]["full"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn pages_may_be_smaller_than_asked_and_the_listing_may_be_normalised() {
    let simulator = Simulator::new();
    let reply = simulator.admin(Method::POST, "ticketscloud/listing", Some(json!({"max_page_size": 1}))).await;
    assert_eq!(reply.json(), json!({"form": "embedded", "max_page_size": 1}));
    let cases: [(&str, &[&str]); 3] = [
        ("?page=1&page_size=100", &[SWAN_LAKE_EVENT_ID]),
        ("?page=2&page_size=100", &[JAZZ_EVENING_EVENT_ID]),
        ("?page=3&page_size=100", &[]),
    ];
    for (query, expected) in cases {
        assert_eq!(ids_of(&simulator.ticketscloud(&format!("{TC_EVENTS}{query}")).await.json()), expected, "{query}");
    }

    let reply =
        simulator.admin(Method::POST, "ticketscloud/listing", Some(json!({"form": "normalised", "max_page_size": null}))).await;
    assert_eq!(reply.json(), json!({"form": "normalised", "max_page_size": null}));
    let page = simulator.ticketscloud(&format!("{TC_EVENTS}?page=1&page_size=100")).await.json();
    assert_eq!(ids_of(&page["events"]), [SWAN_LAKE_EVENT_ID, JAZZ_EVENING_EVENT_ID]);
    let swan_lake = &page["events"][0];
    let venue_id = swan_lake["venue"].as_str().expect("the venue by id");
    assert_eq!(page["venues"][venue_id]["name"], "Мариинский театр");
    let city_id = page["venues"][venue_id]["city"].to_string();
    assert_eq!(page["cities"][city_id.as_str()]["timezone"], "Europe/Moscow");
    assert_eq!(page["orgs"][swan_lake["org"].as_str().unwrap()]["name"], "Театральное агентство «Премьера»");
    let set_ids: Vec<&str> = swan_lake["sets"].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
    assert_eq!(set_ids.len(), 4);
    assert_eq!(page["sets"][SWAN_LAKE_PARTERRE_SET_ID]["name"], "Партер");
    let empty = simulator.ticketscloud(&format!("{TC_EVENTS}?page=2&page_size=100")).await.json();
    assert_eq!(empty["events"], json!([]), "past the end: no events");

    // Reset goes back to how the command line said to serve it.
    simulator.admin(Method::POST, "reset", None).await;
    assert!(simulator.ticketscloud(TC_EVENTS).await.json().is_array());
}

#[tokio::test]
async fn price_rules_change_on_the_simulated_clock_and_orders_keep_their_price() {
    let simulator = Simulator::new();
    let set = JAZZ_GENERAL_ADMISSION_SET_ID;
    // Seeded: 1200 + 4 % until 31 March 2027 21:00 UTC, then 20 % dearer.
    assert_eq!(set_in_listing(&simulator, JAZZ_EVENING_EVENT_ID, set).await, ("1248.00".into(), vec![true, false]));
    let early_order = simulator.tc_create(json!({"event": JAZZ_EVENING_EVENT_ID, "random": {set: 1}})).await.json();
    assert_eq!(early_order["data"]["values"]["full"], "1248.00");

    let now = simulator.sim_now().await;
    let second_rule_starts = upstream_sim::calendar::parse_ical_basic_utc("20270331T210000Z").unwrap();
    simulator.advance_clock(second_rule_starts.0 - now.0).await;
    assert_eq!(set_in_listing(&simulator, JAZZ_EVENING_EVENT_ID, set).await, ("1497.60".into(), vec![false, true]));
    assert_eq!(order_total(&simulator, JAZZ_EVENING_EVENT_ID, set, 2).await, "2995.20");
    // An order made before keeps the price its tickets were added at.
    let order_id = early_order["data"]["id"].as_str().unwrap();
    assert_eq!(simulator.tc_get(order_id).await.json()["data"]["values"]["full"], "1248.00");
}

#[tokio::test]
async fn an_organiser_changes_a_price_on_a_copied_event() {
    let simulator = Simulator::new();
    let copy = "5f1a0c0e2b3c4d5e6f70a001";
    let reply =
        simulator.admin(Method::POST, "ticketscloud/events", Some(json!({"copy_of": SWAN_LAKE_EVENT_ID, "id": copy}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json());
    assert!(ids_of(&simulator.ticketscloud(TC_EVENTS).await.json()).contains(&copy.to_owned()));
    let copied_tickets = simulator.tc_ticket_ids(copy, "vacant").await;
    assert!(!copied_tickets.is_empty() && copied_tickets.iter().all(|id| &id[8..12] == "a001"), "{copied_tickets:?}");
    let again =
        simulator.admin(Method::POST, "ticketscloud/events", Some(json!({"copy_of": SWAN_LAKE_EVENT_ID, "id": copy}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let set = SWAN_LAKE_GENERAL_ADMISSION_SET_ID;
    let before = set_in_listing(&simulator, copy, set).await.0;
    assert_eq!(before, "1560.00");
    // In 60 s: nothing yet.
    let change = json!({"event_id": copy, "set_id": set, "in_seconds": 60, "percent": 150});
    let reply = simulator.admin(Method::POST, "ticketscloud/price_change", Some(change)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json());
    assert_eq!(reply.json()["sets"][0]["price_then"], "2340.00");
    assert_eq!(set_in_listing(&simulator, copy, set).await.0, "1560.00");
    assert_eq!(order_total(&simulator, copy, set, 1).await, "1560.00");
    simulator.advance_clock(60).await;
    assert_eq!(set_in_listing(&simulator, copy, set).await.0, "2340.00");
    assert_eq!(order_total(&simulator, copy, set, 1).await, "2340.00");
    // The original is untouched; a change now applies at once.
    assert_eq!(set_in_listing(&simulator, SWAN_LAKE_EVENT_ID, set).await.0, "1560.00");
    let now_change = json!({"event_id": SWAN_LAKE_EVENT_ID, "percent": 50});
    assert_eq!(simulator.admin(Method::POST, "ticketscloud/price_change", Some(now_change)).await.status, StatusCode::OK);
    assert_eq!(set_in_listing(&simulator, SWAN_LAKE_EVENT_ID, set).await.0, "780.00");
}
