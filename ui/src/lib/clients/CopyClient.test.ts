import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Client, Me } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { OWNER, withSession } from '../testing';
import Clients from './Clients.svelte';

// Ida, the owner, an administrator; only the clients feature, so the page shows the
// details, relations and relatives (no calendar, invoices or journal to mock).
const ADMIN: Me = { ...OWNER, features: ['clients'] };
const PRACTITIONER: Me = { ...ADMIN, isOwner: false, isAdmin: false, canViewAudit: false };

const EVA: Client = {
  id: 'k1', name: 'Eva Dahl', phone: '+45 20 30 40 50', email: 'eva@example.dk', createdAt: '2020-01-02T08:00:00Z', updatedAt: '2025-03-01T08:00:00Z',
  birthDate: null, address: 'Fjordvej 1', receptionNote: '', active: true, nationalIdMasked: null,
};

const FOLDER = '/home/ida/Klinik/klinik-client-copy-2026-03-01';

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup({ me = ADMIN, refuse = null as string | null, journalMode = 'journals' as 'journals' | 'notes' } = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_clients':
        return [EVA];
      case 'get_client':
        return EVA;
      case 'client_relations':
      case 'relatives_of':
      case 'list_staff':
      case 'client_consents':
        return [];
      case 'consent_missing':
        return false;
      case 'save_client_copy':
        if (refuse) throw { code: refuse, detail: null };
        return FOLDER;
    }
    return null;
  });
  render(Clients, { context: withSession({ me, journalMode }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

async function openEva() {
  await fireEvent.click(await screen.findByTestId('clients.row'));
  await screen.findByTestId('client.detail.name');
}

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('the client’s own copy', () => {
  it('is offered to administrators only', async () => {
    setup({ me: PRACTITIONER });
    await openEva();
    expect(screen.queryByTestId('client.copy')).toBeNull();
    cleanup();
    setup();
    await openEva();
    expect(screen.getByTestId('client.copy').textContent).toBe('Client’s copy…');
  });

  it('says what the copy holds, that the FHIR file is not encrypted, and waits for the password', async () => {
    const { calls } = setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Copy of the record for Eva Dahl');
    expect(dialog.textContent).toContain('everything Klinik holds about the client: their details, appointments, journal entries with their addenda, attachments, and who has seen the record');
    expect(dialog.textContent).toContain('client.pdf for the client to read, and client-fhir.json, a FHIR file');
    expect(screen.getByTestId('copy.fhirWarning').textContent).toContain('The FHIR file is not encrypted. Hand it over on an encrypted medium');
    // No PDF password until it is asked for.
    expect(screen.queryByTestId('copy.pdfPassword')).toBeNull();
    expect(button('copy.save').disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('copy.cancel'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(of(calls, 'save_client_copy')).toEqual([]);
  });

  it('speaks of notes in a notes clinic', async () => {
    setup({ journalMode: 'notes' });
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    expect(screen.getByRole('dialog').textContent).toContain('appointments, notes with their addenda, attachments');
  });

  it('sends the password and no PDF password when the box is not ticked, then shows the folder', async () => {
    const { calls } = setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    await fireEvent.input(screen.getByTestId('copy.password'), { target: { value: 'blå-hest' } });
    await fireEvent.click(screen.getByTestId('copy.save'));

    expect((await screen.findByTestId('copy.path')).textContent).toBe(FOLDER);
    expect(of(calls, 'save_client_copy')).toEqual([{ clientId: 'k1', password: 'blå-hest', pdfPassword: null }]);
    const saved = screen.getByTestId('copy.saved');
    expect(saved.getAttribute('role')).toBe('status');
    expect(saved.textContent).toContain('The copy is saved in');
    expect(saved.textContent).toContain('Hand both files to the client.');
    expect(screen.queryByTestId('copy.rememberPassword')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(saved));

    await fireEvent.click(screen.getByTestId('copy.close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('sends the PDF password when the box is ticked, and reminds to give it separately', async () => {
    const { calls } = setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    await fireEvent.click(screen.getByTestId('copy.protect'));
    const pdfPassword = screen.getByTestId('copy.pdfPassword') as HTMLInputElement;
    expect(screen.getByRole('dialog').textContent).toContain('Give the client this password separately from the files');
    expect(document.getElementById(pdfPassword.getAttribute('aria-describedby')!)?.textContent).toContain('separately');
    await fireEvent.input(screen.getByTestId('copy.password'), { target: { value: 'blå-hest' } });
    // The field is asked for once the box is ticked.
    expect(button('copy.save').disabled).toBe(true);

    // Too short: said in the window, nothing sent.
    await fireEvent.input(pdfPassword, { target: { value: 'kort' } });
    await fireEvent.click(screen.getByTestId('copy.save'));
    expect(screen.getByTestId('copy.error').textContent).toBe('The password for the PDF needs 8 to 128 characters.');
    expect(of(calls, 'save_client_copy')).toEqual([]);

    await fireEvent.input(pdfPassword, { target: { value: 'Fjordvej-2026' } });
    await fireEvent.click(screen.getByTestId('copy.save'));
    expect((await screen.findByTestId('copy.path')).textContent).toBe(FOLDER);
    expect(of(calls, 'save_client_copy')).toEqual([{ clientId: 'k1', password: 'blå-hest', pdfPassword: 'Fjordvej-2026' }]);
    expect(screen.getByTestId('copy.rememberPassword').textContent).toContain('give it to the client separately');
  });

  it('shows a refusal in the dialog, translated, and empties the password', async () => {
    setLanguage('sv');
    const { calls } = setup({ refuse: 'wrongCredentials' });
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    expect(screen.getByRole('dialog').textContent).toContain('FHIR-filen är inte krypterad');
    await fireEvent.input(screen.getByTestId('copy.password'), { target: { value: 'fel' } });
    await fireEvent.click(screen.getByTestId('copy.save'));
    expect((await screen.findByTestId('copy.error')).textContent).toBeTruthy();
    expect(screen.queryByTestId('copy.path')).toBeNull();
    expect((screen.getByTestId('copy.password') as HTMLInputElement).value).toBe('');
    expect(of(calls, 'save_client_copy')).toHaveLength(1);
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, before and after', async () => {
    setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.copy'));
    await fireEvent.click(screen.getByTestId('copy.protect'));
    const rules = {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    };
    const problems = async () =>
      (await axe.run(screen.getByRole('dialog'), rules)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`);
    expect(await problems()).toEqual([]);
    await fireEvent.input(screen.getByTestId('copy.pdfPassword'), { target: { value: 'Fjordvej-2026' } });
    await fireEvent.input(screen.getByTestId('copy.password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('copy.save'));
    await screen.findByTestId('copy.path');
    expect(await problems()).toEqual([]);
  });
});
