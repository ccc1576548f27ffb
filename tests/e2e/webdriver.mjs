// A small W3C WebDriver client over fetch, enough to drive Klinik's real window through
// tauri-driver (which starts WebKitWebDriver and the app for each session). No
// dependencies: Node's fetch and child_process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts tauri-driver in a process group of its own, logging to a file. The driver,
 * WebKitWebDriver and every app they launch share that group, so `stop()` ends all of
 * them — an app that outlives its session can neither keep running nor, by holding the
 * test runner's stdout, keep the suite from finishing.
 */
export async function startDriver(port = 4444, env = {}) {
  const log = join(tmpdir(), `klinik-e2e-driver-${port}.log`);
  const out = openSync(log, 'a');
  const proc = spawn('tauri-driver', ['--port', String(port)], {
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
    detached: true,
  });
  const stop = () => {
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      try {
        process.kill(-proc.pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) return { url, stop };
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  stop();
  throw new Error(`tauri-driver did not start (see ${log})`);
}

export class Window {
  constructor(url, id) {
    this.url = url;
    this.id = id;
  }

  /** Launches the app with `args` and returns a session on its window. */
  static async open(url, application, args) {
    const body = { capabilities: { alwaysMatch: { 'tauri:options': { application, args } } } };
    const r = await fetch(`${url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`new session failed: ${JSON.stringify(json)}`);
    return new Window(url, json.value.sessionId);
  }

  async cmd(method, path, body) {
    const r = await fetch(`${this.url}/session/${this.id}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // No WebDriver call may hang the suite (a screenshot can wait for a paint forever).
      signal: AbortSignal.timeout(30000),
    });
    const json = await r.json();
    if (!r.ok) {
      const err = new Error(`${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
      err.webdriver = json.value?.error;
      throw err;
    }
    return json.value;
  }

  /** Runs `script` (a function body) in the page with `args`. */
  exec(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Runs `script` (a function body whose last argument is the callback) and waits for it. */
  execAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches a displayed element; returns its id. */
  async waitFor(css, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let last;
    while (Date.now() < until) {
      try {
        const [id] = await this.findAll(css);
        if (id && (await this.cmd('GET', `/element/${id}/displayed`))) return id;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    const body = await this.exec('return document.body ? document.body.innerText.slice(0, 2000) : ""').catch(() => '');
    throw new Error(`timed out waiting for ${css}${last ? ` (${last.message})` : ''}\n--- page text ---\n${body}`);
  }

  /** Waits until `predicate(text)` holds for the text of `css`. */
  async waitForText(css, predicate, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      try {
        text = await this.text(css);
        if (predicate(text)) return text;
      } catch {
        /* element may come and go while rendering */
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for text of ${css}; last: ${JSON.stringify(text)}`);
  }

  /** Clicks `css` once it is displayed and enabled, as a person would. */
  async click(css, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let id = await this.waitFor(css, timeoutMs);
    while (!(await this.cmd('GET', `/element/${id}/enabled`).catch(() => false))) {
      if (Date.now() > until) throw new Error(`${css} stayed disabled`);
      await sleep(100);
      id = await this.waitFor(css, timeoutMs);
    }
    await this.cmd('POST', `/element/${id}/click`, {});
  }

  async type(css, text) {
    const id = await this.waitFor(css);
    await this.cmd('POST', `/element/${id}/clear`, {});
    await this.cmd('POST', `/element/${id}/value`, { text });
  }

  /** Sets a <select> the way a person picking an option would (input + change). */
  async select(css, value) {
    await this.waitFor(css);
    await this.exec(
      `const el = document.querySelector(arguments[0]);
       el.value = arguments[1];
       el.dispatchEvent(new Event('input', { bubbles: true }));
       el.dispatchEvent(new Event('change', { bubbles: true }));`,
      css,
      value,
    );
  }

  async text(css) {
    const id = await this.waitFor(css);
    return this.cmd('GET', `/element/${id}/text`);
  }

  async attr(css, name) {
    const id = await this.waitFor(css);
    return this.cmd('GET', `/element/${id}/attribute/${name}`);
  }

  /** Texts of every element matching `css` (possibly none). */
  async texts(css) {
    const ids = await this.findAll(css);
    const out = [];
    for (const id of ids) out.push(await this.cmd('GET', `/element/${id}/text`));
    return out;
  }

  async attrs(css, name) {
    const ids = await this.findAll(css);
    const out = [];
    for (const id of ids) out.push(await this.cmd('GET', `/element/${id}/attribute/${name}`));
    return out;
  }

  async screenshot(file) {
    const { writeFile } = await import('node:fs/promises');
    // Klinik draws on the CPU (no compositing), and then WebKit takes a snapshot only at
    // the next paint — which a still page never has. A pixel that changes each frame for a
    // few seconds gives it one; the page itself is not touched.
    await this.exec(`const dot = document.createElement('div');
      dot.setAttribute('aria-hidden', 'true');
      dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;opacity:0.01';
      document.body.appendChild(dot);
      const until = performance.now() + 3000;
      const tick = (now) => { dot.style.opacity = dot.style.opacity === '0.01' ? '0.02' : '0.01';
        if (now < until) requestAnimationFrame(tick); else dot.remove(); };
      requestAnimationFrame(tick);`);
    const png = await this.cmd('GET', '/screenshot');
    await writeFile(file, Buffer.from(png, 'base64'));
  }

  /** Signs in on the login screen as a person would. */
  async login(email, password) {
    await this.type(tid('login.email'), email);
    await this.type(tid('login.password'), password);
    await this.click(tid('login.submit'));
  }

  /** Signs out from the top bar and waits for the login screen. */
  async signOut() {
    await this.click(tid('nav.logout'));
    await this.waitFor(tid('login.email'));
  }

  async quit() {
    await fetch(`${this.url}/session/${this.id}`, { method: 'DELETE' }).catch(() => {});
  }
}

/** Waits until `check()` (sync or async) is true, failing with `what` after the timeout. */
export async function until(what, check, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

/** A fresh demo clinic (the reception-desk demo `klinik demo` makes) in a new temp folder. */
export function demoClinic(cli, prefix, clients = 3) {
  const dataDir = join(mkdtempSync(join(tmpdir(), prefix)), 'clinic');
  execFileSync(cli, ['--data-dir', dataDir, 'demo', '--clients', String(clients), '--key-store', 'keyring']);
  return dataDir;
}

/**
 * Runs axe-core (the accessibility engine, from the UI's npm packages) over the page as it
 * is now, against WCAG 2.1 A and AA, and returns the serious and critical violations as
 * short lines (rule, impact, the first offending elements).
 */
export async function accessibilityProblems(win) {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const axePath = fileURLToPath(new URL('../../ui/node_modules/axe-core/axe.min.js', import.meta.url));
  const source = readFileSync(axePath, 'utf8');
  // The engine's source goes into the script WebDriver runs (the page's CSP forbids eval,
  // rightly; the driver's own script is not page script).
  const result = await win.execAsync(
    `${source}
     ;const done = arguments[arguments.length - 1];
     window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                                resultTypes: ['violations'] })
       .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary) }))))
       .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));`,
  );
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

/** `[data-testid="…"]` */
export const tid = (id) => `[data-testid="${id}"]`;

/** The current two-factor code for a base32 key, from Debian's oathtool (an independent generator). */
export const oathtool = (key) => execFileSync('oathtool', ['--totp', '-b', key.replace(/\s/g, '')]).toString().trim();

/** The code of the next 30-second step, so a fresh code is never a replay of the last one. */
export async function freshCode(key) {
  const first = oathtool(key);
  for (;;) {
    await sleep(500);
    const c = oathtool(key);
    if (c !== first) return c;
  }
}

/** Puts a file into an <input type=file> the way a file chooser does (files + change). */
export async function chooseFile(win, css, name, type, base64) {
  await win.waitFor(css);
  await win.exec(
    `const bytes = Uint8Array.from(atob(arguments[3]), (c) => c.charCodeAt(0));
     const dt = new DataTransfer();
     dt.items.add(new File([bytes], arguments[1], { type: arguments[2] }));
     const input = document.querySelector(arguments[0]);
     input.files = dt.files;
     input.dispatchEvent(new Event('change', { bubbles: true }));`,
    css,
    name,
    type,
    base64,
  );
}

/**
 * What the core answers the window for `cmd` (sent the way the window sends it): the value
 * (null for none), or `{ code }` when it is refused.
 */
export async function invoke(win, cmd, args = {}) {
  return win.execAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done(v ?? null), (e) => done({ code: e && e.code }));`,
    cmd,
    args,
  );
}

/** `pid` and every process descending from it, read from /proc (no procps needed). */
export function processTree(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(after[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const [p, pp] of parent) if (pp === out[i]) out.push(p);
  }
  return out;
}
