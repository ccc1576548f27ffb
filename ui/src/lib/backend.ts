// The one module that talks to the Rust side: the only importer of the generated bindings.
// The commands are called through the per-area modules in ./api/ (clients, journal, staff,
// …), which wrap them in named, typed functions; components import those, and the types
// and error helpers from here, never @tauri-apps/api or the bindings directly.
import { commands } from './bindings';
export { AUDIT_ACTIONS } from './bindings';
import type { AppError, ErrorCode } from './bindings';

export type * from './bindings';
export const backend = commands;

const CODES: readonly ErrorCode[] = [
  'invalid', 'weakPassword', 'wrongCredentials', 'wrongKey', 'wrongRecoveryCode', 'wrongPassphrase',
  'keyringUnavailable', 'keyringLocked', 'keyringEntryMissing', 'corrupted', 'notEncrypted', 'newerVersion',
  'alreadyRunning', 'locked', 'notLoggedIn', 'sessionExpired', 'pinRequired', 'pinSetupRequired', 'wrongPin', 'pinLocked', 'pinDisabled',
  'pinNotSet', 'totpRequired', 'wrongTotp', 'tooManyAttempts', 'totpDisabled', 'passwordExpired',
  'passwordChangeRequired', 'strongLoginRequired', 'denied', 'notFound', 'conflict', 'storage', 'internal',
];
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
