//! A person's own account: password, email, PIN, two-factor login and its recovery codes.

use super::*;

impl Clinic {
    /// The signed-in person, about to change their own account. `door` says what a
    /// session in a special state may do (a one-time password: only choose a new one);
    /// `personal_only` refuses a business login (a desk has no email, PIN or phone).
    fn account_holder(&mut self, session: &SessionId, door: auth::Door, personal_only: bool) -> Result<auth::Actor> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, door)?;
        if personal_only && actor.kind == auth::SessionKind::Business {
            return Err(Error::Denied("this is changed on a personal login".into()));
        }
        Ok(actor)
    }

    /// One change to the person's own account: the change and its audit event (`action`)
    /// in one transaction, so no change can happen without its record. Slow work (Argon2)
    /// and password confirmations happen before, outside the transaction.
    fn change_own<T>(
        &mut self,
        actor: &auth::Actor,
        action: &'static str,
        change: impl FnOnce(&Connection, chrono::DateTime<chrono::Utc>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let out = change(&tx, now)?;
        audit::append(&tx, now, &auth::event(Some(&actor.staff_id), &self.ws, action, Outcome::Ok))?;
        tx.commit()?;
        Ok(out)
    }

    /// Changes the signed-in person's own password (old and new).
    pub fn change_password(&mut self, session: &SessionId, old: &Secret, new: &Secret) -> Result<()> {
        let actor = self.account_holder(session, auth::Door::OwnPassword, false)?;
        let (name, email): (String, String) =
            self.conn.query_row("SELECT name, email FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        auth::require_strong(new, &[&name, &email])?;
        self.confirm_own_password(&actor, old, "password_change")?;
        let new_hash = auth::hash_secret(new)?;
        self.change_own(&actor, "password_change", |tx, now| {
            tx.execute(
                "UPDATE staff SET password_hash = ?2, must_change_password = 0, password_expires_at = NULL,
                        updated_at = ?3 WHERE id = ?1",
                params![actor.staff_id, new_hash, clock::to_db(now)],
            )?;
            Ok(())
        })
    }

    /// The signed-in person changes their own email, confirmed with the password.
    pub fn change_email(&mut self, session: &SessionId, email: &str, password: &Secret) -> Result<()> {
        let actor = self.account_holder(session, auth::Door::Own, true)?;
        self.confirm_own_password(&actor, password, "email_change")?;
        let email = crate::staff::check_email(&self.conn, email, Some(&actor.staff_id))?;
        self.change_own(&actor, "email_change", |tx, now| {
            tx.execute(
                "UPDATE staff SET email = ?2, updated_at = ?3 WHERE id = ?1",
                params![actor.staff_id, email, clock::to_db(now)],
            )?;
            Ok(())
        })
    }

    /// Sets the signed-in person's own PIN (on a personal login). Replacing a PIN
    /// already set needs the password; in national-ID mode only someone with two-factor
    /// login may have a PIN (it opens journals and national IDs at the desk).
    pub fn set_pin(&mut self, session: &SessionId, pin: &Secret, password: Option<&Secret>) -> Result<()> {
        let actor = self.account_holder(session, auth::Door::Work, true)?;
        let (birth, has_pin, totp, business): (Option<String>, bool, bool, bool) = self.conn.query_row(
            "SELECT birth_date, pin_hash IS NOT NULL, totp_secret IS NOT NULL, can_business_login FROM staff WHERE id = ?1",
            [&actor.staff_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        if business {
            return Err(Error::Denied("a business login never has a PIN of its own".into()));
        }
        if !totp && settings::national_id_mode(&self.conn)? {
            return Err(Error::TotpRequired);
        }
        let birth = birth.and_then(|b| chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok());
        crate::pin::check_rules(pin.expose(), birth)?;
        if has_pin {
            let password = password.ok_or(Error::WrongCredentials)?;
            self.confirm_own_password(&actor, password, "pin_set")?;
        }
        let hash = auth::hash_secret(pin)?;
        self.change_own(&actor, "pin_set", |tx, now| {
            tx.execute(
                "UPDATE staff SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL, pin_disabled = 0,
                        updated_at = ?3 WHERE id = ?1",
                params![actor.staff_id, hash, clock::to_db(now)],
            )?;
            Ok(())
        })
    }

    /// Chooses the person's own language for the screens (`None`: the clinic's again). Kept
    /// with the login — also a shared desk's, whose people then share it — and recorded
    /// like the account's other changes.
    pub fn set_my_language(&mut self, session: &SessionId, language: Option<Language>) -> Result<()> {
        let actor = self.account_holder(session, auth::Door::Own, false)?;
        self.change_own(&actor, "language_change", |tx, _| {
            tx.execute(
                "UPDATE staff SET language = ?2 WHERE id = ?1",
                params![actor.staff_id, language.map(Language::as_str)],
            )?;
            Ok(())
        })
    }

    /// Starts two-factor enrollment: a new secret, pending until a code confirms it.
    /// Replacing a factor already in use needs the password (someone at an unlocked
    /// window must not be able to move another person's second factor to their phone).
    pub fn begin_totp(&mut self, session: &SessionId, password: Option<&Secret>) -> Result<TotpEnrollment> {
        let actor = self.account_holder(session, auth::Door::Own, true)?;
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
        self.change_own(&actor, "totp_begin", |tx, _| {
            tx.execute(
                "UPDATE staff SET totp_pending = ?2 WHERE id = ?1",
                params![actor.staff_id, hex::encode(secret)],
            )?;
            Ok(())
        })?;
        let uri = crate::totp::provisioning_uri(&secret, &email)?;
        Ok(TotpEnrollment { secret_base32: crate::totp::secret_base32(&uri), qr_svg: crate::totp::qr_svg(&uri)?, uri })
    }

    /// Confirms enrollment with a code from the app; returns the ten recovery codes
    /// (shown once).
    pub fn confirm_totp(&mut self, session: &SessionId, code: &Secret) -> Result<Vec<String>> {
        let now = self.clock.now();
        let actor = self.account_holder(session, auth::Door::Own, true)?;
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
        self.change_own(&actor, "totp_enabled", |tx, _| {
            tx.execute(
                "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2,
                        totp_failures = 0, totp_locked_until = NULL, totp_disabled = 0 WHERE id = ?1",
                params![actor.staff_id, step as i64],
            )?;
            store_recovery_codes(tx, &actor.staff_id, &hashes)
        })?;
        Ok(codes)
    }

    /// A fresh set of ten recovery codes (the old ones stop working), confirmed with the
    /// password; shown once. For someone who used or lost theirs.
    pub fn renew_totp_recovery_codes(&mut self, session: &SessionId, password: &Secret) -> Result<Vec<String>> {
        let actor = self.account_holder(session, auth::Door::Own, true)?;
        let enrolled: bool =
            self.conn.query_row("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                r.get(0)
            })?;
        if !enrolled {
            return Err(Error::invalid("two-factor login is not turned on"));
        }
        self.confirm_own_password(&actor, password, "totp_recovery_renewed")?;
        let (codes, hashes) = new_recovery_set()?;
        self.change_own(&actor, "totp_recovery_renewed", |tx, _| store_recovery_codes(tx, &actor.staff_id, &hashes))?;
        Ok(codes)
    }

    /// Turns two-factor login off (re-authentication with the password); refused where
    /// the clinic's mode requires it.
    pub fn disable_totp(&mut self, session: &SessionId, password: &Secret) -> Result<()> {
        let actor = self.account_holder(session, auth::Door::Own, true)?;
        if auth::clinic_requires_totp(&self.conn)? {
            return Err(Error::Denied("this clinic requires two-factor login".into()));
        }
        self.confirm_own_password(&actor, password, "totp_disabled")?;
        self.change_own(&actor, "totp_disabled", |tx, _| {
            tx.execute(
                "UPDATE staff SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?1",
                [&actor.staff_id],
            )?;
            tx.execute("DELETE FROM totp_recovery_codes WHERE staff_id = ?1", [&actor.staff_id])?;
            Ok(())
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
}

/// Ten new recovery codes and their hashes (hashed before any transaction opens: Argon2
/// is slow on purpose and must not hold the database's write lock).
pub(super) fn new_recovery_set() -> Result<(Vec<String>, Vec<String>)> {
    let codes = crate::totp::new_recovery_codes();
    let hashes = codes.iter().map(|c| auth::hash_secret(&Secret::new(c.clone()))).collect::<Result<Vec<_>>>()?;
    Ok((codes, hashes))
}

/// Replaces a person's recovery codes with a new set.
pub(super) fn store_recovery_codes(conn: &Connection, staff: &StaffId, hashes: &[String]) -> Result<()> {
    conn.execute("DELETE FROM totp_recovery_codes WHERE staff_id = ?1", [staff])?;
    for h in hashes {
        conn.execute(
            "INSERT INTO totp_recovery_codes (id, staff_id, code_hash) VALUES (?1, ?2, ?3)",
            params![uuid::Uuid::now_v7().to_string(), staff, h],
        )?;
    }
    Ok(())
}
