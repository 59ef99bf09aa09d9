//! The stage's state, without the browser: which seats are on sale, what
//! the buyer picked (the widget's own [`Selection`] rules), and whether
//! "reserve" was pressed. The glue (`stage.rs`) asks it and redraws.
//!
//! The hand-over to the widget needs no channel of its own: picks are the
//! circles drawn `selected` (the widget's `paint_adoption::early_picks`), and
//! a reserve the buyer asked for is the [`RESERVE_MARKER`] attribute on the
//! painted seat layer (`g.tw-seats`), which moves with the circles into the
//! widget's map.

use ticket_hall::selection::Selection;
use ticket_paint::SeatState;

/// Set on the painted `g.tw-seats` layer, with the value
/// [`RESERVE_REQUESTED`], when the buyer pressed "reserve" on the stage.
pub const RESERVE_MARKER: &str = "data-reserve";
pub const RESERVE_REQUESTED: &str = "requested";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picking {
    seats_available: Vec<bool>,
    selection: Selection,
    reserve_requested: bool,
}

impl Picking {
    /// Takes over a painted hall: `shown` is each circle's state as the
    /// stage finds it, and a circle drawn `selected` is a pick the buyer
    /// made before the stage was there (the loader's early clicks), kept
    /// unless `seats_available` says the seat was taken meanwhile (it then
    /// simply goes: the stage shows no lost-pick notes).
    /// `reserve_requested`: the layer already carries the marker.
    pub fn adopt(seats_available: Vec<bool>, shown: &[SeatState], reserve_requested: bool) -> Picking {
        let early: Vec<usize> = (0..shown.len()).filter(|&seat| shown[seat] == SeatState::Selected).collect();
        let mut selection = Selection::default();
        selection.adopt_picks(&early);
        for lost in selection.take_conflicts(&seats_available, &[]) {
            selection.dismiss_lost(lost);
        }
        Picking { seats_available, selection, reserve_requested }
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn is_available(&self, seat_index: usize) -> bool {
        self.seats_available.get(seat_index).copied().unwrap_or(false)
    }

    /// What the circle of `seat_index` must show: picked, else what the
    /// availability says (the stage has no live feed: no pick is lost here).
    pub fn seat_state(&self, seat_index: usize) -> SeatState {
        if self.selection.is_seat_selected(seat_index) {
            SeatState::Selected
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
    fn adopts_early_picks_and_drops_one_taken_meanwhile() {
        // Drawn: seat 1 and 3 picked early; seat 3 was taken since.
        let picking = Picking::adopt(vec![true, true, false, false], &[A, S, U, S], false);
        assert_eq!(picking.selection().seats(), &[1]);
        assert_eq!((0..4).map(|seat| picking.seat_state(seat)).collect::<Vec<_>>(), [A, S, U, U]);
        assert!(picking.selection().lost().is_empty(), "no note of it: the stage has none to show");
        assert!(picking.selection().may_reserve());
    }

    #[test]
    fn picks_by_the_selection_rules_until_reserve_is_pressed() {
        let mut picking = Picking::adopt(vec![true, false, true], &[A, U, A], false);
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
    fn a_marker_found_on_the_layer_freezes_the_picks() {
        let mut picking = Picking::adopt(vec![true, true], &[S, A], true);
        assert!(picking.reserve_requested());
        assert!(!picking.toggle(1));
        assert_eq!(picking.selection().seats(), &[0]);
    }
}
