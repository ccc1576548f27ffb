import { errorCode, needsStatusRefresh } from './backend';
import { t } from './i18n/index.svelte';
import type { MessageKey } from './i18n/en';

/** The translated message for any failure; never the raw text from the core. */
export function errorText(e: unknown): string {
  return t(`error.${errorCode(e)}` as MessageKey);
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
