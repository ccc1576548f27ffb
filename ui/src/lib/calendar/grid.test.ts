import { describe, expect, it } from 'vitest';
import type { Absence, Appointment } from '../backend';
import { absencesByDay, covers, unmarked } from './grid';
import { daysOf } from './time';

function absence(id: string, calendarId: string, firstDay: string, lastDay: string, kind = 'holiday'): Absence {
  return { id, calendarId, firstDay, lastDay, kind, note: '' };
}

describe('absences on the days of a view', () => {
  it('covers its first and last day and every day between, as local days', () => {
    const a = absence('a', 'c1', '2026-03-30', '2026-04-01');
    expect(covers(a, '2026-03-29')).toBe(false);
    expect(covers(a, '2026-03-30')).toBe(true);
    expect(covers(a, '2026-03-31')).toBe(true);
    expect(covers(a, '2026-04-01')).toBe(true);
    expect(covers(a, '2026-04-02')).toBe(false);
    // One day: first and last the same.
    expect(covers(absence('b', 'c1', '2026-12-31', '2026-12-31'), '2026-12-31')).toBe(true);
  });

  it('puts an absence on each day of a week it covers, also when it starts before the week and ends after it', () => {
    const week = daysOf('2026-03-30', 7);
    const byDay = absencesByDay(
      [absence('long', 'c1', '2026-03-01', '2026-04-30'), absence('mid', 'c2', '2026-04-01', '2026-04-02', 'sick')],
      ['c1', 'c2'],
      week,
    );
    expect([...byDay.keys()]).toEqual(week);
    expect(week.map((d) => byDay.get(d)!.map((a) => a.id))).toEqual([
      ['long'],
      ['long'],
      ['long', 'mid'],
      ['long', 'mid'],
      ['long'],
      ['long'],
      ['long'],
    ]);
  });

  it('leaves out calendars not shown, gives an empty list for a day without any, and orders by the calendars shown', () => {
    const byDay = absencesByDay(
      [
        absence('other', 'c9', '2026-04-01', '2026-04-01'),
        absence('second', 'c2', '2026-04-01', '2026-04-01'),
        absence('first-late', 'c1', '2026-04-01', '2026-04-03'),
        absence('first-early', 'c1', '2026-03-31', '2026-04-01', 'other'),
      ],
      ['c1', 'c2'],
      ['2026-03-31', '2026-04-01', '2026-04-04'],
    );
    expect(byDay.get('2026-03-31')!.map((a) => a.id)).toEqual(['first-early']);
    expect(byDay.get('2026-04-01')!.map((a) => a.id)).toEqual(['first-early', 'first-late', 'second']);
    expect(byDay.get('2026-04-04')).toEqual([]);
  });

  it('compares the days as days across a month and a year (strings, not instants)', () => {
    const byDay = absencesByDay([absence('newyear', 'c1', '2026-12-31', '2027-01-01')], ['c1'], ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect([...byDay.values()].map((list) => list.length)).toEqual([0, 1, 1, 0]);
  });
});

describe('appointments to mark', () => {
  const at = (id: string, calendarId: string, endsAt: string, status: Appointment['status'], clientId: string | null = 'c-1') =>
    ({ id, calendarId, clientId, endsAt, status }) as Appointment;
  const now = Date.parse('2026-12-01T12:00:00Z');
  const editable = new Set(['lars']);

  it('names the ended, still booked or arrived appointments with a client in calendars one may change', () => {
    const list = [
      at('ended-booked', 'lars', '2026-12-01T11:00:00Z', 'booked'),
      at('ended-arrived', 'lars', '2026-12-01T12:00:00Z', 'arrived'),
      at('ended-done', 'lars', '2026-12-01T09:00:00Z', 'done'),
      at('ended-noshow', 'lars', '2026-11-30T09:00:00Z', 'noShow'),
      at('ended-cancelled', 'lars', '2026-11-30T09:00:00Z', 'cancelled'),
      at('still-running', 'lars', '2026-12-01T12:30:00Z', 'booked'),
      at('no-client', 'lars', '2026-12-01T08:00:00Z', 'booked', null),
      at('someone-elses', 'sofie', '2026-12-01T08:00:00Z', 'booked'),
    ];
    expect(unmarked(list, editable, now).map((a) => a.id)).toEqual(['ended-booked', 'ended-arrived']);
  });
});
