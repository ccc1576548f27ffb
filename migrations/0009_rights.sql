-- Klinik schema 9: what each staff member may do (EasyPractice's employee rights), set by
-- an admin from the role's defaults; per-calendar rights (the calendar comes later, the
-- right is modelled now); the access every staff member gets to a new client; a staff
-- photo; staff who must confirm journals with their PIN also on a personal login.

ALTER TABLE staff ADD COLUMN client_scope TEXT NOT NULL DEFAULT 'all' CHECK (client_scope IN ('all', 'own', 'none'));
ALTER TABLE staff ADD COLUMN can_edit INTEGER NOT NULL DEFAULT 1 CHECK (can_edit IN (0, 1));
ALTER TABLE staff ADD COLUMN features TEXT NOT NULL DEFAULT 'clients,journal,calendar,reports,audit,settings'
    CHECK (length(features) <= 200);
ALTER TABLE staff ADD COLUMN requires_pin INTEGER NOT NULL DEFAULT 0 CHECK (requires_pin IN (0, 1));
ALTER TABLE staff ADD COLUMN photo BLOB CHECK (photo IS NULL OR length(photo) <= 2097152);
ALTER TABLE staff ADD COLUMN photo_type TEXT CHECK (photo_type IS NULL OR photo_type IN ('image/png', 'image/jpeg', 'image/webp'));

-- The rights the roles had before they could be set per person.
UPDATE staff SET client_scope = 'own', features = 'clients,journal,calendar' WHERE role = 'practitioner';
UPDATE staff SET client_scope = 'all', features = 'clients,calendar' WHERE role = 'reception';

-- One staff member's right on another's calendar; no row means the clinic default (none).
CREATE TABLE calendar_rights (
    staff_id    TEXT NOT NULL REFERENCES staff(id),
    calendar_of TEXT NOT NULL REFERENCES staff(id),
    level       TEXT NOT NULL CHECK (level IN ('none', 'view', 'edit')),
    PRIMARY KEY (staff_id, calendar_of),
    CHECK (staff_id != calendar_of)
) STRICT;

-- What every staff member may do with this client ("own clients" scope), fixed when the
-- client is created from the clinic's setting. Existing clients keep what they had.
ALTER TABLE clients ADD COLUMN staff_access TEXT NOT NULL DEFAULT 'edit' CHECK (staff_access IN ('none', 'view', 'edit'));
