//! Staff administration: adding people, their rights, photos, PINs and resets.

use super::*;

impl Clinic {
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
            if !totp && settings::national_id_mode(ctx.conn())? {
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
}
