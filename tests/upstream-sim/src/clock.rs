//! The simulator's one source of time: the real wall clock plus an offset
//! that tests push forward through `POST /_sim/clock`. Reservation deadlines
//! (QTickets `reserved_to`, TicketsCloud `expired_after`) are compared with
//! [`SimClock::now`], so an expiry test advances the clock instead of
//! sleeping. Expiry itself is lazy: [`crate::state::lock`] releases whatever
//! is due each time a request looks at the state, so no background task is
//! needed.
//!
//! Only deadlines use this clock. Latencies (fault `latency`, the TicketsCloud
//! PATCH processing time) are real time, because they exist to exercise the
//! proxy's timeouts and its handling of concurrency.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::calendar::UnixTimestamp;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimClock {
    offset_seconds: i64,
}

impl SimClock {
    /// The simulated present: real time, whole seconds, plus the offset.
    pub fn now(&self) -> UnixTimestamp {
        real_unix_time().plus_seconds(self.offset_seconds)
    }

    /// Moves the simulated present forward. The clock never goes back: a
    /// deadline that has passed stays passed.
    pub fn advance(&mut self, seconds: u64) {
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        self.offset_seconds = self.offset_seconds.saturating_add(seconds);
    }

    pub fn offset_seconds(&self) -> i64 {
        self.offset_seconds
    }
}

fn real_unix_time() -> UnixTimestamp {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_secs()).unwrap_or(0);
    UnixTimestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_by_exactly_the_offset() {
        let mut clock = SimClock::default();
        let before = clock.now();
        clock.advance(600);
        clock.advance(61);
        let after = clock.now();
        assert_eq!(clock.offset_seconds(), 661);
        // Real time may tick by a second or two between the two readings.
        assert!((661..=663).contains(&(after.0 - before.0)), "{before} → {after}");
    }
}
