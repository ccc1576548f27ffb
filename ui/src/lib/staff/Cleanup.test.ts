import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { JournalMode, Proposal, PurgeSummary, Rules } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { withSession } from '../testing';
import Cleanup from './Cleanup.svelte';

// Three clients past their periods: Karla not seen for five years (no entries), Bent's
// journal ten years after its last entry, Sofie's invoices five years after their year.
const KARLA: Proposal = { clientId: 'c1', name: 'Karla Gammelgaard', rule: { kind: 'inactive', last_activity: '2019-05-01', years: 5 }, dueSince: '2024-05-01', invoicesKept: false };
const BENT: Proposal = { clientId: 'c2', name: 'Bent Holm', rule: { kind: 'journal', last_entry: '2014-03-02', years: 10 }, dueSince: '2024-03-02', invoicesKept: false };
const SOFIE: Proposal = { clientId: 'c3', name: 'Sofie Lund', rule: { kind: 'bookkeeping', last_invoice: '2019-06-30' }, dueSince: '2025-01-01', invoicesKept: true };

const RULES: Rules = { journalYears: 10, notesYears: 5, inactiveYears: 5 };
const SUMMARY: PurgeSummary = {
  clients: 2,
  removed: [['appointments', 7], ['entries', 12], ['attachments', 0], ['index_rows', 12], ['clients', 2], ['contact_details', 1]],
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup({ proposal = [KARLA, BENT, SOFIE], purge = SUMMARY as PurgeSummary | { code: string }, mode = 'journals' as JournalMode, run = false } = {}) {
  const calls: Call[] = [];
  let current = proposal;
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'retention_rules':
        return RULES;
      case 'set_retention_rules':
        return null;
      case 'cleanup_proposal':
        return current;
      case 'purge_clients': {
        if ('code' in purge) throw { ...purge, detail: null };
        const gone = a.clientIds as string[];
        current = current.filter((c) => !gone.includes(c.clientId));
        return purge;
      }
    }
    return null;
  });
  render(Cleanup, { props: { run }, context: withSession({ journalMode: mode }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const cells = (row: HTMLElement) => [...row.querySelectorAll('th, td')].map((c) => c.textContent?.trim());
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;
const box = (el: HTMLElement) => el as HTMLInputElement;

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('the cleanup', () => {
  it('asks for nothing until told, then lists the clients with why, the day and kept invoices, none ticked', async () => {
    const { calls } = setup();
    await waitFor(() => expect(of(calls, 'retention_rules')).toHaveLength(1));
    expect(of(calls, 'cleanup_proposal')).toEqual([]);
    expect(screen.queryByTestId('cleanup.table')).toBeNull();

    await fireEvent.click(screen.getByTestId('cleanup.run'));
    const rows = await screen.findAllByTestId('cleanup.row');
    expect(rows.map((r) => r.dataset.clientId)).toEqual(['c1', 'c2', 'c3']);
    expect(rows.map(cells)).toEqual([
      ['', 'Karla Gammelgaard', 'no appointment or entry since 2019-05-01 (5 years)', '2024-05-01', '—'],
      ['', 'Bent Holm', 'journal: last entry 2014-03-02, kept 10 years', '2024-03-02', '—'],
      ['', 'Sofie Lund', 'bookkeeping: last invoice 2019-06-30', '2025-01-01', 'Issued invoices are kept; the client stays as a row without personal data'],
    ]);
    expect(screen.getAllByTestId('cleanup.pick').map((c) => box(c).checked)).toEqual([false, false, false]);
    expect(box(screen.getByTestId('cleanup.pickAll')).checked).toBe(false);
    // Each box says whom it picks.
    expect(screen.getAllByTestId('cleanup.pick')[0]!.getAttribute('aria-label')).toBe('Select Karla Gammelgaard');
  });

  it('warns that erasing cannot be undone and that earlier backups still hold the clients', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    const warning = (await screen.findByTestId('cleanup.warning')).textContent ?? '';
    expect(warning).toContain('cannot be undone');
    expect(warning).toMatch(/Backups made before the cleanup still hold these clients until they are rotated out of the backup folder/);
    setLanguage('da');
    await waitFor(() => expect(screen.getByTestId('cleanup.warning').textContent).toContain('kan ikke fortrydes'));
    expect(screen.getByTestId('cleanup.warning').textContent).toContain('Sikkerhedskopier taget før oprydningen');
  });

  it('keeps the confirm disabled until a client is picked and a password typed', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await screen.findAllByTestId('cleanup.row');
    expect(button('cleanup.confirm').disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('cleanup.password'), { target: { value: 'blå-hest' } });
    expect(button('cleanup.confirm').disabled).toBe(true);
    await fireEvent.click(screen.getAllByTestId('cleanup.pick')[1]!);
    expect(button('cleanup.confirm').disabled).toBe(false);
    expect(button('cleanup.confirm').textContent?.trim()).toBe('Erase 1 client for good');
    await fireEvent.input(screen.getByTestId('cleanup.password'), { target: { value: '' } });
    expect(button('cleanup.confirm').disabled).toBe(true);
  });

  it('selects all and none, and the header box shows a partial pick', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await screen.findAllByTestId('cleanup.row');
    const all = box(screen.getByTestId('cleanup.pickAll'));
    await fireEvent.click(all);
    expect(screen.getAllByTestId('cleanup.pick').map((c) => box(c).checked)).toEqual([true, true, true]);
    expect(all.checked).toBe(true);
    await fireEvent.click(screen.getAllByTestId('cleanup.pick')[0]!);
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(true);
    await fireEvent.click(all);
    await fireEvent.click(all);
    expect(screen.getAllByTestId('cleanup.pick').map((c) => box(c).checked)).toEqual([false, false, false]);
  });

  it('erases the picked clients with the password, sums up what went and lists the rest', async () => {
    const { calls } = setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await screen.findAllByTestId('cleanup.row');
    await fireEvent.click(screen.getAllByTestId('cleanup.pick')[2]!);
    await fireEvent.click(screen.getAllByTestId('cleanup.pick')[0]!);
    await fireEvent.input(screen.getByTestId('cleanup.password'), { target: { value: 'blå-hest' } });
    await fireEvent.click(screen.getByTestId('cleanup.confirm'));

    const summary = await screen.findByTestId('cleanup.summary');
    // In the order of the list, not of the clicks.
    expect(of(calls, 'purge_clients')).toEqual([{ clientIds: ['c1', 'c3'], password: 'blå-hest' }]);
    expect(summary.getAttribute('role')).toBe('status');
    expect(summary.querySelector('p')?.textContent).toBe('2 clients erased.');
    expect([...summary.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Appointments: 7',
      'Journal entries and notes: 12',
      'Search index rows: 12',
      'Clients: 2',
      'Contact details: 1',
    ]);
    // The proposal is asked again: only Bent is left, unticked, and the password is gone.
    await waitFor(() => expect(screen.getAllByTestId('cleanup.row').map((r) => r.dataset.clientId)).toEqual(['c2']));
    expect(of(calls, 'cleanup_proposal')).toHaveLength(2);
    expect(box(screen.getByTestId('cleanup.pick')).checked).toBe(false);
    expect(box(screen.getByTestId('cleanup.password')).value).toBe('');
    expect(button('cleanup.confirm').disabled).toBe(true);
  });

  it('says the kinds in the UI language', async () => {
    setLanguage('sv');
    setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await fireEvent.click((await screen.findAllByTestId('cleanup.pick'))[0]!);
    await fireEvent.input(screen.getByTestId('cleanup.password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('cleanup.confirm'));
    const summary = await screen.findByTestId('cleanup.summary');
    expect(summary.querySelector('p')?.textContent).toBe('2 klienter raderade.');
    expect(summary.querySelector('li')?.textContent).toBe('Bokningar: 7');
    await waitFor(() => expect(screen.getAllByTestId('cleanup.row')).toHaveLength(2));
    expect(document.querySelector('[data-client-id="c2"] [data-testid="cleanup.why"]')?.textContent).toBe('journal: sista anteckning 2014-03-02, bevaras 10 år');
  });

  it('shows the core’s refusal translated and erases nothing on a wrong password', async () => {
    setup({ purge: { code: 'wrongCredentials' } });
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await fireEvent.click((await screen.findAllByTestId('cleanup.pick'))[0]!);
    await fireEvent.input(screen.getByTestId('cleanup.password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByTestId('cleanup.confirm'));
    expect((await screen.findByTestId('cleanup.error')).textContent).toBeTruthy();
    expect(screen.queryByTestId('cleanup.summary')).toBeNull();
    expect(screen.getAllByTestId('cleanup.row')).toHaveLength(3);
    // The pick stays; the password must be typed again.
    expect(box(screen.getAllByTestId('cleanup.pick')[0]!).checked).toBe(true);
    expect(box(screen.getByTestId('cleanup.password')).value).toBe('');
  });

  it('says when no client is past their retention period', async () => {
    setup({ proposal: [] });
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    expect((await screen.findByTestId('cleanup.none')).textContent).toBe('No client is past their retention period.');
    expect(screen.queryByTestId('cleanup.table')).toBeNull();
    expect(screen.queryByTestId('cleanup.confirm')).toBeNull();
  });

  it('shows the proposal at once when opened from the reminder', async () => {
    const { calls } = setup({ run: true });
    expect((await screen.findAllByTestId('cleanup.row'))).toHaveLength(3);
    expect(of(calls, 'cleanup_proposal')).toHaveLength(1);
  });

  it('calls the journal rule the notes period in a notes clinic', async () => {
    setup({ mode: 'notes' });
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await screen.findAllByTestId('cleanup.row');
    expect(screen.getAllByTestId('cleanup.why')[1]!.textContent).toBe('notes: last note 2014-03-02, kept 10 years');
  });
});

describe('the retention rules', () => {
  it('shows the clinic’s rules with the legal floor, and saves the numbers with the password', async () => {
    const { calls } = setup();
    await waitFor(() => expect(box(screen.getByTestId('retention.journal')).value).toBe('10'));
    expect(box(screen.getByTestId('retention.notes')).value).toBe('5');
    expect(box(screen.getByTestId('retention.inactive')).value).toBe('5');
    const help = screen.getByTestId('retention.journalHelp');
    expect(help.textContent).toContain('at least 10 years after the last entry');
    for (const law of ['journalføringsbekendtgørelsen § 15', 'patientdatalagen 3 kap. 17 §', 'pasientjournalforskriften § 15']) expect(help.textContent).toContain(law);
    expect(screen.getByTestId('retention.journal').getAttribute('aria-describedby')).toBe(help.id);
    expect(screen.getByTestId('retention.bookkeeping').textContent).toContain('5 years after the end of the year');

    expect(button('retention.save').disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('retention.journal'), { target: { value: '15' } });
    await fireEvent.input(screen.getByTestId('retention.inactive'), { target: { value: '3' } });
    await fireEvent.input(screen.getByTestId('retention.password'), { target: { value: 'blå-hest' } });
    await fireEvent.click(screen.getByTestId('retention.save'));
    await waitFor(() => expect(of(calls, 'set_retention_rules')).toEqual([{ rules: { journalYears: 15, notesYears: 5, inactiveYears: 3 }, password: 'blå-hest' }]));
    expect((await screen.findByTestId('retention.notice')).textContent).toBe('The retention rules are saved.');
    expect(box(screen.getByTestId('retention.password')).value).toBe('');
  });

  it('refuses a period the core would not take, in the UI language, without asking it', async () => {
    const { calls } = setup();
    await waitFor(() => expect(box(screen.getByTestId('retention.journal')).value).toBe('10'));
    await fireEvent.input(screen.getByTestId('retention.journal'), { target: { value: '9' } });
    await fireEvent.input(screen.getByTestId('retention.password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('retention.save'));
    expect(screen.getByTestId('retention.error').textContent).toBe('Journals are kept 10 to 30 years after the last entry: type a whole number in that range.');
    await fireEvent.input(screen.getByTestId('retention.journal'), { target: { value: '10' } });
    await fireEvent.input(screen.getByTestId('retention.inactive'), { target: { value: '11' } });
    await fireEvent.click(screen.getByTestId('retention.save'));
    expect(screen.getByTestId('retention.error').textContent).toContain('1 to 10 years');
    expect(of(calls, 'set_retention_rules')).toEqual([]);
  });
});

describe('the panel', () => {
  it('has no WCAG 2.1 A/AA problem axe can find without layout', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('cleanup.run'));
    await fireEvent.click((await screen.findAllByTestId('cleanup.pick'))[0]!);
    const result = await axe.run(document.body, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
    });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`)).toEqual([]);
  });
});
