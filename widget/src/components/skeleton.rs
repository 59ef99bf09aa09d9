//! Grey placeholders in the shape of what is loading, so the widget keeps its
//! size and the buyer sees progress instead of a blank box.

use leptos::prelude::*;

use super::use_widget;
use crate::i18n::WidgetTexts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkeletonKind {
    /// The events list: a heading and three cards.
    Events,
    /// A hall: the seat map and a legend row.
    Hall,
}

#[component]
pub fn Skeleton(kind: SkeletonKind) -> impl IntoView {
    let loading = use_widget().lang.texts().loading;
    let shapes = match kind {
        SkeletonKind::Events => view! {
            <div class="tw-skel tw-skel-heading"></div>
            <div class="tw-skel tw-skel-card"></div>
            <div class="tw-skel tw-skel-card"></div>
            <div class="tw-skel tw-skel-card"></div>
        }
        .into_any(),
        SkeletonKind::Hall => view! {
            <div class="tw-skel tw-skel-map"></div>
            <div class="tw-skel-row">
                <div class="tw-skel tw-skel-chip"></div>
                <div class="tw-skel tw-skel-chip"></div>
                <div class="tw-skel tw-skel-chip"></div>
            </div>
        }
        .into_any(),
    };
    view! {
        <div class="tw-skeleton" data-testid="skeleton" aria-busy="true">
            <span class="tw-visually-hidden" role="status">{loading}</span>
            {shapes}
        </div>
    }
}
