// The life of a client's record beyond the daily work (administrators): moving clients in
// from the previous system's CSV, the client's own copy (access and portability), the
// clinic's retention rules, the cleanup proposal of clients whose periods have all run out
// and their purge, and a client's erasure request with the letter about what stays. Every
// change asks for the administrator's password or a check first; the core decides each
// rule and audits every call.
import {
  backend,
  type ErasureOutcome,
  type ImportReport,
  type Mapping,
  type Preview,
  type Proposal,
  type PurgeSummary,
  type Rules,
} from '../backend';

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

/**
 * Saves the client's own copy (access and portability) with the password: client.pdf,
 * encrypted with `pdfPassword` when given (8–128 characters), and client-fhir.json (a FHIR
 * R4 Bundle, not encrypted) in a new folder in the export folder; returns the folder.
 */
export function saveClientCopy(clientId: string, password: string, pdfPassword: string | null): Promise<string> {
  return backend.saveClientCopy(clientId, password, pdfPassword);
}

/** Reads a CSV of clients (the file as base64): its columns, first rows and a suggested mapping. */
export function importPreview(base64: string): Promise<Preview> {
  return backend.importPreview(base64);
}

/**
 * Imports the clients of a CSV (base64) with the chosen columns, all or nothing: while any
 * row is refused nothing is imported. With `dryRun` only says what it would refuse.
 */
export function importClients(base64: string, mapping: Mapping[], dryRun: boolean): Promise<ImportReport> {
  return backend.importClients(base64, mapping, dryRun);
}
