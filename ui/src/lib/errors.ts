import { errorCode, isAppError, needsStatusRefresh } from './backend';
import { t, tp } from './i18n/index.svelte';
import type { MessageKey } from './i18n/en';

/** The translated message for any failure; never the raw text from the core. */
export function errorText(e: unknown): string {
  const code = errorCode(e);
  if ((code === 'pinLocked' || code === 'tooManyAttempts') && isAppError(e) && e.detail) {
    return t(`error.${code}`, { wait: waitText(Number(e.detail)) });
  }
  return t(`error.${code}` as MessageKey, { wait: tp('unit.seconds', 30) });
}

/** How long to wait, in the words of the UI's language (seconds up to two minutes). */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s <= 120 ? tp('unit.seconds', s) : tp('unit.minutes', Math.ceil(s / 60));
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
