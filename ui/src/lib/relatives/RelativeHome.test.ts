import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { BoundClient, Definition, Me, RelativeAppointment, Schedule } from '../backend';
import { addMonths, todayIn } from '../calendar/time';
import { setLanguage } from '../i18n/index.svelte';
import { OWNER, withSession } from '../testing';
import RelativeHome from './RelativeHome.svelte';

// Mette Berg, the mother of Karen (a child client), signed in: no rights, no features.
const METTE: Me = { ...OWNER, staffId: 'r1', name: 'Mette Berg', email: 'mette@example.dk', isOwner: false, isAdmin: false, canViewAudit: false, features: [], relative: true };
const ZONE = 'Europe/Copenhagen';

const KAREN: BoundClient = { id: 'k1', name: 'Karen Berg', appointments: true, schedule: true, reports: true, timeZone: ZONE };
const EMIL: BoundClient = { id: 'k2', name: 'Emil Berg', appointments: true, schedule: false, reports: false, timeZone: ZONE };

const PAST: RelativeAppointment = { startsAt: '2026-02-03T08:30:00Z', endsAt: '2026-02-03T09:15:00Z', service: 'Fysioterapi', practitioner: 'Lars Holm', status: 'done' };
const COMING: RelativeAppointment = { startsAt: '2026-04-14T12:00:00Z', endsAt: '2026-04-14T12:45:00Z', service: null, practitioner: 'Ida Kristensen', status: 'booked' };

const SCHEDULE: Schedule = {
  clientName: 'Karen Berg', from: '2026-03-30', to: '2026-05-10', weeks: 6, timeZone: ZONE,
  appointments: [COMING, { ...COMING, startsAt: '2026-04-21T12:00:00Z', endsAt: '2026-04-21T12:45:00Z', service: 'Fysioterapi' }],
};

const REPORT: Definition = {
  id: 'r-1', name: 'Karen’s visits', preset: 'appointments', columns: ['date', 'time', 'service'], period: 'thisYear',
  fixedFrom: null, fixedTo: null, visibleTo: [], forRelatives: true, active: true,
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(clients: BoundClient[] = [KAREN], me: Me = METTE) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'relative_home':
        return clients;
      case 'relative_appointments':
        return a.clientId === 'k1' ? [PAST, COMING] : [PAST];
      case 'relative_schedule':
        return SCHEDULE;
      case 'my_reports':
        return [REPORT];
    }
    return null;
  });
  render(RelativeHome, { context: withSession({ me }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent?.trim());

// The zone last seen on this workstation is not the clinic's: the client's page says which it is.
beforeEach(() => localStorage.setItem('klinik.calendar.zone', 'America/New_York'));
afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('a relative’s window', () => {
  it('shows the one bound client by name, without a choice of clients', async () => {
    setup();
    expect((await screen.findByTestId('relative.client-name')).textContent).toBe('Karen Berg');
    expect(screen.getByTestId('relative.home')).toBeTruthy();
    expect(screen.queryByTestId('relative.client')).toBeNull();
  });

  it('shows the client’s appointments, past and coming, three months back to three ahead, in the clinic’s zone', async () => {
    const { calls } = setup();
    const rows = await screen.findAllByTestId('relative.appointment');
    const today = todayIn(ZONE);
    expect(of(calls, 'relative_appointments')).toEqual([{ clientId: 'k1', from: addMonths(today, -3), to: addMonths(today, 3) }]);
    expect(rows.map(cells)).toEqual([
      ['Tuesday, 3 February 2026', '09:30–10:15', 'Fysioterapi', 'Lars Holm', 'Done'],
      ['Tuesday, 14 April 2026', '14:00–14:45', '—', 'Ida Kristensen', 'Booked'],
    ]);
  });

  it('shows the times in the zone the clinic gives with the client, whatever this computer last saw', async () => {
    const { calls } = setup([{ ...KAREN, timeZone: 'Atlantic/Reykjavik' }]);
    const rows = await screen.findAllByTestId('relative.appointment');
    expect(rows.map((r) => cells(r)[1])).toEqual(['08:30–09:15', '12:00–12:45']);
    const today = todayIn('Atlantic/Reykjavik');
    expect(of(calls, 'relative_appointments')).toEqual([{ clientId: 'k1', from: addMonths(today, -3), to: addMonths(today, 3) }]);
  });

  it('writes the appointments in the UI language, statuses too', async () => {
    setLanguage('da');
    setup();
    const rows = await screen.findAllByTestId('relative.appointment');
    expect(cells(rows[0]!)).toEqual(['tirsdag den 3. februar 2026', '09.30–10.15', 'Fysioterapi', 'Lars Holm', 'Gennemført']);
    expect(cells(rows[1]!)[4]).toBe('Booket');
  });

  it('asks again for the days typed', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('relative.appointment');
    for (const [id, day] of [['relative.from', '2025-01-01'], ['relative.to', '2025-06-30']] as const) {
      await fireEvent.input(screen.getByTestId(id), { target: { value: day } });
      await fireEvent.blur(screen.getByTestId(id));
    }
    await fireEvent.click(screen.getByTestId('relative.load'));
    await waitFor(() => expect(of(calls, 'relative_appointments').at(-1)).toEqual({ clientId: 'k1', from: '2025-01-01', to: '2025-06-30' }));
  });

  it('shows only what the binding reaches', async () => {
    const { calls } = setup([{ ...KAREN, schedule: false, reports: false }]);
    await screen.findAllByTestId('relative.appointment');
    expect(screen.queryByTestId('relative.weeks')).toBeNull();
    expect(screen.queryByTestId('relative.show-schedule')).toBeNull();
    expect(screen.queryByTestId('reports')).toBeNull();
    expect(of(calls, 'my_reports')).toEqual([]);
    cleanup();

    const second = setup([{ ...KAREN, appointments: false, schedule: false, reports: true }]);
    expect((await screen.findAllByTestId('reports.item')).map((i) => i.dataset.reportId)).toEqual(['r-1']);
    expect(screen.queryByTestId('relative.appointments')).toBeNull();
    expect(screen.queryByTestId('relative.from')).toBeNull();
    expect(screen.queryByTestId('relative.weeks')).toBeNull();
    expect(of(second.calls, 'relative_appointments')).toEqual([]);
    // My page's administration is not offered to a relative.
    expect(screen.queryByTestId('reports.manage')).toBeNull();
  });

  it('shows the schedule for the weeks typed, titled with the client and its days, and prints the table', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const { calls } = setup();
    const weeks = (await screen.findByTestId('relative.weeks')) as HTMLInputElement;
    expect(weeks.value).toBe('4');
    await fireEvent.input(weeks, { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('relative.show-schedule'));
    const rows = await screen.findAllByTestId('relative.schedule-row');
    expect(of(calls, 'relative_schedule')).toEqual([{ clientId: 'k1', weeks: 6 }]);
    expect(screen.getByTestId('relative.schedule-title').textContent?.trim()).toBe('Appointments for Karen Berg: 30 March 2026 – 10 May 2026');
    expect(rows.map(cells)).toEqual([
      ['Tuesday, 14 April 2026', '14:00–14:45', '—', 'Ida Kristensen'],
      ['Tuesday, 21 April 2026', '14:00–14:45', 'Fysioterapi', 'Ida Kristensen'],
    ]);
    expect(screen.getByTestId('relative.schedule').getAttribute('aria-labelledby')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('relative.print'));
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    // Only the table goes on paper while the schedule prints.
    expect(screen.getByTestId('relative.home').classList.contains('printing-schedule')).toBe(true);
    window.dispatchEvent(new Event('afterprint'));
    await waitFor(() => expect(screen.getByTestId('relative.home').classList.contains('printing-schedule')).toBe(false));
  });

  it('refuses a number of weeks the core would not take, without asking it', async () => {
    const { calls } = setup();
    await fireEvent.input(await screen.findByTestId('relative.weeks'), { target: { value: '27' } });
    await fireEvent.click(screen.getByTestId('relative.show-schedule'));
    expect(screen.getByTestId('relative.schedule-error').textContent).toBe('Choose between 1 and 26 weeks.');
    expect(of(calls, 'relative_schedule')).toEqual([]);
  });

  it('lets a relative of several clients choose one, and shows that client’s parts', async () => {
    const { calls } = setup([KAREN, EMIL]);
    await screen.findAllByTestId('relative.appointment');
    const choose = screen.getByTestId('relative.client') as HTMLSelectElement;
    expect([...choose.options].map((o) => o.textContent)).toEqual(['Karen Berg', 'Emil Berg']);
    await fireEvent.change(choose, { target: { value: 'k2' } });
    await waitFor(() => expect(screen.getByTestId('relative.client-name').textContent).toBe('Emil Berg'));
    await waitFor(() => expect(screen.getAllByTestId('relative.appointment')).toHaveLength(1));
    expect(of(calls, 'relative_appointments').at(-1)).toMatchObject({ clientId: 'k2' });
    expect(screen.queryByTestId('relative.weeks')).toBeNull();
    expect(screen.queryByTestId('reports')).toBeNull();
  });

  it('asks the window what to show when the session has ended (the binding was ended)', async () => {
    let refreshed = 0;
    mockIPC((cmd) => {
      if (cmd === 'relative_home') throw { code: 'notLoggedIn', message: 'not logged in' };
    });
    render(RelativeHome, { context: withSession({ me: METTE, refresh: () => refreshed++ }) });
    await waitFor(() => expect(refreshed).toBe(1));
    expect(screen.queryByTestId('relative.error')).toBeNull();
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout', async () => {
    setup();
    await screen.findAllByTestId('relative.appointment');
    await fireEvent.click(screen.getByTestId('relative.show-schedule'));
    await screen.findAllByTestId('relative.schedule-row');
    await screen.findAllByTestId('reports.item');
    const result = await axe.run(document.body, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
    });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`)).toEqual([]);
  });
});
