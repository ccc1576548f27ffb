// Moving between the signed-in window's views from inside one of them: the calendar opens
// a client's page (with the journal) in the Clients view, a client's page opens one of
// their invoices in the Invoices view. Main provides it; a view rendered
// on its own (a unit test) has none and then offers no such way.
import { getContext, setContext } from 'svelte';

export interface Navigation {
  /** Shows the Clients view with this client's page (and journal) open. */
  readonly openClient: (clientId: string) => void;
  /** Shows the Invoices view with this invoice open. */
  readonly openInvoice: (invoiceId: string) => void;
}

const KEY = Symbol('klinik.navigation');

export function setNavigation(navigation: Navigation): Navigation {
  return setContext(KEY, navigation);
}

/** The navigation Main provides, or null outside Main. */
export function getNavigation(): Navigation | null {
  return getContext<Navigation | undefined>(KEY) ?? null;
}
