//! Calendars: one per staff member (made with the person; the desk's business login has
//! none) and one per room or other resource. Each has working hours per weekday (breaks
//! are the gaps), absences, and may be allowed to take overlapping appointments.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{CalendarId, StaffId};
use crate::policy::{CalendarFacts, Level};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CalendarKind {
    Staff,
    Resource,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Calendar {
    pub id: CalendarId,
    pub kind: CalendarKind,
    pub staff_id: Option<StaffId>,
    pub name: String,
    pub allow_overlap: bool,
    /// How far the person asking reaches into it (view or edit; calendars they cannot
    /// see are not listed).
    pub reach: Level,
    pub own: bool,
}

/// Gives every staff member who works with clients a calendar (idempotent; run when the
/// clinic opens and when a person is added).
pub(crate) fn ensure_staff_calendars(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let missing: Vec<(StaffId, String)> = conn
        .prepare_cached(
            "SELECT s.id, s.name FROM staff s
             WHERE s.can_business_login = 0 AND s.kind = 'staff'
               AND NOT EXISTS (SELECT 1 FROM calendars c WHERE c.staff_id = s.id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (staff, name) in missing {
        conn.execute(
            "INSERT INTO calendars (id, kind, staff_id, name, created_at) VALUES (?1, 'staff', ?2, ?3, ?4)",
            params![CalendarId::new(), staff, name, clock::to_db(now)],
        )?;
        // A working week to start from: Monday to Friday, 08:00–16:00.
        for weekday in 1..=5 {
            conn.execute(
                "INSERT INTO working_hours (calendar_id, weekday, start_min, end_min)
                 SELECT id, ?2, 480, 960 FROM calendars WHERE staff_id = ?1",
                params![staff, weekday],
            )?;
        }
    }
    Ok(())
}

/// The facts the policy decides a calendar action on (`None`: no such calendar).
pub(crate) fn facts(conn: &Connection, staff: &StaffId, calendar: &CalendarId) -> Result<Option<CalendarFacts>> {
    let row: Option<(String, Option<StaffId>, Option<String>)> = conn
        .prepare_cached(
            "SELECT c.kind, c.staff_id,
                    (SELECT level FROM calendar_rights r WHERE r.staff_id = ?1 AND r.calendar_of = c.staff_id)
             FROM calendars c WHERE c.id = ?2",
        )?
        .query_row(params![staff, calendar], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(kind, owner, granted)| CalendarFacts {
        own: owner.as_ref() == Some(staff),
        resource: kind == "resource",
        granted: granted.and_then(|g| Level::parse(&g)).unwrap_or(Level::None),
    }))
}

/// The active calendars the person may see, staff first (by name), then rooms.
pub(crate) fn list(ctx: &GateCtx<'_>) -> Result<Vec<Calendar>> {
    let rows: Vec<(CalendarId, String, Option<StaffId>, String, bool)> = ctx
        .conn()
        .prepare_cached(
            "SELECT c.id, c.kind, c.staff_id, c.name, c.allow_overlap FROM calendars c
             LEFT JOIN staff s ON s.id = c.staff_id
             WHERE c.active = 1 AND (s.id IS NULL OR s.active = 1)
             ORDER BY c.kind DESC, c.name COLLATE NOCASE",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let me = ctx.actor().staff_id.clone();
    let mut out = Vec::new();
    for (id, kind, staff_id, name, allow_overlap) in rows {
        let reach = ctx.calendar_reach(&id)?.unwrap_or(Level::None);
        if reach == Level::None {
            continue;
        }
        let kind = if kind == "resource" { CalendarKind::Resource } else { CalendarKind::Staff };
        let own = staff_id.as_ref() == Some(&me);
        out.push(Calendar { id, kind, staff_id, name, allow_overlap, reach, own });
    }
    Ok(out)
}

/// Adds a room or other resource calendar (admins).
pub(crate) fn add_resource(ctx: &mut GateCtx<'_>, name: &str) -> Result<CalendarId> {
    let name = crate::text::clean(name, crate::text::Rule::line("the room's name", 200))?;
    let id = CalendarId::new();
    ctx.conn().execute(
        "INSERT INTO calendars (id, kind, name, created_at) VALUES (?1, 'resource', ?2, ?3)",
        params![id, name, clock::to_db(ctx.now())],
    )?;
    ctx.record_object(format!("calendar {id} added"));
    Ok(id)
}

/// Lets a calendar take overlapping appointments (group sessions) or not (admins).
pub(crate) fn set_overlap(ctx: &mut GateCtx<'_>, calendar: &CalendarId, allow: bool) -> Result<()> {
    let n = ctx.conn().execute("UPDATE calendars SET allow_overlap = ?2 WHERE id = ?1", params![calendar, allow])?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("calendar {calendar} overlap {}", if allow { "allowed" } else { "refused" }));
    Ok(())
}

/// One interval of working time on a weekday (1 = Monday), in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hours {
    pub weekday: u8,
    pub start_min: u16,
    pub end_min: u16,
}

pub(crate) fn working_hours(conn: &Connection, calendar: &CalendarId) -> Result<Vec<Hours>> {
    Ok(conn
        .prepare_cached(
            "SELECT weekday, start_min, end_min FROM working_hours WHERE calendar_id = ?1 ORDER BY weekday, start_min",
        )?
        .query_map([calendar], |r| Ok(Hours { weekday: r.get(0)?, start_min: r.get(1)?, end_min: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Replaces a calendar's working hours (admins). Intervals of one day may not overlap.
pub(crate) fn set_working_hours(ctx: &mut GateCtx<'_>, calendar: &CalendarId, hours: &[Hours]) -> Result<()> {
    let mut sorted = hours.to_vec();
    sorted.sort_by_key(|h| (h.weekday, h.start_min));
    for (i, h) in sorted.iter().enumerate() {
        if !(1..=7).contains(&h.weekday) || h.end_min > 1440 || h.end_min <= h.start_min {
            return Err(Error::invalid("working hours run from a start to a later end on a weekday"));
        }
        if i > 0 && sorted[i - 1].weekday == h.weekday && sorted[i - 1].end_min > h.start_min {
            return Err(Error::invalid("two working-hour intervals of the same day overlap"));
        }
    }
    ctx.conn().execute("DELETE FROM working_hours WHERE calendar_id = ?1", [calendar])?;
    let mut put = ctx.conn().prepare_cached(
        "INSERT INTO working_hours (calendar_id, weekday, start_min, end_min) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for h in &sorted {
        put.execute(params![calendar, h.weekday, h.start_min, h.end_min])?;
    }
    ctx.record_object(format!("calendar {calendar} working hours"));
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Absence {
    pub id: String,
    pub calendar_id: CalendarId,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub kind: String,
    pub note: String,
}

pub(crate) fn add_absence(
    ctx: &mut GateCtx<'_>,
    calendar: &CalendarId,
    first: NaiveDate,
    last: NaiveDate,
    kind: &str,
    note: &str,
) -> Result<()> {
    if last < first {
        return Err(Error::invalid("an absence ends on or after its first day"));
    }
    if !matches!(kind, "holiday" | "sick" | "other") {
        return Err(Error::invalid("an absence is a holiday, a sick day or other"));
    }
    let note = crate::text::clean(note, crate::text::Rule::optional_line("the note", 500))?;
    ctx.conn().execute(
        "INSERT INTO absences (id, calendar_id, first_day, last_day, kind, note, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            uuid::Uuid::now_v7().to_string(),
            calendar,
            first.to_string(),
            last.to_string(),
            kind,
            note,
            ctx.actor().staff_id,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.record_object(format!("calendar {calendar} absence {first}..{last}"));
    Ok(())
}

/// The absences of `calendars` that touch `first..=last`.
pub(crate) fn absences(
    conn: &Connection,
    calendars: &[CalendarId],
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Absence>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, calendar_id, first_day, last_day, kind, note FROM absences
         WHERE calendar_id = ?1 AND first_day <= ?3 AND last_day >= ?2 ORDER BY first_day",
    )?;
    let mut out = Vec::new();
    for c in calendars {
        let rows = stmt.query_map(params![c, first.to_string(), last.to_string()], |r| {
            let day = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
            Ok(Absence {
                id: r.get(0)?,
                calendar_id: r.get(1)?,
                first_day: day(r.get(2)?),
                last_day: day(r.get(3)?),
                kind: r.get(4)?,
                note: r.get(5)?,
            })
        })?;
        for a in rows {
            out.push(a?);
        }
    }
    Ok(out)
}

/// Whether new appointments may go into this calendar: it and its person are active.
pub(crate) fn check_open(conn: &Connection, calendar: &CalendarId) -> Result<(bool, Option<StaffId>)> {
    let (active, staff_active, allow_overlap, staff): (bool, Option<bool>, bool, Option<StaffId>) = conn
        .query_row(
            "SELECT c.active, s.active, c.allow_overlap, c.staff_id FROM calendars c
             LEFT JOIN staff s ON s.id = c.staff_id WHERE c.id = ?1",
            [calendar],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or(Error::NotFound)?;
    if !active || staff_active == Some(false) {
        return Err(Error::Conflict("this calendar is closed: its person has been deactivated".into()));
    }
    Ok((allow_overlap, staff))
}
