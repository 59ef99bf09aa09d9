//! What the seat-picking stage leaves on the painted seat layer
//! (`g.tw-seats`) for the widget to do when it takes over — the layer moves
//! with the circles into the widget's map, so it carries these. Both sides
//! name them from here.

/// Set, with [`REQUESTED`], when the buyer pressed "reserve" on the stage:
/// the widget reserves the picks.
pub const RESERVE_MARKER: &str = "data-reserve";
/// Set, with [`REQUESTED`], when the buyer pressed "Seat list" on the
/// stage's toolbar: the widget opens the list.
pub const SEAT_LIST_MARKER: &str = "data-seat-list";
/// The markers' value.
pub const REQUESTED: &str = "requested";
