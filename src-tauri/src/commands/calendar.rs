//! The calendar's commands: parse what the window sent, call the core, return the core's
//! own types (they derive their TypeScript shape; no copy here).

use super::CmdResult;
use crate::state::AppState;
use klinik::calendar::appointments::{Appointment, Booking, Change, Status};
use klinik::calendar::calendars::{Calendar, Hours};
use klinik::calendar::recurrence::{End, Rule};
use klinik::calendar::services::{Service, ServiceInput};
use klinik::calendar::zone::parse_local;
use klinik::clinic::CalendarView;
use klinik::clock::parse_day;
use klinik::{AppointmentId, CalendarId, ClientId, ServiceId};
use serde::Deserialize;
use specta::Type;
use tauri::State;

fn day(s: &str) -> CmdResult<klinik::clock::Day> {
    Ok(parse_day(Some(s))?.ok_or_else(|| klinik::Error::Invalid("a day is needed".into()))?)
}

fn calendar_id(s: &str) -> CmdResult<CalendarId> {
    Ok(CalendarId::parse(s)?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_calendars(state: State<'_, AppState>) -> CmdResult<Vec<Calendar>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.calendars(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_services(state: State<'_, AppState>) -> CmdResult<Vec<Service>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.services(&session)?)
}

/// `days` days from `first_day` (YYYY-MM-DD, the clinic's local days) of these calendars.
#[tauri::command]
#[specta::specta]
pub async fn calendar_view(
    state: State<'_, AppState>,
    calendar_ids: Vec<String>,
    first_day: String,
    days: u32,
) -> CmdResult<CalendarView> {
    if calendar_ids.len() > 50 {
        return Err(klinik::Error::Invalid("too many calendars".into()).into());
    }
    let ids = calendar_ids.iter().map(|c| calendar_id(c)).collect::<CmdResult<Vec<_>>>()?;
    let first = day(&first_day)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.calendar_view(&session, &ids, first, days)?)
}

/// A recurring series as the booking dialog sends it.
#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RepeatInput {
    pub every_weeks: u32,
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// The last day (YYYY-MM-DD), or
    pub until_day: Option<String>,
    /// the number of appointments.
    pub times: Option<u32>,
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingInput {
    pub calendar_id: String,
    pub room_id: Option<String>,
    pub client_id: Option<String>,
    pub service_id: Option<String>,
    pub title: String,
    pub note: String,
    /// Local time in the clinic's zone, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    pub minutes: Option<u32>,
    pub repeat: Option<RepeatInput>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl BookingInput {
    fn into_core(self) -> CmdResult<Booking> {
        super::check_len(&self.title)?;
        super::check_len(&self.note)?;
        let repeat = match self.repeat {
            None => None,
            Some(r) => {
                let weekdays = Rule::weekdays_from_iso(&r.weekdays)?;
                let end = match (nonempty(&r.until_day), r.times) {
                    (Some(d), None) => End::Until(day(d)?),
                    (None, Some(n)) => End::Times(n),
                    _ => {
                        return Err(
                            klinik::Error::Invalid("a series ends on a day or after a number of times".into()).into()
                        )
                    }
                };
                Some(Rule { every_weeks: r.every_weeks, weekdays, end })
            }
        };
        Ok(Booking {
            calendar: calendar_id(&self.calendar_id)?,
            room: nonempty(&self.room_id).map(CalendarId::parse).transpose()?,
            client: nonempty(&self.client_id).map(ClientId::parse).transpose()?,
            service: nonempty(&self.service_id).map(ServiceId::parse).transpose()?,
            title: self.title,
            note: self.note,
            start: parse_local(&self.start)?,
            minutes: self.minutes,
            repeat,
        })
    }
}

#[tauri::command]
#[specta::specta]
pub async fn book_appointment(state: State<'_, AppState>, booking: BookingInput) -> CmdResult<Vec<Appointment>> {
    let booking = booking.into_core()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.book(&session, &booking)?)
}

/// Moves or resizes an appointment; `following` moves the rest of its series too.
#[tauri::command]
#[specta::specta]
pub async fn move_appointment(
    state: State<'_, AppState>,
    appointment_id: String,
    start: String,
    minutes: u32,
    calendar_id: Option<String>,
    following: bool,
) -> CmdResult<Vec<Appointment>> {
    let id = AppointmentId::parse(&appointment_id)?;
    let change = Change {
        start: parse_local(&start)?,
        minutes,
        calendar: nonempty(&calendar_id).map(CalendarId::parse).transpose()?,
        note: None,
        following,
    };
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.move_appointment(&session, &id, &change)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_appointment_status(
    state: State<'_, AppState>,
    appointment_id: String,
    status: Status,
    reason: Option<String>,
) -> CmdResult<Appointment> {
    if let Some(r) = &reason {
        super::check_len(r)?;
    }
    let id = AppointmentId::parse(&appointment_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_appointment_status(&session, &id, status, reason.as_deref())?)
}

/// A client's appointments with the clinic's time zone, which their times are shown in.
#[derive(Debug, serde::Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientAppointments {
    pub appointments: Vec<Appointment>,
    /// The clinic's IANA zone (Europe/Copenhagen, …).
    pub time_zone: String,
}

#[tauri::command]
#[specta::specta]
pub async fn client_appointments(state: State<'_, AppState>, client_id: String) -> CmdResult<ClientAppointments> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let appointments = clinic.client_appointments(&session, &client)?;
    Ok(ClientAppointments { appointments, time_zone: clinic.time_zone()?.name().to_owned() })
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ServiceForm {
    pub name: String,
    pub minutes: u32,
    pub buffer_minutes: u32,
    /// Hundredths of the currency (øre / öre).
    pub price_minor: u32,
    pub vat_standard: bool,
    pub colour: String,
    pub calendar_ids: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn save_service(
    state: State<'_, AppState>,
    service_id: Option<String>,
    form: ServiceForm,
) -> CmdResult<Service> {
    super::check_len(&form.name)?;
    let id = nonempty(&service_id).map(ServiceId::parse).transpose()?;
    let input = ServiceInput {
        name: form.name,
        minutes: form.minutes,
        buffer_minutes: form.buffer_minutes,
        price_minor: form.price_minor,
        vat_standard: form.vat_standard,
        colour: form.colour,
        calendars: form.calendar_ids.iter().map(|c| calendar_id(c)).collect::<CmdResult<_>>()?,
    };
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_service(&session, id.as_ref(), &input)?)
}

#[tauri::command]
#[specta::specta]
pub async fn retire_service(state: State<'_, AppState>, service_id: String) -> CmdResult<()> {
    let id = ServiceId::parse(&service_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.retire_service(&session, &id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_room(state: State<'_, AppState>, name: String) -> CmdResult<String> {
    super::check_len(&name)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.add_room(&session, &name)?.to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn working_hours(state: State<'_, AppState>, calendar_id: String) -> CmdResult<Vec<Hours>> {
    let id = self::calendar_id(&calendar_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.working_hours(&session, &id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_working_hours(state: State<'_, AppState>, calendar_id: String, hours: Vec<Hours>) -> CmdResult<()> {
    if hours.len() > 7 * 8 {
        return Err(klinik::Error::Invalid("too many intervals".into()).into());
    }
    let id = self::calendar_id(&calendar_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_working_hours(&session, &id, &hours)?)
}

/// Exports one calendar as an iCalendar file into the Downloads folder and says where.
#[tauri::command]
#[specta::specta]
pub async fn export_calendar(
    state: State<'_, AppState>,
    calendar_id: String,
    first_day: String,
    last_day: String,
    with_names: bool,
) -> CmdResult<String> {
    let id = self::calendar_id(&calendar_id)?;
    let (first, last) = (day(&first_day)?, day(&last_day)?);
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let path = clinic.export_calendar_into(&session, &id, first, last, with_names, &dir)?;
    Ok(path.display().to_string())
}

/// Records a holiday, sick day or other absence in a calendar (administrators).
#[tauri::command]
#[specta::specta]
pub async fn add_absence(
    state: State<'_, AppState>,
    calendar_id: String,
    first_day: String,
    last_day: String,
    kind: String,
    note: String,
) -> CmdResult<()> {
    super::check_len(&note)?;
    super::check_len(&kind)?;
    let id = self::calendar_id(&calendar_id)?;
    let (first, last) = (day(&first_day)?, day(&last_day)?);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.add_absence(&session, &id, first, last, &kind, &note)?)
}

/// Lets a calendar take overlapping appointments (group sessions), or not (administrators).
#[tauri::command]
#[specta::specta]
pub async fn set_calendar_overlap(state: State<'_, AppState>, calendar_id: String, allow: bool) -> CmdResult<()> {
    let id = self::calendar_id(&calendar_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_calendar_overlap(&session, &id, allow)?)
}
