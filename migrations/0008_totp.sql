-- Klinik schema 8: two-factor login (TOTP). The secret lives only in this encrypted
-- database; the last accepted step refuses replays; recovery codes are hashed and
-- single-use.

ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_pending TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
ALTER TABLE staff ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN totp_locked_until TEXT;

CREATE TABLE totp_recovery_codes (
    id        TEXT PRIMARY KEY,
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    code_hash TEXT NOT NULL,
    used_at   TEXT
) STRICT;
CREATE INDEX totp_recovery_by_staff ON totp_recovery_codes(staff_id) WHERE used_at IS NULL;
