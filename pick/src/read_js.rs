//! Layout and availability out of the JavaScript objects the loader parsed
//! (`Response.json()`), by a hand-written reader that looks each field up
//! with `js_sys::Reflect`: no serde deserialiser in the wasm (measured on
//! the prototype: 13 KB brotli less than serde-wasm-bindgen).
//!
//! It accepts what the contract's serde derive would: required fields must
//! be there with the right type, `labels`, `accepts_promocodes`,
//! `revision` and `stale` default, unknown fields are ignored. Anything
//! else is `None`.

use js_sys::{Array, Reflect};
use ticket_contract::{Admission, AdmissionAvailability, Availability, Currency, Geometry, Label, Layout, Money, Seat, Zone};
use wasm_bindgen::{JsCast, JsValue};

/// One object's fields, looked up by name.
struct Fields(JsValue);

impl Fields {
    fn of(value: JsValue) -> Option<Fields> {
        value.is_object().then_some(Fields(value))
    }
    fn get(&self, name: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }
    fn string(&self, name: &str) -> Option<String> {
        self.get(name).as_string()
    }
    fn number(&self, name: &str) -> Option<f64> {
        self.get(name).as_f64()
    }
    /// An unsigned integer that fits `max` (serde rejects fractions).
    fn whole(&self, name: &str, max: f64) -> Option<f64> {
        self.number(name).filter(|number| number.fract() == 0.0 && (0.0..=max).contains(number))
    }
    fn money(&self, name: &str) -> Option<Money> {
        let money = Fields::of(self.get(name))?;
        let minor = money.number("minor").filter(|minor| minor.fract() == 0.0 && minor.abs() < 9.0e15)?;
        (money.string("currency")? == "RUB").then_some(Money { minor: minor as i64, currency: Currency::Rub })
    }
    /// Each element of the array `name` read by `item` (`[]` when absent
    /// and `optional`).
    fn list<T>(&self, name: &str, optional: bool, item: impl Fn(Fields) -> Option<T>) -> Option<Vec<T>> {
        let value = self.get(name);
        if optional && value.is_undefined() {
            return Some(Vec::new());
        }
        let array = value.dyn_into::<Array>().ok()?;
        (0..array.length()).map(|index| item(Fields::of(array.get(index))?)).collect()
    }
    /// `false` when absent.
    fn flag(&self, name: &str) -> Option<bool> {
        let value = self.get(name);
        if value.is_undefined() {
            Some(false)
        } else {
            value.as_bool()
        }
    }
}

pub fn layout(value: JsValue) -> Option<Layout> {
    let layout = Fields::of(value)?;
    let geometry = match layout.string("geometry")?.as_str() {
        "upstream" => Geometry::Upstream,
        "generated" => Geometry::Generated,
        _ => return None,
    };
    Some(Layout {
        event_id: layout.string("event_id")?,
        show_id: layout.string("show_id")?,
        version: layout.string("version")?,
        width: layout.number("width")? as f32,
        height: layout.number("height")? as f32,
        geometry,
        zones: layout.list("zones", false, |zone| {
            Some(Zone {
                id: zone.string("id")?,
                name: zone.string("name")?,
                price_min: zone.money("price_min")?,
                price_max: zone.money("price_max")?,
            })
        })?,
        seats: layout.list("seats", false, |seat| {
            Some(Seat {
                id: seat.string("id")?,
                zone: seat.whole("zone", u16::MAX as f64)? as u16,
                row: seat.string("row")?,
                place: seat.string("place")?,
                x: seat.number("x")? as f32,
                y: seat.number("y")? as f32,
                price: seat.money("price")?,
            })
        })?,
        admissions: layout.list("admissions", false, |admission| {
            Some(Admission {
                id: admission.string("id")?,
                zone: admission.whole("zone", u16::MAX as f64)? as u16,
                price: admission.money("price")?,
            })
        })?,
        labels: layout.list("labels", true, |label| {
            Some(Label { text: label.string("text")?, x: label.number("x")? as f32, y: label.number("y")? as f32 })
        })?,
        accepts_promocodes: layout.flag("accepts_promocodes")?,
    })
}

pub fn availability(value: JsValue) -> Option<Availability> {
    let document = Fields::of(value)?;
    let revision = match document.get("revision") {
        absent if absent.is_undefined() => 0,
        _ => document.whole("revision", 9.0e15)? as u64,
    };
    Some(Availability {
        event_id: document.string("event_id")?,
        show_id: document.string("show_id")?,
        layout_version: document.string("layout_version")?,
        seats_available: document.string("seats_available")?,
        admissions: document.list("admissions", false, |entry| {
            Some(AdmissionAvailability {
                id: entry.string("id")?,
                quantity_left: entry.whole("quantity_left", u32::MAX as f64)? as u32,
            })
        })?,
        revision,
        stale: document.flag("stale")?,
    })
}
