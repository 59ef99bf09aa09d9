//! The widget's Leptos components, one per file, and the context they share.
//!
//! Screens: [`widget_app::WidgetApp`] (root, navigation, events resource,
//! the hold session) → [`event_list::EventList`] → [`show_picker::ShowPicker`]
//! → [`hall_screen::HallScreen`] (layout + availability resources, the live
//! feed; what the hall's parts share, and the reserve action, are
//! [`reservation`]) →
//! [`hall_view::HallView`], which composes [`seat_map::SeatMap`],
//! [`zone_legend::ZoneLegend`], [`admission_stepper::AdmissionStepper`] and
//! [`selection_summary::SelectionSummary`], with
//! [`best_seats_form::BestSeatsForm`] under the summary for seated halls; the
//! map's "Seat list" toggle opens [`seat_list::SeatList`], the same seats as a
//! list. The root also holds [`announcer::LiveAnnouncer`], the widget's one
//! polite live region. Loading and failure look the same
//! everywhere: [`skeleton::Skeleton`] and [`error_panel::ErrorPanel`].
//!
//! While the buyer holds places, [`checkout_screen::CheckoutScreen`] replaces
//! the hall: [`hold_timer::HoldTimer`] and the cart beside
//! [`buyer_form::BuyerForm`] → the pay button → [`payment_wait::PaymentWait`]
//! → the tickets (with [`promocode_form::PromocodeForm`] under the cart
//! before payment, for shows that take promo codes); the read-only parts (cart, pay step, tickets with their
//! barcodes) are markup from `checkout_markup`, since reactive views for
//! static text cost wasm size for nothing. [`hold_notice::HoldNoticeBanner`]
//! says how a hold ended.

use std::sync::Arc;

use leptos::prelude::*;

use crate::config::WidgetConfig;
use crate::i18n::Lang;

pub mod admission_stepper;
pub mod announcer;
pub mod best_seats_form;
pub mod buyer_form;
pub mod checkout_module;
pub mod checkout_screen;
pub mod error_panel;
pub mod event_header;
pub mod event_list;
pub mod hall_screen;
pub mod hall_view;
pub mod hold_notice;
pub mod hold_timer;
pub mod payment_wait;
pub mod promocode_form;
pub mod reservation;
pub mod seat_list;
pub mod seat_map;
pub mod seat_tooltip;
pub mod selection_summary;
pub mod show_picker;
pub mod skeleton;
pub mod widget_app;
pub mod zone_legend;

/// What every component of one mounted widget needs: its configuration and
/// language. Provided by `WidgetApp`; each mounted widget has its own.
#[derive(Clone)]
pub struct WidgetContext {
    pub config: Arc<WidgetConfig>,
    pub lang: Lang,
}

/// The context of the widget this component belongs to.
pub fn use_widget() -> WidgetContext {
    expect_context::<WidgetContext>()
}
