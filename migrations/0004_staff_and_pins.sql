-- Klinik schema 4: staff management, personal PINs with a persisted lockout, business
-- login, and the PIN unlock of a business-login session (who is acting right now).

ALTER TABLE staff ADD COLUMN can_business_login INTEGER NOT NULL DEFAULT 0 CHECK (can_business_login IN (0, 1));
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE staff ADD COLUMN birth_date TEXT;
ALTER TABLE staff ADD COLUMN pin_hash TEXT;
-- Consecutive wrong PINs, when the next try is allowed, and whether the PIN is disabled
-- until the person logs in with the password. Kept here so a restart changes nothing.
ALTER TABLE staff ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0 CHECK (pin_failures >= 0);
ALTER TABLE staff ADD COLUMN pin_locked_until TEXT;
ALTER TABLE staff ADD COLUMN pin_disabled INTEGER NOT NULL DEFAULT 0 CHECK (pin_disabled IN (0, 1));

-- On a business-login session: the staff member whose PIN unlocked it, until when.
ALTER TABLE sessions ADD COLUMN pin_staff TEXT REFERENCES staff(id);
ALTER TABLE sessions ADD COLUMN pin_until TEXT;
