//! The checkout, shown while the buyer has a hold: the countdown, the cart
//! and a cancel button beside whichever step is current — the buyer form,
//! the pay button, waiting for the payment — and finally the tickets. The
//! cancel button is gone while a payment runs (waiting, or back at the pay
//! button before the partner's step answered).
//!
//! Read-only parts are markup from the pure `checkout_markup` module; their
//! buttons carry `data-action` and this component listens for clicks once.
//! The pay button's click runs the hand-off synchronously, inside the
//! buyer's gesture (a redirect of the top window needs it).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

use super::announcer::use_announcer;
use super::buyer_form::BuyerForm;
use super::hold_timer::HoldTimer;
use super::payment_wait::PaymentWait;
use super::promocode_form::PromocodeForm;
use super::use_widget;
use crate::browser;
use crate::checkout::{CheckoutStage, HoldNotice};
use crate::checkout_markup::{cart_markup, checkout_error_markup, payment_markup, tickets_markup, CancelButton, CheckoutAction};
use crate::focus::ScreenFocus;
use crate::hold_session::{use_hold_session, HoldSession};
use crate::i18n::tickets_ready_words;
use ticket_contract::HoldState;

/// Which step is on screen; the view is rebuilt only when this changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Details,
    Payment,
    Awaiting,
    /// Paid; the provider is still issuing the tickets: no countdown.
    Issuing,
    Tickets,
}

#[component]
pub fn CheckoutScreen() -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    let step = Memo::new(move |_| match session.stage() {
        CheckoutStage::Payment(_) => Step::Payment,
        CheckoutStage::AwaitingPayment(active) if active.hold.state == HoldState::Confirmed => Step::Issuing,
        CheckoutStage::AwaitingPayment(_) => Step::Awaiting,
        CheckoutStage::Tickets(_) => Step::Tickets,
        CheckoutStage::Details(_) | CheckoutStage::Choosing => Step::Details,
    });
    let hold = Memo::new(move |_| session.stage().hold().cloned());
    // Each new step takes the focus the buyer had in the widget (its
    // heading); the tickets are also said.
    let screen_focus = use_context::<ScreenFocus>();
    let announcer = use_announcer();
    Effect::new(move |previous: Option<Step>| {
        let current = step.get();
        if previous.is_some_and(|previous| previous != current) {
            if let Some(screen_focus) = screen_focus {
                screen_focus.screen_changed();
            }
            if current == Step::Tickets {
                let tickets = hold.get_untracked().map_or(0, |hold| hold.tickets.len() as u64);
                if let Some(announcer) = announcer {
                    announcer.say(tickets_ready_words(lang, tickets));
                }
            }
        }
        current
    });
    let cancelling = RwSignal::new(false);
    let on_click = move |event: MouseEvent| {
        if let Some(action) = clicked_action(&event) {
            run(session, action, cancelling);
        }
    };
    let on_expired = Callback::new(move |()| session.timer_ran_out());

    // `try_`: a scheduled update may run just after a hold change removed
    // this screen.
    let side = move || {
        let hold = hold.try_get().flatten()?;
        let cancel = CancelButton::new(session.may_release(), cancelling.try_get().unwrap_or(false));
        Some(cart_markup(lang, &hold, cancel))
    };
    let step_markup = move || match step.get() {
        Step::Payment => {
            let not_completed = session.notice() == Some(HoldNotice::PaymentNotCompleted);
            hold.try_get().flatten().map(|hold| payment_markup(lang, &hold, not_completed))
        }
        _ => None,
    };
    let error = move || checkout_error_markup(lang, session.notice().as_ref());

    move || {
        let current = step.get();
        if current == Step::Tickets {
            let tickets = hold.get_untracked().map(|hold| tickets_markup(lang, &hold));
            return view! { <div class="tw-checkout-done" part="tickets" on:click=on_click inner_html=tickets></div> }.into_any();
        }
        // A promo code can change until the payment starts.
        let promocode = matches!(current, Step::Details | Step::Payment).then(|| view! { <PromocodeForm /> });
        let interactive = match current {
            Step::Details => view! { <BuyerForm /> }.into_any(),
            Step::Awaiting | Step::Issuing => view! { <PaymentWait /> }.into_any(),
            Step::Payment | Step::Tickets => ().into_any(),
        };
        view! {
            <div class="tw-checkout" part="checkout" data-testid="checkout" on:click=on_click>
                <aside class="tw-checkout-side" part="checkout-side">
                    {(current != Step::Issuing).then(|| view! { <HoldTimer on_expired /> })}
                    <div class="tw-checkout-cart" inner_html=side></div>
                    {promocode}
                </aside>
                <div class="tw-checkout-main">
                    <div inner_html=error></div>
                    {interactive}
                    <div inner_html=step_markup></div>
                </div>
            </div>
        }
        .into_any()
    }
}

/// The `data-action` of the button the click landed on, if any.
fn clicked_action(event: &MouseEvent) -> Option<CheckoutAction> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    let button = target.closest("[data-action]").ok()??;
    if button.has_attribute("disabled") {
        return None;
    }
    CheckoutAction::parse(&button.get_attribute("data-action")?)
}

fn run(session: HoldSession, action: CheckoutAction, cancelling: RwSignal<bool>) {
    match action {
        CheckoutAction::Cancel => {
            cancelling.set(true);
            spawn_local(async move {
                session.cancel().await;
                // Still here (the cancel failed)? Then the button is back.
                if !session.current().is_choosing() {
                    let _ = cancelling.try_set(false);
                }
            });
        }
        CheckoutAction::EditDetails => session.edit_details(),
        CheckoutAction::Pay => session.pay(),
        CheckoutAction::BackToPayment => session.back_to_payment(),
        CheckoutAction::Done => session.done(),
        CheckoutAction::Dismiss => session.dismiss_notice(),
        CheckoutAction::Print => browser::print(),
    }
}
