//! The TicketsCloud adapter (distributor API, v1 REST listings).
//!
//! What is peculiar about TicketsCloud, and handled here so nothing else knows:
//! - `Authorization: key KEY`.
//! - Errors are HTTP statuses with `{"errors": ["Event … not found"]}` bodies.
//! - An event has exactly one date; its show id is the event id.
//! - The catalogue is paged (`page`, `page_size`); prices come with it (`sets`).
//! - The seat listing (`/v1/resources/events/:id/tickets`) has no coordinates
//!   and no prices: [`seating`] joins it with the event's sets and draws a
//!   generated plan.
//! - Promo codes apply to an order ([`promocodes`]); layouts say so
//!   (`accepts_promocodes`).

pub mod catalogue;
pub mod holds;
pub mod promocodes;
pub mod seating;
pub mod wire;

use ticket_contract::Provider;

use crate::ids::EventRef;
use crate::provider::{CataloguePage, Hall, ProviderAdapter};
use crate::upstream::{
    sanitise_upstream_text, HttpMethod, MissingThing, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse,
};
use wire::TicketscloudErrorBody;

pub const EVENTS_PATH: &str = "v1/services/simple/events";
/// Events per catalogue page when listing the catalogue.
pub const CATALOGUE_PAGE_SIZE: u32 = 100;
/// Events per page when looking up one event's sets for its seat map. Only
/// page 1 is read: an event beyond the first 500 of the account is reported
/// as not found (the v1 API has no "one event by id" endpoint).
pub const SEATING_LOOKUP_PAGE_SIZE: u32 = 500;

/// Talks to one TicketsCloud distributor account.
#[derive(Debug, Clone)]
pub struct TicketscloudAdapter {
    config: UpstreamConfig,
}

/// TicketsCloud: `Authorization: key <key>`.
pub const AUTHORIZATION_SCHEME: &str = "key";

impl TicketscloudAdapter {
    pub fn new(config: UpstreamConfig) -> TicketscloudAdapter {
        TicketscloudAdapter { config }
    }

    fn get(&self, path_and_query: &str) -> UpstreamRequest {
        self.config.request(HttpMethod::Get, path_and_query, AUTHORIZATION_SCHEME, None)
    }

    fn events_page_request(&self, page: u32, page_size: u32) -> UpstreamRequest {
        self.get(&format!("{EVENTS_PATH}?page={}&page_size={page_size}", page.max(1)))
    }
}

impl ProviderAdapter for TicketscloudAdapter {
    fn provider(&self) -> Provider {
        Provider::Ticketscloud
    }

    fn catalogue_request(&self, page: u32) -> UpstreamRequest {
        self.events_page_request(page, CATALOGUE_PAGE_SIZE)
    }

    fn parse_catalogue_page(&self, _page: u32, response: &UpstreamResponse) -> Result<CataloguePage, UpstreamError> {
        catalogue::parse_events_page(response, CATALOGUE_PAGE_SIZE)
    }

    /// `[events page 1 of 500 (for the sets), the event's tickets]`. The
    /// tickets request has no `status` filter: the upstream default is every
    /// status except `pending`, which is what we want.
    fn seating_requests(&self, event: &EventRef, _show_id: &str) -> Vec<UpstreamRequest> {
        vec![
            self.events_page_request(1, SEATING_LOOKUP_PAGE_SIZE),
            self.get(&format!("v1/resources/events/{}/tickets", event.upstream_id)),
        ]
    }

    fn parse_seating(&self, event: &EventRef, show_id: &str, responses: &[UpstreamResponse]) -> Result<Hall, UpstreamError> {
        crate::provider::expect_response_count(responses, 2)?;
        seating::parse_hall(event, show_id, &responses[0], &responses[1])
    }
}

/// The error a non-2xx TicketsCloud answer stands for; `Ok(())` for 2xx.
pub fn check_http_status(response: &UpstreamResponse) -> Result<(), UpstreamError> {
    if response.is_success() {
        return Ok(());
    }
    let messages = serde_json::from_str::<TicketscloudErrorBody>(&response.body).map(|body| body.errors.0).unwrap_or_default();
    let says_event_not_found = messages.iter().any(|message| {
        let lower = message.to_lowercase();
        lower.contains("event") && lower.contains("not found")
    });
    Err(match response.status {
        401 | 403 => UpstreamError::UpstreamRejectedKey,
        400 | 404 if says_event_not_found => UpstreamError::NotFound { what: MissingThing::Event },
        // A 404 with TicketsCloud's error body is about the resource; a bare
        // 404 (HTML) more likely means a wrong base URL.
        404 if !messages.is_empty() => UpstreamError::NotFound { what: MissingThing::Event },
        404 => UpstreamError::Unavailable { status: 404 },
        // Timeouts and rate limits are "try again later", not a refusal.
        408 | 425 | 429 => UpstreamError::Unavailable { status: response.status },
        status @ 400..=499 => UpstreamError::Refused {
            code: messages.first().map(|message| sanitise_upstream_text(message)).unwrap_or_else(|| format!("http_{status}")),
        },
        status => UpstreamError::Unavailable { status },
    })
}

pub(crate) fn unreadable(what: &str) -> UpstreamError {
    UpstreamError::BadResponse { what: format!("TicketsCloud {what}") }
}
