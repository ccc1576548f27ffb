// Invoices: the clinic's invoice details (administrators change them), the lists, drafts
// from done appointments or typed lines, issuing with the next number (and the client's
// PIN when it was made now), credit notes, payments, a new PIN for a client's PDFs, the
// PDF saved or handed to the mail program, and the bookkeeping export (CSV). Amounts are
// whole øre/öre; the core validates, decides every right and audits every call.
import {
  backend,
  type Invoice,
  type Issued,
  type LineInput,
  type Method,
  type Payer,
  type Profile,
  type Show,
  type Summary,
} from '../backend';

/** The clinic's details as its invoices print them. */
export function invoiceProfile(): Promise<Profile> {
  return backend.invoiceProfile();
}

/** Changes the clinic's invoice details (administrators); returns them as kept. */
export function setInvoiceProfile(profile: Profile): Promise<Profile> {
  return backend.setInvoiceProfile(profile);
}

/** Outstanding invoices, drafts or all; only one client's with `clientId`. */
export function listInvoices(show: Show, clientId: string | null): Promise<Summary[]> {
  return backend.listInvoices(show, clientId);
}

/** One invoice or credit note with its lines, totals and payments. */
export function getInvoice(invoiceId: string): Promise<Invoice> {
  return backend.getInvoice(invoiceId);
}

/** A new draft for a client: a line per done appointment in `appointmentIds`, then `lines`. */
export function draftInvoice(clientId: string, payer: Payer, appointmentIds: string[], lines: LineInput[]): Promise<Invoice> {
  return backend.draftInvoice(clientId, payer, appointmentIds, lines);
}

/** Replaces a draft's payer and lines; returns it with the totals the core computed. */
export function updateInvoiceDraft(invoiceId: string, payer: Payer, lines: LineInput[]): Promise<Invoice> {
  return backend.updateInvoiceDraft(invoiceId, payer, lines);
}

/** Deletes a draft (an issued invoice is never deleted). */
export function deleteInvoiceDraft(invoiceId: string): Promise<null> {
  return backend.deleteInvoiceDraft(invoiceId);
}

/** Issues a draft with the next number; `newPin` is the client's PIN when made now (show it once). */
export function issueInvoice(invoiceId: string): Promise<Issued> {
  return backend.issueInvoice(invoiceId);
}

/** Reverses an issued invoice with a credit note; returns the credit note. */
export function creditInvoice(invoiceId: string): Promise<Invoice> {
  return backend.creditInvoice(invoiceId);
}

/** Registers a payment of `amountMinor` øre; `paidOn` a day (YYYY-MM-DD), or null for today. */
export function registerPayment(invoiceId: string, amountMinor: number, method: Method, paidOn: string | null): Promise<Invoice> {
  return backend.registerPayment(invoiceId, amountMinor, method, paidOn);
}

/** A new PIN for the client's invoice PDFs (replacing the older one), to be handed over now. */
export function newInvoicePin(clientId: string): Promise<string> {
  return backend.newInvoicePin(clientId);
}

/** Saves an issued invoice's PDF into the export folder; returns its path. */
export function saveInvoicePdf(invoiceId: string): Promise<string> {
  return backend.saveInvoicePdf(invoiceId);
}

/** Saves the PDF and opens the mail program with it attached; returns its path. */
export function emailInvoicePdf(invoiceId: string): Promise<string> {
  return backend.emailInvoicePdf(invoiceId);
}

/** The bookkeeping export from `firstDay` to `lastDay` (YYYY-MM-DD) as CSV; returns its path. */
export function exportInvoices(firstDay: string, lastDay: string): Promise<string> {
  return backend.exportInvoices(firstDay, lastDay);
}
