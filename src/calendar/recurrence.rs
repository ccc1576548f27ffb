//! Recurring appointments: "every N weeks on these weekdays, until a day or N times".
//! Expanded in local time (a 09:00 series stays at 09:00 across the daylight-saving
//! change), into at most [`MAX_OCCURRENCES`] dates; the appointments are ordinary rows
//! that share a series id, so "this one" and "this and following" edits are plain updates.

use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// No series is longer than this (about four years of weekly visits).
pub const MAX_OCCURRENCES: usize = 200;
/// Nor does it reach further than this many days.
pub const MAX_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Up to and including this local day.
    Until(NaiveDate),
    /// This many appointments in all (the first included).
    Times(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub every_weeks: u32,
    /// The weekdays it falls on (the first appointment's weekday is always one of them).
    pub weekdays: Vec<Weekday>,
    pub end: End,
}

impl Rule {
    /// Checks the rule and returns it with the first appointment's weekday included and
    /// the weekdays in order.
    pub fn checked(mut self, first: NaiveDate) -> Result<Self> {
        if !(1..=52).contains(&self.every_weeks) {
            return Err(Error::invalid("a series repeats every 1 to 52 weeks"));
        }
        if !self.weekdays.contains(&first.weekday()) {
            self.weekdays.push(first.weekday());
        }
        self.weekdays.sort_by_key(|d| d.num_days_from_monday());
        self.weekdays.dedup();
        match self.end {
            End::Times(n) if n == 0 || n as usize > MAX_OCCURRENCES => {
                return Err(Error::invalid(format!("a series has 1 to {MAX_OCCURRENCES} appointments")))
            }
            End::Until(d) if d < first => return Err(Error::invalid("the series ends before it starts")),
            End::Until(d) if (d - first).num_days() > MAX_DAYS => {
                return Err(Error::invalid("a series reaches at most three years ahead"))
            }
            _ => {}
        }
        Ok(self)
    }

    /// The weekdays as stored (`"135"` for Monday, Wednesday, Friday).
    pub fn weekdays_text(&self) -> String {
        self.weekdays.iter().map(|d| char::from(b'1' + d.num_days_from_monday() as u8)).collect()
    }

    /// Weekdays as ISO numbers (1 = Monday … 7 = Sunday), as the window sends them.
    pub fn weekdays_from_iso(days: &[u8]) -> Result<Vec<Weekday>> {
        days.iter()
            .map(|d| {
                Weekday::try_from(d.wrapping_sub(1))
                    .map_err(|_| Error::invalid("weekdays are 1 (Monday) to 7 (Sunday)"))
            })
            .collect()
    }

    pub fn parse_weekdays(s: &str) -> Result<Vec<Weekday>> {
        s.chars()
            .map(|c| match c {
                '1'..='7' => Ok(Weekday::try_from(c as u8 - b'1').map_err(|_| Error::invalid("not a weekday"))?),
                _ => Err(Error::invalid("weekdays are the digits 1 (Monday) to 7 (Sunday)")),
            })
            .collect()
    }
}

/// Every local start time of the series that begins at `first`: on the rule's weekdays
/// of every `every_weeks`-th week counted from the week of `first` (weeks start on
/// Monday), at `first`'s time of day, from `first` on. Week by week, never day by day.
pub fn expand(first: NaiveDateTime, rule: &Rule) -> Result<Vec<NaiveDateTime>> {
    let rule = rule.clone().checked(first.date())?;
    let monday = first.date() - Duration::days(i64::from(first.date().weekday().num_days_from_monday()));
    let (limit_times, until) = match rule.end {
        End::Times(n) => (n as usize, first.date() + Duration::days(MAX_DAYS)),
        End::Until(d) => (MAX_OCCURRENCES, d),
    };
    let mut out = Vec::new();
    let mut week_start = monday;
    'weeks: while week_start <= until {
        for day in &rule.weekdays {
            let date = week_start + Duration::days(i64::from(day.num_days_from_monday()));
            if date < first.date() {
                continue;
            }
            if date > until || out.len() == limit_times {
                break 'weeks;
            }
            out.push(date.and_time(first.time()));
        }
        week_start += Duration::weeks(i64::from(rule.every_weeks));
    }
    if out.len() > MAX_OCCURRENCES {
        return Err(Error::invalid(format!("a series has at most {MAX_OCCURRENCES} appointments")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn every_second_week_on_monday_and_thursday_four_times() {
        let first = day("2026-11-30").and_hms_opt(9, 0, 0).expect("time"); // a Monday
        let rule = Rule { every_weeks: 2, weekdays: vec![Weekday::Thu], end: End::Times(4) };
        let got: Vec<String> = expand(first, &rule).expect("series").iter().map(|t| t.to_string()).collect();
        assert_eq!(
            got,
            ["2026-11-30 09:00:00", "2026-12-03 09:00:00", "2026-12-14 09:00:00", "2026-12-17 09:00:00"],
            "the first day's weekday joins the rule"
        );
    }

    #[test]
    fn bad_rules_are_refused() {
        let first = day("2026-11-30").and_hms_opt(9, 0, 0).expect("time");
        for rule in [
            Rule { every_weeks: 0, weekdays: vec![], end: End::Times(3) },
            Rule { every_weeks: 1, weekdays: vec![], end: End::Times(0) },
            Rule { every_weeks: 1, weekdays: vec![], end: End::Times(201) },
            Rule { every_weeks: 1, weekdays: vec![], end: End::Until(day("2026-11-01")) },
            Rule { every_weeks: 1, weekdays: vec![], end: End::Until(day("2031-01-01")) },
        ] {
            assert_eq!(expand(first, &rule).err().map(|e| e.code()), Some(crate::ErrorCode::Invalid), "{rule:?}");
        }
    }

    /// The naive reading of the rule: walk every day and keep the ones it names.
    fn oracle(first: NaiveDateTime, rule: &Rule) -> Vec<NaiveDateTime> {
        let rule = rule.clone().checked(first.date()).expect("valid");
        let monday = first.date() - Duration::days(i64::from(first.date().weekday().num_days_from_monday()));
        let (times, until) = match rule.end {
            End::Times(n) => (n as usize, first.date() + Duration::days(MAX_DAYS)),
            End::Until(d) => (MAX_OCCURRENCES, d),
        };
        let mut out = Vec::new();
        let mut d = first.date();
        while d <= until && out.len() < times {
            let week = (d - monday).num_days() / 7;
            if week % i64::from(rule.every_weeks) == 0 && rule.weekdays.contains(&d.weekday()) {
                out.push(d.and_time(first.time()));
            }
            d += Duration::days(1);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn expansion_matches_the_day_by_day_oracle(
            start_day in 0i64..3000,
            minute in 0u32..1440,
            every in 1u32..6,
            days in proptest::collection::vec(0u8..7, 0..7),
            by_times in any::<bool>(),
            n in 1u32..60,
            span in 0i64..400,
        ) {
            let first_day = day("2024-01-01") + Duration::days(start_day);
            let first = first_day.and_hms_opt(minute / 60, minute % 60, 0).expect("time");
            let weekdays = days.into_iter().map(|d| Weekday::try_from(d).expect("weekday")).collect();
            let end = if by_times { End::Times(n) } else { End::Until(first_day + Duration::days(span)) };
            let rule = Rule { every_weeks: every, weekdays, end };
            prop_assert_eq!(expand(first, &rule).expect("series"), oracle(first, &rule));
        }
    }
}
