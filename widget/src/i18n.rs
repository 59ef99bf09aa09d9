//! Every word the buyer reads, in Russian and English.
//!
//! Strings live in one table per language ([`RU`], [`EN`]) so a missing
//! translation is a compile error, not a blank button. Error messages are keyed
//! by the proxy's stable error *codes* (`ErrorDetail::code`), never by its
//! English developer message.

use crate::buyer_details::{BuyerField, BuyerProblem};

pub use ticket_hall::words::{
    lost_admission_message, lost_seat_message, order_words, quantity_left, russian_plural, seat_count, seat_keys_hint,
    seat_label, seat_list_toggle, seat_place_words, seat_state_word, seats_changed_words, ticket_count,
};
use ticket_hall::words::{Words, EN as HALL_EN, RU as HALL_RU};
pub use ticket_hall::Lang;

/// The widget's whole table of words: `lang.texts()`. (`Lang` itself and the
/// words the hall shows live in `ticket-hall`, which the seat-picking stage
/// shares; this table holds those and reads them as its own fields.)
pub trait WidgetTexts {
    fn texts(self) -> &'static Texts;
}

impl WidgetTexts for Lang {
    fn texts(self) -> &'static Texts {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// Fixed UI strings of one language.
pub struct Texts {
    /// The hall's words (`ticket-hall`, shared with the seat-picking stage):
    /// read through this table as its own fields (`texts.order_title`).
    pub hall: &'static Words,
    pub loading: &'static str,
    pub events_title: &'static str,
    pub no_events: &'static str,
    pub some_events_unavailable: &'static str,
    pub all_events: &'static str,
    pub other_dates: &'static str,
    pub choose_date: &'static str,
    pub local_time_note: &'static str,
    pub choose_seats: &'static str,
    pub cart_title: &'static str,
    pub timer_label: &'static str,
    pub timer_warning: &'static str,
    pub timer_over_awaiting: &'static str,
    pub hold_expired: &'static str,
    pub hold_ended: &'static str,
    pub cancel_hold: &'static str,
    pub buyer_title: &'static str,
    pub buyer_name: &'static str,
    pub buyer_email: &'static str,
    pub buyer_phone: &'static str,
    pub buyer_submit: &'static str,
    pub saving: &'static str,
    pub name_missing: &'static str,
    pub name_malformed: &'static str,
    pub name_refused: &'static str,
    pub email_missing: &'static str,
    pub email_malformed: &'static str,
    pub email_refused: &'static str,
    pub phone_missing: &'static str,
    pub phone_malformed: &'static str,
    pub phone_refused: &'static str,
    pub payment_title: &'static str,
    pub edit_details: &'static str,
    pub pay: &'static str,
    pub awaiting_payment: &'static str,
    pub awaiting_payment_hint: &'static str,
    pub back_to_payment: &'static str,
    pub payment_not_completed: &'static str,
    pub tickets_title: &'static str,
    pub tickets_hint: &'static str,
    pub admission_ticket: &'static str,
    pub buy_more: &'static str,
    pub close: &'static str,
    pub retry: &'static str,
    pub nothing_on_sale: &'static str,
    pub availability_stale: &'static str,
    pub tickets_issuing: &'static str,
    pub tickets_issuing_hint: &'static str,
    pub ticket_serial_number: &'static str,
    pub ticket_price: &'static str,
    pub organiser: &'static str,
    pub inn: &'static str,
    pub ogrn: &'static str,
    pub ogrnip: &'static str,
    pub print_tickets: &'static str,
    pub promocode_label: &'static str,
    pub promocode_apply: &'static str,
    pub promocode_remove: &'static str,
    pub promocode_discount: &'static str,
}

impl std::ops::Deref for Texts {
    type Target = Words;

    fn deref(&self) -> &Words {
        self.hall
    }
}

pub const RU: Texts = Texts {
    hall: &HALL_RU,
    loading: "Загрузка…",
    events_title: "Афиша",
    no_events: "Сейчас нет событий в продаже.",
    some_events_unavailable: "Часть событий временно не загрузилась — список может быть неполным.",
    all_events: "Все события",
    other_dates: "Другие даты",
    choose_date: "Выберите дату",
    local_time_note: "Время местное, по месту проведения.",
    choose_seats: "Выберите места",
    cart_title: "Ваша бронь",
    timer_label: "Бронь действует ещё",
    timer_warning: "Осталось меньше минуты — поторопитесь!",
    timer_over_awaiting: "Время брони вышло — проверяем, прошла ли оплата…",
    hold_expired: "Время брони истекло, места снова в продаже. Выберите их заново.",
    hold_ended: "Бронь больше не действует. Выберите места заново.",
    cancel_hold: "Отменить бронь",
    buyer_title: "Данные покупателя",
    buyer_name: "Имя и фамилия",
    buyer_email: "Эл. почта",
    buyer_phone: "Телефон",
    buyer_submit: "Перейти к оплате",
    saving: "Сохраняем…",
    name_missing: "Укажите имя.",
    name_malformed: "Имя слишком длинное.",
    name_refused: "Проверьте имя.",
    email_missing: "Укажите эл. почту.",
    email_malformed: "Проверьте адрес: например, anna@example.ru.",
    email_refused: "Этот адрес не подходит — проверьте его.",
    phone_missing: "Укажите телефон.",
    phone_malformed: "Проверьте номер: например, +7 916 123-45-67.",
    phone_refused: "Этот номер не подходит — укажите его с кодом страны.",
    payment_title: "Оплата",
    edit_details: "Изменить",
    pay: "Оплатить",
    awaiting_payment: "Ждём подтверждения оплаты…",
    awaiting_payment_hint: "Не закрывайте эту страницу: билеты появятся здесь.",
    back_to_payment: "Вернуться к оплате",
    payment_not_completed: "Оплата не прошла. Бронь ещё действует — можно попробовать снова.",
    tickets_title: "Ваши билеты",
    tickets_hint: "Покажите штрихкод на входе.",
    admission_ticket: "Входной билет",
    buy_more: "Купить ещё билеты",
    close: "Закрыть",
    retry: "Повторить",
    nothing_on_sale: "На эту дату билетов в продаже нет.",
    availability_stale: "Сведения о свободных местах могут быть устаревшими.",
    tickets_issuing: "Оплата прошла — билеты выпускаются…",
    tickets_issuing_hint: "Билетная система ещё выпускает ваши билеты. Они появятся здесь сами, обновлять страницу не нужно.",
    ticket_serial_number: "Серия и номер",
    ticket_price: "Цена",
    organiser: "Организатор",
    inn: "ИНН",
    ogrn: "ОГРН",
    ogrnip: "ОГРНИП",
    print_tickets: "Распечатать билеты",
    promocode_label: "Промокод",
    promocode_apply: "Применить",
    promocode_remove: "Убрать",
    promocode_discount: "Скидка по промокоду",
};

pub const EN: Texts = Texts {
    hall: &HALL_EN,
    loading: "Loading…",
    events_title: "Events",
    no_events: "No events are on sale right now.",
    some_events_unavailable: "Some events could not be loaded just now, so this list may be incomplete.",
    all_events: "All events",
    other_dates: "Other dates",
    choose_date: "Choose a date",
    local_time_note: "Times are local to the venue.",
    choose_seats: "Choose your seats",
    cart_title: "Your reservation",
    timer_label: "Reserved for",
    timer_warning: "Less than a minute left — please hurry!",
    timer_over_awaiting: "Time is up — checking whether your payment went through…",
    hold_expired: "Your reservation has expired and the seats are back on sale. Please choose again.",
    hold_ended: "This reservation is no longer active. Please choose your seats again.",
    cancel_hold: "Cancel reservation",
    buyer_title: "Your details",
    buyer_name: "Full name",
    buyer_email: "E-mail",
    buyer_phone: "Phone",
    buyer_submit: "Continue to payment",
    saving: "Saving…",
    name_missing: "Please enter your name.",
    name_malformed: "This name is too long.",
    name_refused: "Please check your name.",
    email_missing: "Please enter your e-mail.",
    email_malformed: "Please check the address, e.g. anna@example.com.",
    email_refused: "This address can't be used. Please check it.",
    phone_missing: "Please enter your phone number.",
    phone_malformed: "Please check the number, e.g. +44 20 7946 0958.",
    phone_refused: "This number can't be used. Please include the country code.",
    payment_title: "Payment",
    edit_details: "Edit",
    pay: "Pay",
    awaiting_payment: "Waiting for the payment to be confirmed…",
    awaiting_payment_hint: "Please keep this page open: your tickets will appear here.",
    back_to_payment: "Back to payment",
    payment_not_completed: "The payment did not go through. Your reservation is still active, so you can try again.",
    tickets_title: "Your tickets",
    tickets_hint: "Show the barcode at the entrance.",
    admission_ticket: "General admission",
    buy_more: "Buy more tickets",
    close: "Close",
    retry: "Try again",
    nothing_on_sale: "No tickets are on sale for this date.",
    availability_stale: "Seat availability may be out of date.",
    tickets_issuing: "Payment received — your tickets are being issued…",
    tickets_issuing_hint:
        "The ticketing system is still issuing your tickets. They will appear here by themselves; there is no need to reload.",
    ticket_serial_number: "Series and number",
    ticket_price: "Price",
    organiser: "Organiser",
    inn: "INN",
    ogrn: "OGRN",
    ogrnip: "OGRNIP",
    print_tickets: "Print tickets",
    promocode_label: "Promo code",
    promocode_apply: "Apply",
    promocode_remove: "Remove",
    promocode_discount: "Promo code discount",
};

/// `от 1 500 ₽` / `from 1 500 ₽`.
pub fn price_from(lang: Lang, price: &str) -> String {
    match lang {
        Lang::Ru => format!("от {price}"),
        Lang::En => format!("from {price}"),
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

/// The inside of the hold timer, as first drawn: label, `mm:ss`, and a live
/// region that holds the warning in the last minute (the timer's
/// `data-warning` attribute turns its colours). The region is always there,
/// so that writing the warning into it later is announced; the ticking
/// digits are not live (`role="timer"`).
pub fn timer_markup(lang: Lang, seconds: u64) -> String {
    let texts = lang.texts();
    format!(
        "<span class=\"tw-timer-label\">{}</span><span class=\"tw-timer-value\">{}</span>\
         <span class=\"tw-timer-warning-text\" role=\"status\" data-testid=\"hold-timer-warning\">{}</span>",
        texts.timer_label,
        crate::countdown::format_countdown(seconds),
        if crate::countdown::is_warning(seconds) { texts.timer_warning } else { "" }
    )
}

/// `Оплатить 4 500 ₽` / `Pay 4 500 ₽`.
pub fn pay_amount(lang: Lang, amount: &str) -> String {
    format!("{} {amount}", lang.texts().pay)
}

/// The message after a `seat_unavailable` answer: how many of the buyer's
/// seats someone else took (or that a quantity was cut), and that the rest of
/// the choice is still there.
pub fn seats_taken_message(lang: Lang, seats: u64, admissions: bool) -> String {
    match (lang, seats) {
        (Lang::Ru, 0) if admissions => {
            "Входных билетов осталось меньше, чем вы выбрали: количество уточнено. Проверьте заказ и забронируйте снова.".to_owned()
        }
        (Lang::En, 0) if admissions => {
            "Fewer tickets are left than you chose, so the quantity has been updated. Check your order and reserve again.".to_owned()
        }
        (Lang::Ru, _) => format!(
            "Пока вы выбирали, {seats} {} из вашего заказа заняли другие покупатели. Остальной выбор сохранён — проверьте заказ и забронируйте снова.",
            russian_plural(seats, "место", "места", "мест"),
        ),
        (Lang::En, 1) => {
            "Someone else took 1 of your seats a moment ago. The rest of your choice is kept: check your order and reserve again.".to_owned()
        }
        (Lang::En, _) => format!(
            "Someone else took {seats} of your seats a moment ago. The rest of your choice is kept: check your order and reserve again."
        ),
    }
}

/// What the buyer reads under a buyer-form input.
pub fn buyer_problem_message(lang: Lang, field: BuyerField, problem: BuyerProblem) -> &'static str {
    let texts = lang.texts();
    match (field, problem) {
        (BuyerField::Name, BuyerProblem::Missing) => texts.name_missing,
        (BuyerField::Name, BuyerProblem::Malformed) => texts.name_malformed,
        (BuyerField::Name, BuyerProblem::Refused) => texts.name_refused,
        (BuyerField::Email, BuyerProblem::Missing) => texts.email_missing,
        (BuyerField::Email, BuyerProblem::Malformed) => texts.email_malformed,
        (BuyerField::Email, BuyerProblem::Refused) => texts.email_refused,
        (BuyerField::Phone, BuyerProblem::Missing) => texts.phone_missing,
        (BuyerField::Phone, BuyerProblem::Malformed) => texts.phone_malformed,
        (BuyerField::Phone, BuyerProblem::Refused) => texts.phone_refused,
    }
}

/// The label of a buyer-form input.
pub fn buyer_field_label(lang: Lang, field: BuyerField) -> &'static str {
    let texts = lang.texts();
    match field {
        BuyerField::Name => texts.buyer_name,
        BuyerField::Email => texts.buyer_email,
        BuyerField::Phone => texts.buyer_phone,
    }
}

/// Codes that mean the partner's setup refuses this page (key, origin,
/// allowlist): the buyer can only tell the site owner.
fn is_sales_not_set_up(code: &str) -> bool {
    matches!(
        code,
        "unknown_partner"
            | "invalid_partner_key"
            | "partner_key_invalid"
            | "missing_partner_key"
            | "partner_key_missing"
            | "partner_key_unknown"
            | "partner_key_revoked"
            | "unauthorized"
            | "forbidden"
            | "origin_not_allowed"
            | "event_not_allowed"
    )
}

/// What the buyer reads for an error, by the proxy's stable code. Codes the
/// widget itself produces: `network`, `bad_response`, `layout_changed`.
pub fn error_message(lang: Lang, code: &str) -> &'static str {
    use Lang::{En, Ru};
    match (lang, code) {
        (Ru, "network") => "Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.",
        (En, "network") => "We can't reach the server. Check your connection and try again.",
        (
            Ru,
            "upstream_unavailable"
            | "upstream_bad_response"
            | "upstream_refused"
            | "upstream_misconfigured"
            | "server_error"
            | "internal"
            | "proxy_misconfigured",
        ) => "Билетная система сейчас недоступна. Попробуйте через минуту.",
        (
            En,
            "upstream_unavailable"
            | "upstream_bad_response"
            | "upstream_refused"
            | "upstream_misconfigured"
            | "server_error"
            | "internal"
            | "proxy_misconfigured",
        ) => "The ticketing system is unavailable right now. Please try again in a minute.",
        (Ru, "upstream_timeout") => "Билетная система отвечает слишком долго. Попробуйте ещё раз.",
        (En, "upstream_timeout") => "The ticketing system is taking too long to answer. Please try again.",
        (Ru, "event_not_found" | "show_not_found" | "not_found") => "Это событие не найдено или продажи уже закрыты.",
        (En, "event_not_found" | "show_not_found" | "not_found") => "This event wasn't found, or sales have closed.",
        (Ru, "rate_limited") => "Слишком много запросов. Подождите немного и попробуйте снова.",
        (En, "rate_limited") => "Too many requests. Please wait a moment and try again.",
        (Ru, "too_many_active_holds") => "У вас уже много активных броней. Отмените одну из них или подождите, пока она истечёт.",
        (En, "too_many_active_holds") => "You already have too many active reservations. Cancel one, or wait until one expires.",
        (Ru, "show_holds_limit") => "Сейчас на это событие бронируют слишком многие. Попробуйте через минуту.",
        (En, "show_holds_limit") => "Too many people are reserving for this event right now. Please try again in a minute.",
        (Ru, "temporarily_unavailable") => "Бронирование временно недоступно. Попробуйте через несколько секунд.",
        (En, "temporarily_unavailable") => "Reservations are unavailable for a moment. Please try again in a few seconds.",
        (Ru, "layout_changed") => "Схема зала только что обновилась. Загрузите её заново.",
        (En, "layout_changed") => "The seating plan has just changed. Please reload it.",
        (Ru, code) if is_sales_not_set_up(code) => {
            "Продажа билетов на этом сайте не настроена. Сообщите, пожалуйста, владельцу сайта."
        }
        (En, code) if is_sales_not_set_up(code) => "Ticket sales aren't set up on this site. Please let the site owner know.",
        (Ru, "invalid_id") => "Неверная ссылка на событие.",
        (En, "invalid_id") => "This event link is not valid.",
        (Ru, "seat_unavailable") => "Некоторые из этих мест только что заняли. Выберите другие.",
        (En, "seat_unavailable") => "Some of these seats have just been taken. Please choose others.",
        (Ru, "seat_not_for_sale") => "Некоторые из этих мест здесь не продаются. Выберите другие.",
        (En, "seat_not_for_sale") => "Some of these seats are not sold here. Please choose others.",
        (Ru, "price_changed") => "Цены на эти места только что изменились. Проверьте новые цены и забронируйте снова.",
        (En, "price_changed") => "The prices of these places have just changed. Please check the new prices and reserve again.",
        (Ru, "hold_expired") => "Время брони истекло, места снова в продаже.",
        (En, "hold_expired") => "Your reservation has expired and the seats are back on sale.",
        (Ru, "hold_not_active") => "Эта бронь уже не действует.",
        (En, "hold_not_active") => "This reservation is no longer active.",
        (Ru, "hold_not_found") => "Бронь не найдена — возможно, она уже истекла.",
        (En, "hold_not_found") => "This reservation wasn't found. It may have expired.",
        (Ru, "invalid_body") => "Проверьте введённые данные.",
        (En, "invalid_body") => "Please check the details you entered.",
        (Ru, "upstream_busy") => "Билетная система сейчас занята. Попробуйте через несколько секунд.",
        (En, "upstream_busy") => "The ticketing system is busy right now. Please try again in a few seconds.",
        (Ru, "promocode_invalid") => "Такого промокода нет. Проверьте, как он написан.",
        (En, "promocode_invalid") => "There is no such promo code. Please check how it is spelled.",
        (Ru, "promocode_expired") => "Срок действия этого промокода закончился.",
        (En, "promocode_expired") => "This promo code has expired.",
        (Ru, "promocode_exhausted") => "Этот промокод уже израсходован.",
        (En, "promocode_exhausted") => "This promo code has been used up.",
        (Ru, "promocode_not_applicable") => "Этот промокод не действует на выбранные билеты.",
        (En, "promocode_not_applicable") => "This promo code doesn't apply to the tickets you chose.",
        (Ru, "promocode_not_supported") => "Для этого события промокоды не принимаются.",
        (En, "promocode_not_supported") => "Promo codes aren't accepted for this event.",
        (Ru, "payment_not_completed") => RU.payment_not_completed,
        (En, "payment_not_completed") => EN.payment_not_completed,
        (Ru, _) => "Что-то пошло не так. Попробуйте ещё раз.",
        (En, _) => "Something went wrong. Please try again.",
    }
}

// Keyboard and screen reader: the seat plan's keys, the seat list, and what
// the widget's polite live region says (`announcements.rs` decides when).

/// Said when the places are held: how long for, and what comes next.
pub fn hold_made_words(lang: Lang, countdown: &str) -> String {
    match lang {
        Lang::Ru => format!("Места забронированы, бронь действует ещё {countdown}. Заполните данные покупателя."),
        Lang::En => format!("Your places are reserved for {countdown}. Please enter your details."),
    }
}

/// Said when the tickets are on screen.
pub fn tickets_ready_words(lang: Lang, tickets: u64) -> String {
    match lang {
        Lang::Ru => format!("Оплата прошла. Ваши билеты: {}.", ticket_count(lang, tickets)),
        Lang::En => format!("Payment received. Your tickets: {}.", ticket_count(lang, tickets)),
    }
}

/// `Партер — свободно 12` / `Stalls — 12 free`.
pub fn zone_free_words(lang: Lang, zone: &str, free: usize) -> String {
    match lang {
        Lang::Ru => format!("{zone} — свободно {free}"),
        Lang::En => format!("{zone} — {free} free"),
    }
}

/// `Ряд 5` / `Row 5`; without a row label: `Без ряда` / `No row`.
pub fn row_words(lang: Lang, row: &str) -> String {
    match (lang, row.is_empty()) {
        (Lang::Ru, true) => "Без ряда".to_owned(),
        (Lang::En, true) => "No row".to_owned(),
        _ => format!("{} {row}", lang.texts().row),
    }
}

/// `В этой зоне свободных мест нет.` / `No free places in this zone.`
pub fn zone_sold_out_words(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "В этой зоне свободных мест нет.",
        Lang::En => "No free places in this zone.",
    }
}

/// The words of the "best seats" form beside the seat plan
/// (`components/best_seats_form.rs`).
pub struct BestSeatsTexts {
    pub title: &'static str,
    pub count_label: &'static str,
    pub zone_label: &'static str,
    pub any_zone: &'static str,
    pub find: &'static str,
    pub finding: &'static str,
    pub hint: &'static str,
    /// More seats than the partner sells in one hold (`best.count`).
    pub too_many: &'static str,
}

const BEST_SEATS_RU: BestSeatsTexts = BestSeatsTexts {
    title: "Лучшие места",
    count_label: "Сколько мест",
    zone_label: "Зона",
    any_zone: "Любая",
    find: "Подобрать и забронировать",
    finding: "Подбираем места…",
    hint: "Места рядом в одном ряду, как можно ближе к центру сцены.",
    too_many: "Столько мест в одном заказе не продаётся. Выберите меньше.",
};

const BEST_SEATS_EN: BestSeatsTexts = BestSeatsTexts {
    title: "Best seats",
    count_label: "How many",
    zone_label: "Zone",
    any_zone: "Any",
    find: "Find and reserve",
    finding: "Finding seats…",
    hint: "Seats side by side in one row, as close to the centre of the stage as we can.",
    too_many: "That's more seats than one order may have. Please choose fewer.",
};

pub fn best_seats_texts(lang: Lang) -> &'static BestSeatsTexts {
    match lang {
        Lang::Ru => &BEST_SEATS_RU,
        Lang::En => &BEST_SEATS_EN,
    }
}

/// No block of `count` seats side by side is free (in the zone named, if any).
pub fn no_seats_together_message(lang: Lang, count: u32, zone: Option<&str>) -> String {
    match (lang, count, zone) {
        (Lang::Ru, 1, None) => "Свободных мест сейчас нет.".to_owned(),
        (Lang::Ru, 1, Some(zone)) => format!("В зоне «{zone}» сейчас нет свободных мест. Выберите другую зону."),
        (Lang::Ru, _, None) => format!("Не нашлось {count} свободных мест рядом в одном ряду. Выберите меньше мест."),
        (Lang::Ru, _, Some(zone)) => {
            format!("В зоне «{zone}» не нашлось {count} свободных мест рядом в одном ряду. Выберите меньше мест или другую зону.")
        }
        (Lang::En, 1, None) => "There are no free seats right now.".to_owned(),
        (Lang::En, 1, Some(zone)) => format!("There are no free seats in “{zone}” right now. Please choose another zone."),
        (Lang::En, _, None) => format!("There aren't {count} free seats side by side in one row. Please choose fewer seats."),
        (Lang::En, _, Some(zone)) => format!(
            "There aren't {count} free seats side by side in one row in “{zone}”. Please choose fewer seats or another zone."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pluralises_russian_counts() {
        // Tickets are counted in `ticket-hall` (`words::ticket_count`).
        let cases: &[(u64, &str)] = &[(1, "1 дата"), (3, "3 даты"), (5, "5 дат"), (11, "11 дат"), (21, "21 дата")];
        for &(count, expected) in cases {
            assert_eq!(date_count(Lang::Ru, count), expected);
        }
        assert_eq!(date_count(Lang::En, 1), "1 date");
        assert_eq!(date_count(Lang::En, 2), "2 dates");
    }

    #[test]
    fn phrases_with_numbers() {
        assert_eq!(price_from(Lang::Ru, "1 500 ₽"), "от 1 500 ₽");
        assert_eq!(price_from(Lang::En, "1 500 ₽"), "from 1 500 ₽");
        assert_eq!(quantity_left(Lang::Ru, 7), "осталось 7");
        assert_eq!(quantity_left(Lang::En, 7), "7 left");
    }

    #[test]
    fn translates_error_codes_and_falls_back_for_unknown_ones() {
        for lang in [Lang::Ru, Lang::En] {
            let generic = error_message(lang, "something_new");
            for code in
                ["network", "upstream_unavailable", "upstream_timeout", "event_not_found", "rate_limited", "layout_changed"]
            {
                assert_ne!(error_message(lang, code), generic, "{code} has its own message");
            }
        }
        assert!(error_message(Lang::Ru, "upstream_timeout").contains("слишком долго"));
        assert!(error_message(Lang::En, "network").contains("connection"));
    }

    #[test]
    fn translates_every_hold_error_code() {
        let codes = [
            "seat_unavailable",
            "hold_expired",
            "hold_not_active",
            "hold_not_found",
            "invalid_body",
            "upstream_busy",
            "payment_not_completed",
            "partner_key_unknown",
            "partner_key_missing",
            "partner_key_revoked",
            "origin_not_allowed",
            "event_not_allowed",
            "rate_limited",
            "upstream_refused",
            "seat_not_for_sale",
            "price_changed",
            "too_many_active_holds",
            "show_holds_limit",
            "temporarily_unavailable",
        ];
        for lang in [Lang::Ru, Lang::En] {
            let generic = error_message(lang, "something_new");
            for code in codes {
                assert_ne!(error_message(lang, code), generic, "{lang:?} {code}");
            }
        }
        // Distinct codes the buyer must tell apart read differently.
        let distinct = ["seat_unavailable", "hold_expired", "hold_not_active", "hold_not_found", "invalid_body", "upstream_busy"];
        for lang in [Lang::Ru, Lang::En] {
            let mut messages: Vec<&str> = distinct.iter().map(|code| error_message(lang, code)).collect();
            messages.sort();
            messages.dedup();
            assert_eq!(messages.len(), distinct.len(), "{lang:?}");
        }
        let promocodes = [
            "promocode_invalid",
            "promocode_expired",
            "promocode_exhausted",
            "promocode_not_applicable",
            "promocode_not_supported",
        ];
        for lang in [Lang::Ru, Lang::En] {
            let mut messages: Vec<&str> = promocodes.iter().map(|code| error_message(lang, code)).collect();
            assert!(
                !messages.contains(&error_message(lang, "something_new")),
                "{lang:?}: every promo-code refusal has its own words"
            );
            messages.sort();
            messages.dedup();
            assert_eq!(messages.len(), promocodes.len(), "{lang:?}");
        }
        assert!(error_message(Lang::Ru, "promocode_expired").contains("закончился"));
        assert!(error_message(Lang::Ru, "hold_expired").contains("истекло"));
        assert!(error_message(Lang::En, "hold_expired").contains("expired"));
        assert!(error_message(Lang::Ru, "upstream_busy").contains("занята"));
        assert!(error_message(Lang::En, "seat_unavailable").contains("taken"));
    }

    #[test]
    fn says_how_many_seats_were_taken() {
        let cases: &[(Lang, u64, bool, &str)] = &[
            (Lang::Ru, 1, false, "Пока вы выбирали, 1 место из вашего заказа заняли другие покупатели"),
            (Lang::Ru, 2, false, "Пока вы выбирали, 2 места из вашего заказа заняли другие покупатели"),
            (Lang::Ru, 5, true, "Пока вы выбирали, 5 мест из вашего заказа заняли"),
            (Lang::Ru, 0, true, "Входных билетов осталось меньше"),
            (Lang::En, 1, false, "Someone else took 1 of your seats"),
            (Lang::En, 3, false, "Someone else took 3 of your seats"),
            (Lang::En, 0, true, "Fewer tickets are left"),
        ];
        for &(lang, seats, admissions, start) in cases {
            let message = seats_taken_message(lang, seats, admissions);
            assert!(message.starts_with(start), "{lang:?} {seats}: {message}");
        }
    }

    #[test]
    fn names_the_pick_someone_else_took() {
        let cases: &[(String, &str)] = &[
            (
                lost_seat_message(Lang::Ru, "Партер", "5", "12"),
                "Партер, ряд 5, место 12: это место только что занял другой покупатель.",
            ),
            (lost_seat_message(Lang::En, "Stalls", "5", "12"), "Stalls, row 5, seat 12: someone else has just taken this seat."),
            (
                lost_admission_message(Lang::Ru, "Танцпол", 4, 2),
                "Танцпол: осталось меньше, чем вы выбрали, — в заказе теперь 2 билета вместо 4.",
            ),
            (
                lost_admission_message(Lang::En, "Standing", 4, 1),
                "Standing: fewer are left than you chose, so your order now has 1 ticket instead of 4.",
            ),
            (
                lost_admission_message(Lang::Ru, "Танцпол", 3, 0),
                "Танцпол: билеты только что закончились, в заказе их больше нет.",
            ),
            (
                lost_admission_message(Lang::En, "Standing", 3, 0),
                "Standing: sold out a moment ago, so these tickets are no longer in your order.",
            ),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn labels_buyer_fields_and_their_problems() {
        use crate::buyer_details::BUYER_FIELDS;
        for lang in [Lang::Ru, Lang::En] {
            for field in BUYER_FIELDS {
                let messages = [BuyerProblem::Missing, BuyerProblem::Malformed, BuyerProblem::Refused]
                    .map(|problem| buyer_problem_message(lang, field, problem));
                assert!(messages[0] != messages[1] && messages[1] != messages[2], "{lang:?} {field:?}");
                assert!(!buyer_field_label(lang, field).is_empty());
            }
        }
        assert_eq!(buyer_problem_message(Lang::Ru, BuyerField::Email, BuyerProblem::Missing), "Укажите эл. почту.");
        assert_eq!(buyer_field_label(Lang::En, BuyerField::Phone), "Phone");
        assert_eq!(pay_amount(Lang::Ru, "4 500 ₽"), "Оплатить 4 500 ₽");
        assert_eq!(
            timer_markup(Lang::Ru, 125),
            "<span class=\"tw-timer-label\">Бронь действует ещё</span><span class=\"tw-timer-value\">02:05</span>\
             <span class=\"tw-timer-warning-text\" role=\"status\" data-testid=\"hold-timer-warning\"></span>"
        );
        let warning = timer_markup(Lang::En, 42);
        assert!(
            warning.contains(">00:42<") && warning.contains("data-testid=\"hold-timer-warning\">Less than a minute left"),
            "{warning}"
        );
        assert_eq!(pay_amount(Lang::En, "4 500 ₽"), "Pay 4 500 ₽");
    }

    #[test]
    fn best_seats_words_in_both_languages() {
        for lang in [Lang::Ru, Lang::En] {
            let texts = best_seats_texts(lang);
            assert!(!texts.title.is_empty() && !texts.find.is_empty() && !texts.too_many.is_empty());
            assert_ne!(no_seats_together_message(lang, 1, None), no_seats_together_message(lang, 3, None));
        }
        assert_eq!(
            no_seats_together_message(Lang::Ru, 3, Some("Партер")),
            "В зоне «Партер» не нашлось 3 свободных мест рядом в одном ряду. Выберите меньше мест или другую зону."
        );
        assert!(no_seats_together_message(Lang::En, 4, Some("Stalls")).contains("4 free seats side by side"));
    }
}
