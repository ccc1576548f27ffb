// The clinic's settings that administrators change: the access model, the journal mode,
// new clients' access, the auto-sign rule, the attachment size limit, and backups.
import { backend, type AccessModel, type AppStatus, type BackupResult, type BackupStatus, type Drill, type JournalMode, type Level } from '../backend';

export function setAccessModel(model: AccessModel, password: string): Promise<AppStatus> {
  return backend.setAccessModel(model, password);
}

/** Moves the journal mode towards more protection (with the password). */
export function setJournalMode(mode: JournalMode, password: string): Promise<AppStatus> {
  return backend.setJournalMode(mode, password);
}

/** What staff who see only their own clients may do with a newly registered client. */
/** Whether booking a client with a practitioner makes them the practitioner's client. */
export function setAppointmentRelation(on: boolean, adminPassword: string): Promise<null> {
  return backend.setAppointmentRelation(on, adminPassword);
}

export function setNewClientAccess(level: Level, adminPassword: string): Promise<null> {
  return backend.setNewClientAccess(level, adminPassword);
}

/** The auto-sign rule: 0 (never) or 1 to 720 hours. */
export function setAutoSignHours(hours: number): Promise<null> {
  return backend.setAutoSignHours(hours);
}

export function setAttachmentLimit(megabytes: number): Promise<null> {
  return backend.setAttachmentLimit(megabytes);
}

/** Makes a backup in the Downloads folder (with the password) and says where it went. */
export function makeBackup(password: string): Promise<BackupResult> {
  return backend.makeBackup(password);
}

/** How automatic backups stand: the folder (or none), the last good one, and whether to warn. */
export function backupStatus(): Promise<BackupStatus> {
  return backend.backupStatus();
}

/** Chooses the folder automatic backups go to (blank: off), with the administrator's password. */
export function setBackupFolder(folder: string, password: string): Promise<null> {
  return backend.setBackupFolder(folder, password);
}

/** Test a backup: the newest one in the backup folder, opened as a copy elsewhere and checked. */
export function testBackup(): Promise<Drill> {
  return backend.testBackup();
}
