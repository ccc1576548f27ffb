import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Appointment, Invoice, Summary } from '../backend';
import { OWNER, withSession } from '../testing';
import Invoices from './Invoices.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const KAREN = { id: 'k1', name: 'Karen Berg', phone: '', email: '', createdAt: '', updatedAt: '', birthDate: null, address: '', receptionNote: '', active: true, nationalIdMasked: null };

function appointment(id: string, status: Appointment['status'], startsAt: string): Appointment {
  return {
    id, calendarId: 'c', roomId: null, clientId: 'k1', clientName: 'Karen Berg', serviceId: 's', serviceName: 'Fodbehandling',
    colour: null, seriesId: null, title: '', note: '', startsAt, endsAt: startsAt.replace('T10', 'T11'), status, lateCancel: false, cancelReason: null, consentMissing: false,
  };
}

const DRAFT: Invoice = {
  id: 'inv-1', number: null, kind: 'invoice', issued: false, creditsNumber: null, creditedBy: null, clientId: 'k1', clientName: 'Karen Berg',
  clientBirthDate: null, clientAddress: '', payer: { thirdParty: false, name: '', address: '', reference: '' }, language: 'en', issuedOn: null, dueOn: null,
  lines: [{ position: 1, appointmentId: 'a1', description: 'Fodbehandling', treatmentOn: '2026-03-02', quantity: 1, unitMinor: 45000, discountPct: 0, vat: 'exempt', amountMinor: 45000, vatMinor: 0 }],
  totals: { totalMinor: 45000, vatMinor: 0, vatBaseMinor: 0, exemptMinor: 45000 },
  payments: [], paidMinor: 0, outstandingMinor: 0, daysOverdue: null,
};
const ISSUED: Invoice = { ...DRAFT, issued: true, number: 1001, issuedOn: '2026-03-03', dueOn: '2026-03-17', outstandingMinor: 45000, paidMinor: 0, daysOverdue: 0 };
const PAID: Invoice = { ...ISSUED, payments: [{ amountMinor: 12345, method: 'mobile', paidOn: '2026-03-05' }], paidMinor: 12345, outstandingMinor: 32655 };
const CREDIT: Invoice = {
  ...ISSUED, id: 'inv-2', number: 1002, kind: 'creditNote', creditsNumber: 1001, outstandingMinor: 0, dueOn: null,
  lines: [{ ...DRAFT.lines[0]!, quantity: -1, amountMinor: -45000 }], totals: { totalMinor: -45000, vatMinor: 0, vatBaseMinor: 0, exemptMinor: -45000 },
};

const LATE: Summary = {
  id: 'inv-9', number: 998, kind: 'invoice', issued: true, clientId: 'k2', clientName: 'Lars Holm', payerName: 'Tryg Forsikring',
  issuedOn: '2026-01-02', dueOn: '2026-01-16', totalMinor: 123450, outstandingMinor: 123450, daysOverdue: 12, credited: false,
};

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup(me = OWNER, opened: Invoice = ISSUED) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_invoices':
        return a.show === 'outstanding' ? [LATE] : [LATE, { ...LATE, id: 'inv-2', number: 1002, kind: 'creditNote', daysOverdue: null, outstandingMinor: 0 }];
      case 'list_clients':
        return [KAREN];
      case 'client_appointments':
        return {
          timeZone: 'Europe/Copenhagen',
          appointments: [appointment('a1', 'done', '2026-03-02T10:00:00Z'), appointment('a2', 'booked', '2026-03-09T10:00:00Z'), appointment('a3', 'cancelled', '2026-03-01T10:00:00Z')],
        };
      case 'draft_invoice':
        return DRAFT;
      case 'issue_invoice':
        return { invoice: ISSUED, newPin: '042917' };
      case 'register_payment':
        return PAID;
      case 'credit_invoice':
        return CREDIT;
      case 'save_invoice_pdf':
        return '/home/ida/Klinik/credit-note-1002.pdf';
      case 'export_invoices':
        return '/home/ida/Klinik/invoices-2026-03.csv';
      case 'get_invoice':
        return opened;
      case 'invoice_profile':
        return {
          legalName: 'Klinik K ApS', address: 'Vestergade 1\n8000 Aarhus C', orgNumber: '12345678', vatRegistered: false, bankAccount: '1234 5678901234',
          iban: '', paymentDays: 14, footer: '', providerNumber: '', pinProtection: true,
        };
    }
    return null;
  });
  render(Invoices, { context: withSession({ me }) });
  return { calls };
}

const last = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).at(-1)?.args;

describe('the invoices screen', () => {
  it('lists the outstanding invoices first, an overdue one standing out', async () => {
    const { calls } = setup();
    const row = await screen.findByTestId('invoices.row');
    expect(last(calls, 'list_invoices')).toEqual({ show: 'outstanding', clientId: null });
    expect(row.classList.contains('overdue')).toBe(true);
    expect(within(row).getByTestId('invoices.row-overdue').textContent).toContain('12');
    expect(row.textContent).toContain('1,234.50 kr');
    expect(row.textContent).toContain('Tryg Forsikring');
    expect(screen.getByTestId('invoices.tab-outstanding').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('invoices.tab-all'));
    await waitFor(() => expect(screen.getAllByTestId('invoices.row')).toHaveLength(2));
    expect(last(calls, 'list_invoices')).toEqual({ show: 'all', clientId: null });
    expect(screen.getAllByTestId('invoices.row')[1]!.textContent).toContain('Credit note');

    await fireEvent.click(screen.getAllByTestId('invoices.row')[0]!);
    await waitFor(() => expect(last(calls, 'get_invoice')).toEqual({ invoiceId: 'inv-9' }));
  });

  it('makes a draft from a client’s done appointments, issues it and shows the new PIN once', async () => {
    const { calls } = setup();
    await fireEvent.click(screen.getByTestId('invoices.new'));
    await fireEvent.input(await screen.findByTestId('invoices.client-search'), { target: { value: 'Karen' } });
    await waitFor(() => expect(last(calls, 'list_clients')).toEqual({ query: 'Karen' }));
    await fireEvent.click(screen.getByTestId('invoices.client-option'));

    // Only the done appointment is offered.
    const boxes = await screen.findAllByTestId('invoices.appointment');
    expect(boxes.map((b) => b.dataset.appointmentId)).toEqual(['a1']);
    await fireEvent.click(boxes[0]!);
    await fireEvent.click(screen.getByTestId('invoices.create'));
    await waitFor(() =>
      expect(last(calls, 'draft_invoice')).toEqual({
        clientId: 'k1',
        payer: { thirdParty: false, name: '', address: '', reference: '' },
        appointmentIds: ['a1'],
        lines: [],
      }),
    );

    await fireEvent.click(await screen.findByTestId('invoice.issue'));
    await fireEvent.click(screen.getByTestId('invoice.issue-confirm'));
    expect((await screen.findByTestId('invoice.pin')).textContent).toBe('042917');
    await fireEvent.click(screen.getByTestId('invoice.pin-close'));
    expect(screen.queryByTestId('invoice.pin')).toBeNull();

    expect(screen.getByTestId('invoice.number').textContent).toBe('1001');
    expect(screen.getByTestId('invoice.total').textContent).toBe('450.00 kr');
    expect(screen.getByTestId('invoice.outstanding').textContent).toBe('450.00 kr');
  });

  it('registers a payment, makes a credit note and saves its PDF', async () => {
    const { calls } = setup();
    await fireEvent.click(await screen.findByTestId('invoices.row'));
    await fireEvent.click(await screen.findByTestId('invoice.pay'));
    const amount = screen.getByTestId('invoice.pay-amount') as HTMLInputElement;
    expect(amount.value).toBe('450.00');
    // More than is outstanding is refused here; an amount typed the Danish way is read exactly.
    await fireEvent.input(amount, { target: { value: '1.234,50' } });
    await fireEvent.click(screen.getByTestId('invoice.pay-save'));
    expect(screen.getByTestId('invoice.pay-problem').textContent).toBe('The amount is more than the 450.00 kr outstanding.');
    await fireEvent.input(amount, { target: { value: '123,45' } });
    await fireEvent.change(screen.getByTestId('invoice.pay-method'), { target: { value: 'mobile' } });
    await fireEvent.click(screen.getByTestId('invoice.pay-save'));
    await waitFor(() => expect(screen.getByTestId('invoice.outstanding').textContent).toBe('326.55 kr'));
    expect(last(calls, 'register_payment')).toMatchObject({ invoiceId: 'inv-1', amountMinor: 12345, method: 'mobile' });
    expect(screen.getByTestId('invoice.payment').textContent).toContain('MobilePay / Swish / Vipps');

    await fireEvent.click(screen.getByTestId('invoice.credit'));
    await fireEvent.click(screen.getByTestId('invoice.credit-confirm'));
    await waitFor(() => expect(screen.getByTestId('invoice.number').textContent).toBe('1002'));
    expect(screen.getByTestId('invoices.notice').textContent).toBe('Credit note 1002 was made.');
    expect(screen.getByTestId('invoice.total').textContent).toBe('-450.00 kr');
    expect(screen.queryByTestId('invoice.pay')).toBeNull();

    await fireEvent.click(screen.getByTestId('invoice.save-pdf'));
    expect((await screen.findByTestId('invoice.saved-path')).textContent).toBe('/home/ida/Klinik/credit-note-1002.pdf');
    expect(last(calls, 'save_invoice_pdf')).toEqual({ invoiceId: 'inv-2' });
  });

  it('says what to do when the core refuses a protected PDF for a client without a PIN', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_invoices') return [LATE];
      if (cmd === 'get_invoice') return ISSUED;
      if (cmd === 'save_invoice_pdf') throw { code: 'invalid', message: 'the client has no invoice PIN yet', detail: null };
      return null;
    });
    render(Invoices, { context: withSession() });
    await fireEvent.click(await screen.findByTestId('invoices.row'));
    await fireEvent.click(await screen.findByTestId('invoice.save-pdf'));
    expect((await screen.findByTestId('invoice.pdf-problem')).textContent).toBe(
      'The client has no PIN for invoice PDFs yet. Make one with “New PIN for the client” and hand it over, then save the PDF.',
    );
    expect(screen.queryByTestId('invoice.saved-path')).toBeNull();
  });

  it('prints a payment reminder for an overdue invoice, with where to pay', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const { calls } = setup(OWNER, { ...ISSUED, daysOverdue: 12 });
    await fireEvent.click(await screen.findByTestId('invoices.row'));
    expect((await screen.findByTestId('invoice.overdue')).textContent).toBe('12 days overdue');
    await fireEvent.click(screen.getByTestId('invoice.reminder'));
    await waitFor(() => expect(print).toHaveBeenCalled());
    expect(calls.some((c) => c.cmd === 'invoice_profile')).toBe(true);
    const reminder = screen.getByTestId('invoice.reminder-print');
    expect(reminder.textContent).toContain('Payment reminder');
    expect(reminder.textContent).toContain('invoice 1001 of 3 March 2026 has not been paid in full. It was due on 17 March 2026.');
    expect(reminder.textContent).toContain('1234 5678901234');
    expect(reminder.textContent).toContain('450.00 kr');
    // On screen only the reminder prints: the invoice's own view is marked not to.
    expect(screen.getByTestId('invoice.view').classList.contains('no-print')).toBe(true);
    print.mockRestore();
  });

  it('exports a period for the bookkeeping and says where the file went', async () => {
    const { calls } = setup();
    await fireEvent.click(screen.getByTestId('invoices.export'));
    for (const [id, day] of [['invoices.export-from', '2026-03-01'], ['invoices.export-to', '2026-03-31']] as const) {
      await fireEvent.input(screen.getByTestId(id), { target: { value: day } });
      await fireEvent.blur(screen.getByTestId(id));
    }
    await fireEvent.click(screen.getByTestId('invoices.export-save'));
    expect((await screen.findByTestId('invoices.export-path')).textContent).toBe('/home/ida/Klinik/invoices-2026-03.csv');
    expect(last(calls, 'export_invoices')).toEqual({ firstDay: '2026-03-01', lastDay: '2026-03-31' });
  });

  it('offers the invoice details to administrators only', async () => {
    setup({ ...OWNER, isAdmin: false, isOwner: false });
    await screen.findByTestId('invoices.row');
    expect(screen.queryByTestId('invoices.profile')).toBeNull();
    cleanup();
    setup();
    await fireEvent.click(screen.getByTestId('invoices.profile'));
    expect(screen.getByTestId('invoices.profile-dialog')).toBeTruthy();
  });
});

// axe-core (the engine of the e2e suite's accessibility pass) over the screen and its
// dialogs as rendered here; jsdom lays nothing out, so colour contrast is left to the e2e pass.
async function problems(name: string): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations.map((v) => `[${name}] ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 100)).join(' | ')}`);
}

describe('the invoices screen’s accessibility', () => {
  it('has no WCAG 2.1 A/AA problem axe can find without layout, on any step or dialog', async () => {
    setup();
    await screen.findByTestId('invoices.row');
    const found = await problems('list');
    await fireEvent.click(screen.getByTestId('invoices.profile'));
    await screen.findByTestId('profile.legalName');
    found.push(...(await problems('invoice details')));
    await fireEvent.click(screen.getByTestId('profile.close'));
    await fireEvent.click(screen.getByTestId('invoices.export'));
    found.push(...(await problems('export')));
    await fireEvent.click(screen.getByTestId('invoices.export-close'));

    await fireEvent.click(screen.getByTestId('invoices.new'));
    await screen.findByTestId('invoices.client-option');
    found.push(...(await problems('client picker')));
    await fireEvent.click(screen.getByTestId('invoices.client-option'));
    await screen.findByTestId('invoices.appointment');
    await fireEvent.click(screen.getByTestId('invoice.line-add'));
    await fireEvent.click(screen.getByTestId('invoice.payer-third'));
    found.push(...(await problems('new invoice')));
    await fireEvent.input(screen.getByTestId('invoice.line-description'), { target: { value: 'Creme' } });
    await fireEvent.input(screen.getByTestId('invoice.line-price'), { target: { value: '100' } });
    await fireEvent.input(screen.getByTestId('invoice.payer-name'), { target: { value: 'Tryg' } });
    await fireEvent.click(screen.getByTestId('invoices.create'));

    await screen.findByTestId('invoice.editor');
    found.push(...(await problems('draft')));
    await fireEvent.click(screen.getByTestId('invoice.issue'));
    found.push(...(await problems('issue question')));
    await fireEvent.click(screen.getByTestId('invoice.issue-confirm'));
    await screen.findByTestId('invoice.pin');
    found.push(...(await problems('PIN')));
    await fireEvent.click(screen.getByTestId('invoice.pin-close'));
    found.push(...(await problems('issued invoice')));
    await fireEvent.click(screen.getByTestId('invoice.pay'));
    found.push(...(await problems('payment')));
    expect(found).toEqual([]);
  });
});
