//! What the embedding page tells the widget, and the proxy URLs built from it.
//!
//! The loader (`static/widget.js`) or the iframe page (`static/embed.html`)
//! passes a small JSON object to `mount_widget`; this module validates it once,
//! so the components can trust `api_base` and `partner_key` to be present.
//! URL building lives here too: ids come from the catalogue, but they still go
//! through percent-encoding before they become path segments.

use serde::{Deserialize, Deserializer};
use ticket_contract::LIVE_PATH_SEGMENT;

/// How the widget is embedded; the stylesheet sizes the seat map differently
/// inside an auto-height iframe (where `vh` would feed back into the height).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmbedMode {
    #[default]
    Element,
    Iframe,
}

impl EmbedMode {
    pub fn css_class(self) -> &'static str {
        match self {
            EmbedMode::Element => "tw-mode-element",
            EmbedMode::Iframe => "tw-mode-iframe",
        }
    }
}

/// `mount_widget`'s configuration, as JSON:
/// `{"api_base": "...", "partner_key": "pk_...", "lang": "ru", "event": "qt:1001", "mode": "element"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WidgetConfig {
    /// Origin (and optional path prefix) of the edge proxy, without `/v1`.
    pub api_base: String,
    /// The partner's *public* key, sent as `X-Partner-Key`.
    pub partner_key: String,
    #[serde(default)]
    pub lang: Option<String>,
    /// Opens this event directly instead of the events list.
    #[serde(default)]
    pub event: Option<String>,
    /// With `event`: opens this date's hall directly (the `show` attribute).
    #[serde(default)]
    pub show: Option<String>,
    #[serde(default)]
    pub mode: EmbedMode,
    /// The partner's payment page (the `payment-url` attribute), with
    /// `{hold_id}` where the hold id goes. Without it, payment is handed over
    /// through the `ticket-widget:pay` event / `onpay` callback.
    #[serde(default)]
    pub payment_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the widget configuration is not valid JSON: {0}")]
    NotJson(String),
    #[error("the widget needs a partner key (the `partner` attribute)")]
    MissingPartnerKey,
    #[error("the widget needs the proxy's address (`api_base`)")]
    MissingApiBase,
}

impl WidgetConfig {
    /// Reads and checks the configuration from its parsed JSON (`mount.rs`
    /// parses the text with the browser's `JSON.parse`, and reports text that
    /// is not JSON as [`ConfigError::NotJson`] itself). A document of the
    /// wrong shape is `NotJson` too, with what was wrong in it.
    pub fn read<'de, D: Deserializer<'de>>(document: D) -> Result<WidgetConfig, ConfigError> {
        let mut config = WidgetConfig::deserialize(document).map_err(|error| ConfigError::NotJson(error.to_string()))?;
        config.partner_key = config.partner_key.trim().to_owned();
        config.api_base = config.api_base.trim().trim_end_matches('/').to_owned();
        config.event = config.event.map(|id| id.trim().to_owned()).filter(|id| !id.is_empty());
        config.show = config.show.map(|id| id.trim().to_owned()).filter(|id| !id.is_empty() && config.event.is_some());
        config.payment_url = crate::payment::payment_url_template(config.payment_url.as_deref());
        if config.partner_key.is_empty() {
            return Err(ConfigError::MissingPartnerKey);
        }
        if config.api_base.is_empty() {
            return Err(ConfigError::MissingApiBase);
        }
        Ok(config)
    }

    /// `POST /v1/holds`
    pub fn holds_url(&self) -> String {
        format!("{}/v1/holds", self.api_base)
    }

    /// `GET | PATCH | DELETE /v1/holds/{hold_id}`
    pub fn hold_url(&self, hold_id: &str) -> String {
        format!("{}/v1/holds/{}", self.api_base, encode_path_segment(hold_id))
    }

    /// `POST /v1/holds/{hold_id}/release?partner=…` — the release twin that
    /// `navigator.sendBeacon` can call (it cannot set `X-Partner-Key`).
    pub fn release_beacon_url(&self, hold_id: &str) -> String {
        format!("{}/release?partner={}", self.hold_url(hold_id), encode_path_segment(&self.partner_key))
    }

    /// The `sessionStorage` key of this partner's hold.
    pub fn stored_hold_key(&self) -> String {
        format!("ticket-widget:hold:{}", self.partner_key)
    }

    /// `GET /v1/events`
    pub fn events_url(&self) -> String {
        format!("{}/v1/events", self.api_base)
    }

    /// `GET /v1/events/{event_id}/shows/{show_id}/layout`
    pub fn layout_url(&self, event_id: &str, show_id: &str) -> String {
        self.show_url(event_id, show_id, "layout")
    }

    /// `GET /v1/events/{event_id}/shows/{show_id}/availability`
    pub fn availability_url(&self, event_id: &str, show_id: &str) -> String {
        self.show_url(event_id, show_id, "availability")
    }

    /// `ws(s)://…/v1/events/{event_id}/shows/{show_id}/live?partner=…` — the
    /// show's live feed, a WebSocket: browsers cannot set headers on one, so
    /// the public key goes in the query. `None` when the proxy's address is
    /// not an http(s) URL (then the hall is polled instead).
    pub fn live_url(&self, event_id: &str, show_id: &str) -> Option<String> {
        let http = self.show_url(event_id, show_id, LIVE_PATH_SEGMENT);
        let socket = if let Some(rest) = http.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            format!("ws://{}", http.strip_prefix("http://")?)
        };
        Some(format!("{socket}?partner={}", encode_path_segment(&self.partner_key)))
    }

    fn show_url(&self, event_id: &str, show_id: &str, document: &str) -> String {
        format!("{}/v1/events/{}/shows/{}/{document}", self.api_base, encode_path_segment(event_id), encode_path_segment(show_id))
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `:`
/// (legal in a path segment, and part of every event id: `qt:1001`).
pub fn encode_path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    impl WidgetConfig {
        /// As `mount.rs` does it, with `serde_json` in place of the browser's parser.
        fn from_json(text: &str) -> Result<WidgetConfig, ConfigError> {
            let document: serde_json::Value =
                serde_json::from_str(text).map_err(|error| ConfigError::NotJson(error.to_string()))?;
            WidgetConfig::read(document)
        }
    }

    #[test]
    fn parses_and_normalises_configs() {
        let config = WidgetConfig::from_json(
            r#"{"api_base":"http://127.0.0.1:8787/","partner_key":" pk_demo ","event":"","mode":"iframe"}"#,
        )
        .unwrap();
        assert_eq!(config.api_base, "http://127.0.0.1:8787");
        assert_eq!(config.partner_key, "pk_demo");
        assert_eq!(config.event, None);
        assert_eq!(config.lang, None);
        assert_eq!(config.mode, EmbedMode::Iframe);
        assert_eq!(config.payment_url, None);
        let with_payment = WidgetConfig::from_json(
            r#"{"api_base":"http://x","partner_key":"pk","payment_url":" https://p.example/pay?hold={hold_id} "}"#,
        )
        .unwrap();
        assert_eq!(with_payment.payment_url.as_deref(), Some("https://p.example/pay?hold={hold_id}"));
        let scripted = WidgetConfig::from_json(r#"{"api_base":"http://x","partner_key":"pk","payment_url":"javascript:x"}"#);
        assert_eq!(scripted.unwrap().payment_url, None);

        let cases: &[(&str, ConfigError)] = &[
            (r#"{"api_base":"http://x","partner_key":""}"#, ConfigError::MissingPartnerKey),
            (r#"{"api_base":"  ","partner_key":"pk"}"#, ConfigError::MissingApiBase),
        ];
        for (json, expected) in cases {
            assert_eq!(&WidgetConfig::from_json(json).unwrap_err(), expected, "{json}");
        }
        assert!(matches!(WidgetConfig::from_json("{"), Err(ConfigError::NotJson(_))));
        // Valid JSON of the wrong shape: the page's author is told what is wrong.
        let wrong_shapes: &[(&str, &str)] = &[
            (r#"{"api_base":"http://x","partner_key":"pk","mode":"popup"}"#, "popup"),
            (r#"{"partner_key":"pk"}"#, "api_base"),
            (r#"{"api_base":"http://x","partner_key":7}"#, "7"),
            ("null", "null"),
        ];
        for &(json, named) in wrong_shapes {
            let message = WidgetConfig::from_json(json).unwrap_err().to_string();
            assert!(message.contains("not valid JSON") && message.contains(named), "{json}: {message}");
        }
    }

    #[test]
    fn builds_proxy_urls_with_encoded_ids() {
        let config =
            WidgetConfig::from_json(r#"{"api_base":"http://127.0.0.1:8787","partner_key":"pk","lang":"ru","event":"qt:1001"}"#)
                .unwrap();
        let cases: &[(String, &str)] = &[
            (config.events_url(), "http://127.0.0.1:8787/v1/events"),
            (config.layout_url("qt:1001", "2001"), "http://127.0.0.1:8787/v1/events/qt:1001/shows/2001/layout"),
            (
                config.availability_url("tc:5f1a0c0e2b3c4d5e6f708192", "5f1a0c0e2b3c4d5e6f708192"),
                "http://127.0.0.1:8787/v1/events/tc:5f1a0c0e2b3c4d5e6f708192/shows/5f1a0c0e2b3c4d5e6f708192/availability",
            ),
            (
                config.layout_url("qt:../../admin", "1?x=1#y"),
                "http://127.0.0.1:8787/v1/events/qt:..%2F..%2Fadmin/shows/1%3Fx%3D1%23y/layout",
            ),
            (config.layout_url("кино", "1 2"), "http://127.0.0.1:8787/v1/events/%D0%BA%D0%B8%D0%BD%D0%BE/shows/1%202/layout"),
            (config.holds_url(), "http://127.0.0.1:8787/v1/holds"),
            (config.hold_url("h_0123abcd"), "http://127.0.0.1:8787/v1/holds/h_0123abcd"),
            (config.hold_url("h_1/../x"), "http://127.0.0.1:8787/v1/holds/h_1%2F..%2Fx"),
            (config.release_beacon_url("h_1"), "http://127.0.0.1:8787/v1/holds/h_1/release?partner=pk"),
            (config.stored_hold_key(), "ticket-widget:hold:pk"),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }

        let live = |api_base: &str, partner_key: &str| WidgetConfig {
            api_base: api_base.into(),
            partner_key: partner_key.into(),
            ..config.clone()
        };
        let live_cases: &[(WidgetConfig, Option<&str>)] = &[
            (config.clone(), Some("ws://127.0.0.1:8787/v1/events/qt:1001/shows/2001/live?partner=pk")),
            (
                live("https://tickets.example/proxy", "pk_demo 0&x"),
                Some("wss://tickets.example/proxy/v1/events/qt:1001/shows/2001/live?partner=pk_demo%200%26x"),
            ),
            (live("/relative", "pk"), None),
            (live("ftp://x", "pk"), None),
        ];
        for (config, expected) in live_cases {
            assert_eq!(config.live_url("qt:1001", "2001").as_deref(), *expected, "{}", config.api_base);
        }
    }
}
