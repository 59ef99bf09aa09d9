//! What the stage draws besides the circles' states, as markup strings
//! written with one `innerHTML` each: the order summary, the seat tooltip
//! and the "whole hall" button over a zoomed plan. The summary is, element for element, what the widget's Leptos
//! `SelectionSummary` renders for the same picks (`components/
//! selection_summary.rs`: classes, test ids, words, prices, total, ticket
//! count, reserve button, hint; a browser test compares the two), so the
//! swap to the widget changes nothing the buyer sees; the tooltip is the
//! widget's `SeatTooltip`, the button its `SeatMap`'s. Words and numbers come from `ticket-hall`, as
//! the widget's do. Every text from the layout is escaped.

use ticket_contract::Layout;
use ticket_contract::Money;
use ticket_hall::money::format_price;
use ticket_hall::selection::{LostPick, Selection};
use ticket_hall::tooltip::TooltipAnchor;
use ticket_hall::words::{lost_admission_message, lost_seat_message, quantity_left, seat_label, ticket_count, zone_name};
use ticket_hall::Lang;
use ticket_paint::{escape_attribute, fixed, zone_class};

/// The order summary for `selection` (seats only: the stage picks no
/// admission quantities): one line per picked seat in pick order, each with
/// its × (the stage finds the seat by the line's `data-seat-id`, as the
/// widget's markup has nothing else), a line per pick someone else took
/// meanwhile (the live feed; its × dismisses it), the ticket count, the
/// total, the reserve button — disabled while nothing may be reserved or
/// while `reserving`, when it says so — and the hint.
pub fn summary_markup(lang: Lang, layout: &Layout, selection: &Selection, reserving: bool) -> String {
    let words = lang.words();
    let mut markup = format!(
        "<section class=\"tw-summary\" part=\"summary\" data-testid=\"selection-summary\"><h3 class=\"tw-subheading\">{}</h3>",
        words.order_title
    );
    let has_lost = !selection.lost().is_empty();
    if selection.is_empty() && !has_lost {
        let empty = if layout.seats.is_empty() { words.order_empty_admissions } else { words.order_empty_seats };
        markup.push_str(&format!("<p class=\"tw-summary-empty\">{empty}</p>"));
    } else {
        markup.push_str("<ul class=\"tw-lines\">");
        for &seat_index in selection.seats() {
            let Some(seat) = layout.seats.get(seat_index) else { continue };
            markup.push_str(&format!(
                "<li class=\"tw-line\" data-testid=\"selection-seat\" data-seat-id=\"{}\">\
                 <span class=\"tw-swatch {}\" aria-hidden=\"true\"></span>\
                 <span class=\"tw-line-text\"><span class=\"tw-line-title\">{}</span><span class=\"tw-line-detail\">{}</span></span>\
                 <span class=\"tw-price\">{}</span>\
                 <button class=\"tw-line-remove\" type=\"button\" aria-label=\"{remove}\" title=\"{remove}\">×</button></li>",
                escape_attribute(&seat.id),
                zone_class(seat.zone as usize),
                escape_attribute(zone_name(layout, seat.zone)),
                escape_attribute(&seat_label(lang, &seat.row, &seat.place)),
                format_price(lang, seat.price),
                remove = words.remove,
            ));
        }
        for (admission_index, quantity) in selection.admissions() {
            let Some(admission) = layout.admissions.get(admission_index) else { continue };
            let subtotal = Money { minor: admission.price.minor * i64::from(quantity), ..admission.price };
            markup.push_str(&format!(
                "<li class=\"tw-line\" data-testid=\"selection-admission\" data-admission-id=\"{}\">\
                 <span class=\"tw-swatch {}\" aria-hidden=\"true\"></span>\
                 <span class=\"tw-line-text\"><span class=\"tw-line-title\">{}</span><span class=\"tw-line-detail\">{} × {quantity}</span></span>\
                 <span class=\"tw-price\">{}</span></li>",
                escape_attribute(&admission.id),
                zone_class(admission.zone as usize),
                escape_attribute(zone_name(layout, admission.zone)),
                format_price(lang, admission.price),
                format_price(lang, subtotal),
            ));
        }
        markup.push_str("</ul>");
    }
    markup.push_str("<div role=\"status\" aria-live=\"polite\"><ul class=\"tw-lost-lines\" data-testid=\"selection-lost-list\">");
    for &lost in selection.lost() {
        let (id_attribute, id, text) = match lost {
            LostPick::Seat(seat_index) => {
                let Some(seat) = layout.seats.get(seat_index) else { continue };
                ("data-seat-id", &seat.id, lost_seat_message(lang, zone_name(layout, seat.zone), &seat.row, &seat.place))
            }
            LostPick::Admission { index, wanted, left } => {
                let Some(admission) = layout.admissions.get(index) else { continue };
                (
                    "data-admission-id",
                    &admission.id,
                    lost_admission_message(lang, zone_name(layout, admission.zone), wanted, left),
                )
            }
        };
        markup.push_str(&format!(
            "<li class=\"tw-lost-line\" data-testid=\"selection-lost\" {id_attribute}=\"{}\">\
             <span class=\"tw-lost-sign\" aria-hidden=\"true\">!</span><span class=\"tw-lost-text\">{}</span>\
             <button class=\"tw-line-remove\" type=\"button\" aria-label=\"{remove}\" title=\"{remove}\">×</button></li>",
            escape_attribute(id),
            escape_attribute(&text),
            remove = words.remove,
        ));
    }
    markup.push_str(&format!(
        "</ul></div>\
         <div class=\"tw-total\"><span class=\"tw-total-label\">{}<span class=\"tw-total-count\">{}</span></span>\
         <span class=\"tw-total-amount\" data-testid=\"selection-total\">{}</span></div>\
         <button class=\"tw-button tw-button-primary tw-reserve\" type=\"button\" data-testid=\"reserve-button\"{}>{}</button>\
         <p class=\"tw-hint\" data-testid=\"reserve-hint\">{}</p></section>",
        words.total,
        ticket_count(lang, selection.ticket_count()),
        format_price(lang, selection.total(layout)),
        if selection.may_reserve() && !reserving { "" } else { " disabled=\"\"" },
        if reserving { words.reserving } else { words.reserve },
        if has_lost { words.lost_hint } else { words.reserve_hint },
    ));
    markup
}

/// The bubble over a seat: zone, row and place, and its price — or that it
/// cannot be bought; placed as the widget places it (`ticket-hall`).
pub fn tooltip_markup(lang: Lang, layout: &Layout, anchor: TooltipAnchor, available: bool) -> String {
    let Some(seat) = layout.seats.get(anchor.seat_index) else { return String::new() };
    let placement = anchor.placement();
    let price_or_state = if available {
        format!("<span class=\"tw-tooltip-price\">{}</span>", format_price(lang, seat.price))
    } else {
        format!("<span class=\"tw-tooltip-taken\">{}</span>", lang.words().seat_not_available)
    };
    format!(
        "<div class=\"tw-tooltip{}\" style=\"left:{}px;top:{}px\" data-testid=\"seat-tooltip\" role=\"tooltip\">\
         <span class=\"tw-tooltip-zone\"><span class=\"tw-swatch {}\" aria-hidden=\"true\"></span>{}</span>\
         <span class=\"tw-tooltip-seat\">{}</span>{price_or_state}</div>",
        if placement.below { " tw-tooltip-below" } else { "" },
        fixed(placement.left, 0),
        fixed(placement.top, 0),
        zone_class(seat.zone as usize),
        escape_attribute(zone_name(layout, seat.zone)),
        escape_attribute(&seat_label(lang, &seat.row, &seat.place)),
    )
}

/// The general-admission entries under the plan, as the widget's hall
/// draws them (`AdmissionStepper` in its section): each with its price,
/// what is left (`left`, in layout order; "sold out" at 0) and a − / +
/// stepper bounded by it, marked `data-lost` while the buyer has not read
/// that places they had picked were taken. Empty without admissions.
pub fn admissions_markup(lang: Lang, layout: &Layout, selection: &Selection, left: &[u32]) -> String {
    if layout.admissions.is_empty() {
        return String::new();
    }
    let words = lang.words();
    let mut markup = format!(
        "<section class=\"tw-admissions\" part=\"admissions\"><h3 class=\"tw-subheading\">{}</h3><ul class=\"tw-admission-list\">",
        words.admissions_title
    );
    for (index, admission) in layout.admissions.iter().enumerate() {
        let stepper = StepperState::of(lang, selection, left.get(index).copied().unwrap_or(0), index);
        let zone = escape_attribute(zone_name(layout, admission.zone));
        let disabled = |off: bool| if off { " disabled=\"\"" } else { "" };
        markup.push_str(&format!(
            "<li class=\"tw-admission{}\" data-testid=\"admission-stepper\" data-admission-id=\"{}\"{}>\
             <span class=\"tw-swatch {}\" aria-hidden=\"true\"></span>\
             <span class=\"tw-admission-info\"><span class=\"tw-admission-name\">{zone}</span><span class=\"tw-admission-meta\">\
             <span class=\"tw-price\">{}</span> · <span class=\"tw-admission-left\" data-testid=\"admission-left\">{}</span></span></span>\
             <span class=\"tw-stepper\" role=\"group\" aria-label=\"{zone}\">\
             <button class=\"tw-stepper-button\" type=\"button\" data-testid=\"admission-minus\" aria-label=\"{}\"{}>−</button>\
             <output class=\"tw-stepper-value\" data-testid=\"admission-quantity\" aria-live=\"polite\">{}</output>\
             <button class=\"tw-stepper-button\" type=\"button\" data-testid=\"admission-plus\" aria-label=\"{}\"{}>+</button></span></li>",
            if stepper.sold_out { " tw-sold-out" } else { "" },
            escape_attribute(&admission.id),
            if stepper.lost { " data-lost=\"true\"" } else { "" },
            zone_class(admission.zone as usize),
            format_price(lang, admission.price),
            stepper.left_text,
            words.remove_ticket,
            disabled(stepper.minus_off),
            stepper.quantity,
            words.add_ticket,
            disabled(stepper.plus_off),
        ));
    }
    markup.push_str("</ul></section>");
    markup
}

/// What a general-admission stepper shows, the parts that change: drawn
/// into [`admissions_markup`], and set on the drawn stepper as picks and
/// what is left change (the stage's redraw keeps a focused button).
pub struct StepperState {
    pub quantity: u32,
    /// "осталось N", or "распродано" at 0.
    pub left_text: String,
    pub sold_out: bool,
    /// Places the buyer had picked were taken (until they have read it).
    pub lost: bool,
    pub minus_off: bool,
    pub plus_off: bool,
}

impl StepperState {
    /// Admission `index` with `left` places left and the buyer's picks.
    pub fn of(lang: Lang, selection: &Selection, left: u32, index: usize) -> StepperState {
        let quantity = selection.admission_quantity(index);
        StepperState {
            quantity,
            left_text: if left == 0 { lang.words().sold_out.to_owned() } else { quantity_left(lang, left) },
            sold_out: left == 0,
            lost: selection.lost().iter().any(|lost| lost.is_same_pick(&LostPick::Admission { index, wanted: 0, left: 0 })),
            minus_off: quantity == 0,
            plus_off: quantity >= left,
        }
    }
}

/// The way back out of a zoomed plan, over it: the widget's `SeatMap`
/// button as it is while zoomed (it hides it at the whole hall; the stage
/// takes it off).
pub fn whole_hall_markup(lang: Lang) -> String {
    format!(
        "<button type=\"button\" class=\"tw-whole-hall\" data-testid=\"whole-hall\">{}</button>",
        escape_attribute(lang.words().zoom_reset)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::fixtures;

    fn layout() -> Layout {
        fixtures::layout(
            vec![fixtures::zone("p", "Партер <1> & \"A\"", 150_000), fixtures::zone("b", "Balcony", 0)],
            vec![
                fixtures::seat("a\"1", 0, "3", "7", (0.0, 0.0), 150_000),
                fixtures::seat("b2", 1, "1", "2", (10.0, 0.0), 0),
                fixtures::seat("c3", 0, "3<", "8'", (20.0, 0.0), 150_050),
            ],
        )
    }

    fn picked(seats: &[usize]) -> Selection {
        let mut selection = Selection::default();
        for &seat in seats {
            selection.toggle_seat(seat, true);
        }
        selection
    }

    #[test]
    fn an_empty_order_says_what_to_do_and_cannot_be_reserved() {
        assert_eq!(
            summary_markup(Lang::En, &layout(), &Selection::default(), false),
            "<section class=\"tw-summary\" part=\"summary\" data-testid=\"selection-summary\">\
             <h3 class=\"tw-subheading\">Your order</h3><p class=\"tw-summary-empty\">Pick your seats on the plan.</p>\
             <div role=\"status\" aria-live=\"polite\"><ul class=\"tw-lost-lines\" data-testid=\"selection-lost-list\"></ul></div>\
             <div class=\"tw-total\"><span class=\"tw-total-label\">Total<span class=\"tw-total-count\">0 tickets</span></span>\
             <span class=\"tw-total-amount\" data-testid=\"selection-total\">free</span></div>\
             <button class=\"tw-button tw-button-primary tw-reserve\" type=\"button\" data-testid=\"reserve-button\" disabled=\"\">Reserve</button>\
             <p class=\"tw-hint\" data-testid=\"reserve-hint\">Reserving keeps the seats for you while you check out.</p></section>"
        );
    }

    #[test]
    fn the_order_lists_picks_in_pick_order_with_prices_and_total() {
        let markup = summary_markup(Lang::Ru, &layout(), &picked(&[2, 0, 1]), false);
        let lines: Vec<&str> = markup.split("<li ").skip(1).collect();
        assert_eq!(lines.len(), 3, "{markup}");
        assert_eq!(
            lines[0],
            "class=\"tw-line\" data-testid=\"selection-seat\" data-seat-id=\"c3\">\
             <span class=\"tw-swatch z0\" aria-hidden=\"true\"></span>\
             <span class=\"tw-line-text\"><span class=\"tw-line-title\">Партер &lt;1&gt; &amp; &quot;A&quot;</span>\
             <span class=\"tw-line-detail\">Ряд 3&lt;, место 8&#39;</span></span>\
             <span class=\"tw-price\">1 500,50 ₽</span>\
             <button class=\"tw-line-remove\" type=\"button\" aria-label=\"Убрать\" title=\"Убрать\">×</button></li>"
        );
        assert!(lines[1].contains("data-seat-id=\"a&quot;1\""), "ids are escaped: {}", lines[1]);
        assert!(lines[2].contains("<span class=\"tw-swatch z1\""), "{}", lines[2]);
        assert!(lines[2].contains("<span class=\"tw-price\">бесплатно</span>"), "{}", lines[2]);
        assert!(markup.contains("<span class=\"tw-total-count\">3 билета</span>"), "{markup}");
        assert!(markup.contains("data-testid=\"selection-total\">3 000,50 ₽</span>"), "{markup}");
        assert!(markup.contains("data-testid=\"reserve-button\">Забронировать</button>"), "{markup}");
        assert!(markup.ends_with(
            "<p class=\"tw-hint\" data-testid=\"reserve-hint\">После бронирования места закрепятся за вами на время оформления.</p></section>"
        ));
    }

    #[test]
    fn a_pick_taken_meanwhile_is_its_own_line_and_holds_the_reserve_back() {
        let mut selection = picked(&[0, 2]);
        selection.take_conflicts(&[true, true, false], &[]);
        let markup = summary_markup(Lang::En, &layout(), &selection, false);
        assert!(
            markup.contains(
                "<ul class=\"tw-lost-lines\" data-testid=\"selection-lost-list\">\
             <li class=\"tw-lost-line\" data-testid=\"selection-lost\" data-seat-id=\"c3\">\
             <span class=\"tw-lost-sign\" aria-hidden=\"true\">!</span><span class=\"tw-lost-text\">\
             Партер &lt;1&gt; &amp; &quot;A&quot;, row 3&lt;, seat 8&#39;: someone else has just taken this seat.</span>\
             <button class=\"tw-line-remove\" type=\"button\" aria-label=\"Remove\" title=\"Remove\">×</button></li></ul>"
            ),
            "{markup}"
        );
        assert_eq!(markup.matches("data-testid=\"selection-seat\"").count(), 1, "the other pick stays: {markup}");
        assert!(markup.contains("data-testid=\"reserve-button\" disabled=\"\">Reserve</button>"), "{markup}");
        assert!(markup.contains("Remove the marked lines (×) to reserve the rest."), "{markup}");

        // Only the lost line left: the (empty) list of picks is there, as in the widget.
        let mut only_lost = picked(&[2]);
        only_lost.take_conflicts(&[true, true, false], &[]);
        let markup = summary_markup(Lang::En, &layout(), &only_lost, false);
        assert!(markup.contains("<ul class=\"tw-lines\"></ul>"), "{markup}");
        assert!(!markup.contains("tw-summary-empty"), "{markup}");
    }

    #[test]
    fn admission_steppers_and_their_lines_in_the_order() {
        let hall = Layout {
            admissions: vec![fixtures::admission("ga&1", 1, 200_000), fixtures::admission("gone", 0, 50_000)],
            ..layout()
        };
        let mut selection = Selection::default();
        selection.set_admission_quantity(0, 3, 3);
        let markup = admissions_markup(Lang::Ru, &hall, &selection, &[3, 0]);
        let entries: Vec<&str> = markup.split("<li ").skip(1).collect();
        assert_eq!(entries.len(), 2, "{markup}");
        assert!(
            entries[0].starts_with("class=\"tw-admission\" data-testid=\"admission-stepper\" data-admission-id=\"ga&amp;1\">"),
            "{}",
            entries[0]
        );
        assert!(entries[0].contains("data-testid=\"admission-left\">осталось 3</span>"), "{}", entries[0]);
        assert!(entries[0].contains("data-testid=\"admission-minus\" aria-label=\"Убрать билет\">−</button>"), "{}", entries[0]);
        assert!(entries[0].contains("aria-live=\"polite\">3</output>"), "{}", entries[0]);
        assert!(
            entries[0].contains("data-testid=\"admission-plus\" aria-label=\"Добавить билет\" disabled=\"\">+</button>"),
            "all 3 taken"
        );
        assert!(entries[1].starts_with("class=\"tw-admission tw-sold-out\""), "{}", entries[1]);
        assert!(entries[1].contains(">распродано</span>"), "{}", entries[1]);

        let summary = summary_markup(Lang::Ru, &hall, &selection, false);
        assert!(summary.contains(
            "<li class=\"tw-line\" data-testid=\"selection-admission\" data-admission-id=\"ga&amp;1\"><span class=\"tw-swatch z1\""
        ), "{summary}");
        let spaced = summary.replace(['\u{a0}', '\u{202f}'], " ");
        assert!(
            spaced.contains("<span class=\"tw-line-detail\">2 000 ₽ × 3</span></span><span class=\"tw-price\">6 000 ₽</span>"),
            "{spaced}"
        );

        // Someone else took two of the three: the stepper is marked, the order says so.
        selection.take_conflicts(&[true, true, true], &[1, 0]);
        let marked = admissions_markup(Lang::En, &hall, &selection, &[1, 0]);
        assert!(marked.contains("data-admission-id=\"ga&amp;1\" data-lost=\"true\">"), "{marked}");
        let summary = summary_markup(Lang::En, &hall, &selection, false);
        assert!(
            summary.contains("<li class=\"tw-lost-line\" data-testid=\"selection-lost\" data-admission-id=\"ga&amp;1\">"),
            "{summary}"
        );
        assert!(summary.contains("so your order now has 1 ticket instead of 3."), "{summary}");
        assert_eq!(admissions_markup(Lang::En, &layout(), &selection, &[]), "", "no admissions, no section");
    }

    #[test]
    fn while_reserving_the_button_says_so_and_is_disabled() {
        let cases: &[(Lang, &str)] = &[
            (Lang::Ru, "data-testid=\"reserve-button\" disabled=\"\">Бронируем…</button>"),
            (Lang::En, "data-testid=\"reserve-button\" disabled=\"\">Reserving…</button>"),
        ];
        for &(lang, button) in cases {
            let markup = summary_markup(lang, &layout(), &picked(&[0]), true);
            assert!(markup.contains(button), "{markup}");
        }
    }

    #[test]
    fn the_tooltip_names_the_seat_and_its_price_or_that_it_is_taken() {
        let anchor = TooltipAnchor { seat_index: 0, x: 20.0, top: 200.0, bottom: 210.0, box_width: 600.0 };
        assert_eq!(
            tooltip_markup(Lang::Ru, &layout(), anchor, true),
            "<div class=\"tw-tooltip\" style=\"left:95px;top:200px\" data-testid=\"seat-tooltip\" role=\"tooltip\">\
             <span class=\"tw-tooltip-zone\"><span class=\"tw-swatch z0\" aria-hidden=\"true\"></span>Партер &lt;1&gt; &amp; &quot;A&quot;</span>\
             <span class=\"tw-tooltip-seat\">Ряд 3, место 7</span><span class=\"tw-tooltip-price\">1 500 ₽</span></div>"
        );
        let near_top = TooltipAnchor { seat_index: 1, top: 30.0, bottom: 40.0, x: 300.0, ..anchor };
        let taken = tooltip_markup(Lang::En, &layout(), near_top, false);
        assert!(taken.starts_with("<div class=\"tw-tooltip tw-tooltip-below\" style=\"left:300px;top:40px\""), "{taken}");
        assert!(taken.ends_with("<span class=\"tw-tooltip-taken\">Not available</span></div>"), "{taken}");
        assert_eq!(tooltip_markup(Lang::En, &layout(), TooltipAnchor { seat_index: 9, ..anchor }, true), "");
    }

    #[test]
    fn the_whole_hall_button_says_so_in_the_buyers_language() {
        assert_eq!(
            whole_hall_markup(Lang::Ru),
            "<button type=\"button\" class=\"tw-whole-hall\" data-testid=\"whole-hall\">Показать весь зал</button>"
        );
        assert!(whole_hall_markup(Lang::En).ends_with(">Show the whole hall</button>"));
    }
}
