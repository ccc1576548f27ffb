// For unit tests: a signed-in person and the session context the views read (see
// session.svelte.ts), so a view can be rendered on its own.
import type { Me } from './backend';
import { sessionContext, type Session } from './session.svelte';

/** The clinic's owner, with every right and nothing asked of them first. */
export const OWNER: Me = {
  staffId: 's',
  name: 'Ida',
  email: 'ida@example.dk',
  isOwner: true,
  canViewAudit: true,
  isAdmin: true,
  idleLockMinutes: 10,
  pinIdleSeconds: 120,
  businessLogin: false,
  pinName: null,
  deskOpenedBy: null,
  mustChangePassword: false,
  hasPin: false,
  accessModel: 'solo',
  totpEnabled: false,
  mustEnrollTotp: false,
  mustCreatePin: false,
  requiresPin: false,
  features: ['clients', 'journal', 'calendar', 'reports', 'audit', 'settings', 'invoices'],
  scope: 'all',
  canEdit: true,
  relative: false,
};

/** A session for a test: the owner of clinic "K" in journal mode, no backup running, unless told otherwise. */
export function testSession(session: Partial<Session> = {}): Session {
  return { me: OWNER, clinicName: 'K', journalMode: 'journals', backupProgress: null, onStatus: () => {}, refresh: () => {}, ...session };
}

/** The `context` option of render() for a view that reads the session. */
export function withSession(session: Partial<Session> = {}): Map<symbol, Session> {
  return sessionContext(testSession(session));
}
