//! Reads the partner directory from the `PARTNERS` KV namespace.
//!
//! Why KV and not a secret: partners and their keys change without a deploy
//! (`scripts/partners.sh put`, i.e. `wrangler kv key put`), a KV value holds
//! thousands of partners where a secret is capped at 5 KB, and only hashes of
//! secret keys are in it, so reading it at the edge leaks nothing. A change is
//! seen everywhere within KV's cache time (60 s); locally at once.
//!
//! The document is read on every request (KV caches it at the edge) and parsed
//! once per isolate per distinct text.

use std::cell::RefCell;
use std::rc::Rc;

use ticket_core::errors::ProxyError;
use ticket_core::partners::{PartnerDirectory, DIRECTORY_KV_KEY};
use worker::Env;

/// The KV binding in `wrangler.toml`.
const PARTNERS_BINDING: &str = "PARTNERS";

thread_local! {
    static PARSED: RefCell<Option<(String, Rc<PartnerDirectory>)>> = const { RefCell::new(None) };
}

pub async fn directory(env: &Env) -> Result<Rc<PartnerDirectory>, ProxyError> {
    let store = env.kv(PARTNERS_BINDING).map_err(|_| misconfigured("the PARTNERS KV binding is missing"))?;
    let text =
        store
            .get(DIRECTORY_KV_KEY)
            .text()
            .await
            .map_err(|_| misconfigured("the PARTNERS KV namespace cannot be read"))?
            .ok_or_else(|| misconfigured("no `partners` document in the PARTNERS KV namespace (scripts/partners.sh put FILE)"))?;
    if let Some(directory) =
        PARSED.with(|parsed| parsed.borrow().as_ref().filter(|(known, _)| *known == text).map(|(_, directory)| directory.clone()))
    {
        return Ok(directory);
    }
    let directory = Rc::new(PartnerDirectory::parse(&text).map_err(|error| misconfigured(&error.to_string()))?);
    PARSED.with(|parsed| *parsed.borrow_mut() = Some((text, directory.clone())));
    Ok(directory)
}

/// Logs what is wrong (never a key: the messages name partners and fields)
/// and answers 500 `proxy_misconfigured`.
fn misconfigured(problem: &str) -> ProxyError {
    worker::console_error!("{}", serde_json::json!({"event": "config_error", "error": problem}));
    ProxyError::Misconfigured
}
