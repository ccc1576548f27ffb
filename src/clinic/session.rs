//! Signing in and out, locking, who is signed in, and the open sessions.

use super::*;

impl Clinic {
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
        super::open::notice_clock_backwards(&self.conn, &self.ws, now)?;
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
        if ticket.is_pin() || ticket.staff() != actor.opened_by.as_ref().unwrap_or(&actor.staff_id) {
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
        let mut stmt =
            self.conn.prepare_cached("SELECT id, name FROM staff WHERE kind = 'staff' ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The person behind a session (also while it is locked).
    pub fn me(&mut self, session: &SessionId) -> Result<Me> {
        let now = self.clock.now();
        let actor = auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Session)?;
        #[allow(clippy::type_complexity)]
        let (name, email, locked, must_change, has_pin, totp_enabled, language): (
            String,
            String,
            i64,
            i64,
            bool,
            bool,
            Option<String>,
        ) = self.conn.query_row(
            "SELECT st.name, st.email, s.locked, st.must_change_password, st.pin_hash IS NOT NULL,
                    st.totp_secret IS NOT NULL, st.language
             FROM staff st JOIN sessions s ON s.staff_id = st.id WHERE s.id = ?1",
            [session],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )?;
        let business = actor.kind == auth::SessionKind::Business;
        let must_enroll_totp = !business && !totp_enabled && auth::clinic_requires_totp(&self.conn)?;
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
            relative: actor.relative,
            language: language.as_deref().map(Language::parse).transpose()?,
        })
    }

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
}
