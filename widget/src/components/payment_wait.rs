//! While the partner takes the payment: a calm "waiting" screen that polls
//! the hold (every 2 s, backing off while the proxy is unreachable) until it
//! is confirmed (→ tickets) or over (→ the map, with a message).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_widget;
use crate::browser;
use crate::checkout::{poll_delay_ms, CheckoutStage};
use crate::checkout_markup::waiting_markup;
use crate::countdown::seconds_left;
use crate::hold_session::use_hold_session;

/// Failed polls in a row before the buyer is told the connection is bad.
const FAILURES_BEFORE_NOTICE: u32 = 2;

#[component]
pub fn PaymentWait() -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    let connection_lost = RwSignal::new(false);
    spawn_local(async move {
        let mut failures = 0;
        loop {
            browser::sleep(poll_delay_ms(failures)).await;
            // `connection_lost` is disposed with this component: that ends the loop.
            let still_waiting = !connection_lost.is_disposed()
                && matches!(session.current(), CheckoutStage::AwaitingPayment(_));
            if !still_waiting {
                break;
            }
            match session.poll().await {
                Ok(()) => failures = 0,
                Err(_) => failures += 1,
            }
            let still_waiting = matches!(session.current(), CheckoutStage::AwaitingPayment(_));
            if still_waiting && connection_lost.try_get_untracked() != Some(failures >= FAILURES_BEFORE_NOTICE) {
                let _ = connection_lost.try_set(failures >= FAILURES_BEFORE_NOTICE);
            }
        }
    });
    // Re-read on every poll (each one refreshes the stage).
    let markup = move || {
        let time_is_up = session
            .stage()
            .active()
            .is_some_and(|active| seconds_left(active.deadline_ms, browser::now_ms()) == 0);
        waiting_markup(lang, time_is_up, connection_lost.try_get().unwrap_or(false))
    };
    view! { <div inner_html=markup></div> }
}
