//! The order so far: picked seats (each removable), admission quantities, the
//! ticket count, a running total and the reserve button — with what happened
//! to the last attempt to reserve (seats taken by someone else, or an error).
//!
//! Picks someone else took while the buyer was choosing (the live feed) are
//! listed apart, each as a sentence naming zone, row and place in a polite
//! live region, with a warning sign and a × to dismiss it. Reserving waits
//! until the buyer has dismissed them (see `Selection::may_reserve`).

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::{Layout, Money};

use super::reservation::{reserve, Reservation, ReserveOutcome};
use super::use_widget;
use crate::hall::zone_class;
use crate::i18n::{
    error_message, lost_admission_message, lost_seat_message, seat_label, seats_taken_message, ticket_count, WidgetTexts,
};
use crate::money::format_price;
use crate::selection::{LostPick, Selection};

#[component]
pub fn SelectionSummary(layout: Arc<Layout>, selection: RwSignal<Selection>) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let empty_text = if layout.seats.is_empty() { texts.order_empty_admissions } else { texts.order_empty_seats };
    let zone_name = {
        let layout = layout.clone();
        move |zone: u16| layout.zones.get(zone as usize).map(|zone| zone.name.clone()).unwrap_or_default()
    };

    let lines = {
        let layout = layout.clone();
        let zone_name = zone_name.clone();
        move || {
            selection.with(|picked| {
                let seats = picked.seats().iter().filter_map(|&seat_index| {
                    let seat = layout.seats.get(seat_index)?;
                    let remove = move |_| {
                        selection.update(|picked| {
                            picked.toggle_seat(seat_index, false);
                        })
                    };
                    Some(view! {
                        <li class="tw-line" data-testid="selection-seat" data-seat-id=seat.id.clone()>
                            <span class=format!("tw-swatch {}", zone_class(seat.zone as usize)) aria-hidden="true"></span>
                            <span class="tw-line-text">
                                <span class="tw-line-title">{zone_name(seat.zone)}</span>
                                <span class="tw-line-detail">{seat_label(lang, &seat.row, &seat.place)}</span>
                            </span>
                            <span class="tw-price">{format_price(lang, seat.price)}</span>
                            <button type="button" class="tw-line-remove" aria-label=texts.remove title=texts.remove on:click=remove>
                                "×"
                            </button>
                        </li>
                    }
                    .into_any())
                });
                let admissions = picked.admissions().filter_map(|(admission_index, quantity)| {
                    let admission = layout.admissions.get(admission_index)?;
                    let subtotal = Money { minor: admission.price.minor * quantity as i64, ..admission.price };
                    Some(view! {
                        <li class="tw-line" data-testid="selection-admission" data-admission-id=admission.id.clone()>
                            <span class=format!("tw-swatch {}", zone_class(admission.zone as usize)) aria-hidden="true"></span>
                            <span class="tw-line-text">
                                <span class="tw-line-title">{zone_name(admission.zone)}</span>
                                <span class="tw-line-detail">{format!("{} × {quantity}", format_price(lang, admission.price))}</span>
                            </span>
                            <span class="tw-price">{format_price(lang, subtotal)}</span>
                        </li>
                    }
                    .into_any())
                });
                seats.chain(admissions).collect_view()
            })
        }
    };
    let lost_lines = {
        let layout = layout.clone();
        move || {
            selection.with(|picked| {
                picked
                    .lost()
                    .iter()
                    .filter_map(|&lost| {
                        let (text, seat_id, admission_id) = match lost {
                            LostPick::Seat(index) => {
                                let seat = layout.seats.get(index)?;
                                (lost_seat_message(lang, &zone_name(seat.zone), &seat.row, &seat.place), Some(seat.id.clone()), None)
                            }
                            LostPick::Admission { index, wanted, left } => {
                                let admission = layout.admissions.get(index)?;
                                (lost_admission_message(lang, &zone_name(admission.zone), wanted, left), None, Some(admission.id.clone()))
                            }
                        };
                        let dismiss = move |_| selection.update(|picked| picked.dismiss_lost(lost));
                        Some(view! {
                            <li class="tw-lost-line" data-testid="selection-lost" data-seat-id=seat_id data-admission-id=admission_id>
                                <span class="tw-lost-sign" aria-hidden="true">"!"</span>
                                <span class="tw-lost-text">{text}</span>
                                <button type="button" class="tw-line-remove" aria-label=texts.remove title=texts.remove on:click=dismiss>
                                    "×"
                                </button>
                            </li>
                        })
                    })
                    .collect_view()
            })
        }
    };
    let has_lost = move || selection.try_with(|picked| !picked.lost().is_empty()).unwrap_or(false);
    let may_reserve = move || selection.try_with(Selection::may_reserve).unwrap_or(false);
    let total_layout = layout.clone();
    let total = move || selection.with(|picked| format_price(lang, picked.total(&total_layout)));
    let count = move || selection.try_with(|picked| picked.ticket_count()).unwrap_or(0);
    let is_empty = move || count() == 0;
    let reservation = expect_context::<Reservation>();
    let reserve_layout = layout.clone();
    let reserve = move |_| reserve(reserve_layout.clone(), selection);
    // One element either way: the test id and text say what happened.
    let outcome = move || {
        let (test_id, text) = match reservation.outcome.try_get().flatten()? {
            ReserveOutcome::SeatsTaken(taken) => {
                ("seats-taken-message", seats_taken_message(lang, taken.seats, taken.admissions))
            }
            ReserveOutcome::Failed(code) => ("reserve-error", error_message(lang, &code).to_owned()),
        };
        Some(view! { <p class="tw-notice tw-notice-alert" role="alert" data-testid=test_id>{text}</p> })
    };

    view! {
        <section class="tw-summary" part="summary" data-testid="selection-summary">
            <h3 class="tw-subheading">{texts.order_title}</h3>
            <Show when=move || !is_empty() || has_lost() fallback=move || view! { <p class="tw-summary-empty">{empty_text}</p> }>
                <ul class="tw-lines">{lines.clone()}</ul>
            </Show>
            <div role="status" aria-live="polite">
                <ul class="tw-lost-lines" data-testid="selection-lost-list">{lost_lines}</ul>
            </div>
            <div class="tw-total">
                <span class="tw-total-label">
                    {texts.total}
                    <span class="tw-total-count">{move || ticket_count(lang, count())}</span>
                </span>
                <span class="tw-total-amount" data-testid="selection-total">{total}</span>
            </div>
            {outcome}
            <button
                type="button"
                class="tw-button tw-button-primary tw-reserve"
                data-testid="reserve-button"
                disabled=move || !may_reserve() || reservation.reserving.try_get().unwrap_or(true)
                on:click=reserve
            >
                {move || if reservation.reserving.try_get().unwrap_or(false) { texts.reserving } else { texts.reserve }}
            </button>
            <p class="tw-hint" data-testid="reserve-hint">{move || if has_lost() { texts.lost_hint } else { texts.reserve_hint }}</p>
        </section>
    }
}
