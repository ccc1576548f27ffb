//! The window's state: the opened clinic (or why it is not open) and the session.
//! The session id never leaves Rust; the UI only ever sees [`AppStatus`].

use crate::dto::{AppError, AppStatus, ErrorCodeDto, LanguageDto};
use klinik::clinic::{Language, Unlock};
use klinik::vault::{KeyStorage, OsKeyring};
use klinik::{Clinic, Error, ErrorCode, SessionId, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct AppState {
    inner: Mutex<Inner>,
}

pub struct Inner {
    pub data_dir: PathBuf,
    pub clinic: Option<Clinic>,
    /// Why the clinic in `data_dir` is not open (None with no clinic = first start).
    pub open_error: Option<Error>,
    pub session: Option<SessionId>,
    /// The language of screens shown before anyone is signed in.
    pub language: Language,
    /// Where exports are saved: the Downloads folder once the app has started.
    pub export_dir: PathBuf,
    /// While the clinic is being opened: whether that includes the after-crash check.
    pub opening: Option<bool>,
    /// Today's automatic backup, while it runs beside the window.
    pub backup: Option<RunningBackup>,
}

/// An automatic backup copying on its own thread (and connection).
pub struct RunningBackup {
    job: std::sync::Arc<klinik::clinic::BackupJob>,
    handle: std::thread::JoinHandle<klinik::Result<klinik::backup::Manifest>>,
}

/// The UI's starting language before a clinic says otherwise: the system's, if it is one
/// of ours.
/// Opening failed for want of the key (keyring, passphrase, recovery code): the window asks
/// for it. Any other failure is about the clinic itself.
pub fn needs_unlock(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::KeyringUnavailable
            | ErrorCode::KeyringLocked
            | ErrorCode::KeyringEntryMissing
            | ErrorCode::WrongKey
            | ErrorCode::WrongPassphrase
            | ErrorCode::WrongRecoveryCode
            | ErrorCode::Locked
    )
}

fn system_language() -> Language {
    let lang = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LC_MESSAGES").ok().filter(|v| !v.is_empty()))
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    match lang.get(..2) {
        Some("da") => Language::Da,
        Some("sv") => Language::Sv,
        Some("nb") | Some("nn") | Some("no") => Language::Nb,
        _ => Language::En,
    }
}

/// Opens the clinic in `dir` with the keyring. A window that was just closed may take a
/// moment to let go of the data directory; wait briefly before saying Klinik is already
/// open.
fn open_with_retries(dir: &std::path::Path) -> Result<Clinic, Error> {
    let mut tries = 0;
    loop {
        match Clinic::open(dir, &Unlock::default(), &OsKeyring, Arc::new(SystemClock)) {
            Err(Error::AlreadyRunning) if tries < 25 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

impl AppState {
    /// Opens the clinic in `data_dir` with the keyring if one is there, before returning.
    pub fn new(data_dir: PathBuf) -> Self {
        let state = Self::pending(data_dir);
        state.open_now();
        state
    }

    /// The state before the clinic is opened: the window can show at once and say what
    /// it is doing (see [`AppState::open_now`]).
    pub fn pending(data_dir: PathBuf) -> Self {
        let export_dir = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| data_dir.clone());
        let opening = Clinic::exists(&data_dir).then(|| !Clinic::closed_cleanly(&data_dir));
        let inner = Inner {
            data_dir,
            clinic: None,
            open_error: None,
            session: None,
            language: system_language(),
            export_dir,
            opening,
            backup: None,
        };
        Self { inner: Mutex::new(inner) }
    }

    /// Opens the clinic, if one is there, without holding the lock meanwhile: the window
    /// keeps asking for its status (and hears "opening") while a large clinic is checked
    /// after an unclean shutdown.
    pub fn open_now(&self) {
        let dir = {
            let inner = self.lock();
            if inner.opening.is_none() {
                return;
            }
            inner.data_dir.clone()
        };
        let opened = open_with_retries(&dir);
        let mut inner = self.lock();
        inner.opening = None;
        match opened {
            Ok(c) => inner.adopt(c),
            Err(e) => inner.open_error = Some(e),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock must not brick the window: the state itself
        // stays consistent because every change is a single assignment.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    pub fn adopt(&mut self, mut clinic: Clinic) {
        // Keep the backup folder noted beside the database (for a clinic that was set up
        // before the note existed).
        let _ = clinic.note_backup_folder();
        // Today's automatic backup, if a folder is chosen and none was made today: it copies
        // on a thread and connection of its own while the window is used (its progress is in
        // the status; a failure is recorded by the core and shown to administrators).
        if clinic.automatic_backup_due().unwrap_or(false) {
            if let Ok(Some(job)) = clinic.start_automatic_backup() {
                let job = std::sync::Arc::new(job);
                let running = job.clone();
                let handle = std::thread::spawn(move || running.run());
                self.backup = Some(RunningBackup { job, handle });
            }
        }
        if let Some(log) = klinik::audit::AnchorLog::default_for(clinic.id().as_str()) {
            clinic.set_anchor_log(log);
        }
        if let Ok(info) = clinic.info() {
            self.language = info.language;
        }
        self.clinic = Some(clinic);
        self.open_error = None;
        self.session = None;
    }

    /// Records a finished background backup (`wait`: wait for one still running, as when
    /// Klinik closes). Returns the progress of one still running.
    pub fn poll_backup(&mut self, wait: bool) -> Option<u32> {
        let running = self.backup.take()?;
        if !wait && !running.handle.is_finished() {
            let progress = running.job.progress();
            self.backup = Some(running);
            return Some(progress);
        }
        let outcome =
            running.handle.join().unwrap_or_else(|_| Err(Error::Internal("the backup stopped unexpectedly".into())));
        if let Some(clinic) = self.clinic.as_mut() {
            let _ = clinic.finish_automatic_backup(&running.job, &outcome);
        }
        None
    }

    pub fn status(&mut self) -> AppStatus {
        let backup_progress = self.poll_backup(false);
        let language: LanguageDto = self.language.into();
        if let Some(checking) = self.opening {
            return AppStatus::Opening { language, checking };
        }
        let Some(clinic) = self.clinic.as_mut() else {
            return match &self.open_error {
                None => AppStatus::Setup { language },
                Some(e) => match e.code() {
                    code if needs_unlock(code) => AppStatus::UnlockVault {
                        language,
                        key_storage: Clinic::key_storage(&self.data_dir).unwrap_or(KeyStorage::Keyring).into(),
                        reason: e.code().into(),
                    },
                    code => AppStatus::Failed {
                        language,
                        reason: ErrorCodeDto::from(code),
                        newest_backup: klinik::backup::newest_for(&self.data_dir)
                            .ok()
                            .flatten()
                            .map(|(_, m)| m.created_at),
                    },
                },
            };
        };
        let info = match clinic.info() {
            Ok(i) => i,
            Err(e) => return AppStatus::Failed { language, reason: e.code().into(), newest_backup: None },
        };
        let clinic_name = info.name;
        let Some(session) = self.session.clone() else {
            return AppStatus::Login { language, clinic_name };
        };
        match clinic.me(&session) {
            Ok(me) => {
                // Signed in, the screens speak the person's own language if they chose one.
                let language = me.language.map(LanguageDto::from).unwrap_or(language);
                if me.locked {
                    AppStatus::Locked { language, clinic_name, me: me.into() }
                } else {
                    AppStatus::Ready {
                        language,
                        clinic_name,
                        journal_mode: info.journal_mode.into(),
                        me: me.into(),
                        backup_progress,
                    }
                }
            }
            Err(_) => {
                self.session = None;
                AppStatus::Login { language, clinic_name }
            }
        }
    }

    /// The open clinic and the signed-in session, or the error the UI expects.
    pub fn signed_in(&mut self) -> Result<(&mut Clinic, SessionId), AppError> {
        let clinic = self.clinic.as_mut().ok_or_else(|| AppError::from(Error::NotLoggedIn))?;
        let session = self.session.clone().ok_or_else(|| AppError::from(Error::NotLoggedIn))?;
        Ok((clinic, session))
    }

    pub fn clinic(&mut self) -> Result<&mut Clinic, AppError> {
        self.clinic.as_mut().ok_or_else(|| AppError::from(Error::NotLoggedIn))
    }
}
