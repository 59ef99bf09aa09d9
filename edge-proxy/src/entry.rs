//! The Worker's `fetch` entry point: hands every request to the router in
//! [`crate::handlers`] and never lets a Rust error escape as a bare 500.

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
pub async fn fetch(request: Request, env: Env, context: Context) -> Result<Response> {
    Ok(crate::handlers::handle(request, env, context).await)
}
