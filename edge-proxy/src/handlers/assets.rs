//! Static files (the widget's loader, wasm and CSS; the iframe embed page; the
//! API docs at `/docs`), served from the `ASSETS` binding through the Worker
//! (`run_worker_first`) so they get a request id and a log line like the API,
//! and so the embed page can carry its partner's `frame-ancestors`.

use ticket_core::errors::ProxyError;
use worker::{Env, Headers, Request, Response};

use super::Handled;
use crate::partner_store;

/// The static-assets binding in `wrangler.toml`.
const ASSETS_BINDING: &str = "ASSETS";

pub async fn serve(request: &Request, path: &str, env: &Env) -> Result<Handled, ProxyError> {
    let frame_ancestors =
        if path == "/embed" || path == "/embed.html" { Some(embed_frame_ancestors(request, env).await?) } else { None };
    let assets = env.assets(ASSETS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let forwarded = request.clone().map_err(|_| ProxyError::Internal)?;
    let fetched = assets.fetch_request(forwarded).await.map_err(|_| ProxyError::Internal)?;
    // A fetched response's headers are immutable: copy them into a new one.
    let headers = Headers::new();
    for (name, value) in fetched.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    if let Some(ancestors) = frame_ancestors {
        let _ = headers.set("Content-Security-Policy", &format!("frame-ancestors {ancestors}"));
    }
    let status = fetched.status_code();
    let (_, body) = fetched.into_parts();
    let response = Response::builder().with_status(status).with_headers(headers).body(body);
    Ok(Handled { response, cache_status: None })
}

/// Who may frame `/embed?partner=pk_…`: the page itself and the partner's
/// allowed origins; anyone else's frame stays empty. An embed without a
/// known, active partner key is refused outright.
async fn embed_frame_ancestors(request: &Request, env: &Env) -> Result<String, ProxyError> {
    let url = request.url().map_err(|_| ProxyError::Internal)?;
    let key = url
        .query_pairs()
        .find(|(name, _)| name == "partner")
        .map(|(_, value)| value.into_owned())
        .ok_or(ProxyError::InvalidQuery { field: "partner" })?;
    let directory = partner_store::directory(env).await?;
    let partner = directory.by_public_key(key.trim())?;
    let mut sources = vec!["'self'".to_owned()];
    sources.extend(partner.allowed_origins.iter().cloned());
    Ok(sources.join(" "))
}
