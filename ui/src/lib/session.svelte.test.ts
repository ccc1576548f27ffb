import { describe, expect, it } from 'vitest';
import type { AppStatus } from './backend';
import { SignedInSession } from './session.svelte';
import { OWNER } from './testing';

const ready: AppStatus = { state: 'ready', language: 'da', clinicName: 'Fjordklinikken', journalMode: 'notes', me: OWNER, backupProgress: null };

describe('the signed-in session', () => {
  it('reads who is signed in, the clinic and its journal mode from the last ready status', () => {
    const session = new SignedInSession(() => {}, () => {});
    expect(() => session.me).toThrow();
    session.follow(ready);
    expect(session.me.name).toBe('Ida');
    expect(session.clinicName).toBe('Fjordklinikken');
    expect(session.journalMode).toBe('notes');
    session.follow({ ...ready, journalMode: 'journals', me: { ...OWNER, pinName: 'Lars Holm' } });
    expect(session.journalMode).toBe('journals');
    expect(session.me.pinName).toBe('Lars Holm');
  });

  it('keeps the last signed-in person while the window shows something else, for views that are closing', () => {
    const session = new SignedInSession(() => {}, () => {});
    session.follow(ready);
    session.follow({ state: 'locked', language: 'da', clinicName: 'Fjordklinikken', me: { ...OWNER, name: 'Other' } });
    session.follow({ state: 'login', language: 'da', clinicName: 'Fjordklinikken' });
    expect(session.me.name).toBe('Ida');
  });

  it('takes the backup\'s progress from each status, keeping the person while only the progress changes', () => {
    const session = new SignedInSession(() => {}, () => {});
    expect(session.backupProgress).toBeNull();
    session.follow({ ...ready, backupProgress: 10 });
    const me = session.me;
    expect(session.backupProgress).toBe(10);
    // The window asking again while the backup runs: the same person, a new progress.
    session.follow({ ...ready, me: { ...OWNER }, backupProgress: 55 });
    expect(session.backupProgress).toBe(55);
    expect(session.me).toBe(me);
    session.follow({ ...ready, backupProgress: null });
    expect(session.backupProgress).toBeNull();
    // Something else about the person is taken as before.
    session.follow({ ...ready, me: { ...OWNER, pinName: 'Lars Holm' } });
    expect(session.me).not.toBe(me);
    expect(session.me.pinName).toBe('Lars Holm');
  });

  it('hands statuses and refreshes back to the window', () => {
    const seen: AppStatus[] = [];
    let refreshed = 0;
    const session = new SignedInSession((s) => seen.push(s), () => refreshed++);
    session.onStatus(ready);
    session.refresh();
    expect(seen).toEqual([ready]);
    expect(refreshed).toBe(1);
  });
});
