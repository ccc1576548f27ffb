import { afterEach, describe, expect, it } from 'vitest';
import { formatMoney, setLanguage } from '../i18n/index.svelte';
import { emptyRow, lineInputs } from './lines';
import { kronerText, parseKroner } from './money';

afterEach(() => setLanguage('en'));

describe('kroner typed as øre', () => {
  it('reads the Nordic and the English ways of writing an amount, exactly', () => {
    expect(parseKroner('1.234,50')).toBe(123450);
    expect(parseKroner('1234.5')).toBe(123450);
    expect(parseKroner('1234,50')).toBe(123450);
    expect(parseKroner('1 234,50')).toBe(123450);
    expect(parseKroner('1\u00a0234,50')).toBe(123450);
    expect(parseKroner('1,234.50')).toBe(123450);
    expect(parseKroner('99,9')).toBe(9990);
    expect(parseKroner('0,05')).toBe(5);
    expect(parseKroner('450')).toBe(45000);
    expect(parseKroner(' 450 kr. ')).toBe(45000);
    expect(parseKroner('1.234')).toBe(123400);
    expect(parseKroner('0')).toBe(0);
    expect(parseKroner('1.000.000,00')).toBe(100_000_000);
    // Where floating point would drift: 0,07 × 100 and 1.005,10 × 100.
    expect(parseKroner('0,07')).toBe(7);
    expect(parseKroner('1.005,10')).toBe(100510);
    expect(parseKroner('4.35')).toBe(435);
  });

  it('refuses what is not an amount in kroner', () => {
    for (const bad of ['12,345', 'abc', '', '  ', '-5', '1,2,3', '1.234.50', '12.34.56', '1,5.5', '12 34', '1e3', '0x10', '5,', ',5', '99999999999']) {
      expect(parseKroner(bad), bad).toBeNull();
    }
  });

  it('writes øre back as kroner to type again, in the UI language', () => {
    setLanguage('da');
    expect(kronerText(123450)).toBe('1234,50');
    expect(kronerText(5)).toBe('0,05');
    expect(parseKroner(kronerText(123450))).toBe(123450);
    setLanguage('en');
    expect(kronerText(123450)).toBe('1234.50');
    expect(parseKroner(kronerText(99))).toBe(99);
  });

  it('shows money as each language writes it', () => {
    const space = '[\\s\\u00a0\\u202f]';
    setLanguage('da');
    expect(formatMoney(123450)).toBe('1.234,50 kr.');
    expect(formatMoney(-45000)).toBe('-450,00 kr.');
    setLanguage('sv');
    expect(formatMoney(123450)).toMatch(new RegExp(`^1${space}234,50 kr$`));
    setLanguage('nb');
    expect(formatMoney(5)).toBe('0,05 kr');
    setLanguage('en');
    expect(formatMoney(123450)).toBe('1,234.50 kr');
    expect(formatMoney(null)).toBe('—');
  });
});

describe('lines as the core takes them', () => {
  it('sends the price in øre and the rest as typed', () => {
    const row = { ...emptyRow(), description: ' Massage ', price: '1.234,50', quantity: 2, discount: 10, vat: 'standard' as const, treatmentOn: '2026-03-02' };
    expect(lineInputs([row])).toEqual({
      lines: [{ appointmentId: null, description: 'Massage', treatmentOn: '2026-03-02', quantity: 2, unitMinor: 123450, discountPct: 10, vat: 'standard' }],
    });
  });

  it('names the first line it cannot read, and why', () => {
    const ok = { ...emptyRow(), description: 'A', price: '100' };
    expect(lineInputs([ok, { ...ok, price: '12,345' }])).toEqual({ problem: { line: 2, what: 'price' } });
    expect(lineInputs([{ ...ok, quantity: 1.5 }])).toEqual({ problem: { line: 1, what: 'quantity' } });
    expect(lineInputs([{ ...ok, quantity: null }])).toEqual({ problem: { line: 1, what: 'quantity' } });
    expect(lineInputs([{ ...ok, discount: 101 }])).toEqual({ problem: { line: 1, what: 'discount' } });
    expect(lineInputs([{ ...ok, description: '  ' }])).toEqual({ problem: { line: 1, what: 'description' } });
  });
});
