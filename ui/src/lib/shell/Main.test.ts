import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { readFileSync } from 'node:fs';
import Main from './Main.svelte';
import type { Me } from '../backend';
import { OWNER, withSession } from '../testing';

// Ida owns clinic K: every right, idle lock after 10 minutes, PIN idle time 120 seconds.
const me: Me = OWNER;

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

function setup(who: Me = me) {
  const calls: string[] = [];
  const statuses: unknown[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === 'list_clients') return [];
    if (cmd === 'lock_session') return { state: 'locked', language: 'en', clinicName: 'K', me };
  });
  render(Main, { context: withSession({ me: who, clinicName: 'K', onStatus: (s) => statuses.push(s), refresh: () => {} }) });
  return { calls, statuses };
}

describe('the signed-in window', () => {
  it('locks itself after the clinic idle time, and activity postpones it', async () => {
    const { calls, statuses } = setup();
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(calls).not.toContain('lock_session');
    await vi.advanceTimersByTimeAsync(60_001);
    expect(calls).toContain('lock_session');
    expect(statuses).toEqual([{ state: 'locked', language: 'en', clinicName: 'K', me }]);
  });

  it('ends a PIN unlock at the desk after the PIN idle time, and activity postpones it', async () => {
    const desk: Me = { ...me, businessLogin: true, pinName: 'Lars Holm', accessModel: 'businessPin', isAdmin: false };
    const { calls } = setup(desk);
    await vi.advanceTimersByTimeAsync(100_000);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(calls).not.toContain('end_pin');
    await vi.advanceTimersByTimeAsync(20_001);
    expect(calls).toContain('end_pin');
    expect(calls).not.toContain('lock_session');
  });

  it('has no PIN timer without a PIN unlock', async () => {
    const { calls } = setup();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(calls).not.toContain('end_pin');
  });

  it('locks at once on Ctrl+L', async () => {
    const { calls } = setup();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', ctrlKey: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toContain('lock_session');
  });

  it('keeps every control of the desk bar during a PIN unlock, the names whole on hover', () => {
    const desk: Me = { ...me, name: 'Receptionen', businessLogin: true, pinName: 'Lars Holm', accessModel: 'businessPin', isAdmin: false };
    setup(desk);
    for (const id of ['nav.clients', 'nav.account', 'nav.me', 'nav.pinName', 'nav.pinEnd', 'nav.language', 'nav.lock', 'nav.logout']) {
      expect(screen.getByTestId(id), id).toBeTruthy();
    }
    // The names may end in an ellipsis in a narrow window (app.css); the title keeps them whole.
    expect(screen.getByTestId('nav.pinName').title).toBe('Journal unlocked by Lars Holm');
    expect(screen.getByTestId('nav.me').title).toBe('Workstation: Receptionen');
  });

  it('keeps the top bar on one row by its style, not by hiding anything', () => {
    // Vitest runs in ui/ (npm test); the stylesheet is read as text, jsdom lays nothing out.
    const css = readFileSync('src/app.css', 'utf8');
    expect(css).toMatch(/\.app > header \{[^}]*flex-wrap: nowrap/);
    expect(css).toMatch(/\.app > header > \.brand, \.app > header > \.muted, \.app > header > \.badge \{[^}]*text-overflow: ellipsis/);
    expect(css).not.toMatch(/\.app > header[^{]*\{[^}]*display: none/);
  });
});
