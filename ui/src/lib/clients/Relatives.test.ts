import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Binding, BindingInput } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { withSession } from '../testing';
import Relatives from './Relatives.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

const MOTHER: Binding = {
  id: 'b1', relativeId: 'r1', relativeName: 'Mette Berg', relativeEmail: 'mette@example.dk', clientId: 'k1',
  reason: 'parent', consent: null, appointments: true, schedule: true, reports: false,
  validFrom: '2026-01-01', validUntil: null, createdAt: '2026-01-01T09:00:00Z', createdBy: 'Ida', endedAt: null, current: true,
};
const FORMER: Binding = {
  ...MOTHER, id: 'b0', relativeId: 'r0', relativeName: 'Jens Berg', relativeEmail: 'jens@example.dk', reason: 'nextOfKin', consent: 'oral',
  schedule: false, validUntil: '2026-02-28', endedAt: '2026-02-10T12:00:00Z', current: false,
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(reply: (cmd: string, args: Record<string, unknown>) => unknown = () => undefined) {
  const calls: Call[] = [];
  let bindings = [MOTHER, FORMER];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const mine = reply(cmd, a);
    if (mine !== undefined) return mine;
    switch (cmd) {
      case 'relatives_of':
        return bindings;
      case 'bind_relative': {
        const input = a.input as BindingInput;
        const made: Binding = {
          ...MOTHER, id: `b${bindings.length + 1}`, relativeId: `r${bindings.length + 1}`, relativeName: input.name, relativeEmail: input.email, reason: input.reason, consent: input.consent,
          appointments: input.appointments, schedule: input.schedule, reports: input.reports, validFrom: input.validFrom ?? '2026-03-01', validUntil: input.validUntil,
        };
        bindings = [...bindings, made];
        return { binding: made, oneTimePassword: input.email === 'mette@example.dk' ? null : 'tulip-orbit-4821' };
      }
      case 'end_relative_binding':
        bindings = bindings.map((b) => (b.id === a.bindingId ? { ...b, endedAt: '2026-03-01T10:00:00Z', current: false } : b));
        return null;
    }
    return null;
  });
  render(Relatives, { props: { clientId: 'k1', clientName: 'Karen Berg' }, context: withSession() });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);

async function fill(fields: { name: string; email: string; reason?: string }) {
  await fireEvent.input(screen.getByTestId('relatives.name'), { target: { value: fields.name } });
  await fireEvent.input(screen.getByTestId('relatives.email'), { target: { value: fields.email } });
  if (fields.reason) await fireEvent.change(screen.getByTestId('relatives.reason'), { target: { value: fields.reason } });
}

describe('a client’s relatives (administrators)', () => {
  it('lists every binding with the relative, reason, reach, period and whether it is current', async () => {
    setup();
    const rows = await screen.findAllByTestId('relatives.row');
    expect(rows.map((r) => r.dataset.email)).toEqual(['mette@example.dk', 'jens@example.dk']);
    const cells = rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(cells[0]!.slice(1, 5)).toEqual(['Parent', 'Appointments, Printable schedule', 'From 1 January 2026', 'Current']);
    expect(cells[1]!.slice(1, 5)).toEqual(['Next of kin, oral consent', 'Appointments', '1 January 2026 – 28 February 2026', 'Ended 10 February 2026']);
    // Only a binding in force can be ended.
    expect(rows[0]!.querySelector('[data-testid="relatives.end"]')).not.toBeNull();
    expect(rows[1]!.querySelector('[data-testid="relatives.end"]')).toBeNull();
  });

  it('asks for the consent only for next of kin', async () => {
    setup();
    await fireEvent.click(await screen.findByTestId('relatives.add'));
    expect(screen.queryByTestId('relatives.consent')).toBeNull();
    await fireEvent.change(screen.getByTestId('relatives.reason'), { target: { value: 'nextOfKin' } });
    const consent = screen.getByTestId('relatives.consent') as HTMLSelectElement;
    expect([...consent.options].filter((o) => !o.disabled).map((o) => o.textContent)).toEqual(['Written', 'Oral']);
    await fireEvent.change(screen.getByTestId('relatives.reason'), { target: { value: 'guardian' } });
    expect(screen.queryByTestId('relatives.consent')).toBeNull();
  });

  it('binds a new relative and shows the one-time password once, to hand over', async () => {
    const { calls } = setup();
    await fireEvent.click(await screen.findByTestId('relatives.add'));
    // The first day starts as today.
    expect((screen.getByTestId('relatives.from') as HTMLInputElement).value).not.toBe('');
    await fill({ name: 'Lone Holm', email: 'lone@example.dk', reason: 'nextOfKin' });
    await fireEvent.change(screen.getByTestId('relatives.consent'), { target: { value: 'written' } });
    await fireEvent.click(screen.getByTestId('relatives.appointments'));
    await fireEvent.click(screen.getByTestId('relatives.reports'));
    await fireEvent.input(screen.getByTestId('relatives.from'), { target: { value: '2026-03-01' } });
    await fireEvent.input(screen.getByTestId('relatives.until'), { target: { value: '2026-12-31' } });
    await fireEvent.click(screen.getByTestId('relatives.save'));

    expect((await screen.findByTestId('relatives.otp')).textContent).toBe('tulip-orbit-4821');
    expect(screen.getByTestId('relatives.otp-box').textContent).toContain('It is shown only now.');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('relatives.otp-box')));
    expect(of(calls, 'bind_relative')).toEqual([
      {
        clientId: 'k1',
        input: {
          name: 'Lone Holm', email: 'lone@example.dk', reason: 'nextOfKin', consent: 'written',
          appointments: true, schedule: false, reports: true, validFrom: '2026-03-01', validUntil: '2026-12-31',
        },
      },
    ]);
    await waitFor(() => expect(screen.getAllByTestId('relatives.row').map((r) => r.dataset.email)).toContain('lone@example.dk'));
    expect(screen.queryByTestId('relatives.form')).toBeNull();

    // Put away, it is gone for good; binding an already known relative shows none.
    await fireEvent.click(screen.getByTestId('relatives.otp-done'));
    expect(screen.queryByTestId('relatives.otp')).toBeNull();
    await fireEvent.click(screen.getByTestId('relatives.add'));
    await fill({ name: 'Mette Berg', email: 'mette@example.dk' });
    await fireEvent.click(screen.getByTestId('relatives.schedule'));
    await fireEvent.click(screen.getByTestId('relatives.save'));
    expect((await screen.findByTestId('relatives.notice')).textContent).toBe('Mette Berg is now bound to Karen Berg.');
    expect(screen.queryByTestId('relatives.otp')).toBeNull();
    expect(of(calls, 'bind_relative').at(-1)).toMatchObject({ input: { reason: 'parent', consent: null, schedule: true, appointments: false } });
  });

  it('asks for at least one reach, and keeps what was typed when the core refuses', async () => {
    const { calls } = setup((cmd) => {
      if (cmd === 'bind_relative') throw { code: 'conflict', message: 'that email belongs to a staff member' };
    });
    await fireEvent.click(await screen.findByTestId('relatives.add'));
    await fill({ name: 'Lone Holm', email: 'lone@example.dk' });
    await fireEvent.click(screen.getByTestId('relatives.save'));
    expect(screen.getByTestId('relatives.problem').textContent).toBe('Choose at least one thing the relative may see.');
    expect(of(calls, 'bind_relative')).toEqual([]);

    await fireEvent.click(screen.getByTestId('relatives.appointments'));
    await fireEvent.click(screen.getByTestId('relatives.save'));
    await waitFor(() => expect(of(calls, 'bind_relative')).toHaveLength(1));
    expect(screen.getByTestId('relatives.problem').textContent).not.toContain('staff member');
    expect((screen.getByTestId('relatives.name') as HTMLInputElement).value).toBe('Lone Holm');
    expect((screen.getByTestId('relatives.email') as HTMLInputElement).value).toBe('lone@example.dk');
    expect((screen.getByTestId('relatives.appointments') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('relatives.otp')).toBeNull();
  });

  it('ends a binding only after asking, and says so', async () => {
    const { calls } = setup();
    const [row] = await screen.findAllByTestId('relatives.row');
    await fireEvent.click(row!.querySelector<HTMLElement>('[data-testid="relatives.end"]')!);
    expect(screen.getByTestId('relatives.end-dialog').textContent).toContain('Mette Berg can no longer see Karen Berg and is signed out at once.');
    expect(of(calls, 'end_relative_binding')).toEqual([]);
    await fireEvent.click(screen.getByTestId('relatives.end-confirm'));
    await waitFor(() => expect(of(calls, 'end_relative_binding')).toEqual([{ clientId: 'k1', bindingId: 'b1' }]));
    expect((await screen.findByTestId('relatives.notice')).textContent).toBe('The access of Mette Berg has ended.');
    expect(screen.queryByTestId('relatives.end-dialog')).toBeNull();
    await waitFor(() => expect(screen.getAllByTestId('relatives.row')[0]!.dataset.state).toBe('ended'));
  });

  it('speaks Danish, Swedish and Norwegian', async () => {
    for (const [lang, title, reason] of [['da', 'Pårørende', 'Forælder'], ['sv', 'Anhöriga', 'Förälder'], ['nb', 'Pårørende', 'Forelder']] as const) {
      setLanguage(lang);
      setup();
      const [row] = await screen.findAllByTestId('relatives.row');
      expect(screen.getByTestId('relatives.section').querySelector('h3')!.textContent).toBe(title);
      expect(row!.querySelectorAll('td')[1]!.textContent).toBe(reason);
      cleanup();
    }
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, with the form open', async () => {
    setup();
    await screen.findAllByTestId('relatives.row');
    await fireEvent.click(screen.getByTestId('relatives.add'));
    await fireEvent.change(screen.getByTestId('relatives.reason'), { target: { value: 'nextOfKin' } });
    const result = await axe.run(document.body, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`)).toEqual([]);
  });
});
