//! A general-admission entry (dance floor, standing, unnumbered seats): its
//! price, how many are left (live), and a − / + stepper bounded by what is
//! left. When someone else took places the buyer had picked, the entry is
//! marked until the buyer has seen it (the summary says what happened).

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::hall::zone_class;
use crate::i18n::{quantity_left as quantity_left_text, WidgetTexts};
use crate::money::format_price;
use crate::selection::{LostPick, Selection};

#[component]
pub fn AdmissionStepper(
    layout: Arc<Layout>,
    /// Index into `Layout::admissions`.
    admission_index: usize,
    /// Places left now; follows the live feed.
    quantity_left: Memo<u32>,
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
            selection.set_admission_quantity(admission_index, wanted, quantity_left.get_untracked());
        })
    };
    let none_picked = move || quantity.get() == 0;
    let all_picked = move || quantity.get() >= quantity_left.get();
    let sold_out = move || quantity_left.get() == 0;
    let left_text = move || {
        let left = quantity_left.get();
        if left == 0 {
            texts.sold_out.to_owned()
        } else {
            quantity_left_text(lang, left)
        }
    };
    let lost = move || {
        selection.with(|selection| {
            selection.lost().iter().any(|lost| matches!(*lost, LostPick::Admission { index, .. } if index == admission_index))
        })
    };
    view! {
        <li
            class="tw-admission"
            class:tw-sold-out=sold_out
            data-testid="admission-stepper"
            data-admission-id=admission.id.clone()
            data-lost=move || lost().then_some("true")
        >
            <span class=format!("tw-swatch {}", zone_class(admission.zone as usize)) aria-hidden="true"></span>
            <span class="tw-admission-info">
                <span class="tw-admission-name">{zone_name.clone()}</span>
                <span class="tw-admission-meta">
                    <span class="tw-price">{format_price(lang, admission.price)}</span>
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
