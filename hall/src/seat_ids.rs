//! Which seat a circle is: the circles carry `data-seat-id`, not their
//! index, and a seat's index is its place in the layout (and in the layer).

use ticket_contract::Layout;

/// The layout index of each seat id, sorted for a binary search (smaller in
/// the wasm than a hash map). A repeated id names its first seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeatIndexById(Vec<(String, usize)>);

impl SeatIndexById {
    pub fn new(layout: &Layout) -> SeatIndexById {
        let mut ids: Vec<(String, usize)> =
            layout.seats.iter().enumerate().map(|(index, seat)| (seat.id.clone(), index)).collect();
        ids.sort_unstable();
        SeatIndexById(ids)
    }

    pub fn get(&self, seat_id: &str) -> Option<usize> {
        let first = self.0.partition_point(|(id, _)| id.as_str() < seat_id);
        self.0.get(first).filter(|(id, _)| id == seat_id).map(|&(_, index)| index)
    }

    /// The index of the circle with `seat_id` among `count` circles in
    /// layout order, where `is_it(index)` says whether the circle at `index`
    /// is the one in hand: the id's index in one look-up, a walk along the
    /// circles only when ids repeat.
    pub fn locate(&self, seat_id: &str, count: usize, is_it: impl Fn(usize) -> bool) -> Option<usize> {
        let named = self.get(seat_id)?;
        if is_it(named) {
            return Some(named);
        }
        (0..count).find(|&index| is_it(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::fixtures;

    #[test]
    fn finds_a_seats_index_from_its_id() {
        let mut hall = fixtures::layout(Vec::new(), Vec::new());
        hall.seats = ["b", "a", "c", "a"].iter().map(|id| fixtures::seat(id, 0, "1", "1", (0.0, 0.0), 100)).collect();
        let index_by_id = SeatIndexById::new(&hall);
        assert_eq!(index_by_id.get("a"), Some(1), "a repeated id names its first seat");
        assert_eq!(index_by_id.get("b"), Some(0));
        assert_eq!(index_by_id.get("c"), Some(2));
        assert_eq!(index_by_id.get("d"), None);
        assert_eq!(index_by_id.get(""), None);
        // The second "a" (index 3) is found by walking; an unknown id is no circle.
        assert_eq!(index_by_id.locate("a", 4, |index| index == 3), Some(3));
        assert_eq!(index_by_id.locate("b", 4, |index| index == 0), Some(0));
        assert_eq!(index_by_id.locate("d", 4, |_| true), None);
    }
}
