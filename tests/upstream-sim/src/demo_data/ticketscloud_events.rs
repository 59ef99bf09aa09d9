//! The two seeded TicketsCloud events.
//!
//! «Лебединое озеро» at the Мариинский театр has three seated categories over
//! two sectors (one set has at most one `sector` in the document, so the two
//! sectors mean at least two sets: «Партер VIP» and «Партер» share the stalls
//! sector, «Бельэтаж» has its own) and a general-admission set of 100 with 73
//! vacant. Seated tickets are seeded ~10% sold, ~3% reserved and ~1% pending
//! from a fixed-seed PRNG. «Джазовый вечер» in Новосибирск has general
//! admission only, so its `/tickets` list is empty.
//!
//! The document names no field for a sector's name, so sectors appear only as
//! ObjectIds; category names are set names, which the document does have.
//!
//! Ticket ids are `6a1b2c3d` + the event id's last four hex digits + a 12-hex
//! serial from 1 (e.g. `6a1b2c3d8192000000000001`), in set, row, seat order.

use serde_json::{json, Value};

use crate::money::Kopecks;
use crate::prng::DeterministicRandom;
use crate::ticketscloud::inventory::{PriceRule, SeatPlace, TicketSet, TicketStatus, TicketscloudEvent, TicketscloudTicket};

pub const SWAN_LAKE_EVENT_ID: &str = "5f1a0c0e2b3c4d5e6f708192";
pub const JAZZ_EVENING_EVENT_ID: &str = "5f1a0c0e2b3c4d5e6f708193";

pub const SWAN_LAKE_PARTERRE_SECTOR_ID: &str = "55abfa669cb5382abebd9f01";
pub const SWAN_LAKE_BELETAGE_SECTOR_ID: &str = "55abfa669cb5382abebd9f02";

pub const SWAN_LAKE_PARTERRE_VIP_SET_ID: &str = "64b7c1d2e3f4a5b6c7d8e901";
pub const SWAN_LAKE_PARTERRE_SET_ID: &str = "64b7c1d2e3f4a5b6c7d8e902";
pub const SWAN_LAKE_BELETAGE_SET_ID: &str = "64b7c1d2e3f4a5b6c7d8e903";
pub const SWAN_LAKE_GENERAL_ADMISSION_SET_ID: &str = "64b7c1d2e3f4a5b6c7d8e904";
pub const JAZZ_GENERAL_ADMISSION_SET_ID: &str = "64b7c1d2e3f4a5b6c7d8e905";

/// The distributor's service fee in the seeded deal (`deal.extra`).
const SERVICE_FEE_PERCENT: u64 = 4;
/// Seated tickets reserved by someone else carry this `reserved_till`.
const SEEDED_RESERVED_TILL: &str = "2026-11-23T13:15:00+00:00";

struct SetPlan<'a> {
    id: &'a str,
    name: &'a str,
    desc: &'a str,
    price_org_roubles: u64,
    seating: Seating<'a>,
}

enum Seating<'a> {
    Rows { sector_id: &'a str, rows: std::ops::RangeInclusive<u32>, seats_per_row: u32 },
    GeneralAdmission { amount: usize, sold: usize, reserved: usize },
}

pub fn swan_lake() -> TicketscloudEvent {
    let plans = [
        SetPlan {
            id: SWAN_LAKE_PARTERRE_VIP_SET_ID,
            name: "Партер VIP",
            desc: "Ряды 1–3",
            price_org_roubles: 5000,
            seating: Seating::Rows { sector_id: SWAN_LAKE_PARTERRE_SECTOR_ID, rows: 1..=3, seats_per_row: 20 },
        },
        SetPlan {
            id: SWAN_LAKE_PARTERRE_SET_ID,
            name: "Партер",
            desc: "Ряды 4–12",
            price_org_roubles: 3500,
            seating: Seating::Rows { sector_id: SWAN_LAKE_PARTERRE_SECTOR_ID, rows: 4..=12, seats_per_row: 20 },
        },
        SetPlan {
            id: SWAN_LAKE_BELETAGE_SET_ID,
            name: "Бельэтаж",
            desc: "",
            price_org_roubles: 2500,
            seating: Seating::Rows { sector_id: SWAN_LAKE_BELETAGE_SECTOR_ID, rows: 1..=3, seats_per_row: 20 },
        },
        SetPlan {
            id: SWAN_LAKE_GENERAL_ADMISSION_SET_ID,
            name: "Входной билет",
            desc: "Стоячие места на галерее",
            price_org_roubles: 1500,
            seating: Seating::GeneralAdmission { amount: 100, sold: 22, reserved: 5 },
        },
    ];
    let (sets, tickets) = build_sets_and_tickets(SWAN_LAKE_EVENT_ID, "SWL", 510_001, &plans);
    TicketscloudEvent {
        id: SWAN_LAKE_EVENT_ID.to_owned(),
        created_at: "2026-09-01T10:00:00.000000+00:00".to_owned(),
        updated_at: "2026-11-20T08:15:00.000000+00:00".to_owned(),
        lifetime_start_utc: "20270415T160000Z".to_owned(),
        lifetime_end_utc: "20270415T190000Z".to_owned(),
        status: "public".to_owned(),
        age_rating: 6,
        title_text: "Лебединое озеро".to_owned(),
        title_desc: "Балет П. И. Чайковского в двух действиях".to_owned(),
        tags: vec!["Балет".to_owned()],
        venue: venue(
            "5540add49cb5385eeef17b51",
            "Мариинский театр",
            "Театральная площадь, 1",
            (498_817, "Санкт-Петербург", "Saint Petersburg", "Europe/Moscow"),
            [30.2961, 59.9256],
        ),
        org: organiser(
            "60a1b2c3d4e5f60718293a4b",
            "Театральное агентство «Премьера»",
            json!({
                "name": "ООО «Премьера»",
                "inn": "7701234567",
                "ogrn": "1027700000001",
                "address": "125009, г. Москва, ул. Примерная, д. 1, офис 5",
            }),
        ),
        partner: partner(),
        deal: deal(),
        sets,
        tickets,
    }
}

pub fn jazz_evening() -> TicketscloudEvent {
    let plans = [SetPlan {
        id: JAZZ_GENERAL_ADMISSION_SET_ID,
        name: "Входной билет",
        desc: "Свободная рассадка",
        price_org_roubles: 1200,
        seating: Seating::GeneralAdmission { amount: 200, sold: 46, reserved: 0 },
    }];
    let (sets, tickets) = build_sets_and_tickets(JAZZ_EVENING_EVENT_ID, "JAZ", 620_001, &plans);
    TicketscloudEvent {
        id: JAZZ_EVENING_EVENT_ID.to_owned(),
        created_at: "2026-10-12T06:30:00.000000+00:00".to_owned(),
        updated_at: "2026-11-18T04:45:00.000000+00:00".to_owned(),
        // 19:00–22:00 in Novosibirsk (UTC+7).
        lifetime_start_utc: "20270520T120000Z".to_owned(),
        lifetime_end_utc: "20270520T150000Z".to_owned(),
        status: "public".to_owned(),
        age_rating: 12,
        title_text: "Джазовый вечер".to_owned(),
        title_desc: "Стандарты и импровизация: квартет и приглашённые солисты".to_owned(),
        tags: vec!["Концерты".to_owned(), "Джаз".to_owned()],
        venue: venue(
            "5540add49cb5385eeef17b52",
            "Новосибирская филармония",
            "Красный проспект, 32",
            (1_496_747, "Новосибирск", "Novosibirsk", "Asia/Novosibirsk"),
            [82.9199, 55.0342],
        ),
        org: organiser(
            "60a1b2c3d4e5f60718293a4d",
            "Джаз-клуб «Сибирь»",
            // A sole trader: OGRNIP, and no legal address on the ticket.
            json!({"name": "ИП Соколов Андрей Петрович", "inn": "540100000017", "ogrnip": "304540000000012"}),
        ),
        partner: partner(),
        deal: deal(),
        sets,
        tickets,
    }
}

fn build_sets_and_tickets(
    event_id: &str,
    serial: &str,
    first_ticket_number: u64,
    plans: &[SetPlan<'_>],
) -> (Vec<TicketSet>, Vec<TicketscloudTicket>) {
    let event_tag = &event_id[event_id.len() - 4..];
    let mut random = DeterministicRandom::with_seed(u64::from_str_radix(event_tag, 16).unwrap_or(1));
    let mut tickets = Vec::new();
    let mut new_ticket = |set_id: &str, seat: Option<SeatPlace>, status: TicketStatus| {
        let serial_number = tickets.len() as u64 + 1;
        tickets.push(TicketscloudTicket {
            id: format!("6a1b2c3d{event_tag}{serial_number:012x}"),
            number: first_ticket_number + serial_number - 1,
            serial: serial.to_owned(),
            set_id: set_id.to_owned(),
            seat,
            status,
            reserved_till: (status == TicketStatus::Reserved).then(|| SEEDED_RESERVED_TILL.to_owned()),
            order_id: None,
        });
    };

    let mut sets = Vec::new();
    for (position, plan) in plans.iter().enumerate() {
        let sector_id = match &plan.seating {
            Seating::Rows { sector_id, rows, seats_per_row } => {
                for row in rows.clone() {
                    for number in 1..=*seats_per_row {
                        let roll = random.next_u64() % 100;
                        let status = match roll {
                            0..=9 => TicketStatus::Sold,
                            10..=12 => TicketStatus::Reserved,
                            13 => TicketStatus::Pending,
                            _ => TicketStatus::Vacant,
                        };
                        let seat = SeatPlace { row, number, sector_id: (*sector_id).to_owned() };
                        new_ticket(plan.id, Some(seat), status);
                    }
                }
                Some((*sector_id).to_owned())
            }
            Seating::GeneralAdmission { amount, sold, reserved } => {
                for index in 0..*amount {
                    let status = if index < *sold {
                        TicketStatus::Sold
                    } else if index < sold + reserved {
                        TicketStatus::Reserved
                    } else {
                        TicketStatus::Vacant
                    };
                    new_ticket(plan.id, None, status);
                }
                None
            }
        };
        let price_org = Kopecks::from_roubles(plan.price_org_roubles);
        sets.push(TicketSet {
            id: plan.id.to_owned(),
            pos: position as u32,
            name: plan.name.to_owned(),
            desc: plan.desc.to_owned(),
            price_org,
            price_extra: price_org.percent(SERVICE_FEE_PERCENT),
            with_seats: sector_id.is_some(),
            sector_id,
            rules: price_rules(plan.id, price_org),
        });
    }
    (sets, tickets)
}

/// The early price, and a 20% dearer one from 1 April 2027 (Moscow), as the
/// document's example shows two rules; which is `current` follows the
/// simulated clock. Rule ids are `64b7c1d2e3f4a5b6c7d8` + the set id's last
/// three hex digits + `1`/`2`.
fn price_rules(set_id: &str, price_org: Kopecks) -> Vec<PriceRule> {
    let later_price = Kopecks(price_org.0 * 120 / 100);
    vec![
        PriceRule {
            id: format!("64b7c1d2e3f4a5b6c7d8{}1", &set_id[21..]),
            start_utc: "20260901T000000Z".to_owned(),
            end_utc: "20270331T210000Z".to_owned(),
            price_org,
            price_extra: price_org.percent(SERVICE_FEE_PERCENT),
        },
        PriceRule {
            id: format!("64b7c1d2e3f4a5b6c7d8{}2", &set_id[21..]),
            start_utc: "20270331T210000Z".to_owned(),
            end_utc: "20270531T210000Z".to_owned(),
            price_org: later_price,
            price_extra: later_price.percent(SERVICE_FEE_PERCENT),
        },
    ]
}

fn venue(
    id: &str,
    name: &str,
    address: &str,
    (city_id, city_ru, city_en, timezone): (u64, &str, &str, &str),
    longitude_latitude: [f64; 2],
) -> Value {
    json!({
        "address": address,
        "city": {
            "country": "RU",
            "id": city_id,
            "name": {"default": city_en, "en": city_en, "ru": city_ru},
            "timezone": timezone,
        },
        "country": {"id": "RU", "name": {"default": "Russia", "en": "Russia", "ru": "Россия"}},
        "desc": "",
        "id": id,
        "name": name,
        "point": {"coordinates": longitude_latitude, "type": "Point"},
    })
}

/// The organiser block of the listing, with its `legal_detail` (l.3060–3070).
fn organiser(id: &str, name: &str, legal_detail: Value) -> Value {
    json!({
        "legal_detail": legal_detail,
        "contact": {
            "address": "г. Москва, ул. Примерная, д. 1",
            "email": "org@example.org",
            "name": "",
            "phones": ["74950000000"],
            "www": "example.org",
        },
        "desc": "",
        "id": id,
        "media": {},
        "name": name,
        "tags": ["Театры", "Концерты"],
    })
}

fn partner() -> Value {
    json!({
        "contact": {
            "address": "г. Москва, ул. Примерная, д. 2",
            "email": "partner@example.org",
            "name": null,
            "phones": ["+74950000001"],
            "www": "example.org",
        },
        "desc": null,
        "id": "60a1b2c3d4e5f60718293a4c",
        "media": {},
        "name": "Демо-распространитель",
        "tags": [],
    })
}

fn deal() -> Value {
    json!({"agent": "5%", "extra": format!("{SERVICE_FEE_PERCENT}%"), "media": [], "org": "95%"})
}
