// Journal templates: the list the journal offers, and building, versioning and retiring
// them (administrators).
import { backend, type Field, type Template } from '../backend';

export function listTemplates(): Promise<Template[]> {
  return backend.listTemplates();
}

/** Builds a template, or saves a new version of the one with `key`. */
export function saveTemplate(key: string | null, name: string, body: string, fields: Field[]): Promise<Template> {
  return backend.saveTemplate(key, name, body, fields);
}

export function retireTemplate(key: string): Promise<null> {
  return backend.retireTemplate(key);
}
