// The reception desk on the real window: a business login opens a client, the journal
// asks who is there and their PIN, repeated wrong PINs show the lockout, the right PIN
// opens the journal attributed to its owner, and the owner sees that in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Window, tid, until } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4470, { KLINIK_EXPORT_DIR: mkdtempSync(join(tmpdir(), 'klinik-e2e-desk-exports-')) });
});
after(() => driver?.stop());

async function pick(win, name) {
  const options = await win.exec(
    `return [...document.querySelectorAll('[data-testid="pin.person"] option')].map(o => [o.value, o.textContent]);`,
  );
  const found = options.find(([, n]) => n === name);
  assert.ok(found, `${name} among ${JSON.stringify(options)}`);
  await win.select(tid('pin.person'), found[0]);
}

test('business login, PIN prompt, lockout, attributed journal work', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-desk-')), 'clinic');
  execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '2', '--key-store', 'keyring']);
  let win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    // The owner shortens the PIN idle time to its minimum, 30 seconds.
    await win.type(tid('login.email'), 'mette@fjordklinik.example');
    await win.type(tid('login.password'), 'blå-hest-i-fjorden-42');
    await win.click(tid('login.submit'));
    await win.click(tid('nav.account'));
    await win.select(tid('security.pinIdle'), '30');
    await win.type(tid('security.password2'), 'blå-hest-i-fjorden-42');
    await win.click(tid('security.save2'));
    await win.waitFor('[role="status"]');
    await win.click(tid('nav.logout'));

    await win.type(tid('login.email'), 'reception@fjordklinik.example');
    await win.type(tid('login.password'), 'skranken-åbner-klokken-otte');
    await win.click(tid('login.submit'));
    assert.match(await win.text(tid('nav.me')), /Receptionen/);
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    const clientName = (await win.text(tid('client.detail.name'))).trim();

    // The journal asks who is there.
    await win.waitFor(tid('pin.person'));
    await pick(win, 'Sofie Berg');
    for (let i = 0; i < 3; i++) {
      await win.type(tid('pin.pin'), '111222');
      await win.click(tid('pin.submit'));
      await win.waitForText(tid('pin.error'), (t) => t.length > 0);
    }
    await win.type(tid('pin.pin'), '794061');
    await win.click(tid('pin.submit'));
    // The lockout says how long to wait, in the clinic's language.
    await win.waitForText(tid('pin.error'), (t) => /om 30 sekunder/.test(t));

    // Lars is not affected by Sofie's lockout.
    await pick(win, 'Lars Holm');
    await win.type(tid('pin.pin'), '583920');
    await win.click(tid('pin.submit'));
    await win.waitForText(tid('nav.pinName'), (t) => t.includes('Lars Holm'));
    // At the window's minimum width the top bar's first row holds the clinic, the PIN badge,
    // lock and log out, nothing pushed onto another row; the sections are below it, all
    // in view (none scrolled or cut off).
    await win.cmd('POST', '/window/rect', { width: 900, height: 800 });
    const bar = await win.exec(
      `const h = document.querySelector('.app header');
       const nav = h.querySelector('nav');
       const middle = (c) => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); };
       const tops = [...h.children].filter((c) => c !== nav && c.getBoundingClientRect().width > 0).map(middle);
       const navTop = nav.getBoundingClientRect().top;
       const cut = [...nav.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().right > window.innerWidth + 1).length;
       return { spread: Math.max(...tops) - Math.min(...tops), below: navTop > Math.max(...tops), cut,
                width: window.innerWidth, overflow: h.scrollWidth - h.clientWidth };`,
    );
    assert.ok(bar.width <= 905, `the window is at its minimum width: ${JSON.stringify(bar)}`);
    assert.ok(bar.spread < 12 && bar.below && bar.cut === 0 && bar.overflow <= 1, `one first row, the sections below, nothing cut: ${JSON.stringify(bar)}`);
    await win.cmd('POST', '/window/rect', { width: 1280, height: 900 });
    await win.click(tid('journal.new'));
    await win.type(tid('journal.entry.body'), 'Skrevet af Lars ved skranken.');
    await win.type(tid('journal.entry.password'), '583920');
    await win.click(tid('journal.entry.sign'));
    await win.waitForText(tid('journal.entry'), (t) => t.includes('Lars Holm'));

    // Lars walks away: after 30 idle seconds the journal closes and the desk asks again.
    const idleStart = Date.now();
    await win.waitFor(tid('pin.person'), 45_000);
    const idleSeconds = (Date.now() - idleStart) / 1000;
    assert.ok(idleSeconds >= 25, `the unlock lasted its idle time (${idleSeconds} s)`);
    assert.deepEqual(await win.texts(tid('journal.entry')), [], 'nothing of the journal stays on screen');
    assert.deepEqual(await win.texts(tid('nav.pinName')), []);
    await win.click(tid('nav.logout'));

    // The owner sees the work attributed to Lars, via the business login.
    await win.type(tid('login.email'), 'mette@fjordklinik.example');
    await win.type(tid('login.password'), 'blå-hest-i-fjorden-42');
    await win.click(tid('login.submit'));
    await win.click(tid('nav.audit'));
    // Filter to the one client: every journal access there was made through a PIN.
    const readClients = () =>
      win.exec(
        `return [...document.querySelectorAll('[data-testid="audit.filter.client"] option')].map(o => [o.value, o.textContent]);`,
      );
    for (let i = 0; i < 100 && (await readClients()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const clientOptions = await readClients();
    const client = clientOptions.find(([, n]) => n === clientName);
    assert.ok(client, `${clientName} in ${JSON.stringify(clientOptions)}`);
    await win.select(tid('audit.filter.client'), client[0]);
    await win.click(tid('audit.filter.apply'));
    await until('Lars’ work is listed', async () =>
      (await win.texts(tid('audit.row')).catch(() => [])).some((t) => t.includes('Lars Holm')),
    );
    const rows = await win.texts(tid('audit.row'));
    const actions = await win.attrs(tid('audit.row'), 'data-action');
    const signed = rows[actions.indexOf('entry_sign')];
    assert.match(signed, /Lars Holm \(Receptionen\)/, 'signed by Lars via the business login');
    // Only this client: her own events, and the calendar views that showed her among others.
    assert.ok(
      rows.every((r, i) => r.includes(clientName) || actions[i] === 'calendar_read'),
      `only this client: ${JSON.stringify(rows)}`,
    );
    await win.click(tid('audit.verify'));
    await win.waitFor(tid('audit.verifyResult'));
    assert.equal(await win.attr(tid('audit.verifyResult'), 'data-intact'), 'true');
    // An export is an unencrypted file: it takes the password, and the page says so.
    assert.ok((await win.text(tid('audit.exportWarning'))).length > 20);
    await win.type(tid('audit.exportPassword'), 'blå-hest-i-fjorden-42');
    await win.click(tid('audit.exportCsv'));
    assert.match(await win.text(tid('audit.notice')), /\.csv/);
  } finally {
    await win.quit();
  }
});
