//! Fixed-point text for SVG attributes and inline styles (`12.5`, `-3.25`):
//! `ticket-paint`'s, so the widget and the edge's painted hall print every
//! number alike.

pub use ticket_paint::number::fixed;
