// The calendar: the calendars one may see (with how far one reaches into each), services,
// the view of a period, booking (one appointment or a series), moving, status, a client's
// appointments, and what administrators set up (services, rooms, working hours, absences,
// overlapping appointments); the .ics export into Downloads. Times go out as the clinic's
// local time (YYYY-MM-DDTHH:MM) and come back as UTC; the core decides every right and
// audits every call.
import {
  backend,
  type Appointment,
  type BookingInput,
  type ClientAppointments,
  type Calendar,
  type CalendarView,
  type Hours,
  type Service,
  type ServiceForm,
  type Status,
} from '../backend';

/** The calendars the person may see, each with `reach` (view or edit) and `own`. */
export function listCalendars(): Promise<Calendar[]> {
  return backend.listCalendars();
}

/** Every service, retired ones last. */
export function listServices(): Promise<Service[]> {
  return backend.listServices();
}

/** `days` (1 to 62) of the clinic's local days from `firstDay` (YYYY-MM-DD) of these calendars. */
export function calendarView(calendarIds: string[], firstDay: string, days: number): Promise<CalendarView> {
  return backend.calendarView(calendarIds, firstDay, days);
}

/** Books one appointment or a series (all or nothing); returns what was booked. */
export function bookAppointment(booking: BookingInput): Promise<Appointment[]> {
  return backend.bookAppointment(booking);
}

/**
 * Moves or resizes an appointment to `start` (the clinic's local time, YYYY-MM-DDTHH:MM);
 * `following` moves the rest of its series along. Returns the moved appointments.
 */
export function moveAppointment(
  appointmentId: string,
  start: string,
  minutes: number,
  calendarId: string | null,
  following: boolean,
): Promise<Appointment[]> {
  return backend.moveAppointment(appointmentId, start, minutes, calendarId, following);
}

/** Arrived, done, no-show, booked again, or cancelled (with a reason). */
export function setAppointmentStatus(appointmentId: string, status: Status, reason: string | null): Promise<Appointment> {
  return backend.setAppointmentStatus(appointmentId, status, reason);
}

/** A client's appointments, past and future (for the client's page). */
/** A client's appointments, with the clinic's time zone their times are shown in. */
export function clientAppointments(clientId: string): Promise<ClientAppointments> {
  return backend.clientAppointments(clientId);
}

/** Adds a service (`serviceId` null) or changes one (administrators). */
export function saveService(serviceId: string | null, form: ServiceForm): Promise<Service> {
  return backend.saveService(serviceId, form);
}

/** Retires a service: no new bookings; booked appointments keep it (administrators). */
export function retireService(serviceId: string): Promise<null> {
  return backend.retireService(serviceId);
}

/** Adds a room's calendar (administrators); returns its id. */
export function addRoom(name: string): Promise<string> {
  return backend.addRoom(name);
}

/** A calendar's working hours: intervals per weekday (1 = Monday), minutes after midnight. */
export function workingHours(calendarId: string): Promise<Hours[]> {
  return backend.workingHours(calendarId);
}

/** Replaces a calendar's working hours (administrators). */
export function setWorkingHours(calendarId: string, hours: Hours[]): Promise<null> {
  return backend.setWorkingHours(calendarId, hours);
}

/**
 * Exports one calendar from `firstDay` to `lastDay` as an .ics file into the Downloads
 * folder (client names only with `withNames`); returns where it was saved.
 */
export function exportCalendar(calendarId: string, firstDay: string, lastDay: string, withNames: boolean): Promise<string> {
  return backend.exportCalendar(calendarId, firstDay, lastDay, withNames);
}

/** What an absence is: a holiday, a sick day or other time away. */
export type AbsenceKind = 'holiday' | 'sick' | 'other';

/**
 * Records an absence in a calendar from `firstDay` to `lastDay` (the clinic's local days,
 * YYYY-MM-DD, both included) (administrators). The core refuses a period that ends
 * before it starts (`invalid`). Every calendar view brings the absences it covers.
 */
export function addAbsence(calendarId: string, firstDay: string, lastDay: string, kind: AbsenceKind, note: string): Promise<null> {
  return backend.addAbsence(calendarId, firstDay, lastDay, kind, note);
}

/** Lets a calendar take overlapping appointments (group sessions), or not (administrators). */
export function setCalendarOverlap(calendarId: string, allow: boolean): Promise<null> {
  return backend.setCalendarOverlap(calendarId, allow);
}
