//! Where keyboard focus goes when the widget changes under it (browser glue).
//!
//! A new screen (a date, the hall, the checkout, a checkout step, the
//! tickets) takes focus to its heading — the last element marked
//! `data-screen-heading` (with `tabindex="-1"`): the event's title, or in
//! the checkout the current step's heading below it — so a keyboard or screen
//! reader user starts reading where the screen starts instead of at the top
//! of the page, where the button they pressed left them when it went away.
//! It never takes focus from the host page: only when the buyer's last click
//! or key press on the page was inside the widget, and focus is still inside
//! it or nowhere (on the page's body, as after that button went away) — so a
//! hold resumed after a reload, or tickets arriving while the buyer is busy
//! elsewhere on the page, leave focus where it is.
//!
//! Escape on the seat plan moves focus to the next control after it
//! ([`focus_next_after`]).

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, Element, HtmlElement, ShadowRoot};

use crate::browser;

/// Moves focus to a new screen's heading (provided by `WidgetApp`).
#[derive(Clone, Copy)]
pub struct ScreenFocus {
    root: NodeRef<html::Div>,
    /// Whether the page's last click or key press was inside the widget.
    used_last: StoredValue<bool>,
}

impl ScreenFocus {
    /// Follows where the buyer clicks and types, for the widget whose root
    /// element is `root` (for as long as the calling component lives).
    pub fn track(root: NodeRef<html::Div>) -> ScreenFocus {
        let used_last = StoredValue::new(false);
        let note = move |event: web_sys::Event| {
            let Some(root) = root.get_untracked() else { return };
            let path = event.composed_path();
            let inside = (0..path.length())
                .any(|index| path.get(index).dyn_into::<web_sys::Node>().is_ok_and(|node| root.is_same_node(Some(&node))));
            used_last.set_value(inside);
        };
        let on_pointer = window_event_listener_untyped("pointerdown", note);
        let on_key = window_event_listener_untyped("keydown", note);
        on_cleanup(move || {
            on_pointer.remove();
            on_key.remove();
        });
        ScreenFocus { root, used_last }
    }

    /// A new screen is being drawn: its heading takes focus once it is there.
    pub fn screen_changed(self) {
        if !self.used_last.try_get_value().unwrap_or(false) {
            return;
        }
        if let Some(root) = self.root.get_untracked() {
            focus_screen_heading_soon(root.into());
        }
    }
}

/// Elements that take focus with Tab (enough for the widget's own markup).
const TABBABLE: &str =
    "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex=\"0\"]";

/// After the next render, moves focus to the new screen's heading inside
/// `root`, if focus is the widget's to move.
fn focus_screen_heading_soon(root: Element) {
    leptos::task::spawn_local(async move {
        // Views are drawn in a microtask or on a later turn (a checkout step
        // after its hold answer): look a few times, briefly.
        for wait_ms in [20, 80, 200, 400] {
            browser::sleep(wait_ms).await;
            if !root.is_connected() || !focus_is_ours(&root) {
                return;
            }
            // The last one: the checkout's step heading comes after the
            // event's title above it.
            let headings = root.query_selector_all("[data-screen-heading]").ok();
            let last = headings.and_then(|headings| headings.item(headings.length().checked_sub(1)?));
            if let Some(heading) = last {
                if let Some(heading) = heading.dyn_ref::<HtmlElement>() {
                    let _ = heading.focus();
                }
                return;
            }
        }
    });
}

/// Whether moving focus inside `root` takes nothing from the host page:
/// the page has focus, and it is inside the widget or on no element.
fn focus_is_ours(root: &Element) -> bool {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return false };
    if !document.has_focus().unwrap_or(false) {
        return false;
    }
    let Some(active) = document.active_element() else { return true };
    if document.body().is_some_and(|body| body.is_same_node(Some(&active))) || root.contains(Some(&active)) {
        return true;
    }
    // Inside the widget's shadow root, the page sees its host element.
    let root_node = root.get_root_node();
    root_node.dyn_ref::<ShadowRoot>().is_some_and(|shadow| shadow.host().is_same_node(Some(&active)))
}

/// Focuses the first control after `element` (not inside it) in the same
/// document or shadow root that is on screen. Returns whether one was found.
pub fn focus_next_after(element: &Element) -> bool {
    let root = element.get_root_node();
    let found = if let Some(shadow) = root.dyn_ref::<ShadowRoot>() {
        shadow.query_selector_all(TABBABLE).ok()
    } else if let Some(fragment) = root.dyn_ref::<DocumentFragment>() {
        fragment.query_selector_all(TABBABLE).ok()
    } else {
        root.dyn_ref::<Document>().and_then(|document| document.query_selector_all(TABBABLE).ok())
    };
    let Some(candidates) = found else { return false };
    for index in 0..candidates.length() {
        let Some(candidate) = candidates.item(index).and_then(|node| node.dyn_into::<HtmlElement>().ok()) else { continue };
        let follows = element.compare_document_position(&candidate) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0;
        let inside = element.contains(Some(&candidate));
        if follows && !inside && candidate.get_client_rects().length() > 0 {
            return candidate.focus().is_ok();
        }
    }
    false
}
