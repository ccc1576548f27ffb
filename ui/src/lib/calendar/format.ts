// How the calendar writes times, days, names and statuses in the UI language. Times are
// always shown in the clinic's zone; a client's name in privacy mode is only initials
// (the full name is then not put on the page at all).
import type { Appointment, Status } from '../backend';
import { formatNumber, locale, t } from '../i18n/index.svelte';
import { utcDate } from './time';

const formats = new Map<string, Intl.DateTimeFormat>();
function format(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `${locale()}|${key}`;
  let f = formats.get(k);
  if (!f) formats.set(k, (f = new Intl.DateTimeFormat(locale(), options)));
  return f;
}

/** The time of day of an instant in the clinic's zone, 24-hour (da 10.00, sv/nb/en 10:00). */
export function timeText(instant: string, timeZone: string): string {
  return format(`time|${timeZone}`, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

/** From–to of an appointment in the clinic's zone. */
export function spanText(a: Pick<Appointment, 'startsAt' | 'endsAt'>, timeZone: string): string {
  return `${timeText(a.startsAt, timeZone)}–${timeText(a.endsAt, timeZone)}`;
}

/** An hour of the grid (da 08.00, en 08:00). */
export function hourText(hour: number): string {
  return format('hour|UTC', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(Date.UTC(2000, 0, 1, hour % 24)),
  );
}

/** An ISO day with its weekday (da "mandag 30. marts 2026"). */
export function dayText(day: string): string {
  return format('day', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(utcDate(day));
}

/** An ISO day without its weekday (da "30. marts 2026"). */
export function dateText(day: string): string {
  return format('date', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(utcDate(day));
}

/** An ISO day without the year (da "30. marts"). */
export function shortDayText(day: string): string {
  return format('shortDay', { timeZone: 'UTC', day: 'numeric', month: 'long' }).format(utcDate(day));
}

/** A weekday and a day of the month (da "man. 30.3."), for the week's column heads. */
export function columnDayText(day: string): string {
  return format('columnDay', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'numeric' }).format(utcDate(day));
}

/** The month of an ISO day in words (da "marts 2026"), starting with a capital as a title. */
export function monthTitle(day: string): string {
  const s = format('month', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(utcDate(day));
  return s.charAt(0).toLocaleUpperCase(locale()) + s.slice(1);
}

/** The seven weekdays' names, Monday first (2024-01-01 was a Monday). */
export function weekdayNames(style: 'long' | 'short'): string[] {
  const f = format(`weekday|${style}`, { timeZone: 'UTC', weekday: style });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** A name as initials, for privacy mode: "Ida Kristensen" → "I. K.". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  return words
    .map((w) => {
      const letter = /\p{L}|\p{N}/u.exec(w)?.[0] ?? Array.from(w)[0] ?? '?';
      return `${letter.toLocaleUpperCase()}.`;
    })
    .join(' ');
}

/**
 * Who an appointment is with, as the calendar may show it: the client's name (initials in
 * privacy mode), "Busy" for a client the person may not see, or the title of a block of
 * time without a client.
 */
export function clientLabel(a: Pick<Appointment, 'clientId' | 'clientName' | 'title'>, privacy: boolean): string {
  if (a.clientId === null) return a.title || t('calendar.block');
  if (a.clientName === null) return t('calendar.busy');
  return privacy ? initials(a.clientName) : a.clientName;
}

/** What is done at the appointment: the service, or the title, or "Appointment". */
export function whatLabel(a: Pick<Appointment, 'clientId' | 'serviceName' | 'title'>): string {
  if (a.serviceName) return a.serviceName;
  if (a.clientId !== null && a.title) return a.title;
  return a.clientId === null ? '' : t('calendar.appointment');
}

export function statusText(s: Status): string {
  return t(`status.${s}`);
}

/** An absence's kind in words (da Ferie, Syg, Fravær); a kind this window does not know is "away". */
export function absenceText(kind: string): string {
  if (kind === 'holiday') return t('absence.holiday');
  if (kind === 'sick') return t('absence.sick');
  return t('absence.away');
}

/** A price in øre/öre as kroner (da 450,00). */
export function kroner(minor: number): string {
  return formatNumber(minor / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
