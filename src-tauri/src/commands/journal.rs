//! Journals (or notes): every call goes through the core's gate and is audited there.

use super::CmdResult;
use crate::dto::{AttachmentDto, EntryDto, SearchHitDto, TemplateDto};
use crate::state::AppState;
use klinik::secret::Secret;
use klinik::{ClientId, EntryId};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn journal(state: State<'_, AppState>, client_id: String) -> CmdResult<Vec<EntryDto>> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.journal(&session, &client)?.into_iter().map(Into::into).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn list_templates(state: State<'_, AppState>) -> CmdResult<Vec<TemplateDto>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.templates(&session)?.into_iter().map(Into::into).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_entry(
    state: State<'_, AppState>,
    client_id: String,
    template_id: Option<String>,
    title: String,
    body: String,
) -> CmdResult<EntryDto> {
    let client = ClientId::parse(&client_id)?;
    let template = template_id.as_deref().map(klinik::TemplateId::parse).transpose()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.create_entry(&session, &client, template.as_ref(), &title, &body)?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    state: State<'_, AppState>,
    entry_id: String,
    title: String,
    body: String,
) -> CmdResult<EntryDto> {
    let id = EntryId::parse(&entry_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_draft(&session, &id, &title, &body)?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn sign_entry(state: State<'_, AppState>, entry_id: String, password: String) -> CmdResult<EntryDto> {
    let id = EntryId::parse(&entry_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.sign_entry(&session, &id, &Secret::new(password))?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn add_addendum(state: State<'_, AppState>, entry_id: String, body: String) -> CmdResult<EntryDto> {
    let id = EntryId::parse(&entry_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.add_addendum(&session, &id, &body)?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn search_journals(state: State<'_, AppState>, query: String) -> CmdResult<Vec<SearchHitDto>> {
    super::check_len(&query)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.search_journals(&session, &query)?.into_iter().map(Into::into).collect())
}

/// Records a print of the client's journal or access log before the print dialog opens.
#[tauri::command]
#[specta::specta]
pub async fn record_print(state: State<'_, AppState>, client_id: String, what: String) -> CmdResult<()> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.record_print(&session, &client, &what)?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn list_attachments(state: State<'_, AppState>, client_id: String) -> CmdResult<Vec<AttachmentDto>> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.list_attachments(&session, &client)?.into_iter().map(Into::into).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn remove_attachment(state: State<'_, AppState>, attachment_id: String) -> CmdResult<()> {
    let id = klinik::AttachmentId::parse(&attachment_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.remove_attachment(&session, &id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_attachment_limit(state: State<'_, AppState>, megabytes: u32) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_attachment_limit(&session, i64::from(megabytes))?)
}

/// The clinic's auto-sign rule: 0 (never) or 1 to 720 hours; administrators.
#[tauri::command]
#[specta::specta]
pub async fn set_auto_sign_hours(state: State<'_, AppState>, hours: u32) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_auto_sign_hours(&session, i64::from(hours))?)
}

/// Builds a template, or saves a new version of the one with `key` (administrators).
#[tauri::command]
#[specta::specta]
pub async fn save_template(
    state: State<'_, AppState>,
    key: Option<String>,
    name: String,
    body: String,
    fields: Vec<crate::dto::FieldDto>,
) -> CmdResult<TemplateDto> {
    super::check_len(&name)?;
    if body.len() > 4 * klinik::templates::MAX_TEMPLATE_BODY_CHARS || fields.len() > klinik::templates::MAX_FIELDS {
        return Err(klinik::Error::Invalid("the template is too large".into()).into());
    }
    let key = key.as_deref().map(klinik::TemplateKey::parse).transpose()?;
    let fields: Vec<klinik::templates::Field> = fields.into_iter().map(Into::into).collect();
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_template(&session, key.as_ref(), &name, &body, &fields)?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn retire_template(state: State<'_, AppState>, key: String) -> CmdResult<()> {
    let key = klinik::TemplateKey::parse(&key)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.retire_template(&session, &key)?)
}

/// Saves the answers of a draft written from a fielded template (as you type).
#[tauri::command]
#[specta::specta]
pub async fn save_answers(
    state: State<'_, AppState>,
    entry_id: String,
    title: String,
    answers: Vec<crate::dto::AnswerDto>,
) -> CmdResult<EntryDto> {
    super::check_len(&title)?;
    let id = EntryId::parse(&entry_id)?;
    if answers.len() > klinik::templates::MAX_FIELDS {
        return Err(klinik::Error::Invalid("too many answers".into()).into());
    }
    let answers: klinik::templates::Answers = answers.into_iter().map(|a| (a.field_id, a.values)).collect();
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_answers(&session, &id, &title, &answers)?.into())
}
