import { describe, expect, it } from 'vitest';
import { canPrint, inPeriod, printedAs } from './print';

// Noon local time: the same local day wherever the test runs.
const careAt = new Date(2026, 2, 14, 12).toISOString();

describe('printing a journal', () => {
  it('prints every entry without a period, and only those cared for within one (both days included)', () => {
    expect(inPeriod(careAt, '', '')).toBe(true);
    expect(inPeriod(careAt, '2026-03-14', '2026-03-14')).toBe(true);
    expect(inPeriod(careAt, '2026-03-01', '2026-03-13')).toBe(false);
    expect(inPeriod(careAt, '2026-03-15', '2026-03-31')).toBe(false);
    // Half a period is no period (and cannot be printed).
    expect(inPeriod(careAt, '2026-04-01', '')).toBe(true);
  });

  it('prints the whole journal or a period that ends after it starts', () => {
    expect(canPrint('', '')).toBe(true);
    expect(canPrint('2026-03-01', '2026-03-31')).toBe(true);
    expect(canPrint('2026-03-31', '2026-03-31')).toBe(true);
    expect(canPrint('2026-03-01', '')).toBe(false);
    expect(canPrint('', '2026-03-31')).toBe(false);
    expect(canPrint('2026-03-31', '2026-03-01')).toBe(false);
  });

  it('records the print as the whole journal or its period', () => {
    expect(printedAs('', '')).toBe('journal');
    expect(printedAs('2026-03-01', '2026-03-31')).toBe('journal 2026-03-01..2026-03-31');
  });
});
