-- Klinik schema 10: attachments (PDFs and images) on a client or on a journal entry,
-- kept inside the encrypted database. The type is judged from the content when it is
-- added; an attachment is part of the record: it never changes, and it is removed only
-- from an entry that is still a draft. Opening one is audited.

CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    entry_id    TEXT REFERENCES entries(id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    mime        TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp')),
    size        INTEGER NOT NULL CHECK (size > 0 AND size = length(data)),
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    data        BLOB NOT NULL,
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_by_client ON attachments(client_id, created_at);
CREATE INDEX attachments_by_entry ON attachments(entry_id) WHERE entry_id IS NOT NULL;

CREATE TRIGGER attachments_never_change BEFORE UPDATE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'an attachment cannot be changed');
END;

CREATE TRIGGER attachments_stay_with_the_record BEFORE DELETE ON attachments
WHEN OLD.entry_id IS NULL OR (SELECT status FROM entries WHERE id = OLD.entry_id) != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an attachment of a client or a signed entry cannot be removed');
END;

-- No attachment may be added to a signed entry (that would change it): use an addendum.
CREATE TRIGGER attachments_not_on_signed_entries BEFORE INSERT ON attachments
WHEN NEW.entry_id IS NOT NULL AND (SELECT status FROM entries WHERE id = NEW.entry_id) != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a signed journal entry cannot be changed');
END;
