import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../backend';
import { dictionaries, formatDate, formatMonth, formatNumber, LANGUAGES, monthNames, plural, setLanguage, t, tp } from './index.svelte';
import { en } from './en';
import { AUDIT_ACTIONS } from '../audit/actions';


describe('translations', () => {
  const reference = Object.keys(en).sort();

  it.each(LANGUAGES)('%s has exactly the reference keys, none empty', (lang) => {
    const dict = dictionaries[lang] as Record<string, string>;
    expect(Object.keys(dict).sort()).toEqual(reference);
    for (const [key, text] of Object.entries(dict)) {
      expect(text.trim(), `${lang}: ${key}`).not.toBe('');
    }
  });

  it.each(LANGUAGES)('%s keeps every {placeholder} of the reference', (lang) => {
    const dict = dictionaries[lang] as Record<string, string>;
    for (const [key, text] of Object.entries(en)) {
      const wanted = (text.match(/\{\w+\}/g) ?? []).sort();
      expect((dict[key]!.match(/\{\w+\}/g) ?? []).sort(), `${lang}: ${key}`).toEqual(wanted);
    }
  });

  it.each(LANGUAGES)('%s translates every error code and audit action', (lang) => {
    const dict = dictionaries[lang] as Record<string, string>;
    for (const code of ERROR_CODES) expect(dict[`error.${code}`], `${lang}: error.${code}`).toBeTruthy();
    for (const action of AUDIT_ACTIONS) expect(dict[`action.${action}`], `${lang}: action.${action}`).toBeTruthy();
  });

  // Shown through tDynamic, so no type check sees a missing one: the kinds of treatment
  // relation the core writes (the CHECK of `relations.kind` in migrations/0014_calendar.sql —
  // "appointment" is the relation a booking gives).
  it.each(LANGUAGES)('%s names every kind of treatment relation', (lang) => {
    const dict = dictionaries[lang] as Record<string, string>;
    for (const kind of ['assignment', 'emergency', 'block', 'appointment']) {
      expect(dict[`relationKind.${kind}`], `${lang}: relationKind.${kind}`).toBeTruthy();
    }
  });

  it('the Nordic languages are really translated, not copies of English', () => {
    for (const lang of ['da', 'sv', 'nb'] as const) {
      const dict = dictionaries[lang] as Record<string, string>;
      const same = Object.keys(en).filter((k) => dict[k] === (en as Record<string, string>)[k] && !k.startsWith('lang.'));
      // A few words are the same in both (Journal, Person, OK); most must not be.
      expect(same.length, `${lang} copies: ${same.join(', ')}`).toBeLessThan(Object.keys(en).length * 0.06);
    }
  });

  it('t() switches language and fills placeholders', () => {
    setLanguage('sv');
    expect(t('nav.me', { name: 'Åsa' })).toBe('Inloggad som Åsa');
    setLanguage('da');
    expect(t('login.submit')).toBe('Log ind');
    setLanguage('en');
  });
});

describe('plurals, numbers and dates in the UI language', () => {
  afterEach(() => setLanguage('en'));

  it('every plural message has both forms, and nothing counted is left without them', () => {
    const keys = Object.keys(en);
    for (const key of keys.filter((k) => k.endsWith('.one'))) expect(keys, key).toContain(key.replace(/\.one$/, '.other'));
    for (const key of keys.filter((k) => k.endsWith('.other'))) expect(keys, key).toContain(key.replace(/\.other$/, '.one'));
    // "{n} hours"-style messages are gone: a count is always {count} in a .one/.other pair.
    for (const [key, text] of Object.entries(en)) {
      if (/\{(n|hours|minutes|seconds)\}/.test(text)) expect(key, text).toBe('setup.step');
      if (text.includes('{count}')) expect(key).toMatch(/\.(one|other)$/);
    }
  });

  it('chooses the singular for one and the plural otherwise, in each language', () => {
    setLanguage('da');
    expect(tp('unit.hours', 1)).toBe('1 time');
    expect(tp('unit.hours', 2)).toBe('2 timer');
    expect(tp('unit.hours', 0)).toBe('0 timer');
    expect(tp('unit.seconds', 1)).toBe('1 sekund');
    expect(tp('unit.seconds', 30)).toBe('30 sekunder');
    setLanguage('sv');
    expect(tp('unit.hours', 1)).toBe('1 timme');
    expect(tp('unit.hours', 24)).toBe('24 timmar');
    expect(tp('unit.minutes', 1)).toBe('1 minut');
    setLanguage('nb');
    expect(tp('unit.minutes', 1)).toBe('1 minutt');
    expect(tp('unit.minutes', 5)).toBe('5 minutter');
    setLanguage('en');
    expect(tp('unit.hours', 1)).toBe('1 hour');
    expect(tp('unit.hours', 1.5)).toBe('1.5 hours');
    expect(plural(1, { one: 'a', other: 'b' })).toBe('a');
    expect(plural(7, { one: 'a', other: 'b' })).toBe('b');
  });

  it('fills the other placeholders of a plural message and formats the count', () => {
    setLanguage('da');
    expect(tp('audit.exported', 1, { path: '/tmp/a.csv' })).toBe('1 registrering gemt i /tmp/a.csv');
    expect(tp('audit.exported', 1234, { path: '/tmp/a.csv' })).toBe('1.234 registreringer gemt i /tmp/a.csv');
    setLanguage('en');
    expect(tp('review.heavyDay', 1, { name: 'Ida', date: '3 March 2026' })).toBe('Ida opened 1 client on 3 March 2026');
  });

  it('groups thousands and writes decimals as the language does', () => {
    const nbsp = /[\s\u00a0\u202f]/;
    setLanguage('da');
    expect(formatNumber(1234)).toBe('1.234');
    expect(formatNumber(1.5)).toBe('1,5');
    setLanguage('sv');
    expect(formatNumber(1234)).toMatch(new RegExp(`^1${nbsp.source}234$`));
    expect(formatNumber(1.5)).toBe('1,5');
    setLanguage('nb');
    expect(formatNumber(1234)).toMatch(new RegExp(`^1${nbsp.source}234$`));
    setLanguage('en');
    expect(formatNumber(1234)).toBe('1,234');
    expect(formatNumber(1.5)).toBe('1.5');
  });

  it('writes a day in words, the ISO day as that very day wherever the computer is', () => {
    setLanguage('da');
    expect(formatDate('2026-12-31')).toBe('31. december 2026');
    expect(formatDate('2026-01-01')).toBe('1. januar 2026');
    setLanguage('sv');
    expect(formatDate('2026-12-31')).toBe('31 december 2026');
    setLanguage('nb');
    expect(formatDate('2026-12-31')).toBe('31. desember 2026');
    setLanguage('en');
    expect(formatDate('2026-12-31')).toBe('31 December 2026');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('writes a month and names the months as the language does', () => {
    setLanguage('da');
    expect(formatMonth('2026-03')).toBe('marts 2026');
    expect(t('review.title', { period: formatMonth('2026-03') })).toBe('Logkontrol for marts 2026');
    expect(monthNames()).toHaveLength(12);
    expect(monthNames()[0]).toBe('januar');
    expect(monthNames()[4]).toBe('maj');
    setLanguage('sv');
    expect(formatMonth('2026-03')).toBe('mars 2026');
    expect(monthNames()[0]).toBe('januari');
    setLanguage('nb');
    expect(formatMonth('2026-05')).toBe('mai 2026');
    setLanguage('en');
    expect(formatMonth('2026-03')).toBe('March 2026');
    expect(monthNames()[11]).toBe('December');
    expect(formatMonth('2026')).toBe('2026');
  });
});
