//! The few browser facilities the checkout needs, each behind one small
//! function (browser only): the clock, `sessionStorage`, `sendBeacon`, a
//! sleep, an idle moment, top-window navigation and the partner's payment callback.
//!
//! Every one of them can fail in a real page (storage disabled, a sandboxed
//! iframe, a partner callback that throws) and none of those failures may
//! break the widget, so they all degrade to "did nothing" instead of erroring.

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The browser clock, Unix ms.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn session_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten()
}

pub fn session_set(key: &str, value: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn session_remove(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Queues a POST that survives the page going away (`navigator.sendBeacon`).
pub fn send_beacon(url: &str) -> bool {
    web_sys::window().is_some_and(|window| window.navigator().send_beacon(url).unwrap_or(false))
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Resolves when the page is idle (`requestIdleCallback`, at the latest
/// `timeout_ms` later), or after a zero timer where the browser has no idle
/// callback.
pub async fn idle(timeout_ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let Some(window) = web_sys::window() else { return };
        let request_idle = js_sys::Reflect::get(&window, &JsValue::from_str("requestIdleCallback"))
            .ok()
            .and_then(|value| value.dyn_into::<Function>().ok());
        match request_idle {
            Some(request_idle) => {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &JsValue::from_str("timeout"), &JsValue::from(timeout_ms));
                let _ = request_idle.call2(&window, &resolve, &options);
            }
            None => {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Navigates the top window (the partner's page, also from inside the
/// iframe embed). Must run inside the click handler: browsers only let a
/// frame navigate the top window with the user's gesture.
pub fn open_top(url: &str) -> bool {
    web_sys::window().is_some_and(|window| matches!(window.open_with_url_and_target(url, "_top"), Ok(Some(_))))
}

/// Calls the partner's payment function (set up by the loader or the iframe
/// page) with the hand-off detail, and waits for the promise it returns.
/// `Ok` when it resolved (or returned a plain value), `Err` when it threw or
/// rejected.
pub async fn call_payment_handler(handler: &Function, detail: &JsValue) -> Result<(), JsValue> {
    let returned = handler.call1(&JsValue::NULL, detail)?;
    JsFuture::from(Promise::resolve(&returned)).await.map(|_| ())
}

/// Opens the browser's print dialog (the tickets' print stylesheet applies).
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// Brings the top of `element` into view when the page is scrolled below it
/// (after a screen change the buyer should see where the new screen starts).
pub fn reveal_top(element: &web_sys::Element) {
    if element.get_bounding_client_rect().top() < 0.0 {
        element.scroll_into_view_with_bool(true);
    }
}
