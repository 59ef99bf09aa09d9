//! Promo codes on TicketsCloud holds against a scripted upstream: the check
//! and the order PATCH, the upstream's own discounted prices, every refusal
//! of the document mapped to its stable code with the hold (and the order)
//! unchanged, removal, a change of places and a confirm re-priced from the
//! order, an interrupted PATCH undone by the alarm, and QTickets refusing.

use ticket_contract::{HoldState, Money};
use ticket_core::errors::PromocodeRefusal;
use ticket_core::holds::{HoldCommand, HoldRecord, JournaledCommand};
use ticket_core::{HttpMethod, ProxyError, UpstreamResponse};

use super::holds_script::*;

const POST: HttpMethod = HttpMethod::Post;
const PATCH: HttpMethod = HttpMethod::Patch;
const CHECK_URL: &str = "/ticketscloud/v2/services/promocodes/check";
const SALE10_ID: &str = "6c0de0000000000000000001";
/// The general-admission organiser's price of the scripted orders: 1,500.00 ₽,
/// plus a 60.00 ₽ service fee: the layout's price, 1,560.00 ₽.
const GA_PRICE: i64 = 150_000;
const GA_FEE: i64 = 6_000;
const GA_LIST_PRICE: i64 = GA_PRICE + GA_FEE;

fn ga(serial: u32) -> String {
    tc_seat(0x148 + serial - 1)
}

/// An order answer as the simulator writes it with prices: `count`
/// general-admission tickets at 1,500.00, each `discount` off, carrying the
/// promo code ids `codes`; `errors` are added as the promo-code error
/// objects of a `200` answer.
fn priced_order(
    status: &str,
    count: u32,
    discount_minor: i64,
    codes: &[&str],
    errors: &[&str],
) -> Result<UpstreamResponse, ProxyError> {
    let money = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
    let tickets: Vec<serde_json::Value> = (1..=count)
        .map(|serial| {
            serde_json::json!({
                "barcode": if status == "done" { serde_json::json!(format!("6787{serial:09}")) } else { serde_json::Value::Null },
                "discount": money(discount_minor),
                "extra": money(GA_FEE),
                "full": money(GA_PRICE - discount_minor + GA_FEE),
                "id": ga(serial),
                "nominal": money(GA_PRICE - discount_minor),
                "number": 620000 + serial,
                "price": money(GA_PRICE),
                "serial": "SWL",
                "set": TC_ADMISSION_SET,
                "status": "reserved",
            })
        })
        .collect();
    let count = i64::from(count);
    let body = serde_json::json!({
        "data": {
            "event": TC_EVENT_HEX,
            "expired_after": ORDER_EXPIRED_AFTER_TEXT,
            "id": TC_ORDER,
            "promocodes": codes,
            "status": status,
            "tickets": tickets,
            "values": {
                "discount": money(discount_minor * count),
                "extra": money(GA_FEE * count),
                "full": money((GA_PRICE - discount_minor + GA_FEE) * count),
                "nominal": money((GA_PRICE - discount_minor) * count),
                "price": money(GA_PRICE * count),
            },
            "vendor_data": {"order_id": HOLD_ID},
        },
        "refs": {"promocodes": if codes.is_empty() { serde_json::json!({}) } else {
            serde_json::json!({SALE10_ID: {"code": "SALE10", "discount": {"percentage": "10%"}, "id": SALE10_ID}})
        }},
        "errors": errors.iter().map(|code| serde_json::json!({"code": code, "msg": "…"})).collect::<Vec<_>>(),
    });
    Ok(UpstreamResponse::json(200, body.to_string()))
}

fn check_ok(sets: &[&str], fewest: Option<u32>) -> Result<UpstreamResponse, ProxyError> {
    let tickets_count = fewest.map_or(serde_json::json!({}), |min| serde_json::json!({ "min": min }));
    let body = serde_json::json!({
        "data": {"discount": {"percentage": "10%"}, "sets": sets, "tickets_count": tickets_count},
        "refs": {"sets": {}},
    });
    Ok(UpstreamResponse::json(200, body.to_string()))
}

fn check_refused(reason: &str) -> Result<UpstreamResponse, ProxyError> {
    Ok(UpstreamResponse::json(400, serde_json::json!({"error": "HTTPBadRequest", "reason": reason}).to_string()))
}

/// Two general-admission places at list price, held at NOW.
fn held_two() -> HoldRecord {
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![admission(TC_ADMISSION_SET, 2, GA_LIST_PRICE)]), NOW),
        vec![exchange(POST, TC_ORDERS_URL, &[], priced_order("executed", 2, 0, &[], &[]))],
    );
    let record = run.record().clone();
    assert_eq!(record.promocode, None);
    record
}

fn apply(code: &str) -> HoldCommand {
    HoldCommand::Promocode { code: Some(code.to_string()) }
}

/// The two places with SALE10 applied (150.00 off each).
fn held_two_with_sale10() -> HoldRecord {
    let run = run(
        begin(Some(held_two()), apply("SALE10"), NOW + 10),
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[r#"{"promocodes":["SALE10"]}"#],
                priced_order("executed", 2, 15_000, &[SALE10_ID], &[]),
            ),
        ],
    );
    run.record().clone()
}

/// What the buyer sees of a hold's money: total, code, discount, per item.
fn money_of(record: &HoldRecord) -> String {
    let hold = ticket_core::holds::view(record, NOW + 20);
    match &hold.promocode {
        Some(promocode) => format!(
            "total {} | {} before {} off {} | {}",
            hold.total.minor,
            promocode.code,
            promocode.total_before_discount.minor,
            promocode.discount.minor,
            promocode
                .items
                .iter()
                .map(|item| format!("{} -{}", item.item_id, item.discount.minor))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("total {} | no code", hold.total.minor),
    }
}

#[test]
fn a_code_is_checked_then_applied_and_the_upstreams_prices_are_the_holds() {
    let held = held_two();
    let run = run(
        begin(Some(held.clone()), apply("SALE10"), NOW + 10),
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(PATCH, TC_ORDER_URL, &[], priced_order("executed", 2, 15_000, &[SALE10_ID], &[])),
        ],
    );
    assert_eq!(run.json(0), serde_json::json!({"event": TC_EVENT_HEX, "code": "SALE10"}));
    assert_eq!(run.json(1), serde_json::json!({"promocodes": ["SALE10"]}));
    assert_eq!(run.requests[1].header("authorization"), Some(format!("key {}", super::support::TEST_KEY).as_str()));
    let hold = run.hold();
    assert_eq!(hold.total, Money::rub_minor(282_000), "the order's values.full");
    assert_eq!(money_of(run.record()), format!("total 282000 | SALE10 before 312000 off 30000 | {TC_ADMISSION_SET} -30000"));
    assert_eq!(run.record().items, held.items, "items keep their list prices");
    assert_eq!(run.record().journal, None);
    let checkpoint = &run.checkpoints[0];
    assert_eq!(checkpoint.journal.as_ref().map(|journal| journal.command), Some(JournaledCommand::Promocode));
}

#[test]
fn every_refusal_maps_to_its_code_and_leaves_the_hold_as_it_was() {
    use PromocodeRefusal::*;
    let order_400 = |message: &str| tc_errors(400, &[message]);
    let unchanged_order = || priced_order("executed", 2, 0, &[], &[]);
    // (what, the upstream's answers after the check's, the refusal, requests made)
    let cases: Vec<(&str, Vec<Exchange>, PromocodeRefusal)> = vec![
        ("check: not found", vec![exchange(POST, CHECK_URL, &[], check_refused("Promocode not found"))], Invalid),
        ("check: expired", vec![exchange(POST, CHECK_URL, &[], check_refused("Promocode expired"))], Expired),
        ("check: other sets", vec![exchange(POST, CHECK_URL, &[], check_ok(&["64b7c1d2e3f4a5b6c7d8e901"], None))], NotApplicable),
        ("check: too few tickets", vec![exchange(POST, CHECK_URL, &[], check_ok(&[], Some(3)))], NotApplicable),
        ("check: a 400 without reason", vec![exchange(POST, CHECK_URL, &[], tc_errors(400, &[]))], NotApplicable),
    ]
    .into_iter()
    .chain(
        [
            ("Promokey not founded", Invalid),
            ("Promokey expired", Expired),
            ("Promokey fully reserved", Exhausted),
            ("Promokey already reserved", Exhausted),
            ("Promokey needed", NotApplicable),
            ("Promokey needed to add these tickets", NotApplicable),
            ("Cant use promocode when event have promotion", NotApplicable),
        ]
        .into_iter()
        .map(|(message, refusal)| {
            (
                message,
                vec![
                    exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
                    exchange(PATCH, TC_ORDER_URL, &[r#""promocodes""#], order_400(message)),
                ],
                refusal,
            )
        }),
    )
    .chain(
        [
            ("promocode_not_found", Invalid),
            ("promocode_already_used", Exhausted),
            ("promocode_limit_min_tickets", NotApplicable),
            ("promocode_apply_info", NotApplicable),
        ]
        .into_iter()
        .map(|(code, refusal)| {
            (
                code,
                vec![
                    exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
                    exchange(PATCH, TC_ORDER_URL, &[], priced_order("executed", 2, 0, &[], &[code])),
                ],
                refusal,
            )
        }),
    )
    .chain([(
        "taken without a discount: put back",
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(PATCH, TC_ORDER_URL, &[], priced_order("executed", 2, 0, &[SALE10_ID], &[])),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"promocodes":[]}"#], unchanged_order()),
        ],
        NotApplicable,
    )])
    .collect();
    for (what, script, refusal) in cases {
        let held = held_two();
        let run = run(begin(Some(held.clone()), apply("NOPE"), NOW + 10), script);
        assert_eq!(run.error(), &ProxyError::PromocodeRefused { reason: refusal }, "{what}");
        assert_eq!(run.error().status(), 422, "{what}");
        assert_eq!(run.error().to_body().error.field.as_deref(), Some("promocode"), "{what}");
        let mut after = run.record().clone();
        assert_eq!(after.journal.take(), None, "{what}: nothing left to undo");
        assert_eq!(after, held, "{what}: the hold is unchanged");
    }
}

#[test]
fn a_refused_replacement_keeps_the_code_already_applied() {
    let held = held_two_with_sale10();
    let run = run(
        begin(Some(held.clone()), apply("WINTER"), NOW + 15),
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"promocodes":["WINTER"]}"#], tc_errors(400, &["Promokey expired"])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::PromocodeRefused { reason: PromocodeRefusal::Expired });
    assert_eq!(money_of(run.record()), money_of(&held));
    // The same code again (in any case) asks nothing upstream.
    let again = run_no_requests(begin(Some(held.clone()), apply("sale10"), NOW + 15));
    assert_eq!(again.promocode, held.promocode);
}

fn run_no_requests(operation: Box<dyn ticket_core::holds::HoldOperation>) -> HoldRecord {
    let run = run(operation, vec![]);
    assert!(run.requests.is_empty());
    run.record().clone()
}

#[test]
fn removing_the_code_brings_the_list_prices_back() {
    let held = held_two_with_sale10();
    assert_eq!(money_of(&held), format!("total 282000 | SALE10 before 312000 off 30000 | {TC_ADMISSION_SET} -30000"));
    let run = run(
        begin(Some(held), HoldCommand::Promocode { code: None }, NOW + 20),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"promocodes":[]}"#], priced_order("executed", 2, 0, &[], &[]))],
    );
    assert_eq!(run.hold().promocode, None);
    assert_eq!(run.hold().total, Money::rub_minor(312_000));
    // Nothing to remove: nothing asked.
    let record = run_no_requests(begin(Some(run.record().clone()), HoldCommand::Promocode { code: None }, NOW + 25));
    assert_eq!(record.promocode, None);
}

#[test]
fn an_uncertain_patch_is_undone_and_an_interrupted_one_is_undone_by_the_alarm() {
    let held = held_two();
    let run = run(
        begin(Some(held.clone()), apply("SALE10"), NOW + 10),
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(PATCH, TC_ORDER_URL, &[r#"["SALE10"]"#], Err(ProxyError::UpstreamTimeout)),
            exchange(PATCH, TC_ORDER_URL, &[r#"["SALE10"]"#], Ok(UpstreamResponse::json(502, "<html>bad gateway</html>"))),
            exchange(PATCH, TC_ORDER_URL, &[r#"{"promocodes":[]}"#], priced_order("executed", 2, 0, &[], &[])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamUnavailable, "the last of the two failures");
    let mut after = run.record().clone();
    assert_eq!(after.journal.take(), None);
    assert_eq!(after, held);

    // The object stops while the PATCH is out: its last checkpoint is the
    // hold as it was plus the journal; the alarm puts the order back.
    let cut = run.checkpoints[2].clone();
    let journal = cut.journal.clone().expect("journaled");
    assert_eq!(journal.command, JournaledCommand::Promocode);
    assert_eq!(journal.in_flight.len(), 1, "the PATCH in flight is named");
    let resumed = super::holds_script::run(
        begin(Some(cut), HoldCommand::Resume, NOW + 60),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#"{"promocodes":[]}"#], priced_order("executed", 2, 0, &[], &[]))],
    );
    assert_eq!(resumed.record().journal, None);
    assert_eq!(resumed.record().promocode, None);
    // A restore that fails keeps the journal for the next alarm.
    let failed = super::holds_script::run(
        begin(Some(run.checkpoints[2].clone()), HoldCommand::Resume, NOW + 60),
        vec![
            exchange(PATCH, TC_ORDER_URL, &[], Err(ProxyError::UpstreamUnavailable)),
            exchange(PATCH, TC_ORDER_URL, &[], Err(ProxyError::UpstreamUnavailable)),
        ],
    );
    assert!(failed.record().journal.is_some(), "the alarm tries again");
}

#[test]
fn a_change_of_places_and_a_confirm_take_their_prices_from_the_order() {
    let held = held_two_with_sale10();
    let three = vec![admission(TC_ADMISSION_SET, 3, GA_LIST_PRICE)];
    let changed = run(
        begin(Some(held), HoldCommand::Change { items: Some(three), buyer: None }, NOW + 30),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""random""#], priced_order("executed", 3, 15_000, &[SALE10_ID], &[]))],
    );
    assert_eq!(money_of(changed.record()), format!("total 423000 | SALE10 before 468000 off 45000 | {TC_ADMISSION_SET} -45000"));

    let confirmed = run(
        begin(Some(changed.record().clone()), HoldCommand::Confirm, NOW + 40),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""done""#], priced_order("done", 3, 15_000, &[SALE10_ID], &[])), organiser_read()],
    );
    let hold = confirmed.hold();
    assert_eq!(hold.state, HoldState::Confirmed);
    assert_eq!(hold.total, Money::rub_minor(423_000), "what the paid order says");
    assert_eq!(hold.tickets.len(), 3);

    // An order that lost its code (the upstream dropped it) shows list prices.
    let dropped = run(
        begin(
            Some(changed.record().clone()),
            HoldCommand::Change { items: Some(vec![admission(TC_ADMISSION_SET, 2, GA_LIST_PRICE)]), buyer: None },
            NOW + 30,
        ),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""tickets""#], priced_order("executed", 2, 0, &[], &[]))],
    );
    assert_eq!(money_of(dropped.record()), "total 312000 | no code");
}

#[test]
fn a_cancelled_order_ends_the_hold_and_qtickets_takes_no_codes() {
    let run = run(
        begin(Some(held_two()), apply("SALE10"), NOW + 10),
        vec![
            exchange(POST, CHECK_URL, &[], check_ok(&[], None)),
            exchange(PATCH, TC_ORDER_URL, &[], tc_errors(400, &["Not allow to update order in status cancelled"])),
        ],
    );
    assert_eq!(run.error(), &ProxyError::HoldExpired);
    assert_eq!(run.record().state, HoldState::Expired);

    let qtickets = held_qtickets_record();
    let refused = ticket_core::holds::begin(Some(qtickets), apply("SALE10"), NOW + 10, &settings());
    let error = refused.err().expect("refused before any request");
    assert_eq!((error.status(), error.code()), (409, "promocode_not_supported"));
}

fn held_qtickets_record() -> HoldRecord {
    super::holds_qtickets::held_qtickets()
}
