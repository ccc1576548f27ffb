//! Staff: admins add people (the app is offline, so a new person's first password is a
//! one-time password shown once to the admin, changed at first login), everyone sets
//! their own PIN, and a business-login workstation is unlocked by a personal PIN.
//! Every change is audited.

use crate::clients::looks_like_email;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::StaffId;
use crate::policy::Role;
use crate::secret::Secret;
use crate::{auth, Error, Result};
use rusqlite::{params, Connection};
use serde::Serialize;

/// What an admin enters for a new staff member.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub name: String,
    pub email: String,
    pub role: Role,
    /// May sign a shared workstation in with a business login.
    pub business_login: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffView {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub business_login: bool,
    pub has_pin: bool,
    pub pin_disabled: bool,
}

/// A one-time password: 16 characters from an unambiguous alphabet (about 80 bits).
pub(crate) fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut s = String::new();
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
    }
    s
}

pub(crate) fn create(ctx: &mut GateCtx<'_>, new: &NewStaff) -> Result<(StaffView, String)> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(Error::invalid("a name of 1 to 200 characters is required"));
    }
    let email = new.email.trim();
    if !looks_like_email(email) || email.len() > 254 {
        return Err(Error::invalid("email is not a valid address"));
    }
    if new.role == Role::Owner {
        return Err(Error::invalid("a clinic has one owner"));
    }
    let taken: i64 =
        ctx.conn().query_row("SELECT count(*) FROM staff WHERE email = ?1 COLLATE NOCASE", [email], |r| r.get(0))?;
    if taken > 0 {
        return Err(Error::Conflict("a staff member already has that email".into()));
    }
    let otp = one_time_password();
    let id = StaffId::new();
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "INSERT INTO staff (id, name, email, role, password_hash, can_business_login, must_change_password, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
        params![id, name, email, new.role.as_str(), auth::hash_secret(&Secret::new(otp.clone()))?, new.business_login as i64, now],
    )?;
    ctx.record_object(format!("staff {id}"));
    let view = list(ctx.conn())?.into_iter().find(|s| s.id == id).ok_or(Error::NotFound)?;
    Ok((view, otp))
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<StaffView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, role, active, can_business_login, pin_hash IS NOT NULL, pin_disabled
         FROM staff ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        let role: String = r.get(3)?;
        Ok(StaffView {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            role: Role::parse(&role).unwrap_or(Role::Reception),
            active: r.get::<_, i64>(4)? == 1,
            business_login: r.get::<_, i64>(5)? == 1,
            has_pin: r.get(6)?,
            pin_disabled: r.get::<_, i64>(7)? == 1,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
