//! The gate: the only door to personal data.
//!
//! Every operation on client data runs through [`run`]: it resolves the session to an
//! [`Actor`], asks the pure [`policy`](crate::policy), and then runs the operation and
//! appends its audit event in ONE transaction, so a read is on record before its data is
//! returned and a failed audit insert fails the operation. A denied or failed attempt is
//! audited in its own transaction.
//!
//! Domain functions that touch client data take a [`GateCtx`], which only this module
//! can make: code that has no gate context cannot reach the tables.

use crate::audit::{self, NewEvent, Outcome};
use crate::auth::{self, Actor, Workstation};
use crate::ids::{CalendarId, ClientId, SessionId};
use crate::policy::{self, Action, Decision, Subject};
use crate::secret::Secret;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

/// The context of one gated operation: the open transaction, who acts, and when.
pub struct GateCtx<'a> {
    conn: &'a Connection,
    actor: &'a Actor,
    /// The actor's rights, as the policy saw them for this operation.
    rights: crate::policy::Rights,
    now: DateTime<Utc>,
    client: Option<ClientId>,
    object: Option<String>,
    reason: Option<String>,
    /// The facts the policy decided on, for deciding about further clients the same way.
    subject: Subject,
    /// Further clients whose data the operation returned (search hits): each gets its own
    /// event, so it shows in that client's "who has seen this record" log.
    seen: Vec<ClientId>,
    /// Clients a view showed (a calendar week): listed beside the operation's ONE event
    /// as one document in `audit_seen`, so each client's access log finds it without an
    /// event (or a row) per client.
    shown: std::collections::BTreeSet<ClientId>,
}

impl<'a> GateCtx<'a> {
    /// The transaction the operation runs in (its audit event is written in it too).
    pub(crate) fn conn(&self) -> &'a Connection {
        self.conn
    }
    pub fn actor(&self) -> &Actor {
        self.actor
    }
    pub fn rights(&self) -> crate::policy::Rights {
        self.rights
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
    /// Names the client the operation touched (for operations that create one, or that
    /// reach a client through one of its records).
    pub(crate) fn record_client(&mut self, client: ClientId) {
        self.client = Some(client);
    }

    /// Whether the acting person may do `action` on `client`, decided by the policy on the
    /// same facts as this operation (the relation and the client's access for everyone
    /// are looked up for that client). Every visibility filter asks this, so no filter is
    /// a second, drifting copy of the rules.
    pub(crate) fn allows(&self, action: Action, client: &ClientId) -> Result<bool> {
        if self.subject.relative.is_some() {
            let reach = crate::relatives::reach(self.conn, &self.actor.staff_id, Some(client), self.now)?;
            return Ok(self.relative_allows(reach, action));
        }
        let relation = crate::relations::state(self.conn, &self.actor.staff_id, client, self.now)?;
        let client_access = self
            .conn
            .query_row("SELECT staff_access FROM clients WHERE id = ?1", [client], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|a| crate::policy::Level::parse(&a));
        let subject = Subject { relation, client_access, ..self.subject };
        Ok(policy::decide(&subject, action) == Decision::Allow)
    }

    /// [`GateCtx::allows`] on facts already read (a view deciding on many clients reads
    /// the relations once): the same policy, no query.
    pub(crate) fn allows_given(
        &self,
        action: Action,
        relation: crate::relations::RelationState,
        client_access: Option<crate::policy::Level>,
    ) -> bool {
        if self.subject.relative.is_some() {
            // A relative is decided per binding (`allows`), never on a staff member's facts.
            return false;
        }
        let subject = Subject { relation, client_access, ..self.subject };
        policy::decide(&subject, action) == Decision::Allow
    }

    /// Whether a relative with `reach` (one binding's) may do `action` (the policy's
    /// answer; `false` for a staff member).
    pub(crate) fn relative_allows(&self, reach: crate::policy::RelativeReach, action: Action) -> bool {
        self.subject.relative.is_some()
            && policy::decide(&Subject { relative: Some(reach), ..self.subject }, action) == Decision::Allow
    }

    /// The facts the policy decided this operation on.
    pub(crate) fn subject(&self) -> Subject {
        self.subject
    }

    /// Records that the operation showed data of `client` (besides the one it is about).
    pub(crate) fn record_seen(&mut self, client: ClientId) {
        if !self.seen.contains(&client) {
            self.seen.push(client);
        }
    }

    /// How far the acting person reaches into `calendar`, decided by the policy on the
    /// same facts as the operation (`None`: no such calendar).
    pub(crate) fn calendar_reach(&self, calendar: &CalendarId) -> Result<Option<crate::policy::Level>> {
        let facts = crate::calendar::calendars::facts(self.conn, &self.actor.staff_id, calendar)?;
        Ok(facts.map(|f| policy::calendar_reach(&self.subject, f)))
    }

    /// Records that the operation showed `client`'s name (one event, many clients).
    pub(crate) fn record_shown(&mut self, client: ClientId) {
        self.shown.insert(client);
    }

    /// Names the record inside the client's data (e.g. a journal entry id).
    pub(crate) fn record_object(&mut self, object: impl Into<String>) {
        self.object = Some(object.into());
    }
}

fn event<'a>(
    actor: &'a Actor,
    ws: &'a Workstation,
    action: Action,
    client: Option<&'a ClientId>,
    object: Option<&'a str>,
    outcome: Outcome,
    reason: Option<&'a str>,
) -> NewEvent<'a> {
    NewEvent {
        actor: Some(&actor.staff_id),
        via: actor.via.as_ref(),
        workstation: &ws.host,
        action: action.audit_name(),
        client,
        object,
        outcome,
        reason,
    }
}

fn error_reason(e: &Error) -> &'static str {
    match e.code() {
        crate::ErrorCode::Invalid => "invalid",
        crate::ErrorCode::NotFound => "not_found",
        crate::ErrorCode::Conflict => "conflict",
        crate::ErrorCode::Denied => "denied",
        crate::ErrorCode::WrongCredentials => "wrong_password",
        _ => "error",
    }
}

/// What the acting person must type before a sensitive operation runs. It is checked
/// after the policy allowed the action and before the operation's transaction opens, so a
/// wrong secret is counted (and audited) in its own transaction and is never rolled back
/// with the refused operation.
#[derive(Clone, Copy)]
pub(crate) enum Confirm<'s> {
    Nothing,
    /// The person's own password (re-authentication).
    Password(&'s Secret),
    /// The person's PIN (digits, when they have one) or else their password: how a
    /// signature is confirmed at the desk and on a personal login.
    PasswordOrPin(&'s Secret),
}

/// Runs `op` for `session` as `action` on `client`, with its audit event.
pub(crate) fn run<T>(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    client: Option<&ClientId>,
    op: impl FnOnce(&mut GateCtx<'_>) -> Result<T>,
) -> Result<T> {
    run_confirmed(conn, ws, now, session, action, client, Confirm::Nothing, op)
}

/// Refusals before the policy is asked (no session, locked, a PIN or second factor
/// missing) are audited too: someone tried to reach client data and was stopped.
fn audit_early_refusal(
    conn: &Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    client: Option<&ClientId>,
    e: &Error,
) -> Result<()> {
    let reason = match e {
        Error::NotLoggedIn => "not_logged_in",
        Error::Locked => "locked",
        Error::PinRequired => "pin_required",
        Error::PinSetupRequired => "pin_setup_required",
        Error::TotpRequired => "totp_required",
        Error::PasswordChangeRequired => "password_change_required",
        // Already recorded by the session check itself.
        _ => return Ok(()),
    };
    let actor = auth::session_staff(conn, session)?;
    audit::append(
        conn,
        now,
        &NewEvent {
            actor: actor.as_ref(),
            via: None,
            workstation: &ws.host,
            action: action.audit_name(),
            client,
            object: None,
            outcome: Outcome::Denied,
            reason: Some(reason),
        },
    )?;
    Ok(())
}

/// [`run`], with a secret the person confirms the operation with.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_confirmed<T>(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    client: Option<&ClientId>,
    confirm: Confirm<'_>,
    op: impl FnOnce(&mut GateCtx<'_>) -> Result<T>,
) -> Result<T> {
    run_with(conn, ws, now, session, action, Target { client, calendar: None }, confirm, op)
}

/// What an operation is about: a client, a calendar, both or neither.
#[derive(Clone, Copy, Default)]
pub(crate) struct Target<'t> {
    pub client: Option<&'t ClientId>,
    pub calendar: Option<&'t CalendarId>,
}

/// [`run`] for work in one calendar (and on one client's appointment in it, if any): the
/// policy decides on the person's reach into that calendar as well.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_in_calendar<T>(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    calendar: &CalendarId,
    client: Option<&ClientId>,
    op: impl FnOnce(&mut GateCtx<'_>) -> Result<T>,
) -> Result<T> {
    run_with(conn, ws, now, session, action, Target { client, calendar: Some(calendar) }, Confirm::Nothing, op)
}

#[allow(clippy::too_many_arguments)]
fn run_with<T>(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    target: Target<'_>,
    confirm: Confirm<'_>,
    op: impl FnOnce(&mut GateCtx<'_>) -> Result<T>,
) -> Result<T> {
    let client = target.client;
    let admitted = match admit(conn, ws, now, session, action, target) {
        Ok(a) => a,
        Err(e) => {
            audit_early_refusal(conn, ws, now, session, action, client, &e)?;
            return Err(e);
        }
    };
    let Admitted { actor, rights, subject, pin_owner } = admitted;
    if let Decision::Deny(why) = policy::decide(&subject, action) {
        let tx = conn.transaction()?;
        audit::append(&tx, now, &event(&actor, ws, action, client, None, Outcome::Denied, Some(why)))?;
        tx.commit()?;
        return Err(Error::Denied(why.into()));
    }
    let typist = crate::attempts::Typist { staff: &actor.staff_id, via: actor.via.as_ref() };
    match confirm {
        Confirm::Nothing => {}
        Confirm::Password(p) => {
            crate::attempts::confirm_password(conn, ws, now, typist, p, action.audit_name())?;
        }
        Confirm::PasswordOrPin(p) => {
            let has_pin: bool =
                conn.query_row("SELECT pin_hash IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                    r.get(0)
                })?;
            let digits = !p.expose().is_empty()
                && p.expose().len() <= crate::pin::MAX_DIGITS
                && p.expose().chars().all(|c| c.is_ascii_digit());
            if has_pin && digits {
                crate::attempts::confirm_pin(conn, ws, now, typist, p, action.audit_name())?;
            } else {
                crate::attempts::confirm_password(conn, ws, now, typist, p, action.audit_name())?;
            }
        }
    }
    execute(conn, ws, now, session, action, client, actor, rights, subject, pin_owner, op)
}

/// Who acts, with what rights, as the policy will see them.
struct Admitted {
    actor: Actor,
    rights: crate::policy::Rights,
    subject: Subject,
    pin_owner: Option<crate::ids::StaffId>,
}

fn admit(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    target: Target<'_>,
) -> Result<Admitted> {
    let client = target.client;
    let mut actor = auth::resolve(conn, ws, now, session, auth::Door::Gated)?;
    let model = crate::settings::access_model(conn)?;
    if actor.relative {
        return admit_relative(conn, now, actor, model, target);
    }
    let mut business_login = actor.kind == auth::SessionKind::Business;
    let mut via_pin = false;
    // The person whose PIN unlock this operation uses: the unlock slides on with activity.
    let mut pin_owner: Option<crate::ids::StaffId> = None;
    let journal_work = action.is_journal() || action == Action::EmergencyAccess;
    if business_login && journal_work && model == crate::policy::AccessModel::BusinessPin {
        // The PIN owner becomes the actor, via the business login, while the unlock lasts.
        match actor.pin.take() {
            Some((pin_staff, until)) if until > now => {
                let (role, active): (String, i64) =
                    conn.query_row("SELECT role, active FROM staff WHERE id = ?1", [&pin_staff], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                pin_owner = Some(pin_staff.clone());
                actor.via = Some(std::mem::replace(&mut actor.staff_id, pin_staff));
                actor.role = crate::policy::Role::parse(&role).ok_or_else(|| Error::Storage("unknown role".into()))?;
                actor.active = active == 1;
                business_login = false;
                via_pin = true;
            }
            Some(_) => {
                auth::set_pin_unlock(conn, session, None)?;
                return Err(Error::PinRequired);
            }
            None => return Err(Error::PinRequired),
        }
    }
    let (rights, requires_pin) = crate::staff::rights(conn, &actor.staff_id)?;
    // (Someone without the journal right is refused by the policy below, not asked for
    // a PIN they would have no use for.)
    let uses_journal = rights.features.has(crate::policy::Feature::Journal);
    if journal_work && uses_journal && actor.kind == auth::SessionKind::Personal {
        if model == crate::policy::AccessModel::BusinessPin {
            // Asked to create a PIN at the personal login; no journals until then.
            let has_pin: bool =
                conn.query_row("SELECT pin_hash IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| {
                    r.get(0)
                })?;
            if !has_pin {
                return Err(Error::PinSetupRequired);
            }
        }
        if requires_pin {
            // This person confirms journal work with the PIN also on a personal login.
            match &actor.pin {
                Some((who, until)) if who == &actor.staff_id && *until > now => pin_owner = Some(who.clone()),
                _ => return Err(Error::PinRequired),
            }
        }
    }
    let client_work = journal_work || action.is_client() || action.is_calendar();
    let relation = match client {
        Some(c) if client_work => crate::relations::state(conn, &actor.staff_id, c, now)?,
        _ => crate::relations::RelationState::None,
    };
    let client_access = match client {
        Some(c) if client_work => conn
            .query_row("SELECT staff_access FROM clients WHERE id = ?1", [c], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|a| crate::policy::Level::parse(&a)),
        _ => None,
    };
    let national_id_mode = crate::settings::national_id_mode(conn)?;
    if (national_id_mode || crate::settings::require_totp(conn)?)
        && (actor.kind == auth::SessionKind::Personal || via_pin)
    {
        // The offline stand-in for MitID/BankID: no client data before two-factor login,
        // and at the desk no journal or national ID under the PIN of someone without it.
        let enrolled: bool =
            conn.query_row("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| r.get(0))?;
        if !enrolled {
            return Err(Error::TotpRequired);
        }
    }
    let calendar = match target.calendar {
        Some(cal) => Some(crate::calendar::calendars::facts(conn, &actor.staff_id, cal)?.ok_or(Error::NotFound)?),
        None => None,
    };
    let subject = Subject {
        role: actor.role,
        active: actor.active,
        model,
        business_login,
        via_pin,
        relation,
        national_id_mode,
        rights,
        client_access,
        calendar,
        relative: None,
    };
    Ok(Admitted { actor, rights, subject, pin_owner })
}

/// A relative: the policy decides on their binding to the client concerned (or, for no
/// client, on their current bindings together) and nothing else; they have no rights.
fn admit_relative(
    conn: &Connection,
    now: DateTime<Utc>,
    actor: Actor,
    model: crate::policy::AccessModel,
    target: Target<'_>,
) -> Result<Admitted> {
    let national_id_mode = crate::settings::national_id_mode(conn)?;
    if national_id_mode || crate::settings::require_totp(conn)? {
        // Two-factor login for everyone who reaches client data, relatives included.
        let enrolled: bool =
            conn.query_row("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?1", [&actor.staff_id], |r| r.get(0))?;
        if !enrolled {
            return Err(Error::TotpRequired);
        }
    }
    let reach = crate::relatives::reach(conn, &actor.staff_id, target.client, now)?;
    let rights = crate::policy::Rights {
        scope: crate::policy::Scope::None,
        edit: false,
        features: crate::policy::Features::default(),
    };
    let subject = Subject {
        role: actor.role,
        active: actor.active,
        model,
        business_login: false,
        via_pin: false,
        relation: crate::relations::RelationState::None,
        national_id_mode,
        rights,
        client_access: None,
        calendar: None,
        relative: Some(reach),
    };
    Ok(Admitted { actor, rights, subject, pin_owner: None })
}

/// The operation and its audit event in one transaction (a failure is recorded after
/// the rollback).
#[allow(clippy::too_many_arguments)]
fn execute<T>(
    conn: &mut Connection,
    ws: &Workstation,
    now: DateTime<Utc>,
    session: &SessionId,
    action: Action,
    client: Option<&ClientId>,
    actor: Actor,
    rights: crate::policy::Rights,
    subject: Subject,
    pin_owner: Option<crate::ids::StaffId>,
    op: impl FnOnce(&mut GateCtx<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction()?;
    let mut ctx = GateCtx {
        conn: &tx,
        actor: &actor,
        rights,
        now,
        client: client.cloned(),
        object: None,
        reason: None,
        subject,
        seen: Vec::new(),
        shown: Default::default(),
    };
    let result = op(&mut ctx);
    let seen = std::mem::take(&mut ctx.seen);
    let shown = std::mem::take(&mut ctx.shown);
    let touched = ctx.client.take();
    let mut object = ctx.object.take();
    if !shown.is_empty() {
        // The event carries how many clients it showed and a fingerprint of their ids,
        // so the list beside it cannot change unnoticed.
        object = Some(audit::seen::object(object, &shown));
    }
    let stated = ctx.reason.take();
    match result {
        Ok(value) => {
            let seq = audit::append(
                &tx,
                now,
                &event(&actor, ws, action, touched.as_ref(), object.as_deref(), Outcome::Ok, stated.as_deref()),
            )?;
            if !shown.is_empty() {
                audit::seen::store(&tx, seq, &shown)?;
            }
            for other in &seen {
                let what = format!("{} hit", action.audit_name());
                audit::append(&tx, now, &event(&actor, ws, action, Some(other), Some(&what), Outcome::Ok, None))?;
            }
            auth::touch(&tx, session, now)?;
            if let Some(owner) = &pin_owner {
                let idle = chrono::Duration::seconds(crate::settings::pin_idle_seconds(&tx)?);
                auth::set_pin_unlock(&tx, session, Some((owner, now + idle)))?;
            }
            tx.commit()?;
            Ok(value)
        }
        Err(e) => {
            drop(tx); // roll the operation back, then record that it was attempted
            let tx = conn.transaction()?;
            audit::append(
                &tx,
                now,
                &event(
                    &actor,
                    ws,
                    action,
                    touched.as_ref(),
                    object.as_deref(),
                    Outcome::Failed,
                    Some(error_reason(&e)),
                ),
            )?;
            tx.commit()?;
            Err(e)
        }
    }
}
