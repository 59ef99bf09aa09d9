//! What happens to every upstream request before a provider handler sees it:
//! it is logged (for tests that must prove the proxy did or did not call
//! upstream), injected faults are applied, and the provider's authorization
//! header is checked — failing in that provider's own documented style.
//!
//! Faults come before the auth check: a broken upstream (or the proxy in
//! front of it) fails whatever key you send.

use axum::extract::{OriginalUri, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::MethodRouter;

use crate::faults::{self, ResponseFault};
use crate::state::{lock, LoggedUpstreamRequest, Provider, SharedSimState, UpstreamKeys, UpstreamRoute};
use crate::{qtickets, ticketscloud};

#[derive(Clone)]
struct GateContext {
    shared: SharedSimState,
    route: UpstreamRoute,
}

/// Wraps a provider route's handlers in the gate.
pub fn guarded(
    shared: &SharedSimState,
    route: UpstreamRoute,
    handlers: MethodRouter<SharedSimState>,
) -> MethodRouter<SharedSimState> {
    handlers.layer(from_fn_with_state(GateContext { shared: shared.clone(), route }, upstream_gate))
}

async fn upstream_gate(State(context): State<GateContext>, request: Request, next: Next) -> Response {
    let provider = context.route.provider();
    let uri =
        request.extensions().get::<OriginalUri>().map(|original| original.0.clone()).unwrap_or_else(|| request.uri().clone());
    let authorization = request.headers().get(AUTHORIZATION).and_then(|value| value.to_str().ok());

    let (authorized, triggered) = {
        let mut state = lock(&context.shared);
        let authorized = is_authorized(provider, authorization, &state.upstream_keys);
        state.request_log.push(LoggedUpstreamRequest {
            provider,
            method: request.method().as_str().to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            authorized,
        });
        (authorized, state.faults.trigger(context.route))
    };

    if let Some(latency) = triggered.latency {
        tokio::time::sleep(latency).await;
    }
    match triggered.response {
        Some(ResponseFault::Unavailable) => faults::unavailable_response(provider),
        Some(ResponseFault::TooManyRequests) => faults::too_many_requests_response(provider),
        Some(ResponseFault::HtmlError) => faults::html_error_response(),
        Some(ResponseFault::MalformedJson) => {
            faults::truncate_to_malformed_json(answer(provider, authorized, request, next).await).await
        }
        None => answer(provider, authorized, request, next).await,
    }
}

async fn answer(provider: Provider, authorized: bool, request: Request, next: Next) -> Response {
    if !authorized {
        return match provider {
            Provider::Qtickets => qtickets::wrong_authorization_response(),
            Provider::Ticketscloud => ticketscloud::unauthorized_response(),
        };
    }
    next.run(request).await
}

/// QTickets wants `Authorization: Bearer KEY`, TicketsCloud `Authorization: key KEY`.
pub fn is_authorized(provider: Provider, authorization: Option<&str>, keys: &UpstreamKeys) -> bool {
    match provider {
        Provider::Qtickets => credentials_match(authorization, "Bearer", &keys.qtickets_bearer_key),
        Provider::Ticketscloud => credentials_match(authorization, "key", &keys.ticketscloud_key),
    }
}

/// `SCHEME KEY`, the scheme compared case-insensitively (RFC 7235), the key exactly.
fn credentials_match(authorization: Option<&str>, expected_scheme: &str, expected_key: &str) -> bool {
    let Some((scheme, key)) = authorization.and_then(|value| value.trim().split_once(' ')) else {
        return false;
    };
    scheme.eq_ignore_ascii_case(expected_scheme) && key.trim() == expected_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_has_its_own_scheme() {
        let keys = UpstreamKeys { qtickets_bearer_key: "qt-key".into(), ticketscloud_key: "tc-key".into() };
        let cases = [
            (Provider::Qtickets, Some("Bearer qt-key"), true),
            (Provider::Qtickets, Some("bearer qt-key"), true),
            (Provider::Qtickets, Some("Bearer tc-key"), false),
            (Provider::Qtickets, Some("key qt-key"), false),
            (Provider::Qtickets, Some("qt-key"), false),
            (Provider::Qtickets, Some("Bearer "), false),
            (Provider::Qtickets, None, false),
            (Provider::Ticketscloud, Some("key tc-key"), true),
            (Provider::Ticketscloud, Some("Key tc-key"), true),
            (Provider::Ticketscloud, Some("Bearer tc-key"), false),
            (Provider::Ticketscloud, Some("key qt-key"), false),
            (Provider::Ticketscloud, None, false),
        ];
        for (provider, header, expected) in cases {
            assert_eq!(is_authorized(provider, header, &keys), expected, "{provider:?} {header:?}");
        }
    }
}
