//! Clients: the people a clinic cares for. Every function here takes a
//! [`GateCtx`](crate::gate::GateCtx), so it can only run inside the gate.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_PHONE_CHARS: usize = 40;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_QUERY_CHARS: usize = 200;
pub const LIST_LIMIT: i64 = 200;

/// What a person types for a client's name and contact details.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// YYYY-MM-DD, or empty.
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub address: String,
    /// Reception's note: practical, never clinical.
    #[serde(default)]
    pub reception_note: String,
    #[serde(default)]
    pub inactive: bool,
    /// Only in journals-with-national-ID mode; empty for none. `None` keeps what is stored.
    #[serde(default)]
    pub national_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub created_at: String,
    pub updated_at: String,
    pub birth_date: Option<String>,
    pub address: String,
    pub reception_note: String,
    pub active: bool,
    /// Shown masked; the full number only through an audited reveal.
    pub national_id_masked: Option<String>,
}

/// A cleaned, checked [`ClientInput`].
struct Valid {
    name: String,
    phone: String,
    email: String,
    birth_date: Option<String>,
    address: String,
    note: String,
    status: &'static str,
    /// Some(None): clear; Some(Some(n)): set; None: keep.
    national_id: Option<Option<String>>,
}

/// One optional line of the client's record (see [`crate::text`]).
fn clean(s: &str, field: &'static str, max: usize) -> Result<String> {
    crate::text::clean(s, crate::text::Rule::optional_line(field, max))
}

/// The clinic's country and whether national IDs may be kept at all.
fn id_rules(ctx: &GateCtx<'_>) -> Result<(Option<crate::national_id::IdCountry>, bool)> {
    let country: String = ctx.conn().query_row("SELECT country FROM clinic", [], |r| r.get(0))?;
    let c = match country.as_str() {
        "dk" => Some(crate::national_id::IdCountry::Dk),
        "se" => Some(crate::national_id::IdCountry::Se),
        "no" => Some(crate::national_id::IdCountry::No),
        _ => None,
    };
    Ok((c, crate::settings::national_id_mode(ctx.conn())?))
}

fn validate_full(ctx: &GateCtx<'_>, input: &ClientInput) -> Result<Valid> {
    let mut v = validate(input)?;
    if let Some(nid) = input.national_id.as_deref() {
        let nid = nid.trim();
        if nid.is_empty() {
            v.national_id = Some(None);
        } else {
            let (country, allowed) = id_rules(ctx)?;
            let (Some(country), true) = (country, allowed) else {
                return Err(Error::invalid("national IDs are kept only in the journals-with-national-ID mode"));
            };
            let parsed = crate::national_id::parse(country, nid, ctx.now().date_naive())?;
            v.national_id = Some(Some(parsed.normalized));
        }
    }
    Ok(v)
}

fn validate(input: &ClientInput) -> Result<Valid> {
    let name = clean(&input.name, "name", MAX_NAME_CHARS)?;
    if name.is_empty() {
        return Err(Error::invalid("name is required"));
    }
    let phone = clean(&input.phone, "phone", MAX_PHONE_CHARS)?;
    if !phone.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c)) {
        return Err(Error::invalid("phone may contain digits, spaces and + - ( ) . / only"));
    }
    let email = clean(&input.email, "email", MAX_EMAIL_CHARS)?;
    if !email.is_empty() && !looks_like_email(&email) {
        return Err(Error::invalid("email is not a valid address"));
    }
    let birth = input.birth_date.trim();
    let birth_date = if birth.is_empty() {
        None
    } else {
        let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d")
            .map_err(|_| Error::invalid("the birth date must be YYYY-MM-DD"))?;
        Some(d.to_string())
    };
    let address = clean(&input.address, "address", 500)?;
    let note = input.reception_note.trim();
    if note.chars().count() > 2000 {
        return Err(Error::invalid("the reception note is too long (at most 2000 characters)"));
    }
    Ok(Valid {
        name,
        phone,
        email,
        birth_date,
        address,
        note: note.to_owned(),
        status: if input.inactive { "inactive" } else { "active" },
        national_id: None,
    })
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Client> {
    let nid: Option<String> = r.get(10)?;
    let country: String = r.get(11)?;
    let c = match country.as_str() {
        "se" => crate::national_id::IdCountry::Se,
        "no" => crate::national_id::IdCountry::No,
        _ => crate::national_id::IdCountry::Dk,
    };
    Ok(Client {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        email: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        birth_date: r.get(6)?,
        address: r.get(7)?,
        reception_note: r.get(8)?,
        active: r.get::<_, String>(9)? == "active",
        national_id_masked: nid.map(|n| crate::national_id::mask(c, &n)),
    })
}

const COLUMNS: &str = "id, name, phone, email, created_at, updated_at, birth_date, address, reception_note, status,
    national_id, (SELECT country FROM clinic)";

/// A second client with the same national ID is refused. The existing client is named
/// (so the UI can link to it) only to someone the policy lets open that client; anyone
/// else learns just that the number is taken.
///
/// Each refusal is an answer about that client ("this number is taken"), so a refused new
/// client is recorded against the existing one: repeated probing shows in its access log.
fn refuse_duplicate(ctx: &mut GateCtx<'_>, nid: &str, except: Option<&ClientId>) -> Result<()> {
    let existing: Option<ClientId> =
        ctx.conn().query_row("SELECT id FROM clients WHERE national_id = ?1", [nid], |r| r.get(0)).optional()?;
    match existing {
        Some(e) if Some(&e) != except => {
            if except.is_none() {
                ctx.record_client(e.clone());
            }
            if ctx.allows(crate::policy::Action::ClientRead, &e)? {
                Err(Error::DuplicateNationalId(e))
            } else {
                Err(Error::Conflict("another client already has this national ID".into()))
            }
        }
        _ => Ok(()),
    }
}

/// The full national ID, for an audited reveal.
pub(crate) fn national_id(ctx: &GateCtx<'_>, id: &ClientId) -> Result<Option<String>> {
    ctx.conn()
        .query_row("SELECT national_id FROM clients WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound)
}

pub(crate) fn create(ctx: &mut GateCtx<'_>, input: &ClientInput) -> Result<Client> {
    let v = validate_full(ctx, input)?;
    if let Some(n) = v.national_id.clone().flatten() {
        refuse_duplicate(ctx, &n, None)?;
    }
    let id = insert(ctx, &v)?;
    ctx.record_client(id.clone());
    get(ctx, &id)
}

/// A new client's row (and, for someone who sees only their own clients, the relation
/// that keeps the client theirs), with the clinic's default access for new clients.
fn insert(ctx: &mut GateCtx<'_>, v: &Valid) -> Result<ClientId> {
    let nid = v.national_id.clone().flatten();
    let id = ClientId::new();
    let now = clock::to_db(ctx.now());
    let everyone = crate::settings::new_client_access(ctx.conn())?;
    ctx.conn().execute(
        "INSERT INTO clients (id, name, phone, email, created_by, created_at, updated_at, birth_date, address,
                              reception_note, status, national_id, staff_access)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            v.name,
            v.phone,
            v.email,
            ctx.actor().staff_id,
            now,
            v.birth_date,
            v.address,
            v.note,
            v.status,
            nid,
            everyone.as_str()
        ],
    )?;
    // Someone who sees only their own clients keeps the one they just registered.
    let rights = ctx.rights();
    if rights.scope == crate::policy::Scope::Own {
        let me = ctx.actor().staff_id.clone();
        crate::relations::add(
            ctx.conn(),
            &me,
            &id,
            crate::relations::RelationKind::Assignment,
            ctx.now(),
            None,
            None,
            &me,
            ctx.now(),
        )?;
    }
    Ok(id)
}

/// A new client's details as the record would keep them, for an import's check.
pub(crate) struct Checked {
    pub name: String,
    pub phone: String,
    pub email: String,
    /// YYYY-MM-DD or empty.
    pub birth_date: String,
    pub national_id: Option<String>,
}

/// Checks a client to be imported as [`create`] would (without writing anything); a
/// national ID another client has is refused.
pub(crate) fn check_new(ctx: &GateCtx<'_>, input: &ClientInput) -> Result<Checked> {
    let v = validate_full(ctx, input)?;
    let national_id = v.national_id.clone().flatten();
    if let Some(n) = &national_id {
        let taken: bool =
            ctx.conn().query_row("SELECT count(*) > 0 FROM clients WHERE national_id = ?1", [n], |r| r.get(0))?;
        if taken {
            return Err(Error::Conflict("another client already has this national ID".into()));
        }
    }
    Ok(Checked {
        name: v.name,
        phone: v.phone,
        email: v.email,
        birth_date: v.birth_date.unwrap_or_default(),
        national_id,
    })
}

/// Adds an imported client (checked by [`check_new`]); the import's one event names them.
pub(crate) fn insert_imported(ctx: &mut GateCtx<'_>, input: &ClientInput) -> Result<ClientId> {
    let v = validate_full(ctx, input)?;
    insert(ctx, &v)
}

pub(crate) fn get(ctx: &GateCtx<'_>, id: &ClientId) -> Result<Client> {
    ctx.conn()
        .query_row(&format!("SELECT {COLUMNS} FROM clients WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound)
}

pub(crate) fn update(ctx: &mut GateCtx<'_>, id: &ClientId, input: &ClientInput) -> Result<Client> {
    let v = validate_full(ctx, input)?;
    if let Some(Some(n)) = &v.national_id {
        refuse_duplicate(ctx, n, Some(id))?;
    }
    let n = ctx.conn().execute(
        "UPDATE clients SET name = ?2, phone = ?3, email = ?4, updated_at = ?5, birth_date = ?6, address = ?7,
                reception_note = ?8, status = ?9,
                national_id = CASE WHEN ?10 THEN ?11 ELSE national_id END
         WHERE id = ?1",
        params![
            id,
            v.name,
            v.phone,
            v.email,
            clock::to_db(ctx.now()),
            v.birth_date,
            v.address,
            v.note,
            v.status,
            v.national_id.is_some(),
            v.national_id.clone().flatten()
        ],
    )?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    get(ctx, id)
}

/// Clients matching `query`, by name: every word of the query must begin a word of the
/// name, phone or email ("ann han" finds Anne Hansen). A query with no letters or digits
/// is matched literally as a substring. Empty: everyone (first 200).
pub(crate) fn list(ctx: &GateCtx<'_>, query: &str) -> Result<Vec<Client>> {
    use unicode_normalization::UnicodeNormalization;
    let q: String = query.trim().nfc().collect();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid("the search is too long"));
    }
    let terms: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(|t| format!("\"{t}\"*")).collect();
    // Scope "own": clients with an active relation, or open to every staff member, and
    // never one the person is blocked from. The same rule as `policy::client_level`.
    let rights = ctx.rights();
    let visible = if rights.scope == crate::policy::Scope::All {
        "AND id NOT IN (SELECT client_id FROM relations WHERE staff_id = :me
                 AND kind = 'block' AND starts_at <= :now AND (ends_at IS NULL OR ends_at > :now))"
    } else {
        "AND (staff_access != 'none' OR id IN (SELECT client_id FROM relations WHERE staff_id = :me
                 AND kind != 'block' AND starts_at <= :now AND (ends_at IS NULL OR ends_at > :now)))
             AND id NOT IN (SELECT client_id FROM relations WHERE staff_id = :me
                 AND kind = 'block' AND starts_at <= :now AND (ends_at IS NULL OR ends_at > :now))"
    };
    let me = ctx.actor().staff_id.to_string();
    let now = clock::to_db(ctx.now());
    let collect = |sql: String, p: &[(&str, &dyn rusqlite::ToSql)]| -> Result<Vec<Client>> {
        let mut stmt = ctx.conn().prepare_cached(&sql)?;
        let r = stmt.query_map(p, from_row)?;
        Ok(r.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    // An exact national ID (typed in any accepted form) finds its client directly.
    if let (Some(country), true) = id_rules(ctx)? {
        if let Ok(n) = crate::national_id::parse(country, &q, ctx.now().date_naive()) {
            return collect(
                format!("SELECT {COLUMNS} FROM clients WHERE national_id = :nid {visible}"),
                &[(":nid", &n.normalized), (":me", &me), (":now", &now)],
            );
        }
    }
    if q.is_empty() {
        collect(
            format!("SELECT {COLUMNS} FROM clients WHERE 1 {visible} ORDER BY name COLLATE NOCASE, id LIMIT :limit"),
            &[(":limit", &LIST_LIMIT), (":me", &me), (":now", &now)],
        )
    } else if terms.is_empty() {
        let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        collect(
            format!(
                "SELECT {COLUMNS} FROM clients
                 WHERE (name LIKE :p ESCAPE '\\' OR phone LIKE :p ESCAPE '\\' OR email LIKE :p ESCAPE '\\') {visible}
                 ORDER BY name COLLATE NOCASE, id LIMIT :limit"
            ),
            &[(":p", &pattern), (":limit", &LIST_LIMIT), (":me", &me), (":now", &now)],
        )
    } else {
        let fts = terms.join(" ");
        collect(
            // Walk the name index in order and stop at the limit, probing the (materialised)
            // match set, instead of reading and sorting every match of a short prefix.
            format!(
                "SELECT {COLUMNS} FROM clients INDEXED BY clients_by_name
                 WHERE rowid IN (SELECT rowid FROM clients_fts WHERE clients_fts MATCH :fts) {visible}
                 ORDER BY name COLLATE NOCASE LIMIT :limit"
            ),
            &[(":fts", &fts), (":limit", &LIST_LIMIT), (":me", &me), (":now", &now)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, phone: &str, email: &str) -> ClientInput {
        ClientInput { name: name.into(), phone: phone.into(), email: email.into(), ..Default::default() }
    }

    #[test]
    fn validation_trims_and_enforces_limits() {
        let v = validate(&input("  Åse Ødegård ", " +47 912 34 567 ", "ase@example.no")).expect("valid");
        assert_eq!(v.name, "Åse Ødegård");
        assert_eq!(v.phone, "+47 912 34 567");
        assert_eq!(crate::error::code_of(validate(&input("   ", "", ""))), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(validate(&input(&"x".repeat(201), "", ""))), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(validate(&input("A", "12ab", ""))), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(validate(&input("A", "", "not-an-email"))), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(validate(&input("A\u{0007}", "", ""))), Some(crate::ErrorCode::Invalid));
        // Markup is data, not code: stored verbatim.
        assert_eq!(
            validate(&input("<img src=x onerror=alert(1)>", "", "")).expect("ok").name,
            "<img src=x onerror=alert(1)>"
        );
    }
}
