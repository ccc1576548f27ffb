// A clinician's journal flow on the real window: open a client → write an entry from a
// template (it saves as you type) → sign with the password → add an addendum → find it
// with full-text search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chooseFile, demoClinic, startDriver, until, Window, tid } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
let driver;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  driver = await startDriver(4445 + 10);
});
after(() => driver?.stop());


test('write from a template, sign, add an addendum and find it again', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-journal-');
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));

    // A SOAP note from the Danish starter template.
    const readOptions = () =>
      win.exec(
        `return [...document.querySelectorAll('[data-testid="journal.template"] option')].map(o => [o.value, o.textContent]);`,
      );
    await until('the templates are offered', async () => (await readOptions()).length > 1);
    const options = await readOptions();
    const soap = options.find(([, name]) => name === 'SOAP-notat');
    assert.ok(soap, `templates offered: ${JSON.stringify(options)}`);
    await win.select(tid('journal.template'), soap[0]);
    await win.click(tid('journal.new'));
    await win.waitFor(tid('journal.entry.body'));
    const prefilled = await win.exec(`return document.querySelector('[data-testid="journal.entry.body"]').value;`);
    assert.match(prefilled, /^Subjektivt:/);
    const note = 'Subjektivt: ondt i venstre achillessene efter løb.\nPlan: excentriske øvelser <b>dagligt</b>.';
    await win.type(tid('journal.entry.body'), note);
    await until('the draft is saved', async () => (await win.attr(tid('journal.entry.saveState'), 'data-state')) === 'saved');

    await win.type(tid('journal.entry.password'), 'wrong password');
    await win.click(tid('journal.entry.sign'));
    await win.waitFor(tid('journal.error'));
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await until('the entry is signed', async () =>
      (await win.attrs(tid('journal.entry'), 'data-signed')).includes('true'),
    );
    const text = await win.text(tid('journal.entry.text'));
    assert.ok(text.includes('<b>dagligt</b>'), 'markup typed by a person is shown as text');

    // A correction is an addendum; the original stays as signed.
    await win.click(tid('journal.entry.addendum'));
    await win.type(tid('journal.entry.body'), 'Tillæg: det er højre achillessene.');
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await until('the addendum is signed', async () =>
      (await win.attrs(tid('journal.addendum'), 'data-signed')).includes('true'),
    );
    assert.ok((await win.text(tid('journal.entry.text'))).includes('venstre achillessene'));

    // Print view of a period: the browser's print dialog is replaced by a counter (the
    // dialog itself is the system's); what is printed is decided by the page.
    await win.exec(`window.__prints = 0; window.print = () => { window.__prints += 1; };`);
    // The date fields are text fields (see ui/src/lib/ui/DateField.svelte) that also take ISO.
    const setDate = (css, v) =>
      win.exec(
        `const el = document.querySelector(arguments[0]); el.value = arguments[1];
         el.dispatchEvent(new Event('input', { bubbles: true }));`,
        css,
        v,
      );
    // The period is typed as the clinic's language writes a date (Danish: 1-1-2020), or ISO.
    await win.type(tid('journal.printFrom'), '1-1-2020');
    await setDate(tid('journal.printTo'), '2020-12-31');
    await until('a past period leaves today\'s entry out', async () =>
      (await win.attrs(tid('journal.entry'), 'data-in-print')).every((v) => v === 'false'),
    );
    const today = await win.exec(
      `const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');`,
    );
    await setDate(tid('journal.printTo'), today);
    await until('a period up to today includes it', async () =>
      (await win.attrs(tid('journal.entry'), 'data-in-print')).every((v) => v === 'true'),
    );
    assert.match(await win.text(tid('journal.print')), /periode/i);
    await win.click(tid('journal.print'));
    await until('the print was recorded, then the dialog opened', async () => (await win.exec('return window.__prints;')) === 1);
    assert.match(await win.exec(`return document.querySelector('.print-heading').textContent;`), /Journal/);

    // Full-text search finds the signed entry.
    await win.click(tid('client.back'));
    await win.type(tid('journal.search'), 'achilles');
    await win.click(tid('journal.search.submit'));
    const hit = await win.text(tid('journal.search.hit'));
    assert.match(hit, /achillessene/);
  } finally {
    await win.quit();
  }
});

// One page, 300 × 200 points, filled blue: pdf.js must draw it for the preview to pass.
const BLUE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R/Resources<<>>>>endobj\n' +
    '4 0 obj<</Length 27>>stream\n0 0 1 rg 0 0 300 200 re f\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');
// A 1 × 1 PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

test('attach a PDF and an image, preview both from the encrypted database, refuse a disguised script', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-attach-');
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));

    const fileInput = `${tid('attachments.client')} ${tid('attachment.file')}`;
    await chooseFile(win, fileInput, 'henvisning.pdf', 'application/pdf', BLUE_PDF);
    await until('the PDF is listed', async () => (await win.texts(tid('attachment.item'))).length === 1);
    await chooseFile(win, fileInput, 'sår.png', 'image/png', PNG);
    await until('the image is listed', async () => (await win.texts(tid('attachment.item'))).length === 2);

    // A script named .pdf is refused by its content, with the translated message.
    await chooseFile(win, fileInput, 'faktura.pdf', 'application/pdf', Buffer.from('<script>alert(1)</script>').toString('base64'));
    await win.waitForText(tid('journal.error'), (t) => t.length > 0);
    assert.equal((await win.texts(tid('attachment.item'))).length, 2);

    // The PDF preview: pdf.js draws the page; its middle pixel is blue.
    const items = await win.attrs(tid('attachment.item'), 'data-mime');
    const pdfIndex = items.indexOf('application/pdf');
    await win.exec(`document.querySelectorAll('[data-testid="attachment.open"]')[arguments[0]].click();`, pdfIndex);
    await win.waitFor(tid('attachment.pdfPage'));
    let pixel;
    await until('the page is drawn', async () => {
      pixel = await win.exec(
        `const c = document.querySelector('[data-testid="attachment.pdfPage"]');
         const d = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data;
         return [c.width, c.height, d[0], d[1], d[2]];`,
      );
      const [, , red, green, blue] = pixel;
      return blue > 200 && red < 60 && green < 60;
    }).catch((e) => {
      throw new Error(`${e.message}; last [width, height, r, g, b]: ${JSON.stringify(pixel)}`);
    });
    assert.ok(pixel[0] > 100 && pixel[1] > 50, `a real page size: ${pixel}`);
    await win.click(tid('attachment.closePreview'));

    // The image preview.
    await win.exec(`document.querySelectorAll('[data-testid="attachment.open"]')[arguments[0]].click();`, 1 - pdfIndex);
    await win.waitFor(tid('attachment.image'));
    await until('the image loads', async () =>
      win.exec(`return document.querySelector('[data-testid="attachment.image"]').naturalWidth === 1;`),
    );
  } finally {
    await win.quit();
  }
});

/** Sets the value of the i-th element matching `css` as typing or choosing would. */
async function setNth(win, css, i, value) {
  await win.exec(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     el.value = arguments[2];
     el.dispatchEvent(new Event('input', { bubbles: true }));
     el.dispatchEvent(new Event('change', { bubbles: true }));`,
    css,
    i,
    value,
  );
}

test('an admin builds a template from fields; an entry from it is filled in, checked and signed', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-templates-');
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.click(tid('nav.templates'));
    await win.click(tid('templates.new'));
    await win.type(tid('templates.name'), 'Smertekontrol');
    await win.click(tid('templates.addField'));
    await win.click(tid('templates.addField'));
    await until('two fields', async () => (await win.findAll(tid('templates.field'))).length === 2);
    await setNth(win, tid('templates.field.kind'), 0, 'scale');
    await setNth(win, tid('templates.field.label'), 0, 'Smerte i hvile');
    await win.exec(`document.querySelectorAll('[data-testid="templates.field.required"]')[0].click();`);
    await setNth(win, tid('templates.field.kind'), 1, 'multiChoice');
    await setNth(win, tid('templates.field.label'), 1, 'Område');
    await win.waitFor(tid('templates.field.options'));
    await setNth(win, tid('templates.field.options'), 0, 'Nakke\nSkulder\nLænd');
    await win.click(tid('templates.save'));
    await win.waitForText(tid('templates.notice'), (t) => t.includes('Smertekontrol'));

    // A practitioner's view of it: the journal offers the template as a form.
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));
    await until('the new template is offered', async () =>
      (await win.exec(`return [...document.querySelectorAll('[data-testid="journal.template"] option')].map(o => o.textContent);`)).includes('Smertekontrol'),
    );
    const value = await win.exec(
      `return [...document.querySelectorAll('[data-testid="journal.template"] option')].find(o => o.textContent === 'Smertekontrol').value;`,
    );
    await win.select(tid('journal.template'), value);
    await win.click(tid('journal.new'));
    await win.waitFor(tid('entry.fields'));
    await win.exec(`[...document.querySelectorAll('[data-testid="entry.field"][data-kind="multiChoice"] input')][2].click();`);
    await until('the draft is saved', async () => (await win.attr(tid('journal.entry.saveState'), 'data-state')) === 'saved');
    // The required scale is missing: signing is refused with a message.
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await win.waitFor(tid('journal.error'));
    await win.exec(`document.querySelector('[data-testid^="entry.field."][data-testid$=".7"]').click();`);
    await until('the draft is saved', async () => (await win.attr(tid('journal.entry.saveState'), 'data-state')) === 'saved');
    await win.type(tid('journal.entry.password'), OWNER.password);
    await win.click(tid('journal.entry.sign'));
    await until('the entry is signed', async () => (await win.attrs(tid('journal.entry'), 'data-signed')).includes('true'));
    const text = await win.text(tid('journal.entry.text'));
    assert.match(text, /Smerte i hvile: 7\/10/);
    assert.match(text, /Område: Lænd/);
  } finally {
    await win.quit();
  }
});
