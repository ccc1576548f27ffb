// `./dev measure`: Klinik's start and memory, measured like a product, beside a bare Tauri 2
// window built in the same run. Run under Xvfb and a keyring session (./dev does both).
//
//   node scripts/measure.mjs TARGET_DIR [RUNS]
//
// TARGET_DIR/release holds klinik-desktop, klinik (with the demo builder) and bare-window.
// Prints, for each: the time from process start to the first painted screen — for Klinik
// the moment the UI reports the login form drawn (the `first_screen` command), for the bare
// window the moment its empty page has loaded — and the memory (PSS, summed over the
// process and its WebKit children) at that screen; for Klinik also after a scripted clinic
// day through WebDriver (sign in, open a client, a journal with 50 entries, search).
//
// Klinik draws on the CPU (src-tauri/src/main.rs sets WEBKIT_DISABLE_COMPOSITING_MODE unless
// it is set). So the bare window is measured twice: as Tauri ships it (WebKit's compositing
// mode, which falls back to software OpenGL on a machine without a GPU) — the goal's
// baseline — and drawing on the CPU like Klinik, which shows what Klinik itself adds.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree, startDriver, tid, until, Window } from '../tests/e2e/webdriver.mjs';

const [target, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg || 5);
const APP = join(target, 'release', 'klinik-desktop');
const CLI = join(target, 'release', 'klinik');
const BARE = join(target, 'release', 'bare-window');
const OWNER = { email: 'mette@fjordklinik.example', password: 'blå-hest-i-fjorden-42' };

/** Proportional set size of the processes, in MB. */
function pssMb(pids) {
  let kb = 0;
  for (const p of pids) {
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (m) kb += Number(m[1]);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/** PSS per process name (WebKit's web and network processes, the app), in MB. */
function breakdown(pids) {
  const by = {};
  for (const p of pids) {
    try {
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      by[name] = (by[name] ?? 0) + pssMb([p]);
    } catch {
      // gone meanwhile
    }
  }
  return Object.entries(by).map(([n, mb]) => `${n}=${mb.toFixed(1)}MB`).join(' ');
}

/** Starts `cmd`, waits for its first-screen mark; returns the time and the memory then. */
async function firstScreen(cmd, args, cpu) {
  const env = { ...process.env, KLINIK_MEASURE: '1' };
  delete env.WEBKIT_DISABLE_COMPOSITING_MODE; // each program's own choice…
  if (cpu) env.WEBKIT_DISABLE_COMPOSITING_MODE = '1'; // …or the bare window drawing like Klinik
  const started = Date.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const at = await new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (d) => {
      seen += d;
      const m = seen.match(/KLINIK_FIRST_SCREEN_AT=(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    setTimeout(() => reject(new Error(`${cmd}: no first screen within 60 s`)), 60000);
  });
  await sleep(3000); // settled at that screen
  const pss = pssMb(processTree(child.pid));
  if (process.env.MEASURE_VERBOSE) console.log(`  ${cmd.split('/').pop()}: ${breakdown(processTree(child.pid))}`);
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10000)]);
  return { ms: at - started, pss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (name, xs, unit) =>
  console.log(`${name} median=${median(xs).toFixed(unit === 'ms' ? 0 : 1)}${unit} min=${Math.min(...xs).toFixed(0)} max=${Math.max(...xs).toFixed(0)} runs=${xs.length}`);

// A demo clinic (keyring) whose clients have 50 journal entries each.
const dataDir = join(mkdtempSync(join(tmpdir(), 'klinik-measure-')), 'clinic');
execFileSync(CLI, ['--data-dir', dataDir, 'demo', '--clients', '3', '--key-store', 'keyring', '--entries-per-client', '50']);

const klinik = [];
const bare = [];
const bareCpu = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(await firstScreen(BARE, [], false));
  bareCpu.push(await firstScreen(BARE, [], true));
  klinik.push(await firstScreen(APP, ['--data-dir', dataDir], false));
}
console.log(`machine: ${execFileSync('nproc').toString().trim()} cores, ${execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).toString().trim()}`);
line('first_screen klinik', klinik.map((r) => r.ms), 'ms');
line('first_screen bare_window', bare.map((r) => r.ms), 'ms');
line('pss_login klinik', klinik.map((r) => r.pss), 'MB');
line('pss bare_window', bare.map((r) => r.pss), 'MB');
line('pss bare_window_cpu', bareCpu.map((r) => r.pss), 'MB');

// The clinic day, through WebDriver (the window is started by the driver).
delete process.env.WEBKIT_DISABLE_COMPOSITING_MODE; // the window started by the driver makes its own choice
const driver = await startDriver(4511);
let dayPss = 0;
try {
  const win = await Window.open(driver.url, APP, ['--data-dir', dataDir]);
  try {
    await win.login(OWNER.email, OWNER.password);
    await win.waitFor(tid('nav.logout'));
    await win.click(tid('nav.clients'));
    await win.click(tid('clients.row'));
    await win.waitFor(tid('client.detail.name'));
    let entries = 0;
    await until('the journal shows its 50 entries', async () => {
      entries = (await win.findAll(tid('journal.entry'))).length;
      return entries >= 50;
    }, 30000).catch(() => {});
    console.log(`clinic day: the journal showed ${entries} entries`);
    await win.click(tid('client.back'));
    await win.type(tid('journal.search'), 'smerter');
    await win.click(tid('journal.search.submit'));
    await until('search hits', async () => (await win.findAll(tid('journal.search.hit'))).length > 0, 20000).catch(() => {});
    console.log(`clinic day: the search found ${(await win.findAll(tid('journal.search.hit'))).length} entries`);
    await sleep(2000);
    const pid = Number(execFileSync('pgrep', ['-n', '-f', `${APP} --data-dir ${dataDir}`]).toString().trim());
    dayPss = pssMb(processTree(pid));
    console.log(`clinic day, by process: ${breakdown(processTree(pid))}`);
  } finally {
    await win.quit();
  }
} finally {
  driver.stop();
}
console.log(`pss_after_clinic_day klinik ${dayPss.toFixed(1)}MB`);
const ratio = dayPss / median(bare.map((r) => r.pss));
console.log(`ratio klinik_day/bare_window ${ratio.toFixed(2)} (goal <= 1.3)`);
const ratioCpu = dayPss / median(bareCpu.map((r) => r.pss));
console.log(`ratio klinik_day/bare_window_cpu ${ratioCpu.toFixed(2)} (what Klinik adds to a window drawing like it)`);
console.log(`goal first screen <= 1000 ms: ${median(klinik.map((r) => r.ms)) <= 1000 ? 'met' : 'missed'}`);
