//! Show dates in the venue's local time, without a time-zone database.
//!
//! The contract sends `starts_at` as RFC 3339 *in the venue's offset*
//! (`2027-03-14T19:00:00+03:00`), so the wall-clock fields in the string are
//! already what a buyer in that city reads on a poster. We parse those fields
//! and never convert: a buyer in Moscow looking at a Vladivostok concert must
//! see Vladivostok's "19:00", which is what the ticket says. Shipping a tz
//! database (or asking the browser's `Intl`, which converts to *the buyer's*
//! zone) would be both larger and wrong.

use crate::i18n::Lang;

/// The wall-clock fields of an RFC 3339 timestamp, in its own offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// Reads `YYYY-MM-DDTHH:MM[:SS[.frac]](Z|±HH:MM)`; the offset is checked for
/// shape and then ignored (see the module note).
pub fn parse_local_date_time(text: &str) -> Option<LocalDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 17 {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let separators_ok = bytes[4] == b'-' && bytes[7] == b'-' && matches!(bytes[10], b'T' | b't' | b' ') && bytes[13] == b':';
    if !separators_ok {
        return None;
    }
    let year = number(0..4)? as i32;
    let month = number(5..7)? as u8;
    let day = number(8..10)? as u8;
    let hour = number(11..13)? as u8;
    let minute = number(14..16)? as u8;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    let rest = &text[16..];
    let rest = match rest.strip_prefix(':') {
        Some(after_colon) => {
            let seconds = after_colon.get(..2)?;
            if !seconds.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let after_seconds = &after_colon[2..];
            match after_seconds.strip_prefix('.') {
                Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
                None => after_seconds,
            }
        }
        None => rest,
    };
    let offset_ok = matches!(rest, "Z" | "z")
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().all(|b| b.is_ascii_digit())
            && rest[4..6].bytes().all(|b| b.is_ascii_digit()));
    if !offset_ok {
        return None;
    }
    Some(LocalDateTime { year, month, day, hour, minute })
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Day of the week, 0 = Monday … 6 = Sunday (Sakamoto's method; the
/// proleptic Gregorian calendar is all we need for posters).
pub fn weekday(year: i32, month: u8, day: u8) -> u8 {
    const MONTH_OFFSETS: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let year = if month < 3 { year - 1 } else { year };
    let sunday_based =
        (year + year / 4 - year / 100 + year / 400 + MONTH_OFFSETS[(month - 1) as usize] + day as i32).rem_euclid(7);
    ((sunday_based + 6) % 7) as u8
}

const MONTHS_RU_GENITIVE: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS_RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn month_name(lang: Lang, month: u8) -> &'static str {
    let index = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Ru => MONTHS_RU_GENITIVE[index],
        Lang::En => MONTHS_EN[index],
    }
}

/// Three-letter month for a calendar tile: `мар` / `Mar`.
pub fn month_short(lang: Lang, month: u8) -> &'static str {
    const RU: [&str; 12] = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"];
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let index = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Ru => RU[index],
        Lang::En => EN[index],
    }
}

/// Short weekday name: `сб` / `Sat`.
pub fn format_weekday(lang: Lang, when: &LocalDateTime) -> &'static str {
    let index = weekday(when.year, when.month, when.day) as usize;
    match lang {
        Lang::Ru => WEEKDAYS_RU[index],
        Lang::En => WEEKDAYS_EN[index],
    }
}

/// `14 марта` / `14 March`.
pub fn format_day_month(lang: Lang, when: &LocalDateTime) -> String {
    format!("{} {}", when.day, month_name(lang, when.month))
}

/// `19:00`, in both languages (a 24-hour clock is what Russian venues print).
pub fn format_time(when: &LocalDateTime) -> String {
    format!("{:02}:{:02}", when.hour, when.minute)
}

/// `сб, 14 марта 2027, 19:00` / `Sat, 14 March 2027, 19:00`.
pub fn format_show_full(lang: Lang, when: &LocalDateTime) -> String {
    format!("{}, {} {}, {}", format_weekday(lang, when), format_day_month(lang, when), when.year, format_time(when))
}

/// One line for an event card that may have several dates:
/// one show → [`format_show_full`]; several → a range such as
/// `14 – 21 марта 2027`, `28 февраля – 3 марта 2027` or
/// `28 декабря 2026 – 3 января 2027`. Unparseable input is shown as sent.
pub fn format_event_dates(lang: Lang, starts_at: &[&str]) -> String {
    let parsed: Option<Vec<LocalDateTime>> = starts_at.iter().map(|text| parse_local_date_time(text)).collect();
    let Some(mut dates) = parsed else {
        return starts_at.join(", ");
    };
    dates.sort();
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return String::new();
    };
    let same_day = |a: &LocalDateTime, b: &LocalDateTime| (a.year, a.month, a.day) == (b.year, b.month, b.day);
    if dates.len() == 1 {
        return format_show_full(lang, first);
    }
    if same_day(first, last) {
        return format!(
            "{} {}, {}",
            format_day_month(lang, first),
            first.year,
            dates.iter().map(format_time).collect::<Vec<_>>().join(", ")
        );
    }
    if first.year != last.year {
        return format!("{} {} – {} {}", format_day_month(lang, first), first.year, format_day_month(lang, last), last.year);
    }
    if first.month != last.month {
        return format!("{} – {} {}", format_day_month(lang, first), format_day_month(lang, last), last.year);
    }
    format!("{} – {} {}", first.day, format_day_month(lang, last), last.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> LocalDateTime {
        LocalDateTime { year, month, day, hour, minute }
    }

    #[test]
    fn parses_the_wall_clock_fields_in_the_strings_own_offset() {
        let cases: &[(&str, Option<LocalDateTime>)] = &[
            ("2027-03-14T19:00:00+03:00", Some(at(2027, 3, 14, 19, 0))),
            ("2027-03-14T19:30:00+10:00", Some(at(2027, 3, 14, 19, 30))),
            ("2027-03-14T23:59:59.123-05:00", Some(at(2027, 3, 14, 23, 59))),
            ("2027-03-14T07:05Z", Some(at(2027, 3, 14, 7, 5))),
            ("2027-03-14 07:05:00Z", Some(at(2027, 3, 14, 7, 5))),
            ("2028-02-29T12:00:00+03:00", Some(at(2028, 2, 29, 12, 0))),
            ("2027-02-29T12:00:00+03:00", None),
            ("2027-13-01T12:00:00+03:00", None),
            ("2027-03-14T24:00:00+03:00", None),
            ("2027-03-14T19:00:00", None),
            ("2027-03-14T19:00:00+0300", None),
            ("14.03.2027 19:00", None),
            ("", None),
            ("2027-03-14T19:00:00+03:00 trailing", None),
        ];
        for &(text, expected) in cases {
            assert_eq!(parse_local_date_time(text), expected, "{text}");
        }
    }

    #[test]
    fn computes_weekdays() {
        let cases: &[((i32, u8, u8), u8)] = &[
            ((2027, 3, 14), 6), // Sunday
            ((2024, 2, 29), 3), // Thursday
            ((2000, 1, 1), 5),  // Saturday
            ((2026, 12, 31), 3),
            ((1970, 1, 1), 3),
        ];
        for &((year, month, day), expected) in cases {
            assert_eq!(weekday(year, month, day), expected, "{year}-{month}-{day}");
        }
    }

    #[test]
    fn formats_single_shows() {
        let when = parse_local_date_time("2027-03-14T19:00:00+03:00").unwrap();
        assert_eq!(format_show_full(Lang::Ru, &when), "вс, 14 марта 2027, 19:00");
        assert_eq!(format_show_full(Lang::En, &when), "Sun, 14 March 2027, 19:00");
        let vladivostok = parse_local_date_time("2027-05-01T09:05:00+10:00").unwrap();
        assert_eq!(format_show_full(Lang::Ru, &vladivostok), "сб, 1 мая 2027, 09:05");
        assert_eq!(month_short(Lang::Ru, 5), "мая");
        assert_eq!(month_short(Lang::En, 12), "Dec");
    }

    #[test]
    fn formats_date_ranges_for_event_cards() {
        let cases: &[(Lang, &[&str], &str)] = &[
            (Lang::Ru, &["2027-03-14T19:00:00+03:00"], "вс, 14 марта 2027, 19:00"),
            (Lang::Ru, &["2027-03-21T19:00:00+03:00", "2027-03-14T19:00:00+03:00"], "14 – 21 марта 2027"),
            (Lang::En, &["2027-03-14T19:00:00+03:00", "2027-03-21T19:00:00+03:00"], "14 – 21 March 2027"),
            (Lang::Ru, &["2027-02-28T19:00:00+03:00", "2027-03-03T19:00:00+03:00"], "28 февраля – 3 марта 2027"),
            (Lang::Ru, &["2026-12-28T19:00:00+03:00", "2027-01-03T12:00:00+03:00"], "28 декабря 2026 – 3 января 2027"),
            (Lang::Ru, &["2027-03-14T19:00:00+03:00", "2027-03-14T12:00:00+03:00"], "14 марта 2027, 12:00, 19:00"),
            (Lang::En, &["soon"], "soon"),
            (Lang::En, &[], ""),
        ];
        for &(lang, starts, expected) in cases {
            assert_eq!(format_event_dates(lang, starts), expected, "{starts:?}");
        }
    }
}
