//! The bubble over the seat under the pointer (or the last tapped seat on a
//! touch screen): zone, row and place, price — or that the seat is taken.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::hall::{zone_class, HallAvailability};
use crate::i18n::seat_label;
use crate::money::format_price;
use crate::number::fixed;

/// Which seat the tooltip is about and where that seat is drawn, in pixels
/// relative to the map box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooltipAnchor {
    pub seat_index: usize,
    /// Horizontal centre of the seat.
    pub x: f64,
    /// Top and bottom edge of the seat.
    pub top: f64,
    pub bottom: f64,
    /// Width of the map box, to keep the bubble inside it.
    pub box_width: f64,
}

/// Half the bubble's width budget; the bubble is centred on the seat unless
/// that would push it over the map's edge.
const HALF_WIDTH_PX: f64 = 95.0;

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
        let x = anchor
            .x
            .clamp(HALF_WIDTH_PX.min(anchor.box_width / 2.0), (anchor.box_width - HALF_WIDTH_PX).max(anchor.box_width / 2.0));
        // Above the seat, unless that would leave the map at the top.
        let below = anchor.top < 84.0;
        let y = if below { anchor.bottom } else { anchor.top };
        let style = format!("left:{}px;top:{}px", fixed(x, 0), fixed(y, 0));
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
