-- Klinik schema 13: the desk's defences (see docs/SECURITY.md).
--
-- Wrong passwords count like wrong PINs, per account and per workstation, persisted so a
-- restart changes nothing. Ten wrong two-factor codes in a row turn the factor off until
-- an administrator or a recovery code resets it. A one-time password from an
-- administrator expires. A business-login session in national-ID mode records the staff
-- member whose strong personal login opened it.

ALTER TABLE staff ADD COLUMN password_failures INTEGER NOT NULL DEFAULT 0 CHECK (password_failures >= 0);
ALTER TABLE staff ADD COLUMN password_locked_until TEXT;
ALTER TABLE staff ADD COLUMN password_expires_at TEXT;
ALTER TABLE staff ADD COLUMN totp_disabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_disabled IN (0, 1));

CREATE TABLE workstation_throttle (
    workstation  TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until TEXT
) STRICT;

-- Whether the login behind a session gave a second factor (a strong login).
ALTER TABLE sessions ADD COLUMN strong INTEGER NOT NULL DEFAULT 0 CHECK (strong IN (0, 1));
ALTER TABLE sessions ADD COLUMN opened_by TEXT REFERENCES staff(id);
ALTER TABLE sessions ADD COLUMN opened_by_session TEXT REFERENCES sessions(id);
