//! The live seat feed's decisions, without a socket or a clock: what a frame
//! says, whether a document may replace the one on screen, and when to
//! (re)connect, ping, give up on a silent socket and poll instead.
//!
//! The browser glue (`live_feed.rs`) owns the `WebSocket` and one timer; it
//! reports what happened to a [`FeedMachine`] (opened, a frame, closed, the
//! timer fired, a poll answered, the page hidden or shown) with the time, and
//! performs the [`FeedActions`] it gets back. Everything here is driven by
//! `now` (Unix ms) and, for jitter, a random number in `[0, 1)` from the
//! caller, so the whole schedule is tested natively below.
//!
//! Wire contract: `ticket_contract::LiveMessage` (JSON text frames
//! `{"type":"availability", …}`) and the `ping`/`pong` texts.

use serde::{Deserialize, Deserializer};
use ticket_contract::{Availability, LIVE_PONG};

/// One frame from the feed, as far as the widget cares.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveFrame {
    /// The show's whole availability document.
    Availability(Availability),
    /// The answer to our `ping`.
    Pong,
    /// Anything else (a message type this widget does not know yet, or a
    /// malformed frame): proof the socket is alive, nothing more.
    Other,
}

/// Only the tag, so a message type added later is skipped, not an error.
#[derive(Deserialize)]
struct FrameTag {
    #[serde(rename = "type")]
    kind: String,
}

/// Reads one text frame. `document` gives a reader of the frame parsed as
/// JSON (the browser's `JSON.parse` in the widget; `None` when it is not
/// JSON), as often as asked. `LiveMessage` is an internally tagged enum,
/// which serde reads by buffering the whole document into a generic tree
/// first (kilobytes of wasm, and a copy of every frame); reading the tag,
/// then the document itself (which ignores the extra `type` field), costs
/// neither.
pub fn decode_frame<'de, D: Deserializer<'de>>(text: &str, document: impl Fn() -> Option<D>) -> LiveFrame {
    if text == LIVE_PONG {
        return LiveFrame::Pong;
    }
    match document().map(FrameTag::deserialize) {
        Some(Ok(tag)) if tag.kind == "availability" => {
            document().and_then(|reader| Availability::deserialize(reader).ok()).map_or(LiveFrame::Other, LiveFrame::Availability)
        }
        _ => LiveFrame::Other,
    }
}

/// What to do with an availability document that arrived (from the feed, a
/// poll, or a refresh after a hold) while another is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentVerdict {
    /// Newer than (or as new as) the one shown: show it.
    Show,
    /// Older than the one shown: the HTTP answer and the feed raced, and
    /// this one lost. Dropped.
    Outdated,
    /// It indexes another layout: the hall was re-planned, so the layout
    /// and the availability are to be read again.
    OtherLayout,
}

/// Judges `incoming` against the revision on screen (`None` before the
/// first document) and the layout version drawn. An equal revision is shown:
/// the seats are the same, but `stale` may have changed (the revision moves
/// only when the hall does, not when the upstream comes back).
pub fn judge_document(incoming: &Availability, shown_revision: Option<u64>, layout_version: &str) -> DocumentVerdict {
    if shown_revision.is_some_and(|shown| incoming.revision < shown) {
        DocumentVerdict::Outdated
    } else if incoming.layout_version != layout_version {
        DocumentVerdict::OtherLayout
    } else {
        DocumentVerdict::Show
    }
}

/// The first reconnect waits about this long; each failure in a row doubles
/// it, up to [`MAX_RECONNECT_MS`].
pub const FIRST_RECONNECT_MS: u32 = 500;
pub const MAX_RECONNECT_MS: u32 = 30_000;
/// A connection that stayed open this long was a good one: the next failure
/// starts the backoff again from the beginning.
pub const STABLE_CONNECTION_MS: i64 = 30_000;
/// A socket that has not opened after this long is given up.
pub const CONNECT_TIMEOUT_MS: i64 = 10_000;
/// How often an open socket is pinged (proxies close idle ones after about
/// a minute, and a dead network is otherwise noticed only much later).
pub const PING_EVERY_MS: i64 = 25_000;
/// A ping not answered (by anything) within this long means the socket is
/// dead even if the browser has not noticed: reconnect.
pub const PONG_WITHIN_MS: i64 = 10_000;
/// While the feed is down, the availability document is read this often…
pub const POLL_EVERY_MS: i64 = 5_000;
/// …and less often while those reads fail.
pub const MAX_POLL_EVERY_MS: i64 = 30_000;
/// A page hidden this long lets go of its socket and stops polling (a
/// background tab costs the proxy nothing); it reconnects when shown again.
pub const HIDDEN_CLOSE_AFTER_MS: i64 = 60_000;

/// How long to wait before connecting again after `failures` failed
/// connections in a row (≥ 1). "Equal jitter": half the step is fixed, half
/// random, so a crowd dropped at once by a deploy comes back spread out, yet
/// nobody retries a dead proxy in a tight loop. `random` is in `[0, 1)`.
pub fn reconnect_delay_ms(failures: u32, random: f64) -> u32 {
    let doublings = failures.saturating_sub(1).min(16);
    let step = FIRST_RECONNECT_MS.saturating_mul(1 << doublings).min(MAX_RECONNECT_MS);
    let half = step / 2;
    half + (f64::from(half) * random.clamp(0.0, 1.0)) as u32
}

/// How long after a poll the next one goes out: [`POLL_EVERY_MS`], doubled
/// per failed poll in a row up to [`MAX_POLL_EVERY_MS`], and never before a
/// `429`'s `Retry-After` has passed.
pub fn poll_delay_ms(failures: u32, retry_after_seconds: Option<u32>) -> i64 {
    let backoff = (POLL_EVERY_MS << failures.min(8)).min(MAX_POLL_EVERY_MS);
    backoff.max(retry_after_seconds.map_or(0, |seconds| i64::from(seconds) * 1_000))
}

/// The socket's side of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Not started, or stopped for good (the buyer left the hall).
    Off,
    Connecting {
        since: i64,
    },
    Open {
        since: i64,
        next_ping_at: i64,
        answer_due_by: Option<i64>,
    },
    /// After a failure, until the backoff has passed.
    Waiting {
        reconnect_at: i64,
    },
    /// The page was hidden for long; reconnects when shown.
    Paused,
}

/// What the glue must do now, in this order: close the socket, open a new
/// one, send `ping`, read the availability document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedActions {
    pub disconnect: bool,
    pub connect: bool,
    pub ping: bool,
    pub poll: bool,
}

/// How a poll of the availability document ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    Answered,
    /// Failed; `retry_after_seconds` from a `429`.
    Failed {
        retry_after_seconds: Option<u32>,
    },
}

/// One hall's live feed: the connection, the ping, the fallback polls and
/// the page's visibility, as a state machine driven by the glue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMachine {
    link: Link,
    /// Failed connections in a row (resets after a stable one).
    failures: u32,
    /// When the next fallback poll is due; `None` while the feed is live.
    next_poll_at: Option<i64>,
    poll_in_flight: bool,
    /// Failed polls in a row.
    poll_failures: u32,
    /// When the page was hidden, while it is.
    hidden_since: Option<i64>,
}

impl Default for FeedMachine {
    fn default() -> FeedMachine {
        FeedMachine {
            link: Link::Off,
            failures: 0,
            next_poll_at: None,
            poll_in_flight: false,
            poll_failures: 0,
            hidden_since: None,
        }
    }
}

impl FeedMachine {
    /// The hall is on screen (it has just read the document over HTTP, so
    /// the first fallback poll waits an interval).
    pub fn start(&mut self, now: i64) -> FeedActions {
        self.link = Link::Connecting { since: now };
        self.next_poll_at = Some(now + POLL_EVERY_MS);
        FeedActions { connect: true, ..FeedActions::default() }
    }

    /// The buyer left the hall (or the widget was removed): for good.
    pub fn stop(&mut self) -> FeedActions {
        let disconnect = self.has_socket();
        *self = FeedMachine::default();
        FeedActions { disconnect, ..FeedActions::default() }
    }

    /// The socket opened: no more polling; the server sends the document.
    pub fn opened(&mut self, now: i64) {
        if let Link::Connecting { .. } = self.link {
            self.link = Link::Open { since: now, next_ping_at: now + PING_EVERY_MS, answer_due_by: None };
            self.next_poll_at = None;
        }
    }

    /// A frame arrived: whatever it says, the socket is alive.
    pub fn received(&mut self) {
        if let Link::Open { answer_due_by, .. } = &mut self.link {
            *answer_due_by = None;
        }
    }

    /// The socket failed or was closed by the server (deploy, reset, refusal
    /// before the upgrade — the browser does not say which).
    pub fn closed(&mut self, now: i64, random: f64) -> FeedActions {
        if self.has_socket() {
            self.lose_connection(now, random);
        }
        FeedActions::default()
    }

    /// The timer fired (or anything else happened): whatever is due now.
    pub fn tick(&mut self, now: i64, random: f64) -> FeedActions {
        let mut actions = FeedActions::default();
        if self.hidden_since.is_some_and(|since| now >= since + HIDDEN_CLOSE_AFTER_MS) && self.link != Link::Off {
            actions.disconnect = self.has_socket();
            self.link = Link::Paused;
            self.next_poll_at = None;
            return actions;
        }
        match self.link {
            Link::Connecting { since } if now >= since + CONNECT_TIMEOUT_MS => {
                actions.disconnect = true;
                self.lose_connection(now, random);
            }
            Link::Open { answer_due_by: Some(due), .. } if now >= due => {
                actions.disconnect = true;
                self.lose_connection(now, random);
            }
            Link::Open { since, next_ping_at, answer_due_by } if now >= next_ping_at => {
                actions.ping = true;
                self.link = Link::Open {
                    since,
                    next_ping_at: now + PING_EVERY_MS,
                    answer_due_by: answer_due_by.or(Some(now + PONG_WITHIN_MS)),
                };
            }
            _ => {}
        }
        if let Link::Waiting { reconnect_at } = self.link {
            if now >= reconnect_at {
                self.link = Link::Connecting { since: now };
                actions.connect = true;
            }
        }
        if !self.poll_in_flight && self.next_poll_at.is_some_and(|due| now >= due) {
            self.next_poll_at = None;
            self.poll_in_flight = true;
            actions.poll = true;
        }
        actions
    }

    /// Fresh availability is wanted now (a hold was made or ended here),
    /// whether the feed is live or not.
    pub fn poll_now(&mut self) -> FeedActions {
        if self.poll_in_flight || self.link == Link::Off {
            return FeedActions::default();
        }
        self.poll_in_flight = true;
        FeedActions { poll: true, ..FeedActions::default() }
    }

    /// A poll ended; the next is scheduled if the feed is still down.
    pub fn polled(&mut self, now: i64, outcome: PollOutcome) {
        self.poll_in_flight = false;
        let retry_after_seconds = match outcome {
            PollOutcome::Answered => {
                self.poll_failures = 0;
                None
            }
            PollOutcome::Failed { retry_after_seconds } => {
                self.poll_failures = self.poll_failures.saturating_add(1);
                retry_after_seconds
            }
        };
        if self.needs_polling() {
            self.next_poll_at = Some(now + poll_delay_ms(self.poll_failures, retry_after_seconds));
        }
    }

    /// The page was hidden (another tab, a locked phone).
    pub fn hidden(&mut self, now: i64) {
        self.hidden_since.get_or_insert(now);
    }

    /// The page is visible again: a paused feed reconnects at once (and so
    /// does one waiting out a backoff the hidden tab's timers stretched).
    pub fn shown(&mut self, now: i64) -> FeedActions {
        self.hidden_since = None;
        match self.link {
            Link::Paused => {
                self.failures = 0;
                self.link = Link::Connecting { since: now };
                self.next_poll_at = Some(now + POLL_EVERY_MS);
                FeedActions { connect: true, ..FeedActions::default() }
            }
            Link::Waiting { .. } => {
                self.link = Link::Connecting { since: now };
                FeedActions { connect: true, ..FeedActions::default() }
            }
            _ => FeedActions::default(),
        }
    }

    /// When [`FeedMachine::tick`] next has something to do.
    pub fn next_wake_at(&self) -> Option<i64> {
        let link_due = match self.link {
            Link::Connecting { since } => Some(since + CONNECT_TIMEOUT_MS),
            Link::Open { next_ping_at, answer_due_by, .. } => {
                Some(answer_due_by.map_or(next_ping_at, |due| due.min(next_ping_at)))
            }
            Link::Waiting { reconnect_at } => Some(reconnect_at),
            Link::Off | Link::Paused => None,
        };
        let hide_due = self
            .hidden_since
            .filter(|_| !matches!(self.link, Link::Off | Link::Paused))
            .map(|since| since + HIDDEN_CLOSE_AFTER_MS);
        let poll_due = self.next_poll_at.filter(|_| !self.poll_in_flight);
        [link_due, hide_due, poll_due].into_iter().flatten().min()
    }

    /// Whether changes arrive as they happen (the hall's `data-live`);
    /// otherwise the document is polled, or nothing is read while the page
    /// is hidden.
    pub fn is_live(&self) -> bool {
        matches!(self.link, Link::Open { .. })
    }

    fn has_socket(&self) -> bool {
        matches!(self.link, Link::Connecting { .. } | Link::Open { .. })
    }

    fn needs_polling(&self) -> bool {
        matches!(self.link, Link::Connecting { .. } | Link::Waiting { .. })
    }

    fn lose_connection(&mut self, now: i64, random: f64) {
        if let Link::Open { since, .. } = self.link {
            if now - since >= STABLE_CONNECTION_MS {
                self.failures = 0;
            }
        }
        self.failures = self.failures.saturating_add(1);
        self.link = Link::Waiting { reconnect_at: now + i64::from(reconnect_delay_ms(self.failures, random)) };
        if self.next_poll_at.is_none() && !self.poll_in_flight {
            self.next_poll_at = Some(now + POLL_EVERY_MS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{AdmissionAvailability, LiveMessage};

    fn document(revision: u64, layout_version: &str) -> Availability {
        Availability {
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            layout_version: layout_version.into(),
            seats_available: "f0".into(),
            admissions: vec![AdmissionAvailability { id: "ga".into(), quantity_left: 7 }],
            revision,
            stale: false,
        }
    }

    #[test]
    fn decodes_what_the_contract_writes_and_skips_the_rest() {
        let fresh = document(1_805_040_000_123, "v1");
        let stale = Availability { stale: true, ..document(5, "v2") };
        let written = |message: LiveMessage| serde_json::to_string(&message).unwrap();
        let cases: Vec<(String, LiveFrame)> = vec![
            (written(LiveMessage::Availability(fresh.clone())), LiveFrame::Availability(fresh)),
            (written(LiveMessage::Availability(stale.clone())), LiveFrame::Availability(stale)),
            // An older server: no revision, no stale flag.
            (
                r#"{"type":"availability","event_id":"qt:1","show_id":"1","layout_version":"v","seats_available":"","admissions":[]}"#
                    .into(),
                LiveFrame::Availability(Availability {
                    event_id: "qt:1".into(),
                    show_id: "1".into(),
                    layout_version: "v".into(),
                    seats_available: String::new(),
                    admissions: vec![],
                    revision: 0,
                    stale: false,
                }),
            ),
            ("pong".into(), LiveFrame::Pong),
            (r#"{"type":"announcement","text":"doors open at 18:00"}"#.into(), LiveFrame::Other),
            (r#"{"type":"availability","event_id":"qt:1"}"#.into(), LiveFrame::Other),
            ("not json".into(), LiveFrame::Other),
            ("PONG".into(), LiveFrame::Other),
            ("".into(), LiveFrame::Other),
        ];
        for (text, expected) in cases {
            let parsed = serde_json::from_str::<serde_json::Value>(&text).ok();
            assert_eq!(decode_frame(&text, || parsed.clone()), expected, "{text}");
        }
    }

    #[test]
    fn orders_documents_by_revision_and_checks_their_layout() {
        let cases: &[(u64, &str, Option<u64>, DocumentVerdict)] = &[
            (10, "v1", None, DocumentVerdict::Show),
            (11, "v1", Some(10), DocumentVerdict::Show),
            // Same hall, maybe a changed `stale` flag.
            (10, "v1", Some(10), DocumentVerdict::Show),
            // The HTTP answer lost the race against the feed.
            (9, "v1", Some(10), DocumentVerdict::Outdated),
            // An old document of an old layout is merely old.
            (9, "v0", Some(10), DocumentVerdict::Outdated),
            (11, "v2", Some(10), DocumentVerdict::OtherLayout),
            (11, "v2", None, DocumentVerdict::OtherLayout),
            // Servers that do not know revisions send 0 every time.
            (0, "v1", Some(0), DocumentVerdict::Show),
        ];
        for &(revision, layout_version, shown, expected) in cases {
            assert_eq!(
                judge_document(&document(revision, layout_version), shown, "v1"),
                expected,
                "{revision} {layout_version} {shown:?}"
            );
        }
    }

    #[test]
    fn backs_off_exponentially_with_jitter_up_to_thirty_seconds() {
        let cases: &[(u32, f64, u32)] = &[
            (1, 0.0, 250),
            (1, 0.999_999, 499),
            (2, 0.0, 500),
            (2, 0.5, 750),
            (3, 0.5, 1_500),
            (6, 0.0, 8_000),
            (7, 0.0, 15_000),
            (7, 0.999_999, 29_999),
            (40, 0.5, 22_500),
            (u32::MAX, 1.0, 30_000),
        ];
        for &(failures, random, expected) in cases {
            assert_eq!(reconnect_delay_ms(failures, random), expected, "{failures} failures, random {random}");
        }
        let polls: &[(u32, Option<u32>, i64)] = &[
            (0, None, 5_000),
            (1, None, 10_000),
            (2, None, 20_000),
            (3, None, 30_000),
            (60, None, 30_000),
            (0, Some(45), 45_000),
        ];
        for &(failures, retry_after, expected) in polls {
            assert_eq!(poll_delay_ms(failures, retry_after), expected, "{failures} {retry_after:?}");
        }
    }

    const T0: i64 = 1_805_040_000_000;
    const CONNECT: FeedActions = FeedActions { connect: true, disconnect: false, ping: false, poll: false };
    const DISCONNECT: FeedActions = FeedActions { connect: false, disconnect: true, ping: false, poll: false };
    const PING: FeedActions = FeedActions { connect: false, disconnect: false, ping: true, poll: false };
    const POLL: FeedActions = FeedActions { connect: false, disconnect: false, ping: false, poll: true };
    const NOTHING: FeedActions = FeedActions { connect: false, disconnect: false, ping: false, poll: false };

    #[test]
    fn pings_an_open_socket_and_drops_one_that_stays_silent() {
        let mut feed = FeedMachine::default();
        assert_eq!(feed.start(T0), CONNECT);
        assert!(!feed.is_live());
        feed.opened(T0 + 200);
        assert!(feed.is_live());
        assert_eq!(feed.next_wake_at(), Some(T0 + 200 + PING_EVERY_MS), "no poll while live");
        assert_eq!(feed.tick(T0 + 10_000, 0.5), NOTHING);
        assert_eq!(feed.tick(T0 + 25_200, 0.5), PING);
        // Answered: the next ping in 25 s.
        feed.received();
        assert_eq!(feed.next_wake_at(), Some(T0 + 50_200));
        assert_eq!(feed.tick(T0 + 50_200, 0.5), PING);
        assert_eq!(feed.next_wake_at(), Some(T0 + 60_200), "the answer is due within 10 s");
        // Nothing came back: the socket is dead, whatever the browser thinks.
        assert_eq!(feed.tick(T0 + 60_200, 0.5), DISCONNECT);
        assert!(!feed.is_live());
        // It lived a minute: the backoff starts from its first step again.
        assert_eq!(feed.next_wake_at(), Some(T0 + 60_200 + 375));
        assert_eq!(feed.tick(T0 + 60_575, 0.5), CONNECT);
    }

    #[test]
    fn reconnects_with_growing_delays_and_polls_while_down() {
        let mut feed = FeedMachine::default();
        feed.start(T0);
        // Refused before the upgrade (the browser only reports a failure).
        assert_eq!(feed.closed(T0 + 50, 0.0), NOTHING);
        let mut now = T0 + 50;
        let mut delays = Vec::new();
        let mut polls = Vec::new();
        for _ in 0..400 {
            let Some(wake) = feed.next_wake_at() else { break };
            now = wake;
            let actions = feed.tick(now, 0.0);
            if actions.poll {
                polls.push(now - T0);
                feed.polled(now, PollOutcome::Answered);
            }
            if actions.connect {
                delays.push(now);
                // Every attempt is refused at once.
                feed.closed(now, 0.0);
            }
            if now > T0 + 120_000 {
                break;
            }
        }
        let gaps: Vec<i64> = delays.windows(2).map(|pair| pair[1] - pair[0]).collect();
        assert_eq!(gaps[..7], [500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
        assert_eq!(delays[0] - (T0 + 50), 250);
        // Polling every 5 s from the start, the feed being down all along.
        assert_eq!(polls[..4], [5_000, 10_000, 15_000, 20_000]);
        assert!(polls.windows(2).all(|pair| pair[1] - pair[0] == POLL_EVERY_MS), "{polls:?}");

        // Back: polling stops; a short-lived connection does not reset the backoff…
        feed.tick(now + 30_000, 0.0);
        feed.opened(now + 30_000);
        assert!(feed.is_live());
        assert_eq!(feed.tick(now + 34_999, 0.0), NOTHING, "no poll while live");
        let failures = feed.failures;
        feed.closed(now + 35_000, 0.0);
        assert_eq!(feed.failures, failures + 1);
        // …a stable one does.
        let mut feed = FeedMachine::default();
        feed.start(T0);
        feed.closed(T0 + 1, 0.0);
        assert_eq!(feed.shown(T0 + 2), CONNECT, "a page shown again does not wait out the backoff");
        feed.closed(T0 + 3, 0.0);
        assert_eq!(feed.failures, 2);
        feed.shown(T0 + 4);
        feed.opened(T0 + 5);
        feed.closed(T0 + 5 + STABLE_CONNECTION_MS, 0.0);
        assert_eq!(feed.failures, 1);
    }

    #[test]
    fn gives_up_on_a_socket_that_never_opens() {
        let mut feed = FeedMachine::default();
        feed.start(T0);
        assert_eq!(feed.tick(T0 + 5_000, 0.0), POLL);
        feed.polled(T0 + 5_100, PollOutcome::Answered);
        assert_eq!(feed.tick(T0 + CONNECT_TIMEOUT_MS, 0.0), DISCONNECT);
        assert!(!feed.is_live());
        // The socket's own close event, arriving after we closed it, changes nothing.
        let before = feed.clone();
        feed.closed(T0 + CONNECT_TIMEOUT_MS + 5, 0.0);
        assert_eq!(feed, before);
    }

    #[test]
    fn polls_less_often_while_polls_fail_and_honours_retry_after() {
        let mut feed = FeedMachine::default();
        feed.start(T0);
        feed.closed(T0, 0.0);
        feed.tick(T0 + 250, 0.0);
        feed.closed(T0 + 250, 0.0); // still down
        assert!(feed.tick(T0 + 5_000, 0.0).poll);
        assert!(!feed.tick(T0 + 5_001, 0.0).poll, "one poll at a time");
        feed.polled(T0 + 5_500, PollOutcome::Failed { retry_after_seconds: None });
        assert_eq!(feed.next_poll_at, Some(T0 + 15_500));
        feed.polled(T0 + 15_500, PollOutcome::Failed { retry_after_seconds: Some(50) });
        assert_eq!(feed.next_poll_at, Some(T0 + 65_500));
        feed.polled(T0 + 65_500, PollOutcome::Answered);
        assert_eq!(feed.next_poll_at, Some(T0 + 70_500));
    }

    #[test]
    fn refreshes_on_request_even_while_live_but_never_twice_at_once() {
        let mut feed = FeedMachine::default();
        assert_eq!(feed.poll_now(), NOTHING, "not started");
        feed.start(T0);
        feed.opened(T0 + 10);
        assert_eq!(feed.poll_now(), POLL);
        assert_eq!(feed.poll_now(), NOTHING);
        feed.polled(T0 + 300, PollOutcome::Answered);
        assert_eq!(feed.next_poll_at, None, "live: no poll scheduled after it");
        assert_eq!(feed.poll_now(), POLL);
    }

    #[test]
    fn lets_go_while_the_page_is_hidden_for_long_and_comes_back_when_shown() {
        let mut feed = FeedMachine::default();
        feed.start(T0);
        feed.opened(T0 + 100);
        feed.hidden(T0 + 1_000);
        // A short look away changes nothing.
        assert_eq!(feed.shown(T0 + 20_000), NOTHING);
        assert!(feed.is_live());
        feed.received();
        feed.hidden(T0 + 21_000);
        assert_eq!(feed.tick(T0 + 30_000, 0.0), PING, "still pinging while hidden");
        feed.received();
        assert_eq!(feed.next_wake_at(), Some(T0 + 55_000));
        assert_eq!(feed.tick(T0 + 21_000 + HIDDEN_CLOSE_AFTER_MS, 0.0), DISCONNECT);
        assert!(!feed.is_live());
        assert_eq!(feed.next_wake_at(), None, "no timer, no polls while paused");
        assert_eq!(feed.shown(T0 + 500_000), CONNECT);
        assert!(!feed.is_live());
        feed.opened(T0 + 500_100);
        assert!(feed.is_live());

        // Hidden while the feed is down: polling stops too.
        let mut feed = FeedMachine::default();
        feed.start(T0);
        feed.closed(T0, 0.0);
        feed.hidden(T0 + 1);
        assert_eq!(feed.tick(T0 + 1 + HIDDEN_CLOSE_AFTER_MS, 0.0), NOTHING, "no socket to close");
        assert_eq!(feed.next_wake_at(), None);
        assert_eq!(feed.stop(), NOTHING);
    }

    #[test]
    fn stops_for_good() {
        let mut feed = FeedMachine::default();
        feed.start(T0);
        feed.opened(T0 + 1);
        assert_eq!(feed.stop(), DISCONNECT);
        assert!(!feed.is_live());
        assert_eq!(feed.next_wake_at(), None);
        assert_eq!(feed.tick(T0 + 600_000, 0.0), NOTHING);
        feed.opened(T0 + 600_001);
        assert!(!feed.is_live(), "a late open of the old socket is ignored");
    }
}
