//! The buyer's hold, as shared reactive state plus the operations on it
//! (browser only): reserve, change, cancel, pay, poll, resume after a reload
//! and release when the page goes away.
//!
//! Every decision is made by the pure `checkout` module; this is the glue that
//! performs the request, feeds the answer to a transition and applies the
//! resulting [`Step`]. Applying a step is the one place that also keeps
//! `sessionStorage` in line with the screen, and that asks the hall for fresh
//! availability when a hold ends.
//!
//! Requests outlive the widget: the element can be removed from the page
//! while one runs. Everything that runs after an `.await` therefore reaches
//! the reactive graph only through `try_` accessors, and does nothing once
//! the graph is disposed; a hold made for a widget that is gone is given
//! back at once.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use js_sys::Function;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use ticket_contract::{ChangeHold, CreateHold, Hold};
use wasm_bindgen::JsValue;

use crate::api;
use crate::api_error::ApiError;
use crate::browser;
use crate::browser_json;
use crate::buyer_details::BuyerDraft;
use crate::checkout::{
    keep_stored_hold_after, resume, ActiveHold, CheckoutStage, HoldNotice, PollSchedule, Resume, Step, StoredHold,
};
use crate::config::WidgetConfig;
use crate::host_events::HostEvent;
use crate::payment::{hold_id_outside_fragment, payment_url, PaymentDetail};

/// The session's non-reactive parts, in one place so the reactive arena
/// holds a single value for them (every distinct signal type costs wasm).
/// Readable after the reactive graph is gone (`pagehide`, unmount).
struct Shared {
    config: Arc<WidgetConfig>,
    /// The page's payment function; JavaScript values stay on this thread.
    payment_handler: SendWrapper<Option<Function>>,
    /// The loader's `emit(name, detailJson)`: the host page's events.
    host_events: SendWrapper<Option<Function>>,
    /// The stored hold to release if the buyer leaves now (unpaid holds only).
    releasable: Mutex<Option<StoredHold>>,
    /// What the buyer typed into the form, kept across screens and failures.
    buyer: Mutex<BuyerDraft>,
    /// A hold was made or ended here: availability must bypass the cache.
    availability_changed: AtomicBool,
    /// Hand-offs to the partner's payment step whose promise has not settled.
    payments_running: AtomicU32,
    /// Waits until the checkout's wasm module is there (given by the
    /// components that own that module: this session only waits for it).
    checkout_ready: CheckoutReady,
    /// When the next poll of the hold may go out (backoff, `Retry-After`).
    poll_schedule: Mutex<PollSchedule>,
}

/// One mounted widget's hold. `Copy`: every field is a handle.
#[derive(Clone, Copy)]
pub struct HoldSession {
    /// The checkout screen and what the buyer is told (until the next action).
    state: RwSignal<Step>,
    /// True while a stored hold is being looked up after a reload.
    pub resuming: RwSignal<bool>,
    /// Flipped whenever a hold ends or fails to be made: the hall refetches
    /// availability (bypassing the browser cache) when it changes.
    availability_refresh: RwSignal<bool>,
    /// `Shared::payments_running > 0`, for the views.
    payment_running: RwSignal<bool>,
    shared: StoredValue<Arc<Shared>>,
}

impl HoldSession {
    pub fn new(
        config: Arc<WidgetConfig>,
        payment_handler: Option<Function>,
        host_events: Option<Function>,
        checkout_ready: CheckoutReady,
    ) -> HoldSession {
        HoldSession {
            state: RwSignal::new(Step { stage: CheckoutStage::Choosing, notice: None }),
            resuming: RwSignal::new(false),
            availability_refresh: RwSignal::new(false),
            payment_running: RwSignal::new(false),
            shared: StoredValue::new(Arc::new(Shared {
                config,
                payment_handler: SendWrapper::new(payment_handler),
                host_events: SendWrapper::new(host_events),
                releasable: Mutex::new(None),
                buyer: Mutex::new(BuyerDraft::default()),
                availability_changed: AtomicBool::new(false),
                payments_running: AtomicU32::new(0),
                checkout_ready,
                poll_schedule: Mutex::new(PollSchedule::default()),
            })),
        }
    }

    /// `None` once the widget is gone (a request finished after unmount).
    fn shared(&self) -> Option<Arc<Shared>> {
        self.shared.try_get_value()
    }

    fn config(&self) -> Option<Arc<WidgetConfig>> {
        self.shared().map(|shared| shared.config.clone())
    }

    /// Waits until the checkout's wasm module is there (see [`CheckoutReady`]);
    /// at once for a widget already gone.
    fn checkout_module_ready(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
        match self.shared() {
            Some(shared) => (shared.checkout_ready)(),
            None => Box::pin(async {}),
        }
    }

    /// Whether a hand-off to the partner's payment step is still running.
    fn payment_is_running(&self) -> bool {
        self.shared().is_some_and(|shared| shared.payments_running.load(Ordering::Relaxed) > 0)
    }

    /// A hand-off to the partner's payment step began (`+1`) or settled (`-1`).
    fn count_payment(&self, shared: &Shared, started: bool) {
        let running = if started {
            shared.payments_running.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            shared.payments_running.fetch_sub(1, Ordering::Relaxed).saturating_sub(1)
        };
        let _ = self.payment_running.try_set(running > 0);
    }

    /// Whether the buyer may give the hold back now (tracked: the cart's
    /// cancel button disappears while the partner's payment step runs).
    pub fn may_release(&self) -> bool {
        let running = self.payment_running.try_get().unwrap_or(true);
        self.current().releasable_hold_id(running).is_some()
    }

    /// The current screen (tracked); `Choosing` once the widget is gone.
    pub fn stage(&self) -> CheckoutStage {
        self.state.try_get().map_or(CheckoutStage::Choosing, |state| state.stage)
    }

    /// The current screen, untracked; `Choosing` once the widget is gone.
    pub fn current(&self) -> CheckoutStage {
        self.state.try_get_untracked().map_or(CheckoutStage::Choosing, |state| state.stage)
    }

    /// What the buyer is told (tracked).
    pub fn notice(&self) -> Option<HoldNotice> {
        self.state.try_get().and_then(|state| state.notice)
    }

    pub fn dismiss_notice(&self) {
        let current = self.current();
        let _ = self.state.try_set(Step { stage: current, notice: None });
    }

    /// For the hall's availability resource: tracks refresh requests and says
    /// whether to bypass the browser cache.
    pub fn availability_must_be_fresh(&self) -> bool {
        self.availability_refresh.track();
        self.shared().is_some_and(|shared| shared.availability_changed.load(Ordering::Relaxed))
    }

    /// Asks the hall for fresh availability (after a hold ended or failed).
    pub fn refresh_availability(&self) {
        let Some(shared) = self.shared() else { return };
        shared.availability_changed.store(true, Ordering::Relaxed);
        if let Some(flag) = self.availability_refresh.try_get_untracked() {
            let _ = self.availability_refresh.try_set(!flag);
        }
    }

    pub fn buyer_draft(&self) -> BuyerDraft {
        self.shared().and_then(|shared| shared.buyer.lock().ok().map(|draft| draft.clone())).unwrap_or_default()
    }

    pub fn set_buyer_draft(&self, draft: BuyerDraft) {
        if let Some(shared) = self.shared() {
            if let Ok(mut kept) = shared.buyer.lock() {
                *kept = draft;
            }
        }
    }

    /// Shows `step`, and keeps storage and the hall in line with it. Does
    /// nothing once the widget is gone.
    pub fn apply(&self, step: Step) {
        let Some(shared) = self.shared() else { return };
        let key = shared.config.stored_hold_key();
        let stored = StoredHold::for_stage(&step.stage);
        match &stored {
            Some(stored) => browser::session_set(&key, &stored.to_text()),
            None => browser::session_remove(&key),
        }
        if let Ok(mut releasable) = shared.releasable.lock() {
            let payment_running = shared.payments_running.load(Ordering::Relaxed) > 0;
            *releasable = stored.filter(|_| step.stage.releasable_hold_id(payment_running).is_some());
        }
        if let Some(buyer) = step.stage.hold().and_then(|hold| hold.buyer.as_ref()) {
            if let Ok(mut draft) = shared.buyer.lock() {
                if *draft == BuyerDraft::default() {
                    *draft = BuyerDraft::from_buyer(buyer);
                }
            }
        }
        let choosing = step.stage.is_choosing();
        let told = self.state.try_with_untracked(|before| HostEvent::from_steps(before, &step)).unwrap_or_default();
        let _ = self.state.try_set(step);
        for event in &told {
            self.tell_host(event);
        }
        if choosing {
            self.refresh_availability();
        }
    }

    /// Tells the host page (`crate::host_events`); a throwing listener is
    /// the page's problem, not the buyer's.
    pub fn tell_host(&self, event: &HostEvent) {
        let Some(shared) = self.shared() else { return };
        if let Some(emit) = shared.host_events.as_ref() {
            let detail = browser_json::to_text(&event.detail);
            let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(event.name), &JsValue::from_str(&detail));
        }
    }

    /// Applies the screen a failed hold request leads to.
    pub fn fail(&self, error: &ApiError) {
        match self.current().failed(error.code()) {
            Some(step) => self.apply(step),
            None => {
                let session = *self;
                spawn_local(async move { session.refresh().await });
            }
        }
    }

    /// Asks the proxy for the hold's state and shows it.
    pub async fn refresh(&self) {
        let Some(hold_id) = self.current().hold().map(|hold| hold.id.clone()) else { return };
        let Some(config) = self.config() else { return };
        match api::fetch_hold(&config, &hold_id).await {
            Ok(hold) => self.apply(self.current().on_hold(hold, browser::now_ms())),
            Err(error) => match self.current().failed(error.code()) {
                Some(step) => self.apply(step),
                None => self.apply(Step { stage: CheckoutStage::Choosing, notice: Some(HoldNotice::Ended) }),
            },
        }
    }

    /// `POST /v1/holds`; on success the cart is shown. The caller handles
    /// errors (the hall marks taken seats).
    pub async fn reserve(&self, request: &CreateHold) -> Result<(), ApiError> {
        let Some(config) = self.config() else { return Ok(()) };
        self.dismiss_notice();
        // The checkout's module comes beside the hold, so the hall keeps
        // saying "Reserving…" until the checkout can be shown at once.
        spawn_local(self.checkout_module_ready());
        let hold = api::create_hold(&config, request).await?;
        if self.still_wanted(&config, &hold).await {
            self.checkout_module_ready().await;
            self.apply(self.current().on_hold(hold, browser::now_ms()));
        }
        Ok(())
    }

    /// A hold just made: kept if the widget is still on the page; otherwise
    /// given back at once, since nobody would show it or release it when the
    /// buyer leaves.
    async fn still_wanted(&self, config: &WidgetConfig, hold: &Hold) -> bool {
        if !self.state.is_disposed() {
            return true;
        }
        let _ = api::release_hold(config, &hold.id).await;
        false
    }

    /// `PATCH` the buyer's details; on success the pay button is shown. The
    /// caller shows field errors.
    pub async fn save_buyer(&self) -> Result<(), ApiError> {
        let Some(hold_id) = self.current().hold().map(|hold| hold.id.clone()) else { return Ok(()) };
        let Some(config) = self.config() else { return Ok(()) };
        let change = ChangeHold { buyer: Some(self.buyer_draft().to_buyer()), ..ChangeHold::default() };
        let hold = api::change_hold(&config, &hold_id, &change).await?;
        self.apply(self.current().buyer_saved(hold, browser::now_ms()));
        Ok(())
    }

    /// `PATCH` a promo code (`Some`) or its removal (`None`); the cart then
    /// shows the hold as the proxy priced it. The caller shows a refusal.
    pub async fn set_promocode(&self, code: Option<String>) -> Result<(), ApiError> {
        let Some(hold_id) = self.current().hold().map(|hold| hold.id.clone()) else { return Ok(()) };
        let Some(config) = self.config() else { return Ok(()) };
        let change = ChangeHold { promocode: Some(code), ..ChangeHold::default() };
        let hold = api::change_hold(&config, &hold_id, &change).await?;
        self.apply(self.current().on_hold(hold, browser::now_ms()));
        Ok(())
    }

    /// The cancel button: `DELETE`, then back to the map. Never while a
    /// payment runs (the button is hidden then; a stale click lands here).
    pub async fn cancel(&self) {
        let running = self.payment_is_running();
        let Some(hold_id) = self.current().releasable_hold_id(running).map(str::to_owned) else { return };
        let Some(config) = self.config() else { return };
        match api::release_hold(&config, &hold_id).await {
            Ok(hold) if hold.state == ticket_contract::HoldState::Confirmed => {
                self.apply(self.current().on_hold(hold, browser::now_ms()))
            }
            Ok(_) => self.apply(self.current().closed()),
            Err(error) => self.fail(&error),
        }
    }

    /// The countdown reached zero.
    pub fn timer_ran_out(&self) {
        let current = self.current();
        let step = current.timer_ran_out(self.payment_is_running());
        if step.stage.is_choosing() {
            if let (Some(hold_id), Some(config)) = (current.hold().map(|hold| hold.id.clone()), self.config()) {
                spawn_local(async move {
                    let _ = api::release_hold(&config, &hold_id).await;
                });
            }
        }
        self.apply(step);
    }

    pub fn edit_details(&self) {
        self.apply(self.current().edit_details());
    }

    /// "Back to payment" while waiting: the payment screen, no message.
    pub fn back_to_payment(&self) {
        let step = self.current().payment_not_completed();
        self.apply(Step { notice: None, ..step });
    }

    /// "Buy more tickets".
    pub fn done(&self) {
        self.apply(self.current().closed());
    }

    /// The pay button. Runs inside the click: a redirect to the partner's
    /// page needs the buyer's gesture, and so may the partner's callback
    /// (to open a payment window).
    pub fn pay(&self) {
        let current = self.current();
        let (Some(hold), Some(shared)) = (current.hold().cloned(), self.shared()) else { return };
        // Storage says "paying" before anything leaves the page.
        self.apply(current.payment_started());
        if let Some(template) = shared.config.payment_url.clone() {
            if hold_id_outside_fragment(&template) {
                web_sys::console::warn_1(
                    &"ticket-widget: payment-url puts the hold id into its path or query; use #hold={hold_id}".into(),
                );
            }
            if !browser::open_top(&payment_url(&template, &hold.id)) {
                self.apply(self.current().payment_not_completed());
            }
            return;
        }
        let Some(handler) = (*shared.payment_handler).clone() else { return };
        let detail = browser_json::to_value(&PaymentDetail::of(&hold));
        let session = *self;
        // Until the partner's promise settles the places cannot be given back,
        // even if the buyer goes back to the pay button meanwhile.
        self.count_payment(&shared, true);
        spawn_local(async move {
            let outcome = browser::call_payment_handler(&handler, &detail).await;
            session.count_payment(&shared, false);
            match outcome {
                Ok(()) => {
                    // Paid, says the partner: show the tickets as soon as the
                    // proxy has them, not at the next poll.
                    let current = session.current();
                    let step = current.payment_reported_done();
                    if step.stage != current {
                        session.apply(step);
                    }
                    if matches!(session.current(), CheckoutStage::AwaitingPayment(_)) {
                        let _ = session.poll().await;
                    }
                }
                Err(reason) => {
                    web_sys::console::warn_2(&"ticket-widget: the payment callback failed:".into(), &reason);
                    if session.state.is_disposed() {
                        return;
                    }
                    // Paid after all (the partner confirmed, then failed)? Ask.
                    match api::fetch_hold(&shared.config, &hold.id).await {
                        Ok(fresh) if fresh.state != ticket_contract::HoldState::Held => {
                            session.apply(session.current().on_hold(fresh, browser::now_ms()))
                        }
                        _ => session.apply(session.current().payment_not_completed()),
                    }
                }
            }
        });
    }

    /// How long the awaiting screen sleeps before its next poll (0 once the
    /// widget is gone).
    pub fn poll_delay_ms(&self) -> u32 {
        let schedule = self.shared().and_then(|shared| shared.poll_schedule.lock().ok().map(|schedule| *schedule));
        schedule.map_or(0, |schedule| schedule.delay_ms(browser::now_ms()))
    }

    /// One poll while the partner's payment runs; not before a `429`'s
    /// `Retry-After` has passed.
    pub async fn poll(&self) -> Result<(), ApiError> {
        let Some(shared) = self.shared() else { return Ok(()) };
        let wait = shared.poll_schedule.lock().map_or(0, |schedule| schedule.wait_ms(browser::now_ms()));
        if wait > 0 {
            browser::sleep(wait).await;
        }
        let Some(hold_id) = self.current().hold().map(|hold| hold.id.clone()) else { return Ok(()) };
        let result = api::fetch_hold(&shared.config, &hold_id).await;
        if let Ok(mut schedule) = shared.poll_schedule.lock() {
            match &result {
                Ok(_) => schedule.answered(),
                Err(error) => schedule.failed(error.retry_after_seconds(), browser::now_ms()),
            }
        }
        match result {
            Ok(hold) => {
                self.apply(self.current().on_hold(hold, browser::now_ms()));
                Ok(())
            }
            Err(error) if matches!(error.code(), "hold_not_found" | "hold_expired") => {
                self.fail(&error);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// A poll of the awaiting screen failed: once polls keep failing, the
    /// buyer reads why (see `Step::after_failed_poll`).
    pub fn poll_failed(&self, error: &ApiError) {
        let Some(shared) = self.shared() else { return };
        let failures = shared.poll_schedule.lock().map_or(0, |schedule| schedule.failures);
        let next = self.state.try_get_untracked().and_then(|state| state.after_failed_poll(error.code(), failures));
        if let Some(step) = next {
            self.apply(step);
        }
    }

    /// The page or the widget is going away: give an unpaid hold back with a
    /// beacon, and remember that it was given back so a reload can take the
    /// same places again. Safe to call after the reactive graph is disposed.
    fn leave(shared: &Shared) {
        let Some(mut stored) = shared.releasable.lock().ok().and_then(|mut releasable| releasable.take()) else {
            return;
        };
        stored.left = true;
        browser::session_set(&shared.config.stored_hold_key(), &stored.to_text());
        browser::send_beacon(&shared.config.release_beacon_url(&stored.id));
    }

    /// A handle for `pagehide` and unmount, independent of the reactive graph.
    pub fn leave_handle(&self) -> impl Fn() + Send + Sync + Clone + 'static {
        let shared = self.shared();
        move || {
            if let Some(shared) = &shared {
                HoldSession::leave(shared)
            }
        }
    }

    /// On mount, and when the page comes back from the back/forward cache:
    /// looks up the stored hold and shows it (or takes its places again).
    /// Returns the hold's event and show, so the widget can open that hall.
    pub async fn resume_stored(&self) -> Option<(String, String)> {
        let config = self.config()?;
        let key = config.stored_hold_key();
        let stored = StoredHold::from_text(&browser::session_get(&key)?);
        let Some(stored) = stored else {
            browser::session_remove(&key);
            return None;
        };
        let _ = self.resuming.try_set(true);
        spawn_local(self.checkout_module_ready());
        let place = self.resume_from(&config, &stored).await;
        if !self.current().is_choosing() {
            self.checkout_module_ready().await;
        }
        let _ = self.resuming.try_set(false);
        place
    }

    async fn resume_from(&self, config: &WidgetConfig, stored: &StoredHold) -> Option<(String, String)> {
        let hold = match api::fetch_hold(config, &stored.id).await {
            Ok(hold) => hold,
            Err(error) => {
                // Gone: forget it. Unreachable: keep it for the next mount.
                if !keep_stored_hold_after(error.code()) {
                    browser::session_remove(&config.stored_hold_key());
                }
                return None;
            }
        };
        let place = Some((hold.event_id.clone(), hold.show_id.clone()));
        match resume(stored, hold.clone(), browser::now_ms()) {
            Resume::Show(step) => {
                let show_hall = !step.stage.is_choosing() || step.notice.is_some();
                let came_back = stored.left && !step.stage.is_choosing();
                self.apply(*step);
                if came_back {
                    // The old page's beacon may reach the proxy after this
                    // page's lookup; a second look a moment later keeps the
                    // hold from being let go after its grace anyway.
                    let (config, hold_id) = (config.clone(), stored.id.clone());
                    spawn_local(async move {
                        browser::sleep(LATE_BEACON_MS).await;
                        let _ = api::fetch_hold(&config, &hold_id).await;
                    });
                }
                show_hall.then_some(place).flatten()
            }
            Resume::Retake { request, deadline_ms } => {
                if let Some(buyer) = &hold.buyer {
                    self.set_buyer_draft(BuyerDraft::from_buyer(buyer));
                }
                match api::create_hold(config, &request).await {
                    Ok(retaken) if self.still_wanted(config, &retaken).await => {
                        let active = ActiveHold::new(retaken, Some(deadline_ms), browser::now_ms());
                        self.apply(Step { stage: CheckoutStage::Details(active), notice: None });
                    }
                    Ok(_) => {}
                    Err(error) => self.apply(Step {
                        stage: CheckoutStage::Choosing,
                        notice: Some(HoldNotice::Failed(error.code().to_owned())),
                    }),
                }
                place
            }
        }
    }
}

/// Waits until the checkout's wasm module is there (fetched once; at once
/// when it is). A failure is left to the checkout screen, which shows it
/// with a retry.
pub type CheckoutReady = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// How long after a reload the widget looks at its hold once more, in case
/// the previous page's release beacon arrived after the first look.
const LATE_BEACON_MS: u32 = 3_000;

/// The hold session of the widget this component belongs to.
pub fn use_hold_session() -> HoldSession {
    expect_context::<HoldSession>()
}
