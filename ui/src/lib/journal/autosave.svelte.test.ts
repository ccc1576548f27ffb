import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave } from './autosave.svelte';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(draft: string | null = 'a draft') {
  const saves: string[] = [];
  const stored: string[] = [];
  const failures: unknown[] = [];
  let text = 'first words';
  let failNext = false;
  const autosave = new Autosave<string>({
    save: () => {
      if (draft === null) return null;
      saves.push(text);
      if (failNext) return Promise.reject({ code: 'storage' });
      return Promise.resolve(text);
    },
    saved: (s) => stored.push(s),
    failed: (e) => failures.push(e),
  });
  return {
    autosave,
    saves,
    stored,
    failures,
    type: (t: string) => ((text = t), autosave.changed()),
    failNextSave: () => (failNext = true),
  };
}

describe('saving a draft as it is typed', () => {
  it('saves once typing pauses for 600 ms, not on every keystroke', async () => {
    const { autosave, saves, stored, type } = setup();
    autosave.opened();
    expect(autosave.state).toBe('saved');
    type('fir');
    await vi.advanceTimersByTimeAsync(400);
    type('first');
    await vi.advanceTimersByTimeAsync(599);
    expect(saves).toEqual([]);
    expect(autosave.state).toBe('saving');
    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toEqual(['first']);
    expect(stored).toEqual(['first']);
    expect(autosave.state).toBe('saved');
  });

  it('saves at once when asked (leaving a field, signing), and only what is unsaved', async () => {
    const { autosave, saves, type } = setup();
    autosave.opened();
    await autosave.flush();
    expect(saves).toEqual([]);
    type('typed');
    await autosave.flush();
    expect(saves).toEqual(['typed']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves).toEqual(['typed']);
  });

  it('starts saving what is unsaved when the view closes, and hands that save over', async () => {
    const { autosave, saves, type } = setup();
    autosave.opened();
    type('last words');
    const leaving = autosave.leave();
    expect(saves).toEqual(['last words']);
    await expect(leaving).resolves.toBe('last words');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves).toEqual(['last words']);
  });

  it('has nothing to save when the view closes with everything saved', async () => {
    const { autosave, saves } = setup();
    autosave.opened();
    await expect(autosave.leave()).resolves.toBeNull();
    expect(saves).toEqual([]);
  });

  it('reports a failed save and keeps the draft unsaved', async () => {
    const { autosave, failures, type, failNextSave } = setup();
    failNextSave();
    type('x');
    await autosave.flush();
    expect(failures).toEqual([{ code: 'storage' }]);
    expect(autosave.state).toBe('saving');
  });

  it('does nothing without an open draft', async () => {
    const { autosave, saves, type } = setup(null);
    type('x');
    await autosave.flush();
    await expect(autosave.leave()).resolves.toBeNull();
    expect(saves).toEqual([]);
  });
});
