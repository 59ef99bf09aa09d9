//! "Best seats" beside the seat plan: a count, a zone ("any" or one of the
//! seated zones, with its prices) and a button. The proxy chooses the seats
//! (`POST /v1/holds` with `best`: side by side in one row, nearest the
//! stage) and holds them; the checkout then takes over exactly as after
//! reserving picked seats. When no such block is free the buyer is told so
//! under the form (and the plan's availability is read again); the picks on
//! the plan are left as they are either way.
//!
//! It shares the hall's `Reservation::reserving` flag with the summary's
//! reserve button, so only one reservation runs at a time.

use std::sync::Arc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use ticket_contract::{BestAvailable, CreateHold, Layout};

use super::reservation::Reservation;
use super::use_widget;
use crate::hall::seated_zones;
use crate::hold_session::use_hold_session;
use crate::i18n::{best_seats_texts, error_message, no_seats_together_message};
use crate::money::format_price_range_for;

/// Counts offered; a partner's own maximum per hold may be lower (the proxy
/// then says so, and so does the form).
const MOST_SEATS_OFFERED: u32 = 10;
/// The count chosen at first.
const FIRST_COUNT: u32 = 2;

#[component]
pub fn BestSeatsForm(layout: Arc<Layout>) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = best_seats_texts(lang);
    let session = use_hold_session();
    let reservation = expect_context::<Reservation>();
    let count = RwSignal::new(FIRST_COUNT);
    // The zone id, or empty for any zone.
    let zone = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    let count_options = (1..=MOST_SEATS_OFFERED)
        .map(|option| view! { <option value=option.to_string() selected=option == FIRST_COUNT>{option.to_string()}</option> })
        .collect_view();
    let zone_options = seated_zones(&layout)
        .into_iter()
        .filter_map(|index| {
            let zone = layout.zones.get(index)?;
            let text = format!("{} · {}", zone.name, format_price_range_for(lang, zone.price_min, zone.price_max));
            Some(view! { <option value=zone.id.clone()>{text}</option> })
        })
        .collect_view();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if reservation.reserving.get_untracked() {
            return;
        }
        let wanted = count.get_untracked();
        let zone_id = zone.get_untracked();
        let zone_name = layout.zones.iter().find(|candidate| candidate.id == zone_id).map(|zone| zone.name.clone());
        let request = CreateHold {
            event: layout.event_id.clone(),
            show: layout.show_id.clone(),
            seats: Vec::new(),
            admission: Default::default(),
            best: Some(BestAvailable { count: wanted, zone: (!zone_id.is_empty()).then_some(zone_id) }),
        };
        reservation.reserving.set(true);
        reservation.outcome.set(None);
        busy.set(true);
        problem.set(None);
        // `try_` after the request: the checkout replaces this hall on
        // success, and the buyer may have left it meanwhile.
        spawn_local(async move {
            let said = match session.reserve(&request).await {
                Ok(()) => return,
                Err(error) if error.code() == "seat_unavailable" => {
                    session.refresh_availability();
                    no_seats_together_message(lang, wanted, zone_name.as_deref())
                }
                Err(error) if error.field() == Some("best.count") => texts.too_many.to_owned(),
                Err(error) => error_message(lang, error.code()).to_owned(),
            };
            let _ = problem.try_set(Some(said));
            let _ = busy.try_set(false);
            let _ = reservation.reserving.try_set(false);
        });
    };

    view! {
        <form class="tw-best" data-testid="best-seats-form" novalidate=true on:submit=on_submit>
            <h3 class="tw-subheading">{texts.title}</h3>
            <div class="tw-best-row">
                <label class="tw-best-field">
                    <span class="tw-field-label">{texts.count_label}</span>
                    <select
                        class="tw-input"
                        data-testid="best-count"
                        on:change=move |event| count.set(event_target_value(&event).parse().unwrap_or(FIRST_COUNT))
                    >
                        {count_options}
                    </select>
                </label>
                <label class="tw-best-field tw-best-zone">
                    <span class="tw-field-label">{texts.zone_label}</span>
                    <select class="tw-input" data-testid="best-zone" on:change=move |event| zone.set(event_target_value(&event))>
                        <option value="" selected=true>{texts.any_zone}</option>
                        {zone_options}
                    </select>
                </label>
            </div>
            <button
                type="submit"
                class="tw-button tw-button-secondary tw-best-button"
                data-testid="best-seats-button"
                disabled=move || reservation.reserving.try_get().unwrap_or(true)
            >
                {move || if busy.try_get().unwrap_or(false) { texts.finding } else { texts.find }}
            </button>
            <p class="tw-hint">{texts.hint}</p>
            <p class="tw-field-error" role="alert" data-testid="best-seats-error" hidden=move || problem.try_with(Option::is_none).unwrap_or(true)>
                {move || problem.get()}
            </p>
        </form>
    }
}
