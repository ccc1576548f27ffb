import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Client, ErasureOutcome, Me } from '../backend';
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

// Issued invoices keep Eva's record until the end of 2031 (the last one from 2026).
const KEPT: ErasureOutcome = {
  erased: false,
  keptBy: { kind: 'bookkeeping', last_invoice: '2026-02-10' },
  keptUntil: '2032-01-01',
  removed: [['appointments', 3], ['relatives', 1], ['invoice_drafts', 0], ['contact_details', 1]],
};
const ERASED: ErasureOutcome = { erased: true, keptBy: null, keptUntil: null, removed: [['appointments', 2], ['entries', 4], ['clients', 1]] };

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup({ me = ADMIN, outcome = KEPT as ErasureOutcome | { code: string } } = {}) {
  const calls: Call[] = [];
  let client: Client | null = EVA;
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_clients':
        return client ? [client] : [];
      case 'get_client':
        if (!client) throw { code: 'notFound', detail: null };
        return client;
      case 'client_relations':
      case 'relatives_of':
      case 'list_staff':
      case 'client_consents':
        return [];
      case 'consent_missing':
        return false;
      case 'erase_client':
        if ('code' in outcome) throw { ...outcome, detail: null };
        client = outcome.erased ? null : { ...EVA, phone: '', email: '', address: '', active: false };
        return outcome;
      case 'save_erasure_letter':
        return '/home/ida/Klinik/erasure-letter.pdf';
    }
    return null;
  });
  render(Clients, { context: withSession({ me }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);

async function openEva() {
  await fireEvent.click(await screen.findByTestId('clients.row'));
  await screen.findByTestId('client.detail.name');
}

async function askErasure(password = 'blå-hest') {
  await fireEvent.click(screen.getByTestId('client.erase'));
  await fireEvent.input(screen.getByTestId('erase.password'), { target: { value: password } });
  await fireEvent.click(screen.getByTestId('erase.confirm'));
}

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('an erasure request on the client’s page', () => {
  it('is offered to administrators only', async () => {
    setup({ me: PRACTITIONER });
    await openEva();
    expect(screen.queryByTestId('client.erase')).toBeNull();
    cleanup();
    setup();
    await openEva();
    expect(screen.getByTestId('client.erase').textContent).toBe('Erasure request…');
  });

  it('says what goes and what a rule keeps, and asks for the password first', async () => {
    const { calls } = setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.erase'));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Erasure request from Eva Dahl');
    expect(dialog.textContent).toContain('What goes now: contact details, appointments, relatives’ access');
    expect(dialog.textContent).toContain('the journal for its retention period after the last entry, and issued invoices for bookkeeping');
    expect(dialog.textContent).toContain('This cannot be undone. Backups made before still hold the client');
    // The password field takes focus; the step waits for it.
    expect(document.activeElement).toBe(screen.getByTestId('erase.password'));
    expect((screen.getByTestId('erase.confirm') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('erase.cancel'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(of(calls, 'erase_client')).toEqual([]);
  });

  it('says what stays, under which rule, from which day it may go, saves the letter and reads the client again', async () => {
    const { calls } = setup();
    await openEva();
    const relativesBefore = of(calls, 'relatives_of').length;
    await askErasure();

    const outcome = await screen.findByTestId('erase.outcome');
    expect(of(calls, 'erase_client')).toEqual([{ clientId: 'k1', password: 'blå-hest' }]);
    expect(outcome.dataset.erased).toBe('false');
    expect(screen.getByTestId('erase.keptUntil').textContent).toBe('May be erased from 2032-01-01.');
    expect(screen.getByTestId('erase.rule').textContent).toBe('Kept by: bookkeeping: last invoice 2026-02-10');
    expect([...outcome.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Appointments: 3', 'Relatives’ access: 1', 'Contact details: 1']);
    // The first day in the outcome is the one the letter gives (the e2e test reads it).
    expect(outcome.textContent?.match(/\d{4}-\d{2}-\d{2}/)?.[0]).toBe('2032-01-01');

    // The client's page is read again: the contact details are gone.
    await waitFor(() => expect(screen.getByTestId('client.detail.phone').textContent).toBe('—'));
    expect(of(calls, 'get_client')).toHaveLength(2);
    expect(of(calls, 'relatives_of').length).toBeGreaterThan(relativesBefore);

    await fireEvent.click(screen.getByTestId('erase.letter'));
    expect((await screen.findByTestId('erase.letterPath')).textContent).toBe('/home/ida/Klinik/erasure-letter.pdf');
    expect(of(calls, 'save_erasure_letter')).toEqual([{ clientId: 'k1' }]);

    await fireEvent.click(screen.getByTestId('erase.close'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('client.detail.name').textContent).toBe('Eva Dahl');
  });

  it('says the rule in the UI language', async () => {
    setLanguage('nb');
    setup({ outcome: { ...KEPT, keptBy: { kind: 'journal', last_entry: '2024-11-05', years: 10 }, keptUntil: '2034-11-05' } });
    await openEva();
    await askErasure();
    await screen.findByTestId('erase.outcome');
    expect(screen.getByTestId('erase.keptUntil').textContent).toBe('Kan slettes fra 2034-11-05.');
    expect(screen.getByTestId('erase.rule').textContent).toBe('Oppbevares etter: journal: siste notat 2024-11-05, oppbevares 10 år');
  });

  it('returns to the list when everything went, and says so', async () => {
    const { calls } = setup({ outcome: ERASED });
    await openEva();
    await askErasure();
    const notice = await screen.findByTestId('erase.outcome');
    expect(notice.textContent).toBe('Eva Dahl has been erased completely.');
    expect(notice.getAttribute('role')).toBe('status');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByTestId('client.detail.name')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('clients.empty')).toBeTruthy());
    expect(of(calls, 'list_clients').length).toBeGreaterThanOrEqual(2);
    expect(of(calls, 'get_client')).toHaveLength(1);
  });

  it('shows a refusal in the dialog, translated, and keeps the client as it was', async () => {
    const { calls } = setup({ outcome: { code: 'wrongCredentials' } });
    await openEva();
    await askErasure('wrong');
    expect((await screen.findByTestId('erase.error')).textContent).toBeTruthy();
    expect(screen.queryByTestId('erase.outcome')).toBeNull();
    expect((screen.getByTestId('erase.password') as HTMLInputElement).value).toBe('');
    expect(of(calls, 'get_client')).toHaveLength(1);
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, before and after', async () => {
    setup();
    await openEva();
    await fireEvent.click(screen.getByTestId('client.erase'));
    const rules = {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    };
    const problems = async () =>
      (await axe.run(screen.getByRole('dialog'), rules)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`);
    expect(await problems()).toEqual([]);
    await fireEvent.input(screen.getByTestId('erase.password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('erase.confirm'));
    await screen.findByTestId('erase.outcome');
    await fireEvent.click(screen.getByTestId('erase.letter'));
    await screen.findByTestId('erase.letterPath');
    expect(await problems()).toEqual([]);
  });
});
