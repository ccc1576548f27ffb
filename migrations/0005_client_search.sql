-- Klinik schema 5: client search by word prefix (name, phone, email) through FTS5, so
-- typing in the search box stays fast with tens of thousands of clients. The index is
-- an external-content table kept in step by triggers; it lives inside the encrypted
-- database like everything else.

CREATE VIRTUAL TABLE clients_fts USING fts5(
    name, phone, email,
    content = 'clients',
    content_rowid = 'rowid',
    tokenize = 'unicode61',
    prefix = '1 2 3'
);

CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN
    INSERT INTO clients_fts (rowid, name, phone, email) VALUES (new.rowid, new.name, new.phone, new.email);
END;

CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, name, phone, email) VALUES ('delete', old.rowid, old.name, old.phone, old.email);
END;

CREATE TRIGGER clients_fts_update AFTER UPDATE ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, name, phone, email) VALUES ('delete', old.rowid, old.name, old.phone, old.email);
    INSERT INTO clients_fts (rowid, name, phone, email) VALUES (new.rowid, new.name, new.phone, new.email);
END;

INSERT INTO clients_fts (clients_fts) VALUES ('rebuild');
