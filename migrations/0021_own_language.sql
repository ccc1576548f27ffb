-- A person's own language for the screens, kept with their login: a Swedish practitioner
-- in a Danish clinic gets Swedish wherever and whenever she signs in, and the next person
-- at a shared desk gets their own (or the clinic's). NULL: the clinic's language.
ALTER TABLE staff ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('da', 'sv', 'nb', 'en'));
