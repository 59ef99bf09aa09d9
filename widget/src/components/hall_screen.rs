//! One show's hall: fetches the layout and the availability side by side,
//! checks that they belong together, and hands both to `HallView`.
//!
//! The buyer's picks live here, above the loading boundary, so a retry after a
//! network error keeps them (minus any seat that meanwhile became taken).

use std::sync::Arc;

use leptos::prelude::*;

use super::error_panel::ErrorPanel;
use super::hall_view::HallView;
use super::skeleton::{Skeleton, SkeletonKind};
use super::use_widget;
use crate::api;
use crate::api_error::ApiError;
use crate::hall::HallAvailability;
use crate::selection::Selection;

#[component]
pub fn HallScreen(event_id: String, show_id: String) -> impl IntoView {
    let config = use_widget().config;
    let layout = {
        let (config, event_id, show_id) = (config.clone(), event_id.clone(), show_id.clone());
        LocalResource::new(move || api::fetch_layout(config.clone(), event_id.clone(), show_id.clone()))
    };
    let availability = LocalResource::new(move || {
        api::fetch_availability(config.clone(), event_id.clone(), show_id.clone())
    });
    let selection = RwSignal::new(Selection::default());
    let retry = Callback::new(move |()| {
        layout.refetch();
        availability.refetch();
    });

    view! {
        <Suspense fallback=|| view! { <Skeleton kind=SkeletonKind::Hall /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors on_retry=retry /> }>
                {move || Suspend::new(async move {
                    let layout = layout.await?;
                    let availability = availability.await?;
                    let hall_availability = HallAvailability::from_documents(&layout, &availability)?;
                    selection.update(|selection| {
                        selection.drop_unavailable(&hall_availability.seats, &hall_availability.admissions_left);
                    });
                    Ok::<_, ApiError>(view! {
                        <HallView layout availability=Arc::new(hall_availability) selection />
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
