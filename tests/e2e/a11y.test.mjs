// An automated accessibility pass (axe-core, WCAG 2.1 A and AA) over each screen of the
// real window, in Danish: no serious or critical violation on the login screen, the
// client list and a client with its journal, the calendar, the audit trail, the log
// review, staff, templates and one's own account. A failure lists the rule and elements.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessibilityProblems, demoClinic, startDriver, tid, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4490, { KLINIK_EXPORT_DIR: mkdtempSync(join(tmpdir(), 'klinik-e2e-a11y-')) });
});
after(() => driver?.stop());

test('every screen passes the accessibility check', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-a11y-', 4);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  const problems = [];
  const check = async (screen) => {
    for (const p of await accessibilityProblems(win)) problems.push(`[${screen}] ${p}`);
  };
  try {
    await win.waitFor(tid('login.email'));
    await check('login');
    await win.login('mette@fjordklinik.example', 'blå-hest-i-fjorden-42');
    await win.waitFor(tid('nav.me'));
    const screens = [
      ['nav.clients', 'clients.row', 'clients'],
      ['nav.audit', 'audit.row', 'audit'],
      ['nav.review', 'review.title', 'log review'],
      ['nav.staff', 'staff.row', 'staff'],
      ['nav.templates', 'templates.row', 'templates'],
      ['nav.invoices', 'invoices', 'invoices'],
      ['nav.account', 'nav.me', 'account'],
    ];
    if ((await win.findAll(tid('nav.calendar'))).length > 0) {
      screens.unshift(['nav.calendar', 'calendar.today', 'calendar']);
    }
    for (const [nav, ready, name] of screens) {
      await win.click(tid(nav));
      await win.waitFor(tid(ready));
      await check(name);
    }
    // A client's page with the journal open (the owner works personally: no PIN needed).
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));
    await check('client and journal');
    assert.deepEqual(problems, [], `accessibility problems:\n${problems.join('\n')}`);
  } finally {
    await win.quit();
  }
});
