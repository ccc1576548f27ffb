//! Attachments: PDFs and images on a client or a journal entry (a referral letter, a
//! scan, a photo of a wound), stored inside the encrypted database so nothing clinical
//! lies around as a plain file.
//!
//! The type is judged from the bytes (magic numbers), never from the file name or what
//! the window claims, so a script renamed `.pdf` is refused. The size limit is a clinic
//! setting (25 MB by default) enforced here. Adding, listing and opening go through the
//! gate as journal work: the same relation rules as the journal, and every opening is
//! audited with the attachment's id. An attachment never changes; it can be removed
//! only from an entry that is still a draft (triggers hold this for any SQL path too).

use crate::gate::GateCtx;
use crate::ids::{AttachmentId, ClientId, EntryId, StaffId};
use crate::{clock, Error, Result};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The clinic's limit for one attachment, in megabytes.
pub const DEFAULT_MAX_MB: i64 = 25;
pub const MAX_NAME_CHARS: usize = 255;

/// What a list shows about an attachment (never the bytes).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub client_id: ClientId,
    pub entry_id: Option<EntryId>,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub created_by_name: String,
    pub created_at: String,
}

/// The kinds of file Klinik keeps, judged from the content.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "application/pdf" => Some("application/pdf"),
        "image/png" => Some("image/png"),
        "image/jpeg" => Some("image/jpeg"),
        "image/webp" => Some("image/webp"),
        _ => None,
    }
}

/// A file name as the person chose it, cleaned of paths and control characters.
fn clean_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    if cleaned.is_empty() || cleaned.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(format!("a file name of 1 to {MAX_NAME_CHARS} characters is required")));
    }
    Ok(cleaned)
}

pub(crate) fn max_bytes(conn: &rusqlite::Connection) -> Result<usize> {
    let mb = crate::settings::get_i64(conn, crate::settings::ATTACHMENT_MAX_MB, DEFAULT_MAX_MB)?;
    Ok(usize::try_from(mb.clamp(1, 100)).unwrap_or(25) * 1024 * 1024)
}

/// Checks size and type before anything is written (also before the gate runs, so an
/// oversized file costs no transaction).
pub(crate) fn check(bytes: &[u8], limit: usize) -> Result<&'static str> {
    if bytes.is_empty() {
        return Err(Error::invalid("the file is empty"));
    }
    if bytes.len() > limit {
        return Err(Error::invalid(format!("the file is larger than {} MB", limit / 1024 / 1024)));
    }
    sniff(bytes).ok_or_else(|| Error::invalid("only PDF files and PNG, JPEG or WebP images can be attached"))
}

/// Stores a file already passed through [`check`] (which gave its `mime`).
pub(crate) fn add(
    ctx: &mut GateCtx<'_>,
    client: &ClientId,
    entry: Option<&EntryId>,
    name: &str,
    bytes: &[u8],
    mime: &str,
) -> Result<AttachmentMeta> {
    let name = clean_name(name)?;
    if let Some(e) = entry {
        let (owner, status, author): (ClientId, String, StaffId) = ctx
            .conn()
            .query_row("SELECT client_id, status, author FROM entries WHERE id = ?1", [e], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or(Error::NotFound)?;
        if &owner != client {
            return Err(Error::NotFound);
        }
        if status != "draft" {
            return Err(Error::invalid("a signed entry cannot be changed: attach the file to an addendum"));
        }
        only_the_author(ctx, &author)?;
    }
    let exists: bool =
        ctx.conn().query_row("SELECT count(*) > 0 FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound);
    }
    let id = AttachmentId::new();
    let digest = hex::encode(Sha256::digest(bytes));
    ctx.conn().execute(
        "INSERT INTO attachments (id, client_id, entry_id, name, mime, size, sha256, data, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            client,
            entry,
            name,
            mime,
            bytes.len() as i64,
            digest,
            bytes,
            ctx.actor().staff_id,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.record_object(format!("attachment {id}"));
    meta(ctx, &id)
}

const META_COLUMNS: &str = "a.id, a.client_id, a.entry_id, a.name, a.mime, a.size, a.sha256, s.name, a.created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentMeta> {
    Ok(AttachmentMeta {
        id: r.get(0)?,
        client_id: r.get(1)?,
        entry_id: r.get(2)?,
        name: r.get(3)?,
        mime: r.get(4)?,
        size: r.get(5)?,
        sha256: r.get(6)?,
        created_by_name: r.get(7)?,
        created_at: r.get(8)?,
    })
}

fn meta(ctx: &GateCtx<'_>, id: &AttachmentId) -> Result<AttachmentMeta> {
    ctx.conn()
        .query_row(
            &format!("SELECT {META_COLUMNS} FROM attachments a JOIN staff s ON s.id = a.created_by WHERE a.id = ?1"),
            [id],
            from_row,
        )
        .optional()?
        .ok_or(Error::NotFound)
}

/// Every attachment of a client (on the client and on its entries), newest first.
pub(crate) fn list(ctx: &GateCtx<'_>, client: &ClientId) -> Result<Vec<AttachmentMeta>> {
    let mut stmt = ctx.conn().prepare_cached(&format!(
        "SELECT {META_COLUMNS} FROM attachments a JOIN staff s ON s.id = a.created_by
         WHERE a.client_id = ?1 ORDER BY a.created_at DESC, a.id DESC"
    ))?;
    let rows = stmt.query_map([client], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The attachment and its bytes; the caller's gate records the opening.
pub(crate) fn open(ctx: &mut GateCtx<'_>, id: &AttachmentId) -> Result<(AttachmentMeta, Vec<u8>)> {
    let m = meta(ctx, id)?;
    let data: Vec<u8> = ctx.conn().query_row("SELECT data FROM attachments WHERE id = ?1", [id], |r| r.get(0))?;
    ctx.record_object(format!("attachment {id}"));
    Ok((m, data))
}

/// Removes an attachment from a draft entry (the trigger refuses anything else).
pub(crate) fn remove(ctx: &mut GateCtx<'_>, id: &AttachmentId) -> Result<()> {
    let entry: Option<Option<String>> =
        ctx.conn().query_row("SELECT entry_id FROM attachments WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    match entry {
        None => return Err(Error::NotFound),
        Some(None) => return Err(Error::invalid("an attachment of a client stays with the record")),
        Some(Some(e)) => {
            let (status, author): (String, StaffId) =
                ctx.conn().query_row("SELECT status, author FROM entries WHERE id = ?1", [&e], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if status != "draft" {
                return Err(Error::invalid("a signed entry cannot be changed"));
            }
            only_the_author(ctx, &author)?;
        }
    }
    ctx.conn().execute("DELETE FROM attachments WHERE id = ?1", [id])?;
    ctx.record_object(format!("attachment {id} removed"));
    Ok(())
}

/// A draft is its author's until signed: a colleague with access to the journal may read
/// it, but adds or removes nothing (the signature would cover files its author never saw).
fn only_the_author(ctx: &GateCtx<'_>, author: &StaffId) -> Result<()> {
    if &ctx.actor().staff_id == author {
        Ok(())
    } else {
        Err(Error::Denied("only the author of a draft adds or removes its files".into()))
    }
}

/// The client an attachment belongs to (for the gate's relation check); `None` when
/// there is no such attachment (see [`crate::journal::entry_client`] for why that is not
/// an error here).
pub(crate) fn client_of(conn: &rusqlite::Connection, id: &AttachmentId) -> Result<Option<ClientId>> {
    Ok(conn.query_row("SELECT client_id FROM attachments WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Some("image/jpeg"));
        assert_eq!(sniff(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None, "SVG can carry script");
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None, "a program renamed .pdf");
        assert_eq!(sniff(b"PK\x03\x04"), None);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\henvisning.pdf").expect("ok"), "henvisning.pdf");
        assert_eq!(clean_name("../../etc/passwd").expect("ok"), "passwd");
        assert_eq!(clean_name("sår\u{0007}.png").expect("ok"), "sår.png");
        assert_eq!(crate::error::code_of(clean_name("   ")), Some(crate::ErrorCode::Invalid));
        assert_eq!(crate::error::code_of(clean_name(&"a".repeat(300))), Some(crate::ErrorCode::Invalid));
    }

    #[test]
    fn size_and_emptiness_are_checked_before_anything_is_written() {
        let pdf = b"%PDF-1.4\n".to_vec();
        assert!(check(&pdf, 1024).is_ok());
        assert_eq!(crate::error::code_of(check(&[], 1024)), Some(crate::ErrorCode::Invalid));
        let mut big = pdf.clone();
        big.resize(2048, b' ');
        assert_eq!(crate::error::code_of(check(&big, 1024)), Some(crate::ErrorCode::Invalid));
    }
}
