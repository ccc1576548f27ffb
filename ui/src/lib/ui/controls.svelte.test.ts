import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setLanguage } from '../i18n/index.svelte';
import DateField from './DateField.svelte';
import FilePicker from './FilePicker.svelte';

afterEach(() => {
  cleanup();
  setLanguage('en');
});

type DateProps = { value: string; label: string; 'data-testid': string; min?: string; max?: string; required?: boolean };

function dateField(initial: Partial<DateProps> = {}) {
  const props = $state<DateProps>({ value: '', label: 'Fødselsdato', 'data-testid': 'birth', ...initial });
  render(DateField, { props });
  const input = screen.getByTestId('birth') as HTMLInputElement;
  return { props, input };
}

async function typeInto(input: HTMLInputElement, text: string) {
  await fireEvent.focus(input);
  await fireEvent.input(input, { target: { value: text } });
  await fireEvent.blur(input);
}

describe('DateField', () => {
  it('is a labelled text field with the language’s pattern, showing the day the language’s way', () => {
    setLanguage('da');
    const { input } = dateField({ value: '2026-12-31' });
    expect(input.type).toBe('text');
    expect(input.inputMode).toBe('numeric');
    expect(input.placeholder).toBe('dd-mm-åååå');
    expect(input.value).toBe('31-12-2026');
    expect(screen.getByLabelText('Fødselsdato')).toBe(input);
  });

  it('hands up the ISO day for what is typed, and shows it the language’s way once left', async () => {
    setLanguage('nb');
    const { props, input } = dateField();
    await typeInto(input, '1.2.2026');
    expect(props.value).toBe('2026-02-01');
    expect(input.value).toBe('01.02.2026');
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('understands ISO typed in any language', async () => {
    setLanguage('da');
    const { props, input } = dateField();
    await fireEvent.input(input, { target: { value: '2020-01-01' } });
    expect(props.value).toBe('2020-01-01');
  });

  it('refuses an impossible date with a translated, linked message', async () => {
    setLanguage('da');
    const { props, input } = dateField({ value: '2026-02-01' });
    await typeInto(input, '31-02-2026');
    expect(props.value).toBe('');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const message = document.getElementById(input.getAttribute('aria-describedby')!)!;
    expect(message.textContent).toBe('Det er ikke en gyldig dato. Skriv den som dd-mm-åååå.');
    expect(input.validity.valid).toBe(false);
    expect(input.validationMessage).toBe(message.textContent);
  });

  it('keeps quiet while the date is being typed', async () => {
    setLanguage('en');
    const { props, input } = dateField();
    await fireEvent.focus(input);
    await fireEvent.input(input, { target: { value: '3' } });
    expect(props.value).toBe('');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('birth.error').textContent).toBe('');
  });

  it('keeps to min and max, and checks again when a limit moves', async () => {
    setLanguage('sv');
    const { props, input } = dateField({ min: '2026-03-10' });
    await typeInto(input, '2026-03-09');
    expect(props.value).toBe('');
    expect(screen.getByTestId('birth.error').textContent).toBe('Datumet måste vara 2026-03-10 eller senare.');
    props.min = '2026-03-01';
    flushSync();
    expect(props.value).toBe('2026-03-09');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    props.max = '2026-03-05';
    flushSync();
    expect(props.value).toBe('');
    expect(screen.getByTestId('birth.error').textContent).toBe('Datumet måste vara 2026-03-05 eller tidigare.');
  });

  it('follows a value set from outside and a change of language', () => {
    setLanguage('en');
    const { props, input } = dateField({ value: '2026-07-04' });
    expect(input.value).toBe('04/07/2026');
    setLanguage('sv');
    flushSync();
    expect(input.value).toBe('2026-07-04');
    expect(input.placeholder).toBe('åååå-mm-dd');
    props.value = '';
    flushSync();
    expect(input.value).toBe('');
  });

  it('settles when two fields bound each other (a period: from ≤ to)', async () => {
    setLanguage('da');
    const from = $state<DateProps>({ value: '', label: 'Fra', 'data-testid': 'from' });
    const to = $state<DateProps>({ value: '', label: 'Til', 'data-testid': 'to' });
    const stop = $effect.root(() => {
      $effect(() => {
        from.max = to.value || undefined;
      });
      $effect(() => {
        to.min = from.value || undefined;
      });
    });
    render(DateField, { props: from });
    render(DateField, { props: to });
    const [fromInput, toInput] = [screen.getByTestId('from'), screen.getByTestId('to')] as HTMLInputElement[];
    await typeInto(fromInput!, '1-1-2020');
    await typeInto(toInput!, '1-1-2019');
    flushSync();
    expect([from.value, to.value]).toEqual(['2020-01-01', '']);
    expect(screen.getByTestId('to.error').textContent).toBe('Datoen skal være 01-01-2020 eller senere.');
    await typeInto(fromInput!, '1-1-2018');
    flushSync();
    expect([from.value, to.value]).toEqual(['2018-01-01', '2019-01-01']);
    expect(screen.getByTestId('to.error').textContent).toBe('');
    stop();
  });

  it('marks a required field for screen readers and forms', async () => {
    setLanguage('en');
    const { input } = dateField({ required: true });
    expect(input.required).toBe(true);
    expect(input.validationMessage).toBe('Enter a date.');
  });
});

describe('FilePicker', () => {
  it('names the button and the chosen file in the UI language', async () => {
    setLanguage('sv');
    let seen = '';
    render(FilePicker, {
      props: { label: 'Foto', accept: 'image/png', onchange: (e: Event) => (seen = (e.currentTarget as HTMLInputElement).files?.[0]?.name ?? ''), 'data-testid': 'photo' },
    });
    const input = screen.getByTestId('photo') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.accept).toBe('image/png');
    expect(screen.getByText('Välj fil…').tagName).toBe('LABEL');
    expect(screen.getByText('Ingen fil vald')).toBeTruthy();
    // The input's name: what the file is for, and the button.
    const names = input.getAttribute('aria-labelledby')!.split(' ').map((id) => document.getElementById(id)!.textContent);
    expect(names).toEqual(['Foto', 'Välj fil…']);

    const file = new File(['x'], 'mette.png', { type: 'image/png' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    expect(seen).toBe('mette.png');
    expect(screen.getByText('mette.png')).toBeTruthy();
  });

  it('shows no file again when its owner clears the input after taking the file in', async () => {
    setLanguage('da');
    const input = () => screen.getByTestId('attach') as HTMLInputElement;
    render(FilePicker, {
      props: {
        label: 'Vedhæft',
        onchange: async () => {
          await Promise.resolve();
          Object.defineProperty(input(), 'files', { value: [], configurable: true });
        },
        'data-testid': 'attach',
      },
    });
    Object.defineProperty(input(), 'files', { value: [new File(['x'], 'a.pdf')], configurable: true });
    await fireEvent.change(input());
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getByText('Ingen fil valgt')).toBeTruthy();
    expect(screen.getByText('Vælg fil…')).toBeTruthy();
  });
});

describe('native controls that follow the machine’s language', () => {
  it('are used nowhere outside the shared controls', () => {
    const sources = import.meta.glob(['../../**/*.svelte', '!./**'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    for (const [path, source] of Object.entries(sources)) {
      expect(source, path).not.toMatch(/type="(date|file)"/);
    }
  });
});
