//! What a buyer sees when loading fails: a message in their language chosen by
//! the error's stable code, and a retry button. Used as every
//! `ErrorBoundary`'s fallback.

use leptos::html;
use leptos::prelude::*;

use super::use_widget;
use crate::api_error::ApiError;
use crate::hold_session::use_hold_session;
use crate::host_events::HostEvent;
use crate::i18n::{error_message, WidgetTexts};
use crate::paint_adoption::decline_if_waiting;

#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>, on_retry: Callback<()>) -> impl IntoView {
    let lang = use_widget().lang;
    let code = move || {
        errors.with(|errors| {
            errors
                .iter()
                .next()
                .map(|(_, error)| match error.downcast_ref::<ApiError>() {
                    Some(api_error) => api_error.code().to_owned(),
                    None => error.to_string(),
                })
                .unwrap_or_default()
        })
    };
    let code_attribute = code.clone();
    // The host page hears of it too (`ticket-widget:error`).
    let session = use_hold_session();
    let told = code.clone();
    Effect::new(move |_| session.tell_host(&HostEvent::error(&told())));
    // An error replaces the hall a painted first frame showed.
    let panel: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            decline_if_waiting(&panel);
        }
    });
    view! {
        <div node_ref=panel class="tw-error" part="error" role="alert" data-testid="error-panel" data-error-code=code_attribute>
            <span class="tw-error-icon" aria-hidden="true">"!"</span>
            <p class="tw-error-message">{move || error_message(lang, &code())}</p>
            <button type="button" class="tw-button tw-button-secondary" data-testid="retry-button" on:click=move |_| on_retry.run(())>
                {lang.texts().retry}
            </button>
        </div>
    }
}
