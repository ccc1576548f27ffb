import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../backend';
import { dictionaries, LANGUAGES, setLanguage, t } from './index.svelte';
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
