//! The words a buyer reads on the hall, wherever it is drawn: the seat plan's
//! name, a seat's place and state, the order summary and its reserve button,
//! the word for a free place. The widget's `i18n` table holds these ([`RU`],
//! [`EN`]) and reads them as its own fields, and the seat-picking stage shows
//! them, so the two cannot drift apart while the widget takes over.

use ticket_contract::Layout;
use ticket_paint::SeatState;

use crate::lang::Lang;
use crate::money::format_price;

/// The hall's fixed strings in one language.
pub struct Words {
    pub seat_map_label: &'static str,
    pub row: &'static str,
    pub place: &'static str,
    pub seat_not_available: &'static str,
    pub order_title: &'static str,
    pub order_empty_seats: &'static str,
    pub order_empty_admissions: &'static str,
    pub total: &'static str,
    pub remove: &'static str,
    pub reserve: &'static str,
    pub reserve_hint: &'static str,
    pub reserving: &'static str,
    /// The map's toolbar and legend.
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub map_hint: &'static str,
    pub prices_title: &'static str,
    pub state_available: &'static str,
    pub state_selected: &'static str,
    pub state_unavailable: &'static str,
    /// General admission: its section, its stepper.
    pub admissions_title: &'static str,
    pub sold_out: &'static str,
    pub remove_ticket: &'static str,
    pub add_ticket: &'static str,
    /// Under the reserve button while picks someone else took are listed.
    pub lost_hint: &'static str,
    /// The price of a place priced 0 (on sale only where the partner gives
    /// such places away).
    pub free: &'static str,
    /// The way back out of a zoomed plan (the button over it and the
    /// toolbar's ⤢).
    pub zoom_reset: &'static str,
}

pub const RU: Words = Words {
    admissions_title: "Входные билеты",
    sold_out: "распродано",
    remove_ticket: "Убрать билет",
    add_ticket: "Добавить билет",
    zoom_in: "Приблизить",
    zoom_out: "Отдалить",
    map_hint: "Колёсико или щипок — масштаб, перетаскивание — сдвиг.",
    prices_title: "Цены",
    state_available: "Свободно",
    state_selected: "Выбрано",
    state_unavailable: "Занято",
    seat_map_label: "Схема зала",
    row: "Ряд",
    place: "место",
    seat_not_available: "Место недоступно",
    order_title: "Ваш заказ",
    order_empty_seats: "Выберите места на схеме зала.",
    order_empty_admissions: "Выберите количество билетов.",
    total: "Итого",
    remove: "Убрать",
    reserve: "Забронировать",
    reserve_hint: "После бронирования места закрепятся за вами на время оформления.",
    reserving: "Бронируем…",
    lost_hint:
        "Часть выбранного только что заняли другие покупатели. Уберите отмеченные строки (×), чтобы забронировать остальное.",
    free: "бесплатно",
    zoom_reset: "Показать весь зал",
};

pub const EN: Words = Words {
    admissions_title: "General admission",
    sold_out: "sold out",
    remove_ticket: "Remove a ticket",
    add_ticket: "Add a ticket",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    map_hint: "Scroll or pinch to zoom, drag to move.",
    prices_title: "Prices",
    state_available: "Available",
    state_selected: "Selected",
    state_unavailable: "Taken",
    seat_map_label: "Seating plan",
    row: "Row",
    place: "seat",
    seat_not_available: "Not available",
    order_title: "Your order",
    order_empty_seats: "Pick your seats on the plan.",
    order_empty_admissions: "Choose how many tickets you need.",
    total: "Total",
    remove: "Remove",
    reserve: "Reserve",
    reserve_hint: "Reserving keeps the seats for you while you check out.",
    reserving: "Reserving…",
    lost_hint: "Someone else has just taken part of your choice. Remove the marked lines (×) to reserve the rest.",
    free: "free",
    zoom_reset: "Show the whole hall",
};

impl Lang {
    /// The hall's words in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// Russian plural form: 1 билет, 2 билета, 5 билетов, 21 билет, 11 билетов.
pub fn russian_plural(count: u64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    let last_two = count % 100;
    let last = count % 10;
    if (11..=14).contains(&last_two) {
        many
    } else if last == 1 {
        one
    } else if (2..=4).contains(&last) {
        few
    } else {
        many
    }
}

/// `3 билета` / `3 tickets`.
pub fn ticket_count(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Ru => format!("{count} {}", russian_plural(count, "билет", "билета", "билетов")),
        Lang::En if count == 1 => "1 ticket".to_owned(),
        Lang::En => format!("{count} tickets"),
    }
}

/// `Ряд 5, место 12` / `Row 5, seat 12`.
pub fn seat_label(lang: Lang, row: &str, place: &str) -> String {
    let words = lang.words();
    format!("{} {row}, {} {place}", words.row, words.place)
}

/// `свободно` / `available`, … (a seat's accessible name ends with it).
pub fn seat_state_word(lang: Lang, state: SeatState) -> &'static str {
    match (lang, state) {
        (Lang::Ru, SeatState::Available) => "свободно",
        (Lang::Ru, SeatState::Selected) => "выбрано",
        (Lang::Ru, SeatState::Unavailable) => "занято",
        (Lang::Ru, SeatState::Lost) => "только что занято другим покупателем",
        (Lang::En, SeatState::Available) => "available",
        (Lang::En, SeatState::Selected) => "selected",
        (Lang::En, SeatState::Unavailable) => "taken",
        (Lang::En, SeatState::Lost) => "just taken by someone else",
    }
}

/// `Партер, ряд 5, место 12` / `Stalls, row 5, seat 12`.
pub fn seat_place_words(lang: Lang, zone: &str, row: &str, place: &str) -> String {
    match lang {
        Lang::Ru => format!("{zone}, ряд {row}, место {place}"),
        Lang::En => format!("{zone}, row {row}, seat {place}"),
    }
}

/// The seat map's keyboard hint, read after the plan's name.
pub fn seat_keys_hint(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => {
            "Стрелки — по местам и рядам, Home и End — к краям ряда, Page Up и Page Down — к другой зоне, \
                     Enter или пробел — выбрать место, плюс и минус — масштаб, Escape — выйти из схемы."
        }
        Lang::En => {
            "Arrow keys move between seats and rows, Home and End go to a row's ends, Page Up and Page Down \
                     to another zone, Enter or Space picks the seat, plus and minus zoom, Escape leaves the plan."
        }
    }
}

/// The seat list: its toggle, and one zone's heading.
pub fn seat_list_toggle(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Список мест",
        Lang::En => "Seat list",
    }
}

/// `Выбрано: Партер, ряд 5, место 12.` / `Removed: …` (several: how many).
pub fn seats_changed_words(lang: Lang, added: bool, what: &str) -> String {
    match (lang, added) {
        (Lang::Ru, true) => format!("Выбрано: {what}."),
        (Lang::Ru, false) => format!("Убрано: {what}."),
        (Lang::En, true) => format!("Selected: {what}."),
        (Lang::En, false) => format!("Removed: {what}."),
    }
}

/// `3 места` / `3 seats`.
pub fn seat_count(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Ru => format!("{count} {}", russian_plural(count, "место", "места", "мест")),
        Lang::En if count == 1 => "1 seat".to_owned(),
        Lang::En => format!("{count} seats"),
    }
}

/// `В заказе 2 билета на 7 000 ₽.` / `Your order: 2 tickets, 7 000 ₽.`;
/// `Заказ пуст.` / `Your order is empty.`
pub fn order_words(lang: Lang, tickets: u64, total: &str) -> String {
    match (lang, tickets) {
        (Lang::Ru, 0) => "Заказ пуст.".to_owned(),
        (Lang::En, 0) => "Your order is empty.".to_owned(),
        (Lang::Ru, _) => format!("В заказе {} на {total}.", ticket_count(lang, tickets)),
        (Lang::En, _) => format!("Your order: {}, {total}.", ticket_count(lang, tickets)),
    }
}

/// `осталось 12` / `12 left`.
pub fn quantity_left(lang: Lang, left: u32) -> String {
    match lang {
        Lang::Ru => format!("осталось {left}"),
        Lang::En => format!("{left} left"),
    }
}

/// Fewer general-admission places are left than the buyer had picked: the
/// quantity is now `left` (0: none left).
pub fn lost_admission_message(lang: Lang, zone: &str, wanted: u32, left: u32) -> String {
    match (lang, left) {
        (Lang::Ru, 0) => format!("{zone}: билеты только что закончились, в заказе их больше нет."),
        (Lang::En, 0) => format!("{zone}: sold out a moment ago, so these tickets are no longer in your order."),
        (Lang::Ru, _) => format!(
            "{zone}: осталось меньше, чем вы выбрали, — в заказе теперь {} вместо {wanted}.",
            ticket_count(lang, u64::from(left))
        ),
        (Lang::En, _) => format!(
            "{zone}: fewer are left than you chose, so your order now has {} instead of {wanted}.",
            ticket_count(lang, u64::from(left))
        ),
    }
}

/// A seat the buyer had picked that someone else took before they reserved
/// it: shown on its line in the order and announced (polite live region).
pub fn lost_seat_message(lang: Lang, zone: &str, row: &str, place: &str) -> String {
    match lang {
        Lang::Ru => format!("{zone}, ряд {row}, место {place}: это место только что занял другой покупатель."),
        Lang::En => format!("{zone}, row {row}, seat {place}: someone else has just taken this seat."),
    }
}

/// The name of zone `zone` of `layout` (empty when there is none).
pub fn zone_name(layout: &Layout, zone: u16) -> &str {
    layout.zones.get(zone as usize).map_or("", |zone| zone.name.as_str())
}

/// A seat's accessible name on the plan: zone, row, place, price, state.
pub fn seat_name(lang: Lang, layout: &Layout, seat_index: usize, state: SeatState) -> String {
    let Some(seat) = layout.seats.get(seat_index) else { return String::new() };
    format!("{}, {}, {}", seat_words(lang, layout, seat_index), format_price(lang, seat.price), seat_state_word(lang, state))
}

/// `Партер, ряд 5, место 12` for seat `seat_index`.
pub fn seat_words(lang: Lang, layout: &Layout, seat_index: usize) -> String {
    let Some(seat) = layout.seats.get(seat_index) else { return String::new() };
    seat_place_words(lang, zone_name(layout, seat.zone), &seat.row, &seat.place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Money, Zone};

    #[test]
    fn pluralises_russian_counts() {
        let cases: &[(u64, &str)] = &[
            (0, "0 билетов"),
            (1, "1 билет"),
            (2, "2 билета"),
            (4, "4 билета"),
            (5, "5 билетов"),
            (11, "11 билетов"),
            (12, "12 билетов"),
            (14, "14 билетов"),
            (21, "21 билет"),
            (22, "22 билета"),
            (111, "111 билетов"),
            (101, "101 билет"),
        ];
        for &(count, expected) in cases {
            assert_eq!(ticket_count(Lang::Ru, count), expected);
        }
        assert_eq!(ticket_count(Lang::En, 1), "1 ticket");
        assert_eq!(ticket_count(Lang::En, 3), "3 tickets");
    }

    #[test]
    fn labels_a_seat_by_row_and_place() {
        assert_eq!(seat_label(Lang::Ru, "5", "12"), "Ряд 5, место 12");
        assert_eq!(seat_label(Lang::En, "5", "12"), "Row 5, seat 12");
    }

    #[test]
    fn names_a_seat_with_zone_row_place_price_and_state() {
        let seat = |id: &str, row: &str, place: &str, price: i64| fixtures::seat(id, 0, row, place, (0.0, 0.0), price);
        let zone = Zone { price_max: Money::rub_minor(350_000), ..fixtures::zone("1", "Партер", 150_000) };
        let hall = fixtures::layout(
            vec![zone],
            vec![seat("a", "5", "12", 350_000), seat("b", "5", "13", 0), seat("c", "6", "1", 150_000)],
        );
        let cases: &[(Lang, usize, SeatState, &str)] = &[
            (Lang::Ru, 0, SeatState::Available, "Партер, ряд 5, место 12, 3 500 ₽, свободно"),
            (Lang::Ru, 2, SeatState::Selected, "Партер, ряд 6, место 1, 1 500 ₽, выбрано"),
            (Lang::En, 1, SeatState::Unavailable, "Партер, row 5, seat 13, free, taken"),
            (Lang::En, 1, SeatState::Lost, "Партер, row 5, seat 13, free, just taken by someone else"),
            (Lang::En, 9, SeatState::Available, ""),
        ];
        for &(lang, seat, state, expected) in cases {
            assert_eq!(seat_name(lang, &hall, seat, state).replace('\u{a0}', " "), expected, "{lang:?} {seat}");
        }
        assert_eq!(seat_words(Lang::En, &hall, 2), "Партер, row 6, seat 1");
    }
}
