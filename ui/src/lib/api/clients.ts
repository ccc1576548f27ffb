// Clients: search, read, create and edit; the full national ID on purpose; and a client's
// treatment relations (administrators). The core's gate audits every call.
import { backend, type Client, type ClientInput, type Relation, type RelationChange } from '../backend';

export function listClients(query: string): Promise<Client[]> {
  return backend.listClients(query);
}

export function getClient(id: string): Promise<Client> {
  return backend.getClient(id);
}

export function createClient(input: ClientInput): Promise<Client> {
  return backend.createClient(input);
}

export function updateClient(id: string, input: ClientInput): Promise<Client> {
  return backend.updateClient(id, input);
}

/** The full national ID, revealed on purpose (audited). */
export function revealNationalId(id: string): Promise<string | null> {
  return backend.revealNationalId(id);
}

/** A client's treatment relations, ended ones included (administrators). */
export function clientRelations(clientId: string): Promise<Relation[]> {
  return backend.clientRelations(clientId);
}

/** Assigns (for a period if given), blocks or ends one staff member's relation to a client. */
export function changeRelation(
  staffId: string,
  clientId: string,
  change: RelationChange,
  firstDay: string | null,
  lastDay: string | null,
): Promise<null> {
  return backend.changeRelation(staffId, clientId, change, firstDay, lastDay);
}
