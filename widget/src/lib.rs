//! The ticket-booking widget a reseller embeds with one `<script>` tag.
//!
//! Two halves, kept apart on purpose:
//! - **Pure modules** (compiled and tested natively): [`i18n`] strings,
//!   [`money`] and [`datetime`] formatting (`money`, `selection` and
//!   `seat_navigation` are `ticket-hall`'s, shared with the seat-picking
//!   stage `ticket-pick`, and re-exported here), [`viewport`] zoom/pan
//!   geometry (`ticket-hall`'s too: the stage zooms alike),
//!   [`selection`] rules and totals (and picks someone else took),
//!   [`hall`] seat states and markup, [`live`] (the live feed's frames,
//!   revision order, reconnect/ping/poll schedule as a state machine),
//!   [`config`] parsing and URL building, [`api_error`] classification,
//!   [`navigation`] between screens, [`number`] formatting for SVG,
//!   [`checkout`] (the hold's screens, transitions and reload resume),
//!   [`hold_wire`] (reading holds without serde's tagged-enum code),
//!   [`countdown`], [`buyer_details`] checks, [`payment`] hand-off data,
//!   [`barcode`] (Code 128 as SVG) and [`checkout_markup`] (the checkout's
//!   read-only screens as escaped HTML), [`seat_navigation`] (where each
//!   key leads on the seat plan) and [`announcements`] (what a screen
//!   reader hears: seat names, the live region's sentences).
//! - **Browser glue** (wasm32 only): [`api`] talks to the proxy,
//!   [`live_feed`] keeps a hall's availability live (WebSocket, fallback
//!   polls), [`paint_adoption`] (taking over the hall the edge painted),
//!   [`focus`] (a new screen's heading takes focus; Escape leaves the plan),
//!   [`browser`]
//!   wraps `sessionStorage`, `sendBeacon`, timers and the partner's payment
//!   callback, [`browser_json`] reads and writes JSON with the browser's own
//!   parser (the widget links no JSON library), `components/` holds one Leptos component per file, and
//!   [`mount`] exports `mount_widget` to the loader (`static/widget.js`) and
//!   the iframe page (`static/embed.html`).
//!
//! The widget speaks only to the edge proxy, through the types of
//! `ticket-contract`, and only ever holds the partner's *public* key.

pub mod api_error;
pub mod barcode;
pub mod buyer_details;
pub mod checkout;
pub mod checkout_markup;
pub mod config;
pub mod countdown;
pub mod datetime;
pub mod hall;
pub mod hold_wire;
pub mod host_events;
pub mod i18n;
pub mod live;
pub mod navigation;
pub mod number;
pub mod payment;

// The hall's pure rules, shared with the seat-picking stage (`ticket-pick`),
// kept under their old paths here.
pub use ticket_hall::{announcements, money, seat_navigation, selection, viewport};

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod browser_json;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod focus;
#[cfg(target_arch = "wasm32")]
pub mod hold_session;
#[cfg(target_arch = "wasm32")]
pub mod live_feed;
#[cfg(target_arch = "wasm32")]
pub mod mount;
#[cfg(target_arch = "wasm32")]
pub mod paint_adoption;
