import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { tick } from 'svelte';
import type { AppStatus, Entry } from '../backend';
import { SignedInSession, sessionContext } from '../session.svelte';
import { OWNER, withSession } from '../testing';
import Journal from './Journal.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

const at = new Date(2026, 2, 14, 12).toISOString();
const draft: Entry = {
  id: 'e1',
  clientId: 'c1',
  authorName: 'Ida',
  careAt: at,
  templateName: null,
  title: '',
  body: '',
  signed: false,
  signedAt: null,
  signedByName: null,
  addendumTo: null,
  updatedAt: at,
  autoSigned: false,
  fields: null,
  answers: [],
  templateVersion: null,
};
const desk = { ...OWNER, name: 'Receptionen', businessLogin: true, pinName: 'Lars Holm', accessModel: 'businessPin' as const };
const deskStatus = (pinName: string | null): AppStatus => ({
  state: 'ready',
  language: 'en',
  clinicName: 'K',
  journalMode: 'journals',
  me: { ...desk, pinName },
  backupProgress: null,
});

/** The core as the journal sees it; `journal` answers the journal command. */
function core(journal: () => Entry[] = () => []) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'journal') return journal();
    if (cmd === 'list_attachments' || cmd === 'list_templates') return [];
    if (cmd === 'create_entry') return draft;
    if (cmd === 'save_draft') return { ...draft, body: (args as { body: string }).body };
    if (cmd === 'end_pin') return deskStatus(null);
    if (cmd === 'pin_candidates') return [{ id: 'lars', name: 'Lars Holm' }];
    if (cmd === 'staff_photo') return null;
    return null;
  });
  const names = () => calls.map((c) => c.cmd);
  return { calls, names };
}

async function typeADraft(text: string) {
  await fireEvent.click(await screen.findByTestId('journal.new'));
  await fireEvent.input(await screen.findByTestId('journal.entry.body'), { target: { value: text } });
}

describe('the journal', () => {
  it('saves what was typed when the view closes before the pause', async () => {
    const { calls } = core();
    const { unmount } = render(Journal, { props: { clientId: 'c1', clientName: 'Ane' }, context: withSession() });
    await typeADraft('Ondt i venstre knæ.');
    expect(screen.getByTestId('journal.entry.saveState').dataset.state).toBe('saving');
    unmount();
    expect(calls.find((c) => c.cmd === 'save_draft')?.args).toMatchObject({ entryId: 'e1', body: 'Ondt i venstre knæ.' });
  });

  it('at a shared desk, ends the PIN unlock as it closes, after the last save', async () => {
    const { names } = core();
    const seen: AppStatus[] = [];
    const { unmount } = render(Journal, {
      props: { clientId: 'c1', clientName: 'Ane' },
      context: withSession({ me: desk, onStatus: (s) => seen.push(s) }),
    });
    await typeADraft('Skrevet ved skranken.');
    unmount();
    await vi.waitFor(() => expect(seen).toEqual([deskStatus(null)]));
    const order = names();
    expect(order.indexOf('save_draft')).toBeGreaterThan(-1);
    expect(order.indexOf('save_draft')).toBeLessThan(order.indexOf('end_pin'));
  });

  it('clears itself and asks for a PIN when the PIN unlock ends', async () => {
    core(() => [{ ...draft, signed: true, body: 'Signeret tekst' }]);
    const session = new SignedInSession(() => {}, () => {});
    session.follow(deskStatus('Lars Holm'));
    render(Journal, { props: { clientId: 'c1', clientName: 'Ane' }, context: sessionContext(session) });
    expect((await screen.findByTestId('journal.entry.text')).textContent).toBe('Signeret tekst');
    session.follow(deskStatus(null));
    await tick();
    expect(await screen.findByTestId('pin.person')).toBeTruthy();
    expect(screen.queryByTestId('journal.entry')).toBeNull();
  });

  it('opens without a treatment relation only with a reason, recorded first', async () => {
    let denied = true;
    const { calls } = core(() => {
      if (denied) throw { code: 'denied', message: 'no relation' };
      return [];
    });
    render(Journal, { props: { clientId: 'c1', clientName: 'Ane' }, context: withSession() });
    const reason = await screen.findByTestId('emergency.reason');
    expect((screen.getByTestId('emergency.submit') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(reason, { target: { value: 'Akut henvendelse, behandleren er syg' } });
    denied = false;
    await fireEvent.click(screen.getByTestId('emergency.submit'));
    await screen.findByTestId('journal.new');
    expect(calls.find((c) => c.cmd === 'emergency_access')?.args).toEqual({ clientId: 'c1', reason: 'Akut henvendelse, behandleren er syg' });
    expect(screen.queryByTestId('emergency.reason')).toBeNull();
  });

  it('records the print before the print dialog opens', async () => {
    const { calls } = core();
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    render(Journal, { props: { clientId: 'c1', clientName: 'Ane' }, context: withSession() });
    await fireEvent.click(await screen.findByTestId('journal.print'));
    await vi.waitFor(() => expect(print).toHaveBeenCalledOnce());
    expect(calls.find((c) => c.cmd === 'record_print')?.args).toEqual({ clientId: 'c1', what: 'journal' });
  });
});
