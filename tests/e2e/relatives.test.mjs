// A relative on the real window (issue "Relatives, reports and My page"): the owner binds
// a second parent to the demo's child client (Emil) — his appointments, schedule and
// reports, nothing of the journal — and makes a "last month" report with two columns for
// relatives. The parent signs in with the one-time password, chooses their own, sees one
// client and no staff sections, prints a four-week schedule, runs the report (two columns,
// Emil's rows only) and cannot reach a journal, the record or the client list through any
// command the window could send.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoClinic, invoke, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const CHILD = 'Emil Vestergaard';
const PARENT = { name: 'Jonas Vestergaard', email: 'jonas@fjordklinik.example', password: 'far-kører-emil-til-fodbold-7' };
const REPORT = 'Sidste måned for pårørende';
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4497);
});
after(() => driver?.stop());


test('the owner binds a parent to one client; the parent sees that client, prints the schedule, runs a report and never reaches a journal', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-relatives-', 4);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    // ---- the owner binds Jonas to Emil ----------------------------------------------
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const child = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('list_clients', { query: arguments[0] }).then((l) => done(l.find((c) => c.name === arguments[0])?.id ?? null), () => done(null));`,
      CHILD,
    );
    assert.ok(child, 'the child client has an id');
    await win.click(tid('nav.clients'));
    await win.type(tid('clients.search'), 'Emil');
    await win.click(`[data-testid="clients.row"][data-client-id="${child}"]`);
    await win.waitForText(tid('client.detail.name'), (t) => t.includes(CHILD));
    await win.waitFor(tid('relatives.section'));
    await win.click(tid('relatives.add'));
    await win.type(tid('relatives.name'), PARENT.name);
    await win.type(tid('relatives.email'), PARENT.email);
    await win.select(tid('relatives.reason'), 'parent');
    for (const part of ['appointments', 'schedule', 'reports']) {
      if (!(await win.exec('return document.querySelector(arguments[0]).checked', tid(`relatives.${part}`)))) {
        await win.click(tid(`relatives.${part}`));
      }
    }
    await win.click(tid('relatives.save'));
    const otp = (await win.waitForText(tid('relatives.otp'), (t) => t.trim().length >= 16)).trim();
    await until('the binding listed', async () =>
      (await win.attrs(tid('relatives.row'), 'data-email').catch(() => [])).includes(PARENT.email),
    );

    // ---- a last-month report with two columns, for relatives -------------------------
    await win.click(tid('nav.reports'));
    await win.click(tid('reports.manage'));
    await win.click(tid('reports.new'));
    await win.waitFor(tid('reportEdit.dialog'));
    await win.type(tid('reportEdit.name'), REPORT);
    await win.select(tid('reportEdit.preset'), 'appointments');
    for (const key of await win.attrs(tid('reportEdit.column'), 'data-key')) {
      const box = `[data-testid="reportEdit.column"][data-key="${key}"]`;
      if (await win.exec('return document.querySelector(arguments[0]).checked', box)) await win.click(box);
    }
    await win.click('[data-testid="reportEdit.column"][data-key="date"]');
    await win.click('[data-testid="reportEdit.column"][data-key="service"]');
    await win.select(tid('reportEdit.period'), 'lastMonth');
    if (!(await win.exec('return document.querySelector(arguments[0]).checked', tid('reportEdit.relatives')))) {
      await win.click(tid('reportEdit.relatives'));
    }
    await win.click(tid('reportEdit.save'));
    await until('the report listed', async () =>
      (await win.texts(tid('reports.definition')).catch(() => [])).some((t) => t.includes(REPORT)),
    );
    await win.signOut();

    // ---- Jonas: his own password first, then his page with one client ----------------
    await win.login(PARENT.email, otp);
    await win.waitFor(tid('account.mustChange'));
    await win.type(tid('account.old'), otp);
    await win.type(tid('account.new'), PARENT.password);
    await win.type(tid('account.newRepeat'), PARENT.password);
    await win.click(tid('account.savePassword'));
    await win.waitFor(tid('relative.home'));
    assert.deepEqual(
      (await win.texts(tid('relative.client-name'))).map((t) => t.trim()),
      [CHILD],
      'one client on the page',
    );
    for (const section of ['nav.clients', 'nav.calendar', 'nav.invoices', 'nav.audit', 'nav.staff']) {
      assert.equal((await win.findAll(tid(section))).length, 0, `no ${section} for a relative`);
    }
    await until('his appointments', async () => (await win.findAll(tid('relative.appointment'))).length >= 2);

    // ---- the schedule of four weeks, printed (the print dialog replaced by a counter) --
    await win.exec(`window.__prints = 0; window.print = () => { window.__prints += 1; };`);
    await win.exec(
      `const i = document.querySelector(arguments[0]); i.value = '4'; i.dispatchEvent(new Event('input', { bubbles: true }));`,
      tid('relative.weeks'),
    );
    await win.click(tid('relative.show-schedule'));
    await win.waitFor(tid('relative.schedule'));
    assert.ok((await win.findAll(tid('relative.schedule-row'))).length >= 2, 'the coming weeks hold his appointments');
    await win.click(tid('relative.print'));
    await until('print was called', async () => (await win.exec('return window.__prints')) >= 1);

    // ---- My page: the last-month report, two columns, Emil's rows only ----------------
    await until('the report on his page', async () =>
      (await win.texts(tid('reports.item')).catch(() => [])).some((t) => t.includes(REPORT)),
    );
    const id = await win.exec(
      `return [...document.querySelectorAll('[data-testid="reports.item"]')].find((e) => e.textContent.includes(arguments[0]))?.dataset.reportId;`,
      REPORT,
    );
    await win.click(`[data-testid="reports.item"][data-report-id="${id}"]`);
    await win.waitFor(tid('report.table'));
    assert.equal((await win.texts(tid('report.header'))).length, 2, 'two columns');
    assert.ok((await win.findAll(tid('report.row'))).length >= 1, 'Emil had visits last month');
    assert.equal((await win.findAll(tid('reports.manage'))).length, 0, 'no Manage for a relative');

    // ---- no journal, record or other client through any command ----------------------
    assert.equal((await invoke(win, 'journal', { clientId: child }))?.code, 'denied');
    assert.equal((await invoke(win, 'get_client', { id: child }))?.code, 'denied');
    assert.equal((await invoke(win, 'list_clients', { query: '' }))?.code, 'denied');
    assert.equal((await invoke(win, 'search_journals', { query: 'Emil' }))?.code, 'denied');
    assert.equal((await invoke(win, 'list_attachments', { clientId: child }))?.code, 'denied');
    assert.equal((await invoke(win, 'reveal_national_id', { id: child }))?.code, 'denied');
    assert.equal((await invoke(win, 'list_staff', {}))?.code, 'denied');
    assert.ok(!(await invoke(win, 'relative_schedule', { clientId: child, weeks: 4 }))?.code, 'his own schedule');
    await win.signOut();

    // ---- the owner sees Jonas in Emil's access log ------------------------------------
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const seen = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('client_access_log', { id: arguments[0] })
         .then((l) => done(l.filter((e) => e.actorName === arguments[1]).map((e) => e.action + ':' + e.outcome)), (e) => done(e && e.code));`,
      child,
      PARENT.name,
    );
    for (const want of ['relative_home:ok', 'relative_schedule:ok', 'report_run:ok', 'journal_read:denied']) {
      assert.ok(seen.includes(want), `${want} in Emil's access log: ${seen}`);
    }
  } finally {
    await win.quit();
  }
});
