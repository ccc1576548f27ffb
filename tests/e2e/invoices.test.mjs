// Invoicing on the real window (issue "Invoices and payments", done-when): the desk turns a
// client's done appointment into an invoice and issues it, then a second one — the numbers
// follow each other without a gap; the saved PDF asks for the client's PIN in a standard
// reader (qpdf: AES-256 revision 6; pdftotext reads it only with the PIN); a credit note
// reverses the first; a part payment on the second leaves the rest outstanding; the
// bookkeeping export is a CSV a spreadsheet opens. A journal stays out of reach throughout:
// the desk has no PIN unlock, and the core refuses a journal read sent anyway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClinic, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const DESK = { email: 'reception@fjordklinik.example', password: 'skranken-åbner-klokken-otte' };
let driver;
let exports;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exports = mkdtempSync(join(tmpdir(), 'klinik-e2e-invoice-exports-'));
  driver = await startDriver(4490, { KLINIK_EXPORT_DIR: exports });
});
after(() => driver?.stop());

/** The path a notice shows (the element holds only the path). */
const pathIn = async (win, id) => (await win.waitForText(tid(id), (t) => t.includes('/'))).trim();

/**
 * A new invoice from the newest done appointment of the first client (in the picker's
 * order, from `skip` on) that has one not yet invoiced; returns the client's id.
 */
async function draftFromDoneAppointment(win, skip = 0) {
  await win.click(tid('invoices.new'));
  await win.waitFor(tid('invoices.client-option'));
  const clients = await win.attrs(tid('invoices.client-option'), 'data-client-id');
  for (const client of clients.slice(skip)) {
    await win.click(`[data-testid="invoices.client-option"][data-client-id="${client}"]`);
    await until('the client’s done appointments', async () =>
      (await win.findAll(`${tid('invoices.appointment')}, ${tid('invoices.appointments-none')}`)).length > 0,
    );
    const boxes = await win.attrs(tid('invoices.appointment'), 'data-appointment-id');
    for (const appointment of boxes) {
      await win.click(`[data-testid="invoices.appointment"][data-appointment-id="${appointment}"]`);
      await win.click(tid('invoices.create'));
      await until('a draft, or a refusal', async () => {
        if ((await win.findAll(tid('invoice.editor'))).length > 0) return true;
        const idle = await win.exec(`return !document.querySelector('[data-testid="invoices.create"]')?.disabled`);
        return idle && (await win.findAll(tid('invoices.error'))).length > 0;
      });
      if ((await win.findAll(tid('invoice.editor'))).length > 0) return client;
      // Already on one of the demo's invoices: untick it and try the next.
      await win.click(`[data-testid="invoices.appointment"][data-appointment-id="${appointment}"]`);
    }
    await win.click(tid('invoices.change-client'));
    await win.waitFor(tid('invoices.client-option'));
  }
  throw new Error('no client with a done appointment to invoice');
}

/** Issues the open draft; returns its number and the PIN shown (null when the client had one). */
async function issue(win) {
  await win.click(tid('invoice.issue'));
  await win.click(tid('invoice.issue-confirm'));
  await win.waitFor(tid('invoice.view'));
  let pin = null;
  if ((await win.findAll(tid('invoice.pin'))).length > 0) {
    pin = (await win.text(tid('invoice.pin'))).trim();
    await win.click(tid('invoice.pin-close'));
  }
  const number = Number((await win.waitForText(tid('invoice.number'), (t) => /^\d+$/.test(t.trim()))).trim());
  return { number, pin };
}

test('the desk invoices a done appointment: gap-free numbers, a PIN-protected PDF, a credit note, a part payment, the export', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-invoices-', 3);
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(DESK.email, DESK.password);
    await win.waitFor(tid('calendar.today'));
    await win.click(tid('nav.invoices'));
    await win.waitFor(tid('invoices'));

    // ---- the first invoice: a done appointment, issued ------------------------------
    const client = await draftFromDoneAppointment(win);
    const first = await issue(win);
    assert.ok(first.number >= 1);
    const total = await win.text(tid('invoice.total'));
    assert.match(total, /\d/, 'a total is shown');

    // The client's PIN: shown at the first invoice, or made anew here (the demo may have
    // given them one already).
    let pin = first.pin;
    if (!pin) {
      await win.click(tid('invoice.new-pin'));
      await win.click(tid('invoice.new-pin-confirm'));
      pin = (await win.waitForText(tid('invoice.pin'), (t) => /^\d{6}$/.test(t.trim()))).trim();
      await win.click(tid('invoice.pin-close'));
    }
    assert.match(pin, /^\d{6}$/);

    // ---- the PDF asks for the PIN in a standard reader ------------------------------
    await win.click(tid('invoice.save-pdf'));
    const pdf = await pathIn(win, 'invoice.saved-path');
    assert.equal(spawnSync('qpdf', ['--requires-password', pdf]).status, 0, 'qpdf: a password is required');
    const encryption = execFileSync('qpdf', [`--password=${pin}`, '--show-encryption', pdf]).toString();
    assert.match(encryption, /R = 6/, encryption);
    assert.match(encryption, /AESv3/, encryption);
    assert.notEqual(spawnSync('pdftotext', [pdf, '-']).status, 0, 'unreadable without the PIN');
    const text = execFileSync('pdftotext', ['-upw', pin, pdf, '-']).toString();
    assert.ok(text.includes(`Fakturanr.: ${first.number}`), text);

    // ---- the second invoice takes the next number --------------------------------------
    await win.click(tid('invoice.back'));
    await draftFromDoneAppointment(win);
    const second = await issue(win);
    assert.equal(second.number, first.number + 1, 'no gap between two issued invoices');

    // A part payment: 100,00 kr. of it, the rest stays outstanding.
    await win.click(tid('invoice.pay'));
    await win.type(tid('invoice.pay-amount'), '100,00');
    await win.click(tid('invoice.pay-save'));
    await until('the payment is shown', async () => (await win.findAll(tid('invoice.payment'))).length === 1);
    const outstanding = await win.text(tid('invoice.outstanding'));
    assert.doesNotMatch(outstanding, /^0[,.]00/, `something is still outstanding: ${outstanding}`);

    // ---- a credit note reverses the first, under the next number -----------------------
    await win.click(tid('invoice.back'));
    await win.exec('window.scrollTo(0, 0)');
    await win.click(tid('invoices.tab-all'));
    await until('the list', async () => (await win.findAll(tid('invoices.row'))).length >= 2);
    await win.click(`[data-testid="invoices.row"][data-number="${first.number}"] button`);
    await win.waitForText(tid('invoice.number'), (t) => t.trim() === String(first.number));
    await win.click(tid('invoice.credit'));
    await win.click(tid('invoice.credit-confirm'));
    await win.waitForText(tid('invoice.number'), (t) => t.trim() === String(first.number + 2));
    assert.equal(await win.attr(tid('invoice.view'), 'data-kind'), 'creditNote');
    assert.match(await win.text(tid('invoice.total')), /-|−/, 'the credit note is negative');

    // ---- the bookkeeping export opens as a semicolon CSV with a byte-order mark --------
    await win.click(tid('invoices.export'));
    // From last year to the end of next: the clinic's day (Copenhagen) may already be
    // tomorrow on this computer's clock.
    const year = new Date().getFullYear();
    await win.type(tid('invoices.export-from'), `${year - 1}-01-01`);
    await win.type(tid('invoices.export-to'), `${year + 1}-12-31`);
    await win.click(tid('invoices.export-save'));
    const csvPath = await pathIn(win, 'invoices.export-path');
    const csv = readFileSync(csvPath, 'utf8');
    assert.ok(csv.startsWith('\ufefftype;number;date;'), csv.slice(0, 80));
    const rows = csv.trim().split('\r\n').map((r) => r.split(';'));
    assert.ok(rows.some((r) => r[0] === 'credit_note' && r[1] === String(first.number + 2)), 'the credit note');
    assert.ok(rows.some((r) => r[0] === 'payment' && r[1] === String(second.number)), 'the payment');
    await win.click(tid('invoices.export-close'));

    // ---- invoicing opened no journal: the core refuses one sent from this window --------
    const refused = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('journal', { clientId: arguments[0] })
         .then(() => done('read'), (e) => done(e && e.code));`,
      client,
    );
    assert.notEqual(refused, 'read', 'the desk reads no journal without a PIN');
  } finally {
    await win.quit();
  }
});
