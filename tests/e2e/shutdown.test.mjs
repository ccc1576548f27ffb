// Klinik ends cleanly when the desktop session ends it (logout, shutdown, `kill`): the
// database is closed and the clean-close marker written, so the next start needs no
// after-crash check. The app is started directly here (no WebDriver, which kills it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from './webdriver.mjs';

const APP = process.env.KLINIK_DESKTOP_BIN;
const CLI = process.env.KLINIK_CLI_BIN;


test('SIGTERM closes the clinic cleanly', async () => {
  assert.ok(APP && CLI, 'KLINIK_DESKTOP_BIN and KLINIK_CLI_BIN must point at the built binaries');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-e2e-shutdown-')), 'clinic');
  execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '1', '--key-store', 'keyring']);
  const marker = join(dataDir, 'klinik.closed');
  assert.ok(existsSync(marker), 'the CLI closed cleanly');
  const app = spawn(APP, ['--data-dir', dataDir], { stdio: 'ignore' });
  const exited = new Promise((resolve) => app.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await until('the app has opened the clinic', () => !existsSync(marker), 20000);
    await sleep(500);
    app.kill('SIGTERM');
    const { code, signal } = await Promise.race([exited, sleep(15000).then(() => ({ code: 'timeout' }))]);
    assert.equal(signal, null, 'the app handled SIGTERM itself');
    assert.equal(code, 0);
    assert.ok(existsSync(marker), 'closed cleanly: the marker is back');
    assert.ok(!existsSync(join(dataDir, 'klinik.db-wal')), 'the write-ahead log was checkpointed and removed');
  } finally {
    app.kill('SIGKILL');
  }
});
