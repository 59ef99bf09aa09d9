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
//! the buyer sees the same circles, now interactive, in the same view (the
//! painted `<svg>`'s `viewBox`, which the seat-picking stage may have
//! zoomed: `painted_view`). Whatever else the widget
//! shows first (an error, a hall without seats, a checkout) says
//! `tw-paint-declined`, and the loader shows the widget as it is.

use ticket_contract::Layout;
use ticket_hall::hand_over::{REQUESTED, RESERVE_MARKER, SEAT_LIST_MARKER};
use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, Element, Event, EventInit, SvgsvgElement};

use crate::hall::{seat_indices, SeatState};
use crate::viewport::ViewBox;

/// The painted hall's box (`.tw-painted`, the loader's or a partner's first
/// frame) beside `element`, in the same shadow root (or document).
fn painted_box(element: &Element) -> Option<Element> {
    let root = element.get_root_node();
    match root.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.query_selector(".tw-painted").ok()?,
        None => root.dyn_ref::<Document>()?.query_selector(".tw-painted").ok()?,
    }
}

/// The painted seat layer of `layout` beside `element` (same shadow root),
/// if the loader showed one for this very layout.
pub fn painted_seat_layer(element: &Element, layout: &Layout) -> Option<Element> {
    let layer = painted_box(element)?.query_selector("svg[data-layout-version] > g.tw-seats").ok()??;
    let svg = layer.parent_element()?;
    let same_layout = svg.get_attribute("data-layout-version").as_deref() == Some(layout.version.as_str())
        && layer.child_element_count() as usize == layout.seats.len();
    same_layout.then_some(layer)
}

/// The view the painted `<svg>` around `layer` shows (its `viewBox`, which
/// the seat-picking stage zooms and pans), read by the browser's own parser:
/// `None` when there is no such `<svg>`; an absent or broken `viewBox` reads
/// as zeros, which `Viewport::resume` takes for the whole hall.
pub fn painted_view(layer: &Element) -> Option<ViewBox> {
    let svg = layer.parent_element()?.dyn_into::<SvgsvgElement>().ok()?;
    let rect = svg.view_box().base_val()?;
    Some(ViewBox { x: rect.x() as f64, y: rect.y() as f64, width: rect.width() as f64, height: rect.height() as f64 })
}

/// The seats the buyer picked on the painted hall before the widget was
/// there (the loader and the picking stage draw them `selected`; the stage
/// draws one its live feed saw taken `lost`, which the widget's own reading
/// then flags lost again), as indices into `layout`: by seat id, so they
/// carry over even when the paint was of another layout version and is
/// declined. In layout order.
pub fn early_picks(element: &Element, layout: &Layout) -> Vec<usize> {
    let picked = painted_box(element).and_then(|painted| {
        painted.query_selector_all("g.tw-seats > [data-state=selected], g.tw-seats > [data-state=lost]").ok()
    });
    let Some(picked) = picked else { return Vec::new() };
    let ids: Vec<String> = (0..picked.length())
        .filter_map(|index| picked.item(index)?.dyn_into::<Element>().ok()?.get_attribute("data-seat-id"))
        .collect();
    seat_indices(layout, &ids)
}

/// The general-admission quantities the buyer chose on the picking stage's
/// steppers (`admission-stepper` entries in the painted box, found by
/// `data-admission-id`), as `(index into layout.admissions, quantity)`;
/// none chosen, none listed.
pub fn early_admissions(element: &Element, layout: &Layout) -> Vec<(usize, u32)> {
    let steppers = painted_box(element).and_then(|painted| painted.query_selector_all("[data-testid=admission-stepper]").ok());
    let Some(steppers) = steppers else { return Vec::new() };
    (0..steppers.length())
        .filter_map(|item| {
            let stepper = steppers.item(item)?.dyn_into::<Element>().ok()?;
            let id = stepper.get_attribute("data-admission-id")?;
            let index = layout.admissions.iter().position(|admission| admission.id == id)?;
            let shown = stepper.query_selector("[data-testid=admission-quantity]").ok()??.text_content()?;
            let quantity: u32 = shown.trim().parse().ok()?;
            (quantity > 0).then_some((index, quantity))
        })
        .collect()
}

/// The circle the picking stage made the plan's tab stop in `layer` (a
/// roving `tabindex`), and whether it has focus: the widget carries both
/// over (moving the circle into its map would drop the focus).
pub fn tab_stop(layer: &Element) -> Option<(Element, bool)> {
    let stop = layer.query_selector(":scope > [tabindex]").ok()??;
    let focused = stop.matches(":focus").unwrap_or(false);
    Some((stop, focused))
}

/// Whether the buyer pressed "reserve" on the picking stage (its
/// `data-reserve="requested"` on the seat layer); clears the request.
pub fn take_reserve_request(layer: &Element) -> bool {
    take_request(layer, RESERVE_MARKER)
}

/// Whether the buyer opened the seat list on the picking stage's toolbar
/// (its `data-seat-list="requested"` on the seat layer; the list itself
/// comes with the widget); clears the request.
pub fn take_seat_list_request(layer: &Element) -> bool {
    take_request(layer, SEAT_LIST_MARKER)
}

fn take_request(layer: &Element, marker: &str) -> bool {
    let requested = layer.get_attribute(marker).as_deref() == Some(REQUESTED);
    let _ = layer.remove_attribute(marker);
    requested
}

/// Whether a painted hall is waiting beside `element` (for any layout).
pub fn paint_is_waiting(element: &Element) -> bool {
    painted_box(element).is_some()
}

/// The state each adopted circle shows (the loader applied the availability;
/// an available seat has no `data-state`).
pub fn shown_states(layer: &Element) -> Vec<SeatState> {
    let circles = layer.children();
    (0..circles.length())
        .map(|index| {
            SeatState::from_data_state(circles.item(index).and_then(|circle| circle.get_attribute("data-state")).as_deref())
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
