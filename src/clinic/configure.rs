//! The clinic's settings, each changed through the gate by an administrator.

use super::*;

impl Clinic {
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
    pub(super) fn set_number(&mut self, session: &SessionId, key: &'static str, value: i64) -> Result<()> {
        self.gated(session, Action::SettingsChange, None, |ctx| {
            settings::set_i64(ctx.conn(), key, value)?;
            ctx.record_object(format!("{key}={value}"));
            Ok(())
        })
    }

    pub fn auto_sign_hours(&self) -> Result<i64> {
        settings::auto_sign_hours(&self.conn)
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
    pub(super) fn set_text_confirmed(
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

    /// Whether booking a client with a practitioner makes them the practitioner's client
    /// (an `appointment` relation). It widens who opens a journal, so an admin confirms
    /// with their password.
    pub fn set_appointment_relation(&mut self, session: &SessionId, on: bool, admin_password: &Secret) -> Result<()> {
        let value = if on { "1" } else { "0" };
        self.set_text_confirmed(session, settings::APPOINTMENT_RELATION, value, admin_password)
    }

    pub fn appointment_relation(&self) -> Result<bool> {
        settings::appointment_relation(&self.conn)
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
}
