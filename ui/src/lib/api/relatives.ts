// Relatives: a client's parent, guardian or next of kin. Administrators bind a relative to
// a client (a new email makes the relative, with a one-time password shown once) and end
// bindings (never changed; ending one signs the relative out at once). A signed-in
// relative reads their own page, the bound client's appointments and the printable
// schedule. Days are YYYY-MM-DD in the clinic's zone; the core decides every right on the
// binding alone and audits each call.
import {
  backend,
  type Binding,
  type BindingInput,
  type BoundClient,
  type NewBinding,
  type RelativeAppointment,
  type Schedule,
} from '../backend';

/** A client's bindings, ended ones too (administrators). */
export function relativesOf(clientId: string): Promise<Binding[]> {
  return backend.relativesOf(clientId);
}

/** Binds a relative to a client; a new relative comes back with a one-time password (shown once). */
export function bindRelative(clientId: string, input: BindingInput): Promise<NewBinding> {
  return backend.bindRelative(clientId, input);
}

/** Ends a binding now; the relative is signed out at once. */
export function endRelativeBinding(clientId: string, bindingId: string): Promise<null> {
  return backend.endRelativeBinding(clientId, bindingId);
}

/** The signed-in relative's page: the clients they are bound to, and what each binding reaches. */
export function relativeHome(): Promise<BoundClient[]> {
  return backend.relativeHome();
}

/** The bound client's appointments on the days `from`..`to`, both included. */
export function relativeAppointments(clientId: string, from: string, to: string): Promise<RelativeAppointment[]> {
  return backend.relativeAppointments(clientId, from, to);
}

/** The bound client's schedule for the coming `weeks` weeks (1 to 26) from today, to print. */
export function relativeSchedule(clientId: string, weeks: number): Promise<Schedule> {
  return backend.relativeSchedule(clientId, weeks);
}
