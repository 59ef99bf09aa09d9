//! The seat-picking stage: the few things a buyer does on a hall before
//! reserving — pick seats with the mouse, a finger or the keys, zoom and
//! pan the plan (a phone's first tap zooms, as in the widget), read a
//! seat's tooltip, see the order and its total — done on the hall the edge
//! painted, by a small wasm written with web-sys / js-sys only (no Leptos),
//! so it works long before the widget's module has arrived.
//!
//! The loader (`widget/static/widget.js`) fetches this module first when a
//! hall was painted, mounts it on the painted box ([`mount_pick`]) and
//! unmounts it ([`PickStage::unmount`]) once the Leptos widget has adopted
//! the circles. The hand-over needs no channel: picks are the circles drawn
//! `selected`, a reserve asked for is the seat layer's `data-reserve`
//! (see [`picking`]) and the view is the painted `<svg>`'s `viewBox` (see
//! [`plan_view`]), all of which the widget reads as it adopts a paint.
//!
//! - [`picking`]: the stage's state (the widget's selection rules, from
//!   `ticket-hall`), pure;
//! - [`plan_view`]: which window of the plan is shown (taps, drags,
//!   pinches, the wheel, the zoom keys), by the widget's rules, pure;
//! - [`markup`]: the order summary (the widget's, element for element),
//!   the tooltip and the "whole hall" button as markup strings, pure;
//! - `read_js` (wasm32): the layout and availability out of parsed JSON;
//! - `stage` (wasm32): the browser glue and the exported API.

pub mod markup;
pub mod picking;
pub mod plan_view;

#[cfg(target_arch = "wasm32")]
mod read_js;
#[cfg(target_arch = "wasm32")]
mod stage;

#[cfg(target_arch = "wasm32")]
pub use stage::{mount_pick, PickStage};
