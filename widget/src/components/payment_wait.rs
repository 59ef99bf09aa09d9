//! While the partner takes the payment: a calm "waiting" screen that polls
//! the hold (every 2 s, backing off while the proxy is unreachable, and never
//! sooner than a `429`'s `Retry-After`) until it is confirmed (→ tickets) or
//! over (→ the map, with a message). A hold confirmed while its provider is
//! still issuing the tickets (`tickets_pending`) stays here, saying so,
//! until they arrive. Why polls keep failing is the
//! checkout's error notice, in the buyer's language.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_widget;
use crate::browser;
use crate::checkout::CheckoutStage;
use crate::checkout_markup::waiting_markup;
use crate::countdown::seconds_left;
use crate::hold_session::use_hold_session;
use ticket_contract::HoldState;

#[component]
pub fn PaymentWait() -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    // Disposed with this component: that ends the loop (a later waiting
    // screen starts its own).
    let on_screen = RwSignal::new(true);
    spawn_local(async move {
        loop {
            browser::sleep(session.poll_delay_ms()).await;
            let still_waiting = !on_screen.is_disposed() && matches!(session.current(), CheckoutStage::AwaitingPayment(_));
            if !still_waiting {
                break;
            }
            if let Err(error) = session.poll().await {
                session.poll_failed(&error);
            }
        }
    });
    // Re-read on every poll (each one refreshes the stage).
    let markup = move || {
        let stage = session.stage();
        let time_is_up = stage.active().is_some_and(|active| seconds_left(active.deadline_ms, browser::now_ms()) == 0);
        // Paid already: the provider is still issuing the tickets.
        let issuing = stage.hold().is_some_and(|hold| hold.state == HoldState::Confirmed);
        waiting_markup(lang, time_is_up, issuing)
    };
    view! { <div inner_html=markup></div> }
}
