//! The hold countdown: when a hold runs out, and how the time left reads.
//!
//! The proxy sends `expires_at` as RFC 3339 in UTC; the widget turns it into
//! a Unix time in milliseconds once and then only compares numbers with the
//! browser clock (passed in as `now_ms`, never read here), so the timer, the
//! warning and the moment of expiry are all decided by the functions below.
//! The warning is said to screen readers once, when the last minute begins
//! ([`warning_change`]), not with every tick of the digits.

/// Below this many seconds the timer turns into a warning.
pub const WARNING_SECONDS: u64 = 60;

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp
/// (`2027-03-14T16:05:00Z`, `…:00.250+03:00`). `None` when malformed.
pub fn unix_millis(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |from: usize, to: usize| -> Option<i64> {
        let part = text.get(from..to)?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let shape_ok = bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !shape_ok {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (place, digit) in fraction.bytes().take(3).take_while(u8::is_ascii_digit).enumerate() {
            millis += (digit - b'0') as i64 * [100, 10, 1][place];
        }
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let start = text.len() - 6;
            sign * (number(start + 1, start + 3)? * 60 + number(start + 4, start + 6)?)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Whole seconds left until `deadline_ms`, rounded up (the timer shows
/// `00:01` until the very last moment) and never negative.
pub fn seconds_left(deadline_ms: i64, now_ms: i64) -> u64 {
    let left = deadline_ms.saturating_sub(now_ms);
    if left <= 0 {
        0
    } else {
        ((left + 999) / 1_000) as u64
    }
}

/// `mm:ss`; minutes keep counting past 59 (`75:00`) rather than wrapping.
pub fn format_countdown(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

/// True in the last minute (but not once it is over).
pub fn is_warning(seconds: u64) -> bool {
    seconds > 0 && seconds <= WARNING_SECONDS
}

/// What the timer's live region does on a tick from `before` to `now`
/// seconds: `Some(true)` when the last minute has just begun (write the
/// warning, which screen readers then announce once), `Some(false)` when it
/// has just ended (empty the region), `None` on every other tick (leave the
/// region alone, so nothing is announced again).
pub fn warning_change(before: u64, now: u64) -> Option<bool> {
    let warning = is_warning(now);
    (is_warning(before) != warning).then_some(warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_into_unix_millis() {
        let cases: &[(&str, Option<i64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2000-03-01T00:00:00Z", Some(951_868_800_000)),
            ("2027-03-14T16:05:00Z", Some(1_805_040_300_000)),
            ("2027-03-14T19:05:00+03:00", Some(1_805_040_300_000)),
            ("2027-03-14T11:05:00-05:00", Some(1_805_040_300_000)),
            ("2027-03-14T16:05:00.250Z", Some(1_805_040_300_250)),
            ("2027-03-14T16:05:00.5Z", Some(1_805_040_300_500)),
            ("2027-03-14T16:05:00.123456789Z", Some(1_805_040_300_123)),
            ("2024-02-29T23:59:59z", Some(1_709_251_199_000)),
            ("2027-03-14T16:05Z", None),
            ("2027-03-14T16:05:00", None),
            ("2027-03-14T16:05:00.Z", None),
            ("2027-13-14T16:05:00Z", None),
            ("2027-03-14T24:05:00Z", None),
            ("2027-03-14T16:05:00+0300", None),
            ("2027-03-14T16:05:00*03:00", None),
            ("soon", None),
            ("", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(unix_millis(text), expected, "{text}");
        }
    }

    #[test]
    fn counts_whole_seconds_up() {
        let deadline = 1_000_000;
        let cases: &[(i64, u64)] = &[
            (deadline - 600_000, 600),
            (deadline - 599_001, 600),
            (deadline - 599_000, 599),
            (deadline - 1, 1),
            (deadline, 0),
            (deadline + 5_000, 0),
        ];
        for &(now, expected) in cases {
            assert_eq!(seconds_left(deadline, now), expected, "now {now}");
        }
    }

    #[test]
    fn formats_the_timer_and_warns_in_the_last_minute() {
        let cases: &[(u64, &str, bool)] = &[
            (900, "15:00", false),
            (599, "09:59", false),
            (61, "01:01", false),
            (60, "01:00", true),
            (59, "00:59", true),
            (1, "00:01", true),
            (0, "00:00", false),
            (4_500, "75:00", false),
        ];
        for &(seconds, text, warning) in cases {
            assert_eq!(format_countdown(seconds), text, "{seconds}");
            assert_eq!(is_warning(seconds), warning, "{seconds}");
        }
    }

    #[test]
    fn announces_the_warning_once_per_last_minute() {
        let cases: &[(u64, u64, Option<bool>)] = &[
            (62, 61, None),
            (61, 60, Some(true)),
            (60, 59, None),
            (59, 58, None),
            (2, 1, None),
            (1, 0, Some(false)),
            (0, 0, None),
            // A tab woken from the background jumps several seconds.
            (75, 42, Some(true)),
            (30, 0, Some(false)),
            // A retaken hold with a later deadline leaves the last minute.
            (30, 300, Some(false)),
        ];
        for &(before, now, expected) in cases {
            assert_eq!(warning_change(before, now), expected, "{before} → {now}");
        }
        // Counting down a whole hold writes the region exactly twice.
        let writes = (1..=600u64).rev().filter(|&now| warning_change(now + 1, now).is_some()).count()
            + usize::from(warning_change(1, 0).is_some());
        assert_eq!(writes, 2);
    }
}
