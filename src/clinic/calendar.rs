//! The calendar through the gate: calendars, services, working hours, booking, the view
//! of a period, moves, status changes and the iCalendar export (src/calendar/).

use super::*;
use crate::calendar::appointments::{self, Appointment, Booking, Change, Status};
use crate::calendar::calendars::{self as cals, Absence, Calendar, Hours};
use crate::calendar::services::{self, Service, ServiceInput};
use crate::calendar::zone;
use crate::ids::{AppointmentId, CalendarId, ServiceId};
use chrono::NaiveDate;

/// What the calendar shows for a period: the appointments and the absences.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarView {
    pub appointments: Vec<Appointment>,
    pub absences: Vec<Absence>,
    /// The clinic's time zone (IANA name), which the days are counted in.
    pub time_zone: String,
}

impl Clinic {
    fn in_calendar<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        calendar: &CalendarId,
        client: Option<&ClientId>,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        gate::run_in_calendar(&mut self.conn, &self.ws, now, session, action, calendar, client, op)
    }

    /// The clinic's time zone (appointments are typed and shown in it).
    pub fn time_zone(&self) -> Result<chrono_tz::Tz> {
        zone::clinic_zone(&self.conn)
    }

    /// The calendars this person may see, with how far they reach into each.
    pub fn calendars(&mut self, session: &SessionId) -> Result<Vec<Calendar>> {
        self.gated(session, Action::CalendarList, None, |ctx| cals::list(ctx))
    }

    /// The calendar of the staff member with this email (the command line names people
    /// by email).
    pub fn calendar_of(&mut self, session: &SessionId, email: &str) -> Result<CalendarId> {
        self.gated(session, Action::CalendarList, None, |ctx| {
            ctx.conn()
                .query_row(
                    "SELECT c.id FROM calendars c JOIN staff s ON s.id = c.staff_id WHERE s.email = ?1",
                    [email.trim()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(Error::NotFound)
        })
    }

    /// Every service (retired ones last).
    pub fn services(&mut self, session: &SessionId) -> Result<Vec<Service>> {
        self.gated(session, Action::CalendarList, None, |ctx| services::list(ctx.conn()))
    }

    /// Adds a service or changes one (administrators).
    pub fn save_service(
        &mut self,
        session: &SessionId,
        id: Option<&ServiceId>,
        input: &ServiceInput,
    ) -> Result<Service> {
        self.gated(session, Action::CalendarManage, None, |ctx| services::save(ctx, id, input))
    }

    /// Retires a service: no new bookings, booked ones keep it (administrators).
    pub fn retire_service(&mut self, session: &SessionId, id: &ServiceId) -> Result<()> {
        self.gated(session, Action::CalendarManage, None, |ctx| services::retire(ctx, id))
    }

    /// Adds a room's calendar (administrators).
    pub fn add_room(&mut self, session: &SessionId, name: &str) -> Result<CalendarId> {
        self.gated(session, Action::CalendarManage, None, |ctx| cals::add_resource(ctx, name))
    }

    /// Lets a calendar take overlapping appointments, or not (administrators).
    pub fn set_calendar_overlap(&mut self, session: &SessionId, calendar: &CalendarId, allow: bool) -> Result<()> {
        self.gated(session, Action::CalendarManage, None, |ctx| cals::set_overlap(ctx, calendar, allow))
    }

    /// A calendar's working hours.
    pub fn working_hours(&mut self, session: &SessionId, calendar: &CalendarId) -> Result<Vec<Hours>> {
        self.in_calendar(session, Action::CalendarRead, calendar, None, |ctx| cals::working_hours(ctx.conn(), calendar))
    }

    /// Replaces a calendar's working hours (administrators).
    pub fn set_working_hours(&mut self, session: &SessionId, calendar: &CalendarId, hours: &[Hours]) -> Result<()> {
        self.gated(session, Action::CalendarManage, None, |ctx| cals::set_working_hours(ctx, calendar, hours))
    }

    /// Records a holiday, sick day or other absence in a calendar (administrators).
    pub fn add_absence(
        &mut self,
        session: &SessionId,
        calendar: &CalendarId,
        first: NaiveDate,
        last: NaiveDate,
        kind: &str,
        note: &str,
    ) -> Result<()> {
        self.gated(session, Action::CalendarManage, None, |ctx| {
            cals::add_absence(ctx, calendar, first, last, kind, note)
        })
    }

    /// Books an appointment or a recurring series in a calendar.
    pub fn book(&mut self, session: &SessionId, booking: &Booking) -> Result<Vec<Appointment>> {
        let tz = self.time_zone()?;
        let (calendar, client) = (booking.calendar.clone(), booking.client.clone());
        self.in_calendar(session, Action::AppointmentBook, &calendar, client.as_ref(), |ctx| {
            appointments::book(ctx, tz, booking)
        })
    }

    /// `days` local days from `first` in `calendars`, side by side: one audit event for
    /// the whole view, carrying the clients it showed.
    pub fn calendar_view(
        &mut self,
        session: &SessionId,
        calendars: &[CalendarId],
        first: NaiveDate,
        days: u32,
    ) -> Result<CalendarView> {
        let tz = self.time_zone()?;
        let last = first
            .checked_add_days(chrono::Days::new(u64::from(days.max(1)) - 1))
            .ok_or_else(|| Error::invalid("the period is out of range"))?;
        let (from, _) = zone::day_bounds(tz, first)?;
        let (_, to) = zone::day_bounds(tz, last)?;
        self.gated(session, Action::CalendarRead, None, |ctx| {
            let appointments = appointments::view(ctx, calendars, from, to)?;
            let absences = cals::absences(ctx.conn(), calendars, first, last)?;
            Ok(CalendarView { appointments, absences, time_zone: tz.name().to_owned() })
        })
    }

    /// A client's appointments, past and future, for the client's page.
    pub fn client_appointments(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<Appointment>> {
        self.gated(session, Action::CalendarRead, Some(client), |ctx| {
            clients::get(ctx, client)?;
            appointments::for_client(ctx, client)
        })
    }

    /// Moves or resizes an appointment (or it and the rest of its series).
    pub fn move_appointment(
        &mut self,
        session: &SessionId,
        id: &AppointmentId,
        change: &Change,
    ) -> Result<Vec<Appointment>> {
        let tz = self.time_zone()?;
        self.on_appointment(session, id, |ctx| appointments::change(ctx, tz, id, change))
    }

    /// Arrived, done, no-show or cancelled (with a reason).
    pub fn set_appointment_status(
        &mut self,
        session: &SessionId,
        id: &AppointmentId,
        status: Status,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        self.on_appointment(session, id, |ctx| appointments::set_status(ctx, id, status, reason))
    }

    /// A change to one appointment, decided on its calendar and client (looked up first,
    /// so the gate decides before anything of it is read).
    fn on_appointment<T>(
        &mut self,
        session: &SessionId,
        id: &AppointmentId,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let (calendar, client) = appointments::owner(&self.conn, id)?.ok_or(Error::NotFound)?;
        self.in_calendar(session, Action::AppointmentChange, &calendar, client.as_ref(), op)
    }

    /// One calendar from `first` to `last` as iCalendar. Client names only with
    /// `with_names` (recorded in the audit event); your own calendar, or any as an admin.
    pub fn export_calendar(
        &mut self,
        session: &SessionId,
        calendar: &CalendarId,
        first: NaiveDate,
        last: NaiveDate,
        with_names: bool,
    ) -> Result<String> {
        if last < first || (last - first).num_days() > 366 {
            return Err(Error::invalid("an export covers one day to a year"));
        }
        let tz = self.time_zone()?;
        let (from, _) = zone::day_bounds(tz, first)?;
        let (_, to) = zone::day_bounds(tz, last)?;
        let language = self.info()?.language;
        self.in_calendar(session, Action::CalendarExport, calendar, None, |ctx| {
            let name: String =
                ctx.conn().query_row("SELECT name FROM calendars WHERE id = ?1", [calendar], |r| r.get(0))?;
            let mut list = Vec::new();
            // The view's own limit is a month overview; an export reads month by month.
            let mut start = from;
            while start < to {
                let end = (start + chrono::Duration::days(appointments::MAX_VIEW_DAYS)).min(to);
                list.extend(appointments::view(ctx, std::slice::from_ref(calendar), start, end)?);
                start = end;
            }
            list.dedup_by(|a, b| a.id == b.id);
            let fallback = match language {
                Language::Da => "Aftale",
                Language::Sv => "Bokning",
                Language::Nb => "Avtale",
                Language::En => "Appointment",
            };
            ctx.record_object(format!(
                "calendar {calendar} export {first}..{last} {}",
                if with_names { "with client names" } else { "without client names" }
            ));
            Ok(crate::calendar::ical::render(&name, &list, with_names, fallback, ctx.now()))
        })
    }

    /// [`Clinic::export_calendar`] into `dir` as `klinik-calendar-<first>-<last>.ics`
    /// (dates only: no person's name in a file name).
    pub fn export_calendar_into(
        &mut self,
        session: &SessionId,
        calendar: &CalendarId,
        first: NaiveDate,
        last: NaiveDate,
        with_names: bool,
        dir: &Path,
    ) -> Result<std::path::PathBuf> {
        let text = self.export_calendar(session, calendar, first, last, with_names)?;
        let path = dir.join(format!("klinik-calendar-{first}-{last}.ics"));
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, text)?;
        Ok(path)
    }
}
