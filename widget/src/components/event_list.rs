//! The first screen: the partner's events as cards (title, dates in the
//! venue's local time, venue, city, lowest price).

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract as contract;

use super::use_widget;
use crate::datetime::{format_event_dates, month_short, parse_local_date_time};
use crate::i18n::{date_count, price_from, WidgetTexts};
use crate::money::format_money;

#[component]
pub fn EventList(list: Arc<contract::EventList>, on_select: Callback<String>) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let notice = (!list.unavailable_providers.is_empty())
        .then(|| view! { <p class="tw-notice" role="status">{texts.some_events_unavailable}</p> });
    let empty = list.events.is_empty().then(|| view! { <p class="tw-empty">{texts.no_events}</p> });
    let cards = list
        .events
        .iter()
        .map(|event| {
            let starts: Vec<&str> = event.shows.iter().map(|show| show.starts_at.as_str()).collect();
            let dates = format_event_dates(lang, &starts);
            let first = starts.iter().filter_map(|text| parse_local_date_time(text)).min();
            let tile = first.map(|when| {
                view! {
                    <span class="tw-date-tile" aria-hidden="true">
                        <span class="tw-date-tile-day">{when.day}</span>
                        <span class="tw-date-tile-month">{month_short(lang, when.month)}</span>
                    </span>
                }
            });
            let more_dates = (event.shows.len() > 1)
                .then(|| view! { <span class="tw-pill">{date_count(lang, event.shows.len() as u64)}</span> });
            let price = event
                .price_from
                .map(|price| view! { <span class="tw-price-from">{price_from(lang, &format_money(price))}</span> });
            let venue = format!("{}, {}", event.venue.name, event.venue.city);
            let event_id = event.id.clone();
            let select = move |_| on_select.run(event_id.clone());
            view! {
                <li>
                    <button
                        type="button"
                        class="tw-event-card"
                        data-testid="event-card"
                        data-event-id=event.id.clone()
                        on:click=select
                    >
                        {tile}
                        <span class="tw-event-body">
                            <span class="tw-event-title">{event.title.clone()}</span>
                            <span class="tw-event-dates">{dates} {more_dates}</span>
                            <span class="tw-event-place">{venue}</span>
                        </span>
                        <span class="tw-event-aside">
                            {price}
                            <span class="tw-chevron" aria-hidden="true">"›"</span>
                        </span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tw-events" part="event-list">
            <h2 class="tw-heading" data-screen-heading="" tabindex="-1">
                {texts.events_title}
            </h2>
            {notice}
            {empty}
            <ul class="tw-event-grid">{cards}</ul>
        </section>
    }
}
