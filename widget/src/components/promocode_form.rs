//! The checkout's promo-code field, under the cart while the buyer fills in
//! their details or is at the pay button. Only for shows whose layout says
//! `accepts_promocodes` (TicketsCloud events; QTickets has no promo codes):
//! the flag is read from the layout the hall just loaded (the browser's
//! copy), and until it is known nothing is shown. The read is a plain task
//! that reaches the view only through `try_set` (as `hold_session` does):
//! the checkout may be rebuilt while it runs, and a view built for a
//! disposed component would touch disposed signals.
//!
//! "Apply" and "remove" are a `PATCH` of the hold; the cart then shows what
//! the ticketing system took off. Both wait while the partner's payment step
//! runs (the amount it charges must not change under it). A refused code is said under the field,
//! translated from its stable code (`promocode_expired`, …); what the buyer
//! typed stays so they can correct it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{use_widget, WidgetContext};
use crate::api;
use crate::hold_session::use_hold_session;
use crate::i18n::{error_message, WidgetTexts};

/// Errors shown under the field; anything else goes to the checkout's notice.
fn is_field_error(code: &str) -> bool {
    code.starts_with("promocode_")
        || matches!(
            code,
            "invalid_body" | "network" | "upstream_busy" | "upstream_timeout" | "upstream_unavailable" | "rate_limited"
        )
}

#[component]
pub fn PromocodeForm() -> impl IntoView {
    let WidgetContext { config, lang } = use_widget();
    let texts = lang.texts();
    let session = use_hold_session();
    // Unknown until the layout is read; read once (a hold's show never changes).
    let accepts = RwSignal::new(None::<bool>);
    if let Some((event_id, show_id)) = session.current().hold().map(|hold| (hold.event_id.clone(), hold.show_id.clone())) {
        spawn_local(async move {
            let accepted = api::fetch_accepts_promocodes(&config, &event_id, &show_id).await.unwrap_or(false);
            // `try_`: the checkout may have moved on meanwhile.
            let _ = accepts.try_set(Some(accepted));
        });
    }
    let applied =
        Memo::new(move |_| session.stage().hold().and_then(|hold| hold.promocode.as_ref().map(|code| code.code.clone())));
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);

    // Not while a request runs, nor while the partner's payment step does.
    let locked = move || busy.get() || !session.may_release();
    let send = move |code: Option<String>| {
        if busy.get_untracked() || !session.may_release() {
            return;
        }
        busy.set(true);
        refused.set(None);
        spawn_local(async move {
            match session.set_promocode(code).await {
                Ok(()) => {
                    let _ = typed.try_set(String::new());
                }
                Err(error) if is_field_error(error.code()) => {
                    let _ = refused.try_set(Some(error.code().to_owned()));
                }
                Err(error) => session.fail(&error),
            }
            let _ = busy.try_set(false);
        });
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let code = typed.get_untracked().trim().to_owned();
        if !code.is_empty() {
            send(Some(code));
        }
    };
    let remove = move |_| send(None);

    let form = move || {
        let field = move || match applied.get() {
            Some(code) => view! {
                <p class="tw-promocode-applied">
                    <span class="tw-field-label">{texts.promocode_label}</span>
                    <strong class="tw-promocode-code" data-testid="promocode-applied">{code}</strong>
                    <button
                        type="button"
                        class="tw-button tw-button-secondary tw-promocode-button"
                        data-testid="promocode-remove"
                        disabled=locked
                        on:click=remove
                    >
                        {texts.promocode_remove}
                    </button>
                </p>
            }
            .into_any(),
            None => view! {
                <label class="tw-field-label" for="tw-promocode">{texts.promocode_label}</label>
                <div class="tw-promocode-row">
                    <input
                        id="tw-promocode"
                        class="tw-input"
                        data-testid="promocode-input"
                        name="promocode"
                        autocomplete="off"
                        maxlength="64"
                        aria-invalid=move || if refused.get().is_some() { "true" } else { "false" }
                        prop:value=move || typed.get()
                        on:input=move |event| typed.set(event_target_value(&event))
                    />
                    <button
                        type="submit"
                        class="tw-button tw-button-secondary tw-promocode-button"
                        data-testid="promocode-apply"
                        disabled=locked
                    >
                        {texts.promocode_apply}
                    </button>
                </div>
            }
            .into_any(),
        };
        view! {
            <form class="tw-promocode tw-field" data-testid="promocode-form" novalidate=true on:submit=on_submit>
                {field}
                <p
                    class="tw-field-error"
                    role="alert"
                    data-testid="promocode-error"
                    data-error-code=move || refused.get().unwrap_or_default()
                    hidden=move || refused.get().is_none()
                >
                    {move || refused.get().map(|code| error_message(lang, &code))}
                </p>
            </form>
        }
    };

    move || match accepts.get() {
        Some(true) => form().into_any(),
        // Known to take none: an empty marker, so a test can tell "no field"
        // from "not decided yet".
        Some(false) => view! { <span hidden=true data-testid="no-promocode"></span> }.into_any(),
        None => ().into_any(),
    }
}
