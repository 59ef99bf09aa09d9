//! The TicketsCloud adapter (distributor API, v1 REST listings).
//!
//! What is peculiar about TicketsCloud, and handled here so nothing else knows:
//! - `Authorization: key KEY`.
//! - Errors are HTTP statuses with `{"errors": ["Event … not found"]}` bodies.
//! - An event has exactly one date; its show id is the event id.
//! - The catalogue is paged (`page`, `page_size`) until an empty page, and
//!   comes embedded or normalised ([`listing`]); prices come with it (`sets`,
//!   and their `rules` on a schedule).
//! - The seat listing (`/v1/resources/events/:id/tickets`) has no coordinates
//!   and no prices: [`seating`] joins it with the event's sets (kept by the
//!   show's owner between reads) and draws a generated plan.
//! - Promo codes apply to an order ([`promocodes`]); layouts say so
//!   (`accepts_promocodes`).

pub mod catalogue;
pub mod holds;
pub mod listing;
pub mod promocodes;
pub mod refunds;
pub mod seating;
pub mod tickets;
pub mod wire;

use ticket_contract::Provider;

use crate::ids::EventRef;
use crate::provider::{CataloguePage, Hall, HallRead, ProviderAdapter, SeatingMemo};
use crate::upstream::{
    sanitise_upstream_text, HttpMethod, MissingThing, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse,
};
use wire::TicketscloudErrorBody;

pub const EVENTS_PATH: &str = "v1/services/simple/events";
/// Events per page asked for when reading the listing (the catalogue, or an
/// event's sets). Only asked: the pages served may be smaller, and the
/// listing is read until its end ([`listing::EventListing::has_more`]).
pub const CATALOGUE_PAGE_SIZE: u32 = 100;

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

    /// Page `page` of the events listing.
    pub fn listing_page_request(&self, page: u32) -> UpstreamRequest {
        self.get(&format!("{EVENTS_PATH}?page={}&page_size={CATALOGUE_PAGE_SIZE}", page.max(1)))
    }

    /// The event's seated tickets. No `status` filter: the upstream default
    /// is every status except `pending`, which is what we want.
    pub fn tickets_request(&self, event: &EventRef) -> UpstreamRequest {
        self.get(&format!("v1/resources/events/{}/tickets", event.upstream_id))
    }
}

impl ProviderAdapter for TicketscloudAdapter {
    fn provider(&self) -> Provider {
        Provider::Ticketscloud
    }

    fn catalogue_request(&self, page: u32) -> UpstreamRequest {
        self.listing_page_request(page)
    }

    fn parse_catalogue_page(&self, page: u32, response: &UpstreamResponse) -> Result<CataloguePage, UpstreamError> {
        catalogue::parse_events_page(response, page)
    }

    /// One round, `[events page 1 (for the sets), the event's tickets]`: for
    /// an event on the first page (tests, tools). A show's owner reads with
    /// [`ProviderAdapter::hall_read`], which finds the event on any page and
    /// keeps its sets between reads.
    fn seating_requests(&self, event: &EventRef, _show_id: &str) -> Vec<UpstreamRequest> {
        vec![self.listing_page_request(1), self.tickets_request(event)]
    }

    fn parse_seating(&self, event: &EventRef, show_id: &str, responses: &[UpstreamResponse]) -> Result<Hall, UpstreamError> {
        crate::provider::expect_response_count(responses, 2)?;
        seating::parse_hall(event, show_id, &responses[0], &responses[1])
    }

    fn hall_read<'a>(&'a self, event: &EventRef, show_id: &str, memo: Option<&SeatingMemo>, now: i64) -> Box<dyn HallRead + 'a> {
        Box::new(seating::TicketscloudHallRead::new(self.clone(), event.clone(), show_id.to_owned(), memo, now))
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
