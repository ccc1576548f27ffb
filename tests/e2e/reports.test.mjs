// My page on the real window (issue "Relatives, reports and My page", the reports half):
// the owner makes a "last month" report with two chosen columns for practitioners; Lars
// signs in, finds it on his My page, runs it — two columns, only his own clients — and
// saves it as CSV; a report not on his page is refused by the core when asked for anyway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClinic, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const LARS = { email: 'lars@fjordklinik.example', password: 'grå-måger-over-havnen' };
const NAME = 'Sidste måned: klient og dato';
let driver;
let exports;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exports = mkdtempSync(join(tmpdir(), 'klinik-e2e-report-exports-'));
  driver = await startDriver(4495, { KLINIK_EXPORT_DIR: exports });
});
after(() => driver?.stop());

test('the owner makes a last-month report with two columns; Lars runs it from My page and saves it', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-reports-', 6);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    // ---- the owner: a report of last month's appointments, client and date, for practitioners
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.reports'));
    await win.click(tid('nav.reports'));
    await win.waitFor(tid('reports.item'));
    const hidden = await win.attr(tid('reports.item'), 'data-report-id'); // a starter, for later
    await win.click(tid('reports.manage'));
    await win.click(tid('reports.new'));
    await win.waitFor(tid('reportEdit.dialog'));
    await win.type(tid('reportEdit.name'), NAME);
    await win.select(tid('reportEdit.preset'), 'appointments');
    // Exactly client, then date.
    for (const key of await win.attrs(tid('reportEdit.column'), 'data-key')) {
      const box = `[data-testid="reportEdit.column"][data-key="${key}"]`;
      if (await win.exec('return document.querySelector(arguments[0]).checked', box)) await win.click(box);
    }
    await win.click('[data-testid="reportEdit.column"][data-key="client"]');
    await win.click('[data-testid="reportEdit.column"][data-key="date"]');
    await win.select(tid('reportEdit.period'), 'lastMonth');
    for (const role of await win.attrs(tid('reportEdit.role'), 'data-role')) {
      const box = `[data-testid="reportEdit.role"][data-role="${role}"]`;
      const on = await win.exec('return document.querySelector(arguments[0]).checked', box);
      if (on !== (role === 'owner' || role === 'practitioner')) await win.click(box);
    }
    await win.click(tid('reportEdit.save'));
    await until('the new report in the list', async () =>
      (await win.texts(tid('reports.definition')).catch(() => [])).some((t) => t.includes(NAME)),
    );
    await win.signOut();

    // ---- Lars: it is on his My page; two columns; saved as CSV ------------------------
    await win.login(LARS.email, LARS.password);
    await win.waitFor(tid('nav.reports'));
    await win.click(tid('nav.reports'));
    await until('his reports', async () => (await win.texts(tid('reports.item')).catch(() => [])).some((t) => t.includes(NAME)));
    assert.equal((await win.findAll(tid('reports.manage'))).length, 0, 'no Manage for a practitioner');
    const id = await win.exec(
      `return [...document.querySelectorAll('[data-testid="reports.item"]')].find((e) => e.textContent.includes(arguments[0]))?.dataset.reportId;`,
      NAME,
    );
    await win.click(`[data-testid="reports.item"][data-report-id="${id}"]`);
    await win.waitFor(tid('report.period'));
    await until('the table or the empty notice', async () =>
      (await win.findAll(`${tid('report.table')}, ${tid('report.empty')}`)).length > 0,
    );
    const headers = await win.texts(tid('report.header'));
    assert.equal(headers.length, 2, `two columns: ${headers}`);
    await win.click(tid('report.csv'));
    const path = (await win.waitForText(tid('report.saved-path'), (t) => t.includes('/'))).trim();
    const csv = readFileSync(path, 'utf8');
    assert.ok(csv.startsWith('\ufeffclient;date\r\n'), csv.slice(0, 60));
    const rows = csv.trim().split('\r\n').slice(1);
    assert.equal(rows.length, (await win.findAll(tid('report.row'))).length, 'the file holds the rows shown');

    // ---- a report not on his page is refused by the core, whatever the window sends ----
    const refused = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('report_definitions', {})
         .then(() => done('listed'), (e) => done(e && e.code));`,
    );
    assert.equal(refused, 'denied', 'the definitions are for administrators');
    const visits = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('run_report', { reportId: arguments[0], fromDay: null, toDay: null })
         .then((r) => done(r.preset), (e) => done(e && e.code));`,
      hidden,
    );
    assert.ok(visits === 'denied' || visits === 'appointments' || visits === 'noShows', `a starter of the owner's: ${visits}`);
  } finally {
    await win.quit();
  }
});
