//! Every error the proxy can answer with, and the one place where each gets its
//! HTTP status and stable public code.
//!
//! The widget translates *codes* into the buyer's language; the English
//! `message` is for developers reading curl output. Messages are fixed texts:
//! they never contain an upstream body, an upstream key or the buyer's input.
//! The `Display` text (for logs) may add sanitised detail such as the upstream
//! HTTP status or refusal code.

use thiserror::Error;
use ticket_contract::{ErrorBody, ErrorDetail, HoldState};

use crate::abuse::HoldCap;
use crate::ids::{IdField, InvalidId, InvalidIdReason};
use crate::upstream::{MissingThing, UpstreamError};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProxyError {
    #[error("invalid {}: {reason}", field.as_str())]
    InvalidId { field: IdField, reason: InvalidIdReason },
    /// A query parameter that is missing or malformed. `field` is a name from
    /// our own code, never the buyer's text.
    #[error("invalid query parameter {field}")]
    InvalidQuery { field: &'static str },
    #[error("unknown {}", match what { MissingThing::Event => "event", MissingThing::Show => "show" })]
    NotFound { what: MissingThing },
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A plain request on a WebSocket route (a show's live feed).
    #[error("upgrade required")]
    UpgradeRequired,
    /// The upstream answered with an error status, or could not be reached.
    #[error("upstream unavailable")]
    UpstreamUnavailable,
    #[error("upstream bad response: {what}")]
    UpstreamBadResponse { what: String },
    #[error("upstream timeout")]
    UpstreamTimeout,
    /// The upstream refused our API key; fix the Worker secret.
    #[error("upstream rejected the configured API key")]
    UpstreamRejectedKey,
    /// The upstream said no for a reason of its own (sanitised `code`).
    #[error("upstream refused: {code}")]
    UpstreamRefused { code: String },
    /// The request carried no public partner key (`X-Partner-Key`).
    #[error("partner key missing")]
    PartnerKeyMissing,
    /// The public partner key is not one we know (or it was revoked).
    #[error("partner key unknown")]
    PartnerKeyUnknown,
    /// The Worker's own configuration (secrets, variables) is missing or invalid.
    #[error("proxy misconfigured")]
    Misconfigured,
    /// A request body that is not what the route accepts. `field` is a name
    /// from our own code (`seats`, `buyer.phone`, `body`), never the buyer's text.
    #[error("invalid request body field {field}")]
    InvalidBody { field: &'static str },
    /// Some of the places asked for cannot be had (taken a moment ago, or
    /// not enough general-admission places left). `ids` are seat or admission
    /// ids from the layout, safe to send back.
    #[error("{} place(s) unavailable", ids.len())]
    SeatUnavailable { ids: Vec<String> },
    /// Some of the places asked for are priced 0 upstream (free) and this
    /// partner's record does not say `free_seats_allowed`: they are not sold
    /// through the proxy. `ids` are seat or admission ids from the layout.
    #[error("{} place(s) not for sale", ids.len())]
    SeatNotForSale { ids: Vec<String> },
    /// A hold id in a URL that is not one the proxy could have minted
    /// (`h_` + 32 lowercase hex digits). Same public code as other bad ids.
    #[error("invalid hold_id")]
    InvalidHoldId,
    #[error("no such hold")]
    HoldNotFound,
    /// The hold is confirmed, released or expired and cannot take this command.
    #[error("hold is {}", hold_state_name(*state))]
    HoldNotActive { state: HoldState },
    /// The hold's time ran out before this command.
    #[error("hold expired")]
    HoldExpired,
    /// Confirming a payment needs the partner's secret key (`Authorization: Bearer sk_…`).
    #[error("secret key required")]
    SecretKeyRequired,
    /// A public key (`pk_…`) was presented where only a secret key will do.
    #[error("public key presented where a secret key is needed")]
    PublicKeyNotAllowed,
    /// The partner record of this public (or secret) key is marked revoked.
    #[error("partner key revoked")]
    PartnerKeyRevoked,
    /// The request's `Origin` is not one of the partner's allowed origins.
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// The partner may not sell this event (its provider or event allowlist).
    #[error("event not allowed for this partner")]
    EventNotAllowed,
    /// Over the partner's budget for this kind of request.
    #[error("rate limited for {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u32 },
    /// A query parameter or body field the route does not know. `name` is
    /// sanitised (see [`ProxyError::unknown_field`]).
    #[error("unknown {} {name}", match location { FieldLocation::Query => "query parameter", FieldLocation::Body => "body field" })]
    UnknownField { location: FieldLocation, name: String },
    /// TicketsCloud answered `409 Conflict` to a change of one order, twice.
    #[error("upstream order busy")]
    UpstreamConflict,
    /// The upstream priced the places differently from the layout the buyer
    /// chose from (a price rule ended, the organiser changed a price): the
    /// hold was undone upstream and nothing is reserved; the layout is read
    /// again.
    #[error("price changed")]
    PriceChanged,
    #[error("internal error")]
    Internal,
    /// A refund asked of a hold whose provider has no refunds in its API
    /// (QTickets' Partners API).
    #[error("refund not supported")]
    RefundNotSupported,
    /// A refund of other tickets than the one already under way for this hold.
    #[error("refund already requested")]
    RefundAlreadyRequested,
    /// The ticketing system would not apply a promo code; the hold (and its
    /// upstream order) is as it was before.
    #[error("promo code refused: {}", reason.code())]
    PromocodeRefused { reason: PromocodeRefusal },
    /// A promo code for a hold whose provider has none (QTickets' Partners API).
    #[error("promo codes not supported by this provider")]
    PromocodeNotSupported,
    /// `best` asked for `count` seats side by side and the hall (or the
    /// zone asked for) has no such block free now. Same public code as
    /// places taken a moment ago.
    #[error("no {count} seats together")]
    NoSeatsTogether { count: u32 },
    /// A request body larger than the proxy reads (declared or streamed).
    #[error("request body over {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    /// A create over a cap on active holds: the client's own (public key +
    /// address) or its partner's on this show (`crate::abuse`).
    #[error("too many active holds ({cap:?}) for {retry_after_seconds} s")]
    TooManyActiveHolds { cap: HoldCap, retry_after_seconds: u32 },
    /// The rate limiter could not be reached for a request that takes places
    /// or marks them paid (reads go on without it).
    #[error("rate limiter unavailable")]
    LimiterUnavailable,
}

/// Why a promo code was not applied, as the public codes name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromocodeRefusal {
    /// No such code (for this event).
    Invalid,
    /// The code's validity period is over.
    Expired,
    /// The code was used as often as it may be.
    Exhausted,
    /// The code exists but gives nothing for these places (other sets, too
    /// few tickets, the event runs a promotion, the tickets need another key).
    NotApplicable,
}

impl PromocodeRefusal {
    pub fn code(self) -> &'static str {
        match self {
            PromocodeRefusal::Invalid => "promocode_invalid",
            PromocodeRefusal::Expired => "promocode_expired",
            PromocodeRefusal::Exhausted => "promocode_exhausted",
            PromocodeRefusal::NotApplicable => "promocode_not_applicable",
        }
    }
}

/// Where an unknown field was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLocation {
    Query,
    Body,
}

impl ProxyError {
    /// An unknown query parameter or body field, named in the error when the
    /// name is short and plain (`[A-Za-z0-9_.-]{1,40}`); anything else is
    /// reported as `query` / `body` so no odd input is echoed back.
    pub fn unknown_field(location: FieldLocation, name: &str) -> ProxyError {
        let plain = !name.is_empty()
            && name.len() <= 40
            && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'));
        let name = match (plain, location) {
            (true, _) => name.to_owned(),
            (false, FieldLocation::Query) => "query".to_owned(),
            (false, FieldLocation::Body) => "body".to_owned(),
        };
        ProxyError::UnknownField { location, name }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        match self {
            ProxyError::InvalidId { .. }
            | ProxyError::InvalidHoldId
            | ProxyError::InvalidQuery { .. }
            | ProxyError::InvalidBody { .. }
            | ProxyError::UnknownField { .. } => 400,
            ProxyError::PartnerKeyMissing
            | ProxyError::PartnerKeyUnknown
            | ProxyError::PartnerKeyRevoked
            | ProxyError::SecretKeyRequired => 401,
            ProxyError::PublicKeyNotAllowed | ProxyError::OriginNotAllowed | ProxyError::EventNotAllowed => 403,
            ProxyError::RateLimited { .. } => 429,
            ProxyError::NotFound { .. } | ProxyError::RouteNotFound | ProxyError::HoldNotFound => 404,
            ProxyError::MethodNotAllowed => 405,
            ProxyError::UpgradeRequired => 426,
            ProxyError::SeatUnavailable { .. }
            | ProxyError::SeatNotForSale { .. }
            | ProxyError::HoldNotActive { .. }
            | ProxyError::PriceChanged => 409,
            ProxyError::RefundNotSupported | ProxyError::RefundAlreadyRequested => 409,
            ProxyError::HoldExpired => 410,
            ProxyError::UpstreamConflict => 503,
            ProxyError::UpstreamUnavailable
            | ProxyError::UpstreamBadResponse { .. }
            | ProxyError::UpstreamRejectedKey
            | ProxyError::UpstreamRefused { .. } => 502,
            ProxyError::UpstreamTimeout => 504,
            ProxyError::Misconfigured | ProxyError::Internal => 500,
            ProxyError::PromocodeRefused { .. } => 422,
            ProxyError::PromocodeNotSupported => 409,
            ProxyError::NoSeatsTogether { .. } => 409,
            ProxyError::PayloadTooLarge { .. } => 413,
            ProxyError::TooManyActiveHolds { .. } => 429,
            ProxyError::LimiterUnavailable => 503,
        }
    }

    /// The stable, machine-readable code the widget translates.
    pub fn code(&self) -> &'static str {
        match self {
            ProxyError::InvalidId { .. } | ProxyError::InvalidHoldId => "invalid_id",
            ProxyError::InvalidQuery { .. } | ProxyError::UnknownField { location: FieldLocation::Query, .. } => {
                "invalid_parameter"
            }
            ProxyError::UnknownField { location: FieldLocation::Body, .. } => "invalid_body",
            ProxyError::PartnerKeyRevoked => "partner_key_revoked",
            ProxyError::OriginNotAllowed => "origin_not_allowed",
            ProxyError::EventNotAllowed => "event_not_allowed",
            ProxyError::RateLimited { .. } => "rate_limited",
            ProxyError::NotFound { what: MissingThing::Event } => "event_not_found",
            ProxyError::NotFound { what: MissingThing::Show } => "show_not_found",
            ProxyError::RouteNotFound => "not_found",
            ProxyError::MethodNotAllowed => "method_not_allowed",
            ProxyError::UpgradeRequired => "upgrade_required",
            ProxyError::UpstreamUnavailable => "upstream_unavailable",
            ProxyError::UpstreamBadResponse { .. } => "upstream_bad_response",
            ProxyError::UpstreamTimeout => "upstream_timeout",
            ProxyError::UpstreamRejectedKey => "upstream_misconfigured",
            ProxyError::UpstreamRefused { .. } => "upstream_refused",
            ProxyError::PartnerKeyMissing => "partner_key_missing",
            ProxyError::PartnerKeyUnknown => "partner_key_unknown",
            ProxyError::Misconfigured => "proxy_misconfigured",
            ProxyError::InvalidBody { .. } => "invalid_body",
            ProxyError::SeatUnavailable { .. } => "seat_unavailable",
            ProxyError::SeatNotForSale { .. } => "seat_not_for_sale",
            ProxyError::HoldNotFound => "hold_not_found",
            ProxyError::HoldNotActive { .. } => "hold_not_active",
            ProxyError::HoldExpired => "hold_expired",
            ProxyError::SecretKeyRequired => "secret_key_required",
            ProxyError::PublicKeyNotAllowed => "public_key_not_allowed",
            ProxyError::UpstreamConflict => "upstream_busy",
            ProxyError::PriceChanged => "price_changed",
            ProxyError::Internal => "internal",
            ProxyError::RefundNotSupported => "refund_not_supported",
            ProxyError::RefundAlreadyRequested => "refund_already_requested",
            ProxyError::PromocodeRefused { reason } => reason.code(),
            ProxyError::PromocodeNotSupported => "promocode_not_supported",
            ProxyError::NoSeatsTogether { .. } => "seat_unavailable",
            ProxyError::PayloadTooLarge { .. } => "payload_too_large",
            ProxyError::TooManyActiveHolds { cap: HoldCap::Client, .. } => "too_many_active_holds",
            ProxyError::TooManyActiveHolds { cap: HoldCap::Show, .. } => "show_holds_limit",
            ProxyError::LimiterUnavailable => "temporarily_unavailable",
        }
    }

    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ProxyError::InvalidId { field, .. } => Some(field.as_str()),
            ProxyError::InvalidQuery { field } | ProxyError::InvalidBody { field } => Some(field),
            ProxyError::InvalidHoldId => Some("hold_id"),
            ProxyError::EventNotAllowed => Some("event_id"),
            ProxyError::UnknownField { name, .. } => Some(name),
            ProxyError::PromocodeRefused { .. } | ProxyError::PromocodeNotSupported => Some("promocode"),
            ProxyError::NoSeatsTogether { .. } => Some("best"),
            _ => None,
        }
    }

    /// A fixed English message for developers (safe to send to a browser).
    pub fn public_message(&self) -> String {
        match self {
            ProxyError::InvalidId { field, reason } => format!("The {} is not valid: {reason}.", field.as_str()),
            ProxyError::InvalidQuery { field } => format!("The query parameter `{field}` is missing or not valid."),
            ProxyError::NotFound { what: MissingThing::Event } => "No such event is on sale.".to_string(),
            ProxyError::NotFound { what: MissingThing::Show } => "No such date for this event.".to_string(),
            ProxyError::RouteNotFound => "No such API route.".to_string(),
            ProxyError::MethodNotAllowed => "This HTTP method is not allowed on this route.".to_string(),
            ProxyError::UpgradeRequired => "This route is a WebSocket: open it with `Upgrade: websocket`.".to_string(),
            ProxyError::UpstreamUnavailable => {
                "The ticketing system is not answering right now; try again in a moment.".to_string()
            }
            ProxyError::UpstreamBadResponse { .. } => {
                "The ticketing system sent an answer we could not read; try again in a moment.".to_string()
            }
            ProxyError::UpstreamTimeout => "The ticketing system took too long to answer; try again.".to_string(),
            ProxyError::UpstreamRejectedKey => {
                "The proxy's access to the ticketing system is misconfigured; the site owner has to fix it.".to_string()
            }
            ProxyError::UpstreamRefused { .. } => "The ticketing system refused the request.".to_string(),
            ProxyError::PartnerKeyMissing => "This request needs a partner key in the X-Partner-Key header.".to_string(),
            ProxyError::PartnerKeyUnknown => "This partner key is not known or was revoked.".to_string(),
            ProxyError::Misconfigured => "The proxy is not configured completely; the site owner has to fix it.".to_string(),
            ProxyError::InvalidBody { field } => format!("The request body field `{field}` is missing or not valid."),
            ProxyError::SeatUnavailable { .. } => {
                "Some of the chosen places are no longer available; nothing was reserved.".to_string()
            }
            ProxyError::SeatNotForSale { .. } => {
                "Some of the chosen places have no price (free) and are not sold through this partner; nothing was reserved."
                    .to_string()
            }
            ProxyError::InvalidHoldId => "The hold id is not valid.".to_string(),
            ProxyError::HoldNotFound => "No such hold.".to_string(),
            ProxyError::HoldNotActive { state } => {
                format!("This hold is {} and can no longer be changed.", hold_state_name(*state))
            }
            ProxyError::HoldExpired => "This hold has expired; the places went back on sale.".to_string(),
            ProxyError::SecretKeyRequired => {
                "This request needs the partner's secret key in the Authorization header.".to_string()
            }
            ProxyError::PublicKeyNotAllowed => {
                "A public partner key cannot do this; use the partner's secret key, server to server.".to_string()
            }
            ProxyError::PartnerKeyRevoked => "This partner key was revoked.".to_string(),
            ProxyError::OriginNotAllowed => "This partner key may not be used from this website (origin).".to_string(),
            ProxyError::EventNotAllowed => "This partner may not sell this event.".to_string(),
            ProxyError::RateLimited { .. } => {
                "Too many requests; wait for the time in the Retry-After header and try again.".to_string()
            }
            ProxyError::UnknownField { location: FieldLocation::Query, name } => {
                format!("The query parameter `{name}` is not accepted on this route.")
            }
            ProxyError::UnknownField { location: FieldLocation::Body, name } => {
                format!("The request body field `{name}` is not accepted on this route.")
            }
            ProxyError::UpstreamConflict => "The ticketing system is busy with this order; try again in a moment.".to_string(),
            ProxyError::PriceChanged => {
                "The prices of these places have changed; nothing was reserved. Read the layout again for the new prices."
                    .to_string()
            }
            ProxyError::Internal => "Something went wrong inside the proxy.".to_string(),
            ProxyError::RefundNotSupported => {
                "This event's ticketing system takes no refunds through the proxy; nothing was changed.".to_string()
            }
            ProxyError::RefundAlreadyRequested => {
                "A refund of other tickets of this hold is already under way; nothing was changed.".to_string()
            }
            ProxyError::PromocodeRefused { reason } => match reason {
                PromocodeRefusal::Invalid => "There is no such promo code for this event; the hold is unchanged.",
                PromocodeRefusal::Expired => "This promo code has expired; the hold is unchanged.",
                PromocodeRefusal::Exhausted => "This promo code has been used up; the hold is unchanged.",
                PromocodeRefusal::NotApplicable => "This promo code does not apply to the places held; the hold is unchanged.",
            }
            .to_string(),
            ProxyError::PromocodeNotSupported => "This event's ticketing system takes no promo codes.".to_string(),
            ProxyError::NoSeatsTogether { count } => {
                format!("There are no {count} free seats side by side in one row (of this zone) now; nothing was reserved.")
            }
            ProxyError::PayloadTooLarge { limit_bytes } => {
                format!("The request body is larger than the {limit_bytes} bytes this route reads.")
            }
            ProxyError::TooManyActiveHolds { cap: HoldCap::Client, .. } => {
                "This buyer already has as many active holds as allowed; release one or wait for the time in the Retry-After header. Nothing was reserved."
                    .to_string()
            }
            ProxyError::TooManyActiveHolds { cap: HoldCap::Show, .. } => {
                "This partner already has as many active holds on this date as allowed; try again after the time in the Retry-After header. Nothing was reserved."
                    .to_string()
            }
            ProxyError::LimiterUnavailable => {
                "The proxy cannot take holds or payments for a moment; try again after the time in the Retry-After header."
                    .to_string()
            }
        }
    }

    /// The JSON body of the error response.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.public_message(),
                field: self.field().map(str::to_string),
                unavailable: match self {
                    ProxyError::SeatUnavailable { ids } | ProxyError::SeatNotForSale { ids } => ids.clone(),
                    _ => Vec::new(),
                },
            },
        }
    }

    /// Seconds the client should wait before retrying, for errors where a retry
    /// makes sense (`Retry-After`).
    pub fn retry_after_seconds(&self) -> Option<u32> {
        match self {
            ProxyError::UpstreamUnavailable | ProxyError::UpstreamTimeout | ProxyError::UpstreamBadResponse { .. } => Some(5),
            ProxyError::UpstreamConflict => Some(1),
            ProxyError::RateLimited { retry_after_seconds } => Some(*retry_after_seconds),
            ProxyError::TooManyActiveHolds { retry_after_seconds, .. } => Some(*retry_after_seconds),
            ProxyError::LimiterUnavailable => Some(5),
            _ => None,
        }
    }
}

impl ProxyError {
    /// The error behind a public `code`, for the errors another part of the
    /// proxy (a Durable Object that reads upstream) answers with and the
    /// Worker passes on. Details that are not in the public body (an upstream
    /// refusal's own code, a bad response's description) are not recovered.
    pub fn from_code(code: &str) -> Option<ProxyError> {
        Some(match code {
            "event_not_found" => ProxyError::NotFound { what: MissingThing::Event },
            "show_not_found" => ProxyError::NotFound { what: MissingThing::Show },
            "upstream_unavailable" => ProxyError::UpstreamUnavailable,
            "upstream_bad_response" => ProxyError::UpstreamBadResponse { what: "relayed".into() },
            "upstream_timeout" => ProxyError::UpstreamTimeout,
            "upstream_misconfigured" => ProxyError::UpstreamRejectedKey,
            "upstream_refused" => ProxyError::UpstreamRefused { code: "relayed".into() },
            "upstream_busy" => ProxyError::UpstreamConflict,
            "proxy_misconfigured" => ProxyError::Misconfigured,
            "internal" => ProxyError::Internal,
            _ => return None,
        })
    }
}

/// The contract's spelling of a hold state (`held`, `confirmed`, …).
fn hold_state_name(state: HoldState) -> &'static str {
    match state {
        HoldState::Held => "held",
        HoldState::Confirmed => "confirmed",
        HoldState::Released => "released",
        HoldState::Expired => "expired",
    }
}

impl From<InvalidId> for ProxyError {
    fn from(invalid: InvalidId) -> ProxyError {
        match invalid.reason {
            // A well-formed id of a show this event does not have is "not
            // found", not "malformed".
            InvalidIdReason::NotAShowOfThisEvent => ProxyError::NotFound { what: MissingThing::Show },
            reason => ProxyError::InvalidId { field: invalid.field, reason },
        }
    }
}

impl From<UpstreamError> for ProxyError {
    fn from(error: UpstreamError) -> ProxyError {
        match error {
            UpstreamError::NotFound { what } => ProxyError::NotFound { what },
            UpstreamError::UpstreamRejectedKey => ProxyError::UpstreamRejectedKey,
            UpstreamError::Refused { code } => ProxyError::UpstreamRefused { code },
            // The status is in the `UpstreamError`'s Display for logging before
            // conversion; the browser only needs to know it may retry.
            UpstreamError::Unavailable { .. } => ProxyError::UpstreamUnavailable,
            UpstreamError::BadResponse { what } => ProxyError::UpstreamBadResponse { what },
            UpstreamError::Timeout => ProxyError::UpstreamTimeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status_code_and_field() {
        let invalid_event = InvalidId { field: IdField::EventId, reason: InvalidIdReason::ForbiddenCharacter };
        let invalid_show = InvalidId { field: IdField::ShowId, reason: InvalidIdReason::NotQticketsDigits };
        let other_show = InvalidId { field: IdField::ShowId, reason: InvalidIdReason::NotAShowOfThisEvent };
        let cases: Vec<(ProxyError, u16, &str, Option<&str>)> = vec![
            (invalid_event.into(), 400, "invalid_id", Some("event_id")),
            (invalid_show.into(), 400, "invalid_id", Some("show_id")),
            (other_show.into(), 404, "show_not_found", None),
            (ProxyError::InvalidQuery { field: "page" }, 400, "invalid_parameter", Some("page")),
            (ProxyError::NotFound { what: MissingThing::Event }, 404, "event_not_found", None),
            (ProxyError::NotFound { what: MissingThing::Show }, 404, "show_not_found", None),
            (ProxyError::RouteNotFound, 404, "not_found", None),
            (ProxyError::MethodNotAllowed, 405, "method_not_allowed", None),
            (ProxyError::UpgradeRequired, 426, "upgrade_required", None),
            (UpstreamError::NotFound { what: MissingThing::Event }.into(), 404, "event_not_found", None),
            (UpstreamError::NotFound { what: MissingThing::Show }.into(), 404, "show_not_found", None),
            (UpstreamError::Unavailable { status: 503 }.into(), 502, "upstream_unavailable", None),
            (UpstreamError::BadResponse { what: "not JSON".into() }.into(), 502, "upstream_bad_response", None),
            (UpstreamError::Timeout.into(), 504, "upstream_timeout", None),
            (UpstreamError::UpstreamRejectedKey.into(), 502, "upstream_misconfigured", None),
            (UpstreamError::Refused { code: "VALIDATION_ERROR".into() }.into(), 502, "upstream_refused", None),
            (ProxyError::PartnerKeyMissing, 401, "partner_key_missing", None),
            (ProxyError::PartnerKeyUnknown, 401, "partner_key_unknown", None),
            (ProxyError::Misconfigured, 500, "proxy_misconfigured", None),
            (ProxyError::Internal, 500, "internal", None),
            (ProxyError::InvalidBody { field: "buyer.phone" }, 400, "invalid_body", Some("buyer.phone")),
            (ProxyError::SeatUnavailable { ids: vec!["1-1;3".into()] }, 409, "seat_unavailable", None),
            (ProxyError::SeatNotForSale { ids: vec!["7-1;3".into()] }, 409, "seat_not_for_sale", None),
            (ProxyError::InvalidHoldId, 400, "invalid_id", Some("hold_id")),
            (ProxyError::HoldNotFound, 404, "hold_not_found", None),
            (ProxyError::HoldNotActive { state: HoldState::Confirmed }, 409, "hold_not_active", None),
            (ProxyError::HoldExpired, 410, "hold_expired", None),
            (ProxyError::SecretKeyRequired, 401, "secret_key_required", None),
            (ProxyError::PublicKeyNotAllowed, 403, "public_key_not_allowed", None),
            (ProxyError::UpstreamConflict, 503, "upstream_busy", None),
            (ProxyError::PriceChanged, 409, "price_changed", None),
            (ProxyError::PartnerKeyRevoked, 401, "partner_key_revoked", None),
            (ProxyError::OriginNotAllowed, 403, "origin_not_allowed", None),
            (ProxyError::EventNotAllowed, 403, "event_not_allowed", Some("event_id")),
            (ProxyError::RateLimited { retry_after_seconds: 7 }, 429, "rate_limited", None),
            (ProxyError::RefundNotSupported, 409, "refund_not_supported", None),
            (ProxyError::RefundAlreadyRequested, 409, "refund_already_requested", None),
            (ProxyError::unknown_field(FieldLocation::Query, "page"), 400, "invalid_parameter", Some("page")),
            (ProxyError::unknown_field(FieldLocation::Query, "a b"), 400, "invalid_parameter", Some("query")),
            (ProxyError::unknown_field(FieldLocation::Body, "price"), 400, "invalid_body", Some("price")),
            (ProxyError::unknown_field(FieldLocation::Body, "<script>"), 400, "invalid_body", Some("body")),
            (ProxyError::unknown_field(FieldLocation::Body, &"x".repeat(41)), 400, "invalid_body", Some("body")),
            (ProxyError::PromocodeRefused { reason: PromocodeRefusal::Invalid }, 422, "promocode_invalid", Some("promocode")),
            (ProxyError::PromocodeRefused { reason: PromocodeRefusal::Expired }, 422, "promocode_expired", Some("promocode")),
            (ProxyError::PromocodeRefused { reason: PromocodeRefusal::Exhausted }, 422, "promocode_exhausted", Some("promocode")),
            (
                ProxyError::PromocodeRefused { reason: PromocodeRefusal::NotApplicable },
                422,
                "promocode_not_applicable",
                Some("promocode"),
            ),
            (ProxyError::PromocodeNotSupported, 409, "promocode_not_supported", Some("promocode")),
            (ProxyError::NoSeatsTogether { count: 4 }, 409, "seat_unavailable", Some("best")),
            (ProxyError::PayloadTooLarge { limit_bytes: 16_384 }, 413, "payload_too_large", None),
            (
                ProxyError::TooManyActiveHolds { cap: HoldCap::Client, retry_after_seconds: 30 },
                429,
                "too_many_active_holds",
                None,
            ),
            (ProxyError::TooManyActiveHolds { cap: HoldCap::Show, retry_after_seconds: 30 }, 429, "show_holds_limit", None),
            (ProxyError::LimiterUnavailable, 503, "temporarily_unavailable", None),
        ];
        for (error, status, code, field) in cases {
            assert_eq!(error.status(), status, "{error:?}");
            assert_eq!(error.code(), code, "{error:?}");
            let body = error.to_body();
            assert_eq!(body.error.code, code);
            assert_eq!(body.error.field.as_deref(), field, "{error:?}");
            assert!(!body.error.message.is_empty());
        }
    }

    #[test]
    fn seat_unavailable_lists_the_places_and_not_active_names_the_state() {
        let body = ProxyError::SeatUnavailable { ids: vec!["1-1;3".into(), "tancevalnyj-parter-1;1".into()] }.to_body();
        assert_eq!(body.error.unavailable, ["1-1;3", "tancevalnyj-parter-1;1"]);
        let free = ProxyError::SeatNotForSale { ids: vec!["7-1;3".into()] }.to_body();
        assert_eq!(free.error.unavailable, ["7-1;3"], "free places are named the same way");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["unavailable"][1], "tancevalnyj-parter-1;1");
        assert!(ProxyError::HoldExpired.to_body().error.unavailable.is_empty());
        let states = [
            (HoldState::Held, "held"),
            (HoldState::Confirmed, "confirmed"),
            (HoldState::Released, "released"),
            (HoldState::Expired, "expired"),
        ];
        for (state, name) in states {
            let message = ProxyError::HoldNotActive { state }.public_message();
            assert!(message.contains(name), "{message}");
        }
        assert_eq!(ProxyError::UpstreamConflict.retry_after_seconds(), Some(1));
        assert_eq!(ProxyError::LimiterUnavailable.retry_after_seconds(), Some(5));
        let capped = ProxyError::TooManyActiveHolds { cap: HoldCap::Show, retry_after_seconds: 42 };
        assert_eq!(capped.retry_after_seconds(), Some(42));
        for error in [
            ProxyError::NotFound { what: MissingThing::Event },
            ProxyError::NotFound { what: MissingThing::Show },
            ProxyError::UpstreamUnavailable,
            ProxyError::UpstreamBadResponse { what: "x".into() },
            ProxyError::UpstreamTimeout,
            ProxyError::UpstreamRejectedKey,
            ProxyError::UpstreamRefused { code: "X".into() },
            ProxyError::UpstreamConflict,
            ProxyError::Misconfigured,
            ProxyError::Internal,
        ] {
            let relayed = ProxyError::from_code(error.code()).unwrap();
            assert_eq!((relayed.status(), relayed.code()), (error.status(), error.code()), "{error:?}");
        }
        assert_eq!(ProxyError::from_code("seat_unavailable"), None);
    }

    #[test]
    fn public_messages_carry_no_upstream_detail() {
        let errors = [
            ProxyError::UpstreamRefused { code: "SECRET_UPSTREAM_DETAIL".into() },
            ProxyError::UpstreamBadResponse { what: "SECRET_UPSTREAM_DETAIL".into() },
            ProxyError::UpstreamRejectedKey,
        ];
        for error in errors {
            let json = serde_json::to_string(&error.to_body()).unwrap();
            assert!(!json.contains("SECRET"), "{json}");
            assert!(!json.to_lowercase().contains("bearer"), "{json}");
        }
    }
}
