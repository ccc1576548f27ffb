// Journals: a client's entries, drafts saved as they are typed (free text or a fielded
// template's answers), signing, addenda, full-text search, recorded prints, and emergency
// access with a reason.
import { backend, type Answer, type Entry, type SearchHit } from '../backend';

/** A client's journal: entries and addenda, newest first. */
export function listEntries(clientId: string): Promise<Entry[]> {
  return backend.journal(clientId);
}

/** A new draft, blank or from a template (its text or its fields). */
export function createEntry(clientId: string, templateId: string | null, title: string, body: string): Promise<Entry> {
  return backend.createEntry(clientId, templateId, title, body);
}

/** Saves a free-text draft. */
export function saveDraft(entryId: string, title: string, body: string): Promise<Entry> {
  return backend.saveDraft(entryId, title, body);
}

/** Saves the answers of a draft written from a fielded template. */
export function saveAnswers(entryId: string, title: string, answers: Answer[]): Promise<Entry> {
  return backend.saveAnswers(entryId, title, answers);
}

/** Signs a draft with the password; signed text never changes again. */
export function signEntry(entryId: string, password: string): Promise<Entry> {
  return backend.signEntry(entryId, password);
}

/** A correction to a signed entry: a new draft attached to it. */
export function addAddendum(entryId: string, body: string): Promise<Entry> {
  return backend.addAddendum(entryId, body);
}

export function searchJournals(query: string): Promise<SearchHit[]> {
  return backend.searchJournals(query);
}

/** Records a print of the client's journal or access log before the print dialog opens. */
export function recordPrint(clientId: string, what: string): Promise<null> {
  return backend.recordPrint(clientId, what);
}

/** Opens a client's journal without a treatment relation, with a stated reason (audited). */
export function emergencyAccess(clientId: string, reason: string): Promise<null> {
  return backend.emergencyAccess(clientId, reason);
}
