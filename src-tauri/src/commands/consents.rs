//! Consent declarations: the texts (administrators write and version them), a client's
//! consents, recording and withdrawing one, and the paper form saved as a PDF.

use super::CmdResult;
use crate::state::AppState;
use klinik::records::consents::{Consent, ConsentInput, ConsentText, ConsentTextInput};
use klinik::ClientId;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn consent_texts(state: State<'_, AppState>) -> CmdResult<Vec<ConsentText>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.consent_texts(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_consent_text(state: State<'_, AppState>, input: ConsentTextInput) -> CmdResult<ConsentText> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_consent_text(&session, &input)?)
}

#[tauri::command]
#[specta::specta]
pub async fn retire_consent_text(state: State<'_, AppState>, key: String) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.retire_consent_text(&session, &key)?)
}

#[tauri::command]
#[specta::specta]
pub async fn client_consents(state: State<'_, AppState>, client_id: String) -> CmdResult<Vec<Consent>> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.client_consents(&session, &client)?)
}

#[tauri::command]
#[specta::specta]
pub async fn consent_missing(state: State<'_, AppState>, client_id: String) -> CmdResult<bool> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.consent_missing(&session, &client)?)
}

#[tauri::command]
#[specta::specta]
pub async fn record_consent(state: State<'_, AppState>, client_id: String, input: ConsentInput) -> CmdResult<Consent> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.record_consent(&session, &client, &input)?)
}

#[tauri::command]
#[specta::specta]
pub async fn withdraw_consent(state: State<'_, AppState>, client_id: String, consent_id: String) -> CmdResult<()> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.withdraw_consent(&session, &client, &consent_id)?)
}

/// Saves a declaration as a paper form (PDF, with the client's name when given) into the
/// export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_consent_form(
    state: State<'_, AppState>,
    text_id: String,
    client_id: Option<String>,
) -> CmdResult<String> {
    let client = client_id.as_deref().filter(|c| !c.is_empty()).map(ClientId::parse).transpose()?;
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let pdf = clinic.consent_form(&session, &text_id, client.as_ref())?;
    Ok(klinik::files::save_new_file(&dir, "consent-form.pdf", &pdf)?.display().to_string())
}
