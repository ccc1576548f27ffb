import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from './App.svelte';

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
