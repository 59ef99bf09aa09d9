//! The hall's pure rules and words, shared by the two things that let a
//! buyer pick seats: the Leptos widget (`ticket-widget`) and the small
//! seat-picking stage that runs on the painted hall before it
//! (`ticket-pick`). Both must agree to the letter — the same picks, the same
//! total, the same words in the order — because the widget takes over the
//! stage's picks and its order summary in place; one crate makes that true
//! by construction instead of by copying.
//!
//! - [`selection`]: what is picked, in which order, what it costs, picks
//!   someone else took;
//! - [`money`]: prices as a Russian buyer reads them;
//! - [`seat_ids`]: which seat a circle is, from its `data-seat-id`;
//! - [`seat_navigation`]: where each arrow / Home / End / Page key leads;
//! - [`hand_over`]: the requests the stage leaves for the widget on the seat layer;
//! - [`announcements`]: what the hall's polite live region says of a pick;
//! - [`lang`] and [`words`]: the display language and the words both show
//!   on the hall (the widget's `i18n` takes them from here);
//! - [`tooltip`]: where the bubble over a seat goes;
//! - [`map_parts`]: the toolbar and the legend around the plan, as markup;
//! - [`viewport`]: zoom and pan as arithmetic on the plan's `viewBox` (taps,
//!   pinches, drags, the wheel), so the stage zooms as the widget does and
//!   the widget takes the stage's view over.
//!
//! No browser, no clock, no I/O: everything here is tested natively.

pub mod announcements;
pub mod hand_over;
pub mod lang;
pub mod map_parts;
pub mod money;
pub mod seat_ids;
pub mod seat_navigation;
pub mod selection;
pub mod tooltip;
pub mod viewport;
pub mod words;

pub use lang::Lang;
