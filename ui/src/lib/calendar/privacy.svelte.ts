// The calendar's privacy "eye": when it is on, every client name in the calendar (grid,
// details, print) is shown as initials and the full name is not put on the page at all.
// It is remembered per workstation, and it turns on by itself when the window loses focus
// or is hidden, so a screen left facing the waiting room shows no names.
export const PRIVACY_KEY = 'klinik.calendar.private';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export class Privacy {
  #on = $state(false);
  #paused = false;
  #resume: (() => void) | null = null;

  constructor() {
    this.#on = storage()?.getItem(PRIVACY_KEY) === '1';
  }

  get on(): boolean {
    return this.#on;
  }

  set(on: boolean): void {
    this.#on = on;
    try {
      storage()?.setItem(PRIVACY_KEY, on ? '1' : '0');
    } catch {
      /* not remembered, but applied */
    }
  }

  toggle(): void {
    this.set(!this.#on);
  }

  /**
   * Turns privacy on when the window loses focus or the document is hidden; returns the
   * undo. A blur counts once the document really has no focus a moment later (a menu or
   * a select's list opening inside the window may blur it for an instant).
   */
  watch(win: Window = window, doc: Document = document): () => void {
    let check: ReturnType<typeof setTimeout> | undefined;
    const cover = () => {
      if (!this.#paused) this.set(true);
    };
    const onBlur = () => {
      clearTimeout(check);
      check = setTimeout(() => {
        if (!doc.hasFocus()) cover();
      }, 150);
    };
    const onVisibility = () => {
      if (doc.visibilityState === 'hidden') cover();
    };
    win.addEventListener('blur', onBlur);
    doc.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearTimeout(check);
      win.removeEventListener('blur', onBlur);
      doc.removeEventListener('visibilitychange', onVisibility);
      this.#resume?.();
    };
  }

  /**
   * Opens the print dialog without the focus it takes turning privacy on (which would
   * change what is being printed); watching resumes after the print, when the window has
   * focus again, or after a minute at the latest.
   */
  whilePrinting(print: () => void, win: Window = window): void {
    this.#resume?.();
    this.#paused = true;
    const resume = () => {
      this.#paused = false;
      win.removeEventListener('afterprint', resume);
      win.removeEventListener('focus', resume);
      clearTimeout(timer);
      this.#resume = null;
    };
    const timer = setTimeout(resume, 60_000);
    this.#resume = resume;
    win.addEventListener('afterprint', resume);
    win.addEventListener('focus', resume);
    print();
  }
}
