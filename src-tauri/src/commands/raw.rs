//! Attachments travel as raw bytes, not as base64 inside JSON: the window sends the file
//! as the request body (its client, entry and name in headers) and receives the file as
//! the response body. These two commands have no generated binding (a raw body has no
//! TypeScript shape); `ui/src/lib/backend.ts` wraps them by hand, and the invoke handler
//! in `lib.rs` routes them here.

use super::CmdResult;
use crate::dto::AttachmentDto;
use crate::state::AppState;
use klinik::{AttachmentId, ClientId, EntryId};
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::State;

/// The commands served here, by name.
pub const COMMANDS: [&str; 2] = ["add_attachment_bytes", "open_attachment_bytes"];

/// The most an attachment body may be (the core enforces the clinic's own, smaller limit).
const MAX_BODY_BYTES: usize = 100 * 1024 * 1024;

fn header(request: &Request<'_>, name: &str) -> CmdResult<Option<String>> {
    let Some(v) = request.headers().get(name) else { return Ok(None) };
    let text = v.to_str().map_err(|_| klinik::Error::Invalid(format!("{name} is not text")))?;
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| klinik::Error::Invalid(format!("{name} is not UTF-8")))?;
    super::check_len(&decoded)?;
    Ok(Some(decoded.into_owned()).filter(|s| !s.trim().is_empty()))
}

/// Attaches the request body to a client (header `klinik-client`) or to one of its draft
/// entries (`klinik-entry`), named by `klinik-name` (percent-encoded UTF-8).
#[tauri::command]
pub async fn add_attachment_bytes(state: State<'_, AppState>, request: Request<'_>) -> CmdResult<AttachmentDto> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(klinik::Error::Invalid("the file must be sent as raw bytes".into()).into());
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(klinik::Error::Invalid("the file is too large".into()).into());
    }
    let client = ClientId::parse(&header(&request, "klinik-client")?.unwrap_or_default())?;
    let entry = header(&request, "klinik-entry")?.map(|e| EntryId::parse(&e)).transpose()?;
    let name = header(&request, "klinik-name")?.unwrap_or_default();
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.add_attachment(&session, &client, entry.as_ref(), &name, bytes)?.into())
}

/// One attachment's bytes as the response body (audited as an open).
#[tauri::command]
pub async fn open_attachment_bytes(state: State<'_, AppState>, attachment_id: String) -> CmdResult<Response> {
    let id = AttachmentId::parse(&attachment_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let (_meta, bytes) = clinic.open_attachment(&session, &id)?;
    Ok(Response::new(bytes))
}
