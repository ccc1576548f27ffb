// What a time grid's columns hold: which appointments of the view fall in a column (its
// calendars, or a room they are booked into, on its local day) and where each sits, and
// which absences of its calendars cover its day.
import type { Absence, Appointment, Hours } from '../backend';
import { lanes, segmentOn } from './time';

export interface GridItem {
  appointment: Appointment;
  /** Minutes after local midnight. */
  from: number;
  to: number;
  lane: number;
  lanes: number;
  /** A second line: whose calendar (week view, a room's column) or the room. */
  extra: string;
}

export interface GridColumn {
  key: string;
  day: string;
  heading: string;
  subheading: string;
  /** What an empty slot books into, for its accessible name (the calendar, or the day). */
  slotName: string;
  /** data-testid of the column (calendar.column in the day view, calendar.weekDay in the week view). */
  testId: string;
  /** The column's calendar (day view), for data-calendar-id. */
  calendarId: string | null;
  /** The calendar an empty slot books into (one the person may edit), or null: no booking here. */
  bookCalendarId: string | null;
  /** The room an empty slot books (a room's column). */
  bookRoomId: string | null;
  /** Working time on the day, minutes after midnight. */
  working: { from: number; to: number }[];
  /** Absences of the column's calendars on its day: a labelled band at its top. */
  absent: AbsenceBand[];
  /** Every calendar of the column is away on its day (the column is shaded too). */
  away: boolean;
  items: GridItem[];
}

/** One absence as a column shows it. */
export interface AbsenceBand {
  /** The absence's id. */
  key: string;
  calendarId: string;
  kind: string;
  /** What it is, in words (holiday, off sick, away). */
  label: string;
  /** Whose calendar (the week view, where a column is a day), or '' (the day view's column says it). */
  name: string;
  note: string;
}

/** Whether an absence covers `day`: the clinic's local days (YYYY-MM-DD), compared as strings, both ends included. */
export function covers(absence: Pick<Absence, 'firstDay' | 'lastDay'>, day: string): boolean {
  return absence.firstDay <= day && day <= absence.lastDay;
}

/**
 * The absences of `calendarIds` on each of `days` (every day a key; an empty list when
 * no one is away), in the order of `calendarIds` and, within a calendar, by first day.
 * Absences of other calendars are left out; one covering several days is on each of them.
 */
export function absencesByDay(absences: readonly Absence[], calendarIds: readonly string[], days: readonly string[]): Map<string, Absence[]> {
  const order = new Map(calendarIds.map((id, i) => [id, i]));
  const mine = absences
    .filter((a) => order.has(a.calendarId))
    .sort((a, b) => order.get(a.calendarId)! - order.get(b.calendarId)! || a.firstDay.localeCompare(b.firstDay) || a.id.localeCompare(b.id));
  return new Map(days.map((day) => [day, mine.filter((a) => covers(a, day))]));
}

/**
 * The appointments of `calendarIds` (as their calendar or their room) on `day` in the
 * clinic's zone, each once, with their places side by side where they overlap.
 */
export function itemsFor(
  appointments: Appointment[],
  calendarIds: ReadonlySet<string>,
  day: string,
  timeZone: string,
  extra: (a: Appointment) => string = () => '',
): GridItem[] {
  const seen = new Set<string>();
  const placed: Omit<GridItem, 'lane' | 'lanes'>[] = [];
  for (const a of appointments) {
    if (seen.has(a.id)) continue;
    if (!calendarIds.has(a.calendarId) && !(a.roomId !== null && calendarIds.has(a.roomId))) continue;
    const seg = segmentOn(a, day, timeZone);
    if (!seg) continue;
    seen.add(a.id);
    placed.push({ appointment: a, from: seg.from, to: seg.to, extra: extra(a) });
  }
  const places = lanes(placed);
  return placed.map((p, i) => ({ ...p, ...places[i]! }));
}

/** Working intervals of one weekday (1 = Monday) as minutes after midnight. */
export function workingOn(hours: Hours[], weekday: number): { from: number; to: number }[] {
  return hours.filter((h) => h.weekday === weekday).map((h) => ({ from: h.startMin, to: h.endMin }));
}

/** What the booking dialog starts with (an empty slot clicked, or the Book button). */
export interface Prefill {
  calendarId: string | null;
  roomId: string | null;
  day: string;
  /** HH:MM, or '' to be typed. */
  time: string;
}

/** What the print dialog asks for. */
export interface PrintChoice {
  calendarId: string;
  /** 1 to 8, from the Monday of the week on screen. */
  weeks: number;
  withNames: boolean;
}

/**
 * Appointments that have ended but are still booked (or arrived), with a client, in calendars
 * the person may change: someone should mark them done or no-show — the no-show report counts
 * only what is marked. `now` in milliseconds.
 */
export function unmarked(appointments: Appointment[], editable: ReadonlySet<string>, now: number): Appointment[] {
  return appointments.filter(
    (a) =>
      (a.status === 'booked' || a.status === 'arrived') &&
      a.clientId !== null &&
      editable.has(a.calendarId) &&
      Date.parse(a.endsAt) <= now,
  );
}
