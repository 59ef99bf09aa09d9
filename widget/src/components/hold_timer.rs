//! The hold's countdown (`mm:ss`): how long the places stay the buyer's.
//! In the last minute it turns into a warning; at zero it tells its owner
//! once, and the owner decides what expiry means on that screen.
//!
//! It ticks four times a second, so it does not go through the reactive
//! graph: each tick writes the digits and two attributes straight into its
//! element (the seat map's approach), which keeps it small in the wasm. The
//! warning sits in a live region beside the digits that is written only when
//! the last minute begins, so a screen reader says it once, not every second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;

use super::use_widget;
use crate::browser;
use crate::countdown::{format_countdown, is_warning, seconds_left, warning_change};
use crate::hold_session::use_hold_session;
use crate::i18n::{timer_markup, WidgetTexts};

/// How often the clock is read; well under a second so `mm:ss` never skips.
const TICK: Duration = Duration::from_millis(250);

#[component]
pub fn HoldTimer(
    /// Called once, when the countdown reaches zero.
    on_expired: Callback<()>,
) -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    let element: NodeRef<html::Div> = NodeRef::new();
    // The hold's deadline, read on every tick (a change of the hold may move it).
    let seconds_now = move || {
        let deadline = session.current().active().map_or(0, |active| active.deadline_ms);
        seconds_left(deadline, browser::now_ms())
    };
    let initial = seconds_now();
    let shown = Arc::new(AtomicU64::new(initial));
    let tick = move || {
        let seconds = seconds_now();
        let before = shown.swap(seconds, Ordering::Relaxed);
        if before == seconds {
            return;
        }
        // A tick already queued when the timer was removed finds it gone.
        let Some(element) = element.try_get_untracked() else { return };
        if let Some(element) = element {
            let _ = element.set_attribute("data-seconds-left", &seconds.to_string());
            let _ = element.set_attribute("data-warning", if is_warning(seconds) { "true" } else { "false" });
            // Children as `timer_markup` draws them: label, digits, live region.
            let parts = element.children();
            if let Some(digits) = parts.item(1) {
                digits.set_text_content(Some(&format_countdown(seconds)));
            }
            if let (Some(warning), Some(region)) = (warning_change(before, seconds), parts.item(2)) {
                region.set_text_content(Some(if warning { lang.texts().timer_warning } else { "" }));
            }
        }
        if seconds == 0 {
            on_expired.try_run(());
        }
    };
    let interval = set_interval_with_handle(tick, TICK).ok();
    on_cleanup(move || {
        if let Some(interval) = interval {
            interval.clear();
        }
    });
    if initial == 0 {
        // Already over (e.g. resumed too late): say so after this render.
        leptos::leptos_dom::helpers::queue_microtask(move || {
            on_expired.try_run(());
        });
    }
    view! {
        <div
            class="tw-timer"
            role="timer"
            data-testid="hold-timer"
            data-seconds-left=initial.to_string()
            data-warning=is_warning(initial).to_string()
            node_ref=element
            inner_html=timer_markup(lang, initial)
        ></div>
    }
}
