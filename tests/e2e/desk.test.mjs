// National-ID mode at the reception desk, on the real window: the desk's business login
// cannot sign in by password; a staff member logs in strongly (password + code from
// Debian's oathtool) and switches the workstation to the desk, which then names them,
// and its lock screen takes their password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Window, tid, oathtool, freshCode } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4490);
});
after(() => driver?.stop());

test('national-ID mode: the desk is opened by a strong personal login and names who opened it', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-nid-desk-')), 'clinic');
  execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '1', '--key-store', 'keyring']);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.type(tid('login.email'), OWNER.email);
    await win.type(tid('login.password'), OWNER.password);
    await win.click(tid('login.submit'));
    // The owner moves the clinic to journals with national IDs.
    await win.click(tid('nav.staff'));
    await win.click(tid('mode.journal.journalsWithId'));
    await win.type(tid('mode.journal.password'), OWNER.password);
    await win.click(tid('mode.journal.save'));
    // Two-factor login is now required before anything else: enroll.
    await win.waitFor(tid('totp.required'));
    await win.click(tid('totp.start'));
    await win.waitFor(tid('totp.qr'));
    const key = await win.text(tid('totp.secret'));
    await win.type(tid('totp.code'), oathtool(key));
    await win.click(tid('totp.confirm'));
    await win.waitFor(tid('totp.recoveryCodes'));
    // This session began with the password alone: it may not open the desk.
    await win.waitFor(tid('desk.open'));
    await win.click(tid('desk.open'));
    await win.waitForText(tid('account.error'), (t) => /national-ID|CPR|skranken|desk/i.test(t));
    await win.click(tid('nav.logout'));

    // The desk's own login by password is refused with what to do instead.
    await win.type(tid('login.email'), 'reception@fjordklinik.example');
    await win.type(tid('login.password'), 'skranken-åbner-klokken-otte');
    await win.click(tid('login.submit'));
    await win.waitForText(tid('login.error'), (t) => /skift|switch/i.test(t));

    // A strong login, then the switch.
    await win.type(tid('login.email'), OWNER.email);
    await win.type(tid('login.password'), OWNER.password);
    await win.click(tid('login.submit'));
    await win.type(tid('login.code'), await freshCode(key));
    await win.click(tid('login.submit'));
    await win.click(tid('nav.account'));
    await win.click(tid('desk.open'));
    await win.waitForText(tid('nav.me'), (t) => t.includes('Receptionen'));
    await win.click(tid('nav.account'));
    assert.match(await win.text(tid('desk.openedBy')), /Mette/);
    // Its lock screen names the opener and takes the opener's password.
    await win.click(tid('nav.lock'));
    await win.waitForText(tid('lock.opener'), (t) => t.includes('Mette'));
    await win.type(tid('lock.password'), OWNER.password);
    await win.click(tid('lock.submit'));
    await win.waitFor(tid('nav.clients'));
    assert.match(await win.text(tid('nav.me')), /Receptionen/);
  } finally {
    await win.quit();
  }
});
