//! How long each document may be served from cache, decided without a clock.
//!
//! Three documents, three lifetimes: the catalogue changes every few minutes,
//! a hall's layout almost never, its availability every second. The edge keeps
//! each for a short *fresh* period, then serves it stale while one request
//! revalidates it, then drops it. The caller passes `stored_at` and `now` (unix
//! seconds); this module only does the arithmetic, so tests can walk a
//! simulated clock across every boundary.
//!
//! ETags are strong and content-derived (FNV-1a of the body), so identical
//! bodies rendered in different data centres share a tag.

use crate::fingerprint::fnv1a_64_hex;

/// The cached documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Catalogue,
    Layout,
    Availability,
}

/// Where a stored copy stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Serve it; do not contact the upstream.
    Fresh,
    /// Serve it, and refresh it in the background (`waitUntil`).
    StaleRevalidate,
    /// Do not serve it; fetch anew (it may still serve as a fallback when the
    /// upstream is down, at the caller's discretion).
    Expired,
}

impl DocumentKind {
    /// Seconds a stored copy is served without asking the upstream.
    pub fn fresh_for(self) -> i64 {
        match self {
            DocumentKind::Catalogue => 60,
            DocumentKind::Layout => 3_600,
            DocumentKind::Availability => 5,
        }
    }

    /// Seconds after `fresh_for` during which a stale copy is still served
    /// while it is being refreshed.
    pub fn stale_while_revalidate(self) -> i64 {
        match self {
            DocumentKind::Catalogue => 300,
            DocumentKind::Layout => 86_400,
            DocumentKind::Availability => 30,
        }
    }

    /// The `Cache-Control` header for responses to browsers.
    pub fn browser_cache_control(self) -> &'static str {
        match self {
            DocumentKind::Catalogue => "public, max-age=60, stale-while-revalidate=300",
            DocumentKind::Layout => "public, max-age=3600, stale-while-revalidate=86400",
            DocumentKind::Availability => "public, max-age=5, stale-while-revalidate=30",
        }
    }
}

/// Judges a copy stored at `stored_at` at time `now` (both unix seconds). A
/// copy from the future (clock skew between data centres) counts as fresh.
pub fn judge(stored_at: i64, now: i64, kind: DocumentKind) -> Freshness {
    let age = now.saturating_sub(stored_at).max(0);
    if age < kind.fresh_for() {
        Freshness::Fresh
    } else if age < kind.fresh_for() + kind.stale_while_revalidate() {
        Freshness::StaleRevalidate
    } else {
        Freshness::Expired
    }
}

/// [`judge`] for a copy whose content stops being right at `valid_until`
/// (unix seconds; a layout's prices until a price rule ends): from then on
/// it is expired, never served stale.
pub fn judge_until(stored_at: i64, now: i64, kind: DocumentKind, valid_until: Option<i64>) -> Freshness {
    match valid_until {
        Some(until) if now >= until => Freshness::Expired,
        _ => judge(stored_at, now, kind),
    }
}

/// The browser's `Cache-Control` for a document good until `valid_until`
/// (unix seconds) at `now`: the kind's lifetimes, but never past that end.
pub fn browser_cache_control_until(kind: DocumentKind, now: i64, valid_until: Option<i64>) -> String {
    match valid_until {
        Some(until) if until.saturating_sub(now) < kind.fresh_for() + kind.stale_while_revalidate() => {
            let left = until.saturating_sub(now).max(0);
            let max_age = left.min(kind.fresh_for());
            let stale = (left - max_age).min(kind.stale_while_revalidate());
            if stale > 0 {
                format!("public, max-age={max_age}, stale-while-revalidate={stale}")
            } else {
                format!("public, max-age={max_age}")
            }
        }
        _ => kind.browser_cache_control().to_string(),
    }
}

/// A strong ETag for a response body: `"` + 16 hex digits + `"`.
pub fn etag_for(body: &[u8]) -> String {
    format!("\"{}\"", fnv1a_64_hex(body))
}

/// Whether an `If-None-Match` header value matches `etag` (so the answer is
/// `304 Not Modified`). Handles `*`, lists, and weak `W/` tags (If-None-Match
/// uses weak comparison, RFC 9110 §13.1.2).
pub fn if_none_match_matches(header: &str, etag: &str) -> bool {
    let wanted = etag.trim().trim_start_matches("W/");
    header.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DocumentKind::*;
    use Freshness::*;

    #[test]
    fn judges_every_boundary() {
        let stored_at = 1_800_000_000;
        let cases = [
            (Catalogue, 0, Fresh),
            (Catalogue, 59, Fresh),
            (Catalogue, 60, StaleRevalidate),
            (Catalogue, 359, StaleRevalidate),
            (Catalogue, 360, Expired),
            (Layout, 3_599, Fresh),
            (Layout, 3_600, StaleRevalidate),
            (Layout, 89_999, StaleRevalidate),
            (Layout, 90_000, Expired),
            (Availability, 4, Fresh),
            (Availability, 5, StaleRevalidate),
            (Availability, 34, StaleRevalidate),
            (Availability, 35, Expired),
            (Availability, -100, Fresh),
            (Catalogue, i64::MAX / 2, Expired),
        ];
        for (kind, age, expected) in cases {
            assert_eq!(judge(stored_at, stored_at + age, kind), expected, "{kind:?} aged {age}s");
        }
        assert_eq!(judge(i64::MIN, i64::MAX, Layout), Expired, "no overflow");
        assert_eq!(judge(i64::MAX, i64::MIN, Layout), Fresh, "no overflow");
    }

    #[test]
    fn a_document_with_an_end_expires_there() {
        let stored_at = 1_800_000_000;
        let until = Some(stored_at + 100);
        let cases = [(0, Fresh), (99, Fresh), (100, Expired), (5_000, Expired)];
        for (age, expected) in cases {
            assert_eq!(judge_until(stored_at, stored_at + age, Layout, until), expected, "aged {age}s");
        }
        assert_eq!(judge_until(stored_at, stored_at + 3_700, Layout, None), StaleRevalidate);
        assert_eq!(judge_until(stored_at, stored_at + 3_700, Layout, Some(stored_at + 1_000_000)), StaleRevalidate);

        let now = stored_at;
        let headers = [
            (None, "public, max-age=3600, stale-while-revalidate=86400"),
            (Some(now + 1_000_000), "public, max-age=3600, stale-while-revalidate=86400"),
            (Some(now + 4), "public, max-age=4"),
            (Some(now + 4_000), "public, max-age=3600, stale-while-revalidate=400"),
            (Some(now - 5), "public, max-age=0"),
        ];
        for (until, expected) in headers {
            assert_eq!(browser_cache_control_until(Layout, now, until), expected, "{until:?}");
        }
    }

    #[test]
    fn browser_headers_agree_with_the_edge_lifetimes() {
        for kind in [Catalogue, Layout, Availability] {
            let header = kind.browser_cache_control();
            assert!(header.contains(&format!("max-age={}", kind.fresh_for())), "{header}");
            assert!(header.contains(&format!("stale-while-revalidate={}", kind.stale_while_revalidate())), "{header}");
        }
    }

    #[test]
    fn etags_are_strong_stable_and_matched() {
        let etag = etag_for(b"{\"events\":[]}");
        assert_eq!(etag, etag_for(b"{\"events\":[]}"));
        assert_ne!(etag, etag_for(b"{\"events\":[1]}"));
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 18, "{etag}");
        let weak = format!("W/{etag}");
        let listed = format!("\"0000000000000000\", {etag}");
        let cases: &[(&str, bool)] = &[
            (&etag, true),
            (&weak, true),
            (&listed, true),
            ("*", true),
            ("\"0000000000000000\"", false),
            ("", false),
            (&etag[1..17], false),
        ];
        for &(header, expected) in cases {
            assert_eq!(if_none_match_matches(header, &etag), expected, "{header:?}");
        }
    }
}
