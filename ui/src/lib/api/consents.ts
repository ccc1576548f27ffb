// Consents: the declarations a clinic asks its clients to consent to (versioned texts that
// never change; administrators write them), a client's consents given or refused (drawn on
// the screen, typed, on scanned paper or orally) and withdrawn later, whether a required
// one is missing, and a declaration as a paper form to sign. The core checks each rule
// (the signature, the typed name, the scanned form on this client's record) and audits.
import { backend, type Consent, type ConsentInput, type ConsentText, type ConsentTextInput } from '../backend';

/** The declarations in use, the newest version of each (the starters are made on first use). */
export function consentTexts(): Promise<ConsentText[]> {
  return backend.consentTexts();
}

/** A new declaration (`key` null), or a new version of `key`: the old version is retired and keeps its consents. */
export function saveConsentText(input: ConsentTextInput): Promise<ConsentText> {
  return backend.saveConsentText(input);
}

/** Retires a declaration: it is no longer asked; the consents given to it stay. */
export function retireConsentText(key: string): Promise<null> {
  return backend.retireConsentText(key);
}

/** A client's consents, newest first, withdrawn ones too. */
export function clientConsents(clientId: string): Promise<Consent[]> {
  return backend.clientConsents(clientId);
}

/** Whether the client has not given a declaration the clinic requires. */
export function consentMissing(clientId: string): Promise<boolean> {
  return backend.consentMissing(clientId);
}

/** Records a client's consent or refusal to the version of the declaration shown. */
export function recordConsent(clientId: string, input: ConsentInput): Promise<Consent> {
  return backend.recordConsent(clientId, input);
}

/** Withdraws a given consent from now on. */
export function withdrawConsent(clientId: string, consentId: string): Promise<null> {
  return backend.withdrawConsent(clientId, consentId);
}

/** Saves a declaration as a paper form (PDF; with the client's name when given) in the export folder; returns its path. */
export function saveConsentForm(textId: string, clientId: string | null): Promise<string> {
  return backend.saveConsentForm(textId, clientId);
}
