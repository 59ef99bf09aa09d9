//! The one mutable thing in the simulator: both providers' inventories, the
//! fault table and the upstream request log, behind a single
//! `Arc<Mutex<SimState>>`. Handlers lock it briefly and never across an
//! `.await`, so a std mutex is enough.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::demo_data;
use crate::faults::FaultTable;
use crate::qtickets::inventory::QticketsInventory;
use crate::ticketscloud::inventory::TicketscloudInventory;

pub type SharedSimState = Arc<Mutex<SimState>>;

/// The keys upstream requests must carry. They are compared, never logged or
/// echoed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamKeys {
    pub qtickets_bearer_key: String,
    pub ticketscloud_key: String,
}

/// Which upstream a request was addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Qtickets,
    Ticketscloud,
}

/// Every upstream route the simulator serves; the names are the ones
/// `POST /_sim/faults` accepts in `route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamRoute {
    QticketsEventsLists,
    QticketsSeats,
    TicketscloudEvents,
    TicketscloudTickets,
}

impl UpstreamRoute {
    pub const ALL: [UpstreamRoute; 4] = [
        UpstreamRoute::QticketsEventsLists,
        UpstreamRoute::QticketsSeats,
        UpstreamRoute::TicketscloudEvents,
        UpstreamRoute::TicketscloudTickets,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UpstreamRoute::QticketsEventsLists => "qtickets.events_lists",
            UpstreamRoute::QticketsSeats => "qtickets.seats",
            UpstreamRoute::TicketscloudEvents => "ticketscloud.events",
            UpstreamRoute::TicketscloudTickets => "ticketscloud.tickets",
        }
    }

    pub fn from_name(name: &str) -> Option<UpstreamRoute> {
        UpstreamRoute::ALL
            .into_iter()
            .find(|route| route.name() == name)
    }

    pub fn provider(self) -> Provider {
        match self {
            UpstreamRoute::QticketsEventsLists | UpstreamRoute::QticketsSeats => Provider::Qtickets,
            UpstreamRoute::TicketscloudEvents | UpstreamRoute::TicketscloudTickets => {
                Provider::Ticketscloud
            }
        }
    }
}

/// One upstream request as received (admin requests are not logged). Tests
/// read this to prove the proxy made, or did not make, an upstream call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedUpstreamRequest {
    pub provider: Provider,
    pub method: String,
    /// The full path as received, including the `/qtickets` or `/ticketscloud` prefix.
    pub path: String,
    /// The raw query string, or null when there was none.
    pub query: Option<String>,
    pub authorized: bool,
}

#[derive(Debug)]
pub struct SimState {
    pub upstream_keys: UpstreamKeys,
    pub qtickets: QticketsInventory,
    pub ticketscloud: TicketscloudInventory,
    pub faults: FaultTable,
    pub request_log: Vec<LoggedUpstreamRequest>,
}

impl SimState {
    /// Fresh seeded demo data, no faults, empty log.
    pub fn seeded(upstream_keys: UpstreamKeys) -> SimState {
        SimState {
            upstream_keys,
            qtickets: demo_data::seeded_qtickets_inventory(),
            ticketscloud: demo_data::seeded_ticketscloud_inventory(),
            faults: FaultTable::default(),
            request_log: Vec::new(),
        }
    }

    /// What `POST /_sim/reset` does: seeded data back, faults and log cleared,
    /// keys kept.
    pub fn reset_to_seed(&mut self) {
        *self = SimState::seeded(self.upstream_keys.clone());
    }

    pub fn into_shared(self) -> SharedSimState {
        Arc::new(Mutex::new(self))
    }
}

/// Locks the shared state. A panic in one handler must not take the whole
/// simulator down with it, so a poisoned lock is simply taken over.
pub fn lock(shared: &SharedSimState) -> MutexGuard<'_, SimState> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
