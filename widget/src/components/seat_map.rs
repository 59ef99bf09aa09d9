//! The interactive hall plan: one SVG `<circle>` per seat, zoomed and panned by
//! changing the `viewBox` (mouse drag, wheel, pinch, keyboard, − / + buttons).
//!
//! On a phone a finger cannot hit a 3-px seat: while seats are under 24 CSS px
//! a tap zooms to where it landed (`Viewport::tap`) and the next one selects;
//! a "whole hall" button over the plan leads back out; the `<svg>` has
//! `touch-action: none`, so panning never scrolls the page. Adopting a
//! painted hall, the plan starts from the view the seat-picking stage left
//! on it (`Viewport::resume`), so a buyer zoomed in before the widget came
//! stays where they are.
//!
//! Built for 10,000-seat halls: the circles are inserted once as markup
//! (`hall::seats_markup`) instead of 10,000 reactive views — or, when the
//! edge painted the hall before the wasm arrived, those very circles are
//! adopted (`paint_adoption`) — a single set of
//! listeners on the `<svg>` finds the seat under the pointer (event
//! delegation: its `data-seat-id` names its index, `SeatIndexById`), and an
//! effect rewrites `data-state` only on circles whose state changed — whether
//! the buyer clicked or the live feed says a seat was taken or freed. Colours
//! come from classes, states from `data-state` (none on an available seat);
//! taken seats are also smaller and hollow, a pick someone else
//! took has a dashed ring, and both carry `aria-disabled`, so they differ by
//! more than colour.
//!
//! The keyboard (`seat_navigation` decides where each key leads): the plan is
//! one tab stop — a roving `tabindex` on one seat circle, which carries
//! `role="button"` and its name (zone, row, place, price, state) only while
//! it is that stop, so the painted markup stays as painted. Before the first
//! keyboard visit the `<svg>` itself is the stop and hands focus to the
//! first free seat. Arrows, Home/End and Page Up/Down move between seats,
//! Enter or Space picks, + / − / 0 zoom (around the focused seat), Escape
//! moves on to the next control. A two-tone ring drawn over the focused
//! seat shows where focus is by its shape, and the view follows it when
//! zoomed in. The "Seat list" toggle opens the same seats as a list
//! (`seat_list.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use leptos::svg;
use ticket_contract::Layout;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, FocusEvent, KeyboardEvent, MouseEvent, PointerEvent, SvgElement, WheelEvent};

use super::reservation::reserve;
use super::seat_list::SeatList;
use super::seat_tooltip::{SeatTooltip, TooltipAnchor};
use super::use_widget;
use crate::announcements::seat_name;
use crate::focus::focus_next_after;
use crate::hall::{seat_radius, seat_states, seats_markup, HallAvailability, SeatIndexById, SeatState};
use crate::i18n::{seat_keys_hint, seat_list_toggle, WidgetTexts};
use crate::number::fixed;
use crate::paint_adoption;
use crate::seat_navigation::{SeatKey, SeatNavigation};
use crate::selection::Selection;
use crate::viewport::{
    wheel_zoom_factor, GestureStep, GestureTracker, Point, ScreenRect, TapAction, Viewport, FOLLOW_MARGIN_SPACINGS,
    KEY_ZOOM_FACTOR,
};
use ticket_paint::{labels_markup, map_style};

/// The focus ring's radius, in seat radii.
const FOCUS_RING_RADII: f64 = 1.75;

/// Element ids unique on the page (two widgets may share a document).
fn next_element_id(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[component]
pub fn SeatMap(
    layout: Arc<Layout>,
    /// What can be bought now; follows the live feed.
    availability: Memo<Arc<HallAvailability>>,
    selection: RwSignal<Selection>,
) -> impl IntoView {
    let lang = use_widget().lang;
    let texts = lang.texts();
    let radius = seat_radius(&layout);
    // `seat_radius` is 42 % of the usual distance between seats.
    let seat_spacing = radius / 0.42;
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

    // The keyboard: reading order (worked out at the first key), the seat
    // that is the plan's tab stop, and whether focus is on the plan.
    let layout_store = StoredValue::new(layout.clone());
    let navigation = StoredValue::new(None::<Arc<SeatNavigation>>);
    let navigation_of = move || {
        if let Some(navigation) = navigation.get_value() {
            return navigation;
        }
        let built = Arc::new(layout_store.with_value(|layout| SeatNavigation::new(layout, seat_spacing)));
        navigation.set_value(Some(built.clone()));
        built
    };
    let roving_seat = StoredValue::new(None::<usize>);
    let ring = RwSignal::new(None::<(f64, f64)>);
    let plan_focused = RwSignal::new(false);
    let hint_id = next_element_id("tw-map-keys");
    let hint_id_for_seats = StoredValue::new(hint_id.clone());
    let list_id = next_element_id("tw-seat-list");
    let list_open = RwSignal::new(false);
    let list_id_for_toggle = list_id.clone();
    // Which seat a circle is: built at the first look-up (a pointer over the plan).
    let index_by_id = StoredValue::new(None::<Arc<SeatIndexById>>);
    let seat_index_of = move |element: &Element| {
        let index_by_id = match index_by_id.get_value() {
            Some(built) => built,
            None => {
                let built = Arc::new(layout_store.with_value(|layout| SeatIndexById::new(layout)));
                index_by_id.set_value(Some(built.clone()));
                built
            }
        };
        seat_index_in_layer(element, &index_by_id)
    };
    let seat_point = move |index: usize| {
        layout_store.with_value(|layout| layout.seats.get(index).map(|seat| Point::new(seat.x as f64, seat.y as f64)))
    };
    // The tab stop's name follows its state.
    let name_seat = move |circle: &Element, index: usize| {
        let state = shown_states.with_value(|states| states.get(index).copied()).unwrap_or(SeatState::Unavailable);
        let name = layout_store.with_value(|layout| seat_name(lang, layout, index, state));
        let _ = circle.set_attribute("aria-label", &name);
    };

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

    // Makes seat `index` the plan's tab stop; with `take_focus`, focuses it,
    // keeps it in view and shows its bubble.
    // `take_focus`: the keyboard moved there (focus it, and the view follows
    // unless `keep_view`: the stage's view, handed over, stays as it was).
    let set_roving = move |index: usize, take_focus: bool, keep_view: bool| {
        let Some(svg) = svg_element.get_untracked() else { return };
        let svg: &Element = svg.unchecked_ref();
        let Some(circles) = seat_layer_of(svg).map(|layer| layer.children()) else { return };
        let Some(circle) = circles.item(index as u32) else { return };
        if let Some(previous) = roving_seat.get_value().filter(|previous| *previous != index) {
            if let Some(old) = circles.item(previous as u32) {
                for attribute in ["tabindex", "role", "aria-label", "aria-describedby"] {
                    let _ = old.remove_attribute(attribute);
                }
            }
        }
        roving_seat.set_value(Some(index));
        let _ = circle.set_attribute("tabindex", "0");
        let _ = circle.set_attribute("role", "button");
        hint_id_for_seats.with_value(|hint_id| {
            let _ = circle.set_attribute("aria-describedby", hint_id);
        });
        name_seat(&circle, index);
        let _ = svg.remove_attribute("tabindex");
        if !take_focus {
            return;
        }
        if let Some(point) = seat_point(index) {
            if !keep_view {
                view_box.update(|view| *view = viewport.follow(*view, point, seat_spacing * FOLLOW_MARGIN_SPACINGS));
            }
            ring.set(Some((point.x, point.y)));
        }
        let _ = circle.unchecked_ref::<SvgElement>().focus();
        // The bubble once the view has moved.
        let target: EventTarget = circle.into();
        request_animation_frame(move || show_tooltip_for(Some(target)));
    };

    // Keep every circle's data-state in step with availability and picks,
    // touching only the circles that changed.
    let layout_for_seats = layout.clone();
    Effect::new(move |_| {
        // `try_`: this may run once more just as a hold replaces the hall.
        let (Some(availability), Some(mut picked)) = (availability.try_get(), selection.try_get()) else { return };
        let Some(svg) = svg_element.get() else { return };
        let svg: &Element = svg.unchecked_ref();
        let Some(mut layer) = seat_layer_of(svg) else { return };
        let mut adopted = false;
        let setting_up = !seats_set_up.get_value();
        if setting_up {
            seats_set_up.set_value(true);
            // Seats clicked on the painted hall before the widget was here
            // are the buyer's first picks (one taken meanwhile: lost).
            // So are the quantities chosen on the picking stage's steppers.
            let early = paint_adoption::early_picks(svg, &layout_for_seats);
            let early_admissions = paint_adoption::early_admissions(svg, &layout_for_seats);
            if !early.is_empty() || !early_admissions.is_empty() {
                selection.update(|selection| {
                    selection.adopt_picks(&early);
                    for &(admission, quantity) in &early_admissions {
                        // More than is left now: cut, and said, by take_conflicts.
                        selection.set_admission_quantity(admission, quantity, u32::MAX);
                    }
                    selection.take_conflicts(&availability.seats, &availability.admissions_left);
                });
                picked = selection.get_untracked();
            }
        }
        let wanted_states = seat_states(&availability, &picked);
        if setting_up {
            match paint_adoption::painted_seat_layer(svg, &layout_for_seats) {
                Some(painted) => {
                    // The picking stage's view (zoomed by a phone's taps),
                    // tab stop and focus carry over.
                    view_box.set(viewport.resume(paint_adoption::painted_view(&painted)));
                    let stage_stop = paint_adoption::tab_stop(&painted);
                    let _ = layer.replace_with_with_node_1(&painted);
                    shown_states.set_value(paint_adoption::shown_states(&painted));
                    if let Some((index, focused)) = stage_stop.and_then(|(stop, focused)| Some((seat_index_of(&stop)?, focused)))
                    {
                        // After the loader has let the stage go (on the adoption event below).
                        leptos::leptos_dom::helpers::queue_microtask(move || set_roving(index, focused, true));
                    }
                    // The seat list asked for on the stage's toolbar: open.
                    if paint_adoption::take_seat_list_request(&painted) {
                        list_open.set(true);
                    }
                    // "Reserve" pressed before the widget was here: done now.
                    if paint_adoption::take_reserve_request(&painted) {
                        reserve(layout_for_seats.clone(), selection);
                    }
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
        if let Some(index) = roving_seat.get_value() {
            if let Some(circle) = circles.item(index as u32) {
                name_seat(&circle, index);
            }
        }
        if adopted {
            paint_adoption::announce(svg, true);
        }
    });

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
                // The plan's tab stop moves to the seat clicked.
                set_roving(seat_index, false, false);
                show_tooltip_for(event.target());
            }
            None => tooltip.set(None),
        }
    };
    let on_wheel = move |event: WheelEvent| {
        let Some(rect) = svg_rect() else { return };
        let factor = wheel_zoom_factor(event.delta_y(), event.delta_mode() == WheelEvent::DOM_DELTA_LINE);
        // Nothing to zoom: the page scrolls instead of the wheel being trapped.
        let Some(zoomed) = viewport.wheel(view_box.get_untracked(), rect, client_point(&event), factor) else { return };
        event.prevent_default();
        tooltip.set(None);
        view_box.set(zoomed);
    };
    let on_key_down = move |event: KeyboardEvent| {
        if event.alt_key() || event.ctrl_key() || event.meta_key() {
            return;
        }
        let Some(svg) = svg_element.get_untracked() else { return };
        let on_seat = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|target| seat_index_of(&target))
            .is_some();
        let current = roving_seat.get_value().filter(|_| on_seat);
        let key = event.key();
        if let Some(seat_key) = SeatKey::from_key(&key) {
            let navigation = navigation_of();
            let next = match current {
                Some(current) => Some(navigation.step(current, seat_key)),
                None => navigation.first_seat(|seat| availability.with_untracked(|hall| hall.is_seat_available(seat))),
            };
            if let Some(next) = next {
                set_roving(next, true, false);
            }
            event.prevent_default();
            return;
        }
        let zoom_here = move |factor: f64| match current.and_then(seat_point) {
            Some(point) => view_box.update(|view| *view = viewport.zoom_at(*view, point, factor)),
            None => zoom_by(factor),
        };
        match key.as_str() {
            "Enter" | " " | "Spacebar" => {
                let Some(seat_index) = current else { return };
                let available = availability.with_untracked(|hall| hall.is_seat_available(seat_index));
                selection.update(|picked| {
                    picked.toggle_seat(seat_index, available);
                });
            }
            "Escape" => {
                tooltip.set(None);
                if !focus_next_after(svg.unchecked_ref()) {
                    return;
                }
            }
            "+" | "=" => zoom_here(KEY_ZOOM_FACTOR),
            "-" | "_" => zoom_here(1.0 / KEY_ZOOM_FACTOR),
            "0" => view_box.set(viewport.fit()),
            _ => return,
        }
        event.prevent_default();
        if matches!(key.as_str(), "+" | "=" | "-" | "_" | "0") {
            // The bubble moves with its seat (once the view has changed).
            tooltip.set(None);
            if current.is_some() {
                let target = event.target();
                request_animation_frame(move || show_tooltip_for(target));
            }
        }
    };
    // Focus on a seat shows the ring (and the bubble); the `<svg>` itself
    // focused from the keyboard hands focus to the first free seat.
    let on_focus_in = move |event: FocusEvent| {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        if let Some(index) = seat_index_of(&target) {
            // A mouse click on the tab-stop seat focuses it too: no ring for that.
            plan_focused.set(target.matches(":focus-visible").unwrap_or(true));
            ring.set(seat_point(index).map(|point| (point.x, point.y)));
            return;
        }
        let from_keyboard = target.matches(":focus-visible").unwrap_or(false);
        if from_keyboard && roving_seat.get_value().is_none() {
            let first = navigation_of().first_seat(|seat| availability.with_untracked(|hall| hall.is_seat_available(seat)));
            if let Some(first) = first {
                // Not from inside this listener: focusing the seat fires it again.
                leptos::leptos_dom::helpers::queue_microtask(move || set_roving(first, true, false));
            }
        }
    };
    let on_focus_out = move |event: FocusEvent| {
        let svg = svg_element.get_untracked();
        let staying = event
            .related_target()
            .and_then(|next| next.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|next| svg.is_some_and(|svg| svg.contains(Some(&next))));
        if !staying {
            plan_focused.set(false);
            tooltip.set(None);
        }
    };

    let ring_x = move || ring.get().map_or(0.0, |(x, _)| x);
    let ring_y = move || ring.get().map_or(0.0, |(_, y)| y);
    let ring_radius = fixed(radius * FOCUS_RING_RADII, 2);
    let list_layout = layout.clone();
    let seat_list = move || {
        list_open.get().then(|| {
            view! {
                <SeatList
                    layout=list_layout.clone()
                    availability
                    selection
                    navigation=navigation_of()
                    list_id=list_id.clone()
                />
            }
        })
    };
    let labels = labels_markup(&layout, radius);
    let aspect = map_style(&layout);
    let at_deepest_zoom = move || viewport.is_deepest(view_box.get());
    let at_whole_hall = move || viewport.is_whole_hall(view_box.get());

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
                on:focusin=on_focus_in
                on:focusout=on_focus_out
            >
                <g class="tw-labels" aria-hidden="true" inner_html=labels></g>
                <g class="tw-seats"></g>
                <g class="tw-focus-ring" aria-hidden="true" data-shown=move || (plan_focused.get() && ring.get().is_some()).to_string()>
                    <circle class="tw-focus-ring-outer" cx=move || fixed(ring_x(), 1) cy=move || fixed(ring_y(), 1) r=ring_radius.clone() />
                    <circle class="tw-focus-ring-inner" cx=move || fixed(ring_x(), 1) cy=move || fixed(ring_y(), 1) r=ring_radius />
                </g>
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
            <p class="tw-hint">
                {texts.map_hint}
                <span class="tw-visually-hidden" id=hint_id>
                    {seat_keys_hint(lang)}
                </span>
            </p>
            <div class="tw-map-controls">
                <button
                    type="button"
                    class="tw-button tw-button-secondary tw-seat-list-toggle"
                    data-testid="seat-list-toggle"
                    aria-expanded=move || list_open.get().to_string()
                    aria-controls=move || list_open.get().then(|| list_id_for_toggle.clone())
                    on:click=move |_| list_open.update(|open| *open = !*open)
                >
                    {seat_list_toggle(lang)}
                </button>
                <button
                    type="button"
                    class="tw-map-button"
                    data-testid="zoom-in"
                    aria-label=texts.zoom_in
                    title=texts.zoom_in
                    disabled=at_deepest_zoom
                    on:click=move |_| zoom_by(KEY_ZOOM_FACTOR)
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
                    on:click=move |_| zoom_by(1.0 / KEY_ZOOM_FACTOR)
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
        {seat_list}
    }
}

fn apply_seat_state(circle: &Element, state: SeatState) {
    let _ = match state.data_state() {
        Some(value) => circle.set_attribute("data-state", value),
        None => circle.remove_attribute("data-state"),
    };
    if state.is_disabled() {
        let _ = circle.set_attribute("aria-disabled", "true");
    } else {
        let _ = circle.remove_attribute("aria-disabled");
    }
}

/// The seat layer: the `<g>` drawn here, or the painted one adopted in its place.
fn seat_layer_of(svg: &Element) -> Option<Element> {
    svg.query_selector("g.tw-seats").ok().flatten()
}

/// The layout index of a seat circle of the seat layer (`None` for anything
/// else): its position among the layer's children, which its `data-seat-id`
/// gives in one look-up (a walk along the layer only if ids repeat).
fn seat_index_in_layer(element: &Element, index_by_id: &SeatIndexById) -> Option<usize> {
    let layer = element.parent_element().filter(|parent| parent.matches("g.tw-seats").unwrap_or(false))?;
    let seats = layer.children();
    index_by_id.locate(&element.get_attribute("data-seat-id")?, seats.length() as usize, |index| {
        seats.item(index as u32).is_some_and(|seat| seat.is_same_node(Some(element)))
    })
}

fn client_point(event: &MouseEvent) -> Point {
    Point::new(event.client_x() as f64, event.client_y() as f64)
}

fn screen_rect(element: &Element) -> ScreenRect {
    let rect = element.get_bounding_client_rect();
    ScreenRect { left: rect.left(), top: rect.top(), width: rect.width(), height: rect.height() }
}
