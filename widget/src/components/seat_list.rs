//! The plan as a list, for buyers who cannot use the map: zone → row → free
//! places, each place a button that picks it (or puts it back), in the
//! map's reading order (`seat_navigation`). Opened by the "Seat list" toggle
//! under the map; every zone is a disclosure button, so the list is a few
//! tab stops until the buyer opens the zone they want.
//!
//! The places follow the live hall: a zone's rows are drawn again only when
//! that zone's free places change (one memo per open zone); picking a place
//! changes only its button's `aria-pressed`, so focus stays on it. The
//! announcement of a pick is the hall's (`HallView`), as for the map.

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
            let free = {
                let rows = rows.clone();
                Memo::new(move |_| {
                    availability.with(|hall| {
                        rows.iter()
                            .map(|row| row.seats.iter().copied().filter(|&seat| hall.is_seat_available(seat)).collect::<Vec<_>>())
                            .collect::<Vec<_>>()
                    })
                })
            };
            let free_count = move || free.with(|rows| rows.iter().map(Vec::len).sum::<usize>());
            let open = RwSignal::new(false);
            let heading = {
                let name = name.clone();
                move || zone_free_words(lang, &name, free_count())
            };
            let layout = layout.clone();
            let places = move || {
                let rows = rows.clone();
                let layout = layout.clone();
                free.with(|free_rows| {
                    if free_rows.iter().all(Vec::is_empty) {
                        return view! { <p class="tw-hint">{zone_sold_out_words(lang)}</p> }.into_any();
                    }
                    let lines = rows
                        .iter()
                        .zip(free_rows)
                        .filter(|(_, free)| !free.is_empty())
                        .map(|(row, free)| {
                            let buttons = free
                                .iter()
                                .map(|&seat_index| {
                                    let seat = &layout.seats[seat_index];
                                    let label =
                                        format!("{}, {}", seat_words(lang, &layout, seat_index), format_price(lang, seat.price));
                                    let pressed =
                                        move || selection.with(|picked| picked.is_seat_selected(seat_index)).to_string();
                                    let toggle = move |_| {
                                        let available = availability.with_untracked(|hall| hall.is_seat_available(seat_index));
                                        selection.update(|picked| {
                                            picked.toggle_seat(seat_index, available);
                                        });
                                    };
                                    view! {
                                        <li>
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
                            view! {
                                <li class="tw-seat-list-row">
                                    <span class="tw-seat-list-row-label">{row_words(lang, &row.label)}</span>
                                    <ul class="tw-seat-list-places">{buttons}</ul>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="tw-seat-list-rows">{lines}</ul> }.into_any()
                })
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
