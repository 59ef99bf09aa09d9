//! Serde building blocks that never reject a document for one odd field.
//!
//! The live QTickets report shows that real responses drift from the documents:
//! ids come as strings or numbers, collections as arrays or as objects keyed by
//! id, counters go missing. The provider `wire` modules are written with these
//! types so that a wrongly typed *field* becomes "absent" instead of failing the
//! whole catalogue, while the adapters still decide which absences matter.
//!
//! Everything here is streaming serde (no intermediate `serde_json::Value`), so a
//! 1.3 MB listing is read once and the parts we do not model (`scheme.zones` in
//! the QTickets listing, media blocks in TicketsCloud) are skipped cheaply.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::money::decimal_text_to_minor_units;

/// One JSON leaf of unknown type. Objects, arrays and `null` become `Nothing`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Scalar {
    #[default]
    Nothing,
    Text(String),
    Integer(i64),
    Unsigned(u64),
    Float(f64),
    Boolean(bool),
}

impl Scalar {
    /// The value as text: strings as they are (trimmed), numbers in decimal.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Scalar::Text(text) => {
                let trimmed = text.trim();
                (!trimmed.is_empty()).then(|| trimmed.to_string())
            }
            Scalar::Integer(number) => Some(number.to_string()),
            Scalar::Unsigned(number) => Some(number.to_string()),
            Scalar::Float(number) if number.is_finite() => {
                if number.fract() == 0.0 && number.abs() < 1e15 {
                    Some(format!("{}", *number as i64))
                } else {
                    Some(format!("{number}"))
                }
            }
            Scalar::Float(_) | Scalar::Boolean(_) | Scalar::Nothing => None,
        }
    }

    /// `true`/`false`, `1`/`0` and their string spellings.
    pub fn as_flag(&self) -> Option<bool> {
        match self {
            Scalar::Boolean(flag) => Some(*flag),
            Scalar::Integer(0) | Scalar::Unsigned(0) => Some(false),
            Scalar::Integer(1) | Scalar::Unsigned(1) => Some(true),
            Scalar::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A non-negative whole number (a count); negative counts clamp to zero.
    pub fn as_count(&self) -> Option<u64> {
        match self {
            Scalar::Unsigned(number) => Some(*number),
            Scalar::Integer(number) => Some((*number).max(0) as u64),
            Scalar::Float(number) if number.is_finite() && number.fract() == 0.0 => {
                Some(number.max(0.0).min(u64::MAX as f64) as u64)
            }
            Scalar::Text(text) => {
                let trimmed = text.trim();
                match trimmed.parse::<i64>() {
                    Ok(number) => Some(number.max(0) as u64),
                    Err(_) => trimmed.parse::<u64>().ok(),
                }
            }
            _ => None,
        }
    }

    /// A money amount in major units (`104.00`, `104`, `104.5`, `"104,50"`)
    /// converted to minor units, rounding half away from zero.
    pub fn as_minor_units(&self) -> Option<i64> {
        match self {
            Scalar::Integer(number) => number.checked_mul(100),
            Scalar::Unsigned(number) => i64::try_from(*number).ok()?.checked_mul(100),
            // Rust prints the shortest text that round-trips, so 0.285 is read
            // back as "0.285" and rounded in decimal, not as 28.4999… in binary.
            Scalar::Float(number) if number.is_finite() => decimal_text_to_minor_units(&format!("{number}")),
            Scalar::Text(text) => decimal_text_to_minor_units(text),
            _ => None,
        }
    }

    /// A coordinate: any finite number, or a numeric string.
    pub fn as_coordinate(&self) -> Option<f64> {
        let value = match self {
            Scalar::Integer(number) => *number as f64,
            Scalar::Unsigned(number) => *number as f64,
            Scalar::Float(number) => *number,
            Scalar::Text(text) => text.trim().parse::<f64>().ok()?,
            _ => return None,
        };
        value.is_finite().then_some(value)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("any JSON value")
            }
            fn visit_bool<E>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar::Boolean(value))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar::Integer(value))
            }
            fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
                Ok(match i64::try_from(value) {
                    Ok(signed) => Scalar::Integer(signed),
                    Err(_) => Scalar::Unsigned(value),
                })
            }
            fn visit_f64<E>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(value))
            }
            fn visit_str<E>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(value.to_string()))
            }
            fn visit_string<E>(self, value: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(value))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Nothing)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Nothing)
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Scalar, D::Error> {
                Scalar::deserialize(inner)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nothing)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nothing)
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// An object read as `T`, or `None` when the value is not an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Loose<T>(pub Option<T>);

impl<T> Default for Loose<T> {
    fn default() -> Self {
        Loose(None)
    }
}

impl<T> Loose<T> {
    pub fn as_ref(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectOrSkip::<T>(PhantomData)).map(|maybe| Loose(maybe.and_then(ObjectOrText::into_object)))
    }
}

/// A value that is either an object (`T`) or a plain text — e.g. QTickets'
/// `city`, an object in the Partners API and a bare name in the REST API.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectOrText<T> {
    Object(T),
    Text(String),
}

impl<T> ObjectOrText<T> {
    fn into_object(self) -> Option<T> {
        match self {
            ObjectOrText::Object(object) => Some(object),
            ObjectOrText::Text(_) => None,
        }
    }
}

/// [`ObjectOrText`] that tolerates any other JSON value as absent.
#[derive(Debug, Clone, PartialEq)]
pub struct LooseObjectOrText<T>(pub Option<ObjectOrText<T>>);

impl<T> Default for LooseObjectOrText<T> {
    fn default() -> Self {
        LooseObjectOrText(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for LooseObjectOrText<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectOrSkip::<T>(PhantomData)).map(LooseObjectOrText)
    }
}

struct ObjectOrSkip<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for ObjectOrSkip<T> {
    type Value = Option<ObjectOrText<T>>;
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|object| Some(ObjectOrText::Object(object)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(ObjectOrText::Text(value.to_string())))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
}

/// A collection that may arrive as an array or as an object keyed by id (the
/// keys are dropped; items keep their upstream order, which for objects is the
/// order of the keys as `serde_json` reads them). Items that are not objects
/// are skipped. `was_a_collection` tells a missing or scalar field apart from
/// an empty one.
#[derive(Debug, Clone, PartialEq)]
pub struct LooseList<T> {
    pub items: Vec<T>,
    pub was_a_collection: bool,
}

impl<T> Default for LooseList<T> {
    fn default() -> Self {
        LooseList { items: Vec::new(), was_a_collection: false }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for LooseList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for ListVisitor<T> {
            type Value = LooseList<T>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an array or an object keyed by id")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(Loose(item)) = seq.next_element::<Loose<T>>()? {
                    items.extend(item);
                }
                Ok(LooseList { items, was_a_collection: true })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some((_, Loose(item))) = map.next_entry::<IgnoredAny, Loose<T>>()? {
                    items.extend(item);
                }
                Ok(LooseList { items, was_a_collection: true })
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
                inner.deserialize_any(self)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(LooseList::default())
            }
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// A list of texts found anywhere one level deep: `["a","b"]`, `{"f":["a"]}`,
/// `"a"`. Used for TicketsCloud's `{"errors": [...]}` bodies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LooseTexts(pub Vec<String>);

impl<'de> Deserialize<'de> for LooseTexts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextsVisitor;
        impl<'de> Visitor<'de> for TextsVisitor {
            type Value = LooseTexts;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("texts")
            }
            fn visit_str<E>(self, value: &str) -> Result<LooseTexts, E> {
                Ok(LooseTexts(vec![value.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseTexts, A::Error> {
                let mut texts = Vec::new();
                while let Some(item) = seq.next_element::<Scalar>()? {
                    texts.extend(item.as_text());
                }
                Ok(LooseTexts(texts))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseTexts, A::Error> {
                let mut texts = Vec::new();
                while let Some((_, LooseTexts(inner))) = map.next_entry::<IgnoredAny, LooseTexts>()? {
                    texts.extend(inner);
                }
                Ok(LooseTexts(texts))
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<LooseTexts, D::Error> {
                LooseTexts::deserialize(inner)
            }
            fn visit_bool<E>(self, _: bool) -> Result<LooseTexts, E> {
                Ok(LooseTexts::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<LooseTexts, E> {
                Ok(LooseTexts::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<LooseTexts, E> {
                Ok(LooseTexts::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<LooseTexts, E> {
                Ok(LooseTexts::default())
            }
            fn visit_unit<E>(self) -> Result<LooseTexts, E> {
                Ok(LooseTexts::default())
            }
        }
        deserializer.deserialize_any(TextsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(default)]
        id: Scalar,
    }

    /// JSON → (text, flag, count, minor units) readings.
    type ScalarCase = (&'static str, Option<&'static str>, Option<bool>, Option<u64>, Option<i64>);

    #[test]
    fn scalars_read_every_spelling() {
        let cases: &[ScalarCase] = &[
            (r#""12""#, Some("12"), None, Some(12), Some(1200)),
            ("12", Some("12"), None, Some(12), Some(1200)),
            ("12.5", Some("12.5"), None, None, Some(1250)),
            ("1", Some("1"), Some(true), Some(1), Some(100)),
            (r#""true""#, Some("true"), Some(true), None, None),
            ("true", None, Some(true), None, None),
            ("null", None, None, None, None),
            ("[1,2]", None, None, None, None),
            (r#"{"a":1}"#, None, None, None, None),
            ("-3", Some("-3"), None, Some(0), Some(-300)),
            (r#""  ""#, None, None, None, None),
        ];
        for &(json, text, flag, count, minor) in cases {
            let scalar: Scalar = serde_json::from_str(json).unwrap();
            assert_eq!(scalar.as_text().as_deref(), text, "text of {json}");
            assert_eq!(scalar.as_flag(), flag, "flag of {json}");
            assert_eq!(scalar.as_count(), count, "count of {json}");
            assert_eq!(scalar.as_minor_units(), minor, "minor units of {json}");
        }
    }

    #[test]
    fn lists_accept_arrays_objects_and_skip_the_rest() {
        let cases: &[(&str, usize, bool)] = &[
            (r#"[{"id":1},{"id":"2"},3,"x",null]"#, 2, true),
            (r#"{"a":{"id":1},"b":{"id":2},"c":[]}"#, 2, true),
            ("[]", 0, true),
            ("{}", 0, true),
            (r#""nope""#, 0, false),
            ("null", 0, false),
            ("42", 0, false),
        ];
        for &(json, count, was_a_collection) in cases {
            let list: LooseList<Item> = serde_json::from_str(json).unwrap();
            assert_eq!(list.items.len(), count, "{json}");
            assert_eq!(list.was_a_collection, was_a_collection, "{json}");
        }
    }

    #[test]
    fn error_texts_are_collected_from_arrays_and_objects() {
        let cases: &[(&str, &[&str])] = &[
            (r#"["Event x not found"]"#, &["Event x not found"]),
            (r#"{"tickets":["bad"],"other":"worse"}"#, &["bad", "worse"]),
            (r#""plain""#, &["plain"]),
            ("17", &[]),
        ];
        for &(json, expected) in cases {
            let LooseTexts(texts) = serde_json::from_str(json).unwrap();
            assert_eq!(texts, expected, "{json}");
        }
    }
}
