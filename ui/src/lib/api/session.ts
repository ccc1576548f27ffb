// The window's state and getting in and out: what the window should show now, the
// first-start setup, unlocking the clinic's database, restoring a damaged clinic's newest
// backup, signing in and out, locking, the password reset with a recovery code, and the
// language of the screens.
import {
  backend,
  type AppStatus,
  type Language,
  type PasswordStrength,
  type SetupInput,
  type SetupResult,
} from '../backend';

let firstScreenSent = false;

/**
 * Tells the core, once, that the first screen (the login form or the setup wizard) is
 * drawn: `./dev measure` times Klinik's start to this moment. Does nothing otherwise, and
 * never fails the screen.
 */
export function firstScreen(): void {
  if (firstScreenSent) return;
  firstScreenSent = true;
  backend.firstScreen().catch(() => {});
}

/** What the window should show now (opening, setup, login, locked, ready, …). */
export function appStatus(): Promise<AppStatus> {
  return backend.appStatus();
}

/** The core's verdict on a new password (the core decides; the UI only shows it). */
export function passwordStrength(password: string): Promise<PasswordStrength> {
  return backend.passwordStrength(password);
}

/** Creates the clinic at first start; the result carries the recovery code, shown once. */
export function setupClinic(input: SetupInput): Promise<SetupResult> {
  return backend.setupClinic(input);
}

/** Opens the clinic's database with the passphrase or the recovery code. */
export function unlockVault(passphrase: string | null, recoveryCode: string | null): Promise<AppStatus> {
  return backend.unlockVault(passphrase, recoveryCode);
}

/**
 * A clinic that cannot be opened: restores the newest backup of it found in its backup
 * folder, with the clinic's recovery code or passphrase. The damaged clinic is moved aside,
 * never deleted. Returns what the window should show next (usually the login).
 */
export function restoreNewestBackup(passphrase: string | null, recoveryCode: string | null): Promise<AppStatus> {
  return backend.restoreNewestBackup(passphrase, recoveryCode);
}

/** Signs in; `code` is the two-factor code once the core has asked for it. */
export function login(email: string, password: string, code: string | null): Promise<AppStatus> {
  return backend.login(email, password, code);
}

export function logout(): Promise<AppStatus> {
  return backend.logout();
}

export function lockSession(): Promise<AppStatus> {
  return backend.lockSession();
}

/** Unlocks the locked session with the person's password. */
export function unlockSession(password: string): Promise<AppStatus> {
  return backend.unlockSession(password);
}

export function resetPasswordWithRecoveryCode(email: string, recoveryCode: string, newPassword: string): Promise<null> {
  return backend.resetPasswordWithRecoveryCode(email, recoveryCode, newPassword);
}

/**
 * Tells the core the language of the screens (the window applies a choice at once,
 * whatever the core answers).
 */
export function saveLanguage(language: Language): Promise<AppStatus> {
  return backend.setLanguage(language);
}

/**
 * The signed-in person's own language, kept with their login: it comes back at their next
 * sign-in, and the next person at the same window gets theirs (or the clinic's).
 */
export function saveMyLanguage(language: Language): Promise<AppStatus> {
  return backend.setMyLanguage(language);
}
