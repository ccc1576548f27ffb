-- Klinik schema 6: treatment relations (Planway's behandlingsrelation). A practitioner
-- opens a client's journal while they have an active relation; an admin can also block
-- one person from one client; emergency access is a short relation with a stated reason.

CREATE TABLE relations (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL CHECK (kind IN ('assignment', 'emergency', 'block')),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT,
    reason     TEXT CHECK (reason IS NULL OR length(reason) <= 1000),
    created_by TEXT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX relations_by_pair ON relations(staff_id, client_id);
CREATE INDEX relations_by_client ON relations(client_id);
