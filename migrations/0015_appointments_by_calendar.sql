-- Appointments kept together by calendar and time. A week of a calendar is read in one
-- piece: with the rows clustered on (calendar, start) those rows share a few pages instead
-- of one random page each (each page is read and decrypted on its own). The table is
-- rebuilt as WITHOUT ROWID with that key; the id stays unique through its own index.
-- Nothing refers to appointments by foreign key, so the swap keeps every reference.

CREATE TABLE appointments_new (
    id            TEXT NOT NULL,
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
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    PRIMARY KEY (calendar_id, starts_at, id)
) STRICT, WITHOUT ROWID;

INSERT INTO appointments_new (id, calendar_id, room_id, client_id, service_id, series_id, title, note, starts_at, ends_at, busy_until, status, cancelled_by, cancelled_at, cancel_reason, late_cancel, created_by, created_at, updated_at)
    SELECT id, calendar_id, room_id, client_id, service_id, series_id, title, note, starts_at, ends_at, busy_until, status, cancelled_by, cancelled_at, cancel_reason, late_cancel, created_by, created_at, updated_at FROM appointments;

DROP TABLE appointments;
ALTER TABLE appointments_new RENAME TO appointments;

CREATE UNIQUE INDEX appointments_by_id ON appointments(id);
CREATE INDEX appointments_by_room ON appointments(room_id, starts_at) WHERE room_id IS NOT NULL;
CREATE INDEX appointments_by_client ON appointments(client_id, starts_at) WHERE client_id IS NOT NULL;
CREATE INDEX appointments_by_series ON appointments(series_id, starts_at) WHERE series_id IS NOT NULL;

-- A week view names the client of every appointment in it: one seek into this index per
-- appointment, instead of one into the id index and a second into the table.
CREATE INDEX clients_for_calendar ON clients(id, name, staff_access);
