//! The reception desk: opening it from a strong login, PIN unlocks and their end.

use super::*;

impl Clinic {
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
        if !totp && settings::national_id_mode(&self.conn)? {
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
        if !ticket.is_pin() {
            return Err(Error::Denied("a PIN unlock takes a PIN".into()));
        }
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
        if !strong && settings::national_id_mode(&self.conn)? {
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
}
