// An upgrade on the real window: the clinic Klinik 0.1.0 made (tests/fixtures/clinic-0.1.0,
// kept in passphrase mode) is opened by this build's window as an installed upgrade finds
// it — the passphrase, the owner's sign-in, the clients and a signed journal entry as they
// were — and this build's `klinik audit verify` agrees on the same folder afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const PASSPHRASE = 'kaffe-og-kanelsnegle-ved-vandet';
const FIXTURE = fileURLToPath(new URL('../fixtures/clinic-0.1.0/clinic/', import.meta.url));
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4507);
});
after(() => driver?.stop());

test('the window opens a clinic made by 0.1.0, and the command verifies it after', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-upgrade-')), 'clinic');
  mkdirSync(dataDir);
  for (const f of ['klinik.db', 'keyslots.json', 'anchor.json']) copyFileSync(join(FIXTURE, f), join(dataDir, f));
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.type(tid('unlock.passphrase'), PASSPHRASE);
    await win.click(tid('unlock.submit'));
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const clients = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('list_clients', { query: '' }).then((l) => done(l), (e) => done(e && e.code));`,
    );
    assert.ok(Array.isArray(clients) && clients.some((c) => c.name === 'Emil Vestergaard'), JSON.stringify(clients));
  } finally {
    await win.quit();
  }
  await until('the window let go of the folder', () => {
    try {
      execFileSync(CLI, ['--data-dir', dataDir, 'audit', 'verify'], { env: { ...process.env, KLINIK_PASSPHRASE: PASSPHRASE } });
      return true;
    } catch {
      return false;
    }
  }, 20000);
});
