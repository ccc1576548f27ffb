import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Definition, Report } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { OWNER, withSession } from '../testing';
import MyPage from './MyPage.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

const NO_SHOWS: Definition = {
  id: 'r-1', name: 'Missed appointments', preset: 'noShows', columns: ['date', 'time', 'client', 'status', 'late'], period: 'lastMonth',
  fixedFrom: null, fixedTo: null, visibleTo: ['owner', 'admin', 'reception'], forRelatives: false, active: true,
};
const REVENUE: Definition = {
  id: 'r-2', name: 'Revenue 2026', preset: 'revenueByService', columns: ['service', 'lines', 'amount', 'vat'], period: 'fixed',
  fixedFrom: '2026-01-01', fixedTo: '2026-06-30', visibleTo: ['owner'], forRelatives: false, active: true,
};
const RETIRED: Definition = { ...NO_SHOWS, id: 'r-3', name: 'Old list', preset: 'newClients', columns: ['date', 'client'], active: false };

const MISSED: Report = {
  id: 'r-1', name: 'Missed appointments', preset: 'noShows', from: '2026-02-01', to: '2026-02-28',
  columns: [{ key: 'date', kind: 'day' }, { key: 'time', kind: 'time' }, { key: 'client', kind: 'text' }, { key: 'status', kind: 'text' }, { key: 'late', kind: 'text' }],
  rows: [['2026-02-03', '09:30', 'Karen Berg', 'no_show', ''], ['2026-02-10', '14:00', 'Lars Holm', 'cancelled', 'yes']],
  clients: 2,
};
const MONEY: Report = {
  id: 'r-2', name: 'Revenue 2026', preset: 'revenueByService', from: '2026-01-01', to: '2026-06-30',
  columns: [{ key: 'service', kind: 'text' }, { key: 'lines', kind: 'count' }, { key: 'amount', kind: 'money' }, { key: 'vat', kind: 'money' }],
  rows: [['Fodbehandling', '1234', '123450', '0']],
  clients: 1,
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(me = OWNER, reply: (cmd: string, args: Record<string, unknown>) => unknown = () => undefined) {
  const calls: Call[] = [];
  let definitions = [NO_SHOWS, REVENUE, RETIRED];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const mine = reply(cmd, a);
    if (mine !== undefined) return mine;
    switch (cmd) {
      case 'my_reports':
        return definitions.filter((d) => d.active);
      case 'report_definitions':
        return definitions;
      case 'run_report':
        return a.reportId === 'r-2' ? MONEY : MISSED;
      case 'save_report_file':
        return `/home/ida/Klinik/report.${String(a.format)}`;
      case 'set_report_active':
        definitions = definitions.map((d) => (d.id === a.reportId ? { ...d, active: Boolean(a.active) } : d));
        return null;
      case 'save_report': {
        const input = a.input as Definition;
        const saved = { ...input, id: (a.reportId as string | null) ?? 'r-new', fixedFrom: input.fixedFrom ?? null, fixedTo: input.fixedTo ?? null, active: true };
        definitions = [...definitions.filter((d) => d.id !== saved.id), saved];
        return saved;
      }
    }
    return null;
  });
  render(MyPage, { context: withSession({ me }) });
  return { calls };
}

const last = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).at(-1)?.args;
const texts = (id: string) => screen.getAllByTestId(id).map((e) => e.textContent?.trim());

async function typeDay(id: string, day: string) {
  await fireEvent.input(screen.getByTestId(id), { target: { value: day } });
  await fireEvent.blur(screen.getByTestId(id));
}

describe('My page', () => {
  it('lists the person’s reports with what they show and their period, and runs one over its own period', async () => {
    const { calls } = setup();
    const items = await screen.findAllByTestId('reports.item');
    expect(items.map((i) => i.dataset.reportId)).toEqual(['r-1', 'r-2']);
    expect(items[0]!.textContent).toContain('No-shows and late cancellations · Last month');
    expect(items[1]!.textContent).toContain('Revenue by service · 1 January 2026 – 30 June 2026');

    await fireEvent.click(items[0]!);
    await screen.findByTestId('report.table');
    expect(last(calls, 'run_report')).toEqual({ reportId: 'r-1', fromDay: null, toDay: null });
    expect(items[0]!.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('report.period').textContent).toBe('1 February 2026 – 28 February 2026');
    expect(screen.getByTestId('report.clients').textContent).toBe('Data about 2 clients');
    // The headers and the status translated; the day in words; "late" as Yes or nothing.
    expect(texts('report.header')).toEqual(['Date', 'Time', 'Client', 'Status', 'Late cancellation']);
    const rows = screen.getAllByTestId('report.row').map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['3 February 2026', '09:30', 'Karen Berg', 'No-show', ''],
      ['10 February 2026', '14:00', 'Lars Holm', 'Cancelled', 'Yes'],
    ]);
    // The fields show the days covered, ready for another period.
    expect((screen.getByTestId('report.from') as HTMLInputElement).value).toBe('01/02/2026');
    expect((screen.getByTestId('report.to') as HTMLInputElement).value).toBe('28/02/2026');
  });

  it('formats money, counts and days by the UI language, headers and statuses too', async () => {
    setLanguage('da');
    setup();
    await fireEvent.click((await screen.findAllByTestId('reports.item'))[1]!);
    await screen.findByTestId('report.table');
    expect(texts('report.header')).toEqual(['Ydelse', 'Fakturalinjer', 'Beløb', 'Moms']);
    const cells = [...screen.getByTestId('report.row').querySelectorAll('td')].map((td) => td.textContent);
    expect(cells).toEqual(['Fodbehandling', '1.234', '1.234,50 kr.', '0,00 kr.']);
    expect(screen.getByTestId('report.clients').textContent).toBe('Oplysninger om 1 klient');
    expect(screen.getByTestId('report.period').textContent).toBe('1. januar 2026 – 30. juni 2026');

    await fireEvent.click(screen.getAllByTestId('reports.item')[0]!);
    await waitFor(() => expect(texts('report.header')[3]).toBe('Status'));
    const statuses = screen.getAllByTestId('report.row').map((r) => r.querySelectorAll('td')[3]!.textContent);
    expect(statuses).toEqual(['Udeblevet', 'Aflyst']);
    expect(screen.getAllByTestId('report.row')[0]!.querySelectorAll('td')[0]!.textContent).toBe('3. februar 2026');
  });

  it('runs chosen days, and saves that same run as CSV and PDF, showing where', async () => {
    const { calls } = setup();
    await fireEvent.click((await screen.findAllByTestId('reports.item'))[0]!);
    await screen.findByTestId('report.table');
    await typeDay('report.from', '2026-03-01');
    await typeDay('report.to', '2026-03-31');
    await fireEvent.click(screen.getByTestId('report.run'));
    await waitFor(() => expect(last(calls, 'run_report')).toEqual({ reportId: 'r-1', fromDay: '2026-03-01', toDay: '2026-03-31' }));

    await fireEvent.click(screen.getByTestId('report.csv'));
    expect((await screen.findByTestId('report.saved-path')).textContent).toBe('/home/ida/Klinik/report.csv');
    expect(last(calls, 'save_report_file')).toEqual({ reportId: 'r-1', fromDay: '2026-03-01', toDay: '2026-03-31', format: 'csv' });
    await fireEvent.click(screen.getByTestId('report.pdf'));
    await waitFor(() => expect(screen.getByTestId('report.saved-path').textContent).toBe('/home/ida/Klinik/report.pdf'));
    expect(last(calls, 'save_report_file')).toMatchObject({ format: 'pdf', fromDay: '2026-03-01' });
  });

  it('refuses a period running backwards without asking the core', async () => {
    const { calls } = setup();
    await fireEvent.click((await screen.findAllByTestId('reports.item'))[0]!);
    await screen.findByTestId('report.table');
    await typeDay('report.from', '2026-03-31');
    await typeDay('report.to', '2026-03-01');
    const runs = calls.filter((c) => c.cmd === 'run_report').length;
    await fireEvent.click(screen.getByTestId('report.run'));
    expect(screen.getByTestId('report.error').textContent).toBe('Enter the first and the last day; the last day cannot be before the first.');
    expect(calls.filter((c) => c.cmd === 'run_report')).toHaveLength(runs);
  });

  it('says when a run has no rows, and prints the report on its own', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    setup(OWNER, (cmd) => (cmd === 'run_report' ? { ...MISSED, rows: [], clients: 0 } : undefined));
    await fireEvent.click((await screen.findAllByTestId('reports.item'))[0]!);
    expect((await screen.findByTestId('report.empty')).textContent).toBe('Nothing to show for this period.');
    expect(screen.queryByTestId('report.table')).toBeNull();
    expect(screen.getByTestId('report.clients').textContent).toBe('Data about 0 clients');
    cleanup();

    setup();
    await fireEvent.click((await screen.findAllByTestId('reports.item'))[0]!);
    await screen.findByTestId('report.table');
    await fireEvent.click(screen.getByTestId('report.print'));
    await waitFor(() => expect(print).toHaveBeenCalled());
    const printed = document.querySelector('.report-print')!;
    expect(printed.textContent).toContain('Missed appointments');
    expect(printed.textContent).toContain('1 February 2026 – 28 February 2026');
    expect(printed.querySelectorAll('tbody tr')).toHaveLength(2);
    // Everything else on the page is marked not to print.
    expect(document.querySelector('.report-view')!.classList.contains('no-print')).toBe(true);
    expect(document.querySelector('.report-list')!.classList.contains('no-print')).toBe(true);
    print.mockRestore();
  });

  it('shows the core’s refusal in words', async () => {
    setup({ ...OWNER, isAdmin: false, isOwner: false }, (cmd) => {
      if (cmd === 'my_reports') throw { code: 'denied', message: 'no reports right', detail: null };
    });
    expect((await screen.findByTestId('reports.error')).textContent).toBe('You do not have access to this.');
  });
});

describe('managing the reports', () => {
  it('is offered to administrators only', async () => {
    setup({ ...OWNER, isAdmin: false, isOwner: false });
    await screen.findAllByTestId('reports.item');
    expect(screen.queryByTestId('reports.manage')).toBeNull();
    cleanup();
    setup();
    await screen.findAllByTestId('reports.item');
    expect(screen.getByTestId('reports.manage')).toBeTruthy();
  });

  it('lists every report, retires one and brings one back', async () => {
    const { calls } = setup();
    await fireEvent.click(await screen.findByTestId('reports.manage'));
    const rows = await screen.findAllByTestId('reports.definition');
    expect(rows.map((r) => r.dataset.reportId)).toEqual(['r-1', 'r-2', 'r-3']);
    expect(rows[0]!.textContent).toContain('Owner, Administrator, Reception');
    expect(rows[2]!.dataset.active).toBe('false');
    expect(within(rows[2]!).getByTestId('reports.retire').textContent).toBe('Bring back');

    await fireEvent.click(within(rows[0]!).getByTestId('reports.retire'));
    await waitFor(() => expect(last(calls, 'set_report_active')).toEqual({ reportId: 'r-1', active: false }));
    await waitFor(() => expect(screen.getAllByTestId('reports.definition')[0]!.dataset.active).toBe('false'));
    expect(screen.getByTestId('reports.notice').textContent).toBe('Missed appointments is retired: it is no longer on anyone’s My page.');

    await fireEvent.click(within(screen.getAllByTestId('reports.definition')[2]!).getByTestId('reports.retire'));
    await waitFor(() => expect(last(calls, 'set_report_active')).toEqual({ reportId: 'r-3', active: true }));

    // Back on My page, the list follows.
    await fireEvent.click(screen.getByTestId('reports.back'));
    await waitFor(() => expect(screen.getAllByTestId('reports.item').map((i) => i.dataset.reportId)).toEqual(['r-2', 'r-3']));
  });

  it('makes a report with the columns chosen, in the order chosen', async () => {
    const { calls } = setup();
    await fireEvent.click(await screen.findByTestId('reports.manage'));
    await fireEvent.click(await screen.findByTestId('reports.new'));
    await fireEvent.input(screen.getByTestId('reportEdit.name'), { target: { value: 'Who missed' } });
    await fireEvent.change(screen.getByTestId('reportEdit.preset'), { target: { value: 'noShows' } });
    // Another preset starts with all of its columns, in its order.
    const boxes = () => screen.getAllByTestId('reportEdit.column') as HTMLInputElement[];
    expect(boxes().map((b) => [b.dataset.key, b.checked])).toEqual([
      ['date', true], ['time', true], ['client', true], ['practitioner', true], ['status', true], ['late', true],
    ]);
    for (const key of ['time', 'practitioner', 'late']) await fireEvent.click(boxes().find((b) => b.dataset.key === key)!);
    // Client first, then status, date last.
    await fireEvent.click(screen.getByRole('button', { name: 'Move Client up' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Move Date down' }));
    await fireEvent.click(boxes().find((b) => b.dataset.key === 'late')!);

    await fireEvent.change(screen.getByTestId('reportEdit.period'), { target: { value: 'fixed' } });
    await typeDay('reportEdit.from', '2026-01-01');
    await typeDay('reportEdit.to', '2026-03-31');
    const roles = screen.getAllByTestId('reportEdit.role') as HTMLInputElement[];
    expect(roles.map((r) => [r.dataset.role, r.checked])).toEqual([['owner', true], ['admin', true], ['practitioner', false], ['reception', false]]);
    await fireEvent.click(roles.find((r) => r.dataset.role === 'reception')!);
    await fireEvent.click(roles.find((r) => r.dataset.role === 'admin')!);
    // Relatives see it too (each only their own client's rows).
    const relatives = screen.getByTestId('reportEdit.relatives') as HTMLInputElement;
    expect(relatives.checked).toBe(false);
    await fireEvent.click(relatives);

    await fireEvent.click(screen.getByTestId('reportEdit.save'));
    await waitFor(() =>
      expect(last(calls, 'save_report')).toEqual({
        reportId: null,
        input: {
          name: 'Who missed',
          preset: 'noShows',
          columns: ['client', 'status', 'date', 'late'],
          period: 'fixed',
          fixedFrom: '2026-01-01',
          fixedTo: '2026-03-31',
          visibleTo: ['owner', 'reception'],
          forRelatives: true,
        },
      }),
    );
    expect(screen.queryByTestId('reportEdit.name')).toBeNull();
    expect(screen.getByTestId('reports.notice').textContent).toBe('Who missed is saved.');
    await waitFor(() => expect(screen.getAllByTestId('reports.definition')).toHaveLength(4));
    expect(screen.getAllByTestId('reports.definition')[3]!.textContent).toContain('Owner, Reception, Relatives');
  });

  it('changes a report, asks for a column, and shows the core’s refusal translated', async () => {
    const { calls } = setup(OWNER, (cmd) => {
      if (cmd === 'save_report') throw { code: 'invalid', message: 'a fixed period runs forwards', detail: null };
    });
    await fireEvent.click(await screen.findByTestId('reports.manage'));
    const rows = await screen.findAllByTestId('reports.definition');
    await fireEvent.click(within(rows[1]!).getByTestId('reports.edit'));
    expect((screen.getByTestId('reportEdit.name') as HTMLInputElement).value).toBe('Revenue 2026');
    expect((screen.getByTestId('reportEdit.period') as HTMLSelectElement).value).toBe('fixed');
    expect((screen.getByTestId('reportEdit.from') as HTMLInputElement).value).toBe('01/01/2026');

    for (const box of screen.getAllByTestId('reportEdit.column')) await fireEvent.click(box);
    await fireEvent.click(screen.getByTestId('reportEdit.save'));
    expect(screen.getByTestId('reportEdit.error').textContent).toBe('Choose at least one column.');
    expect(calls.some((c) => c.cmd === 'save_report')).toBe(false);

    await fireEvent.click(screen.getAllByTestId('reportEdit.column')[2]!);
    await fireEvent.change(screen.getByTestId('reportEdit.period'), { target: { value: 'thisYear' } });
    await fireEvent.click(screen.getByTestId('reportEdit.save'));
    expect((await screen.findByTestId('reportEdit.error')).textContent).not.toBe('Choose at least one column.');
    await waitFor(() => expect(screen.getByTestId('reportEdit.error').textContent).toBe('Please check what you entered.'));
    expect(last(calls, 'save_report')).toEqual({
      reportId: 'r-2',
      input: { name: 'Revenue 2026', preset: 'revenueByService', columns: ['amount'], period: 'thisYear', fixedFrom: null, fixedTo: null, visibleTo: ['owner'], forRelatives: false },
    });
  });
});

// axe-core (the engine of the e2e suite's accessibility pass) over the screen and its
// dialog as rendered here; jsdom lays nothing out, so colour contrast is left to the e2e pass.
async function problems(name: string): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations.map((v) => `[${name}] ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 100)).join(' | ')}`);
}

describe('My page’s accessibility', () => {
  it('has no WCAG 2.1 A/AA problem axe can find without layout, on the list, a report, the managing or the editor', async () => {
    setup();
    await screen.findAllByTestId('reports.item');
    const found = await problems('list');
    await fireEvent.click(screen.getAllByTestId('reports.item')[0]!);
    await screen.findByTestId('report.table');
    await fireEvent.click(screen.getByTestId('report.csv'));
    await screen.findByTestId('report.saved-path');
    found.push(...(await problems('report')));
    await fireEvent.click(screen.getByTestId('reports.manage'));
    await screen.findAllByTestId('reports.definition');
    found.push(...(await problems('manage')));
    await fireEvent.click(screen.getByTestId('reports.new'));
    await fireEvent.change(screen.getByTestId('reportEdit.period'), { target: { value: 'fixed' } });
    await fireEvent.click(screen.getByTestId('reportEdit.save'));
    found.push(...(await problems('editor')));
    expect(found).toEqual([]);
  });
});
