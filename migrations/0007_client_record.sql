-- Klinik schema 7: the full client record. The national ID is stored normalized and
-- only in journals-with-national-ID mode (enforced in Rust); no two clients share one.

ALTER TABLE clients ADD COLUMN birth_date TEXT;
ALTER TABLE clients ADD COLUMN address TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500);
ALTER TABLE clients ADD COLUMN reception_note TEXT NOT NULL DEFAULT '' CHECK (length(reception_note) <= 2000);
ALTER TABLE clients ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'));
ALTER TABLE clients ADD COLUMN national_id TEXT;
CREATE UNIQUE INDEX clients_national_id ON clients(national_id) WHERE national_id IS NOT NULL;
