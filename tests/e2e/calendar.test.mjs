// The calendar on the real window (issue "The calendar", done-when): the desk registers
// a new client and books her with Lars for a weekly series; Lars opens her journal from
// the appointment with his PIN (which works only because the booking made her his
// client); the eye hides her name from the DOM; a week's schedule prints; Sofie, with
// view-only rights on Lars' calendar, sees the appointment but is offered no move or cancel, and the core refuses a move sent
// anyway; the owner's .ics export of Lars' calendar validates and leaves her name out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClinic, startDriver, tid, until, Window } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };
const DESK = { email: 'reception@fjordklinik.example', password: 'skranken-åbner-klokken-otte' };
const SOFIE = { email: 'sofie@fjordklinik.example', password: 'syv-røde-kaniner-i-haven' };
const CLIENT = 'Ebba Engström';
let driver;
let exports;

before(async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  exports = mkdtempSync(join(tmpdir(), 'klinik-e2e-calendar-exports-'));
  driver = await startDriver(4480, { KLINIK_EXPORT_DIR: exports });
});
after(() => driver?.stop());

/** A Tuesday six weeks from now (beyond the demo's four booked weeks), as YYYY-MM-DD. */
function tuesdayAhead() {
  const d = new Date();
  d.setDate(d.getDate() + 42);
  while (d.getDay() !== 2) d.setDate(d.getDate() + 1);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Moves the week view forward until `day` is on screen. */
async function showWeekOf(win, day) {
  await win.click(tid('calendar.view.week'));
  for (let i = 0; i < 12 && (await win.findAll(`[data-testid="calendar.weekDay"][data-day="${day}"]`)).length === 0; i++) {
    await win.click(tid('calendar.next'));
  }
  await win.waitFor(`[data-testid="calendar.weekDay"][data-day="${day}"]`);
}

/** The text an element holds (a calendar cell clips its lines, which WebDriver counts as
 * not displayed, so its own text call would read nothing). */
const content = (win, css) => win.exec('return document.querySelector(arguments[0])?.textContent ?? ""', css);

test('the desk books a series with Lars, who opens the journal from it; privacy, print, .ics and view-only rights', async () => {
  const dataDir = demoClinic(CLI, 'klinik-e2e-calendar-', 3);
  const day = tuesdayAhead();
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    // ---- the owner lets Sofie see (not change) Lars' calendar -----------------------
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('calendar.today')); // the calendar is the first screen
    await win.click(tid('nav.staff'));
    await until('the staff list', async () =>
      (await win.texts(tid('staff.row')).catch(() => [])).some((t) => t.includes('Sofie Berg')),
    );
    const names = await win.texts(tid('staff.row'));
    const row = names.findIndex((t) => t.includes('Sofie Berg'));
    await win.exec(`document.querySelectorAll('[data-testid="staff.edit"]')[arguments[0]].click();`, row);
    await win.waitFor(tid('staffEdit'));
    await win.exec(
      `const sel = [...document.querySelectorAll('[data-testid="staffEdit.calendar"]')]
         .find((s) => s.closest('label').textContent.includes('Lars Holm'));
       sel.value = 'view';
       sel.dispatchEvent(new Event('input', { bubbles: true }));
       sel.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await win.type(tid('staffEdit.password'), OWNER.password);
    await win.click(tid('staffEdit.save'));
    await win.waitFor(tid('staffEdit.notice'));
    await win.signOut();

    // ---- the desk registers Ebba and books her with Lars, weekly, four times --------
    await win.login(DESK.email, DESK.password);
    await win.waitFor(tid('calendar.today'));
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.new'));
    await win.type(tid('client.name'), CLIENT);
    await win.click(tid('client.save'));
    await win.waitForText(tid('client.detail.name'), (t) => t.includes(CLIENT));
    await win.click(tid('nav.calendar'));
    const lars = await win.attr('[data-testid="calendar.pick"][data-calendar-name="Lars Holm"]', 'data-calendar-id');
    assert.ok(lars, 'Lars has a calendar');
    await win.click(tid('calendar.book'));
    await win.waitFor(tid('booking.dialog'));
    await win.type(tid('booking.clientSearch'), 'Ebba');
    await win.waitFor(tid('booking.clientOption'));
    const client = await win.attr(tid('booking.clientOption'), 'data-client-id');
    await win.click(tid('booking.clientOption'));
    await win.select(tid('booking.calendar'), lars);
    const service = await win.exec(
      `return [...document.querySelectorAll('[data-testid="booking.service"] option')].map((o) => o.value).find((v) => v);`,
    );
    await win.select(tid('booking.service'), service);
    await win.type(tid('booking.date'), day);
    await win.type(tid('booking.time'), '10:00');
    await win.click(tid('booking.repeat'));
    await win.type(tid('booking.everyWeeks'), '1');
    await win.type(tid('booking.times'), '4');
    await win.click(tid('booking.save'));
    await win.waitForText(tid('calendar.notice'), (t) => /4/.test(t));
    await showWeekOf(win, day);
    const mine = `[data-testid="calendar.appointment"][data-client-id="${client}"]`;
    await until('her appointment in the week', async () => (await content(win, mine)).includes(CLIENT));

    // ---- the eye: her name leaves the DOM, initials stay ----------------------------
    if ((await win.attr(tid('calendar.privacy'), 'aria-pressed')) === 'true') await win.click(tid('calendar.privacy'));
    await until('names shown', async () => (await win.exec('return document.body.innerHTML')).includes(CLIENT));
    await win.click(tid('calendar.privacy'));
    await until('names hidden', async () => !(await win.exec('return document.body.innerHTML')).includes(CLIENT));
    assert.match(await content(win, mine), /E\. ?E\./, 'initials in place of the name');
    await win.click(tid('calendar.privacy'));

    // ---- the week prints (the print dialog is replaced by a counter) ----------------
    await win.exec(`window.__prints = 0; window.print = () => { window.__prints += 1; };`);
    await win.click(tid('calendar.print'));
    await win.select(tid('print.calendar'), lars);
    await win.select(tid('print.weeks'), '1');
    await win.click(tid('print.go'));
    await win.waitFor(tid('print.schedule'));
    assert.ok((await win.findAll(tid('print.row'))).length >= 1, 'the schedule lists the week');
    await until('print was called', async () => (await win.exec('return window.__prints')) >= 1);
    await win.click(tid('print.close'));

    // ---- Lars opens her journal from the appointment, with his PIN -----------------
    await win.click(mine);
    await win.waitFor(tid('appointment.details'));
    await win.click(tid('appointment.openJournal'));
    await win.waitForText(tid('client.detail.name'), (t) => t.includes(CLIENT));
    await win.waitFor(tid('pin.person'));
    const options = await win.exec(
      `return [...document.querySelectorAll('[data-testid="pin.person"] option')].map(o => [o.value, o.textContent]);`,
    );
    await win.select(tid('pin.person'), options.find(([, n]) => n === 'Lars Holm')[0]);
    await win.type(tid('pin.pin'), '583920');
    await win.click(tid('pin.submit'));
    // The journal opens: the booking made Ebba Lars' client (scope "own" needs that).
    await win.waitFor(tid('journal.new'));
    await win.waitFor(tid('client.appointments'));
    assert.equal((await win.findAll(tid('client.appointment'))).length, 4, 'her four appointments on her page');
    await win.signOut();

    // ---- Sofie sees Lars' week but is offered no change; a change sent anyway fails --
    await win.login(SOFIE.email, SOFIE.password);
    await win.waitFor(tid('calendar.today'));
    const pick = `[data-testid="calendar.pick"][data-calendar-id="${lars}"]`;
    if ((await win.exec(`return document.querySelector(arguments[0]).checked`, pick)) !== true) await win.click(pick);
    await showWeekOf(win, day);
    const theirs = `[data-testid="calendar.appointment"][data-calendar-id="${lars}"][data-starts-at]`;
    await win.waitFor(theirs);
    const appointment = await win.exec(
      `return [...document.querySelectorAll(arguments[0])].find((e) => e.dataset.startsAt.startsWith(arguments[1]))?.dataset.appointmentId;`,
      theirs,
      day,
    );
    assert.ok(appointment, 'the booked appointment is in Lars’ column for Sofie');
    await win.click(`[data-testid="calendar.appointment"][data-appointment-id="${appointment}"]`);
    await win.waitFor(tid('appointment.details'));
    for (const offered of ['appointment.move', 'appointment.cancel', 'appointment.arrived']) {
      assert.equal((await win.findAll(tid(offered))).length, 0, `${offered} is not offered to a viewer`);
    }
    const refused = await win.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke('move_appointment', { appointmentId: arguments[0], start: arguments[1] + 'T12:00',
                                                              minutes: 30, calendarId: null, following: false })
         .then(() => done('moved'), (e) => done(e && e.code));`,
      appointment,
      day,
    );
    assert.equal(refused, 'denied', 'the core refuses the move');
    await win.click(tid('appointment.close'));
    // ---- the owner exports Lars' calendar: valid iCalendar, no client name ---------
    // (The desk has no calendar of its own to export; an administrator may export any.)
    await win.signOut();
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('calendar.today'));
    await win.click(tid('calendar.exportIcs'));
    await win.select(tid('export.calendar'), lars);
    await win.click(tid('export.save'));
    const saved = await win.waitForText(tid('export.result'), (t) => t.includes('.ics'));
    const file = saved.slice(saved.indexOf('/')).trim();
    const ics = readFileSync(file, 'utf8');
    assert.ok(ics.startsWith('BEGIN:VCALENDAR') && !ics.includes(CLIENT), 'an .ics without the name');
    const python = join(homedir(), '.cache/klinik/venv/bin/python');
    if (existsSync(python)) {
      execFileSync(python, [join(import.meta.dirname, '../ical/validate.py'), file], { stdio: 'inherit' });
    }

  } finally {
    await win.quit();
  }
});
