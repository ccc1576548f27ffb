import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Clients from './Clients.svelte';
import { withSession } from '../testing';

afterEach(() => {
  cleanup();
  clearMocks();
});

const hostile = '<img src=x onerror="window.__pwned=1">';

describe('clients', () => {
  it('renders a client name with markup as plain text', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_clients') {
        return [{ id: '1', name: hostile, phone: '', email: '<b>x</b>@example.dk', createdAt: '', updatedAt: '' }];
      }
    });
    render(Clients, { context: withSession() });
    const row = await screen.findByTestId('clients.row');
    expect(row.textContent).toContain(hostile);
    expect(row.querySelector('img')).toBeNull();
    expect(row.querySelector('b')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('asks the window to re-check its state when the session is locked', async () => {
    let refreshed = 0;
    mockIPC((cmd) => {
      if (cmd === 'list_clients') throw { code: 'locked', message: 'the session is locked' };
    });
    render(Clients, { context: withSession({ refresh: () => refreshed++ }) });
    await new Promise((r) => setTimeout(r, 10));
    expect(refreshed).toBe(1);
    expect(screen.queryByTestId('clients.row')).toBeNull();
  });
});
