import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Calendar as Cal } from '../backend';
import { withSession } from '../testing';
import Calendar from './Calendar.svelte';

// axe-core (the engine of the e2e suite's accessibility pass) over each of the calendar's
// screens and dialogs as a unit test renders them, so a missing name or a wrong role is
// caught before the real window. jsdom lays nothing out: colour contrast is left to the
// e2e pass.
afterEach(() => {
  cleanup();
  clearMocks();
});

const CALENDARS: Cal[] = [
  { id: 'c1', kind: 'staff', staffId: 's', name: 'Lars Holm', allowOverlap: false, reach: 'edit', own: true },
  { id: 'c2', kind: 'resource', staffId: null, name: 'Lokale 1', allowOverlap: false, reach: 'edit', own: false },
];

async function problems(screenName: string): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations.map((v) => `[${screenName}] ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 100)).join(' | ')}`);
}

describe('the calendar’s accessibility', () => {
  it('has no WCAG 2.1 A/AA problem axe can find without layout, on any screen or dialog', async () => {
    mockIPC((cmd, args) => {
      const day = (args as Record<string, unknown>).firstDay as string;
      if (cmd === 'list_calendars') return CALENDARS;
      if (cmd === 'list_services') {
        return [{ id: 'sv', name: 'Massage', minutes: 45, bufferMinutes: 0, priceMinor: 45000, vat: 'exempt', colour: '#c62828', active: true, calendars: [] }];
      }
      if (cmd === 'working_hours') return [{ weekday: 1, startMin: 480, endMin: 960 }];
      if (cmd === 'calendar_view') {
        return {
          timeZone: 'Europe/Copenhagen',
          absences: [{ id: 'x', calendarId: 'c1', firstDay: day, lastDay: day, kind: 'holiday', note: '' }],
          // Her required consent is missing: the mark in the grid, the month and the details is checked too.
          appointments: [
            {
              id: 'a', calendarId: 'c1', roomId: 'c2', clientId: 'k', clientName: 'Ida Kristensen', serviceId: 'sv', serviceName: 'Massage',
              colour: '#c62828', seriesId: 'series', title: '', note: 'Note', startsAt: `${day}T08:00:00Z`, endsAt: `${day}T09:00:00Z`,
              status: 'arrived', lateCancel: false, cancelReason: null, consentMissing: true,
            },
          ],
        };
      }
      if (cmd === 'list_clients') return [];
    });
    render(Calendar, { context: withSession() });
    await screen.findByTestId('calendar.appointment');
    const found = await problems('day');
    await fireEvent.click(screen.getByTestId('calendar.view.week'));
    await screen.findAllByTestId('calendar.weekDay');
    found.push(...(await problems('week')));
    await fireEvent.click(screen.getByTestId('calendar.view.month'));
    await screen.findAllByTestId('calendar.monthDay');
    found.push(...(await problems('month')));
    await fireEvent.click(screen.getByTestId('calendar.view.day'));
    await fireEvent.click(await screen.findByTestId('calendar.appointment'));
    found.push(...(await problems('appointment')));
    await fireEvent.click(screen.getByTestId('appointment.move'));
    found.push(...(await problems('move')));
    await fireEvent.click(screen.getByTestId('appointment.close'));
    await fireEvent.click(screen.getByTestId('calendar.book'));
    await fireEvent.click(screen.getByTestId('booking.repeat'));
    found.push(...(await problems('booking')));
    await fireEvent.click(screen.getByTestId('booking.cancel'));
    await fireEvent.click(screen.getByTestId('calendar.print'));
    found.push(...(await problems('print')));
    await fireEvent.click(screen.getByTestId('print.cancel'));
    await fireEvent.click(screen.getByTestId('calendar.exportIcs'));
    found.push(...(await problems('export')));
    await fireEvent.click(screen.getByTestId('export.close'));
    await fireEvent.click(screen.getByTestId('calendar.settings'));
    await fireEvent.click(await screen.findByTestId('service.edit'));
    await fireEvent.change(screen.getByTestId('hours.calendar'), { target: { value: 'c1' } });
    await screen.findByTestId('hours.row');
    // The absence form and each calendar's overlap box are on the screen axe looks at.
    expect(screen.getAllByTestId('calendarSettings.overlap')).toHaveLength(CALENDARS.length);
    expect(screen.getByTestId('absence.save')).toBeTruthy();
    found.push(...(await problems('settings')));
    expect(found).toEqual([]);
  });
});
