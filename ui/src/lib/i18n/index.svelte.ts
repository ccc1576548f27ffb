// The UI language: a rune-backed current language and `t(key, params)`. Components
// that call t() in their markup re-render when the language changes.
import { da } from './da';
import { en, type MessageKey, type Messages } from './en';
import { nb } from './nb';
import { sv } from './sv';
import type { Language } from '../backend';

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

/** The locale of the UI language, for numbers, dates and plural rules. */
export function locale(): string {
  return LOCALES[state.current];
}

// Intl objects are not cheap to make; one of each per locale and options.
const intlCache = new Map<string, Intl.PluralRules | Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.PluralRules | Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let made = intlCache.get(key) as T | undefined;
  if (!made) intlCache.set(key, (made = make()));
  return made;
}

/** Message keys that come as a singular and a plural: `key.one` and `key.other`. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
}[MessageKey];

/**
 * The form for `count` by the UI language's plural rules. Danish, Swedish, Norwegian and
 * English know only 'one' and 'other' (Danish says "1,5 time", English "1.5 hours").
 */
export function plural<T>(count: number, forms: { one: T; other: T }): T {
  const rules = cached(`plural|${locale()}`, () => new Intl.PluralRules(locale()));
  return rules.select(count) === 'one' ? forms.one : forms.other;
}

/** t() for a count: `key.one` or `key.other`, with {count} written as the language writes numbers. */
export function tp(key: PluralKey, count: number, params: Record<string, string | number> = {}): string {
  return t(plural(count, { one: `${key}.one`, other: `${key}.other` }) as MessageKey, { ...params, count: formatNumber(count) });
}

/** A number as the UI language writes it (da 1.234,5 · sv and nb 1 234,5 · en 1,234.5). */
export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return cached(`number|${locale()}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale(), options)).format(n);
}

/**
 * An amount in øre/öre as the UI language writes money (da "1.234,50 kr.", sv and nb
 * "1 234,50 kr", en "1,234.50 kr"); a credit note's amounts with a minus. Unknown: a dash.
 */
export function formatMoney(minor: number | null): string {
  if (minor === null || !Number.isFinite(minor)) return '—';
  // An integer of øre over 100 has exactly two decimals, which the format rounds to exactly.
  return t('money.amount', { amount: formatNumber(minor / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
}

/**
 * A day in words (da "31. december 2026", en "31 December 2026"): an ISO day (YYYY-MM-DD,
 * read as that day wherever the computer is) or a timestamp (its local day).
 */
export function formatDate(iso: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return cached(`date|${locale()}`, () => new Intl.DateTimeFormat(locale(), { dateStyle: 'long' })).format(d);
}

/** A month (YYYY-MM) in words, as the UI language writes it (da "marts 2026", en "March 2026"). */
export function formatMonth(yearMonth: string): string {
  const ym = /^(\d{4})-(\d{2})$/.exec(yearMonth);
  if (!ym) return yearMonth;
  const d = new Date(Number(ym[1]), Number(ym[2]) - 1, 1);
  return cached(`month|${locale()}`, () => new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric' })).format(d);
}

/** The twelve months' names in the UI language, January first (da "januar", sv "januari"). */
export function monthNames(): string[] {
  const format = cached(`monthName|${locale()}`, () => new Intl.DateTimeFormat(locale(), { month: 'long' }));
  return Array.from({ length: 12 }, (_, m) => format.format(new Date(2000, m, 1)));
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
