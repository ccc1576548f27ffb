// The one module that talks to the Rust side: the only importer of the generated bindings.
// The commands are called through the per-area modules in ./api/ (clients, journal, staff,
// …), which wrap them in named, typed functions; components import those, and the types
// and error helpers from here, never @tauri-apps/api or the bindings directly.
import { commands } from './bindings';
export { AUDIT_ACTIONS } from './bindings';
import type { AppError, Attachment, ErrorCode } from './bindings';
import { invoke } from '@tauri-apps/api/core';

export type * from './bindings';
export const backend = commands;

/**
 * The two commands that carry a file as raw bytes instead of base64 inside JSON (no
 * generated binding: a raw body has no TypeScript shape). The file is the request body;
 * its client, entry and name travel in headers (the name percent-encoded, as headers are
 * ASCII). Failures reject with the same AppError as every other command.
 */
export const raw = {
  addAttachment(clientId: string, entryId: string | null, name: string, bytes: Uint8Array): Promise<Attachment> {
    return invoke<Attachment>('add_attachment_bytes', bytes, {
      headers: {
        'klinik-client': clientId,
        'klinik-entry': entryId ?? '',
        'klinik-name': encodeURIComponent(name),
      },
    });
  },
  async openAttachment(attachmentId: string): Promise<Uint8Array> {
    const body = await invoke<ArrayBuffer>('open_attachment_bytes', { attachmentId });
    return new Uint8Array(body);
  },
};

// Every code the core can send, once: a record keyed by ErrorCode, so a code added to the
// core (and so to the generated type) is a type error here until it is listed (and then
// the i18n test asks for its translation).
const EVERY_CODE: Record<ErrorCode, true> = {
  invalid: true, weakPassword: true, wrongCredentials: true, wrongKey: true, wrongRecoveryCode: true, wrongPassphrase: true,
  keyringUnavailable: true, keyringLocked: true, keyringEntryMissing: true, corrupted: true, notEncrypted: true, newerVersion: true,
  alreadyRunning: true, locked: true, notLoggedIn: true, sessionExpired: true, pinRequired: true, pinSetupRequired: true,
  wrongPin: true, pinLocked: true, pinDisabled: true, pinNotSet: true, totpRequired: true, wrongTotp: true,
  tooManyAttempts: true, totpDisabled: true, passwordExpired: true, passwordChangeRequired: true, strongLoginRequired: true,
  doubleBooked: true, denied: true, notFound: true, conflict: true, storage: true, internal: true,
};
const CODES: readonly ErrorCode[] = Object.keys(EVERY_CODE) as ErrorCode[];
export const ERROR_CODES = CODES;

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' && e !== null && 'code' in e && CODES.includes((e as { code: ErrorCode }).code)
  );
}

/** The code of any failure: ours, or `internal` for anything unexpected (never shown raw). */
export function errorCode(e: unknown): ErrorCode {
  return isAppError(e) ? e.code : 'internal';
}

/** Codes after which the window must ask the core what to show (lock, login, …). */
export function needsStatusRefresh(code: ErrorCode): boolean {
  return code === 'locked' || code === 'notLoggedIn' || code === 'sessionExpired';
}
