// Consent on the real window (issue "A client's whole life", consents): the owner opens a
// demo client whose required consent is missing (marked on the page and in the calendar),
// records it signed on the screen with a drawn signature and the contact
// consent with a typed name; the notice goes, both consents are listed with how they were
// given, and the core holds the signature and the fingerprint of the text shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoClinic, invoke, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4505);
});
after(() => driver?.stop());


/** Draws a stroke on the signature canvas with pointer events, as a finger or mouse would. */
async function sign(win) {
  await win.exec(
    `const c = document.querySelector(arguments[0]);
     const r = c.getBoundingClientRect();
     const at = (type, x, y) => c.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 1, isPrimary: true,
       clientX: r.left + x, clientY: r.top + y, buttons: type === 'pointerup' ? 0 : 1, pointerType: 'mouse' }));
     at('pointerdown', 10, 30);
     for (let i = 1; i <= 20; i++) at('pointermove', 10 + i * 8, 30 + (i % 2 ? 12 : -12));
     at('pointerup', 170, 30);`,
    tid('consent.canvas'),
  );
}

test('a missing consent is marked, then signed on the screen and typed, and listed as given', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-consents-', 3);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    const texts = await invoke(win, 'consent_texts', {});
    const required = texts.find((t) => t.required);
    const contact = texts.find((t) => t.key === 'contact');
    assert.ok(required && contact, 'the starters are there');
    // A client without the required consent (the demo's Emil has his mother's already).
    let emil = null;
    for (const c of await invoke(win, 'list_clients', { query: '' })) {
      if ((await invoke(win, 'consent_missing', { clientId: c.id })) === true) {
        emil = c;
        break;
      }
    }
    assert.ok(emil, 'a client is missing the required consent');

    await win.click(tid('nav.clients'));
    await win.type(tid('clients.search'), emil.name.split(' ')[0]);
    await win.click(`[data-testid="clients.row"][data-client-id="${emil.id}"]`);
    await win.waitFor(tid('consents.section'));
    await win.waitFor(tid('consents.missing'));

    // ---- drawn on the screen ------------------------------------------------------------
    await win.click(tid('consents.add'));
    await win.waitFor(tid('consent.dialog'));
    await win.select(tid('consent.text'), required.id);
    const shown = await win.text(tid('consent.body'));
    assert.ok(shown.includes(required.body.slice(0, 40)), 'the text is shown as recorded');
    await win.select(tid('consent.method'), 'drawn');
    await win.waitFor(tid('consent.canvas'));
    await sign(win);
    await win.click(tid('consent.save'));
    await until('the drawn consent is listed', async () => (await win.findAll(tid('consents.row'))).length === 1);
    await until('the notice is gone', async () => (await win.findAll(tid('consents.missing'))).length === 0);

    // ---- typed name -----------------------------------------------------------------------
    await win.click(tid('consents.add'));
    await win.waitFor(tid('consent.dialog'));
    await win.select(tid('consent.text'), contact.id);
    await win.select(tid('consent.method'), 'typed');
    await win.type(tid('consent.typedName'), 'Karen Holm');
    await win.click(tid('consent.save'));
    await until('two consents listed', async () => (await win.findAll(tid('consents.row'))).length === 2);

    const recorded = await invoke(win, 'client_consents', { clientId: emil.id });
    const drawn = recorded.find((c) => c.method === 'drawn');
    assert.ok(drawn && drawn.given && drawn.signaturePng && drawn.signaturePng.length > 100, 'the signature is kept');
    assert.equal(drawn.textSha256.length, 64);
    assert.ok(recorded.some((c) => c.method === 'typed' && c.typedName === 'Karen Holm'));
    assert.equal(await invoke(win, 'consent_missing', { clientId: emil.id }), false);
  } finally {
    await win.quit();
  }
});
