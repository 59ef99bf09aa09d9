//! The browser glue of the stage: one entry point, one state, one event
//! handler, and a handle that takes it all off again.
//!
//! `mount_pick` is given the painted hall's box (`.tw-painted`, as the
//! loader builds it or a partner's first frame carries it) and the parsed
//! layout and availability. It checks that the paint is of this layout,
//! takes seats already drawn `selected` as picks (`picking.rs`), puts the
//! widget's toolbar, legend and general-admission steppers around the plan
//! and a polite live region in the box, and from then on one listener on
//! the `<svg>`, the map box, the side panel, the toolbar and the steppers
//! serves every press, drag, pinch, wheel step, click, hover and key (event
//! delegation through the circles' `data-seat-id`, the order lines'
//! `data-seat-id` / `data-admission-id` and the steppers'
//! `data-admission-id`). A pick rewrites `data-state` on the circles that
//! changed, the steppers' texts and the summary's markup; a zoom or a pan
//! rewrites the `<svg>`'s `viewBox` (`plan_view.rs` decides) and, while
//! zoomed, shows the widget's "whole hall" button over the plan. The loader
//! hands it the live feed's documents (`PickStage::apply_availability`).
//!
//! The Leptos widget takes over from it as from any painted hall: picks are
//! the circles drawn `selected` (or `lost`) and the steppers' quantities, a
//! reserve or the seat list asked for are `data-reserve` / `data-seat-list`
//! on the seat layer, the view is the `viewBox`. [`PickStage::unmount`] then
//! takes off the listeners, the tooltip, the parts it added and the
//! keyboard's attributes, leaving the circles' states and the view.

use std::cell::RefCell;
use std::rc::Rc;

use ticket_contract::Layout;
use ticket_hall::seat_ids::SeatIndexById;
use ticket_hall::seat_navigation::{SeatKey, SeatNavigation};
use ticket_hall::selection::LostPick;
use ticket_hall::tooltip::TooltipAnchor;
use ticket_hall::viewport::{Point, ScreenRect, ViewBox};
use ticket_hall::words::seat_name;
use ticket_hall::Lang;
use ticket_paint::{seat_radius, SeatState};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, KeyboardEvent, MouseEvent, PointerEvent, SvgElement, WheelEvent};

use crate::markup::{admissions_markup, summary_markup, tooltip_markup, whole_hall_markup, StepperState};
use crate::picking::Picking;
use crate::plan_view::{PlanClick, PlanView};
use crate::read_js;
use ticket_hall::announcements::{fresh_text, selection_change};
use ticket_hall::hand_over::{REQUESTED, RESERVE_MARKER, SEAT_LIST_MARKER};
use ticket_hall::map_parts::{legend_markup, toolbar_markup};

/// The `<svg>` attributes the stage sets while it is up (put back as they
/// were by `unmount`).
const SVG_ATTRIBUTES: [&str; 3] = ["role", "aria-label", "tabindex"];
/// What the keyboard's tab stop carries (taken off the circle it leaves).
const ROVING_ATTRIBUTES: [&str; 4] = ["tabindex", "role", "aria-label", "aria-describedby"];
const SVG_EVENTS: [&str; 8] =
    ["pointerdown", "pointermove", "pointerup", "pointercancel", "pointerover", "pointerleave", "keydown", "wheel"];

struct Stage {
    lang: Lang,
    layout: Layout,
    picking: Picking,
    /// What each circle shows now (its `data-state`).
    shown: Vec<SeatState>,
    svg: Element,
    layer: Element,
    map: Element,
    side: Element,
    tooltip: Option<Element>,
    /// The "whole hall" button, while the plan is zoomed.
    whole_hall: Option<Element>,
    /// Which window of the plan the `<svg>` shows, and the press under way.
    plan: PlanView,
    /// `ticket_paint::seat_radius` of the layout.
    radius: f64,
    /// The seat that is the plan's tab stop.
    roving: Option<usize>,
    /// Reading order for the keys, worked out at the first key.
    navigation: Option<SeatNavigation>,
    /// Which seat a circle is (by its `data-seat-id`), built at the first event.
    seat_ids: Option<SeatIndexById>,
    /// The revision of the availability shown (the live feed's documents
    /// only move it forward).
    revision: u64,
    /// The toolbar and the legend the stage put under the plan (taken off
    /// with it), and the id of the keys' hint in the toolbar.
    toolbar: Option<Element>,
    legend: Option<Element>,
    hint_id: String,
    /// The live region that says what a pick changed (taken off with the stage).
    announcer: Option<Element>,
    /// The general-admission section the stage put under the plan.
    admissions: Option<Element>,
}

/// The widget's `LiveAnnouncer`, empty.
const ANNOUNCER_MARKUP: &str =
    "<div class=\"tw-visually-hidden\" role=\"status\" aria-live=\"polite\" aria-atomic=\"true\" data-testid=\"announcer\"></div>";

/// What the × on an order line does.
enum LineRemoval {
    /// Puts a picked seat back.
    Seat(usize),
    /// Dismisses a lost pick's line.
    Lost(LostPick),
}

/// An id unique on the page for the keys' hint of one stage's toolbar (two
/// widgets may share a page; the widget's own are `tw-map-keys-N`).
fn next_hint_id() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("tw-stage-keys-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The mounted stage, for the loader: `unmount()` when the widget has taken
/// over (also done when the handle is freed).
#[wasm_bindgen]
pub struct PickStage {
    mounted: RefCell<Option<Mounted>>,
}

struct Mounted {
    stage: Rc<RefCell<Stage>>,
    handler: Closure<dyn FnMut(Event)>,
    /// The `<svg>`'s own values of `SVG_ATTRIBUTES` before the stage.
    svg_before: Vec<Option<String>>,
}

/// Takes over the painted hall inside `painted` (the `.tw-painted` box).
/// `layout` and `availability` are the parsed JSON documents (as the proxy
/// serves them); `lang` is `ru` or `en`. Errors are a short English reason
/// (for the console); the hall is then untouched.
#[wasm_bindgen]
pub fn mount_pick(painted: Element, layout: JsValue, availability: JsValue, lang: &str) -> Result<PickStage, JsValue> {
    let layout = read_js::layout(layout).ok_or("unreadable layout")?;
    let availability = read_js::availability(availability).ok_or("unreadable availability")?;
    if availability.layout_version != layout.version {
        return Err("availability of another layout version".into());
    }
    let seats_and_places = availability.for_layout(&layout).ok_or("availability of another layout")?;
    let find = |selector: &str| painted.query_selector(selector).ok().flatten().ok_or("painted hall incomplete");
    let svg = find(".tw-map > svg")?;
    let layer = find(".tw-map > svg > g.tw-seats")?;
    let map = find(".tw-map")?;
    let side = find(".tw-hall-side")?;
    // The hall's polite live region, as the widget has one (there since the
    // stage came: a region that appears with its text is not read).
    let announcer = painted.query_selector(".tw-root").ok().flatten().and_then(|root| {
        let _ = root.insert_adjacent_html("beforeend", ANNOUNCER_MARKUP);
        root.last_element_child()
    });
    if svg.get_attribute("data-layout-version").as_deref() != Some(layout.version.as_str())
        || layer.child_element_count() as usize != layout.seats.len()
    {
        return Err("the paint is of another layout".into());
    }

    let circles = layer.children();
    let shown: Vec<SeatState> = (0..layout.seats.len())
        .map(|index| {
            SeatState::from_data_state(
                circles.item(index as u32).and_then(|circle| circle.get_attribute("data-state")).as_deref(),
            )
        })
        .collect();
    let reserve_requested = layer.get_attribute(RESERVE_MARKER).as_deref() == Some(REQUESTED);
    let revision = availability.revision;
    let picking = Picking::adopt(seats_and_places, &shown, reserve_requested);

    let radius = seat_radius(&layout);
    let plan = PlanView::new(layout.width.max(1.0) as f64, layout.height.max(1.0) as f64, radius);
    let lang = if lang.starts_with("ru") { Lang::Ru } else { Lang::En };
    let svg_before: Vec<Option<String>> = SVG_ATTRIBUTES.iter().map(|name| svg.get_attribute(name)).collect();
    let _ = svg.set_attribute("role", "group");
    let _ = svg.set_attribute("aria-label", lang.words().seat_map_label);
    let _ = svg.set_attribute("tabindex", "0");
    let mut stage = Stage {
        lang,
        layout,
        picking,
        shown,
        svg,
        layer,
        map,
        side,
        tooltip: None,
        whole_hall: None,
        plan,
        radius,
        roving: None,
        navigation: None,
        seat_ids: None,
        revision,
        toolbar: None,
        legend: None,
        announcer,
        admissions: None,
        hint_id: next_hint_id(),
    };
    stage.add_map_parts();
    for index in 0..stage.layout.seats.len() {
        stage.redraw_seat(index);
    }
    stage.redraw_summary();

    let stage = Rc::new(RefCell::new(stage));
    let for_events = stage.clone();
    let handler = Closure::<dyn FnMut(Event)>::new(move |event: Event| for_events.borrow_mut().handle(&event));
    let mounted = Mounted { stage, handler, svg_before };
    mounted.listen(true);
    Ok(PickStage { mounted: RefCell::new(Some(mounted)) })
}

#[wasm_bindgen]
impl PickStage {
    /// Takes the stage off the hall: its listeners, its tooltip, the
    /// keyboard's tab stop and the plan's role go; the circles keep their
    /// states (picks stay drawn `selected`), the summary and the layer's
    /// `data-reserve` stay. Calling it again does nothing.
    pub fn unmount(&self) {
        if let Some(mounted) = self.mounted.borrow_mut().take() {
            mounted.listen(false);
            let mut stage = mounted.stage.borrow_mut();
            stage.hide_tooltip();
            let parts = [
                stage.whole_hall.take(),
                stage.toolbar.take(),
                stage.legend.take(),
                stage.announcer.take(),
                stage.admissions.take(),
            ];
            for part in parts.into_iter().flatten() {
                part.remove();
            }
            if let Some(circle) = stage.roving.take().and_then(|seat| stage.layer.children().item(seat as u32)) {
                for attribute in ROVING_ATTRIBUTES {
                    let _ = circle.remove_attribute(attribute);
                }
            }
            for (name, before) in SVG_ATTRIBUTES.iter().zip(&mounted.svg_before) {
                let _ = match before {
                    Some(value) => stage.svg.set_attribute(name, value),
                    None => stage.svg.remove_attribute(name),
                };
            }
        }
    }
}

#[wasm_bindgen]
impl PickStage {
    /// A document of the show's live feed (the parsed `availability`
    /// message, as `GET …/availability` serves it): seats taken or freed
    /// since are drawn so, and a pick someone else took is listed as lost,
    /// as the widget shows it. One older than the one shown, or of another
    /// layout version (the widget reads the hall again), changes nothing.
    /// Returns whether it was shown.
    pub fn apply_availability(&self, availability: JsValue) -> bool {
        let Some(mounted) = self.mounted.borrow().as_ref().map(|mounted| mounted.stage.clone()) else { return false };
        let Some(availability) = read_js::availability(availability) else { return false };
        let mut stage = mounted.borrow_mut();
        if availability.layout_version != stage.layout.version || availability.revision < stage.revision {
            return false;
        }
        let Some(seats_and_places) = availability.for_layout(&stage.layout) else { return false };
        stage.revision = availability.revision;
        stage.picking.refresh(seats_and_places);
        for seat in 0..stage.layout.seats.len() {
            stage.redraw_seat(seat);
        }
        stage.redraw_admissions();
        stage.redraw_summary();
        true
    }
}

impl Drop for PickStage {
    fn drop(&mut self) {
        self.unmount();
    }
}

impl Mounted {
    /// Adds (`true`) or removes the stage's listeners.
    fn listen(&self, on: bool) {
        let stage = self.stage.borrow();
        let function = self.handler.as_ref().unchecked_ref();
        let toolbar = stage.toolbar.iter().chain(&stage.admissions).map(|part| (part, "click"));
        let targets = SVG_EVENTS
            .iter()
            .map(|name| (&stage.svg, *name))
            .chain([(&stage.map, "click"), (&stage.side, "click")])
            .chain(toolbar);
        for (target, name) in targets {
            let _ = if on {
                target.add_event_listener_with_callback(name, function)
            } else {
                target.remove_event_listener_with_callback(name, function)
            };
        }
    }
}

/// Sets or takes off a button's `disabled`.
fn set_disabled(button: &Element, off: bool) {
    let _ = if off { button.set_attribute("disabled", "") } else { button.remove_attribute("disabled") };
}

/// The element an event happened on.
fn target_of(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

fn is_mouse(event: &Event) -> bool {
    event.dyn_ref::<PointerEvent>().is_some_and(|pointer| pointer.pointer_type() == "mouse")
}

/// Where a pointer, click or wheel event happened, in screen pixels.
fn client_point(event: &Event) -> Point {
    event
        .dyn_ref::<MouseEvent>()
        .map_or(Point::new(0.0, 0.0), |mouse| Point::new(mouse.client_x() as f64, mouse.client_y() as f64))
}

impl Stage {
    fn handle(&mut self, event: &Event) {
        let pointer = event.dyn_ref::<PointerEvent>();
        match (event.type_().as_str(), pointer) {
            ("pointerdown", Some(pointer)) => {
                self.plan.press(pointer.pointer_id(), client_point(event), is_mouse(event), pointer.button() == 0);
            }
            ("pointermove", Some(pointer)) => {
                if let Some(view) = self.plan.moved(pointer.pointer_id(), client_point(event), self.screen_rect()) {
                    // A drag goes on outside the plan; a finger's is the circle's already.
                    let _ = self.svg.set_pointer_capture(pointer.pointer_id());
                    self.hide_tooltip();
                    self.show_view(view);
                }
            }
            ("pointerup" | "pointercancel", Some(pointer)) => self.plan.released(pointer.pointer_id()),
            ("wheel", _) => {
                let Some(wheel) = event.dyn_ref::<WheelEvent>() else { return };
                let lines = wheel.delta_mode() == WheelEvent::DOM_DELTA_LINE;
                // Nothing to zoom: the page scrolls instead of the wheel being trapped.
                if let Some(view) = self.plan.wheel(client_point(event), self.screen_rect(), wheel.delta_y(), lines) {
                    event.prevent_default();
                    self.hide_tooltip();
                    self.show_view(view);
                }
            }
            ("click", _) if self.toolbar_button(event).is_some() => {
                let Some(button) = self.toolbar_button(event) else { return };
                self.hide_tooltip();
                // As the widget's buttons: around the middle of the view.
                let key = match button.get_attribute("data-testid").as_deref() {
                    Some("zoom-in") => "+",
                    Some("zoom-out") => "-",
                    Some("zoom-reset") => "0",
                    // The list comes with the widget, which opens it then.
                    Some("seat-list-toggle") => {
                        let _ = self.layer.set_attribute(SEAT_LIST_MARKER, REQUESTED);
                        return;
                    }
                    _ => return,
                };
                if let Some(view) = self.plan.zoom_key(key, None) {
                    self.show_view(view);
                }
            }
            ("click", _) => {
                let target = target_of(event);
                let on_plan = target.as_ref().is_some_and(|target| self.svg.contains(Some(target)));
                if target.is_some() && target == self.whole_hall {
                    self.hide_tooltip();
                    let whole = self.plan.whole_hall();
                    self.show_view(whole);
                } else if on_plan {
                    match self.plan.click(client_point(event), self.screen_rect()) {
                        PlanClick::Ignore => {}
                        PlanClick::Zoomed(closer) => {
                            self.hide_tooltip();
                            self.show_view(closer);
                        }
                        PlanClick::Pick => match self.seat_of(event) {
                            Some(seat) => {
                                self.toggle(seat);
                                self.set_roving(seat, false);
                                self.show_tooltip(seat);
                            }
                            None => self.hide_tooltip(),
                        },
                    }
                } else if let Some(removal) = self.line_removal(event) {
                    match removal {
                        LineRemoval::Seat(seat) => self.toggle(seat),
                        LineRemoval::Lost(lost) => self.dismiss_lost(lost),
                    }
                } else if let Some((admission, delta)) = self.stepper_step(event) {
                    self.step_admission(admission, delta);
                } else if target_of(event)
                    .is_some_and(|target| target.get_attribute("data-testid").as_deref() == Some("reserve-button"))
                {
                    self.reserve();
                } else {
                    self.hide_tooltip();
                }
            }
            ("pointerover", _) if is_mouse(event) && !self.plan.is_pressed() => match self.seat_of(event) {
                Some(seat) => self.show_tooltip(seat),
                None => self.hide_tooltip(),
            },
            // A finger "leaves" right after every tap: only a mouse leaving hides the bubble.
            ("pointerleave", _) if is_mouse(event) && !self.plan.is_pressed() => self.hide_tooltip(),
            ("keydown", _) => {
                if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                    self.key(event);
                }
            }
            _ => {}
        }
    }

    /// The layout index of the seat circle an event happened on (`None` for
    /// anything else): its place in the layer, which its `data-seat-id` gives
    /// in one look-up (a walk along the layer only if ids repeat).
    fn seat_of(&mut self, event: &Event) -> Option<usize> {
        let circle = target_of(event)?;
        if !circle.parent_element().is_some_and(|parent| parent.is_same_node(Some(&self.layer))) {
            return None;
        }
        let seats = self.layer.children();
        let layout = &self.layout;
        let seat_ids = self.seat_ids.get_or_insert_with(|| SeatIndexById::new(layout));
        seat_ids.locate(&circle.get_attribute("data-seat-id")?, seats.length() as usize, |index| {
            seats.item(index as u32).is_some_and(|seat| seat.is_same_node(Some(&circle)))
        })
    }

    /// What the × of the order line an event happened on does: put a
    /// picked seat back, or dismiss a lost pick's line (lines are found by
    /// their `data-seat-id` / `data-admission-id`, as the widget's markup
    /// carries nothing else).
    fn line_removal(&mut self, event: &Event) -> Option<LineRemoval> {
        let button = target_of(event)?;
        if !button.class_list().contains("tw-line-remove") {
            return None;
        }
        let line = button.closest("[data-testid=selection-seat], [data-testid=selection-lost]").ok()??;
        let layout = &self.layout;
        let seat_ids = self.seat_ids.get_or_insert_with(|| SeatIndexById::new(layout));
        let seat_index = |id: String| seat_ids.get(&id);
        if line.get_attribute("data-testid").as_deref() == Some("selection-seat") {
            return seat_index(line.get_attribute("data-seat-id")?).map(LineRemoval::Seat);
        }
        let lost = match (line.get_attribute("data-seat-id"), line.get_attribute("data-admission-id")) {
            (Some(id), _) => LostPick::Seat(seat_index(id)?),
            (None, Some(id)) => {
                let index = self.layout.admissions.iter().position(|admission| admission.id == id)?;
                LostPick::Admission { index, wanted: 0, left: 0 }
            }
            (None, None) => return None,
        };
        Some(LineRemoval::Lost(lost))
    }

    /// The buyer has read that a pick was taken: its line goes, its circle
    /// shows the seat taken (or its stepper is no longer marked).
    fn dismiss_lost(&mut self, lost: LostPick) {
        if self.picking.dismiss_lost(lost) {
            if let LostPick::Seat(seat) = lost {
                self.redraw_seat(seat);
            }
            self.redraw_admissions();
            self.redraw_summary();
        }
    }

    /// Picks or puts back a seat by the selection's rules.
    fn toggle(&mut self, seat: usize) {
        let before = self.picking.selection().clone();
        if self.picking.toggle(seat) {
            self.redraw_seat(seat);
            self.redraw_summary();
            self.announce(selection_change(self.lang, &self.layout, &before, self.picking.selection()));
        }
    }

    /// Says `text` in the hall's live region (a repeat is said again).
    fn announce(&self, text: Option<String>) {
        if let (Some(region), Some(text)) = (&self.announcer, text) {
            region.set_text_content(Some(&fresh_text(&region.text_content().unwrap_or_default(), &text)));
        }
    }

    /// "Reserve": marked on the seat layer for the widget, which reserves
    /// once it has taken over; the button says it is on its way.
    fn reserve(&mut self) {
        if self.picking.request_reserve() {
            let _ = self.layer.set_attribute(RESERVE_MARKER, REQUESTED);
            self.redraw_summary();
        }
    }

    /// Brings one circle's `data-state` (and `aria-disabled`, and its name
    /// when it is the tab stop) in step with the picks.
    fn redraw_seat(&mut self, seat: usize) {
        let wanted = self.picking.seat_state(seat);
        let Some(shown) = self.shown.get_mut(seat) else { return };
        if *shown == wanted {
            return;
        }
        *shown = wanted;
        let Some(circle) = self.layer.children().item(seat as u32) else { return };
        let _ = match wanted.data_state() {
            Some(value) => circle.set_attribute("data-state", value),
            None => circle.remove_attribute("data-state"),
        };
        let _ = if wanted.is_disabled() {
            circle.set_attribute("aria-disabled", "true")
        } else {
            circle.remove_attribute("aria-disabled")
        };
        if self.roving == Some(seat) {
            let _ = circle.set_attribute("aria-label", &seat_name(self.lang, &self.layout, seat, wanted));
        }
    }

    fn redraw_summary(&self) {
        self.side.set_inner_html(&summary_markup(
            self.lang,
            &self.layout,
            self.picking.selection(),
            self.picking.reserve_requested(),
        ));
    }

    fn show_tooltip(&mut self, seat: usize) {
        let Some(circle) = self.layer.children().item(seat as u32) else { return };
        let map = self.map.get_bounding_client_rect();
        let drawn = circle.get_bounding_client_rect();
        let anchor = TooltipAnchor {
            seat_index: seat,
            x: drawn.left() + drawn.width() / 2.0 - map.left(),
            top: drawn.top() - map.top(),
            bottom: drawn.bottom() - map.top(),
            box_width: map.width(),
        };
        self.hide_tooltip();
        let markup = tooltip_markup(self.lang, &self.layout, anchor, self.picking.is_available(seat));
        // Under the "whole hall" button, as in the widget's map.
        self.tooltip = match &self.whole_hall {
            Some(button) => {
                button.insert_adjacent_html("beforebegin", &markup).ok().and_then(|_| button.previous_element_sibling())
            }
            None => self.map.insert_adjacent_html("beforeend", &markup).ok().and_then(|_| self.map.last_element_child()),
        };
    }

    /// Where the `<svg>` is on screen.
    fn screen_rect(&self) -> ScreenRect {
        let rect = self.svg.get_bounding_client_rect();
        ScreenRect { left: rect.left(), top: rect.top(), width: rect.width(), height: rect.height() }
    }

    /// Shows `view` (the plan's new `viewBox`), with the "whole hall"
    /// button over the plan while it is zoomed.
    fn show_view(&mut self, view: ViewBox) {
        let _ = self.svg.set_attribute("viewBox", &view.to_attribute());
        self.sync_zoom_buttons();
        match (self.plan.is_zoomed(), self.whole_hall.take()) {
            (true, None) => {
                let _ = self.map.insert_adjacent_html("beforeend", &whole_hall_markup(self.lang));
                self.whole_hall = self.map.last_element_child();
            }
            (true, button) => self.whole_hall = button,
            (false, Some(button)) => button.remove(),
            (false, None) => {}
        }
    }

    /// The toolbar and the legend under the plan, as the widget draws them,
    /// unless the painted hall already has them.
    fn add_map_parts(&mut self) {
        let Some(section) = self.map.parent_element() else { return };
        if section.query_selector(":scope > .tw-map-toolbar").ok().flatten().is_some() {
            return;
        }
        let markup = toolbar_markup(self.lang, &self.hint_id, self.plan.zoom_buttons()) + &legend_markup(self.lang, &self.layout);
        let _ = self.map.insert_adjacent_html("afterend", &markup);
        self.toolbar = self.map.next_element_sibling();
        self.legend = self.toolbar.as_ref().and_then(Element::next_element_sibling);
        // General admission, after the seated section, as in the widget's hall.
        let picking = &self.picking;
        let left: Vec<u32> = (0..self.layout.admissions.len()).map(|index| picking.admission_left(index)).collect();
        let admissions = admissions_markup(self.lang, &self.layout, picking.selection(), &left);
        if !admissions.is_empty() {
            let _ = section.insert_adjacent_html("afterend", &admissions);
            self.admissions = section.next_element_sibling();
        }
    }

    /// The admission and the step (`+1` / `-1`) of the stepper button an
    /// event happened on.
    fn stepper_step(&self, event: &Event) -> Option<(usize, i64)> {
        let section = self.admissions.as_ref()?;
        let button = target_of(event)?.closest("button").ok()??;
        if !section.contains(Some(&button)) {
            return None;
        }
        let delta = match button.get_attribute("data-testid").as_deref() {
            Some("admission-plus") => 1,
            Some("admission-minus") => -1,
            _ => return None,
        };
        let id = button.closest("[data-admission-id]").ok()??.get_attribute("data-admission-id")?;
        Some((self.layout.admissions.iter().position(|admission| admission.id == id)?, delta))
    }

    /// One more or one fewer ticket of an admission, within what is left.
    fn step_admission(&mut self, admission: usize, delta: i64) {
        let before = self.picking.selection().clone();
        if self.picking.step_admission(admission, delta) {
            self.redraw_admissions();
            self.redraw_summary();
            self.announce(selection_change(self.lang, &self.layout, &before, self.picking.selection()));
        }
    }

    /// Brings each stepper in step with the picks and what is left: the
    /// quantity, what is left, − / + disabled, sold out, marked lost
    /// (attributes and texts only: a focused button keeps its focus).
    fn redraw_admissions(&self) {
        let Some(list) = self.admissions.as_ref().and_then(|section| section.query_selector(".tw-admission-list").ok().flatten())
        else {
            return;
        };
        let items = list.children();
        for index in 0..self.layout.admissions.len() {
            let Some(item) = items.item(index as u32) else { continue };
            let shown = StepperState::of(self.lang, self.picking.selection(), self.picking.admission_left(index), index);
            let _ = item.class_list().toggle_with_force("tw-sold-out", shown.sold_out);
            let _ = if shown.lost { item.set_attribute("data-lost", "true") } else { item.remove_attribute("data-lost") };
            let part = |test_id: &str| item.query_selector(&format!("[data-testid={test_id}]")).ok().flatten();
            if let Some(text) = part("admission-left") {
                text.set_text_content(Some(&shown.left_text));
            }
            if let Some(output) = part("admission-quantity") {
                output.set_text_content(Some(&shown.quantity.to_string()));
            }
            for (test_id, off) in [("admission-minus", shown.minus_off), ("admission-plus", shown.plus_off)] {
                if let Some(button) = part(test_id) {
                    set_disabled(&button, off);
                }
            }
        }
    }

    /// The toolbar's button an event happened on.
    fn toolbar_button(&self, event: &Event) -> Option<Element> {
        let toolbar = self.toolbar.as_ref()?;
        let button = target_of(event)?.closest("button").ok()??;
        toolbar.contains(Some(&button)).then_some(button)
    }

    /// + / − / ⤢ disabled when the view leaves them nothing to do.
    fn sync_zoom_buttons(&self) {
        let Some(toolbar) = &self.toolbar else { return };
        for (test_id, off) in self.plan.zoom_buttons().disabled() {
            if let Ok(Some(button)) = toolbar.query_selector(&format!("[data-testid={test_id}]")) {
                set_disabled(&button, off);
            }
        }
    }

    /// The layout position of seat `seat`.
    fn seat_point(&self, seat: usize) -> Option<Point> {
        self.layout.seats.get(seat).map(|seat| Point::new(seat.x as f64, seat.y as f64))
    }

    fn hide_tooltip(&mut self) {
        if let Some(tooltip) = self.tooltip.take() {
            tooltip.remove();
        }
    }

    /// Arrows, Home/End, Page Up/Down move the tab stop between seats
    /// (`seat_navigation`, as in the widget); Enter or Space picks the seat
    /// there; + / − / 0 zoom (around the keyboard's seat); Escape hides the
    /// tooltip.
    fn key(&mut self, event: &KeyboardEvent) {
        if event.alt_key() || event.ctrl_key() || event.meta_key() {
            return;
        }
        let on_seat = self.seat_of(event).is_some();
        let current = self.roving.filter(|_| on_seat);
        let key = event.key();
        if let Some(seat_key) = SeatKey::from_key(&key) {
            let picking = &self.picking;
            // `seat_radius` is 42 % of the usual distance between seats.
            let navigation = self.navigation.get_or_insert_with(|| SeatNavigation::new(&self.layout, self.radius / 0.42));
            let next = match current {
                Some(current) => Some(navigation.step(current, seat_key)),
                None => navigation.first_seat(|seat| picking.is_available(seat)),
            };
            if let Some(next) = next {
                self.set_roving(next, true);
            }
            event.prevent_default();
        } else if matches!(key.as_str(), "Enter" | " " | "Spacebar") {
            if let Some(seat) = current {
                self.toggle(seat);
                self.show_tooltip(seat);
                event.prevent_default();
            }
        } else if key == "Escape" {
            self.hide_tooltip();
        } else if let Some(view) = self.plan.zoom_key(&key, current.and_then(|seat| self.seat_point(seat))) {
            event.prevent_default();
            self.hide_tooltip();
            self.show_view(view);
            // The bubble moves with its seat.
            if let Some(seat) = current {
                self.show_tooltip(seat);
            }
        }
    }

    /// Makes `seat` the plan's one tab stop (a roving `tabindex`, with
    /// `role="button"` and its name only while it is), focusing it when the
    /// keyboard moved there.
    fn set_roving(&mut self, seat: usize, take_focus: bool) {
        let circles = self.layer.children();
        let Some(circle) = circles.item(seat as u32) else { return };
        if let Some(old) = self.roving.filter(|old| *old != seat).and_then(|old| circles.item(old as u32)) {
            for attribute in ROVING_ATTRIBUTES {
                let _ = old.remove_attribute(attribute);
            }
        }
        self.roving = Some(seat);
        let state = self.shown.get(seat).copied().unwrap_or(SeatState::Unavailable);
        let _ = circle.set_attribute("tabindex", "0");
        let _ = circle.set_attribute("role", "button");
        let _ = circle.set_attribute("aria-label", &seat_name(self.lang, &self.layout, seat, state));
        if self.toolbar.is_some() {
            let _ = circle.set_attribute("aria-describedby", &self.hint_id);
        }
        let _ = self.svg.remove_attribute("tabindex");
        if take_focus {
            // Zoomed in, the view follows the keyboard's seat first.
            if let Some(view) = self.seat_point(seat).and_then(|point| self.plan.follow(point)) {
                self.show_view(view);
            }
            let _ = circle.unchecked_ref::<SvgElement>().focus();
            self.show_tooltip(seat);
        }
    }
}
