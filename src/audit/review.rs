//! Log review (loggkontroll, HSLF-FS 2016:40 4:9): a monthly report a reviewer goes
//! through and signs off. It lists emergency accesses, client accesses outside working
//! hours, days on which one person opened unusually many clients, and a random sample
//! of each person's accesses. The sample is seeded by the month and the person, so a
//! reprint shows the same lines. Every report carries the chain head it covered.
//!
//! "Accesses without an active treatment relation" checks each journal access against
//! the relations in force at the time of the access.

use crate::audit::{self, Anchor, EventView};
use crate::clock;
use crate::ids::StaffId;
use crate::settings;
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Local, NaiveDate, TimeZone, Timelike, Utc};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many accesses per person the random sample shows.
pub const SAMPLE_PER_PERSON: usize = 5;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::invalid("the period must be a month, YYYY-MM");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Self { year, month })
    }
    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
    /// The month's bounds in UTC, from the clinic's local midnight to local midnight.
    fn bounds(&self) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1).ok_or_else(|| Error::invalid("bad month"))?;
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        }
        .ok_or_else(|| Error::invalid("bad month"))?;
        let local = |d: NaiveDate| {
            Local
                .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| Error::invalid("the month start does not exist in local time"))
        };
        Ok((local(first)?, local(next)?))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeavyDay {
    pub actor_name: String,
    pub date: String,
    pub clients: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewMark {
    pub reviewer_name: String,
    pub reviewed_at: String,
    pub comment: String,
    pub head_seq: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub period: String,
    pub work_start_hour: i64,
    pub work_end_hour: i64,
    pub heavy_day_clients: i64,
    pub emergency: Vec<EventView>,
    pub outside_hours: Vec<EventView>,
    /// Journal accesses by someone without an active treatment relation at the time
    /// (administrators' "all clients" access and emergency access show up here too).
    pub without_relation: Vec<EventView>,
    pub heavy_days: Vec<HeavyDay>,
    pub sample: Vec<EventView>,
    /// Changes to who may do what, and events of the system itself: staff and rights
    /// changes, settings, relations, backups, checks after a crash, clock jumps, use of
    /// the recovery code.
    pub security: Vec<EventView>,
    /// What relatives did: their sign-ins, their client's appointments, schedules and
    /// reports they looked at, and what they were refused.
    pub relative_access: Vec<EventView>,
    /// When a restore drill (*Test a backup*) last passed, if ever.
    pub last_drill: Option<String>,
    /// Whether the relation check was made (always, since relations exist).
    pub relations_checked: bool,
    pub anchor: Anchor,
    pub marks: Vec<ReviewMark>,
}

/// The actions the report lists under "security and system".
const SECURITY_ACTIONS: &[&str] = &[
    "staff_create",
    "staff_update",
    "settings_change",
    "relation_change",
    "template_change",
    "backup_create",
    "backup_failed",
    "crash_check",
    "clock_backwards",
    "vault_recovery_unlock",
    "password_reset_recovery",
    "pin_disabled",
    "relative_manage",
    "client_erase",
];

fn is_outside(at: &str, start: i64, end: i64) -> bool {
    let Ok(t) = clock::from_db(at) else { return false };
    let local = t.with_timezone(&Local);
    let weekend = matches!(local.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
    let h = i64::from(local.hour());
    weekend || h < start || h >= end
}

fn local_date(at: &str) -> String {
    clock::from_db(at).map(|t| t.with_timezone(&Local).date_naive().to_string()).unwrap_or_default()
}

/// Builds the month's report (read-only; the caller audits it).
pub(crate) fn build(conn: &Connection, clinic_id: &str, period: Period, now: DateTime<Utc>) -> Result<Review> {
    let (from, to) = period.bounds()?;
    let start = settings::get_i64(conn, settings::WORK_START_HOUR, settings::DEFAULT_WORK_START_HOUR)?;
    let end = settings::get_i64(conn, settings::WORK_END_HOUR, settings::DEFAULT_WORK_END_HOUR)?;
    let heavy = settings::get_i64(conn, settings::HEAVY_DAY_CLIENTS, settings::DEFAULT_HEAVY_DAY_CLIENTS)?;
    let month = audit::Filter { from: Some(from), to: Some(to), ..Default::default() };
    let events = audit::all(conn, &month)?;

    // Accesses to a client's data by a person (not the system, not failed logins).
    let accesses: Vec<&EventView> =
        events.iter().filter(|e| e.client_id.is_some() && e.actor_name.is_some() && e.outcome == "ok").collect();

    let emergency = events.iter().filter(|e| e.action == "emergency_access").cloned().collect();
    let security = events.iter().filter(|e| SECURITY_ACTIONS.contains(&e.action.as_str())).cloned().collect();

    let mut no_relation = BTreeSet::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, actor, client_id, at FROM audit_events
             WHERE at >= ?1 AND at < ?2 AND outcome = 'ok' AND actor IS NOT NULL AND client_id IS NOT NULL
               AND action IN ('journal_read', 'entry_create', 'entry_update', 'entry_sign', 'entry_addendum', 'client_print')",
        )?;
        let rows = stmt.query_map(params![clock::to_db(from), clock::to_db(to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, StaffId>(1)?,
                r.get::<_, crate::ids::ClientId>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (seq, actor, client, at) = row?;
            if crate::relations::state(conn, &actor, &client, clock::from_db(&at)?)?
                != crate::relations::RelationState::Active
            {
                no_relation.insert(seq);
            }
        }
    }
    let by_relatives: BTreeSet<i64> = conn
        .prepare_cached(
            "SELECT seq FROM audit_events WHERE at >= ?1 AND at < ?2
               AND actor IN (SELECT id FROM staff WHERE kind = 'relative')",
        )?
        .query_map(params![clock::to_db(from), clock::to_db(to)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let relative_access = events.iter().filter(|e| by_relatives.contains(&e.seq)).cloned().collect();
    let without_relation = events.iter().filter(|e| no_relation.contains(&e.seq)).cloned().collect();
    let outside_hours = accesses.iter().filter(|e| is_outside(&e.at, start, end)).map(|e| (*e).clone()).collect();

    let mut per_day: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in &accesses {
        let who = e.actor_name.clone().unwrap_or_default();
        let client = e.client_id.clone().unwrap_or_default();
        per_day.entry((who, local_date(&e.at))).or_default().insert(client);
    }
    let heavy_days = per_day
        .into_iter()
        .filter(|(_, clients)| clients.len() as i64 > heavy)
        .map(|((actor_name, date), clients)| HeavyDay { actor_name, date, clients: clients.len() as i64 })
        .collect();

    let mut by_person: BTreeMap<String, Vec<&EventView>> = BTreeMap::new();
    for e in &accesses {
        by_person.entry(e.actor_name.clone().unwrap_or_default()).or_default().push(e);
    }
    let mut sample = Vec::new();
    for (person, list) in by_person {
        let seed = seed_of(&format!("{}|{}", period.label(), person));
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut picked: Vec<&EventView> = list.choose_multiple(&mut rng, SAMPLE_PER_PERSON).copied().collect();
        picked.sort_by_key(|e| e.seq);
        sample.extend(picked.into_iter().cloned());
    }

    let mut stmt = conn.prepare_cached(
        "SELECT s.name, r.reviewed_at, r.comment, r.head_seq FROM audit_reviews r JOIN staff s ON s.id = r.reviewer
         WHERE r.period = ?1 ORDER BY r.reviewed_at",
    )?;
    let marks = stmt
        .query_map([period.label()], |r| {
            Ok(ReviewMark { reviewer_name: r.get(0)?, reviewed_at: r.get(1)?, comment: r.get(2)?, head_seq: r.get(3)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    Ok(Review {
        period: period.label(),
        work_start_hour: start,
        work_end_hour: end,
        heavy_day_clients: heavy,
        emergency,
        outside_hours,
        without_relation,
        heavy_days,
        sample,
        security,
        relative_access,
        last_drill: settings::get_text(conn, settings::BACKUP_LAST_DRILL)?,
        relations_checked: true,
        anchor: Anchor::of(conn, clinic_id, now)?,
        marks,
    })
}

fn seed_of(s: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(s.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// Records that `reviewer` went through the month's report.
pub(crate) fn mark(
    conn: &Connection,
    reviewer: &StaffId,
    period: Period,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let comment = crate::text::clean(comment, crate::text::Rule::text("the comment", 4000))?;
    let (head_seq, head_hash) = audit::head(conn)?;
    conn.execute(
        "INSERT INTO audit_reviews (id, period, reviewer, reviewed_at, comment, head_seq, head_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            uuid::Uuid::now_v7().to_string(),
            period.label(),
            reviewer,
            clock::to_db(now),
            comment,
            head_seq,
            head_hash
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_strictly() {
        assert_eq!(Period::parse("2026-03").expect("ok"), Period { year: 2026, month: 3 });
        assert_eq!(crate::error::code_of(Period::parse("2026-13")), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(Period::parse("march")), Some(crate::ErrorCode::Invalid));
        assert_eq!(Period::parse("2026-3").expect("ok").label(), "2026-03");
    }

    #[test]
    fn weekends_and_evenings_are_outside_working_hours() {
        // Run with the machine's zone; build the instants from local times.
        let at = |y, m, d, h| {
            clock::to_db(Local.with_ymd_and_hms(y, m, d, h, 30, 0).earliest().expect("local time").with_timezone(&Utc))
        };
        assert!(!is_outside(&at(2026, 3, 4, 10), 7, 18)); // a Wednesday morning
        assert!(is_outside(&at(2026, 3, 4, 6), 7, 18));
        assert!(is_outside(&at(2026, 3, 4, 18), 7, 18));
        assert!(is_outside(&at(2026, 3, 7, 10), 7, 18)); // a Saturday
    }
}
