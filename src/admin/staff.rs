//! Staff: admins add people (the app is offline, so a new person's first password is a
//! one-time password shown once to the admin, changed at first login), everyone sets
//! their own PIN, and a business-login workstation is unlocked by a personal PIN.
//! Every change is audited.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::StaffId;
use crate::policy::{Feature, Features, Level, Rights, Role, Scope};
use crate::secret::Secret;
use crate::{auth, Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
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
    pub scope: Scope,
    pub edit: bool,
    pub features: Vec<Feature>,
    /// Must confirm journal work with the PIN also on a personal login.
    pub requires_pin: bool,
    pub has_photo: bool,
    pub totp_enabled: bool,
    /// Rights on other people's calendars (rows that differ from "none").
    pub calendars: Vec<(StaffId, Level)>,
}

/// What an admin can change about a staff member after creating them.
#[derive(Debug, Clone)]
pub struct StaffChanges {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub business_login: bool,
    pub scope: Scope,
    pub edit: bool,
    pub features: Features,
    pub requires_pin: bool,
    /// Rights on other people's calendars; people not listed get "none".
    pub calendars: Vec<(StaffId, Level)>,
}

/// The most a photo may weigh.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

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

/// How long a one-time password from an administrator may be used (then it is refused
/// with its own message, and an administrator issues a new one).
pub(crate) fn one_time_password_lifetime() -> chrono::Duration {
    chrono::Duration::hours(72)
}

/// A valid email no other staff member has (`except`: the person being changed).
pub(crate) fn check_email(conn: &Connection, email: &str, except: Option<&StaffId>) -> Result<String> {
    let email = crate::clinic::check_email(email)?;
    let taken: Option<StaffId> =
        conn.query_row("SELECT id FROM staff WHERE email = ?1 COLLATE NOCASE", [&email], |r| r.get(0)).optional()?;
    match taken {
        Some(other) if Some(&other) != except => Err(Error::Conflict("a staff member already has that email".into())),
        _ => Ok(email),
    }
}

pub(crate) fn create(ctx: &mut GateCtx<'_>, new: &NewStaff) -> Result<(StaffView, String)> {
    let name = crate::clinic::check_text(&new.name, "name", 200)?;
    let email = check_email(ctx.conn(), &new.email, None)?;
    if new.role == Role::Owner {
        return Err(Error::invalid("a clinic has one owner"));
    }
    let rights = Rights::default_for(new.role);
    let otp = one_time_password();
    let id = StaffId::new();
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "INSERT INTO staff (id, name, email, role, password_hash, can_business_login, must_change_password, created_at,
                            updated_at, client_scope, can_edit, features, password_expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            name,
            email,
            new.role.as_str(),
            auth::hash_secret(&Secret::new(otp.clone()))?,
            new.business_login as i64,
            now,
            rights.scope.as_str(),
            rights.edit as i64,
            rights.features.to_db(),
            clock::to_db(ctx.now() + one_time_password_lifetime())
        ],
    )?;
    crate::calendar::calendars::ensure_staff_calendars(ctx.conn(), ctx.now())?;
    ctx.record_object(format!("staff {id}"));
    let view = list(ctx.conn())?.into_iter().find(|s| s.id == id).ok_or(Error::NotFound)?;
    Ok((view, otp))
}

/// An admin changes a staff member. The owner stays owner with every right (only name
/// and email change); nobody becomes owner; an admin cannot take their own
/// administration rights away (the clinic would lose its way into settings).
pub(crate) fn update(ctx: &mut GateCtx<'_>, id: &StaffId, c: &StaffChanges) -> Result<StaffView> {
    let name = crate::clinic::check_text(&c.name, "name", 200)?;
    let email = check_email(ctx.conn(), &c.email, Some(id))?;
    // A relative is no staff member: their account is not changed here (their bindings are).
    let current: Option<String> = ctx
        .conn()
        .query_row("SELECT role FROM staff WHERE id = ?1 AND kind = 'staff'", [id], |r| r.get(0))
        .optional()?;
    let current = current.and_then(|r| Role::parse(&r)).ok_or(Error::NotFound)?;
    let (role, rights, business, requires_pin) = if current == Role::Owner {
        (Role::Owner, Rights::owner(), c.business_login, c.requires_pin)
    } else {
        if c.role == Role::Owner {
            return Err(Error::invalid("a clinic has one owner"));
        }
        (c.role, Rights { scope: c.scope, edit: c.edit, features: c.features }, c.business_login, c.requires_pin)
    };
    if id == &ctx.actor().staff_id && (!role.is_admin() || !rights.features.has(Feature::Settings)) {
        return Err(Error::invalid("you cannot take your own administrator rights away"));
    }
    if c.calendars.len() > 500 || c.calendars.iter().any(|(other, _)| other == id) {
        return Err(Error::invalid("calendar rights name other staff members"));
    }
    ctx.conn().execute(
        "UPDATE staff SET name = ?2, email = ?3, role = ?4, can_business_login = ?5, client_scope = ?6, can_edit = ?7,
                features = ?8, requires_pin = ?9, updated_at = ?10 WHERE id = ?1",
        params![
            id,
            name,
            email,
            role.as_str(),
            business as i64,
            rights.scope.as_str(),
            rights.edit as i64,
            rights.features.to_db(),
            requires_pin as i64,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.conn().execute("DELETE FROM calendar_rights WHERE staff_id = ?1", [id])?;
    for (other, level) in c.calendars.iter().filter(|(_, l)| *l != Level::None) {
        let n = ctx.conn().execute(
            "INSERT OR REPLACE INTO calendar_rights (staff_id, calendar_of, level)
             SELECT ?1, id, ?3 FROM staff WHERE id = ?2",
            params![id, other, level.as_str()],
        )?;
        if n == 0 {
            return Err(Error::invalid("calendar rights name an unknown staff member"));
        }
    }
    ctx.record_object(format!(
        "staff {id} role={} scope={} edit={} features={} pin_for_journals={requires_pin} business_login={business}",
        role.as_str(),
        rights.scope.as_str(),
        rights.edit,
        rights.features.to_db()
    ));
    list(ctx.conn())?.into_iter().find(|s| &s.id == id).ok_or(Error::NotFound)
}

/// Deactivates (ends every session and PIN unlock, keeps the history) or reactivates a
/// staff member. The owner and oneself cannot be deactivated.
pub(crate) fn set_active(ctx: &mut GateCtx<'_>, id: &StaffId, active: bool) -> Result<()> {
    let role: Option<String> =
        ctx.conn().query_row("SELECT role FROM staff WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match role.as_deref() {
        None => return Err(Error::NotFound),
        Some("owner") if !active => return Err(Error::invalid("the owner cannot be deactivated")),
        _ if !active && id == &ctx.actor().staff_id => return Err(Error::invalid("you cannot deactivate yourself")),
        _ => {}
    }
    let now = clock::to_db(ctx.now());
    ctx.conn()
        .execute("UPDATE staff SET active = ?2, updated_at = ?3 WHERE id = ?1", params![id, active as i64, now])?;
    if !active {
        ctx.conn().execute(
            "UPDATE sessions SET ended_at = ?2, end_reason = 'deactivated' WHERE staff_id = ?1 AND ended_at IS NULL",
            params![id, now],
        )?;
        ctx.conn().execute("UPDATE sessions SET pin_staff = NULL, pin_until = NULL WHERE pin_staff = ?1", [id])?;
    }
    ctx.record_object(format!("staff {id} {}", if active { "reactivated" } else { "deactivated" }));
    Ok(())
}

/// The image type of `bytes`, judged by their content (never by a name or a claim).
pub(crate) fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "image/png" => Some("image/png"),
        "image/jpeg" => Some("image/jpeg"),
        "image/webp" => Some("image/webp"),
        _ => None,
    }
}

/// Sets or removes a staff member's photo (PNG, JPEG or WebP by content, at most 2 MB).
pub(crate) fn set_photo(ctx: &mut GateCtx<'_>, id: &StaffId, photo: Option<&[u8]>) -> Result<()> {
    let (bytes, mime) = match photo {
        None => (None, None),
        Some(b) if b.len() > MAX_PHOTO_BYTES => return Err(Error::invalid("the photo is larger than 2 MB")),
        Some(b) => match sniff_image(b) {
            Some(m) => (Some(b), Some(m)),
            None => return Err(Error::invalid("the photo must be a PNG, JPEG or WebP image")),
        },
    };
    let n = ctx.conn().execute(
        "UPDATE staff SET photo = ?2, photo_type = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, bytes, mime, clock::to_db(ctx.now())],
    )?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("staff {id} photo {}", if bytes.is_some() { "set" } else { "removed" }));
    Ok(())
}

/// A staff member's photo and its type, if any. Staff photos are not client data: any
/// signed-in session may show them (the PIN chooser shows faces).
pub(crate) fn photo(conn: &Connection, id: &StaffId) -> Result<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row("SELECT photo_type, photo FROM staff WHERE id = ?1 AND photo IS NOT NULL", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Whether a staff row (role, stored features) may use journals: the owner always may,
/// as in [`rights`].
pub(crate) fn uses_journal(role: &str, features: &str) -> bool {
    role == Role::Owner.as_str() || Features::from_db(features).has(Feature::Journal)
}

/// The rights of one staff member as the gate sees them (see [`stored_rights`]).
pub(crate) fn rights(conn: &Connection, id: &StaffId) -> Result<(Rights, bool)> {
    let (role, scope, edit, features, requires_pin): (String, String, i64, String, i64) = conn.query_row(
        "SELECT role, client_scope, can_edit, features, requires_pin FROM staff WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let role = Role::parse(&role).ok_or_else(|| Error::Storage("unknown role".into()))?;
    Ok((stored_rights(role, &scope, edit, &features), requires_pin == 1))
}

/// Rights from a staff row. The owner always has every right, whatever the row says; a
/// scope this build does not know reaches no client (fail closed).
fn stored_rights(role: Role, scope: &str, edit: i64, features: &str) -> Rights {
    if role == Role::Owner {
        return Rights::owner();
    }
    Rights { scope: Scope::parse(scope).unwrap_or(Scope::None), edit: edit == 1, features: Features::from_db(features) }
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<StaffView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, role, active, can_business_login, pin_hash IS NOT NULL, pin_disabled,
                client_scope, can_edit, features, requires_pin, photo IS NOT NULL, totp_secret IS NOT NULL
         FROM staff WHERE kind = 'staff' ORDER BY name COLLATE NOCASE",
    )?;
    let mut calendars = conn.prepare_cached("SELECT staff_id, calendar_of, level FROM calendar_rights")?;
    let grants = calendars
        .query_map([], |r| Ok((r.get::<_, StaffId>(0)?, r.get::<_, StaffId>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = stmt.query_map([], |r| {
        let role: String = r.get(3)?;
        let role = Role::parse(&role).unwrap_or(Role::Reception);
        let id: StaffId = r.get(0)?;
        let rights = stored_rights(role, &r.get::<_, String>(8)?, r.get(9)?, &r.get::<_, String>(10)?);
        let calendars = grants
            .iter()
            .filter(|(who, _, _)| who == &id)
            .filter_map(|(_, of, level)| Level::parse(level).map(|l| (of.clone(), l)))
            .collect();
        Ok(StaffView {
            scope: rights.scope,
            edit: rights.edit,
            features: rights.features.list(),
            requires_pin: r.get::<_, i64>(11)? == 1,
            has_photo: r.get(12)?,
            totp_enabled: r.get(13)?,
            calendars,
            id,
            name: r.get(1)?,
            email: r.get(2)?,
            role,
            active: r.get::<_, i64>(4)? == 1,
            business_login: r.get::<_, i64>(5)? == 1,
            has_pin: r.get(6)?,
            pin_disabled: r.get::<_, i64>(7)? == 1,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
