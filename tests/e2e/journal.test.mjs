// A clinician's journal flow on the real window: open a client → write an entry from a
// template (it saves as you type) → sign with the password → add an addendum → find it
// with full-text search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Window, tid } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4445 + 10);
});
after(() => driver?.stop());

async function until(what, check, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    assert.ok(Date.now() < end, `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('write from a template, sign, add an addendum and find it again', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-journal-')), 'clinic');
  execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '3', '--key-store', 'keyring']);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.type(tid('login.email'), OWNER.email);
    await win.type(tid('login.password'), OWNER.password);
    await win.click(tid('login.submit'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));

    // A SOAP note from the Danish starter template.
    const readOptions = () =>
      win.exec(
        `return [...document.querySelectorAll('[data-testid="journal.template"] option')].map(o => [o.value, o.textContent]);`,
      );
    await until('the templates are offered', async () => (await readOptions()).length > 1);
    const options = await readOptions();
    const soap = options.find(([, name]) => name === 'SOAP-notat');
    assert.ok(soap, `templates offered: ${JSON.stringify(options)}`);
    await win.select(tid('journal.template'), soap[0]);
    await win.click(tid('journal.new'));
    await win.waitFor(tid('journal.entry.body'));
    const prefilled = await win.exec(`return document.querySelector('[data-testid="journal.entry.body"]').value;`);
    assert.match(prefilled, /^Subjektivt:/);
    const note = 'Subjektivt: ondt i venstre achillessene efter løb.\nPlan: excentriske øvelser <b>dagligt</b>.';
    await win.type(tid('journal.entry.body'), note);
    await until('the draft is saved', async () => (await win.attr(tid('journal.entry.saveState'), 'data-state')) === 'saved');

    await win.type(tid('journal.entry.password'), 'wrong password');
    await win.click(tid('journal.entry.sign'));
    await win.waitFor(tid('journal.error'));
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await until('the entry is signed', async () =>
      (await win.attrs(tid('journal.entry'), 'data-signed')).includes('true'),
    );
    const text = await win.text(tid('journal.entry.text'));
    assert.ok(text.includes('<b>dagligt</b>'), 'markup typed by a person is shown as text');

    // A correction is an addendum; the original stays as signed.
    await win.click(tid('journal.entry.addendum'));
    await win.type(tid('journal.entry.body'), 'Tillæg: det er højre achillessene.');
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await until('the addendum is signed', async () =>
      (await win.attrs(tid('journal.addendum'), 'data-signed')).includes('true'),
    );
    assert.ok((await win.text(tid('journal.entry.text'))).includes('venstre achillessene'));

    // Full-text search finds the signed entry.
    await win.click(tid('client.back'));
    await win.type(tid('journal.search'), 'achilles');
    await win.click(tid('journal.search.submit'));
    const hit = await win.text(tid('journal.search.hit'));
    assert.match(hit, /achillessene/);
  } finally {
    await win.quit();
  }
});
