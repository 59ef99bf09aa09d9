//! The title block above the date picker and the hall: a way back, the event,
//! its venue and (in the hall) the chosen date in the venue's local time.

use leptos::prelude::*;
use ticket_contract::{EventSummary, ShowSummary};

use super::use_widget;
use crate::datetime::{format_show_full, parse_local_date_time};
use crate::i18n::WidgetTexts;
use crate::navigation::Screen;

#[component]
pub fn EventHeader(
    event: EventSummary,
    show: Option<ShowSummary>,
    /// Where "back" leads; `None` hides the button.
    back: Option<Screen>,
    navigate: Callback<Screen>,
) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let back_button = back.map(|target| {
        let label = match target {
            Screen::Event { .. } => texts.other_dates,
            _ => texts.all_events,
        };
        view! {
            <button type="button" class="tw-back" data-testid="back-button" on:click=move |_| navigate.run(target.clone())>
                <span aria-hidden="true">"‹ "</span>
                {label}
            </button>
        }
    });
    let when = show.map(|show| {
        let text = parse_local_date_time(&show.starts_at).map(|when| format_show_full(lang, &when)).unwrap_or(show.starts_at);
        view! { <p class="tw-event-when">{text}</p> }
    });
    let venue = format!("{}, {}", event.venue.name, event.venue.city);
    view! {
        <header class="tw-event-header" part="event-header">
            {back_button}
            <h2 class="tw-event-heading" data-screen-heading="" tabindex="-1">
                {event.title}
            </h2>
            {when}
            <p class="tw-event-venue">{venue}</p>
        </header>
    }
}
