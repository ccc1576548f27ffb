import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { setLanguage } from '../i18n/index.svelte';
import Login from './Login.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('login', () => {
  it('shows the translated message for the code the core returns, never its raw text', async () => {
    mockIPC((cmd) => {
      if (cmd === 'login') throw { code: 'wrongCredentials', message: 'raw core text that must not show' };
    });
    setLanguage('nb');
    render(Login, { props: { clinicName: 'Fjordklinikken', onStatus: () => {} } });
    await fireEvent.input(screen.getByTestId('login.email'), { target: { value: 'a@example.no' } });
    await fireEvent.input(screen.getByTestId('login.password'), { target: { value: 'feil' } });
    await fireEvent.click(screen.getByTestId('login.submit'));
    const error = await screen.findByTestId('login.error');
    expect(error.textContent).toBe('Feil e-post, passord eller kode.');
    expect(document.body.textContent).not.toContain('raw core text');
  });

  it('says how long to wait after too many wrong passwords, in the UI language', async () => {
    mockIPC((cmd) => {
      if (cmd === 'login') throw { code: 'tooManyAttempts', message: 'raw', detail: { kind: 'retryAfter', seconds: 240 } };
    });
    setLanguage('sv');
    render(Login, { props: { clinicName: 'Fjordklinikken', onStatus: () => {} } });
    await fireEvent.input(screen.getByTestId('login.email'), { target: { value: 'a@example.se' } });
    await fireEvent.input(screen.getByTestId('login.password'), { target: { value: 'fel' } });
    await fireEvent.click(screen.getByTestId('login.submit'));
    const error = await screen.findByTestId('login.error');
    expect(error.textContent).toBe('För många felaktiga försök. Försök igen om 4 minuter.');
  });

  it('passes the new status on after a successful login', async () => {
    const ready = { state: 'ready', language: 'da', clinicName: 'K', journalMode: 'notes', me: { name: 'X' } };
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'login') {
        expect(args).toMatchObject({ email: 'ida@example.dk', password: 'rigtig-lang-adgangskode' });
        return ready;
      }
    });
    render(Login, { props: { clinicName: 'K', onStatus: (s: unknown) => seen.push(s) } });
    await fireEvent.input(screen.getByTestId('login.email'), { target: { value: 'ida@example.dk' } });
    await fireEvent.input(screen.getByTestId('login.password'), { target: { value: 'rigtig-lang-adgangskode' } });
    await fireEvent.click(screen.getByTestId('login.submit'));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([ready]);
  });
});
