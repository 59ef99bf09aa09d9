//! The key to the seat map: each seated zone's colour, name and price (range),
//! and what available / selected / taken seats look like. Static for a
//! layout: its contents are `ticket-hall`'s markup, the one the seat-picking
//! stage shows before the widget.

use std::sync::Arc;

use leptos::prelude::*;
use ticket_contract::Layout;
use ticket_hall::map_parts::{legend_contents, LEGEND_CLASS, LEGEND_TEST_ID};

use super::use_widget;

#[component]
pub fn ZoneLegend(layout: Arc<Layout>) -> impl IntoView {
    let contents = legend_contents(use_widget().lang, &layout);
    view! { <div class=LEGEND_CLASS data-testid=LEGEND_TEST_ID inner_html=contents></div> }
}
