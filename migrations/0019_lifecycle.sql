-- Klinik schema 19: the end of a client's record. Journals are kept for the clinic's
-- retention period after the last entry; clients without journal entries go after a
-- number of years without appointments or entries. A cleanup run proposes the clients
-- whose period has run out, an administrator confirms, and Klinik erases them; an erasure
-- request removes what may go and records why the journal stays and until when.
--
-- An erasure is the only path that removes a signed entry, a client's attachment or a
-- relative's binding: while its row here is 'running' (inside the one transaction that
-- erases) the triggers that otherwise refuse those deletions let them through for that
-- client only. The row stays as the record of what went (counts, never names).

CREATE TABLE erasures (
    id          TEXT PRIMARY KEY,
    -- No foreign key: the client row is gone afterwards (or kept without personal data
    -- when issued invoices, kept for bookkeeping, still name it).
    client_id   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('cleanup', 'request')),
    state       TEXT NOT NULL CHECK (state IN ('running', 'done')),
    -- What went, as counts: "appointments=3,entries=2,...".
    removed     TEXT NOT NULL DEFAULT '' CHECK (length(removed) <= 1000),
    -- A request under retention: the rule that keeps the journal, and the first day it may go.
    kept_rule   TEXT CHECK (kept_rule IS NULL OR length(kept_rule) <= 300),
    kept_until  TEXT,
    decided_by  TEXT NOT NULL REFERENCES staff(id),
    decided_at  TEXT NOT NULL,
    CHECK ((kept_rule IS NULL) = (kept_until IS NULL))
) STRICT;
CREATE INDEX erasures_by_client ON erasures(client_id);

CREATE TRIGGER erasures_finish_only BEFORE UPDATE ON erasures
WHEN OLD.state = 'done' OR NEW.id IS NOT OLD.id OR NEW.client_id IS NOT OLD.client_id OR NEW.kind IS NOT OLD.kind
  OR NEW.decided_by IS NOT OLD.decided_by OR NEW.decided_at IS NOT OLD.decided_at
BEGIN
    SELECT RAISE(ABORT, 'an erasure is recorded once');
END;
CREATE TRIGGER erasures_kept BEFORE DELETE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'an erasure is recorded once');
END;

DROP TRIGGER entries_signed_never_deleted;
CREATE TRIGGER entries_signed_never_deleted BEFORE DELETE ON entries
WHEN OLD.status = 'signed'
 AND NOT EXISTS (SELECT 1 FROM erasures WHERE client_id = OLD.client_id AND state = 'running')
BEGIN
    SELECT RAISE(ABORT, 'a signed journal entry cannot be deleted');
END;

DROP TRIGGER attachments_stay_with_the_record;
CREATE TRIGGER attachments_stay_with_the_record BEFORE DELETE ON attachments
WHEN (OLD.entry_id IS NULL OR (SELECT status FROM entries WHERE id = OLD.entry_id) != 'draft')
 AND NOT EXISTS (SELECT 1 FROM erasures WHERE client_id = OLD.client_id AND state = 'running')
BEGIN
    SELECT RAISE(ABORT, 'an attachment of a client or a signed entry cannot be removed');
END;

DROP TRIGGER relative_bindings_no_delete;
CREATE TRIGGER relative_bindings_no_delete BEFORE DELETE ON relative_bindings
WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE client_id = OLD.client_id AND state = 'running')
BEGIN
    SELECT RAISE(ABORT, 'bindings are kept');
END;
