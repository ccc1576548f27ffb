// Two-factor login on the real window: enroll with the QR code's key, confirm with a
// code from Debian's oathtool (an independent generator), log out, and log in again
// with a fresh code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Window, tid, oathtool, freshCode } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4480);
});
after(() => driver?.stop());

test('enroll two-factor login and log in with an oathtool code', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-totp-')), 'clinic');
  execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '1', '--key-store', 'keyring']);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    const login = async (code) => {
      await win.type(tid('login.email'), 'mette@fjordklinik.example');
      await win.type(tid('login.password'), 'blå-hest-i-fjorden-42');
      await win.click(tid('login.submit'));
      if (code) {
        await win.type(tid('login.code'), await code());
        await win.click(tid('login.submit'));
      }
      await win.waitFor(tid('nav.clients'));
    };
    await login();
    await win.click(tid('nav.account'));
    await win.click(tid('totp.start'));
    await win.waitFor(tid('totp.qr'));
    const key = await win.text(tid('totp.secret'));
    assert.match(key.replace(/\s/g, ''), /^[A-Z2-7]{32}$/);
    await win.type(tid('totp.code'), oathtool(key));
    await win.click(tid('totp.confirm'));
    await win.waitFor(tid('totp.recoveryCodes'));
    const codes = await win.exec(
      `return [...document.querySelectorAll('[data-testid="totp.recoveryCodes"] li')].map(li => li.textContent);`,
    );
    assert.equal(codes.length, 10, JSON.stringify(codes));
    assert.ok(codes.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c)), JSON.stringify(codes));
    await win.click(tid('nav.logout'));
    await login(() => freshCode(key));
  } finally {
    await win.quit();
  }
});
