import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Calendar as Cal } from '../backend';
import { withSession } from '../testing';
import CalendarSettings from './CalendarSettings.svelte';

const LARS: Cal = { id: 'cal-lars', kind: 'staff', staffId: 'lars', name: 'Lars Holm', allowOverlap: false, reach: 'edit', own: true };
const ROOM: Cal = { id: 'cal-room', kind: 'resource', staffId: null, name: 'Træningssal', allowOverlap: true, reach: 'edit', own: false };

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(refuse: Partial<Record<string, unknown>> = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    if (cmd in refuse) throw refuse[cmd];
    if (cmd === 'list_services') return [];
    if (cmd === 'working_hours') return [];
    return null;
  });
  const onChanged = vi.fn();
  render(CalendarSettings, {
    props: { calendars: [LARS, ROOM], onChanged, onHoursChanged: () => {}, onBack: () => {} },
    context: withSession(),
  });
  return { calls, onChanged };
}

afterEach(() => {
  cleanup();
  clearMocks();
});

const box = (id: string) => screen.getAllByTestId('calendarSettings.overlap').find((b) => b.dataset.calendarId === id) as HTMLInputElement;

describe('overlapping appointments', () => {
  it('shows each calendar’s setting and saves a change at once', async () => {
    const { calls, onChanged } = setup();
    expect(box(LARS.id).checked).toBe(false);
    expect(box(ROOM.id).checked).toBe(true);
    // Each box is named with its calendar.
    expect(box(LARS.id).getAttribute('aria-label')).toBe('Allow overlapping appointments (group sessions) for Lars Holm');

    await fireEvent.click(box(LARS.id));
    await waitFor(() => expect(calls.find((c) => c.cmd === 'set_calendar_overlap')?.args).toEqual({ calendarId: LARS.id, allow: true }));
    expect((await screen.findByTestId('overlap.notice')).textContent).toBe('Lars Holm now takes overlapping appointments.');
    expect(onChanged).toHaveBeenCalled();
    expect(box(LARS.id).checked).toBe(true);
  });

  it('puts the box back and says why when the core refuses', async () => {
    setup({ set_calendar_overlap: { code: 'denied', message: 'administrators only' } });
    await fireEvent.click(box(ROOM.id));
    const error = await screen.findByTestId('overlap.error');
    expect(error.textContent).not.toContain('administrators only');
    await waitFor(() => expect(box(ROOM.id).checked).toBe(true));
    expect(screen.queryByTestId('overlap.notice')).toBeNull();
  });
});

describe('recording an absence', () => {
  async function fill(first: string, last: string) {
    await fireEvent.change(screen.getByTestId('absence.calendar'), { target: { value: LARS.id } });
    await fireEvent.change(screen.getByTestId('absence.kind'), { target: { value: 'sick' } });
    await fireEvent.input(screen.getByTestId('absence.first'), { target: { value: first } });
    await fireEvent.blur(screen.getByTestId('absence.first'));
    await fireEvent.input(screen.getByTestId('absence.last'), { target: { value: last } });
    await fireEvent.blur(screen.getByTestId('absence.last'));
  }

  it('offers the three kinds in words and sends the period, the kind and the note', async () => {
    const { calls } = setup();
    const kinds = [...(screen.getByTestId('absence.kind') as HTMLSelectElement).options].map((o) => [o.value, o.textContent]);
    expect(kinds).toEqual([
      ['holiday', 'Holiday'],
      ['sick', 'Off sick'],
      ['other', 'Other absence'],
    ]);
    await fill('2026-04-06', '2026-04-08');
    await fireEvent.input(screen.getByTestId('absence.note'), { target: { value: ' Knæoperation ' } });
    await fireEvent.click(screen.getByTestId('absence.save'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'add_absence')).toBe(true));
    expect(calls.find((c) => c.cmd === 'add_absence')!.args).toEqual({
      calendarId: LARS.id,
      firstDay: '2026-04-06',
      lastDay: '2026-04-08',
      kind: 'sick',
      note: 'Knæoperation',
    });
    expect((await screen.findByTestId('absence.notice')).textContent).toBe('Absence recorded for Lars Holm from 6 April 2026 to 8 April 2026.');
    expect(screen.queryByTestId('absence.error')).toBeNull();
  });

  it('does not send a last day before the first, and shows the core’s refusal in the UI language', async () => {
    const { calls } = setup({ add_absence: { code: 'invalid', message: 'the absence ends before it starts' } });
    await fill('2026-04-08', '2026-04-06');
    // The last day's field says what is wrong; nothing goes to the core.
    expect(screen.getByTestId('absence.last.error').textContent).toBe('The date must be 08/04/2026 or later.');
    await fireEvent.submit(screen.getByTestId('absence.save').closest('form')!);
    expect((await screen.findByTestId('absence.error')).textContent).toBe(
      'Enter the first and the last day; the last day cannot be before the first.',
    );
    expect(calls.some((c) => c.cmd === 'add_absence')).toBe(false);

    // The core refuses what it finds wrong: its code, translated, never its English message.
    await fireEvent.input(screen.getByTestId('absence.last'), { target: { value: '2026-04-09' } });
    await fireEvent.blur(screen.getByTestId('absence.last'));
    await fireEvent.click(screen.getByTestId('absence.save'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'add_absence')).toBe(true));
    const error = await screen.findByTestId('absence.error');
    expect(error.textContent).toBe('Please check what you entered.');
    expect(screen.queryByTestId('absence.notice')).toBeNull();
  });
});
