-- Klinik schema 14: the calendar. One calendar per staff member (made with the person)
-- and resource calendars for rooms; working hours and absences per calendar; services;
-- appointments (with or without a client) and their recurring series. Times are UTC
-- RFC 3339 text like every other time in Klinik; the clinic's time zone turns them into
-- the local day (src/calendar/zone.rs). A calendar read that shows clients writes ONE
-- audit event, and the clients it showed are listed beside it in audit_seen.

CREATE TABLE calendars (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('staff', 'resource')),
    staff_id      TEXT UNIQUE REFERENCES staff(id),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- An admin may let a calendar take overlapping appointments (group sessions).
    allow_overlap INTEGER NOT NULL DEFAULT 0 CHECK (allow_overlap IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    CHECK ((kind = 'staff') = (staff_id IS NOT NULL))
) STRICT;

-- (Every staff member but the desk's business login gets a calendar when the clinic
-- opens: src/calendar/calendars.rs, ensure_staff_calendars.)

-- Working hours: one or more intervals per weekday (1 = Monday … 7 = Sunday), minutes
-- after local midnight. A break is the gap between two intervals.
CREATE TABLE working_hours (
    calendar_id TEXT NOT NULL REFERENCES calendars(id),
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    PRIMARY KEY (calendar_id, weekday, start_min),
    CHECK (end_min > start_min)
) STRICT;

CREATE TABLE absences (
    id          TEXT PRIMARY KEY,
    calendar_id TEXT NOT NULL REFERENCES calendars(id),
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'sick', 'other')),
    note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    CHECK (last_day >= first_day)
) STRICT;
CREATE INDEX absences_by_calendar ON absences(calendar_id, first_day);

CREATE TABLE services (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    minutes        INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 720),
    buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    -- In øre/öre (hundredths of the clinic's currency): no floating point for money.
    price_minor    INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    vat            TEXT NOT NULL DEFAULT 'exempt' CHECK (vat IN ('exempt', 'standard')),
    colour         TEXT NOT NULL DEFAULT '#4a7dbf' CHECK (colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL
) STRICT;

-- Which calendars offer a service (none listed: every calendar).
CREATE TABLE service_calendars (
    service_id  TEXT NOT NULL REFERENCES services(id),
    calendar_id TEXT NOT NULL REFERENCES calendars(id),
    PRIMARY KEY (service_id, calendar_id)
) STRICT;

-- A recurring series: every `every_weeks` weeks on `weekdays` (a string of digits 1–7),
-- until a day or for a number of times. Its appointments are ordinary rows.
CREATE TABLE appointment_series (
    id          TEXT PRIMARY KEY,
    every_weeks INTEGER NOT NULL CHECK (every_weeks BETWEEN 1 AND 52),
    weekdays    TEXT NOT NULL CHECK (length(weekdays) BETWEEN 1 AND 7 AND weekdays NOT GLOB '*[^1-7]*'),
    until_day   TEXT,
    times       INTEGER CHECK (times IS NULL OR times BETWEEN 1 AND 200),
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    CHECK ((until_day IS NULL) != (times IS NULL))
) STRICT;

CREATE TABLE appointments (
    id            TEXT PRIMARY KEY,
    calendar_id   TEXT NOT NULL REFERENCES calendars(id),
    room_id       TEXT REFERENCES calendars(id),
    client_id     TEXT REFERENCES clients(id),
    service_id    TEXT REFERENCES services(id),
    series_id     TEXT REFERENCES appointment_series(id),
    -- What a block without a client is (a meeting, admin time); empty otherwise.
    title         TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    -- Practical, not clinical: clinical content belongs in the journal.
    note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    -- ends_at plus the service's buffer: what the conflict check compares.
    busy_until    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'booked'
                  CHECK (status IN ('booked', 'arrived', 'done', 'cancelled', 'no_show')),
    cancelled_by  TEXT REFERENCES staff(id),
    cancelled_at  TEXT,
    cancel_reason TEXT CHECK (cancel_reason IS NULL OR length(cancel_reason) <= 500),
    late_cancel   INTEGER NOT NULL DEFAULT 0 CHECK (late_cancel IN (0, 1)),
    created_by    TEXT NOT NULL REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (busy_until >= ends_at),
    CHECK (room_id IS NULL OR room_id != calendar_id),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
) STRICT;
-- The week view and the conflict check seek by calendar and time; the client's list by client.
CREATE INDEX appointments_by_calendar ON appointments(calendar_id, starts_at);
CREATE INDEX appointments_by_room ON appointments(room_id, starts_at) WHERE room_id IS NOT NULL;
CREATE INDEX appointments_by_client ON appointments(client_id, starts_at) WHERE client_id IS NOT NULL;
CREATE INDEX appointments_by_series ON appointments(series_id, starts_at) WHERE series_id IS NOT NULL;

-- The clients one audited read showed (a calendar week): one event in the chain, and beside
-- it one full-text document of the clients' ids (rowid = the event's seq), so each
-- client's access log finds the view by a MATCH. A document is one short, sequential
-- write however many clients the view showed (a row per client on a B-tree keyed by
-- client cost a random page each). The event's object carries the count and a SHA-256
-- fingerprint of the list, so a changed or removed document shows.
CREATE VIRTUAL TABLE audit_seen USING fts5(clients, tokenize = 'ascii', detail = none);

-- Booking a client with a practitioner can create a treatment relation of its own kind.
CREATE TABLE relations_new (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff(id),
    client_id  TEXT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL CHECK (kind IN ('assignment', 'emergency', 'block', 'appointment')),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT,
    reason     TEXT CHECK (reason IS NULL OR length(reason) <= 1000),
    created_by TEXT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL
) STRICT;
INSERT INTO relations_new SELECT id, staff_id, client_id, kind, starts_at, ends_at, reason, created_by, created_at FROM relations;
DROP TABLE relations;
ALTER TABLE relations_new RENAME TO relations;
CREATE INDEX relations_by_pair ON relations(staff_id, client_id);
CREATE INDEX relations_by_client ON relations(client_id);

-- The clinic's time zone (from its country) and whether booking a client with a
-- practitioner makes them the practitioner's client (seed: "assign via appointment").
INSERT OR IGNORE INTO settings (key, value)
    SELECT 'time_zone', CASE country WHEN 'se' THEN 'Europe/Stockholm' WHEN 'no' THEN 'Europe/Oslo'
                                     ELSE 'Europe/Copenhagen' END FROM clinic;
INSERT OR IGNORE INTO settings (key, value) VALUES ('appointment_relation', '1');
