//! `GET /_sim/behaviour` and `POST /_sim/behaviour {"qtickets_repeated_external_id": "same_ticket" | "duplicate_error"}`:
//! switches between answers the documents leave open, so tests can run the
//! proxy against each. `POST /_sim/reset` puts the defaults back.
//!
//! - `qtickets_repeated_external_id`: what `tickets/add` answers when its
//!   `external_id` already names a live ticket of the show — that ticket
//!   (`same_ticket`, the default) or `VALIDATION_ERROR` (`duplicate_error`);
//!   see `qtickets::inventory::RepeatedExternalId`.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{parse_json_body, AdminError};
use crate::qtickets::inventory::RepeatedExternalId;
use crate::state::{lock, SharedSimState, SimState};

/// The switches; a `POST` sets those it names.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qtickets_repeated_external_id: Option<RepeatedExternalId>,
}

pub async fn read_behaviour(State(shared): State<SharedSimState>) -> Json<Behaviour> {
    Json(view(&lock(&shared)))
}

/// Sets the switches given and answers with all of them.
pub async fn set_behaviour(State(shared): State<SharedSimState>, body: Bytes) -> Result<Json<Behaviour>, AdminError> {
    let request: Behaviour = parse_json_body(&body)?;
    let mut state = lock(&shared);
    if let Some(repeated) = request.qtickets_repeated_external_id {
        state.qtickets.repeated_external_id = repeated;
    }
    Ok(Json(view(&state)))
}

fn view(state: &SimState) -> Behaviour {
    Behaviour { qtickets_repeated_external_id: Some(state.qtickets.repeated_external_id) }
}
