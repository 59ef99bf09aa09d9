//! JSON in the browser glue: the browser parses and prints it, serde-wasm-bindgen
//! moves values between those JavaScript objects and the contract's types.
//!
//! The widget links no JSON parser of its own: `serde_json` with its number
//! parsing and formatting was about a tenth of the wasm (see ARCHITECTURE.md,
//! "Wasm size"), while the browser's `JSON.parse` / `Response.json()` are
//! already there. The pure modules read through a generic
//! `serde::Deserializer` (or take the typed value), so native tests still
//! feed them JSON text through `serde_json`; only this module and its callers
//! know about JavaScript values.
//!
//! Reading goes by the Rust type's declared fields (serde-wasm-bindgen looks
//! each one up on the object), so unknown fields are skipped as before.
//! Writing uses the JSON-compatible settings: `None` becomes `null`, maps
//! become plain objects and 64-bit integers plain numbers, as `serde_json`
//! wrote them.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// A parsed JSON value, as a serde `Deserializer`.
pub fn reader(value: JsValue) -> serde_wasm_bindgen::Deserializer {
    serde_wasm_bindgen::Deserializer::from(value)
}

/// Parses `text` with the browser's `JSON.parse`; the error is the
/// browser's own message (`Unexpected token … in JSON at position 1`).
pub fn parse(text: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(text).map_err(|error| match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => "JSON.parse failed".to_owned(),
    })
}

/// Reads `T` out of JSON `text`, if it is JSON of that shape.
pub fn read_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = parse(text).ok()?;
    T::deserialize(reader(value)).ok()
}

/// `value` as a JavaScript value of the shape `serde_json` would have written.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// `value` as JSON text (`JSON.stringify`).
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> String {
    js_sys::JSON::stringify(&to_value(value)).ok().and_then(|text| text.as_string()).unwrap_or_default()
}
