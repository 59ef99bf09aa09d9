//! Calendar arithmetic for the simulator's clock, without a date library (a
//! new dependency would touch the workspace lock file that other crates
//! share): Unix seconds to and from civil dates, reading the ISO 8601
//! datetimes partners send (QTickets' `reserved_to`,
//! `2018-05-24T17:00:00+10:00`), and writing the formats each upstream
//! answers with.
//!
//! The civil-date conversions are Howard Hinnant's `days_from_civil` /
//! `civil_from_days` (proleptic Gregorian calendar), exact for any year.

use std::fmt;

pub const SECONDS_PER_MINUTE: i64 = 60;
pub const SECONDS_PER_HOUR: i64 = 3_600;
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Whole seconds since 1970-01-01T00:00:00Z. Every deadline in the simulator
/// is one of these, compared with the [`SimClock`](crate::clock::SimClock)'s `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTimestamp(pub i64);

impl UnixTimestamp {
    pub fn plus_seconds(self, seconds: i64) -> UnixTimestamp {
        UnixTimestamp(self.0.saturating_add(seconds))
    }

    /// `2026-11-23T13:40:19Z`: what the admin API reports.
    pub fn to_rfc3339_utc(self) -> String {
        let civil = CivilDateTime::from_timestamp(self);
        format!("{}T{}Z", civil.date_text(), civil.time_text())
    }

    /// `2026-11-23T13:40:19+00:00`: TicketsCloud's `reserved_till` in the
    /// `/tickets` listing (an `isodatetime`, l.3392; the seeded value has this form).
    pub fn to_iso8601_with_zero_offset(self) -> String {
        let civil = CivilDateTime::from_timestamp(self);
        format!("{}T{}+00:00", civil.date_text(), civil.time_text())
    }

    /// `2019-07-25 14:41:11`: how every datetime in a TicketsCloud v2 order
    /// answer is written in the document's examples (l.255, l.257, l.769) —
    /// a space instead of `T` and no offset. The document does not name the
    /// zone; the simulator writes UTC.
    pub fn to_ticketscloud_order_datetime(self) -> String {
        let civil = CivilDateTime::from_timestamp(self);
        format!("{} {}", civil.date_text(), civil.time_text())
    }
}

impl fmt::Display for UnixTimestamp {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_rfc3339_utc())
    }
}

/// A UTC date and time of day, broken into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl CivilDateTime {
    pub fn from_timestamp(timestamp: UnixTimestamp) -> CivilDateTime {
        let days = timestamp.0.div_euclid(SECONDS_PER_DAY);
        let second_of_day = timestamp.0.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        CivilDateTime {
            year,
            month,
            day,
            hour: (second_of_day / SECONDS_PER_HOUR) as u32,
            minute: (second_of_day % SECONDS_PER_HOUR / SECONDS_PER_MINUTE) as u32,
            second: (second_of_day % SECONDS_PER_MINUTE) as u32,
        }
    }

    /// Seconds since the epoch, reading the fields as UTC.
    pub fn to_timestamp(self) -> UnixTimestamp {
        UnixTimestamp(
            days_from_civil(self.year, self.month, self.day) * SECONDS_PER_DAY
                + i64::from(self.hour) * SECONDS_PER_HOUR
                + i64::from(self.minute) * SECONDS_PER_MINUTE
                + i64::from(self.second),
        )
    }

    fn date_text(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    fn time_text(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let month = i64::from(month);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)` — an ISO 8601
/// datetime that says which instant it is. A missing offset is refused
/// rather than guessed: `reserved_to` without one would be ambiguous by up to
/// 26 hours. The separator may be `T` or `t`; fractions of a second are
/// dropped.
pub fn parse_iso8601_with_offset(text: &str) -> Result<UnixTimestamp, String> {
    let invalid = || format!("`{text}` is not a date like 2018-05-24T17:00:00+10:00");
    let bytes = text.trim().as_bytes();
    let number = |range: std::ops::Range<usize>| -> Result<u32, String> {
        let digits = bytes.get(range).ok_or_else(invalid)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(invalid());
        }
        std::str::from_utf8(digits).ok().and_then(|digits| digits.parse().ok()).ok_or_else(invalid)
    };
    let expect = |position: usize, allowed: &[u8]| -> Result<(), String> {
        match bytes.get(position) {
            Some(byte) if allowed.contains(byte) => Ok(()),
            _ => Err(invalid()),
        }
    };
    let year = number(0..4)?;
    expect(4, b"-")?;
    let month = number(5..7)?;
    expect(7, b"-")?;
    let day = number(8..10)?;
    expect(10, b"Tt")?;
    let hour = number(11..13)?;
    expect(13, b":")?;
    let minute = number(14..16)?;
    expect(16, b":")?;
    let second = number(17..19)?;

    let mut position = 19;
    if bytes.get(position) == Some(&b'.') {
        position += 1;
        let fraction_start = position;
        while bytes.get(position).is_some_and(u8::is_ascii_digit) {
            position += 1;
        }
        if position == fraction_start {
            return Err(invalid());
        }
    }
    let offset_seconds: i64 = match bytes.get(position) {
        Some(b'Z' | b'z') if position + 1 == bytes.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let rest = &bytes[position + 1..];
            let (hours, minutes) = match rest.len() {
                5 if rest[2] == b':' => (number(position + 1..position + 3)?, number(position + 4..position + 6)?),
                4 => (number(position + 1..position + 3)?, number(position + 3..position + 5)?),
                _ => return Err(invalid()),
            };
            if hours > 23 || minutes > 59 {
                return Err(invalid());
            }
            let magnitude = i64::from(hours) * SECONDS_PER_HOUR + i64::from(minutes) * 60;
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return Err(invalid()),
    };

    let year = i64::from(year);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return Err(invalid());
    }
    let local = CivilDateTime { year, month, day, hour, minute, second }.to_timestamp();
    Ok(UnixTimestamp(local.0 - offset_seconds))
}

/// `20270415T160000Z` (iCalendar basic format, UTC) → a timestamp.
pub fn parse_ical_basic_utc(basic: &str) -> Option<UnixTimestamp> {
    let bytes = basic.as_bytes();
    let well_formed = bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && bytes[9..15].iter().all(u8::is_ascii_digit);
    if !well_formed {
        return None;
    }
    let number = |range: std::ops::Range<usize>| basic[range].parse::<u32>().ok();
    let civil = CivilDateTime {
        year: i64::from(number(0..4)?),
        month: number(4..6)?,
        day: number(6..8)?,
        hour: number(9..11)?,
        minute: number(11..13)?,
        second: number(13..15)?,
    };
    Some(civil.to_timestamp())
}

/// A timestamp in iCalendar basic format, UTC: `20270415T160000Z`.
pub fn to_ical_basic_utc(timestamp: UnixTimestamp) -> String {
    let civil = CivilDateTime::from_timestamp(timestamp);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second)
}

/// `20270415T160000Z` (iCalendar basic format, how the simulator stores
/// TicketsCloud lifetimes) → `2027-04-15 16:00:00`, the order answer's form
/// for `refs.events.*.lifetime` (l.301–304). Anything unexpected is passed through.
pub fn ical_basic_utc_to_ticketscloud_order_datetime(basic: &str) -> String {
    let bytes = basic.as_bytes();
    if bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && bytes[9..15].iter().all(u8::is_ascii_digit)
    {
        format!("{}-{}-{} {}:{}:{}", &basic[0..4], &basic[4..6], &basic[6..8], &basic[9..11], &basic[11..13], &basic[13..15])
    } else {
        basic.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ical_basic_times_round_trip() {
        let cases = [("20270331T205959Z", Some(1_806_526_799)), ("19700101T000000Z", Some(0)), ("2027-03-31", None), ("", None)];
        for (text, expected) in cases {
            assert_eq!(parse_ical_basic_utc(text).map(|timestamp| timestamp.0), expected, "{text}");
            if let Some(seconds) = expected {
                assert_eq!(to_ical_basic_utc(UnixTimestamp(seconds)), text);
            }
        }
    }

    #[test]
    fn civil_dates_round_trip_across_eras_and_leap_days() {
        let cases = [
            ((1970, 1, 1), 0),
            ((2000, 2, 29), 11_016),
            ((2000, 3, 1), 11_017),
            ((1969, 12, 31), -1),
            ((2027, 3, 14), 20_891),
            ((2100, 3, 1), 47_541),
        ];
        for ((year, month, day), days) in cases {
            assert_eq!(days_from_civil(year, month, day), days, "{year}-{month}-{day}");
            assert_eq!(civil_from_days(days), (year, month, day), "{days}");
        }
        for days in (-800_000..800_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn partner_datetimes_are_read_with_their_offset() {
        // 2018-05-24T07:00:00Z
        let instant = UnixTimestamp(1_527_145_200);
        let cases: &[(&str, Result<UnixTimestamp, ()>)] = &[
            ("2018-05-24T17:00:00+10:00", Ok(instant)),
            ("2018-05-24T17:00:00+1000", Ok(instant)),
            ("2018-05-24T07:00:00Z", Ok(instant)),
            ("2018-05-24t07:00:00z", Ok(instant)),
            ("2018-05-24T07:00:00.123456Z", Ok(instant)),
            ("2018-05-24T04:30:00-02:30", Ok(instant)),
            (" 2018-05-24T07:00:00+00:00 ", Ok(instant)),
            // Without an offset the instant is unknown.
            ("2018-05-24T17:00:00", Err(())),
            // A `+` sent unencoded in a query string arrives as a space.
            ("2018-05-24T17:00:00 10:00", Err(())),
            ("2018-05-24 17:00:00+10:00", Err(())),
            ("2018-02-30T17:00:00+10:00", Err(())),
            ("2018-13-01T17:00:00+10:00", Err(())),
            ("2018-05-24T24:00:00+10:00", Err(())),
            ("2018-05-24T17:00:00+25:00", Err(())),
            ("2018-05-24T17:00:00.Z", Err(())),
            ("tomorrow", Err(())),
            ("", Err(())),
            ("2018-05-24T17:00:00+10:00junk", Err(())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_iso8601_with_offset(text).map_err(|_| ()), *expected, "{text:?}");
        }
    }

    #[test]
    fn each_upstream_format_is_written_as_documented() {
        let instant = UnixTimestamp(1_564_065_671); // 2019-07-25 14:41:11 UTC
        assert_eq!(instant.to_rfc3339_utc(), "2019-07-25T14:41:11Z");
        assert_eq!(instant.to_iso8601_with_zero_offset(), "2019-07-25T14:41:11+00:00");
        assert_eq!(instant.to_ticketscloud_order_datetime(), "2019-07-25 14:41:11");
        assert_eq!(
            instant.plus_seconds(15 * 60).to_ticketscloud_order_datetime(),
            "2019-07-25 14:56:11",
            "the document's expired_after, 15 minutes on (l.255-257)"
        );
        assert_eq!(ical_basic_utc_to_ticketscloud_order_datetime("20270415T160000Z"), "2027-04-15 16:00:00");
        assert_eq!(ical_basic_utc_to_ticketscloud_order_datetime("soon"), "soon");
    }
}
