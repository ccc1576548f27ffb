// Each person's own language at one window: the owner of a Danish clinic chooses Swedish;
// signing out, the login screen is the clinic's Danish again for the next person, who works
// in Danish; the owner's next sign-in — after a restart too — is Swedish again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoClinic, startDriver, tid, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const LARS = { email: 'lars@fjordklinik.example', password: 'grå-måger-over-havnen' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4509);
});
after(() => driver?.stop());

async function signIn(win, who) {
  await win.login(who.email, who.password);
  await win.waitFor(tid('nav.logout'));
}

test('each person keeps their own language; the login screen speaks the clinic’s', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-language-', 3);
  let win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.waitForText(tid('login.submit'), (t) => t === 'Log ind');
    await signIn(win, OWNER);
    assert.equal(await win.text(tid('nav.logout')), 'Log ud');
    await win.select(tid('nav.language'), 'sv');
    await win.waitForText(tid('nav.logout'), (t) => t === 'Logga ut');

    await win.signOut();
    await win.waitForText(tid('login.submit'), (t) => t === 'Log ind', 5000);
    await signIn(win, LARS);
    assert.equal(await win.text(tid('nav.logout')), 'Log ud', 'Lars has chosen nothing: the clinic’s Danish');
    await win.signOut();
  } finally {
    await win.quit();
  }

  win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.waitForText(tid('login.submit'), (t) => t === 'Log ind');
    await signIn(win, OWNER);
    await win.waitForText(tid('nav.logout'), (t) => t === 'Logga ut', 5000);
  } finally {
    await win.quit();
  }
});
