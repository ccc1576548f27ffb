import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Client, ImportReport, Mapping, Me, Preview } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { OWNER, withSession } from '../testing';
import Clients from './Clients.svelte';

// Ida, the owner, an administrator; only the clients feature.
const ADMIN: Me = { ...OWNER, features: ['clients'] };
const PRACTITIONER: Me = { ...ADMIN, isOwner: false, isAdmin: false, canViewAudit: false };

const EVA: Client = {
  id: 'k1', name: 'Eva Dahl', phone: '+45 20 30 40 50', email: 'eva@example.dk', createdAt: '2020-01-02T08:00:00Z', updatedAt: '2025-03-01T08:00:00Z',
  birthDate: null, address: 'Fjordvej 1', receptionNote: '', active: true, nationalIdMasked: null,
};

// The previous system's export: Danish headings, semicolons, Windows-1252; the last
// column (the old system's customer number) is not guessed.
const CSV = 'Navn;Telefon;Fødselsdato;Kundenr\nSøren Ø;20304050;31-12-1980;7\nMette Bø;;31-02-1990;8\nPer Lund;40506070;;9\n';
const PREVIEW: Preview = {
  columns: ['Navn', 'Telefon', 'Fødselsdato', 'Kundenr'],
  rows: [
    ['Søren Ø', '20304050', '31-12-1980', '7'],
    ['Mette Bø', '', '31-02-1990', '8'],
    ['Per Lund', '40506070', '', '9'],
  ],
  encoding: 'windows-1252',
  separator: ';',
  suggested: [
    { field: 'name', column: 'Navn' },
    { field: 'phone', column: 'Telefon' },
    { field: 'birthDate', column: 'Fødselsdato' },
  ],
  totalRows: 3,
};

const REFUSED: ImportReport = {
  dryRun: true,
  rows: 3,
  imported: 0,
  refused: [{ row: 3, reason: 'birth date "31-02-1990" is not a date' }],
};
const CLEAN: ImportReport = { dryRun: true, rows: 3, imported: 0, refused: [] };
const DONE: ImportReport = { dryRun: false, rows: 3, imported: 3, refused: [] };

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

/** The core's answer to a dry run, by the columns it is given. */
type Checker = (mapping: Mapping[]) => ImportReport;

function setup({ me = ADMIN, check = (() => REFUSED) as Checker, real = DONE, preview = PREVIEW as Preview | { code: string } } = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_clients':
        return [EVA];
      case 'import_preview':
        if ('code' in preview) throw { ...preview, detail: null };
        return preview;
      case 'import_clients':
        return a.dryRun ? check(a.mapping as Mapping[]) : real;
    }
    return null;
  });
  render(Clients, { context: withSession({ me }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;
const selects = () => screen.getAllByTestId('import.map') as HTMLSelectElement[];
const select = (column: string) => selects().find((s) => s.dataset.column === column)!;

async function openImport() {
  await screen.findByTestId('clients.row');
  await fireEvent.click(screen.getByTestId('clients.import'));
}

async function chooseFile(file: File = new File([CSV], 'kunder.csv', { type: 'text/csv' })) {
  const input = screen.getByTestId('import.file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await fireEvent.change(input);
}

async function preview() {
  await openImport();
  await chooseFile();
  await screen.findByTestId('import.preview');
}

async function dryRun() {
  await fireEvent.click(screen.getByTestId('import.dryRun'));
  return screen.findByTestId('import.report');
}

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('importing clients from a file', () => {
  it('is offered to administrators only', async () => {
    setup({ me: PRACTITIONER });
    await screen.findByTestId('clients.row');
    expect(screen.queryByTestId('clients.import')).toBeNull();
    cleanup();
    setup();
    await screen.findByTestId('clients.row');
    expect(screen.getByTestId('clients.import').textContent).toBe('Import clients…');
  });

  it('explains all or nothing, reads the file as base64 and preselects the suggested columns', async () => {
    const { calls } = setup();
    await openImport();
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Import clients from a file');
    expect(dialog.textContent).toContain('The import is all or nothing.');
    expect(dialog.textContent).toContain('As long as a single row is refused, no client is imported');
    expect((screen.getByTestId('import.file') as HTMLInputElement).accept).toBe('.csv,.txt');
    // Nothing to check before a file is read.
    expect(screen.queryByTestId('import.dryRun')).toBeNull();

    await chooseFile();
    const table = await screen.findByTestId('import.preview');
    expect(of(calls, 'import_preview')).toEqual([{ base64: Buffer.from(CSV, 'utf8').toString('base64') }]);
    expect(screen.getByTestId('import.format').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Read as Windows-1252, with the columns separated by semicolons (;). The file holds 3 client rows.',
    );
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(PREVIEW.columns);
    expect([...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))).toEqual(PREVIEW.rows);

    expect(selects().map((s) => [s.dataset.column, s.value])).toEqual([
      ['Navn', 'name'],
      ['Telefon', 'phone'],
      ['Fødselsdato', 'birthDate'],
      ['Kundenr', ''],
    ]);
    // "Not imported" and the nine fields, translated; each select named by its column.
    expect([...select('Kundenr').options].map((o) => o.textContent)).toEqual([
      'Not imported', 'Full name', 'First name', 'Last name', 'Phone', 'Email', 'Birth date', 'Address', 'National ID', 'Reception note',
    ]);
    expect(select('Navn').closest('label')?.textContent?.trim()).toContain('What the column “Navn” holds');
    expect(button('import.go').disabled).toBe(true);
    expect(button('import.dryRun').disabled).toBe(false);
  });

  it('lists the refused rows after a check, in the core’s words, and keeps Import disabled', async () => {
    const { calls } = setup();
    await preview();
    const report = await dryRun();
    expect(of(calls, 'import_clients')).toEqual([
      {
        base64: Buffer.from(CSV, 'utf8').toString('base64'),
        mapping: PREVIEW.suggested,
        dryRun: true,
      },
    ]);
    expect(report.querySelector('p')?.textContent?.trim()).toBe('3 rows: 2 would be imported, 1 refused.');
    expect(screen.getByTestId('import.refused').tagName).toBe('UL');
    expect(screen.getAllByTestId('import.refusal').map((li) => li.textContent)).toEqual(['Row 3: birth date "31-02-1990" is not a date']);
    expect(report.textContent).toContain('Nothing is imported while these rows are refused.');
    expect(button('import.go').disabled).toBe(true);
    await waitFor(() => expect(document.activeElement).toBe(report));
  });

  it('enables Import after a clean check, disables it again when a column changes, and imports', async () => {
    const { calls } = setup({ check: () => CLEAN });
    await preview();
    const report = await dryRun();
    expect(report.querySelector('p')?.textContent?.trim()).toBe('3 rows: 3 would be imported, 0 refused.');
    expect(screen.queryByTestId('import.refusal')).toBeNull();
    expect(button('import.go').disabled).toBe(false);

    // Another column for the customer number: the check no longer holds.
    await fireEvent.change(select('Kundenr'), { target: { value: 'note' } });
    expect(button('import.go').disabled).toBe(true);
    expect(screen.queryByTestId('import.report')).toBeNull();
    // Back as it was checked: the check holds again.
    await fireEvent.change(select('Kundenr'), { target: { value: '' } });
    expect(button('import.go').disabled).toBe(false);
    await fireEvent.change(select('Kundenr'), { target: { value: 'note' } });
    await dryRun();
    expect(of(calls, 'import_clients').at(-1)).toEqual({
      base64: Buffer.from(CSV, 'utf8').toString('base64'),
      mapping: [...PREVIEW.suggested, { field: 'note', column: 'Kundenr' }],
      dryRun: true,
    });
    expect(button('import.go').disabled).toBe(false);

    const listsBefore = of(calls, 'list_clients').length;
    await fireEvent.click(screen.getByTestId('import.go'));
    const done = await screen.findByTestId('import.done');
    expect(done.textContent).toBe('3 clients imported.');
    expect(of(calls, 'import_clients').at(-1)).toEqual({
      base64: Buffer.from(CSV, 'utf8').toString('base64'),
      mapping: [...PREVIEW.suggested, { field: 'note', column: 'Kundenr' }],
      dryRun: false,
    });
    await waitFor(() => expect(of(calls, 'list_clients').length).toBeGreaterThan(listsBefore));
    await fireEvent.click(screen.getByTestId('import.close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says nothing was imported when the import refuses rows after a clean check, and asks for a new check', async () => {
    const late: ImportReport = { dryRun: false, rows: 3, imported: 0, refused: [{ row: 4, reason: 'duplicate: the clinic already has this client' }] };
    const { calls } = setup({ check: () => CLEAN, real: late });
    await preview();
    await dryRun();
    const listsBefore = of(calls, 'list_clients').length;
    await fireEvent.click(screen.getByTestId('import.go'));
    await waitFor(() => expect(screen.getByTestId('import.report').textContent).toContain('Nothing was imported'));
    expect(screen.getAllByTestId('import.refusal').map((li) => li.textContent)).toEqual(['Row 4: duplicate: the clinic already has this client']);
    expect(screen.queryByTestId('import.done')).toBeNull();
    expect(button('import.go').disabled).toBe(true);
    expect(of(calls, 'list_clients')).toHaveLength(listsBefore);
  });

  it('lists the first 200 refused rows and counts the rest', async () => {
    const refused = Array.from({ length: 203 }, (_, i) => ({ row: i + 2, reason: 'name is required' }));
    setup({ check: () => ({ dryRun: true, rows: 203, imported: 0, refused }) });
    await preview();
    const report = await dryRun();
    expect(report.querySelector('p')?.textContent?.trim()).toBe('203 rows: 0 would be imported, 203 refused.');
    expect(screen.getAllByTestId('import.refusal')).toHaveLength(200);
    expect(screen.getByTestId('import.more').textContent).toBe('And 3 more refused rows.');
  });

  it('asks for a new check when another file is chosen', async () => {
    setup({ check: () => CLEAN });
    await preview();
    await dryRun();
    expect(button('import.go').disabled).toBe(false);
    await chooseFile(new File([CSV], 'kunder2.csv'));
    await waitFor(() => expect(screen.queryByTestId('import.report')).toBeNull());
    await screen.findByTestId('import.preview');
    expect(button('import.go').disabled).toBe(true);
  });

  it('says what the columns lack before the check: the name, a field chosen twice, national IDs', async () => {
    const { calls } = setup();
    await preview();
    await fireEvent.change(select('Navn'), { target: { value: '' } });
    expect(screen.getByTestId('import.problems').textContent).toContain('Choose the column with the name, or the columns with the first and last name.');
    expect(button('import.dryRun').disabled).toBe(true);
    await fireEvent.change(select('Navn'), { target: { value: 'phone' } });
    expect(screen.getByTestId('import.problems').textContent).toContain('“Phone” is chosen for more than one column');
    await fireEvent.change(select('Navn'), { target: { value: 'name' } });
    await fireEvent.change(select('Kundenr'), { target: { value: 'nationalId' } });
    expect(screen.getByTestId('import.problems').textContent).toContain('This clinic does not keep national IDs');
    expect(button('import.dryRun').disabled).toBe(true);
    await fireEvent.change(select('Kundenr'), { target: { value: '' } });
    expect(screen.queryByTestId('import.problems')).toBeNull();
    expect(button('import.dryRun').disabled).toBe(false);
    expect(of(calls, 'import_clients')).toEqual([]);
  });

  it('refuses a file over 50 MB in the window, and says when a file cannot be read', async () => {
    const { calls } = setup();
    await openImport();
    const big = new File(['x'], 'alle.csv');
    Object.defineProperty(big, 'size', { value: 50 * 1024 * 1024 + 1 });
    await chooseFile(big);
    expect(screen.getByTestId('import.error').textContent).toBe('The file is larger than 50 MB. Split it into smaller files and import them one at a time.');
    expect(of(calls, 'import_preview')).toEqual([]);
    cleanup();

    setup({ preview: { code: 'invalid' } });
    await openImport();
    await chooseFile();
    expect((await screen.findByTestId('import.error')).textContent).toContain('Klinik cannot read clients from this file.');
    expect(screen.queryByTestId('import.preview')).toBeNull();
  });

  it('says the rows and the report in the UI language, the reasons as the core gives them', async () => {
    setLanguage('da');
    setup();
    await preview();
    expect(screen.getByTestId('import.format').textContent).toContain('Læst som Windows-1252, med kolonnerne adskilt af semikolon (;).');
    const report = await dryRun();
    expect(report.querySelector('p')?.textContent?.trim()).toBe('3 rækker: 2 ville blive importeret, 1 afvist.');
    expect(screen.getAllByTestId('import.refusal').map((li) => li.textContent)).toEqual(['Række 3: birth date "31-02-1990" is not a date']);
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, through the steps', async () => {
    setup({ check: () => REFUSED });
    await openImport();
    const rules = {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    };
    const problems = async () =>
      (await axe.run(screen.getByRole('dialog'), rules)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`);
    expect(await problems()).toEqual([]);
    await chooseFile();
    await screen.findByTestId('import.preview');
    expect(await problems()).toEqual([]);
    await dryRun();
    expect(await problems()).toEqual([]);
    await fireEvent.change(select('Navn'), { target: { value: '' } });
    expect(await problems()).toEqual([]);
  });
});
