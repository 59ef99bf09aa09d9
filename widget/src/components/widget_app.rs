//! The root component: owns navigation, the events list every screen needs,
//! and the buyer's hold.
//!
//! The catalogue (`GET /v1/events`) is fetched once per mounted widget and
//! kept while the buyer moves between screens; the `event` attribute only
//! changes the starting screen. Loading shows a skeleton, failure an error
//! panel whose retry refetches the catalogue.
//!
//! While a hold exists the checkout replaces the screens (its header still
//! names the event). On mount a hold kept in `sessionStorage` is looked up and
//! resumed; when the page goes away (`pagehide`) or the widget is removed, an
//! unpaid hold is released with a beacon.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use ticket_contract as contract;

use super::announcer::{Announcer, LiveAnnouncer};
use super::checkout_module::{checkout_view, preload_checkout};
use super::error_panel::ErrorPanel;
use super::event_header::EventHeader;
use super::event_list::EventList;
use super::hall_screen::HallScreen;
use super::hold_notice::HoldNoticeBanner;
use super::show_picker::ShowPicker;
use super::skeleton::{Skeleton, SkeletonKind};
use super::WidgetContext;
use crate::api;
use crate::api_error::ApiError;
use crate::browser;
use crate::checkout::CheckoutStage;
use crate::config::WidgetConfig;
use crate::countdown::{format_countdown, seconds_left};
use crate::focus::ScreenFocus;
use crate::hold_session::HoldSession;
use crate::i18n::{hold_made_words, Lang};
use crate::navigation::Screen;

#[component]
pub fn WidgetApp(
    config: Arc<WidgetConfig>,
    lang: Lang,
    /// The page's payment function (see `static/widget.js`), if any.
    payment_handler: Option<js_sys::Function>,
    /// The loader's `emit(name, detailJson)` for the host page's events, if any.
    host_events: Option<js_sys::Function>,
) -> impl IntoView {
    let root_class = format!("tw-root {}", config.mode.css_class());
    let event_is_fixed = config.event.is_some();
    let screen = RwSignal::new(Screen::initial(config.event.as_deref(), config.show.as_deref()));
    let events_config = config.clone();
    let events = LocalResource::new(move || api::fetch_events(events_config.clone()));
    let session = HoldSession::new(config.clone(), payment_handler, host_events, || {
        Box::pin(async {
            let _ = preload_checkout().await;
        })
    });
    provide_context(WidgetContext { config, lang });
    provide_context(session);
    let announcer = Announcer::new();
    provide_context(announcer);
    let root: NodeRef<html::Div> = NodeRef::new();
    let screen_focus = ScreenFocus::track(root);
    provide_context(screen_focus);

    let navigate = Callback::new(move |next: Screen| {
        screen.set(next);
        screen_focus.screen_changed();
    });
    let retry = Callback::new(move |()| events.refetch());
    let checkout_attempt = Trigger::new();
    let retry_checkout = Callback::new(move |()| checkout_attempt.notify());

    // A hold kept from before a reload (or a redirect to the partner's
    // payment page) opens its hall and its checkout screen.
    let resume = move || {
        spawn_local(async move {
            if let Some((event_id, show_id)) = session.resume_stored().await {
                let _ = screen.try_set(Screen::Hall { event_id, show_id });
            }
        })
    };
    resume();
    let leave = session.leave_handle();
    let leave_on_hide = leave.clone();
    let on_page_hide = window_event_listener_untyped("pagehide", move |_| leave_on_hide());
    let on_page_show = window_event_listener_untyped("pageshow", move |event| {
        let restored = js_sys::Reflect::get(&event, &"persisted".into()).is_ok_and(|value| value.is_truthy());
        if restored {
            resume();
        }
    });
    on_cleanup(move || {
        on_page_hide.remove();
        on_page_show.remove();
        leave();
    });

    // A new screen starts where the buyer can see it, and takes the focus
    // the buyer had in the widget; places just held are said.
    let is_choosing = Memo::new(move |_| session.stage().is_choosing());
    Effect::new(move |previous: Option<bool>| {
        let choosing = is_choosing.get();
        if previous.is_some_and(|previous| previous != choosing) {
            if let Some(root) = root.get_untracked() {
                browser::reveal_top(&root);
            }
            screen_focus.screen_changed();
            if matches!(session.current(), CheckoutStage::Details(_)) {
                let deadline = session.current().active().map_or(0, |active| active.deadline_ms);
                let left = seconds_left(deadline, browser::now_ms());
                if left > 0 {
                    announcer.say(hold_made_words(lang, &format_countdown(left)));
                }
            }
        }
        choosing
    });

    // A hold resumed from before a reload shows its checkout, not the hall
    // a painted first frame showed.
    Effect::new(move |_| {
        if !is_choosing.get() && !session.resuming.get() {
            if let Some(root) = root.get() {
                crate::paint_adoption::decline_if_waiting(&root);
            }
        }
    });

    let choosing_view = move || {
        view! {
            <HoldNoticeBanner />
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
        }
    };
    let checkout_view = move || {
        // The header needs the catalogue; the checkout (and the tickets) must
        // not, so a catalogue failure never hides a paid order.
        let header = move || {
            let stage = session.stage();
            let hold = stage.hold()?;
            let (event_id, show_id) = (&hold.event_id, &hold.show_id);
            let list = events.get()?.ok()?;
            let event = list.events.iter().find(|event| &event.id == event_id)?.clone();
            let show = event.shows.iter().find(|show| &show.id == show_id).cloned();
            Some(view! { <EventHeader event show back=None navigate /> })
        };
        // The checkout comes from its own wasm module: while it loads the
        // buyer sees the checkout's skeleton; if it cannot be fetched, the
        // widget's error panel, whose retry fetches it again.
        let checkout = move || {
            checkout_attempt.track();
            Suspend::new(checkout_view())
        };
        view! {
            {header}
            <Suspense fallback=|| view! { <Skeleton kind=SkeletonKind::Hall /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors on_retry=retry_checkout /> }>
                    {checkout}
                </ErrorBoundary>
            </Suspense>
        }
    };

    view! {
        <div class=root_class part="root" lang=lang.tag() node_ref=root>
            <LiveAnnouncer announcer />
            {move || {
                if session.resuming.get() {
                    view! { <Skeleton kind=SkeletonKind::Hall /> }.into_any()
                } else if is_choosing.get() {
                    choosing_view().into_any()
                } else {
                    checkout_view().into_any()
                }
            }}
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
        list.events.iter().find(|event| event.id == event_id).cloned().ok_or_else(|| ApiError::proxy(404, "event_not_found"))
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
            let on_select =
                Callback::new(move |show_id: String| navigate.run(Screen::Hall { event_id: event_id.clone(), show_id }));
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
                .ok_or_else(|| ApiError::proxy(404, "show_not_found"))?;
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
