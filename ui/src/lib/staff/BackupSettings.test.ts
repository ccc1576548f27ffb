import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import BackupSettings from './BackupSettings.svelte';
import type { BackupStatus } from '../backend';
import { withSession } from '../testing';

afterEach(() => {
  cleanup();
  clearMocks();
});

const OFF: BackupStatus = { folder: null, lastOk: null, folderMissing: false, stale: false, lastDrill: null };

function setup(first: BackupStatus, fail?: unknown) {
  const sent: Record<string, unknown>[] = [];
  let status = first;
  mockIPC((cmd, args) => {
    if (cmd === 'backup_status') return status;
    if (cmd === 'set_backup_folder') {
      if (fail) throw fail;
      const a = args as { folder: string; password: string };
      sent.push({ ...a });
      status = { ...status, folder: a.folder || null };
      return null;
    }
  });
  render(BackupSettings, { context: withSession() });
  return { sent };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('automatic backups', () => {
  it('saves the folder with the administrator’s password, and turns it off with a blank folder', async () => {
    const { sent } = setup(OFF);
    await settle();
    expect(screen.getByTestId('backup.current').textContent).toContain('off');
    expect((screen.getByTestId('backup.folderSave') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('backup.folder'), { target: { value: ' /media/usb/klinik ' } });
    await fireEvent.input(screen.getByTestId('backup.password'), { target: { value: 'hemmelig-kode' } });
    await fireEvent.click(screen.getByTestId('backup.folderSave'));
    await settle();
    expect(sent).toEqual([{ folder: '/media/usb/klinik', password: 'hemmelig-kode' }]);
    expect(screen.getByTestId('backup.current').textContent).toContain('/media/usb/klinik');
    expect(screen.getByTestId('backup.lastOk').textContent).toContain('No automatic backup');
    expect((screen.getByTestId('backup.password') as HTMLInputElement).value).toBe('');

    await fireEvent.input(screen.getByTestId('backup.password'), { target: { value: 'hemmelig-kode' } });
    await fireEvent.click(screen.getByTestId('backup.folderOff'));
    await settle();
    expect(sent[1]).toEqual({ folder: '', password: 'hemmelig-kode' });
    expect(screen.getByTestId('backup.notice').textContent).toBe('Automatic backups are turned off.');
  });

  it('says what is wrong with a folder that does not exist, translated', async () => {
    setup(OFF, { code: 'invalid', detail: null });
    await settle();
    await fireEvent.input(screen.getByTestId('backup.folder'), { target: { value: 'usb' } });
    await fireEvent.input(screen.getByTestId('backup.password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('backup.folderSave'));
    await settle();
    expect(screen.getByTestId('backup.error').textContent).toContain('does not exist or is not a full path');
  });

  it('shows the folder and the last good backup, and a disk that is not plugged in', async () => {
    setup({ folder: '/media/usb', lastOk: '2024-03-01T08:00:00Z', folderMissing: true, stale: true, lastDrill: null });
    await settle();
    expect((screen.getByTestId('backup.folder') as HTMLInputElement).value).toBe('/media/usb');
    expect(screen.getByTestId('backup.lastOk').textContent).toContain('Last good automatic backup: ');
    expect(screen.getByTestId('backup.lastOk').textContent).toContain('2024');
    expect(screen.getByTestId('backup.folderMissing')).toBeTruthy();
  });

  it('tests the newest backup and says what it found, or that there is none yet', async () => {
    const ON: BackupStatus = { folder: '/media/usb', lastOk: '2026-11-30T08:00:00Z', folderMissing: false, stale: false, lastDrill: null };
    let drills = 0;
    mockIPC((cmd) => {
      if (cmd === 'backup_status') return drills ? { ...ON, lastDrill: '2026-11-30T09:00:00Z' } : ON;
      if (cmd === 'test_backup') {
        drills += 1;
        if (drills === 2) throw { code: 'invalid', detail: null };
        return { backup: '/media/usb/klinik-auto-1', madeAt: '2026-11-30T08:00:00Z', clients: 1234, entries: 5678, auditEvents: 9, ok: true, problem: null };
      }
    });
    render(BackupSettings, { context: withSession() });
    await settle();
    await fireEvent.click(screen.getByTestId('backup.test'));
    await settle();
    const found = screen.getByTestId('backup.drill');
    expect(found.dataset.ok).toBe('true');
    expect(found.textContent).toContain('1,234 clients');
    expect(screen.getByTestId('backup.lastDrill').textContent).toContain('Last test passed');
    await fireEvent.click(screen.getByTestId('backup.test'));
    await settle();
    expect(screen.getByTestId('backup.error').textContent).toContain('no backup of this clinic');
  });
});
