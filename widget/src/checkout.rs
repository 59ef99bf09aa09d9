//! The life of a hold as the buyer sees it: which checkout screen is shown,
//! what happens on every answer from the proxy, and how a reloaded page picks
//! its hold up again.
//!
//! Screens: choosing on the map → details (cart, countdown, buyer form) →
//! payment (the pay button) → awaiting payment (the partner's step is running;
//! the widget polls) → tickets. Every proxy answer that carries a hold goes
//! through [`CheckoutStage::on_hold`], so a hold that expired, was released in
//! another tab or got confirmed lands on the same screen whichever request
//! noticed it. Time is an argument (`now_ms`); nothing here touches the
//! browser, so every transition is tested natively.
//!
//! `payment_running` is the one fact the stage alone does not carry: the
//! partner's payment step (the page's `onpay` promise) has not answered yet,
//! although the buyer may have gone back to the pay button meanwhile. While it
//! runs, the places are never given back by the widget.

use std::collections::BTreeMap;

use ticket_contract::{CreateHold, Hold, HoldItem, HoldState};

use crate::countdown::unix_millis;

/// Used when `expires_at` cannot be read: the proxy's hold length is not known
/// to the widget, so it assumes a short one rather than none.
const FALLBACK_HOLD_MS: i64 = 10 * 60 * 1_000;

/// A hold the buyer is working on, and when the widget gives it up.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveHold {
    pub hold: Hold,
    /// When the countdown reaches zero (Unix ms): the hold's `expires_at`, or
    /// an earlier deadline inherited from the hold this one replaced.
    pub deadline_ms: i64,
}

impl ActiveHold {
    pub fn new(hold: Hold, inherited_deadline_ms: Option<i64>, now_ms: i64) -> ActiveHold {
        let expires = unix_millis(&hold.expires_at).unwrap_or(now_ms + FALLBACK_HOLD_MS);
        let deadline_ms = inherited_deadline_ms.map_or(expires, |inherited| inherited.min(expires));
        ActiveHold { hold, deadline_ms }
    }
}

/// Which checkout screen the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckoutStage {
    /// No hold: the buyer is choosing on the map.
    Choosing,
    /// Held: the cart, the countdown and the buyer form.
    Details(ActiveHold),
    /// Held, buyer details accepted: the pay button.
    Payment(ActiveHold),
    /// Handed to the partner's payment step; polling until it is decided.
    AwaitingPayment(ActiveHold),
    /// Paid: the tickets.
    Tickets(Hold),
}

/// Something the buyer should be told, shown until the next hold action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldNotice {
    /// The countdown ran out; the places are back on sale.
    Expired,
    /// The hold ended elsewhere (released from another tab, or gone).
    Ended,
    /// The partner's payment step reported that it did not go through.
    PaymentNotCompleted,
    /// Anything else, by stable error code.
    Failed(String),
}

/// The outcome of a transition: the next stage and what to tell the buyer.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub stage: CheckoutStage,
    pub notice: Option<HoldNotice>,
}

/// Failed polls in a row before the buyer is told why the wait goes on.
pub const FAILURES_BEFORE_NOTICE: u32 = 2;

impl Step {
    fn to(stage: CheckoutStage) -> Step {
        Step { stage, notice: None }
    }

    fn with(stage: CheckoutStage, notice: HoldNotice) -> Step {
        Step { stage, notice: Some(notice) }
    }

    /// A poll of the awaiting screen failed with `code`, the `failures`-th in
    /// a row: from [`FAILURES_BEFORE_NOTICE`] on, the buyer reads why (the
    /// translated code: offline, rate-limited, key revoked…). `None` when
    /// nothing changes: too early, not waiting, or that is already shown (a
    /// notice written again would be announced again). The next answer clears it.
    pub fn after_failed_poll(&self, code: &str, failures: u32) -> Option<Step> {
        let waiting = matches!(self.stage, CheckoutStage::AwaitingPayment(_));
        let shown = matches!(&self.notice, Some(HoldNotice::Failed(shown)) if shown == code);
        (waiting && failures >= FAILURES_BEFORE_NOTICE && !shown)
            .then(|| Step::with(self.stage.clone(), HoldNotice::Failed(code.to_owned())))
    }
}

impl CheckoutStage {
    /// The hold on screen, if any.
    pub fn hold(&self) -> Option<&Hold> {
        match self {
            CheckoutStage::Choosing => None,
            CheckoutStage::Details(active) | CheckoutStage::Payment(active) | CheckoutStage::AwaitingPayment(active) => {
                Some(&active.hold)
            }
            CheckoutStage::Tickets(hold) => Some(hold),
        }
    }

    pub fn active(&self) -> Option<&ActiveHold> {
        match self {
            CheckoutStage::Details(active) | CheckoutStage::Payment(active) | CheckoutStage::AwaitingPayment(active) => {
                Some(active)
            }
            _ => None,
        }
    }

    /// The hold the buyer may give back now (the cancel button) and that is
    /// given back if they leave: held and payment not started. Never while a
    /// payment runs (`payment_running`, or the awaiting screen): the buyer
    /// could lose places they are paying for, and leaving is expected then.
    pub fn releasable_hold_id(&self, payment_running: bool) -> Option<&str> {
        match self {
            CheckoutStage::Details(active) | CheckoutStage::Payment(active) if !payment_running => Some(&active.hold.id),
            _ => None,
        }
    }

    pub fn is_choosing(&self) -> bool {
        matches!(self, CheckoutStage::Choosing)
    }

    /// A fresh copy of the hold arrived (create, change, poll, resume).
    pub fn on_hold(&self, hold: Hold, now_ms: i64) -> Step {
        let inherited = self.active().map(|active| active.deadline_ms);
        match hold.state {
            // Paid longer ago than the partner shows details: nothing to show here.
            HoldState::Confirmed if hold.details_withheld => Step::with(CheckoutStage::Choosing, HoldNotice::Ended),
            HoldState::Confirmed if !hold.tickets.is_empty() && !hold.tickets_pending => Step::to(CheckoutStage::Tickets(hold)),
            // Paid, tickets not (all) issued yet: "tickets are being issued",
            // and keep polling until they are.
            HoldState::Confirmed => Step::to(CheckoutStage::AwaitingPayment(ActiveHold::new(hold, inherited, now_ms))),
            HoldState::Expired => Step::with(CheckoutStage::Choosing, HoldNotice::Expired),
            HoldState::Released => Step::with(CheckoutStage::Choosing, HoldNotice::Ended),
            HoldState::Held => {
                let active = ActiveHold::new(hold, inherited, now_ms);
                Step::to(match self {
                    CheckoutStage::Payment(_) => CheckoutStage::Payment(active),
                    CheckoutStage::AwaitingPayment(_) => CheckoutStage::AwaitingPayment(active),
                    _ => CheckoutStage::Details(active),
                })
            }
        }
    }

    /// The buyer's details were accepted: on to the pay button.
    pub fn buyer_saved(&self, hold: Hold, now_ms: i64) -> Step {
        let step = self.on_hold(hold, now_ms);
        match step.stage {
            CheckoutStage::Details(active) => Step::to(CheckoutStage::Payment(active)),
            _ => step,
        }
    }

    /// "Edit" on the payment screen.
    pub fn edit_details(&self) -> Step {
        match self {
            CheckoutStage::Payment(active) => Step::to(CheckoutStage::Details(active.clone())),
            other => Step::to(other.clone()),
        }
    }

    /// The pay button was pressed and the hand-off began.
    pub fn payment_started(&self) -> Step {
        match self {
            CheckoutStage::Payment(active) => Step::to(CheckoutStage::AwaitingPayment(active.clone())),
            other => Step::to(other.clone()),
        }
    }

    /// The partner's payment step said it is done (its promise resolved): wait
    /// for the proxy's confirmation, even if the buyer had gone back to the
    /// pay button or the form meanwhile.
    pub fn payment_reported_done(&self) -> Step {
        match self {
            CheckoutStage::Details(active) | CheckoutStage::Payment(active) => {
                Step::to(CheckoutStage::AwaitingPayment(active.clone()))
            }
            other => Step::to(other.clone()),
        }
    }

    /// The partner's payment step said no (or the buyer went back).
    pub fn payment_not_completed(&self) -> Step {
        match self {
            CheckoutStage::AwaitingPayment(active) => {
                Step::with(CheckoutStage::Payment(active.clone()), HoldNotice::PaymentNotCompleted)
            }
            other => Step::to(other.clone()),
        }
    }

    /// The countdown reached zero. Before payment the widget drops the hold;
    /// while the partner's payment runs (also when the buyer went back to the
    /// pay button meanwhile) it waits for the proxy's verdict.
    pub fn timer_ran_out(&self, payment_running: bool) -> Step {
        match self {
            CheckoutStage::Details(active) | CheckoutStage::Payment(active) if payment_running => {
                Step::to(CheckoutStage::AwaitingPayment(active.clone()))
            }
            CheckoutStage::Details(_) | CheckoutStage::Payment(_) => Step::with(CheckoutStage::Choosing, HoldNotice::Expired),
            other => Step::to(other.clone()),
        }
    }

    /// The buyer cancelled and the proxy released the hold; or the buyer is
    /// done with the tickets.
    pub fn closed(&self) -> Step {
        Step::to(CheckoutStage::Choosing)
    }

    /// A hold request failed with `code`. `None` means the hold's state is in
    /// doubt (`hold_not_active`): fetch it and apply [`Self::on_hold`].
    pub fn failed(&self, code: &str) -> Option<Step> {
        match code {
            "hold_not_active" => None,
            "hold_expired" => Some(Step::with(CheckoutStage::Choosing, HoldNotice::Expired)),
            "hold_not_found" => Some(Step::with(CheckoutStage::Choosing, HoldNotice::Ended)),
            _ => Some(Step::with(self.clone(), HoldNotice::Failed(code.to_owned()))),
        }
    }
}

/// What the widget keeps in `sessionStorage` about its hold, as one short
/// line (`h_… 1805040600000 paying left`; no JSON codec needed for four fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHold {
    pub id: String,
    /// The countdown's end (Unix ms), carried over if the hold is retaken.
    pub deadline_ms: i64,
    /// The partner's payment step was started: leaving the page is expected
    /// (a redirect) and the hold must not be released.
    pub paying: bool,
    /// The page or the widget went away while the hold was held, so the
    /// widget released it; coming back before the deadline takes the same
    /// places again.
    pub left: bool,
}

impl StoredHold {
    pub fn for_stage(stage: &CheckoutStage) -> Option<StoredHold> {
        let hold = stage.hold()?;
        Some(StoredHold {
            id: hold.id.clone(),
            deadline_ms: stage.active().map_or(0, |active| active.deadline_ms),
            paying: matches!(stage, CheckoutStage::AwaitingPayment(_) | CheckoutStage::Tickets(_)),
            left: false,
        })
    }

    pub fn to_text(&self) -> String {
        let mut text = format!("{} {}", self.id, self.deadline_ms);
        if self.paying {
            text.push_str(" paying");
        }
        if self.left {
            text.push_str(" left");
        }
        text
    }

    /// `None` for anything [`Self::to_text`] did not write.
    pub fn from_text(text: &str) -> Option<StoredHold> {
        let mut words = text.split(' ');
        let id = words.next().filter(|id| id.starts_with("h_"))?.to_owned();
        let deadline_ms = words.next()?.parse().ok()?;
        let mut stored = StoredHold { id, deadline_ms, paying: false, left: false };
        for word in words {
            match word {
                "paying" => stored.paying = true,
                "left" => stored.left = true,
                _ => return None,
            }
        }
        Some(stored)
    }
}

/// What to do with a stored hold when the widget mounts.
#[derive(Debug, Clone, PartialEq)]
pub enum Resume {
    /// Show this (a checkout screen, or the map with a notice); boxed, as a
    /// step holding a hold is much larger than a retake.
    Show(Box<Step>),
    /// The page went away and the proxy let the hold go (its grace after the
    /// beacon ran out): take the same places again, keeping the old deadline.
    Retake { request: CreateHold, deadline_ms: i64 },
}

/// Time a retaken hold must have left to be worth taking again.
const RETAKE_MIN_MS: i64 = 15_000;

/// Decides what a mounting widget does with `hold`, fetched for `stored`.
pub fn resume(stored: &StoredHold, hold: Hold, now_ms: i64) -> Resume {
    let time_left = stored.deadline_ms - now_ms >= RETAKE_MIN_MS;
    match hold.state {
        // Still held after the page went away: the proxy keeps a hold through
        // a grace after the beacon, and reading it (this lookup) keeps it.
        HoldState::Released if stored.left && !stored.paying => {
            if time_left {
                Resume::Retake { request: request_for_items(&hold), deadline_ms: stored.deadline_ms }
            } else {
                Resume::Show(Box::new(Step::with(CheckoutStage::Choosing, HoldNotice::Expired)))
            }
        }
        HoldState::Held => {
            let active = ActiveHold::new(hold, Some(stored.deadline_ms).filter(|&deadline| deadline > 0), now_ms);
            let stage = if stored.paying {
                CheckoutStage::AwaitingPayment(active)
            } else if active.hold.buyer.is_some() {
                CheckoutStage::Payment(active)
            } else {
                CheckoutStage::Details(active)
            };
            Resume::Show(Box::new(Step::to(stage)))
        }
        _ => Resume::Show(Box::new(CheckoutStage::Choosing.on_hold(hold, now_ms))),
    }
}

/// Whether a stored hold is kept for the next mount after looking it up
/// failed with `code`: yes when the answer says nothing about the hold (no
/// connection, or rate-limited), no when the proxy refused it for good.
pub fn keep_stored_hold_after(code: &str) -> bool {
    matches!(code, "network" | "rate_limited")
}

/// A request for the same places as `hold` (to take them again).
pub fn request_for_items(hold: &Hold) -> CreateHold {
    let mut seats = Vec::new();
    let mut admission = BTreeMap::new();
    for item in &hold.items {
        match item {
            HoldItem::Seat { seat_id, .. } => seats.push(seat_id.clone()),
            HoldItem::Admission { admission_id, quantity, .. } => {
                *admission.entry(admission_id.clone()).or_insert(0) += *quantity;
            }
        }
    }
    CreateHold { event: hold.event_id.clone(), show: hold.show_id.clone(), seats, admission, best: None }
}

/// How long to wait before the next poll of a hold whose payment is running:
/// every 2 s while the proxy answers, backing off to 30 s while it does not.
pub fn poll_delay_ms(consecutive_failures: u32) -> u32 {
    (2_000u32 << consecutive_failures.min(4)).min(30_000)
}

/// When the next poll of a hold may go out: [`poll_delay_ms`] after the last
/// one, and never before the time a `429`'s `Retry-After` named (asking
/// sooner only spends the partner's budget again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollSchedule {
    /// Failed polls in a row.
    pub failures: u32,
    /// No poll before this (Unix ms).
    not_before_ms: i64,
}

impl PollSchedule {
    /// The proxy answered.
    pub fn answered(&mut self) {
        self.failures = 0;
    }

    /// A poll failed at `now_ms`; `retry_after_seconds` from a `429`.
    pub fn failed(&mut self, retry_after_seconds: Option<u32>, now_ms: i64) {
        self.failures = self.failures.saturating_add(1);
        if let Some(seconds) = retry_after_seconds {
            self.not_before_ms = self.not_before_ms.max(now_ms + i64::from(seconds) * 1_000);
        }
    }

    /// How long an extra poll (the partner's step just said it is done) must
    /// wait; zero when it may go out now.
    pub fn wait_ms(&self, now_ms: i64) -> u32 {
        (self.not_before_ms - now_ms).clamp(0, i64::from(u32::MAX)) as u32
    }

    /// How long the polling loop sleeps before its next poll.
    pub fn delay_ms(&self, now_ms: i64) -> u32 {
        poll_delay_ms(self.failures).max(self.wait_ms(now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{Buyer, IssuedTicket, Money};

    /// What a step shows: the stage's name and the notice.
    type Shown = Option<(String, Option<HoldNotice>)>;
    type Action = fn(&CheckoutStage) -> Step;

    const NOW: i64 = 1_805_040_000_000; // 2027-03-14T16:00:00Z
    const EXPIRES: &str = "2027-03-14T16:10:00Z";
    const EXPIRES_MS: i64 = NOW + 600_000;

    fn hold(state: HoldState) -> Hold {
        Hold {
            id: "h_0123456789abcdef0123456789abcdef".into(),
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            state,
            items: vec![
                HoldItem::Seat {
                    seat_id: "s1".into(),
                    zone_name: "Партер".into(),
                    row: "1".into(),
                    place: "5".into(),
                    price: Money::rub_minor(150_000),
                },
                HoldItem::Admission {
                    admission_id: "ga".into(),
                    zone_name: "Танцпол".into(),
                    quantity: 2,
                    unit_price: Money::rub_minor(100_000),
                },
            ],
            total: Money::rub_minor(350_000),
            expires_at: EXPIRES.into(),
            buyer: None,
            tickets: vec![],
            tickets_pending: false,
            refund: None,
            promocode: None,
            details_withheld: false,
        }
    }

    fn confirmed() -> Hold {
        let mut hold = hold(HoldState::Confirmed);
        hold.tickets = vec![IssuedTicket {
            item_id: "s1".into(),
            zone_name: "Партер".into(),
            row: Some("1".into()),
            place: Some("5".into()),
            barcode: "4600000000017".into(),
            ..IssuedTicket::default()
        }];
        hold
    }

    fn active(deadline_ms: i64) -> ActiveHold {
        ActiveHold { hold: hold(HoldState::Held), deadline_ms }
    }

    fn details() -> CheckoutStage {
        CheckoutStage::Details(active(EXPIRES_MS))
    }
    fn payment() -> CheckoutStage {
        CheckoutStage::Payment(active(EXPIRES_MS))
    }
    fn awaiting() -> CheckoutStage {
        CheckoutStage::AwaitingPayment(active(EXPIRES_MS))
    }

    /// Stage names, so tables stay readable.
    fn name(stage: &CheckoutStage) -> &'static str {
        match stage {
            CheckoutStage::Choosing => "choosing",
            CheckoutStage::Details(_) => "details",
            CheckoutStage::Payment(_) => "payment",
            CheckoutStage::AwaitingPayment(_) => "awaiting",
            CheckoutStage::Tickets(_) => "tickets",
        }
    }

    #[test]
    fn every_fresh_hold_lands_on_the_screen_its_state_demands() {
        let mut unissued = confirmed();
        unissued.tickets.clear();
        unissued.tickets_pending = true;
        let mut partly_issued = confirmed();
        partly_issued.tickets_pending = true;
        // Paid, but read after the partner's details window: no tickets to show.
        let mut withheld = hold(HoldState::Confirmed);
        withheld.details_withheld = true;
        let cases: Vec<(CheckoutStage, Hold, &str, Option<HoldNotice>)> = vec![
            (CheckoutStage::Choosing, hold(HoldState::Held), "details", None),
            (details(), hold(HoldState::Held), "details", None),
            (payment(), hold(HoldState::Held), "payment", None),
            (awaiting(), hold(HoldState::Held), "awaiting", None),
            (awaiting(), confirmed(), "tickets", None),
            (details(), confirmed(), "tickets", None),
            (awaiting(), unissued.clone(), "awaiting", None),
            (details(), unissued, "awaiting", None),
            (awaiting(), partly_issued, "awaiting", None),
            (details(), hold(HoldState::Expired), "choosing", Some(HoldNotice::Expired)),
            (awaiting(), hold(HoldState::Expired), "choosing", Some(HoldNotice::Expired)),
            (payment(), hold(HoldState::Released), "choosing", Some(HoldNotice::Ended)),
            (awaiting(), withheld.clone(), "choosing", Some(HoldNotice::Ended)),
            (CheckoutStage::Choosing, withheld, "choosing", Some(HoldNotice::Ended)),
        ];
        for (from, fresh, expected, notice) in cases {
            let step = from.on_hold(fresh, NOW);
            assert_eq!(name(&step.stage), expected, "from {}", name(&from));
            assert_eq!(step.notice, notice, "from {}", name(&from));
        }
    }

    #[test]
    fn walks_the_happy_path() {
        let mut stage = CheckoutStage::Choosing.on_hold(hold(HoldState::Held), NOW).stage;
        assert_eq!(stage, details());
        let mut with_buyer = hold(HoldState::Held);
        with_buyer.buyer = Some(Buyer { name: "Анна".into(), email: "a@example.ru".into(), phone: "+79161234567".into() });
        stage = stage.buyer_saved(with_buyer.clone(), NOW).stage;
        assert_eq!(name(&stage), "payment");
        assert_eq!(stage.hold(), Some(&with_buyer));
        assert_eq!(name(&stage.edit_details().stage), "details");
        stage = stage.payment_started().stage;
        assert_eq!(name(&stage), "awaiting");
        assert_eq!(stage.releasable_hold_id(false), None, "a running payment is never released");
        stage = stage.on_hold(confirmed(), NOW).stage;
        assert_eq!(stage, CheckoutStage::Tickets(confirmed()));
        assert_eq!(stage.closed().stage, CheckoutStage::Choosing);
    }

    #[test]
    fn ignores_actions_that_do_not_apply_to_the_screen() {
        let cases: Vec<(CheckoutStage, Action, &str)> = vec![
            (details(), CheckoutStage::payment_started, "details"),
            (details(), CheckoutStage::payment_not_completed, "details"),
            (awaiting(), CheckoutStage::edit_details, "awaiting"),
            (CheckoutStage::Tickets(confirmed()), |stage| stage.timer_ran_out(false), "tickets"),
            (CheckoutStage::Tickets(confirmed()), CheckoutStage::payment_reported_done, "tickets"),
            (CheckoutStage::Choosing, CheckoutStage::payment_reported_done, "choosing"),
            (CheckoutStage::Choosing, CheckoutStage::payment_started, "choosing"),
        ];
        for (from, action, expected) in cases {
            assert_eq!(name(&action(&from).stage), expected, "from {}", name(&from));
        }
    }

    #[test]
    fn a_failed_payment_goes_back_to_the_pay_button_with_a_message() {
        let step = awaiting().payment_not_completed();
        assert_eq!(step.stage, payment());
        assert_eq!(step.notice, Some(HoldNotice::PaymentNotCompleted));
    }

    #[test]
    fn the_timer_drops_an_unpaid_hold_but_waits_for_a_running_payment() {
        let cases: &[(CheckoutStage, bool, &str, Option<HoldNotice>)] = &[
            (details(), false, "choosing", Some(HoldNotice::Expired)),
            (payment(), false, "choosing", Some(HoldNotice::Expired)),
            (awaiting(), false, "awaiting", None),
            (awaiting(), true, "awaiting", None),
            // Back at the pay button while the partner's step still runs: the
            // places are not dropped; the proxy's verdict is awaited instead.
            (payment(), true, "awaiting", None),
            (details(), true, "awaiting", None),
        ];
        for (from, payment_running, expected, notice) in cases {
            let step = from.timer_ran_out(*payment_running);
            assert_eq!(name(&step.stage), *expected, "from {} running {payment_running}", name(from));
            assert_eq!(&step.notice, notice);
        }
    }

    #[test]
    fn a_payment_reported_done_waits_for_the_proxys_confirmation() {
        for from in [details(), payment(), awaiting()] {
            let step = from.payment_reported_done();
            assert_eq!(step, Step::to(awaiting()), "from {}", name(&from));
        }
    }

    #[test]
    fn tells_why_polls_keep_failing_once() {
        let waiting = Step::to(awaiting());
        let told = |code: &str| Some(Step::with(awaiting(), HoldNotice::Failed(code.to_owned())));
        let cases: Vec<(Step, &str, u32, Option<Step>)> = vec![
            (waiting.clone(), "network", 1, None),
            (waiting.clone(), "network", 2, told("network")),
            (waiting.clone(), "rate_limited", 3, told("rate_limited")),
            (waiting.clone(), "partner_key_revoked", 2, told("partner_key_revoked")),
            // Already on screen: not written (and announced) again.
            (told("rate_limited").unwrap(), "rate_limited", 4, None),
            // A different reason replaces the shown one.
            (told("network").unwrap(), "rate_limited", 4, told("rate_limited")),
            // Only the awaiting screen polls.
            (Step::to(payment()), "network", 5, None),
            (Step::to(CheckoutStage::Choosing), "network", 5, None),
        ];
        for (from, code, failures, expected) in cases {
            assert_eq!(from.after_failed_poll(code, failures), expected, "{} {code} {failures}", name(&from.stage));
        }
        // The next answer clears the notice.
        let shown = told("network").unwrap();
        assert_eq!(shown.stage.on_hold(hold(HoldState::Held), NOW).notice, None);
    }

    #[test]
    fn translates_hold_errors_into_screens() {
        let shown = |stage: &str, notice: HoldNotice| Some((stage.to_owned(), Some(notice)));
        let cases: Vec<(&str, Shown)> = vec![
            ("hold_expired", shown("choosing", HoldNotice::Expired)),
            ("hold_not_found", shown("choosing", HoldNotice::Ended)),
            ("hold_not_active", None),
            ("network", shown("payment", HoldNotice::Failed("network".into()))),
            ("upstream_busy", shown("payment", HoldNotice::Failed("upstream_busy".into()))),
        ];
        for (code, expected) in cases {
            let actual = payment().failed(code).map(|step| (name(&step.stage).to_owned(), step.notice));
            assert_eq!(actual, expected, "{code}");
        }
    }

    #[test]
    fn keeps_the_earlier_deadline() {
        let earlier = EXPIRES_MS - 120_000;
        assert_eq!(ActiveHold::new(hold(HoldState::Held), None, NOW).deadline_ms, EXPIRES_MS);
        assert_eq!(ActiveHold::new(hold(HoldState::Held), Some(earlier), NOW).deadline_ms, earlier);
        assert_eq!(ActiveHold::new(hold(HoldState::Held), Some(EXPIRES_MS + 1), NOW).deadline_ms, EXPIRES_MS);
        let step = CheckoutStage::Details(active(earlier)).on_hold(hold(HoldState::Held), NOW);
        assert_eq!(step.stage.active().unwrap().deadline_ms, earlier, "a change does not extend the countdown");
        let mut unreadable = hold(HoldState::Held);
        unreadable.expires_at = "later".into();
        assert_eq!(ActiveHold::new(unreadable, None, NOW).deadline_ms, NOW + FALLBACK_HOLD_MS);
    }

    #[test]
    fn only_unpaid_holds_are_released_when_the_buyer_cancels_or_leaves() {
        let id = Some("h_0123456789abcdef0123456789abcdef");
        let cases: Vec<(CheckoutStage, bool, Option<&str>)> = vec![
            (details(), false, id),
            (payment(), false, id),
            // The partner's payment step has not answered (the buyer went
            // back to the pay button): no cancel, no release on leaving.
            (payment(), true, None),
            (details(), true, None),
            (awaiting(), false, None),
            (awaiting(), true, None),
            (CheckoutStage::Choosing, false, None),
            (CheckoutStage::Tickets(confirmed()), false, None),
        ];
        for (stage, payment_running, expected) in cases {
            assert_eq!(stage.releasable_hold_id(payment_running), expected, "{} running {payment_running}", name(&stage));
        }
    }

    #[test]
    fn stores_what_a_reload_needs() {
        let stored = StoredHold::for_stage(&payment()).unwrap();
        assert_eq!(
            stored,
            StoredHold { id: "h_0123456789abcdef0123456789abcdef".into(), deadline_ms: EXPIRES_MS, paying: false, left: false }
        );
        assert!(StoredHold::for_stage(&awaiting()).unwrap().paying);
        assert_eq!(StoredHold::for_stage(&CheckoutStage::Choosing), None);
        assert_eq!(stored.to_text(), format!("h_0123456789abcdef0123456789abcdef {EXPIRES_MS}"));
        assert_eq!(StoredHold::from_text(&stored.to_text()), Some(stored));
        let cases: &[(&str, Option<StoredHold>)] = &[
            ("h_1 5", Some(StoredHold { id: "h_1".into(), deadline_ms: 5, paying: false, left: false })),
            ("h_1 5 paying left", Some(StoredHold { id: "h_1".into(), deadline_ms: 5, paying: true, left: true })),
            ("h_1 5 left", Some(StoredHold { id: "h_1".into(), deadline_ms: 5, paying: false, left: true })),
            ("h_1", None),
            ("h_1 soon", None),
            ("h_1 5 maybe", None),
            ("x_1 5", None),
            (r#"{"id":"h_1"}"#, None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(&StoredHold::from_text(text), expected, "{text:?}");
        }
    }

    #[test]
    fn resumes_a_stored_hold() {
        let stored = |paying: bool, left: bool, deadline_ms: i64| StoredHold {
            id: "h_0123456789abcdef0123456789abcdef".into(),
            deadline_ms,
            paying,
            left,
        };
        let mut with_buyer = hold(HoldState::Held);
        with_buyer.buyer = Some(Buyer { name: "A".into(), email: "a@b.ru".into(), phone: "+79161234567".into() });
        let show = |stage: &str, notice: Option<HoldNotice>| Some((stage.to_owned(), notice));
        let cases: Vec<(StoredHold, Hold, Shown)> = vec![
            // A reload while held: the same screen, the same countdown.
            (stored(false, false, EXPIRES_MS), hold(HoldState::Held), show("details", None)),
            (stored(false, false, EXPIRES_MS), with_buyer, show("payment", None)),
            // Back from the partner's payment page.
            (stored(true, false, EXPIRES_MS), hold(HoldState::Held), show("awaiting", None)),
            (stored(true, false, EXPIRES_MS), confirmed(), show("tickets", None)),
            (stored(true, true, EXPIRES_MS), confirmed(), show("tickets", None)),
            (stored(false, false, EXPIRES_MS), hold(HoldState::Expired), show("choosing", Some(HoldNotice::Expired))),
            (stored(false, false, EXPIRES_MS), hold(HoldState::Released), show("choosing", Some(HoldNotice::Ended))),
            // Released when the page went away, but too late to take again.
            (stored(false, true, NOW + 5_000), hold(HoldState::Released), show("choosing", Some(HoldNotice::Expired))),
            // Released when the page went away: retaken (see below).
            (stored(false, true, EXPIRES_MS), hold(HoldState::Released), None),
            // Still held after the page went away (the proxy's grace): go on with it.
            (stored(false, true, EXPIRES_MS), hold(HoldState::Held), show("details", None)),
        ];
        for (stored, hold, expected) in cases {
            let state = hold.state;
            let actual = match resume(&stored, hold, NOW) {
                Resume::Show(step) => Some((name(&step.stage).to_owned(), step.notice)),
                Resume::Retake { .. } => None,
            };
            assert_eq!(actual, expected, "{stored:?} {state:?}");
        }

        let earlier = EXPIRES_MS - 60_000;
        match resume(&stored(false, false, earlier), hold(HoldState::Held), NOW) {
            Resume::Show(step) => assert_eq!(step.stage.active().unwrap().deadline_ms, earlier),
            other => panic!("{other:?}"),
        }
        match resume(&stored(false, true, earlier), hold(HoldState::Released), NOW) {
            Resume::Retake { request, deadline_ms } => {
                assert_eq!(deadline_ms, earlier);
                assert_eq!(request, request_for_items(&hold(HoldState::Released)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keeps_a_stored_hold_when_the_lookup_says_nothing_about_it() {
        let cases: &[(&str, bool)] = &[
            ("network", true),
            ("rate_limited", true),
            ("hold_not_found", false),
            ("invalid_id", false),
            ("partner_key_revoked", false),
        ];
        for &(code, kept) in cases {
            assert_eq!(keep_stored_hold_after(code), kept, "{code}");
        }
    }

    #[test]
    fn asks_again_for_the_same_places() {
        let mut held = hold(HoldState::Held);
        held.items.push(HoldItem::Admission {
            admission_id: "ga".into(),
            zone_name: "Танцпол".into(),
            quantity: 1,
            unit_price: Money::rub_minor(100_000),
        });
        let request = request_for_items(&held);
        assert_eq!(request.event, "qt:1001");
        assert_eq!(request.show, "2001");
        assert_eq!(request.seats, vec!["s1".to_owned()]);
        assert_eq!(request.admission, BTreeMap::from([("ga".to_owned(), 3)]));
    }

    #[test]
    fn polls_every_two_seconds_and_backs_off_on_failures() {
        let cases: &[(u32, u32)] = &[(0, 2_000), (1, 4_000), (2, 8_000), (3, 16_000), (4, 30_000), (40, 30_000)];
        for &(failures, expected) in cases {
            assert_eq!(poll_delay_ms(failures), expected, "{failures}");
        }
    }

    #[test]
    fn waits_at_least_what_retry_after_says() {
        // (failed polls as (Retry-After, at), asked at, loop delay, extra-poll wait)
        type Case = (&'static [(Option<u32>, i64)], i64, u32, u32);
        let cases: &[Case] = &[
            (&[], NOW, 2_000, 0),
            (&[(None, NOW)], NOW, 4_000, 0),
            // A 429 asks for longer than the backoff: its time wins.
            (&[(Some(45), NOW)], NOW, 45_000, 45_000),
            (&[(Some(45), NOW)], NOW + 40_000, 5_000, 5_000),
            (&[(Some(45), NOW)], NOW + 44_000, 4_000, 1_000),
            (&[(Some(45), NOW)], NOW + 60_000, 4_000, 0),
            // Shorter than the backoff: the backoff wins for the loop.
            (&[(Some(1), NOW)], NOW, 4_000, 1_000),
            (&[(None, NOW), (None, NOW), (Some(3), NOW)], NOW, 16_000, 3_000),
            // A later, shorter Retry-After does not cut an earlier, longer one.
            (&[(Some(30), NOW), (Some(1), NOW + 1_000)], NOW + 1_000, 29_000, 29_000),
            (&[(Some(0), NOW)], NOW, 4_000, 0),
        ];
        for (failures, now, delay, wait) in cases {
            let mut schedule = PollSchedule::default();
            for &(retry_after, at) in failures.iter() {
                schedule.failed(retry_after, at);
            }
            assert_eq!(schedule.failures, failures.len() as u32);
            assert_eq!(schedule.delay_ms(*now), *delay, "{failures:?} at +{}", now - NOW);
            assert_eq!(schedule.wait_ms(*now), *wait, "{failures:?} at +{}", now - NOW);
        }
        // An answer resets the backoff, but not a wait the proxy asked for.
        let mut schedule = PollSchedule::default();
        schedule.failed(None, NOW);
        schedule.failed(Some(20), NOW);
        schedule.answered();
        assert_eq!(schedule.failures, 0);
        assert_eq!(schedule.delay_ms(NOW + 1_000), 19_000);
        assert_eq!(schedule.delay_ms(NOW + 30_000), 2_000);
    }
}
