-- Klinik schema 11: entries signed automatically after the clinic's auto-sign time are
-- marked as such (the author is the signer; the audit trail says it was automatic).
ALTER TABLE entries ADD COLUMN auto_signed INTEGER NOT NULL DEFAULT 0 CHECK (auto_signed IN (0, 1));
-- Finding due drafts stays cheap in a journal of a million entries.
CREATE INDEX entries_drafts ON entries(updated_at) WHERE status = 'draft';
