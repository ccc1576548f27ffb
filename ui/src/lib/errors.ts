import { errorCode } from './backend';
import { t } from './i18n/index.svelte';
import type { MessageKey } from './i18n/en';

/** The translated message for any failure; never the raw text from the core. */
export function errorText(e: unknown): string {
  return t(`error.${errorCode(e)}` as MessageKey);
}
