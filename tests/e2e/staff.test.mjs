// An administrator manages staff on the real window: adds a practitioner, edits their
// rights (confirmed with the password), sets their PIN, deactivates them, and sets the
// access to new clients — and the log shows each change with its details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClinic, startDriver, until, Window, tid } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;
let exportDir;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exportDir = mkdtempSync(join(tmpdir(), 'klinik-e2e-staff-exports-'));
  driver = await startDriver(4490, { KLINIK_EXPORT_DIR: exportDir });
});
after(() => driver?.stop());


test('add, edit rights, set a PIN and deactivate a staff member', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-staff-', 2);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.click(tid('nav.staff'));

    await win.type(tid('staff.name'), 'Karin Kyst');
    await win.type(tid('staff.email'), 'karin@fjordklinik.example');
    await win.click(tid('staff.create'));
    await win.waitForText(tid('staff.created'), (t) => t.includes('Karin Kyst'));

    // Edit Karin: no clients, no journals, view only; confirmed with the password.
    const names = await win.texts(tid('staff.row'));
    const row = names.findIndex((t) => t.includes('Karin Kyst'));
    assert.ok(row >= 0, JSON.stringify(names));
    await win.exec(`document.querySelectorAll('[data-testid="staff.edit"]')[arguments[0]].click();`, row);
    await win.waitFor(tid('staffEdit'));
    await win.select(tid('staffEdit.scope'), 'none');
    await win.click(tid('staffEdit.edit'));
    await win.click(tid('staffEdit.feature.journal'));
    await win.type(tid('staffEdit.password'), 'not my password');
    await win.click(tid('staffEdit.save'));
    await win.waitFor(tid('staffEdit.error'));
    await win.type(tid('staffEdit.password'), OWNER.password);
    await win.click(tid('staffEdit.save'));
    await win.waitFor(tid('staffEdit.notice'));
    await until('the list shows the new scope', async () =>
      (await win.texts(tid('staff.row'))).some((t) => t.includes('Karin Kyst') && /ingen klienter/i.test(t)),
    );

    // An admin sets her PIN.
    await win.type(tid('staffEdit.pinValue'), '739164');
    await win.type(tid('staffEdit.pinPassword'), OWNER.password);
    await win.click(tid('staffEdit.pinSave'));
    await win.waitForText(tid('staffEdit.notice'), (t) => t.includes('Karin Kyst'));

    // Deactivate.
    await win.type(tid('staffEdit.password'), OWNER.password);
    await win.click(tid('staffEdit.deactivate'));
    await win.waitFor(tid('staffEdit.inactive'));
    await until('the list marks her deactivated', async () =>
      (await win.texts(tid('staff.row'))).some((t) => t.includes('Karin Kyst') && /deaktiveret/i.test(t)),
    );
    await win.click(tid('staffEdit.close'));

    // Access to new clients.
    await win.select(tid('newClients.level'), 'none');
    await win.type(tid('newClients.password'), OWNER.password);
    await win.click(tid('newClients.save'));

    // A backup, checked, into the export folder.
    await win.type(tid('backup.password'), OWNER.password);
    await win.click(tid('backup.make'));
    const done = await win.waitForText(tid('backup.notice'), (t) => t.includes('klinik-backup-'), 30000);
    const folder = readdirSync(exportDir).find((f) => f.startsWith('klinik-backup-'));
    assert.ok(folder && done.includes(folder), done);
    assert.deepEqual(readdirSync(join(exportDir, folder)).sort(), ['backup-manifest.json', 'keyslots.json', 'klinik.db']);

    // The log shows the changes with what they set.
    await win.click(tid('nav.audit'));
    await win.waitFor(tid('audit.row'));
    await until('staff and settings changes are in the log', async () => {
      const details = await win.texts(tid('audit.detail'));
      return details.some((d) => d.includes('scope=none')) && details.some((d) => d.includes('new_client_access=none'));
    });
  } finally {
    await win.quit();
  }
});
