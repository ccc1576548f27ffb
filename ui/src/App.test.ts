import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
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
