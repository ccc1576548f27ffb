// Sessions and security settings: the open sessions (any of them can be logged out), the
// automatic logout, the PIN idle time and "two-factor login for everyone" (administrators,
// with the password). `securityInfo` also carries the clinic settings the staff page shows.
import { backend, type AppStatus, type SecurityInfo } from '../backend';

/** The open sessions and the clinic's security and journal settings. */
export function securityInfo(): Promise<SecurityInfo> {
  return backend.securityInfo();
}

export function endSession(sessionId: string): Promise<AppStatus> {
  return backend.endSession(sessionId);
}

/** The automatic logout after inactivity, in minutes (administrators, with the password). */
export function setSessionTimeout(minutes: number, password: string): Promise<null> {
  return backend.setSessionTimeout(minutes, password);
}

/** PIN idle time and "two-factor login for everyone" (administrators, with the password). */
export function setSecuritySettings(pinIdleSeconds: number, requireTotp: boolean, password: string): Promise<null> {
  return backend.setSecuritySettings(pinIdleSeconds, requireTotp, password);
}
