import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { LogReview as Report } from '../backend';
import { setLanguage } from '../i18n/index.svelte';
import { withSession } from '../testing';
import LogReview from './LogReview.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

function report(period: string): Report {
  return {
    period,
    workStartHour: 7,
    workEndHour: 18,
    heavyDayClients: 30,
    emergency: [],
    outsideHours: [],
    withoutRelation: [],
    heavyDays: [],
    sample: [],
    security: [],
    relativeAccess: [],
    lastDrill: null,
    relationsChecked: true,
    anchorSeq: 1,
    anchorHash: '0'.repeat(64),
    anchorAt: new Date(2026, 2, 31, 12).toISOString(),
    marks: [],
  };
}

describe('the monthly log review', () => {
  it('chooses the month by its name in the UI language and titles the report the same way', async () => {
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'log_review') {
        const { period } = args as { period: string };
        asked.push(period);
        return report(period);
      }
      return null;
    });
    setLanguage('da');
    render(LogReview, { context: withSession() });
    const now = new Date();
    const thisMonth = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
    await screen.findByTestId('review.title');
    expect(asked).toEqual([thisMonth]);
    expect(screen.getByTestId('review.period').dataset.value).toBe(thisMonth);

    const month = screen.getByTestId('review.period.month') as HTMLSelectElement;
    expect([...month.options].map((o) => o.textContent)).toContain('marts');
    expect(month.value).toBe(String(now.getMonth() + 1));
    await fireEvent.change(month, { target: { value: '3' } });
    const year = screen.getByTestId('review.period.year') as HTMLSelectElement;
    expect(year.getAttribute('aria-label')).toBe('År');
    await fireEvent.change(year, { target: { value: String(now.getFullYear() - 1) } });
    const chosen = `${now.getFullYear() - 1}-03`;
    expect(screen.getByTestId('review.period').dataset.value).toBe(chosen);

    await fireEvent.click(screen.getByTestId('review.load'));
    await screen.findByText(`Logkontrol for marts ${now.getFullYear() - 1}`);
    expect(asked).toEqual([thisMonth, chosen]);
  });

  it('lists what relatives did in the month, or says there was nothing', async () => {
    const seen = {
      seq: 41, at: new Date(2026, 2, 3, 18).toISOString(), actorName: 'Mette Berg', via: null, workstation: 'reception',
      action: 'relative_schedule', clientId: 'k1', clientName: 'Karen Berg', outcome: 'ok' as const, object: '4 weeks from 2026-03-03', reason: null,
    };
    mockIPC((cmd, args) => (cmd === 'log_review' ? { ...report((args as { period: string }).period), relativeAccess: [seen] } : null));
    render(LogReview, { context: withSession() });
    const table = await screen.findByTestId('review.relativeAccess');
    expect(screen.getByText('Relatives’ access').tagName).toBe('H3');
    const row = table.querySelector('[data-testid="audit.row"]')!;
    expect(row.textContent).toContain('Mette Berg');
    expect(row.textContent).toContain('Schedule seen by a relative');
    expect(row.textContent).toContain('Karen Berg');
    cleanup();

    mockIPC((cmd, args) => (cmd === 'log_review' ? report((args as { period: string }).period) : null));
    render(LogReview, { context: withSession() });
    expect((await screen.findByTestId('review.relativeAccess.none')).textContent).toBe('None this month.');
  });

  it('says when a backup test (restore drill) last passed, or that none has yet', async () => {
    const drill = new Date(2026, 2, 12, 14).toISOString();
    mockIPC((cmd, args) => (cmd === 'log_review' ? { ...report((args as { period: string }).period), lastDrill: drill } : null));
    setLanguage('da');
    render(LogReview, { context: withSession() });
    expect((await screen.findByTestId('review.lastDrill')).textContent).toBe('Seneste beståede test af sikkerhedskopi: 12. marts 2026');
    expect(screen.getByText('Test af sikkerhedskopier').tagName).toBe('H3');
    cleanup();

    setLanguage('en');
    mockIPC((cmd, args) => (cmd === 'log_review' ? report((args as { period: string }).period) : null));
    render(LogReview, { context: withSession() });
    const none = await screen.findByTestId('review.lastDrill');
    expect(none.textContent).toBe('No backup test has passed yet.');
    expect(none.classList.contains('warning')).toBe(true);
  });
});
