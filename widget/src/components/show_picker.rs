//! The date step: one button per show of an event, in the venue's local time.
//! Skipped by `WidgetApp` when the event has a single show.

use leptos::prelude::*;
use ticket_contract::EventSummary;

use super::use_widget;
use crate::datetime::{format_day_month, format_time, format_weekday, parse_local_date_time};
use crate::i18n::WidgetTexts;

#[component]
pub fn ShowPicker(event: EventSummary, on_select: Callback<String>) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let empty = event.shows.is_empty().then(|| view! { <p class="tw-empty">{texts.nothing_on_sale}</p> });
    let buttons = event
        .shows
        .iter()
        .map(|show| {
            let show_id = show.id.clone();
            let label = match parse_local_date_time(&show.starts_at) {
                Some(when) => view! {
                    <span class="tw-show-weekday">{format_weekday(lang, &when)}</span>
                    <span class="tw-show-date">{format_day_month(lang, &when)} " " {when.year}</span>
                    <span class="tw-show-time">{format_time(&when)}</span>
                }
                .into_any(),
                None => view! { <span class="tw-show-date">{show.starts_at.clone()}</span> }.into_any(),
            };
            view! {
                <li>
                    <button
                        type="button"
                        class="tw-show-button"
                        data-testid="show-button"
                        data-show-id=show.id.clone()
                        on:click=move |_| on_select.run(show_id.clone())
                    >
                        {label}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tw-shows" part="dates">
            <h3 class="tw-subheading">{texts.choose_date}</h3>
            {empty}
            <ul class="tw-show-grid">{buttons}</ul>
            <p class="tw-hint">{texts.local_time_note}</p>
        </section>
    }
}
