//! The markup of the checkout's read-only parts: the cart, the payment step,
//! the waiting screen, the tickets and the notices.
//!
//! Like the seat map's circles, these are built as escaped HTML here and put
//! into the page with one `innerHTML` write: a reactive view per line, card
//! and button would cost many kilobytes of wasm for text that never changes
//! while it is on screen. Buttons carry `data-action`; the checkout listens
//! once for clicks and dispatches on it (see `components/checkout_screen.rs`).
//! Being pure, every screen's content — test ids, prices, escaping, barcodes
//! — is tested natively.

use ticket_contract::{Hold, HoldItem, IssuedTicket, Money, Organiser};

use crate::barcode::code128b_svg;
use crate::buyer_details::{BuyerDraft, BuyerField, BUYER_FIELDS};
use crate::checkout::HoldNotice;
use crate::datetime::{format_show_full, parse_local_date_time};
use crate::hall::escape_attribute as escape;
use crate::i18n::{buyer_field_label, error_message, pay_amount, seat_label, ticket_count, Lang, WidgetTexts};
use crate::money::{format_money, format_price};

/// What a `data-action` button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutAction {
    Cancel,
    EditDetails,
    Pay,
    BackToPayment,
    Done,
    Dismiss,
    Print,
}

impl CheckoutAction {
    pub fn parse(action: &str) -> Option<CheckoutAction> {
        Some(match action {
            "cancel" => CheckoutAction::Cancel,
            "edit" => CheckoutAction::EditDetails,
            "pay" => CheckoutAction::Pay,
            "back-to-payment" => CheckoutAction::BackToPayment,
            "done" => CheckoutAction::Done,
            "dismiss" => CheckoutAction::Dismiss,
            "print" => CheckoutAction::Print,
            _ => return None,
        })
    }
}

fn button(class: &str, test_id: &str, action: &str, disabled: bool, label: &str) -> String {
    format!(
        "<button type=\"button\" class=\"{class}\" data-testid=\"{test_id}\" data-action=\"{action}\"{}>{}</button>",
        if disabled { " disabled" } else { "" },
        escape(label)
    )
}

/// The cart's cancel button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelButton {
    /// The buyer may give the places back.
    Ready,
    /// A cancel is on its way: shown, disabled.
    Busy,
    /// A payment runs: the places must not be given back, so no button.
    Hidden,
}

impl CancelButton {
    /// `may_release`: see `CheckoutStage::releasable_hold_id`.
    pub fn new(may_release: bool, cancelling: bool) -> CancelButton {
        match (may_release, cancelling) {
            (false, _) => CancelButton::Hidden,
            (true, true) => CancelButton::Busy,
            (true, false) => CancelButton::Ready,
        }
    }
}

/// The held places and their total, then the cancel button. With a promo
/// code, each discounted line says what comes off it, a line names the code
/// and its discount, and the total is the proxy's (the ticketing system's)
/// discounted one.
pub fn cart_markup(lang: Lang, hold: &Hold, cancel: CancelButton) -> String {
    let texts = lang.texts();
    let mut count = 0u64;
    let mut lines = String::new();
    let line_discount = |id: &str| {
        let promocode = hold.promocode.as_ref()?;
        let item = promocode.items.iter().find(|item| item.item_id == id && item.discount.minor > 0)?;
        Some(format!(
            "<span class=\"tw-line-discount\" data-testid=\"hold-item-discount\">−{}</span>",
            format_money(item.discount)
        ))
    };
    for item in &hold.items {
        let (id, zone, detail, price) = match item {
            HoldItem::Seat { seat_id, zone_name, row, place, price } => {
                count += 1;
                (seat_id, zone_name, seat_label(lang, row, place), *price)
            }
            HoldItem::Admission { admission_id, zone_name, quantity, unit_price } => {
                count += *quantity as u64;
                let subtotal = Money { minor: unit_price.minor * *quantity as i64, ..*unit_price };
                (admission_id, zone_name, format!("{} × {quantity}", format_price(lang, *unit_price)), subtotal)
            }
        };
        lines.push_str(&format!(
            "<li class=\"tw-line\" data-testid=\"hold-item\" data-item-id=\"{}\"><span class=\"tw-line-text\">\
             <span class=\"tw-line-title\">{}</span><span class=\"tw-line-detail\">{}</span>{}</span>\
             <span class=\"tw-price\">{}</span></li>",
            escape(id),
            escape(zone),
            escape(&detail),
            line_discount(id).unwrap_or_default(),
            format_price(lang, price)
        ));
    }
    let discount = hold.promocode.as_ref().map_or(String::new(), |promocode| {
        format!(
            "<div class=\"tw-discount\" data-testid=\"hold-discount\"><span class=\"tw-discount-label\">{} \
             <span class=\"tw-discount-code\">{}</span></span><span class=\"tw-discount-amount\">−{}</span></div>",
            texts.promocode_discount,
            escape(&promocode.code),
            format_money(promocode.discount)
        )
    });
    format!(
        "<section class=\"tw-cart\" data-testid=\"hold-cart\"><h3 class=\"tw-subheading\">{}</h3>\
         <ul class=\"tw-lines\">{lines}</ul>{discount}<div class=\"tw-total\"><span class=\"tw-total-label\">{}\
         <span class=\"tw-total-count\">{}</span></span><span class=\"tw-total-amount\" data-testid=\"hold-total\">{}</span>\
         </div></section>{}",
        texts.cart_title,
        texts.total,
        ticket_count(lang, count),
        format_price(lang, hold.total),
        match cancel {
            CancelButton::Hidden => String::new(),
            _ => button(
                "tw-button tw-button-secondary tw-cancel",
                "cancel-hold",
                "cancel",
                cancel == CancelButton::Busy,
                texts.cancel_hold
            ),
        }
    )
}

/// The buyer form, filled with what the buyer typed so far. Each input has
/// an (empty, hidden) error line under it that the form fills in; the input's
/// `name` is the field's (`name`, `email`, `phone`).
pub fn buyer_form_markup(lang: Lang, draft: &BuyerDraft) -> String {
    let texts = lang.texts();
    let mut fields = String::new();
    for field in BUYER_FIELDS {
        let test_id = field.test_id();
        let (name, input_type) = match field {
            BuyerField::Name => ("name", "text"),
            BuyerField::Email => ("email", "email"),
            BuyerField::Phone => ("phone", "tel"),
        };
        let autocomplete = if field == BuyerField::Phone { "tel" } else { name };
        fields.push_str(&format!(
            "<div class=\"tw-field\"><label class=\"tw-field-label\" for=\"tw-{test_id}\">{}</label>\
             <input id=\"tw-{test_id}\" class=\"tw-input\" type=\"{input_type}\" name=\"{name}\" autocomplete=\"{autocomplete}\" \
             inputmode=\"{input_type}\" data-testid=\"{test_id}\" value=\"{}\" aria-invalid=\"false\" \
             aria-describedby=\"tw-{test_id}-error\"><p class=\"tw-field-error\" id=\"tw-{test_id}-error\" \
             data-testid=\"{test_id}-error\" hidden></p></div>",
            buyer_field_label(lang, field),
            escape(draft.get(field))
        ));
    }
    format!(
        "<h3 class=\"tw-subheading\" data-screen-heading tabindex=\"-1\">{}</h3>{fields}<p class=\"tw-form-error\" role=\"alert\" data-testid=\"buyer-form-error\" hidden></p>\
         <button type=\"submit\" class=\"tw-button tw-button-primary tw-wide\" data-testid=\"buyer-submit\">{}</button>",
        texts.buyer_title, texts.buyer_submit
    )
}

/// The form field an input `name` belongs to.
pub fn buyer_field_named(name: &str) -> Option<BuyerField> {
    match name {
        "name" => Some(BuyerField::Name),
        "email" => Some(BuyerField::Email),
        "phone" => Some(BuyerField::Phone),
        _ => None,
    }
}

/// The buyer's details (with "edit") and the pay button.
pub fn payment_markup(lang: Lang, hold: &Hold, not_completed: bool) -> String {
    let texts = lang.texts();
    let summary = hold.buyer.as_ref().map_or_else(String::new, |buyer| {
        format!(
            "<dl class=\"tw-buyer-summary\" data-testid=\"buyer-summary\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>\
             <dt>{}</dt><dd>{}</dd></dl>",
            texts.buyer_name,
            escape(&buyer.name),
            texts.buyer_email,
            escape(&buyer.email),
            texts.buyer_phone,
            escape(&buyer.phone)
        )
    });
    let notice = if not_completed {
        format!(
            "<p class=\"tw-notice tw-notice-alert\" role=\"alert\" data-testid=\"payment-not-completed\">{}</p>",
            texts.payment_not_completed
        )
    } else {
        String::new()
    };
    format!(
        "<section class=\"tw-payment\" data-testid=\"payment-step\"><div class=\"tw-payment-head\">\
         <h3 class=\"tw-subheading\" data-screen-heading tabindex=\"-1\">{}</h3>{}</div>{summary}{notice}{}</section>",
        texts.buyer_title,
        button("tw-link", "buyer-edit", "edit", false, texts.edit_details),
        button(
            "tw-button tw-button-primary tw-wide tw-pay",
            "pay-button",
            "pay",
            false,
            &pay_amount(lang, &format_money(hold.total))
        )
    )
}

/// While the partner's payment runs. Why polls keep failing (offline,
/// rate-limited…) is the checkout's error notice (`checkout_error_markup`).
/// `issuing`: paid, the provider is still issuing the tickets (the hold's
/// `tickets_pending`): nothing to go back to, only to wait.
pub fn waiting_markup(lang: Lang, time_is_up: bool, issuing: bool) -> String {
    let texts = lang.texts();
    if issuing {
        return format!(
            "<section class=\"tw-waiting\" data-testid=\"tickets-issuing\" aria-busy=\"true\">\
             <span class=\"tw-spinner\" aria-hidden=\"true\"></span><p class=\"tw-waiting-title\" role=\"status\" data-screen-heading tabindex=\"-1\">{}</p>\
             <p class=\"tw-hint\">{}</p></section>",
            texts.tickets_issuing, texts.tickets_issuing_hint
        );
    }
    format!(
        "<section class=\"tw-waiting\" data-testid=\"payment-waiting\" aria-busy=\"true\">\
         <span class=\"tw-spinner\" aria-hidden=\"true\"></span><p class=\"tw-waiting-title\" role=\"status\" data-screen-heading tabindex=\"-1\">{}</p>\
         <p class=\"tw-hint\">{}</p>{}</section>",
        if time_is_up { texts.timer_over_awaiting } else { texts.awaiting_payment },
        texts.awaiting_payment_hint,
        button("tw-link", "payment-back", "back-to-payment", false, texts.back_to_payment)
    )
}

/// One card per ticket — what a printed ticket must carry: the event, its
/// start (venue time) and venue, the category and place, series and number,
/// price, the barcode and the organiser's legal details, each when the
/// provider gave it — then "print" and "buy more". The print stylesheet
/// (`widget.css`, `@media print`) leaves only the cards, one per page.
pub fn tickets_markup(lang: Lang, hold: &Hold) -> String {
    let texts = lang.texts();
    let cards: String = hold.tickets.iter().map(|ticket| ticket_card(lang, ticket)).collect();
    format!(
        "<section class=\"tw-tickets\" data-testid=\"tickets\"><h3 class=\"tw-heading\" data-screen-heading tabindex=\"-1\">{}</h3><p class=\"tw-hint\">{}</p>\
         <ul class=\"tw-ticket-grid\">{cards}</ul><div class=\"tw-tickets-actions\">{}{}</div></section>",
        texts.tickets_title,
        texts.tickets_hint,
        button("tw-button tw-button-secondary", "tickets-print", "print", false, texts.print_tickets),
        button("tw-button tw-button-secondary", "tickets-done", "done", false, texts.buy_more)
    )
}

fn ticket_card(lang: Lang, ticket: &IssuedTicket) -> String {
    let texts = lang.texts();
    let place = match (&ticket.row, &ticket.place) {
        (Some(row), Some(place)) => seat_label(lang, row, place),
        _ => texts.admission_ticket.to_owned(),
    };
    let event = ticket.event.as_ref().map_or_else(String::new, |event| {
        let when =
            parse_local_date_time(&event.starts_at).map_or_else(|| event.starts_at.clone(), |when| format_show_full(lang, &when));
        let venue = match &event.venue.address {
            Some(address) if !address.is_empty() => format!("{}, {address}", event.venue.name),
            _ => event.venue.name.clone(),
        };
        format!(
            "<span class=\"tw-ticket-event\" data-testid=\"ticket-event\">{}</span>\
             <span class=\"tw-ticket-when\" data-testid=\"ticket-when\">{}</span>\
             <span class=\"tw-ticket-venue\" data-testid=\"ticket-venue\">{}</span>",
            escape(&event.title),
            escape(&when),
            escape(&venue)
        )
    });
    let mut facts = String::new();
    let serial_number = [ticket.serial.as_deref(), ticket.number.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if !serial_number.is_empty() {
        facts.push_str(&format!(
            "<div><dt>{}</dt><dd data-testid=\"ticket-serial\">{}</dd></div>",
            texts.ticket_serial_number,
            escape(&serial_number)
        ));
    }
    if let Some(price) = ticket.price {
        facts.push_str(&format!(
            "<div><dt>{}</dt><dd data-testid=\"ticket-price\">{}</dd></div>",
            texts.ticket_price,
            format_money(price)
        ));
    }
    let facts = if facts.is_empty() { facts } else { format!("<dl class=\"tw-ticket-facts\">{facts}</dl>") };
    let organiser = ticket.organiser.as_ref().map_or_else(String::new, |organiser| {
        format!(
            "<p class=\"tw-ticket-organiser\" data-testid=\"ticket-organiser\">{}: {}</p>",
            texts.organiser,
            escape(&organiser_line(lang, organiser))
        )
    });
    format!(
        "<li class=\"tw-ticket\" data-testid=\"ticket-card\" data-item-id=\"{}\"><div class=\"tw-ticket-head\">{event}\
         <span class=\"tw-ticket-zone\">{}</span><span class=\"tw-ticket-place\">{}</span></div>{facts}\
         <figure class=\"tw-barcode\">{}<figcaption class=\"tw-barcode-text\" data-testid=\"barcode-text\">{}</figcaption>\
         </figure>{organiser}</li>",
        escape(&ticket.item_id),
        escape(&ticket.zone_name),
        escape(&place),
        code128b_svg(&ticket.barcode).unwrap_or_default(),
        escape(&ticket.barcode)
    )
}

/// `ООО «Премьера», ИНН 7701234567, ОГРН 1027700000001, г. Москва, …`; a
/// sole trader's OGRNIP instead, without an address.
fn organiser_line(lang: Lang, organiser: &Organiser) -> String {
    let texts = lang.texts();
    let mut parts = vec![organiser.name.clone()];
    if let Some(inn) = &organiser.inn {
        parts.push(format!("{} {inn}", texts.inn));
    }
    match (&organiser.ogrn, &organiser.ogrnip) {
        (Some(ogrn), _) => parts.push(format!("{} {ogrn}", texts.ogrn)),
        (None, Some(ogrnip)) => parts.push(format!("{} {ogrnip}", texts.ogrnip)),
        (None, None) => {}
    }
    if organiser.ogrnip.is_none() || organiser.ogrn.is_some() {
        parts.extend(organiser.address.clone());
    }
    parts.join(", ")
}

/// How a hold ended, above the map (`Expired`, `Ended`, `Failed`), with a
/// dismiss button. `None` for notices shown elsewhere.
pub fn ended_notice_markup(lang: Lang, notice: &HoldNotice) -> Option<String> {
    let texts = lang.texts();
    let (test_id, code, text) = match notice {
        HoldNotice::Expired => ("hold-expired", "hold_expired", texts.hold_expired),
        HoldNotice::Ended => ("hold-ended", "hold_not_active", texts.hold_ended),
        HoldNotice::Failed(code) => ("hold-error", code.as_str(), error_message(lang, code)),
        HoldNotice::PaymentNotCompleted => return None,
    };
    Some(format!(
        "<div class=\"tw-notice tw-notice-alert\" role=\"alert\" data-testid=\"{test_id}\" data-error-code=\"{}\">\
         <p>{text}</p><button type=\"button\" class=\"tw-notice-close\" aria-label=\"{}\" data-testid=\"notice-dismiss\" \
         data-action=\"dismiss\">×</button></div>",
        escape(code),
        texts.close
    ))
}

/// A failed hold request during checkout, by code.
pub fn checkout_error_markup(lang: Lang, notice: Option<&HoldNotice>) -> String {
    match notice {
        Some(HoldNotice::Failed(code)) => format!(
            "<p class=\"tw-notice tw-notice-alert\" role=\"alert\" data-testid=\"checkout-error\" data-error-code=\"{}\">{}</p>",
            escape(code),
            error_message(lang, code)
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{Buyer, HoldState, IssuedTicket};

    fn hold() -> Hold {
        Hold {
            id: "h_1".into(),
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            state: HoldState::Held,
            items: vec![
                HoldItem::Seat {
                    seat_id: "s1".into(),
                    zone_name: "Партер <VIP>".into(),
                    row: "3".into(),
                    place: "12".into(),
                    price: Money::rub_minor(250_000),
                },
                HoldItem::Admission {
                    admission_id: "ga".into(),
                    zone_name: "Танцпол".into(),
                    quantity: 2,
                    unit_price: Money::rub_minor(100_050),
                },
            ],
            total: Money::rub_minor(450_100),
            expires_at: "2027-03-14T16:10:00Z".into(),
            buyer: Some(Buyer {
                name: "Анна \"Аня\"".into(), email: "anna@example.ru".into(), phone: "+79161234567".into()
            }),
            tickets: vec![
                IssuedTicket {
                    item_id: "s1".into(),
                    zone_name: "Партер".into(),
                    row: Some("3".into()),
                    place: Some("12".into()),
                    barcode: "4600000000017".into(),
                    ..IssuedTicket::default()
                },
                IssuedTicket {
                    item_id: "ga".into(),
                    zone_name: "Танцпол".into(),
                    barcode: "QT-GA-0002".into(),
                    ..IssuedTicket::default()
                },
            ],
            tickets_pending: false,
            refund: None,
            promocode: None,
            details_withheld: false,
        }
    }

    fn count(markup: &str, needle: &str) -> usize {
        markup.matches(needle).count()
    }

    #[test]
    fn lists_the_held_places_with_the_proxys_total() {
        let markup = cart_markup(Lang::Ru, &hold(), CancelButton::Ready);
        assert_eq!(count(&markup, "data-testid=\"hold-item\""), 2);
        for expected in [
            "data-item-id=\"s1\"",
            "Партер &lt;VIP&gt;",
            "Ряд 3, место 12",
            "2 500 ₽",
            "1 000,50 ₽ × 2",
            "2 001 ₽",
            "3 билета",
            "data-testid=\"hold-total\">4 501 ₽<",
            "data-testid=\"cancel-hold\" data-action=\"cancel\">Отменить бронь<",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        assert!(!markup.contains("<VIP>"), "zone names are escaped");
        assert!(
            cart_markup(Lang::En, &hold(), CancelButton::Busy).contains("data-action=\"cancel\" disabled>Cancel reservation<")
        );
        let paying = cart_markup(Lang::En, &hold(), CancelButton::Hidden);
        assert!(!paying.contains("cancel"), "no cancel while a payment runs: {paying}");
        assert!(paying.contains("data-testid=\"hold-total\">4 501 ₽<"), "the cart itself stays");
    }

    #[test]
    fn a_free_place_reads_as_free_not_as_zero_roubles() {
        let mut free = hold();
        free.items = vec![HoldItem::Seat {
            seat_id: "7-1;3".into(),
            zone_name: "Supervip".into(),
            row: "1".into(),
            place: "3".into(),
            price: Money::rub_minor(0),
        }];
        free.total = Money::rub_minor(0);
        let russian = cart_markup(Lang::Ru, &free, CancelButton::Ready);
        assert!(russian.contains("<span class=\"tw-price\">бесплатно</span>"), "{russian}");
        assert!(russian.contains("data-testid=\"hold-total\">бесплатно<"), "{russian}");
        assert!(!russian.contains("0 ₽"), "{russian}");
        let english = cart_markup(Lang::En, &free, CancelButton::Ready);
        assert!(english.contains("data-testid=\"hold-total\">free<"), "{english}");
    }

    #[test]
    fn a_promo_code_shows_its_discounts_and_the_discounted_total() {
        let mut discounted = hold();
        discounted.total = Money::rub_minor(405_090);
        discounted.promocode = Some(ticket_contract::AppliedPromocode {
            code: "SALE<10>".into(),
            total_before_discount: Money::rub_minor(450_100),
            discount: Money::rub_minor(45_010),
            items: vec![
                ticket_contract::ItemDiscount { item_id: "s1".into(), discount: Money::rub_minor(25_000) },
                ticket_contract::ItemDiscount { item_id: "ga".into(), discount: Money::rub_minor(20_010) },
            ],
        });
        let markup = cart_markup(Lang::Ru, &discounted, CancelButton::Ready);
        assert_eq!(count(&markup, "data-testid=\"hold-item-discount\""), 2);
        for expected in [
            "data-testid=\"hold-item-discount\">−250 ₽<",
            "data-testid=\"hold-item-discount\">−200,10 ₽<",
            "Скидка по промокоду <span class=\"tw-discount-code\">SALE&lt;10&gt;</span>",
            "tw-discount-amount\">−450,10 ₽<",
            "data-testid=\"hold-total\">4 050,90 ₽<",
            "2 500 ₽",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        let plain = cart_markup(Lang::Ru, &hold(), CancelButton::Ready);
        assert!(!plain.contains("hold-discount") && !plain.contains("hold-item-discount"), "{plain}");
    }

    #[test]
    fn hides_the_cancel_button_while_a_payment_runs() {
        let cases: &[(bool, bool, CancelButton)] = &[
            (true, false, CancelButton::Ready),
            (true, true, CancelButton::Busy),
            (false, false, CancelButton::Hidden),
            (false, true, CancelButton::Hidden),
        ];
        for &(may_release, cancelling, expected) in cases {
            assert_eq!(CancelButton::new(may_release, cancelling), expected, "{may_release} {cancelling}");
        }
    }

    #[test]
    fn shows_the_buyer_and_the_amount_to_pay() {
        let markup = payment_markup(Lang::En, &hold(), false);
        for expected in [
            "data-testid=\"payment-step\"",
            "data-testid=\"buyer-edit\" data-action=\"edit\"",
            "<dd>Анна &quot;Аня&quot;</dd>",
            "<dd>anna@example.ru</dd>",
            "data-testid=\"pay-button\" data-action=\"pay\">Pay 4 501 ₽<",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        assert!(!markup.contains("payment-not-completed"));
        assert!(payment_markup(Lang::Ru, &hold(), true).contains("data-testid=\"payment-not-completed\">Оплата не прошла."));
    }

    #[test]
    fn says_what_the_wait_is_for() {
        let waiting = waiting_markup(Lang::Ru, false, false);
        assert!(waiting.contains("Ждём подтверждения оплаты"));
        assert!(waiting.contains("data-action=\"back-to-payment\""));
        assert!(!waiting.contains("data-action=\"cancel\""), "nothing on the waiting screen gives the places back");
        let late = waiting_markup(Lang::En, true, false);
        assert!(late.contains("Time is up"));
        for (lang, expected) in [(Lang::Ru, "билеты выпускаются"), (Lang::En, "your tickets are being issued")] {
            let issuing = waiting_markup(lang, true, true);
            assert!(issuing.contains("data-testid=\"tickets-issuing\"") && issuing.contains(expected), "{issuing}");
            assert!(!issuing.contains("data-action"), "paid: nothing to go back to");
        }
    }

    #[test]
    fn a_complete_ticket_card_carries_what_a_ticket_must_show() {
        let mut complete = hold();
        complete.tickets[0].serial = Some("SWL".into());
        complete.tickets[0].number = Some("510005".into());
        complete.tickets[0].price = Some(Money::rub_minor(520_000));
        complete.tickets[0].event = Some(ticket_contract::TicketEvent {
            title: "Лебединое <озеро>".into(),
            starts_at: "2027-04-15T19:00:00+03:00".into(),
            venue: ticket_contract::Venue {
                name: "Мариинский театр".into(),
                address: Some("Театральная площадь, 1".into()),
                city: "Санкт-Петербург".into(),
                timezone: "Europe/Moscow".into(),
            },
        });
        complete.tickets[0].organiser = Some(Organiser {
            name: "ООО «Премьера»".into(),
            inn: Some("7701234567".into()),
            ogrn: Some("1027700000001".into()),
            ogrnip: None,
            address: Some("г. Москва, ул. Примерная, д. 1".into()),
        });
        let markup = tickets_markup(Lang::Ru, &complete);
        for expected in [
            "data-testid=\"ticket-event\">Лебединое &lt;озеро&gt;<",
            "data-testid=\"ticket-when\">чт, 15 апреля 2027, 19:00<",
            "data-testid=\"ticket-venue\">Мариинский театр, Театральная площадь, 1<",
            "data-testid=\"ticket-serial\">SWL 510005<",
            "data-testid=\"ticket-price\">5 200 ₽<",
            "data-testid=\"ticket-organiser\">Организатор: ООО «Премьера», ИНН 7701234567, ОГРН 1027700000001, г. Москва, ул. Примерная, д. 1<",
            "data-testid=\"tickets-print\" data-action=\"print\">Распечатать билеты<",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        assert_eq!(count(&markup, "data-testid=\"ticket-serial\""), 1, "the second ticket has no series: none shown");
        let sole_trader = Organiser {
            name: "ИП Петров П. П.".into(),
            inn: Some("770100000001".into()),
            ogrn: None,
            ogrnip: Some("304770000000001".into()),
            address: Some("не печатается".into()),
        };
        assert_eq!(organiser_line(Lang::En, &sole_trader), "ИП Петров П. П., INN 770100000001, OGRNIP 304770000000001");
    }

    #[test]
    fn draws_one_card_and_one_barcode_per_ticket() {
        let markup = tickets_markup(Lang::Ru, &hold());
        assert_eq!(count(&markup, "data-testid=\"ticket-card\""), 2);
        assert_eq!(count(&markup, "data-testid=\"barcode\""), 2);
        for expected in [
            "data-value=\"4600000000017\"",
            "data-testid=\"barcode-text\">4600000000017<",
            "data-value=\"QT-GA-0002\"",
            "Ряд 3, место 12",
            "Входной билет",
            "data-testid=\"tickets-done\" data-action=\"done\">Купить ещё билеты<",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        let mut unencodable = hold();
        unencodable.tickets.truncate(1);
        unencodable.tickets[0].barcode = "Билет №1".into();
        let markup = tickets_markup(Lang::En, &unencodable);
        assert_eq!(count(&markup, "data-testid=\"barcode\""), 0, "no bars for what Code 128 B cannot carry");
        assert!(markup.contains("data-testid=\"barcode-text\">Билет №1<"), "but the text is still shown");
    }

    #[test]
    fn tells_how_a_hold_ended() {
        let cases: &[(HoldNotice, Option<&str>)] = &[
            (HoldNotice::Expired, Some("data-testid=\"hold-expired\" data-error-code=\"hold_expired\"><p>Время брони истекло")),
            (HoldNotice::Ended, Some("data-testid=\"hold-ended\"")),
            (
                HoldNotice::Failed("seat_unavailable".into()),
                Some("data-testid=\"hold-error\" data-error-code=\"seat_unavailable\"><p>Некоторые"),
            ),
            (HoldNotice::PaymentNotCompleted, None),
        ];
        for (notice, expected) in cases {
            let markup = ended_notice_markup(Lang::Ru, notice);
            match expected {
                Some(expected) => {
                    let markup = markup.unwrap();
                    assert!(markup.contains(expected), "{expected} in {markup}");
                    assert!(markup.contains("data-action=\"dismiss\""));
                }
                None => assert_eq!(markup, None),
            }
        }
        assert!(checkout_error_markup(Lang::En, Some(&HoldNotice::Failed("upstream_busy".into())))
            .contains("data-testid=\"checkout-error\" data-error-code=\"upstream_busy\">The ticketing system is busy"));
        // Why polls for a running payment keep failing, in the buyer's words.
        for (code, text) in [
            ("rate_limited", "Слишком много запросов"),
            ("partner_key_revoked", "Продажа билетов на этом сайте не настроена"),
            ("origin_not_allowed", "Продажа билетов на этом сайте не настроена"),
            ("network", "Нет связи с сервером"),
        ] {
            let markup = checkout_error_markup(Lang::Ru, Some(&HoldNotice::Failed(code.into())));
            assert!(markup.contains(&format!("data-error-code=\"{code}\">{text}")), "{markup}");
        }
        assert_eq!(checkout_error_markup(Lang::En, Some(&HoldNotice::Expired)), "");
        assert_eq!(checkout_error_markup(Lang::En, None), "");
    }

    #[test]
    fn fills_the_buyer_form_with_what_was_typed() {
        let draft = BuyerDraft { name: "Анна \"Аня\"".into(), email: "anna@".into(), phone: String::new() };
        let markup = buyer_form_markup(Lang::Ru, &draft);
        for expected in [
            "<label class=\"tw-field-label\" for=\"tw-buyer-name\">Имя и фамилия</label>",
            "type=\"text\" name=\"name\" autocomplete=\"name\"",
            "data-testid=\"buyer-name\" value=\"Анна &quot;Аня&quot;\"",
            "type=\"email\" name=\"email\"",
            "data-testid=\"buyer-email\" value=\"anna@\"",
            "type=\"tel\" name=\"phone\" autocomplete=\"tel\"",
            "data-testid=\"buyer-phone-error\" hidden></p>",
            "data-testid=\"buyer-submit\">Перейти к оплате</button>",
        ] {
            assert!(markup.contains(expected), "{expected} in {markup}");
        }
        for (name, field) in [("name", BuyerField::Name), ("email", BuyerField::Email), ("phone", BuyerField::Phone)] {
            assert_eq!(buyer_field_named(name), Some(field));
        }
        assert_eq!(buyer_field_named("card"), None);
    }

    #[test]
    fn reads_button_actions() {
        let cases: &[(&str, Option<CheckoutAction>)] = &[
            ("cancel", Some(CheckoutAction::Cancel)),
            ("edit", Some(CheckoutAction::EditDetails)),
            ("pay", Some(CheckoutAction::Pay)),
            ("back-to-payment", Some(CheckoutAction::BackToPayment)),
            ("done", Some(CheckoutAction::Done)),
            ("dismiss", Some(CheckoutAction::Dismiss)),
            ("submit", None),
        ];
        for &(action, expected) in cases {
            assert_eq!(CheckoutAction::parse(action), expected, "{action}");
        }
    }
}
