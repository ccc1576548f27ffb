import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { AppStatus } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import Failed from './Failed.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

// The newest backup in the clinic's backup folder: this morning's automatic one.
const NEWEST = '2026-03-14T07:45:12Z';
const LOGIN: AppStatus = { state: 'login', language: 'da', clinicName: 'Fjordklinikken' };

function setup(newestBackup: string | null, restore: (args: Record<string, unknown>) => unknown = () => LOGIN) {
  const calls: Record<string, unknown>[] = [];
  const seen: AppStatus[] = [];
  mockIPC((cmd, args) => {
    if (cmd === 'restore_newest_backup') {
      calls.push(args as Record<string, unknown>);
      return restore(args as Record<string, unknown>);
    }
  });
  render(Failed, { props: { reason: 'corrupted', newestBackup, onStatus: (s: AppStatus) => seen.push(s) } });
  return { calls, seen };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('a clinic that cannot be opened', () => {
  it('names its newest backup with the date, and restores it with the recovery code', async () => {
    const { calls, seen } = setup(NEWEST);
    expect(screen.getByTestId('failed.reason').textContent).toContain('damaged');
    const newest = screen.getByTestId('failed.newestBackup').textContent ?? '';
    expect(newest).toContain('cannot be opened');
    expect(newest).toMatch(/2026/);
    expect(document.body.textContent).toContain('kept aside');
    const restore = screen.getByTestId('failed.restore') as HTMLButtonElement;
    expect(restore.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('failed.recoveryCode'), { target: { value: ' ABCD-EFGH-JKLM ' } });
    expect(restore.disabled).toBe(false);
    await fireEvent.click(restore);
    await settle();
    expect(calls).toEqual([{ passphrase: null, recoveryCode: 'ABCD-EFGH-JKLM' }]);
    expect(seen).toEqual([LOGIN]);
  });

  it('is busy while the restore runs', async () => {
    let finish: (s: AppStatus) => void = () => {};
    setup(NEWEST, () => new Promise<AppStatus>((done) => (finish = done)));
    await fireEvent.input(screen.getByTestId('failed.recoveryCode'), { target: { value: 'ABCD' } });
    await fireEvent.click(screen.getByTestId('failed.restore'));
    await settle();
    expect((screen.getByTestId('failed.restore') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('failed.restoring')).toBeTruthy();
    finish(LOGIN);
    await settle();
    expect(screen.queryByTestId('failed.restoring')).toBeNull();
  });

  it('restores a clinic kept with a passphrase with the passphrase', async () => {
    const { calls } = setup(NEWEST);
    await fireEvent.click(screen.getByTestId('failed.usePassphrase'));
    expect(screen.queryByTestId('failed.recoveryCode')).toBeNull();
    await fireEvent.input(screen.getByTestId('failed.passphrase'), { target: { value: 'fire heste i fjorden' } });
    await fireEvent.click(screen.getByTestId('failed.restore'));
    await settle();
    expect(calls).toEqual([{ passphrase: 'fire heste i fjorden', recoveryCode: null }]);
  });

  it('says a wrong recovery code in the UI language, never the core’s text', async () => {
    setLanguage('da');
    const { seen } = setup(NEWEST, () => {
      throw { code: 'wrongRecoveryCode', message: 'raw core text that must not show', detail: null };
    });
    await fireEvent.input(screen.getByTestId('failed.recoveryCode'), { target: { value: 'WRONG' } });
    await fireEvent.click(screen.getByTestId('failed.restore'));
    const error = await screen.findByTestId('failed.error');
    expect(error.textContent).toBe('Gendannelseskoden passer ikke til denne klinik.');
    expect(error.getAttribute('role')).toBe('alert');
    expect(document.body.textContent).not.toContain('raw core text');
    expect(seen).toEqual([]);
    expect((screen.getByTestId('failed.restore') as HTMLButtonElement).disabled).toBe(false);
  });

  it('writes the backup’s date and time in the UI language', () => {
    setLanguage('sv');
    setup(NEWEST);
    const newest = screen.getByTestId('failed.newestBackup').textContent ?? '';
    expect(newest).toContain('säkerhetskopia');
    expect(newest).toMatch(/2026/);
  });

  it('says when no backup was found, and points to klinik salvage in the README', () => {
    setup(null);
    expect(screen.queryByTestId('failed.newestBackup')).toBeNull();
    expect(screen.queryByTestId('failed.restore')).toBeNull();
    const none = screen.getByTestId('failed.noBackup').textContent ?? '';
    expect(none).toContain('no backup');
    expect(none).toContain('klinik salvage');
    expect(none).toContain('README');
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, with either secret or an error', async () => {
    setup(NEWEST, () => {
      throw { code: 'wrongRecoveryCode', message: '', detail: null };
    });
    const problems = async () =>
      (await axe.run(document.body, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], rules: { 'color-contrast': { enabled: false } } })).violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 100)).join(' | ')}`,
      );
    expect(await problems()).toEqual([]);
    await fireEvent.input(screen.getByTestId('failed.recoveryCode'), { target: { value: 'WRONG' } });
    await fireEvent.click(screen.getByTestId('failed.restore'));
    await screen.findByTestId('failed.error');
    await fireEvent.click(screen.getByTestId('failed.usePassphrase'));
    expect(await problems()).toEqual([]);
  });

  it('offers no restore when another Klinik window has the clinic open', () => {
    mockIPC(() => null);
    render(Failed, { props: { reason: 'alreadyRunning', newestBackup: NEWEST, onStatus: () => {} } });
    expect(screen.getByTestId('failed.reason')).toBeTruthy();
    expect(screen.queryByTestId('failed.restore')).toBeNull();
    expect(screen.queryByTestId('failed.noBackup')).toBeNull();
  });
});
