// The UI language: a rune-backed current language and `t(key, params)`. Components
// that call t() in their markup re-render when the language changes.
import { da } from './da';
import { en, type MessageKey, type Messages } from './en';
import { nb } from './nb';
import { sv } from './sv';
import type { Language } from '../bindings';

export const dictionaries: Record<Language, Messages> = { da, sv, nb, en };
export const LANGUAGES: readonly Language[] = ['da', 'sv', 'nb', 'en'];

const LOCALES: Record<Language, string> = { da: 'da-DK', sv: 'sv-SE', nb: 'nb-NO', en: 'en-GB' };

const state = $state<{ current: Language }>({ current: 'en' });

export function language(): Language {
  return state.current;
}

export function setLanguage(lang: Language): void {
  state.current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = LOCALES[lang].slice(0, 2);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[state.current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A key that is only known at run time (audit actions, error codes). */
export function tDynamic(key: string, fallback: string): string {
  const dict = dictionaries[state.current] as Record<string, string>;
  return dict[key] ?? fallback;
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[state.current], { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}
