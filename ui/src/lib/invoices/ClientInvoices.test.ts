import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Summary } from '../backend';
import { withSession } from '../testing';
import ClientInvoices from './ClientInvoices.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const ONE: Summary = {
  id: 'inv-1', number: 1001, kind: 'invoice', issued: true, clientId: 'k1', clientName: 'Karen Berg', payerName: 'Karen Berg',
  issuedOn: '2026-03-03', dueOn: '2026-03-17', totalMinor: 45000, outstandingMinor: 0, daysOverdue: null, credited: false,
};

describe('a client’s invoices on the client’s page', () => {
  it('lists all of that client’s invoices, without the client column', async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'list_invoices') {
        asked.push(args);
        return [ONE];
      }
    });
    render(ClientInvoices, { props: { clientId: 'k1' }, context: withSession() });
    const row = await screen.findByTestId('invoices.row');
    expect(asked).toEqual([{ show: 'all', clientId: 'k1' }]);
    expect(row.textContent).toContain('1001');
    expect(screen.queryByText('Client')).toBeNull();
  });

  it('says when there are none', async () => {
    mockIPC((cmd) => (cmd === 'list_invoices' ? [] : null));
    render(ClientInvoices, { props: { clientId: 'k1' }, context: withSession() });
    await waitFor(() => expect(screen.getByTestId('client.invoices.none').textContent).toBe('No invoices.'));
  });
});
