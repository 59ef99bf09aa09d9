//! Promo codes through the proxy under `wrangler dev`, against the
//! simulator's jazz evening (`SALE10` 10 % off every set; `JAZZ2025`
//! expired; `FIRST50` used up; `GROUP5` from 5 tickets on): applied, priced
//! by the upstream order, refused each way with the hold and the order as
//! they were, removed, kept through a change of places, and charged at
//! confirm. QTickets refuses a code, and layouts say who takes one.

use integration_tests::openapi::assert_documented;
use integration_tests::*;
use serde_json::{json, Value};
use ticket_contract::{Hold, HoldItem, HoldState, Layout, Money};

const JAZZ: &str = "tc:5f1a0c0e2b3c4d5e6f708193";
const JAZZ_SHOW: &str = "5f1a0c0e2b3c4d5e6f708193";
/// The jazz evening's one set: general admission at 1,248.00 ₽ (1,200.00
/// and the service fee), 120.00 ₽ off with SALE10.
const JAZZ_ADMISSION: &str = "64b7c1d2e3f4a5b6c7d8e905";
const JAZZ_PRICE: i64 = 124_800;

fn hold_of(reply: &Reply) -> Hold {
    serde_json::from_str(&reply.body).unwrap_or_else(|error| panic!("not a hold ({error}): {}", reply.body))
}

fn hold_path(hold: &Hold) -> String {
    format!("/v1/holds/{}", hold.id)
}

/// `places` of the jazz evening's general admission, held.
fn jazz_hold(places: u32) -> Hold {
    let body = json!({"event": JAZZ, "show": JAZZ_SHOW, "admission": {JAZZ_ADMISSION: places}});
    let reply = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let hold = hold_of(&reply);
    assert_eq!(hold.total, Money::rub_minor(JAZZ_PRICE * i64::from(places)));
    hold
}

/// `PATCH` the hold with `body`, checked against the OpenAPI document.
fn patch(hold: &Hold, body: Value) -> Reply {
    let path = hold_path(hold);
    let reply = widget_call("PATCH", &path, Some(&body.to_string()));
    assert_documented("PATCH", &path, &reply);
    reply
}

fn read(hold: &Hold) -> Hold {
    let reply = widget_call("GET", &hold_path(hold), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    hold_of(&reply)
}

/// The hold's TicketsCloud order in the simulator: (status, codes, total).
fn upstream_order(hold: &Hold) -> (String, Value, String) {
    let state = sim_state();
    let order = state["ticketscloud_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|order| order["vendor_order_id"] == hold.id.as_str())
        .unwrap_or_else(|| panic!("no order for {}: {state}", hold.id))
        .clone();
    (order["status"].as_str().unwrap().to_owned(), order["promocodes"].clone(), order["total"].as_str().unwrap().to_owned())
}

/// `total | code -discount (line discounts)`, from what the proxy answered.
fn money_of(hold: &Hold) -> String {
    match &hold.promocode {
        Some(promocode) => {
            let lines: Vec<String> =
                promocode.items.iter().map(|item| format!("{} -{}", item.item_id, item.discount.minor)).collect();
            format!(
                "{} | {} {} -{} ({})",
                hold.total.minor,
                promocode.code,
                promocode.total_before_discount.minor,
                promocode.discount.minor,
                lines.join(", ")
            )
        }
        None => format!("{} | no code", hold.total.minor),
    }
}

#[test]
fn layouts_say_which_events_take_promo_codes() {
    let _stack = exclusive_stack();
    for (event, show, accepts) in
        [(JAZZ, JAZZ_SHOW, true), ("tc:5f1a0c0e2b3c4d5e6f708192", "5f1a0c0e2b3c4d5e6f708192", true), ("qt:1001", "2001", false)]
    {
        let reply = proxy_get(&format!("/v1/events/{event}/shows/{show}/layout"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let layout: Layout = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(layout.accepts_promocodes, accepts, "{event}");
    }
}

#[test]
fn sale10_is_applied_at_the_upstreams_prices_removed_kept_through_a_change_and_charged_at_confirm() {
    let _stack = exclusive_stack();
    let hold = jazz_hold(2);

    let applied = patch(&hold, json!({"promocode": "SALE10"}));
    assert_eq!(applied.status, 200, "{}", applied.body);
    let with_code = hold_of(&applied);
    assert_eq!(money_of(&with_code), format!("225600 | SALE10 249600 -24000 ({JAZZ_ADMISSION} -24000)"));
    assert_eq!(
        with_code.items,
        vec![HoldItem::Admission {
            admission_id: JAZZ_ADMISSION.into(),
            zone_name: hold_zone(&hold),
            quantity: 2,
            unit_price: Money::rub_minor(JAZZ_PRICE)
        }],
        "items keep their list prices"
    );
    assert_eq!(read(&hold).total, Money::rub_minor(225_600), "a reload sees the discount");
    assert_eq!(upstream_order(&hold), ("executed".into(), json!(["SALE10"]), "2256.00".into()));

    let removed = patch(&hold, json!({"promocode": null}));
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(money_of(&hold_of(&removed)), "249600 | no code");
    assert_eq!(upstream_order(&hold), ("executed".into(), json!([]), "2496.00".into()));

    let again = patch(&hold, json!({"promocode": "sale10"}));
    assert_eq!(money_of(&hold_of(&again)), format!("225600 | sale10 249600 -24000 ({JAZZ_ADMISSION} -24000)"));

    // A third place: the order keeps its code and prices it.
    let grown = patch(&hold, json!({"admission": {JAZZ_ADMISSION: 3}}));
    assert_eq!(grown.status, 200, "{}", grown.body);
    assert_eq!(money_of(&hold_of(&grown)), format!("338400 | sale10 374400 -36000 ({JAZZ_ADMISSION} -36000)"));

    let confirmed = server_call("POST", &format!("{}/confirm", hold_path(&hold)), Some(&format!("Bearer {DEMO_SECRET_KEY}")));
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let paid = hold_of(&confirmed);
    assert_eq!(paid.state, HoldState::Confirmed);
    assert_eq!(paid.tickets.len(), 3);
    assert_eq!(paid.total, Money::rub_minor(338_400), "the partner charges the discounted total");
    assert_eq!(upstream_order(&hold), ("done".into(), json!(["SALE10"]), "3384.00".into()), "and the paid order says the same");
    let too_late = patch(&hold, json!({"promocode": null}));
    assert_eq!((too_late.status, too_late.error_code().as_str()), (409, "hold_not_active"));
}

fn hold_zone(hold: &Hold) -> String {
    match &hold.items[0] {
        HoldItem::Admission { zone_name, .. } | HoldItem::Seat { zone_name, .. } => zone_name.clone(),
    }
}

#[test]
fn every_refusal_has_its_code_and_leaves_the_hold_and_the_order_as_they_were() {
    let _stack = exclusive_stack();
    let hold = jazz_hold(2);
    let refusals = [
        ("NOPE", "promocode_invalid"),
        ("JAZZ2025", "promocode_expired"),
        ("FIRST50", "promocode_exhausted"),
        ("GROUP5", "promocode_not_applicable"),
    ];
    // Without a code, and with SALE10 applied: a refused code changes neither.
    for with_sale10 in [false, true] {
        if with_sale10 {
            assert_eq!(patch(&hold, json!({"promocode": "SALE10"})).status, 200);
        }
        let before = read(&hold);
        let order_before = upstream_order(&hold);
        for (code, expected) in refusals {
            let reply = patch(&hold, json!({ "promocode": code }));
            assert_eq!((reply.status, reply.error_code().as_str()), (422, expected), "{code}: {}", reply.body);
            assert_eq!(reply.error_field().as_deref(), Some("promocode"));
            assert_eq!(read(&hold), before, "{code}: the hold is unchanged");
            assert_eq!(upstream_order(&hold), order_before, "{code}: the order is unchanged");
        }
    }
    for (body, field) in [
        (json!({"promocode": ""}), "promocode"),
        (json!({"promocode": "SALE 10"}), "promocode"),
        (json!({"promocode": "SALE10", "admission": {JAZZ_ADMISSION: 1}}), "promocode"),
    ] {
        let reply = patch(&hold, body.clone());
        assert_eq!((reply.status, reply.error_code().as_str()), (400, "invalid_body"), "{body}");
        assert_eq!(reply.error_field().as_deref(), Some(field), "{body}");
    }
    assert_eq!(widget_call("DELETE", &hold_path(&hold), None).status, 200);
}

#[test]
fn qtickets_takes_no_promo_codes_and_nothing_goes_upstream() {
    let _stack = exclusive_stack();
    let seats = vacant_seats("qt:1001", "2001", 1, 90);
    let body = json!({"event": "qt:1001", "show": "2001", "seats": seats});
    let created = widget_call("POST", "/v1/holds", Some(&body.to_string()));
    assert_eq!(created.status, 201, "{}", created.body);
    let hold = hold_of(&created);
    quiet_upstream();
    let reply = patch(&hold, json!({"promocode": "SALE10"}));
    assert_eq!((reply.status, reply.error_code().as_str()), (409, "promocode_not_supported"), "{}", reply.body);
    assert!(upstream_requests().is_empty(), "{:?}", upstream_requests());
    assert_eq!(read(&hold).total, hold.total);
    assert_eq!(widget_call("DELETE", &hold_path(&hold), None).status, 200);
}
