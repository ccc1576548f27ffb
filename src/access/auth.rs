//! Who is acting: passwords, sessions and the actor the gate works with.
//!
//! Passwords are Argon2id (m = 19 MiB, t = 2, p = 1, random salt, PHC string) over the
//! NFC form of what was typed, capped at 1 KiB before hashing. A session belongs to one
//! window on one workstation; it ends after the clinic's inactivity timeout and can be
//! locked (the person steps away) without ending it. Session kinds and the `via` field
//! already fit the business-login + PIN model that comes later.

use crate::audit::{self, NewEvent, Outcome};
use crate::clock;
use crate::ids::{SessionId, StaffId};
use crate::policy::Role;
use crate::secret::Secret;
use crate::settings;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::password::DUMMY_HASH;
pub use super::password::{
    hash_secret, password_strength, require_strong, verify_secret, PasswordStrength, MAX_SECRET_BYTES,
    MIN_PASSWORD_CHARS,
};

/// What kind of sign-in a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "snake_case")]
pub enum SessionKind {
    Personal,
    Business,
    Pin,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The person an operation is attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub staff_id: StaffId,
    pub role: Role,
    pub active: bool,
    pub session: SessionId,
    pub kind: SessionKind,
    /// The business-login account a PIN unlock happened under.
    pub via: Option<StaffId>,
    /// On a business-login session: whose PIN unlocked it, and until when.
    pub pin: Option<(StaffId, DateTime<Utc>)>,
    /// On a desk in national-ID mode: the staff member whose strong login opened it.
    pub opened_by: Option<StaffId>,
    /// A relative signed in (not a staff member): `staff_id` is the relative's id, the
    /// role a placeholder; the gate decides on their bindings only.
    pub relative: bool,
}

/// Where the app is running, recorded on sessions and audit events.
#[derive(Debug, Clone)]
pub struct Workstation {
    pub host: String,
    pub os_user: String,
}

impl Workstation {
    pub fn detect() -> Self {
        Self { host: whoami::fallible::hostname().unwrap_or_else(|_| "unknown".into()), os_user: whoami::username() }
    }
}

/// A staff member as the login code sees them.
pub(crate) struct StaffLogin {
    pub id: StaffId,
    pub password_hash: String,
    pub active: bool,
    pub business: bool,
    pub totp: bool,
    pub must_change: bool,
    pub password_expires_at: Option<String>,
}

pub(crate) fn find_by_email(conn: &Connection, email: &str) -> Result<Option<StaffLogin>> {
    find_where(conn, "email = ?1 COLLATE NOCASE", email.trim())
}

fn find_by_id(conn: &Connection, id: &StaffId) -> Result<Option<StaffLogin>> {
    find_where(conn, "id = ?1", id.as_str())
}

fn find_where(conn: &Connection, condition: &str, value: &str) -> Result<Option<StaffLogin>> {
    let sql = format!(
        "SELECT id, password_hash, active, can_business_login, totp_secret IS NOT NULL, must_change_password,
                password_expires_at
         FROM staff WHERE {condition}"
    );
    Ok(conn
        .query_row(&sql, [value], |r| {
            Ok(StaffLogin {
                id: r.get(0)?,
                password_hash: r.get(1)?,
                active: r.get::<_, i64>(2)? == 1,
                business: r.get::<_, i64>(3)? == 1,
                totp: r.get(4)?,
                must_change: r.get::<_, i64>(5)? == 1,
                password_expires_at: r.get(6)?,
            })
        })
        .optional()?)
}

/// Whether the clinic asks every personal login for two-factor (national-ID mode or the
/// clinic's setting).
pub(crate) fn clinic_requires_totp(conn: &Connection) -> Result<bool> {
    Ok(settings::national_id_mode(conn)? || settings::require_totp(conn)?)
}

/// A login between its two quick steps: what was found for the email, before the slow
/// password check. Made by [`login_begin`], checked by [`LoginTicket::check`] without the
/// database (so a window can run the Argon2 work off its command thread while other
/// commands are answered), and finished by [`login_end`].
pub struct LoginTicket {
    staff: Option<StaffLogin>,
    code_given: bool,
}

/// The outcome of the slow password check; only [`LoginTicket::check`] makes one.
pub struct PasswordChecked {
    ok: bool,
    /// The hash the password was checked against: if it changed meanwhile (a reset),
    /// the check counts for nothing.
    against: String,
}

impl LoginTicket {
    /// The Argon2 check of `password` (also for an unknown email, against a dummy hash,
    /// so that timing does not tell which emails exist).
    pub fn check(&self, password: &Secret) -> PasswordChecked {
        match &self.staff {
            Some(s) => PasswordChecked {
                ok: verify_secret(password, &s.password_hash).unwrap_or(false),
                against: s.password_hash.clone(),
            },
            None => {
                let _ = verify_secret(password, DUMMY_HASH);
                PasswordChecked { ok: false, against: String::new() }
            }
        }
    }
}

/// Why a login must wait or is refused before any secret is judged: the same answer
/// whether the password would have been right or not.
fn login_refusal(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    staff: Option<&StaffLogin>,
    code: Option<&Secret>,
    code_given: bool,
) -> Result<Option<(Error, &'static str)>> {
    Ok(match staff {
        Some(s) => match crate::attempts::password_wait(conn, ws, &s.id, now)? {
            Some(seconds) => Some((Error::TooManyAttempts { seconds }, "password_locked")),
            None if s.totp => crate::attempts::totp_gate(conn, &s.id, now)?
                .filter(|e| {
                    let recovery = code.is_some_and(looks_like_recovery_code) || (code.is_none() && code_given);
                    !matches!(e, Error::TotpDisabled) || !recovery
                })
                .map(|e| (e, "totp_locked")),
            None => None,
        },
        None => crate::attempts::workstation_wait(conn, ws, now)?
            .map(|seconds| (Error::TooManyAttempts { seconds }, "password_locked")),
    })
}

/// The first quick step of a login: finds the account, asks for the code first where one
/// is due, and refuses while the account or workstation must wait (audited).
pub(crate) fn login_begin(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    email: &str,
    code_given: bool,
) -> Result<LoginTicket> {
    let staff = find_by_email(conn, email)?;
    let wants_code = match &staff {
        Some(s) => s.totp,
        None => clinic_requires_totp(conn)?,
    };
    if wants_code && !code_given {
        return Err(Error::TotpRequired);
    }
    if let Some(s) = staff.as_ref().filter(|s| s.business) {
        if settings::national_id_mode(conn)? {
            // National-ID mode: the desk is opened by a person's strong login, never by
            // its own password — which is therefore never checked (nor confirmed) here.
            audit::append(
                conn,
                now,
                &NewEvent {
                    reason: Some("desk needs a strong personal login"),
                    ..event(Some(&s.id), ws, "login_failed", Outcome::Denied)
                },
            )?;
            return Err(Error::StrongLoginRequired);
        }
    }
    // Waits first, before any secret is checked: a locked door answers the same whether
    // the password was right or not. (A recovery code may still open a disabled factor.)
    if let Some((e, why)) = login_refusal(conn, ws, now, staff.as_ref(), None, code_given)? {
        let who = staff.as_ref().map(|s| &s.id);
        audit::append(conn, now, &NewEvent { reason: Some(why), ..event(who, ws, "login_failed", Outcome::Denied) })?;
        return Err(e);
    }
    Ok(LoginTicket { staff, code_given })
}

/// The last quick step of a login: counts the outcome, checks the code, opens the
/// session.
///
/// The answer never tells which factor was wrong, and a right password is never
/// confirmed before the code is given ([`login_begin`] asks for it first). Wrong
/// passwords count per account and per workstation, wrong codes per person
/// ([`attempts`](crate::attempts)). Every outcome is audited. Attempts that were checked in parallel are judged against the counters as
/// they are *now*, so parallel guessing gains no extra tries.
pub(crate) fn login_end(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    ticket: LoginTicket,
    checked: PasswordChecked,
    code: Option<&Secret>,
) -> Result<SessionId> {
    let code = code.filter(|c| !c.expose().trim().is_empty());
    let who_id: Option<StaffId> = ticket.staff.as_ref().map(|s| s.id.clone());
    let who = who_id.as_ref();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // The account as it is now (a reset or deactivation in between wins).
    let staff = match &ticket.staff {
        Some(s) => find_by_id(&tx, &s.id)?,
        None => None,
    };
    if let Some((e, why)) = login_refusal(&tx, ws, now, staff.as_ref(), code, ticket.code_given)? {
        audit::append(&tx, now, &NewEvent { reason: Some(why), ..event(who, ws, "login_failed", Outcome::Denied) })?;
        tx.commit()?;
        return Err(e);
    }
    let password_ok = checked.ok && staff.as_ref().is_some_and(|s| s.password_hash == checked.against);
    let s = match staff {
        Some(s) if password_ok && s.active => s,
        other => {
            crate::attempts::record_password_failure(&tx, ws, other.as_ref().map(|s| &s.id), now)?;
            // The staff id (never the typed email) is recorded when the email matched.
            audit::append(&tx, now, &event(who, ws, "login_failed", Outcome::Failed))?;
            tx.commit()?;
            return Err(Error::WrongCredentials);
        }
    };
    if s.totp {
        match check_second_factor(&tx, ws, now, &s.id, code)? {
            SecondFactor::Accepted => {}
            SecondFactor::Wrong => {
                // Counted as a failed login at the password door too, exactly as a wrong
                // password is: the counters must not tell a right password from a wrong
                // one while the code is wrong.
                crate::attempts::record_password_failure(&tx, ws, Some(&s.id), now)?;
                tx.commit()?;
                return Err(Error::WrongCredentials);
            }
        }
    }
    crate::attempts::record_password_success(&tx, ws, &s.id)?;
    if s.must_change {
        let expired = match s.password_expires_at.as_deref().map(clock::from_db).transpose()? {
            Some(at) => at <= now,
            None => false,
        };
        if expired {
            audit::append(
                &tx,
                now,
                &NewEvent {
                    reason: Some("one-time password expired"),
                    ..event(who, ws, "login_failed", Outcome::Denied)
                },
            )?;
            tx.commit()?;
            return Err(Error::PasswordExpired);
        }
    }
    if s.business && settings::national_id_mode(&tx)? {
        // National-ID mode: the desk is opened by a person's strong login, never directly.
        audit::append(
            &tx,
            now,
            &NewEvent {
                reason: Some("desk needs a strong personal login"),
                ..event(who, ws, "login_failed", Outcome::Denied)
            },
        )?;
        tx.commit()?;
        return Err(Error::StrongLoginRequired);
    }
    if crate::relatives::is_relative(&tx, &s.id)? && !crate::relatives::reach(&tx, &s.id, None, now)?.bound {
        audit::append(
            &tx,
            now,
            &NewEvent { reason: Some("no current binding"), ..event(who, ws, "login_failed", Outcome::Denied) },
        )?;
        tx.commit()?;
        return Err(Error::Denied("no current binding to a client".into()));
    }
    let session = SessionId::new();
    let kind = if s.business { SessionKind::Business } else { SessionKind::Personal };
    tx.execute(
        "INSERT INTO sessions (id, staff_id, kind, workstation, os_user, started_at, last_active_at, strong)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
        params![session, s.id, kind.as_str(), ws.host, ws.os_user, clock::to_db(now), s.totp],
    )?;
    // Logging in with the password re-enables a PIN disabled by wrong tries.
    tx.execute("UPDATE staff SET pin_failures = 0, pin_locked_until = NULL, pin_disabled = 0 WHERE id = ?1", [&s.id])?;
    audit::append(&tx, now, &event(Some(&s.id), ws, "login", Outcome::Ok))?;
    tx.commit()?;
    Ok(session)
}

/// Recovery codes are 11 characters (`xxxxx-xxxxx`); app codes are 6 digits.
fn looks_like_recovery_code(code: &Secret) -> bool {
    code.expose().trim().len() == 11
}

enum SecondFactor {
    Accepted,
    Wrong,
}

/// With TOTP enabled: accepts a current, unused code (or a single-use recovery code,
/// which also turns a factor disabled by wrong codes back on). Wrong codes count; the
/// tenth in a row disables the factor. Audits failures and recovery-code use.
fn check_second_factor(
    tx: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    staff: &StaffId,
    code: Option<&Secret>,
) -> Result<SecondFactor> {
    let (secret, last, disabled): (Option<String>, Option<i64>, i64) =
        tx.query_row("SELECT totp_secret, totp_last_step, totp_disabled FROM staff WHERE id = ?1", [staff], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let Some(secret) = secret else { return Ok(SecondFactor::Accepted) };
    let Some(code) = code else { return Err(Error::TotpRequired) };
    let secret = hex::decode(secret).map_err(|_| Error::Storage("bad TOTP secret".into()))?;
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    if disabled == 0 {
        if let Some(step) = crate::totp::verify(&secret, code.expose(), unix, last.map(|l| l as u64))? {
            tx.execute("UPDATE staff SET totp_last_step = ?2 WHERE id = ?1", params![staff, step as i64])?;
            crate::attempts::record_totp_success(tx, staff)?;
            return Ok(SecondFactor::Accepted);
        }
    }
    // A single-use recovery code instead of the app's code.
    let mut stmt =
        tx.prepare("SELECT id, code_hash FROM totp_recovery_codes WHERE staff_id = ?1 AND used_at IS NULL")?;
    let unused: Vec<(String, String)> =
        stmt.query_map([staff], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let typed = Secret::new(code.expose().trim().to_lowercase());
    if looks_like_recovery_code(&typed) {
        for (id, hash) in unused {
            if verify_secret(&typed, &hash)? {
                tx.execute(
                    "UPDATE totp_recovery_codes SET used_at = ?2 WHERE id = ?1",
                    params![id, clock::to_db(now)],
                )?;
                crate::attempts::record_totp_success(tx, staff)?;
                audit::append(tx, now, &event(Some(staff), ws, "totp_recovery_used", Outcome::Ok))?;
                return Ok(SecondFactor::Accepted);
            }
        }
    }
    let disabled_now = crate::attempts::record_totp_failure(tx, staff, now)?;
    let action = if disabled_now { "totp_disabled_by_failures" } else { "totp_failed" };
    audit::append(tx, now, &event(Some(staff), ws, action, Outcome::Failed))?;
    Ok(SecondFactor::Wrong)
}

pub(crate) fn event<'a>(
    actor: Option<&'a StaffId>,
    ws: &'a Workstation,
    action: &'a str,
    outcome: Outcome,
) -> NewEvent<'a> {
    NewEvent { actor, via: None, workstation: &ws.host, action, client: None, object: None, outcome, reason: None }
}

struct SessionRow {
    must_change: bool,
    opened_by: Option<StaffId>,
    /// Whoever opened this session with a strong login is still an active staff member.
    opener_active: bool,
    pin_staff: Option<StaffId>,
    pin_until: Option<String>,
    staff_id: StaffId,
    kind: String,
    locked: bool,
    ended_at: Option<String>,
    end_reason: Option<String>,
    last_active_at: String,
    role: String,
    active: bool,
    relative: bool,
}

fn load_session(conn: &Connection, session: &SessionId) -> Result<Option<SessionRow>> {
    Ok(conn
        .query_row(
            "SELECT s.staff_id, s.kind, s.locked, s.ended_at, s.end_reason, s.last_active_at, st.role, st.active,
                    s.pin_staff, s.pin_until, st.must_change_password, s.opened_by,
                    coalesce((SELECT o.active FROM staff o WHERE o.id = s.opened_by), 0), st.kind = 'relative'
             FROM sessions s JOIN staff st ON st.id = s.staff_id WHERE s.id = ?1",
            [session],
            |r| {
                Ok(SessionRow {
                    staff_id: r.get(0)?,
                    kind: r.get(1)?,
                    locked: r.get::<_, i64>(2)? == 1,
                    ended_at: r.get(3)?,
                    end_reason: r.get(4)?,
                    last_active_at: r.get(5)?,
                    role: r.get(6)?,
                    active: r.get::<_, i64>(7)? == 1,
                    pin_staff: r.get(8)?,
                    pin_until: r.get(9)?,
                    must_change: r.get::<_, i64>(10)? == 1,
                    opened_by: r.get(11)?,
                    opener_active: r.get::<_, i64>(12)? == 1,
                    relative: r.get(13)?,
                })
            },
        )
        .optional()?)
}

/// Which door a session comes through: what a session in a special state may still do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    /// Staff work outside the gate (the staff directory, the desk, templates): the session
    /// must be unlocked, a person who signed in with a one-time password must choose
    /// their own first, and a relative is refused.
    Work,
    /// Work through the gate: as [`Door::Work`], and open to relatives too (the policy
    /// decides what their bindings reach).
    Gated,
    /// The person's own account (two-factor login, email): as [`Door::Gated`].
    Own,
    /// Looking at oneself, locking, unlocking and logging out: also while locked or
    /// before the one-time password is replaced.
    Session,
    /// Choosing one's own password (allowed with a one-time password).
    OwnPassword,
}

/// Whether a session may act now. Ends (and audits) a session that has been idle past the
/// clinic's timeout, and a desk in national-ID mode that no strong personal login opened
/// (or whose opener is no longer active).
pub(crate) fn resolve(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    door: Door,
) -> Result<Actor> {
    let row = load_session(conn, session)?.ok_or(Error::NotLoggedIn)?;
    if row.ended_at.is_some() {
        return Err(if row.end_reason.as_deref() == Some("expired") {
            Error::SessionExpired
        } else {
            Error::NotLoggedIn
        });
    }
    let timeout = settings::session_timeout_minutes(conn)?;
    let last = clock::from_db(&row.last_active_at)?;
    if now - last > chrono::Duration::minutes(timeout) {
        let tx = conn.transaction()?;
        end_session(&tx, session, now, "expired")?;
        audit::append(&tx, now, &event(Some(&row.staff_id), ws, "session_expired", Outcome::Ok))?;
        tx.commit()?;
        return Err(Error::SessionExpired);
    }
    let kind = match row.kind.as_str() {
        "business" => SessionKind::Business,
        "pin" => SessionKind::Pin,
        _ => SessionKind::Personal,
    };
    let desk_void = kind == SessionKind::Business
        && match row.opened_by {
            Some(_) => !row.opener_active,
            None => settings::national_id_mode(conn)?,
        };
    if desk_void {
        // A desk whose opener was deactivated (in any mode), or one signed in by password
        // alone in national-ID mode (from before the clinic moved to it): it ends now.
        let tx = conn.transaction()?;
        end_session(&tx, session, now, "strong_login_required")?;
        audit::append(
            &tx,
            now,
            &NewEvent {
                reason: Some("desk needs a strong personal login"),
                ..event(Some(&row.staff_id), ws, "session_end", Outcome::Ok)
            },
        )?;
        tx.commit()?;
        return Err(Error::NotLoggedIn);
    }
    let working = matches!(door, Door::Work | Door::Gated | Door::Own);
    if row.locked && working {
        return Err(Error::Locked);
    }
    // A desk opened by a person's strong login never used the business account's own
    // password, so that password's state does not hold the desk back.
    if row.must_change && working && row.opened_by.is_none() {
        return Err(Error::PasswordChangeRequired);
    }
    if row.relative {
        if !crate::relatives::reach(conn, &row.staff_id, None, now)?.bound {
            // The last binding ended or ran out: the relative's session ends with it.
            let tx = conn.transaction()?;
            end_session(&tx, session, now, "binding_ended")?;
            audit::append(
                &tx,
                now,
                &NewEvent {
                    reason: Some("no current binding"),
                    ..event(Some(&row.staff_id), ws, "session_end", Outcome::Ok)
                },
            )?;
            tx.commit()?;
            return Err(Error::NotLoggedIn);
        }
        if door == Door::Work {
            return Err(Error::Denied("not for relatives".into()));
        }
    }
    let role = Role::parse(&row.role).ok_or_else(|| Error::Storage("unknown role".into()))?;
    if !row.active {
        return Err(Error::NotLoggedIn);
    }
    let pin = match (row.pin_staff, row.pin_until) {
        (Some(staff), Some(until)) => Some((staff, clock::from_db(&until)?)),
        _ => None,
    };
    Ok(Actor {
        staff_id: row.staff_id,
        role,
        active: row.active,
        session: session.clone(),
        kind,
        via: None,
        pin,
        opened_by: row.opened_by,
        relative: row.relative,
    })
}

/// The staff member a session belongs to, whatever its state (for auditing refusals).
pub(crate) fn session_staff(conn: &Connection, session: &SessionId) -> Result<Option<StaffId>> {
    Ok(conn.query_row("SELECT staff_id FROM sessions WHERE id = ?1", [session], |r| r.get(0)).optional()?)
}

pub(crate) fn touch(conn: &Connection, session: &SessionId, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sessions SET last_active_at = ?2 WHERE id = ?1", params![session, clock::to_db(now)])?;
    Ok(())
}

pub(crate) fn end_session(conn: &Connection, session: &SessionId, now: DateTime<Utc>, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
        params![session, clock::to_db(now), reason],
    )?;
    Ok(())
}

/// Sets (or with `None` clears) who has unlocked a business-login session with a PIN.
pub(crate) fn set_pin_unlock(
    conn: &Connection,
    session: &SessionId,
    unlock: Option<(&StaffId, DateTime<Utc>)>,
) -> Result<()> {
    let (staff, until) = match unlock {
        Some((s, u)) => (Some(s.as_str().to_owned()), Some(clock::to_db(u))),
        None => (None, None),
    };
    conn.execute("UPDATE sessions SET pin_staff = ?2, pin_until = ?3 WHERE id = ?1", params![session, staff, until])?;
    Ok(())
}

pub(crate) fn set_locked(conn: &Connection, session: &SessionId, locked: bool) -> Result<()> {
    conn.execute("UPDATE sessions SET locked = ?2 WHERE id = ?1", params![session, locked as i64])?;
    Ok(())
}
