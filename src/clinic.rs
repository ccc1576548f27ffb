//! [`Clinic`]: one opened clinic data directory, the facade the CLI and the desktop shell
//! talk to. It owns the single database connection and the directory lock; every method
//! that touches client data goes through the [`gate`](crate::gate).

use crate::audit::{self, EventView, Outcome, Verification};
use crate::auth::{self, Workstation};
use crate::clients::{self, Client, ClientInput};
use crate::clock::{self, Clock};
use crate::gate;
use crate::ids::{ClientId, ClinicId, SessionId, StaffId};
use crate::migrations;
use crate::policy::{Action, Role};
use crate::secret::{MasterKey, Secret};
use crate::settings;
use crate::vault::keyslots::{Slot, SlotKind};
use crate::vault::{self, DataDir, DirLock, KeySlots, KeyStorage, KeyStore, OpenMode, RecoveryCode};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),+ $(,)? }, $what:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Result<Self> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::invalid(concat!("unknown ", $what))),
                }
            }
        }
    };
}

text_enum!(Country { Dk = "dk", Se = "se", No = "no" }, "country (dk, se or no)");
text_enum!(
    JournalMode { Notes = "notes", Journals = "journals", JournalsWithId = "journals_with_id" },
    "journal mode (notes, journals or journals_with_id)"
);
text_enum!(Language { Da = "da", Sv = "sv", Nb = "nb", En = "en" }, "language (da, sv, nb or en)");

/// Everything the setup wizard (or `klinik init`) collects.
#[derive(Debug)]
pub struct ClinicSetup {
    pub clinic_name: String,
    pub country: Country,
    pub journal_mode: JournalMode,
    pub language: Language,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_password: Secret,
    pub key_storage: KeyStorage,
    pub passphrase: Option<Secret>,
}

/// Secrets offered to open an existing clinic, tried after the keyring.
#[derive(Debug, Default)]
pub struct Unlock {
    pub passphrase: Option<Secret>,
    pub recovery_code: Option<Secret>,
}

/// What the person needs to add Klinik to an authenticator app.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrollment {
    pub uri: String,
    pub secret_base32: String,
    pub qr_svg: String,
}

/// The automatic-logout choices offered (minutes).
pub const SESSION_TIMEOUT_CHOICES: [i64; 7] = [15, 30, 60, 120, 240, 480, 1440];

/// One open session, for the security page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: SessionId,
    pub staff_name: String,
    pub workstation: String,
    pub os_user: String,
    pub kind: String,
    pub started_at: String,
    pub last_active_at: String,
    pub current: bool,
    /// On a business-login session: whose PIN unlock is in force right now.
    pub pin_name: Option<String>,
}

/// Why a clinic is being opened: normally, or right after a restore (which may move the
/// chain back to the backup's head, and says so first).
enum Opening {
    Normal,
    Restore(String),
}

/// Which key source opened the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OpenedWith {
    Keyring,
    Passphrase,
    RecoveryCode,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClinicInfo {
    pub id: ClinicId,
    pub name: String,
    pub country: Country,
    pub journal_mode: JournalMode,
    pub language: Language,
}

/// The signed-in person, as the UI needs them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub staff_id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub locked: bool,
    pub idle_lock_minutes: i64,
    /// A PIN unlock ends after this many idle seconds (the window closes the journal then).
    pub pin_idle_seconds: i64,
    /// A business-login session (reception work; journals need a PIN).
    pub business_login: bool,
    /// Who has unlocked this business-login session with a PIN, if anyone (and not expired).
    pub pin_name: Option<String>,
    /// A desk opened by a staff member's strong login: who.
    pub desk_opened_by: Option<String>,
    pub must_change_password: bool,
    pub has_pin: bool,
    pub access_model: crate::policy::AccessModel,
    pub totp_enabled: bool,
    /// Journals with national IDs: enroll two-factor login before working.
    pub must_enroll_totp: bool,
    /// Business login + PIN clinic, personal login, no PIN yet: create one first.
    pub must_create_pin: bool,
    /// Confirms journal work with the PIN also on a personal login.
    pub requires_pin: bool,
    /// The parts of the app this person may use (the UI shows only these; the core
    /// decides anyway).
    pub features: Vec<crate::policy::Feature>,
    pub scope: crate::policy::Scope,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    pub cipher_version: String,
    pub integrity_problems: Vec<String>,
    pub schema_version: i64,
    pub schema_latest: i64,
    pub key_storage: KeyStorage,
    pub opened_with: OpenedWith,
    pub audit: Verification,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.integrity_problems.is_empty() && self.schema_version == self.schema_latest && self.audit.intact
    }
}

pub struct Clinic {
    conn: Connection,
    dir: DataDir,
    slots: KeySlots,
    clock: Arc<dyn Clock>,
    ws: Workstation,
    opened_with: OpenedWith,
    anchor_log: Option<audit::AnchorLog>,
    /// Where the chain head is anchored on close and backup (see [`crate::anchor`]).
    anchor: crate::anchor::AnchorStore,
    /// The vault key, kept while the clinic is open (zeroized on drop) for the second
    /// reading connection that verifies half of a large audit chain.
    key: MasterKey,
    // Dropped last: the directory stays locked while the connection is open.
    _lock: DirLock,
}

pub(crate) fn check_text(s: &str, field: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::invalid(format!("{field} is required")));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(Error::invalid(format!("{field} is too long or contains control characters")));
    }
    Ok(t.to_owned())
}

pub(crate) fn check_email(s: &str) -> Result<String> {
    let e = check_text(s, "email", 254)?;
    if !clients::looks_like_email(&e) {
        return Err(Error::invalid("email is not a valid address"));
    }
    Ok(e)
}

impl Clinic {
    /// True when `dir` already holds a clinic.
    pub fn exists(dir: &Path) -> bool {
        DataDir::new(dir).has_clinic()
    }

    /// The key storage a clinic was set up with.
    /// False when a clinic is here and its last run did not end cleanly: the next open
    /// runs the after-crash check (which takes a while on a large clinic).
    pub fn closed_cleanly(dir: &Path) -> bool {
        let data = DataDir::new(dir);
        !data.database().exists() || data.clean_marker().exists()
    }

    pub fn key_storage(dir: &Path) -> Result<KeyStorage> {
        Ok(KeySlots::read(&DataDir::new(dir).keyslots())?.key_storage)
    }

    /// Sets up a new clinic in `dir`. Returns the clinic and the recovery code, which
    /// must be shown to the person once and is never stored in clear.
    pub fn create(
        dir: &Path,
        setup: ClinicSetup,
        keystore: &dyn KeyStore,
        clock: Arc<dyn Clock>,
    ) -> Result<(Clinic, RecoveryCode)> {
        let clinic_name = check_text(&setup.clinic_name, "clinic name", 200)?;
        let owner_name = check_text(&setup.owner_name, "owner name", 200)?;
        let owner_email = check_email(&setup.owner_email)?;
        auth::require_strong(&setup.owner_password, &[&owner_name, &owner_email, &clinic_name])?;
        let passphrase = match (setup.key_storage, &setup.passphrase) {
            (KeyStorage::Passphrase, Some(p)) => {
                auth::require_strong(p, &[&owner_name, &owner_email, &clinic_name])?;
                Some(p)
            }
            (KeyStorage::Passphrase, None) => return Err(Error::invalid("passphrase mode needs a passphrase")),
            (KeyStorage::Keyring, _) => None,
        };

        let data = DataDir::new(dir);
        let lock = DirLock::acquire(&data)?;
        if data.has_clinic() {
            return Err(Error::Conflict("this data directory already holds a clinic".into()));
        }
        let clinic_id = ClinicId::new();
        let key = MasterKey::generate();
        let recovery = RecoveryCode::generate();
        let mut slots = KeySlots::new(clinic_id.clone(), setup.key_storage, &key);
        slots.set_slot(Slot::wrap(&clinic_id, SlotKind::Recovery, recovery.kdf_input(), &key)?);
        if let Some(p) = passphrase {
            let n = normalized_secret(p);
            slots.set_slot(Slot::wrap(&clinic_id, SlotKind::Passphrase, n.as_bytes(), &key)?);
        }
        if setup.key_storage == KeyStorage::Keyring {
            keystore.store(&clinic_id, &key)?;
        }

        let now = clock.now();
        let ws = Workstation::detect();
        let build = || -> Result<Connection> {
            let mut conn = vault::open_connection(&data.database(), &key, OpenMode::Create)?;
            migrations::migrate(&mut conn)?;
            let owner = StaffId::new();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO clinic (id, name, country, journal_mode, language, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![clinic_id, clinic_name, setup.country.as_str(), setup.journal_mode.as_str(), setup.language.as_str(), clock::to_db(now)],
            )?;
            tx.execute(
                "INSERT INTO staff (id, name, email, role, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, 'owner', ?4, ?5, ?5)",
                params![owner, owner_name, owner_email, auth::hash_secret(&setup.owner_password)?, clock::to_db(now)],
            )?;
            audit::append(&tx, now, &auth::event(Some(&owner), &ws, "clinic_created", Outcome::Ok))?;
            crate::journal::ensure_starter_templates(&tx, &clock::to_db(now))?;
            tx.commit()?;
            Ok(conn)
        };
        let conn = match build().and_then(|c| slots.write(&data.keyslots()).map(|_| c)) {
            Ok(c) => c,
            Err(e) => {
                // Leave no half-made clinic behind: the next attempt must start clean.
                for p in [
                    data.database(),
                    data.database().with_extension("db-wal"),
                    data.database().with_extension("db-shm"),
                    data.keyslots(),
                ] {
                    let _ = std::fs::remove_file(p);
                }
                if setup.key_storage == KeyStorage::Keyring {
                    let _ = keystore.delete(&clinic_id);
                }
                return Err(e);
            }
        };
        let opened_with = match setup.key_storage {
            KeyStorage::Keyring => OpenedWith::Keyring,
            KeyStorage::Passphrase => OpenedWith::Passphrase,
        };
        let anchor = crate::anchor::AnchorStore::for_clinic(setup.key_storage, &data, keystore, &clinic_id, &key);
        let clinic =
            Clinic { conn, dir: data, slots, clock, ws, opened_with, anchor_log: None, anchor, key, _lock: lock };
        clinic.anchor_head()?;
        Ok((clinic, recovery))
    }

    /// Opens an existing clinic: keyring first (in keyring mode), then the passphrase,
    /// then the recovery code. Nothing on disk changes when it fails.
    pub fn open(dir: &Path, unlock: &Unlock, keystore: &dyn KeyStore, clock: Arc<dyn Clock>) -> Result<Clinic> {
        let data = DataDir::new(dir);
        if !data.database().exists() {
            return Err(if data.keyslots().exists() {
                Error::Corrupted("the database file is missing".into())
            } else {
                Error::NotFound
            });
        }
        let lock = DirLock::acquire(&data)?;
        let slots = KeySlots::read(&data.keyslots())?;
        let mut last_err: Option<Error> = None;

        if slots.key_storage == KeyStorage::Keyring {
            match keystore.load(&slots.clinic_id) {
                Ok(key) if slots.matches(&key) => {
                    return Self::finish(data, slots, key, OpenedWith::Keyring, clock, lock, keystore, Opening::Normal);
                }
                Ok(_) => last_err = Some(Error::WrongKey),
                Err(e) => last_err = Some(e),
            }
        }
        match unwrap_offered(&slots, unlock) {
            Ok((key, with)) => {
                if with == OpenedWith::RecoveryCode && slots.key_storage == KeyStorage::Keyring {
                    // Put the key back where it belongs; if the keyring is still
                    // unusable the clinic simply opens with the code again next time.
                    let _ = keystore.store(&slots.clinic_id, &key);
                }
                Self::finish(data, slots, key, with, clock, lock, keystore, Opening::Normal)
            }
            Err(Error::Locked) => Err(last_err.unwrap_or(Error::Locked)),
            Err(e) => Err(e),
        }
    }

    /// Restores the backup in `from` into `dir` and opens it. Restoring replaces a
    /// clinic's whole history, so it needs the backup's own recovery code or passphrase
    /// (checked before anything moves); a clinic already in `dir` is moved aside, never
    /// deleted. The first event the restored clinic writes records the restore, and the
    /// audit anchor moves to the restored head (the one authorised step back).
    pub fn restore_backup(
        from: &Path,
        dir: &Path,
        unlock: &Unlock,
        keystore: &dyn KeyStore,
        clock: Arc<dyn Clock>,
    ) -> Result<(Clinic, crate::backup::Manifest, Option<std::path::PathBuf>)> {
        crate::backup::check_backup(from)?;
        let slots = KeySlots::read(&from.join("keyslots.json"))?;
        let (key, with) = unwrap_offered(&slots, unlock).map_err(|e| match e {
            Error::Locked => Error::invalid("restoring needs the backup's recovery code or passphrase"),
            e => e,
        })?;
        let (manifest, moved) = crate::backup::restore(from, dir, clock.now())?;
        let data = DataDir::new(dir);
        let lock = DirLock::acquire(&data)?;
        if slots.key_storage == KeyStorage::Keyring {
            keystore.store(&slots.clinic_id, &key)?;
        }
        let what = format!(
            "restored the backup of {} (audit head seq {}) from {}",
            manifest.created_at,
            manifest.audit_seq,
            from.display()
        );
        let clinic = Self::finish(data, slots, key, with, clock, lock, keystore, Opening::Restore(what))?;
        Ok((clinic, manifest, moved))
    }

    /// Opens the database with a key proven by the key slots. Everything that can refuse
    /// the clinic is checked before anything is written: the schema is not newer, the
    /// database belongs to this clinic, it is sound after an unclean shutdown, and its
    /// audit chain still holds the anchored head. Only then migrations, the record of
    /// the checks, starter templates and auto-signing.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        data: DataDir,
        slots: KeySlots,
        key: MasterKey,
        opened_with: OpenedWith,
        clock: Arc<dyn Clock>,
        lock: DirLock,
        keystore: &dyn KeyStore,
        opening: Opening,
    ) -> Result<Clinic> {
        let mut conn = vault::open_connection(&data.database(), &key, OpenMode::Existing).map_err(|e| match e {
            // The key is proven right by the key slots, so an unreadable file is damage.
            Error::WrongKey => Error::Corrupted("the key is right but the database cannot be read".into()),
            e => e,
        })?;
        migrations::check_not_newer(&conn)?;
        let id: Option<ClinicId> = conn.query_row("SELECT id FROM clinic", [], |r| r.get(0)).optional()?;
        if id.as_ref() != Some(&slots.clinic_id) {
            return Err(Error::Corrupted("the database belongs to another clinic than keyslots.json".into()));
        }
        let ws = Workstation::detect();
        let marker = data.clean_marker();
        let crashed = !marker.exists();
        if crashed {
            // The last run did not close cleanly: check before anything is written.
            after_crash_check(&conn)?;
        }
        let anchor = crate::anchor::AnchorStore::for_clinic(slots.key_storage, &data, keystore, &slots.clinic_id, &key);
        if let Opening::Normal = opening {
            match anchor.load() {
                Ok(Some(head)) => crate::anchor::check(&conn, &head)?,
                Ok(None) => {}
                // A keyring that cannot be read now (the clinic opened with the recovery
                // code) cannot be checked against; a damaged anchor file is refused.
                Err(e @ Error::Corrupted(_)) => return Err(e),
                Err(_) => {}
            }
        }
        migrations::migrate(&mut conn)?;
        let now = clock.now();
        if let Opening::Restore(what) = &opening {
            // The first event a restored clinic writes is its own restoring.
            audit::append(
                &conn,
                now,
                &audit::NewEvent { object: Some(what), ..auth::event(None, &ws, "backup_restore", Outcome::Ok) },
            )?;
        }
        if crashed {
            audit::append(
                &conn,
                now,
                &audit::NewEvent {
                    reason: Some("quick check and audit tail check passed"),
                    ..auth::event(None, &ws, "crash_check", Outcome::Ok)
                },
            )?;
        }
        notice_clock_backwards(&conn, &ws, now)?;
        if opened_with == OpenedWith::RecoveryCode {
            // Using the recovery code is rare and powerful: keep a record of it.
            audit::append(&conn, now, &auth::event(None, &ws, "vault_recovery_unlock", Outcome::Ok))?;
        }
        crate::journal::ensure_starter_templates(&conn, &clock::to_db(now))?;
        let hours = settings::auto_sign_hours(&conn)?;
        crate::journal::auto_sign_due(&mut conn, &ws.host, now, hours)?;
        // Open now: a crash from here on leaves the marker missing.
        match std::fs::remove_file(&marker) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        let clinic =
            Clinic { conn, dir: data, slots, clock, ws, opened_with, anchor_log: None, anchor, key, _lock: lock };
        if let Opening::Restore(_) = opening {
            // A restore is the one authorised step back: anchor at the restored head.
            clinic.anchor.store(&crate::anchor::head_of(&clinic.conn)?, true)?;
        }
        Ok(clinic)
    }

    /// Writes the chain's current head to the anchor (forward only).
    fn anchor_head(&self) -> Result<()> {
        self.anchor.store(&crate::anchor::head_of(&self.conn)?, false)
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.root()
    }
    pub fn id(&self) -> &ClinicId {
        &self.slots.clinic_id
    }
    pub fn opened_with(&self) -> OpenedWith {
        self.opened_with
    }
    pub fn key_storage_mode(&self) -> KeyStorage {
        self.slots.key_storage
    }
    pub fn workstation(&self) -> &Workstation {
        &self.ws
    }

    /// The clinic's name, country, mode and language (shown on the login screen).
    pub fn info(&self) -> Result<ClinicInfo> {
        let (id, name, country, mode, language): (ClinicId, String, String, String, String) =
            self.conn.query_row("SELECT id, name, country, journal_mode, language FROM clinic", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        Ok(ClinicInfo {
            id,
            name,
            country: Country::parse(&country)?,
            journal_mode: JournalMode::parse(&mode)?,
            language: Language::parse(&language)?,
        })
    }

    // ---- sessions -------------------------------------------------------------------

    pub fn login(&mut self, email: &str, password: &Secret) -> Result<SessionId> {
        self.login_2fa(email, password, None)
    }

    /// Login with the second factor: a code from the authenticator app or a recovery
    /// code, when the person has two-factor login on (otherwise `None` is fine).
    pub fn login_2fa(&mut self, email: &str, password: &Secret, code: Option<&Secret>) -> Result<SessionId> {
        let code = code.filter(|c| !c.expose().trim().is_empty());
        let ticket = self.login_begin(email, code.is_some())?;
        let checked = ticket.check(password);
        self.login_end(ticket, checked, code)
    }

    /// The first quick step of a login (see [`auth::LoginTicket`]): the slow password
    /// check runs on the ticket without this clinic, so a window keeps answering other
    /// requests meanwhile; [`Clinic::login_end`] finishes it.
    pub fn login_begin(&mut self, email: &str, code_given: bool) -> Result<auth::LoginTicket> {
        let now = self.clock.now();
        notice_clock_backwards(&self.conn, &self.ws, now)?;
        auth::login_begin(&self.conn, &self.ws, now, email, code_given)
    }

    /// The last quick step of a login: counts, checks the code, opens the session.
    pub fn login_end(
        &mut self,
        ticket: auth::LoginTicket,
        checked: auth::PasswordChecked,
        code: Option<&Secret>,
    ) -> Result<SessionId> {
        let now = self.clock.now();
        let session = auth::login_end(&mut self.conn, &self.ws, now, ticket, checked, code)?;
        self.auto_sign_due()?;
        Ok(session)
    }

    /// Applies the clinic's auto-sign rule now (also done when the clinic opens, at each
    /// login and before a journal is read). Returns how many drafts were signed.
    pub fn auto_sign_due(&mut self) -> Result<usize> {
        let hours = settings::auto_sign_hours(&self.conn)?;
        crate::journal::auto_sign_due(&mut self.conn, &self.ws.host, self.clock.now(), hours)
    }

    /// Sets the auto-sign rule: 0 (never) or 1 to 720 hours; administrators.
    pub fn set_auto_sign_hours(&mut self, session: &SessionId, hours: i64) -> Result<()> {
        if !(0..=720).contains(&hours) {
            return Err(Error::invalid("auto-sign must be off or between 1 and 720 hours"));
        }
        self.set_number(session, settings::AUTO_SIGN_HOURS, hours)
    }

    /// Stores one numeric clinic setting (already checked by the caller) through the
    /// gate as a settings change, audited as `key=value`.
    fn set_number(&mut self, session: &SessionId, key: &'static str, value: i64) -> Result<()> {
        self.gated(session, Action::SettingsChange, None, |ctx| {
            settings::set_i64(ctx.conn(), key, value)?;
            ctx.record_object(format!("{key}={value}"));
            Ok(())
        })
    }

    pub fn auto_sign_hours(&self) -> Result<i64> {
        settings::auto_sign_hours(&self.conn)
    }

    /// Starts two-factor enrollment: a new secret, pending until a code confirms it.
    /// Replacing a factor already in use needs the password (someone at an unlocked
    /// window must not be able to move another person's second factor to their phone).
    pub fn begin_totp(&mut self, session: &SessionId, password: Option<&Secret>) -> Result<TotpEnrollment> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if actor.kind == auth::SessionKind::Business {
            return Err(Error::Denied("two-factor login is personal".into()));
        }
        let enrolled: bool =
            self.conn.query_row("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                r.get(0)
            })?;
        if enrolled {
            let password = password.ok_or(Error::WrongCredentials)?;
            self.confirm_own_password(&actor, password, "totp_replace")?;
        }
        let email: String =
            self.conn.query_row("SELECT email FROM staff WHERE id = ?1", [&actor.staff_id], |r| r.get(0))?;
        let secret = crate::totp::new_secret();
        self.conn.execute(
            "UPDATE staff SET totp_pending = ?2 WHERE id = ?1",
            params![actor.staff_id, hex::encode(secret)],
        )?;
        let uri = crate::totp::provisioning_uri(&secret, &email)?;
        Ok(TotpEnrollment { secret_base32: crate::totp::secret_base32(&uri), qr_svg: crate::totp::qr_svg(&uri)?, uri })
    }

    /// Confirms enrollment with a code from the app; returns the ten recovery codes
    /// (shown once).
    pub fn confirm_totp(&mut self, session: &SessionId, code: &Secret) -> Result<Vec<String>> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let pending: Option<String> =
            self.conn.query_row("SELECT totp_pending FROM staff WHERE id = ?1", [&actor.staff_id], |r| r.get(0))?;
        let pending = pending.ok_or_else(|| Error::invalid("start two-factor enrollment first"))?;
        let secret = hex::decode(&pending).map_err(|_| Error::Storage("bad TOTP secret".into()))?;
        let unix = u64::try_from(now.timestamp()).unwrap_or(0);
        let Some(step) = crate::totp::verify(&secret, code.expose(), unix, None)? else {
            audit::append(
                &self.conn,
                now,
                &auth::event(Some(&actor.staff_id), &self.ws, "totp_failed", Outcome::Failed),
            )?;
            return Err(Error::WrongTotp);
        };
        // A new factor starts with a clean counter.
        let (codes, hashes) = new_recovery_set()?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2, totp_failures = 0,
                    totp_locked_until = NULL, totp_disabled = 0 WHERE id = ?1",
            params![actor.staff_id, step as i64],
        )?;
        store_recovery_codes(&tx, &actor.staff_id, &hashes)?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "totp_enabled", Outcome::Ok))?;
        tx.commit()?;
        Ok(codes)
    }

    /// A fresh set of ten recovery codes (the old ones stop working), confirmed with the
    /// password; shown once. For someone who used or lost theirs.
    pub fn renew_totp_recovery_codes(&mut self, session: &SessionId, password: &Secret) -> Result<Vec<String>> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let enrolled: bool =
            self.conn.query_row("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                r.get(0)
            })?;
        if !enrolled {
            return Err(Error::invalid("two-factor login is not turned on"));
        }
        self.confirm_own_password(&actor, password, "totp_recovery_renewed")?;
        let (codes, hashes) = new_recovery_set()?;
        let tx = self.conn.transaction()?;
        store_recovery_codes(&tx, &actor.staff_id, &hashes)?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "totp_recovery_renewed", Outcome::Ok))?;
        tx.commit()?;
        Ok(codes)
    }

    /// Turns two-factor login off (re-authentication with the password); refused where
    /// the clinic's mode requires it.
    pub fn disable_totp(&mut self, session: &SessionId, password: &Secret) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if self.info()?.journal_mode == JournalMode::JournalsWithId || settings::require_totp(&self.conn)? {
            return Err(Error::Denied("this clinic requires two-factor login".into()));
        }
        self.confirm_own_password(&actor, password, "totp_disabled")?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?1",
            [&actor.staff_id],
        )?;
        tx.execute("DELETE FROM totp_recovery_codes WHERE staff_id = ?1", [&actor.staff_id])?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "totp_disabled", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    pub fn logout(&mut self, session: &SessionId) -> Result<()> {
        let now = self.clock.now();
        let actor = match auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session) {
            Ok(a) => a,
            Err(Error::NotLoggedIn | Error::SessionExpired) => return Ok(()),
            Err(e) => return Err(e),
        };
        let tx = self.conn.transaction()?;
        auth::end_session(&tx, session, now, "logout")?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "logout", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    /// Locks the session: the person stepped away. Client data stays out of reach until
    /// [`Clinic::unlock`].
    pub fn lock(&mut self, session: &SessionId) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session)?;
        let tx = self.conn.transaction()?;
        auth::set_locked(&tx, session, true)?;
        // Locking the window ends every PIN unlock in it, whoever's it was.
        if let Some((pin_staff, _)) = &actor.pin {
            auth::set_pin_unlock(&tx, session, None)?;
            audit::append(
                &tx,
                now,
                &audit::NewEvent {
                    via: (actor.kind == auth::SessionKind::Business).then_some(&actor.staff_id),
                    reason: Some("window locked"),
                    ..auth::event(Some(pin_staff), &self.ws, "pin_end", Outcome::Ok)
                },
            )?;
        }
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "lock", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    pub fn unlock(&mut self, session: &SessionId, password: &Secret) -> Result<()> {
        let ticket = self.unlock_begin(session)?;
        let checked = ticket.check(password);
        self.unlock_end(session, &ticket, checked)
    }

    /// The lock screen's first quick step (the slow check runs on the ticket, see
    /// [`Clinic::login_begin`]). The lock screen is a door like the login: wrong
    /// passwords count and wait. A desk opened by a person's login unlocks with that
    /// person's password (nobody typed the desk account's own).
    pub fn unlock_begin(&mut self, session: &SessionId) -> Result<crate::attempts::SecretTicket> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session)?;
        let person = actor.opened_by.as_ref().unwrap_or(&actor.staff_id);
        let via = actor.opened_by.as_ref().map(|_| &actor.staff_id);
        let typist = crate::attempts::Typist { staff: person, via };
        crate::attempts::begin_password(&self.conn, &self.ws, now, typist, "unlock")
    }

    /// The lock screen's last quick step: counts the try and unlocks when it was right.
    pub fn unlock_end(
        &mut self,
        session: &SessionId,
        ticket: &crate::attempts::SecretTicket,
        checked: crate::attempts::SecretChecked,
    ) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session)?;
        if ticket.staff() != actor.opened_by.as_ref().unwrap_or(&actor.staff_id) {
            return Err(Error::Denied("this check was for another session".into()));
        }
        crate::attempts::settle(&mut self.conn, &self.ws, now, ticket, checked)?;
        let tx = self.conn.transaction()?;
        auth::set_locked(&tx, session, false)?;
        auth::touch(&tx, session, now)?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "unlock", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    /// Staff ids and names, for choosing a person in filters. Requires a live session.
    pub fn staff_directory(&mut self, session: &SessionId) -> Result<Vec<(StaffId, String)>> {
        let now = self.clock.now();
        auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let mut stmt = self.conn.prepare_cached("SELECT id, name FROM staff ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The person behind a session (also while it is locked).
    pub fn me(&mut self, session: &SessionId) -> Result<Me> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session)?;
        let (name, email, locked, must_change, has_pin, totp_enabled): (String, String, i64, i64, bool, bool) =
            self.conn.query_row(
                "SELECT st.name, st.email, s.locked, st.must_change_password, st.pin_hash IS NOT NULL,
                        st.totp_secret IS NOT NULL
                 FROM staff st JOIN sessions s ON s.staff_id = st.id WHERE s.id = ?1",
                [session],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?;
        let business = actor.kind == auth::SessionKind::Business;
        let must_enroll_totp = !business
            && !totp_enabled
            && (self.info()?.journal_mode == JournalMode::JournalsWithId || settings::require_totp(&self.conn)?);
        let pin_name = match &actor.pin {
            Some((staff, until)) if *until > now => {
                Some(self.conn.query_row("SELECT name FROM staff WHERE id = ?1", [staff], |r| r.get(0))?)
            }
            _ => None,
        };
        let desk_opened_by = match &actor.opened_by {
            Some(staff) => Some(self.conn.query_row("SELECT name FROM staff WHERE id = ?1", [staff], |r| r.get(0))?),
            None => None,
        };
        let (rights, requires_pin) = crate::staff::rights(&self.conn, &actor.staff_id)?;
        let access_model = settings::access_model(&self.conn)?;
        let must_create_pin = actor.kind == auth::SessionKind::Personal
            && access_model == crate::policy::AccessModel::BusinessPin
            && !has_pin
            && rights.features.has(crate::policy::Feature::Journal);
        Ok(Me {
            must_create_pin,
            requires_pin,
            features: rights.features.list(),
            scope: rights.scope,
            can_edit: rights.edit,
            staff_id: actor.staff_id,
            name,
            email,
            role: actor.role,
            locked: locked == 1,
            idle_lock_minutes: settings::idle_lock_minutes(&self.conn)?,
            pin_idle_seconds: settings::pin_idle_seconds(&self.conn)?,
            business_login: actor.kind == auth::SessionKind::Business,
            pin_name,
            desk_opened_by,
            must_change_password: must_change == 1,
            has_pin,
            access_model,
            totp_enabled,
            must_enroll_totp,
        })
    }

    /// Sets a new password for the owner, proven by the recovery code: the one way back
    /// for a solo practitioner who forgot the password. Ends the owner's sessions.
    pub fn reset_password_with_recovery_code(
        &mut self,
        email: &str,
        code: &Secret,
        new_password: &Secret,
    ) -> Result<()> {
        let now = self.clock.now();
        let staff = auth::find_by_email(&self.conn, email)?;
        let owner = match &staff {
            Some(s) => {
                let role: String =
                    self.conn.query_row("SELECT role FROM staff WHERE id = ?1", [&s.id], |r| r.get(0))?;
                (role == "owner").then(|| s.id.clone())
            }
            None => None,
        };
        let code_ok = match RecoveryCode::parse(code.expose()) {
            Ok(rc) => match self.slots.slot(SlotKind::Recovery) {
                Some(slot) => {
                    slot.unwrap_key(&self.slots.clinic_id, rc.kdf_input())?.is_some_and(|k| self.slots.matches(&k))
                }
                None => false,
            },
            Err(_) => false,
        };
        let Some(owner) = owner.filter(|_| code_ok) else {
            audit::append(
                &self.conn,
                now,
                &auth::event(staff.as_ref().map(|s| &s.id), &self.ws, "password_reset_recovery", Outcome::Failed),
            )?;
            return Err(Error::WrongRecoveryCode);
        };
        let (name, mail, clinic): (String, String, String) = self.conn.query_row(
            "SELECT st.name, st.email, c.name FROM staff st, clinic c WHERE st.id = ?1",
            [&owner],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        auth::require_strong(new_password, &[&name, &mail, &clinic])?;
        let hash = auth::hash_secret(new_password)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
            params![owner, hash, clock::to_db(now)],
        )?;
        tx.execute(
            "UPDATE sessions SET ended_at = ?2, end_reason = 'password_reset' WHERE staff_id = ?1 AND ended_at IS NULL",
            params![owner, clock::to_db(now)],
        )?;
        audit::append(&tx, now, &auth::event(Some(&owner), &self.ws, "password_reset_recovery", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    // ---- clients (through the gate) ---------------------------------------------------

    pub fn create_client(&mut self, session: &SessionId, input: &ClientInput) -> Result<Client> {
        self.gated(session, Action::ClientCreate, None, |ctx| clients::create(ctx, input))
    }

    pub fn list_clients(&mut self, session: &SessionId, query: &str) -> Result<Vec<Client>> {
        self.gated(session, Action::ClientList, None, |ctx| clients::list(ctx, query))
    }

    pub fn get_client(&mut self, session: &SessionId, id: &ClientId) -> Result<Client> {
        self.gated(session, Action::ClientRead, Some(id), |ctx| clients::get(ctx, id))
    }

    pub fn update_client(&mut self, session: &SessionId, id: &ClientId, input: &ClientInput) -> Result<Client> {
        self.gated(session, Action::ClientUpdate, Some(id), |ctx| clients::update(ctx, id, input))
    }

    // ---- staff, access model and PINs ----------------------------------------------

    /// Adds a staff member; returns them and their one-time password (shown once).
    pub fn create_staff(
        &mut self,
        session: &SessionId,
        new: &crate::staff::NewStaff,
    ) -> Result<(crate::staff::StaffView, String)> {
        self.gated(session, Action::StaffCreate, None, |ctx| crate::staff::create(ctx, new))
    }

    /// Everyone on the staff, for administrators.
    pub fn list_staff_admin(&mut self, session: &SessionId) -> Result<Vec<crate::staff::StaffView>> {
        self.gated(session, Action::StaffList, None, |ctx| crate::staff::list(ctx.conn()))
    }

    /// An admin changes a staff member's details and rights (audited with the new rights).
    /// Changing rights is sensitive: the admin confirms with their password.
    pub fn update_staff(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        changes: &crate::staff::StaffChanges,
        admin_password: &Secret,
    ) -> Result<crate::staff::StaffView> {
        self.gated_with_password(session, Action::StaffUpdate, None, admin_password, |ctx| {
            crate::staff::update(ctx, staff, changes)
        })
    }

    /// An admin deactivates (sessions end at once, history stays) or reactivates someone.
    /// Confirmed with the admin's password (a change of rights).
    pub fn set_staff_active(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        active: bool,
        admin_password: &Secret,
    ) -> Result<()> {
        self.gated_with_password(session, Action::StaffUpdate, None, admin_password, |ctx| {
            crate::staff::set_active(ctx, staff, active)
        })
    }

    /// An admin sets or removes a staff member's photo (PNG, JPEG or WebP, ≤ 2 MB).
    pub fn set_staff_photo(&mut self, session: &SessionId, staff: &StaffId, photo: Option<&[u8]>) -> Result<()> {
        self.gated(session, Action::StaffUpdate, None, |ctx| crate::staff::set_photo(ctx, staff, photo))
    }

    /// A staff member's photo (type, bytes), for any signed-in session.
    pub fn staff_photo(&mut self, session: &SessionId, staff: &StaffId) -> Result<Option<(String, Vec<u8>)>> {
        let now = self.clock.now();
        auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        crate::staff::photo(&self.conn, staff)
    }

    /// An admin sets someone's PIN (e.g. a colleague who cannot get to a personal login
    /// today); the admin confirms with their password. The PIN rules apply as for one's
    /// own PIN, and the lockout counters start over.
    pub fn admin_set_pin(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        pin: &Secret,
        admin_password: &Secret,
    ) -> Result<()> {
        self.gated_with_password(session, Action::StaffUpdate, None, admin_password, |ctx| {
            let row: Option<(Option<String>, bool, bool)> = ctx
                .conn()
                .query_row(
                    "SELECT birth_date, can_business_login, totp_secret IS NOT NULL FROM staff WHERE id = ?1",
                    [staff],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (birth, business, totp) = row.ok_or(Error::NotFound)?;
            if business {
                return Err(Error::Denied("a business login never has a PIN of its own".into()));
            }
            if !totp && auth::clinic_requires_strong_desk(ctx.conn())? {
                return Err(Error::TotpRequired);
            }
            let birth = birth.and_then(|b| chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok());
            crate::pin::check_rules(pin.expose(), birth)?;
            ctx.conn().execute(
                "UPDATE staff SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL, pin_disabled = 0, updated_at = ?3
                 WHERE id = ?1",
                params![staff, auth::hash_secret(pin)?, clock::to_db(ctx.now())],
            )?;
            ctx.record_object(format!("pin set for staff {staff}"));
            Ok(())
        })
    }

    /// The signed-in person changes their own email, confirmed with the password.
    pub fn change_email(&mut self, session: &SessionId, email: &str, password: &Secret) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if actor.kind == auth::SessionKind::Business {
            return Err(Error::Denied("change your email on a personal login".into()));
        }
        self.confirm_own_password(&actor, password, "email_change")?;
        let email = crate::staff::check_email(&self.conn, email, Some(&actor.staff_id))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET email = ?2, updated_at = ?3 WHERE id = ?1",
            params![actor.staff_id, email, clock::to_db(now)],
        )?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "email_change", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    /// What every staff member may do with a new client (scope "own"): an admin setting,
    /// confirmed with the password (it widens or narrows everyone's rights).
    pub fn set_new_client_access(
        &mut self,
        session: &SessionId,
        level: crate::policy::Level,
        admin_password: &Secret,
    ) -> Result<()> {
        self.set_text_confirmed(session, settings::NEW_CLIENT_ACCESS, level.as_str(), admin_password)
    }

    /// Stores one text clinic setting through the gate as a settings change, confirmed
    /// with the admin's password and audited as `key=value`.
    fn set_text_confirmed(
        &mut self,
        session: &SessionId,
        key: &'static str,
        value: &str,
        password: &Secret,
    ) -> Result<()> {
        self.gated_with_password(session, Action::SettingsChange, None, password, |ctx| {
            settings::set_text(ctx.conn(), key, value)?;
            ctx.record_object(format!("{key}={value}"));
            Ok(())
        })
    }

    pub fn new_client_access(&self) -> Result<crate::policy::Level> {
        settings::new_client_access(&self.conn)
    }

    /// Changes the access model; an admin confirms with their password.
    pub fn set_access_model(
        &mut self,
        session: &SessionId,
        model: crate::policy::AccessModel,
        password: &Secret,
    ) -> Result<()> {
        self.set_text_confirmed(session, settings::ACCESS_MODEL, model.as_str(), password)
    }

    /// Moves the journal mode towards more protection only (notes → journals →
    /// journals with national ID); an admin confirms with the password. Audited.
    pub fn set_journal_mode(&mut self, session: &SessionId, mode: JournalMode, password: &Secret) -> Result<()> {
        let rank = |m: JournalMode| match m {
            JournalMode::Notes => 0,
            JournalMode::Journals => 1,
            JournalMode::JournalsWithId => 2,
        };
        let current = self.info()?.journal_mode;
        if rank(mode) < rank(current) {
            return Err(Error::invalid("the journal mode can only move towards more protection"));
        }
        self.gated_with_password(session, Action::SettingsChange, None, password, |ctx| {
            ctx.conn().execute("UPDATE clinic SET journal_mode = ?1", [mode.as_str()])?;
            ctx.record_object(format!("journal_mode={}", mode.as_str()));
            Ok(())
        })
    }

    /// An admin gives a staff member a new one-time password (they forgot theirs; it
    /// expires after 72 hours and allows nothing but choosing a new one), re-enables a PIN
    /// or a two-factor login disabled by wrong tries, and clears their password wait. The admin confirms with their password.
    pub fn admin_reset_staff(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        admin_password: &Secret,
    ) -> Result<String> {
        let otp = crate::staff::one_time_password();
        let otp_hash = auth::hash_secret(&Secret::new(otp.clone()))?;
        self.gated_with_password(session, Action::StaffUpdate, None, admin_password, |ctx| {
            let role: Option<String> =
                ctx.conn().query_row("SELECT role FROM staff WHERE id = ?1", [staff], |r| r.get(0)).optional()?;
            match role.as_deref() {
                None => return Err(Error::NotFound),
                Some("owner") => return Err(Error::Denied("the owner resets with the recovery code".into())),
                _ => {}
            }
            ctx.conn().execute(
                "UPDATE staff SET password_hash = ?2, must_change_password = 1, password_expires_at = ?4,
                        password_failures = 0, password_locked_until = NULL,
                        pin_failures = 0, pin_locked_until = NULL, pin_disabled = 0,
                        totp_failures = 0, totp_locked_until = NULL, totp_disabled = 0, updated_at = ?3 WHERE id = ?1",
                params![staff, otp_hash, clock::to_db(ctx.now()), clock::to_db(ctx.now() + crate::staff::one_time_password_lifetime())],
            )?;
            ctx.conn().execute(
                "UPDATE sessions SET ended_at = ?2, end_reason = 'password_reset' WHERE staff_id = ?1 AND ended_at IS NULL",
                params![staff, clock::to_db(ctx.now())],
            )?;
            ctx.record_object(format!("reset staff {staff}"));
            Ok(())
        })?;
        Ok(otp)
    }

    /// The log review's working day (local hours, end exclusive) and the "many clients
    /// in a day" threshold; administrators, audited.
    pub fn set_review_settings(
        &mut self,
        session: &SessionId,
        start_hour: i64,
        end_hour: i64,
        heavy_day: i64,
    ) -> Result<()> {
        if !(0..=23).contains(&start_hour) || !(1..=24).contains(&end_hour) || start_hour >= end_hour {
            return Err(Error::invalid("working hours must be 0–24 with the start before the end"));
        }
        if !(1..=10_000).contains(&heavy_day) {
            return Err(Error::invalid("the threshold must be between 1 and 10000 clients"));
        }
        self.gated(session, Action::SettingsChange, None, |ctx| {
            settings::set_i64(ctx.conn(), settings::WORK_START_HOUR, start_hour)?;
            settings::set_i64(ctx.conn(), settings::WORK_END_HOUR, end_hour)?;
            settings::set_i64(ctx.conn(), settings::HEAVY_DAY_CLIENTS, heavy_day)?;
            ctx.record_object(format!("review {start_hour}-{end_hour} heavy>{heavy_day}"));
            Ok(())
        })
    }

    /// The clinic's access model.
    pub fn access_model(&self) -> Result<crate::policy::AccessModel> {
        settings::access_model(&self.conn)
    }

    /// Changes the signed-in person's own password (old and new).
    pub fn change_password(&mut self, session: &SessionId, old: &Secret, new: &Secret) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::OwnPassword)?;
        let (name, email): (String, String) =
            self.conn.query_row("SELECT name, email FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        auth::require_strong(new, &[&name, &email])?;
        self.confirm_own_password(&actor, old, "password_change")?;
        let new_hash = auth::hash_secret(new)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET password_hash = ?2, must_change_password = 0, password_expires_at = NULL, updated_at = ?3
             WHERE id = ?1",
            params![actor.staff_id, new_hash, clock::to_db(now)],
        )?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "password_change", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    /// Sets the signed-in person's own PIN (on a personal login). Replacing a PIN
    /// already set needs the password; in national-ID mode only someone with two-factor
    /// login may have a PIN (it opens journals and national IDs at the desk).
    pub fn set_pin(&mut self, session: &SessionId, pin: &Secret, password: Option<&Secret>) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if actor.kind == auth::SessionKind::Business {
            return Err(Error::Denied("a PIN is set on a personal login".into()));
        }
        let (birth, has_pin, totp, business): (Option<String>, bool, bool, bool) = self.conn.query_row(
            "SELECT birth_date, pin_hash IS NOT NULL, totp_secret IS NOT NULL, can_business_login FROM staff WHERE id = ?1",
            [&actor.staff_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        if business {
            return Err(Error::Denied("a business login never has a PIN of its own".into()));
        }
        if !totp && auth::clinic_requires_strong_desk(&self.conn)? {
            return Err(Error::TotpRequired);
        }
        let birth = birth.and_then(|b| chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok());
        crate::pin::check_rules(pin.expose(), birth)?;
        if has_pin {
            let password = password.ok_or(Error::WrongCredentials)?;
            self.confirm_own_password(&actor, password, "pin_set")?;
        }
        let hash = auth::hash_secret(pin)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE staff SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL, pin_disabled = 0, updated_at = ?3 WHERE id = ?1",
            params![actor.staff_id, hash, clock::to_db(now)],
        )?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, "pin_set", Outcome::Ok))?;
        tx.commit()?;
        Ok(())
    }

    /// People who can unlock this business-login workstation with their PIN.
    /// On a personal login (someone who confirms journals with the PIN) only oneself.
    pub fn pin_candidates(&mut self, session: &SessionId) -> Result<Vec<(StaffId, String)>> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let personal = actor.kind != auth::SessionKind::Business;
        let me = actor.staff_id;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, role, features FROM staff WHERE active = 1 AND pin_hash IS NOT NULL
             ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, StaffId>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(all
            .into_iter()
            .filter(|(id, _, role, features)| crate::staff::uses_journal(role, features) && (!personal || id == &me))
            .map(|(id, name, _, _)| (id, name))
            .collect())
    }

    /// Unlocks a business-login session for `staff` with their PIN. Wrong PINs count
    /// towards that person's one lockout (persisted, shared with signing by PIN); one
    /// person's lockout never blocks another. The PIN owner becomes the actor of journal
    /// work until the unlock ends. A business login never unlocks with a PIN of its own,
    /// and in national-ID mode only someone with two-factor login may unlock.
    pub fn unlock_with_pin(&mut self, session: &SessionId, staff: &StaffId, pin: &Secret) -> Result<String> {
        let ticket = self.pin_unlock_begin(session, staff)?;
        let checked = ticket.check(pin);
        self.pin_unlock_end(session, &ticket, checked)
    }

    /// The PIN unlock's first quick step: every refusal that does not depend on the PIN
    /// (the slow check runs on the ticket, see [`Clinic::login_begin`]).
    pub fn pin_unlock_begin(&mut self, session: &SessionId, staff: &StaffId) -> Result<crate::attempts::SecretTicket> {
        let now = self.clock.now();
        let business = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let personal = business.kind != auth::SessionKind::Business;
        if personal && &business.staff_id != staff {
            return Err(Error::Denied("on a personal login only your own PIN confirms journal work".into()));
        }
        let row: Option<(bool, bool, String, String, bool, bool)> = self
            .conn
            .query_row(
                "SELECT pin_hash IS NOT NULL, active, role, features, can_business_login, totp_secret IS NOT NULL
                 FROM staff WHERE id = ?1",
                [staff],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((has_pin, active, role, features, is_business, totp)) = row else {
            return Err(Error::NotFound);
        };
        let via = if personal { None } else { Some(&business.staff_id) };
        let refuse = |conn: &Connection, why: &str| -> Result<()> {
            audit::append(
                conn,
                now,
                &audit::NewEvent {
                    via,
                    reason: Some(why),
                    ..auth::event(Some(staff), &self.ws, "pin_failed", Outcome::Denied)
                },
            )
            .map(|_| ())
        };
        if is_business || staff == &business.staff_id && !personal {
            refuse(&self.conn, "a business login has no PIN")?;
            return Err(Error::Denied("a business login never unlocks with a PIN of its own".into()));
        }
        if !(has_pin && active && crate::staff::uses_journal(&role, &features)) {
            return Err(Error::PinNotSet);
        }
        if !totp && auth::clinic_requires_strong_desk(&self.conn)? {
            refuse(&self.conn, "no two-factor login")?;
            return Err(Error::TotpRequired);
        }
        let typist = crate::attempts::Typist { staff, via };
        crate::attempts::begin_pin(&self.conn, &self.ws, now, typist, "pin_unlock")
    }

    /// The PIN unlock's last quick step: counts the try; when right, the PIN owner acts
    /// at this workstation until the unlock ends. Returns their name.
    pub fn pin_unlock_end(
        &mut self,
        session: &SessionId,
        ticket: &crate::attempts::SecretTicket,
        checked: crate::attempts::SecretChecked,
    ) -> Result<String> {
        let now = self.clock.now();
        let business = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let personal = business.kind != auth::SessionKind::Business;
        let via = if personal { None } else { Some(&business.staff_id) };
        let staff = ticket.staff();
        if personal && &business.staff_id != staff {
            return Err(Error::Denied("on a personal login only your own PIN confirms journal work".into()));
        }
        let idle = chrono::Duration::seconds(settings::pin_idle_seconds(&self.conn)?);
        crate::attempts::settle(&mut self.conn, &self.ws, now, ticket, checked)?;
        let name: String = self.conn.query_row("SELECT name FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
        let tx = self.conn.transaction()?;
        auth::set_pin_unlock(&tx, session, Some((staff, now + idle)))?;
        auth::touch(&tx, session, now)?;
        audit::append(
            &tx,
            now,
            &audit::NewEvent { via, ..auth::event(Some(staff), &self.ws, "pin_unlock", Outcome::Ok) },
        )?;
        tx.commit()?;
        Ok(name)
    }

    /// The business logins a staff member may switch this workstation to.
    pub fn desk_accounts(&mut self, session: &SessionId) -> Result<Vec<(StaffId, String)>> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if actor.kind != auth::SessionKind::Personal {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM staff WHERE can_business_login = 1 AND active = 1 ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Switches this workstation from the signed-in person's own login to the desk's
    /// business login (Planway: log in strongly, then switch). The person's session ends;
    /// the desk's session records who opened it and is refused once that person is no
    /// longer active. In national-ID mode this is the only way a desk opens, and only
    /// from a login that gave the two-factor code (a strong login).
    pub fn open_desk(&mut self, session: &SessionId, business: &StaffId) -> Result<SessionId> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if actor.kind != auth::SessionKind::Personal {
            return Err(Error::Denied("the desk is opened from a personal login".into()));
        }
        if settings::access_model(&self.conn)? != crate::policy::AccessModel::BusinessPin {
            return Err(Error::Denied("this clinic does not work with a business login".into()));
        }
        let strong: bool = self.conn.query_row("SELECT strong FROM sessions WHERE id = ?1", [session], |r| r.get(0))?;
        if !strong && auth::clinic_requires_strong_desk(&self.conn)? {
            return Err(Error::StrongLoginRequired);
        }
        let target: Option<(bool, bool)> = self
            .conn
            .query_row("SELECT can_business_login, active FROM staff WHERE id = ?1", [business], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if target != Some((true, true)) {
            return Err(Error::NotFound);
        }
        let desk = SessionId::new();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO sessions (id, staff_id, kind, workstation, os_user, started_at, last_active_at, opened_by,
                                   opened_by_session)
             VALUES (?1, ?2, 'business', ?3, ?4, ?5, ?5, ?6, ?7)",
            params![desk, business, self.ws.host, self.ws.os_user, clock::to_db(now), actor.staff_id, session],
        )?;
        auth::end_session(&tx, session, now, "switched_to_desk")?;
        audit::append(
            &tx,
            now,
            &audit::NewEvent {
                object: Some(&format!("desk {business}")),
                ..auth::event(Some(&actor.staff_id), &self.ws, "desk_open", Outcome::Ok)
            },
        )?;
        tx.commit()?;
        Ok(desk)
    }

    /// Ends a PIN unlock (journal closed, switching person).
    pub fn end_pin(&mut self, session: &SessionId) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        if let Some((pin_staff, _)) = &actor.pin {
            let tx = self.conn.transaction()?;
            auth::set_pin_unlock(&tx, session, None)?;
            audit::append(
                &tx,
                now,
                &audit::NewEvent {
                    via: (actor.kind == auth::SessionKind::Business).then_some(&actor.staff_id),
                    ..auth::event(Some(pin_staff), &self.ws, "pin_end", Outcome::Ok)
                },
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Opens a client's journal without a relation, for a few hours, with a stated
    /// reason ("break the glass"): allowed, audited as emergency access, flagged in the
    /// log review.
    pub fn emergency_access(&mut self, session: &SessionId, client: &ClientId, reason: &str) -> Result<()> {
        let reason = crate::relations::check_reason(reason)?;
        self.gated(session, Action::EmergencyAccess, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let me = ctx.actor().staff_id.clone();
            let now = ctx.now();
            let ends = now + chrono::Duration::hours(crate::relations::EMERGENCY_HOURS);
            // The stated reason may carry health data: it stays in the (encrypted)
            // relation, and the audit event only points to it.
            let relation =
                crate::relations::add(ctx.conn(), &me, client, "emergency", now, Some(ends), Some(&reason), &me, now)?;
            ctx.record_object(format!("{}{relation}", audit::RELATION_REF));
            Ok(())
        })
    }

    /// An admin assigns `staff` to `client` (from now on, until ended).
    pub fn assign_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, "assignment")
    }

    /// Assigns a client to a staff member for a period (local days, both included; no
    /// start = today, no end = until ended). Administrators; audited with the period.
    pub fn assign_relation_period(
        &mut self,
        session: &SessionId,
        staff: &StaffId,
        client: &ClientId,
        first_day: Option<chrono::NaiveDate>,
        last_day: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let now = self.clock.now();
        let starts = first_day.map(crate::relations::local_day_start).unwrap_or(now);
        let ends = last_day.map(|d| crate::relations::local_day_start(d + chrono::Duration::days(1)));
        if let Some(e) = ends {
            if e <= starts || e <= now {
                return Err(Error::invalid("the last day must be today or later, and not before the first day"));
            }
        }
        self.gated(session, Action::RelationChange, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let exists: i64 =
                ctx.conn().query_row("SELECT count(*) FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
            if exists == 0 {
                return Err(Error::NotFound);
            }
            let by = ctx.actor().staff_id.clone();
            crate::relations::add(ctx.conn(), staff, client, "assignment", starts, ends, None, &by, now)?;
            ctx.record_object(format!(
                "assignment staff {staff} from {} until {}",
                first_day.map(|d| d.to_string()).unwrap_or_else(|| "now".into()),
                last_day.map(|d| d.to_string()).unwrap_or_else(|| "ended".into())
            ));
            Ok(())
        })
    }

    /// A client's treatment relations, ended ones included (administrators).
    pub fn client_relations(
        &mut self,
        session: &SessionId,
        client: &ClientId,
    ) -> Result<Vec<crate::relations::RelationView>> {
        self.gated(session, Action::RelationList, Some(client), |ctx| {
            crate::relations::list_for_client(ctx.conn(), client, ctx.now())
        })
    }

    /// An admin blocks `staff` from `client`'s journal, whatever else they may.
    pub fn block_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, "block")
    }

    /// An admin ends every relation and block between `staff` and `client`.
    pub fn end_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId) -> Result<()> {
        self.change_relation(session, staff, client, "end")
    }

    fn change_relation(&mut self, session: &SessionId, staff: &StaffId, client: &ClientId, kind: &str) -> Result<()> {
        self.gated(session, Action::RelationChange, Some(client), |ctx| {
            clients::get(ctx, client)?;
            let exists: i64 =
                ctx.conn().query_row("SELECT count(*) FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
            if exists == 0 {
                return Err(Error::NotFound);
            }
            let by = ctx.actor().staff_id.clone();
            match kind {
                "end" => {
                    crate::relations::end(ctx.conn(), staff, client, ctx.now())?;
                }
                k => {
                    crate::relations::add(ctx.conn(), staff, client, k, ctx.now(), None, None, &by, ctx.now())?;
                }
            }
            ctx.record_object(format!("{kind} staff {staff}"));
            Ok(())
        })
    }

    // ---- sessions (the security page) ---------------------------------------------

    /// Open sessions: all of them for an administrator, otherwise the person's own.
    pub fn sessions(&mut self, session: &SessionId) -> Result<Vec<SessionView>> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let all = actor.role.is_admin() && actor.kind != auth::SessionKind::Business;
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, st.name, s.workstation, s.os_user, s.kind, s.started_at, s.last_active_at,
                    CASE WHEN s.pin_until > ?3 THEN p.name END
             FROM sessions s JOIN staff st ON st.id = s.staff_id LEFT JOIN staff p ON p.id = s.pin_staff
             WHERE s.ended_at IS NULL AND (?1 OR s.staff_id = ?2) ORDER BY s.last_active_at DESC",
        )?;
        let rows = stmt.query_map(params![all, actor.staff_id, clock::to_db(now)], |r| {
            let id: SessionId = r.get(0)?;
            Ok(SessionView {
                current: &id == session,
                id,
                staff_name: r.get(1)?,
                workstation: r.get(2)?,
                os_user: r.get(3)?,
                kind: r.get(4)?,
                started_at: r.get(5)?,
                last_active_at: r.get(6)?,
                pin_name: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Logs out another session (an administrator any, everyone their own); audited.
    pub fn end_other_session(&mut self, session: &SessionId, target: &SessionId) -> Result<()> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let owner: Option<StaffId> = self
            .conn
            .query_row("SELECT staff_id FROM sessions WHERE id = ?1 AND ended_at IS NULL", [target], |r| r.get(0))
            .optional()?;
        let Some(owner) = owner else { return Err(Error::NotFound) };
        let admin = actor.role.is_admin() && actor.kind != auth::SessionKind::Business;
        if !admin && owner != actor.staff_id {
            return Err(Error::Denied("only administrators log out other people's sessions".into()));
        }
        let tx = self.conn.transaction()?;
        auth::end_session(&tx, target, now, "ended_by_user")?;
        audit::append(
            &tx,
            now,
            &audit::NewEvent {
                object: Some(&format!("session of {owner}")),
                ..auth::event(Some(&actor.staff_id), &self.ws, "session_end", Outcome::Ok)
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Automatic logout after inactivity (administrators; with the password). Choices
    /// from 15 minutes to 24 hours — there is no "never".
    pub fn set_session_timeout(&mut self, session: &SessionId, minutes: i64, password: &Secret) -> Result<()> {
        if !SESSION_TIMEOUT_CHOICES.contains(&minutes) {
            return Err(Error::invalid("choose 15 minutes, 30 minutes, 1, 2, 4, 8 or 24 hours"));
        }
        self.gated_with_password(session, Action::SettingsChange, None, password, |ctx| {
            settings::set_i64(ctx.conn(), settings::SESSION_TIMEOUT_MINUTES, minutes)?;
            ctx.record_object(format!("session_timeout_minutes={minutes}"));
            Ok(())
        })
    }

    /// The PIN idle time at a shared workstation (30 s to 15 min) and whether every
    /// personal login needs two-factor login; administrators, with the password.
    pub fn set_security_settings(
        &mut self,
        session: &SessionId,
        pin_idle_seconds: i64,
        require_totp: bool,
        password: &Secret,
    ) -> Result<()> {
        if !(30..=900).contains(&pin_idle_seconds) {
            return Err(Error::invalid("the PIN idle time must be between 30 seconds and 15 minutes"));
        }
        self.gated_with_password(session, Action::SettingsChange, None, password, |ctx| {
            settings::set_i64(ctx.conn(), settings::PIN_IDLE_SECONDS, pin_idle_seconds)?;
            settings::set_i64(ctx.conn(), settings::REQUIRE_TOTP, i64::from(require_totp))?;
            ctx.record_object(format!("pin_idle_seconds={pin_idle_seconds} require_totp={require_totp}"));
            Ok(())
        })
    }

    /// (PIN idle seconds, two-factor required for everyone).
    pub fn security_settings(&self) -> Result<(i64, bool)> {
        Ok((settings::pin_idle_seconds(&self.conn)?, settings::require_totp(&self.conn)?))
    }

    pub fn session_timeout_minutes(&self) -> Result<i64> {
        settings::session_timeout_minutes(&self.conn)
    }

    // ---- attachments (through the gate, as journal work) ---------------------------

    /// Attaches a PDF or image to a client, or to one of its draft entries. Size and type
    /// (by content) are checked before the gate runs, so a refused file writes nothing.
    pub fn add_attachment(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        entry: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<crate::attachments::AttachmentMeta> {
        let mime = crate::attachments::check(bytes, crate::attachments::max_bytes(&self.conn)?)?;
        self.gated(session, Action::AttachmentAdd, Some(client), |ctx| {
            crate::attachments::add(ctx, client, entry, name, bytes, mime)
        })
    }

    /// A client's attachments (names, types, sizes; not the contents).
    pub fn list_attachments(
        &mut self,
        session: &SessionId,
        client: &ClientId,
    ) -> Result<Vec<crate::attachments::AttachmentMeta>> {
        self.gated(session, Action::AttachmentList, Some(client), |ctx| crate::attachments::list(ctx, client))
    }

    /// Opens one attachment (audited with its id).
    pub fn open_attachment(
        &mut self,
        session: &SessionId,
        id: &str,
    ) -> Result<(crate::attachments::AttachmentMeta, Vec<u8>)> {
        let client = crate::attachments::client_of(&self.conn, id)?;
        self.gated(session, Action::AttachmentOpen, client.as_ref(), |ctx| crate::attachments::open(ctx, id))
    }

    /// Removes an attachment from a draft entry.
    pub fn remove_attachment(&mut self, session: &SessionId, id: &str) -> Result<()> {
        let client = crate::attachments::client_of(&self.conn, id)?;
        self.gated(session, Action::AttachmentRemove, client.as_ref(), |ctx| crate::attachments::remove(ctx, id))
    }

    /// The largest attachment in megabytes (1–100; 25 by default); administrators.
    pub fn set_attachment_limit(&mut self, session: &SessionId, megabytes: i64) -> Result<()> {
        if !(1..=100).contains(&megabytes) {
            return Err(Error::invalid("the limit must be between 1 and 100 MB"));
        }
        self.set_number(session, settings::ATTACHMENT_MAX_MB, megabytes)
    }

    pub fn attachment_limit_mb(&self) -> Result<i64> {
        Ok((crate::attachments::max_bytes(&self.conn)? / 1024 / 1024) as i64)
    }

    // ---- journals (through the gate) -----------------------------------------------

    /// The client's journal (or notes), newest first.
    pub fn journal(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<crate::journal::Entry>> {
        self.auto_sign_due()?;
        self.gated(session, Action::JournalRead, Some(client), |ctx| crate::journal::list(ctx, client, 200))
    }

    /// Starts a draft entry, from a template or blank.
    /// Builds a new template or saves a new version of one (admins; audited).
    pub fn save_template(
        &mut self,
        session: &SessionId,
        key: Option<&str>,
        name: &str,
        body: &str,
        fields: &[crate::templates::Field],
    ) -> Result<crate::journal::Template> {
        let language = self.info()?.language;
        self.gated(session, Action::TemplateChange, None, |ctx| {
            crate::journal::save_template(ctx, language.as_str(), key, name, body, fields)
        })
    }

    /// Hides a template from new entries (admins; audited).
    pub fn retire_template(&mut self, session: &SessionId, key: &str) -> Result<()> {
        self.gated(session, Action::TemplateChange, None, |ctx| crate::journal::retire_template(ctx, key))
    }

    /// Saves the answers of a draft written from a fielded template.
    pub fn save_answers(
        &mut self,
        session: &SessionId,
        entry: &str,
        title: &str,
        answers: &crate::templates::Answers,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntryUpdate, client.as_ref(), |ctx| {
            crate::journal::save_answers(ctx, entry, title, answers)
        })
    }

    pub fn create_entry(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        template_id: Option<&str>,
        title: &str,
        body: &str,
    ) -> Result<crate::journal::Entry> {
        self.gated(session, Action::EntryCreate, Some(client), |ctx| {
            crate::journal::create_draft(ctx, client, template_id, title, body)
        })
    }

    /// Saves a draft as it is typed (each save is a committed, durable write).
    pub fn save_draft(
        &mut self,
        session: &SessionId,
        entry: &str,
        title: &str,
        body: &str,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntryUpdate, client.as_ref(), |ctx| {
            crate::journal::save_draft(ctx, entry, title, body)
        })
    }

    /// Signs (locks) a draft, confirmed with the person's password or PIN. The PIN is
    /// the same one, with the same lockout, as the unlock at the desk.
    pub fn sign_entry(&mut self, session: &SessionId, entry: &str, password: &Secret) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        let now = self.clock.now();
        let confirm = gate::Confirm::PasswordOrPin(password);
        gate::run_confirmed(
            &mut self.conn,
            &self.ws,
            now,
            session,
            Action::EntrySign,
            client.as_ref(),
            confirm,
            |ctx| crate::journal::sign(ctx, entry),
        )
    }

    /// Signs a synthetic demo entry through the gate without asking for the password
    /// (generating a million entries would otherwise spend hours in Argon2).
    pub(crate) fn demo_sign_entry(&mut self, session: &SessionId, entry: &str) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntrySign, client.as_ref(), |ctx| crate::journal::sign(ctx, entry))
    }

    /// Starts an addendum (a correction) to a signed entry.
    pub fn add_addendum(&mut self, session: &SessionId, original: &str, body: &str) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, original)?;
        self.gated(session, Action::EntryAddendum, client.as_ref(), |ctx| crate::journal::addendum(ctx, original, body))
    }

    /// Full-text search across signed entries.
    pub fn search_journals(&mut self, session: &SessionId, query: &str) -> Result<Vec<crate::journal::SearchHit>> {
        self.gated(session, Action::JournalSearch, None, |ctx| crate::journal::search(ctx, query, 50))
    }

    /// The client's full national ID, revealed on purpose (audited).
    pub fn reveal_national_id(&mut self, session: &SessionId, client: &ClientId) -> Result<Option<String>> {
        self.gated(session, Action::NationalIdReveal, Some(client), |ctx| clients::national_id(ctx, client))
    }

    /// Records that a client's journal or access log is being printed (`what` names it).
    pub fn record_print(&mut self, session: &SessionId, client: &ClientId, what: &str) -> Result<()> {
        // "journal", "access_log", or a date range of the journal: "journal 2026-01-01..2026-03-31".
        let what = match what {
            "journal" | "access_log" => what.to_owned(),
            _ => match what.strip_prefix("journal ").and_then(|r| r.split_once("..")) {
                Some((from, to)) => {
                    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
                    match (day(from), day(to)) {
                        (Some(f), Some(t)) if f <= t => format!("journal {f}..{t}"),
                        _ => {
                            return Err(Error::invalid("the period must be two dates, the first not after the second"))
                        }
                    }
                }
                None => return Err(Error::invalid("unknown print")),
            },
        };
        self.gated(session, Action::ClientPrint, Some(client), |ctx| {
            clients::get(ctx, client)?;
            ctx.record_object(what);
            Ok(())
        })
    }

    /// The clinic's templates in its language (no client data; needs a live session).
    pub fn templates(&mut self, session: &SessionId) -> Result<Vec<crate::journal::Template>> {
        let now = self.clock.now();
        auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let language = self.info()?.language;
        crate::journal::templates(&self.conn, language.as_str())
    }

    // ---- audit ------------------------------------------------------------------------

    /// A page of the audit trail, newest first, for a person with the audit right.
    pub fn audit_page(
        &mut self,
        session: &SessionId,
        filter: &audit::Filter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventView>> {
        self.gated(session, Action::AuditRead, filter.client.as_ref(), |ctx| {
            audit::page(ctx.conn(), filter, before_seq, limit)
        })
    }

    /// "Who has seen this record": every access to one client, oldest first — the data
    /// subject's right of access (GDPR art. 15, Patientdatalagen 8:5).
    pub fn client_access_log(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<EventView>> {
        self.gated(session, Action::ClientAccessLog, Some(client), |ctx| {
            clients::get(ctx, client)?;
            audit::all(ctx.conn(), &audit::Filter::for_client(client.clone()))
        })
    }

    /// The month's log review report (loggkontroll), with the chain head it covers.
    pub fn log_review(&mut self, session: &SessionId, period: crate::review::Period) -> Result<crate::review::Review> {
        let clinic_id = self.slots.clinic_id.as_str().to_owned();
        self.gated(session, Action::AuditReview, None, |ctx| {
            crate::review::build(ctx.conn(), &clinic_id, period, ctx.now())
        })
    }

    /// Signs off a month's report with a comment; recorded in the chain.
    pub fn mark_log_reviewed(
        &mut self,
        session: &SessionId,
        period: crate::review::Period,
        comment: &str,
    ) -> Result<()> {
        self.gated(session, Action::AuditReviewMark, None, |ctx| {
            let reviewer = ctx.actor().staff_id.clone();
            crate::review::mark(ctx.conn(), &reviewer, period, comment, ctx.now())
        })
    }

    /// Exports the matching events as CSV or a FHIR R4 Bundle; the export is audited.
    /// The file it becomes is not encrypted, so the person confirms with the password.
    pub fn export_audit(
        &mut self,
        session: &SessionId,
        filter: &audit::Filter,
        format: ExportFormat,
        password: &Secret,
    ) -> Result<String> {
        self.gated_with_password(session, Action::AuditExport, filter.client.as_ref(), password, |ctx| {
            render_export(&audit::all(ctx.conn(), filter)?, format, ctx.now())
        })
    }

    /// The same export for the key holder on the command line, recorded in the chain
    /// with no staff actor (the CLI holds the key, not a login).
    pub fn export_audit_as_key_holder(&mut self, filter: &audit::Filter, format: ExportFormat) -> Result<String> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let out = render_export(&audit::all(&tx, filter)?, format, now)?;
        let object = format!("cli export {}", format.as_str());
        audit::append(
            &tx,
            now,
            &audit::NewEvent {
                actor: None,
                via: None,
                workstation: &self.ws.host,
                action: Action::AuditExport.audit_name(),
                client: filter.client.as_ref(),
                object: Some(&object),
                outcome: Outcome::Ok,
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(out)
    }

    /// Bulk loading for synthetic demo and benchmark clinics only: trades durability
    /// for speed (`synchronous = OFF`) until switched back. Never used for real work.
    pub(crate) fn set_bulk_load(&self, on: bool) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", if on { "OFF" } else { "FULL" })?;
        Ok(())
    }

    /// The connection, for the in-crate benchmark and demo builders.
    /// Runs `op` for `session` through the gate, now: the one door to client data.
    fn gated<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        client: Option<&ClientId>,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        gate::run(&mut self.conn, &self.ws, now, session, action, client, op)
    }

    /// Runs `op` through the gate after the acting person confirmed with their password
    /// (counted and throttled like every password door).
    fn gated_with_password<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        client: Option<&ClientId>,
        password: &Secret,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        let confirm = gate::Confirm::Password(password);
        gate::run_confirmed(&mut self.conn, &self.ws, now, session, action, client, confirm, op)
    }

    /// Re-authentication on one's own account (outside the gate: no client data), at
    /// `door`; counted and throttled like every password door.
    fn confirm_own_password(&mut self, actor: &auth::Actor, password: &Secret, door: &str) -> Result<()> {
        let now = self.clock.now();
        let typist = crate::attempts::Typist { staff: &actor.staff_id, via: None };
        crate::attempts::confirm_password(&mut self.conn, &self.ws, now, typist, password, door)
    }

    pub(crate) fn conn_for_crate(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn workstation_host(&self) -> String {
        self.ws.host.clone()
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Where chain heads are kept outside the database (see [`audit::AnchorLog`]).
    pub fn set_anchor_log(&mut self, log: audit::AnchorLog) {
        self.anchor_log = Some(log);
    }

    /// Verifies the chain on behalf of a signed-in person (recorded in the chain):
    /// recomputes every hash, checks the newest anchor kept outside the database, and
    /// on success writes a new anchor there.
    pub fn verify_audit_as(&mut self, session: &SessionId) -> Result<Verification> {
        let now = self.clock.now();
        let clinic_id = self.slots.clinic_id.as_str().to_owned();
        let anchors = self.anchor_log.clone();
        let previous = match &anchors {
            Some(log) => log.latest()?,
            None => None,
        };
        let second = self.second_reader()?;
        let v = self.gated(session, Action::AuditVerify, None, |ctx| {
            let mut v = audit::verify_in_halves(ctx.conn(), second)?;
            if let (true, Some(anchor)) = (v.intact, &previous) {
                if let Some((seq, problem)) = anchor.check(ctx.conn(), &clinic_id)? {
                    v.intact = false;
                    v.first_bad_seq = Some(seq);
                    v.problem = Some(problem);
                }
            }
            Ok(v)
        })?;
        if let (true, Some(log)) = (v.intact, &anchors) {
            log.append(&audit::Anchor::of(&self.conn, &clinic_id, now)?)?;
        }
        if v.intact {
            self.anchor_head()?;
        }
        Ok(v)
    }

    /// Verifies the chain for the key holder (the CLI).
    pub fn verify_audit(&self) -> Result<Verification> {
        audit::verify_in_halves(&self.conn, self.second_reader()?)
    }

    /// A second connection to this clinic's database, for reading in parallel.
    fn second_reader(&self) -> Result<Connection> {
        vault::open_connection(&self.dir.database(), &self.key, OpenMode::Existing)
    }

    /// The chain head to keep outside the database.
    pub fn audit_anchor(&self) -> Result<audit::Anchor> {
        audit::Anchor::of(&self.conn, self.slots.clinic_id.as_str(), self.clock.now())
    }

    /// Verifies the chain and, when given, that it still contains the anchored head.
    pub fn verify_audit_with_anchor(&self, anchor: &audit::Anchor) -> Result<Verification> {
        let mut v = audit::verify_in_halves(&self.conn, self.second_reader()?)?;
        if v.intact {
            if let Some((seq, problem)) = anchor.check(&self.conn, self.slots.clinic_id.as_str())? {
                v.intact = false;
                v.first_bad_seq = Some(seq);
                v.problem = Some(problem);
            }
        }
        Ok(v)
    }

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

    /// A backup made by whoever holds the key (the `klinik backup` command), audited
    /// without a person.
    pub fn backup_as_key_holder(&mut self, dest: &Path) -> Result<crate::backup::Manifest> {
        let now = self.clock.now();
        crate::backup::prepare_target(dest)?;
        audit::append(
            &self.conn,
            now,
            &audit::NewEvent {
                object: Some(&format!("backup to {}", dest.display())),
                ..auth::event(None, &self.ws, "backup_create", Outcome::Ok)
            },
        )?;
        self.finish_backup(dest, now)
    }

    fn finish_backup(&mut self, dest: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<crate::backup::Manifest> {
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

    fn write_backup(&mut self, dest: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<crate::backup::Manifest> {
        let db = dest.join("klinik.db");
        let path = db.to_str().ok_or_else(|| Error::invalid("the backup folder's name cannot be used"))?;
        // The live connection may not create files (it opens existing databases only), so
        // the empty file is made here; SQLCipher treats an empty file as a new database.
        std::fs::File::create(&db)?;
        // No KEY clause: the attached file gets exactly the main database's key.
        self.conn.execute("ATTACH DATABASE ?1 AS backup", [path])?;
        let exported = (|| -> Result<i64> {
            self.conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
            let version = migrations::schema_version(&self.conn)?;
            self.conn.execute_batch(&format!("PRAGMA backup.user_version = {version}"))?;
            let integrity: String = self.conn.query_row("PRAGMA backup.integrity_check", [], |r| r.get(0))?;
            if integrity != "ok" {
                return Err(Error::Corrupted(format!("the backup failed its integrity check: {integrity}")));
            }
            let mut stmt = self.conn.prepare("PRAGMA backup.cipher_integrity_check")?;
            let problems = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            if !problems.is_empty() {
                return Err(Error::Corrupted(format!("the backup failed its cipher check: {}", problems.join("; "))));
            }
            Ok(version)
        })();
        self.conn.execute("DETACH DATABASE backup", [])?;
        let schema_version = exported?;
        std::fs::copy(self.dir.keyslots(), dest.join("keyslots.json"))?;
        let anchor = self.audit_anchor()?;
        let manifest = crate::backup::Manifest {
            clinic_id: self.slots.clinic_id.to_string(),
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

    /// Health of the database, its encryption and its audit chain.
    pub fn doctor(&self) -> Result<DoctorReport> {
        Ok(DoctorReport {
            cipher_version: vault::cipher_version(&self.conn)?,
            integrity_problems: vault::integrity_problems(&self.conn)?,
            schema_version: migrations::schema_version(&self.conn)?,
            schema_latest: migrations::latest(),
            key_storage: self.slots.key_storage,
            opened_with: self.opened_with,
            audit: audit::verify_in_halves(&self.conn, self.second_reader()?)?,
        })
    }
}

/// The two export formats of the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Fhir,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "csv" => Ok(Self::Csv),
            "fhir" => Ok(Self::Fhir),
            _ => Err(Error::invalid("export format must be csv or fhir")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Fhir => "fhir",
        }
    }
}

fn render_export(events: &[EventView], format: ExportFormat, now: chrono::DateTime<chrono::Utc>) -> Result<String> {
    Ok(match format {
        ExportFormat::Csv => audit::to_csv(events),
        ExportFormat::Fhir => {
            serde_json::to_string_pretty(&audit::to_fhir(events, now)).map_err(|e| Error::Internal(e.to_string()))?
        }
    })
}

/// How many of the newest audit events the after-crash check verifies.
const CRASH_TAIL_EVENTS: i64 = 1000;

/// docs/SECURITY.md: after a crash, a quick check and an audit tail check on open. Damage is
/// refused with `Corrupted` (the window then says to restore a backup; nothing is
/// "repaired" by deleting). A passed check is recorded by the caller, after migrations.
fn after_crash_check(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let problems: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if problems != ["ok"] {
        return Err(Error::Corrupted(format!("quick check after an unclean shutdown: {}", problems.join("; "))));
    }
    let tail = audit::verify_tail(conn, CRASH_TAIL_EVENTS)?;
    if !tail.intact {
        return Err(Error::Corrupted(format!(
            "the newest audit events are damaged after an unclean shutdown (event {}): {}",
            tail.first_bad_seq.unwrap_or(0),
            tail.problem.unwrap_or_default()
        )));
    }
    Ok(())
}

/// How far the clock may lag the last recorded time before it counts as moved backwards
/// (a TOTP step accepted from a phone a little ahead, two machines a little apart).
const CLOCK_TOLERANCE_SECS: i64 = 120;

/// docs/SECURITY.md: a clock that moves backwards past the last audit event or the last
/// accepted TOTP step is noticed and audited. The event's own time is the (behind) clock,
/// so the next check compares against it and the warning is recorded once per jump.
/// Returns whether the clock was behind.
fn notice_clock_backwards(conn: &Connection, ws: &Workstation, now: chrono::DateTime<chrono::Utc>) -> Result<bool> {
    let last_event: Option<String> =
        conn.query_row("SELECT at FROM audit_events ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).optional()?;
    let last_step: Option<i64> = conn.query_row("SELECT max(totp_last_step) FROM staff", [], |r| r.get(0))?;
    let mut latest = last_event.as_deref().map(clock::from_db).transpose()?;
    if let Some(step) = last_step.and_then(|s| chrono::DateTime::from_timestamp(s.saturating_mul(30), 0)) {
        latest = latest.max(Some(step));
    }
    let Some(latest) = latest else { return Ok(false) };
    let behind = (latest - now).num_seconds();
    if behind <= CLOCK_TOLERANCE_SECS {
        return Ok(false);
    }
    let reason = format!("the clock is {behind} s behind the last recorded time");
    audit::append(
        conn,
        now,
        &audit::NewEvent { reason: Some(&reason), ..auth::event(None, ws, "clock_backwards", Outcome::Ok) },
    )?;
    Ok(true)
}

impl Drop for Clinic {
    /// A clean close leaves the marker that says so (see [`DataDir::clean_marker`]).
    fn drop(&mut self) {
        // The anchor first: a close that could not anchor is still a clean close, and the
        // next open checks against the previous anchor.
        let _ = self.anchor_head();
        let _ = std::fs::write(self.dir.clean_marker(), b"closed cleanly\n");
    }
}

/// The key from what the person offered: the passphrase, then the recovery code.
/// `Locked` when nothing was offered.
fn unwrap_offered(slots: &KeySlots, unlock: &Unlock) -> Result<(MasterKey, OpenedWith)> {
    let mut last_err = Error::Locked;
    if let (Some(p), Some(slot)) = (&unlock.passphrase, slots.slot(SlotKind::Passphrase)) {
        let n = normalized_secret(p);
        match slot.unwrap_key(&slots.clinic_id, n.as_bytes())? {
            Some(key) => return Ok((key, OpenedWith::Passphrase)),
            None => last_err = Error::WrongPassphrase,
        }
    }
    if let Some(code) = &unlock.recovery_code {
        let key = match RecoveryCode::parse(code.expose()) {
            Ok(rc) => match slots.slot(SlotKind::Recovery) {
                Some(slot) => slot.unwrap_key(&slots.clinic_id, rc.kdf_input())?,
                None => return Err(Error::Corrupted("keyslots.json has no recovery slot".into())),
            },
            Err(_) => None,
        };
        match key {
            Some(key) => return Ok((key, OpenedWith::RecoveryCode)),
            None => last_err = Error::WrongRecoveryCode,
        }
    }
    Err(last_err)
}

/// Ten new recovery codes and their hashes (hashed before any transaction opens: Argon2
/// is slow on purpose and must not hold the database's write lock).
fn new_recovery_set() -> Result<(Vec<String>, Vec<String>)> {
    let codes = crate::totp::new_recovery_codes();
    let hashes = codes.iter().map(|c| auth::hash_secret(&Secret::new(c.clone()))).collect::<Result<Vec<_>>>()?;
    Ok((codes, hashes))
}

/// Replaces a person's recovery codes with a new set.
fn store_recovery_codes(conn: &Connection, staff: &StaffId, hashes: &[String]) -> Result<()> {
    conn.execute("DELETE FROM totp_recovery_codes WHERE staff_id = ?1", [staff])?;
    for h in hashes {
        conn.execute(
            "INSERT INTO totp_recovery_codes (id, staff_id, code_hash) VALUES (?1, ?2, ?3)",
            params![uuid::Uuid::now_v7().to_string(), staff, h],
        )?;
    }
    Ok(())
}

fn normalized_secret(s: &Secret) -> zeroize::Zeroizing<String> {
    use unicode_normalization::UnicodeNormalization;
    zeroize::Zeroizing::new(s.expose().nfc().collect())
}
