//! Relatives: a client's parent, guardian or next of kin, signing in to see that one
//! client's appointments, print their schedule and read the reports an administrator put
//! on their My page.
//!
//! A relative is its own kind of person. They sign in through the same login as staff
//! (one table of people with a login, `kind = 'relative'`: the same password rules,
//! Argon2id, throttling, two-factor login, sessions and lock), but they have no role the
//! gate uses, no rights, no calendar and no PIN, and appear in no staff list. What they
//! reach comes from **bindings**: an administrator binds a relative to one client, for a
//! reason (parent, guardian, next of kin with the client's consent, recorded as written or
//! oral), a period of days, and a short list of what the binding reaches. A second client
//! is a second binding. The gate turns the binding for the client concerned into the
//! policy's [`RelativeReach`]; the policy refuses a relative everything else.
//!
//! A binding is never changed or deleted (triggers), only ended; ending one ends the
//! relative's open sessions at once, and a session whose relative has no current binding
//! left (expired) ends at its next request.

pub mod view;

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{BindingId, ClientId, StaffId};
use crate::policy::RelativeReach;
use crate::secret::Secret;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Why a relative may see the client.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Reason {
    /// A parent of a child client.
    Parent,
    /// A guardian appointed for the client.
    Guardian,
    /// Next of kin, with the client's consent.
    NextOfKin,
}

stored_text!(Reason);

/// How the client consented to a next of kin seeing their appointments.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum KinConsent {
    Written,
    Oral,
}

stored_text!(KinConsent);

/// What an administrator fills in to bind a relative to a client.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BindingInput {
    /// The relative's email: an existing relative is bound again; a new email makes a new
    /// relative with `name` (and a one-time password to hand over).
    pub email: String,
    pub name: String,
    pub reason: Reason,
    /// Required for next of kin, refused otherwise.
    pub consent: Option<KinConsent>,
    pub appointments: bool,
    pub schedule: bool,
    pub reports: bool,
    /// First day (clinic's time zone); today when missing.
    pub valid_from: Option<NaiveDate>,
    /// Last day, included; open-ended when missing.
    pub valid_until: Option<NaiveDate>,
}

/// One binding as administrators see it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Binding {
    pub id: BindingId,
    pub relative_id: StaffId,
    pub relative_name: String,
    pub relative_email: String,
    pub client_id: ClientId,
    pub reason: Reason,
    pub consent: Option<KinConsent>,
    pub appointments: bool,
    pub schedule: bool,
    pub reports: bool,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub ended_at: Option<DateTime<Utc>>,
    /// In force today (not ended, today inside its days).
    pub current: bool,
}

/// A new binding, and the one-time password of a relative made for it (shown once).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewBinding {
    pub binding: Binding,
    pub one_time_password: Option<String>,
}

/// Today in the clinic's time zone (binding days are counted in it).
pub(crate) fn today(conn: &Connection, now: DateTime<Utc>) -> Result<NaiveDate> {
    let tz = crate::calendar::zone::clinic_zone(conn)?;
    Ok(crate::calendar::zone::to_local(tz, now).date())
}

const CURRENT: &str = "ended_at IS NULL AND valid_from <= ?2 AND (valid_until IS NULL OR valid_until >= ?2)";

/// Whether a person with a login is a relative.
pub(crate) fn is_relative(conn: &Connection, id: &StaffId) -> Result<bool> {
    Ok(conn
        .query_row("SELECT kind = 'relative' FROM staff WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// What the relative's current binding to `client` reaches (or, with no client, all their
/// current bindings together).
pub(crate) fn reach(
    conn: &Connection,
    relative: &StaffId,
    client: Option<&ClientId>,
    now: DateTime<Utc>,
) -> Result<RelativeReach> {
    let day = today(conn, now)?.to_string();
    let sql = format!(
        "SELECT appointments, schedule, reports FROM relative_bindings
         WHERE relative_id = ?1 AND {CURRENT} AND (?3 IS NULL OR client_id = ?3)"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![relative, day, client], |r| {
        Ok(RelativeReach {
            bound: true,
            appointments: r.get::<_, i64>(0)? == 1,
            schedule: r.get::<_, i64>(1)? == 1,
            reports: r.get::<_, i64>(2)? == 1,
        })
    })?;
    let mut out = RelativeReach::default();
    for r in rows {
        out = out.union(r?);
    }
    Ok(out)
}

/// The clients the relative is bound to today, with each binding's reach.
pub(crate) fn current_clients(
    conn: &Connection,
    relative: &StaffId,
    now: DateTime<Utc>,
) -> Result<Vec<(ClientId, RelativeReach)>> {
    let day = today(conn, now)?.to_string();
    let sql = format!(
        "SELECT client_id, max(appointments), max(schedule), max(reports) FROM relative_bindings
         WHERE relative_id = ?1 AND {CURRENT} GROUP BY client_id ORDER BY min(created_at)"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![relative, day], |r| {
        Ok((
            r.get(0)?,
            RelativeReach {
                bound: true,
                appointments: r.get::<_, i64>(1)? == 1,
                schedule: r.get::<_, i64>(2)? == 1,
                reports: r.get::<_, i64>(3)? == 1,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check(input: &BindingInput, today: NaiveDate) -> Result<(NaiveDate, Option<NaiveDate>)> {
    if !(input.appointments || input.schedule || input.reports) {
        return Err(Error::invalid("choose what the relative may see"));
    }
    match (input.reason, input.consent) {
        (Reason::NextOfKin, None) => {
            return Err(Error::invalid("next of kin needs the client's consent (written or oral)"))
        }
        (Reason::Parent | Reason::Guardian, Some(_)) => {
            return Err(Error::invalid("consent is recorded for next of kin only"))
        }
        _ => {}
    }
    let from = input.valid_from.unwrap_or(today);
    if let Some(until) = input.valid_until {
        if until < from {
            return Err(Error::invalid("the binding ends before it starts"));
        }
        if until < today {
            return Err(Error::invalid("the binding would already be over"));
        }
    }
    Ok((from, input.valid_until))
}

/// Binds a relative to the client concerned (an existing relative by email, or a new one
/// made with a one-time password). Audited by the gate as `relative_manage` on the client.
pub(crate) fn bind(ctx: &mut GateCtx<'_>, client: &ClientId, input: &BindingInput) -> Result<NewBinding> {
    let conn = ctx.conn();
    let exists: bool = conn.query_row("SELECT count(*) FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound);
    }
    let day = today(conn, ctx.now())?;
    let (from, until) = check(input, day)?;
    let email = crate::clinic::check_email(&input.email)?;
    let found: Option<(StaffId, String)> = conn
        .query_row("SELECT id, kind FROM staff WHERE email = ?1 COLLATE NOCASE", [&email], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let now = clock::to_db(ctx.now());
    let (relative, otp) = match found {
        Some((_, kind)) if kind != "relative" => {
            return Err(Error::Conflict("that email belongs to a staff member".into()));
        }
        Some((id, _)) => (id, None),
        None => {
            let name = crate::clinic::check_text(&input.name, "name", 200)?;
            let otp = crate::staff::one_time_password();
            let id = StaffId::new();
            conn.execute(
                "INSERT INTO staff (id, name, email, role, password_hash, kind, client_scope, can_edit, features,
                                    must_change_password, password_expires_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'reception', ?4, 'relative', 'none', 0, '', 1, ?5, ?6, ?6)",
                params![
                    id,
                    name,
                    email,
                    crate::auth::hash_secret(&Secret::new(otp.clone()))?,
                    clock::to_db(ctx.now() + crate::staff::one_time_password_lifetime()),
                    now
                ],
            )?;
            (id, Some(otp))
        }
    };
    let already: bool = conn.query_row(
        &format!("SELECT count(*) > 0 FROM relative_bindings WHERE relative_id = ?1 AND {CURRENT} AND client_id = ?3"),
        params![relative, day.to_string(), client],
        |r| r.get(0),
    )?;
    if already {
        return Err(Error::Conflict("this relative is already bound to this client".into()));
    }
    let id = BindingId::new();
    conn.execute(
        "INSERT INTO relative_bindings (id, relative_id, client_id, reason, consent, appointments, schedule, reports,
                                        valid_from, valid_until, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            relative,
            client,
            input.reason.as_str(),
            input.consent.map(|c| c.as_str()),
            input.appointments,
            input.schedule,
            input.reports,
            from.to_string(),
            until.map(|d| d.to_string()),
            ctx.actor().staff_id,
            now
        ],
    )?;
    ctx.record_object(format!("bind {id} relative {relative}"));
    let binding = list(conn, Some(client), None, ctx.now())?.into_iter().find(|b| b.id == id).ok_or(Error::NotFound)?;
    Ok(NewBinding { binding, one_time_password: otp })
}

/// Ends a binding of the client concerned, and with it every open session of the relative
/// (they sign in again and see what their remaining bindings allow).
pub(crate) fn end(ctx: &mut GateCtx<'_>, client: &ClientId, binding: &BindingId) -> Result<()> {
    let conn = ctx.conn();
    let relative: Option<StaffId> = conn
        .query_row(
            "SELECT relative_id FROM relative_bindings WHERE id = ?1 AND client_id = ?2 AND ended_at IS NULL",
            params![binding, client],
            |r| r.get(0),
        )
        .optional()?;
    let Some(relative) = relative else { return Err(Error::NotFound) };
    conn.execute(
        "UPDATE relative_bindings SET ended_at = ?2, ended_by = ?3 WHERE id = ?1",
        params![binding, clock::to_db(ctx.now()), ctx.actor().staff_id],
    )?;
    end_sessions(conn, &relative, ctx.now())?;
    ctx.record_object(format!("end {binding} relative {relative}"));
    Ok(())
}

/// Ends every open session of a relative (their binding ended or ran out).
pub(crate) fn end_sessions(conn: &Connection, relative: &StaffId, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE sessions SET ended_at = ?2, end_reason = 'binding_ended' WHERE staff_id = ?1 AND ended_at IS NULL",
        params![relative, clock::to_db(now)],
    )?)
}

/// Bindings, of one client or of one relative (ended ones too, newest first).
pub(crate) fn list(
    conn: &Connection,
    client: Option<&ClientId>,
    relative: Option<&StaffId>,
    now: DateTime<Utc>,
) -> Result<Vec<Binding>> {
    let day = today(conn, now)?;
    let mut stmt = conn.prepare_cached(
        "SELECT b.id, b.relative_id, r.name, r.email, b.client_id, b.reason, b.consent, b.appointments, b.schedule,
                b.reports, b.valid_from, b.valid_until, b.created_at, coalesce(c.name, ''), b.ended_at
         FROM relative_bindings b JOIN staff r ON r.id = b.relative_id LEFT JOIN staff c ON c.id = b.created_by
         WHERE (?1 IS NULL OR b.client_id = ?1) AND (?2 IS NULL OR b.relative_id = ?2)
         ORDER BY b.ended_at IS NOT NULL, b.created_at DESC",
    )?;
    let rows = stmt.query_map(params![client, relative], |r| {
        Ok((
            r.get::<_, BindingId>(0)?,
            r.get::<_, StaffId>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, ClientId>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            (r.get::<_, i64>(7)? == 1, r.get::<_, i64>(8)? == 1, r.get::<_, i64>(9)? == 1),
            (r.get::<_, String>(10)?, r.get::<_, Option<String>>(11)?),
            r.get::<_, String>(12)?,
            r.get::<_, String>(13)?,
            r.get::<_, Option<String>>(14)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            relative_id,
            relative_name,
            relative_email,
            client_id,
            reason,
            consent,
            reach,
            days,
            created,
            by,
            ended,
        ) = row?;
        let day_of = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::Storage("bad day".into()));
        let valid_from = day_of(&days.0)?;
        let valid_until = days.1.as_deref().map(day_of).transpose()?;
        let ended_at = ended.as_deref().map(clock::from_db).transpose()?;
        out.push(Binding {
            current: ended_at.is_none() && valid_from <= day && valid_until.is_none_or(|u| u >= day),
            id,
            relative_id,
            relative_name,
            relative_email,
            client_id,
            reason: Reason::parse(&reason).ok_or_else(|| Error::Storage("unknown reason".into()))?,
            consent: consent.as_deref().and_then(KinConsent::parse),
            appointments: reach.0,
            schedule: reach.1,
            reports: reach.2,
            valid_from,
            valid_until,
            created_at: clock::from_db(&created)?,
            created_by: by,
            ended_at,
        });
    }
    Ok(out)
}
