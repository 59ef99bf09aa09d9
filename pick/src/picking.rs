//! The stage's state, without the browser: which seats are on sale, what
//! the buyer picked (the widget's own [`Selection`] rules), and whether
//! "reserve" was pressed. The glue (`stage.rs`) asks it and redraws.
//!
//! The hand-over to the widget needs no channel of its own: picks are the
//! circles drawn `selected` (the widget's `paint_adoption::early_picks`), and
//! a reserve the buyer asked for is the `ticket_hall::hand_over::RESERVE_MARKER` attribute on the
//! painted seat layer (`g.tw-seats`), which moves with the circles into the
//! widget's map.

use ticket_hall::selection::{LostPick, Selection};
use ticket_paint::SeatState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picking {
    seats_available: Vec<bool>,
    /// Places left of each general admission, in layout order.
    admissions_left: Vec<u32>,
    selection: Selection,
    reserve_requested: bool,
}

impl Picking {
    /// Takes over a painted hall: `shown` is each circle's state as the
    /// stage finds it, and a circle drawn `selected` is a pick the buyer
    /// made before the stage was there (the loader's early clicks), lost
    /// (listed as such, drawn `lost`) when `seats_available` says the seat
    /// was taken meanwhile, as the widget treats its early picks.
    /// `reserve_requested`: the layer already carries the marker.
    pub fn adopt(availability: (Vec<bool>, Vec<u32>), shown: &[SeatState], reserve_requested: bool) -> Picking {
        let early: Vec<usize> = (0..shown.len()).filter(|&seat| shown[seat] == SeatState::Selected).collect();
        let mut selection = Selection::default();
        selection.adopt_picks(&early);
        let mut picking = Picking { seats_available: Vec::new(), admissions_left: Vec::new(), selection, reserve_requested };
        picking.refresh(availability);
        picking
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn is_available(&self, seat_index: usize) -> bool {
        self.seats_available.get(seat_index).copied().unwrap_or(false)
    }

    /// What the circle of `seat_index` must show: picked, a pick someone
    /// else took (until the buyer dismisses it), else what the availability
    /// says.
    pub fn seat_state(&self, seat_index: usize) -> SeatState {
        if self.selection.is_seat_selected(seat_index) {
            SeatState::Selected
        } else if self.selection.lost().contains(&LostPick::Seat(seat_index)) {
            SeatState::Lost
        } else if self.is_available(seat_index) {
            SeatState::Available
        } else {
            SeatState::Unavailable
        }
    }

    /// Picks or puts back a seat by the selection's rules. Once "reserve"
    /// was pressed the picks stay as they are (the widget reserves exactly
    /// them). Returns whether anything changed.
    pub fn toggle(&mut self, seat_index: usize) -> bool {
        !self.reserve_requested && self.selection.toggle_seat(seat_index, self.is_available(seat_index))
    }

    /// Places left of admission `admission_index` now.
    pub fn admission_left(&self, admission_index: usize) -> u32 {
        self.admissions_left.get(admission_index).copied().unwrap_or(0)
    }

    /// A newer availability from the live feed (seats available and places
    /// left, in layout order, as `Availability::for_layout` gives them):
    /// seats taken or freed meanwhile are drawn so, and a pick someone else
    /// took — a seat, or places beyond what is left — is lost, as the widget
    /// shows it (the widget, taking over, finds it drawn `lost` and flags it
    /// again by its own reading). Once "reserve" was pressed the picks stay
    /// as they are: the widget reserves exactly them and tells the buyer
    /// what came of it.
    pub fn refresh(&mut self, (seats_available, admissions_left): (Vec<bool>, Vec<u32>)) {
        self.seats_available = seats_available;
        self.admissions_left = admissions_left;
        if !self.reserve_requested {
            self.selection.take_conflicts(&self.seats_available, &self.admissions_left);
        }
    }

    /// One more (`+1`) or one fewer (`-1`) ticket of admission
    /// `admission_index`, within what is left (the widget's stepper rules).
    /// Returns whether the quantity changed.
    pub fn step_admission(&mut self, admission_index: usize, delta: i64) -> bool {
        if self.reserve_requested {
            return false;
        }
        let before = self.selection.admission_quantity(admission_index);
        let wanted = (i64::from(before) + delta).max(0) as u32;
        let left = self.admission_left(admission_index);
        self.selection.set_admission_quantity(admission_index, wanted, left) != before
    }

    /// The buyer has read that a pick was taken (the × on its line): a
    /// seat's, or an admission's places.
    pub fn dismiss_lost(&mut self, lost: LostPick) -> bool {
        let was_lost = self.selection.lost().iter().any(|kept| kept.is_same_pick(&lost));
        self.selection.dismiss_lost(lost);
        was_lost
    }

    /// The buyer pressed "reserve": asked for when something is picked (and
    /// not asked already). Returns whether it was asked just now.
    pub fn request_reserve(&mut self) -> bool {
        if self.reserve_requested || !self.selection.may_reserve() {
            return false;
        }
        self.reserve_requested = true;
        true
    }

    pub fn reserve_requested(&self) -> bool {
        self.reserve_requested
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeatState::{Available as A, Selected as S, Unavailable as U};

    #[test]
    fn adopts_early_picks_and_loses_one_taken_meanwhile() {
        // Drawn: seat 1 and 3 picked early; seat 3 was taken since.
        let picking = Picking::adopt((vec![true, true, false, false], vec![]), &[A, S, U, S], false);
        assert_eq!(picking.selection().seats(), &[1]);
        assert_eq!((0..4).map(|seat| picking.seat_state(seat)).collect::<Vec<_>>(), [A, S, U, SeatState::Lost]);
        assert_eq!(picking.selection().lost(), &[LostPick::Seat(3)]);
        assert!(!picking.selection().may_reserve(), "not until the buyer has read it");
    }

    #[test]
    fn picks_by_the_selection_rules_until_reserve_is_pressed() {
        let mut picking = Picking::adopt((vec![true, false, true], vec![]), &[A, U, A], false);
        assert!(!picking.request_reserve(), "nothing picked: no reserve");
        // (seat, changed, picks after)
        let steps: &[(usize, bool, &[usize])] =
            &[(0, true, &[0]), (1, false, &[0]), (2, true, &[0, 2]), (0, true, &[2]), (9, false, &[2])];
        for &(seat, changed, picks) in steps {
            assert_eq!(picking.toggle(seat), changed, "seat {seat}");
            assert_eq!(picking.selection().seats(), picks, "seat {seat}");
        }
        assert!(picking.request_reserve());
        assert!(picking.reserve_requested());
        assert!(!picking.request_reserve(), "asked once");
        assert!(!picking.toggle(0) && !picking.toggle(2), "the picks the widget will reserve stay");
        assert_eq!(picking.selection().seats(), &[2]);
    }

    #[test]
    fn the_live_feed_redraws_taken_and_freed_seats_and_loses_a_taken_pick() {
        let mut picking = Picking::adopt((vec![true, true, false, true], vec![]), &[A, A, U, A], false);
        assert!(picking.toggle(0) && picking.toggle(3));
        // Seat 3 (picked) and seat 1 taken by someone else, seat 2 freed.
        picking.refresh((vec![true, false, true, false], vec![]));
        assert_eq!((0..4).map(|seat| picking.seat_state(seat)).collect::<Vec<_>>(), [S, U, A, SeatState::Lost]);
        assert_eq!(picking.selection().seats(), &[0]);
        assert!(!picking.selection().may_reserve(), "not while a lost pick is unread");
        assert!(!picking.toggle(3), "a lost seat cannot be picked again");
        assert!(picking.dismiss_lost(LostPick::Seat(3)) && !picking.dismiss_lost(LostPick::Seat(3)));
        assert_eq!(picking.seat_state(3), U);
        assert!(picking.selection().may_reserve());
    }

    #[test]
    fn after_reserve_was_pressed_the_feed_leaves_the_picks() {
        let mut picking = Picking::adopt((vec![true, true], vec![]), &[A, A], false);
        assert!(picking.toggle(0) && picking.request_reserve());
        picking.refresh((vec![false, false], vec![]));
        assert_eq!(picking.selection().seats(), &[0], "the widget reserves it and learns it is taken");
        assert_eq!([picking.seat_state(0), picking.seat_state(1)], [S, U]);
    }

    #[test]
    fn admission_steppers_stay_within_what_is_left_and_the_feed_cuts_a_quantity() {
        let mut picking = Picking::adopt((vec![true], vec![2, 0]), &[A], false);
        assert!(picking.step_admission(0, 1) && picking.step_admission(0, 1));
        assert!(!picking.step_admission(0, 1), "only 2 left");
        assert!(!picking.step_admission(1, 1), "sold out");
        assert!(!picking.step_admission(1, -1), "nothing to take off");
        assert_eq!(picking.selection().admission_quantity(0), 2);
        assert!(picking.selection().may_reserve());
        // Someone else took one of the two places.
        picking.refresh((vec![true], vec![1, 0]));
        assert_eq!(picking.selection().admission_quantity(0), 1);
        assert_eq!(picking.selection().lost(), &[LostPick::Admission { index: 0, wanted: 2, left: 1 }]);
        assert!(!picking.selection().may_reserve(), "not until the buyer has read it");
        // The buyer's own choice settles the note, as in the widget.
        assert!(picking.step_admission(0, -1));
        assert!(picking.selection().lost().is_empty());
        assert!(!picking.selection().may_reserve(), "nothing picked now");
    }

    #[test]
    fn a_marker_found_on_the_layer_freezes_the_picks() {
        let mut picking = Picking::adopt((vec![true, true], vec![]), &[S, A], true);
        assert!(picking.reserve_requested());
        assert!(!picking.toggle(1));
        assert_eq!(picking.selection().seats(), &[0]);
    }
}
