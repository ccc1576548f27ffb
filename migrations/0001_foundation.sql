-- Klinik schema 1: the clinic, staff, sessions, clients and the audit chain.
-- Migrations are never edited once landed; add a new numbered file instead.

CREATE TABLE clinic (
    id           TEXT PRIMARY KEY,
    singleton    INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country      TEXT NOT NULL CHECK (country IN ('dk', 'se', 'no')),
    journal_mode TEXT NOT NULL CHECK (journal_mode IN ('notes', 'journals', 'journals_with_id')),
    language     TEXT NOT NULL CHECK (language IN ('da', 'sv', 'nb', 'en')),
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'practitioner', 'reception')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    staff_id       TEXT NOT NULL REFERENCES staff(id),
    kind           TEXT NOT NULL CHECK (kind IN ('personal', 'business', 'pin')),
    workstation    TEXT NOT NULL,
    os_user        TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    last_active_at TEXT NOT NULL,
    locked         INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    ended_at       TEXT,
    end_reason     TEXT
) STRICT;
CREATE INDEX sessions_open ON sessions(staff_id) WHERE ended_at IS NULL;

CREATE TABLE clients (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone      TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    email      TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    created_by TEXT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX clients_by_name ON clients(name COLLATE NOCASE);

-- The audit chain. seq is gap-free, rows are hash-linked, and nothing may change or
-- remove a row. Events carry ids, never names, national IDs or health data.
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT,
    via         TEXT,
    workstation TEXT NOT NULL,
    action      TEXT NOT NULL,
    client_id   TEXT,
    object      TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    reason      TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_client ON audit_events(client_id, seq) WHERE client_id IS NOT NULL;
CREATE INDEX audit_by_actor ON audit_events(actor, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events cannot be deleted');
END;

CREATE TRIGGER audit_events_gap_free BEFORE INSERT ON audit_events
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events)
BEGIN
    SELECT RAISE(ABORT, 'audit seq must follow the last event without a gap');
END;
