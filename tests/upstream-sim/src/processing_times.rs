//! How long the simulator takes to process requests whose duration matters
//! to the proxy's design, set through `POST /_sim/latency`. Today there is
//! one: a TicketsCloud order PATCH, during which the order is "busy" and a
//! second PATCH for it gets `409 Conflict` (document l.513–520). This is real
//! time, not the simulated clock: it exists so that two requests can overlap.
//!
//! Unlike a `latency` fault, it applies to every PATCH until changed, and it
//! is part of the behaviour being simulated rather than a failure.

use std::collections::BTreeMap;
use std::time::Duration;

/// The documented-nowhere default: long enough for a test to overlap two
/// PATCHes, short enough not to slow a test suite down.
pub const DEFAULT_TICKETSCLOUD_ORDER_PATCH: Duration = Duration::from_millis(50);

pub const TICKETSCLOUD_ORDER_PATCH_KEY: &str = "ticketscloud.order_patch";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingTimes {
    pub ticketscloud_order_patch: Duration,
}

impl Default for ProcessingTimes {
    fn default() -> Self {
        ProcessingTimes { ticketscloud_order_patch: DEFAULT_TICKETSCLOUD_ORDER_PATCH }
    }
}

impl ProcessingTimes {
    /// Applies `{"ticketscloud.order_patch": milliseconds}`; unknown keys and
    /// values that are not whole milliseconds are refused, changing nothing.
    pub fn apply_admin_request(&mut self, request: &BTreeMap<String, serde_json::Value>) -> Result<(), String> {
        let mut updated = self.clone();
        for (key, value) in request {
            let milliseconds = value.as_u64().ok_or_else(|| format!("`{key}` must be a whole number of milliseconds"))?;
            match key.as_str() {
                TICKETSCLOUD_ORDER_PATCH_KEY => updated.ticketscloud_order_patch = Duration::from_millis(milliseconds),
                other => return Err(format!("unknown processing time `{other}`; expected \"{TICKETSCLOUD_ORDER_PATCH_KEY}\"")),
            }
        }
        *self = updated;
        Ok(())
    }

    /// What `GET /_sim/latency` shows, in milliseconds.
    pub fn view(&self) -> BTreeMap<&'static str, u64> {
        BTreeMap::from([(
            TICKETSCLOUD_ORDER_PATCH_KEY,
            u64::try_from(self.ticketscloud_order_patch.as_millis()).unwrap_or(u64::MAX),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn admin_requests_set_known_times_or_change_nothing() {
        let cases = [
            (json!({"ticketscloud.order_patch": 300}), Ok(300)),
            (json!({"ticketscloud.order_patch": 0}), Ok(0)),
            (json!({}), Ok(50)),
            (json!({"ticketscloud.order_patch": -1}), Err("milliseconds")),
            (json!({"ticketscloud.order_patch": "300"}), Err("milliseconds")),
            (json!({"ticketscloud.order_patch": 10, "qtickets.tickets_add": 5}), Err("unknown")),
        ];
        for (request, expected) in cases {
            let mut times = ProcessingTimes::default();
            let request: BTreeMap<String, serde_json::Value> = serde_json::from_value(request.clone()).unwrap();
            match (times.apply_admin_request(&request), expected) {
                (Ok(()), Ok(milliseconds)) => {
                    assert_eq!(times.view()[TICKETSCLOUD_ORDER_PATCH_KEY], milliseconds)
                }
                (Err(message), Err(fragment)) => {
                    assert!(message.contains(fragment), "{message}");
                    assert_eq!(times, ProcessingTimes::default(), "refused: unchanged");
                }
                (outcome, expected) => panic!("{request:?}: {outcome:?}, expected {expected:?}"),
            }
        }
    }
}
