import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Vitest runs in ui/ (npm test); the sources are read as text.
const SRC = 'src';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ path: relative(SRC, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));

describe('the layers between the window and the core', () => {
  it('only backend.ts imports the generated bindings', () => {
    const importers = files.filter((f) => /from '[./]*(lib\/)?bindings'/.test(f.text)).map((f) => f.path);
    expect(importers).toEqual(['lib/backend.ts']);
  });

  it('components call the core through the api modules, never the commands directly', () => {
    const direct = files.filter((f) => !f.path.startsWith('lib/api/') && /\bbackend\s*\./.test(f.text)).map((f) => f.path);
    expect(direct).toEqual([]);
  });

  it('each api module says what area it covers', () => {
    const modules = files.filter((f) => f.path.startsWith('lib/api/'));
    expect(modules.length).toBeGreaterThan(5);
    for (const m of modules) expect(m.text.startsWith('// '), m.path).toBe(true);
  });
});
