//! The one mutable thing in the simulator: both providers' inventories, the
//! simulated clock, the fault table, the processing times and the upstream
//! request log, behind a single `Arc<Mutex<SimState>>`. Handlers lock it
//! briefly and never across an `.await`, so a std mutex is enough.
//!
//! Locking is also where time passes: [`lock`] releases every reservation
//! whose deadline the simulated clock has reached before handing the state
//! over, so expiry needs no background task and every answer reflects it.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::clock::SimClock;
use crate::demo_data;
use crate::faults::FaultTable;
use crate::processing_times::ProcessingTimes;
use crate::qtickets::inventory::QticketsInventory;
use crate::qtickets::tickets::release_expired_reservations;
use crate::ticketscloud::inventory::TicketscloudInventory;
use crate::ticketscloud::orders::{expire_due_orders, issue_due_barcodes};
use crate::ticketscloud::refunds::advance_refunds;
use crate::ticketscloud::wire::ListingForm;

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
    QticketsTicketsAdd,
    QticketsTicketsRemove,
    TicketscloudEvents,
    TicketscloudTickets,
    TicketscloudOrdersCreate,
    TicketscloudOrdersPatch,
    TicketscloudOrdersGet,
    TicketscloudOrdersList,
    TicketscloudRefundsCreate,
    TicketscloudRefundsList,
    TicketscloudRefundsPatch,
    TicketscloudPromocodesCheck,
}

impl UpstreamRoute {
    pub const ALL: [UpstreamRoute; 14] = [
        UpstreamRoute::QticketsEventsLists,
        UpstreamRoute::QticketsSeats,
        UpstreamRoute::QticketsTicketsAdd,
        UpstreamRoute::QticketsTicketsRemove,
        UpstreamRoute::TicketscloudEvents,
        UpstreamRoute::TicketscloudTickets,
        UpstreamRoute::TicketscloudOrdersCreate,
        UpstreamRoute::TicketscloudOrdersPatch,
        UpstreamRoute::TicketscloudOrdersGet,
        UpstreamRoute::TicketscloudOrdersList,
        UpstreamRoute::TicketscloudRefundsCreate,
        UpstreamRoute::TicketscloudRefundsList,
        UpstreamRoute::TicketscloudRefundsPatch,
        UpstreamRoute::TicketscloudPromocodesCheck,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UpstreamRoute::QticketsEventsLists => "qtickets.events_lists",
            UpstreamRoute::QticketsSeats => "qtickets.seats",
            UpstreamRoute::QticketsTicketsAdd => "qtickets.tickets_add",
            UpstreamRoute::QticketsTicketsRemove => "qtickets.tickets_remove",
            UpstreamRoute::TicketscloudEvents => "ticketscloud.events",
            UpstreamRoute::TicketscloudTickets => "ticketscloud.tickets",
            UpstreamRoute::TicketscloudOrdersCreate => "ticketscloud.orders_create",
            UpstreamRoute::TicketscloudOrdersPatch => "ticketscloud.orders_patch",
            UpstreamRoute::TicketscloudOrdersGet => "ticketscloud.orders_get",
            UpstreamRoute::TicketscloudOrdersList => "ticketscloud.orders_list",
            UpstreamRoute::TicketscloudRefundsCreate => "ticketscloud.refunds_create",
            UpstreamRoute::TicketscloudRefundsList => "ticketscloud.refunds_list",
            UpstreamRoute::TicketscloudRefundsPatch => "ticketscloud.refunds_patch",
            UpstreamRoute::TicketscloudPromocodesCheck => "ticketscloud.promocodes_check",
        }
    }

    pub fn from_name(name: &str) -> Option<UpstreamRoute> {
        UpstreamRoute::ALL.into_iter().find(|route| route.name() == name)
    }

    pub fn provider(self) -> Provider {
        match self {
            UpstreamRoute::QticketsEventsLists
            | UpstreamRoute::QticketsSeats
            | UpstreamRoute::QticketsTicketsAdd
            | UpstreamRoute::QticketsTicketsRemove => Provider::Qtickets,
            UpstreamRoute::TicketscloudEvents
            | UpstreamRoute::TicketscloudTickets
            | UpstreamRoute::TicketscloudOrdersCreate
            | UpstreamRoute::TicketscloudOrdersPatch
            | UpstreamRoute::TicketscloudOrdersGet
            | UpstreamRoute::TicketscloudOrdersList
            | UpstreamRoute::TicketscloudRefundsCreate
            | UpstreamRoute::TicketscloudRefundsList
            | UpstreamRoute::TicketscloudRefundsPatch => Provider::Ticketscloud,
            UpstreamRoute::TicketscloudPromocodesCheck => Provider::Ticketscloud,
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

/// How the TicketsCloud events listing is served: its form, and at most
/// how many events a page holds whatever `page_size` asks (`None`: as asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ListingSettings {
    pub form: ListingForm,
    pub max_page_size: Option<usize>,
}

#[derive(Debug)]
pub struct SimState {
    pub upstream_keys: UpstreamKeys,
    pub qtickets: QticketsInventory,
    pub ticketscloud: TicketscloudInventory,
    pub faults: FaultTable,
    pub request_log: Vec<LoggedUpstreamRequest>,
    pub clock: SimClock,
    pub processing_times: ProcessingTimes,
    /// TicketsCloud orders with a PATCH being processed right now; another
    /// PATCH for one of them gets `409 Conflict`.
    pub ticketscloud_orders_being_patched: BTreeSet<String>,
    /// How the events listing is served now (`POST /_sim/ticketscloud/listing`).
    pub ticketscloud_listing: ListingSettings,
    /// What the command line set it to; `reset` goes back to it.
    pub ticketscloud_listing_at_start: ListingSettings,
}

impl SimState {
    /// Fresh seeded demo data, no faults, empty log, the clock at real time
    /// and default processing times.
    pub fn seeded(upstream_keys: UpstreamKeys) -> SimState {
        SimState::seeded_with_listing(upstream_keys, ListingSettings::default())
    }

    /// [`SimState::seeded`], the events listing served as `listing` says.
    pub fn seeded_with_listing(upstream_keys: UpstreamKeys, listing: ListingSettings) -> SimState {
        SimState {
            upstream_keys,
            qtickets: demo_data::seeded_qtickets_inventory(),
            ticketscloud: demo_data::seeded_ticketscloud_inventory(),
            faults: FaultTable::default(),
            request_log: Vec::new(),
            clock: SimClock::default(),
            processing_times: ProcessingTimes::default(),
            ticketscloud_orders_being_patched: BTreeSet::new(),
            ticketscloud_listing: listing,
            ticketscloud_listing_at_start: listing,
        }
    }

    /// What `POST /_sim/reset` does: seeded data back, faults and log cleared,
    /// clock offset and processing times back to their defaults, keys and the
    /// listing settings of the command line kept.
    pub fn reset_to_seed(&mut self) {
        *self = SimState::seeded_with_listing(self.upstream_keys.clone(), self.ticketscloud_listing_at_start);
    }

    /// Releases every hold whose deadline the simulated clock has reached:
    /// unpaid QTickets tickets past `reserved_to`, and TicketsCloud orders
    /// still `executed` past `expired_after` (they become `expired`).
    pub fn release_everything_due(&mut self) {
        let now = self.clock.now();
        release_expired_reservations(&mut self.qtickets, now);
        expire_due_orders(&mut self.ticketscloud, now);
        issue_due_barcodes(&mut self.ticketscloud, now);
        advance_refunds(&mut self.ticketscloud, now);
    }

    pub fn into_shared(self) -> SharedSimState {
        Arc::new(Mutex::new(self))
    }
}

/// Locks the shared state and brings it up to the simulated present
/// ([`SimState::release_everything_due`]), so whoever reads it next sees
/// expired holds already released. A panic in one handler must not take the
/// whole simulator down with it, so a poisoned lock is simply taken over.
pub fn lock(shared: &SharedSimState) -> MutexGuard<'_, SimState> {
    let mut state = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    state.release_everything_due();
    state
}
