// The signed-in session as every view under the signed-in window sees it: who is signed in
// (`me`), the clinic's name and journal mode, and the two ways back to the window:
// `onStatus` applies a status the core returned (after a lock, a PIN unlock, a changed
// setting, …) and `refresh` asks the core what the window should show now (after
// `locked`, `sessionExpired`, …). App provides it once (setSession); views read it with
// getSession() instead of having it passed down through every component as props.
import { getContext, setContext } from 'svelte';
import type { AppStatus, JournalMode, Me } from './backend';

export interface Session {
  /** The signed-in person, as the core last described them. */
  readonly me: Me;
  readonly clinicName: string;
  readonly journalMode: JournalMode;
  /** While today's automatic backup is being made beside the window: how far, in percent. */
  readonly backupProgress: number | null;
  /** Applies a status the core returned: the window shows what it says. */
  readonly onStatus: (s: AppStatus) => void;
  /** Asks the core what the window should show now. */
  readonly refresh: () => void;
}

/** The parts of a signed-in (ready) status the session is read from. */
export type SignedIn = Pick<Extract<AppStatus, { state: 'ready' }>, 'me' | 'clinicName' | 'journalMode'>;

/**
 * The session App keeps: it follows the signed-in statuses the core sends (`follow`), and
 * keeps the last one while the window shows something else (locked, signed out), so a view
 * that is closing then (a journal ending the PIN unlock as it goes) still reads who it was.
 */
export class SignedInSession implements Session {
  #current = $state.raw<SignedIn | null>(null);
  #backupProgress = $state<number | null>(null);
  readonly onStatus: (s: AppStatus) => void;
  readonly refresh: () => void;

  constructor(onStatus: (s: AppStatus) => void, refresh: () => void) {
    this.onStatus = onStatus;
    this.refresh = refresh;
  }

  /**
   * Takes the person, the clinic's name, the journal mode and the backup's progress from a
   * signed-in status. A status that says the same of the person, the clinic and the journal
   * mode as the last one (the window asking for the backup's progress) keeps the last one,
   * so nothing that follows the person runs again (a PIN unlock's idle time is not restarted).
   */
  follow(s: AppStatus): void {
    if (s.state !== 'ready') return;
    this.#backupProgress = typeof s.backupProgress === 'number' ? s.backupProgress : null;
    const next: SignedIn = { me: s.me, clinicName: s.clinicName, journalMode: s.journalMode };
    if (this.#current && JSON.stringify(this.#current) === JSON.stringify(next)) return;
    this.#current = next;
  }

  #signedIn(): SignedIn {
    if (!this.#current) throw new Error('no one has signed in: the session is read only under the signed-in window');
    return this.#current;
  }

  get me(): Me {
    return this.#signedIn().me;
  }

  get clinicName(): string {
    return this.#signedIn().clinicName;
  }

  get journalMode(): JournalMode {
    return this.#signedIn().journalMode;
  }

  get backupProgress(): number | null {
    return this.#backupProgress;
  }
}

const KEY = Symbol('klinik.session');

/** Provides the session to the component being created and everything under it. */
export function setSession(session: Session): Session {
  return setContext(KEY, session);
}

/** The session provided above this component (by App; in a unit test, by its `context`). */
export function getSession(): Session {
  const session = getContext<Session | undefined>(KEY);
  if (!session) throw new Error('no session: render under App, or give the component a context made by sessionContext()');
  return session;
}

/** A `context` for mount() or a unit test's render() that holds `session`. */
export function sessionContext(session: Session): Map<symbol, Session> {
  return new Map([[KEY, session]]);
}
