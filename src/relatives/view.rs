//! What a relative sees: their own page (the clients they are bound to, by name), the
//! bound client's appointments (time, service, practitioner — never another client's, and
//! never the appointment's note, which is the clinic's), and the schedule of the coming
//! weeks for printing. The gate has already decided on the binding's reach; each function
//! names the client it showed so the client's "who has seen this record" log lists it.

use crate::calendar::appointments::Status;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

/// A client a relative is bound to, and what the binding reaches.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoundClient {
    pub id: ClientId,
    pub name: String,
    pub appointments: bool,
    pub schedule: bool,
    pub reports: bool,
    /// The clinic's time zone (IANA name), which appointment times are shown in.
    pub time_zone: String,
}

/// One of the bound client's appointments, as a relative sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelativeAppointment {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub service: Option<String>,
    /// The calendar's name: the practitioner (or the room).
    pub practitioner: String,
    pub status: Status,
}

/// The bound client's appointments over a number of weeks, for printing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Schedule {
    pub client_name: String,
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
    pub weeks: u32,
    pub appointments: Vec<RelativeAppointment>,
    pub time_zone: String,
}

/// The most days one look at appointments covers (a year and a bit, past or future).
pub const MAX_DAYS: i64 = 400;
/// The most weeks a printed schedule covers.
pub const MAX_WEEKS: u32 = 26;

/// The relative's page: the clients of their current bindings (usually exactly one).
pub(crate) fn home(ctx: &mut GateCtx<'_>) -> Result<Vec<BoundClient>> {
    let bound = super::current_clients(ctx.conn(), &ctx.actor().staff_id, ctx.now())?;
    let time_zone = crate::calendar::zone::clinic_zone(ctx.conn())?.name().to_owned();
    let mut out = Vec::with_capacity(bound.len());
    for (id, reach) in bound {
        let name: String = ctx.conn().query_row("SELECT name FROM clients WHERE id = ?1", [&id], |r| r.get(0))?;
        ctx.record_shown(id.clone());
        out.push(BoundClient {
            id,
            name,
            appointments: reach.appointments,
            schedule: reach.schedule,
            reports: reach.reports,
            time_zone: time_zone.clone(),
        });
    }
    Ok(out)
}

fn read(
    ctx: &GateCtx<'_>,
    client: &ClientId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<RelativeAppointment>> {
    let mut stmt = ctx.conn().prepare_cached(
        "SELECT a.starts_at, a.ends_at, s.name, c.name, a.status
         FROM appointments a JOIN calendars c ON c.id = a.calendar_id LEFT JOIN services s ON s.id = a.service_id
         WHERE a.client_id = ?1 AND a.starts_at >= ?2 AND a.starts_at < ?3
         ORDER BY a.starts_at",
    )?;
    let rows = stmt.query_map(params![client, clock::to_db(from), clock::to_db(to)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (starts, ends, service, practitioner, status) = row?;
        out.push(RelativeAppointment {
            starts_at: clock::from_db(&starts)?,
            ends_at: clock::from_db(&ends)?,
            service,
            practitioner,
            status: status.parse().map_err(|_| Error::Storage("unknown status".into()))?,
        });
    }
    Ok(out)
}

/// Local midnight at the start of `day` in the clinic's zone, as UTC.
fn day_start(ctx: &GateCtx<'_>, day: NaiveDate) -> Result<DateTime<Utc>> {
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    Ok(crate::calendar::zone::day_bounds(tz, day)?.0)
}

/// The bound client's appointments on the days `from`..=`to` (past and future).
pub(crate) fn appointments(
    ctx: &mut GateCtx<'_>,
    client: &ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RelativeAppointment>> {
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(Error::invalid("choose at most 400 days, the first before the last"));
    }
    let rows = read(ctx, client, day_start(ctx, from)?, day_start(ctx, to + Duration::days(1))?)?;
    ctx.record_object(format!("{from}..{to}"));
    Ok(rows)
}

/// The schedule of the coming `weeks` weeks from today (cancelled ones left out).
pub(crate) fn schedule(ctx: &mut GateCtx<'_>, client: &ClientId, weeks: u32) -> Result<Schedule> {
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(Error::invalid("choose between 1 and 26 weeks"));
    }
    let from = super::today(ctx.conn(), ctx.now())?;
    let to = from + Duration::days(i64::from(weeks) * 7 - 1);
    let client_name: String = ctx.conn().query_row("SELECT name FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    let appointments = read(ctx, client, day_start(ctx, from)?, day_start(ctx, to + Duration::days(1))?)?
        .into_iter()
        .filter(|a| a.status != Status::Cancelled)
        .collect();
    ctx.record_object(format!("{weeks} weeks from {from}"));
    let time_zone = crate::calendar::zone::clinic_zone(ctx.conn())?.name().to_owned();
    Ok(Schedule { client_name, from, to, weeks, appointments, time_zone })
}
