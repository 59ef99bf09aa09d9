//! One hall's live seats (browser only): a `WebSocket` to the proxy's
//! `…/shows/{show_id}/live`, the availability polls that stand in while it
//! is down, and the one timer they need, all steered by the pure
//! [`FeedMachine`](crate::live::FeedMachine).
//!
//! Everything that happens (the socket opened, a frame, the socket closed or
//! failed, the timer, a poll's answer, the page hidden or shown) is told to
//! the machine with the time; the glue then does what the machine asks
//! (close, connect, `ping`, poll) and arms the timer for its next deadline.
//! Documents, from the feed or a poll alike, go to the hall screen, which
//! judges their revision; the feed's state goes there too (`data-live`).
//!
//! `web_sys::WebSocket` directly, no crate: a refused upgrade (bad key,
//! origin, too many subscriptions) reaches a browser only as a failed
//! connection, and is treated like any other: back off, poll meanwhile.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::{document, set_timeout_with_handle, TimeoutHandle};
use leptos::task::spawn_local;
use ticket_contract::{Availability, LIVE_PING};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WebSocket;

use crate::api;
use crate::browser;
use crate::browser_json;
use crate::config::WidgetConfig;
use crate::live::{decode_frame, FeedActions, FeedMachine, LiveFrame, PollOutcome};

/// Where the feed's news goes (the hall screen's signals, through `try_`
/// accessors: the hall may be gone by the time a poll answers).
pub struct FeedSinks {
    /// A document from the feed or a poll, in arrival order; the receiver
    /// judges its revision and layout version.
    pub on_document: Rc<dyn Fn(Arc<Availability>)>,
    /// Whether the feed is live (connected) now.
    pub on_live: Rc<dyn Fn(bool)>,
}

type Handler = Closure<dyn FnMut(JsValue)>;

/// A socket with its event handlers (open, message, close-or-error), which
/// must live as long as the socket can call them.
struct Socket {
    socket: WebSocket,
    _handlers: [Handler; 3],
}

impl Socket {
    /// Detaches the handlers first, so a socket let go reports nothing more.
    fn close(&self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
        let _ = self.socket.close();
    }
}

struct Feed {
    machine: FeedMachine,
    config: Arc<WidgetConfig>,
    event_id: String,
    show_id: String,
    socket: Option<Socket>,
    /// The socket let go last. Its handlers are detached but kept until the
    /// next one is let go: the handler that let it go may still be running.
    retired: Option<Socket>,
    timer: Option<TimeoutHandle>,
    on_visibility_change: Option<Handler>,
    sinks: FeedSinks,
    live: bool,
    stopped: bool,
}

/// A socket left open would call handlers that no longer exist.
impl Drop for Socket {
    fn drop(&mut self) {
        self.close();
    }
}

/// Whatever ends the feed (a `stop`, or the hall's owner going away without
/// one) leaves no socket, timer or listener behind.
impl Drop for Feed {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
        if let Some(listener) = self.on_visibility_change.take() {
            let _ = document().remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
        }
    }
}

impl Feed {
    fn retire_socket(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.close();
            self.retired = Some(socket);
        }
    }
}

/// The live feed of one hall; [`LiveFeed::stop`] ends it (the hall's
/// cleanup).
#[derive(Clone)]
pub struct LiveFeed(Rc<RefCell<Feed>>);

impl LiveFeed {
    /// Connects now (the hall has just been read over HTTP).
    pub fn start(config: Arc<WidgetConfig>, event_id: String, show_id: String, sinks: FeedSinks) -> LiveFeed {
        let feed = Rc::new(RefCell::new(Feed {
            machine: FeedMachine::default(),
            config,
            event_id,
            show_id,
            socket: None,
            retired: None,
            timer: None,
            on_visibility_change: None,
            sinks,
            live: false,
            stopped: false,
        }));
        let on_visibility_change = handler(&Rc::downgrade(&feed), |feed, _| {
            if document().hidden() {
                drive(feed, |machine, now, _| {
                    machine.hidden(now);
                    FeedActions::default()
                });
            } else {
                drive(feed, |machine, now, _| machine.shown(now));
            }
        });
        let _ = document().add_event_listener_with_callback("visibilitychange", on_visibility_change.as_ref().unchecked_ref());
        feed.borrow_mut().on_visibility_change = Some(on_visibility_change);
        drive(&feed, |machine, now, _| {
            let actions = machine.start(now);
            if document().hidden() {
                machine.hidden(now);
            }
            actions
        });
        LiveFeed(feed)
    }

    /// Reads the availability document now, past the browser cache (a hold
    /// was made or ended here), whether or not the feed is live.
    pub fn refresh(&self) {
        drive(&self.0, |machine, _, _| machine.poll_now());
    }

    /// For good: closes the socket, stops polls and the timer.
    pub fn stop(&self) {
        drive(&self.0, |machine, _, _| machine.stop());
        let mut feed = self.0.borrow_mut();
        feed.stopped = true;
        if let Some(timer) = feed.timer.take() {
            timer.clear();
        }
        if let Some(listener) = feed.on_visibility_change.take() {
            let _ = document().remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
        }
        feed.retired = None;
    }
}

/// Tells the machine what happened, does what it asks, re-arms the timer.
fn drive(feed: &Rc<RefCell<Feed>>, step: impl FnOnce(&mut FeedMachine, i64, f64) -> FeedActions) {
    let actions = step(&mut feed.borrow_mut().machine, browser::now_ms(), js_sys::Math::random());
    if actions.disconnect {
        feed.borrow_mut().retire_socket();
    }
    if actions.connect {
        connect(feed);
    }
    if actions.ping {
        if let Some(socket) = &feed.borrow().socket {
            let _ = socket.socket.send_with_str(LIVE_PING);
        }
    }
    if actions.poll {
        poll(feed);
    }
    settle(feed);
}

fn connect(feed: &Rc<RefCell<Feed>>) {
    let url = {
        let feed = feed.borrow();
        feed.config.live_url(&feed.event_id, &feed.show_id)
    };
    let Some(socket) = url.and_then(|url| WebSocket::new(&url).ok()) else {
        // No feed to be had (not an http(s) proxy): a failed connection.
        drive(feed, |machine, now, random| machine.closed(now, random));
        return;
    };
    let weak = Rc::downgrade(feed);
    let on_open = handler(&weak, |feed, _| {
        drive(feed, |machine, now, _| {
            machine.opened(now);
            FeedActions::default()
        })
    });
    let on_message = handler(&weak, on_frame);
    let on_close = handler(&weak, |feed, _| {
        feed.borrow_mut().retire_socket();
        drive(feed, |machine, now, random| machine.closed(now, random));
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    socket.set_onerror(Some(on_close.as_ref().unchecked_ref()));
    feed.borrow_mut().socket = Some(Socket { socket, _handlers: [on_open, on_message, on_close] });
}

/// A frame: proof of life, and maybe a document.
fn on_frame(feed: &Rc<RefCell<Feed>>, event: JsValue) {
    let text = js_sys::Reflect::get(&event, &JsValue::from_str("data")).ok().and_then(|data| data.as_string());
    let frame = text.map_or(LiveFrame::Other, |text| {
        let parsed = browser_json::parse(&text).ok();
        decode_frame(&text, || parsed.clone().map(browser_json::reader))
    });
    drive(feed, |machine, _, _| {
        machine.received();
        FeedActions::default()
    });
    if let LiveFrame::Availability(document) = frame {
        deliver(feed, Arc::new(document));
    }
}

fn deliver(feed: &Rc<RefCell<Feed>>, document: Arc<Availability>) {
    let sink = {
        let feed = feed.borrow();
        if feed.stopped {
            return;
        }
        feed.sinks.on_document.clone()
    };
    sink(document);
}

fn poll(feed: &Rc<RefCell<Feed>>) {
    let (config, event_id, show_id) = {
        let feed = feed.borrow();
        (feed.config.clone(), feed.event_id.clone(), feed.show_id.clone())
    };
    let weak = Rc::downgrade(feed);
    spawn_local(async move {
        // Past the browser cache: its copy may be half a minute old.
        let result = api::fetch_availability(config, event_id, show_id, true).await;
        let Some(feed) = weak.upgrade() else { return };
        let outcome = match result {
            Ok(document) => {
                deliver(&feed, document);
                PollOutcome::Answered
            }
            Err(error) => PollOutcome::Failed { retry_after_seconds: error.retry_after_seconds() },
        };
        drive(&feed, |machine, now, _| {
            machine.polled(now, outcome);
            FeedActions::default()
        });
    });
}

/// One timer for the machine's next deadline; whether it is live, to the hall.
fn settle(feed_cell: &Rc<RefCell<Feed>>) {
    let mut feed = feed_cell.borrow_mut();
    if let Some(timer) = feed.timer.take() {
        timer.clear();
    }
    if let Some(wake_at) = feed.machine.next_wake_at().filter(|_| !feed.stopped) {
        let delay = (wake_at - browser::now_ms()).clamp(0, i64::from(i32::MAX)) as u64;
        let weak = Rc::downgrade(feed_cell);
        let fire = move || {
            if let Some(feed) = weak.upgrade() {
                feed.borrow_mut().timer = None;
                drive(&feed, |machine, now, random| machine.tick(now, random));
            }
        };
        feed.timer = set_timeout_with_handle(fire, Duration::from_millis(delay)).ok();
    }
    let live = feed.machine.is_live();
    if live != feed.live {
        feed.live = live;
        let sink = feed.sinks.on_live.clone();
        drop(feed);
        sink(live);
    }
}

fn handler(feed: &Weak<RefCell<Feed>>, act: impl Fn(&Rc<RefCell<Feed>>, JsValue) + 'static) -> Handler {
    let feed = feed.clone();
    Closure::new(move |event: JsValue| {
        if let Some(feed) = feed.upgrade() {
            act(&feed, event);
        }
    })
}
