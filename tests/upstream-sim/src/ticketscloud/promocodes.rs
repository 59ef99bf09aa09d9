//! TicketsCloud promo codes (`ticketscloud-distributor-api.txt` l.2318–2660):
//! the codes an event has, `POST /v2/services/promocodes/check`, what an
//! order PATCH `{"promocodes": [...]}` does with them, and the prices a code
//! gives an order's tickets.
//!
//! * Codes match whatever their case ("Регистр применяемых к заказу
//!   промокодов не важен", l.2324). A discount is a percentage (`"10%"`) or a
//!   fixed amount per ticket (`"100.00"`), for every set or only some, from a
//!   number of tickets on (`tickets_count.min`), within an optional
//!   `lifetime`, and a code may be used by a limited number of orders.
//! * The check answers `400 {"error": "HTTPBadRequest", "reason": "Promocode
//!   not found"}` for a code the event does not have (the document's
//!   example), the same with `"Promocode expired"` outside its lifetime (our
//!   wording: the document says only that such a code is a 400), and else
//!   the code's terms — a use limit is not among them, so a used-up code
//!   passes the check and is refused by the order PATCH.
//! * The order PATCH refuses with the order errors' "Promokey …" messages
//!   (l.386–431, l.1420–1504): `Promokey not founded`, `Promokey expired`,
//!   `Promokey fully reserved` — a refused PATCH changes nothing. A code
//!   whose `tickets_count.min` the order does not reach is not applied, and
//!   the `200` answer says why in `errors: [{"code":
//!   "promocode_limit_min_tickets", "msg": …}]` ("успешность применения
//!   промокода не влияет на код ответа", l.2478).
//! * A ticket's `discount` is the code's, `nominal` its price less that
//!   ("price with discount", l.139), `full` nominal plus the service fee;
//!   `values` sum them. The order keeps its code when its tickets change.

use serde_json::{json, Value};

use crate::calendar::UnixTimestamp;
use crate::money::Kopecks;

use super::inventory::{TicketSet, TicketscloudEvent};
use super::orders::{OrderStatus, TicketscloudOrder};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketscloudPromocode {
    /// 24-hex ObjectId, what an order's `promocodes` lists.
    pub id: String,
    pub code: String,
    pub event_id: String,
    pub discount: PromocodeDiscount,
    /// The sets it is for; empty = every set.
    pub sets: Vec<String>,
    pub tickets_min: Option<usize>,
    /// `(start, finish)`: valid from `start` until before `finish`.
    pub lifetime: Option<(UnixTimestamp, UnixTimestamp)>,
    /// How many orders may use it; `None` = no limit.
    pub uses_allowed: Option<usize>,
    /// Uses from before the simulator's time (orders we do not have).
    pub uses_before: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromocodeDiscount {
    Percentage(u64),
    /// Off each ticket, at most its price.
    Fix(Kopecks),
}

/// What an order PATCH's `promocodes` comes to: the codes to keep on the
/// order, and the promo-code errors of the `200` answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PromocodePlan {
    pub promocodes: Vec<TicketscloudPromocode>,
    /// `(code, msg)`.
    pub notes: Vec<(String, String)>,
}

impl TicketscloudPromocode {
    fn is_live(&self, now: UnixTimestamp) -> bool {
        self.lifetime.is_none_or(|(start, finish)| start <= now && now < finish)
    }

    fn applies_to_set(&self, set_id: &str) -> bool {
        self.sets.is_empty() || self.sets.iter().any(|set| set == set_id)
    }

    /// The discount on one ticket of `set` in an order of `tickets` tickets.
    pub fn ticket_discount(&self, set: &TicketSet, tickets: usize) -> Kopecks {
        if !self.applies_to_set(&set.id) || self.tickets_min.is_some_and(|min| tickets < min) {
            return Kopecks(0);
        }
        match self.discount {
            PromocodeDiscount::Percentage(percent) => set.price_org.percent(percent),
            PromocodeDiscount::Fix(amount) => Kopecks(amount.0.min(set.price_org.0)),
        }
    }

    fn discount_json(&self) -> Value {
        match self.discount {
            PromocodeDiscount::Percentage(percent) => json!({ "percentage": format!("{percent}%") }),
            PromocodeDiscount::Fix(amount) => json!({ "fix": amount.to_money_string() }),
        }
    }

    fn lifetime_json(&self) -> Value {
        match self.lifetime {
            Some((start, finish)) => json!({
                "start": start.to_ticketscloud_order_datetime(),
                "finish": finish.to_ticketscloud_order_datetime(),
            }),
            None => Value::Null,
        }
    }

    /// The entry of an order's `refs.promocodes` (l.188–201).
    pub fn reference(&self) -> Value {
        json!({
            "code": self.code,
            "discount": self.discount_json(),
            "id": self.id,
            "lifetime": self.lifetime_json(),
            "viral": false,
        })
    }
}

/// The event's code spelled `code` in any case.
pub fn find_code<'a>(promocodes: &'a [TicketscloudPromocode], event_id: &str, code: &str) -> Option<&'a TicketscloudPromocode> {
    promocodes.iter().find(|promocode| promocode.event_id == event_id && promocode.code.eq_ignore_ascii_case(code.trim()))
}

/// How many orders use `promocode`: open or paid orders other than
/// `except_order`, plus the uses from before.
fn uses(promocode: &TicketscloudPromocode, orders: &[&TicketscloudOrder], except_order: &str) -> usize {
    let live = orders
        .iter()
        .filter(|order| order.id != except_order)
        .filter(|order| matches!(order.status, OrderStatus::Executed | OrderStatus::InProgress | OrderStatus::Done))
        .filter(|order| order.promocodes.iter().any(|used| used.id == promocode.id))
        .count();
    promocode.uses_before + live
}

/// Plans an order PATCH's `promocodes` (the desired list, like `tickets`):
/// every code must exist, be live and have a use left, or the whole PATCH
/// is refused with the document's message; a code the order has too few
/// tickets for is left off with a note.
pub fn plan_promocodes(
    promocodes: &[TicketscloudPromocode],
    orders: &[&TicketscloudOrder],
    order_id: &str,
    event_id: &str,
    codes: &[String],
    tickets: usize,
    now: UnixTimestamp,
) -> Result<PromocodePlan, Vec<String>> {
    let mut plan = PromocodePlan::default();
    for code in codes {
        let Some(promocode) = find_code(promocodes, event_id, code) else {
            return Err(vec!["Promokey not founded".to_owned()]);
        };
        if !promocode.is_live(now) {
            return Err(vec!["Promokey expired".to_owned()]);
        }
        if promocode.uses_allowed.is_some_and(|allowed| uses(promocode, orders, order_id) >= allowed) {
            return Err(vec!["Promokey fully reserved".to_owned()]);
        }
        if let Some(min) = promocode.tickets_min.filter(|&min| tickets < min) {
            plan.notes.push((
                "promocode_limit_min_tickets".to_owned(),
                format!("Mimimum count of tickets in order for promocode activation is {min}"),
            ));
            continue;
        }
        if !plan.promocodes.iter().any(|planned| planned.id == promocode.id) {
            plan.promocodes.push(promocode.clone());
        }
    }
    Ok(plan)
}

/// `POST /v2/services/promocodes/check` for `event_id` and `code`: the
/// `200` body, or the `400` reason.
pub fn check(
    promocodes: &[TicketscloudPromocode],
    event: &TicketscloudEvent,
    code: &str,
    now: UnixTimestamp,
) -> Result<Value, String> {
    let Some(promocode) = find_code(promocodes, &event.id, code) else {
        return Err("Promocode not found".to_owned());
    };
    if !promocode.is_live(now) {
        return Err("Promocode expired".to_owned());
    }
    let mut data = json!({
        "discount": promocode.discount_json(),
        "sets": promocode.sets,
        "tickets_count": match promocode.tickets_min {
            Some(min) => json!({ "min": min }),
            None => json!({}),
        },
    });
    if promocode.lifetime.is_some() {
        data["lifetime"] = promocode.lifetime_json();
    }
    let sets: serde_json::Map<String, Value> = event
        .sets
        .iter()
        .filter(|set| promocode.sets.contains(&set.id))
        .map(|set| (set.id.clone(), json!({"id": set.id, "name": set.name, "price": set.price_org.to_money_string()})))
        .collect();
    Ok(json!({ "data": data, "refs": { "sets": sets } }))
}

/// The codes of the seeded jazz evening: `SALE10` (10 % off every set),
/// `JAZZ2025` (expired at the end of 2025), `FIRST50` (all 50 uses taken)
/// and `GROUP5` (from 5 tickets on).
pub fn seeded_promocodes(jazz_event_id: &str) -> Vec<TicketscloudPromocode> {
    let code = |serial: u32, code: &str, discount: PromocodeDiscount| TicketscloudPromocode {
        id: format!("6c0de0000000000000{serial:06x}"),
        code: code.to_owned(),
        event_id: jazz_event_id.to_owned(),
        discount,
        sets: Vec::new(),
        tickets_min: None,
        lifetime: None,
        uses_allowed: None,
        uses_before: 0,
    };
    // 2025-01-01 00:00:00 UTC and 2026-01-01 00:00:00 UTC.
    let year_2025 = (UnixTimestamp(1_735_689_600), UnixTimestamp(1_767_225_600));
    vec![
        code(1, SALE10, PromocodeDiscount::Percentage(10)),
        TicketscloudPromocode { lifetime: Some(year_2025), ..code(2, "JAZZ2025", PromocodeDiscount::Percentage(15)) },
        TicketscloudPromocode {
            uses_allowed: Some(50),
            uses_before: 50,
            ..code(3, "FIRST50", PromocodeDiscount::Fix(Kopecks::from_roubles(500)))
        },
        TicketscloudPromocode { tickets_min: Some(5), ..code(4, "GROUP5", PromocodeDiscount::Percentage(20)) },
    ]
}

/// The discount on one ticket of `set` in `order`: its code's (an order
/// carries at most one that gives anything to a set).
pub fn order_ticket_discount(order: &TicketscloudOrder, set: &TicketSet) -> Kopecks {
    let tickets = order.ticket_ids.len();
    order.promocodes.iter().map(|promocode| promocode.ticket_discount(set, tickets)).max().unwrap_or_default()
}

/// The code of `order` that gives `set` a discount, if any.
pub fn order_set_promocode<'a>(order: &'a TicketscloudOrder, set: &TicketSet) -> Option<&'a TicketscloudPromocode> {
    let tickets = order.ticket_ids.len();
    order.promocodes.iter().find(|promocode| promocode.ticket_discount(set, tickets).0 > 0)
}

/// What the buyer pays for the order's tickets with its code
/// (`values.full`: prices less discounts, plus the service fee).
pub fn order_total(order: &TicketscloudOrder, event: &TicketscloudEvent) -> Kopecks {
    order
        .ticket_ids
        .iter()
        .filter_map(|ticket_id| event.find_ticket(ticket_id))
        .filter_map(|ticket| event.find_set(&ticket.set_id))
        .fold(Kopecks(0), |sum, set| {
            sum + Kopecks(set.price_org.0.saturating_sub(order_ticket_discount(order, set).0)) + set.price_extra
        })
}

/// The seeded code that works.
pub const SALE10: &str = "SALE10";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data::{seeded_ticketscloud_inventory, JAZZ_EVENING_EVENT_ID};

    fn jazz_evening() -> TicketscloudEvent {
        let inventory = seeded_ticketscloud_inventory();
        inventory.events.into_iter().find(|event| event.id == JAZZ_EVENING_EVENT_ID).unwrap()
    }

    const NOW: UnixTimestamp = UnixTimestamp(1_800_000_000);

    #[test]
    fn the_check_and_the_order_patch_refuse_as_documented() {
        let codes = seeded_promocodes(JAZZ_EVENING_EVENT_ID);
        let event = jazz_evening();
        let checked: Vec<Result<String, String>> = ["sale10", "JAZZ2025", "FIRST50", "GROUP5", "NOPE"]
            .iter()
            .map(|code| check(&codes, &event, code, NOW).map(|body| body["data"].to_string()))
            .collect();
        assert_eq!(
            checked,
            [
                Ok(r#"{"discount":{"percentage":"10%"},"sets":[],"tickets_count":{}}"#.to_owned()),
                Err("Promocode expired".to_owned()),
                Ok(r#"{"discount":{"fix":"500.00"},"sets":[],"tickets_count":{}}"#.to_owned()),
                Ok(r#"{"discount":{"percentage":"20%"},"sets":[],"tickets_count":{"min":5}}"#.to_owned()),
                Err("Promocode not found".to_owned()),
            ]
        );
        let plan = |code: &str, tickets: usize| {
            plan_promocodes(&codes, &[], "o1", JAZZ_EVENING_EVENT_ID, &[code.to_owned()], tickets, NOW)
        };
        assert_eq!(
            plan("Sale10", 2).map(|plan| plan.promocodes.iter().map(|code| code.id.clone()).collect::<Vec<_>>()),
            Ok(vec!["6c0de0000000000000000001".to_owned()])
        );
        assert_eq!(plan("NOPE", 2), Err(vec!["Promokey not founded".to_owned()]));
        assert_eq!(plan("JAZZ2025", 2), Err(vec!["Promokey expired".to_owned()]));
        assert_eq!(plan("FIRST50", 2), Err(vec!["Promokey fully reserved".to_owned()]));
        let short = plan("GROUP5", 2).unwrap();
        assert!(short.promocodes.is_empty());
        assert_eq!(short.notes[0].0, "promocode_limit_min_tickets");
        assert_eq!(plan("GROUP5", 5).map(|plan| plan.promocodes.len()), Ok(1));
        assert!(plan_promocodes(&codes, &[], "o1", "other-event", &["SALE10".to_owned()], 2, NOW).is_err());
    }

    #[test]
    fn discounts_per_ticket() {
        let codes = seeded_promocodes(JAZZ_EVENING_EVENT_ID);
        let set = &jazz_evening().sets[0];
        assert_eq!(set.price_org, Kopecks::from_roubles(1200));
        assert_eq!(codes[0].ticket_discount(set, 1), Kopecks::from_roubles(120));
        assert_eq!(codes[2].ticket_discount(set, 1), Kopecks::from_roubles(500));
        assert_eq!(codes[3].ticket_discount(set, 4), Kopecks(0), "below its minimum");
        assert_eq!(codes[3].ticket_discount(set, 5), Kopecks::from_roubles(240));
    }
}
