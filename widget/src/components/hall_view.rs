//! The hall once its data is in: seat map and legend for seated zones,
//! steppers for general admission, and the order summary beside them (below
//! them on narrow screens), with the "best seats" form under it.
//!
//! The availability is a memo of the hall's live document: every part below
//! follows it in place (circles, "N left", the tooltip). When it takes a pick
//! from the buyer, the pick is moved to the selection's lost list — but not
//! while the buyer's own reservation is on its way, since the proxy may
//! already count their seats as taken (they must not flicker to "lost").

use crate::hold_session::use_hold_session;
use crate::host_events::HostEvent;
use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use ticket_contract::Layout;

use crate::announcements::selection_change;

use super::admission_stepper::AdmissionStepper;
use super::announcer::use_announcer;
use super::best_seats_form::BestSeatsForm;
use super::reservation::{LiveHall, Reservation};
use super::seat_map::SeatMap;
use super::selection_summary::SelectionSummary;
use super::use_widget;
use super::zone_legend::ZoneLegend;
use crate::hall::HallAvailability;
use crate::i18n::WidgetTexts;
use crate::paint_adoption::decline_if_waiting;
use crate::selection::Selection;

#[component]
pub fn HallView(layout: Arc<Layout>, initial: Arc<HallAvailability>, selection: RwSignal<Selection>) -> impl IntoView {
    let texts = use_widget().lang.texts();
    let live = expect_context::<LiveHall>();
    let reservation = expect_context::<Reservation>();
    // The host page hears of every change of the picks (`ticket-widget:select`),
    // not of the empty start.
    {
        let (layout, session) = (layout.clone(), use_hold_session());
        Effect::new(move |told_before: Option<bool>| {
            let picked = selection.get();
            if told_before == Some(true) || !picked.is_empty() {
                session.tell_host(&HostEvent::select(&layout, &picked));
                return true;
            }
            false
        });
    }
    let availability = {
        let layout = layout.clone();
        Memo::new(move |previous: Option<&Arc<HallAvailability>>| {
            let decoded = live.document.with(|document| {
                let document = document.as_ref()?;
                let mut decoded = HallAvailability::from_documents(&layout, document).ok()?;
                reservation.taken_seats.with(|taken| taken.apply(&mut decoded, document.revision));
                Some(Arc::new(decoded))
            });
            // A document the layout cannot read (the hall is being read again) changes nothing.
            decoded.or_else(|| previous.cloned()).unwrap_or_else(|| initial.clone())
        })
    };
    Effect::new(move |_| {
        let (Some(hall), Some(false)) = (availability.try_get(), reservation.reserving.try_get()) else { return };
        let Some(mut picked) = selection.try_get_untracked() else { return };
        if !picked.take_conflicts(&hall.seats, &hall.admissions_left).is_empty() {
            selection.set(picked);
        }
    });
    // What the buyer picked or put back (on the map, in the seat list, with
    // a stepper) is said in the widget's live region.
    if let Some(announcer) = use_announcer() {
        let lang = use_widget().lang;
        let layout = layout.clone();
        let said_for = StoredValue::new(selection.get_untracked());
        Effect::new(move |_| {
            let Some(now) = selection.try_get() else { return };
            let before = said_for.get_value();
            said_for.set_value(now.clone());
            if let Some(text) = selection_change(lang, &layout, &before, &now) {
                announcer.say(text);
            }
        });
    }
    let stale = move || live.document.with(|document| document.as_ref().is_some_and(|document| document.stale));

    let has_seats = !layout.seats.is_empty();
    let has_admissions = !layout.admissions.is_empty();
    let seated = has_seats.then(|| {
        view! {
            <section class="tw-seating" part="plan">
                <h3 class="tw-subheading">{texts.choose_seats}</h3>
                <SeatMap layout=layout.clone() availability selection />
                <ZoneLegend layout=layout.clone() />
            </section>
        }
    });
    let admissions = has_admissions.then(|| {
        let steppers = (0..layout.admissions.len())
            .map(|admission_index| {
                let quantity_left = Memo::new(move |_| availability.with(|hall| hall.admission_left(admission_index)));
                view! { <AdmissionStepper layout=layout.clone() admission_index quantity_left selection /> }
            })
            .collect_view();
        view! {
            <section class="tw-admissions" part="admissions">
                <h3 class="tw-subheading">{texts.admissions_title}</h3>
                <ul class="tw-admission-list">{steppers}</ul>
            </section>
        }
    });
    // Without seats there is no map to adopt a painted first frame.
    let hall_box: NodeRef<html::Div> = NodeRef::new();
    if !has_seats {
        Effect::new(move |_| {
            if let Some(hall_box) = hall_box.get() {
                decline_if_waiting(&hall_box);
            }
        });
    }
    // "N best seats", chosen by the proxy: only where there are seats.
    let best_seats = has_seats.then(|| view! { <BestSeatsForm layout=layout.clone() /> });
    let nothing = (!has_seats && !has_admissions).then(|| view! { <p class="tw-empty">{texts.nothing_on_sale}</p> });
    view! {
        <div node_ref=hall_box class="tw-hall" part="hall" data-testid="hall" data-live=move || if live.connected.try_get().unwrap_or(false) { "live" } else { "polling" }>
            <div class="tw-hall-main">
                <p class="tw-stale" data-testid="availability-stale" hidden=move || !stale()>
                    {texts.availability_stale}
                </p>
                {seated}
                {admissions}
                {nothing}
            </div>
            <aside class="tw-hall-side" part="side-panel">
                <SelectionSummary layout=layout.clone() selection />
                {best_seats}
            </aside>
        </div>
    }
}
