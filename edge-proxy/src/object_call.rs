//! Sending a JSON command to a Durable Object (a hold, a client's rate
//! limiter): the one way the front Worker talks to its objects.

use serde::Serialize;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

/// POSTs `message` as JSON to the object named `name` in the `binding`
/// namespace, at `url` (never resolved: a stub routes by object).
pub async fn post_json(env: &Env, binding: &str, name: &str, url: &str, message: &impl Serialize) -> worker::Result<Response> {
    let stub = env.durable_object(binding)?.id_from_name(name)?.get_stub()?;
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(serde_json::to_string(message)?.into()));
    stub.fetch_with_request(Request::new_with_init(url, &init)?).await
}
