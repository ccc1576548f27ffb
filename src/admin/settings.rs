//! Clinic settings kept in the encrypted database, with defaults that suit a clinic.

use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// A session that has been idle this long is ended (seeds: 24 hours by default).
pub const SESSION_TIMEOUT_MINUTES: &str = "session_timeout_minutes";
/// The window locks itself after this much inactivity.
pub const IDLE_LOCK_MINUTES: &str = "idle_lock_minutes";

pub const DEFAULT_SESSION_TIMEOUT_MINUTES: i64 = 24 * 60;
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 10;

pub fn get_i64(conn: &Connection, key: &str, default: i64) -> Result<i64> {
    let v: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    match v {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| Error::Storage(format!("setting {key} is not a number"))),
    }
}

pub fn set_i64(conn: &Connection, key: &str, value: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value.to_string()],
    )?;
    Ok(())
}

pub fn session_timeout_minutes(conn: &Connection) -> Result<i64> {
    get_i64(conn, SESSION_TIMEOUT_MINUTES, DEFAULT_SESSION_TIMEOUT_MINUTES)
}

pub fn idle_lock_minutes(conn: &Connection) -> Result<i64> {
    get_i64(conn, IDLE_LOCK_MINUTES, DEFAULT_IDLE_LOCK_MINUTES)
}

/// Log review: the working day in the clinic's local time (hours, end exclusive).
pub const WORK_START_HOUR: &str = "work_start_hour";
pub const WORK_END_HOUR: &str = "work_end_hour";
/// Log review: more distinct clients than this opened by one person in a day is flagged.
pub const HEAVY_DAY_CLIENTS: &str = "heavy_day_clients";

pub const DEFAULT_WORK_START_HOUR: i64 = 7;
pub const DEFAULT_WORK_END_HOUR: i64 = 18;
pub const DEFAULT_HEAVY_DAY_CLIENTS: i64 = 30;

/// The clinic's access model (Planway's three): `solo`, `individual` or `business_pin`.
pub const ACCESS_MODEL: &str = "access_model";
/// A PIN unlock on a shared workstation ends after this many idle seconds.
pub const PIN_IDLE_SECONDS: &str = "pin_idle_seconds";
pub const DEFAULT_PIN_IDLE_SECONDS: i64 = 120;

pub fn get_text(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_text(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn access_model(conn: &Connection) -> Result<crate::policy::AccessModel> {
    Ok(get_text(conn, ACCESS_MODEL)?
        .and_then(|m| crate::policy::AccessModel::parse(&m))
        .unwrap_or(crate::policy::AccessModel::Solo))
}

pub fn pin_idle_seconds(conn: &Connection) -> Result<i64> {
    get_i64(conn, PIN_IDLE_SECONDS, DEFAULT_PIN_IDLE_SECONDS)
}

/// An admin can require two-factor login for every personal login (1) or not (0).
pub const REQUIRE_TOTP: &str = "require_totp";

pub fn require_totp(conn: &Connection) -> Result<bool> {
    Ok(get_i64(conn, REQUIRE_TOTP, 0)? == 1)
}

/// What every staff member may do with a newly created client ("own clients" scope):
/// `none`, `view` or `edit` (EasyPractice's "default access for new clients").
pub const NEW_CLIENT_ACCESS: &str = "new_client_access";

pub fn new_client_access(conn: &Connection) -> Result<crate::policy::Level> {
    Ok(get_text(conn, NEW_CLIENT_ACCESS)?
        .and_then(|m| crate::policy::Level::parse(&m))
        .unwrap_or(crate::policy::Level::Edit))
}

/// Booking a client with a practitioner makes them the practitioner's client (1, the
/// default) or not (0).
pub const APPOINTMENT_RELATION: &str = "appointment_relation";

pub fn appointment_relation(conn: &Connection) -> Result<bool> {
    Ok(get_i64(conn, APPOINTMENT_RELATION, 1)? == 1)
}

/// The largest attachment, in megabytes (25 by default).
pub const ATTACHMENT_MAX_MB: &str = "attachment_max_mb";

/// Drafts untouched this many hours are signed automatically in their author's name
/// (0 = never, the default).
pub const AUTO_SIGN_HOURS: &str = "auto_sign_hours";

pub fn auto_sign_hours(conn: &Connection) -> Result<i64> {
    get_i64(conn, AUTO_SIGN_HOURS, 0)
}

/// Set to 1 by the demo builder ([`crate::demo::create`]) and by nothing else: no gated
/// settings change writes this key, so a real clinic cannot get it. `klinik bench` copies
/// a clinic unencrypted into the temp folder and therefore runs only where it is set.
pub const DEMO_CLINIC: &str = "demo_clinic";
/// The starter reports were added (once; an administrator may retire them).
pub const REPORTS_STARTED: &str = "reports_started";
/// The folder automatic backups go to (empty or missing: off).
pub const BACKUP_FOLDER: &str = "backup_folder";
/// When the last automatic backup was made and checked (UTC).
pub const BACKUP_LAST_OK: &str = "backup_last_ok";
/// When the last restore drill passed (UTC).
pub const BACKUP_LAST_DRILL: &str = "backup_last_drill";
/// Retention: years a journal is kept after its last entry (10 at least).
pub const JOURNAL_RETENTION_YEARS: &str = "journal_retention_years";
/// Retention in a notes clinic (beauty, wellness): years notes are kept after the last one.
pub const NOTES_RETENTION_YEARS: &str = "notes_retention_years";
/// Years without appointments or entries after which a client without journal entries goes.
pub const INACTIVE_CLIENT_YEARS: &str = "inactive_client_years";
/// The starter consent declarations were added (once per clinic).
pub const CONSENTS_STARTED: &str = "consents_started";
/// When an administrator last went through the cleanup proposal (RFC 3339).
pub const CLEANUP_LAST_REVIEW: &str = "cleanup_last_review";

pub fn is_demo_clinic(conn: &Connection) -> Result<bool> {
    Ok(get_i64(conn, DEMO_CLINIC, 0)? == 1)
}

/// The clinic's journal mode (notes, journals, or journals with national IDs), as the
/// enum every rule compares against, never as text.
pub fn journal_mode(conn: &Connection) -> Result<crate::clinic::JournalMode> {
    let mode: String = conn.query_row("SELECT journal_mode FROM clinic", [], |r| r.get(0))?;
    crate::clinic::JournalMode::parse(&mode)
}

/// Journals with national IDs: the mode in which every path to personal data needs a
/// strong login (docs/SECURITY.md, section 3).
pub fn national_id_mode(conn: &Connection) -> Result<bool> {
    Ok(journal_mode(conn)? == crate::clinic::JournalMode::JournalsWithId)
}

/// Set once the clinic's chain head has an anchor outside the database: from then on a
/// missing anchor is a removed one (see `crate::anchor`), not a clinic from before
/// anchors existed.
pub const AUDIT_ANCHORED: &str = "audit_anchored";

pub fn audit_anchored(conn: &Connection) -> Result<bool> {
    Ok(get_i64(conn, AUDIT_ANCHORED, 0)? == 1)
}
