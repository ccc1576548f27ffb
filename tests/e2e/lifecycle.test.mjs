// The end of a client's record on the real window (issue "A client's whole life"): the
// owner signs in to the demo clinic and is reminded that a client is past the retention
// period (Karla, not seen for six years); the cleanup proposes her with why, the owner
// picks her, reads that backups still hold her until rotated out, confirms with the
// password, and she is gone from every list. An erasure request for a client with issued
// invoices removes the contact details and keeps the rest under the bookkeeping rule, with
// the day it may go, and the letter is saved as a PDF that says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClinic, invoke, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const FORMER = 'Karla Gammelgaard';
let driver;
let exports;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exports = mkdtempSync(join(tmpdir(), 'klinik-e2e-lifecycle-exports-'));
  driver = await startDriver(4499, { KLINIK_EXPORT_DIR: exports });
});
after(() => driver?.stop());


test('a cleanup erases the client past retention; an erasure request keeps what bookkeeping needs and says until when', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-lifecycle-', 4);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const former = (await invoke(win, 'list_clients', { query: 'Karla' })).find((c) => c.name === FORMER);
    assert.ok(former, 'the demo has a client from six years ago');

    // ---- the reminder, the proposal, the confirmation ----------------------------------
    await win.waitFor(tid('cleanup.reminder'));
    await win.click(tid('cleanup.reminderOpen'));
    await win.click(tid('cleanup.run'));
    await win.waitFor(`[data-testid="cleanup.row"][data-client-id="${former.id}"]`);
    const why = await win.text(`[data-testid="cleanup.row"][data-client-id="${former.id}"]`);
    assert.ok(why.includes(FORMER), why);
    const warning = await win.text(tid('cleanup.warning'));
    assert.ok(/backup/i.test(warning), `the confirmation speaks of backups: ${warning}`);
    await win.click(`[data-testid="cleanup.row"][data-client-id="${former.id}"] [data-testid="cleanup.pick"]`);
    await win.type(tid('cleanup.password'), OWNER.password);
    await win.click(tid('cleanup.confirm'));
    await win.waitFor(tid('cleanup.summary'));
    const after = await invoke(win, 'list_clients', { query: 'Karla' });
    assert.ok(!after.some((c) => c.name === FORMER), 'she is in no list');
    assert.equal((await invoke(win, 'get_client', { id: former.id })).code, 'notFound');
    assert.equal((await win.findAll(`[data-testid="cleanup.row"][data-client-id="${former.id}"]`)).length, 0);

    // ---- an erasure request for a client with issued invoices --------------------------
    const invoices = await invoke(win, 'list_invoices', { show: 'all', clientId: null });
    const invoiced = invoices.find((i) => i.issued && i.kind === 'invoice');
    assert.ok(invoiced, 'the demo has issued invoices');
    await win.click(tid('nav.clients'));
    await win.type(tid('clients.search'), invoiced.clientName.split(' ')[0]);
    await win.click(`[data-testid="clients.row"][data-client-id="${invoiced.clientId}"]`);
    await win.waitForText(tid('client.detail.name'), (t) => t.includes(invoiced.clientName));
    await win.click(tid('client.erase'));
    await win.type(tid('erase.password'), OWNER.password);
    await win.click(tid('erase.confirm'));
    const outcome = await win.waitForText(tid('erase.outcome'), (t) => /\d{4}-\d{2}-\d{2}/.test(t));
    const kept = await invoke(win, 'get_client', { id: invoiced.clientId });
    assert.equal(kept.name, invoiced.clientName, 'the name stays with the invoices');
    assert.equal(kept.phone, '', 'the phone number went');
    await win.click(tid('erase.letter'));
    const path = (await win.waitForText(tid('erase.letterPath'), (t) => t.includes('/'))).trim();
    const text = execFileSync('pdftotext', [path, '-']).toString();
    const until = outcome.match(/\d{4}-\d{2}-\d{2}/)[0];
    assert.ok(text.includes(until) && text.includes('bogføringsloven'), text);
  } finally {
    await win.quit();
  }
});
