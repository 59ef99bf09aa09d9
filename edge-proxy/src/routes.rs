//! Maps a request's method and raw (still percent-encoded) path to a route.
//!
//! Each path segment is percent-decoded exactly once (`qt%3A1001`, what
//! `encodeURIComponent` makes of `qt:1001`, is `qt:1001`), after the path is
//! split on `/`, so an encoded separator stays inside its segment and is
//! refused with the id. Ids are validated here, on the decoded text, before
//! any handler runs, so nothing a browser sends reaches an upstream URL
//! unchecked. Pure: tested natively.

use std::borrow::Cow;

use ticket_core::errors::{FieldLocation, ProxyError};
use ticket_core::ids::{parse_event_id, parse_show_id, EventRef};
use ticket_core::partners::Bucket;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `OPTIONS` on any API path: a CORS preflight.
    Preflight,
    /// `GET /v1/events`
    Events,
    /// `GET /v1/events/{event_id}/shows/{show_id}/layout`
    Layout { event: EventRef, show_id: String },
    /// `GET /v1/events/{event_id}/shows/{show_id}/availability`
    Availability { event: EventRef, show_id: String },
    /// `GET /v1/events/{event_id}/shows/{show_id}/paint`: the hall's seat map
    /// already drawn (SVG, every seat available), the widget loader's first paint.
    Paint { event: EventRef, show_id: String },
    /// `GET /v1/events/{event_id}/shows/{show_id}/first-frame?partner=…&lang=…&theme=…`:
    /// the painted hall with the partner's availability applied, inside the
    /// widget's declarative shadow root (HTML), for a partner's own server to
    /// put in its page inside the `<ticket-widget>` element.
    FirstFrame { event: EventRef, show_id: String },
    /// `GET /v1/events/{event_id}/shows/{show_id}/live?partner=…`: the show's
    /// live feed, a WebSocket (which cannot carry the key in a header).
    Live { event: EventRef, show_id: String },
    /// `GET /healthz`: liveness for operators and scripts; no upstream call.
    Health,
    /// `GET /v1/openapi.json`: the API's OpenAPI document; no key needed.
    OpenApi,
    /// `POST /v1/holds`
    CreateHold,
    /// `GET /v1/holds/{id}`
    GetHold { hold_id: String },
    /// `PATCH /v1/holds/{id}`
    ChangeHold { hold_id: String },
    /// `DELETE /v1/holds/{id}`, or `POST /v1/holds/{id}/release` (the twin
    /// `navigator.sendBeacon` can call; it carries the public key in `?partner=`).
    ReleaseHold { hold_id: String, beacon: bool },
    /// `POST /v1/holds/{id}/confirm`: server to server, secret key only.
    ConfirmHold { hold_id: String },
    /// `POST /v1/holds/{id}/refund`: server to server, secret key only.
    RefundHold { hold_id: String },
}

impl Route {
    /// The route's name in log lines.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Preflight => "preflight",
            Route::Events => "events",
            Route::Layout { .. } => "layout",
            Route::Availability { .. } => "availability",
            Route::Paint { .. } => "paint",
            Route::FirstFrame { .. } => "first_frame",
            Route::Live { .. } => "live",
            Route::Health => "health",
            Route::OpenApi => "openapi",
            Route::CreateHold => "hold.create",
            Route::GetHold { .. } => "hold.get",
            Route::ChangeHold { .. } => "hold.change",
            Route::ReleaseHold { beacon: false, .. } => "hold.release",
            Route::ReleaseHold { beacon: true, .. } => "hold.release_beacon",
            Route::ConfirmHold { .. } => "hold.confirm",
            Route::RefundHold { .. } => "hold.refund",
        }
    }

    /// Which of the partner's budgets a request on this route spends.
    /// Releasing is a read: it only ever gives places back.
    pub fn bucket(&self) -> Option<Bucket> {
        match self {
            Route::Events
            | Route::Layout { .. }
            | Route::Availability { .. }
            | Route::Paint { .. }
            | Route::FirstFrame { .. }
            | Route::Live { .. }
            | Route::GetHold { .. }
            | Route::ReleaseHold { .. } => Some(Bucket::Reads),
            Route::CreateHold | Route::ChangeHold { .. } => Some(Bucket::Holds),
            Route::ConfirmHold { .. } | Route::RefundHold { .. } => Some(Bucket::Server),
            Route::Preflight | Route::Health | Route::OpenApi => None,
        }
    }

    /// Where the route takes the partner's public key from.
    pub fn key_place(&self) -> KeyPlace {
        match self {
            // Neither `navigator.sendBeacon` nor a WebSocket can set a header.
            Route::ReleaseHold { beacon: true, .. } | Route::Live { .. } => KeyPlace::Query,
            // The public reads: a request without a custom header needs no
            // CORS preflight, so the loader's first reads cost one round trip.
            Route::Events | Route::Layout { .. } | Route::Availability { .. } | Route::Paint { .. } => KeyPlace::HeaderOrQuery,
            // A partner's server asks for it with the key in the URL it includes.
            Route::FirstFrame { .. } => KeyPlace::HeaderOrQuery,
            _ => KeyPlace::Header,
        }
    }

    /// The query parameters the route accepts: the public key, where the key
    /// may travel in the query (`key_place`), and a first frame's language
    /// and theme.
    pub fn accepted_query_parameters(&self) -> &'static [&'static str] {
        if let Route::FirstFrame { .. } = self {
            return &["partner", "lang", "theme"];
        }
        match self.key_place() {
            KeyPlace::Query | KeyPlace::HeaderOrQuery => &["partner"],
            KeyPlace::Header => &[],
        }
    }

    /// Refuses a query parameter the route does not accept (naming it).
    pub fn check_query<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Result<(), ProxyError> {
        let accepted = self.accepted_query_parameters();
        match names.into_iter().find(|name| !accepted.contains(name)) {
            Some(unknown) => Err(ProxyError::unknown_field(FieldLocation::Query, unknown)),
            None => Ok(()),
        }
    }
}

/// Where a route reads the partner's public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// `X-Partner-Key` only.
    Header,
    /// `?partner=` only.
    Query,
    /// `X-Partner-Key`, else `?partner=`.
    HeaderOrQuery,
}

/// Whether an `X-Request-Id` sent by the caller is echoed as is: short and
/// plain, so it cannot break a log line or a header.
pub fn is_acceptable_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b':' | b'-'))
}

/// HTTP methods the proxy distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMethod {
    Get,
    Head,
    Options,
    Post,
    Patch,
    Delete,
    Other,
}

impl RequestMethod {
    /// The method's name as `Allow` lists it; `None` for any other method.
    pub fn name(self) -> Option<&'static str> {
        match self {
            RequestMethod::Get => Some("GET"),
            RequestMethod::Head => Some("HEAD"),
            RequestMethod::Options => Some("OPTIONS"),
            RequestMethod::Post => Some("POST"),
            RequestMethod::Patch => Some("PATCH"),
            RequestMethod::Delete => Some("DELETE"),
            RequestMethod::Other => None,
        }
    }

    /// From the request line's method. Anything but the six the proxy
    /// answers (`PUT`, `TRACE`, `QUERY`, …) is `Other`, and so a `405`.
    pub fn from_name(name: &str) -> RequestMethod {
        match name.to_ascii_uppercase().as_str() {
            "GET" => RequestMethod::Get,
            "HEAD" => RequestMethod::Head,
            "OPTIONS" => RequestMethod::Options,
            "POST" => RequestMethod::Post,
            "PATCH" => RequestMethod::Patch,
            "DELETE" => RequestMethod::Delete,
            _ => RequestMethod::Other,
        }
    }
}

/// Hold ids are minted by the proxy: `h_` and 32 lowercase hex digits.
pub fn is_hold_id(text: &str) -> bool {
    text.len() == 34
        && text.starts_with("h_")
        && text[2..].bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

fn hold_id(segment: &str) -> Result<String, ProxyError> {
    if is_hold_id(segment) {
        Ok(segment.to_owned())
    } else {
        Err(ProxyError::InvalidHoldId)
    }
}

/// One path segment percent-decoded once. A malformed escape (`%zz`, a cut
/// `%4`) or bytes that are not UTF-8 leave the segment as sent: its `%` then
/// fails every id check and matches no route. Never decoded twice: `%253A`
/// is `%3A`, not `:`.
pub fn decode_segment(segment: &str) -> Cow<'_, str> {
    if !segment.contains('%') {
        return Cow::Borrowed(segment);
    }
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex_digit = |offset: usize| bytes.get(index + offset).and_then(|&byte| char::from(byte).to_digit(16));
            match (hex_digit(1), hex_digit(2)) {
                (Some(high), Some(low)) => {
                    decoded.push((high * 16 + low) as u8);
                    index += 3;
                }
                _ => return Cow::Borrowed(segment),
            }
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_or(Cow::Borrowed(segment), Cow::Owned)
}

/// The path's segments, split on `/` first, then each decoded once.
fn decoded_segments(path: &str) -> Vec<Cow<'_, str>> {
    path.trim_start_matches('/').split('/').map(decode_segment).collect()
}

/// What a first frame is asked to look like (`?lang=ru|en`, `?theme=light|dark|auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstFrameOptions {
    /// Russian (the default) or English heading.
    pub russian: bool,
    /// `theme=dark`; `auto` is the browser's to decide (the loader applies it).
    pub dark: bool,
}

impl FirstFrameOptions {
    /// Reads `lang` and `theme` from a first frame's query (the route has
    /// already refused any other name); a value it does not know is a 400.
    pub fn from_query<'a>(query: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<FirstFrameOptions, ProxyError> {
        let mut options = FirstFrameOptions { russian: true, dark: false };
        for (name, value) in query {
            match (name, value) {
                ("lang", "ru") => options.russian = true,
                ("lang", "en") => options.russian = false,
                ("lang", _) => return Err(ProxyError::InvalidQuery { field: "lang" }),
                ("theme", "dark") => options.dark = true,
                ("theme", "light" | "auto") => options.dark = false,
                ("theme", _) => return Err(ProxyError::InvalidQuery { field: "theme" }),
                _ => {}
            }
        }
        Ok(options)
    }
}

/// The methods a path's resource answers, for the `Allow` header of a `405`
/// (RFC 9110 §15.5.6); `None` for a path that is no route. `OPTIONS` is the
/// CORS preflight every `/v1` path answers.
pub fn allowed_methods(path: &str) -> Option<&'static str> {
    let segments = decoded_segments(path);
    let segments: Vec<&str> = segments.iter().map(|segment| segment.as_ref()).collect();
    allowed_methods_of(&segments)
}

fn allowed_methods_of(segments: &[&str]) -> Option<&'static str> {
    match segments {
        ["v1", "holds"] => Some("POST, OPTIONS"),
        ["v1", "holds", _] => Some("GET, HEAD, PATCH, DELETE, OPTIONS"),
        ["v1", "holds", _, "release" | "confirm" | "refund"] => Some("POST, OPTIONS"),
        ["v1", "events"] | ["v1", "openapi.json"] => Some("GET, HEAD, OPTIONS"),
        ["v1", "events", _, "shows", _, "layout" | "availability" | "paint" | "first-frame" | ticket_contract::LIVE_PATH_SEGMENT] => {
            Some("GET, HEAD, OPTIONS")
        }
        ["healthz"] => Some("GET, HEAD"),
        _ => None,
    }
}

/// Decides the route for `path` (as sent, e.g. `/v1/events/qt:1001/shows/2001/layout`
/// or `/v1/events/qt%3A1001/shows/2001/layout`).
pub fn route(method: RequestMethod, path: &str) -> Result<Route, ProxyError> {
    let segments = decoded_segments(path);
    let segments: Vec<&str> = segments.iter().map(|segment| segment.as_ref()).collect();
    let is_api = segments.first() == Some(&"v1");
    if method == RequestMethod::Options && is_api {
        return Ok(Route::Preflight);
    }
    // The method first: a method the resource does not answer is 405 whatever
    // the ids in the path (an id is only worth checking for a real request).
    if let Some(allow) = allowed_methods_of(&segments) {
        if !method.name().is_some_and(|name| allow.split(", ").any(|allowed| allowed == name)) {
            return Err(ProxyError::MethodNotAllowed);
        }
    }
    use RequestMethod::*;
    let route = match (method, segments.as_slice()) {
        (Post, ["v1", "holds"]) => return Ok(Route::CreateHold),
        (Get | Head, ["v1", "holds", id]) => return Ok(Route::GetHold { hold_id: hold_id(id)? }),
        (Patch, ["v1", "holds", id]) => return Ok(Route::ChangeHold { hold_id: hold_id(id)? }),
        (Delete, ["v1", "holds", id]) => return Ok(Route::ReleaseHold { hold_id: hold_id(id)?, beacon: false }),
        (Post, ["v1", "holds", id, "release"]) => return Ok(Route::ReleaseHold { hold_id: hold_id(id)?, beacon: true }),
        (Post, ["v1", "holds", id, "confirm"]) => return Ok(Route::ConfirmHold { hold_id: hold_id(id)? }),
        (Post, ["v1", "holds", id, "refund"]) => return Ok(Route::RefundHold { hold_id: hold_id(id)? }),
        (_, ["v1", "holds", ..]) => {
            // Right path shape, wrong method; or a malformed id.
            if let ["v1", "holds", id, ..] = segments.as_slice() {
                hold_id(id)?;
            }
            let known_path = match segments.as_slice() {
                [_, _] | [_, _, _] => true,
                [_, _, _, action] => matches!(*action, "release" | "confirm" | "refund"),
                _ => false,
            };
            return Err(if known_path { ProxyError::MethodNotAllowed } else { ProxyError::RouteNotFound });
        }
        (_, ["healthz"]) => Route::Health,
        (_, ["v1", "openapi.json"]) => Route::OpenApi,
        (_, ["v1", "events"]) => Route::Events,
        (_, ["v1", "events", event_id, "shows", show_id, document]) => {
            let event = parse_event_id(event_id)?;
            let show_id = parse_show_id(&event, show_id)?;
            match *document {
                "layout" => Route::Layout { event, show_id },
                "availability" => Route::Availability { event, show_id },
                "paint" => Route::Paint { event, show_id },
                "first-frame" => Route::FirstFrame { event, show_id },
                ticket_contract::LIVE_PATH_SEGMENT => Route::Live { event, show_id },
                _ => return Err(ProxyError::RouteNotFound),
            }
        }
        _ => return Err(ProxyError::RouteNotFound),
    };
    match method {
        Get | Head => Ok(route),
        _ => Err(ProxyError::MethodNotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(method: RequestMethod, path: &str) -> String {
        match route(method, path) {
            Ok(Route::Layout { event, show_id }) => format!("layout {} {show_id}", event.public_id()),
            Ok(Route::Availability { event, show_id }) => {
                format!("availability {} {show_id}", event.public_id())
            }
            Ok(Route::Live { event, show_id }) => format!("live {} {show_id}", event.public_id()),
            Ok(Route::Paint { event, show_id }) => format!("paint {} {show_id}", event.public_id()),
            Ok(other) => format!("{other:?}"),
            Err(error) => format!("{} {}", error.status(), error.code()),
        }
    }

    #[test]
    fn routes_and_rejections() {
        use RequestMethod::*;
        let table: &[(RequestMethod, &str, &str)] = &[
            (Get, "/v1/events", "Events"),
            (Get, "/healthz", "Health"),
            (Options, "/v1/events", "Preflight"),
            (Get, "/v1/events/qt:1001/shows/2001/layout", "layout qt:1001 2001"),
            (Head, "/v1/events/qt:1001/shows/2001/availability", "availability qt:1001 2001"),
            (Get, "/v1/events/qt:1001/shows/2001/live", "live qt:1001 2001"),
            (Post, "/v1/events/qt:1001/shows/2001/live", "405 method_not_allowed"),
            (Get, "/v1/events/qt:1001/shows/2001/paint", "paint qt:1001 2001"),
            (Post, "/v1/events/qt:1001/shows/2001/paint", "405 method_not_allowed"),
            (Get, "/v1/events/qt:1001/shows/20%2F01/paint", "400 invalid_id"),
            (Get, "/v1/events/qt:1001/shows/20%2F01/live", "400 invalid_id"),
            (
                Get,
                "/v1/events/tc:5f1a0c0e2b3c4d5e6f708192/shows/5f1a0c0e2b3c4d5e6f708192/layout",
                "layout tc:5f1a0c0e2b3c4d5e6f708192 5f1a0c0e2b3c4d5e6f708192",
            ),
            (Get, "/v1/events/qt:1001/shows/2001/tickets", "404 not_found"),
            (Get, "/v1/nothing", "404 not_found"),
            (Other, "/v1/events", "405 method_not_allowed"),
            (Post, "/v1/events", "405 method_not_allowed"),
            (Post, "/v1/holds", "CreateHold"),
            (Get, "/v1/holds/h_0123456789abcdef0123456789abcdef", "GetHold { hold_id: \"h_0123456789abcdef0123456789abcdef\" }"),
            (
                Patch,
                "/v1/holds/h_0123456789abcdef0123456789abcdef",
                "ChangeHold { hold_id: \"h_0123456789abcdef0123456789abcdef\" }",
            ),
            (
                Delete,
                "/v1/holds/h_0123456789abcdef0123456789abcdef",
                "ReleaseHold { hold_id: \"h_0123456789abcdef0123456789abcdef\", beacon: false }",
            ),
            (
                Post,
                "/v1/holds/h_0123456789abcdef0123456789abcdef/release",
                "ReleaseHold { hold_id: \"h_0123456789abcdef0123456789abcdef\", beacon: true }",
            ),
            (
                Post,
                "/v1/holds/h_0123456789abcdef0123456789abcdef/confirm",
                "ConfirmHold { hold_id: \"h_0123456789abcdef0123456789abcdef\" }",
            ),
            (
                Post,
                "/v1/holds/h_0123456789abcdef0123456789abcdef/refund",
                "RefundHold { hold_id: \"h_0123456789abcdef0123456789abcdef\" }",
            ),
            (Get, "/v1/holds/h_0123456789abcdef0123456789abcdef/refund", "405 method_not_allowed"),
            (Post, "/v1/holds/h_123/refund", "400 invalid_id"),
            (Options, "/v1/holds/h_0123456789abcdef0123456789abcdef", "Preflight"),
            (Post, "/v1/holds/h_0123456789abcdef0123456789abcdef", "405 method_not_allowed"),
            (Get, "/v1/holds", "405 method_not_allowed"),
            (Post, "/v1/holds/h_0123456789abcdef0123456789abcdef/pay", "404 not_found"),
            (Get, "/v1/holds/h_0123456789ABCDEF0123456789ABCDEF", "400 invalid_id"),
            (Delete, "/v1/holds/..%2F..%2Fx", "400 invalid_id"),
            (Post, "/v1/holds/h_123/confirm", "400 invalid_id"),
            (Get, "/v1/events/qt:10%2F01/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt:1001/shows/20%2F01/layout", "400 invalid_id"),
            (Get, "/v1/events/qt:1001/shows/..%2F..%2Fadmin/layout", "400 invalid_id"),
            (Get, "/v1/events/xx:1001/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt:abc/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt:1001/shows/2001%00/layout", "400 invalid_id"),
            (Get, "/v1/events/tc:5f1a/shows/5f1a/layout", "400 invalid_id"),
            // Percent-encoded segments are decoded once, then validated.
            (Get, "/v1/events/qt%3A1001/shows/2001/layout", "layout qt:1001 2001"),
            (Get, "/v1/events/qt%3a1001/shows/2001/paint", "paint qt:1001 2001"),
            (Get, "/v1/events/qt%3A1001/shows/%32001/availability", "availability qt:1001 2001"),
            (
                Get,
                "/v1/events/tc%3A5f1a0c0e2b3c4d5e6f708192/shows/5f1a0c0e2b3c4d5e6f708192/live",
                "live tc:5f1a0c0e2b3c4d5e6f708192 5f1a0c0e2b3c4d5e6f708192",
            ),
            (Post, "/v1/events/qt%3A1001/shows/2001/layout", "405 method_not_allowed"),
            (Get, "/v1/events/qt%253A1001/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001%2F/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%2F..%2F/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%0A/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%3F/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%23/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%20/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A10%zz01/shows/2001/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%3A1001/shows/2001%C0%AF/layout", "400 invalid_id"),
            (Get, "/v1/events/qt%EF%BC%9A1001/shows/2001/layout", "400 invalid_id"),
            (
                Get,
                "/v1/holds/h_0123456789abcdef0123456789abcde%66",
                "GetHold { hold_id: \"h_0123456789abcdef0123456789abcdef\" }",
            ),
            (Get, "/v1/holds/h_0123456789abcdef0123456789abcdef%2F", "400 invalid_id"),
            (Get, "/v1/holds/h_0123456789abcdef0123456789abcdef%2Fconfirm", "400 invalid_id"),
            (Post, "/v1/holds/h_0123456789abcdef0123456789abcdef%2Fconfirm", "405 method_not_allowed"),
            // An unanswered method is 405 before any id is looked at.
            (Other, "/v1/events/tc:5f1a0c0e2b3c4d5e6f708192/shows/20%2F01/live", "405 method_not_allowed"),
            (Post, "/v1/holds/not-a-hold", "405 method_not_allowed"),
            (Get, "/v1/holds/not-a-hold/confirm", "405 method_not_allowed"),
            (Other, "/healthz", "405 method_not_allowed"),
            (Options, "/healthz", "405 method_not_allowed"),
        ];
        for (method, path, expected) in table {
            assert_eq!(outcome(*method, path), *expected, "{method:?} {path}");
        }
    }

    #[test]
    fn query_parameters_budgets_and_request_ids() {
        let beacon = Route::ReleaseHold { hold_id: "h_0123456789abcdef0123456789abcdef".into(), beacon: true };
        assert_eq!(beacon.check_query(["partner"]), Ok(()));
        assert_eq!(beacon.check_query(["partner", "x"]).unwrap_err().field(), Some("x"));
        let paint = Route::Paint { event: parse_event_id("qt:1001").unwrap(), show_id: "2001".into() };
        assert_eq!(paint.check_query(["partner"]), Ok(()));
        assert_eq!(paint.bucket(), Some(Bucket::Reads));
        assert_eq!(paint.check_query(["lang"]).unwrap_err().field(), Some("lang"), "only a first frame takes a language");
        let frame = Route::FirstFrame { event: parse_event_id("qt:1001").unwrap(), show_id: "2001".into() };
        assert_eq!(frame.check_query(["partner", "lang", "theme"]), Ok(()));
        assert_eq!(frame.check_query(["partner", "payment-url"]).unwrap_err().field(), Some("payment-url"));
        assert_eq!((frame.bucket(), frame.key_place()), (Some(Bucket::Reads), KeyPlace::HeaderOrQuery));
        assert_eq!(outcome(RequestMethod::Get, "/v1/events/qt:1001/shows/2001/first-frame"), format!("{frame:?}"));
        assert_eq!(outcome(RequestMethod::Post, "/v1/events/qt:1001/shows/2001/first-frame"), "405 method_not_allowed");
        assert_eq!(allowed_methods("/v1/events/qt:1001/shows/2001/first-frame"), Some("GET, HEAD, OPTIONS"));
        let options = |query: &[(&'static str, &'static str)]| FirstFrameOptions::from_query(query.iter().copied());
        assert_eq!(options(&[("partner", "pk")]), Ok(FirstFrameOptions { russian: true, dark: false }));
        assert_eq!(options(&[("lang", "en"), ("theme", "dark")]), Ok(FirstFrameOptions { russian: false, dark: true }));
        assert_eq!(options(&[("theme", "auto")]), Ok(FirstFrameOptions { russian: true, dark: false }));
        assert_eq!(options(&[("lang", "de")]).unwrap_err().field(), Some("lang"));
        assert_eq!(options(&[("theme", "Dark")]).unwrap_err().field(), Some("theme"));
        assert_eq!(Route::Events.check_query([]), Ok(()));
        // The public reads take the key in the query too (no preflight); the rest do not.
        assert_eq!(Route::Events.check_query(["partner"]), Ok(()));
        assert_eq!(Route::Events.key_place(), KeyPlace::HeaderOrQuery);
        assert_eq!(beacon.key_place(), KeyPlace::Query);
        let unknown = Route::CreateHold.check_query(["partner"]).unwrap_err();
        assert_eq!((unknown.status(), unknown.code(), unknown.field()), (400, "invalid_parameter", Some("partner")));
        assert_eq!(Route::Events.check_query(["<x>"]).unwrap_err().field(), Some("query"));
        assert_eq!(Route::Events.bucket(), Some(Bucket::Reads));
        assert_eq!(beacon.bucket(), Some(Bucket::Reads));
        assert_eq!(Route::CreateHold.bucket(), Some(Bucket::Holds));
        assert_eq!(Route::ConfirmHold { hold_id: String::new() }.bucket(), Some(Bucket::Server));
        assert_eq!(Route::RefundHold { hold_id: String::new() }.bucket(), Some(Bucket::Server));
        assert_eq!(Route::OpenApi.bucket(), None);
        assert_eq!(outcome(RequestMethod::Get, "/v1/openapi.json"), "OpenApi");
        for (id, ok) in
            [("abc-123", true), ("req:1.2_3", true), ("", false), ("a b", false), ("x\ny", false), (&"a".repeat(129), false)]
        {
            assert_eq!(is_acceptable_request_id(id), ok, "{id:?}");
        }
    }

    #[test]
    fn methods_by_name() {
        use RequestMethod::*;
        for (name, method) in
            [("GET", Get), ("get", Get), ("HEAD", Head), ("PATCH", Patch), ("QUERY", Other), ("PUT", Other), ("TRACE", Other)]
        {
            assert_eq!(RequestMethod::from_name(name), method, "{name}");
        }
    }

    #[test]
    fn segments_are_decoded_once() {
        let table: &[(&str, &str)] = &[
            ("qt:1001", "qt:1001"),
            ("qt%3A1001", "qt:1001"),
            ("qt%3a1001", "qt:1001"),
            ("qt%253A1001", "qt%3A1001"),
            ("a%2Fb", "a/b"),
            ("%00", "\0"),
            ("%zz", "%zz"),
            ("%4", "%4"),
            ("%+1", "%+1"),
            ("%", "%"),
            ("%C0%AF", "%C0%AF"),
            ("%D0%B7", "з"),
        ];
        for (segment, expected) in table {
            assert_eq!(decode_segment(segment), *expected, "{segment}");
        }
    }

    #[test]
    fn allow_lists_exactly_the_methods_the_route_answers() {
        use RequestMethod::*;
        let hold = "/v1/holds/h_0123456789abcdef0123456789abcdef";
        let table: &[(&str, Option<&str>)] = &[
            ("/v1/holds", Some("POST, OPTIONS")),
            (hold, Some("GET, HEAD, PATCH, DELETE, OPTIONS")),
            (&format!("{hold}/release"), Some("POST, OPTIONS")),
            (&format!("{hold}/confirm"), Some("POST, OPTIONS")),
            (&format!("{hold}/refund"), Some("POST, OPTIONS")),
            ("/v1/events", Some("GET, HEAD, OPTIONS")),
            ("/v1/openapi.json", Some("GET, HEAD, OPTIONS")),
            ("/v1/events/qt:1001/shows/2001/layout", Some("GET, HEAD, OPTIONS")),
            ("/v1/events/qt%3A1001/shows/2001/availability", Some("GET, HEAD, OPTIONS")),
            ("/v1/events/qt:1001/shows/2001/paint", Some("GET, HEAD, OPTIONS")),
            ("/v1/events/qt:1001/shows/2001/live", Some("GET, HEAD, OPTIONS")),
            ("/healthz", Some("GET, HEAD")),
            ("/v1/nothing", None),
            (&format!("{hold}/pay"), None),
        ];
        let methods = [
            (Get, "GET"),
            (Head, "HEAD"),
            (Options, "OPTIONS"),
            (Post, "POST"),
            (Patch, "PATCH"),
            (Delete, "DELETE"),
            (Other, "PUT"),
        ];
        for (path, expected) in table {
            assert_eq!(allowed_methods(path), *expected, "{path}");
            let Some(allow) = expected else { continue };
            // A method is in `Allow` exactly when the route does not answer 405.
            for (method, name) in methods {
                let listed = allow.split(", ").any(|allowed| allowed == name);
                let refused = matches!(route(method, path), Err(ProxyError::MethodNotAllowed));
                assert_eq!(listed, !refused, "{name} {path}");
            }
        }
    }

    #[test]
    fn absurdly_long_ids_are_rejected() {
        let path = format!("/v1/events/qt:{}/shows/2001/layout", "1".repeat(10_000));
        assert_eq!(outcome(RequestMethod::Get, &path), "400 invalid_id");
    }
}
