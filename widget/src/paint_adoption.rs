//! Taking over the hall the edge painted (browser glue; the markup itself is
//! `ticket-paint`'s, shared with the proxy).
//!
//! A page that opens one date gets the seat map already drawn: the loader
//! (`static/widget.js`) fetches `…/paint` next to the wasm, applies the
//! availability bits and shows it in the shadow root, the widget's own tree
//! waiting invisible beside it. When the seat map mounts it moves the painted
//! `<g class="tw-seats">` (10,000 circles, built once by the browser's parser)
//! into its own `<svg>` instead of building them again, and says so with a
//! `tw-paint-adopted` event; the loader then swaps the two in one task, so
//! the buyer sees the same circles, now interactive. Whatever else the widget
//! shows first (an error, a hall without seats, a checkout) says
//! `tw-paint-declined`, and the loader shows the widget as it is.

use ticket_contract::Layout;
use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, Element, Event, EventInit};

use crate::hall::SeatState;

/// Where the loader puts the painted seat layer (in the widget's shadow root).
const PAINTED_LAYER: &str = ".tw-painted svg[data-layout-version] > g.tw-seats";

/// The painted seat layer of `layout` beside `element` (same shadow root),
/// if the loader showed one for this very layout.
pub fn painted_seat_layer(element: &Element, layout: &Layout) -> Option<Element> {
    let root = element.get_root_node();
    let layer = match root.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.query_selector(PAINTED_LAYER).ok()??,
        None => root.dyn_ref::<Document>()?.query_selector(PAINTED_LAYER).ok()??,
    };
    let svg = layer.parent_element()?;
    let same_layout = svg.get_attribute("data-layout-version").as_deref() == Some(layout.version.as_str())
        && layer.child_element_count() as usize == layout.seats.len();
    same_layout.then_some(layer)
}

/// Whether a painted hall is waiting beside `element` (for any layout).
pub fn paint_is_waiting(element: &Element) -> bool {
    let root = element.get_root_node();
    let selector = ".tw-painted";
    match root.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.query_selector(selector).ok().flatten().is_some(),
        None => root.dyn_ref::<Document>().and_then(|document| document.query_selector(selector).ok().flatten()).is_some(),
    }
}

/// The state each adopted circle shows (the loader applied the availability;
/// an available seat has no `data-state`).
pub fn shown_states(layer: &Element) -> Vec<SeatState> {
    let circles = layer.children();
    (0..circles.length())
        .map(|index| match circles.item(index).and_then(|circle| circle.get_attribute("data-state")).as_deref() {
            None => SeatState::Available,
            Some("selected") => SeatState::Selected,
            Some("lost") => SeatState::Lost,
            Some(_) => SeatState::Unavailable,
        })
        .collect()
}

/// Tells the loader the painted hall was adopted (`true`) or will not be.
pub fn announce(from: &Element, adopted: bool) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let name = if adopted { "tw-paint-adopted" } else { "tw-paint-declined" };
    if let Ok(event) = Event::new_with_event_init_dict(name, &init) {
        let _ = from.dispatch_event(&event);
    }
}

/// For views that replace the hall (errors, a hall without seats, the
/// checkout): once on the page, they decline a paint that is waiting.
pub fn decline_if_waiting(element: &Element) {
    if paint_is_waiting(element) {
        announce(element, false);
    }
}
