//! Static files (the widget's loader, wasm and CSS; the iframe embed page; the
//! API docs at `/docs`), served from the `ASSETS` binding through the Worker
//! (`run_worker_first`) so they get a request id and a log line like the API,
//! and so the embed page can carry its partner's `frame-ancestors` and only
//! a `payment_url` on one of the partner's origins (see [`crate::embed_page`]).

use ticket_core::errors::ProxyError;
use worker::{Env, Headers, Request, Response};

use super::Handled;
use crate::{embed_page, partner_store};

/// The static-assets binding in `wrangler.toml`.
pub(super) const ASSETS_BINDING: &str = "ASSETS";

pub async fn serve(request: &Request, path: &str, env: &Env) -> Result<Handled, ProxyError> {
    let embed = if path == "/embed" || path == "/embed.html" { Some(embed_settings(request, env).await?) } else { None };
    let assets = env.assets(ASSETS_BINDING).map_err(|_| ProxyError::Misconfigured)?;
    let fetched = match &embed {
        // The page is rewritten per request: asked for whole (no
        // conditional headers, no 304 of another version).
        Some(_) => {
            let url = request.url().map_err(|_| ProxyError::Internal)?;
            assets.fetch(url.to_string(), None).await.map_err(|_| ProxyError::Internal)?
        }
        None => {
            let forwarded = request.clone().map_err(|_| ProxyError::Internal)?;
            assets.fetch_request(forwarded).await.map_err(|_| ProxyError::Internal)?
        }
    };
    // A fetched response's headers are immutable: copy them into a new one.
    let headers = Headers::new();
    for (name, value) in fetched.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    let status = fetched.status_code();
    let response = match embed {
        Some(EmbedSettings { frame_ancestors, payment_url }) if status == 200 => {
            let mut fetched = fetched;
            let page = fetched.text().await.map_err(|_| ProxyError::Internal)?;
            let page = embed_page::with_payment_url(&page, payment_url.as_deref());
            let _ = headers.set("Content-Security-Policy", &format!("frame-ancestors {frame_ancestors}"));
            for stale in ["ETag", "Content-Length", "Last-Modified"] {
                let _ = headers.delete(stale);
            }
            let _ = headers.set("Cache-Control", "no-cache");
            Response::builder().with_status(status).with_headers(headers).fixed(page.into_bytes())
        }
        _ => {
            let (_, body) = fetched.into_parts();
            Response::builder().with_status(status).with_headers(headers).body(body)
        }
    };
    Ok(Handled { response, cache_status: None })
}

/// What the proxy decides for one `/embed?partner=pk_…` page.
struct EmbedSettings {
    /// Who may frame it: the page itself and the partner's allowed origins;
    /// anyone else's frame stays empty.
    frame_ancestors: String,
    /// The `payment_url` asked for, if it is on one of the partner's origins
    /// (see [`embed_page`]); framed or opened on its own alike.
    payment_url: Option<String>,
}

/// An embed without a known, active partner key is refused outright.
async fn embed_settings(request: &Request, env: &Env) -> Result<EmbedSettings, ProxyError> {
    let url = request.url().map_err(|_| ProxyError::Internal)?;
    let query = |name: &str| url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned());
    let key = query("partner").ok_or(ProxyError::InvalidQuery { field: "partner" })?;
    let directory = partner_store::directory(env).await?;
    let partner = directory.by_public_key(key.trim())?;
    let mut sources = vec!["'self'".to_owned()];
    sources.extend(partner.allowed_origins.iter().cloned());
    let requested = query("payment_url");
    let payment_url = embed_page::allowed_payment_url(partner, requested.as_deref()).map(str::to_owned);
    Ok(EmbedSettings { frame_ancestors: sources.join(" "), payment_url })
}
