//! The key to the seat map: each seated zone's colour, name and price (range),
//! and what available / selected / taken seats look like.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;

use super::use_widget;
use crate::hall::{seated_zones, zone_class};
use crate::i18n::WidgetTexts;
use crate::money::format_price_range_for;

#[component]
pub fn ZoneLegend(layout: Arc<Layout>) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let zones = seated_zones(&layout)
        .into_iter()
        .filter_map(|zone_index| {
            let zone = layout.zones.get(zone_index)?;
            Some(view! {
                <li class="tw-legend-zone" data-zone-id=zone.id.clone()>
                    <span class=format!("tw-swatch {}", zone_class(zone_index)) aria-hidden="true"></span>
                    <span class="tw-legend-name">{zone.name.clone()}</span>
                    <span class="tw-legend-price">{format_price_range_for(lang, zone.price_min, zone.price_max)}</span>
                </li>
            })
        })
        .collect_view();
    view! {
        <div class="tw-legend" data-testid="zone-legend">
            <h4 class="tw-visually-hidden">{texts.prices_title}</h4>
            <ul class="tw-legend-zones">{zones}</ul>
            <ul class="tw-legend-states">
                <li><span class="tw-key tw-key-available" aria-hidden="true"></span>{texts.state_available}</li>
                <li><span class="tw-key tw-key-selected" aria-hidden="true"></span>{texts.state_selected}</li>
                <li><span class="tw-key tw-key-unavailable" aria-hidden="true"></span>{texts.state_unavailable}</li>
            </ul>
        </div>
    }
}
