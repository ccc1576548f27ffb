-- Klinik schema 16: invoices, credit notes and payments. Amounts are integers in øre/öre
-- (1/100 of the krone/krona). An issued invoice never changes and is never deleted
-- (bookkeeping law keeps it at least five years; Klinik keeps it for good): corrections
-- are credit notes in the same gap-free number series.

-- What an invoice says about the clinic (one row, set by an administrator).
CREATE TABLE invoice_profile (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    legal_name      TEXT NOT NULL DEFAULT '' CHECK (length(legal_name) <= 200),
    address         TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    -- CVR / organisationsnummer / organisasjonsnummer.
    org_number      TEXT NOT NULL DEFAULT '' CHECK (length(org_number) <= 40),
    vat_registered  INTEGER NOT NULL DEFAULT 0 CHECK (vat_registered IN (0, 1)),
    bank_account    TEXT NOT NULL DEFAULT '' CHECK (length(bank_account) <= 80),
    iban            TEXT NOT NULL DEFAULT '' CHECK (length(iban) <= 40),
    payment_days    INTEGER NOT NULL DEFAULT 14 CHECK (payment_days BETWEEN 0 AND 120),
    -- Printed under the lines (thanks, terms), in the clinic's language.
    footer          TEXT NOT NULL DEFAULT '' CHECK (length(footer) <= 1000),
    -- The authorisation / provider number some payers ask for.
    provider_number TEXT NOT NULL DEFAULT '' CHECK (length(provider_number) <= 40),
    -- Invoice PDFs open only with the client's PIN (the seed's feature; on by default).
    pin_protection  INTEGER NOT NULL DEFAULT 1 CHECK (pin_protection IN (0, 1)),
    updated_at      TEXT
) STRICT;
-- A clinic made before this schema starts from its name; a new one from empty (and its
-- name is offered until an administrator sets the legal name).
INSERT INTO invoice_profile (singleton, legal_name) VALUES (1, coalesce((SELECT name FROM clinic), ''));

-- The PIN a client's invoice PDFs open with. It is kept (inside the encrypted clinic, like
-- everything else) so that a PDF can be made again; it is shown to staff when issued or
-- re-issued, and each showing is an audited event.
CREATE TABLE client_invoice_pins (
    client_id  TEXT PRIMARY KEY REFERENCES clients(id),
    pin        TEXT NOT NULL CHECK (length(pin) = 6 AND pin NOT GLOB '*[^0-9]*'),
    issued_at  TEXT NOT NULL,
    issued_by  TEXT NOT NULL REFERENCES staff(id)
) STRICT;

CREATE TABLE invoices (
    id              TEXT PRIMARY KEY,
    -- Given when issued: 1, 2, 3 … without gaps, shared by invoices and credit notes.
    number          INTEGER UNIQUE CHECK (number IS NULL OR number >= 1),
    kind            TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    -- A credit note names the invoice it reverses.
    credits         TEXT REFERENCES invoices(id),
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    client_id       TEXT NOT NULL REFERENCES clients(id),
    -- Who pays: the client, or a third party (an insurer) with its reference.
    payer_kind      TEXT NOT NULL DEFAULT 'client' CHECK (payer_kind IN ('client', 'third_party')),
    payer_name      TEXT NOT NULL DEFAULT '' CHECK (length(payer_name) <= 200),
    payer_address   TEXT NOT NULL DEFAULT '' CHECK (length(payer_address) <= 500),
    payer_reference TEXT NOT NULL DEFAULT '' CHECK (length(payer_reference) <= 100),
    language        TEXT NOT NULL CHECK (language IN ('da', 'sv', 'nb', 'en')),
    issued_on       TEXT,
    due_on          TEXT,
    -- Fixed when issued (the sums of the lines).
    total_minor     INTEGER,
    vat_minor       INTEGER,
    created_by      TEXT NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'issued') = (number IS NOT NULL)),
    CHECK ((status = 'issued') = (issued_on IS NOT NULL AND due_on IS NOT NULL AND total_minor IS NOT NULL AND vat_minor IS NOT NULL)),
    CHECK ((kind = 'credit_note') = (credits IS NOT NULL)),
    CHECK (payer_kind = 'client' OR length(payer_name) > 0)
) STRICT;
CREATE INDEX invoices_by_client ON invoices(client_id, created_at);
CREATE INDEX invoices_by_issue ON invoices(issued_on) WHERE status = 'issued';
CREATE UNIQUE INDEX invoices_one_credit_note ON invoices(credits) WHERE credits IS NOT NULL;

CREATE TABLE invoice_lines (
    id              TEXT PRIMARY KEY,
    invoice_id      TEXT NOT NULL REFERENCES invoices(id),
    position        INTEGER NOT NULL CHECK (position >= 1),
    -- The appointment invoiced (a line made by hand has none).
    appointment_id  TEXT,
    -- The service's name or a text typed by hand: never clinical text.
    description     TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    treatment_on    TEXT,
    quantity        INTEGER NOT NULL CHECK (quantity BETWEEN -1000 AND 1000 AND quantity != 0),
    -- The price the client pays for one, VAT included.
    unit_minor      INTEGER NOT NULL CHECK (unit_minor BETWEEN 0 AND 100000000),
    discount_pct    INTEGER NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 100),
    vat             TEXT NOT NULL CHECK (vat IN ('exempt', 'standard')),
    -- quantity × unit less the discount, rounded to whole øre; and the VAT in it.
    amount_minor    INTEGER NOT NULL,
    vat_minor       INTEGER NOT NULL,
    UNIQUE (invoice_id, position)
) STRICT;
CREATE INDEX invoice_lines_by_appointment ON invoice_lines(appointment_id) WHERE appointment_id IS NOT NULL;

CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor BETWEEN 1 AND 100000000000),
    method      TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'transfer')),
    paid_on     TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX payments_by_invoice ON payments(invoice_id);
CREATE INDEX invoices_by_created ON invoices(created_at);

-- What is still to be paid, per issued invoice with something outstanding, kept by the
-- triggers below (issuing adds a row, payments lower it, a paid or credited invoice leaves
-- it): the outstanding list reads a few rows in due-date order instead of summing the
-- payments of every invoice ever issued.
CREATE TABLE invoices_open (
    invoice_id        TEXT PRIMARY KEY REFERENCES invoices(id),
    due_on            TEXT NOT NULL,
    outstanding_minor INTEGER NOT NULL CHECK (outstanding_minor > 0)
) STRICT;
CREATE INDEX invoices_open_by_due ON invoices_open(due_on);

CREATE TRIGGER invoices_open_on_issue AFTER UPDATE OF status ON invoices
WHEN NEW.status = 'issued' AND OLD.status = 'draft' AND NEW.kind = 'invoice' AND NEW.total_minor > 0
BEGIN
    INSERT INTO invoices_open (invoice_id, due_on, outstanding_minor) VALUES (NEW.id, NEW.due_on, NEW.total_minor);
END;
CREATE TRIGGER invoices_open_on_insert_issued AFTER INSERT ON invoices
WHEN NEW.status = 'issued' AND NEW.kind = 'invoice' AND NEW.total_minor > 0
BEGIN
    INSERT INTO invoices_open (invoice_id, due_on, outstanding_minor) VALUES (NEW.id, NEW.due_on, NEW.total_minor);
END;
CREATE TRIGGER invoices_open_on_credit AFTER INSERT ON invoices
WHEN NEW.kind = 'credit_note'
BEGIN
    DELETE FROM invoices_open WHERE invoice_id = NEW.credits;
END;
CREATE TRIGGER invoices_open_on_payment AFTER INSERT ON payments
BEGIN
    DELETE FROM invoices_open WHERE invoice_id = NEW.invoice_id AND outstanding_minor <= NEW.amount_minor;
    UPDATE invoices_open SET outstanding_minor = outstanding_minor - NEW.amount_minor WHERE invoice_id = NEW.invoice_id;
END;

-- An issued invoice or credit note is final: its row, its lines and its payments stay.
CREATE TRIGGER invoices_issued_never_change BEFORE UPDATE ON invoices
WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be changed');
END;
CREATE TRIGGER invoices_issued_never_deleted BEFORE DELETE ON invoices
WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be deleted');
END;
CREATE TRIGGER invoice_lines_insert_only_on_drafts BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be changed');
END;
CREATE TRIGGER invoice_lines_update_only_on_drafts BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be changed');
END;
CREATE TRIGGER invoice_lines_delete_only_on_drafts BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be changed');
END;
CREATE TRIGGER payments_never_change BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment cannot be changed');
END;
CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment cannot be deleted');
END;
CREATE TRIGGER payments_only_on_issued BEFORE INSERT ON payments
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) IS NOT 'issued'
BEGIN
    SELECT RAISE(ABORT, 'payments are registered on issued invoices');
END;

-- The invoices right: administrators and the desk invoice; practitioners when given it.
UPDATE staff SET features = features || ',invoices' WHERE role IN ('owner', 'admin', 'reception');
