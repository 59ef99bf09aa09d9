//! The iframe page `/embed`: which `payment_url` its widget may follow.
//!
//! Opened as a top-level page (a link, not a frame), `frame-ancestors`
//! does not apply and the page has no trustworthy embedding origin: a
//! crafted link could have buyers enter their details on the genuine proxy
//! page and then send them to anyone's "payment" page. So the proxy, not
//! the page, decides: a `payment_url` is passed on only when its origin is
//! one of the partner's allowed origins ([`Partner::allows_payment_url`]),
//! written into the page's `<meta name="ticket-widget-payment-url">` (the
//! page never reads `payment_url` from its own address). Pure, so the rule
//! and the rewrite are tested natively.

use ticket_core::partners::Partner;

/// The empty slot in `widget/static/embed.html` that the proxy fills.
pub const PAYMENT_URL_SLOT: &str = r#"<meta name="ticket-widget-payment-url" content="">"#;

/// The `payment_url` the widget may follow: the one asked for (the query
/// parameter), if it is on one of `partner`'s origins.
pub fn allowed_payment_url<'a>(partner: &Partner, requested: Option<&'a str>) -> Option<&'a str> {
    requested.map(str::trim).filter(|url| partner.allows_payment_url(url))
}

/// The embed page with its payment-URL slot filled (escaped for the
/// attribute), or left empty.
pub fn with_payment_url(page: &str, payment_url: Option<&str>) -> String {
    match payment_url {
        Some(url) => {
            let filled = format!(r#"<meta name="ticket-widget-payment-url" content="{}">"#, ticket_paint::escape_attribute(url));
            page.replacen(PAYMENT_URL_SLOT, &filled, 1)
        }
        None => page.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_core::partners::PartnerDirectory;

    const EMBED_PAGE: &str = include_str!("../../widget/static/embed.html");

    fn demo() -> PartnerDirectory {
        PartnerDirectory::parse(
            r#"{"partners": [{"id": "demo", "name": "Demo", "public_key": "pk_demo_0000000000000000",
                "allowed_origins": ["http://127.0.0.1:8080", "https://*.shop.example"], "max_seats_per_hold": 10,
                "limits": {"window_seconds": 60, "reads": 1, "holds": 1, "server": 1}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_page_has_one_slot_and_reads_no_payment_url_from_its_address() {
        assert_eq!(EMBED_PAGE.matches(PAYMENT_URL_SLOT).count(), 1);
        assert!(!EMBED_PAGE.contains(r#"params.get("payment_url")"#), "the page must not take payment_url itself");
    }

    #[test]
    fn passes_on_only_a_payment_url_on_the_partners_origins() {
        let directory = demo();
        let partner = directory.by_public_key("pk_demo_0000000000000000").unwrap();
        let cases: &[(Option<&str>, Option<&str>)] = &[
            (Some("http://127.0.0.1:8080/pay#hold={hold_id}"), Some("http://127.0.0.1:8080/pay#hold={hold_id}")),
            (Some(" https://tickets.shop.example/pay "), Some("https://tickets.shop.example/pay")),
            (Some("https://evil.example/pay?hold={hold_id}"), None),
            (Some("http://127.0.0.1:8080@evil.example/"), None),
            (Some("javascript:alert(1)"), None),
            (Some(""), None),
            (None, None),
        ];
        for &(requested, expected) in cases {
            assert_eq!(allowed_payment_url(partner, requested), expected, "{requested:?}");
        }
    }

    #[test]
    fn fills_the_slot_escaped() {
        let page = with_payment_url(EMBED_PAGE, Some(r#"http://127.0.0.1:8080/pay?a=1&b="x"#));
        assert!(page.contains(r#"<meta name="ticket-widget-payment-url" content="http://127.0.0.1:8080/pay?a=1&amp;b=&quot;x">"#));
        assert!(!page.contains(PAYMENT_URL_SLOT));
        assert_eq!(with_payment_url(EMBED_PAGE, None), EMBED_PAGE);
    }
}
