// Attachments of a client or of one of its draft entries: listing, adding, opening for a
// preview (audited) and removing. The files themselves travel as raw bytes.
import { backend, raw, type Attachment } from '../backend';

export function listAttachments(clientId: string): Promise<Attachment[]> {
  return backend.listAttachments(clientId);
}

/** Attaches a file (its bytes, as they are) to a client, or to one of its draft entries. */
export function addAttachment(clientId: string, entryId: string | null, name: string, bytes: Uint8Array): Promise<Attachment> {
  return raw.addAttachment(clientId, entryId, name, bytes);
}

/** One attachment's bytes for a preview (audited as an open). */
export function openAttachment(attachmentId: string): Promise<Uint8Array> {
  return raw.openAttachment(attachmentId);
}

export function removeAttachment(attachmentId: string): Promise<null> {
  return backend.removeAttachment(attachmentId);
}
