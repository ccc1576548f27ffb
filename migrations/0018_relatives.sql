-- Klinik schema 18: relatives. A relative (a parent of a child client, a guardian, next of
-- kin with the client's consent) signs in like everyone — the same password rules, Argon2id,
-- throttling, two-factor login and sessions — so the login table holds them too, marked
-- `kind = 'relative'`. That is all they share with staff: a relative has no role the gate
-- uses (the column keeps a placeholder its CHECK allows), no rights, no calendar, no PIN,
-- is in no staff list, and reaches client data only through a binding below.

ALTER TABLE staff ADD COLUMN kind TEXT NOT NULL DEFAULT 'staff' CHECK (kind IN ('staff', 'relative'));

-- A relative's row can never carry a staff member's rights, a desk login or a PIN.
CREATE TRIGGER relatives_have_no_rights BEFORE UPDATE ON staff
WHEN NEW.kind = 'relative' AND (NEW.features <> '' OR NEW.client_scope <> 'none' OR NEW.can_business_login <> 0
                                OR NEW.pin_hash IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a relative has no staff rights');
END;
CREATE TRIGGER relatives_have_no_rights_insert BEFORE INSERT ON staff
WHEN NEW.kind = 'relative' AND (NEW.features <> '' OR NEW.client_scope <> 'none' OR NEW.can_business_login <> 0
                                OR NEW.pin_hash IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a relative has no staff rights');
END;
CREATE TRIGGER staff_stay_staff BEFORE UPDATE OF kind ON staff
WHEN OLD.kind <> NEW.kind
BEGIN
    SELECT RAISE(ABORT, 'a person''s kind cannot change');
END;

-- One relative bound to one client, for a reason and a period, reaching what the
-- administrator ticked. A second client is a second binding.
CREATE TABLE relative_bindings (
    id           TEXT PRIMARY KEY,
    relative_id  TEXT NOT NULL REFERENCES staff(id),
    client_id    TEXT NOT NULL REFERENCES clients(id),
    reason       TEXT NOT NULL CHECK (reason IN ('parent', 'guardian', 'next_of_kin')),
    -- How the client consented (next of kin only): in writing or orally.
    consent      TEXT CHECK (consent IS NULL OR consent IN ('written', 'oral')),
    appointments INTEGER NOT NULL CHECK (appointments IN (0, 1)),
    schedule     INTEGER NOT NULL CHECK (schedule IN (0, 1)),
    reports      INTEGER NOT NULL CHECK (reports IN (0, 1)),
    -- Calendar days in the clinic's time zone, both included.
    valid_from   TEXT NOT NULL,
    valid_until  TEXT,
    created_by   TEXT NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    ended_at     TEXT,
    ended_by     TEXT REFERENCES staff(id),
    CHECK ((reason = 'next_of_kin') = (consent IS NOT NULL)),
    CHECK (appointments + schedule + reports >= 1),
    CHECK (valid_until IS NULL OR valid_from <= valid_until)
) STRICT;
CREATE INDEX relative_bindings_of ON relative_bindings(relative_id);
CREATE INDEX relative_bindings_for ON relative_bindings(client_id);

CREATE TRIGGER relative_bindings_need_a_relative BEFORE INSERT ON relative_bindings
WHEN (SELECT kind FROM staff WHERE id = NEW.relative_id) IS NOT 'relative'
BEGIN
    SELECT RAISE(ABORT, 'only a relative can be bound to a client');
END;

-- A binding is ended, never rewritten or deleted (its history is the record of who could
-- see what): only ended_at/ended_by may be set, once.
CREATE TRIGGER relative_bindings_end_only BEFORE UPDATE ON relative_bindings
WHEN OLD.ended_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.relative_id IS NOT OLD.relative_id OR NEW.client_id IS NOT OLD.client_id
  OR NEW.reason IS NOT OLD.reason OR NEW.consent IS NOT OLD.consent OR NEW.appointments IS NOT OLD.appointments
  OR NEW.schedule IS NOT OLD.schedule OR NEW.reports IS NOT OLD.reports OR NEW.valid_from IS NOT OLD.valid_from
  OR NEW.valid_until IS NOT OLD.valid_until OR NEW.created_by IS NOT OLD.created_by
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a binding is only ended, never changed');
END;
CREATE TRIGGER relative_bindings_no_delete BEFORE DELETE ON relative_bindings
BEGIN
    SELECT RAISE(ABORT, 'bindings are kept');
END;
