//! The edge proxy's pure core: everything it decides without the network, the
//! clock or the Worker runtime.
//!
//! - [`ids`]: validate ids from URLs before they reach an upstream URL.
//! - [`upstream`]: upstream HTTP exchanges as data; the error vocabulary.
//! - [`provider`]: the one [`ProviderAdapter`] trait; [`qtickets`] and
//!   [`ticketscloud`] implement it (request building + tolerant parsing).
//! - [`generated_plan`]: seat maps for halls without coordinates.
//! - [`cache_policy`]: freshness arithmetic and ETags (time is an argument).
//! - [`single_flight`]: when the one owner of a document reads it upstream
//!   again and what everyone else gets meanwhile; [`show_hall`]: one show's
//!   hall as its owner keeps it (reads, the proxy's own holds, live revisions).
//! - [`holds`]: the hold state machine (create, change, release, expire,
//!   confirm) as data-in/data-out operations per provider; validation of hold
//!   bodies and buyers; partner secret-key hashes.
//! - [`errors`]: [`ProxyError`] — HTTP status and public code, in one place.
//! - [`free_places`]: places priced 0, off sale unless the partner allows
//!   them (and where that is decided).
//! - [`abuse`]: caps on active holds per client and per partner and show,
//!   the budget for bad keys, and which requests stop when the rate limiter
//!   cannot be reached.
//! - [`best_seats`]: "N best seats" — the block of adjacent seats nearest the
//!   stage that a hold asked for by count gets.
//!
//! Invariants: no IO, no clock, no `worker` types; compiles for native and
//! `wasm32-unknown-unknown`; no parser panics on any input; upstream keys only
//! ever appear in the `Authorization` header of an [`UpstreamRequest`] and are
//! redacted from every `Debug` output.

pub mod abuse;
pub mod best_seats;
pub mod cache_policy;
pub mod errors;
pub mod fingerprint;
pub mod free_places;
pub mod generated_plan;
pub mod hall_builder;
pub mod holds;
pub mod ids;
pub mod lenient;
pub mod money;
pub mod partners;
pub mod provider;
pub mod qtickets;
pub mod rate_limit;
pub mod request_body;
pub mod retry;
pub mod show_hall;
pub mod single_flight;
pub mod this_machine;
pub mod ticketscloud;
pub mod upstream;
pub mod venue_time;

pub use cache_policy::{etag_for, if_none_match_matches, judge, DocumentKind, Freshness};
pub use errors::ProxyError;
pub use ids::{parse_event_id, parse_show_id, EventRef, IdField, InvalidId, InvalidIdReason};
pub use provider::{
    merge_catalogues, Adapters, CataloguePage, Hall, HallRead, HallReadOutcome, HallStep, ProviderAdapter, SeatingMemo,
    MAX_CATALOGUE_PAGES, MAX_HALL_READ_ROUNDS,
};
pub use qtickets::QticketsAdapter;
pub use ticketscloud::TicketscloudAdapter;
pub use upstream::{HttpMethod, MissingThing, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse};
