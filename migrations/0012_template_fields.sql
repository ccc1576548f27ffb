-- Klinik schema 12: templates built from fields (an edited template is a new version)
-- and the answers of an entry written from one. The answers of a signed entry are as
-- immutable as its text (the trigger on entries covers every column).

ALTER TABLE templates ADD COLUMN fields TEXT CHECK (fields IS NULL OR json_valid(fields));
ALTER TABLE templates ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE templates ADD COLUMN created_by TEXT REFERENCES staff(id);
ALTER TABLE entries ADD COLUMN answers TEXT CHECK (answers IS NULL OR json_valid(answers));
