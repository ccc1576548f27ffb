// Days and times of the calendar. An appointment is stored as two UTC instants; the clinic
// works in its own time zone (CalendarView.timeZone, e.g. Europe/Copenhagen), so which day
// an appointment falls on and where it sits in that day are computed in that zone — never
// in the zone of the computer the window runs on. Days are ISO days (YYYY-MM-DD) and are
// counted as dates, not instants (Date.UTC for the arithmetic), so no zone can shift them.
import type { Hours, RepeatInput } from '../backend';

const pad = (n: number) => String(n).padStart(2, '0');
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateOf(day: string): Date {
  const m = ISO_DAY.exec(day);
  if (!m) throw new Error(`not an ISO day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function dayOf(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The ISO day as a Date at 00:00 UTC, for Intl formats given `timeZone: 'UTC'`. */
export function utcDate(day: string): Date {
  return dateOf(day);
}

export function addDays(day: string, n: number): string {
  const d = dateOf(day);
  d.setUTCDate(d.getUTCDate() + n);
  return dayOf(d);
}

/** The same day of the month `n` months on, or the month's last day if it has fewer. */
export function addMonths(day: string, n: number): string {
  const d = dateOf(day);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return dayOf(target);
}

/** 1 = Monday … 7 = Sunday (ISO 8601, as the core counts weekdays). */
export function isoWeekday(day: string): number {
  return ((dateOf(day).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the day's week: Scandinavian weeks start on Monday. */
export function weekStart(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The ISO week number (week 1 holds the year's first Thursday), as Nordic calendars number weeks. */
export function isoWeek(day: string): number {
  const thursday = dateOf(addDays(day, 4 - isoWeekday(day)));
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateOf(b).getTime() - dateOf(a).getTime()) / 86_400_000);
}

export type Mode = 'day' | 'week' | 'month';

/**
 * The days a view asks the core for: the day; the week, Monday first; or the six weeks
 * of the month grid (42 days, within the core's 62).
 */
export function periodOf(mode: Mode, anchor: string): { first: string; days: number } {
  if (mode === 'day') return { first: anchor, days: 1 };
  if (mode === 'week') return { first: weekStart(anchor), days: 7 };
  return { first: weekStart(monthStart(anchor)), days: 42 };
}

/** The anchor day one period on (`dir` 1) or back (-1). */
export function step(mode: Mode, anchor: string, dir: 1 | -1): string {
  if (mode === 'day') return addDays(anchor, dir);
  if (mode === 'week') return addDays(anchor, 7 * dir);
  return addMonths(anchor, dir);
}

export function daysOf(first: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => addDays(first, i));
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The clinic's local day and minutes after midnight of an instant, in `timeZone` (IANA).
 * Daylight saving is Intl's (the zone rules shipped with the window's engine).
 */
export function zoned(instant: string | Date, timeZone: string): { day: string; minutes: number } {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(typeof instant === 'string' ? new Date(instant) : instant)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, minutes: hour * 60 + Number(parts.minute) };
}

/** Today in the clinic's zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return zoned(now, timeZone).day;
}

/**
 * Where an appointment sits on one local day: from and to in minutes after midnight, or
 * null when it is not on that day. One that runs past midnight is shown on both days (to
 * 24:00, then from 00:00); one that ends at 00:00 belongs to the day before.
 */
export function segmentOn(
  a: { startsAt: string; endsAt: string },
  day: string,
  timeZone: string,
): { from: number; to: number } | null {
  const start = zoned(a.startsAt, timeZone);
  const end = zoned(a.endsAt, timeZone);
  let endDay = end.day;
  let endMinutes = end.minutes;
  if (endMinutes === 0 && endDay > start.day) {
    endDay = addDays(endDay, -1);
    endMinutes = 1440;
  }
  if (start.day > day || endDay < day) return null;
  const from = start.day === day ? start.minutes : 0;
  const to = endDay === day ? endMinutes : 1440;
  return { from, to: Math.max(from, to) };
}

export const FALLBACK_HOURS = { first: 7, last: 18 } as const;

/**
 * The hours a time grid shows: from the earliest working hour to the latest of these
 * calendars on these weekdays (any weekday if none works on them; 07–18 without working
 * hours), widened to show every appointment in it.
 */
export function hourRange(
  hours: Hours[],
  weekdays: number[],
  segments: { from: number; to: number }[],
): { first: number; last: number } {
  const onDays = hours.filter((h) => weekdays.includes(h.weekday));
  const pick = onDays.length > 0 ? onDays : hours;
  let first: number = FALLBACK_HOURS.first;
  let last: number = FALLBACK_HOURS.last;
  if (pick.length > 0) {
    first = Math.floor(Math.min(...pick.map((h) => h.startMin)) / 60);
    last = Math.ceil(Math.max(...pick.map((h) => h.endMin)) / 60);
  }
  for (const s of segments) {
    first = Math.min(first, Math.floor(s.from / 60));
    last = Math.max(last, Math.ceil(s.to / 60));
  }
  first = Math.max(0, Math.min(23, first));
  last = Math.min(24, Math.max(first + 1, last));
  return { first, last };
}

/** HH:MM of minutes after midnight. */
export function timeOfMinutes(minutes: number): string {
  return `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;
}

/**
 * A time of day as typed (9, 930, 9:30, 09.30, 0930) as HH:MM, or null when it is not one.
 */
export function parseTime(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{1,2})(?:[:.](\d{2}))?$/.exec(s);
  if (!m) {
    const c = /^(\d{1,2})(\d{2})$/.exec(s);
    if (c) m = c;
  }
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  return h <= 23 && min <= 59 ? `${pad(h)}:${pad(min)}` : null;
}

export function minutesOfTime(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Side-by-side places for overlapping appointments in one column: each gets a lane and
 * the number of lanes of its group of overlapping ones (in the order given).
 */
export function lanes(items: { from: number; to: number }[]): { lane: number; lanes: number }[] {
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.from - items[b]!.from || items[b]!.to - items[a]!.to);
  const out: { lane: number; lanes: number }[] = items.map(() => ({ lane: 0, lanes: 1 }));
  let group: number[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -1;
  const close = () => {
    for (const i of group) out[i]!.lanes = laneEnds.length;
    group = [];
    laneEnds = [];
  };
  for (const i of order) {
    const { from, to } = items[i]!;
    if (from >= groupEnd) close();
    // A zero-length item still takes a little room.
    const end = Math.max(to, from + 1);
    let lane = laneEnds.findIndex((e) => e <= from);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(end);
    } else laneEnds[lane] = end;
    out[i]!.lane = lane;
    group.push(i);
    groupEnd = Math.max(groupEnd, end);
  }
  close();
  return out;
}

/** What the booking dialog's repeat fields hold. */
export interface RepeatForm {
  on: boolean;
  everyWeeks: number;
  /** 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** The series ends after a number of times, or on a day. */
  end: 'times' | 'until';
  times: number;
  /** ISO day, for `end: 'until'`. */
  until: string;
}

/**
 * The series the core is sent, or null for a single appointment. The first appointment's
 * weekday is always one of the series' weekdays (the core adds it too).
 */
export function repeatInput(form: RepeatForm, startDay: string): RepeatInput | null {
  if (!form.on) return null;
  const ticked = form.weekdays.filter((d) => Number.isInteger(d) && d >= 1 && d <= 7);
  const weekdays = [...new Set([...ticked, isoWeekday(startDay)])].sort((a, b) => a - b);
  const everyWeeks = Math.max(1, Math.trunc(Number(form.everyWeeks) || 1));
  return {
    everyWeeks,
    weekdays,
    untilDay: form.end === 'until' ? form.until : null,
    times: form.end === 'times' ? Math.max(1, Math.trunc(Number(form.times) || 1)) : null,
  };
}

const HEX = /^#([0-9a-f]{6})$/i;
export const DEFAULT_COLOUR = '#146e78';

/**
 * A service colour as a bar and a light background for an appointment: the text stays
 * the dark body colour on the light tint, so every colour reads. Anything that is not a
 * #rrggbb colour gets the clinic's accent.
 */
export function tint(colour: string | null, amount = 0.18): { bar: string; bg: string } {
  const hex = colour && HEX.test(colour) ? colour : DEFAULT_COLOUR;
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c * amount + 255 * (1 - amount));
  return { bar: hex.toLowerCase(), bg: `rgb(${mix((n >> 16) & 255)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})` };
}

/** Kroner as typed (450, 450,50, 1.250,00, 450.5) in øre/öre, or null when it is not an amount. */
export function parsePrice(text: string): number | null {
  let s = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  if (s === '') return 0;
  // A comma is the decimal separator; dots before it group thousands.
  if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
  else if (/^\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

// The clinic's zone, as the last calendar view said it, for screens that show times but
// get no zone with them (a client's appointments). Kept per workstation; until a view
// has been seen here, the computer's own zone stands in.
const ZONE_KEY = 'klinik.calendar.zone';

export function rememberZone(timeZone: string): void {
  try {
    localStorage.setItem(ZONE_KEY, timeZone);
  } catch {
    /* no storage: the next view says it again */
  }
}

export function clinicZone(): string {
  try {
    const z = localStorage.getItem(ZONE_KEY);
    if (z) {
      new Intl.DateTimeFormat('en', { timeZone: z });
      return z;
    }
  } catch {
    /* unknown or unreadable: the computer's zone */
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
