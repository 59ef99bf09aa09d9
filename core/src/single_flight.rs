//! When the one owner of an upstream document (a show's hall, the catalogue)
//! reads it again, and what everyone else gets meanwhile.
//!
//! A crowd must cost the upstream one read, not one per viewer. The owner (a
//! Durable Object: one per show, one for the catalogue) keeps the current
//! copy and a [`ReadTracker`]; for every request it asks [`ReadTracker::plan`]
//! what to do:
//!
//! - a fresh copy is served as it is;
//! - a stale copy is served, and one read starts in the background unless one
//!   is already under way (stale-while-revalidate without a stampede);
//! - with no usable copy, the first request starts the read and every other
//!   one waits for that same read;
//! - when the upstream fails, the last good copy is served (stale-if-error) and
//!   the upstream is not asked again for [`ReadPolicy::retry_after_failure_ms`];
//!   without a copy, that failure is the answer for the same short while;
//! - when the upstream says the event or show does not exist, that answer is
//!   kept for [`ReadPolicy::not_found_for_ms`] (a negative cache), so a crowd
//!   on a dead link costs one read too;
//! - a copy whose content has an end of its own (prices until a price rule's
//!   end: [`ReadPolicy::ending_at`]) is not served past it without a read.
//!
//! Pure: time is an argument (unix milliseconds).

use crate::cache_policy::DocumentKind;
use crate::errors::ProxyError;

/// How long a copy is good for, and how the owner treats failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPolicy {
    /// A copy younger than this is served without asking the upstream.
    pub fresh_for_ms: u64,
    /// After `fresh_for_ms`, a copy is still served for this long while one
    /// read refreshes it; older copies make requests wait for a read (unless
    /// the upstream is failing: then any good copy is better than none).
    pub stale_for_ms: u64,
    /// After a failed read, the upstream is left alone for this long.
    pub retry_after_failure_ms: u64,
    /// How long "does not exist" is believed.
    pub not_found_for_ms: u64,
}

impl ReadPolicy {
    /// The lifetimes of `kind` as the edge cache uses them
    /// ([`DocumentKind::fresh_for`], [`DocumentKind::stale_while_revalidate`]).
    pub fn for_kind(kind: DocumentKind) -> ReadPolicy {
        ReadPolicy {
            fresh_for_ms: kind.fresh_for() as u64 * 1_000,
            stale_for_ms: kind.stale_while_revalidate() as u64 * 1_000,
            retry_after_failure_ms: RETRY_AFTER_FAILURE_MS,
            not_found_for_ms: NOT_FOUND_FOR_MS,
        }
    }
}

impl ReadPolicy {
    /// This policy for a copy read at `read_at_ms` whose content stops being
    /// right at `until_ms` (a price rule's end): fresh no later than that,
    /// and from then on never served while a read could replace it (only the
    /// failure rules still serve it).
    pub fn ending_at(self, read_at_ms: Option<u64>, until_ms: Option<u64>) -> ReadPolicy {
        let (Some(read_at_ms), Some(until_ms)) = (read_at_ms, until_ms) else { return self };
        let lifetime = until_ms.saturating_sub(read_at_ms);
        let fresh_for_ms = self.fresh_for_ms.min(lifetime);
        let stale_for_ms = self.stale_for_ms.min(lifetime - fresh_for_ms);
        ReadPolicy { fresh_for_ms, stale_for_ms, ..self }
    }
}

/// After a failed read the upstream is left alone this long.
pub const RETRY_AFTER_FAILURE_MS: u64 = 2_000;
/// "Does not exist" is believed this long.
pub const NOT_FOUND_FOR_MS: u64 = 30_000;

/// What to do with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadPlan {
    /// Serve the current copy.
    Serve,
    /// Serve the current copy and start a read in the background.
    ServeAndRead,
    /// No usable copy: start a read and wait for it.
    Read,
    /// A read is under way: wait for it, then plan again.
    Wait,
    /// Answer this error (a recent failure or "does not exist").
    Refuse(ProxyError),
}

/// What the owner knows about its reads of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadTracker {
    /// When the last successful read started (its data is at least that old).
    last_success_ms: Option<u64>,
    /// When the read under way started.
    reading_since_ms: Option<u64>,
    /// The last read's failure, if the last read failed.
    last_failure: Option<(u64, ProxyError)>,
}

impl ReadTracker {
    /// Decides what a request at `now_ms` gets. `has_copy`: the owner holds a
    /// good copy (from an earlier successful read).
    pub fn plan(&self, has_copy: bool, now_ms: u64, policy: &ReadPolicy) -> ReadPlan {
        if let Some((failed_at, error)) = &self.last_failure {
            let since_failure = now_ms.saturating_sub(*failed_at);
            if is_not_found(error) && since_failure < policy.not_found_for_ms {
                return ReadPlan::Refuse(error.clone());
            }
            if since_failure < policy.retry_after_failure_ms {
                return if has_copy { ReadPlan::Serve } else { ReadPlan::Refuse(error.clone()) };
            }
        }
        let reading = self.reading_since_ms.is_some();
        let age = match (has_copy, self.last_success_ms) {
            (true, Some(read_at)) => now_ms.saturating_sub(read_at),
            _ => return if reading { ReadPlan::Wait } else { ReadPlan::Read },
        };
        if age < policy.fresh_for_ms || reading {
            // Fresh, or a read is already refreshing it.
            ReadPlan::Serve
        } else if age < policy.fresh_for_ms + policy.stale_for_ms || self.last_failure.is_some() {
            // Stale, or older but the upstream failed last time: serve what
            // there is (stale-if-error) and try once more in the background.
            ReadPlan::ServeAndRead
        } else {
            ReadPlan::Read
        }
    }

    /// Whether a read is under way.
    pub fn is_reading(&self) -> bool {
        self.reading_since_ms.is_some()
    }

    /// A read starts at `now_ms`. Returns false (and changes nothing) if one is
    /// already under way: there is never more than one.
    pub fn start(&mut self, now_ms: u64) -> bool {
        if self.reading_since_ms.is_some() {
            return false;
        }
        self.reading_since_ms = Some(now_ms);
        true
    }

    /// When the read under way started.
    pub fn reading_since_ms(&self) -> Option<u64> {
        self.reading_since_ms
    }

    /// The read under way succeeded.
    pub fn succeeded(&mut self) {
        self.last_success_ms = self.reading_since_ms.take().or(self.last_success_ms);
        self.last_failure = None;
    }

    /// The read under way failed at `now_ms` with `error`.
    pub fn failed(&mut self, now_ms: u64, error: ProxyError) {
        self.reading_since_ms = None;
        self.last_failure = Some((now_ms, error));
    }

    /// A copy read at `read_at_ms` was brought back (from storage, after the
    /// owner lost its memory) because the read under way failed with `error`.
    pub fn restored(&mut self, read_at_ms: u64, now_ms: u64, error: ProxyError) {
        self.last_success_ms = Some(read_at_ms);
        self.failed(now_ms, error);
    }

    /// Whether the last read failed (a copy served now is the last good one).
    pub fn is_failing(&self) -> bool {
        self.last_failure.is_some()
    }

    /// When the last successful read started.
    pub fn last_success_ms(&self) -> Option<u64> {
        self.last_success_ms
    }
}

fn is_not_found(error: &ProxyError) -> bool {
    matches!(error, ProxyError::NotFound { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::MissingThing;

    const POLICY: ReadPolicy =
        ReadPolicy { fresh_for_ms: 5_000, stale_for_ms: 30_000, retry_after_failure_ms: 2_000, not_found_for_ms: 30_000 };

    fn read_once_at(started_ms: u64) -> ReadTracker {
        let mut tracker = ReadTracker::default();
        assert!(tracker.start(started_ms));
        tracker.succeeded();
        tracker
    }

    #[test]
    fn a_crowd_without_a_copy_makes_one_read_and_waits_for_it() {
        let mut tracker = ReadTracker::default();
        assert_eq!(tracker.plan(false, 0, &POLICY), ReadPlan::Read);
        assert!(tracker.start(0));
        for viewer in 1..1_000 {
            assert_eq!(tracker.plan(false, viewer, &POLICY), ReadPlan::Wait, "viewer {viewer}");
            assert!(!tracker.start(viewer), "never a second read in flight");
        }
        tracker.succeeded();
        assert_eq!(tracker.plan(true, 1_000, &POLICY), ReadPlan::Serve);
    }

    #[test]
    fn walks_fresh_stale_and_expired() {
        let tracker = read_once_at(10_000);
        let cases = [
            (10_000, ReadPlan::Serve),
            (14_999, ReadPlan::Serve),
            (15_000, ReadPlan::ServeAndRead),
            (44_999, ReadPlan::ServeAndRead),
            (45_000, ReadPlan::Read),
        ];
        for (now, expected) in cases {
            assert_eq!(tracker.plan(true, now, &POLICY), expected, "at {now}");
        }
        // The copy's age counts from when its read *started*.
        let mut reading = tracker.clone();
        assert!(reading.start(20_000));
        assert_eq!(reading.plan(true, 21_000, &POLICY), ReadPlan::Serve, "stale while one read runs");
        assert_eq!(reading.plan(true, 60_000, &POLICY), ReadPlan::Serve, "even expired: the read is under way");
        reading.succeeded();
        assert_eq!(reading.last_success_ms(), Some(20_000));
        assert_eq!(reading.plan(true, 24_999, &POLICY), ReadPlan::Serve);
    }

    #[test]
    fn stale_if_error_and_a_pause_after_a_failure() {
        let mut tracker = read_once_at(0);
        assert!(tracker.start(100_000));
        tracker.failed(100_500, ProxyError::UpstreamTimeout);
        assert!(tracker.is_failing());
        // The last good copy is served, long past its lifetime, and the
        // upstream is left alone for a moment.
        assert_eq!(tracker.plan(true, 101_000, &POLICY), ReadPlan::Serve);
        assert_eq!(tracker.plan(true, 102_500, &POLICY), ReadPlan::ServeAndRead);
        // Without a copy, the failure is the answer for that moment.
        let mut empty = ReadTracker::default();
        assert!(empty.start(0));
        empty.failed(10, ProxyError::UpstreamUnavailable);
        assert_eq!(empty.plan(false, 1_000, &POLICY), ReadPlan::Refuse(ProxyError::UpstreamUnavailable));
        assert_eq!(empty.plan(false, 2_010, &POLICY), ReadPlan::Read);
        // A success clears the failure.
        assert!(tracker.start(103_000));
        tracker.succeeded();
        assert!(!tracker.is_failing());
        assert_eq!(tracker.plan(true, 103_500, &POLICY), ReadPlan::Serve);
    }

    #[test]
    fn does_not_exist_is_believed_for_a_while() {
        let missing = ProxyError::NotFound { what: MissingThing::Show };
        let mut tracker = ReadTracker::default();
        assert!(tracker.start(0));
        tracker.failed(100, missing.clone());
        assert_eq!(tracker.plan(false, 29_000, &POLICY), ReadPlan::Refuse(missing.clone()));
        assert_eq!(tracker.plan(true, 29_000, &POLICY), ReadPlan::Refuse(missing), "even over an old copy");
        assert_eq!(tracker.plan(false, 30_100, &POLICY), ReadPlan::Read);
    }

    #[test]
    fn a_copy_with_an_end_is_not_served_past_it() {
        let tracker = read_once_at(10_000);
        let layout = ReadPolicy { fresh_for_ms: 3_600_000, stale_for_ms: 86_400_000, ..POLICY };
        // Prices good until 12 s: fresh until then, then read (not served stale).
        let ending = layout.ending_at(tracker.last_success_ms(), Some(12_000));
        let cases = [(11_999, ReadPlan::Serve), (12_000, ReadPlan::Read), (500_000, ReadPlan::Read)];
        for (now, expected) in cases {
            assert_eq!(tracker.plan(true, now, &ending), expected, "at {now}");
        }
        // An end beyond the normal lifetime changes nothing; no end, nothing.
        assert_eq!(layout.ending_at(Some(10_000), Some(10_000_000_000)), layout);
        assert_eq!(layout.ending_at(Some(10_000), None), layout);
        // An end already past at the read: read again at once.
        assert_eq!(tracker.plan(true, 10_001, &layout.ending_at(Some(10_000), Some(9_000))), ReadPlan::Read);
        // While a read is under way the copy is served meanwhile (never a second read).
        let mut reading = tracker.clone();
        assert!(reading.start(13_000));
        assert_eq!(reading.plan(true, 13_001, &ending), ReadPlan::Serve);
    }

    #[test]
    fn lifetimes_follow_the_edge_cache() {
        let policy = ReadPolicy::for_kind(DocumentKind::Availability);
        assert_eq!(policy.fresh_for_ms, DocumentKind::Availability.fresh_for() as u64 * 1_000);
        assert_eq!(policy.stale_for_ms, DocumentKind::Availability.stale_while_revalidate() as u64 * 1_000);
    }
}
