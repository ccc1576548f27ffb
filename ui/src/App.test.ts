import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';
import { OWNER } from './lib/testing';

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('the window while the clinic opens', () => {
  it('says it is checking after an unclean shutdown, then shows the login', async () => {
    let asked = 0;
    mockIPC((cmd) => {
      if (cmd !== 'app_status') return null;
      asked += 1;
      return asked < 3
        ? { state: 'opening', language: 'da', checking: true }
        : { state: 'login', language: 'da', clinicName: 'Fjordklinikken' };
    });
    render(App);
    const busy = await screen.findByTestId('app.opening');
    expect(busy.textContent).toContain('ikke lukket normalt');
    await screen.findByTestId('login.email', {}, { timeout: 3000 });
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(screen.queryByTestId('app.opening')).toBeNull();
  });
});

describe('the signed-in window', () => {
  it('gets who is signed in and the clinic from the session App provides, and hands new statuses back', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_status') return { state: 'ready', language: 'en', clinicName: 'Fjordklinikken', journalMode: 'journals', me: OWNER };
      if (cmd === 'list_clients') return [];
      if (cmd === 'lock_session') return { state: 'locked', language: 'en', clinicName: 'Fjordklinikken', me: OWNER };
      return null;
    });
    render(App);
    expect((await screen.findByTestId('nav.me')).textContent).toContain('Ida');
    expect(screen.getByText('Fjordklinikken')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('nav.lock'));
    expect((await screen.findByTestId('lock.name')).textContent).toContain('Ida');
    expect(screen.queryByTestId('nav.me')).toBeNull();
  });
});

describe('today\'s backup beside the signed-in window', () => {
  it('asks for its progress while it runs, and stops asking when it is done', async () => {
    const progress = [30, 70, null];
    let asked = 0;
    mockIPC((cmd) => {
      if (cmd === 'app_status') {
        const backupProgress = progress[Math.min(asked, progress.length - 1)];
        asked += 1;
        return { state: 'ready', language: 'en', clinicName: 'Fjordklinikken', journalMode: 'journals', me: OWNER, backupProgress };
      }
      if (cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'list_clients') return [];
      return null;
    });
    render(App);
    expect((await screen.findByTestId('backup.progress')).textContent).toContain('30%');
    await waitFor(() => expect(screen.getByTestId('backup.progress').textContent).toContain('70%'), { timeout: 3000 });
    await waitFor(() => expect(screen.queryByTestId('backup.progress')).toBeNull(), { timeout: 3000 });
    const after = asked;
    await new Promise((r) => setTimeout(r, 1500));
    expect(asked).toBe(after);
    expect(screen.getByTestId('nav.me').textContent).toContain('Ida');
  });
});

describe('a clinic that cannot be opened', () => {
  it('restores its newest backup and goes on to the login', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'app_status') return { state: 'failed', language: 'en', reason: 'corrupted', newestBackup: '2026-03-14T07:45:12Z' };
      if (cmd === 'restore_newest_backup') {
        expect(args).toMatchObject({ recoveryCode: 'ABCD-EFGH', passphrase: null });
        return { state: 'login', language: 'en', clinicName: 'Fjordklinikken' };
      }
      return null;
    });
    render(App);
    expect((await screen.findByTestId('failed.newestBackup')).textContent).toMatch(/2026/);
    await fireEvent.input(screen.getByTestId('failed.recoveryCode'), { target: { value: 'ABCD-EFGH' } });
    await fireEvent.click(screen.getByTestId('failed.restore'));
    expect(await screen.findByTestId('login.email')).toBeTruthy();
  });
});
