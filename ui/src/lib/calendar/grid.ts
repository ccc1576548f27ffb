// What a time grid's columns hold: which appointments of the view fall in a column (its
// calendars, or a room they are booked into, on its local day) and where each sits.
import type { Appointment, Hours } from '../backend';
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
  /** Absences on the day, as text. */
  absent: string[];
  items: GridItem[];
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
