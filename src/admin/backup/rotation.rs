//! Which automatic backups to keep: the newest of each of the last 7 days, of each of the
//! last 4 weeks and of each of the last 12 months that have one (a grandfather-father-son
//! rotation). Pure: the caller lists the backups Klinik made and verified, and deletes
//! only what this leaves out.

use chrono::{Datelike, NaiveDateTime};
use std::collections::BTreeSet;

/// How many of each to keep.
pub const DAILY: usize = 7;
pub const WEEKLY: usize = 4;
pub const MONTHLY: usize = 12;

/// The indexes of `made` (when each backup was made, local time) to keep.
pub fn keep(made: &[NaiveDateTime]) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..made.len()).collect();
    // Newest first; the newest of a day/week/month is the first one seen of it.
    order.sort_by(|a, b| made[*b].cmp(&made[*a]));
    let mut kept = BTreeSet::new();
    let mut pick = |key: &dyn Fn(&NaiveDateTime) -> (i32, u32, u32), n: usize| {
        let mut seen = Vec::new();
        for &i in &order {
            let k = key(&made[i]);
            if seen.contains(&k) {
                continue;
            }
            if seen.len() == n {
                break;
            }
            seen.push(k);
            kept.insert(i);
        }
    };
    pick(&|t| (t.year(), t.month(), t.day()), DAILY);
    pick(&|t| (t.iso_week().year(), t.iso_week().week(), 0), WEEKLY);
    pick(&|t| (t.year(), t.month(), 0), MONTHLY);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
        day.and_hms_opt(hour, 0, 0).expect("a time")
    }

    #[test]
    fn a_year_of_daily_backups_keeps_seven_days_four_weeks_and_twelve_months() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("day");
        // Two a day (at opening and at closing) for 400 days.
        let made: Vec<NaiveDateTime> =
            (0..400).flat_map(|d| [at(start + Duration::days(d), 8), at(start + Duration::days(d), 17)]).collect();
        let kept = keep(&made);
        let days: BTreeSet<NaiveDate> = kept.iter().map(|i| made[*i].date()).collect();
        let last = start + Duration::days(399);
        // The last seven days, each by its closing backup.
        for d in 0..7 {
            let day = last - Duration::days(d);
            assert!(kept.contains(&made.iter().position(|t| *t == at(day, 17)).expect("made")), "{day}");
            assert!(!kept.contains(&made.iter().position(|t| *t == at(day, 8)).expect("made")), "one per day: {day}");
        }
        // Twelve months are represented, the oldest kept is about a year back, and the
        // total is at most 7 + 4 + 12.
        let months: BTreeSet<(i32, u32)> = days.iter().map(|d| (d.year(), d.month())).collect();
        assert_eq!(months.len(), MONTHLY);
        assert!(kept.len() <= DAILY + WEEKLY + MONTHLY, "{}", kept.len());
        assert!(days.iter().next().expect("some") < &(last - Duration::days(300)));
    }

    #[test]
    fn few_backups_are_all_kept_and_none_means_nothing() {
        assert!(keep(&[]).is_empty());
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("day");
        let made = [at(day, 8), at(day - Duration::days(1), 8), at(day - Duration::days(40), 8)];
        assert_eq!(keep(&made), BTreeSet::from([0, 1, 2]));
    }
}
