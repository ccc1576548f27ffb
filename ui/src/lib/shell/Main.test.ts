import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { readFileSync } from 'node:fs';
import Main from './Main.svelte';
import type { BackupStatus, Me } from '../backend';
import { SignedInSession, sessionContext } from '../session.svelte';
import { OWNER, withSession } from '../testing';

// Ida owns clinic K: every right, idle lock after 10 minutes, PIN idle time 120 seconds.
const me: Me = OWNER;

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

// Automatic backups to a plugged-in disk, the last one an hour ago: nothing to warn about.
const FRESH: BackupStatus = { folder: '/media/usb', lastOk: new Date(Date.now() - 3_600_000).toISOString(), folderMissing: false, stale: false, lastDrill: null };

function setup(who: Me = me, backup: BackupStatus = FRESH) {
  const calls: string[] = [];
  const statuses: unknown[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === 'list_clients' || cmd === 'list_invoices' || cmd === 'my_reports') return [];
    // The owner starts in the calendar (an empty clinic: no calendars, no services).
    if (cmd === 'list_calendars' || cmd === 'list_services') return [];
    if (cmd === 'lock_session') return { state: 'locked', language: 'en', clinicName: 'K', me };
    if (cmd === 'backup_status') return backup;
  });
  render(Main, { context: withSession({ me: who, clinicName: 'K', onStatus: (s) => statuses.push(s), refresh: () => {} }) });
  return { calls, statuses };
}

describe('the signed-in window', () => {
  it('locks itself after the clinic idle time, and activity postpones it', async () => {
    const { calls, statuses } = setup();
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(calls).not.toContain('lock_session');
    await vi.advanceTimersByTimeAsync(60_001);
    expect(calls).toContain('lock_session');
    expect(statuses).toEqual([{ state: 'locked', language: 'en', clinicName: 'K', me }]);
  });

  it('ends a PIN unlock at the desk after the PIN idle time, and activity postpones it', async () => {
    const desk: Me = { ...me, businessLogin: true, pinName: 'Lars Holm', accessModel: 'businessPin', isAdmin: false };
    const { calls } = setup(desk);
    await vi.advanceTimersByTimeAsync(100_000);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(calls).not.toContain('end_pin');
    await vi.advanceTimersByTimeAsync(20_001);
    expect(calls).toContain('end_pin');
    expect(calls).not.toContain('lock_session');
  });

  it('has no PIN timer without a PIN unlock', async () => {
    const { calls } = setup();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(calls).not.toContain('end_pin');
  });

  it('locks at once on Ctrl+L', async () => {
    const { calls } = setup();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', ctrlKey: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toContain('lock_session');
  });

  it('keeps every control of the desk bar during a PIN unlock, the names whole on hover', () => {
    const desk: Me = { ...me, name: 'Receptionen', businessLogin: true, pinName: 'Lars Holm', accessModel: 'businessPin', isAdmin: false };
    setup(desk);
    for (const id of ['nav.clients', 'nav.account', 'nav.me', 'nav.pinName', 'nav.pinEnd', 'nav.language', 'nav.lock', 'nav.logout']) {
      expect(screen.getByTestId(id), id).toBeTruthy();
    }
    // The names may end in an ellipsis in a narrow window (app.css); the title keeps them whole.
    expect(screen.getByTestId('nav.pinName').title).toBe('Journal unlocked by Lars Holm');
    expect(screen.getByTestId('nav.me').title).toBe('Workstation: Receptionen');
  });

  it('starts in the calendar, on today, for anyone with the calendar; others in the clients', async () => {
    setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('calendar.today')).toBeTruthy();
    expect(screen.getByTestId('nav.calendar').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('calendar.title').textContent).toBe(
      new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date()),
    );
    cleanup();
    setup({ ...me, features: ['clients', 'journal'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('nav.calendar')).toBeNull();
    expect(screen.queryByTestId('calendar.today')).toBeNull();
    expect(screen.getByTestId('clients.search')).toBeTruthy();
  });

  it('opens a client’s page with the journal from an appointment in the calendar', async () => {
    const day = new Date().toISOString().slice(0, 10);
    mockIPC((cmd) => {
      if (cmd === 'list_calendars') return [{ id: 'c', kind: 'staff', staffId: 's', name: 'Ida', allowOverlap: false, reach: 'edit', own: true }];
      if (cmd === 'list_services' || cmd === 'working_hours' || cmd === 'list_clients') return [];
      if (cmd === 'calendar_view') {
        return {
          timeZone: 'UTC',
          absences: [],
          appointments: [
            {
              id: 'a', calendarId: 'c', roomId: null, clientId: 'k1', clientName: 'Karen Berg', serviceId: null, serviceName: null,
              colour: null, seriesId: null, title: '', note: '', startsAt: `${day}T10:00:00Z`, endsAt: `${day}T11:00:00Z`,
              status: 'booked', lateCancel: false, cancelReason: null, consentMissing: false,
            },
          ],
        };
      }
      if (cmd === 'get_client') {
        return { id: 'k1', name: 'Karen Berg', phone: '', email: '', createdAt: '', updatedAt: '', birthDate: null, address: '', receptionNote: '', active: true, nationalIdMasked: null };
      }
      if (cmd === 'client_appointments') return { appointments: [], timeZone: 'Europe/Copenhagen' };
      if (cmd === 'journal' || cmd === 'list_templates' || cmd === 'list_attachments') return [];
      if (cmd === 'client_relations' || cmd === 'relatives_of' || cmd === 'list_staff' || cmd === 'list_invoices') return [];
      if (cmd === 'client_consents') return [];
      if (cmd === 'consent_missing') return false;
      if (cmd === 'backup_status') return FRESH;
    });
    render(Main, { context: withSession({ me, clinicName: 'K' }) });
    await vi.advanceTimersByTimeAsync(0);
    await fireEvent.click(screen.getByTestId('calendar.appointment'));
    await fireEvent.click(screen.getByTestId('appointment.openJournal'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('client.detail.name').textContent).toBe('Karen Berg');
    expect(screen.getByTestId('nav.clients').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('client.appointments')).toBeTruthy();
    expect(document.querySelector('section.journal')).not.toBeNull();
  });

  it('shows the invoices to whoever has the invoices right, and only them', async () => {
    setup({ ...me, features: ['clients', 'journal'] });
    expect(screen.queryByTestId('nav.invoices')).toBeNull();
    cleanup();
    const { calls } = setup();
    await fireEvent.click(screen.getByTestId('nav.invoices'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('nav.invoices').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('invoices.tab-outstanding')).toBeTruthy();
    expect(calls).toContain('list_invoices');
  });

  it('shows My page (the reports) to whoever has the reports right, and only them', async () => {
    setup({ ...me, features: ['clients', 'journal'] });
    expect(screen.queryByTestId('nav.reports')).toBeNull();
    cleanup();
    const { calls } = setup();
    await fireEvent.click(screen.getByTestId('nav.reports'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('nav.reports').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav.reports').textContent).toBe('My page');
    expect(screen.getByTestId('reports')).toBeTruthy();
    expect(calls).toContain('my_reports');
  });

  it('shows a relative only their page: no staff sections, the top bar stays', async () => {
    const relative: Me = { ...me, name: 'Mette Berg', isOwner: false, isAdmin: false, canViewAudit: false, features: [], scope: 'none', relative: true };
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'relative_home') return [{ id: 'k1', name: 'Karen Berg', appointments: true, schedule: true, reports: false, timeZone: 'Europe/Copenhagen' }];
      if (cmd === 'relative_appointments') return [];
    });
    render(Main, { context: withSession({ me: relative, clinicName: 'K' }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('relative.home')).toBeTruthy();
    expect(screen.getByTestId('relative.client-name').textContent).toBe('Karen Berg');
    for (const id of ['nav.calendar', 'nav.clients', 'nav.invoices', 'nav.reports', 'nav.audit', 'nav.review', 'nav.staff', 'nav.templates']) {
      expect(screen.queryByTestId(id), id).toBeNull();
    }
    for (const id of ['nav.relative', 'nav.account', 'nav.me', 'nav.language', 'nav.lock', 'nav.logout']) expect(screen.getByTestId(id), id).toBeTruthy();
    expect(screen.getByTestId('nav.relative').getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('clients.search')).toBeNull();
    expect(calls).not.toContain('list_clients');
    expect(calls).not.toContain('list_calendars');
    expect(calls).not.toContain('backup_status');

    // Their own account: the password, email and two-factor login, nothing of the staff's.
    await fireEvent.click(screen.getByTestId('nav.account'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('account.old')).toBeTruthy();
    expect(screen.queryByTestId('account.pin')).toBeNull();
    expect(screen.queryByTestId('relative.home')).toBeNull();
    expect(calls).not.toContain('security_info');
    await fireEvent.click(screen.getByTestId('nav.relative'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('relative.home')).toBeTruthy();
  });

  it('has a relative with a one-time password choose their own, then shows their page', async () => {
    const relative: Me = { ...me, isOwner: false, isAdmin: false, canViewAudit: false, features: [], relative: true, mustChangePassword: true };
    mockIPC((cmd) => {
      if (cmd === 'relative_home') return [{ id: 'k1', name: 'Karen Berg', appointments: false, schedule: true, reports: false, timeZone: 'Europe/Copenhagen' }];
    });
    // The session as App keeps it: it follows the statuses the core sends.
    const session = new SignedInSession(() => {}, () => {});
    session.follow({ state: 'ready', language: 'en', clinicName: 'K', journalMode: 'journals', me: relative, backupProgress: null });
    render(Main, { context: sessionContext(session) });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('account.mustChange')).toBeTruthy();
    expect(screen.queryByTestId('relative.home')).toBeNull();
    expect(screen.getByTestId('nav.account').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav.relative').getAttribute('aria-current')).toBeNull();

    session.follow({ state: 'ready', language: 'en', clinicName: 'K', journalMode: 'journals', me: { ...relative, mustChangePassword: false }, backupProgress: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('relative.home')).toBeTruthy();
    expect(screen.getByTestId('relative.client-name').textContent).toBe('Karen Berg');
    expect(screen.getByTestId('nav.relative').getAttribute('aria-current')).toBe('page');
  });

  it('fits the top bar by wrapping (the sections on a row of their own), not by hiding anything', () => {
    // Vitest runs in ui/ (npm test); the stylesheet is read as text, jsdom lays nothing out.
    const css = readFileSync('src/app.css', 'utf8');
    expect(css).toMatch(/\.app > header \{[^}]*flex-wrap: wrap/);
    expect(css).toMatch(/\.app > header > nav \{[^}]*flex: 1 0 100%/);
    // The names clip on an inner span (text an element clips itself counts as not
    // displayed to WebDriver).
    expect(css).toMatch(/\.app > header \.clip \{[^}]*text-overflow: ellipsis/);
    expect(css).not.toMatch(/\.app > header[^{]*\{[^}]*display: none/);
  });

  it('warns an administrator under the top bar when the last backup is too old, and can be dismissed', async () => {
    const { calls } = setup(me, { ...FRESH, lastOk: '2024-03-01T08:00:00Z', stale: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter((c) => c === 'backup_status')).toHaveLength(1);
    const warning = screen.getByTestId('backup.warning');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain('The last backup is more than two days old');
    await fireEvent.click(screen.getByTestId('backup.warningDismiss'));
    expect(screen.queryByTestId('backup.warning')).toBeNull();
  });

  it('says when no backup has been made yet, or the disk is not plugged in, and leads to the backup settings', async () => {
    setup(me, { ...FRESH, lastOk: null, stale: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('backup.warning').textContent).toContain('No backup has been made yet');
    cleanup();
    mockIPC((cmd) => {
      if (cmd === 'backup_status') return { ...FRESH, folderMissing: true, stale: true };
      if (cmd === 'list_staff_admin' || cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'consent_texts') return [];
      if (cmd === 'security_info') return { newClientAccess: 'edit', appointmentRelation: true, autoSignHours: 0, attachmentLimitMb: 25 };
    });
    render(Main, { context: withSession({ me, clinicName: 'K' }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('backup.warning').textContent).toContain('The backup folder /media/usb cannot be reached');
    await fireEvent.click(screen.getByTestId('backup.warningOpen'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('nav.staff').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('backup.folder')).toBeTruthy();
  });

  it('shows no warning for a fresh backup, with automatic backups off, or to anyone but an administrator', async () => {
    setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('backup.warning')).toBeNull();
    cleanup();
    setup(me, { folder: null, lastOk: null, folderMissing: false, stale: true, lastDrill: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('backup.warning')).toBeNull();
    cleanup();
    const { calls } = setup({ ...me, isAdmin: false }, { ...FRESH, stale: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).not.toContain('backup_status');
    expect(screen.queryByTestId('backup.warning')).toBeNull();
  });

  it('shows an administrator how far today\'s backup beside the window has come, in the top bar', async () => {
    mockIPC((cmd) => {
      if (cmd === 'backup_status') return FRESH;
      if (cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'list_clients') return [];
    });
    const session = new SignedInSession(() => {}, () => {});
    const ready = { state: 'ready', language: 'en', clinicName: 'K', journalMode: 'journals', me, backupProgress: 42 } as const;
    session.follow(ready);
    render(Main, { context: sessionContext(session) });
    await vi.advanceTimersByTimeAsync(0);
    const shown = screen.getByTestId('backup.progress');
    expect(shown.getAttribute('aria-live')).toBe('polite');
    expect(shown.textContent).toContain('Backup 42%');
    expect(shown.querySelector('progress')?.value).toBe(42);
    expect(screen.getByTestId('nav.lock')).toBeTruthy();

    // Each status the window is given carries the progress; none once the backup is done.
    session.follow({ ...ready, backupProgress: 87 });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('backup.progress').textContent).toContain('Backup 87%');
    session.follow({ ...ready, backupProgress: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('backup.progress')).toBeNull();
  });

  it('shows no backup progress when none is running, or to anyone but an administrator', async () => {
    setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('backup.progress')).toBeNull();
    cleanup();
    mockIPC((cmd) => {
      if (cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'list_clients') return [];
    });
    render(Main, { context: withSession({ me: { ...me, isAdmin: false }, clinicName: 'K', backupProgress: 42 }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.queryByTestId('backup.progress')).toBeNull();
  });

  it('reminds an administrator once after sign-in that clients are past their retention period, and can be dismissed', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'cleanup_due') return 3;
      if (cmd === 'backup_status') return FRESH;
      if (cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'list_clients') return [];
    });
    render(Main, { context: withSession({ me, clinicName: 'K' }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter((c) => c === 'cleanup_due')).toHaveLength(1);
    const reminder = screen.getByTestId('cleanup.reminder');
    expect(reminder.textContent).toContain('3 clients are past their retention period.');
    expect(reminder.getAttribute('role')).toBe('status');
    await fireEvent.click(screen.getByTestId('cleanup.reminderDismiss'));
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    // Moving around does not ask again.
    await fireEvent.click(screen.getByTestId('nav.clients'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter((c) => c === 'cleanup_due')).toHaveLength(1);
  });

  it('leads from the reminder to the cleanup in the staff settings, with the clients listed', async () => {
    mockIPC((cmd) => {
      if (cmd === 'cleanup_due') return 1;
      if (cmd === 'backup_status') return FRESH;
      if (cmd === 'list_staff_admin' || cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'consent_texts') return [];
      if (cmd === 'security_info') return { newClientAccess: 'edit', appointmentRelation: true, autoSignHours: 0, attachmentLimitMb: 25 };
      if (cmd === 'retention_rules') return { journalYears: 10, notesYears: 5, inactiveYears: 5 };
      if (cmd === 'cleanup_proposal') {
        return [{ clientId: 'c1', name: 'Karla Gammelgaard', rule: { kind: 'inactive', last_activity: '2019-05-01', years: 5 }, dueSince: '2024-05-01', invoicesKept: false }];
      }
    });
    render(Main, { context: withSession({ me, clinicName: 'K' }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('cleanup.reminder').textContent).toContain('1 client is past their retention period.');
    await fireEvent.click(screen.getByTestId('cleanup.reminderOpen'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('nav.staff').getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    expect(document.getElementById('cleanup-settings')).not.toBeNull();
    expect(screen.getAllByTestId('cleanup.row').map((r) => r.dataset.clientId)).toEqual(['c1']);
  });

  it('shows no reminder to a practitioner, at a business-login desk, with nobody due, or when the call fails', async () => {
    const run = async (who: Me, due: () => unknown) => {
      const calls: string[] = [];
      mockIPC((cmd) => {
        calls.push(cmd);
        if (cmd === 'cleanup_due') return due();
        if (cmd === 'backup_status') return FRESH;
        if (cmd === 'list_calendars' || cmd === 'list_services' || cmd === 'list_clients') return [];
      });
      render(Main, { context: withSession({ me: who, clinicName: 'K' }) });
      await vi.advanceTimersByTimeAsync(0);
      return calls;
    };
    const practitioner: Me = { ...me, isOwner: false, isAdmin: false, canViewAudit: false };
    expect(await run(practitioner, () => 4)).not.toContain('cleanup_due');
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    cleanup();
    expect(await run({ ...me, businessLogin: true }, () => 4)).not.toContain('cleanup_due');
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    cleanup();
    expect(await run(me, () => 0)).toContain('cleanup_due');
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    cleanup();
    await run(me, () => {
      throw { code: 'denied', detail: null };
    });
    expect(screen.queryByTestId('cleanup.reminder')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
