//! The JavaScript entry point: `mount_widget(host, configJson)`.
//!
//! Called by the one-tag loader (`static/widget.js`, once per
//! `<ticket-widget>` element, with a container inside that element's Shadow
//! DOM) and by the iframe page (`static/embed.html`). Each call mounts an
//! independent Leptos app with its own reactive owner, so several widgets on
//! one page do not share state. The returned handle unmounts it.

use std::any::Any;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::browser_json;
use crate::components::widget_app::WidgetApp;
use crate::config::{ConfigError, WidgetConfig};
use crate::i18n::Lang;

/// A mounted widget. Dropping it (or calling `unmount()` from JavaScript)
/// disposes its reactive graph and removes its DOM. JavaScript must keep the
/// handle reachable (the loader stores it on the `<ticket-widget>` element):
/// wasm-bindgen frees a garbage-collected handle, which unmounts the widget.
#[wasm_bindgen]
pub struct MountedWidget {
    _mounted: Box<dyn Any>,
}

#[wasm_bindgen]
impl MountedWidget {
    /// Removes the widget from the page and frees its state.
    pub fn unmount(self) {}
}

/// Mounts a widget into `host` (an element, normally inside a shadow root).
///
/// `config_json`: `{"api_base", "partner_key", "lang"?, "event"?, "show"?,
/// "mode"?: "element" | "iframe", "payment_url"?}`.
/// `pay` (optional): called with the payment hand-off detail when the buyer
/// presses "pay" (unless `payment_url` is set); its promise resolving means
/// the partner's payment step finished, rejecting that it did not.
/// `emit` (optional): called as `emit(name, detailJson)` for each event the
/// host page is told of (`crate::host_events`); the loader dispatches them.
/// Throws a readable error when the configuration is unusable.
#[wasm_bindgen]
pub fn mount_widget(
    host: web_sys::Element,
    config_json: &str,
    pay: Option<js_sys::Function>,
    emit: Option<js_sys::Function>,
) -> Result<MountedWidget, JsError> {
    let config = browser_json::parse(config_json)
        .map_err(ConfigError::NotJson)
        .and_then(|document| WidgetConfig::read(browser_json::reader(document)))
        .map_err(|error| JsError::new(&error.to_string()))?;
    let window = web_sys::window();
    let navigator_language = window.as_ref().and_then(|window| window.navigator().language());
    let page_language = window
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        .and_then(|html| html.get_attribute("lang"));
    let lang = Lang::resolve(config.lang.as_deref(), page_language.as_deref(), navigator_language.as_deref());
    let host: web_sys::HtmlElement =
        host.dyn_into().map_err(|_| JsError::new("mount_widget needs an HTML element to mount into"))?;
    let config = Arc::new(config);
    let mounted = leptos::mount::mount_to(host, move || view! { <WidgetApp config lang payment_handler=pay host_events=emit /> });
    Ok(MountedWidget { _mounted: Box::new(mounted) })
}
