//! What the Durable Object persists for one hold (as JSON), and how it is
//! shown to the widget.
//!
//! The record is the whole memory of a hold: what the buyer has, until when,
//! who they are, and the *upstream references* needed to change, release or
//! pay it later (QTickets ticket ids and our `external_id`s, a TicketsCloud
//! order id and its tickets). Upstream references never leave the proxy: the
//! widget sees [`Hold`] (see [`crate::holds::view`]).
//!
//! Fields added later must be `#[serde(default)]` so records written by an
//! older Worker still load.

pub use crate::qtickets::holds::QticketsTicketRef;
pub use crate::ticketscloud::holds::TicketscloudTicketRef;
pub use crate::ticketscloud::refunds::TicketscloudRefundRef;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ticket_contract::{
    AppliedPromocode, Buyer, HoldItem, HoldState, IssuedTicket, ItemDiscount, Money, Organiser, Provider, RefundState,
};

use super::journal::CommandJournal;

/// One hold, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldRecord {
    /// Opaque id (`h_` + 32 hex digits), chosen by the Worker.
    pub hold_id: String,
    pub provider: Provider,
    /// Public event id (`qt:1001`, `tc:5f1a…`), validated by [`crate::ids`].
    pub event_id: String,
    /// Show id in upstream form (QTickets digits; TicketsCloud: the event id).
    pub show_id: String,
    /// The stored state. A `Held` record past `expires_at` is *shown* as
    /// expired before the alarm has turned it into `Expired`.
    pub state: HoldState,
    pub items: Vec<HoldItem>,
    /// Unix seconds. After it the hold is expired; the alarm releases it.
    pub expires_at: i64,
    #[serde(default)]
    pub buyer: Option<Buyer>,
    pub upstream: UpstreamHoldRefs,
    /// Issued once confirmed (or partly, while a confirm is being completed).
    #[serde(default)]
    pub tickets: Vec<IssuedTicket>,
    /// Unix seconds when the buyer's page went away (`navigator.sendBeacon`
    /// on `pagehide`). The places go back [`LEAVE_GRACE_SECONDS`] later
    /// unless the buyer (a reload) or the partner acts on the hold first.
    #[serde(default)]
    pub leaving_since: Option<i64>,
    /// The command under way upstream, if any (see [`super::journal`]): while
    /// it is set, the alarm is at its `resume_at`, and a reset object's alarm
    /// finishes or undoes the command from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<CommandJournal>,
    /// When the alarm looks upstream again for what a paid hold still waits
    /// for: barcodes the provider has not issued yet, the organiser's legal
    /// details, a refund's progress (see [`FollowUp`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
    /// The refund the partner asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<RefundRecord>,
    /// The event organiser's legal details for the tickets, once read
    /// (TicketsCloud: the catalogue's `org.legal_detail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser: Option<Organiser>,
    /// The promo code applied upstream, with the upstream's prices for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promocode: Option<HoldPromocode>,
    /// Unix seconds when the hold ended: paid, released, or (for an expired
    /// hold) its `expires_at`. Written with the record that ends it (see
    /// [`HoldRecord::note_end`]); records from before it was kept count
    /// from `expires_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// How long after its end the record is kept, in seconds (the partner's
    /// `hold_retention_seconds` when the hold was made); absent =
    /// [`DEFAULT_RETENTION_SECONDS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_seconds: Option<i64>,
}

/// How long an ended hold's record is kept when it names no retention of
/// its own: 90 days (the partner directory's default).
pub const DEFAULT_RETENTION_SECONDS: i64 = crate::partners::DEFAULT_HOLD_RETENTION_SECONDS as i64;

/// A paid hold still waits for something upstream; the alarm looks again
/// at `at`, backing off from [`FOLLOW_UP_FIRST_SECONDS`] to
/// [`FOLLOW_UP_LONGEST_SECONDS`], and gives up after [`MOST_FOLLOW_UPS`]
/// looks (a partner's repeated confirm or refund still looks once more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Unix seconds.
    pub at: i64,
    /// Looks already taken.
    #[serde(default)]
    pub attempts: u32,
}

pub const FOLLOW_UP_FIRST_SECONDS: i64 = 5;
pub const FOLLOW_UP_LONGEST_SECONDS: i64 = 600;
/// About a day of looking: 5 s, 10 s, 20 s … then every 10 minutes.
pub const MOST_FOLLOW_UPS: u32 = 150;

impl FollowUp {
    /// The first look, soon after `now`.
    pub fn first(now: i64) -> FollowUp {
        FollowUp { at: now.saturating_add(FOLLOW_UP_FIRST_SECONDS), attempts: 0 }
    }

    /// The look after `previous` (none: the first), or `None` once there
    /// were enough.
    pub fn after(previous: Option<FollowUp>, now: i64) -> Option<FollowUp> {
        let attempts = previous.map_or(0, |previous| previous.attempts.saturating_add(1));
        if attempts >= MOST_FOLLOW_UPS {
            return None;
        }
        let delay = FOLLOW_UP_FIRST_SECONDS.saturating_mul(1_i64 << attempts.min(16)).min(FOLLOW_UP_LONGEST_SECONDS);
        Some(FollowUp { at: now.saturating_add(delay), attempts })
    }
}

/// A refund as the hold keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    pub state: RefundState,
    /// Barcodes of the refunded tickets (what the partner named), as far as
    /// they are issued.
    #[serde(default)]
    pub tickets: Vec<String>,
    /// Unix seconds when the partner asked.
    pub requested_at: i64,
    /// Where the refund lives upstream.
    pub upstream: TicketscloudRefundRef,
}

impl RefundRecord {
    /// Approved or rejected: nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        matches!(self.state, RefundState::Approved | RefundState::Rejected)
    }
}

/// A promo code on a hold: the code, and the discounted prices exactly as
/// the upstream's last answer about the order gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldPromocode {
    /// As the buyer entered it (trimmed).
    pub code: String,
    /// The upstream's prices with the code; `None` when its last answer
    /// about the order could not be read for prices (the hold then shows
    /// list prices and no discount rather than a figure of ours).
    #[serde(default)]
    pub pricing: Option<PromocodePricing>,
}

/// What the upstream charges with a promo code, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromocodePricing {
    /// The total without the code (`total` + `discount`).
    pub total_before_discount: i64,
    /// Off the total (the order's `values.discount`).
    pub discount: i64,
    /// The total to pay (the order's `values.full`).
    pub total: i64,
    /// Off each discounted item, by seat or admission id.
    #[serde(default)]
    pub item_discounts: Vec<(String, i64)>,
}

/// How long a hold whose page went away stays held: long enough for a phone
/// to reload the page and come back to it.
pub const LEAVE_GRACE_SECONDS: i64 = 15;

/// Where the hold lives upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
pub enum UpstreamHoldRefs {
    Qtickets {
        /// One ticket per seat and per admission place the buyer holds.
        tickets: Vec<QticketsTicketRef>,
        /// Tickets that are no longer part of the hold but could not be
        /// removed (upstream down at that moment). They are removed again at
        /// the next change, release or expiry; QTickets also drops them by
        /// itself at their `reserved_to`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        leftovers: Vec<QticketsTicketRef>,
    },
    Ticketscloud {
        order_id: String,
        /// The order's tickets as last read from TicketsCloud.
        tickets: Vec<TicketscloudTicketRef>,
        /// The order's own deadline (`expired_after`), unix seconds, when readable.
        #[serde(default)]
        order_expired_after: Option<i64>,
        /// A change failed half-way and restoring the order failed too: the
        /// order may hold other tickets than `tickets`. A confirm first puts
        /// `tickets` back as the order's desired state.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        contents_uncertain: bool,
    },
}

impl HoldRecord {
    /// When the Durable Object's alarm should fire: when a command under way
    /// is to be resumed; else at expiry while held (or at the end of the grace
    /// after the page went away, if sooner); else at the next follow-up of a
    /// paid hold; never otherwise.
    pub fn alarm_at(&self) -> Option<i64> {
        if let Some(journal) = &self.journal {
            return Some(journal.resume_at);
        }
        let left_until = self.leaving_since.map(|since| since.saturating_add(LEAVE_GRACE_SECONDS));
        if self.state == HoldState::Held {
            return Some(left_until.map_or(self.expires_at, |until| until.min(self.expires_at)));
        }
        self.follow_up.map(|follow_up| follow_up.at)
    }

    /// When the hold ended, as the buyer sees it at `now`: `None` while it
    /// is held; an expired hold ended at its `expires_at` (also before the
    /// alarm has written it down); a paid or released one when that was
    /// written down (`expires_at` for records older than that).
    pub fn ended_at(&self, now: i64) -> Option<i64> {
        match self.visible_state(now) {
            HoldState::Held => None,
            HoldState::Expired => Some(self.expires_at),
            HoldState::Confirmed | HoldState::Released => Some(self.ended_at.unwrap_or(self.expires_at)),
        }
    }

    /// Writes down when the hold ended, once: called with every record a
    /// command finishes with. Returns whether anything changed.
    pub fn note_end(&mut self, now: i64) -> bool {
        if self.ended_at.is_some() {
            return false;
        }
        self.ended_at = match self.state {
            HoldState::Held => None,
            HoldState::Expired => Some(self.expires_at),
            HoldState::Confirmed | HoldState::Released => Some(now),
        };
        self.ended_at.is_some()
    }

    /// Whether a public-key read at `now` still shows the buyer's details
    /// and the tickets: while the hold is held, and for `details_seconds`
    /// after it ended.
    pub fn shows_details(&self, now: i64, details_seconds: i64) -> bool {
        self.ended_at(now).is_none_or(|ended| now < ended.saturating_add(details_seconds.max(0)))
    }

    /// When the record is to be deleted: its retention after the hold
    /// ended. Never while it is held, while a command is under way
    /// (journal) or while a paid hold still waits for something upstream
    /// (follow-up): those finish first, and the deletion comes after.
    pub fn delete_at(&self) -> Option<i64> {
        if self.state == HoldState::Held || self.journal.is_some() || self.follow_up.is_some() {
            return None;
        }
        let ended = self.ended_at.unwrap_or(self.expires_at);
        let ended = if self.state == HoldState::Expired { self.expires_at } else { ended };
        Some(ended.saturating_add(self.retention_seconds.unwrap_or(DEFAULT_RETENTION_SECONDS).max(0)))
    }

    /// Whether the record is due for deletion at `now`.
    pub fn is_due_for_deletion(&self, now: i64) -> bool {
        self.delete_at().is_some_and(|at| now >= at)
    }

    /// When the object's alarm should fire: [`HoldRecord::alarm_at`] while
    /// the hold has something to do, else when the record is to be deleted.
    pub fn wake_at(&self) -> Option<i64> {
        self.alarm_at().or_else(|| self.delete_at())
    }

    /// Whether the page went away long enough ago that the places go back.
    pub fn is_leave_due(&self, now: i64) -> bool {
        self.leaving_since.is_some_and(|since| now >= since.saturating_add(LEAVE_GRACE_SECONDS))
    }

    /// Someone acted on the hold (the buyer's reloaded page, the partner's
    /// server): it is not being left. Returns whether anything changed.
    pub fn mark_present(&mut self) -> bool {
        self.leaving_since.take().is_some()
    }

    /// Whether a held record's time is up at `now`.
    pub fn is_past_expiry(&self, now: i64) -> bool {
        now >= self.expires_at
    }

    /// The state the buyer should see at `now`.
    pub fn visible_state(&self, now: i64) -> HoldState {
        if self.state == HoldState::Held && self.is_past_expiry(now) {
            HoldState::Expired
        } else {
            self.state
        }
    }

    /// The places this hold keeps off sale upstream: its items while held or
    /// confirmed (sold), none once released or expired. What a show's viewers
    /// see change when a hold changes is the difference of this before and
    /// after.
    pub fn places_held(&self) -> &[HoldItem] {
        match self.state {
            HoldState::Held | HoldState::Confirmed => &self.items,
            HoldState::Released | HoldState::Expired => &[],
        }
    }

    /// What the buyer pays: the upstream's discounted total when a promo
    /// code is applied and priced, else [`HoldRecord::total`].
    pub fn total_due(&self) -> Money {
        match self.promocode.as_ref().and_then(|promocode| promocode.pricing.as_ref()) {
            Some(pricing) => Money::rub_minor(pricing.total),
            None => self.total(),
        }
    }

    /// The applied promo code as the widget sees it.
    pub fn applied_promocode(&self) -> Option<AppliedPromocode> {
        let promocode = self.promocode.as_ref()?;
        let list_total = self.total();
        let (total_before_discount, discount, items) = match &promocode.pricing {
            Some(pricing) => (
                Money::rub_minor(pricing.total_before_discount),
                Money::rub_minor(pricing.discount),
                pricing
                    .item_discounts
                    .iter()
                    .map(|(item_id, discount)| ItemDiscount { item_id: item_id.clone(), discount: Money::rub_minor(*discount) })
                    .collect(),
            ),
            None => (list_total, Money::rub_minor(0), Vec::new()),
        };
        Some(AppliedPromocode { code: promocode.code.clone(), total_before_discount, discount, items })
    }

    /// The sum of all items at list prices, in minor units.
    pub fn total(&self) -> Money {
        let minor = self.items.iter().fold(0i64, |sum, item| sum.saturating_add(item_total_minor(item)));
        Money::rub_minor(minor)
    }
}

/// The seat id or admission id of an item.
pub fn item_id(item: &HoldItem) -> &str {
    match item {
        HoldItem::Seat { seat_id, .. } => seat_id,
        HoldItem::Admission { admission_id, .. } => admission_id,
    }
}

/// How many places an item stands for.
pub fn item_places(item: &HoldItem) -> u32 {
    match item {
        HoldItem::Seat { .. } => 1,
        HoldItem::Admission { quantity, .. } => *quantity,
    }
}

fn item_total_minor(item: &HoldItem) -> i64 {
    match item {
        HoldItem::Seat { price, .. } => price.minor,
        HoldItem::Admission { quantity, unit_price, .. } => unit_price.minor.saturating_mul(i64::from(*quantity)),
    }
}

/// The ticket a buyer gets for `item`, with `barcode`.
pub fn issued_ticket(item: &HoldItem, barcode: String) -> IssuedTicket {
    match item {
        HoldItem::Seat { seat_id, zone_name, row, place, .. } => IssuedTicket {
            item_id: seat_id.clone(),
            zone_name: zone_name.clone(),
            row: Some(row.clone()),
            place: Some(place.clone()),
            barcode,
            ..IssuedTicket::default()
        },
        HoldItem::Admission { admission_id, zone_name, .. } => {
            IssuedTicket { item_id: admission_id.clone(), zone_name: zone_name.clone(), barcode, ..IssuedTicket::default() }
        }
    }
}

/// Unix seconds as RFC 3339 in UTC (`2026-11-23T13:53:32Z`). Out-of-range
/// values clamp to the epoch rather than panic.
pub fn rfc3339_utc(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}
