//! Opening, creating and restoring a clinic, and the checks before anything is written.

use super::*;

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
            // Anchored from the start (below): a missing anchor later is a removed one.
            settings::set_i64(&tx, settings::AUDIT_ANCHORED, 1)?;
            crate::records::starters::ensure_starter_templates(&tx, &clock::to_db(now))?;
            crate::calendar::calendars::ensure_staff_calendars(&tx, now)?;
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
    pub(super) fn finish(
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
                // Anchored before, anchor gone: someone removed it (perhaps beside an older
                // copy of the file). The recovery code's holder may open anyway (a new
                // computer has no anchor yet); the clinic is re-anchored at its close.
                Ok(None) if settings::audit_anchored(&conn)? && opened_with != OpenedWith::RecoveryCode => {
                    return Err(Error::Corrupted(
                        "the audit trail's anchor is missing: it was removed, or this clinic file was copied \
                         from elsewhere. Open it with the recovery code, or restore the newest backup"
                            .into(),
                    ));
                }
                Ok(None) => {}
                // A keyring that cannot be read now (the clinic opened with the recovery
                // code) cannot be checked against; a damaged anchor file is refused.
                Err(e @ Error::Corrupted(_)) => return Err(e),
                Err(_) => {}
            }
        }
        migrations::migrate(&mut conn)?;
        let now = clock.now();
        crate::calendar::calendars::ensure_staff_calendars(&conn, now)?;
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
        if !settings::audit_anchored(&conn)? {
            settings::set_i64(&conn, settings::AUDIT_ANCHORED, 1)?;
        }
        crate::records::starters::ensure_starter_templates(&conn, &clock::to_db(now))?;
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
    pub(super) fn anchor_head(&self) -> Result<()> {
        self.anchor.store(&crate::anchor::head_of(&self.conn)?, false)
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
            seen_mismatches: audit::seen::check(&self.conn)?,
        })
    }
}

/// The key from what the person offered: the passphrase, then the recovery code.
/// `Locked` when nothing was offered.
pub(super) fn unwrap_offered(slots: &KeySlots, unlock: &Unlock) -> Result<(MasterKey, OpenedWith)> {
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

/// How many of the newest audit events the after-crash check verifies.
const CRASH_TAIL_EVENTS: i64 = 1000;

/// docs/SECURITY.md: after a crash, a quick check and an audit tail check on open. Damage is
/// refused with `Corrupted` (the window then says to restore a backup; nothing is
/// "repaired" by deleting). A passed check is recorded by the caller, after migrations.
pub(super) fn after_crash_check(conn: &Connection) -> Result<()> {
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
pub(super) fn notice_clock_backwards(
    conn: &Connection,
    ws: &Workstation,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
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

pub(super) fn normalized_secret(s: &Secret) -> zeroize::Zeroizing<String> {
    use unicode_normalization::UnicodeNormalization;
    zeroize::Zeroizing::new(s.expose().nfc().collect())
}
