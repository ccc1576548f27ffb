//! Personal PINs: the rules a new PIN must meet and the lockout arithmetic, as pure
//! functions (docs/SECURITY.md, NIST 800-63B-4): at least 6 digits, not one of the most
//! common PINs and not the person's birth date; no delay for the first 3 wrong PINs,
//! then 30 s doubling; after 10 in a row the PIN is disabled until the person logs in
//! with the password or an admin re-enables it. The counters live in the database, so
//! a restart changes nothing.

use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};

pub const MIN_DIGITS: usize = 6;
pub const MAX_DIGITS: usize = 12;
pub const FREE_FAILURES: u32 = 3;
pub const DISABLE_AFTER: u32 = 10;
pub const BASE_DELAY_SECS: i64 = 30;

/// How long the next try must wait after `failures` consecutive wrong PINs.
pub fn delay_after(failures: u32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    Some(Duration::seconds(BASE_DELAY_SECS << doublings))
}

/// Whether `failures` consecutive wrong PINs disable the PIN.
pub fn disables(failures: u32) -> bool {
    failures >= DISABLE_AFTER
}

/// PINs attackers try first (the most common 6-digit PINs in published leaks).
const COMMON: &[&str] = &[
    "123456", "654321", "111111", "000000", "121212", "112233", "123123", "696969", "159753", "789456", "147258",
    "123321", "666666", "999999", "555555", "777777", "888888", "222222", "333333", "444444", "101010", "131313",
    "202020", "252525", "007007", "123654", "147852", "852456", "112211", "520520", "123789", "159357", "000001",
    "100000", "121314", "123qwe", "232323", "456789", "987654", "102030", "012345", "246810", "135790",
];

/// Checks a new PIN against the rules; `birth_date` is the staff member's, if known.
pub fn check_rules(pin: &str, birth_date: Option<NaiveDate>) -> Result<()> {
    if pin.len() > MAX_DIGITS || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(format!("a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")));
    }
    if pin.len() < MIN_DIGITS {
        return Err(Error::invalid(format!("a PIN has at least {MIN_DIGITS} digits")));
    }
    let digits: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
    let steps: Vec<i32> = digits.windows(2).map(|w| w[1] - w[0]).collect();
    let monotone = steps.iter().all(|s| *s == steps[0]) && steps[0].abs() <= 1;
    if COMMON.contains(&pin) || monotone {
        return Err(Error::invalid("that PIN is among the first ones anyone would try"));
    }
    if let Some(b) = birth_date {
        let (d, m, y) = (b.day(), b.month(), b.year());
        let forms = [
            format!("{d:02}{m:02}{:02}", y % 100),
            format!("{:02}{m:02}{d:02}", y % 100),
            format!("{d:02}{m:02}{y:04}"),
            format!("{y:04}{m:02}{d:02}"),
        ];
        if forms.iter().any(|f| pin.contains(f.as_str())) {
            return Err(Error::invalid("a PIN must not be your birth date"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_is_free_for_three_then_doubles_from_thirty_seconds() {
        assert_eq!(delay_after(0), None);
        assert_eq!(delay_after(2), None);
        assert_eq!(delay_after(3), Some(Duration::seconds(30)));
        assert_eq!(delay_after(4), Some(Duration::seconds(60)));
        assert_eq!(delay_after(5), Some(Duration::seconds(120)));
        assert_eq!(delay_after(9), Some(Duration::seconds(30 * 64)));
        assert!(!disables(9));
        assert!(disables(10));
    }

    #[test]
    fn pin_rules_refuse_short_common_sequential_and_birth_dates() {
        let born = NaiveDate::from_ymd_opt(1984, 7, 23);
        assert_eq!(crate::error::code_of(check_rules("12345", None)), Some(crate::ErrorCode::Invalid), "too short");
        assert_eq!(crate::error::code_of(check_rules("12a456", None)), Some(crate::ErrorCode::Invalid), "digits only");
        assert_eq!(
            crate::error::code_of(check_rules("1234567890123", None)),
            Some(crate::ErrorCode::Invalid),
            "too long"
        );
        for pin in ["123456", "000000", "654321", "111111", "456789", "987654", "3456789"] {
            assert_eq!(
                crate::error::code_of(check_rules(pin, None)),
                Some(crate::ErrorCode::Invalid),
                "{pin} is too obvious"
            );
        }
        for pin in ["230784", "840723", "23071984", "19840723"] {
            assert_eq!(
                crate::error::code_of(check_rules(pin, born)),
                Some(crate::ErrorCode::Invalid),
                "{pin} is the birth date"
            );
        }
        assert!(check_rules("230784", None).is_ok(), "fine for someone else");
        assert!(check_rules("583920", born).is_ok());
    }
}
