//! What a screen reader hears besides the focused element: the words of the
//! hall's polite live region (the widget's, and the seat-picking stage's
//! before it), decided here from plain data so they are tested natively.
//! The browser sides (the widget's `components/announcer.rs`, the stage)
//! only write the text into the region.
//!
//! Said: a seat picked or put back (with the order's new size and total),
//! the places held (and for how long), the tickets on screen. A pick someone
//! else took is not said here: its line in the order is its own live region.
//! Errors are said by their notices (`role="alert"`), the countdown's last
//! minute by the timer's own region.

use ticket_contract::Layout;

use crate::lang::Lang;
use crate::money::format_price;
use crate::selection::{LostPick, Selection};
pub use crate::words::{order_words, seat_count, seat_name, seat_words, seats_changed_words};

/// What to say when the buyer's picks went from `before` to `after`, if
/// anything the buyer did changed (seats picked or put back, quantities).
pub fn selection_change(lang: Lang, layout: &Layout, before: &Selection, after: &Selection) -> Option<String> {
    let added: Vec<usize> = after.seats().iter().copied().filter(|seat| !before.is_seat_selected(*seat)).collect();
    // Seats someone else took are said by the order's lost lines.
    let removed: Vec<usize> = before
        .seats()
        .iter()
        .copied()
        .filter(|seat| !after.is_seat_selected(*seat) && !after.lost().contains(&LostPick::Seat(*seat)))
        .collect();
    let admissions_changed = before.admissions().ne(after.admissions());
    let lost_now = after.lost().iter().any(|lost| !before.lost().contains(lost));
    if added.is_empty() && removed.is_empty() && (!admissions_changed || lost_now) {
        return None;
    }
    let mut words = Vec::new();
    for (seats, picked) in [(&added, true), (&removed, false)] {
        match seats.as_slice() {
            [] => {}
            [seat] => words.push(seats_changed_words(lang, picked, &seat_words(lang, layout, *seat))),
            several => words.push(seats_changed_words(lang, picked, &seat_count(lang, several.len() as u64))),
        }
    }
    words.push(order_words(lang, after.ticket_count(), &format_price(lang, after.total(layout))));
    Some(words.join(" "))
}

/// Text for a live region that must be heard even when it equals the last
/// one: a region only speaks when its text changes, so a repeat gets a
/// trailing no-break space (the next repeat, without it, differs again).
pub fn fresh_text(previous: &str, next: &str) -> String {
    if previous == next {
        format!("{next}\u{a0}")
    } else {
        next.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Layout, Money, Zone};

    fn hall() -> Layout {
        let seat = |id: &str, row: &str, place: &str, price: i64| fixtures::seat(id, 0, row, place, (0.0, 0.0), price);
        let zone = Zone { price_max: Money::rub_minor(350_000), ..fixtures::zone("1", "Партер", 150_000) };
        let seats = vec![seat("a", "5", "12", 350_000), seat("b", "5", "13", 350_000), seat("c", "6", "1", 150_000)];
        Layout { admissions: vec![fixtures::admission("ga", 0, 100_000)], ..fixtures::layout(vec![zone], seats) }
    }

    fn picked(seats: &[usize], admission: u32) -> Selection {
        let mut selection = Selection::default();
        for &seat in seats {
            selection.toggle_seat(seat, true);
        }
        selection.set_admission_quantity(0, admission, 10);
        selection
    }

    #[test]
    fn says_what_the_buyer_picked_or_put_back_and_the_new_total() {
        let hall = hall();
        let cases: &[(Lang, Selection, Selection, Option<&str>)] = &[
            (Lang::Ru, picked(&[], 0), picked(&[0], 0), Some("Выбрано: Партер, ряд 5, место 12. В заказе 1 билет на 3 500 ₽.")),
            (
                Lang::En,
                picked(&[0], 0),
                picked(&[0, 2], 0),
                Some("Selected: Партер, row 6, seat 1. Your order: 2 tickets, 5 000 ₽."),
            ),
            (
                Lang::Ru,
                picked(&[0, 2], 0),
                picked(&[2], 0),
                Some("Убрано: Партер, ряд 5, место 12. В заказе 1 билет на 1 500 ₽."),
            ),
            (Lang::En, picked(&[0], 0), picked(&[], 0), Some("Removed: Партер, row 5, seat 12. Your order is empty.")),
            (Lang::Ru, picked(&[], 0), picked(&[0, 1, 2], 0), Some("Выбрано: 3 места. В заказе 3 билета на 8 500 ₽.")),
            (Lang::En, picked(&[2], 0), picked(&[2], 2), Some("Your order: 3 tickets, 3 500 ₽.")),
            // Nothing the buyer did: silence.
            (Lang::Ru, picked(&[0], 1), picked(&[0], 1), None),
        ];
        for (lang, before, after, expected) in cases {
            let said = selection_change(*lang, &hall, before, after).map(|text| text.replace('\u{a0}', " "));
            assert_eq!(said.as_deref(), *expected, "{lang:?} {before:?} → {after:?}");
        }
    }

    #[test]
    fn leaves_picks_someone_else_took_to_their_own_lines() {
        let hall = hall();
        let before = picked(&[0, 2], 0);
        let mut after = before.clone();
        after.take_conflicts(&[false, true, true], &[]);
        assert_eq!(selection_change(Lang::Ru, &hall, &before, &after), None);
        // A quantity cut by the live feed too.
        let before = picked(&[], 4);
        let mut after = before.clone();
        after.take_conflicts(&[true, true, true], &[2]);
        assert_eq!(selection_change(Lang::En, &hall, &before, &after), None);
    }

    #[test]
    fn a_repeated_announcement_still_changes_the_region() {
        let cases: &[(&str, &str, &str)] = &[
            ("", "Выбрано", "Выбрано"),
            ("Выбрано", "Выбрано", "Выбрано\u{a0}"),
            ("Выбрано\u{a0}", "Выбрано", "Выбрано"),
            ("a", "b", "b"),
        ];
        for &(previous, next, expected) in cases {
            assert_eq!(fresh_text(previous, next), expected, "{previous:?} {next:?}");
        }
    }
}
