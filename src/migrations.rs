//! Schema migrations: numbered SQL files in `migrations/`, embedded by an explicit list,
//! applied in one transaction and tracked by `PRAGMA user_version`. A database from a
//! newer Klinik is refused rather than guessed at.

use crate::{Error, Result};
use rusqlite::Connection;

/// Every migration, in order. A test checks this list matches the folder.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_foundation.sql", include_str!("../migrations/0001_foundation.sql")),
    ("0002_log_review.sql", include_str!("../migrations/0002_log_review.sql")),
    ("0003_journals.sql", include_str!("../migrations/0003_journals.sql")),
    ("0004_staff_and_pins.sql", include_str!("../migrations/0004_staff_and_pins.sql")),
    ("0005_client_search.sql", include_str!("../migrations/0005_client_search.sql")),
    ("0006_relations.sql", include_str!("../migrations/0006_relations.sql")),
    ("0007_client_record.sql", include_str!("../migrations/0007_client_record.sql")),
    ("0008_totp.sql", include_str!("../migrations/0008_totp.sql")),
    ("0009_rights.sql", include_str!("../migrations/0009_rights.sql")),
    ("0010_attachments.sql", include_str!("../migrations/0010_attachments.sql")),
    ("0011_auto_sign.sql", include_str!("../migrations/0011_auto_sign.sql")),
    ("0012_template_fields.sql", include_str!("../migrations/0012_template_fields.sql")),
    ("0013_hardening.sql", include_str!("../migrations/0013_hardening.sql")),
    ("0014_calendar.sql", include_str!("../migrations/0014_calendar.sql")),
    ("0015_appointments_by_calendar.sql", include_str!("../migrations/0015_appointments_by_calendar.sql")),
    ("0016_invoices.sql", include_str!("../migrations/0016_invoices.sql")),
    ("0017_reports.sql", include_str!("../migrations/0017_reports.sql")),
    ("0018_relatives.sql", include_str!("../migrations/0018_relatives.sql")),
    ("0019_lifecycle.sql", include_str!("../migrations/0019_lifecycle.sql")),
    ("0020_consents.sql", include_str!("../migrations/0020_consents.sql")),
    ("0021_own_language.sql", include_str!("../migrations/0021_own_language.sql")),
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database made by a newer Klinik (before anything is written to it).
pub fn check_not_newer(conn: &Connection) -> Result<()> {
    let current = schema_version(conn)?;
    if current > latest() {
        return Err(Error::NewerVersion { found: current, known: latest() });
    }
    Ok(())
}

/// Brings the database up to [`latest`]; refuses a newer one.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current = schema_version(conn)?;
    if current > latest() {
        return Err(Error::NewerVersion { found: current, known: latest() });
    }
    if current == latest() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (i, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_the_migrations_folder() {
        let dir = crate_dir().join("migrations");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("migrations folder")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = MIGRATIONS.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(embedded, on_disk, "add every migrations/*.sql to MIGRATIONS, in order");
        for (i, name) in embedded.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name} is out of sequence");
        }
        for (name, sql) in MIGRATIONS {
            let disk = std::fs::read_to_string(dir.join(name)).expect("read");
            assert_eq!(&disk, sql, "{name} differs from the embedded copy");
        }
    }

    /// This crate's folder, asked of cargo when the test runs: a path compiled in would name the
    /// checkout that built the test, which a build cache shared between checkouts may reuse.
    fn crate_dir() -> std::path::PathBuf {
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"))
    }
}
