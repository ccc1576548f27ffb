// The shared workstation (business login): who may unlock it with a PIN, the PIN unlock
// and its end, and a personal login switching the workstation to the desk's login.
import { backend, type AppStatus, type StaffName } from '../backend';

/** People who can unlock this workstation with their PIN. */
export function pinCandidates(): Promise<StaffName[]> {
  return backend.pinCandidates();
}

export function unlockWithPin(staffId: string, pin: string): Promise<AppStatus> {
  return backend.unlockWithPin(staffId, pin);
}

/** Ends the PIN unlock: the next person at the desk starts from the PIN prompt. */
export function endPin(): Promise<AppStatus> {
  return backend.endPin();
}

/** The business logins this workstation may switch to (for a personal login). */
export function deskAccounts(): Promise<StaffName[]> {
  return backend.deskAccounts();
}

/** Switches the workstation from the person's own login to the desk's business login. */
export function openDesk(businessId: string): Promise<AppStatus> {
  return backend.openDesk(businessId);
}
