//! Backups: an identically keyed, checked copy with its manifest.

use super::*;

impl Clinic {
    /// Makes a backup of the whole clinic into `dest` (a new or empty folder): an admin,
    /// confirmed with the password. The backup holds the record of its own making.
    pub fn backup(&mut self, session: &SessionId, dest: &Path, password: &Secret) -> Result<crate::backup::Manifest> {
        let now = self.clock.now();
        crate::backup::prepare_target(dest)?;
        self.gated_with_password(session, Action::Backup, None, password, |ctx| {
            ctx.record_object(format!("backup to {}", dest.display()));
            Ok(())
        })?;
        self.finish_backup(dest, now)
    }

    /// The window's backup: into a new folder `klinik-backup-<time>` inside `dir`, the time
    /// read from the clinic's clock. Returns the folder with the manifest.
    pub fn backup_into(
        &mut self,
        session: &SessionId,
        dir: &Path,
        password: &Secret,
    ) -> Result<(std::path::PathBuf, crate::backup::Manifest)> {
        let dest = dir.join(format!("klinik-backup-{}", self.clock.now().format("%Y%m%d-%H%M%S")));
        let manifest = self.backup(session, &dest, password)?;
        Ok((dest, manifest))
    }

    pub(super) fn finish_backup(
        &mut self,
        dest: &Path,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::backup::Manifest> {
        match self.write_backup(dest, now) {
            Ok(m) => {
                self.anchor_head()?;
                Ok(m)
            }
            Err(e) => {
                let reason = e.code();
                audit::append(
                    &self.conn,
                    now,
                    &audit::NewEvent {
                        reason: Some(&format!("{reason:?}")),
                        ..auth::event(None, &self.ws, "backup_failed", Outcome::Failed)
                    },
                )?;
                Err(e)
            }
        }
    }

    pub(super) fn write_backup(
        &mut self,
        dest: &Path,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::backup::Manifest> {
        write_backup(&self.conn, &self.dir.keyslots(), self.slots.clinic_id.as_str(), dest, now)
    }
}

/// Writes a backup of the database `conn` is open on into `dest`: an identically keyed
/// `sqlcipher_export`, both integrity checks on the copy, the key slots and a manifest with
/// the file's SHA-256 and the audit head. `conn` may be the live connection or a second one
/// (a background backup reads a consistent snapshot of the write-ahead log).
pub(super) fn write_backup(
    conn: &Connection,
    keyslots: &Path,
    clinic_id: &str,
    dest: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::backup::Manifest> {
    let db = dest.join("klinik.db");
    let path = db.to_str().ok_or_else(|| Error::invalid("the backup folder's name cannot be used"))?;
    // The connection may not create files (it opens existing databases only), so the empty
    // file is made here; SQLCipher treats an empty file as a new database.
    std::fs::File::create(&db)?;
    // No KEY clause: the attached file gets exactly the main database's key.
    conn.execute("ATTACH DATABASE ?1 AS backup", [path])?;
    let exported = (|| -> Result<(i64, audit::Anchor)> {
        // One read transaction: the copy and the head in the manifest are the same moment.
        conn.execute_batch("BEGIN")?;
        let anchor = audit::Anchor::of(conn, clinic_id, now)?;
        conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
        conn.execute_batch("COMMIT")?;
        let version = migrations::schema_version(conn)?;
        conn.execute_batch(&format!("PRAGMA backup.user_version = {version}"))?;
        let integrity: String = conn.query_row("PRAGMA backup.integrity_check", [], |r| r.get(0))?;
        if integrity != "ok" {
            return Err(Error::Corrupted(format!("the backup failed its integrity check: {integrity}")));
        }
        let mut stmt = conn.prepare("PRAGMA backup.cipher_integrity_check")?;
        let problems = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        if !problems.is_empty() {
            return Err(Error::Corrupted(format!("the backup failed its cipher check: {}", problems.join("; "))));
        }
        Ok((version, anchor))
    })();
    if exported.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn.execute("DETACH DATABASE backup", [])?;
    let (schema_version, anchor) = exported?;
    std::fs::copy(keyslots, dest.join("keyslots.json"))?;
    let manifest = crate::backup::Manifest {
        clinic_id: clinic_id.to_owned(),
        created_at: clock::to_db(now),
        schema_version,
        audit_seq: anchor.seq,
        audit_hash: anchor.hash,
        database_sha256: crate::backup::file_sha256(&db)?,
        database_bytes: std::fs::metadata(&db)?.len(),
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::write(dest.join(crate::backup::MANIFEST), json)?;
    Ok(manifest)
}
