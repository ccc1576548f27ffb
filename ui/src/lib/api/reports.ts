// Reports (My page): the reports a person may run (active, visible to their role), and for
// administrators every report, retired ones too, to make, change, retire and bring back.
// A run covers the report's own period or two days chosen (both or neither) and comes back
// as a table (money as whole øre, days as YYYY-MM-DD); a run is saved as CSV or PDF in the
// export folder. The core decides every right, whose rows are in a run, and audits each.
import { backend, type Definition, type DefinitionInput, type Report } from '../backend';

/** The reports on the signed-in person's My page. */
export function myReports(): Promise<Definition[]> {
  return backend.myReports();
}

/** Every report of the clinic, retired ones too (administrators). */
export function reportDefinitions(): Promise<Definition[]> {
  return backend.reportDefinitions();
}

/** Makes a report (`reportId` null) or changes one; returns it as kept. */
export function saveReport(reportId: string | null, input: DefinitionInput): Promise<Definition> {
  return backend.saveReport(reportId, input);
}

/** Retires a report (off everyone's My page) or brings it back. */
export function setReportActive(reportId: string, active: boolean): Promise<null> {
  return backend.setReportActive(reportId, active);
}

/** Runs a report over its own period (both days null) or `fromDay`..`toDay` (YYYY-MM-DD). */
export function runReport(reportId: string, fromDay: string | null, toDay: string | null): Promise<Report> {
  return backend.runReport(reportId, fromDay, toDay);
}

/** Saves a run as a CSV or PDF file in the export folder; returns the file's path. */
export function saveReportFile(reportId: string, fromDay: string | null, toDay: string | null, format: 'csv' | 'pdf'): Promise<string> {
  return backend.saveReportFile(reportId, fromDay, toDay, format);
}
