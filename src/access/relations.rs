//! Treatment relations: who is caring for whom, and since when. "Own clients" are the
//! ones with an active relation; a block keeps one person from one client whatever
//! else they may; emergency access opens a journal for a few hours with a stated
//! reason, audited as such and flagged for log review.

use crate::clock;
use crate::ids::{ClientId, StaffId};
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

/// How long emergency access lasts.
pub const EMERGENCY_HOURS: i64 = 8;
pub const MIN_REASON_CHARS: usize = 10;

/// How a relation arose (the `kind` column; its CHECK lists the same four).
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RelationKind {
    /// An admin assigned the client to the staff member (also: the person registered
    /// the client with scope "own").
    Assignment,
    /// "Break the glass": a few hours, with a stated reason.
    Emergency,
    /// Keeps one person from one client whatever else they may.
    Block,
    /// Booking the client with the practitioner made them the practitioner's client
    /// (when the clinic's setting says so).
    Appointment,
}

stored_text!(RelationKind);

impl rusqlite::ToSql for RelationKind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// The relation between one staff member and one client at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RelationState {
    None,
    Active,
    Ended,
    Blocked,
}

impl RelationState {
    pub const ALL: [RelationState; 4] =
        [RelationState::None, RelationState::Active, RelationState::Ended, RelationState::Blocked];
}

pub(crate) fn state(conn: &Connection, staff: &StaffId, client: &ClientId, at: DateTime<Utc>) -> Result<RelationState> {
    let at = clock::to_db(at);
    let (blocked, active, any): (i64, i64, i64) = conn.query_row(
        "SELECT
            coalesce(sum(kind = 'block' AND starts_at <= ?3 AND (ends_at IS NULL OR ends_at > ?3)), 0),
            coalesce(sum(kind != 'block' AND starts_at <= ?3 AND (ends_at IS NULL OR ends_at > ?3)), 0),
            coalesce(sum(kind != 'block'), 0)
         FROM relations WHERE staff_id = ?1 AND client_id = ?2",
        params![staff, client, at],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(classify(blocked, active, any))
}

/// The state from the counts of blocks in force, other relations in force, and other
/// relations ever: a block wins, then one in force, then one that ended.
fn classify(blocked: i64, active: i64, any: i64) -> RelationState {
    if blocked > 0 {
        RelationState::Blocked
    } else if active > 0 {
        RelationState::Active
    } else if any > 0 {
        RelationState::Ended
    } else {
        RelationState::None
    }
}

/// [`state`] for every client `staff` has or had a relation with, in one read (a view
/// that shows many clients decides on all of them without a query each). A client not
/// in the map has no relation.
pub(crate) fn states_of(
    conn: &Connection,
    staff: &StaffId,
    at: DateTime<Utc>,
) -> Result<std::collections::HashMap<ClientId, RelationState>> {
    let at = clock::to_db(at);
    let mut stmt = conn.prepare_cached(
        "SELECT client_id,
            coalesce(sum(kind = 'block' AND starts_at <= ?2 AND (ends_at IS NULL OR ends_at > ?2)), 0),
            coalesce(sum(kind != 'block' AND starts_at <= ?2 AND (ends_at IS NULL OR ends_at > ?2)), 0),
            coalesce(sum(kind != 'block'), 0)
         FROM relations WHERE staff_id = ?1 GROUP BY client_id",
    )?;
    let rows = stmt.query_map(params![staff, at], |r| Ok((r.get(0)?, classify(r.get(1)?, r.get(2)?, r.get(3)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[allow(clippy::too_many_arguments)] // one row of the table, named field by field
pub(crate) fn add(
    conn: &Connection,
    staff: &StaffId,
    client: &ClientId,
    kind: RelationKind,
    starts: DateTime<Utc>,
    ends: Option<DateTime<Utc>>,
    reason: Option<&str>,
    by: &StaffId,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    // Recorded now even when the relation starts later (a planned course of treatment).
    let created = clock::to_db(now);
    conn.execute(
        "INSERT INTO relations (id, staff_id, client_id, kind, starts_at, ends_at, reason, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, staff, client, kind, clock::to_db(starts), ends.map(clock::to_db), reason, by, created],
    )?;
    Ok(id)
}

/// One relation of a client, as an admin sees it on the client's page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationView {
    pub staff_id: StaffId,
    pub staff_name: String,
    pub kind: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub reason: Option<String>,
    /// In force at the moment of the listing.
    pub active: bool,
}

/// Every relation of a client, newest first (ended ones too: the history stays).
pub(crate) fn list_for_client(conn: &Connection, client: &ClientId, now: DateTime<Utc>) -> Result<Vec<RelationView>> {
    let now = clock::to_db(now);
    let mut stmt = conn.prepare_cached(
        "SELECT r.staff_id, s.name, r.kind, r.starts_at, r.ends_at, r.reason,
                r.starts_at <= ?2 AND (r.ends_at IS NULL OR r.ends_at > ?2)
         FROM relations r JOIN staff s ON s.id = r.staff_id
         WHERE r.client_id = ?1 ORDER BY r.starts_at DESC, r.id DESC LIMIT 200",
    )?;
    let rows = stmt.query_map(params![client, now], |r| {
        Ok(RelationView {
            staff_id: r.get(0)?,
            staff_name: r.get(1)?,
            kind: r.get(2)?,
            starts_at: r.get(3)?,
            ends_at: r.get(4)?,
            reason: r.get(5)?,
            active: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The start of a local calendar day, in UTC (a relation "from 1 March" starts at the
/// clinic's midnight).
pub fn local_day_start(day: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono::Local
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// Ends every active relation (of any kind, blocks included) between the two now.
pub(crate) fn end(conn: &Connection, staff: &StaffId, client: &ClientId, now: DateTime<Utc>) -> Result<usize> {
    let now = clock::to_db(now);
    Ok(conn.execute(
        "UPDATE relations SET ends_at = ?3 WHERE staff_id = ?1 AND client_id = ?2 AND (ends_at IS NULL OR ends_at > ?3)",
        params![staff, client, now],
    )?)
}

pub(crate) fn check_reason(reason: &str) -> Result<String> {
    crate::text::clean(reason, crate::text::Rule::text("the reason", 1000).at_least(MIN_REASON_CHARS))
}
