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
    }
}
