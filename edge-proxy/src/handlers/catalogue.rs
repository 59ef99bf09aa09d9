//! `GET /v1/events`: both providers' upcoming events in one list.
//!
//! Each data centre keeps the list in its edge cache; a miss or a stale copy
//! asks the list's one owner (`CatalogueObject`), which reads the providers
//! at most once at a time for everyone. One shared list per data centre; each
//! partner sees the part it may sell.

use ticket_contract::EventList;
use ticket_core::cache_policy::{etag_for, DocumentKind};
use ticket_core::errors::ProxyError;
use worker::Env;

use super::documents::serve_shaped;
use super::{Handled, RequestScope};
use crate::catalogue_object::{self, DEGRADED_FRESH_FOR_MS};
use crate::edge_cache::{self, cache_key, CachedDocument};

pub async fn events(scope: &RequestScope<'_>, env: &Env) -> Result<Handled, ProxyError> {
    let key = cache_key("/v1/events");
    let refresh_key = key.clone();
    let env = env.clone();
    let partner = scope.partner;
    let read_owner = move || async move {
        let mut entry = catalogue_object::catalogue(&env).await?;
        if !entry.meta.complete {
            // Backdated so it stops being fresh within seconds here too; being
            // incomplete, it is then never served stale.
            let fresh_for = DocumentKind::Catalogue.fresh_for();
            entry.meta.stored_at -= (fresh_for - (DEGRADED_FRESH_FOR_MS / 1_000) as i64).max(0);
        }
        edge_cache::write_entry(&refresh_key, DocumentKind::Catalogue, &mut entry).await;
        Ok(entry)
    };
    // One shared list per data centre; each partner sees its part.
    let shape = (!partner.sells_everything()).then_some(|document: CachedDocument| {
        let mut list: EventList = serde_json::from_str(&document.body).map_err(|_| ProxyError::Internal)?;
        list.events.retain(|event| partner.allows_event_id(event.provider, &event.id));
        let body = serde_json::to_string(&list).map_err(|_| ProxyError::Internal)?;
        Ok(CachedDocument { etag: etag_for(body.as_bytes()), body, ..document })
    });
    serve_shaped(scope, DocumentKind::Catalogue, &key, read_owner, shape).await
}
