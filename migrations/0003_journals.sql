-- Klinik schema 3: journal entries (or notes), templates and full-text search.
-- A signed entry never changes: triggers refuse UPDATE and DELETE of signed rows, also
-- for anyone with the key and a SQL shell. Corrections are addenda linked to the
-- original.

CREATE TABLE templates (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    language   TEXT NOT NULL CHECK (language IN ('da', 'sv', 'nb', 'en')),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    body       TEXT NOT NULL CHECK (length(body) <= 20000),
    created_at TEXT NOT NULL,
    UNIQUE (key, language, version)
) STRICT;

CREATE TABLE entries (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients(id),
    author       TEXT NOT NULL REFERENCES staff(id),
    care_at      TEXT NOT NULL,
    template_id  TEXT REFERENCES templates(id),
    title        TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    body         TEXT NOT NULL CHECK (length(body) <= 200000),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    addendum_to  TEXT REFERENCES entries(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    signed_at    TEXT,
    signed_by    TEXT REFERENCES staff(id),
    CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL))
) STRICT;
CREATE INDEX entries_by_client ON entries(client_id, care_at DESC, id);
CREATE INDEX entries_addenda ON entries(addendum_to) WHERE addendum_to IS NOT NULL;

CREATE TRIGGER entries_signed_never_change BEFORE UPDATE ON entries
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'a signed journal entry cannot be changed');
END;

CREATE TRIGGER entries_signed_never_deleted BEFORE DELETE ON entries
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'a signed journal entry cannot be deleted');
END;

-- Signed entries are indexed once, when signed (they never change afterwards). Text is
-- NFC-normalized before indexing and before querying, so å typed either way matches.
CREATE VIRTUAL TABLE entries_fts USING fts5(
    entry_id UNINDEXED,
    client_id UNINDEXED,
    text,
    tokenize = 'unicode61'
);
