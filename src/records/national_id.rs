//! National identity numbers of Denmark, Sweden and Norway, as a receptionist types them.
//!
//! Why these rules (docs/SECURITY.md, and the registries' own documentation):
//! - **DK CPR**: the modulus-11 check is *not* a validity rule — numbers issued since 2007
//!   may fail it — so a failure is only a soft warning. The century comes from the 7th
//!   digit and the year (CPR-kontoret's table).
//! - **SE personnummer**: Luhn over the ten-digit form; `+` marks someone 100 or older;
//!   a samordningsnummer has the day + 60.
//! - **NO fødselsnummer**: two check digits; D-numbers have the day + 40, H-numbers the
//!   month + 40; the century comes from the individual number. From 2032 the first check
//!   digit is no longer unique (Skatteetaten): a number is accepted when
//!   (Σ w·d + k1) mod 11 ∈ {0, 1, 2, 3} and the second check digit is right. The old rule
//!   is the case 0, so this accepts every old number too.
//!
//! Numbers are stored normalized and shown masked; revealing one is an audited action of
//! the caller. Gender is never derived.

use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdCountry {
    Dk,
    Se,
    No,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IdKind {
    Cpr,
    Personnummer,
    Samordningsnummer,
    Fodselsnummer,
    DNumber,
    HNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IdWarning {
    /// A Danish CPR number that fails modulus 11 — normal for numbers issued since 2007.
    DkModulus11Fails,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalId {
    pub country: IdCountry,
    /// DK `DDMMYYSSSS`, SE `YYYYMMDDNNNN`, NO `DDMMYYIIIKK`.
    pub normalized: String,
    pub birth_date: NaiveDate,
    pub kind: IdKind,
    pub warnings: Vec<IdWarning>,
}

fn bad(msg: &str) -> Error {
    Error::invalid(format!("not a valid national ID: {msg}"))
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| bad("the date does not exist"))
}

/// Parses and validates what was typed; `today` bounds the birth date.
pub fn parse(country: IdCountry, input: &str, today: NaiveDate) -> Result<NationalId> {
    if input.chars().count() > 20 {
        return Err(bad("too long"));
    }
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(bad("empty"));
    }
    let id = match country {
        IdCountry::Dk => parse_dk(&compact)?,
        IdCountry::Se => parse_se(&compact, today)?,
        IdCountry::No => parse_no(&compact)?,
    };
    if id.birth_date > today {
        return Err(bad("the birth date is in the future"));
    }
    Ok(id)
}

fn parse_dk(s: &str) -> Result<NationalId> {
    let s = match s.len() {
        11 if s.as_bytes()[6] == b'-' => format!("{}{}", &s[..6], &s[7..]),
        10 => s.to_owned(),
        _ => return Err(bad("a CPR number is DDMMYY-SSSS")),
    };
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("a CPR number has digits only"));
    }
    let d = digits(&s);
    let (day, month, yy, seventh) = (d[0] * 10 + d[1], d[2] * 10 + d[3], (d[4] * 10 + d[5]) as i32, d[6]);
    let century = match seventh {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        _ if yy <= 57 => 2000,
        _ => 1800,
    };
    let birth_date = date(century + yy, month, day)?;
    let weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    let sum: u32 = d.iter().zip(weights).map(|(a, w)| a * w).sum();
    let warnings = if sum.is_multiple_of(11) { vec![] } else { vec![IdWarning::DkModulus11Fails] };
    Ok(NationalId { country: IdCountry::Dk, normalized: s, birth_date, kind: IdKind::Cpr, warnings })
}

fn luhn_ok(ten: &[u32]) -> bool {
    let sum: u32 = ten
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn parse_se(s: &str, today: NaiveDate) -> Result<NationalId> {
    let (body, plus, explicit_century) = match s.len() {
        13 if matches!(s.as_bytes()[8], b'-' | b'+') => {
            (format!("{}{}", &s[..8], &s[9..]), s.as_bytes()[8] == b'+', true)
        }
        12 => (s.to_owned(), false, true),
        11 if matches!(s.as_bytes()[6], b'-' | b'+') => {
            (format!("{}{}", &s[..6], &s[7..]), s.as_bytes()[6] == b'+', false)
        }
        10 => (s.to_owned(), false, false),
        _ => return Err(bad("a personnummer is YYMMDD-NNNN or YYYYMMDD-NNNN")),
    };
    if !body.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("a personnummer has digits only"));
    }
    let d = digits(&body);
    let ten: &[u32] = if explicit_century { &d[2..] } else { &d[..] };
    if !luhn_ok(ten) {
        return Err(bad("the check digit is wrong"));
    }
    let yy = (ten[0] * 10 + ten[1]) as i32;
    let month = ten[2] * 10 + ten[3];
    let mut day = ten[4] * 10 + ten[5];
    let mut kind = IdKind::Personnummer;
    if day > 60 {
        day -= 60;
        kind = IdKind::Samordningsnummer;
    }
    let year = if explicit_century {
        (d[0] * 1000 + d[1] * 100) as i32 + yy
    } else {
        // The latest year with these two digits that is not after today, then 100
        // years earlier for a `+`.
        let mut y = today.year() - (today.year() - yy).rem_euclid(100);
        if date(y, month, day.max(1)).map(|b| b > today).unwrap_or(false) {
            y -= 100;
        }
        if plus {
            y -= 100;
        }
        y
    };
    let birth_date = date(year, month, day)?;
    let normalized = format!("{:04}{}", year, ten[2..].iter().map(|d| d.to_string()).collect::<String>());
    Ok(NationalId { country: IdCountry::Se, normalized, birth_date, kind, warnings: vec![] })
}

fn parse_no(s: &str) -> Result<NationalId> {
    if s.len() != 11 || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("a fødselsnummer is 11 digits"));
    }
    let d = digits(s);
    let w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
    let w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    let s1: u32 = d.iter().zip(w1).map(|(a, w)| a * w).sum();
    let s2: u32 = d.iter().zip(w2).map(|(a, w)| a * w).sum();
    if s1 % 11 > 3 || !s2.is_multiple_of(11) {
        return Err(bad("the check digits are wrong"));
    }
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    let mut kind = IdKind::Fodselsnummer;
    if day > 40 {
        day -= 40;
        kind = IdKind::DNumber;
    } else if month > 40 {
        month -= 40;
        kind = IdKind::HNumber;
    }
    let yy = (d[4] * 10 + d[5]) as i32;
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    let century = match individual {
        0..=499 => 1900,
        500..=749 if yy >= 54 => 1800,
        500..=999 if yy <= 39 => 2000,
        900..=999 if yy >= 40 => 1900,
        _ => return Err(bad("the individual number does not fit the year")),
    };
    let birth_date = date(century + yy, month, day)?;
    Ok(NationalId { country: IdCountry::No, normalized: s.to_owned(), birth_date, kind, warnings: vec![] })
}

impl NationalId {
    /// The number as shown by default: the birth-date part, the rest hidden.
    pub fn masked(&self) -> String {
        mask(self.country, &self.normalized)
    }
}

/// Masks a stored (normalized) number.
pub fn mask(country: IdCountry, normalized: &str) -> String {
    match country {
        IdCountry::Dk => format!("{}-XXXX", normalized.get(..6).unwrap_or("")),
        IdCountry::Se => format!("{}-XXXX", normalized.get(..8).unwrap_or("")),
        IdCountry::No => format!("{} XXXXX", normalized.get(..6).unwrap_or("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
    }
    fn ok(c: IdCountry, s: &str) -> NationalId {
        parse(c, s, today()).unwrap_or_else(|e| panic!("{s} should be valid: {e}"))
    }
    fn born(c: IdCountry, s: &str) -> String {
        ok(c, s).birth_date.to_string()
    }

    #[test]
    fn danish_cpr_numbers_valid_with_and_without_modulus_11() {
        assert_eq!(born(IdCountry::Dk, "070761-4285"), "1961-07-07");
        assert!(ok(IdCountry::Dk, "070761-4285").warnings.is_empty());
        assert_eq!(born(IdCountry::Dk, "150288-1007"), "1988-02-15");
        // Fails modulus 11 but is a valid number: accepted with a soft warning.
        for s in ["010170-1234", "150288-2001", "0101701234"] {
            assert_eq!(ok(IdCountry::Dk, s).warnings, vec![IdWarning::DkModulus11Fails], "{s}");
        }
        // Century from the 7th digit and the year.
        assert_eq!(born(IdCountry::Dk, "010137-4321"), "1937-01-01");
        assert_eq!(born(IdCountry::Dk, "010120-5321"), "2020-01-01");
        assert_eq!(born(IdCountry::Dk, "010158-5321"), "1858-01-01");
        assert_eq!(born(IdCountry::Dk, "010158-4321"), "1958-01-01");
        assert_eq!(ok(IdCountry::Dk, "070761 4285").normalized, "0707614285");
        assert_eq!(ok(IdCountry::Dk, "070761-4285").masked(), "070761-XXXX");
    }

    #[test]
    fn danish_cpr_numbers_invalid() {
        for s in [
            "310299-1234", // 31 February
            "290223-1234", // 1923 was not a leap year
            "320188-1234", // day 32
            "010136-4321", // 2036: in the future
            "07076-14285", // dash in the wrong place
            "070761-428",  // too short
            "07076a-4285", // a letter
            "",
        ] {
            assert_eq!(
                crate::error::code_of(parse(IdCountry::Dk, s, today())),
                Some(crate::ErrorCode::Invalid),
                "{s:?} should be refused"
            );
        }
    }

    #[test]
    fn swedish_personnummer_valid() {
        assert_eq!(born(IdCountry::Se, "811218-9876"), "1981-12-18");
        assert_eq!(ok(IdCountry::Se, "811218-9876").normalized, "198112189876");
        assert_eq!(ok(IdCountry::Se, "19811218-9876").normalized, "198112189876");
        assert_eq!(ok(IdCountry::Se, "198112189876").normalized, "198112189876");
        assert_eq!(ok(IdCountry::Se, "8112189876").masked(), "19811218-XXXX");
        assert_eq!(born(IdCountry::Se, "121212-1212"), "2012-12-12");
        assert_eq!(born(IdCountry::Se, "121212+1212"), "1912-12-12", "+ means 100 or older");
        assert_eq!(born(IdCountry::Se, "460120-1231"), "1946-01-20");
        let s = ok(IdCountry::Se, "701063-2383");
        assert_eq!(s.kind, IdKind::Samordningsnummer);
        assert_eq!(s.birth_date.to_string(), "1970-10-03");
    }

    #[test]
    fn swedish_personnummer_invalid() {
        for s in ["811218-9875", "811318-9876", "8112189876543", "811218_9876", "81121-89876", "abcdef-ghij"] {
            assert_eq!(
                crate::error::code_of(parse(IdCountry::Se, s, today())),
                Some(crate::ErrorCode::Invalid),
                "{s:?} should be refused"
            );
        }
    }

    #[test]
    fn norwegian_fodselsnummer_valid() {
        assert_eq!(born(IdCountry::No, "15058912317"), "1989-05-15");
        assert_eq!(born(IdCountry::No, "01010750160"), "2007-01-01");
        assert_eq!(born(IdCountry::No, "31129945616"), "1999-12-31");
        assert_eq!(born(IdCountry::No, "01014091234"), "1940-01-01");
        assert_eq!(born(IdCountry::No, "02030456079"), "2004-03-02");
        assert_eq!(born(IdCountry::No, "29020050169"), "2000-02-29");
        let d = ok(IdCountry::No, "55058912300");
        assert_eq!((d.kind, d.birth_date.to_string()), (IdKind::DNumber, "1989-05-15".to_owned()));
        let h = ok(IdCountry::No, "15458912480");
        assert_eq!((h.kind, h.birth_date.to_string()), (IdKind::HNumber, "1989-05-15".to_owned()));
        // Valid only under the 2032 rule for the first check digit.
        assert!(ok(IdCountry::No, "15058912325").warnings.is_empty());
        assert_eq!(ok(IdCountry::No, "15058912317").masked(), "150589 XXXXX");
    }

    #[test]
    fn norwegian_fodselsnummer_invalid() {
        for s in [
            "15058912318", // wrong second check digit
            "15058912307", // first check digit fails even the 2032 rule
            "31029945616", // 31 February
            "1505891231",  // ten digits
            "150589123170",
            "15058912a17",
        ] {
            assert_eq!(
                crate::error::code_of(parse(IdCountry::No, s, today())),
                Some(crate::ErrorCode::Invalid),
                "{s:?} should be refused"
            );
        }
    }

    #[test]
    fn long_input_is_refused_before_any_work() {
        assert_eq!(
            crate::error::code_of(parse(IdCountry::Dk, &"1".repeat(10_000), today())),
            Some(crate::ErrorCode::Invalid)
        );
    }
}
