//! Which window of the plan the stage shows, without the browser: what a
//! press, a drag, a pinch, a click, the wheel and the zoom keys do to the
//! painted `<svg>`'s `viewBox`, by the widget's own rules (`ticket-hall`'s
//! `viewport`, the same code its `SeatMap` runs). The glue (`stage.rs`)
//! feeds it pointer positions and writes back the view it returns.
//!
//! On a phone the whole hall's seats are a few pixels wide: while they are
//! under 24 CSS px a finger's or a pen's tap zooms to where it landed
//! (`Viewport::tap`) and only then picks; a mouse's click always picks. A
//! press that turned into a drag or a pinch picks nothing.
//!
//! The view is the hand-over to the widget: it stays on the painted
//! `<svg>`, and the widget adopting the hall starts from it.

use ticket_hall::map_parts::ZoomButtons;
use ticket_hall::viewport::{
    wheel_zoom_factor, GestureStep, GestureTracker, Point, ScreenRect, TapAction, ViewBox, Viewport, FOLLOW_MARGIN_SPACINGS,
    KEY_ZOOM_FACTOR,
};

/// What a click on the plan does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlanClick {
    /// It ended a drag or a pinch: nothing.
    Ignore,
    /// A tap while seats are too small to hit: the view moved closer.
    Zoomed(ViewBox),
    /// Pick (or put back) the seat clicked, if it is one.
    Pick,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    viewport: Viewport,
    view: ViewBox,
    seat_radius: f64,
    gesture: GestureTracker,
    /// Whether the last press was a mouse's (a finger's or a pen's tap
    /// zooms while seats are small).
    pressed_with_mouse: bool,
}

impl PlanView {
    /// The whole hall of a `width` × `height` layout with seats of
    /// `seat_radius` (`ticket_paint::seat_radius`), as painted.
    pub fn new(width: f64, height: f64, seat_radius: f64) -> PlanView {
        let viewport = Viewport::new(width, height, seat_radius);
        PlanView { viewport, view: viewport.fit(), seat_radius, gesture: GestureTracker::default(), pressed_with_mouse: true }
    }

    pub fn view(&self) -> ViewBox {
        self.view
    }

    /// Whether the plan is zoomed in (the "whole hall" button is shown).
    pub fn is_zoomed(&self) -> bool {
        !self.viewport.is_whole_hall(self.view)
    }

    /// Which of the toolbar's zoom buttons have something to do.
    pub fn zoom_buttons(&self) -> ZoomButtons {
        ZoomButtons { at_whole_hall: self.viewport.is_whole_hall(self.view), at_deepest: self.viewport.is_deepest(self.view) }
    }

    /// Whether a pointer is down on the plan (no hover bubbles then).
    pub fn is_pressed(&self) -> bool {
        self.gesture.is_pressed()
    }

    /// A pointer went down on the plan. A mouse's other buttons do nothing.
    pub fn press(&mut self, pointer_id: i32, at: Point, by_mouse: bool, main_button: bool) {
        self.pressed_with_mouse = by_mouse;
        if by_mouse && !main_button {
            return;
        }
        self.gesture.press(pointer_id, at);
    }

    /// A pointer moved: the new view when it panned or pinched the plan.
    pub fn moved(&mut self, pointer_id: i32, to: Point, rect: ScreenRect) -> Option<ViewBox> {
        let view = match self.gesture.moved(pointer_id, to) {
            GestureStep::Nothing => return None,
            GestureStep::Pan { dx, dy } => self.viewport.pan_by_pixels(self.view, rect, dx, dy),
            GestureStep::Pinch { before, after } => self.viewport.pinch(self.view, rect, before, after),
        };
        self.show(view)
    }

    /// A pointer went up or was cancelled.
    pub fn released(&mut self, pointer_id: i32) {
        self.gesture.released(pointer_id);
    }

    /// A click at `at` on the plan, after the press it ends.
    pub fn click(&mut self, at: Point, rect: ScreenRect) -> PlanClick {
        let by_mouse = std::mem::replace(&mut self.pressed_with_mouse, true);
        if self.gesture.should_ignore_click() {
            return PlanClick::Ignore;
        }
        if by_mouse {
            return PlanClick::Pick;
        }
        match self.viewport.tap(self.view, rect, at, self.seat_radius) {
            TapAction::Select => PlanClick::Pick,
            TapAction::ZoomTo(closer) => {
                self.view = closer;
                PlanClick::Zoomed(closer)
            }
        }
    }

    /// A wheel step at `at`: the new view, or `None` when there is nothing
    /// to zoom that way (the page scrolls instead).
    pub fn wheel(&mut self, at: Point, rect: ScreenRect, delta_y: f64, delta_is_lines: bool) -> Option<ViewBox> {
        let zoomed = self.viewport.wheel(self.view, rect, at, wheel_zoom_factor(delta_y, delta_is_lines))?;
        self.show(zoomed)
    }

    /// The map's zoom keys, as in the widget: `+` / `=` closer, `-` / `_`
    /// farther (around `around`, the keyboard's seat, else the middle), `0`
    /// the whole hall. `None` for any other key.
    pub fn zoom_key(&mut self, key: &str, around: Option<Point>) -> Option<ViewBox> {
        let factor = match key {
            "+" | "=" => KEY_ZOOM_FACTOR,
            "-" | "_" => 1.0 / KEY_ZOOM_FACTOR,
            "0" => return Some(self.whole_hall()),
            _ => return None,
        };
        let view = match around {
            Some(point) => self.viewport.zoom_at(self.view, point, factor),
            None => self.viewport.zoom_centre(self.view, factor),
        };
        self.view = view;
        Some(view)
    }

    /// The whole hall again (the "whole hall" button, the `0` key).
    pub fn whole_hall(&mut self) -> ViewBox {
        self.view = self.viewport.fit();
        self.view
    }

    /// The view moved just enough to keep the keyboard's seat at `point`
    /// in sight: the new view if it moved.
    pub fn follow(&mut self, point: Point) -> Option<ViewBox> {
        // `seat_radius` is 42 % of the usual distance between seats.
        let margin = self.seat_radius / 0.42 * FOLLOW_MARGIN_SPACINGS;
        self.show(self.viewport.follow(self.view, point, margin))
    }

    fn show(&mut self, view: ViewBox) -> Option<ViewBox> {
        (view != self.view).then(|| {
            self.view = view;
            view
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 2,172-seat hall (1768 × 1150 units, seats 8.4 in radius) in a
    /// 360-px phone's map.
    fn phone_plan() -> (PlanView, ScreenRect) {
        (PlanView::new(1768.0, 1150.0, 8.4), ScreenRect { left: 41.0, top: 300.0, width: 278.0, height: 180.83 })
    }

    fn seat_pixels(view: ViewBox, rect: ScreenRect) -> f64 {
        ticket_hall::viewport::seat_pixels(view, rect, 8.4)
    }

    #[test]
    fn a_finger_zooms_first_then_picks_and_a_mouse_picks_at_once() {
        let (mut plan, rect) = phone_plan();
        let at = Point::new(120.0, 360.0);
        // A finger's tap on the whole hall: closer, seats big enough to hit.
        plan.press(1, at, false, true);
        plan.released(1);
        let PlanClick::Zoomed(closer) = plan.click(at, rect) else { panic!("the first tap zooms") };
        assert!(seat_pixels(closer, rect) >= 24.0, "{closer:?}");
        assert_eq!(plan.view(), closer);
        assert!(plan.is_zoomed());
        // The next tap picks.
        plan.press(2, at, false, true);
        plan.released(2);
        assert_eq!(plan.click(at, rect), PlanClick::Pick);
        // A pen is a finger here.
        plan.whole_hall();
        assert!(!plan.is_zoomed());
        plan.press(3, at, false, true);
        plan.released(3);
        assert!(matches!(plan.click(at, rect), PlanClick::Zoomed(_)));
        // A mouse's click picks on the whole hall.
        plan.whole_hall();
        plan.press(4, at, true, true);
        plan.released(4);
        assert_eq!(plan.click(at, rect), PlanClick::Pick);
        assert!(!plan.is_zoomed());
        // A click without a press on the plan (the keyboard, a script) picks.
        assert_eq!(plan.click(at, rect), PlanClick::Pick);
    }

    #[test]
    fn a_drag_pans_the_zoomed_plan_and_its_click_picks_nothing() {
        let (mut plan, rect) = phone_plan();
        plan.zoom_key("+", None);
        plan.zoom_key("+", None);
        let before = plan.view();
        plan.press(1, Point::new(150.0, 400.0), false, true);
        assert_eq!(plan.moved(1, Point::new(152.0, 401.0), rect), None, "a wobble is still a tap");
        let panned = plan.moved(1, Point::new(190.0, 400.0), rect).expect("a drag pans");
        assert!(panned.x < before.x && panned.y == before.y, "{before:?} → {panned:?}");
        assert!(plan.is_pressed());
        plan.released(1);
        assert_eq!(plan.click(Point::new(190.0, 400.0), rect), PlanClick::Ignore);
        // The whole hall cannot be dragged: nothing to redraw.
        plan.whole_hall();
        plan.press(2, Point::new(150.0, 400.0), true, true);
        assert_eq!(plan.moved(2, Point::new(250.0, 450.0), rect), None);
        // A mouse's right button does not drag.
        plan.zoom_key("+", None);
        plan.press(3, Point::new(150.0, 400.0), true, false);
        assert_eq!(plan.moved(3, Point::new(250.0, 450.0), rect), None);
    }

    #[test]
    fn two_fingers_pinch_the_plan_closer() {
        let (mut plan, rect) = phone_plan();
        plan.press(1, Point::new(150.0, 390.0), false, true);
        plan.press(2, Point::new(200.0, 390.0), false, true);
        let pinched = plan.moved(2, Point::new(260.0, 390.0), rect).expect("a pinch zooms");
        assert!(pinched.width < 1768.0 * 0.7, "{pinched:?}");
        plan.released(1);
        plan.released(2);
        assert_eq!(plan.click(Point::new(260.0, 390.0), rect), PlanClick::Ignore, "a pinch picks nothing");
    }

    #[test]
    fn the_wheel_and_the_keys_zoom_and_the_whole_hall_comes_back() {
        let (mut plan, rect) = phone_plan();
        let at = Point::new(100.0, 350.0);
        assert_eq!(plan.wheel(at, rect, 100.0, false), None, "out of the whole hall: the page scrolls");
        let closer = plan.wheel(at, rect, -3.0, true).expect("in");
        assert!(closer.width < 1768.0);
        assert!(plan.wheel(at, rect, 3.0, true).is_some(), "and out again");
        // Keys: + and − around the keyboard's seat, 0 the whole hall, others nothing.
        let seat = Point::new(300.0, 200.0);
        let zoomed = plan.zoom_key("=", Some(seat)).unwrap();
        let farther = plan.zoom_key("-", Some(seat)).unwrap();
        assert!(farther.width > zoomed.width);
        assert_eq!(plan.zoom_key("a", None), None);
        assert_eq!(plan.zoom_key("0", None), Some(ViewBox { x: 0.0, y: 0.0, width: 1768.0, height: 1150.0 }));
        assert!(!plan.is_zoomed());
    }

    #[test]
    fn the_view_follows_the_keyboards_seat_only_when_zoomed() {
        let (mut plan, _) = phone_plan();
        assert_eq!(plan.follow(Point::new(1700.0, 1100.0)), None, "the whole hall shows every seat");
        plan.zoom_key("+", Some(Point::new(100.0, 100.0)));
        plan.zoom_key("+", Some(Point::new(100.0, 100.0)));
        let moved = plan.follow(Point::new(1700.0, 1100.0)).expect("a seat out of sight brings the view");
        assert!(moved.x + moved.width >= 1700.0 && moved.y + moved.height >= 1100.0, "{moved:?}");
        assert_eq!(plan.follow(Point::new(1700.0, 1100.0)), None, "once in sight it stays");
    }
}
