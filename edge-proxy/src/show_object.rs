//! `ShowObject`: the one home of one show's hall (see `../ARCHITECTURE.md`).
//!
//! For now only the hook the hold objects call when the places they keep off
//! sale change; the object itself (single-flight upstream reads, the live
//! feed) is being built.

use ticket_contract::HoldItem;
use worker::Env;

use crate::edge_cache;

/// A hold of `event_id`/`show_id` kept `before` off sale and keeps `after`
/// now (each [`ticket_core::holds::HoldRecord::places_held`]): every viewer of
/// the show is to see the difference at once.
pub async fn hold_changed(_env: &Env, event_id: &str, show_id: &str, before: &[HoldItem], after: &[HoldItem]) {
    if before == after {
        return;
    }
    // The places changed hands: this data centre's cached availability is stale now.
    edge_cache::forget_availability(event_id, show_id).await;
}
