//! The hand-off to the partner's payment step, as data.
//!
//! A partner takes payment in one of two ways (see `examples/script-tag.html`):
//! a JavaScript callback / DOM event that receives [`PaymentDetail`], or a
//! redirect to a URL template from the `payment-url` attribute (the hold id
//! in the URL's fragment: `#hold={hold_id}`, see [`payment_url`]). Either way the
//! widget hands over only the hold (id, items, total, expiry, buyer): the
//! partner's server confirms it with its secret key, and the widget learns the
//! result by polling the hold.

use serde::Serialize;
use ticket_contract::{Buyer, Hold, HoldItem, Money};

/// The placeholder a `payment-url` template carries for the hold id.
pub const HOLD_ID_PLACEHOLDER: &str = "{hold_id}";

/// `detail` of the `ticket-widget:pay` event and the argument of `onpay`.
#[derive(Debug, Serialize)]
pub struct PaymentDetail<'a> {
    pub hold_id: &'a str,
    pub items: &'a [HoldItem],
    pub total: Money,
    pub expires_at: &'a str,
    pub buyer: Option<&'a Buyer>,
}

impl<'a> PaymentDetail<'a> {
    pub fn of(hold: &'a Hold) -> PaymentDetail<'a> {
        PaymentDetail {
            hold_id: &hold.id,
            items: &hold.items,
            total: hold.total,
            expires_at: &hold.expires_at,
            buyer: hold.buyer.as_ref(),
        }
    }
}

/// A usable `payment-url` template: absolute http(s) only, so a crafted
/// attribute or embed link cannot turn the pay button into a `javascript:` URL.
pub fn payment_url_template(configured: Option<&str>) -> Option<String> {
    let template = configured?.trim();
    let lower = template.to_ascii_lowercase();
    let is_http = lower.starts_with("https://") || lower.starts_with("http://");
    (is_http && template.len() > "https://".len()).then(|| template.to_owned())
}

/// The partner's payment page for `hold_id`: the template's `{hold_id}`
/// replaced by the (percent-encoded) id, or, without a placeholder, the id
/// added to the URL's fragment as `hold=` (`https://p.example/pay#hold=h_…`).
///
/// The fragment is where a hold id belongs: it never reaches a server, a
/// `Referer`, a proxy's or analytics' logs. The partner's payment page
/// reads it with `new URLSearchParams(location.hash.slice(1)).get("hold")`
/// and sends it on to its own server in a POST body. A template that puts
/// `{hold_id}` into its path or query still works (see
/// [`hold_id_outside_fragment`]).
pub fn payment_url(template: &str, hold_id: &str) -> String {
    let id = crate::config::encode_path_segment(hold_id);
    if template.contains(HOLD_ID_PLACEHOLDER) {
        return template.replace(HOLD_ID_PLACEHOLDER, &id);
    }
    match template.split_once('#') {
        None => format!("{template}#hold={id}"),
        Some((_, "")) => format!("{template}hold={id}"),
        Some(_) if template.ends_with('&') => format!("{template}hold={id}"),
        Some(_) => format!("{template}&hold={id}"),
    }
}

/// Whether a template puts the hold id where servers and `Referer`s see
/// it (its path or query, before any `#`): it still works, and the widget
/// warns in the developer console once, pointing to `#hold={hold_id}`.
pub fn hold_id_outside_fragment(template: &str) -> bool {
    let before_fragment = template.split('#').next().unwrap_or_default();
    before_fragment.contains(HOLD_ID_PLACEHOLDER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::HoldState;

    #[test]
    fn accepts_only_http_templates() {
        let cases: &[(Option<&str>, Option<&str>)] = &[
            (Some("https://partner.example/pay?hold={hold_id}"), Some("https://partner.example/pay?hold={hold_id}")),
            (Some("  HTTP://127.0.0.1:8081/pay "), Some("HTTP://127.0.0.1:8081/pay")),
            (Some("javascript:alert(1)//{hold_id}"), None),
            (Some("/pay?hold={hold_id}"), None),
            (Some("https://"), None),
            (Some(""), None),
            (None, None),
        ];
        for &(configured, expected) in cases {
            assert_eq!(payment_url_template(configured).as_deref(), expected, "{configured:?}");
        }
    }

    #[test]
    fn puts_the_hold_id_into_the_partner_url() {
        let id = "h_0123456789abcdef0123456789abcdef";
        // (template, hold id, URL, the id before the fragment)
        let cases: &[(&str, &str, &str, bool)] = &[
            ("https://p.example/pay#hold={hold_id}", id, "https://p.example/pay#hold=h_0123456789abcdef0123456789abcdef", false),
            ("https://p.example/pay", "h_1", "https://p.example/pay#hold=h_1", false),
            ("https://p.example/pay?lang=ru", "h_1", "https://p.example/pay?lang=ru#hold=h_1", false),
            ("https://p.example/pay#", "h_1", "https://p.example/pay#hold=h_1", false),
            ("https://p.example/pay#top", "h_1", "https://p.example/pay#top&hold=h_1", false),
            ("https://p.example/pay#top&", "h_1", "https://p.example/pay#top&hold=h_1", false),
            ("https://p.example/pay#h={hold_id}", "h/1?&#", "https://p.example/pay#h=h%2F1%3F%26%23", false),
            // Older templates with the id in the query or path still work.
            ("https://p.example/pay?hold={hold_id}", id, "https://p.example/pay?hold=h_0123456789abcdef0123456789abcdef", true),
            ("https://p.example/pay/{hold_id}/card", "h_1", "https://p.example/pay/h_1/card", true),
        ];
        for &(template, hold_id, expected, outside) in cases {
            assert_eq!(payment_url(template, hold_id), expected, "{template}");
            assert_eq!(hold_id_outside_fragment(template), outside, "{template}");
            let url = payment_url(template, hold_id);
            let before_fragment = url.split('#').next().unwrap_or_default();
            assert_eq!(before_fragment.contains("h_"), outside, "{template}: where the id went");
        }
    }

    #[test]
    fn hands_over_the_hold_as_documented() {
        let hold = Hold {
            id: "h_1".into(),
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            state: HoldState::Held,
            items: vec![HoldItem::Seat {
                seat_id: "s1".into(),
                zone_name: "Партер".into(),
                row: "1".into(),
                place: "5".into(),
                price: Money::rub_minor(150_000),
            }],
            total: Money::rub_minor(150_000),
            expires_at: "2027-03-14T16:10:00Z".into(),
            buyer: Some(Buyer { name: "Анна".into(), email: "a@example.ru".into(), phone: "+79161234567".into() }),
            tickets: vec![],
            tickets_pending: false,
            refund: None,
            promocode: None,
            details_withheld: false,
        };
        let expected = serde_json::json!({
            "hold_id": "h_1",
            "items": [{"kind": "seat", "seat_id": "s1", "zone_name": "Партер", "row": "1", "place": "5",
                       "price": {"minor": 150000, "currency": "RUB"}}],
            "total": {"minor": 150000, "currency": "RUB"},
            "expires_at": "2027-03-14T16:10:00Z",
            "buyer": {"name": "Анна", "email": "a@example.ru", "phone": "+79161234567"},
        });
        let actual = serde_json::to_value(PaymentDetail::of(&hold)).unwrap();
        assert_eq!(actual, expected);
    }
}
