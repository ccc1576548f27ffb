// A damaged clinic on the real window (issue "A client's whole life", backups): the owner
// chooses a backup folder; the next opening makes today's backup beside the window; the
// clinic file is then damaged (a stretch overwritten, found by the check after an unclean
// shutdown). The window says so, names the newest backup and restores it with the
// recovery code; the damaged clinic is kept aside, the owner signs in and finds the clinic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { invoke, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4503);
});
after(() => driver?.stop());


test('a damaged clinic restores its newest backup with the recovery code', async () => {
  const root = mkdtempSync(join(tmpdir(), 'klinik-e2e-restore-'));
  const dataDir = join(root, 'clinic');
  const usb = join(root, 'usb');
  mkdirSync(usb);
  const printed = execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '3', '--key-store', 'keyring']).toString();
  const code = printed.split('\n').find((l) => l.startsWith('Recovery code: ')).slice('Recovery code: '.length).trim();

  // ---- the owner chooses the backup folder -------------------------------------------
  let win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    assert.equal(await invoke(win, 'set_backup_folder', { folder: usb, password: OWNER.password }), null);
  } finally {
    await win.quit();
  }
  // ---- the next opening makes today's backup beside the window ------------------------
  win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.waitFor(tid('login.email'));
    await until('the backup folder holds today\'s backup', async () =>
      readdirSync(usb).some((n) => n.startsWith('klinik-auto-') && existsSync(join(usb, n, 'backup-manifest.json'))), 60000,
    );
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    await until('the backup is recorded', async () => {
      const status = await invoke(win, 'backup_status', {});
      return Boolean(status && status.lastOk);
    }, 60000);
  } finally {
    await win.quit();
  }

  // ---- damage: a stretch in the middle overwritten, and no clean close -----------------
  const db = join(dataDir, 'klinik.db');
  const bytes = readFileSync(db);
  const mid = Math.floor(bytes.length / 2);
  bytes.fill(0x5a, mid - 8192, mid + 8192);
  writeFileSync(db, bytes);
  rmSync(join(dataDir, 'klinik.db-wal'), { force: true });
  rmSync(join(dataDir, 'klinik.closed'), { force: true });

  // ---- the window offers the newest backup; the recovery code restores it --------------
  win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.waitFor(tid('failed.reason'), 60000);
    const newest = await win.text(tid('failed.newestBackup'));
    assert.ok(/\d{4}/.test(newest), `the newest backup is named: ${newest}`);
    await win.type(tid('failed.recoveryCode'), code);
    await win.click(tid('failed.restore'));
    await win.waitFor(tid('login.email'), 60000);
    const aside = readdirSync(dirname(dataDir)).filter((n) => n.startsWith('clinic.replaced-'));
    assert.equal(aside.length, 1, 'the damaged clinic is kept aside');
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const emil = await invoke(win, 'list_clients', { query: 'Emil' });
    assert.ok(Array.isArray(emil) && emil.some((c) => c.name === 'Emil Vestergaard'), JSON.stringify(emil));
  } finally {
    await win.quit();
  }
});
