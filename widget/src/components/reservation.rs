//! What the hall's parts share while the buyer picks and reserves, provided
//! by `HallScreen` as context: the live availability ([`LiveHall`]), how to
//! read the hall again ([`RereadHall`]), the state of reserving
//! ([`Reservation`]) and the reserve action itself ([`reserve`]), used by
//! the order summary's button, the "best seats" form and the seat map (a
//! "reserve" pressed on the picking stage before the widget was there).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ticket_contract::{Availability, Layout};

use crate::hall::{seat_indices, ReportedTaken};
use crate::hold_session::use_hold_session;
use crate::selection::{Selection, TakenPicks};

/// The hall's live availability, provided to the views below.
#[derive(Clone, Copy)]
pub struct LiveHall {
    /// The newest availability document (`None` until the first arrives).
    pub document: RwSignal<Option<Arc<Availability>>>,
    /// Whether the feed is live (the hall's `data-live`); otherwise the
    /// document is polled (or, while the page is hidden, not read at all).
    pub connected: RwSignal<bool>,
}

/// Reads the hall (layout and availability) again, past the browser cache.
#[derive(Clone, Copy)]
pub struct RereadHall(pub Callback<()>);

/// The state of reserving in one hall, provided by `HallScreen` to the
/// summary (which owns the button and shows what happened) and the map.
#[derive(Clone, Copy)]
pub struct Reservation {
    pub reserving: RwSignal<bool>,
    /// What the last attempt ended in, if it failed.
    pub outcome: RwSignal<Option<ReserveOutcome>>,
    /// Seats the proxy said are taken, shown as such at once and until a
    /// newer availability document knows about them.
    pub taken_seats: RwSignal<ReportedTaken>,
}

/// Why the last reservation did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveOutcome {
    /// `seat_unavailable`: someone else was faster.
    SeatsTaken(TakenPicks),
    /// Any other error, by code.
    Failed(String),
}

/// `POST /v1/holds` for everything picked (the summary's reserve button);
/// the checkout takes over on success.
pub fn reserve(layout: Arc<Layout>, selection: RwSignal<Selection>) {
    let reservation = expect_context::<Reservation>();
    let session = use_hold_session();
    let live = expect_context::<LiveHall>();
    let reread_hall = use_context::<RereadHall>();
    let mut picked = selection.get_untracked();
    let request = picked.hold_request(&layout);
    // Not while a pick someone else took is still on the buyer's screen.
    if reservation.reserving.get_untracked() || !picked.may_reserve() {
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
                let shown_revision = live.document.try_with_untracked(|shown| shown.as_ref().map_or(0, |shown| shown.revision));
                let _ = reservation
                    .taken_seats
                    .try_update(|taken_seats| taken_seats.report(newly_taken, shown_revision.unwrap_or(0)));
                let _ = selection.try_set(picked);
                let _ = reservation.outcome.try_set(Some(ReserveOutcome::SeatsTaken(taken)));
                session.refresh_availability();
            }
            Err(error) if error.code() == "price_changed" => {
                // The proxy has the new prices already: show them, keep the picks.
                let _ = reservation.outcome.try_set(Some(ReserveOutcome::Failed(error.code().to_owned())));
                if let Some(RereadHall(reread)) = reread_hall {
                    reread.run(());
                }
            }
            Err(error) => {
                let _ = reservation.outcome.try_set(Some(ReserveOutcome::Failed(error.code().to_owned())));
            }
        }
        let _ = reservation.reserving.try_set(false);
    });
}
