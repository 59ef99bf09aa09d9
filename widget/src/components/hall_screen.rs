//! One show's hall: fetches the layout and the availability side by side,
//! checks that they belong together, and hands both to `HallView`; and
//! reserves what the buyer picked.
//!
//! The buyer's picks live here, above the loading boundary, so a retry after a
//! network error keeps them (minus any seat that meanwhile became taken). A
//! reservation refused because someone else was faster (`seat_unavailable`)
//! un-picks only the seats the proxy names, marks them taken, refreshes
//! availability (bypassing the browser cache) and says how many were lost.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ticket_contract::Layout;

use super::error_panel::ErrorPanel;
use super::hall_view::{HallView, Reservation, ReserveOutcome};
use super::skeleton::{Skeleton, SkeletonKind};
use super::use_widget;
use crate::api;
use crate::api_error::ApiError;
use crate::hall::{seat_indices, HallAvailability};
use crate::hold_session::use_hold_session;
use crate::selection::Selection;

#[component]
pub fn HallScreen(event_id: String, show_id: String) -> impl IntoView {
    let config = use_widget().config;
    let session = use_hold_session();
    let layout = {
        let (config, event_id, show_id) = (config.clone(), event_id.clone(), show_id.clone());
        LocalResource::new(move || api::fetch_layout(config.clone(), event_id.clone(), show_id.clone()))
    };
    let availability = LocalResource::new(move || {
        // Any hold operation bumps the generation: refetch, past the cache.
        let fresh = session.availability_must_be_fresh();
        api::fetch_availability(config.clone(), event_id.clone(), show_id.clone(), fresh)
    });
    let selection = RwSignal::new(Selection::default());
    let reservation =
        Reservation { reserving: RwSignal::new(false), outcome: RwSignal::new(None), taken_seats: RwSignal::new(Vec::new()) };
    provide_context(reservation);
    let retry = Callback::new(move |()| {
        layout.refetch();
        availability.refetch();
    });

    view! {
        <Transition fallback=|| view! { <Skeleton kind=SkeletonKind::Hall /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors on_retry=retry /> }>
                {move || Suspend::new(async move {
                    let layout = layout.await?;
                    let availability = availability.await?;
                    let mut hall_availability = HallAvailability::from_documents(&layout, &availability)?;
                    hall_availability.mark_taken(&reservation.taken_seats.get_untracked());
                    selection.update(|selection| {
                        selection.drop_unavailable(&hall_availability.seats, &hall_availability.admissions_left);
                    });
                    Ok::<_, ApiError>(view! {
                        <HallView layout availability=Arc::new(hall_availability) selection />
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// `POST /v1/holds` for everything picked (the summary's reserve button);
/// the checkout takes over on success.
pub fn reserve(layout: Arc<Layout>, selection: RwSignal<Selection>) {
    let reservation = expect_context::<Reservation>();
    let session = use_hold_session();
    let mut picked = selection.get_untracked();
    let request = picked.hold_request(&layout);
    if reservation.reserving.get_untracked() || (request.seats.is_empty() && request.admission.is_empty()) {
        return;
    }
    reservation.reserving.set(true);
    reservation.outcome.set(None);
    // `try_` after the request: the buyer may have left this hall (or the
    // page removed the widget) while it ran, disposing these signals.
    spawn_local(async move {
        match session.reserve(&request).await {
            // The checkout replaces this hall now; its signals are going away.
            Ok(()) => return,
            Err(error) if error.code() == "seat_unavailable" => {
                let taken = picked.remove_taken(&layout, error.unavailable());
                let newly_taken = seat_indices(&layout, error.unavailable());
                let _ = reservation.taken_seats.try_update(|taken_seats| taken_seats.extend(newly_taken));
                let _ = selection.try_set(picked);
                let _ = reservation.outcome.try_set(Some(ReserveOutcome::SeatsTaken(taken)));
                session.refresh_availability();
            }
            Err(error) => {
                let _ = reservation.outcome.try_set(Some(ReserveOutcome::Failed(error.code().to_owned())));
            }
        }
        let _ = reservation.reserving.try_set(false);
    });
}
