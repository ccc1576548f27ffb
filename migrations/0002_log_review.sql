-- Klinik schema 2: log reviews (loggkontroll). A reviewer marks a month's report as
-- reviewed with a comment; the mark is kept next to the chain head it covered.

CREATE TABLE audit_reviews (
    id          TEXT PRIMARY KEY,
    period      TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    reviewer    TEXT NOT NULL REFERENCES staff(id),
    reviewed_at TEXT NOT NULL,
    comment     TEXT NOT NULL CHECK (length(comment) <= 4000),
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT NOT NULL
) STRICT;
CREATE INDEX audit_reviews_by_period ON audit_reviews(period, reviewed_at);
CREATE INDEX audit_by_action ON audit_events(action, seq);
