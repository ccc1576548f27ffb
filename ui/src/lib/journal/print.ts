// Printing a journal, all of it or a period of care (local days, both ends included): which
// entries are printed, what the print is recorded as, and the print itself, recorded in
// the audit trail before the print dialog opens.
import { recordPrint } from '../api/journal';

/** The local day (YYYY-MM-DD) of a timestamp. */
export function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A period is chosen: both of its days are given. */
export function isRanged(from: string, to: string): boolean {
  return from !== '' && to !== '';
}

/** Whether an entry cared for at `careAt` is printed: every entry, or those in the period. */
export function inPeriod(careAt: string, from: string, to: string): boolean {
  return !isRanged(from, to) || (localDay(careAt) >= from && localDay(careAt) <= to);
}

/** The journal can be printed: whole (no day given), or for a period that ends after it starts. */
export function canPrint(from: string, to: string): boolean {
  return (from === '') === (to === '') && !(isRanged(from, to) && from > to);
}

/** What the print is recorded as in the audit trail. */
export function printedAs(from: string, to: string): string {
  return isRanged(from, to) ? `journal ${from}..${to}` : 'journal';
}

/** Records the print, then opens the print dialog; if recording fails, nothing prints. */
export async function printJournal(clientId: string, from: string, to: string): Promise<void> {
  await recordPrint(clientId, printedAs(from, to));
  window.print();
}
