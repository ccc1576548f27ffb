-- Klinik schema 20: consent declarations. An administrator writes consent texts (each
-- change a new version; a version never changes); a client's consent records which
-- version was shown — its text hashed into the record — given or refused, how (a drawn
-- signature on this screen, a typed name, paper scanned as an attachment, or orally,
-- recorded by the person who heard it), when, and a later withdrawal.

CREATE TABLE consent_texts (
    id          TEXT PRIMARY KEY,
    -- The same declaration across its versions.
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    version     INTEGER NOT NULL CHECK (version >= 1),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    -- Every client should have given it (a notice on the client and in the calendar).
    required    INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    -- The newest version of a declaration in use; retired ones are kept (consents point to them).
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by  TEXT REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    UNIQUE (key, version)
) STRICT;

CREATE TRIGGER consent_texts_never_change BEFORE UPDATE ON consent_texts
WHEN NEW.id IS NOT OLD.id OR NEW.key IS NOT OLD.key OR NEW.version IS NOT OLD.version
  OR NEW.title IS NOT OLD.title OR NEW.body IS NOT OLD.body OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a consent text is never changed: write a new version');
END;
CREATE TRIGGER consent_texts_kept BEFORE DELETE ON consent_texts
BEGIN
    SELECT RAISE(ABORT, 'consent texts are kept');
END;

CREATE TABLE consents (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients(id),
    text_id       TEXT NOT NULL REFERENCES consent_texts(id),
    -- SHA-256 of exactly the text shown (title, a blank line, the body).
    text_sha256   TEXT NOT NULL CHECK (length(text_sha256) = 64),
    decision      TEXT NOT NULL CHECK (decision IN ('given', 'refused')),
    method        TEXT NOT NULL CHECK (method IN ('drawn', 'typed', 'paper', 'oral')),
    -- A drawn signature (PNG).
    signature     BLOB CHECK (signature IS NULL OR length(signature) <= 204800),
    typed_name    TEXT CHECK (typed_name IS NULL OR length(typed_name) BETWEEN 1 AND 200),
    -- A signed paper form, scanned onto the client's record.
    attachment_id TEXT REFERENCES attachments(id),
    recorded_by   TEXT NOT NULL REFERENCES staff(id),
    given_at      TEXT NOT NULL,
    withdrawn_at  TEXT,
    withdrawn_by  TEXT REFERENCES staff(id),
    CHECK ((method = 'drawn') = (signature IS NOT NULL)),
    CHECK ((method = 'typed') = (typed_name IS NOT NULL)),
    CHECK ((method = 'paper') = (attachment_id IS NOT NULL)),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL)),
    CHECK (withdrawn_at IS NULL OR decision = 'given')
) STRICT;
CREATE INDEX consents_by_client ON consents(client_id, given_at);

-- A recorded consent is only ever withdrawn (once); it is removed only by the erasure of
-- its client (see schema 19).
CREATE TRIGGER consents_withdraw_only BEFORE UPDATE ON consents
WHEN OLD.withdrawn_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.client_id IS NOT OLD.client_id OR NEW.text_id IS NOT OLD.text_id
  OR NEW.text_sha256 IS NOT OLD.text_sha256 OR NEW.decision IS NOT OLD.decision OR NEW.method IS NOT OLD.method
  OR NEW.signature IS NOT OLD.signature OR NEW.typed_name IS NOT OLD.typed_name
  OR NEW.attachment_id IS NOT OLD.attachment_id OR NEW.recorded_by IS NOT OLD.recorded_by
  OR NEW.given_at IS NOT OLD.given_at
BEGIN
    SELECT RAISE(ABORT, 'a consent is only withdrawn, never changed');
END;
CREATE TRIGGER consents_kept BEFORE DELETE ON consents
WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE client_id = OLD.client_id AND state = 'running')
BEGIN
    SELECT RAISE(ABORT, 'consents are kept');
END;
