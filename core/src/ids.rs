//! Validation of the ids a buyer's browser sends, before any of them is put
//! into an upstream URL.
//!
//! Public event ids carry their provider (`qt:1001`, `tc:5d31fbdd27649b0dff076117`)
//! so every later request names its upstream without a lookup. The accepted
//! alphabets are tiny on purpose (ASCII digits; ASCII hex) — anything else,
//! including `/`, `..`, percent-escapes, backslashes, whitespace, control and
//! look-alike Unicode characters, is refused here, so no path can be injected
//! into an upstream call. Accepted ids are also *canonical* (no leading zeros,
//! lowercase hex), so one resource has one cache key.
//!
//! Rejections never echo the offending text: it is attacker-controlled.

use thiserror::Error;
use ticket_contract::Provider;

/// Longest raw id we look at; anything longer is refused before it is scanned.
pub const LONGEST_ACCEPTED_ID: usize = 64;
/// QTickets event and show ids are 1 to 12 decimal digits.
pub const QTICKETS_ID_MAX_DIGITS: usize = 12;
/// TicketsCloud ids are MongoDB ObjectIds: 24 hex digits.
pub const TICKETSCLOUD_ID_HEX_DIGITS: usize = 24;

const QTICKETS_PREFIX: &str = "qt:";
const TICKETSCLOUD_PREFIX: &str = "tc:";

/// A validated reference to one upstream event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventRef {
    pub provider: Provider,
    /// The id as the upstream knows it: digits for QTickets, lowercase hex for
    /// TicketsCloud. Safe to put in a URL path segment.
    pub upstream_id: String,
}

impl EventRef {
    /// The provider-prefixed id the widget sees, e.g. `qt:12`.
    pub fn public_id(&self) -> String {
        public_event_id(self.provider, &self.upstream_id)
    }
}

/// Builds the public id for an upstream event id (used by the catalogue parsers).
pub fn public_event_id(provider: Provider, upstream_id: &str) -> String {
    match provider {
        Provider::Qtickets => format!("{QTICKETS_PREFIX}{upstream_id}"),
        Provider::Ticketscloud => format!("{TICKETSCLOUD_PREFIX}{upstream_id}"),
    }
}

/// Which request field an id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdField {
    EventId,
    ShowId,
}

impl IdField {
    pub fn as_str(self) -> &'static str {
        match self {
            IdField::EventId => "event_id",
            IdField::ShowId => "show_id",
        }
    }
}

/// Why an id was refused. The `Display` text is safe to show to a developer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum InvalidIdReason {
    #[error("it is empty")]
    Empty,
    #[error("it is longer than {LONGEST_ACCEPTED_ID} characters")]
    TooLong,
    #[error("it contains a character that is not an ASCII letter, digit or the provider colon")]
    ForbiddenCharacter,
    #[error("it does not start with a known provider prefix (`qt:` or `tc:`)")]
    UnknownProvider,
    #[error("a QTickets id is 1 to {QTICKETS_ID_MAX_DIGITS} decimal digits")]
    NotQticketsDigits,
    #[error("an id does not start with the digit 0")]
    LeadingZero,
    #[error("a TicketsCloud id is exactly {TICKETSCLOUD_ID_HEX_DIGITS} hexadecimal digits")]
    NotTicketscloudObjectId,
    /// Well-formed, but a TicketsCloud event has exactly one show whose id is
    /// the event's own id. Reported as "show not found" (404), not 400.
    #[error("it is not a show of this event")]
    NotAShowOfThisEvent,
}

/// An id refused by [`parse_event_id`] or [`parse_show_id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("invalid {}: {reason}", field.as_str())]
pub struct InvalidId {
    pub field: IdField,
    pub reason: InvalidIdReason,
}

/// Validates a public event id (`qt:<digits>` or `tc:<24 hex>`).
pub fn parse_event_id(raw: &str) -> Result<EventRef, InvalidId> {
    let refuse = |reason| InvalidId { field: IdField::EventId, reason };
    check_alphabet(raw).map_err(refuse)?;
    if let Some(digits) = raw.strip_prefix(QTICKETS_PREFIX) {
        let upstream_id = qtickets_digits(digits).map_err(refuse)?;
        Ok(EventRef { provider: Provider::Qtickets, upstream_id })
    } else if let Some(hex) = raw.strip_prefix(TICKETSCLOUD_PREFIX) {
        let upstream_id = ticketscloud_object_id(hex).map_err(refuse)?;
        Ok(EventRef { provider: Provider::Ticketscloud, upstream_id })
    } else {
        Err(refuse(InvalidIdReason::UnknownProvider))
    }
}

/// Validates a show id of `event` and returns it in upstream form.
///
/// QTickets: 1 to 12 digits. TicketsCloud: an event has a single date, and its
/// show id is the event's own 24-hex id. Any other well-formed id, of either
/// provider's form, is [`InvalidIdReason::NotAShowOfThisEvent`].
pub fn parse_show_id(event: &EventRef, raw: &str) -> Result<String, InvalidId> {
    let refuse = |reason| InvalidId { field: IdField::ShowId, reason };
    check_alphabet(raw).map_err(refuse)?;
    if raw.contains(':') {
        return Err(refuse(InvalidIdReason::ForbiddenCharacter));
    }
    // A show id well formed for the other provider is a show this event
    // does not have (404), not a malformed id (400): the API document's
    // `ShowId` accepts both forms for every event.
    let other_providers_form = |reason| match event.provider {
        Provider::Qtickets if ticketscloud_object_id(raw).is_ok() => InvalidIdReason::NotAShowOfThisEvent,
        Provider::Ticketscloud if qtickets_digits(raw).is_ok() => InvalidIdReason::NotAShowOfThisEvent,
        _ => reason,
    };
    match event.provider {
        Provider::Qtickets => qtickets_digits(raw).map_err(|reason| refuse(other_providers_form(reason))),
        Provider::Ticketscloud => {
            let show_id = ticketscloud_object_id(raw).map_err(|reason| refuse(other_providers_form(reason)))?;
            if show_id == event.upstream_id {
                Ok(show_id)
            } else {
                Err(refuse(InvalidIdReason::NotAShowOfThisEvent))
            }
        }
    }
}

/// Longest seat or admission id accepted from a browser.
pub const LONGEST_ACCEPTED_ITEM_ID: usize = 64;

/// Whether `raw` can be a seat or admission id from a layout: 1 to 64 ASCII
/// letters, digits and `-_;:.` (QTickets seat ids look like `1-12;7` or
/// `tancevalnyj-parter-1;1`, TicketsCloud's are 24-hex ObjectIds). Such ids
/// only ever travel in upstream request *bodies* (form or JSON), never in a
/// URL path, and must also exist in the show's layout before they are used.
pub fn is_acceptable_item_id(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= LONGEST_ACCEPTED_ITEM_ID
        && raw.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b';' | b':' | b'.'))
}

/// Length and alphabet checks shared by every id: ASCII letters, digits and
/// `:` only. Runs before anything else looks at the text.
fn check_alphabet(raw: &str) -> Result<(), InvalidIdReason> {
    if raw.is_empty() {
        return Err(InvalidIdReason::Empty);
    }
    if raw.len() > LONGEST_ACCEPTED_ID {
        return Err(InvalidIdReason::TooLong);
    }
    if !raw.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b':') {
        return Err(InvalidIdReason::ForbiddenCharacter);
    }
    Ok(())
}

fn qtickets_digits(digits: &str) -> Result<String, InvalidIdReason> {
    let well_formed =
        !digits.is_empty() && digits.len() <= QTICKETS_ID_MAX_DIGITS && digits.bytes().all(|byte| byte.is_ascii_digit());
    if !well_formed {
        return Err(InvalidIdReason::NotQticketsDigits);
    }
    if digits.starts_with('0') {
        return Err(InvalidIdReason::LeadingZero);
    }
    Ok(digits.to_string())
}

fn ticketscloud_object_id(hex: &str) -> Result<String, InvalidIdReason> {
    if hex.len() != TICKETSCLOUD_ID_HEX_DIGITS || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(InvalidIdReason::NotTicketscloudObjectId);
    }
    Ok(hex.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvalidIdReason::*;

    const TC_ID: &str = "5d31fbdd27649b0dff076117";

    /// Raw id → accepted (provider, upstream id) or the reason it is refused.
    type EventIdCase<'a> = (&'a str, Result<(Provider, &'a str), InvalidIdReason>);

    #[test]
    fn event_ids_table() {
        let absurd = "9".repeat(10_000);
        let absurd_qt = format!("qt:{absurd}");
        let cases: Vec<EventIdCase<'_>> = vec![
            ("qt:12", Ok((Provider::Qtickets, "12"))),
            ("qt:999999999999", Ok((Provider::Qtickets, "999999999999"))),
            ("tc:5d31fbdd27649b0dff076117", Ok((Provider::Ticketscloud, TC_ID))),
            ("tc:5D31FBDD27649B0DFF076117", Ok((Provider::Ticketscloud, TC_ID))),
            ("", Err(Empty)),
            ("/", Err(ForbiddenCharacter)),
            ("..", Err(ForbiddenCharacter)),
            ("qt:..", Err(ForbiddenCharacter)),
            ("qt:12/../34", Err(ForbiddenCharacter)),
            ("qt:%2F", Err(ForbiddenCharacter)),
            ("qt:%2e%2e", Err(ForbiddenCharacter)),
            ("%2e%2e", Err(ForbiddenCharacter)),
            ("qt:12\\34", Err(ForbiddenCharacter)),
            ("qt:12\n", Err(ForbiddenCharacter)),
            ("qt:12\u{0}", Err(ForbiddenCharacter)),
            ("qt:\u{7f}1", Err(ForbiddenCharacter)),
            ("qt: 12", Err(ForbiddenCharacter)),
            (" qt:12", Err(ForbiddenCharacter)),
            ("qt:12\t", Err(ForbiddenCharacter)),
            ("qt:１２", Err(ForbiddenCharacter)),                     // full-width digits
            ("qt:١٢", Err(ForbiddenCharacter)),                       // Arabic-Indic digits
            ("qt\u{ff1a}12", Err(ForbiddenCharacter)),                // full-width colon
            ("tc:5d31fbdd27649b0dff07611е", Err(ForbiddenCharacter)), // Cyrillic е
            ("qt:12\u{200b}", Err(ForbiddenCharacter)),               // zero-width space
            (absurd.as_str(), Err(TooLong)),
            (absurd_qt.as_str(), Err(TooLong)),
            ("12", Err(UnknownProvider)),
            ("QT:12", Err(UnknownProvider)),
            ("xx:12", Err(UnknownProvider)),
            ("qt12", Err(UnknownProvider)),
            ("qt:", Err(NotQticketsDigits)),
            ("qt:12a", Err(NotQticketsDigits)),
            ("qt:abc", Err(NotQticketsDigits)),
            ("qt:1234567890123", Err(NotQticketsDigits)),
            ("qt:12:34", Err(NotQticketsDigits)),
            ("qt:0", Err(LeadingZero)),
            ("qt:012", Err(LeadingZero)),
            ("tc:5d31fbdd27649b0dff07611", Err(NotTicketscloudObjectId)),
            ("tc:5d31fbdd27649b0dff0761170", Err(NotTicketscloudObjectId)),
            ("tc:5d31fbdd27649b0dff07611g", Err(NotTicketscloudObjectId)),
            ("tc:", Err(NotTicketscloudObjectId)),
        ];
        for (raw, expected) in cases {
            let actual = parse_event_id(raw);
            match expected {
                Ok((provider, upstream_id)) => {
                    let event = actual.unwrap_or_else(|error| panic!("{raw:?} refused: {error}"));
                    assert_eq!((event.provider, event.upstream_id.as_str()), (provider, upstream_id), "{raw:?}");
                    assert_eq!(parse_event_id(&event.public_id()), Ok(event.clone()), "public id round-trips");
                }
                Err(reason) => {
                    assert_eq!(actual, Err(InvalidId { field: IdField::EventId, reason }), "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn show_ids_table() {
        let qtickets = parse_event_id("qt:12").unwrap();
        let ticketscloud = parse_event_id(&format!("tc:{TC_ID}")).unwrap();
        let absurd = "1".repeat(10_000);
        let cases: Vec<(&EventRef, &str, Result<&str, InvalidIdReason>)> = vec![
            (&qtickets, "21", Ok("21")),
            (&qtickets, "123456789012", Ok("123456789012")),
            (&qtickets, "", Err(Empty)),
            (&qtickets, "/", Err(ForbiddenCharacter)),
            (&qtickets, "..", Err(ForbiddenCharacter)),
            (&qtickets, "%2F", Err(ForbiddenCharacter)),
            (&qtickets, "%2e%2e", Err(ForbiddenCharacter)),
            (&qtickets, "2\\1", Err(ForbiddenCharacter)),
            (&qtickets, "2 1", Err(ForbiddenCharacter)),
            (&qtickets, "21\r", Err(ForbiddenCharacter)),
            (&qtickets, "２１", Err(ForbiddenCharacter)),
            (&qtickets, "qt:21", Err(ForbiddenCharacter)),
            (&qtickets, absurd.as_str(), Err(TooLong)),
            (&qtickets, "21a", Err(NotQticketsDigits)),
            (&qtickets, "1234567890123", Err(NotQticketsDigits)),
            (&qtickets, "021", Err(LeadingZero)),
            (&ticketscloud, TC_ID, Ok(TC_ID)),
            (&ticketscloud, "5D31FBDD27649B0DFF076117", Ok(TC_ID)),
            (&ticketscloud, "5d31fbdd27649b0dff076118", Err(NotAShowOfThisEvent)),
            (&ticketscloud, "21", Err(NotAShowOfThisEvent)),
            (&ticketscloud, "021", Err(NotTicketscloudObjectId)),
            (&qtickets, TC_ID, Err(NotAShowOfThisEvent)),
            (&qtickets, "5D31FBDD27649B0DFF076117", Err(NotAShowOfThisEvent)),
            (&ticketscloud, "5d31fbdd27649b0dff07611", Err(NotTicketscloudObjectId)),
            (&ticketscloud, "..", Err(ForbiddenCharacter)),
        ];
        for (event, raw, expected) in cases {
            let expected = expected.map(str::to_string).map_err(|reason| InvalidId { field: IdField::ShowId, reason });
            assert_eq!(parse_show_id(event, raw), expected, "{:?} / {raw:?}", event.provider);
        }
    }

    #[test]
    fn item_ids_table() {
        let long = "a".repeat(65);
        let cases: &[(&str, bool)] = &[
            ("1-1;3", true),
            ("tancevalnyj-parter-1;1", true),
            ("6a1b2c3d8192000000000001", true),
            ("zone_1:row.2", true),
            ("", false),
            (long.as_str(), false),
            ("1-1;3 ", false),
            ("1/2", false),
            ("1-1%3B3", false),
            ("место", false),
            ("a\u{0}", false),
            ("a&seat_id=b", false),
        ];
        for &(raw, expected) in cases {
            assert_eq!(is_acceptable_item_id(raw), expected, "{raw:?}");
        }
        assert!(is_acceptable_item_id(&"a".repeat(64)));
    }

    #[test]
    fn rejection_messages_name_the_field_and_never_echo_the_input() {
        let error = parse_event_id("qt:<script>").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("invalid event_id: "), "{message}");
        assert!(!message.contains("script"), "{message}");
    }
}
