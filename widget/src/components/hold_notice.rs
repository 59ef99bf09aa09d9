//! How the buyer's hold ended, said above the map once it is over: the
//! countdown ran out, the hold ended elsewhere, or it could not be restored.
//! Shown until dismissed or until the next hold action.

use leptos::prelude::*;

use super::use_widget;
use crate::checkout_markup::ended_notice_markup;
use crate::hold_session::use_hold_session;

#[component]
pub fn HoldNoticeBanner() -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    let markup = move || session.notice().and_then(|notice| ended_notice_markup(lang, &notice));
    // The only button inside is "dismiss".
    let dismiss = move |event: web_sys::MouseEvent| {
        let on_button = event
            .target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .is_some_and(|element| element.closest("[data-action]").ok().flatten().is_some());
        if on_button {
            session.dismiss_notice();
        }
    };
    view! { <div class="tw-notice-slot" on:click=dismiss inner_html=markup></div> }
}
