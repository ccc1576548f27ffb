import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Invoice } from '../backend';
import { withSession } from '../testing';
import InvoiceEditor from './InvoiceEditor.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const DRAFT: Invoice = {
  id: 'inv-1',
  number: null,
  kind: 'invoice',
  issued: false,
  creditsNumber: null,
  creditedBy: null,
  clientId: 'k1',
  clientName: 'Karen Berg',
  clientBirthDate: null,
  clientAddress: '',
  payer: { thirdParty: false, name: '', address: '', reference: '' },
  language: 'da',
  issuedOn: null,
  dueOn: null,
  lines: [
    {
      position: 1,
      appointmentId: 'a1',
      description: 'Fodbehandling',
      treatmentOn: '2026-03-02',
      quantity: 1,
      unitMinor: 45000,
      discountPct: 0,
      vat: 'exempt',
      amountMinor: 45000,
      vatMinor: 0,
    },
  ],
  totals: { totalMinor: 45000, vatMinor: 0, vatBaseMinor: 0, exemptMinor: 45000 },
  payments: [],
  paidMinor: 0,
  outstandingMinor: 0,
  daysOverdue: null,
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(reply: (cmd: string, args: Record<string, unknown>) => unknown) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    return reply(cmd, a);
  });
  const onSaved = vi.fn();
  const onIssued = vi.fn();
  const onError = vi.fn();
  render(InvoiceEditor, {
    props: { invoice: DRAFT, onSaved, onIssued, onDeleted: () => {}, onError },
    context: withSession(),
  });
  return { calls, onSaved, onIssued, onError };
}

describe('the draft editor', () => {
  it('sends the typed price in øre and shows the totals the core computed', async () => {
    // The core's answer: its own sums (a standard-rate line of 1.234,50 kr less 10 %, 25 % VAT in it).
    const after: Invoice = {
      ...DRAFT,
      lines: [
        DRAFT.lines[0]!,
        { position: 2, appointmentId: null, description: 'Creme', treatmentOn: null, quantity: 1, unitMinor: 123450, discountPct: 10, vat: 'standard', amountMinor: 111105, vatMinor: 22221 },
      ],
      totals: { totalMinor: 156105, vatMinor: 22221, vatBaseMinor: 88884, exemptMinor: 45000 },
    };
    const { calls, onSaved } = setup((cmd) => (cmd === 'update_invoice_draft' ? after : null));
    expect(screen.getByTestId('invoice.total').textContent).toBe('450.00 kr');

    await fireEvent.click(screen.getByTestId('invoice.line-add'));
    const description = screen.getAllByTestId('invoice.line-description')[1]!;
    await fireEvent.input(description, { target: { value: 'Creme' } });
    await fireEvent.input(screen.getAllByTestId('invoice.line-price')[1]!, { target: { value: '1.234,50' } });
    await fireEvent.input(screen.getAllByTestId('invoice.line-discount')[1]!, { target: { value: '10' } });
    await fireEvent.change(screen.getAllByTestId('invoice.line-vat')[1]!, { target: { value: 'standard' } });
    // Until saved, the totals shown are said to be the old ones.
    expect(screen.getByTestId('invoice.totals-stale')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('invoice.save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(after));
    expect(calls.find((c) => c.cmd === 'update_invoice_draft')!.args).toEqual({
      invoiceId: 'inv-1',
      payer: { thirdParty: false, name: '', address: '', reference: '' },
      lines: [
        { appointmentId: 'a1', description: 'Fodbehandling', treatmentOn: '2026-03-02', quantity: 1, unitMinor: 45000, discountPct: 0, vat: 'exempt' },
        { appointmentId: null, description: 'Creme', treatmentOn: null, quantity: 1, unitMinor: 123450, discountPct: 10, vat: 'standard' },
      ],
    });
    expect(screen.getByTestId('invoice.total').textContent).toBe('1,561.05 kr');
    expect(screen.getByTestId('invoice.vat').textContent).toBe('222.21 kr');
    expect(screen.getByTestId('invoice.vat-base').textContent).toBe('888.84 kr');
    expect(screen.getByTestId('invoice.exempt').textContent).toBe('450.00 kr');
    expect(screen.getAllByTestId('invoice.line-amount').map((c) => c.textContent)).toEqual(['450.00 kr', '1,111.05 kr']);
    expect(screen.queryByTestId('invoice.totals-stale')).toBeNull();
  });

  it('refuses a price it cannot read, saying which line, and sends nothing', async () => {
    const { calls } = setup(() => null);
    await fireEvent.input(screen.getByTestId('invoice.line-price'), { target: { value: '12,345' } });
    await fireEvent.click(screen.getByTestId('invoice.save'));
    expect(screen.getByTestId('invoice.problem').textContent).toBe('Line 1: write the price in kroner, e.g. 450 or 1.234,50.');
    expect(calls.some((c) => c.cmd === 'update_invoice_draft')).toBe(false);
  });

  it('asks before issuing, then hands over the issued invoice and the new PIN', async () => {
    const issued = { invoice: { ...DRAFT, issued: true, number: 7 }, newPin: '123456' };
    const { calls, onIssued } = setup((cmd) => (cmd === 'issue_invoice' ? issued : null));
    await fireEvent.click(screen.getByTestId('invoice.issue'));
    expect(screen.getByTestId('invoice.issue-dialog').textContent).toContain(
      'An issued invoice cannot be changed; corrections are made with a credit note.',
    );
    expect(calls.some((c) => c.cmd === 'issue_invoice')).toBe(false);
    await fireEvent.click(screen.getByTestId('invoice.issue-confirm'));
    await waitFor(() => expect(onIssued).toHaveBeenCalledWith(issued));
    // Nothing was changed, so nothing was saved first.
    expect(calls.map((c) => c.cmd)).toEqual(['issue_invoice']);
  });

  it('shows the core’s refusal to issue in the question, translated', async () => {
    setup((cmd) => {
      if (cmd === 'issue_invoice') throw { code: 'invalid', message: 'an invoice needs at least one line', detail: null };
      return null;
    });
    await fireEvent.click(screen.getByTestId('invoice.issue'));
    await fireEvent.click(screen.getByTestId('invoice.issue-confirm'));
    expect((await screen.findByTestId('invoice.issue-error')).textContent).toBe('Please check what you entered.');
  });
});
