// What a report says in the UI language: its preset and default period, its columns'
// headers, and each cell by its column's kind (a day in words, money from whole øre, a
// count with the language's grouping, a time as the calendar writes it) — a status as the
// calendar names it, "late" as yes or nothing. Also the columns each preset offers, in its
// order (the core's list; the core refuses any other), and the roles a report is shown to.
import type { CellKind, Column, Definition, Period, Preset, Role, Status } from '../backend';
import type { MessageKey } from '../i18n/en';
import { formatDate, formatMoney, formatNumber, t } from '../i18n/index.svelte';
import { statusText, timeText } from '../calendar/format';

export const PRESETS: readonly Preset[] = ['appointments', 'visitsPerPractitioner', 'noShows', 'newClients', 'revenueByService'];
export const PERIODS: readonly Period[] = ['thisMonth', 'lastMonth', 'thisYear', 'fixed'];
export const ROLES: readonly Role[] = ['owner', 'admin', 'practitioner', 'reception'];

/** The columns each preset offers, in their natural order (as the core lists them). */
export const PRESET_COLUMNS: Record<Preset, readonly string[]> = {
  appointments: ['date', 'time', 'client', 'service', 'practitioner', 'status', 'minutes'],
  visitsPerPractitioner: ['practitioner', 'done', 'no_shows', 'cancelled', 'late_cancellations'],
  noShows: ['date', 'time', 'client', 'practitioner', 'status', 'late'],
  newClients: ['date', 'client', 'created_by'],
  revenueByService: ['service', 'lines', 'amount', 'vat'],
};

const COLUMN_TITLES: Record<string, MessageKey> = {
  date: 'reportCol.date',
  time: 'reportCol.time',
  client: 'reportCol.client',
  service: 'reportCol.service',
  practitioner: 'reportCol.practitioner',
  status: 'reportCol.status',
  minutes: 'reportCol.minutes',
  done: 'reportCol.done',
  no_shows: 'reportCol.no_shows',
  cancelled: 'reportCol.cancelled',
  late_cancellations: 'reportCol.late_cancellations',
  late: 'reportCol.late',
  created_by: 'reportCol.created_by',
  lines: 'reportCol.lines',
  amount: 'reportCol.amount',
  vat: 'reportCol.vat',
};

// The statuses as the core stores them, and the calendar's names for them.
const STATUSES: Record<string, Status> = { booked: 'booked', arrived: 'arrived', done: 'done', cancelled: 'cancelled', no_show: 'noShow' };

/** A column's header; a column this window does not know keeps its key. */
export function columnTitle(key: string): string {
  const k = COLUMN_TITLES[key];
  return k ? t(k) : key;
}

/** What a preset shows, in words. */
export function presetText(preset: Preset): string {
  return t(`reportPreset.${preset}`);
}

/** A role in words. */
export function roleText(role: string): string {
  return (ROLES as readonly string[]).includes(role) ? t(`role.${role as Role}`) : role;
}

/** First and last day in words (da "1. marts 2026 – 31. marts 2026"). */
export function rangeText(from: string, to: string): string {
  return t('report.range', { from: formatDate(from), to: formatDate(to) });
}

/** A report's default period in words: this month, last month, this year, or its days. */
export function periodText(d: Pick<Definition, 'period' | 'fixedFrom' | 'fixedTo'>): string {
  if (d.period === 'fixed' && d.fixedFrom && d.fixedTo) return rangeText(d.fixedFrom, d.fixedTo);
  return t(`reportPeriod.${d.period}`);
}

/** Counts and money line up on the right. */
export function isNumeric(kind: CellKind): boolean {
  return kind === 'count' || kind === 'money';
}

/** One cell as the UI language writes it; a cell that is not what its kind says is shown as it came. */
export function cellText(column: Column, cell: string): string {
  if (cell === '') return '';
  if (column.key === 'status') return STATUSES[cell] ? statusText(STATUSES[cell]) : cell;
  if (column.key === 'late') return cell === 'yes' ? t('report.yes') : cell;
  switch (column.kind) {
    case 'day':
      return formatDate(cell);
    case 'time':
      return /^\d{2}:\d{2}$/.test(cell) ? timeText(`1970-01-01T${cell}:00Z`, 'UTC') : cell;
    case 'count':
      return /^-?\d+(\.\d+)?$/.test(cell) ? formatNumber(Number(cell)) : cell;
    case 'money':
      return /^-?\d+$/.test(cell) ? formatMoney(Number(cell)) : cell;
    default:
      return cell;
  }
}
