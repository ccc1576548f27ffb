//! Appointments: booking (one, or a recurring series), the view of a period, moving and
//! resizing, status (booked → arrived → done, or cancelled / no-show), and a client's
//! list. Every function takes a [`GateCtx`]: the gate has already decided that the person
//! may do this in this calendar.
//!
//! The conflict check: an appointment occupies its calendar (and its room) from its start
//! to its end plus the service's buffer (`busy_until`). A new or moved one may not overlap
//! an appointment that still occupies the time (booked, arrived or done; a cancelled one
//! or a no-show frees it), unless an admin let the calendar take overlaps. The search is
//! a seek on `(calendar_id, starts_at)` bounded below by the longest possible occupation.

use super::recurrence::{self, Rule};
use super::zone;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{AppointmentId, CalendarId, ClientId, SeriesId, ServiceId};
use crate::policy::Level;
use crate::relations::{self, RelationKind, RelationState};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// No appointment is this long or longer (a day); with the longest buffer this bounds how
/// far back the conflict check must look.
pub const MAX_MINUTES: i64 = 24 * 60 - 1;
const MAX_BUSY: Duration = Duration::minutes(24 * 60 + 240);
/// Cancelling later than this before the start is a late cancellation.
pub const LATE_CANCEL_HOURS: i64 = 24;
/// A view covers at most this many days (the month overview).
pub const MAX_VIEW_DAYS: i64 = 62;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Status {
    Booked,
    Arrived,
    Done,
    Cancelled,
    NoShow,
}

impl Status {
    /// Whether an appointment with this status still occupies its time.
    pub fn occupies(self) -> bool {
        matches!(self, Status::Booked | Status::Arrived | Status::Done)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Appointment {
    pub id: AppointmentId,
    pub calendar_id: CalendarId,
    pub room_id: Option<CalendarId>,
    pub client_id: Option<ClientId>,
    /// `None` when there is no client, or the person may not see this client (the slot
    /// then shows as taken, without a name).
    pub client_name: Option<String>,
    pub service_id: Option<ServiceId>,
    pub service_name: Option<String>,
    pub colour: Option<String>,
    pub series_id: Option<SeriesId>,
    pub title: String,
    pub note: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: Status,
    pub late_cancel: bool,
    pub cancel_reason: Option<String>,
    /// The client has not given a consent the clinic requires (a notice in the calendar;
    /// only for clients whose name the person sees).
    pub consent_missing: bool,
    /// The client's access for everyone (for deciding who sees the name; not sent).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub(crate) client_access: Option<String>,
}

/// What the person books.
#[derive(Debug, Clone)]
pub struct Booking {
    pub calendar: CalendarId,
    pub room: Option<CalendarId>,
    pub client: Option<ClientId>,
    pub service: Option<ServiceId>,
    /// For a block without a client (a meeting, admin time).
    pub title: String,
    pub note: String,
    /// The local start, in the clinic's time zone.
    pub start: NaiveDateTime,
    /// The length; the service's when not given.
    pub minutes: Option<u32>,
    pub repeat: Option<Rule>,
}

/// A move or resize.
#[derive(Debug, Clone)]
pub struct Change {
    pub start: NaiveDateTime,
    pub minutes: u32,
    /// Into another calendar (the person needs edit rights there too).
    pub calendar: Option<CalendarId>,
    pub note: Option<String>,
    /// This and the following appointments of its series, by the same shift.
    pub following: bool,
}

/// Appointments with their client's name and access and their service. The client comes
/// from a covering index (one seek per appointment; a week of a busy clinic has thousands).
const SELECT: &str = "SELECT a.id, a.calendar_id, a.room_id, a.client_id, c.name, a.service_id, s.name, s.colour,
        a.series_id, a.title, a.note, a.starts_at, a.ends_at, a.status, a.late_cancel, a.cancel_reason, c.staff_access
    FROM appointments a
    LEFT JOIN clients c INDEXED BY clients_for_calendar ON c.id = a.client_id
    LEFT JOIN services s ON s.id = a.service_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appointment> {
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        let s: String = r.get(i)?;
        clock::from_db(&s)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into()))
    };
    let status: String = r.get(13)?;
    Ok(Appointment {
        id: r.get(0)?,
        calendar_id: r.get(1)?,
        room_id: r.get(2)?,
        client_id: r.get(3)?,
        client_name: r.get(4)?,
        service_id: r.get(5)?,
        service_name: r.get(6)?,
        colour: r.get(7)?,
        series_id: r.get(8)?,
        title: r.get(9)?,
        note: r.get(10)?,
        starts_at: time(11)?,
        ends_at: time(12)?,
        status: status.parse().unwrap_or(Status::Booked),
        late_cancel: r.get(14)?,
        cancel_reason: r.get(15)?,
        consent_missing: false,
        client_access: r.get(16)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &AppointmentId) -> Result<Appointment> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(Error::NotFound)
}

/// The calendar and client of an appointment, for the gate to decide on before anything
/// of it is read (`None`: no such appointment).
pub(crate) fn owner(conn: &Connection, id: &AppointmentId) -> Result<Option<(CalendarId, Option<ClientId>)>> {
    Ok(conn
        .query_row("SELECT calendar_id, client_id FROM appointments WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// The conflict check's query (?1 calendar, ?2 lower bound, ?3 start, ?4 busy until): two
/// seeks, by calendar and by room, each on its own index (see `klinik bench`'s plans).
pub fn conflict_sql() -> String {
    format!(
        "{SELECT} WHERE a.calendar_id = ?1 AND a.starts_at > ?2 AND a.starts_at < ?4 AND a.busy_until > ?3
                    AND a.status IN ('booked', 'arrived', 'done')
         UNION ALL
         {SELECT} WHERE a.room_id = ?1 AND a.starts_at > ?2 AND a.starts_at < ?4 AND a.busy_until > ?3
                    AND a.status IN ('booked', 'arrived', 'done')
         ORDER BY 12"
    )
}

/// The view's query for one calendar (?1 calendar, ?2 lower bound, ?3 from, ?4 to): what
/// is booked in it, and — for a room — what is booked into it from other calendars.
pub fn view_sql() -> String {
    format!(
        "{SELECT} WHERE a.calendar_id = ?1 AND a.starts_at > ?2 AND a.starts_at < ?4 AND a.ends_at > ?3
         UNION ALL
         {SELECT} WHERE a.room_id = ?1 AND a.calendar_id != ?1 AND a.starts_at > ?2 AND a.starts_at < ?4
            AND a.ends_at > ?3"
    )
}

/// One occupied span, for the conflict check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub busy_until: DateTime<Utc>,
}

impl Span {
    /// Two spans overlap when each starts before the other is free again.
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.busy_until && other.start < self.busy_until
    }
}

/// The first appointment other than `except` that occupies `calendar` (as its calendar
/// or its room) during `span`.
pub(crate) fn first_conflict(
    conn: &Connection,
    calendar: &CalendarId,
    span: Span,
    except: &[AppointmentId],
) -> Result<Option<Appointment>> {
    let lower = clock::to_db(span.start - MAX_BUSY);
    let (start, until) = (clock::to_db(span.start), clock::to_db(span.busy_until));
    let mut stmt = conn.prepare_cached(&conflict_sql())?;
    let rows = stmt.query_map(params![calendar, lower, start, until], from_row)?;
    for a in rows {
        let a = a?;
        if !except.contains(&a.id) {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

fn conflict_error(conn: &Connection, tz: Tz, calendar: &CalendarId, other: &Appointment) -> Result<Error> {
    let name: String = conn.query_row("SELECT name FROM calendars WHERE id = ?1", [calendar], |r| r.get(0))?;
    let local = |t| zone::to_local(tz, t).format("%Y-%m-%dT%H:%M").to_string();
    Ok(Error::DoubleBooked {
        appointment: other.id.clone(),
        calendar: name,
        starts: local(other.starts_at),
        ends: local(other.ends_at),
    })
}

/// Checks that `span` is free in the calendar and the room (unless the calendar takes
/// overlaps); names the appointment in the way.
fn check_free(
    conn: &Connection,
    tz: Tz,
    calendar: &CalendarId,
    allow_overlap: bool,
    room: Option<&CalendarId>,
    span: Span,
    except: &[AppointmentId],
) -> Result<()> {
    if !allow_overlap {
        if let Some(other) = first_conflict(conn, calendar, span, except)? {
            return Err(conflict_error(conn, tz, calendar, &other)?);
        }
    }
    if let Some(room) = room {
        if let Some(other) = first_conflict(conn, room, span, except)? {
            return Err(conflict_error(conn, tz, room, &other)?);
        }
    }
    Ok(())
}

fn check_minutes(minutes: i64) -> Result<Duration> {
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(Error::invalid("an appointment lasts from 1 minute to less than 24 hours"));
    }
    Ok(Duration::minutes(minutes))
}

fn check_room(conn: &Connection, room: &CalendarId) -> Result<()> {
    let kind: Option<(String, bool)> = conn
        .query_row("SELECT kind, active FROM calendars WHERE id = ?1", [room], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match kind {
        Some((k, true)) if k == "resource" => Ok(()),
        Some((k, _)) if k != "resource" => Err(Error::invalid("the room must be a room's calendar")),
        Some(_) => Err(Error::Conflict("this room is closed".into())),
        None => Err(Error::NotFound),
    }
}

/// Books one appointment or a series. Nothing is written unless every occurrence is free.
pub(crate) fn book(ctx: &mut GateCtx<'_>, tz: Tz, b: &Booking) -> Result<Vec<Appointment>> {
    let conn = ctx.conn();
    let (allow_overlap, practitioner) = super::calendars::check_open(conn, &b.calendar)?;
    if let Some(room) = &b.room {
        if room == &b.calendar {
            return Err(Error::invalid("the room is another calendar than the person's"));
        }
        check_room(conn, room)?;
    }
    let title = crate::text::clean(&b.title, crate::text::Rule::optional_line("the title", 200))?;
    let note = crate::text::clean(&b.note, crate::text::Rule::text("the note", 1000))?;
    if b.client.is_none() && title.is_empty() {
        return Err(Error::invalid("an appointment has a client, or a title for a block of time"));
    }
    let service = match &b.service {
        Some(id) => {
            let s = super::services::get(conn, id)?;
            if !s.active {
                return Err(Error::Conflict("this service is retired: choose another".into()));
            }
            if !s.calendars.is_empty() && !s.calendars.contains(&b.calendar) {
                return Err(Error::invalid("this service is not offered in this calendar"));
            }
            Some(s)
        }
        None => None,
    };
    let minutes = match (b.minutes, &service) {
        (Some(m), _) => i64::from(m),
        (None, Some(s)) => i64::from(s.minutes),
        (None, None) => return Err(Error::invalid("say how long the appointment is, or choose a service")),
    };
    let length = check_minutes(minutes)?;
    let buffer = Duration::minutes(service.as_ref().map_or(0, |s| i64::from(s.buffer_minutes)));
    if let Some(client) = &b.client {
        let exists: bool = conn.query_row("SELECT count(*) > 0 FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
        if !exists {
            return Err(Error::NotFound);
        }
    }
    let starts = match &b.repeat {
        None => vec![b.start],
        Some(rule) => recurrence::expand(b.start, rule)?,
    };
    let mut spans = Vec::with_capacity(starts.len());
    for local in &starts {
        let start = zone::to_utc(tz, *local)?;
        let end = start + length;
        spans.push((start, end, Span { start, busy_until: end + buffer }));
    }
    // The series must not collide with itself either (a rule can place two on one day
    // only if the length exceeds a week, which MAX_MINUTES excludes) nor with others.
    for (_, _, span) in &spans {
        check_free(conn, tz, &b.calendar, allow_overlap, b.room.as_ref(), *span, &[])?;
    }
    let now = clock::to_db(ctx.now());
    let series = match &b.repeat {
        Some(rule) => {
            let rule = rule.clone().checked(b.start.date())?;
            let id = SeriesId::new();
            let (until, times) = match rule.end {
                recurrence::End::Until(d) => (Some(d.to_string()), None),
                recurrence::End::Times(n) => (None, Some(n)),
            };
            conn.execute(
                "INSERT INTO appointment_series (id, every_weeks, weekdays, until_day, times, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, rule.every_weeks, rule.weekdays_text(), until, times, ctx.actor().staff_id, now],
            )?;
            Some(id)
        }
        None => None,
    };
    let mut put = conn.prepare_cached(
        "INSERT INTO appointments (id, calendar_id, room_id, client_id, service_id, series_id, title, note,
                                   starts_at, ends_at, busy_until, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?;
    let mut ids = Vec::with_capacity(spans.len());
    for (start, end, span) in &spans {
        let id = AppointmentId::new();
        put.execute(params![
            id,
            b.calendar,
            b.room,
            b.client,
            b.service,
            series,
            title,
            note,
            clock::to_db(*start),
            clock::to_db(*end),
            clock::to_db(span.busy_until),
            ctx.actor().staff_id,
            now
        ])?;
        ids.push(id);
    }
    if let (Some(client), Some(staff)) = (&b.client, &practitioner) {
        assign_via_appointment(ctx, staff, client)?;
        ctx.record_client(client.clone());
    }
    ctx.record_object(match &series {
        Some(s) => format!("appointment series {s} ×{}", ids.len()),
        None => format!("appointment {}", ids[0]),
    });
    ids.iter().map(|id| get(ctx.conn(), id)).collect()
}

/// Booking a client with a practitioner makes them the practitioner's client, when the
/// clinic says so (the seed's "assign via appointment"); a practitioner blocked from the
/// client cannot be booked with them.
fn assign_via_appointment(ctx: &mut GateCtx<'_>, staff: &crate::ids::StaffId, client: &ClientId) -> Result<()> {
    let now = ctx.now();
    match relations::state(ctx.conn(), staff, client, now)? {
        RelationState::Blocked => Err(Error::Conflict("this practitioner is blocked from this client".into())),
        RelationState::Active => Ok(()),
        RelationState::None | RelationState::Ended => {
            if crate::settings::appointment_relation(ctx.conn())? {
                let by = ctx.actor().staff_id.clone();
                relations::add(ctx.conn(), staff, client, RelationKind::Appointment, now, None, None, &by, now)?;
            }
            Ok(())
        }
    }
}

/// The appointments of `calendars` that touch `from..to`, in start order. Each calendar
/// must be one the person may see; clients they may not see show without a name. The
/// clients whose names were shown are recorded with the view's one audit event.
pub(crate) fn view(
    ctx: &mut GateCtx<'_>,
    calendars: &[CalendarId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Appointment>> {
    if to <= from || (to - from).num_days() > MAX_VIEW_DAYS {
        return Err(Error::invalid(format!("a view covers up to {MAX_VIEW_DAYS} days")));
    }
    if calendars.is_empty() || calendars.len() > 50 {
        return Err(Error::invalid("a view shows 1 to 50 calendars"));
    }
    for c in calendars {
        match ctx.calendar_reach(c)? {
            None => return Err(Error::NotFound),
            Some(Level::None) => return Err(Error::Denied("no access to this calendar".into())),
            Some(_) => {}
        }
    }
    let lower = clock::to_db(from - MAX_BUSY);
    let (from_s, to_s) = (clock::to_db(from), clock::to_db(to));
    let mut out: Vec<Appointment> = Vec::new();
    {
        // A room's column shows what is booked into the room from anyone's calendar.
        let mut stmt = ctx.conn().prepare_cached(&view_sql())?;
        for c in calendars {
            for a in stmt.query_map(params![c, lower, from_s, to_s], from_row)? {
                out.push(a?);
            }
        }
    }
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    name_visible_clients(ctx, &mut out)?;
    mark_missing_consent(ctx.conn(), &mut out)?;
    ctx.record_object(format!(
        "calendar view {}..{} ({} calendars)",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d"),
        calendars.len()
    ));
    Ok(out)
}

/// Flags the appointments of (visible) clients who have not given a required consent.
fn mark_missing_consent(conn: &Connection, list: &mut [Appointment]) -> Result<()> {
    let mut clients: Vec<ClientId> = list.iter().filter_map(|a| a.client_id.clone()).collect();
    clients.sort();
    clients.dedup();
    let missing = crate::records::consents::missing_required(conn, &clients)?;
    for a in list.iter_mut() {
        a.consent_missing = a.client_id.as_ref().is_some_and(|c| missing.contains(c));
    }
    Ok(())
}

/// Keeps the names of the clients the person may see (and records them as shown);
/// removes the others'. The person's relations are read once for the whole view and
/// each distinct client is decided once, by the policy.
fn name_visible_clients(ctx: &mut GateCtx<'_>, list: &mut [Appointment]) -> Result<()> {
    if !list.iter().any(|a| a.client_id.is_some()) {
        return Ok(());
    }
    let relations = relations::states_of(ctx.conn(), &ctx.actor().staff_id, ctx.now())?;
    let mut decided: std::collections::HashMap<ClientId, bool> = std::collections::HashMap::new();
    for a in list.iter_mut() {
        let Some(client) = a.client_id.clone() else { continue };
        let visible = match decided.get(&client) {
            Some(v) => *v,
            None => {
                let relation = relations.get(&client).copied().unwrap_or(RelationState::None);
                let access = a.client_access.as_deref().and_then(Level::parse);
                let v = ctx.allows_given(crate::policy::Action::ClientRead, relation, access);
                decided.insert(client.clone(), v);
                v
            }
        };
        if visible {
            ctx.record_shown(client);
        } else {
            a.client_name = None;
            a.client_id = None;
            a.note = String::new();
        }
    }
    Ok(())
}

/// A client's appointments, past and future (newest first, at most 500), in the calendars
/// the person may see.
pub(crate) fn for_client(ctx: &mut GateCtx<'_>, client: &ClientId) -> Result<Vec<Appointment>> {
    let all: Vec<Appointment> = ctx
        .conn()
        .prepare_cached(&format!("{SELECT} WHERE a.client_id = ?1 ORDER BY a.starts_at DESC LIMIT 500"))?
        .query_map([client], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    // Each calendar is decided once, however many of the client's appointments it holds.
    let mut reach: std::collections::HashMap<CalendarId, bool> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(all.len());
    for a in all {
        let visible = match reach.get(&a.calendar_id) {
            Some(v) => *v,
            None => {
                let v = ctx.calendar_reach(&a.calendar_id)?.is_some_and(|l| l >= Level::View);
                reach.insert(a.calendar_id.clone(), v);
                v
            }
        };
        if visible {
            out.push(a);
        }
    }
    Ok(out)
}

/// Moves or resizes an appointment (and, with `following`, the rest of its series by the
/// same shift in local time). Every moved one must be free where it lands.
pub(crate) fn change(ctx: &mut GateCtx<'_>, tz: Tz, id: &AppointmentId, c: &Change) -> Result<Vec<Appointment>> {
    let this = get(ctx.conn(), id)?;
    if !this.status.occupies() || this.status == Status::Done {
        return Err(Error::Conflict("a cancelled, missed or finished appointment is not moved".into()));
    }
    let target = c.calendar.clone().unwrap_or_else(|| this.calendar_id.clone());
    if target != this.calendar_id && ctx.calendar_reach(&target)? != Some(Level::Edit) {
        return Err(Error::Denied("no right to book in that calendar".into()));
    }
    let (allow_overlap, _) = super::calendars::check_open(ctx.conn(), &target)?;
    let length = check_minutes(i64::from(c.minutes))?;
    let buffer: i64 = match &this.service_id {
        Some(s) => ctx.conn().query_row("SELECT buffer_minutes FROM services WHERE id = ?1", [s], |r| r.get(0))?,
        None => 0,
    };
    let shift = c.start - zone::to_local(tz, this.starts_at);
    let group: Vec<Appointment> = match (&this.series_id, c.following) {
        (Some(series), true) => ctx
            .conn()
            .prepare_cached(&format!(
                "{SELECT} WHERE a.series_id = ?1 AND a.starts_at >= ?2 AND a.status = 'booked' ORDER BY a.starts_at"
            ))?
            .query_map(params![series, clock::to_db(this.starts_at)], from_row)?
            .collect::<rusqlite::Result<_>>()?,
        _ => vec![this.clone()],
    };
    let ids: Vec<AppointmentId> = group.iter().map(|a| a.id.clone()).collect();
    let note = match &c.note {
        Some(n) => Some(crate::text::clean(n, crate::text::Rule::text("the note", 1000))?),
        None => None,
    };
    let now = clock::to_db(ctx.now());
    for a in &group {
        let start = zone::to_utc(tz, zone::to_local(tz, a.starts_at) + shift)?;
        let end = start + length;
        let span = Span { start, busy_until: end + Duration::minutes(buffer) };
        check_free(ctx.conn(), tz, &target, allow_overlap, a.room_id.as_ref(), span, &ids)?;
        ctx.conn().execute(
            "UPDATE appointments SET calendar_id = ?2, starts_at = ?3, ends_at = ?4, busy_until = ?5,
                    note = coalesce(?6, note), updated_at = ?7 WHERE id = ?1",
            params![a.id, target, clock::to_db(start), clock::to_db(end), clock::to_db(span.busy_until), note, now],
        )?;
    }
    if let Some(client) = &this.client_id {
        ctx.record_client(client.clone());
    }
    ctx.record_object(format!("appointment {id} moved ({} in all)", ids.len()));
    ids.iter().map(|i| get(ctx.conn(), i)).collect()
}

/// Changes the status: arrived, done, no-show, or cancelled (with a reason; late when
/// less than [`LATE_CANCEL_HOURS`] before the start). A cancelled one stays on record.
pub(crate) fn set_status(
    ctx: &mut GateCtx<'_>,
    id: &AppointmentId,
    status: Status,
    reason: Option<&str>,
) -> Result<Appointment> {
    let this = get(ctx.conn(), id)?;
    let allowed = matches!(
        (this.status, status),
        (Status::Booked, Status::Arrived | Status::Cancelled | Status::NoShow | Status::Done)
            | (Status::Arrived, Status::Done | Status::Booked)
            | (Status::NoShow | Status::Done, Status::Booked | Status::Arrived)
    );
    if !allowed {
        return Err(Error::Conflict(format!(
            "an appointment that is {} cannot become {}",
            <&str>::from(this.status),
            <&str>::from(status)
        )));
    }
    let now = ctx.now();
    if status == Status::Cancelled {
        let reason = crate::text::clean(reason.unwrap_or(""), crate::text::Rule::line("the reason", 500))?;
        let late = this.starts_at - now < Duration::hours(LATE_CANCEL_HOURS);
        ctx.conn().execute(
            "UPDATE appointments SET status = 'cancelled', cancelled_by = ?2, cancelled_at = ?3, cancel_reason = ?4,
                    late_cancel = ?5, updated_at = ?3 WHERE id = ?1",
            params![id, ctx.actor().staff_id, clock::to_db(now), reason, late],
        )?;
    } else {
        ctx.conn().execute(
            "UPDATE appointments SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, <&str>::from(status), clock::to_db(now)],
        )?;
    }
    if let Some(client) = &this.client_id {
        ctx.record_client(client.clone());
    }
    ctx.record_object(format!("appointment {id} {}", <&str>::from(status)));
    get(ctx.conn(), id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(min)
    }

    proptest! {
        /// The seek window of the conflict check never misses an overlap: whatever
        /// overlaps a span starts after `start - MAX_BUSY` (appointments are shorter
        /// than a day and buffers at most 4 hours), and the overlap test agrees with
        /// the naive "some minute is in both".
        #[test]
        fn the_conflict_window_and_test_match_a_minute_by_minute_oracle(
            a_start in 0i64..3000, a_len in 1i64..=MAX_MINUTES, a_buf in 0i64..=240,
            b_start in 0i64..3000, b_len in 1i64..=MAX_MINUTES, b_buf in 0i64..=240,
        ) {
            let a = Span { start: t(a_start), busy_until: t(a_start + a_len + a_buf) };
            let b = Span { start: t(b_start), busy_until: t(b_start + b_len + b_buf) };
            let naive = (a_start..a_start + a_len + a_buf).any(|m| m >= b_start && m < b_start + b_len + b_buf);
            prop_assert_eq!(a.overlaps(b), naive);
            if naive {
                prop_assert!(b.start > a.start - MAX_BUSY, "the seek window reaches every overlap");
            }
        }
    }
}
