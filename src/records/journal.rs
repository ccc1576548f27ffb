//! Journal entries (called notes in notes mode): drafts that save as the person types,
//! signing that locks an entry for good, addenda for corrections, starter templates and
//! full-text search. Every function takes a [`GateCtx`], so it runs only inside the gate.
//!
//! Why a signed entry cannot change: Danish journalføring § 14 and Patientdatalagen
//! require that what was recorded stays readable as recorded. The rule lives in the
//! database (triggers), not only here, so no path — not even a SQL shell with the key —
//! edits or deletes a signed entry.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{ClientId, EntryId, TemplateId, TemplateKey};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// Longest entry body; a larger one is refused before anything is written.
pub const MAX_BODY_CHARS: usize = 100_000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: EntryId,
    pub client_id: ClientId,
    pub author_name: String,
    pub care_at: String,
    pub template_name: Option<String>,
    pub title: String,
    pub body: String,
    pub signed: bool,
    pub signed_at: Option<String>,
    pub signed_by_name: Option<String>,
    pub addendum_to: Option<EntryId>,
    pub updated_at: String,
    /// Signed by the clinic's auto-sign rule rather than by the author's own hand.
    pub auto_signed: bool,
    /// The fields of the template version the entry was written with (if it has fields).
    pub fields: Option<Vec<crate::templates::Field>>,
    /// The answers to those fields.
    pub answers: crate::templates::Answers,
    pub template_version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: TemplateId,
    /// Stays the same across versions.
    pub key: TemplateKey,
    pub name: String,
    pub body: String,
    pub version: i64,
    /// Empty for a free-text template.
    pub fields: Vec<crate::templates::Field>,
    /// A starter shipped with Klinik (as opposed to built in this clinic).
    pub starter: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub entry_id: EntryId,
    pub client_id: ClientId,
    pub client_name: String,
    pub care_at: String,
    pub snippet: String,
}

const SELECT: &str = "SELECT e.id, e.client_id, a.name, e.care_at, t.name, e.title, e.body, e.status, e.signed_at,
        sb.name, e.addendum_to, e.updated_at, e.auto_signed, t.fields, e.answers, t.version
    FROM entries e
    JOIN staff a ON a.id = e.author
    LEFT JOIN staff sb ON sb.id = e.signed_by
    LEFT JOIN templates t ON t.id = e.template_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        client_id: r.get(1)?,
        author_name: r.get(2)?,
        care_at: r.get(3)?,
        template_name: r.get(4)?,
        title: r.get(5)?,
        body: r.get(6)?,
        signed: r.get::<_, String>(7)? == "signed",
        signed_at: r.get(8)?,
        signed_by_name: r.get(9)?,
        addendum_to: r.get(10)?,
        updated_at: r.get(11)?,
        auto_signed: r.get::<_, i64>(12)? == 1,
        fields: r.get::<_, Option<String>>(13)?.and_then(|f| serde_json::from_str(&f).ok()),
        answers: r.get::<_, Option<String>>(14)?.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default(),
        template_version: r.get(15)?,
    })
}

fn check_text(title: &str, body: &str) -> Result<(String, String)> {
    use crate::text::{clean, Rule};
    Ok((
        clean(title, Rule::optional_line("the title", MAX_TITLE_CHARS))?,
        clean(body, Rule::text("the entry", MAX_BODY_CHARS))?,
    ))
}

fn get(ctx: &GateCtx<'_>, id: &EntryId) -> Result<Entry> {
    ctx.conn().query_row(&format!("{SELECT} WHERE e.id = ?1"), [id], from_row).optional()?.ok_or(Error::NotFound)
}

fn require_client(ctx: &GateCtx<'_>, client: &ClientId) -> Result<()> {
    let exists: Option<i64> =
        ctx.conn().query_row("SELECT 1 FROM clients WHERE id = ?1", [client], |r| r.get(0)).optional()?;
    exists.map(|_| ()).ok_or(Error::NotFound)
}

/// The client's entries, newest care first; addenda follow the entry they correct.
pub(crate) fn list(ctx: &mut GateCtx<'_>, client: &ClientId, limit: u32) -> Result<Vec<Entry>> {
    require_client(ctx, client)?;
    let mut stmt = ctx
        .conn()
        .prepare_cached(&format!("{SELECT} WHERE e.client_id = ?1 ORDER BY e.care_at DESC, e.id DESC LIMIT ?2"))?;
    let rows = stmt.query_map(params![client, limit.clamp(1, 500)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn create_draft(
    ctx: &mut GateCtx<'_>,
    client: &ClientId,
    template_id: Option<&TemplateId>,
    title: &str,
    body: &str,
) -> Result<Entry> {
    require_client(ctx, client)?;
    let (title, mut body) = check_text(title, body)?;
    if let Some(t) = template_id {
        let found: Option<Option<String>> =
            ctx.conn().query_row("SELECT fields FROM templates WHERE id = ?1", [t], |r| r.get(0)).optional()?;
        // An entry from a fielded template starts with no answers (and so no text).
        if found.ok_or_else(|| Error::invalid("unknown template"))?.is_some() {
            body = String::new();
        }
    }
    let id = EntryId::new();
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "INSERT INTO entries (id, client_id, author, care_at, template_id, title, body, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?4, ?4)",
        params![id, client, ctx.actor().staff_id, now, template_id, title, body],
    )?;
    ctx.record_object(id.to_string());
    get(ctx, &id)
}

/// Saves a draft as typed. Only its author may, and never once it is signed.
pub(crate) fn save_draft(ctx: &mut GateCtx<'_>, id: &EntryId, title: &str, body: &str) -> Result<Entry> {
    let (title, body) = check_text(title, body)?;
    let entry = own_draft(ctx, id)?;
    if entry.fields.is_some() {
        return Err(Error::invalid("this entry is written in its template's fields"));
    }
    ctx.conn().execute(
        "UPDATE entries SET title = ?2, body = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'draft'",
        params![entry.id, title, body, clock::to_db(ctx.now())],
    )?;
    get(ctx, id)
}

/// Looks an entry up and names its client and id in the operation's audit event.
fn touch(ctx: &mut GateCtx<'_>, id: &EntryId) -> Result<(String, String)> {
    let (client, author, status): (ClientId, String, String) = ctx
        .conn()
        .query_row("SELECT client_id, author, status FROM entries WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or(Error::NotFound)?;
    ctx.record_client(client);
    ctx.record_object(id.to_string());
    Ok((author, status))
}

fn own_draft(ctx: &mut GateCtx<'_>, id: &EntryId) -> Result<Entry> {
    let (author, status) = touch(ctx, id)?;
    if status == "signed" {
        return Err(Error::Conflict("the entry is signed; add an addendum instead".into()));
    }
    if author != ctx.actor().staff_id.as_str() {
        return Err(Error::Denied("only the author may change a draft".into()));
    }
    get(ctx, id)
}

/// Signs (locks) the author's draft for good and makes it searchable.
pub(crate) fn sign(ctx: &mut GateCtx<'_>, id: &EntryId) -> Result<Entry> {
    let entry = own_draft(ctx, id)?;
    if entry.body.trim().is_empty() && entry.title.trim().is_empty() {
        return Err(Error::invalid("an empty entry cannot be signed"));
    }
    if let Some(fields) = &entry.fields {
        let missing = crate::templates::missing_required(fields, &entry.answers);
        if !missing.is_empty() {
            return Err(Error::invalid(format!("fill in the required fields: {}", missing.join(", "))));
        }
    }
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "UPDATE entries SET status = 'signed', signed_at = ?2, signed_by = ?3, updated_at = ?2 WHERE id = ?1",
        params![entry.id, now, ctx.actor().staff_id],
    )?;
    let text: String = format!("{}\n{}", entry.title, entry.body).nfc().collect();
    ctx.conn().execute(
        "INSERT INTO entries_fts (entry_id, client_id, text) VALUES (?1, ?2, ?3)",
        params![entry.id, entry.client_id, text],
    )?;
    get(ctx, id)
}

/// Starts an addendum (a correction) to a signed entry, as a draft of its own.
pub(crate) fn addendum(ctx: &mut GateCtx<'_>, original: &EntryId, body: &str) -> Result<Entry> {
    touch(ctx, original)?;
    let orig = get(ctx, original)?;
    if !orig.signed {
        return Err(Error::Conflict("only a signed entry takes an addendum; edit the draft instead".into()));
    }
    let (_, body) = check_text("", body)?;
    let id = EntryId::new();
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "INSERT INTO entries (id, client_id, author, care_at, title, body, status, addendum_to, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, '', ?5, 'draft', ?6, ?4, ?4)",
        params![id, orig.client_id, ctx.actor().staff_id, now, body, orig.id],
    )?;
    ctx.record_object(id.to_string());
    get(ctx, &id)
}

/// The client an entry belongs to: an id lookup so the gate can check the relation
/// before the entry itself is read.
///
/// `None` when there is no such entry: the gate then decides as for a client the caller
/// has no relation to, so someone without access hears "denied" whether or not the id
/// exists, and only someone who may look hears "not found" (from the operation).
pub(crate) fn entry_client(conn: &rusqlite::Connection, id: &EntryId) -> Result<Option<ClientId>> {
    Ok(conn.query_row("SELECT client_id FROM entries WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// Turns what a person typed into an FTS5 query of quoted terms (all must match, the
/// last as a prefix), so operators and quotes in the input are just text.
fn fts_query(q: &str) -> Option<String> {
    let q: String = q.nfc().collect();
    let terms: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(|t| format!("\"{t}\"")).collect();
    if terms.is_empty() {
        return None;
    }
    let mut s = terms.join(" ");
    s.push('*');
    Some(s)
}

/// Signed entries whose text matches, most recently signed first, with a short snippet.
/// Ordering by the index's own rowid (assigned at signing) lets SQLite stop after the
/// first page instead of sorting every match of a common word.
pub(crate) fn search(ctx: &mut GateCtx<'_>, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid("the search is too long"));
    }
    let Some(q) = fts_query(query) else { return Ok(Vec::new()) };
    // Every hit is shown only if the policy would open that client's journal for this
    // person (the same decision as opening it). SQL narrows the candidates first, to a
    // superset of what the policy can allow: where only a relation opens a journal (scope
    // "own", national-ID mode), to clients with a current relation; nobody sees a client
    // they are blocked from.
    let subject = ctx.subject();
    let related_only = subject.model != crate::policy::AccessModel::Solo
        && (subject.rights.scope != crate::policy::Scope::All || subject.national_id_mode);
    let now = clock::to_db(ctx.now());
    let mut stmt = ctx.conn().prepare_cached(
        "SELECT f.entry_id, f.client_id, c.name, e.care_at, snippet(entries_fts, 2, '', '', '…', 12)
         FROM entries_fts f JOIN entries e ON e.id = f.entry_id JOIN clients c ON c.id = f.client_id
         WHERE entries_fts MATCH ?1
           AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.staff_id = ?2 AND r.client_id = f.client_id
                           AND r.kind = 'block' AND r.starts_at <= ?3 AND (r.ends_at IS NULL OR r.ends_at > ?3))
           AND (NOT ?4 OR EXISTS (SELECT 1 FROM relations r WHERE r.staff_id = ?2 AND r.client_id = f.client_id
                           AND r.kind != 'block' AND r.starts_at <= ?3 AND (r.ends_at IS NULL OR r.ends_at > ?3)))
         ORDER BY f.rowid DESC",
    )?;
    let mut rows = stmt.query(params![q, ctx.actor().staff_id, now, related_only])?;
    let mut decided: std::collections::HashMap<ClientId, bool> = std::collections::HashMap::new();
    let mut hits = Vec::new();
    // The clients whose text is shown, in the order of their first hit.
    let mut shown: Vec<ClientId> = Vec::new();
    let limit = limit.clamp(1, 200) as usize;
    while let Some(r) = rows.next()? {
        let client: ClientId = r.get(1)?;
        let allowed = match decided.get(&client) {
            Some(a) => *a,
            None => {
                let a = ctx.allows(crate::policy::Action::JournalRead, &client)?;
                decided.insert(client.clone(), a);
                a
            }
        };
        if !allowed {
            continue;
        }
        if !shown.contains(&client) {
            shown.push(client.clone());
        }
        hits.push(SearchHit {
            entry_id: r.get(0)?,
            client_id: client,
            client_name: r.get(2)?,
            care_at: r.get(3)?,
            snippet: r.get(4)?,
        });
        if hits.len() == limit {
            break;
        }
    }
    drop(rows);
    drop(stmt);
    // Each client whose text was shown gets its own event: it belongs in that client's
    // "who has seen this record" log.
    for c in shown {
        ctx.record_seen(c);
    }
    Ok(hits)
}

/// The newest version of each template in `language`.
pub(crate) fn templates(conn: &rusqlite::Connection, language: &str) -> Result<Vec<Template>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key, name, body, version, fields, created_by IS NULL FROM templates t WHERE language = ?1
         AND version = (SELECT max(version) FROM templates u WHERE u.key = t.key AND u.language = t.language)
         AND NOT retired
         ORDER BY name",
    )?;
    let rows = stmt.query_map([language], |r| {
        Ok(Template {
            id: r.get(0)?,
            key: r.get(1)?,
            name: r.get(2)?,
            body: r.get(3)?,
            version: r.get(4)?,
            fields: r.get::<_, Option<String>>(5)?.and_then(|f| serde_json::from_str(&f).ok()).unwrap_or_default(),
            starter: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Saves a template: a new one (no key) or a new version of an existing one. Earlier
/// versions stay, so entries written with them keep their fields.
pub(crate) fn save_template(
    ctx: &mut GateCtx<'_>,
    language: &str,
    key: Option<&TemplateKey>,
    name: &str,
    body: &str,
    fields: &[crate::templates::Field],
) -> Result<Template> {
    let name = crate::text::clean(name, crate::text::Rule::line("a template name", 200))?;
    let name = name.as_str();
    if body.chars().count() > crate::templates::MAX_TEMPLATE_BODY_CHARS {
        return Err(Error::invalid("the template text is too long"));
    }
    let fields = crate::templates::check_fields(fields)?;
    let (key, version) = match key {
        None => (uuid::Uuid::now_v7().to_string(), 1),
        Some(k) => {
            let v: Option<i64> = ctx.conn().query_row(
                "SELECT max(version) FROM templates WHERE key = ?1 AND language = ?2",
                params![k.as_str(), language],
                |r| r.get(0),
            )?;
            (k.to_string(), v.ok_or(Error::NotFound)? + 1)
        }
    };
    let id = TemplateId::new();
    let fields_json = (!fields.is_empty())
        .then(|| serde_json::to_string(&fields))
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))?;
    ctx.conn().execute(
        "INSERT INTO templates (id, key, version, language, name, body, created_at, fields, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            key,
            version,
            language,
            name,
            body.nfc().collect::<String>(),
            clock::to_db(ctx.now()),
            fields_json,
            ctx.actor().staff_id
        ],
    )?;
    ctx.record_object(format!("template {key} v{version}"));
    templates(ctx.conn(), language)?.into_iter().find(|t| t.id == id).ok_or(Error::NotFound)
}

/// Hides a template from new entries (entries already written keep it).
pub(crate) fn retire_template(ctx: &mut GateCtx<'_>, key: &TemplateKey) -> Result<()> {
    let n = ctx.conn().execute("UPDATE templates SET retired = 1 WHERE key = ?1", [key.as_str()])?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("template {key} retired"));
    Ok(())
}

/// Saves the answers of a draft written from a fielded template; its text is rendered
/// from them.
pub(crate) fn save_answers(
    ctx: &mut GateCtx<'_>,
    id: &EntryId,
    title: &str,
    answers: &crate::templates::Answers,
) -> Result<Entry> {
    let entry = own_draft(ctx, id)?;
    let fields = entry.fields.clone().ok_or_else(|| Error::invalid("this entry has no template fields"))?;
    let answers = crate::templates::check_answers(&fields, answers)?;
    let body = crate::templates::render(&fields, &answers);
    let (title, body) = check_text(title, &body)?;
    let json = serde_json::to_string(&answers).map_err(|e| Error::Internal(e.to_string()))?;
    ctx.conn().execute(
        "UPDATE entries SET title = ?2, body = ?3, answers = ?4, updated_at = ?5 WHERE id = ?1 AND status = 'draft'",
        params![entry.id, title, body, json, clock::to_db(ctx.now())],
    )?;
    get(ctx, id)
}

/// Signs every draft that has not changed for `hours` hours, in the name of its author
/// (the clinic's auto-sign rule: a record should not stay open indefinitely). Each
/// signing writes its audit event (`entry_auto_sign`, actor = author, with the rule as
/// the reason) in the same transaction. Empty drafts are left alone: there is nothing
/// to sign. Returns how many entries were signed.
pub(crate) fn auto_sign_due(
    conn: &mut rusqlite::Connection,
    workstation: &str,
    now: chrono::DateTime<chrono::Utc>,
    hours: i64,
) -> Result<usize> {
    if hours <= 0 {
        return Ok(0);
    }
    let cutoff = clock::to_db(now - chrono::Duration::hours(hours));
    let tx = conn.transaction()?;
    let due: Vec<(String, ClientId, crate::ids::StaffId, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id, client_id, author, title, body FROM entries
             WHERE status = 'draft' AND updated_at < ?1 AND (trim(body) != '' OR trim(title) != '')",
        )?;
        let rows = stmt.query_map([&cutoff], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let at = clock::to_db(now);
    let reason = format!("auto-sign after {hours} h");
    for (id, client, author, title, body) in &due {
        tx.execute(
            "UPDATE entries SET status = 'signed', signed_at = ?2, signed_by = author, updated_at = ?2, auto_signed = 1
             WHERE id = ?1 AND status = 'draft'",
            params![id, at],
        )?;
        let text: String = format!("{title}\n{body}").nfc().collect();
        tx.execute(
            "INSERT INTO entries_fts (entry_id, client_id, text) VALUES (?1, ?2, ?3)",
            params![id, client, text],
        )?;
        crate::audit::append(
            &tx,
            now,
            &crate::audit::NewEvent {
                actor: Some(author),
                via: None,
                workstation,
                action: "entry_auto_sign",
                client: Some(client),
                object: Some(id),
                outcome: crate::audit::Outcome::Ok,
                reason: Some(&reason),
            },
        )?;
    }
    tx.commit()?;
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_input_becomes_quoted_terms() {
        assert_eq!(fts_query("knæ smerte").as_deref(), Some("\"knæ\" \"smerte\"*"));
        assert_eq!(fts_query("\" OR 1=1 -- NEAR(").as_deref(), Some("\"OR\" \"1\" \"1\" \"NEAR\"*"));
        assert_eq!(fts_query("  ,.; "), None);
        // Decomposed å becomes the composed form.
        assert_eq!(fts_query("pa\u{030a}"), fts_query("på"));
    }
}
