// Every action the core writes to the audit trail: generated from the core's one list
// (`klinik::audit::ACTIONS`, exported with the bindings), never typed here. The i18n test
// checks each has a translation in every language.
export { AUDIT_ACTIONS } from '../backend';
