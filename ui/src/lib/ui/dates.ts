// Dates as a person types and reads them in the UI language, and as the core stores them
// (ISO `YYYY-MM-DD`). The native date control follows the machine's locale instead (a
// Danish clinic got mm/dd/yyyy), so DateField is a text field built on these functions.
import type { Language } from '../backend';

/** How each UI language writes a date, and the pattern shown while the field is empty. */
export const DATE_FORMATS: Record<Language, { order: 'dmy' | 'ymd'; separator: string; pattern: string }> = {
  da: { order: 'dmy', separator: '-', pattern: 'dd-mm-åååå' },
  sv: { order: 'ymd', separator: '-', pattern: 'åååå-mm-dd' },
  nb: { order: 'dmy', separator: '.', pattern: 'dd.mm.åååå' },
  en: { order: 'dmy', separator: '/', pattern: 'dd/mm/yyyy' },
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
// Any of - . / (or spaces) between the parts, one or two digits for day and month.
const SEP = String.raw`(?:\s*[-./]\s*|\s+)`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})${SEP}(\d{1,2})${SEP}(\d{1,2})$`);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})${SEP}(\d{1,2})${SEP}(\d{4})$`);
const COMPACT = /^(\d{8})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO day for year, month and day, or null when there is no such day (31 February). */
export function isoDay(year: number, month: number, day: number): string | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day > last ? null : `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * The ISO day a person typed: '' when nothing is typed, null when it is not a real date.
 * Forgiving: one-digit day and month, any of `-./` as separator, and — in every language —
 * the year first (ISO `2026-12-31`); otherwise the day comes first, as in da, nb and en.
 * Eight digits without separators are read in the language's order.
 */
export function parseDay(text: string, lang: Language): string | null {
  const s = text.trim();
  if (s === '') return '';
  let m = YEAR_FIRST.exec(s);
  if (m) return isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_FIRST.exec(s);
  if (m) return isoDay(Number(m[3]), Number(m[2]), Number(m[1]));
  m = COMPACT.exec(s);
  if (m) {
    const d = m[1]!;
    return DATE_FORMATS[lang].order === 'ymd'
      ? isoDay(Number(d.slice(0, 4)), Number(d.slice(4, 6)), Number(d.slice(6)))
      : isoDay(Number(d.slice(4)), Number(d.slice(2, 4)), Number(d.slice(0, 2)));
  }
  return null;
}

/** An ISO day as the language writes it; anything that is not an ISO day is returned as is. */
export function formatDay(iso: string, lang: Language): string {
  const m = ISO.exec(iso);
  if (!m || isoDay(Number(m[1]), Number(m[2]), Number(m[3])) === null) return iso;
  const { order, separator } = DATE_FORMATS[lang];
  const [, y, mo, d] = m;
  return order === 'ymd' ? [y, mo, d].join(separator) : [d, mo, y].join(separator);
}

export type DayProblem =
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'tooEarly'; limit: string }
  | { kind: 'tooLate'; limit: string };

/**
 * What a date field holds: the ISO day ('' when empty or wrong) and what is wrong with
 * the text, if anything. `min` and `max` are ISO days, both included, as on the native
 * control.
 */
export function checkDay(
  text: string,
  lang: Language,
  rules: { min?: string | null; max?: string | null; required?: boolean } = {},
): { day: string; problem: DayProblem | null } {
  const day = parseDay(text, lang);
  if (day === null) return { day: '', problem: { kind: 'invalid' } };
  if (day === '') return { day: '', problem: rules.required ? { kind: 'missing' } : null };
  if (rules.min && ISO.test(rules.min) && day < rules.min) return { day: '', problem: { kind: 'tooEarly', limit: rules.min } };
  if (rules.max && ISO.test(rules.max) && day > rules.max) return { day: '', problem: { kind: 'tooLate', limit: rules.max } };
  return { day, problem: null };
}
