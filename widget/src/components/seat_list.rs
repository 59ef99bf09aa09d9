//! The plan as a list, for buyers who cannot use the map: zone → row → free
//! places, each place a button that picks it (or puts it back), in the
//! map's reading order (`seat_navigation`). Opened by the "Seat list" toggle
//! under the map; every zone is a disclosure button, so the list is a few
//! tab stops until the buyer opens the zone they want.
//!
//! The places follow the live hall without being drawn again: an open zone
//! has a button for each of its places, a taken one (or a row with none
//! free) hidden, and a pick changes only its button's `aria-pressed` — so
//! focus stays where it is while others buy. The announcement of a pick is
//! the hall's (`HallView`), as for the map.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::announcements::seat_words;
use crate::hall::{zone_class, HallAvailability};
use crate::i18n::{row_words, zone_free_words, zone_sold_out_words};
use crate::money::format_price;
use crate::seat_navigation::{SeatNavigation, SeatRow};
use crate::selection::Selection;

#[component]
pub fn SeatList(
    layout: Arc<Layout>,
    availability: Memo<Arc<HallAvailability>>,
    selection: RwSignal<Selection>,
    navigation: Arc<SeatNavigation>,
    /// The list's element id (the toggle's `aria-controls`).
    list_id: String,
) -> impl IntoView {
    let lang = use_widget().lang;
    // Zones in reading order, each with its rows.
    let mut zones: Vec<(u16, Vec<SeatRow>)> = Vec::new();
    for row in navigation.rows() {
        match zones.last_mut() {
            Some((zone, rows)) if *zone == row.zone => rows.push(row.clone()),
            _ => zones.push((row.zone, vec![row.clone()])),
        }
    }
    let zones = zones
        .into_iter()
        .map(|(zone_index, rows)| {
            let name = layout.zones.get(zone_index as usize).map(|zone| zone.name.clone()).unwrap_or_default();
            let rows = Arc::new(rows);
            // Free places per row: the zone's count, and which rows and places show.
            let free = {
                let rows = rows.clone();
                Memo::new(move |_| {
                    availability.with(|hall| {
                        rows.iter()
                            .map(|row| row.seats.iter().filter(|&&seat| hall.is_seat_available(seat)).count())
                            .collect::<Vec<_>>()
                    })
                })
            };
            let free_count = move || free.with(|rows| rows.iter().sum::<usize>());
            let open = RwSignal::new(false);
            let heading = {
                let name = name.clone();
                move || zone_free_words(lang, &name, free_count())
            };
            let layout = layout.clone();
            // Every place of the zone is drawn once, a taken one hidden: the
            // live hall changes `hidden`, never the buttons, so focus stays.
            let places = move || {
                let lines = rows
                    .iter()
                    .enumerate()
                    .map(|(row_index, row)| {
                        let buttons = row
                            .seats
                            .iter()
                            .map(|&seat_index| {
                                let seat = &layout.seats[seat_index];
                                let label =
                                    format!("{}, {}", seat_words(lang, &layout, seat_index), format_price(lang, seat.price));
                                let taken = move || !availability.with(|hall| hall.is_seat_available(seat_index));
                                let pressed = move || selection.with(|picked| picked.is_seat_selected(seat_index)).to_string();
                                let toggle = move |_| {
                                    let available = availability.with_untracked(|hall| hall.is_seat_available(seat_index));
                                    selection.update(|picked| {
                                        picked.toggle_seat(seat_index, available);
                                    });
                                };
                                view! {
                                    <li hidden=taken>
                                        <button
                                            type="button"
                                            class="tw-place"
                                            data-testid="seat-list-place"
                                            data-seat-id=seat.id.clone()
                                            aria-label=label
                                            aria-pressed=pressed
                                            on:click=toggle
                                        >
                                            {seat.place.clone()}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view();
                        let row_taken = move || free.with(|rows| rows.get(row_index).is_none_or(|free| *free == 0));
                        view! {
                            <li class="tw-seat-list-row" hidden=row_taken>
                                <span class="tw-seat-list-row-label">{row_words(lang, &row.label)}</span>
                                <ul class="tw-seat-list-places">{buttons}</ul>
                            </li>
                        }
                    })
                    .collect_view();
                let some_free = move || free_count() > 0;
                view! {
                    <ul class="tw-seat-list-rows">{lines}</ul>
                    <p class="tw-hint" hidden=some_free>{zone_sold_out_words(lang)}</p>
                }
            };
            view! {
                <li class="tw-seat-list-zone">
                    <h4 class="tw-seat-list-heading">
                        <button
                            type="button"
                            class="tw-seat-list-zone-button"
                            data-testid="seat-list-zone"
                            aria-expanded=move || open.get().to_string()
                            on:click=move |_| open.update(|open| *open = !*open)
                        >
                            <span class=format!("tw-swatch {}", zone_class(zone_index as usize)) aria-hidden="true"></span>
                            {heading}
                        </button>
                    </h4>
                    {move || open.get().then(places.clone())}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="tw-seat-list" id=list_id data-testid="seat-list">
            <ul class="tw-seat-list-zones">{zones}</ul>
        </div>
    }
}
