//! The bubble over the seat under the pointer (or the last tapped seat on a
//! touch screen): zone, row and place, price — or that the seat is taken.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::hall::{zone_class, HallAvailability};
use crate::i18n::{seat_label, WidgetTexts};
use crate::money::format_price;
use crate::number::fixed;

// Placed by `ticket-hall` (the seat-picking stage places its bubble alike).
pub use ticket_hall::tooltip::TooltipAnchor;

#[component]
pub fn SeatTooltip(
    layout: Arc<Layout>,
    availability: Memo<Arc<HallAvailability>>,
    anchor: Signal<Option<TooltipAnchor>>,
) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    move || {
        let anchor = anchor.get()?;
        let seat = layout.seats.get(anchor.seat_index)?;
        let zone_name = layout.zones.get(seat.zone as usize).map(|zone| zone.name.clone()).unwrap_or_default();
        // Above the seat, unless that would leave the map at the top.
        let placement = anchor.placement();
        let below = placement.below;
        let style = format!("left:{}px;top:{}px", fixed(placement.left, 0), fixed(placement.top, 0));
        let available = availability.try_with(|availability| availability.is_seat_available(anchor.seat_index));
        let price_or_state = if available.unwrap_or(false) {
            view! { <span class="tw-tooltip-price">{format_price(lang, seat.price)}</span> }.into_any()
        } else {
            view! { <span class="tw-tooltip-taken">{texts.seat_not_available}</span> }.into_any()
        };
        Some(view! {
            <div class="tw-tooltip" class:tw-tooltip-below=below style=style data-testid="seat-tooltip" role="tooltip">
                <span class="tw-tooltip-zone">
                    <span class=format!("tw-swatch {}", zone_class(seat.zone as usize)) aria-hidden="true"></span>
                    {zone_name}
                </span>
                <span class="tw-tooltip-seat">{seat_label(lang, &seat.row, &seat.place)}</span>
                {price_or_state}
            </div>
        })
    }
}
