//! Show times in the venue's own zone.
//!
//! The contract promises RFC 3339 times in the *venue's* offset with the IANA
//! zone beside them, so the widget can print "19:00" without a time-zone
//! database. QTickets sends local times with an offset (usually right, not
//! always the city's), TicketsCloud sends UTC in an iCalendar `VEVENT`; both
//! end up here and leave as `2027-03-14T19:00:00+03:00`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

/// Used when an upstream names no (known) zone and gives no offset either:
/// both providers are Moscow-based and most of their venues are in Moscow time.
pub const FALLBACK_ZONE: Tz = chrono_tz::Europe::Moscow;

/// Looks up an IANA zone name; `None` for empty or unknown names.
pub fn known_zone(name: Option<&str>) -> Option<Tz> {
    name.map(str::trim).filter(|name| !name.is_empty()).and_then(|name| name.parse::<Tz>().ok())
}

/// Formats an instant in `zone` as RFC 3339 with a numeric offset.
pub fn format_in_zone<Z: TimeZone>(instant: &DateTime<Z>, zone: Tz) -> String {
    instant.with_timezone(&zone).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Formats an instant keeping the offset it came with.
pub fn format_with_offset(instant: &DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// An IANA name for a fixed offset when the upstream gave no zone: whole-hour
/// offsets map to `Etc/GMT∓N` (note the POSIX-inverted sign), others to `UTC`
/// (their times keep the right offset anyway).
pub fn zone_name_for_offset(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    if seconds == 0 {
        "UTC".to_string()
    } else if seconds % 3600 == 0 && (-12..=14).contains(&(seconds / 3600)) {
        let hours = seconds / 3600;
        if hours > 0 {
            format!("Etc/GMT-{hours}")
        } else {
            format!("Etc/GMT+{}", -hours)
        }
    } else {
        "UTC".to_string()
    }
}

/// Parses an upstream local time with an offset (`2018-05-04T06:22:00+10:00`),
/// also accepting a space instead of `T`.
pub fn parse_offset_time(text: &str) -> Option<DateTime<FixedOffset>> {
    let trimmed = text.trim();
    DateTime::parse_from_rfc3339(trimmed)
        .or_else(|_| DateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%:z"))
        .or_else(|_| DateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
}

/// Reads `DTSTART` from an iCalendar `VEVENT` as TicketsCloud sends it in
/// `lifetime`: `DTSTART;VALUE=DATE-TIME:20190815T212000Z` (UTC). Also accepts a
/// `TZID=` parameter, floating local times (read in `floating_zone`) and
/// all-day `VALUE=DATE:20190815` (midnight in `floating_zone`).
pub fn parse_vevent_start(vevent: &str, floating_zone: Tz) -> Option<DateTime<Utc>> {
    parse_vevent_time(vevent, "DTSTART", floating_zone)
}

/// Reads `DTEND` the same way (a TicketsCloud price rule's `cal` ends there).
pub fn parse_vevent_end(vevent: &str, floating_zone: Tz) -> Option<DateTime<Utc>> {
    parse_vevent_time(vevent, "DTEND", floating_zone)
}

fn parse_vevent_time(vevent: &str, property: &str, floating_zone: Tz) -> Option<DateTime<Utc>> {
    let line = vevent.split(['\r', '\n']).map(str::trim).find(|line| {
        line.get(..property.len()).is_some_and(|name| name.eq_ignore_ascii_case(property))
            && line[property.len()..].starts_with([';', ':'])
    })?;
    let (name_and_parameters, value) = line.split_once(':')?;
    let value = value.trim();
    let zone = name_and_parameters
        .split(';')
        .skip(1)
        .find_map(|parameter| parameter.strip_prefix("TZID=").or_else(|| parameter.strip_prefix("tzid=")))
        .and_then(|name| known_zone(Some(name.trim_matches('"'))))
        .unwrap_or(floating_zone);
    if let Some(utc_text) = value.strip_suffix(['Z', 'z']) {
        let naive = parse_basic_date_time(utc_text)?;
        return Some(Utc.from_utc_datetime(&naive));
    }
    let naive = match parse_basic_date_time(value) {
        Some(naive) => naive,
        None => NaiveDate::parse_from_str(value, "%Y%m%d").ok()?.and_hms_opt(0, 0, 0)?,
    };
    // `earliest` picks the first of two readings in a DST fold; a time in a
    // DST gap has none and is read as UTC rather than dropped.
    Some(
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|local| local.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive)),
    )
}

/// Reads a UTC-or-naive ISO time (`2020-06-12 15:00:00`, `…T…Z`, `…+00:00`),
/// as found in TicketsCloud's `{"start": …}` lifetime objects. Naive means UTC.
pub fn parse_iso_instant(text: &str) -> Option<DateTime<Utc>> {
    let trimmed = text.trim();
    if let Some(with_offset) = parse_offset_time(trimmed) {
        return Some(with_offset.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
        .map(|naive| Utc.from_utc_datetime(&naive))
}

fn parse_basic_date_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").or_else(|_| NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_instants_to_venue_zones() {
        let instant = Utc.with_ymd_and_hms(2019, 8, 15, 21, 20, 0).unwrap();
        let cases = [
            ("Europe/Moscow", "2019-08-16T00:20:00+03:00"),
            ("Asia/Vladivostok", "2019-08-16T07:20:00+10:00"),
            ("Asia/Novosibirsk", "2019-08-16T04:20:00+07:00"),
            ("Europe/Kaliningrad", "2019-08-15T23:20:00+02:00"),
        ];
        for (zone, expected) in cases {
            assert_eq!(format_in_zone(&instant, known_zone(Some(zone)).unwrap()), expected, "{zone}");
        }
        assert_eq!(known_zone(Some("Mars/Olympus")), None);
        assert_eq!(known_zone(Some("")), None);
        assert_eq!(known_zone(None), None);
    }

    #[test]
    fn reads_vevent_starts() {
        let moscow = FALLBACK_ZONE;
        let cases: &[(&str, Option<&str>)] = &[
            ("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:20190815T212000Z\r\nDTEND;VALUE=DATE-TIME:20190828T215000Z\r\nEND:VEVENT\r\n", Some("2019-08-15T21:20:00+00:00")),
            ("BEGIN:VEVENT\nDTSTART:20190815T212000Z\nEND:VEVENT", Some("2019-08-15T21:20:00+00:00")),
            ("DTSTART;TZID=Asia/Vladivostok:20190816T072000", Some("2019-08-15T21:20:00+00:00")),
            ("DTSTART:20190816T002000", Some("2019-08-15T21:20:00+00:00")),
            ("DTSTART;VALUE=DATE:20190816", Some("2019-08-15T21:00:00+00:00")),
            ("BEGIN:VEVENT\r\nDTEND:20190815T212000Z\r\nEND:VEVENT", None),
            ("DTSTART:garbage", None),
            ("", None),
            ("DTSTART", None),
        ];
        for &(vevent, expected) in cases {
            let parsed = parse_vevent_start(vevent, moscow).map(|instant| instant.to_rfc3339_opts(SecondsFormat::Secs, false));
            assert_eq!(parsed.as_deref(), expected, "{vevent:?}");
        }
        let rule = "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:20190722T210000Z\r\nDTEND;VALUE=DATE-TIME:20190828T215000Z\r\nEND:VEVENT\r\n";
        let end = parse_vevent_end(rule, moscow).map(|instant| instant.to_rfc3339_opts(SecondsFormat::Secs, false));
        assert_eq!(end.as_deref(), Some("2019-08-28T21:50:00+00:00"));
        assert_eq!(parse_vevent_end("DTSTART:20190815T212000Z", moscow), None);
        assert_eq!(parse_vevent_end("DTENDX:20190815T212000Z", moscow), None);
    }

    #[test]
    fn names_fixed_offsets() {
        let cases = [(10 * 3600, "Etc/GMT-10"), (-5 * 3600, "Etc/GMT+5"), (0, "UTC"), (5 * 3600 + 1800, "UTC")];
        for (seconds, expected) in cases {
            let name = zone_name_for_offset(FixedOffset::east_opt(seconds).unwrap());
            assert_eq!(name, expected);
            assert!(known_zone(Some(&name)).is_some(), "{name} is an IANA zone");
        }
    }
}
