//! One show's hall: fetches the layout and the availability side by side,
//! checks that they belong together, and hands the layout to `HallView`;
//! keeps the hall's availability live; and reserves what the buyer picked.
//!
//! The availability on screen is one signal ([`LiveHall::document`]): the
//! first HTTP read, then every document of the live feed (`live_feed.rs`) or
//! its fallback polls, newest revision first (an older one that lost a race
//! is dropped). The view below updates in place from it; only a layout
//! change (a document naming another layout version) reads the hall again.
//!
//! The buyer's picks live here, above the loading boundary, so a retry after a
//! network error keeps them (minus any seat that meanwhile became taken). A
//! reservation refused because someone else was faster (`seat_unavailable`)
//! un-picks only the seats the proxy names, marks them taken, refreshes
//! availability (bypassing the browser cache) and says how many were lost.
//! One refused because the prices changed since the layout was read
//! (`price_changed`) reads the hall again past the browser cache, keeps the
//! picks and says so: the buyer sees the new prices before reserving again.
//! The buyer's first pick also fetches the checkout's wasm module when the
//! page is next idle (`checkout_module.rs`), so it is usually there before
//! the reserve button is pressed.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use ticket_contract::Availability;

use super::checkout_module::preload_checkout;
use super::error_panel::ErrorPanel;
use super::hall_view::HallView;
use super::reservation::{LiveHall, RereadHall, Reservation};
use super::skeleton::{Skeleton, SkeletonKind};
use super::use_widget;
use crate::api;
use crate::api_error::ApiError;
use crate::browser;
use crate::hall::{HallAvailability, ReportedTaken};
use crate::hold_session::use_hold_session;
use crate::live::{judge_document, DocumentVerdict};
use crate::live_feed::{FeedSinks, LiveFeed};
use crate::selection::Selection;

/// The longest the checkout's prefetch waits for an idle moment after the
/// first pick.
const CHECKOUT_PREFETCH_IDLE_MS: u32 = 2_000;

/// The hall screen's bookkeeping that needs no signal (plain values keep
/// the wasm smaller than one reactive type each).
#[derive(Default)]
struct HallReads {
    /// Read the hall past the browser cache (a retry, or the feed naming a
    /// layout this copy is not).
    must_be_fresh: AtomicBool,
    /// The layout version a re-read was started for: one per version.
    reread_for: Mutex<Option<String>>,
}

#[component]
pub fn HallScreen(event_id: String, show_id: String) -> impl IntoView {
    let config = use_widget().config;
    let session = use_hold_session();
    let reads = Arc::new(HallReads::default());
    let layout = {
        let (config, event_id, show_id, reads) = (config.clone(), event_id.clone(), show_id.clone(), reads.clone());
        LocalResource::new(move || {
            let fresh = reads.must_be_fresh.load(Ordering::Relaxed);
            api::fetch_layout(config.clone(), event_id.clone(), show_id.clone(), fresh)
        })
    };
    let availability = {
        let (config, event_id, show_id, reads) = (config.clone(), event_id.clone(), show_id.clone(), reads.clone());
        LocalResource::new(move || {
            // Past the browser cache once a hold was made or ended here.
            // Untracked: later refreshes go through the live feed and
            // update the hall in place instead of drawing it again.
            let fresh = untrack(|| session.availability_must_be_fresh()) || reads.must_be_fresh.load(Ordering::Relaxed);
            api::fetch_availability(config.clone(), event_id.clone(), show_id.clone(), fresh)
        })
    };
    let live = LiveHall { document: RwSignal::new(None), connected: RwSignal::new(false) };
    provide_context(live);
    let selection = RwSignal::new(Selection::default());
    // After the buyer's first pick, the checkout's module is fetched while
    // the page is idle (components/checkout_module.rs).
    Effect::new(move |prefetching: Option<bool>| {
        if prefetching == Some(true) || selection.with(Selection::is_empty) {
            return prefetching.unwrap_or(false);
        }
        spawn_local(async {
            browser::idle(CHECKOUT_PREFETCH_IDLE_MS).await;
            let _ = preload_checkout().await;
        });
        true
    });
    let reservation = Reservation {
        reserving: RwSignal::new(false),
        outcome: RwSignal::new(None),
        taken_seats: RwSignal::new(ReportedTaken::default()),
    };
    provide_context(reservation);
    let reread_hall = {
        let reads = reads.clone();
        move || {
            reads.must_be_fresh.store(true, Ordering::Relaxed);
            layout.refetch();
            availability.refetch();
        }
    };
    let retry = {
        let reread_hall = reread_hall.clone();
        Callback::new(move |()| reread_hall())
    };
    provide_context(RereadHall(retry));

    // Every document, whichever way it came: shown if it is the newest.
    let offer = move |document: Arc<Availability>| {
        let drawn_layout = layout.try_get_untracked().flatten().and_then(Result::ok);
        let layout_version = drawn_layout.as_ref().map_or(document.layout_version.as_str(), |layout| layout.version.as_str());
        let Some(shown_revision) = live.document.try_with_untracked(|shown| shown.as_ref().map(|shown| shown.revision)) else {
            return;
        };
        match judge_document(&document, shown_revision, layout_version) {
            DocumentVerdict::Show => {
                let _ = live.document.try_set(Some(document));
            }
            DocumentVerdict::Outdated => {}
            // Re-planned: read layout and availability again, once per version.
            DocumentVerdict::OtherLayout => {
                let first_time = reads.reread_for.lock().is_ok_and(|mut reread_for| {
                    let first_time = reread_for.as_ref() != Some(&document.layout_version);
                    *reread_for = Some(document.layout_version.clone());
                    first_time
                });
                if first_time {
                    reread_hall();
                }
            }
        }
    };

    // The feed opens once the hall's first reads are in (not in the middle
    // of them), and runs while the hall is on screen.
    let feed = Rc::new(RefCell::new(None::<LiveFeed>));
    {
        let (feed, offer) = (feed.clone(), offer.clone());
        Effect::new(move |_| {
            let loaded = layout.with(|layout| matches!(layout, Some(Ok(_))))
                && availability.with(|availability| matches!(availability, Some(Ok(_))));
            if loaded && feed.borrow().is_none() {
                let sinks = FeedSinks {
                    on_document: Rc::new(offer.clone()),
                    on_live: Rc::new(move |connected| {
                        let _ = live.connected.try_set(connected);
                    }),
                };
                *feed.borrow_mut() = Some(LiveFeed::start(config.clone(), event_id.clone(), show_id.clone(), sinks));
            }
        });
    }
    {
        // A hold was made or ended here: fresh availability now.
        let feed = feed.clone();
        Effect::new(move |ran_before: Option<()>| {
            session.availability_must_be_fresh();
            if ran_before.is_some() {
                if let Some(feed) = feed.borrow().as_ref() {
                    feed.refresh();
                }
            }
        });
    }
    let feed = SendWrapper::new(feed);
    on_cleanup(move || {
        if let Some(feed) = feed.borrow_mut().take() {
            feed.stop();
        }
    });

    view! {
        <Transition fallback=|| view! { <Skeleton kind=SkeletonKind::Hall /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors on_retry=retry /> }>
                {move || {
                    let offer = offer.clone();
                    Suspend::new(async move {
                    let layout = layout.await?;
                    let first = availability.await?;
                    offer(first.clone());
                    // The newest document, if it fits this layout; otherwise the
                    // first read (whose mismatch is the error to show).
                    let shown = live
                        .document
                        .get_untracked()
                        .filter(|shown| shown.layout_version == layout.version)
                        .unwrap_or(first);
                    let initial = HallAvailability::from_documents(&layout, &shown)?;
                    Ok::<_, ApiError>(view! { <HallView layout initial=Arc::new(initial) selection /> })
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
}
