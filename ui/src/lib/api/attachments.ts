// Attachments of a client or of one of its draft entries: listing, adding (as base64),
// opening for a preview (audited) and removing.
import { backend, type Attachment, type OpenedAttachment } from '../backend';

export function listAttachments(clientId: string): Promise<Attachment[]> {
  return backend.listAttachments(clientId);
}

/** Attaches a file (sent as base64) to a client, or to one of its draft entries. */
export function addAttachment(clientId: string, entryId: string | null, name: string, base64: string): Promise<Attachment> {
  return backend.addAttachment(clientId, entryId, name, base64);
}

/** One attachment's details and bytes (base64) for a preview (audited). */
export function openAttachment(attachmentId: string): Promise<OpenedAttachment> {
  return backend.openAttachment(attachmentId);
}

export function removeAttachment(attachmentId: string): Promise<null> {
  return backend.removeAttachment(attachmentId);
}
