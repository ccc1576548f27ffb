//! Backups and restore: a backup is a complete, openable copy of the data directory —
//! the encrypted database exported with `sqlcipher_export` into an identically keyed
//! file (never a raw copy of the live file, never a plain `VACUUM INTO`), the key slots
//! (so the recovery code or passphrase opens it), and a manifest with the audit chain's
//! head (an anchor kept outside the live database) and the file's SHA-256.
//!
//! Both `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check` must pass on the
//! backup before it counts as made. Restoring checks the manifest and never deletes: a
//! clinic already in the target directory is moved aside, not overwritten.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub mod rotation;
pub mod salvage;
pub use salvage::{salvage, SalvageReport, SalvagedTable};

pub const MANIFEST: &str = "backup-manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub clinic_id: String,
    pub created_at: String,
    pub schema_version: i64,
    /// The audit chain's head at the time of the backup: an anchor for `audit verify`.
    pub audit_seq: i64,
    pub audit_hash: String,
    pub database_sha256: String,
    pub database_bytes: u64,
}

/// The SHA-256 of a file, streamed.
pub fn file_sha256(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Where a backup goes: a new, empty directory (created here). An existing non-empty
/// directory is refused so no backup ever overwrites another.
pub(crate) fn prepare_target(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)?;
        if entries.next().is_some() {
            return Err(Error::invalid("the backup folder must be new or empty"));
        }
    } else {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}

/// Reads and checks a backup's manifest against its database file.
pub fn check_backup(dir: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|_| Error::invalid("this folder holds no Klinik backup (no manifest)"))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|_| Error::Corrupted("the backup manifest cannot be read".into()))?;
    let db = dir.join("klinik.db");
    let bytes = std::fs::metadata(&db).map_err(|_| Error::Corrupted("the backup has no database file".into()))?.len();
    if !dir.join("keyslots.json").exists() {
        return Err(Error::Corrupted("the backup has no key slots".into()));
    }
    if bytes != manifest.database_bytes || file_sha256(&db)? != manifest.database_sha256 {
        return Err(Error::Corrupted("the backup's database does not match its manifest".into()));
    }
    Ok(manifest)
}

/// Restores the backup in `from` into `data_dir`. A clinic already there is moved aside
/// to `<data_dir>.replaced-<time>` (returned), never deleted. The caller must hold no
/// open clinic on `data_dir` (the directory lock is taken here).
pub fn restore(
    from: &Path,
    data_dir: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Manifest, Option<PathBuf>)> {
    let manifest = check_backup(from)?;
    let target = crate::vault::DataDir::new(data_dir);
    let mut moved = None;
    if target.has_clinic() {
        // Nobody may be using it: the same lock the app takes.
        let lock = crate::vault::DirLock::acquire(&target)?;
        drop(lock);
        let aside = PathBuf::from(format!("{}.replaced-{}", data_dir.display(), now.format("%Y%m%d-%H%M%S")));
        std::fs::rename(data_dir, &aside)?;
        moved = Some(aside);
    }
    std::fs::create_dir_all(data_dir)?;
    for name in ["klinik.db", "keyslots.json", MANIFEST] {
        std::fs::copy(from.join(name), data_dir.join(name))?;
    }
    // The copy must match what was checked.
    if file_sha256(&data_dir.join("klinik.db"))? != manifest.database_sha256 {
        return Err(Error::Corrupted("the restored database differs from the backup".into()));
    }
    Ok((manifest, moved))
}

/// The file beside the database that names the backup folder (see
/// `Clinic::note_backup_folder`).
const FOLDER_NOTE: &str = "backup-folder";

/// Keeps the backup folder's path beside the database (empty: none chosen).
pub(crate) fn note_folder(data_dir: &Path, folder: &str) -> Result<()> {
    let path = data_dir.join(FOLDER_NOTE);
    if folder.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        };
    }
    let tmp = data_dir.join(format!("{FOLDER_NOTE}.tmp"));
    std::fs::write(&tmp, folder.as_bytes())?;
    std::fs::rename(tmp, path)?;
    Ok(())
}

/// The newest backup of the clinic in `data_dir` that checks out, in the backup folder
/// noted beside the database (manual `klinik-backup-*` and automatic `klinik-auto-*`
/// folders alike) — for a clinic whose file cannot be opened any more. `None`: no folder
/// noted, or no backup of this clinic in it.
pub fn newest_for(data_dir: &Path) -> Result<Option<(PathBuf, Manifest)>> {
    let Ok(folder) = std::fs::read_to_string(data_dir.join(FOLDER_NOTE)) else { return Ok(None) };
    let folder = PathBuf::from(folder.trim());
    let Ok(clinic) = crate::vault::KeySlots::read(&crate::vault::DataDir::new(data_dir).keyslots()) else {
        return Ok(None);
    };
    let Ok(entries) = std::fs::read_dir(&folder) else { return Ok(None) };
    // The manifests are read first (cheap); only the newest is verified against its
    // database (a hash of the whole file), the next one if it does not check out.
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("klinik-auto-") || name.starts_with("klinik-backup-")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path().join(MANIFEST)) else { continue };
        let Ok(m) = serde_json::from_str::<Manifest>(&text) else { continue };
        if m.clinic_id == clinic.clinic_id.as_str() {
            found.push((entry.path(), m.created_at));
        }
    }
    found.sort_by(|a, b| b.1.cmp(&a.1));
    for (path, _) in found {
        if let Ok(m) = check_backup(&path) {
            return Ok(Some((path, m)));
        }
    }
    Ok(None)
}
