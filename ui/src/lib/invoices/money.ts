// Kroner as typed and øre as the core counts them. A typed amount is read as text, digit
// by digit, never through a floating-point number, so "1.234,50" is exactly 123450 øre.
import { formatNumber } from '../i18n/index.svelte';

/** The largest amount read: the core's own limit for a price is 1 000 000 kr. */
const MAX_WHOLE_DIGITS = 10;

/**
 * An amount typed in kroner as øre, or null when it is not one. A comma or a point
 * before one or two last digits is the decimal sign ("99,9", "1234.5", "0,05"); points,
 * spaces (sv, nb) or, before a decimal point, commas (en) group the thousands in threes
 * ("1.234,50", "1 234,50", "1,234.50", "1.234"). A trailing "kr" is allowed. Refused:
 * three decimals ("12,345": a mistyped amount, not twelve thousand), a minus, letters,
 * grouping out of place, and an empty field.
 */
export function parseKroner(text: string): number | null {
  const s = text
    .replace(/[\u00a0\u202f]/g, ' ')
    .trim()
    .replace(/\s*kr\.?$/i, '')
    .trim();
  const m = /^(\d+|\d{1,3}(?:([ .,])\d{3})(?:\2\d{3})*)(?:([.,])(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const [, whole = '', group, decimal, fraction = ''] = m;
  // A comma groups thousands only before a decimal point (en "1,234.50"); "12,345" is
  // not twelve thousand. The grouping sign cannot also be the decimal sign.
  if (group === ',' && decimal !== '.') return null;
  if (group !== undefined && group === decimal) return null;
  const digits = whole.replace(/[ .,]/g, '').replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_WHOLE_DIGITS) return null;
  return Number(digits) * 100 + Number(fraction.padEnd(2, '0'));
}

/**
 * Øre as kroner to type in again: whole kroner, the UI language's decimal sign and two
 * digits, without grouping (da "1234,50", en "1234.50"), so parseKroner reads it back.
 */
export function kronerText(minor: number | null): string {
  if (minor === null || !Number.isFinite(minor)) return '';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  const decimalSign = formatNumber(1.5).replace(/\d/g, '') || ',';
  return `${sign}${Math.trunc(abs / 100)}${decimalSign}${String(abs % 100).padStart(2, '0')}`;
}
