import { errorCode, isAppError, needsStatusRefresh, type ErrorDetail } from './backend';
import { formatDate, t, tp } from './i18n/index.svelte';
import type { MessageKey } from './i18n/en';

/** The translated message for any failure; never the raw text from the core. */
export function errorText(e: unknown): string {
  const code = errorCode(e);
  if (code === 'pinLocked' || code === 'tooManyAttempts') {
    // The core says how many seconds are left (`detail`); without it, "in a little while".
    const seconds = isAppError(e) && e.detail?.kind === 'retryAfter' ? e.detail.seconds : NaN;
    return t(`error.${code}`, { wait: Number.isFinite(seconds) ? waitText(seconds) : t('wait.moment') });
  }
  if (code === 'doubleBooked' && isAppError(e)) {
    const taken = takenTime(e.detail);
    if (taken) return t('error.doubleBookedAt', { name: taken.name, date: formatDate(taken.day), from: taken.from, to: taken.to });
  }
  return t(`error.${code}` as MessageKey);
}

/**
 * What a double booking collides with, from the core's typed detail (the calendar's name
 * and the taken time in the clinic's zone, `YYYY-MM-DDTHH:MM`), so the window can say it
 * in the UI language. Null for any other detail (the plain translation is shown then).
 */
export function takenTime(detail: ErrorDetail | null): { name: string; day: string; from: string; to: string } | null {
  if (detail?.kind !== 'takenBy') return null;
  return { name: detail.calendar, day: detail.starts.slice(0, 10), from: detail.starts.slice(11, 16), to: detail.ends.slice(11, 16) };
}

/**
 * How long to wait, in words and in the UI language's plural forms: seconds up to two
 * minutes ("1 sekund", "30 sekunder"), then whole minutes, rounded up ("4 minutter"), then
 * hours ("1 time"; the core never asks for more than an hour today).
 */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s <= 120) return tp('unit.seconds', s);
  const minutes = Math.ceil(s / 60);
  return minutes <= 120 ? tp('unit.minutes', minutes) : tp('unit.hours', Math.ceil(minutes / 60));
}

/**
 * A view's failure handler: when the session is locked, ended or expired the window asks
 * the core what to show (`onRefresh`); any other failure becomes the view's translated
 * message (`show`).
 */
export function failureHandler(onRefresh: () => void, show: (message: string) => void): (e: unknown) => void {
  return (e) => {
    if (needsStatusRefresh(errorCode(e))) onRefresh();
    else show(errorText(e));
  };
}
