//! QTickets reads parameters "в GET или POST параметрах" (l.385) — the
//! document does not say how a POST body is encoded. The simulator accepts
//! all the usual ways a client sends them: the query string, an
//! `application/x-www-form-urlencoded` body, a `multipart/form-data` body
//! (what PHP's curl sends for an array of fields) and a JSON object. Body
//! values win over query values, as PHP's `$_REQUEST` has it.
//!
//! Decoding follows PHP too: in a query string or form body `+` is a space,
//! so an unencoded offset in `reserved_to=2018-05-24T17:00:00+10:00` arrives
//! as `…17:00:00 10:00` and fails validation. Clients must send `%2B`.

use std::collections::BTreeMap;

use serde_json::Value;

/// Parameter name → value, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestParameters {
    values: BTreeMap<String, String>,
}

impl RequestParameters {
    /// Collects the query string and the body. `Err` carries a message for
    /// `VALIDATION_ERROR` (a body that claims to be JSON but is not an object).
    pub fn collect(query: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Result<RequestParameters, String> {
        let mut values = BTreeMap::new();
        if let Some(query) = query {
            values.extend(decode_form_urlencoded(query.as_bytes()));
        }
        let original_content_type = content_type.unwrap_or("");
        let content_type = original_content_type.to_ascii_lowercase();
        let body_is_blank = body.iter().all(u8::is_ascii_whitespace);
        if !body_is_blank {
            let body_values = if content_type.starts_with("application/json")
                || (content_type.is_empty() && body.trim_ascii_start().starts_with(b"{"))
            {
                decode_json_object(body)?
            } else if content_type.starts_with("multipart/form-data") {
                decode_multipart(&multipart_boundary(original_content_type), body)
            } else {
                decode_form_urlencoded(body)
            };
            values.extend(body_values);
        }
        Ok(RequestParameters { values })
    }

    /// A parameter's value, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        RequestParameters { values: pairs.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect() }
    }
}

/// The `boundary` of a multipart content type, case kept (boundaries are
/// case-sensitive; the parameter name is not).
fn multipart_boundary(content_type: &str) -> String {
    content_type
        .split(';')
        .filter_map(|part| {
            let part = part.trim();
            part.get(..9).filter(|name| name.eq_ignore_ascii_case("boundary=")).map(|_| &part[9..])
        })
        .map(|boundary| boundary.trim_matches('"').to_owned())
        .next()
        .unwrap_or_default()
}

/// `a=1&b=x+y&c=%2B` → `{a: "1", b: "x y", c: "+"}`; the last of repeated names wins.
pub fn decode_form_urlencoded(encoded: &[u8]) -> BTreeMap<String, String> {
    encoded
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut parts = pair.splitn(2, |byte| *byte == b'=');
            let name = percent_decode(parts.next().unwrap_or_default());
            let value = percent_decode(parts.next().unwrap_or_default());
            (name, value)
        })
        .collect()
}

fn percent_decode(encoded: &[u8]) -> String {
    let mut decoded = Vec::with_capacity(encoded.len());
    let mut position = 0;
    while position < encoded.len() {
        match encoded[position] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = encoded
                    .get(position + 1..position + 3)
                    .and_then(|digits| std::str::from_utf8(digits).ok())
                    .and_then(|digits| u8::from_str_radix(digits, 16).ok());
                match hex {
                    Some(byte) => {
                        decoded.push(byte);
                        position += 2;
                    }
                    None => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        position += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// A JSON object's scalar members as text: numbers as written, booleans as
/// `1` / `0` (so `"paid": true` means `paid=1`), nulls dropped. Nested
/// arrays and objects are not parameters the API has, and are ignored.
fn decode_json_object(body: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return Err("The request body is not a JSON object".to_owned());
    };
    Ok(object
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => if flag { "1" } else { "0" }.to_owned(),
                Value::Null | Value::Array(_) | Value::Object(_) => return None,
            };
            Some((name, text))
        })
        .collect())
}

/// The text fields of a `multipart/form-data` body (file parts are ignored).
fn decode_multipart(boundary: &str, body: &[u8]) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    if boundary.is_empty() {
        return fields;
    }
    let body = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((headers, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let disposition =
            headers.lines().find(|line| line.to_ascii_lowercase().starts_with("content-disposition:")).unwrap_or("");
        if disposition.contains("filename=") {
            continue;
        }
        let name = disposition
            .split(';')
            .filter_map(|item| item.trim().strip_prefix("name="))
            .map(|name| name.trim_matches('"').to_owned())
            .next();
        if let Some(name) = name {
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            fields.insert(name, value.to_owned());
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collected(query: Option<&str>, content_type: Option<&str>, body: &str) -> Result<Vec<(String, String)>, String> {
        RequestParameters::collect(query, content_type, body.as_bytes()).map(|parameters| parameters.values.into_iter().collect())
    }

    fn pairs(expected: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
        Ok(expected.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect())
    }

    #[test]
    fn every_usual_encoding_gives_the_same_parameters() {
        let expected = pairs(&[("paid", "0"), ("reserved_to", "2018-05-24T17:00:00+10:00"), ("seat_id", "6-1;52")]);
        let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"seat_id\"\r\n\r\n6-1;52\r\n--XyZ\r\nContent-Disposition: form-data; name=\"paid\"\r\n\r\n0\r\n--XyZ\r\nContent-Disposition: form-data; name=\"reserved_to\"\r\n\r\n2018-05-24T17:00:00+10:00\r\n--XyZ--\r\n";
        let cases = [
            (Some("seat_id=6-1%3B52&paid=0&reserved_to=2018-05-24T17%3A00%3A00%2B10%3A00"), None, ""),
            (None, Some("application/x-www-form-urlencoded"), "seat_id=6-1;52&paid=0&reserved_to=2018-05-24T17:00:00%2B10:00"),
            (
                None,
                Some("application/json; charset=utf-8"),
                r#"{"seat_id": "6-1;52", "paid": false, "reserved_to": "2018-05-24T17:00:00+10:00", "note": null, "list": [1]}"#,
            ),
            (None, None, r#"{"seat_id": "6-1;52", "paid": 0, "reserved_to": "2018-05-24T17:00:00+10:00"}"#),
            (Some("paid=1"), Some("multipart/form-data; boundary=XyZ"), multipart),
        ];
        for (query, content_type, body) in cases {
            assert_eq!(collected(query, content_type, body), expected, "{query:?} {content_type:?} {body}");
        }
    }

    #[test]
    fn body_beats_query_and_plus_is_a_space() {
        assert_eq!(
            collected(
                Some("paid=1&seat_id=1-1;1"),
                Some("application/x-www-form-urlencoded"),
                "paid=0&reserved_to=2018-05-24T17:00:00+10:00&broken=%zz"
            ),
            pairs(&[("broken", "%zz"), ("paid", "0"), ("reserved_to", "2018-05-24T17:00:00 10:00"), ("seat_id", "1-1;1"),])
        );
        assert!(collected(None, Some("application/json"), "[1, 2]").is_err());
        assert!(collected(None, Some("application/json"), "{not json").is_err());
        assert_eq!(collected(None, Some("application/json"), "  "), pairs(&[]));
    }
}
