//! Time is passed in, never read deep inside logic, so expiry and lockouts are testable.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests, benchmarks).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// RFC 3339 with milliseconds and a `Z`: sortable as text, the one format stored.
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn from_db(s: &str) -> crate::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| crate::Error::Storage(format!("bad timestamp in database: {e}")))
}

/// A calendar day (no time, no zone).
pub type Day = chrono::NaiveDate;

/// A calendar day as the window sends it (`YYYY-MM-DD`); blank means "no day". Parsed
/// here so that no adapter parses dates of its own.
pub fn parse_day(s: Option<&str>) -> crate::Result<Option<chrono::NaiveDate>> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| crate::Error::Invalid("not a date (YYYY-MM-DD)".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_day_takes_iso_days_and_blank_and_refuses_the_rest() {
        assert_eq!(parse_day(Some(" 2026-03-29 ")).expect("a day"), chrono::NaiveDate::from_ymd_opt(2026, 3, 29));
        assert_eq!(parse_day(Some("")).expect("blank"), None);
        assert_eq!(parse_day(None).expect("none"), None);
        for bad in ["29-03-2026", "2026-02-30", "tomorrow"] {
            assert_eq!(parse_day(Some(bad)).err().map(|e| e.code()), Some(crate::ErrorCode::Invalid), "{bad}");
        }
    }
}
