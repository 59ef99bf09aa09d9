//! A general-admission entry (dance floor, standing, unnumbered seats): its
//! price, how many are left, and a − / + stepper bounded by what is left.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::hall::zone_class;
use crate::i18n::quantity_left as quantity_left_text;
use crate::money::format_money;
use crate::selection::Selection;

#[component]
pub fn AdmissionStepper(
    layout: Arc<Layout>,
    /// Index into `Layout::admissions`.
    admission_index: usize,
    quantity_left: u32,
    selection: RwSignal<Selection>,
) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let admission = layout.admissions[admission_index].clone();
    let zone_name = layout.zones.get(admission.zone as usize).map(|zone| zone.name.clone()).unwrap_or_default();
    let quantity = Memo::new(move |_| selection.with(|selection| selection.admission_quantity(admission_index)));
    let change = move |delta: i64| {
        selection.update(|selection| {
            let wanted = (selection.admission_quantity(admission_index) as i64 + delta).max(0) as u32;
            selection.set_admission_quantity(admission_index, wanted, quantity_left);
        })
    };
    let none_picked = move || quantity.get() == 0;
    let all_picked = move || quantity.get() >= quantity_left;
    let left_text = if quantity_left == 0 { texts.sold_out.to_owned() } else { quantity_left_text(lang, quantity_left) };
    view! {
        <li
            class="tw-admission"
            class:tw-sold-out=quantity_left == 0
            data-testid="admission-stepper"
            data-admission-id=admission.id.clone()
        >
            <span class=format!("tw-swatch {}", zone_class(admission.zone as usize)) aria-hidden="true"></span>
            <span class="tw-admission-info">
                <span class="tw-admission-name">{zone_name.clone()}</span>
                <span class="tw-admission-meta">
                    <span class="tw-price">{format_money(admission.price)}</span>
                    " · "
                    <span class="tw-admission-left" data-testid="admission-left">{left_text}</span>
                </span>
            </span>
            <span class="tw-stepper" role="group" aria-label=zone_name>
                <button
                    type="button"
                    class="tw-stepper-button"
                    data-testid="admission-minus"
                    aria-label=texts.remove_ticket
                    disabled=none_picked
                    on:click=move |_| change(-1)
                >
                    "−"
                </button>
                <output class="tw-stepper-value" data-testid="admission-quantity" aria-live="polite">
                    {move || quantity.get()}
                </output>
                <button
                    type="button"
                    class="tw-stepper-button"
                    data-testid="admission-plus"
                    aria-label=texts.add_ticket
                    disabled=all_picked
                    on:click=move |_| change(1)
                >
                    "+"
                </button>
            </span>
        </li>
    }
}
