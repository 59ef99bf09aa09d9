//! The QTickets adapter (Partners API, `https://qtickets.ru/api/partners/v1/…`).
//!
//! What is peculiar about QTickets, and handled here so nothing else knows:
//! - `Authorization: Bearer KEY`; GET and POST are equivalent, we use GET.
//! - Errors usually arrive with HTTP 200 as `{"status":"error","code":…}`.
//! - The listing has one row per *show*; [`catalogue`] groups them into events.
//! - The seat listing has real coordinates and a `last_update_hash`; see [`seating`].
//! - There is no paging: the whole catalogue is page 1.

pub mod catalogue;
pub mod holds;
pub mod seating;
pub mod wire;

use ticket_contract::Provider;

use crate::ids::EventRef;
use crate::lenient::Scalar;
use crate::provider::{CataloguePage, Hall, ProviderAdapter};
use crate::upstream::{
    sanitise_upstream_text, HttpMethod, MissingThing, UpstreamConfig, UpstreamError, UpstreamRequest, UpstreamResponse,
};
use wire::QticketsStatusFields;

pub const EVENTS_LIST_PATH: &str = "api/partners/v1/events/lists";
pub const EVENT_SEATS_PATH: &str = "api/partners/v1/events/seats";

/// Talks to one QTickets account.
#[derive(Debug, Clone)]
pub struct QticketsAdapter {
    config: UpstreamConfig,
}

/// QTickets: `Authorization: Bearer <key>`.
pub const AUTHORIZATION_SCHEME: &str = "Bearer";

impl QticketsAdapter {
    pub fn new(config: UpstreamConfig) -> QticketsAdapter {
        QticketsAdapter { config }
    }

    fn get(&self, path: &str) -> UpstreamRequest {
        self.config.request(HttpMethod::Get, path, AUTHORIZATION_SCHEME, None)
    }
}

impl ProviderAdapter for QticketsAdapter {
    fn provider(&self) -> Provider {
        Provider::Qtickets
    }

    /// QTickets has no paging: every page number asks for the whole listing,
    /// and [`catalogue::parse_listing`] always answers `has_more: false`.
    fn catalogue_request(&self, _page: u32) -> UpstreamRequest {
        self.get(EVENTS_LIST_PATH)
    }

    fn parse_catalogue_page(&self, _page: u32, response: &UpstreamResponse) -> Result<CataloguePage, UpstreamError> {
        catalogue::parse_listing(response)
    }

    fn seating_requests(&self, event: &EventRef, show_id: &str) -> Vec<UpstreamRequest> {
        vec![self.get(&format!("{EVENT_SEATS_PATH}/{}/{show_id}", event.upstream_id))]
    }

    fn parse_seating(&self, event: &EventRef, show_id: &str, responses: &[UpstreamResponse]) -> Result<Hall, UpstreamError> {
        crate::provider::expect_response_count(responses, 1)?;
        seating::parse_seats(event, show_id, &responses[0])
    }
}

/// Maps a QTickets error `code` (from a `status: "error"` body) to our error.
pub fn error_for_code(code: Option<String>) -> UpstreamError {
    match code.as_deref() {
        Some("WRONG_AUTHORIZATION") => UpstreamError::UpstreamRejectedKey,
        Some("EVENT_NOT_FOUND") => UpstreamError::NotFound { what: MissingThing::Event },
        Some(other) => UpstreamError::Refused { code: sanitise_upstream_text(other) },
        None => UpstreamError::Refused { code: "unspecified".to_string() },
    }
}

/// The error a non-2xx QTickets answer stands for. `Ok(())` means the
/// status is 2xx: go on and parse the body (and then [`check_status_fields`]).
pub fn check_http_status(response: &UpstreamResponse) -> Result<(), UpstreamError> {
    if response.is_success() {
        return Ok(());
    }
    let error_code = serde_json::from_str::<QticketsStatusFields>(&response.body).ok().and_then(|fields| fields.code.as_text());
    Err(match (response.status, error_code.as_deref()) {
        (_, Some("WRONG_AUTHORIZATION")) | (401 | 403, _) => UpstreamError::UpstreamRejectedKey,
        (_, Some("EVENT_NOT_FOUND")) => UpstreamError::NotFound { what: MissingThing::Event },
        // E.g. the live 503 `{"error":"Unknown error","code":"UNKNOWN_ERROR"}`.
        (status, _) => UpstreamError::Unavailable { status },
    })
}

/// The error a 2xx body stands for when it says `"status": "error"`.
pub fn check_status_fields(status: &Scalar, code: &Scalar) -> Result<(), UpstreamError> {
    let says_error = status.as_text().is_some_and(|status| status.eq_ignore_ascii_case("error"));
    if says_error {
        Err(error_for_code(code.as_text()))
    } else {
        Ok(())
    }
}

/// Reads a 2xx body as the JSON *object* `T` (serde would also accept an
/// array for a struct, which no QTickets answer is).
pub(crate) fn read_object<T: serde::de::DeserializeOwned>(body: &str, what: &str) -> Result<T, UpstreamError> {
    if !body.trim_start().starts_with('{') {
        return Err(unreadable(&format!("{what} is not a JSON object")));
    }
    serde_json::from_str(body).map_err(|_| unreadable(&format!("{what} is not valid JSON")))
}

/// The `BadResponse` for a 2xx body that is not the JSON object we expect.
pub(crate) fn unreadable(what: &str) -> UpstreamError {
    UpstreamError::BadResponse { what: format!("QTickets {what}") }
}
