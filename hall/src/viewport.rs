//! Zoom and pan of the seat map, as arithmetic on the SVG `viewBox`.
//!
//! The seat map never moves its 10,000 circles: it only changes which window of
//! the layout the `<svg>` shows. Everything here is plain geometry, so the
//! behaviour a buyer feels (the point under the cursor stays put while zooming,
//! the hall cannot be dragged out of sight, a pinch follows both fingers) is
//! tested natively. [`GestureTracker`] turns raw pointer events into pan and
//! pinch steps and decides whether the click that ends a press was a drag.
//! [`Viewport::tap`] decides what a finger's tap does on a phone: while seats
//! are smaller than a finger can hit (WCAG 2.2's 24 CSS px), it zooms to where
//! it landed; then it selects.
//!
//! The widget's seat map and the seat-picking stage both zoom with it, so a
//! view the stage leaves on the painted `<svg>` is one the widget can take
//! over as it is ([`Viewport::resume`]).

use ticket_paint::number::fixed;

/// A point, in screen pixels or in layout units depending on context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    fn distance_to(self, other: Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }

    fn midpoint(self, other: Point) -> Point {
        Point::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }
}

/// Where the `<svg>` element sits on screen (`getBoundingClientRect`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenRect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// The SVG `viewBox`: the window of the layout currently shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl ViewBox {
    /// The `viewBox` attribute value.
    pub fn to_attribute(self) -> String {
        format!("{} {} {} {}", fixed(self.x, 2), fixed(self.y, 2), fixed(self.width, 2), fixed(self.height, 2))
    }

    /// Maps a screen point into layout units, the way the SVG's default
    /// `preserveAspectRatio="xMidYMid meet"` does.
    pub fn screen_to_layout(self, rect: ScreenRect, point: Point) -> Point {
        let scale = self.pixels_per_unit(rect);
        let offset_x = (rect.width - self.width * scale) / 2.0;
        let offset_y = (rect.height - self.height * scale) / 2.0;
        Point::new(self.x + (point.x - rect.left - offset_x) / scale, self.y + (point.y - rect.top - offset_y) / scale)
    }

    /// How many screen pixels one layout unit takes.
    pub fn pixels_per_unit(self, rect: ScreenRect) -> f64 {
        let scale = (rect.width / self.width).min(rect.height / self.height);
        if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        }
    }

    fn centre(self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
}

/// The limits a `viewBox` must stay within for one layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    full: ViewBox,
    max_zoom: f64,
}

/// Zoom step of the − / + buttons and keys.
pub const KEY_ZOOM_FACTOR: f64 = 1.6;
/// How close (in seat spacings) the keyboard's seat may come to the view's
/// edge before the view follows it ([`Viewport::follow`]).
pub const FOLLOW_MARGIN_SPACINGS: f64 = 3.0;

/// At the deepest zoom, about this many seats fit across the map.
const SEATS_ACROSS_AT_MAX_ZOOM: f64 = 10.0;

impl Viewport {
    /// `seat_radius` decides how deep zooming may go: far enough that a seat is
    /// easy to tap, never so far that the buyer loses the hall.
    pub fn new(layout_width: f64, layout_height: f64, seat_radius: f64) -> Viewport {
        let width = layout_width.max(1.0);
        let height = layout_height.max(1.0);
        let max_zoom =
            if seat_radius > 0.0 { (width / (seat_radius * 2.0 * SEATS_ACROSS_AT_MAX_ZOOM)).clamp(2.0, 40.0) } else { 4.0 };
        Viewport { full: ViewBox { x: 0.0, y: 0.0, width, height }, max_zoom }
    }

    /// The whole hall.
    pub fn fit(self) -> ViewBox {
        self.full
    }

    /// 1.0 = whole hall; `max_zoom()` = deepest.
    pub fn zoom_of(self, view: ViewBox) -> f64 {
        self.full.width / view.width
    }

    pub fn max_zoom(self) -> f64 {
        self.max_zoom
    }

    /// Whether `view` shows the whole hall (nothing to zoom out of: no
    /// "whole hall" button, no − button).
    pub fn is_whole_hall(self, view: ViewBox) -> bool {
        self.zoom_of(view) <= 1.0 + 1e-9
    }

    /// Whether `view` is as deep as zooming goes.
    pub fn is_deepest(self, view: ViewBox) -> bool {
        self.zoom_of(view) >= self.max_zoom - 1e-9
    }

    /// The view to start from when another drawing of the plan left one
    /// (the painted `<svg>`'s `viewBox`, zoomed by the seat-picking stage):
    /// kept inside the limits, the whole hall when there is none or it is
    /// no window at all (an absent or broken `viewBox` reads as zeros).
    pub fn resume(self, left: Option<ViewBox>) -> ViewBox {
        match left {
            Some(view)
                if [view.x, view.y, view.width, view.height].iter().all(|number| number.is_finite())
                    && view.width > 0.0
                    && view.height > 0.0 =>
            {
                self.clamp(view)
            }
            _ => self.fit(),
        }
    }

    /// Zooms by `factor` (> 1 = closer) keeping `focus` (layout units) at the
    /// same place on screen.
    pub fn zoom_at(self, view: ViewBox, focus: Point, factor: f64) -> ViewBox {
        if !factor.is_finite() || factor <= 0.0 {
            return view;
        }
        let zoom = (self.zoom_of(view) * factor).clamp(1.0, self.max_zoom);
        let width = self.full.width / zoom;
        let height = self.full.height / zoom;
        let ratio = width / view.width;
        self.clamp(ViewBox { x: focus.x - (focus.x - view.x) * ratio, y: focus.y - (focus.y - view.y) * ratio, width, height })
    }

    /// Zooms around the middle of the current view (the +/- buttons).
    pub fn zoom_centre(self, view: ViewBox, factor: f64) -> ViewBox {
        self.zoom_at(view, view.centre(), factor)
    }

    /// Moves the content by a screen-pixel drag.
    pub fn pan_by_pixels(self, view: ViewBox, rect: ScreenRect, dx: f64, dy: f64) -> ViewBox {
        let scale = view.pixels_per_unit(rect);
        self.clamp(ViewBox { x: view.x - dx / scale, y: view.y - dy / scale, ..view })
    }

    /// A two-finger step: zoom by the change in finger distance around where the
    /// fingers were, then follow their midpoint.
    pub fn pinch(self, view: ViewBox, rect: ScreenRect, before: [Point; 2], after: [Point; 2]) -> ViewBox {
        let distance_before = before[0].distance_to(before[1]);
        let distance_after = after[0].distance_to(after[1]);
        if distance_before < 1.0 {
            return view;
        }
        let middle_before = before[0].midpoint(before[1]);
        let middle_after = after[0].midpoint(after[1]);
        let focus = view.screen_to_layout(rect, middle_before);
        let zoomed = self.zoom_at(view, focus, distance_after / distance_before);
        self.pan_by_pixels(zoomed, rect, middle_after.x - middle_before.x, middle_after.y - middle_before.y)
    }

    /// Keeps the zoom within limits and the view inside the hall, so the buyer
    /// can never drag the seats out of sight.
    pub fn clamp(self, view: ViewBox) -> ViewBox {
        let zoom = self.zoom_of(view).clamp(1.0, self.max_zoom);
        let width = self.full.width / zoom;
        let height = self.full.height / zoom;
        let centre = Point::new(view.x + view.width / 2.0, view.y + view.height / 2.0);
        let min_x = self.full.x + width / 2.0;
        let max_x = self.full.x + self.full.width - width / 2.0;
        let min_y = self.full.y + height / 2.0;
        let max_y = self.full.y + self.full.height - height / 2.0;
        let centre_x = centre.x.clamp(min_x, max_x.max(min_x));
        let centre_y = centre.y.clamp(min_y, max_y.max(min_y));
        ViewBox { x: centre_x - width / 2.0, y: centre_y - height / 2.0, width, height }
    }
}

impl Viewport {
    /// The view moved as little as needed to keep `point` (layout units) at
    /// least `margin` inside it — the keyboard's focused seat stays in sight
    /// when the plan is zoomed in. The zoom does not change.
    pub fn follow(self, view: ViewBox, point: Point, margin: f64) -> ViewBox {
        let margin_x = margin.clamp(0.0, view.width / 4.0);
        let margin_y = margin.clamp(0.0, view.height / 4.0);
        let shift = |start: f64, size: f64, at: f64, margin: f64| {
            if at < start + margin {
                at - margin - start
            } else if at > start + size - margin {
                at + margin - (start + size)
            } else {
                0.0
            }
        };
        let dx = shift(view.x, view.width, point.x, margin_x);
        let dy = shift(view.y, view.height, point.y, margin_y);
        if dx == 0.0 && dy == 0.0 {
            return view;
        }
        self.clamp(ViewBox { x: view.x + dx, y: view.y + dy, ..view })
    }
}

/// The smallest seat, in CSS pixels, a tap selects (WCAG 2.2 target size).
pub const TAP_TARGET_PX: f64 = 24.0;
/// How big a first tap makes the seats (room above the minimum).
const TAP_ZOOM_AIM_PX: f64 = 32.0;

/// What a tap (a touch or a pen, not a mouse) on the plan does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TapAction {
    /// Seats are big enough (or the plan cannot zoom further): pick the seat.
    Select,
    /// Seats are too small to hit: show this window first, the tapped point
    /// staying under the finger.
    ZoomTo(ViewBox),
}

/// A seat's diameter on screen in `view`, for circles of `seat_radius`.
pub fn seat_pixels(view: ViewBox, rect: ScreenRect, seat_radius: f64) -> f64 {
    2.0 * seat_radius * view.pixels_per_unit(rect)
}

impl Viewport {
    /// What a tap at `at` (screen pixels) does in `view`.
    pub fn tap(self, view: ViewBox, rect: ScreenRect, at: Point, seat_radius: f64) -> TapAction {
        let shown = seat_pixels(view, rect, seat_radius);
        let deepest = self.is_deepest(view);
        if shown >= TAP_TARGET_PX || deepest || shown <= 0.0 || !shown.is_finite() {
            return TapAction::Select;
        }
        let focus = view.screen_to_layout(rect, at);
        TapAction::ZoomTo(self.zoom_at(view, focus, TAP_ZOOM_AIM_PX / shown))
    }
}

/// Wheel delta → zoom factor; a notch of a mouse wheel (~100 px) is ~16 %.
pub fn wheel_zoom_factor(delta_y: f64, delta_is_lines: bool) -> f64 {
    let pixels = if delta_is_lines { delta_y * 16.0 } else { delta_y };
    (-pixels.clamp(-300.0, 300.0) * 0.0015).exp()
}

impl Viewport {
    /// What a wheel step by `factor` ([`wheel_zoom_factor`]) at `at` (screen
    /// pixels) does: the view zoomed around the pointer, or `None` when
    /// there is nothing to zoom that way (the whole hall and the wheel
    /// zooms out, the deepest zoom and it zooms in) — the page then scrolls
    /// instead of the wheel being trapped.
    pub fn wheel(self, view: ViewBox, rect: ScreenRect, at: Point, factor: f64) -> Option<ViewBox> {
        let at_limit = (factor < 1.0 && self.is_whole_hall(view)) || (factor > 1.0 && self.is_deepest(view));
        if at_limit || !factor.is_finite() {
            return None;
        }
        Some(self.zoom_at(view, view.screen_to_layout(rect, at), factor))
    }
}

/// Movement (in px) after which a press becomes a drag and its click is ignored.
pub const DRAG_THRESHOLD_PX: f64 = 6.0;

/// What a pointer movement means for the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GestureStep {
    Nothing,
    Pan { dx: f64, dy: f64 },
    Pinch { before: [Point; 2], after: [Point; 2] },
}

/// Follows up to two pressed pointers (mouse, pen or fingers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GestureTracker {
    pressed: Vec<(i32, Point)>,
    dragging: bool,
    suppress_click: bool,
}

impl GestureTracker {
    pub fn press(&mut self, pointer_id: i32, at: Point) {
        if self.pressed.is_empty() {
            self.dragging = false;
            self.suppress_click = false;
        }
        self.pressed.retain(|(id, _)| *id != pointer_id);
        if self.pressed.len() < 2 {
            self.pressed.push((pointer_id, at));
        }
        if self.pressed.len() == 2 {
            // A second finger: this press is a pinch, never a tap.
            self.dragging = true;
            self.suppress_click = true;
        }
    }

    pub fn moved(&mut self, pointer_id: i32, to: Point) -> GestureStep {
        let Some(index) = self.pressed.iter().position(|(id, _)| *id == pointer_id) else {
            return GestureStep::Nothing;
        };
        let from = self.pressed[index].1;
        if self.pressed.len() == 2 {
            let before = [self.pressed[0].1, self.pressed[1].1];
            self.pressed[index].1 = to;
            let after = [self.pressed[0].1, self.pressed[1].1];
            return GestureStep::Pinch { before, after };
        }
        if !self.dragging && from.distance_to(to) < DRAG_THRESHOLD_PX {
            // Keep the press origin until the threshold, so a shaky tap stays a tap.
            return GestureStep::Nothing;
        }
        self.pressed[index].1 = to;
        self.dragging = true;
        self.suppress_click = true;
        GestureStep::Pan { dx: to.x - from.x, dy: to.y - from.y }
    }

    pub fn released(&mut self, pointer_id: i32) {
        self.pressed.retain(|(id, _)| *id != pointer_id);
    }

    /// Whether a pointer is down (the map then follows it).
    pub fn is_pressed(&self) -> bool {
        !self.pressed.is_empty()
    }

    /// Whether the press turned into a drag (the map should capture the pointer).
    pub fn is_dragging(&self) -> bool {
        self.dragging && self.is_pressed()
    }

    /// True when the click that ends the current/last press must not toggle a seat.
    pub fn should_ignore_click(&self) -> bool {
        self.suppress_click
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECT: ScreenRect = ScreenRect { left: 100.0, top: 50.0, width: 1000.0, height: 500.0 };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    fn assert_view(actual: ViewBox, expected: ViewBox) {
        assert!(
            close(actual.x, expected.x)
                && close(actual.y, expected.y)
                && close(actual.width, expected.width)
                && close(actual.height, expected.height),
            "{actual:?} != {expected:?}"
        );
    }

    fn view(x: f64, y: f64, width: f64, height: f64) -> ViewBox {
        ViewBox { x, y, width, height }
    }

    #[test]
    fn maps_screen_points_with_meet_letterboxing() {
        // A 2000×1000 view in a 1000×500 rect: 0.5 px per unit, no letterbox.
        let full = view(0.0, 0.0, 2000.0, 1000.0);
        let cases: &[(ViewBox, Point, Point)] = &[
            (full, Point::new(100.0, 50.0), Point::new(0.0, 0.0)),
            (full, Point::new(600.0, 300.0), Point::new(1000.0, 500.0)),
            // A square view in a wide rect is centred: 250 px bars left and right.
            (view(0.0, 0.0, 100.0, 100.0), Point::new(350.0, 50.0), Point::new(0.0, 0.0)),
            (view(0.0, 0.0, 100.0, 100.0), Point::new(600.0, 300.0), Point::new(50.0, 50.0)),
            (view(500.0, 250.0, 1000.0, 500.0), Point::new(100.0, 50.0), Point::new(500.0, 250.0)),
        ];
        for &(viewbox, screen, expected) in cases {
            let actual = viewbox.screen_to_layout(RECT, screen);
            assert!(close(actual.x, expected.x) && close(actual.y, expected.y), "{viewbox:?} {screen:?} → {actual:?}");
        }
        assert_eq!(full.to_attribute(), "0.00 0.00 2000.00 1000.00");
    }

    #[test]
    fn zooming_keeps_the_focus_point_in_place_and_respects_limits() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0); // max zoom 2000/(10*10) = 20
        assert!(close(viewport.max_zoom(), 20.0));
        let full = viewport.fit();
        let cases: &[(ViewBox, Point, f64, ViewBox)] = &[
            // Zoom 2× at the centre.
            (full, Point::new(1000.0, 500.0), 2.0, view(500.0, 250.0, 1000.0, 500.0)),
            // Zoom 2× at the top-left corner: the corner stays the corner.
            (full, Point::new(0.0, 0.0), 2.0, view(0.0, 0.0, 1000.0, 500.0)),
            // Zoom 2× at (400, 100): that point keeps its relative position.
            (full, Point::new(400.0, 100.0), 2.0, view(200.0, 50.0, 1000.0, 500.0)),
            // Zooming out past the whole hall stops at the whole hall.
            (view(500.0, 250.0, 1000.0, 500.0), Point::new(1000.0, 500.0), 0.1, full),
            // Zooming in past the limit stops at 20×.
            (full, Point::new(1000.0, 500.0), 1000.0, view(950.0, 475.0, 100.0, 50.0)),
            // Nonsense factors change nothing.
            (full, Point::new(1.0, 1.0), f64::NAN, full),
            (full, Point::new(1.0, 1.0), -2.0, full),
        ];
        for &(start, focus, factor, expected) in cases {
            assert_view(viewport.zoom_at(start, focus, factor), expected);
        }
        assert_view(viewport.zoom_centre(full, 4.0), view(750.0, 375.0, 500.0, 250.0));
        assert!(close(viewport.zoom_of(view(750.0, 375.0, 500.0, 250.0)), 4.0));
    }

    #[test]
    fn the_view_follows_a_point_out_of_sight_and_no_further() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0);
        let zoomed = view(500.0, 250.0, 1000.0, 500.0);
        let cases: &[(ViewBox, Point, ViewBox)] = &[
            // In sight with room to spare: nothing moves.
            (zoomed, Point::new(1000.0, 500.0), zoomed),
            (zoomed, Point::new(560.0, 310.0), zoomed),
            // Just past the right margin: moved by that much only.
            (zoomed, Point::new(1460.0, 500.0), view(510.0, 250.0, 1000.0, 500.0)),
            // Far to the left and below: both ways.
            (zoomed, Point::new(300.0, 900.0), view(250.0, 450.0, 1000.0, 500.0)),
            // Near the hall's corner: the view stops at the hall's edge.
            (zoomed, Point::new(10.0, 10.0), view(0.0, 0.0, 1000.0, 500.0)),
            // The whole hall is already in sight.
            (viewport.fit(), Point::new(1990.0, 990.0), viewport.fit()),
        ];
        for &(start, point, expected) in cases {
            assert_view(viewport.follow(start, point, 50.0), expected);
        }
        // A margin wider than a quarter of the view is cut to a quarter.
        assert_view(viewport.follow(zoomed, Point::new(1400.0, 500.0), 10_000.0), view(650.0, 250.0, 1000.0, 500.0));
    }

    #[test]
    fn zoom_limits_follow_seat_size() {
        let cases: &[(f64, f64, f64)] = &[
            (2000.0, 5.0, 20.0),
            (100.0, 5.0, 2.0),      // a tiny hall still zooms a little
            (100_000.0, 1.0, 40.0), // a vast hall is capped
            (2000.0, 0.0, 4.0),     // no seats
        ];
        for &(width, radius, expected) in cases {
            assert!(close(Viewport::new(width, 1000.0, radius).max_zoom(), expected), "{width} {radius}");
        }
    }

    #[test]
    fn panning_follows_the_pointer_and_stops_at_the_hall_edges() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0);
        let zoomed = view(500.0, 250.0, 1000.0, 500.0); // 1 px per unit in RECT
        let cases: &[(ViewBox, f64, f64, ViewBox)] = &[
            // Dragging right by 100 px shows what is left of the view.
            (zoomed, 100.0, 0.0, view(400.0, 250.0, 1000.0, 500.0)),
            (zoomed, -50.0, -20.0, view(550.0, 270.0, 1000.0, 500.0)),
            // The view stops at the hall's edges.
            (zoomed, 5000.0, 5000.0, view(0.0, 0.0, 1000.0, 500.0)),
            (zoomed, -5000.0, -5000.0, view(1000.0, 500.0, 1000.0, 500.0)),
            // The whole hall cannot be dragged at all.
            (viewport.fit(), 300.0, 300.0, viewport.fit()),
        ];
        for &(start, dx, dy, expected) in cases {
            assert_view(viewport.pan_by_pixels(start, RECT, dx, dy), expected);
        }
    }

    #[test]
    fn pinching_zooms_around_the_fingers_and_follows_them() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0);
        let full = viewport.fit(); // 0.5 px per unit
                                   // Fingers spread symmetrically around screen (600, 300) = layout (1000, 500).
        let before = [Point::new(550.0, 300.0), Point::new(650.0, 300.0)];
        let after = [Point::new(500.0, 300.0), Point::new(700.0, 300.0)];
        assert_view(viewport.pinch(full, RECT, before, after), view(500.0, 250.0, 1000.0, 500.0));
        // Same spread, fingers also move 100 px right: content follows (1 px per unit after zoom).
        let after_moved = [Point::new(600.0, 300.0), Point::new(800.0, 300.0)];
        assert_view(viewport.pinch(full, RECT, before, after_moved), view(400.0, 250.0, 1000.0, 500.0));
        // Fingers on top of each other: ignored.
        let together = [Point::new(600.0, 300.0), Point::new(600.0, 300.0)];
        assert_view(viewport.pinch(full, RECT, together, after), full);
    }

    #[test]
    fn wheel_steps_zoom_in_and_out_symmetrically() {
        let zoom_in = wheel_zoom_factor(-100.0, false);
        let zoom_out = wheel_zoom_factor(100.0, false);
        assert!(zoom_in > 1.1 && zoom_in < 1.2, "{zoom_in}");
        assert!(close(zoom_in * zoom_out, 1.0));
        assert!(close(wheel_zoom_factor(-3.0, true), wheel_zoom_factor(-48.0, false)));
        assert!(close(wheel_zoom_factor(-100_000.0, false), wheel_zoom_factor(-300.0, false)));
    }

    #[test]
    fn the_wheel_zooms_around_the_pointer_until_there_is_nothing_to_zoom() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0); // 0.5 px per unit in RECT, max zoom 20
        let full = viewport.fit();
        let deepest = viewport.zoom_centre(full, 100.0);
        let inward = wheel_zoom_factor(-100.0, false);
        let outward = wheel_zoom_factor(100.0, false);
        // At the whole hall the wheel may zoom in, not out: the page scrolls.
        let zoomed = viewport.wheel(full, RECT, Point::new(600.0, 300.0), inward).expect("zooms in");
        assert!(close(viewport.zoom_of(zoomed), inward));
        assert_view(zoomed, viewport.zoom_at(full, Point::new(1000.0, 500.0), inward));
        assert_eq!(viewport.wheel(full, RECT, Point::new(600.0, 300.0), outward), None);
        // At the deepest zoom, out but not in.
        assert!(viewport.is_deepest(deepest) && !viewport.is_whole_hall(deepest));
        assert_eq!(viewport.wheel(deepest, RECT, Point::new(600.0, 300.0), inward), None);
        assert!(viewport.wheel(deepest, RECT, Point::new(600.0, 300.0), outward).is_some());
        // Under the pointer, not at the centre: the point under it stays put.
        let corner = viewport.wheel(full, RECT, Point::new(100.0, 50.0), 2.0).unwrap();
        assert_view(corner, view(0.0, 0.0, 1000.0, 500.0));
        assert_eq!(viewport.wheel(full, RECT, Point::new(100.0, 50.0), f64::NAN), None);
    }

    #[test]
    fn a_view_left_by_another_drawing_is_resumed_within_the_limits() {
        let viewport = Viewport::new(2000.0, 1000.0, 5.0);
        let full = viewport.fit();
        let zoomed = view(500.0, 250.0, 1000.0, 500.0);
        let cases: &[(Option<ViewBox>, ViewBox)] = &[
            // The stage's zoomed view is kept as it is.
            (Some(zoomed), zoomed),
            (Some(full), full),
            // None, or what an absent or broken viewBox reads as: the whole hall.
            (None, full),
            (Some(view(0.0, 0.0, 0.0, 0.0)), full),
            (Some(view(10.0, 10.0, -5.0, 100.0)), full),
            (Some(view(f64::NAN, 0.0, 100.0, 50.0)), full),
            // Out of the hall or deeper than allowed: brought inside.
            (Some(view(1800.0, 900.0, 1000.0, 500.0)), view(1000.0, 500.0, 1000.0, 500.0)),
            (Some(view(995.0, 497.5, 10.0, 5.0)), view(950.0, 475.0, 100.0, 50.0)),
            (Some(view(-100.0, -100.0, 4000.0, 2000.0)), full),
        ];
        for &(left, expected) in cases {
            assert_view(viewport.resume(left), expected);
        }
    }

    #[test]
    fn a_small_wobble_is_a_tap_and_a_drag_is_not() {
        let mut tap = GestureTracker::default();
        tap.press(1, Point::new(10.0, 10.0));
        assert_eq!(tap.moved(1, Point::new(12.0, 11.0)), GestureStep::Nothing);
        assert_eq!(tap.moved(7, Point::new(50.0, 50.0)), GestureStep::Nothing, "hover of another pointer");
        tap.released(1);
        assert!(!tap.should_ignore_click());

        let mut drag = GestureTracker::default();
        drag.press(1, Point::new(10.0, 10.0));
        assert_eq!(drag.moved(1, Point::new(13.0, 10.0)), GestureStep::Nothing);
        assert_eq!(drag.moved(1, Point::new(20.0, 10.0)), GestureStep::Pan { dx: 10.0, dy: 0.0 });
        assert!(drag.is_dragging());
        assert_eq!(drag.moved(1, Point::new(25.0, 15.0)), GestureStep::Pan { dx: 5.0, dy: 5.0 });
        drag.released(1);
        assert!(drag.should_ignore_click());
        assert!(!drag.is_pressed());
        // The next press starts fresh.
        drag.press(2, Point::new(0.0, 0.0));
        assert!(!drag.should_ignore_click());
    }

    #[test]
    fn two_fingers_pinch() {
        let mut pinch = GestureTracker::default();
        pinch.press(1, Point::new(100.0, 100.0));
        pinch.press(2, Point::new(200.0, 100.0));
        assert!(pinch.should_ignore_click());
        assert_eq!(
            pinch.moved(2, Point::new(250.0, 100.0)),
            GestureStep::Pinch {
                before: [Point::new(100.0, 100.0), Point::new(200.0, 100.0)],
                after: [Point::new(100.0, 100.0), Point::new(250.0, 100.0)],
            }
        );
        // Lifting one finger continues as a pan from where the other one is.
        pinch.released(2);
        assert_eq!(pinch.moved(1, Point::new(110.0, 100.0)), GestureStep::Pan { dx: 10.0, dy: 0.0 });
    }

    #[test]
    fn a_tap_zooms_until_seats_are_big_enough_to_hit_then_selects() {
        // The 2,172-seat hall (1768 × 1150 units, seats 8.4 units in radius)
        // in a 278 × 181 px map: a 360-px phone, page and widget padding aside.
        let viewport = Viewport::new(1768.0, 1150.0, 8.4);
        let phone = ScreenRect { left: 41.0, top: 300.0, width: 278.0, height: 180.83 };
        let whole = viewport.fit();
        assert!(seat_pixels(whole, phone, 8.4) < 3.0, "the whole hall: seats under 3 px");
        let tapped = Point::new(100.0, 350.0);
        let TapAction::ZoomTo(zoomed) = viewport.tap(whole, phone, tapped, 8.4) else { panic!("the first tap zooms") };
        let size = seat_pixels(zoomed, phone, 8.4);
        assert!(size >= TAP_TARGET_PX, "seats after the first tap: {size} px");
        // The point under the finger is still under it.
        let before = whole.screen_to_layout(phone, tapped);
        let after = zoomed.screen_to_layout(phone, tapped);
        assert!(close(before.x, after.x) && close(before.y, after.y), "{before:?} → {after:?}");
        assert_eq!(viewport.tap(zoomed, phone, tapped, 8.4), TapAction::Select, "the next tap selects");

        let cases: &[(ViewBox, ScreenRect, TapAction)] = &[
            // A desktop-sized map whose seats are already big enough.
            (view(0.0, 0.0, 300.0, 195.0), RECT, TapAction::Select),
            // A map so small that even the deepest zoom leaves seats small: tap selects there.
            (viewport.zoom_centre(whole, 1000.0), ScreenRect { width: 100.0, height: 65.0, ..phone }, TapAction::Select),
        ];
        for &(start, rect, expected) in cases {
            assert_eq!(viewport.tap(start, rect, Point::new(rect.left + 10.0, rect.top + 10.0), 8.4), expected, "{start:?}");
        }
        // At a corner the view stays inside the hall.
        let TapAction::ZoomTo(corner) = viewport.tap(whole, phone, Point::new(phone.left, phone.top), 8.4) else { panic!() };
        assert!(corner.x >= 0.0 && corner.y >= 0.0 && seat_pixels(corner, phone, 8.4) >= TAP_TARGET_PX, "{corner:?}");
    }
}
