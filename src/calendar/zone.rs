//! The clinic's time zone. Appointments are stored in UTC; people type, see and repeat
//! them in the clinic's local time (Europe/Copenhagen, Stockholm or Oslo). Two nights a
//! year that matters: in March the local hour 02:00–03:00 does not exist (such a time is
//! refused, never silently moved), and in October 02:00–03:00 happens twice (the first,
//! summer-time one is meant). A local day is 23, 24 or 25 hours long.

use crate::{Error, Result};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

/// The setting that holds the clinic's IANA zone name.
pub const TIME_ZONE: &str = "time_zone";

/// The zones a clinic may be in (one per country Klinik serves).
pub const ZONES: [&str; 3] = ["Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo"];

/// The zone of a country (`dk`, `se`, `no`).
pub fn for_country(country: &str) -> Tz {
    match country {
        "se" => chrono_tz::Europe::Stockholm,
        "no" => chrono_tz::Europe::Oslo,
        _ => chrono_tz::Europe::Copenhagen,
    }
}

/// The clinic's zone: the setting, or else its country's.
pub fn clinic_zone(conn: &Connection) -> Result<Tz> {
    if let Some(name) = crate::settings::get_text(conn, TIME_ZONE)? {
        return name.parse().map_err(|_| Error::Storage(format!("unknown time zone {name}")));
    }
    let country: String = conn.query_row("SELECT country FROM clinic", [], |r| r.get(0))?;
    Ok(for_country(&country))
}

/// A local wall-clock time as a moment. Refuses a time that does not exist that day.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        // The October night: 02:30 happens twice; the first (still summer time) is meant.
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(Error::invalid(format!(
            "{} does not exist in the clinic's time zone: the clocks jump forward that night",
            local.format("%Y-%m-%d %H:%M")
        ))),
    }
}

/// A moment as the clinic's local wall-clock time.
pub fn to_local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// The moments a local day starts and ends (local midnight to the next local midnight).
pub fn day_bounds(tz: Tz, day: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let next = day.succ_opt().ok_or_else(|| Error::invalid("the day is out of range"))?;
    Ok((to_utc(tz, day.and_time(chrono::NaiveTime::MIN))?, to_utc(tz, next.and_time(chrono::NaiveTime::MIN))?))
}

/// A local wall-clock time as the window sends it (`YYYY-MM-DDTHH:MM`, seconds optional).
pub fn parse_local(s: &str) -> Result<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| Error::invalid("not a local time (YYYY-MM-DDTHH:MM)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
    }

    #[test]
    fn the_spring_forward_hour_does_not_exist_and_is_refused() {
        for tz in [chrono_tz::Europe::Copenhagen, chrono_tz::Europe::Stockholm, chrono_tz::Europe::Oslo] {
            // 2026: summer time starts on Sunday 29 March at 02:00 local.
            let err = to_utc(tz, at("2026-03-29 02:30")).err().map(|e| e.code());
            assert_eq!(err, Some(crate::ErrorCode::Invalid), "{tz}");
            assert_eq!(to_utc(tz, at("2026-03-29 01:59")).expect("before").to_rfc3339(), "2026-03-29T00:59:00+00:00");
            assert_eq!(to_utc(tz, at("2026-03-29 03:00")).expect("after").to_rfc3339(), "2026-03-29T01:00:00+00:00");
        }
    }

    #[test]
    fn the_fall_back_hour_happens_twice_and_the_first_is_meant() {
        let tz = chrono_tz::Europe::Copenhagen;
        // 2026: summer time ends on Sunday 25 October at 03:00 local (back to 02:00).
        assert_eq!(to_utc(tz, at("2026-10-25 02:30")).expect("ambiguous").to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert_eq!(to_local(tz, "2026-10-25T01:30:00Z".parse().expect("utc")), at("2026-10-25 02:30"));
    }

    #[test]
    fn local_days_are_23_24_or_25_hours_long() {
        let tz = chrono_tz::Europe::Oslo;
        let hours = |d: &str| {
            let (a, b) = day_bounds(tz, d.parse().expect("day")).expect("bounds");
            (b - a).num_hours()
        };
        assert_eq!((hours("2026-03-29"), hours("2026-06-01"), hours("2026-10-25")), (23, 24, 25));
    }
}
