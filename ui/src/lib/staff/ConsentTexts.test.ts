import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import axe from 'axe-core';
import type { ConsentText, ConsentTextInput } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { withSession } from '../testing';
import ConsentTexts from './ConsentTexts.svelte';

// The starters: processing of personal data (required, already at version 2) and contact.
const PERSONAL: ConsentText = {
  id: 't-pd-2', key: 'personal_data', version: 2, title: 'Processing of personal data', required: true, active: true,
  body: 'I consent to the clinic processing my personal data.',
};
const CONTACT: ConsentText = {
  id: 't-contact-1', key: 'contact', version: 1, title: 'Contact by SMS and email', required: false, active: true,
  body: 'I consent to reminders by SMS and email.',
};

const FORM_PATH = '/home/ida/Klinik/consent-contact-v1.pdf';

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function setup({ refuse = null as string | null } = {}) {
  const calls: Call[] = [];
  let texts = [PERSONAL, CONTACT];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'consent_texts':
        return texts;
      case 'save_consent_text': {
        if (refuse) throw { code: refuse, detail: null };
        const input = a.input as ConsentTextInput;
        const old = texts.find((x) => x.key === input.key);
        const saved: ConsentText = {
          id: `t-${texts.length + 1}`, key: input.key ?? 'custom-1', version: old ? old.version + 1 : 1,
          title: input.title, body: input.body, required: input.required, active: true,
        };
        texts = [...texts.filter((x) => x.key !== input.key), saved];
        return saved;
      }
      case 'retire_consent_text':
        texts = texts.filter((x) => x.key !== a.key);
        return null;
      case 'save_consent_form':
        return FORM_PATH;
    }
    return null;
  });
  render(ConsentTexts, { context: withSession() });
  return { calls };
}

const of = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const row = (key: string) => screen.getAllByTestId('consentTexts.row').find((r) => r.dataset.key === key)!;

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('consent declarations (administrators)', () => {
  it('lists the declarations in use with their version and whether they are required', async () => {
    setup();
    const rows = await screen.findAllByTestId('consentTexts.row');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Consent declarations');
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].slice(0, 3).map((c) => c.textContent))).toEqual([
      ['Processing of personal data', '2', 'Required'],
      ['Contact by SMS and email', '1', 'Optional'],
    ]);
    expect(screen.getByTestId('consentTexts.section').textContent).toContain('consents given to the old version stay with it');
  });

  it('saves an edited declaration as a new version of its key, and says the old version keeps its consents', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(within(row('personal_data')).getByTestId('consentTexts.edit'));
    const form = screen.getByTestId('consentTexts.form');
    expect(within(form).getByRole('heading', { level: 3 }).textContent).toBe('New version of “Processing of personal data”');
    expect(screen.getByTestId('consentTexts.versionNote').textContent).toContain(
      'Saving makes version 3 and retires version 2. Consents given to version 2 stay with it',
    );
    expect(document.activeElement).toBe(screen.getByTestId('consentTexts.title'));
    expect((screen.getByTestId('consentTexts.title') as HTMLInputElement).value).toBe(PERSONAL.title);
    expect((screen.getByTestId('consentTexts.body') as HTMLTextAreaElement).value).toBe(PERSONAL.body);
    expect((screen.getByTestId('consentTexts.required') as HTMLInputElement).checked).toBe(true);

    const body = `${PERSONAL.body}\n\nI may withdraw this consent at any time.`;
    await fireEvent.input(screen.getByTestId('consentTexts.body'), { target: { value: body } });
    expect(screen.getByTestId('consentTexts.save').textContent).toBe('Save as a new version');
    await fireEvent.click(screen.getByTestId('consentTexts.save'));
    await waitFor(() => expect(screen.queryByTestId('consentTexts.form')).toBeNull());
    expect(of(calls, 'save_consent_text')).toEqual([{ input: { key: 'personal_data', title: PERSONAL.title, body, required: true } }]);
    expect(screen.getByTestId('consentTexts.notice').textContent).toBe('“Processing of personal data” saved as version 3.');
    await waitFor(() => expect(within(row('personal_data')).getByTestId('consentTexts.rowVersion').textContent).toBe('3'));
  });

  it('makes a new declaration without a key, and asks for a title and a text first', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(screen.getByTestId('consentTexts.new'));
    expect(screen.queryByTestId('consentTexts.versionNote')).toBeNull();
    await fireEvent.click(screen.getByTestId('consentTexts.save'));
    expect(screen.getByTestId('consentTexts.problem').textContent).toBe('Give the declaration a title.');
    await fireEvent.input(screen.getByTestId('consentTexts.title'), { target: { value: 'Photos for the journal' } });
    await fireEvent.click(screen.getByTestId('consentTexts.save'));
    expect(screen.getByTestId('consentTexts.problem').textContent).toBe('Write the text of the declaration.');
    expect(of(calls, 'save_consent_text')).toEqual([]);

    await fireEvent.input(screen.getByTestId('consentTexts.body'), { target: { value: 'I consent to photos of my feet in my journal.' } });
    await fireEvent.click(screen.getByTestId('consentTexts.save'));
    await waitFor(() => expect(of(calls, 'save_consent_text')).toHaveLength(1));
    expect(of(calls, 'save_consent_text')[0]).toEqual({
      input: { key: null, title: 'Photos for the journal', body: 'I consent to photos of my feet in my journal.', required: false },
    });
    await waitFor(() => expect(screen.getAllByTestId('consentTexts.row')).toHaveLength(3));
  });

  it('shows the core’s refusal in the form, translated, and keeps what was typed', async () => {
    setup({ refuse: 'invalid' });
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(within(row('contact')).getByTestId('consentTexts.edit'));
    await fireEvent.click(screen.getByTestId('consentTexts.save'));
    expect((await screen.findByTestId('consentTexts.problem')).textContent).toBe('Please check what you entered.');
    expect(screen.getByTestId('consentTexts.form')).toBeTruthy();
  });

  it('retires a declaration after asking', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(within(row('contact')).getByTestId('consentTexts.retire'));
    expect(screen.getByTestId('consentTexts.retire-dialog').textContent).toContain('Consents given to it stay on the clients’ records.');
    expect(of(calls, 'retire_consent_text')).toEqual([]);
    await fireEvent.click(screen.getByTestId('consentTexts.retire-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('consentTexts.row')).toHaveLength(1));
    expect(of(calls, 'retire_consent_text')).toEqual([{ key: 'contact' }]);
    expect(screen.getByTestId('consentTexts.notice').textContent).toBe('“Contact by SMS and email” is retired.');
  });

  it('saves a declaration as a form to print, without a client, and says where', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(within(row('contact')).getByTestId('consentTexts.print'));
    expect((await screen.findByTestId('consentTexts.formPath')).textContent).toBe(FORM_PATH);
    expect(of(calls, 'save_consent_form')).toEqual([{ textId: CONTACT.id, clientId: null }]);
  });

  it('speaks Swedish in Sweden', async () => {
    setLanguage('sv');
    setup();
    await screen.findAllByTestId('consentTexts.row');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Samtyckesförklaringar');
    expect(within(row('contact')).getByTestId('consentTexts.rowRequired').textContent).toBe('Frivillig');
    expect(screen.getByTestId('consentTexts.new').textContent).toBe('Ny förklaring');
  });

  it('has no WCAG 2.1 A/AA problem axe can find without layout, with the form open', async () => {
    setup();
    await screen.findAllByTestId('consentTexts.row');
    await fireEvent.click(within(row('personal_data')).getByTestId('consentTexts.edit'));
    const rules = {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
      rules: { 'color-contrast': { enabled: false } },
    };
    const result = await axe.run(screen.getByTestId('consentTexts.section'), rules);
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 80)).join(' | ')}`)).toEqual([]);
  });
});
