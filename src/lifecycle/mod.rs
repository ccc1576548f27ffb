//! The end of a client's record: how long a clinic keeps what, which clients' periods
//! have run out, and erasing them.
//!
//! Retention rules are clinic settings. A journal is kept at least ten years after its
//! last entry (the floor for every clinic keeping journals: the Danish
//! journalføringsbekendtgørelse § 15, the Swedish patientdatalag 3 kap. 17 § and the
//! Norwegian pasientjournalforskriften § 15 all ask for ten years or more, the details
//! differ — the clinic may choose more). A notes clinic (beauty, wellness, no health
//! journal) chooses its own period. A client without any entry goes after a chosen number
//! of years (1–10) without appointments or entries. Issued invoices are bookkeeping and
//! are kept five years after the end of their year (bogføringsloven, bokföringslagen,
//! bokføringsloven): a client with invoices is due only after that, and then keeps a row
//! without any personal data that the invoices point to.
//!
//! [`cleanup`] proposes the clients whose period has run out and erases those an
//! administrator confirms; [`erasure`] answers a client's request to be erased, removing
//! what may go and recording why the journal stays. Both erase through [`purge`], the one
//! path that removes signed entries (see migration 19), followed by an FTS optimize and a
//! WAL checkpoint so no text survives in index segments or the log.

pub mod cleanup;
pub mod erasure;
pub mod export;
pub mod import;
pub(crate) mod purge;

use crate::clinic::JournalMode;
use crate::settings;
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The least a journal is kept after its last entry, in years.
pub const JOURNAL_MIN_YEARS: i64 = 10;
/// The most any period may be set to.
pub const MAX_YEARS: i64 = 30;
/// Bookkeeping: issued invoices are kept this many years after the end of their year.
pub const BOOKKEEPING_YEARS: i32 = 5;

/// The clinic's retention rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rules {
    /// Years a journal is kept after its last entry (10–30).
    pub journal_years: u32,
    /// In a notes clinic: years notes are kept after the last one (1–30).
    pub notes_years: u32,
    /// Years without appointments or entries after which a client without entries goes (1–10).
    pub inactive_years: u32,
}

pub fn rules(conn: &Connection) -> Result<Rules> {
    let get = |key, default| -> Result<u32> { Ok(u32::try_from(settings::get_i64(conn, key, default)?).unwrap_or(0)) };
    Ok(Rules {
        journal_years: get(settings::JOURNAL_RETENTION_YEARS, JOURNAL_MIN_YEARS)?,
        notes_years: get(settings::NOTES_RETENTION_YEARS, 5)?,
        inactive_years: get(settings::INACTIVE_CLIENT_YEARS, 5)?,
    })
}

/// Changes the rules (administrators, with the password; audited by the gate).
pub(crate) fn set_rules(conn: &Connection, r: &Rules) -> Result<()> {
    let journal = i64::from(r.journal_years);
    if !(JOURNAL_MIN_YEARS..=MAX_YEARS).contains(&journal) {
        return Err(Error::invalid("journals are kept 10 to 30 years after the last entry"));
    }
    if !(1..=MAX_YEARS).contains(&i64::from(r.notes_years)) {
        return Err(Error::invalid("notes are kept 1 to 30 years"));
    }
    if !(1..=10).contains(&r.inactive_years) {
        return Err(Error::invalid("inactive clients go after 1 to 10 years"));
    }
    settings::set_i64(conn, settings::JOURNAL_RETENTION_YEARS, journal)?;
    settings::set_i64(conn, settings::NOTES_RETENTION_YEARS, i64::from(r.notes_years))?;
    settings::set_i64(conn, settings::INACTIVE_CLIENT_YEARS, i64::from(r.inactive_years))?;
    Ok(())
}

/// `day` plus whole years (29 February becomes 28 February in a common year).
pub(crate) fn add_years(day: NaiveDate, years: i32) -> NaiveDate {
    let y = day.year() + years;
    NaiveDate::from_ymd_opt(y, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, day.month(), 28))
        .unwrap_or(day)
}

/// Why a client's record is kept, or why it may go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Rule {
    /// Journal (or notes) retention after the last entry.
    Journal { last_entry: NaiveDate, years: u32 },
    /// No appointment or entry for the chosen years.
    Inactive { last_activity: NaiveDate, years: u32 },
    /// Issued invoices, kept for bookkeeping until the end of their fifth year.
    Bookkeeping { last_invoice: NaiveDate },
}

/// When each rule lets a client's record go, and the rule that holds longest.
#[derive(Debug, Clone)]
pub(crate) struct Due {
    /// The journal rule, when the client has entries.
    pub journal: Option<(Rule, NaiveDate)>,
    pub inactive: (Rule, NaiveDate),
    pub bookkeeping: Option<(Rule, NaiveDate)>,
}

impl Due {
    /// The first day everything may go, and the rule that decides it.
    pub fn last(&self) -> (&Rule, NaiveDate) {
        let mut out = (&self.inactive.0, self.inactive.1);
        for (rule, day) in [&self.journal, &self.bookkeeping].into_iter().flatten() {
            if *day > out.1 {
                out = (rule, *day);
            }
        }
        out
    }
}

fn day_of(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
}

/// What the rules decide on for one client (days).
pub(crate) struct Facts {
    pub created: NaiveDate,
    pub last_entry: Option<NaiveDate>,
    pub last_appointment: Option<NaiveDate>,
    pub last_invoice: Option<NaiveDate>,
}

/// The facts of every client (or one), read in one query.
pub(crate) const FACTS_SQL: &str = "SELECT c.id, c.name, c.created_at,
        max(coalesce((SELECT max(max(care_at, created_at)) FROM entries WHERE client_id = c.id), ''),
            coalesce((SELECT max(created_at) FROM attachments WHERE client_id = c.id), '')),
        (SELECT max(starts_at) FROM appointments WHERE client_id = c.id),
        (SELECT max(issued_on) FROM invoices WHERE client_id = c.id AND status = 'issued')
     FROM clients c";

pub(crate) fn facts_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(crate::ClientId, String, Facts)> {
    let created = day_of(Some(r.get(2)?)).unwrap_or_default();
    Ok((
        r.get(0)?,
        r.get(1)?,
        Facts {
            created,
            last_entry: day_of(r.get(3)?),
            last_appointment: day_of(r.get(4)?),
            last_invoice: day_of(r.get(5)?),
        },
    ))
}

/// The dates a client's record is kept until, by each rule (`notes`: a notes clinic).
pub(crate) fn due_from(f: &Facts, rules: Rules, notes: bool) -> Due {
    let last_activity =
        [Some(f.created), f.last_entry, f.last_appointment].into_iter().flatten().max().unwrap_or(f.created);
    let years = if notes { rules.notes_years } else { rules.journal_years };
    let journal = f.last_entry.map(|d| (Rule::Journal { last_entry: d, years }, add_years(d, years as i32)));
    let inactive = (
        Rule::Inactive { last_activity, years: rules.inactive_years },
        add_years(last_activity, rules.inactive_years as i32),
    );
    let bookkeeping = f.last_invoice.map(|d| {
        let until = NaiveDate::from_ymd_opt(d.year() + 1 + BOOKKEEPING_YEARS, 1, 1).unwrap_or(d);
        (Rule::Bookkeeping { last_invoice: d }, until)
    });
    Due { journal, inactive, bookkeeping }
}

/// The dates one client's record is kept until.
pub(crate) fn due(conn: &Connection, client: &crate::ClientId) -> Result<Due> {
    let (_, _, facts) = conn
        .query_row(&format!("{FACTS_SQL} WHERE c.id = ?1"), [client], facts_from)
        .optional()?
        .ok_or(Error::NotFound)?;
    let notes = settings::journal_mode(conn)? == JournalMode::Notes;
    Ok(due_from(&facts, rules(conn)?, notes))
}

/// Today in the clinic's time zone.
pub(crate) fn today(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<NaiveDate> {
    crate::relatives::today(conn, now)
}
