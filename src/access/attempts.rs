//! Counting wrong secrets: one persisted lockout per person and factor, whatever the door.
//!
//! Someone with a seat at the reception desk can type as many guesses as they like, so
//! every place that checks a password, a PIN or a two-factor code goes through here and
//! the counters live in the encrypted database (a restart resets nothing):
//!
//! - **PIN**: the unlock at the desk and the PIN that confirms a signature share one
//!   counter — no delay for the first 3 wrong PINs, then 30 s doubling; after 10 the PIN
//!   is disabled until the person logs in with the password or an admin re-enables it.
//! - **Password**: the same doubling back-off per account *and* per workstation, at the
//!   login, the lock screen and every confirmation of a sensitive action. It never
//!   disables the password (that would let anyone lock a colleague out for good); the
//!   wait is capped at an hour.
//! - **Two-factor code**: the same back-off; after 10 wrong codes in a row the factor is
//!   turned off until a recovery code or an administrator resets it.
//!
//! Each verification runs in an IMMEDIATE transaction, so parallel guesses cannot slip
//! past a limit, and each failure writes its audit event in that same transaction.

use crate::audit::{self, NewEvent, Outcome};
use crate::auth::{self, Workstation};
use crate::clock;
use crate::ids::StaffId;
use crate::pin;
use crate::secret::Secret;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// The longest a wrong password makes anyone wait.
pub const MAX_PASSWORD_WAIT_SECS: i64 = 3600;

/// Who is typing a secret, for the audit event: the person, and the business login
/// they type it at (if any).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Typist<'a> {
    pub staff: &'a StaffId,
    pub via: Option<&'a StaffId>,
}

/// Seconds until `until`, rounded up, at least 1.
pub(crate) fn seconds_until(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_milliseconds() + 999).div_euclid(1000).max(1)
}

fn password_delay(failures: u32) -> Option<Duration> {
    pin::delay_after(failures).map(|d| d.min(Duration::seconds(MAX_PASSWORD_WAIT_SECS)))
}

fn event<'a>(who: Typist<'a>, ws: &'a Workstation, action: &'a str, outcome: Outcome, door: &'a str) -> NewEvent<'a> {
    NewEvent {
        actor: Some(who.staff),
        via: who.via,
        workstation: &ws.host,
        action,
        client: None,
        object: Some(door),
        outcome,
        reason: None,
    }
}

/// The seconds left of a stored wait (`…_locked_until`), if it has not run out.
fn wait_left(until: Option<&str>, now: DateTime<Utc>) -> Result<Option<i64>> {
    Ok(until.map(clock::from_db).transpose()?.filter(|u| *u > now).map(|u| seconds_until(u, now)))
}

/// One more failure on a counter holding `failures`: the new count and, when the rule
/// `delay` says so, until when the next try waits (as stored).
fn one_more(failures: i64, delay: fn(u32) -> Option<Duration>, now: DateTime<Utc>) -> (u32, Option<String>) {
    let failures = u32::try_from(failures + 1).unwrap_or(u32::MAX);
    (failures, delay(failures).map(|d| clock::to_db(now + d)))
}

/// Counts one wrong PIN or two-factor code (`factor`: the `pin` or `totp` columns): 3
/// free, then 30 s doubling, and the tenth in a row disables the factor. Returns whether
/// it did.
fn record_factor_failure(conn: &Connection, staff: &StaffId, factor: &'static str, now: DateTime<Utc>) -> Result<bool> {
    let failures: i64 =
        conn.query_row(&format!("SELECT {factor}_failures FROM staff WHERE id = ?1"), [staff], |r| r.get(0))?;
    let (failures, lock) = one_more(failures, pin::delay_after, now);
    let disable = pin::disables(failures);
    conn.execute(
        &format!(
            "UPDATE staff SET {factor}_failures = ?2, {factor}_locked_until = ?3, {factor}_disabled = ?4 WHERE id = ?1"
        ),
        params![staff, failures, lock, disable as i64],
    )?;
    Ok(disable)
}

/// When the workstation may try a password again, if it must wait.
pub(crate) fn workstation_wait(conn: &Connection, ws: &Workstation, now: DateTime<Utc>) -> Result<Option<i64>> {
    let until: Option<Option<String>> = conn
        .query_row("SELECT locked_until FROM workstation_throttle WHERE workstation = ?1", [&ws.host], |r| r.get(0))
        .optional()?;
    wait_left(until.flatten().as_deref(), now)
}

/// When this person may try a password again, if they must wait (account or workstation).
pub(crate) fn password_wait(
    conn: &Connection,
    ws: &Workstation,
    staff: &StaffId,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let until: Option<String> =
        conn.query_row("SELECT password_locked_until FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
    Ok(wait_left(until.as_deref(), now)?.max(workstation_wait(conn, ws, now)?))
}

/// Counts one wrong password against the account (if known) and the workstation.
pub(crate) fn record_password_failure(
    conn: &Connection,
    ws: &Workstation,
    staff: Option<&StaffId>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(staff) = staff {
        let failures: i64 =
            conn.query_row("SELECT password_failures FROM staff WHERE id = ?1", [staff], |r| r.get(0))?;
        let (failures, lock) = one_more(failures, password_delay, now);
        conn.execute(
            "UPDATE staff SET password_failures = ?2, password_locked_until = ?3 WHERE id = ?1",
            params![staff, failures, lock],
        )?;
    }
    let failures: i64 = conn
        .query_row("SELECT failures FROM workstation_throttle WHERE workstation = ?1", [&ws.host], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let (failures, lock) = one_more(failures, password_delay, now);
    conn.execute(
        "INSERT INTO workstation_throttle (workstation, failures, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (workstation) DO UPDATE SET failures = ?2, locked_until = ?3",
        params![ws.host, failures, lock],
    )?;
    Ok(())
}

/// A right password: the account's and the workstation's counters start over.
pub(crate) fn record_password_success(conn: &Connection, ws: &Workstation, staff: &StaffId) -> Result<()> {
    conn.execute("UPDATE staff SET password_failures = 0, password_locked_until = NULL WHERE id = ?1", [staff])?;
    conn.execute("DELETE FROM workstation_throttle WHERE workstation = ?1", [&ws.host])?;
    Ok(())
}

/// Which secret a [`SecretTicket`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Factor {
    Password,
    Pin,
}

/// A check of a password or PIN between its two quick steps: the stored hash, taken
/// after the door was found open, to be checked without the database (a window runs the
/// Argon2 work off its command thread) and then settled with [`settle`].
pub struct SecretTicket {
    staff: StaffId,
    via: Option<StaffId>,
    hash: String,
    factor: Factor,
    door: String,
}

/// The outcome of the slow check; only [`SecretTicket::check`] makes one.
pub struct SecretChecked {
    ok: bool,
    against: String,
}

impl SecretTicket {
    /// The Argon2 check of what was typed.
    pub fn check(&self, typed: &Secret) -> SecretChecked {
        SecretChecked { ok: auth::verify_secret(typed, &self.hash).unwrap_or(false), against: self.hash.clone() }
    }
    pub(crate) fn staff(&self) -> &StaffId {
        &self.staff
    }
    /// Whether this ticket checks a PIN (not a password): a ticket is settled only at
    /// the door it was made for.
    pub(crate) fn is_pin(&self) -> bool {
        self.factor == Factor::Pin
    }
}

impl Typist<'_> {
    fn ticket(self, hash: String, factor: Factor, door: &str) -> SecretTicket {
        SecretTicket { staff: self.staff.clone(), via: self.via.cloned(), hash, factor, door: door.to_owned() }
    }
}

/// Why the door is shut right now for this person and factor, if it is.
fn shut(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    staff: &StaffId,
    factor: Factor,
) -> Result<Option<Error>> {
    match factor {
        Factor::Password => Ok(password_wait(conn, ws, staff, now)?.map(|seconds| Error::TooManyAttempts { seconds })),
        Factor::Pin => {
            let (disabled, locked): (i64, Option<String>) =
                conn.query_row("SELECT pin_disabled, pin_locked_until FROM staff WHERE id = ?1", [staff], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if disabled == 1 {
                return Ok(Some(Error::PinDisabled));
            }
            Ok(wait_left(locked.as_deref(), now)?.map(|seconds| Error::PinLocked { seconds }))
        }
    }
}

fn failed_action(factor: Factor) -> &'static str {
    match factor {
        Factor::Password => "password_failed",
        Factor::Pin => "pin_failed",
    }
}

/// The first quick step of a password check at `door` (`unlock`, `staff_update`, …):
/// refused (and audited) while the account or the workstation must wait.
pub(crate) fn begin_password(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    who: Typist<'_>,
    door: &str,
) -> Result<SecretTicket> {
    if let Some(e) = shut(conn, ws, now, who.staff, Factor::Password)? {
        audit::append(conn, now, &event(who, ws, "password_failed", Outcome::Denied, door))?;
        return Err(e);
    }
    let hash: String = conn.query_row("SELECT password_hash FROM staff WHERE id = ?1", [who.staff], |r| r.get(0))?;
    Ok(who.ticket(hash, Factor::Password, door))
}

/// The first quick step of a PIN check at `door` (`pin_unlock`, `entry_sign`): refused
/// (and audited) while the person's PIN is locked or disabled.
pub(crate) fn begin_pin(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    who: Typist<'_>,
    door: &str,
) -> Result<SecretTicket> {
    let hash: Option<Option<String>> =
        conn.query_row("SELECT pin_hash FROM staff WHERE id = ?1", [who.staff], |r| r.get(0)).optional()?;
    let Some(Some(hash)) = hash else { return Err(Error::PinNotSet) };
    if let Some(e) = shut(conn, ws, now, who.staff, Factor::Pin)? {
        audit::append(conn, now, &event(who, ws, "pin_failed", Outcome::Denied, door))?;
        return Err(e);
    }
    Ok(who.ticket(hash, Factor::Pin, door))
}

/// The last quick step: judged against the counters as they are *now* (a check that ran
/// in parallel with others gains no extra tries), and against the hash as it is now (a
/// secret changed meanwhile makes the check count for nothing). Counts and audits a
/// wrong secret; a right one starts the counters over.
pub(crate) fn settle(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    ticket: &SecretTicket,
    checked: SecretChecked,
) -> Result<()> {
    let who = Typist { staff: &ticket.staff, via: ticket.via.as_ref() };
    let door = ticket.door.as_str();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(e) = shut(&tx, ws, now, &ticket.staff, ticket.factor)? {
        audit::append(&tx, now, &event(who, ws, failed_action(ticket.factor), Outcome::Denied, door))?;
        tx.commit()?;
        return Err(e);
    }
    let column = match ticket.factor {
        Factor::Password => "password_hash",
        Factor::Pin => "pin_hash",
    };
    let current: Option<String> =
        tx.query_row(&format!("SELECT {column} FROM staff WHERE id = ?1"), [&ticket.staff], |r| r.get(0))?;
    let ok = checked.ok && current.as_deref() == Some(checked.against.as_str());
    match (ticket.factor, ok) {
        (Factor::Password, true) => record_password_success(&tx, ws, &ticket.staff)?,
        (Factor::Password, false) => {
            record_password_failure(&tx, ws, Some(&ticket.staff), now)?;
            audit::append(&tx, now, &event(who, ws, "password_failed", Outcome::Failed, door))?;
        }
        (Factor::Pin, true) => {
            tx.execute("UPDATE staff SET pin_failures = 0, pin_locked_until = NULL WHERE id = ?1", [&ticket.staff])?;
        }
        (Factor::Pin, false) => {
            let disable = record_factor_failure(&tx, &ticket.staff, "pin", now)?;
            let action = if disable { "pin_disabled" } else { "pin_failed" };
            audit::append(&tx, now, &event(who, ws, action, Outcome::Failed, door))?;
            tx.commit()?;
            return Err(if disable { Error::PinDisabled } else { Error::WrongPin });
        }
    }
    tx.commit()?;
    if ok {
        Ok(())
    } else {
        Err(Error::WrongCredentials)
    }
}

/// Re-authentication with the person's own password at `door`, in one go (the three
/// steps of a [`SecretTicket`] in a row).
pub(crate) fn confirm_password(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    who: Typist<'_>,
    password: &Secret,
    door: &str,
) -> Result<()> {
    let ticket = begin_password(conn, ws, now, who, door)?;
    let checked = ticket.check(password);
    settle(conn, ws, now, &ticket, checked)
}

/// A PIN check at `door`, in one go: one lockout per person whatever the door.
pub(crate) fn confirm_pin(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    who: Typist<'_>,
    typed: &Secret,
    door: &str,
) -> Result<()> {
    let ticket = begin_pin(conn, ws, now, who, door)?;
    let checked = ticket.check(typed);
    settle(conn, ws, now, &ticket, checked)
}

/// The state of a person's two-factor counter before a code is checked.
pub(crate) fn totp_gate(conn: &Connection, staff: &StaffId, now: DateTime<Utc>) -> Result<Option<Error>> {
    let (locked, disabled): (Option<String>, i64) =
        conn.query_row("SELECT totp_locked_until, totp_disabled FROM staff WHERE id = ?1", [staff], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    // The wait first: a disabled factor still waits out its delay before a recovery code
    // is tried, so recovery codes cannot be guessed at full speed either.
    if let Some(seconds) = wait_left(locked.as_deref(), now)? {
        return Ok(Some(Error::TooManyAttempts { seconds }));
    }
    Ok((disabled == 1).then_some(Error::TotpDisabled))
}

/// Counts one wrong two-factor code; the tenth in a row turns the factor off. Returns
/// whether it did.
pub(crate) fn record_totp_failure(conn: &Connection, staff: &StaffId, now: DateTime<Utc>) -> Result<bool> {
    record_factor_failure(conn, staff, "totp", now)
}

/// A right code (or a recovery code): the counter starts over and the factor is on.
pub(crate) fn record_totp_success(conn: &Connection, staff: &StaffId) -> Result<()> {
    conn.execute(
        "UPDATE staff SET totp_failures = 0, totp_locked_until = NULL, totp_disabled = 0 WHERE id = ?1",
        [staff],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_waits_double_like_pins_but_never_exceed_an_hour() {
        assert_eq!(password_delay(2), None);
        assert_eq!(password_delay(3), Some(Duration::seconds(30)));
        assert_eq!(password_delay(4), Some(Duration::seconds(60)));
        assert_eq!(password_delay(9), Some(Duration::seconds(1920)));
        assert_eq!(password_delay(10), Some(Duration::seconds(MAX_PASSWORD_WAIT_SECS)));
        assert_eq!(password_delay(40), Some(Duration::seconds(MAX_PASSWORD_WAIT_SECS)));
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        let now = Utc::now();
        assert_eq!(seconds_until(now + Duration::milliseconds(1), now), 1);
        assert_eq!(seconds_until(now + Duration::milliseconds(30_001), now), 31);
        assert_eq!(seconds_until(now - Duration::seconds(5), now), 1);
    }
}
