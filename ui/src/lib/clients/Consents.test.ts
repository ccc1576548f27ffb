import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { Attachment, Client, Consent, ConsentInput, ConsentText, Me } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { OWNER, withSession } from '../testing';
import Clients from './Clients.svelte';

// Ida, the owner, at the desk with only the clients feature: the client's page shows the
// details and the consents (no calendar, invoices or journal to mock).
const DESK: Me = { ...OWNER, features: ['clients'] };
const VIEW_ONLY: Me = { ...DESK, isOwner: false, isAdmin: false, canViewAudit: false, canEdit: false };

const EVA: Client = {
  id: 'k1', name: 'Eva Dahl', phone: '', email: '', createdAt: '2020-01-02T08:00:00Z', updatedAt: '2025-03-01T08:00:00Z',
  birthDate: null, address: '', receptionNote: '', active: true, nationalIdMasked: null,
};

// The clinic requires version 2 of the processing of personal data; contact is optional.
const PERSONAL: ConsentText = {
  id: 't-pd-2', key: 'personal_data', version: 2, title: 'Processing of personal data', required: true, active: true,
  body: 'I consent to the clinic processing my personal data.\n\nI have been told of my rights.',
};
const CONTACT: ConsentText = {
  id: 't-contact-1', key: 'contact', version: 1, title: 'Contact by SMS and email', required: false, active: true,
  body: 'I consent to reminders by SMS and email.',
};

// Eva signed for contact on the screen; her consent to version 1 of the personal data was
// typed and later withdrawn; she refused sharing orally.
const SIGNED: Consent = {
  id: 'c1', textId: 't-contact-1', key: 'contact', title: 'Contact by SMS and email', version: 1, textSha256: 'a'.repeat(64), given: true,
  method: 'drawn', typedName: null, signaturePng: 'iVBORw0KGgoAAAANSUhEUgAAAAE=', attachmentId: null, recordedBy: 'Ida',
  givenAt: '2026-03-02T09:15:00Z', withdrawnAt: null,
};
const WITHDRAWN: Consent = {
  id: 'c2', textId: 't-pd-1', key: 'personal_data', title: 'Processing of personal data', version: 1, textSha256: 'b'.repeat(64), given: true,
  method: 'typed', typedName: 'Eva Dahl', signaturePng: null, attachmentId: null, recordedBy: 'Lars Holm',
  givenAt: '2025-05-10T10:00:00Z', withdrawnAt: '2026-02-01T12:00:00Z',
};
const REFUSED: Consent = {
  id: 'c3', textId: 't-sharing-1', key: 'sharing', title: 'Sharing with my GP or insurer', version: 1, textSha256: 'c'.repeat(64), given: false,
  method: 'oral', typedName: null, signaturePng: null, attachmentId: null, recordedBy: 'Ida',
  givenAt: '2025-05-10T10:05:00Z', withdrawnAt: null,
};

const SCAN: Attachment = {
  id: 'att-1', clientId: 'k1', entryId: null, name: 'samtykke-underskrevet.pdf', mime: 'application/pdf', size: 81_234, sha256: 'd'.repeat(64),
  createdByName: 'Ida', createdAt: '2026-03-18T09:00:00Z',
};

const FORM_PATH = '/home/ida/Klinik/consent-personal_data-v2.pdf';
// A PNG's first bytes, as the canvas gives them.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAlgAAADI=';

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup({ me = DESK, missing = true, consents = [SIGNED, WITHDRAWN, REFUSED], attachments = [SCAN], refuse = null as string | null } = {}) {
  const calls: Call[] = [];
  let list = consents;
  let isMissing = missing;
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_clients':
        return [EVA];
      case 'get_client':
        return EVA;
      case 'client_consents':
        return list;
      case 'consent_missing':
        return isMissing;
      case 'consent_texts':
        return [PERSONAL, CONTACT];
      case 'list_attachments':
        return attachments;
      case 'save_consent_form':
        return FORM_PATH;
      case 'record_consent': {
        if (refuse) throw { code: refuse, detail: null };
        const input = a.input as ConsentInput;
        const text = [PERSONAL, CONTACT].find((x) => x.id === input.textId)!;
        const made: Consent = {
          id: `new-${list.length}`, textId: text.id, key: text.key, title: text.title, version: text.version, textSha256: 'e'.repeat(64),
          given: input.given, method: input.method, typedName: input.typedName, signaturePng: input.signaturePng, attachmentId: input.attachmentId,
          recordedBy: 'Ida', givenAt: '2026-03-18T10:00:00Z', withdrawnAt: null,
        };
        list = [made, ...list];
        if (text.required && input.given) isMissing = false;
        return made;
      }
      case 'withdraw_consent':
        list = list.map((c) => (c.id === a.consentId ? { ...c, withdrawnAt: '2026-03-18T10:30:00Z' } : c));
        return null;
    }
    return [];
  });
  render(Clients, { context: withSession({ me }) });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((c) => c.textContent?.trim());

async function openEva() {
  await fireEvent.click(await screen.findByTestId('clients.row'));
  await screen.findByTestId('client.detail.name');
  await screen.findAllByTestId('consents.row');
}

async function openDialog() {
  await fireEvent.click(screen.getByTestId('consents.add'));
  const dialog = await screen.findByTestId('consent.dialog');
  await waitFor(() => expect(within(dialog).getByTestId('consent.body')).toBeTruthy());
  return dialog;
}

async function choose(method: string) {
  await fireEvent.change(screen.getByTestId('consent.method'), { target: { value: method } });
}

beforeEach(() => {
  setLanguage('en');
  // jsdom has no canvas: nothing is drawn unless a test says otherwise.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
  setLanguage('en');
});

describe('a client’s consents on the client’s page', () => {
  it('lists each consent with its version, answer, way, time, recorder and withdrawal, and says a required one is missing', async () => {
    setup();
    await openEva();
    const section = screen.getByTestId('consents.section');
    expect(within(section).getByRole('heading', { level: 3 }).textContent).toBe('Consents');
    expect(screen.getByTestId('consents.missing').textContent).toBe('A required consent is missing: ask the client and record their answer.');

    const rows = screen.getAllByTestId('consents.row');
    expect(rows.map((r) => r.dataset.consentId)).toEqual(['c1', 'c2', 'c3']);
    expect(rows.map((r) => r.dataset.state)).toEqual(['given', 'withdrawn', 'refused']);
    const [signed, withdrawn, refused] = rows.map(cells);
    expect(signed!.slice(0, 3)).toEqual(['Contact by SMS and email (version 1)', 'Given', 'Signed on the screen']);
    expect(signed![4]).toBe('Ida');
    expect(signed![5]).toBe('—');
    expect(withdrawn!.slice(0, 3)).toEqual(['Processing of personal data (version 1)', 'Given', 'Name typed: Eva Dahl']);
    expect(withdrawn![4]).toBe('Lars Holm');
    expect(withdrawn![5]).toMatch(/2026/);
    expect(refused!.slice(0, 3)).toEqual(['Sharing with my GP or insurer (version 1)', 'Refused', 'Orally']);

    // The drawn signature shows as a small image, named.
    const image = within(rows[0]!).getByTestId('consents.signature') as HTMLImageElement;
    expect(image.getAttribute('src')).toBe(`data:image/png;base64,${SIGNED.signaturePng}`);
    expect(image.alt).toBe('Signature of Eva Dahl');
    expect(within(rows[1]!).queryByTestId('consents.signature')).toBeNull();

    // Only a given consent not yet withdrawn can be withdrawn.
    expect(rows.map((r) => r.querySelector('[data-testid="consents.withdraw"]') !== null)).toEqual([true, false, false]);
  });

  it('shows no notice when nothing required is missing, and says when nothing is recorded', async () => {
    setup({ missing: false, consents: [] });
    await fireEvent.click(await screen.findByTestId('clients.row'));
    expect((await screen.findByTestId('consents.none')).textContent).toBe('No consent recorded yet.');
    expect(screen.queryByTestId('consents.missing')).toBeNull();
  });

  it('records a typed consent to the declaration shown — a missing required one first — with exactly its text', async () => {
    const { calls } = setup();
    await openEva();
    const dialog = await openDialog();
    expect(within(dialog).getByRole('heading', { level: 2 }).textContent).toBe('Record a consent from Eva Dahl');
    // Personal data is required and Eva's consent to it was withdrawn: it comes first.
    expect((screen.getByTestId('consent.text') as HTMLSelectElement).value).toBe(PERSONAL.id);
    expect(screen.getByTestId('consent.textTitle').textContent).toBe(PERSONAL.title);
    expect(screen.getByTestId('consent.body').textContent).toBe(PERSONAL.body);

    // Given is the answer recorded unless refused is chosen; the name is asked for.
    expect((screen.getByTestId('consent.given') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('consent.refused') as HTMLInputElement).checked).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('consent.text'));
    await choose('typed');
    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('Let the client type their name.');
    expect(of(calls, 'record_consent')).toEqual([]);

    await fireEvent.input(screen.getByTestId('consent.typedName'), { target: { value: '  Eva Dahl ' } });
    await fireEvent.click(screen.getByTestId('consent.save'));
    await waitFor(() => expect(screen.queryByTestId('consent.dialog')).toBeNull());
    expect(of(calls, 'record_consent')).toEqual([
      { clientId: 'k1', input: { textId: PERSONAL.id, given: true, method: 'typed', signaturePng: null, typedName: 'Eva Dahl', attachmentId: null } },
    ]);
    expect(screen.getByTestId('consents.notice').textContent).toBe('Recorded: “Processing of personal data” given.');
    // The list and the notice are read again: the required consent is given now.
    await waitFor(() => expect(screen.getAllByTestId('consents.row')).toHaveLength(4));
    expect(screen.queryByTestId('consents.missing')).toBeNull();
    expect(of(calls, 'consent_missing')).toHaveLength(2);
  });

  it('records an oral refusal under the signed-in person’s name', async () => {
    const { calls } = setup();
    await openEva();
    await openDialog();
    await fireEvent.change(screen.getByTestId('consent.text'), { target: { value: CONTACT.id } });
    expect(screen.getByTestId('consent.body').textContent).toBe(CONTACT.body);
    await fireEvent.click(screen.getByTestId('consent.refused'));
    await choose('oral');
    expect(screen.getByTestId('consent.oralNote').textContent).toBe('An oral answer is recorded under your name, Ida, as the person who heard it.');
    await fireEvent.click(screen.getByTestId('consent.save'));
    await waitFor(() => expect(of(calls, 'record_consent')).toHaveLength(1));
    expect(of(calls, 'record_consent')[0]).toEqual({
      clientId: 'k1',
      input: { textId: CONTACT.id, given: false, method: 'oral', signaturePng: null, typedName: null, attachmentId: null },
    });
    expect((await screen.findByTestId('consents.notice')).textContent).toBe('Recorded: “Contact by SMS and email” refused.');
  });

  it('refuses an empty signature box in the window, and sends what was drawn as a base64 PNG', async () => {
    // jsdom draws nothing: a canvas that only takes the strokes, and gives a PNG.
    const strokes = { moveTo: vi.fn(), lineTo: vi.fn(), stroke: vi.fn(), beginPath: vi.fn(), fillRect: vi.fn() };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(strokes as unknown as CanvasRenderingContext2D);
    const toDataURL = vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue(`data:image/png;base64,${PNG}`);
    const { calls } = setup();
    await openEva();
    await openDialog();
    expect((screen.getByTestId('consent.method') as HTMLSelectElement).value).toBe('drawn');
    await fireEvent.click(screen.getByTestId('consent.given'));
    const canvas = screen.getByTestId('consent.canvas');
    expect(canvas.getAttribute('aria-labelledby')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('The signature box is empty: let the client sign first.');
    // A tap is no signature.
    await fireEvent.pointerDown(canvas, { pointerId: 1, button: 0, clientX: 10, clientY: 10 });
    await fireEvent.pointerUp(canvas, { pointerId: 1 });
    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('The signature box is empty: let the client sign first.');

    // A stroke, then Clear: empty again.
    await fireEvent.pointerDown(canvas, { pointerId: 1, button: 0, clientX: 10, clientY: 10 });
    await fireEvent.pointerMove(canvas, { pointerId: 1, clientX: 60, clientY: 30 });
    await fireEvent.pointerUp(canvas, { pointerId: 1 });
    expect(canvas.dataset.empty).toBe('false');
    await fireEvent.click(screen.getByTestId('consent.clear'));
    expect(canvas.dataset.empty).toBe('true');
    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('The signature box is empty: let the client sign first.');
    expect(of(calls, 'record_consent')).toEqual([]);
    expect(toDataURL).not.toHaveBeenCalled();

    await fireEvent.pointerDown(canvas, { pointerId: 1, button: 0, clientX: 10, clientY: 10 });
    await fireEvent.pointerMove(canvas, { pointerId: 1, clientX: 60, clientY: 30 });
    await fireEvent.pointerMove(canvas, { pointerId: 1, clientX: 120, clientY: 20 });
    await fireEvent.pointerUp(canvas, { pointerId: 1 });
    expect(strokes.stroke).toHaveBeenCalledTimes(3);
    await fireEvent.click(screen.getByTestId('consent.save'));
    await waitFor(() => expect(of(calls, 'record_consent')).toHaveLength(1));
    expect(toDataURL).toHaveBeenCalledWith('image/png');
    expect(of(calls, 'record_consent')[0]).toEqual({
      clientId: 'k1',
      input: { textId: PERSONAL.id, given: true, method: 'drawn', signaturePng: PNG, typedName: null, attachmentId: null },
    });
  });

  it('refuses a drawn signature over 200 KB in the window', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue(`data:image/png;base64,${'A'.repeat(280_000)}`);
    const { calls } = setup();
    await openEva();
    await openDialog();
    await fireEvent.click(screen.getByTestId('consent.given'));
    const canvas = screen.getByTestId('consent.canvas');
    await fireEvent.pointerDown(canvas, { pointerId: 1, button: 0 });
    await fireEvent.pointerMove(canvas, { pointerId: 1 });
    await fireEvent.pointerUp(canvas, { pointerId: 1 });
    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('The signature is too large (at most 200 KB). Clear it and sign again.');
    expect(of(calls, 'record_consent')).toEqual([]);
  });

  it('for a paper form, saves the form to print, lists the client’s attachments and sends the scan chosen', async () => {
    const { calls } = setup();
    await openEva();
    await openDialog();
    await fireEvent.click(screen.getByTestId('consent.given'));
    await choose('paper');
    expect(screen.getByTestId('consent.paperHelp').textContent).toContain('scan the signed form onto the client’s record as an attachment first');
    await waitFor(() => expect(of(calls, 'list_attachments')).toEqual([{ clientId: 'k1' }]));

    await fireEvent.click(screen.getByTestId('consent.printForm'));
    expect((await screen.findByTestId('consent.formPath')).textContent).toBe(FORM_PATH);
    expect(of(calls, 'save_consent_form')).toEqual([{ textId: PERSONAL.id, clientId: 'k1' }]);

    await fireEvent.click(screen.getByTestId('consent.save'));
    expect(screen.getByTestId('consent.error').textContent).toBe('Choose the scanned form.');
    const pick = screen.getByTestId('consent.attachment') as HTMLSelectElement;
    expect([...pick.options].map((o) => o.value)).toEqual(['', 'att-1']);
    await fireEvent.change(pick, { target: { value: 'att-1' } });
    await fireEvent.click(screen.getByTestId('consent.save'));
    await waitFor(() => expect(of(calls, 'record_consent')).toHaveLength(1));
    expect(of(calls, 'record_consent')[0]).toEqual({
      clientId: 'k1',
      input: { textId: PERSONAL.id, given: true, method: 'paper', signaturePng: null, typedName: null, attachmentId: 'att-1' },
    });
  });

  it('says when the client has no attachment to choose yet, and looks again on request', async () => {
    const { calls } = setup({ attachments: [] });
    await openEva();
    await openDialog();
    await choose('paper');
    expect((await screen.findByTestId('consent.noAttachments')).textContent).toContain('has no attachment yet');
    await fireEvent.click(screen.getByTestId('consent.reloadAttachments'));
    await waitFor(() => expect(of(calls, 'list_attachments')).toHaveLength(2));
  });

  it('shows the core’s refusal in the dialog, translated, and keeps what was entered', async () => {
    setup({ refuse: 'denied' });
    await openEva();
    await openDialog();
    await fireEvent.click(screen.getByTestId('consent.given'));
    await choose('typed');
    await fireEvent.input(screen.getByTestId('consent.typedName'), { target: { value: 'Eva Dahl' } });
    await fireEvent.click(screen.getByTestId('consent.save'));
    expect((await screen.findByTestId('consent.error')).textContent).toBe('You do not have access to this.');
    expect((screen.getByTestId('consent.typedName') as HTMLInputElement).value).toBe('Eva Dahl');
  });

  it('withdraws a given consent after asking, and reads the consents again', async () => {
    const { calls } = setup();
    await openEva();
    const first = screen.getAllByTestId('consents.row')[0]!;
    const withdraw = within(first).getByTestId('consents.withdraw');
    expect(withdraw.getAttribute('aria-label')).toBe('Withdraw the consent “Contact by SMS and email”');
    await fireEvent.click(withdraw);
    const confirm = screen.getByTestId('consents.withdraw-dialog');
    expect(confirm.textContent).toContain('Eva Dahl withdraws the consent “Contact by SMS and email” from now on.');
    expect(of(calls, 'withdraw_consent')).toEqual([]);
    await fireEvent.click(screen.getByTestId('consents.withdraw-confirm'));
    await waitFor(() => expect(screen.queryByTestId('consents.withdraw-dialog')).toBeNull());
    expect(of(calls, 'withdraw_consent')).toEqual([{ clientId: 'k1', consentId: 'c1' }]);
    expect(screen.getByTestId('consents.notice').textContent).toBe('The consent “Contact by SMS and email” is withdrawn.');
    await waitFor(() => expect(screen.getAllByTestId('consents.row')[0]!.dataset.state).toBe('withdrawn'));
    expect(screen.queryAllByTestId('consents.withdraw')).toHaveLength(0);
  });

  it('offers recording and withdrawing only to whoever may change clients, and shows the consents to all', async () => {
    setup({ me: VIEW_ONLY });
    await openEva();
    expect(screen.getAllByTestId('consents.row')).toHaveLength(3);
    expect(screen.getByTestId('consents.missing')).toBeTruthy();
    expect(screen.queryByTestId('consents.add')).toBeNull();
    expect(screen.queryAllByTestId('consents.withdraw')).toHaveLength(0);
  });

  it('speaks Danish in Denmark', async () => {
    setLanguage('da');
    setup();
    await openEva();
    expect(screen.getByTestId('consents.missing').textContent).toBe('Et påkrævet samtykke mangler: spørg klienten, og registrér svaret.');
    expect(cells(screen.getAllByTestId('consents.row')[0]!).slice(0, 3)).toEqual(['Contact by SMS and email (version 1)', 'Givet', 'Underskrevet på skærmen']);
    expect(screen.getByTestId('consents.add').textContent).toBe('Registrér samtykke…');
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, on the list and with each way of answering', async () => {
    setup();
    await openEva();
    const rules = {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    };
    const problems = async (el: HTMLElement) =>
      (await axe.run(el, rules)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`);
    expect(await problems(screen.getByTestId('consents.section'))).toEqual([]);
    const dialog = await openDialog();
    for (const method of ['drawn', 'typed', 'paper', 'oral']) {
      await choose(method);
      if (method === 'paper') await screen.findByTestId('consent.attachment');
      expect(await problems(dialog), method).toEqual([]);
    }
  });
});
