import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../i18n/index.svelte';
import { checkDay, DATE_FORMATS, formatDay, isoDay, parseDay } from './dates';

describe('dates as each language writes them', () => {
  it('formats an ISO day the way the language writes it', () => {
    expect(formatDay('2026-12-31', 'da')).toBe('31-12-2026');
    expect(formatDay('2026-12-31', 'sv')).toBe('2026-12-31');
    expect(formatDay('2026-12-31', 'nb')).toBe('31.12.2026');
    expect(formatDay('2026-12-31', 'en')).toBe('31/12/2026');
    expect(formatDay('2026-01-05', 'da')).toBe('05-01-2026');
  });

  it('shows the pattern to type in the language', () => {
    expect(DATE_FORMATS.da.pattern).toBe('dd-mm-åååå');
    expect(DATE_FORMATS.sv.pattern).toBe('åååå-mm-dd');
    expect(DATE_FORMATS.nb.pattern).toBe('dd.mm.åååå');
    expect(DATE_FORMATS.en.pattern).toBe('dd/mm/yyyy');
  });

  it('leaves empty and non-ISO text as it is', () => {
    expect(formatDay('', 'da')).toBe('');
    expect(formatDay('2026-02-31', 'nb')).toBe('2026-02-31');
    expect(formatDay('soon', 'en')).toBe('soon');
  });

  it('reads what each language types', () => {
    expect(parseDay('31-12-2026', 'da')).toBe('2026-12-31');
    expect(parseDay('2026-12-31', 'sv')).toBe('2026-12-31');
    expect(parseDay('31.12.2026', 'nb')).toBe('2026-12-31');
    expect(parseDay('31/12/2026', 'en')).toBe('2026-12-31');
  });

  it('is forgiving: one-digit day and month, any separator, spaces', () => {
    expect(parseDay('1-2-2026', 'da')).toBe('2026-02-01');
    expect(parseDay('1.2.2026', 'da')).toBe('2026-02-01');
    expect(parseDay('1/2/2026', 'nb')).toBe('2026-02-01');
    expect(parseDay(' 5.6.2026 ', 'en')).toBe('2026-06-05');
    expect(parseDay('2026.6.5', 'sv')).toBe('2026-06-05');
    expect(parseDay('2026/06/05', 'sv')).toBe('2026-06-05');
    expect(parseDay('5 6 2026', 'nb')).toBe('2026-06-05');
    expect(parseDay('31. 12. 2026', 'nb')).toBe('2026-12-31');
  });

  it.each(LANGUAGES)('understands ISO in %s', (lang) => {
    expect(parseDay('2026-03-04', lang)).toBe('2026-03-04');
  });

  it('reads eight digits in the language’s order', () => {
    expect(parseDay('31122026', 'da')).toBe('2026-12-31');
    expect(parseDay('31122026', 'nb')).toBe('2026-12-31');
    expect(parseDay('20261231', 'sv')).toBe('2026-12-31');
  });

  it('refuses impossible and unreadable dates', () => {
    for (const text of ['31-02-2026', '29-02-2026', '32-01-2026', '00-01-2026', '01-13-2026', '31/04/2026', '2026-02-30', '12-31-2026', '1-2-26', 'tomorrow', '31-12', '0999-01-01']) {
      expect(parseDay(text, 'da'), text).toBeNull();
    }
    expect(parseDay('29-02-2028', 'da')).toBe('2028-02-29');
    expect(parseDay('29-02-2000', 'da')).toBe('2000-02-29');
    expect(parseDay('29-02-1900', 'da')).toBeNull();
    expect(isoDay(2026, 2, 28)).toBe('2026-02-28');
    expect(isoDay(2026, 2, 29)).toBeNull();
  });

  it('reads nothing typed as no date', () => {
    expect(parseDay('', 'da')).toBe('');
    expect(parseDay('   ', 'sv')).toBe('');
  });

  it.each(LANGUAGES)('round-trips every day of a leap year in %s', (lang) => {
    const day = new Date(Date.UTC(2028, 0, 1));
    while (day.getUTCFullYear() === 2028) {
      const iso = day.toISOString().slice(0, 10);
      expect(parseDay(formatDay(iso, lang), lang)).toBe(iso);
      day.setUTCDate(day.getUTCDate() + 1);
    }
  });

  it('checks the limits and required, both ends included', () => {
    const rules = { min: '2026-01-10', max: '2026-01-20' };
    expect(checkDay('10-01-2026', 'da', rules)).toEqual({ day: '2026-01-10', problem: null });
    expect(checkDay('20-01-2026', 'da', rules)).toEqual({ day: '2026-01-20', problem: null });
    expect(checkDay('09-01-2026', 'da', rules)).toEqual({ day: '', problem: { kind: 'tooEarly', limit: '2026-01-10' } });
    expect(checkDay('21-01-2026', 'da', rules)).toEqual({ day: '', problem: { kind: 'tooLate', limit: '2026-01-20' } });
    expect(checkDay('31-02-2026', 'da', rules)).toEqual({ day: '', problem: { kind: 'invalid' } });
    expect(checkDay('', 'da', rules)).toEqual({ day: '', problem: null });
    expect(checkDay('', 'da', { required: true })).toEqual({ day: '', problem: { kind: 'missing' } });
    expect(checkDay('2026-01-15', 'da', { min: '', max: null })).toEqual({ day: '2026-01-15', problem: null });
  });
});
