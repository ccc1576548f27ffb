// Moving in and the client's own copy on the real window (issue "A client's whole life"):
// the owner imports a Danish spreadsheet's CSV (Windows-1252, semicolons): the columns are
// guessed, a check lists the refused row and keeps Import shut, the corrected file imports
// in one go and the clients are in the list; then the owner saves an imported client's
// copy — a PDF that names her and a FHIR file with her Patient resource.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chooseFile, demoClinic, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;
let exports;

/** Latin-1 (= Windows-1252 for these letters) bytes of `s`, base64. */
const cp1252 = (s) => Buffer.from(s, 'latin1').toString('base64');
const HEAD = 'Fornavn;Efternavn;Telefon;Fødselsdato\r\n';
const GOOD = 'Ærtebjerg;Sørensen;20 11 30 40;31-12-1980\r\nÅse;Østergård;;05.03.1975\r\n';
const BAD = 'Ib;Lund;;31-02-1990\r\n';

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exports = mkdtempSync(join(tmpdir(), 'klinik-e2e-moving-in-'));
  driver = await startDriver(4501, { KLINIK_EXPORT_DIR: exports });
});
after(() => driver?.stop());

test('a spreadsheet imports after a check, all or nothing; an imported client gets her own copy', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-moving-in-', 3);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.import'));
    await chooseFile(win, tid('import.file'), 'klienter.csv', 'text/csv', cp1252(HEAD + GOOD + BAD));
    await win.waitFor(tid('import.preview'));
    const guessed = await win.exec(
      `return [...document.querySelectorAll('[data-testid="import.map"]')].map((s) => s.dataset.column + '=' + s.value);`,
    );
    assert.ok(guessed.includes('Fødselsdato=birthDate'), `the Danish headings are recognised: ${guessed}`);
    await win.click(tid('import.dryRun'));
    await win.waitFor(tid('import.report'));
    const refused = await win.texts(tid('import.refusal'));
    assert.equal(refused.length, 1, `${refused}`);
    assert.ok(refused[0].includes('4') && refused[0].includes('31-02-1990'), refused[0]);
    assert.equal(await win.exec('return document.querySelector(arguments[0]).disabled', tid('import.go')), true, 'no import with a refused row');

    // The corrected file: checked clean, imported.
    await chooseFile(win, tid('import.file'), 'klienter.csv', 'text/csv', cp1252(HEAD + GOOD));
    await win.waitFor(tid('import.preview'));
    await win.click(tid('import.dryRun'));
    await until('a clean check', async () =>
      (await win.exec('return document.querySelector(arguments[0])?.disabled === false', tid('import.go'))) === true,
    );
    await win.click(tid('import.go'));
    await win.waitFor(tid('import.done'));
    const ase = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('list_clients', { query: 'Åse' }).then((l) => done(l), (e) => done(e && e.code));`,
    );
    const imported = ase.find((c) => c.name === 'Åse Østergård');
    assert.ok(imported, `Åse imported with her letters: ${JSON.stringify(ase)}`);
    assert.equal(imported.birthDate, '1975-03-05');

    // ---- her own copy ----------------------------------------------------------------
    await win.click(tid('import.close'));
    await win.type(tid('clients.search'), 'Åse');
    await win.click(`[data-testid="clients.row"][data-client-id="${imported.id}"]`);
    await win.waitForText(tid('client.detail.name'), (t) => t.includes('Åse Østergård'));
    await win.click(tid('client.copy'));
    await win.type(tid('copy.password'), OWNER.password);
    await win.click(tid('copy.save'));
    const folder = (await win.waitForText(tid('copy.path'), (t) => t.includes('/'))).trim();
    const text = execFileSync('pdftotext', [join(folder, 'client.pdf'), '-']).toString();
    assert.ok(text.includes('Åse Østergård'), text);
    const bundle = JSON.parse(readFileSync(join(folder, 'client-fhir.json'), 'utf8'));
    const patient = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === 'Patient');
    assert.equal(patient.name[0].text, 'Åse Østergård');
    assert.equal(patient.birthDate, '1975-03-05');
  } finally {
    await win.quit();
  }
});
