//! The root component: owns navigation and the events list every screen needs.
//!
//! The catalogue (`GET /v1/events`) is fetched once per mounted widget and
//! kept while the buyer moves between screens; the `event` attribute only
//! changes the starting screen. Loading shows a skeleton, failure an error
//! panel whose retry refetches the catalogue.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract as contract;

use super::error_panel::ErrorPanel;
use super::event_header::EventHeader;
use super::event_list::EventList;
use super::hall_screen::HallScreen;
use super::show_picker::ShowPicker;
use super::skeleton::{Skeleton, SkeletonKind};
use super::WidgetContext;
use crate::api;
use crate::api_error::ApiError;
use crate::config::WidgetConfig;
use crate::i18n::Lang;
use crate::navigation::Screen;

#[component]
pub fn WidgetApp(config: Arc<WidgetConfig>, lang: Lang) -> impl IntoView {
    let root_class = format!("tw-root {}", config.mode.css_class());
    let event_is_fixed = config.event.is_some();
    let screen = RwSignal::new(Screen::initial(config.event.as_deref(), config.show.as_deref()));
    let events_config = config.clone();
    let events = LocalResource::new(move || api::fetch_events(events_config.clone()));
    provide_context(WidgetContext { config, lang });

    let navigate = Callback::new(move |next: Screen| screen.set(next));
    let retry = Callback::new(move |()| events.refetch());

    view! {
        <div class=root_class lang=lang.tag()>
            <Suspense fallback=|| view! { <Skeleton kind=SkeletonKind::Events /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors on_retry=retry /> }>
                    {move || {
                        let current = screen.get();
                        Suspend::new(async move {
                            let list = events.await?;
                            screen_view(&list, current, event_is_fixed, navigate)
                        })
                    }}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}

fn screen_view(
    list: &Arc<contract::EventList>,
    screen: Screen,
    event_is_fixed: bool,
    navigate: Callback<Screen>,
) -> Result<AnyView, ApiError> {
    let find_event = |event_id: &str| {
        list.events
            .iter()
            .find(|event| event.id == event_id)
            .cloned()
            .ok_or_else(|| not_found("event_not_found"))
    };
    match &screen {
        Screen::Events => {
            let on_select = Callback::new(move |event_id: String| navigate.run(Screen::Event { event_id }));
            Ok(view! { <EventList list=list.clone() on_select /> }.into_any())
        }
        Screen::Event { event_id } => {
            let event = find_event(event_id)?;
            let back = screen.back(event.shows.len(), event_is_fixed);
            if let [only_show] = event.shows.as_slice() {
                let show = only_show.clone();
                return Ok(hall_view(event.clone(), show, back, navigate));
            }
            let event_id = event.id.clone();
            let on_select = Callback::new(move |show_id: String| {
                navigate.run(Screen::Hall { event_id: event_id.clone(), show_id })
            });
            Ok(view! {
                <EventHeader event=event.clone() show=None back navigate />
                <ShowPicker event on_select />
            }
            .into_any())
        }
        Screen::Hall { event_id, show_id } => {
            let event = find_event(event_id)?;
            let show = event
                .shows
                .iter()
                .find(|show| &show.id == show_id)
                .cloned()
                .ok_or_else(|| not_found("show_not_found"))?;
            let back = screen.back(event.shows.len(), event_is_fixed);
            Ok(hall_view(event, show, back, navigate))
        }
    }
}

fn hall_view(
    event: contract::EventSummary,
    show: contract::ShowSummary,
    back: Option<Screen>,
    navigate: Callback<Screen>,
) -> AnyView {
    let event_id = event.id.clone();
    let show_id = show.id.clone();
    view! {
        <EventHeader event show=Some(show) back navigate />
        <HallScreen event_id show_id />
    }
    .into_any()
}

fn not_found(code: &str) -> ApiError {
    ApiError::Proxy { status: 404, code: code.to_owned(), message: String::new() }
}
