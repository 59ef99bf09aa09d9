//! The interactive hall plan: one SVG `<circle>` per seat, zoomed and panned by
//! changing the `viewBox` (mouse drag, wheel, pinch, keyboard, − / + buttons).
//!
//! On a phone a finger cannot hit a 3-px seat: while seats are under 24 CSS px
//! a tap zooms to where it landed (`Viewport::tap`) and the next one selects;
//! a "whole hall" button over the plan leads back out; the `<svg>` has
//! `touch-action: none`, so panning never scrolls the page.
//!
//! Built for 10,000-seat halls: the circles are inserted once as markup
//! (`hall::seats_markup`) instead of 10,000 reactive views — or, when the
//! edge painted the hall before the wasm arrived, those very circles are
//! adopted (`paint_adoption`) — a single set of
//! listeners on the `<svg>` finds the seat under the pointer through its
//! `data-index` (event delegation), and an effect rewrites `data-state` only on
//! circles whose state changed — whether the buyer clicked or the live feed
//! says a seat was taken or freed. Colours come from classes, states from
//! `data-state`; taken seats are also smaller and hollow, a pick someone else
//! took has a dashed ring, and both carry `aria-disabled`, so they differ by
//! more than colour.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use leptos::svg;
use ticket_contract::Layout;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};

use super::seat_tooltip::{SeatTooltip, TooltipAnchor};
use super::use_widget;
use crate::hall::{seat_radius, seat_states, seats_markup, HallAvailability, SeatState};
use crate::paint_adoption;
use crate::selection::Selection;
use crate::viewport::{wheel_zoom_factor, GestureStep, GestureTracker, Point, ScreenRect, TapAction, Viewport};
use ticket_paint::{labels_markup, map_style};

/// Zoom step of the − / + buttons and keys.
const BUTTON_ZOOM_FACTOR: f64 = 1.6;
/// Pan step of the arrow keys, in pixels.
const KEY_PAN_PX: f64 = 60.0;

#[component]
pub fn SeatMap(
    layout: Arc<Layout>,
    /// What can be bought now; follows the live feed.
    availability: Memo<Arc<HallAvailability>>,
    selection: RwSignal<Selection>,
) -> impl IntoView {
    let texts = use_widget().lang.texts();
    let radius = seat_radius(&layout);
    let viewport = Viewport::new(layout.width as f64, layout.height as f64, radius);
    let view_box = RwSignal::new(viewport.fit());
    let gesture = StoredValue::new(GestureTracker::default());
    let tooltip = RwSignal::new(None::<TooltipAnchor>);
    let svg_element: NodeRef<svg::Svg> = NodeRef::new();
    let map_box: NodeRef<html::Div> = NodeRef::new();

    // Set up once the <svg> is on the page: adopt the seat layer the edge
    // painted (see `paint_adoption`), or build it from the same markup.
    let shown_states = StoredValue::new(Vec::<SeatState>::new());
    let seats_set_up = StoredValue::new(false);

    // Keep every circle's data-state in step with availability and picks,
    // touching only the circles that changed.
    let layout_for_seats = layout.clone();
    Effect::new(move |_| {
        // `try_`: this may run once more just as a hold replaces the hall.
        let (Some(availability), Some(picked)) = (availability.try_get(), selection.try_get()) else { return };
        let wanted_states = seat_states(&availability, &picked);
        let Some(svg) = svg_element.get() else { return };
        let svg: &Element = svg.unchecked_ref();
        let Some(mut layer) = seat_layer_of(svg) else { return };
        let mut adopted = false;
        if !seats_set_up.get_value() {
            seats_set_up.set_value(true);
            match paint_adoption::painted_seat_layer(svg, &layout_for_seats) {
                Some(painted) => {
                    let _ = layer.replace_with_with_node_1(&painted);
                    shown_states.set_value(paint_adoption::shown_states(&painted));
                    layer = painted;
                    adopted = true;
                }
                None => {
                    layer.set_inner_html(&seats_markup(&layout_for_seats, radius, &wanted_states));
                    shown_states.set_value(wanted_states.clone());
                    paint_adoption::decline_if_waiting(svg);
                }
            }
        }
        let circles = layer.children();
        shown_states.update_value(|shown_states| {
            for (index, (shown, wanted)) in shown_states.iter_mut().zip(wanted_states).enumerate() {
                if *shown != wanted {
                    if let Some(circle) = circles.item(index as u32) {
                        apply_seat_state(&circle, wanted);
                    }
                    *shown = wanted;
                }
            }
        });
        if adopted {
            paint_adoption::announce(svg, true);
        }
    });

    let svg_rect = move || svg_element.get_untracked().map(|svg| screen_rect(&svg));
    let show_tooltip_for = move |target: Option<EventTarget>| {
        let anchor = (|| {
            let circle = target?.dyn_into::<Element>().ok()?;
            let seat_index = seat_index_of(&circle)?;
            let map = map_box.get_untracked()?.get_bounding_client_rect();
            let seat = circle.get_bounding_client_rect();
            Some(TooltipAnchor {
                seat_index,
                x: seat.left() + seat.width() / 2.0 - map.left(),
                top: seat.top() - map.top(),
                bottom: seat.bottom() - map.top(),
                box_width: map.width(),
            })
        })();
        if tooltip.get_untracked() != anchor {
            tooltip.set(anchor);
        }
    };
    let zoom_by = move |factor: f64| view_box.update(|view| *view = viewport.zoom_centre(*view, factor));

    // What the last press was made with: a finger's or a pen's tap zooms
    // while seats are too small to hit (`Viewport::tap`), a mouse's click selects.
    let pressed_with_mouse = StoredValue::new(true);
    let on_pointer_down = move |event: PointerEvent| {
        pressed_with_mouse.set_value(event.pointer_type() == "mouse");
        if event.pointer_type() == "mouse" && event.button() != 0 {
            return;
        }
        gesture.update_value(|gesture| gesture.press(event.pointer_id(), client_point(&event)));
    };
    let on_pointer_move = move |event: PointerEvent| {
        let step = gesture
            .try_update_value(|gesture| gesture.moved(event.pointer_id(), client_point(&event)))
            .unwrap_or(GestureStep::Nothing);
        let Some(rect) = svg_rect() else { return };
        match step {
            GestureStep::Nothing => {
                let hovering = event.pointer_type() == "mouse" && !gesture.with_value(GestureTracker::is_pressed);
                if hovering {
                    show_tooltip_for(event.target());
                }
            }
            GestureStep::Pan { dx, dy } => {
                if let Some(svg) = svg_element.get_untracked() {
                    let _ = svg.set_pointer_capture(event.pointer_id());
                }
                tooltip.set(None);
                view_box.update(|view| *view = viewport.pan_by_pixels(*view, rect, dx, dy));
            }
            GestureStep::Pinch { before, after } => {
                tooltip.set(None);
                view_box.update(|view| *view = viewport.pinch(*view, rect, before, after));
            }
        }
    };
    let on_pointer_up = move |event: PointerEvent| {
        gesture.update_value(|gesture| gesture.released(event.pointer_id()));
    };
    let on_pointer_leave = move |event: PointerEvent| {
        // Touch pointers "leave" right after every tap; only a mouse leaving hides the bubble.
        if event.pointer_type() == "mouse" && !gesture.with_value(GestureTracker::is_pressed) {
            tooltip.set(None);
        }
    };
    let on_click = move |event: MouseEvent| {
        if gesture.with_value(GestureTracker::should_ignore_click) {
            return;
        }
        if !pressed_with_mouse.get_value() {
            if let Some(rect) = svg_rect() {
                let view = view_box.get_untracked();
                if let TapAction::ZoomTo(closer) = viewport.tap(view, rect, client_point(&event), radius) {
                    tooltip.set(None);
                    view_box.set(closer);
                    return;
                }
            }
        }
        let seat_index =
            event.target().and_then(|target| target.dyn_into::<Element>().ok()).and_then(|element| seat_index_of(&element));
        match seat_index {
            Some(seat_index) => {
                let available = availability.with_untracked(|availability| availability.is_seat_available(seat_index));
                selection.update(|picked| {
                    picked.toggle_seat(seat_index, available);
                });
                show_tooltip_for(event.target());
            }
            None => tooltip.set(None),
        }
    };
    let on_wheel = move |event: WheelEvent| {
        let Some(rect) = svg_rect() else { return };
        let factor = wheel_zoom_factor(event.delta_y(), event.delta_mode() == WheelEvent::DOM_DELTA_LINE);
        let zoom = viewport.zoom_of(view_box.get_untracked());
        let at_limit = (factor < 1.0 && zoom <= 1.0 + 1e-9) || (factor > 1.0 && zoom >= viewport.max_zoom() - 1e-9);
        if at_limit {
            // Nothing to zoom: let the page scroll instead of trapping the wheel.
            return;
        }
        event.prevent_default();
        tooltip.set(None);
        view_box.update(|view| {
            let focus = view.screen_to_layout(rect, client_point(&event));
            *view = viewport.zoom_at(*view, focus, factor);
        });
    };
    let on_key_down = move |event: KeyboardEvent| {
        let Some(rect) = svg_rect() else { return };
        let pan = |dx: f64, dy: f64| view_box.update(|view| *view = viewport.pan_by_pixels(*view, rect, dx, dy));
        match event.key().as_str() {
            "+" | "=" => zoom_by(BUTTON_ZOOM_FACTOR),
            "-" | "_" => zoom_by(1.0 / BUTTON_ZOOM_FACTOR),
            "0" => view_box.set(viewport.fit()),
            "ArrowLeft" => pan(KEY_PAN_PX, 0.0),
            "ArrowRight" => pan(-KEY_PAN_PX, 0.0),
            "ArrowUp" => pan(0.0, KEY_PAN_PX),
            "ArrowDown" => pan(0.0, -KEY_PAN_PX),
            _ => return,
        }
        event.prevent_default();
        tooltip.set(None);
    };

    let labels = labels_markup(&layout, radius);
    let aspect = map_style(&layout);
    let zoom = move || viewport.zoom_of(view_box.get());
    let at_deepest_zoom = move || zoom() >= viewport.max_zoom() - 1e-9;
    let at_whole_hall = move || zoom() <= 1.0 + 1e-9;

    view! {
        <div class="tw-map" node_ref=map_box style=aspect>
            <svg
                node_ref=svg_element
                class="tw-map-svg"
                data-testid="seat-map"
                role="group"
                aria-label=texts.seat_map_label
                tabindex="0"
                viewBox=move || view_box.get().to_attribute()
                preserveAspectRatio="xMidYMid meet"
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_up
                on:pointerleave=on_pointer_leave
                on:click=on_click
                on:wheel=on_wheel
                on:keydown=on_key_down
            >
                <g class="tw-labels" aria-hidden="true" inner_html=labels></g>
                <g class="tw-seats"></g>
            </svg>
            <SeatTooltip layout=layout.clone() availability anchor=tooltip.into() />
            // The way back out, in sight whenever the plan is zoomed (on a phone
            // the toolbar below may be scrolled away).
            <button
                type="button"
                class="tw-whole-hall"
                data-testid="whole-hall"
                hidden=at_whole_hall
                on:click=move |_| view_box.set(viewport.fit())
            >
                {texts.zoom_reset}
            </button>
        </div>
        <div class="tw-map-toolbar">
            <p class="tw-hint">{texts.map_hint}</p>
            <div class="tw-map-controls">
                <button
                    type="button"
                    class="tw-map-button"
                    data-testid="zoom-in"
                    aria-label=texts.zoom_in
                    title=texts.zoom_in
                    disabled=at_deepest_zoom
                    on:click=move |_| zoom_by(BUTTON_ZOOM_FACTOR)
                >
                    "+"
                </button>
                <button
                    type="button"
                    class="tw-map-button"
                    data-testid="zoom-out"
                    aria-label=texts.zoom_out
                    title=texts.zoom_out
                    disabled=at_whole_hall
                    on:click=move |_| zoom_by(1.0 / BUTTON_ZOOM_FACTOR)
                >
                    "−"
                </button>
                <button
                    type="button"
                    class="tw-map-button"
                    data-testid="zoom-reset"
                    aria-label=texts.zoom_reset
                    title=texts.zoom_reset
                    disabled=at_whole_hall
                    on:click=move |_| view_box.set(viewport.fit())
                >
                    <span aria-hidden="true">"⤢"</span>
                </button>
            </div>
        </div>
    }
}

fn apply_seat_state(circle: &Element, state: SeatState) {
    let _ = circle.set_attribute("data-state", state.as_str());
    if state.is_disabled() {
        let _ = circle.set_attribute("aria-disabled", "true");
    } else {
        let _ = circle.remove_attribute("aria-disabled");
    }
}

/// The seat layer (the map's last child): the `<g>` drawn here, or the
/// painted one adopted in its place.
fn seat_layer_of(svg: &Element) -> Option<Element> {
    svg.last_element_child()
}

fn seat_index_of(element: &Element) -> Option<usize> {
    element.get_attribute("data-index")?.parse().ok()
}

fn client_point(event: &MouseEvent) -> Point {
    Point::new(event.client_x() as f64, event.client_y() as f64)
}

fn screen_rect(element: &Element) -> ScreenRect {
    let rect = element.get_bounding_client_rect();
    ScreenRect { left: rect.left(), top: rect.top(), width: rect.width(), height: rect.height() }
}
