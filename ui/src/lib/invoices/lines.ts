// An invoice's lines as the editor holds them (the price as typed), and back into what the
// core takes. The window checks only what it must to read the numbers; the core checks
// everything again and computes the amounts, the VAT and the totals.
import type { Line, LineInput, Payer, Vat } from '../backend';
import { kronerText, parseKroner } from './money';

export interface LineRow {
  /** Keeps a row's fields in place while rows are added and removed. */
  key: number;
  appointmentId: string | null;
  description: string;
  /** The treatment day (YYYY-MM-DD), or '' for none. */
  treatmentOn: string;
  quantity: number | null;
  /** The unit price in kroner, VAT included, as typed. */
  price: string;
  discount: number | null;
  vat: Vat;
}

/** What is wrong with one row (`line` counts from 1), for the editor to say. */
export interface LineProblem {
  line: number;
  what: 'description' | 'quantity' | 'price' | 'discount';
}

let nextKey = 1;

export function emptyRow(): LineRow {
  return { key: nextKey++, appointmentId: null, description: '', treatmentOn: '', quantity: 1, price: '', discount: 0, vat: 'exempt' };
}

/** A stored line as an editable row. */
export function rowOf(line: Line): LineRow {
  return {
    key: nextKey++,
    appointmentId: line.appointmentId,
    description: line.description,
    treatmentOn: line.treatmentOn ?? '',
    quantity: line.quantity ?? 1,
    price: kronerText(line.unitMinor ?? 0),
    discount: line.discountPct ?? 0,
    vat: line.vat,
  };
}

function wholeIn(n: number | null, min: number, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

/** The rows as the core takes them, or the first row that cannot be read. */
export function lineInputs(rows: LineRow[]): { lines: LineInput[] } | { problem: LineProblem } {
  const lines: LineInput[] = [];
  for (const [i, row] of rows.entries()) {
    const line = i + 1;
    if (row.description.trim() === '') return { problem: { line, what: 'description' } };
    if (!wholeIn(row.quantity, 1, 1000)) return { problem: { line, what: 'quantity' } };
    const unitMinor = parseKroner(row.price);
    if (unitMinor === null) return { problem: { line, what: 'price' } };
    if (!wholeIn(row.discount, 0, 100)) return { problem: { line, what: 'discount' } };
    lines.push({
      appointmentId: row.appointmentId,
      description: row.description.trim(),
      treatmentOn: row.treatmentOn || null,
      quantity: row.quantity,
      unitMinor,
      discountPct: row.discount,
      vat: row.vat,
    });
  }
  return { lines };
}

/** The client pays: the invoice is addressed to them (the core fills in name and address). */
export function clientPayer(): Payer {
  return { thirdParty: false, name: '', address: '', reference: '' };
}
