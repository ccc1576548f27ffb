// The end of a client's record (administrators): the clinic's retention rules, the
// cleanup proposal of clients whose periods have all run out and their purge, and a
// client's erasure request with the letter about what stays. Every change asks for the
// administrator's password; the core decides each rule and audits every call.
import { backend, type ErasureOutcome, type Proposal, type PurgeSummary, type Rules } from '../backend';

/** The clinic's retention rules (years). */
export function retentionRules(): Promise<Rules> {
  return backend.retentionRules();
}

/** Changes the rules: journal 10–30, notes 1–30, inactive clients 1–10 years (with the password). */
export function setRetentionRules(rules: Rules, password: string): Promise<null> {
  return backend.setRetentionRules(rules, password);
}

/** The clients whose retention periods have all run out, with the rule that held longest. */
export function cleanupProposal(): Promise<Proposal[]> {
  return backend.cleanupProposal();
}

/** How many clients the cleanup would propose (no names), for the reminder. */
export function cleanupDue(): Promise<number> {
  return backend.cleanupDue();
}

/** Erases the confirmed clients for good (with the password); says what went. */
export function purgeClients(clientIds: string[], password: string): Promise<PurgeSummary> {
  return backend.purgeClients(clientIds, password);
}

/** A client's erasure request (with the password): what may go goes; what a rule keeps stays. */
export function eraseClient(clientId: string, password: string): Promise<ErasureOutcome> {
  return backend.eraseClient(clientId, password);
}

/** Saves the letter about a refused erasure into the export folder; returns its path. */
export function saveErasureLetter(clientId: string): Promise<string> {
  return backend.saveErasureLetter(clientId);
}
