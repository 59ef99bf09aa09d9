//! The journal of a hold command in progress, and the time budget it runs in.
//!
//! A command may need many upstream requests (a QTickets ticket per place),
//! each of which may be slow, and the Durable Object that runs it may be reset,
//! killed or redeployed at any moment. So the object never keeps a command's
//! progress in memory alone: before it sends a batch of requests it persists
//! the operation's [`HoldOperation::checkpoint`](super::HoldOperation::checkpoint)
//! — the record as it must be read if nothing more ever happens, carrying a
//! [`CommandJournal`] with the *intents* of the requests about to go out — and
//! after each answer it persists the checkpoint again with the *result* applied
//! (a ticket id, a barcode, a ticket known gone). The alarm is set to the
//! journal's [`CommandJournal::resume_at`] before the first request leaves.
//!
//! If the command finishes, the journal is dropped and the alarm goes back to
//! the hold's expiry. If the object dies first, the alarm finds the journal and
//! the command [`Resume`](super::HoldCommand::Resume)s from it:
//!
//! | interrupted | what the alarm does |
//! |---|---|
//! | create, change | undoes it: every ticket it may have added (the checkpoint lists them, by `external_id` when the answer never came) is removed; a TicketsCloud order is cancelled (found by our hold id in `vendor_data` if its id was never read), a changed order gets its old ticket list back |
//! | confirm | completes it: pays what is not paid yet (paying twice is harmless), reads barcodes; the hold ends `confirmed` with every ticket |
//! | release, expiry | does it again (removing a ticket that is gone already is fine) |
//! | refund | finds the refund request in the refund list, else sends it again |
//! | promo code | undoes it: the order gets the record's code (or none) back |
//!
//! A QTickets change past the point where every new ticket was added is
//! committed: its checkpoint already shows the new items, and the dropped
//! tickets are leftovers, so "undo" only removes those.
//!
//! The budget: no forward step (add, pay, create, change) starts later than
//! [`CommandBudget::forward_ms`] after the command began; undo steps
//! (removals, cancels, restores) may start for [`CommandBudget::undo_ms`]
//! more. A command past its budget stops, undoes what it did, and answers
//! `upstream_timeout`; a confirm or release past its budget (or meeting an
//! upstream that is down) answers the same and keeps its journal, so the
//! alarm completes it shortly after.

use serde::{Deserialize, Serialize};

use crate::errors::ProxyError;

/// Identifies one upstream request of one operation (see
/// [`HoldOperation::on_response`](super::HoldOperation::on_response)).
pub type StepId = u32;

/// How long a hold command may keep the upstream busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandBudget {
    /// No forward step starts later than this after the command began (ms).
    pub forward_ms: i64,
    /// Undo steps may start until this much after the forward budget (ms).
    pub undo_ms: i64,
    /// The longest one upstream step may take (the Worker's per-request
    /// bound for hold steps, ms): an interrupted command is resumed only
    /// after any request it sent has surely been answered or given up.
    pub step_timeout_ms: i64,
}

impl Default for CommandBudget {
    fn default() -> CommandBudget {
        CommandBudget { forward_ms: 20_000, undo_ms: 10_000, step_timeout_ms: 10_000 }
    }
}

/// Added to the budget before the alarm resumes an interrupted command.
pub const RESUME_MARGIN_SECONDS: i64 = 5;
/// When a resumed command could not finish (upstream down), the alarm tries
/// again this much later.
pub const RESUME_RETRY_SECONDS: i64 = 30;
/// How often a journal is resumed before it is given up (QTickets and
/// TicketsCloud drop unpaid reservations by themselves at their deadlines).
pub const MOST_RESUME_ATTEMPTS: u32 = 10;

impl CommandBudget {
    /// When the alarm takes over a command begun at `now` (unix seconds):
    /// after the forward budget and one step's timeout, plus a margin.
    pub fn resume_at(&self, now: i64) -> i64 {
        let seconds = (self.forward_ms.max(0) + self.step_timeout_ms.max(0) + 999) / 1000;
        now.saturating_add(seconds).saturating_add(RESUME_MARGIN_SECONDS)
    }
}

/// A failure that may pass (the upstream was slow, down or garbled, or the
/// command was cut short): a confirm that met one is completed later.
pub fn is_transient(error: &ProxyError) -> bool {
    matches!(
        error,
        ProxyError::UpstreamTimeout
            | ProxyError::UpstreamUnavailable
            | ProxyError::UpstreamBadResponse { .. }
            | ProxyError::Internal
    )
}

/// Whether a step moves the command forward or undoes / cleans up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepClass {
    /// Adds, pays, creates and changes: only within the forward budget.
    Forward,
    /// Removals, cancels, restores, searches for a lost order: also in the
    /// undo budget.
    Cleanup,
}

/// The deadlines of one command, in unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub forward_until_ms: i64,
    pub cleanup_until_ms: i64,
}

impl Deadlines {
    /// For a command begun at `now` (unix seconds).
    pub fn new(now: i64, budget: &CommandBudget) -> Deadlines {
        let started_ms = now.saturating_mul(1000);
        let forward_until_ms = started_ms.saturating_add(budget.forward_ms.max(0));
        Deadlines { forward_until_ms, cleanup_until_ms: forward_until_ms.saturating_add(budget.undo_ms.max(0)) }
    }

    /// Whether a step of `class` may start at `now_ms`.
    pub fn allows(&self, class: StepClass, now_ms: i64) -> bool {
        match class {
            StepClass::Forward => now_ms < self.forward_until_ms,
            StepClass::Cleanup => now_ms < self.cleanup_until_ms,
        }
    }
}

/// The command a journal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournaledCommand {
    Create,
    Change,
    Release,
    Expire,
    Confirm,
    /// A refund request sent upstream (found again by order and tickets if
    /// its answer was lost).
    Refund,
    /// Applying or removing a promo code (undone from the record: the order
    /// gets the record's code back).
    Promocode,
}

/// A command that began upstream and has not finished: persisted in the hold
/// record (one storage key, so record and journal change together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandJournal {
    pub command: JournaledCommand,
    /// Unix seconds when the command began.
    pub started_at: i64,
    /// Unix seconds when the alarm resumes the command if it has not finished.
    pub resume_at: i64,
    /// How many times the command has been resumed already.
    #[serde(default)]
    pub attempts: u32,
    /// The requests sent whose answers are not in: each is written here
    /// before it goes out, and leaves when its result is recorded.
    #[serde(default)]
    pub in_flight: Vec<StepIntent>,
}

/// One upstream request, as the journal names it. No keys, no buyer data:
/// the action (`add`, `remove`, `pay`, `create order`, `patch order
/// tickets`, …) and our reference for it (an `external_id`, an order id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepIntent {
    pub step: StepId,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl CommandJournal {
    pub fn new(command: JournaledCommand, now: i64, budget: &CommandBudget) -> CommandJournal {
        CommandJournal { command, started_at: now, resume_at: budget.resume_at(now), attempts: 0, in_flight: Vec::new() }
    }

    /// The journal of a command that could not finish this time: the alarm
    /// tries again later, unless it has tried often enough.
    pub fn retry_later(&self, now: i64) -> Option<CommandJournal> {
        let attempts = self.attempts.saturating_add(1);
        (attempts < MOST_RESUME_ATTEMPTS).then(|| CommandJournal {
            command: self.command,
            started_at: self.started_at,
            resume_at: now.saturating_add(RESUME_RETRY_SECONDS),
            attempts,
            in_flight: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_follow_the_budget() {
        let budget = CommandBudget { forward_ms: 20_000, undo_ms: 10_000, step_timeout_ms: 8_000 };
        let deadlines = Deadlines::new(1_000, &budget);
        let cases = [
            (StepClass::Forward, 1_000_000, true),
            (StepClass::Forward, 1_019_999, true),
            (StepClass::Forward, 1_020_000, false),
            (StepClass::Cleanup, 1_020_000, true),
            (StepClass::Cleanup, 1_029_999, true),
            (StepClass::Cleanup, 1_030_000, false),
        ];
        for (class, now_ms, allowed) in cases {
            assert_eq!(deadlines.allows(class, now_ms), allowed, "{class:?} at {now_ms}");
        }
        assert_eq!(budget.resume_at(1_000), 1_000 + 28 + RESUME_MARGIN_SECONDS);
    }

    #[test]
    fn retries_are_bounded() {
        let mut journal = CommandJournal::new(JournaledCommand::Confirm, 100, &CommandBudget::default());
        let mut tries = 0;
        while let Some(next) = journal.retry_later(200) {
            assert_eq!(next.resume_at, 200 + RESUME_RETRY_SECONDS);
            journal = next;
            tries += 1;
        }
        assert_eq!(tries, MOST_RESUME_ATTEMPTS - 1);
    }
}
