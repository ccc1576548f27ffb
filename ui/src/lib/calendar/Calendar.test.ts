import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Absence, Appointment, Calendar as Cal, Service } from '../backend';
import { withSession, OWNER } from '../testing';
import { PRIVACY_KEY } from './privacy.svelte';
import Calendar from './Calendar.svelte';
import { addDays } from './time';

const LARS: Cal = { id: 'cal-lars', kind: 'staff', staffId: 'lars', name: 'Lars Holm', allowOverlap: false, reach: 'edit', own: true };
const METTE: Cal = { id: 'cal-mette', kind: 'staff', staffId: 'mette', name: 'Mette Berg', allowOverlap: false, reach: 'view', own: false };
const ROOM: Cal = { id: 'cal-room', kind: 'resource', staffId: null, name: 'Lokale 1', allowOverlap: false, reach: 'edit', own: false };
const MASSAGE: Service = {
  id: 'svc-massage', name: 'Massage', minutes: 45, bufferMinutes: 0, priceMinor: 45000, vat: 'exempt', colour: '#2e7d32', active: true, calendars: [],
};

function appointment(day: string, over: Partial<Appointment> = {}): Appointment {
  return {
    id: 'appt-1',
    calendarId: LARS.id,
    roomId: ROOM.id,
    clientId: 'client-ida',
    clientName: 'Ida Kristensen',
    serviceId: MASSAGE.id,
    serviceName: 'Massage',
    colour: '#2e7d32',
    seriesId: null,
    title: '',
    note: 'Tager sin datter med',
    // 08:00 UTC: 09:00 or 10:00 in Copenhagen, the same day.
    startsAt: `${day}T08:00:00Z`,
    endsAt: `${day}T08:45:00Z`,
    status: 'booked',
    lateCancel: false,
    cancelReason: null,
    consentMissing: false,
    ...over,
  };
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(
  calendars: Cal[] = [LARS, METTE, ROOM],
  extra: Partial<Appointment>[] = [{}],
  /** The absences a view brings, from the first day of the period asked for. */
  absences: (firstDay: string) => Absence[] = () => [],
) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd === 'list_calendars') return calendars;
    if (cmd === 'list_services') return [MASSAGE];
    if (cmd === 'working_hours') return [];
    if (cmd === 'calendar_view') {
      const day = a.firstDay as string;
      return { appointments: extra.map((o, i) => appointment(day, { id: `appt-${i + 1}`, ...o })), absences: absences(day), timeZone: 'Europe/Copenhagen' };
    }
    if (cmd === 'list_clients') return [{ id: 'client-ida', name: 'Ida Kristensen', phone: '12345678', email: '', createdAt: '', updatedAt: '', birthDate: null, address: '', receptionNote: '', active: true, nationalIdMasked: null }];
    if (cmd === 'book_appointment') return [appointment('2026-04-06', { id: 'new-1' })];
  });
  render(Calendar, { context: withSession() });
  return calls;
}

beforeEach(() => {
  localStorage.clear();
  // A fixed daytime moment: "today" is the same day in UTC (the test machine) and in
  // Copenhagen (the clinic); late in the UTC evening the two differ and the view's first
  // day moved under the tests. Only Date is faked; timers run as usual.
  vi.useFakeTimers({ now: new Date('2026-03-18T10:00:00Z'), toFake: ['Date'] });
});
afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
  vi.useRealTimers();
});

describe('the calendar', () => {
  it('shows one’s own calendar and, for an administrator, every staff calendar side by side', async () => {
    const calls = setup();
    const columns = await screen.findAllByTestId('calendar.column');
    expect(columns.map((c) => c.dataset.calendarId)).toEqual([LARS.id, METTE.id]);
    const view = calls.find((c) => c.cmd === 'calendar_view')!;
    expect(view.args.calendarIds).toEqual([LARS.id, METTE.id]);
    expect(view.args.days).toBe(1);
    // The appointment sits in Lars's column, coloured by its service, with its status.
    const appt = await screen.findByTestId('calendar.appointment');
    expect(columns[0]!.contains(appt)).toBe(true);
    expect(appt.dataset.clientId).toBe('client-ida');
    expect(appt.dataset.status).toBe('booked');
    expect(appt.textContent).toContain('Ida Kristensen');
    expect(appt.textContent).toContain('Massage');
    expect(appt.textContent).toContain('Lokale 1');
    // Booking is offered (Lars's calendar may be edited); empty slots only in his column.
    expect(screen.getByTestId('calendar.book')).toBeTruthy();
    expect(columns[0]!.querySelector('[data-testid="calendar.slot"]')).not.toBeNull();
    expect(columns[1]!.querySelector('[data-testid="calendar.slot"]')).toBeNull();
  });

  it('puts an appointment booked into a room in the room’s column too', async () => {
    setup();
    await screen.findByTestId('calendar.appointment');
    await fireEvent.click(screen.getAllByTestId('calendar.pick').find((p) => p.dataset.calendarId === ROOM.id)!);
    await waitFor(() => expect(screen.getAllByTestId('calendar.column')).toHaveLength(3));
    const room = screen.getAllByTestId('calendar.column').find((c) => c.dataset.calendarId === ROOM.id)!;
    await waitFor(() => expect(room.querySelector('[data-testid="calendar.appointment"]')).not.toBeNull());
    expect(screen.getAllByTestId('calendar.appointment')).toHaveLength(2);
    // The room's column says whose appointment it is.
    expect(room.textContent).toContain('Lars Holm');
  });

  it('offers no booking where one may only look', async () => {
    setup([{ ...METTE, own: false }], [{ calendarId: METTE.id, roomId: null }]);
    await screen.findByTestId('calendar.appointment');
    expect(screen.queryByTestId('calendar.book')).toBeNull();
    expect(document.querySelector('[data-testid="calendar.slot"]')).toBeNull();
    await fireEvent.click(screen.getByTestId('calendar.appointment'));
    await screen.findByTestId('appointment.details');
    for (const id of ['appointment.arrived', 'appointment.done', 'appointment.noShow', 'appointment.cancel', 'appointment.move']) {
      expect(screen.queryByTestId(id), id).toBeNull();
    }
  });

  it('asks for the ended appointments still booked in calendars one may change to be marked', async () => {
    // Now is 10:00 UTC; each appointment is 08:00–08:45 UTC today unless told otherwise.
    setup(
      [LARS, METTE],
      [
        {},
        { calendarId: METTE.id, roomId: null },
        { status: 'done' },
        { startsAt: '2026-03-18T11:00:00Z', endsAt: '2026-03-18T11:45:00Z' },
      ],
    );
    const notice = await screen.findByTestId('calendar.unmarked');
    expect(notice.dataset.count).toBe('1');
    expect(notice.textContent).toContain('1 appointment shown here has ended without being marked');
    const byId = (id: string) => screen.getAllByTestId('calendar.appointment').find((b) => b.dataset.appointmentId === id)!;
    expect(byId('appt-1').classList.contains('to-mark')).toBe(true);
    expect(byId('appt-1').title).toContain('Ended, not marked');
    for (const id of ['appt-2', 'appt-3', 'appt-4']) expect(byId(id).classList.contains('to-mark'), id).toBe(false);
  });

  it('shows a client one may not see as busy, without a name', async () => {
    setup([LARS], [{ clientName: null }]);
    const appt = await screen.findByTestId('calendar.appointment');
    expect(appt.textContent).toContain('Busy');
    expect(document.body.innerHTML).not.toContain('Ida');
  });
});

describe('privacy mode', () => {
  it('takes every full name out of the page — grid and details — and shows initials', async () => {
    setup();
    const appt = await screen.findByTestId('calendar.appointment');
    await fireEvent.click(appt);
    await screen.findByTestId('appointment.details');
    expect(document.body.innerHTML).toContain('Ida Kristensen');

    const eye = screen.getByTestId('calendar.privacy');
    expect(eye.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(eye);
    expect(eye.getAttribute('aria-pressed')).toBe('true');
    expect(document.body.innerHTML).not.toContain('Ida Kristensen');
    expect(document.body.innerHTML).not.toContain('Kristensen');
    expect(screen.getByTestId('calendar.appointment').textContent).toContain('I. K.');
    expect(screen.getByTestId('appointment.client').textContent).toBe('I. K.');
    // The note may name people too: hidden while names are.
    expect(document.body.innerHTML).not.toContain('datter');
    expect(document.title).not.toContain('Ida');
    // Remembered on this workstation.
    expect(localStorage.getItem(PRIVACY_KEY)).toBe('1');
  });

  it('turns on by itself when the window loses focus or is hidden, and starts as it was left', async () => {
    setup();
    await screen.findByTestId('calendar.appointment');
    expect(document.body.innerHTML).toContain('Ida Kristensen');
    // A blur while the document keeps focus (a select's list opening) changes nothing…
    const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    window.dispatchEvent(new Event('blur'));
    await new Promise((r) => setTimeout(r, 200));
    expect(document.body.innerHTML).toContain('Ida Kristensen');
    // …the window really losing focus does.
    hasFocus.mockReturnValue(false);
    window.dispatchEvent(new Event('blur'));
    await waitFor(() => expect(document.body.innerHTML).not.toContain('Ida Kristensen'));
    hasFocus.mockRestore();
    expect(screen.getByTestId('calendar.privacy').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('calendar.privacy'));
    expect(document.body.innerHTML).toContain('Ida Kristensen');
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(document.body.innerHTML).not.toContain('Ida Kristensen'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });

    cleanup();
    setup();
    await screen.findByTestId('calendar.appointment');
    expect(screen.getByTestId('calendar.privacy').getAttribute('aria-pressed')).toBe('true');
    expect(document.body.innerHTML).not.toContain('Ida Kristensen');
  });
});

describe('booking', () => {
  it('books a client with a practitioner as a weekly series from an empty slot', async () => {
    const calls = setup();
    await screen.findByTestId('calendar.appointment');
    const slot = screen.getAllByTestId('calendar.column')[0]!.querySelector<HTMLElement>('[data-testid="calendar.slot"][data-time="10:00"]')!;
    await fireEvent.click(slot);
    await screen.findByTestId('booking.dialog');
    expect((screen.getByTestId('booking.calendar') as HTMLSelectElement).value).toBe(LARS.id);
    expect((screen.getByTestId('booking.time') as HTMLInputElement).value).toBe('10:00');
    // Staff calendars first, only those one may edit (Mette's is view only).
    expect([...(screen.getByTestId('booking.calendar') as HTMLSelectElement).options].map((o) => o.value)).toEqual([LARS.id, ROOM.id]);

    await fireEvent.input(screen.getByTestId('booking.clientSearch'), { target: { value: 'Ida' } });
    await fireEvent.click(await screen.findByTestId('booking.clientOption', {}, { timeout: 2000 }));
    await fireEvent.change(screen.getByTestId('booking.service'), { target: { value: MASSAGE.id } });
    expect((screen.getByTestId('booking.minutes') as HTMLInputElement).value).toBe('45');
    await fireEvent.click(screen.getByTestId('booking.repeat'));
    await fireEvent.click(screen.getAllByTestId('booking.weekday').find((w) => w.dataset.weekday === '4')!);
    await fireEvent.input(screen.getByTestId('booking.times'), { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('booking.save'));

    await waitFor(() => expect(calls.some((c) => c.cmd === 'book_appointment')).toBe(true));
    const booking = calls.find((c) => c.cmd === 'book_appointment')!.args.booking as Record<string, unknown>;
    // The day shown when booking (the first view may use the computer's day before the clinic's zone is known).
    const booked = calls.findIndex((c) => c.cmd === 'book_appointment');
    const day = (calls.slice(0, booked).filter((c) => c.cmd === 'calendar_view').at(-1)!.args.firstDay as string);
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    expect(booking).toMatchObject({
      calendarId: LARS.id,
      clientId: 'client-ida',
      serviceId: MASSAGE.id,
      start: `${day}T10:00`,
      minutes: 45,
      repeat: { everyWeeks: 1, weekdays: [...new Set([weekday, 4])].sort(), untilDay: null, times: 6 },
    });
    await screen.findByTestId('calendar.notice');
    expect(screen.queryByTestId('booking.dialog')).toBeNull();
  });

  it('says which time is taken when the core refuses a double booking', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'list_calendars') return [LARS];
      if (cmd === 'list_services') return [MASSAGE];
      if (cmd === 'working_hours') return [];
      if (cmd === 'calendar_view') return { appointments: [], absences: [], timeZone: 'Europe/Copenhagen' };
      if (cmd === 'book_appointment') {
        throw {
          code: 'doubleBooked',
          message: 'the time is taken: Lars Holm is booked 2026-03-30 10:00–10:45',
          detail: { kind: 'takenBy', appointment: 'x', calendar: 'Lars Holm', starts: '2026-03-30T10:00', ends: '2026-03-30T10:45' },
        };
      }
      return args;
    });
    render(Calendar, { context: withSession({ me: { ...OWNER } }) });
    await fireEvent.click(await screen.findByTestId('calendar.book'));
    await fireEvent.click(screen.getByTestId('booking.noClient'));
    await fireEvent.input(screen.getByTestId('booking.title'), { target: { value: 'Møde' } });
    await fireEvent.input(screen.getByTestId('booking.time'), { target: { value: '10:00' } });
    await fireEvent.input(screen.getByTestId('booking.minutes'), { target: { value: '30' } });
    await fireEvent.click(screen.getByTestId('booking.save'));
    const error = await screen.findByTestId('booking.error');
    expect(error.textContent).toBe('That time is taken: Lars Holm is booked on 30 March 2026 from 10:00 to 10:45.');
  });
});

describe('absences', () => {
  it('puts a labelled band at the top of the column of a calendar away on the day shown, and only there', async () => {
    // Lars is on holiday from two days before the day shown to the day itself.
    setup([LARS, METTE], [{}], (first) => [
      { id: 'abs-1', calendarId: LARS.id, firstDay: addDays(first, -2), lastDay: first, kind: 'holiday', note: 'Mallorca' },
      { id: 'abs-2', calendarId: METTE.id, firstDay: addDays(first, 1), lastDay: addDays(first, 3), kind: 'sick', note: '' },
    ]);
    const columns = await screen.findAllByTestId('calendar.column');
    const band = await screen.findByTestId('calendar.absence');
    const day = columns[0]!.dataset.day!;
    expect(band.dataset.calendarId).toBe(LARS.id);
    expect(band.dataset.day).toBe(day);
    expect(band.textContent).toContain('Holiday');
    expect(band.textContent).toContain('Mallorca');
    // Mette's sickness starts tomorrow: no band today.
    expect(screen.getAllByTestId('calendar.absence')).toHaveLength(1);
    // The band heads Lars's column (same position among the headings), and the column is shaded.
    const headings = [...document.querySelectorAll('.colhead')];
    expect(headings[0]!.contains(band)).toBe(true);
    expect(columns[0]!.classList.contains('away')).toBe(true);
    expect(columns[1]!.classList.contains('away')).toBe(false);
    // Privacy mode leaves the kind and hides the note.
    await fireEvent.click(screen.getByTestId('calendar.privacy'));
    expect(screen.getByTestId('calendar.absence').textContent).toContain('Holiday');
    expect(document.body.innerHTML).not.toContain('Mallorca');
  });

  it('says in the week whose calendar is away on which days, and marks the days of the month', async () => {
    setup([LARS, METTE], [{}], (first) => [
      { id: 'abs-1', calendarId: METTE.id, firstDay: addDays(first, 1), lastDay: addDays(first, 2), kind: 'sick', note: '' },
    ]);
    await screen.findAllByTestId('calendar.column');
    await fireEvent.click(screen.getByTestId('calendar.view.week'));
    await waitFor(() => expect(screen.getAllByTestId('calendar.absence')).toHaveLength(2));
    const days = screen.getAllByTestId('calendar.weekDay').map((c) => c.dataset.day!);
    const bands = screen.getAllByTestId('calendar.absence');
    expect(bands.map((b) => b.dataset.day)).toEqual([days[1], days[2]]);
    for (const b of bands) {
      expect(b.dataset.calendarId).toBe(METTE.id);
      expect(b.textContent).toContain('Off sick');
      expect(b.textContent).toContain('Mette Berg');
    }

    await fireEvent.click(screen.getByTestId('calendar.view.month'));
    await waitFor(() => expect(screen.getAllByTestId('calendar.monthAbsence')).toHaveLength(2));
    const first = screen.getAllByTestId('calendar.monthDay')[0]!.dataset.day!;
    const marks = screen.getAllByTestId('calendar.monthAbsence');
    expect(marks.map((m) => m.dataset.day)).toEqual([addDays(first, 1), addDays(first, 2)]);
    expect(marks[0]!.textContent).toBe('Mette Berg: Off sick');
    const marked = screen.getAllByTestId('calendar.monthDay').find((d) => d.dataset.day === addDays(first, 1))!;
    expect(marked.getAttribute('aria-label')).toContain('Mette Berg: Off sick');
  });
});

describe('a missing consent', () => {
  it('marks, in words, the appointments of a client without a required consent: in the grid, the details and the month', async () => {
    setup(
      [LARS, METTE],
      [
        { consentMissing: true },
        { calendarId: METTE.id, roomId: null, clientId: 'client-bo', clientName: 'Bo Lund' },
        // A cancelled appointment needs no consent: no mark.
        { calendarId: METTE.id, roomId: null, clientId: 'client-eva', clientName: 'Eva Dahl', status: 'cancelled', consentMissing: true },
      ],
    );
    await waitFor(() => expect(screen.getAllByTestId('calendar.appointment')).toHaveLength(3));
    const marks = screen.getAllByTestId('calendar.consentMissing');
    expect(marks).toHaveLength(1);
    const ida = screen.getAllByTestId('calendar.appointment').find((a) => a.dataset.appointmentId === 'appt-1')!;
    expect(ida.contains(marks[0]!)).toBe(true);
    // Named for a screen reader (not a colour or a sign alone), and so part of the button's name.
    expect(screen.getByRole('img', { name: 'Consent missing' })).toBe(marks[0]);
    expect(screen.getByRole('button', { name: /Ida Kristensen.*Consent missing|Consent missing.*Ida Kristensen/ })).toBe(ida);
    expect(ida.getAttribute('title')).toContain('Consent missing');

    await fireEvent.click(ida);
    const details = await screen.findByTestId('appointment.consentMissing');
    expect(details.textContent).toContain('A required consent is missing: record it on the client’s page.');
    expect(details.querySelector('[data-testid="calendar.consentMissing"]')?.getAttribute('aria-label')).toBe('Consent missing');
    await fireEvent.click(screen.getByTestId('appointment.close'));

    await fireEvent.click(screen.getByTestId('calendar.view.month'));
    await waitFor(() => expect(screen.getAllByTestId('calendar.consentMissing')).toHaveLength(1));
    const first = screen.getAllByTestId('calendar.monthDay')[0]!;
    expect(first.contains(screen.getByTestId('calendar.consentMissing'))).toBe(true);
    expect(first.getAttribute('aria-label')).toContain('2 appointments; 1 appointment with a consent missing');
  });
});
