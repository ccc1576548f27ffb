// Staff: names for choosers, and what administrators do with staff members: create, edit
// rights, (de)activate, photo, PIN and a new one-time password.
import {
  backend,
  type NewStaffInput,
  type NewStaffResult,
  type Photo,
  type StaffChangesInput,
  type StaffMember,
  type StaffName,
} from '../backend';

/** Staff names, for choosers (the audit filter, treatment relations). */
export function listStaff(): Promise<StaffName[]> {
  return backend.listStaff();
}

/** Every staff member with their rights (administrators). */
export function listStaffAdmin(): Promise<StaffMember[]> {
  return backend.listStaffAdmin();
}

/** A new staff member and their one-time password. */
export function createStaff(input: NewStaffInput): Promise<NewStaffResult> {
  return backend.createStaff(input);
}

export function updateStaff(staffId: string, input: StaffChangesInput, adminPassword: string): Promise<StaffMember> {
  return backend.updateStaff(staffId, input, adminPassword);
}

export function setStaffActive(staffId: string, active: boolean, adminPassword: string): Promise<null> {
  return backend.setStaffActive(staffId, active, adminPassword);
}

export function staffPhoto(staffId: string): Promise<Photo | null> {
  return backend.staffPhoto(staffId);
}

/** A photo as base64 (at most 2 MB), or null to remove it. */
export function setStaffPhoto(staffId: string, base64: string | null): Promise<null> {
  return backend.setStaffPhoto(staffId, base64);
}

export function adminSetPin(staffId: string, pin: string, adminPassword: string): Promise<null> {
  return backend.adminSetPin(staffId, pin, adminPassword);
}

/** A new one-time password for a staff member (their PIN is enabled again). */
export function resetStaff(staffId: string, password: string): Promise<string> {
  return backend.resetStaff(staffId, password);
}
