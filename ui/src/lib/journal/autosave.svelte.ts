// Saving a draft as it is typed: a pause in typing saves it, leaving a field or signing
// or closing saves at once, and a view that closes starts the save of whatever is still
// unsaved before it goes, so nothing typed is lost by leaving.

export type SaveState = 'idle' | 'saving' | 'saved';

/** The pause after the last keystroke before the draft is saved. */
export const AUTOSAVE_DELAY_MS = 600;

export class Autosave<T> {
  /** 'saving' from the first unsaved change until its save has come back. */
  state = $state<SaveState>('idle');
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #save: () => Promise<T> | null;
  readonly #saved: (result: T) => void;
  readonly #failed: (e: unknown) => void;
  readonly #delay: number;

  /**
   * `save` starts saving what is on screen (null when no draft is open); `saved` takes
   * what the core stored; `failed` takes any failure.
   */
  constructor(options: {
    save: () => Promise<T> | null;
    saved: (result: T) => void;
    failed: (e: unknown) => void;
    delay?: number;
  }) {
    this.#save = options.save;
    this.#saved = options.saved;
    this.#failed = options.failed;
    this.#delay = options.delay ?? AUTOSAVE_DELAY_MS;
  }

  /** A draft was opened: what is on screen is what is stored. */
  opened(): void {
    this.state = 'saved';
  }

  /** Something was typed: save once typing pauses. */
  changed(): void {
    this.state = 'saving';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.#delay);
  }

  /** Saves what is unsaved now, without waiting for the pause (leaving a field, signing, closing). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.state !== 'saving') return;
    try {
      const saving = this.#save();
      if (saving === null) return;
      this.#saved(await saving);
      this.state = 'saved';
    } catch (e) {
      this.#failed(e);
    }
  }

  /**
   * The view is closing: starts saving what is still unsaved at once and returns that
   * save (already settled when there was nothing to save), for what must wait for it.
   */
  leave(): Promise<unknown> {
    const saving = this.state === 'saving' ? (this.#save() ?? Promise.resolve(null)) : Promise.resolve(null);
    clearTimeout(this.#timer);
    return saving;
  }
}
