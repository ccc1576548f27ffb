//! Backups that happen by themselves: once an administrator has chosen a backup folder (a
//! USB disk, a network share), Klinik makes a backup there at the first opening of each day
//! and when it closes, checks it like every backup (both integrity checks, the manifest),
//! and keeps the newest of each of the last 7 days, 4 weeks and 12 months — deleting only
//! the automatic backups it made and can verify, never anything else in the folder. The
//! main window warns administrators when the last good backup is more than two days old or
//! the folder cannot be reached.

use super::*;
use crate::backup::rotation;
use std::path::PathBuf;

/// The prefix of the folders automatic backups are made in (rotation touches only these).
const AUTO_PREFIX: &str = "klinik-auto-";

/// How the automatic backups stand, for the main window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupStatus {
    /// The chosen folder, or none (automatic backups are off).
    pub folder: Option<String>,
    /// When the last automatic backup was made and checked (UTC, RFC 3339).
    pub last_ok: Option<String>,
    /// The folder is chosen but cannot be reached (a disk not plugged in).
    pub folder_missing: bool,
    /// The last good backup is more than two days old (or there is none yet).
    pub stale: bool,
    /// When a restore drill last passed (UTC, RFC 3339).
    pub last_drill: Option<String>,
}

impl Clinic {
    /// How automatic backups stand (administrators; no client data, so no audit event).
    pub fn backup_status(&mut self, session: &SessionId) -> Result<BackupStatus> {
        if !self.me(session)?.is_admin() {
            return Err(Error::Denied("backups are for administrators".into()));
        }
        let now = self.clock.now();
        let folder = settings::get_text(&self.conn, settings::BACKUP_FOLDER)?.filter(|f| !f.is_empty());
        let last_ok = settings::get_text(&self.conn, settings::BACKUP_LAST_OK)?;
        let stale = match (&folder, &last_ok) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(t)) => clock::from_db(t).map(|t| now - t > chrono::Duration::days(2)).unwrap_or(true),
        };
        let folder_missing = folder.as_deref().is_some_and(|f| !Path::new(f).is_dir());
        let last_drill = settings::get_text(&self.conn, settings::BACKUP_LAST_DRILL)?;
        Ok(BackupStatus { folder, last_ok, folder_missing, stale, last_drill })
    }

    /// Chooses the folder automatic backups go to (none: off), confirmed with the
    /// administrator's password. The folder must exist.
    pub fn set_backup_folder(&mut self, session: &SessionId, folder: Option<&Path>, password: &Secret) -> Result<()> {
        let value = match folder {
            Some(f) => {
                if !f.is_absolute() || !f.is_dir() {
                    return Err(Error::invalid("choose an existing folder for the backups"));
                }
                f.to_str().ok_or_else(|| Error::invalid("the folder's name cannot be used"))?.to_owned()
            }
            None => String::new(),
        };
        self.set_text_confirmed(session, settings::BACKUP_FOLDER, &value, password)?;
        self.note_backup_folder()
    }

    /// Writes the chosen backup folder also beside the database (`backup-folder`, a path,
    /// nothing secret): when the clinic file itself is damaged and cannot be opened, the
    /// window still knows where the newest backup is and offers to restore it.
    pub fn note_backup_folder(&self) -> Result<()> {
        let folder = settings::get_text(&self.conn, settings::BACKUP_FOLDER)?.unwrap_or_default();
        crate::backup::note_folder(self.dir.root(), &folder)
    }

    /// Whether today's automatic backup is still to be made (a folder is chosen and no
    /// backup was made on this local day).
    pub fn automatic_backup_due(&self) -> Result<bool> {
        if settings::get_text(&self.conn, settings::BACKUP_FOLDER)?.is_none_or(|f| f.is_empty()) {
            return Ok(false);
        }
        let tz = crate::calendar::zone::clinic_zone(&self.conn)?;
        let today = crate::calendar::zone::to_local(tz, self.clock.now()).date();
        Ok(match settings::get_text(&self.conn, settings::BACKUP_LAST_OK)? {
            None => true,
            Some(t) => {
                clock::from_db(&t).map(|t| crate::calendar::zone::to_local(tz, t).date() < today).unwrap_or(true)
            }
        })
    }

    /// Starts today's automatic backup to run beside the window (see [`BackupJob`]): the
    /// target folder is made and the backup's own event recorded now (so the copy holds the
    /// record of its own making); [`BackupJob::run`] copies on a connection of its own, and
    /// [`Clinic::finish_automatic_backup`] records the outcome and rotates. `None` when no
    /// folder is chosen; an unreachable folder is recorded and refused as by
    /// [`Clinic::automatic_backup`].
    pub fn start_automatic_backup(&mut self) -> Result<Option<BackupJob>> {
        let Some(folder) = settings::get_text(&self.conn, settings::BACKUP_FOLDER)?.filter(|f| !f.is_empty()) else {
            return Ok(None);
        };
        let folder = PathBuf::from(folder);
        let now = self.clock.now();
        if !folder.is_dir() {
            let event = auth::event(None, &self.ws, "backup_failed", Outcome::Failed);
            audit::append(&self.conn, now, &audit::NewEvent { reason: Some("folder_missing"), ..event })?;
            return Err(Error::invalid(format!("the backup folder {} cannot be reached", folder.display())));
        }
        let dest = folder.join(format!("{AUTO_PREFIX}{}", now.format("%Y%m%d-%H%M%S")));
        crate::backup::prepare_target(&dest)?;
        let object = format!("automatic backup to {}", dest.display());
        audit::append(
            &self.conn,
            now,
            &audit::NewEvent { object: Some(&object), ..auth::event(None, &self.ws, "backup_automatic", Outcome::Ok) },
        )?;
        Ok(Some(BackupJob {
            database: self.dir.database(),
            keyslots: self.dir.keyslots(),
            key: MasterKey::from_bytes(*self.key.bytes()),
            clinic_id: self.slots.clinic_id.as_str().to_owned(),
            folder,
            dest,
            now,
            finished: std::sync::atomic::AtomicBool::new(false),
        }))
    }

    /// Records how a background backup ended: on success the day's backup is done, the
    /// audit head anchored and the old automatic backups rotated; on failure it is recorded
    /// as `backup_failed` (and the half-made folder removed — it is Klinik's own, unverified).
    pub fn finish_automatic_backup(
        &mut self,
        job: &BackupJob,
        outcome: &Result<crate::backup::Manifest>,
    ) -> Result<()> {
        match outcome {
            Ok(_) => {
                settings::set_text(&self.conn, settings::BACKUP_LAST_OK, &clock::to_db(job.now))?;
                self.anchor_head()?;
                self.rotate_backups(&job.folder)
            }
            Err(e) => {
                let reason = format!("{:?}", e.code());
                audit::append(
                    &self.conn,
                    self.clock.now(),
                    &audit::NewEvent {
                        reason: Some(&reason),
                        ..auth::event(None, &self.ws, "backup_failed", Outcome::Failed)
                    },
                )?;
                if crate::backup::check_backup(&job.dest).is_err() {
                    let _ = std::fs::remove_dir_all(&job.dest);
                }
                Ok(())
            }
        }
    }

    /// Makes an automatic backup into the chosen folder and rotates the older ones; `None`
    /// when no folder is chosen. The clinic's own act (no person), recorded in the audit
    /// trail as `backup_automatic` (or `backup_failed`).
    pub fn automatic_backup(&mut self) -> Result<Option<PathBuf>> {
        let Some(job) = self.start_automatic_backup()? else { return Ok(None) };
        let outcome = job.run();
        self.finish_automatic_backup(&job, &outcome)?;
        outcome.map(|_| Some(job.dest.clone()))
    }

    /// Deletes the automatic backups the rotation leaves out: only folders named as
    /// automatic backups whose manifest checks out and belongs to this clinic.
    fn rotate_backups(&self, folder: &Path) -> Result<()> {
        let tz = crate::calendar::zone::clinic_zone(&self.conn)?;
        let mut found: Vec<(PathBuf, chrono::NaiveDateTime)> = Vec::new();
        for (path, manifest) in self.backups_in(folder, &[AUTO_PREFIX])? {
            let Ok(made) = clock::from_db(&manifest.created_at) else { continue };
            found.push((path, crate::calendar::zone::to_local(tz, made)));
        }
        let keep = rotation::keep(&found.iter().map(|(_, t)| *t).collect::<Vec<_>>());
        for (i, (path, _)) in found.iter().enumerate() {
            if !keep.contains(&i) {
                std::fs::remove_dir_all(path)?;
            }
        }
        Ok(())
    }
}

/// What a restore drill found in a backup.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Drill {
    /// The backup's folder.
    pub backup: String,
    /// When the backup was made (UTC, RFC 3339).
    pub made_at: String,
    pub clients: u32,
    pub entries: u32,
    pub audit_events: u32,
    /// Both integrity checks passed and the audit chain verified up to the manifest's head.
    pub ok: bool,
    pub problem: Option<String>,
}

impl Clinic {
    /// *Test a backup*: the newest backup in the backup folder (automatic or made by hand)
    /// is copied to a temporary place and opened there — never the live clinic — its
    /// integrity checks run, its audit chain is verified against its manifest's head, and
    /// its clients and journal entries are counted. Administrators; recorded as
    /// `backup_drill` (ok or failed, with the reason).
    pub fn test_backup(&mut self, session: &SessionId) -> Result<Drill> {
        let me = self.me(session)?;
        if !me.is_admin() {
            return Err(Error::Denied("backups are for administrators".into()));
        }
        let now = self.clock.now();
        let folder = settings::get_text(&self.conn, settings::BACKUP_FOLDER)?
            .filter(|f| !f.is_empty())
            .ok_or_else(|| Error::invalid("choose a backup folder first"))?;
        let folder = Path::new(&folder);
        if !folder.is_dir() {
            return Err(Error::invalid(format!("the backup folder {} cannot be reached", folder.display())));
        }
        let newest = self
            .backups_in(folder, &[AUTO_PREFIX, "klinik-backup-"])?
            .into_iter()
            .max_by(|(_, a), (_, b)| a.created_at.cmp(&b.created_at));
        let (path, manifest) =
            newest.ok_or_else(|| Error::invalid("the backup folder holds no backup of this clinic"))?;
        let drill = self.drill(&path, &manifest);
        let (outcome, reason) = match &drill {
            Ok(d) if d.ok => (Outcome::Ok, None),
            Ok(d) => (Outcome::Failed, d.problem.clone()),
            Err(e) => (Outcome::Failed, Some(format!("{:?}", e.code()))),
        };
        let object = format!("restore drill of {}", path.display());
        audit::append(
            &self.conn,
            now,
            &audit::NewEvent {
                object: Some(&object),
                reason: reason.as_deref(),
                ..auth::event(Some(&me.staff_id), &self.ws, "backup_drill", outcome)
            },
        )?;
        if outcome == Outcome::Ok {
            settings::set_text(&self.conn, settings::BACKUP_LAST_DRILL, &clock::to_db(now))?;
        }
        drill
    }

    /// The backups in `folder` whose folder name starts with one of `prefixes` and whose
    /// manifest checks out against its database and names this clinic.
    fn backups_in(&self, folder: &Path, prefixes: &[&str]) -> Result<Vec<(PathBuf, crate::backup::Manifest)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(folder)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !prefixes.iter().any(|p| name.starts_with(p)) || !path.is_dir() {
                continue;
            }
            let Ok(manifest) = crate::backup::check_backup(&path) else { continue };
            if manifest.clinic_id == self.slots.clinic_id.to_string() {
                out.push((path, manifest));
            }
        }
        Ok(out)
    }

    /// Opens a copy of the backup in `path` in a temporary folder and checks it.
    fn drill(&self, path: &Path, manifest: &crate::backup::Manifest) -> Result<Drill> {
        let place = std::env::temp_dir().join(format!(
            "klinik-drill-{}-{}",
            std::process::id(),
            self.clock.now().timestamp_micros()
        ));
        std::fs::create_dir_all(&place)?;
        let result = (|| -> Result<Drill> {
            let copy = place.join("klinik.db");
            std::fs::copy(path.join("klinik.db"), &copy)?;
            let conn = vault::open_connection(&copy, &self.key, OpenMode::Existing)?;
            let mut problems = vault::integrity_problems(&conn)?;
            let chain = audit::verify(&conn)?;
            if !chain.intact {
                problems.push(format!("the audit chain is broken at {:?}", chain.first_bad_seq));
            } else if chain.head_seq != manifest.audit_seq || chain.head_hash != manifest.audit_hash {
                problems.push("the audit chain does not end where the manifest says".into());
            }
            let count = |table: &str| -> Result<u32> {
                Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
            };
            Ok(Drill {
                backup: path.display().to_string(),
                made_at: manifest.created_at.clone(),
                clients: count("clients")?,
                entries: count("entries")?,
                audit_events: u32::try_from(chain.events).unwrap_or(u32::MAX),
                ok: problems.is_empty(),
                problem: (!problems.is_empty()).then(|| problems.join("; ")),
            })
        })();
        let _ = std::fs::remove_dir_all(&place);
        result
    }
}

/// A backup that runs beside the window: everything it needs to copy the clinic on a
/// connection of its own (a consistent snapshot of the write-ahead log, while the window
/// goes on writing), and how far it has come.
pub struct BackupJob {
    database: PathBuf,
    keyslots: PathBuf,
    key: crate::secret::MasterKey,
    clinic_id: String,
    folder: PathBuf,
    dest: PathBuf,
    now: chrono::DateTime<chrono::Utc>,
    finished: std::sync::atomic::AtomicBool,
}

impl BackupJob {
    /// Copies and checks the backup (slow: run it off the window's thread).
    pub fn run(&self) -> Result<crate::backup::Manifest> {
        let conn = vault::open_connection(&self.database, &self.key, OpenMode::Existing)?;
        let out = super::backup::write_backup(&conn, &self.keyslots, &self.clinic_id, &self.dest, self.now);
        self.finished.store(true, std::sync::atomic::Ordering::Release);
        out
    }

    /// How far the copy has come, in percent: the copy's size against the clinic's (an
    /// estimate, at most 99 while copying and checking), 100 when done.
    pub fn progress(&self) -> u32 {
        if self.finished.load(std::sync::atomic::Ordering::Acquire) {
            return 100;
        }
        let total = std::fs::metadata(&self.database).map(|m| m.len()).unwrap_or(0).max(1);
        let done = std::fs::metadata(self.dest.join("klinik.db")).map(|m| m.len()).unwrap_or(0);
        u32::try_from((done * 100 / total).min(99)).unwrap_or(99)
    }

    /// Where the backup goes.
    pub fn dest(&self) -> &Path {
        &self.dest
    }
}
