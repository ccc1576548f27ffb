// The audit trail: filtered pages, verification of the chain, exports, a client's access
// log ("who has seen this record"), and the monthly log review with its settings.
import {
  backend,
  type AuditEvent,
  type AuditFilter,
  type AuditPage,
  type AuditVerification,
  type ExportFormat,
  type ExportResult,
  type LogReview,
} from '../backend';

/** One page of the filtered trail, newest first, before `beforeSeq` (null: from the newest). */
export function listAudit(filter: AuditFilter, beforeSeq: number | null, limit: number): Promise<AuditPage> {
  return backend.listAudit(filter, beforeSeq, limit);
}

export function verifyAudit(): Promise<AuditVerification> {
  return backend.verifyAudit();
}

/** Exports the filtered trail to the Downloads folder (with the password) and says where it went. */
export function exportAudit(filter: AuditFilter, format: ExportFormat, password: string): Promise<ExportResult> {
  return backend.exportAudit(filter, format, password);
}

/** "Who has seen this record" for one client, oldest first. */
export function clientAccessLog(clientId: string): Promise<AuditEvent[]> {
  return backend.clientAccessLog(clientId);
}

/** The month's log review report; `period` is YYYY-MM. */
export function logReview(period: string): Promise<LogReview> {
  return backend.logReview(period);
}

/** Signs off the month's report with a comment. */
export function markLogReviewed(period: string, comment: string): Promise<null> {
  return backend.markLogReviewed(period, comment);
}

/** The review's working hours and its "many clients in a day" threshold (administrators). */
export function setReviewSettings(startHour: number, endHour: number, heavyDay: number): Promise<null> {
  return backend.setReviewSettings(startHour, endHour, heavyDay);
}
