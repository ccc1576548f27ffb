import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  hourRange,
  isoWeek,
  isoWeekday,
  lanes,
  parsePrice,
  parseTime,
  periodOf,
  repeatInput,
  segmentOn,
  step,
  tint,
  todayIn,
  weekStart,
  zoned,
  type RepeatForm,
} from './time';
import { initials } from './format';
import { itemsFor } from './grid';
import type { Appointment } from '../backend';

const CPH = 'Europe/Copenhagen';

describe('the local day and time of a UTC instant in the clinic zone', () => {
  it('counts in the clinic zone, not the computer’s (these tests run in UTC)', () => {
    // 23:30 UTC on 28 March is 00:30 on the 29th in Copenhagen (CET, UTC+1).
    expect(zoned('2026-03-28T23:30:00Z', CPH)).toEqual({ day: '2026-03-29', minutes: 30 });
    expect(zoned('2026-03-28T23:30:00Z', 'UTC')).toEqual({ day: '2026-03-28', minutes: 23 * 60 + 30 });
    expect(todayIn(CPH, new Date('2026-12-31T23:15:00Z'))).toBe('2027-01-01');
  });

  it('keeps 10:00 at 10:00 across the March change (02:00 → 03:00 on 29 March 2026)', () => {
    // Before: CET, UTC+1.
    expect(zoned('2026-03-28T09:00:00Z', CPH)).toEqual({ day: '2026-03-28', minutes: 600 });
    // The night itself: 00:59 UTC is 01:59 CET, 01:00 UTC is already 03:00 CEST.
    expect(zoned('2026-03-29T00:59:00Z', CPH)).toEqual({ day: '2026-03-29', minutes: 119 });
    expect(zoned('2026-03-29T01:00:00Z', CPH)).toEqual({ day: '2026-03-29', minutes: 180 });
    // After: CEST, UTC+2 — the weekly 10:00 is now 08:00 UTC.
    expect(zoned('2026-03-30T08:00:00Z', CPH)).toEqual({ day: '2026-03-30', minutes: 600 });
    expect(zoned('2026-04-06T08:00:00Z', 'Europe/Stockholm')).toEqual({ day: '2026-04-06', minutes: 600 });
    expect(zoned('2026-04-06T08:00:00Z', 'Europe/Oslo')).toEqual({ day: '2026-04-06', minutes: 600 });
  });

  it('places the October night’s two 02:30s on the same day (03:00 → 02:00 on 25 October 2026)', () => {
    expect(zoned('2026-10-25T00:30:00Z', CPH)).toEqual({ day: '2026-10-25', minutes: 150 });
    expect(zoned('2026-10-25T01:30:00Z', CPH)).toEqual({ day: '2026-10-25', minutes: 150 });
    // 22:30 UTC on the 24th is still 00:30 CEST on the 25th.
    expect(zoned('2026-10-24T22:30:00Z', CPH)).toEqual({ day: '2026-10-25', minutes: 30 });
  });

  it('places an appointment on its local day, and one past midnight on both days', () => {
    const a = { startsAt: '2026-03-28T23:30:00Z', endsAt: '2026-03-29T00:15:00Z' };
    expect(segmentOn(a, '2026-03-28', CPH)).toBeNull();
    expect(segmentOn(a, '2026-03-29', CPH)).toEqual({ from: 30, to: 75 });
    // Over the March night: 01:30 CET to 03:30 CEST is one hour, shown by the clock.
    expect(segmentOn({ startsAt: '2026-03-29T00:30:00Z', endsAt: '2026-03-29T01:30:00Z' }, '2026-03-29', CPH)).toEqual({
      from: 90,
      to: 210,
    });
    const late = { startsAt: '2026-06-01T20:30:00Z', endsAt: '2026-06-01T23:00:00Z' }; // 22:30 to 01:00 CEST
    expect(segmentOn(late, '2026-06-01', CPH)).toEqual({ from: 22 * 60 + 30, to: 1440 });
    expect(segmentOn(late, '2026-06-02', CPH)).toEqual({ from: 0, to: 60 });
    const toMidnight = { startsAt: '2026-06-01T21:00:00Z', endsAt: '2026-06-01T22:00:00Z' }; // 23:00 to 00:00
    expect(segmentOn(toMidnight, '2026-06-01', CPH)).toEqual({ from: 1380, to: 1440 });
    expect(segmentOn(toMidnight, '2026-06-02', CPH)).toBeNull();
  });

  it('puts an appointment in its calendar’s column and its room’s, once each', () => {
    const base = {
      clientId: null, clientName: null, serviceId: null, serviceName: null, colour: null, seriesId: null,
      title: 'Møde', note: '', status: 'booked', lateCancel: false, cancelReason: null, consentMissing: false,
    } as const;
    const list: Appointment[] = [
      { ...base, id: 'a', calendarId: 'lars', roomId: 'room1', startsAt: '2026-03-30T08:00:00Z', endsAt: '2026-03-30T09:00:00Z' },
      { ...base, id: 'b', calendarId: 'mette', roomId: null, startsAt: '2026-03-30T08:30:00Z', endsAt: '2026-03-30T09:00:00Z' },
    ];
    expect(itemsFor(list, new Set(['lars']), '2026-03-30', CPH).map((i) => i.appointment.id)).toEqual(['a']);
    expect(itemsFor(list, new Set(['room1']), '2026-03-30', CPH).map((i) => i.appointment.id)).toEqual(['a']);
    const week = itemsFor(list, new Set(['lars', 'room1', 'mette']), '2026-03-30', CPH);
    expect(week.map((i) => [i.appointment.id, i.from, i.lane, i.lanes])).toEqual([
      ['a', 600, 0, 2],
      ['b', 630, 1, 2],
    ]);
    expect(itemsFor(list, new Set(['lars']), '2026-03-31', CPH)).toEqual([]);
  });
});

describe('days and weeks', () => {
  it('starts the week on Monday', () => {
    expect(isoWeekday('2026-03-30')).toBe(1);
    expect(isoWeekday('2026-03-29')).toBe(7);
    expect(weekStart('2026-03-29')).toBe('2026-03-23');
    expect(weekStart('2026-03-30')).toBe('2026-03-30');
    expect(weekStart('2027-01-01')).toBe('2026-12-28');
    expect(periodOf('week', '2026-04-02')).toEqual({ first: '2026-03-30', days: 7 });
    expect(periodOf('day', '2026-04-02')).toEqual({ first: '2026-04-02', days: 1 });
    // A month grid: six weeks from the Monday on or before the 1st.
    expect(periodOf('month', '2026-03-17')).toEqual({ first: '2026-02-23', days: 42 });
    expect(periodOf('month', '2026-06-30')).toEqual({ first: '2026-06-01', days: 42 });
  });

  it('numbers weeks as Nordic calendars do (ISO 8601)', () => {
    expect(isoWeek('2026-01-01')).toBe(1);
    expect(isoWeek('2026-03-30')).toBe(14);
    expect(isoWeek('2026-12-31')).toBe(53);
    expect(isoWeek('2021-01-03')).toBe(53);
    expect(isoWeek('2024-12-30')).toBe(1);
  });

  it('steps a day, a week or a month', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(step('day', '2026-12-31', 1)).toBe('2027-01-01');
    expect(step('week', '2026-03-25', -1)).toBe('2026-03-18');
    expect(step('month', '2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
  });
});

describe('the rest of the calendar’s helpers', () => {
  it('writes a name as initials for privacy mode', () => {
    expect(initials('Ida Kristensen')).toBe('I. K.');
    expect(initials('  åse  marie   Ødegård ')).toBe('Å. M. Ø.');
    expect(initials('Lars')).toBe('L.');
    expect(initials('Anne-Marie Holm')).toBe('A. H.');
    expect(initials('')).toBe('?');
  });

  it('turns the repeat fields into the series the core is sent', () => {
    const form: RepeatForm = { on: true, everyWeeks: 2, weekdays: [4, 1, 1], end: 'times', times: 10, until: '' };
    expect(repeatInput(form, '2026-03-30')).toEqual({ everyWeeks: 2, weekdays: [1, 4], untilDay: null, times: 10 });
    expect(repeatInput({ ...form, end: 'until', until: '2026-06-30' }, '2026-03-30')).toEqual({
      everyWeeks: 2,
      weekdays: [1, 4],
      untilDay: '2026-06-30',
      times: null,
    });
    // The first appointment's weekday (here a Thursday) is always one of them.
    expect(repeatInput({ ...form, weekdays: [], everyWeeks: 0 }, '2026-04-02')).toEqual({
      everyWeeks: 1,
      weekdays: [4],
      untilDay: null,
      times: 10,
    });
    expect(repeatInput({ ...form, weekdays: [0, 8, 3] }, '2026-04-02')?.weekdays).toEqual([3, 4]);
    expect(repeatInput({ ...form, on: false }, '2026-03-30')).toBeNull();
  });

  it('places overlapping appointments side by side', () => {
    expect(
      lanes([
        { from: 600, to: 660 },
        { from: 630, to: 690 },
        { from: 660, to: 720 },
        { from: 800, to: 830 },
      ]),
    ).toEqual([
      { lane: 0, lanes: 2 },
      { lane: 1, lanes: 2 },
      { lane: 0, lanes: 2 },
      { lane: 0, lanes: 1 },
    ]);
  });

  it('shows the hours from the earliest working hour to the latest, widened for appointments', () => {
    const hours = [
      { weekday: 1, startMin: 8 * 60 + 30, endMin: 16 * 60 },
      { weekday: 2, startMin: 10 * 60, endMin: 19 * 60 + 15 },
    ];
    expect(hourRange(hours, [1], [])).toEqual({ first: 8, last: 16 });
    expect(hourRange(hours, [1, 2, 3], [])).toEqual({ first: 8, last: 20 });
    // Saturday: nobody works, so the week's hours.
    expect(hourRange(hours, [6], [])).toEqual({ first: 8, last: 20 });
    expect(hourRange([], [1], [])).toEqual({ first: 7, last: 18 });
    expect(hourRange([], [1], [{ from: 6 * 60 + 45, to: 20 * 60 + 10 }])).toEqual({ first: 6, last: 21 });
  });

  it('reads a typed time and a price in kroner', () => {
    expect(parseTime('9')).toBe('09:00');
    expect(parseTime('9:30')).toBe('09:30');
    expect(parseTime('09.30')).toBe('09:30');
    expect(parseTime('930')).toBe('09:30');
    expect(parseTime('1745')).toBe('17:45');
    expect(parseTime('24:00')).toBeNull();
    expect(parseTime('9:75')).toBeNull();
    expect(parseTime('ni')).toBeNull();
    expect(parsePrice('450')).toBe(45000);
    expect(parsePrice('450,50')).toBe(45050);
    expect(parsePrice('1.250,00')).toBe(125000);
    expect(parsePrice('1 250')).toBe(125000);
    expect(parsePrice('')).toBe(0);
    expect(parsePrice('4,505')).toBeNull();
    expect(parsePrice('abc')).toBeNull();
  });

  it('tints a service colour for a readable background, and refuses what is not a colour', () => {
    expect(tint('#ff0000')).toEqual({ bar: '#ff0000', bg: 'rgb(255, 209, 209)' });
    expect(tint('red; background: url(x)').bar).toBe('#146e78');
    expect(tint(null).bar).toBe('#146e78');
  });
});
