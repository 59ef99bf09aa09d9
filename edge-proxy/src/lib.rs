//! The edge proxy: a Cloudflare Worker between partner pages and the upstream
//! ticketing APIs (QTickets, TicketsCloud).
//!
//! The crate is split the way `../ARCHITECTURE.md` describes: [`routes`] and
//! [`config`] are pure and tested natively; everything that touches the Workers
//! runtime (requests, the Cache API, outbound fetch, the clock) lives in the
//! `wasm32`-only modules and stays a thin loop around `ticket-core`.

pub mod config;
pub mod embed_page;
pub mod hold_messages;
pub mod routes;
pub mod show_messages;

#[cfg(target_arch = "wasm32")]
mod catalogue_object;
#[cfg(target_arch = "wasm32")]
mod edge_cache;
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
pub(crate) mod handlers;
#[cfg(target_arch = "wasm32")]
mod hold_object;
#[cfg(target_arch = "wasm32")]
mod http;
#[cfg(target_arch = "wasm32")]
mod object_call;
#[cfg(target_arch = "wasm32")]
mod partner_store;
#[cfg(target_arch = "wasm32")]
mod rate_limiter;
#[cfg(target_arch = "wasm32")]
mod show_object;
#[cfg(target_arch = "wasm32")]
mod upstream_fetch;
