//! Salvage: when a clinic file is damaged and every backup is gone, whatever is still
//! readable is written out, table by table, as CSV — with the recovery code, the owner's
//! strongest secret (no person can sign in to a clinic that will not open). The damaged
//! file is only read (no migration, no audit event: it cannot take one); the salvage
//! folder holds its own report of what was read, what could not be, and when.

use crate::vault::{DataDir, KeySlots, OpenMode, RecoveryCode};
use crate::{Error, Result};
use base64::Engine;
use std::path::Path;

/// What was read of one table.
#[derive(Debug, Clone)]
pub struct SalvagedTable {
    pub name: String,
    pub rows: usize,
    /// Why reading stopped, when it did (the rows before it are kept).
    pub error: Option<String>,
}

/// What a salvage read.
#[derive(Debug, Clone)]
pub struct SalvageReport {
    pub tables: Vec<SalvagedTable>,
    /// What SQLite's integrity check says of the damaged file (the first problems).
    pub integrity: Vec<String>,
}

/// Internal tables of the full-text indexes (rebuilt from the tables), and tables of
/// secrets and counters no salvage needs: not written out.
fn is_skipped_table(name: &str) -> bool {
    ["_data", "_idx", "_content", "_docsize", "_config"].iter().any(|s| name.ends_with(s))
        || name.starts_with("sqlite_")
        || matches!(name, "totp_recovery_codes" | "workstation_throttle" | "client_invoice_pins" | "sessions")
}

/// Columns that hold secrets (password and PIN hashes, two-factor keys): left empty in the
/// salvage, whose folder is not encrypted — a second factor's key in it would let anyone
/// make that person's codes.
fn is_secret_column(name: &str) -> bool {
    matches!(name, "password_hash" | "pin_hash" | "totp_secret" | "totp_pending" | "code_hash" | "pin")
}

/// A table's name as a file name: letters, digits and underscores only.
fn file_name(table: &str) -> String {
    table.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// Reads what it can of the clinic in `data_dir` into the new (or empty) folder `out`.
pub fn salvage(data_dir: &Path, code: &RecoveryCode, out: &Path) -> Result<SalvageReport> {
    let dir = DataDir::new(data_dir);
    let slots = KeySlots::read(&dir.keyslots())?;
    let slot = slots.slot(crate::vault::keyslots::SlotKind::Recovery).ok_or(Error::WrongRecoveryCode)?;
    let key = slot.unwrap_key(&slots.clinic_id, code.kdf_input())?.ok_or(Error::WrongRecoveryCode)?;
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(Error::invalid(format!("{} is not empty: choose a new or empty folder", out.display())));
    }
    // A page that fails its check can leave a connection refusing every later read, so
    // each table is read on a connection of its own, and the integrity check comes last.
    let open = || crate::vault::open_connection(&dir.database(), &key, OpenMode::Existing);
    let names: Vec<String> = {
        let conn = open()?;
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .map_err(|e| Error::Corrupted(format!("the list of tables cannot be read: {e}")))?;
        let names = stmt.query_map([], |r| r.get(0))?.filter_map(|r| r.ok()).collect();
        names
    };
    std::fs::create_dir_all(out)?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| !is_skipped_table(n)) {
        let mut t = SalvagedTable { name: name.clone(), rows: 0, error: None };
        let conn = match open() {
            Ok(c) => c,
            Err(e) => {
                t.error = Some(e.to_string());
                tables.push(t);
                continue;
            }
        };
        let file = std::fs::File::create(out.join(format!("{}.csv", file_name(&name))))?;
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
        match conn.prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""))) {
            Err(e) => t.error = Some(e.to_string()),
            Ok(mut stmt) => {
                let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
                w.write_record(&columns).map_err(|e| Error::Storage(e.to_string()))?;
                match stmt.query([]) {
                    Err(e) => t.error = Some(e.to_string()),
                    Ok(mut rows) => loop {
                        match rows.next() {
                            Ok(Some(row)) => {
                                let cells: Vec<String> = (0..columns.len())
                                    .map(|i| match row.get_ref(i) {
                                        _ if is_secret_column(&columns[i]) => String::new(),
                                        Ok(rusqlite::types::ValueRef::Null) => String::new(),
                                        Ok(rusqlite::types::ValueRef::Integer(n)) => n.to_string(),
                                        Ok(rusqlite::types::ValueRef::Real(x)) => x.to_string(),
                                        Ok(rusqlite::types::ValueRef::Text(b)) => {
                                            String::from_utf8_lossy(b).into_owned()
                                        }
                                        Ok(rusqlite::types::ValueRef::Blob(b)) => {
                                            format!("base64:{}", base64::engine::general_purpose::STANDARD.encode(b))
                                        }
                                        Err(e) => format!("(unreadable: {e})"),
                                    })
                                    .collect();
                                w.write_record(&cells).map_err(|e| Error::Storage(e.to_string()))?;
                                t.rows += 1;
                            }
                            Ok(None) => break,
                            Err(e) => {
                                t.error = Some(e.to_string());
                                break;
                            }
                        }
                    },
                }
            }
        }
        w.flush()?;
        tables.push(t);
    }
    let integrity: Vec<String> = match open() {
        Err(e) => vec![e.to_string()],
        Ok(conn) => match conn.prepare("PRAGMA integrity_check(20)") {
            Ok(mut stmt) => match stmt.query_map([], |r| r.get::<_, String>(0)) {
                Ok(rows) => rows.map(|r| r.unwrap_or_else(|e| e.to_string())).collect(),
                Err(e) => vec![e.to_string()],
            },
            Err(e) => vec![e.to_string()],
        },
    };
    let mut text = format!(
        "Klinik salvage of {}\nclinic {}\nmade {}\n\nintegrity check of the damaged file:\n",
        data_dir.display(),
        slots.clinic_id.as_str(),
        crate::clock::to_db(chrono::Utc::now())
    );
    for line in &integrity {
        text.push_str(&format!("  {line}\n"));
    }
    text.push_str("\ntables (rows read; why reading stopped):\n");
    for t in &tables {
        text.push_str(&format!(
            "  {}: {} rows{}\n",
            t.name,
            t.rows,
            t.error.as_deref().map(|e| format!("; {e}")).unwrap_or_default()
        ));
    }
    text.push_str("\nEach table is a semicolon CSV in this folder (binary values as base64:…). This folder is not encrypted: keep it as safe as the clinic.\n");
    std::fs::write(out.join("report.txt"), text)?;
    Ok(SalvageReport { tables, integrity })
}
