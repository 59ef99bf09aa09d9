//! The hall once its data is in: seat map and legend for seated zones,
//! steppers for general admission, and the order summary beside them (below
//! them on narrow screens).

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use crate::selection::TakenPicks;

use super::admission_stepper::AdmissionStepper;
use super::seat_map::SeatMap;
use super::selection_summary::SelectionSummary;
use super::use_widget;
use super::zone_legend::ZoneLegend;
use crate::hall::HallAvailability;
use crate::selection::Selection;

/// The state of reserving in one hall, provided by `HallScreen` to the
/// summary (which owns the button and shows what happened) and the map.
#[derive(Clone, Copy)]
pub struct Reservation {
    pub reserving: RwSignal<bool>,
    /// What the last attempt ended in, if it failed.
    pub outcome: RwSignal<Option<ReserveOutcome>>,
    /// Seats (layout indices) the proxy said are taken, shown as such at once
    /// and until the next availability document agrees.
    pub taken_seats: RwSignal<Vec<usize>>,
}

/// Why the last reservation did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveOutcome {
    /// `seat_unavailable`: someone else was faster.
    SeatsTaken(TakenPicks),
    /// Any other error, by code.
    Failed(String),
}

#[component]
pub fn HallView(layout: Arc<Layout>, availability: Arc<HallAvailability>, selection: RwSignal<Selection>) -> impl IntoView {
    let texts = use_widget().lang.texts();
    let has_seats = !layout.seats.is_empty();
    let has_admissions = !layout.admissions.is_empty();
    let seated = has_seats.then(|| {
        view! {
            <section class="tw-seating">
                <h3 class="tw-subheading">{texts.choose_seats}</h3>
                <SeatMap layout=layout.clone() availability=availability.clone() selection />
                <ZoneLegend layout=layout.clone() />
            </section>
        }
    });
    let admissions = has_admissions.then(|| {
        let steppers = (0..layout.admissions.len())
            .map(|admission_index| {
                view! {
                    <AdmissionStepper
                        layout=layout.clone()
                        admission_index
                        quantity_left=availability.admission_left(admission_index)
                        selection
                    />
                }
            })
            .collect_view();
        view! {
            <section class="tw-admissions">
                <h3 class="tw-subheading">{texts.admissions_title}</h3>
                <ul class="tw-admission-list">{steppers}</ul>
            </section>
        }
    });
    let nothing = (!has_seats && !has_admissions).then(|| view! { <p class="tw-empty">{texts.nothing_on_sale}</p> });
    view! {
        <div class="tw-hall">
            <div class="tw-hall-main">{seated} {admissions} {nothing}</div>
            <aside class="tw-hall-side">
                <SelectionSummary layout=layout.clone() selection />
            </aside>
        </div>
    }
}
