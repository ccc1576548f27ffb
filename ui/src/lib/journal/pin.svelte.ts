// The PIN at a shared workstation (business login + PIN), as the journal lives it: the
// journal waits for a PIN unlock when the core asks for one, takes the person who unlocked,
// clears itself when the unlock ends (idle time, "switch person"), and ends the unlock
// when it closes, so the next person at the desk starts from the PIN prompt.
import { untrack } from 'svelte';
import type { AppStatus } from '../backend';
import { endPin } from '../api/desk';
import type { Session } from '../session.svelte';

export class JournalPin {
  /** The journal waits for someone at the desk to unlock it with their PIN. */
  needed = $state(false);
  readonly #session: Session;

  /**
   * Create while the journal component is created: `onEnded` removes everything of the
   * journal from the screen when the PIN unlock ends.
   */
  constructor(session: Session, onEnded: () => void) {
    this.#session = session;
    let hadPin = false;
    $effect(() => {
      const active = session.me.pinName !== null;
      if (hadPin && !active) {
        untrack(onEnded);
        this.needed = true;
      }
      hadPin = active;
    });
  }

  /** A person unlocked with their PIN: the window takes the new status (the top bar names them). */
  unlocked(s: AppStatus): void {
    this.needed = false;
    this.#session.onStatus(s);
  }

  /**
   * The journal closes: at a shared workstation that ends the PIN unlock, once `saving`
   * (the last save of a draft) has settled.
   */
  leave(saving: Promise<unknown>): void {
    const session = this.#session;
    if (session.me.businessLogin) void saving.finally(() => endPin().then(session.onStatus, () => {}));
  }
}
