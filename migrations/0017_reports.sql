-- Klinik schema 17: reports. An administrator makes a report from a preset (appointments
-- in a period, visits per practitioner, no-shows and late cancellations, new clients,
-- revenue by service), chooses its columns and default period and who sees it on their
-- My page. Running one reads client data through the gate like every other read.

CREATE TABLE report_definitions (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    preset      TEXT NOT NULL CHECK (preset IN ('appointments', 'visits_per_practitioner', 'no_shows',
                                                'new_clients', 'revenue_by_service')),
    -- The chosen columns, in order, comma-separated (each one the preset offers).
    columns     TEXT NOT NULL CHECK (length(columns) BETWEEN 1 AND 300),
    period      TEXT NOT NULL CHECK (period IN ('this_month', 'last_month', 'this_year', 'fixed')),
    fixed_from  TEXT,
    fixed_to    TEXT,
    -- The roles whose My page shows it, comma-separated.
    visible_to  TEXT NOT NULL CHECK (length(visible_to) <= 100),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by  TEXT REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((period = 'fixed') = (fixed_from IS NOT NULL AND fixed_to IS NOT NULL)),
    CHECK (fixed_from IS NULL OR fixed_from <= fixed_to)
) STRICT;

-- The reports a month is read by: appointments of all calendars in a period (a seek per
-- calendar on the clustered key) need no new index; new clients are found by day.
CREATE INDEX clients_by_created ON clients(created_at);

-- Reports become something the reports right opens: practitioners and the desk get it
-- (My page shows them the reports an administrator made visible to their role).
UPDATE staff SET features = features || ',reports'
    WHERE role IN ('practitioner', 'reception') AND ',' || features || ',' NOT LIKE '%,reports,%';
