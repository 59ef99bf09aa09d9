//! Every word the buyer reads, in Russian and English.
//!
//! Strings live in one table per language ([`RU`], [`EN`]) so a missing
//! translation is a compile error, not a blank button. Error messages are keyed
//! by the proxy's stable error *codes* (`ErrorDetail::code`), never by its
//! English developer message.

/// The widget's display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// Picks the language: an explicit `lang` from the partner's markup wins;
    /// otherwise Russian for browsers whose `navigator.language` is Russian,
    /// English for everyone else.
    pub fn resolve(configured: Option<&str>, navigator_language: Option<&str>) -> Lang {
        let is_russian = |tag: &str| {
            let tag = tag.trim().to_ascii_lowercase();
            tag == "ru" || tag.starts_with("ru-") || tag.starts_with("ru_")
        };
        match configured.map(str::trim).filter(|tag| !tag.is_empty()) {
            Some(tag) if is_russian(tag) => Lang::Ru,
            Some(tag) if tag.to_ascii_lowercase().starts_with("en") => Lang::En,
            // An unsupported explicit language falls back to the browser's.
            _ => match navigator_language {
                Some(tag) if is_russian(tag) => Lang::Ru,
                _ => Lang::En,
            },
        }
    }

    /// The BCP 47 tag for the `lang` attribute of the widget's root.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// Fixed UI strings of one language.
pub struct Texts {
    pub loading: &'static str,
    pub events_title: &'static str,
    pub no_events: &'static str,
    pub some_events_unavailable: &'static str,
    pub all_events: &'static str,
    pub other_dates: &'static str,
    pub choose_date: &'static str,
    pub local_time_note: &'static str,
    pub choose_seats: &'static str,
    pub seat_map_label: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub zoom_reset: &'static str,
    pub map_hint: &'static str,
    pub prices_title: &'static str,
    pub state_available: &'static str,
    pub state_selected: &'static str,
    pub state_unavailable: &'static str,
    pub row: &'static str,
    pub place: &'static str,
    pub seat_not_available: &'static str,
    pub admissions_title: &'static str,
    pub sold_out: &'static str,
    pub remove_ticket: &'static str,
    pub add_ticket: &'static str,
    pub order_title: &'static str,
    pub order_empty_seats: &'static str,
    pub order_empty_admissions: &'static str,
    pub total: &'static str,
    pub remove: &'static str,
    pub reserve: &'static str,
    pub reserve_next_step: &'static str,
    pub retry: &'static str,
    pub nothing_on_sale: &'static str,
}

pub const RU: Texts = Texts {
    loading: "Загрузка…",
    events_title: "Афиша",
    no_events: "Сейчас нет событий в продаже.",
    some_events_unavailable: "Часть событий временно не загрузилась — список может быть неполным.",
    all_events: "Все события",
    other_dates: "Другие даты",
    choose_date: "Выберите дату",
    local_time_note: "Время местное, по месту проведения.",
    choose_seats: "Выберите места",
    seat_map_label: "Схема зала",
    zoom_in: "Приблизить",
    zoom_out: "Отдалить",
    zoom_reset: "Показать весь зал",
    map_hint: "Колёсико или щипок — масштаб, перетаскивание — сдвиг.",
    prices_title: "Цены",
    state_available: "Свободно",
    state_selected: "Выбрано",
    state_unavailable: "Занято",
    row: "Ряд",
    place: "место",
    seat_not_available: "Место недоступно",
    admissions_title: "Входные билеты",
    sold_out: "распродано",
    remove_ticket: "Убрать билет",
    add_ticket: "Добавить билет",
    order_title: "Ваш заказ",
    order_empty_seats: "Выберите места на схеме зала.",
    order_empty_admissions: "Выберите количество билетов.",
    total: "Итого",
    remove: "Убрать",
    reserve: "Забронировать",
    reserve_next_step: "Бронирование — следующий шаг.",
    retry: "Повторить",
    nothing_on_sale: "На эту дату билетов в продаже нет.",
};

pub const EN: Texts = Texts {
    loading: "Loading…",
    events_title: "Events",
    no_events: "No events are on sale right now.",
    some_events_unavailable: "Some events could not be loaded just now, so this list may be incomplete.",
    all_events: "All events",
    other_dates: "Other dates",
    choose_date: "Choose a date",
    local_time_note: "Times are local to the venue.",
    choose_seats: "Choose your seats",
    seat_map_label: "Seating plan",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    zoom_reset: "Show the whole hall",
    map_hint: "Scroll or pinch to zoom, drag to move.",
    prices_title: "Prices",
    state_available: "Available",
    state_selected: "Selected",
    state_unavailable: "Taken",
    row: "Row",
    place: "seat",
    seat_not_available: "Not available",
    admissions_title: "General admission",
    sold_out: "sold out",
    remove_ticket: "Remove a ticket",
    add_ticket: "Add a ticket",
    order_title: "Your order",
    order_empty_seats: "Pick your seats on the plan.",
    order_empty_admissions: "Choose how many tickets you need.",
    total: "Total",
    remove: "Remove",
    reserve: "Reserve",
    reserve_next_step: "Reservation is the next step.",
    retry: "Try again",
    nothing_on_sale: "No tickets are on sale for this date.",
};

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

/// `от 1 500 ₽` / `from 1 500 ₽`.
pub fn price_from(lang: Lang, price: &str) -> String {
    match lang {
        Lang::Ru => format!("от {price}"),
        Lang::En => format!("from {price}"),
    }
}

/// `осталось 12` / `12 left`.
pub fn quantity_left(lang: Lang, left: u32) -> String {
    match lang {
        Lang::Ru => format!("осталось {left}"),
        Lang::En => format!("{left} left"),
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

/// `3 даты` / `3 dates`.
pub fn date_count(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Ru => format!("{count} {}", russian_plural(count, "дата", "даты", "дат")),
        Lang::En if count == 1 => "1 date".to_owned(),
        Lang::En => format!("{count} dates"),
    }
}

/// `Ряд 5, место 12` / `Row 5, seat 12`.
pub fn seat_label(lang: Lang, row: &str, place: &str) -> String {
    let texts = lang.texts();
    format!("{} {row}, {} {place}", texts.row, texts.place)
}

/// What the buyer reads for an error, by the proxy's stable code. Codes the
/// widget itself produces: `network`, `bad_response`, `layout_changed`.
pub fn error_message(lang: Lang, code: &str) -> &'static str {
    use Lang::{En, Ru};
    match (lang, code) {
        (Ru, "network") => "Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.",
        (En, "network") => "We can't reach the server. Check your connection and try again.",
        (Ru, "upstream_unavailable" | "server_error") => {
            "Билетная система сейчас недоступна. Попробуйте через минуту."
        }
        (En, "upstream_unavailable" | "server_error") => {
            "The ticketing system is unavailable right now. Please try again in a minute."
        }
        (Ru, "upstream_timeout") => "Билетная система отвечает слишком долго. Попробуйте ещё раз.",
        (En, "upstream_timeout") => {
            "The ticketing system is taking too long to answer. Please try again."
        }
        (Ru, "event_not_found" | "show_not_found" | "not_found") => {
            "Это событие не найдено или продажи уже закрыты."
        }
        (En, "event_not_found" | "show_not_found" | "not_found") => {
            "This event wasn't found, or sales have closed."
        }
        (Ru, "rate_limited") => "Слишком много запросов. Подождите немного и попробуйте снова.",
        (En, "rate_limited") => "Too many requests. Please wait a moment and try again.",
        (Ru, "layout_changed") => "Схема зала только что обновилась. Загрузите её заново.",
        (En, "layout_changed") => "The seating plan has just changed. Please reload it.",
        (
            Ru,
            "unknown_partner" | "invalid_partner_key" | "partner_key_invalid" | "missing_partner_key"
            | "unauthorized" | "forbidden" | "origin_not_allowed" | "event_not_allowed",
        ) => "Продажа билетов на этом сайте не настроена. Сообщите, пожалуйста, владельцу сайта.",
        (
            En,
            "unknown_partner" | "invalid_partner_key" | "partner_key_invalid" | "missing_partner_key"
            | "unauthorized" | "forbidden" | "origin_not_allowed" | "event_not_allowed",
        ) => "Ticket sales aren't set up on this site. Please let the site owner know.",
        (Ru, "invalid_id") => "Неверная ссылка на событие.",
        (En, "invalid_id") => "This event link is not valid.",
        (Ru, _) => "Не удалось загрузить данные. Попробуйте ещё раз.",
        (En, _) => "Something went wrong while loading. Please try again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_language() {
        let cases: &[(Option<&str>, Option<&str>, Lang)] = &[
            (None, Some("ru-RU"), Lang::Ru),
            (None, Some("ru"), Lang::Ru),
            (None, Some("RU"), Lang::Ru),
            (None, Some("en-US"), Lang::En),
            (None, Some("de-DE"), Lang::En),
            (None, Some("rue"), Lang::En),
            (None, None, Lang::En),
            (Some("en"), Some("ru-RU"), Lang::En),
            (Some("ru"), Some("en-GB"), Lang::Ru),
            (Some(" "), Some("ru-RU"), Lang::Ru),
            (Some("fr"), Some("ru-RU"), Lang::Ru),
            (Some("fr"), Some("en-US"), Lang::En),
        ];
        for &(configured, navigator, expected) in cases {
            assert_eq!(Lang::resolve(configured, navigator), expected, "{configured:?} {navigator:?}");
        }
    }

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
        assert_eq!(date_count(Lang::Ru, 3), "3 даты");
        assert_eq!(date_count(Lang::En, 2), "2 dates");
    }

    #[test]
    fn phrases_with_numbers() {
        assert_eq!(price_from(Lang::Ru, "1 500 ₽"), "от 1 500 ₽");
        assert_eq!(price_from(Lang::En, "1 500 ₽"), "from 1 500 ₽");
        assert_eq!(quantity_left(Lang::Ru, 7), "осталось 7");
        assert_eq!(quantity_left(Lang::En, 7), "7 left");
        assert_eq!(seat_label(Lang::Ru, "5", "12"), "Ряд 5, место 12");
        assert_eq!(seat_label(Lang::En, "5", "12"), "Row 5, seat 12");
    }

    #[test]
    fn translates_error_codes_and_falls_back_for_unknown_ones() {
        for lang in [Lang::Ru, Lang::En] {
            let generic = error_message(lang, "something_new");
            for code in ["network", "upstream_unavailable", "upstream_timeout", "event_not_found", "rate_limited", "layout_changed"] {
                assert_ne!(error_message(lang, code), generic, "{code} has its own message");
            }
        }
        assert!(error_message(Lang::Ru, "upstream_timeout").contains("слишком долго"));
        assert!(error_message(Lang::En, "network").contains("connection"));
    }
}
