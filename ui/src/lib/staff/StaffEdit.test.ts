import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import StaffEdit from './StaffEdit.svelte';
import type { StaffMember } from '../backend';
import { withSession } from '../testing';

afterEach(() => {
  cleanup();
  clearMocks();
});

const per: StaffMember = {
  id: '0190aaaa-0000-7000-8000-000000000001',
  name: 'Per Prak',
  email: 'per@example.dk',
  role: 'practitioner',
  active: true,
  businessLogin: false,
  hasPin: false,
  pinDisabled: false,
  scope: 'own',
  edit: true,
  features: ['clients', 'journal', 'calendar'],
  requiresPin: false,
  hasPhoto: false,
  totpEnabled: false,
  calendars: [],
};
const anna: StaffMember = { ...per, id: '0190aaaa-0000-7000-8000-000000000002', name: 'Anna Admin', role: 'admin' };

function setup(member = per, isMe = false) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'staff_photo') return null;
    if (cmd === 'update_staff') return member;
    if (cmd === 'set_staff_active') return null;
  });
  let saved = 0;
  render(StaffEdit, {
    props: { member, everyone: [member, anna], isMe, onSaved: () => saved++, onClose: () => {} },
    context: withSession(),
  });
  return { calls, saved: () => saved };
}

describe('editing a staff member', () => {
  it('sends the rights as chosen: scope, view only, features, calendars', async () => {
    const { calls, saved } = setup();
    await fireEvent.change(await screen.findByTestId('staffEdit.scope'), { target: { value: 'all' } });
    await fireEvent.click(screen.getByTestId('staffEdit.edit'));
    await fireEvent.click(screen.getByTestId('staffEdit.feature.calendar'));
    await fireEvent.click(screen.getByTestId('staffEdit.feature.audit'));
    await fireEvent.change(screen.getByTestId('staffEdit.calendar'), { target: { value: 'view' } });
    expect((screen.getByTestId('staffEdit.save') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('staffEdit.password'), { target: { value: 'mit-admin-kodeord' } });
    await fireEvent.click(screen.getByTestId('staffEdit.save'));
    await new Promise((r) => setTimeout(r, 0));
    const update = calls.find((c) => c.cmd === 'update_staff');
    expect(update?.args).toMatchObject({
      staffId: per.id,
      input: {
        scope: 'all',
        edit: false,
        features: ['clients', 'journal', 'audit'],
        calendars: [{ calendarOf: anna.id, level: 'view' }],
      },
      adminPassword: 'mit-admin-kodeord',
    });
    expect(saved()).toBe(1);
  });

  it('offers deactivation for others but not for oneself or the owner', async () => {
    const { calls } = setup();
    await fireEvent.input(await screen.findByTestId('staffEdit.password'), { target: { value: 'pw' } });
    await fireEvent.click(await screen.findByTestId('staffEdit.deactivate'));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.find((c) => c.cmd === 'set_staff_active')?.args).toMatchObject({ staffId: per.id, active: false });
    cleanup();
    setup(anna, true);
    expect(screen.queryByTestId('staffEdit.deactivate')).toBeNull();
    cleanup();
    setup({ ...per, role: 'owner' });
    expect(screen.queryByTestId('staffEdit.deactivate')).toBeNull();
    expect(screen.queryByTestId('staffEdit.scope')).toBeNull();
  });
});
