//! Name, e-mail and phone, checked lightly as the buyer types and judged by
//! the proxy on submit. A refusal is shown under the input it is about; what
//! the buyer typed stays (it lives in the hold session, not in this form).
//! Accepted details go straight on to the partner's payment step.
//!
//! Like the seat map, the form is markup inserted once (`checkout_markup`)
//! with one listener per event kind on the `<form>`; error lines are written
//! into it directly. Reactive views for every input and message would cost
//! about ten kilobytes of wasm for a three-field form.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

use super::use_widget;
use crate::buyer_details::{BuyerField, BuyerProblem, BUYER_FIELDS};
use crate::checkout_markup::{buyer_field_named, buyer_form_markup};
use crate::hold_session::use_hold_session;
use crate::i18n::{buyer_problem_message, error_message, Lang, WidgetTexts};

/// Problems on screen, one per field at most.
type Problems = Vec<(BuyerField, BuyerProblem)>;

#[component]
pub fn BuyerForm() -> impl IntoView {
    let lang = use_widget().lang;
    let session = use_hold_session();
    let form: NodeRef<html::Form> = NodeRef::new();
    // Plain shared cells, not signals: nothing renders from them reactively.
    let shown = Arc::new(Mutex::new(Problems::new()));
    let saving = Arc::new(AtomicBool::new(false));
    let markup = buyer_form_markup(lang, &session.buyer_draft());

    let show = {
        let shown = shown.clone();
        move |problems: Problems, form_error: Option<&str>| {
            if let Some(form) = form.try_get_untracked().flatten() {
                show_problems(&form, lang, &problems, form_error);
            }
            if let Ok(mut shown) = shown.lock() {
                *shown = problems;
            }
        }
    };
    // Re-checks one field: a shown problem follows the typing (and goes away
    // once fixed); a new one appears only when asked (on leaving the field).
    let recheck = {
        let show = show.clone();
        move |field: BuyerField, show_new: bool| {
            let problem = session.buyer_draft().problem(field);
            let mut problems = shown.lock().map(|shown| shown.clone()).unwrap_or_default();
            match (problems.iter().position(|(shown, _)| *shown == field), problem) {
                (Some(index), None) => {
                    problems.remove(index);
                }
                (Some(index), Some(problem)) => problems[index].1 = problem,
                (None, Some(problem)) if show_new => problems.push((field, problem)),
                (None, _) => return,
            }
            show(problems, None);
        }
    };
    let on_input = {
        let recheck = recheck.clone();
        move |event: Event| {
            let Some((field, value)) = field_and_value(&event) else { return };
            let mut typed = session.buyer_draft();
            typed.set(field, value);
            session.set_buyer_draft(typed);
            recheck(field, false);
        }
    };
    let on_leave = move |event: web_sys::FocusEvent| {
        let Some((field, value)) = field_and_value(&event) else { return };
        recheck(field, !value.trim().is_empty());
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if saving.load(Ordering::Relaxed) {
            return;
        }
        let problems = session.buyer_draft().problems();
        if !problems.is_empty() {
            show(problems, None);
            return;
        }
        show(Problems::new(), None);
        set_saving(form, &saving, lang, true);
        let show = show.clone();
        let saving = saving.clone();
        spawn_local(async move {
            // Accepted: straight on to the partner's payment step (the pay
            // button stays on screen for a retry if that does not go through).
            let saved = session.save_buyer().await;
            if saved.is_ok() {
                session.pay();
            }
            if let Err(error) = saved {
                match error.field().and_then(BuyerField::from_proxy_field) {
                    Some(field) => show(vec![(field, BuyerProblem::Refused)], None),
                    None if matches!(
                        error.code(),
                        "invalid_body"
                            | "network"
                            | "upstream_busy"
                            | "upstream_timeout"
                            | "upstream_unavailable"
                            | "rate_limited"
                    ) =>
                    {
                        show(Problems::new(), Some(error.code()))
                    }
                    None => session.fail(&error),
                }
            }
            set_saving(form, &saving, lang, false);
        });
    };

    view! {
        <form
            class="tw-buyer-form"
            part="buyer-form"
            data-testid="buyer-form"
            novalidate=true
            node_ref=form
            on:submit=submit
            on:input=on_input
            on:focusout=on_leave
            inner_html=markup
        ></form>
    }
}

/// The field an input event came from, and the input's value.
fn field_and_value(event: &Event) -> Option<(BuyerField, String)> {
    let input = event.target()?.dyn_into::<Element>().ok()?;
    let field = buyer_field_named(&input.get_attribute("name")?)?;
    Some((field, event_target_value(event)))
}

/// Writes the error lines and `aria-invalid` into the form's markup.
fn show_problems(form: &Element, lang: Lang, problems: &[(BuyerField, BuyerProblem)], form_error: Option<&str>) {
    for field in BUYER_FIELDS {
        let problem = problems.iter().find(|(shown, _)| *shown == field).map(|(_, problem)| *problem);
        let test_id = field.test_id();
        if let Ok(Some(input)) = form.query_selector(&format!("[data-testid={test_id}]")) {
            let _ = input.set_attribute("aria-invalid", if problem.is_some() { "true" } else { "false" });
        }
        if let Ok(Some(line)) = form.query_selector(&format!("[data-testid={test_id}-error]")) {
            write_line(&line, problem.map(|problem| buyer_problem_message(lang, field, problem)));
        }
    }
    if let Ok(Some(line)) = form.query_selector("[data-testid=buyer-form-error]") {
        let _ = line.set_attribute("data-error-code", form_error.unwrap_or(""));
        write_line(&line, form_error.map(|code| error_message(lang, code)));
    }
}

fn write_line(line: &Element, text: Option<&str>) {
    line.set_text_content(text);
    line.toggle_attribute_with_force("hidden", text.is_none()).ok();
}

fn set_saving(form: NodeRef<html::Form>, saving: &AtomicBool, lang: Lang, now_saving: bool) {
    saving.store(now_saving, Ordering::Relaxed);
    let texts = lang.texts();
    let form = form.try_get_untracked().flatten();
    let button = form.and_then(|form| form.query_selector("[data-testid=buyer-submit]").ok().flatten());
    if let Some(button) = button {
        button.set_text_content(Some(if now_saving { texts.saving } else { texts.buyer_submit }));
        button.toggle_attribute_with_force("disabled", now_saving).ok();
    }
}
