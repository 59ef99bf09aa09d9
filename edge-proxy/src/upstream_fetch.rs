//! Performs an upstream request described as data by `ticket-core`, with a
//! timeout, and hands the response back as data. The only place the Worker
//! talks to QTickets or TicketsCloud.

use std::time::Duration;

use futures_util::future::{select, Either};
use ticket_core::errors::ProxyError;
use ticket_core::upstream::{HttpMethod, UpstreamRequest, UpstreamResponse};
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

/// Sends `request`; gives up after `timeout_ms` (the upstream's answer, if it
/// comes later, is dropped and the fetch aborted).
pub async fn perform(request: &UpstreamRequest, timeout_ms: u32) -> Result<UpstreamResponse, ProxyError> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(|_| ProxyError::Internal)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        HttpMethod::Get => Method::Get,
        HttpMethod::Post => Method::Post,
        HttpMethod::Patch => Method::Patch,
        HttpMethod::Delete => Method::Delete,
    })
    .with_headers(headers);
    if let Some(body) = &request.body {
        init.with_body(Some(body.as_str().into()));
    }
    let upstream_request = Request::new_with_init(&request.url, &init).map_err(|_| ProxyError::Internal)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(upstream_request);
    let sending = Box::pin(async move {
        let mut response = fetch.send_with_signal(&signal).await?;
        let status = response.status_code();
        let content_type = response.headers().get("Content-Type").ok().flatten();
        let body = response.text().await?;
        Ok::<_, worker::Error>(UpstreamResponse { status, content_type, body })
    });
    let deadline = Box::pin(Delay::from(Duration::from_millis(timeout_ms as u64)));
    match select(sending, deadline).await {
        Either::Left((Ok(response), _)) => Ok(response),
        Either::Left((Err(_network_error), _)) => Err(ProxyError::UpstreamUnavailable),
        Either::Right(_) => {
            controller.abort();
            Err(ProxyError::UpstreamTimeout)
        }
    }
}
