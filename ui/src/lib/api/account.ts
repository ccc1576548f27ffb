// The signed-in person's own account: password, e-mail, PIN and two-factor login.
import { backend, type AppStatus, type TotpEnrollment } from '../backend';

export function changePassword(oldPassword: string, newPassword: string): Promise<AppStatus> {
  return backend.changePassword(oldPassword, newPassword);
}

export function changeEmail(email: string, password: string): Promise<AppStatus> {
  return backend.changeEmail(email, password);
}

/** Sets the person's PIN; changing an existing one takes the password. */
export function setPin(pin: string, password: string | null): Promise<AppStatus> {
  return backend.setPin(pin, password);
}

/** Starts two-factor enrollment (replacing a factor takes the password): the QR code and the secret. */
export function beginTotp(password: string | null): Promise<TotpEnrollment> {
  return backend.beginTotp(password);
}

/** Confirms enrollment with a code; returns the ten recovery codes, shown once. */
export function confirmTotp(code: string): Promise<string[]> {
  return backend.confirmTotp(code);
}

export function disableTotp(password: string): Promise<AppStatus> {
  return backend.disableTotp(password);
}

/** Ten new two-factor recovery codes (the old ones stop working); shown once. */
export function renewRecoveryCodes(password: string): Promise<string[]> {
  return backend.renewRecoveryCodes(password);
}
