//! The end of a client's record: retention rules, the cleanup proposal and purge, a
//! client's erasure request and the letter about what stays (saved into the export folder).

use super::CmdResult;
use crate::state::AppState;
use klinik::lifecycle::cleanup::{Proposal, PurgeSummary};
use klinik::lifecycle::erasure::ErasureOutcome;
use klinik::lifecycle::Rules;
use klinik::secret::Secret;
use klinik::ClientId;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn retention_rules(state: State<'_, AppState>) -> CmdResult<Rules> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.retention_rules(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_retention_rules(state: State<'_, AppState>, rules: Rules, password: String) -> CmdResult<()> {
    let password = Secret::new(password);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_retention_rules(&session, &rules, &password)?)
}

#[tauri::command]
#[specta::specta]
pub async fn cleanup_proposal(state: State<'_, AppState>) -> CmdResult<Vec<Proposal>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.cleanup_proposal(&session)?)
}

/// How many clients the cleanup would propose (no names), for the reminder.
#[tauri::command]
#[specta::specta]
pub async fn cleanup_due(state: State<'_, AppState>) -> CmdResult<u32> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(u32::try_from(clinic.cleanup_due(&session)?).unwrap_or(u32::MAX))
}

#[tauri::command]
#[specta::specta]
pub async fn purge_clients(
    state: State<'_, AppState>,
    client_ids: Vec<String>,
    password: String,
) -> CmdResult<PurgeSummary> {
    let clients = client_ids.iter().map(|c| ClientId::parse(c)).collect::<klinik::Result<Vec<_>>>()?;
    let password = Secret::new(password);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.purge_clients(&session, &clients, &password)?)
}

#[tauri::command]
#[specta::specta]
pub async fn erase_client(
    state: State<'_, AppState>,
    client_id: String,
    password: String,
) -> CmdResult<ErasureOutcome> {
    let client = ClientId::parse(&client_id)?;
    let password = Secret::new(password);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.erase_client(&session, &client, &password)?)
}

/// Saves the letter about a refused erasure into the export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_erasure_letter(state: State<'_, AppState>, client_id: String) -> CmdResult<String> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let pdf = clinic.erasure_letter(&session, &client)?;
    Ok(klinik::files::save_new_file(&dir, "erasure-letter.pdf", &pdf)?.display().to_string())
}

/// Saves a client's own copy (client.pdf and client-fhir.json) into a new folder in the
/// export folder; returns the folder's path. `pdf_password` encrypts the PDF.
#[tauri::command]
#[specta::specta]
pub async fn save_client_copy(
    state: State<'_, AppState>,
    client_id: String,
    password: String,
    pdf_password: Option<String>,
) -> CmdResult<String> {
    let client = ClientId::parse(&client_id)?;
    let password = Secret::new(password);
    let pdf_password = pdf_password.filter(|p| !p.is_empty()).map(Secret::new);
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let copy = clinic.client_copy(&session, &client, &password, pdf_password.as_ref())?;
    let folder = klinik::files::new_folder(&dir, "klinik-client-copy")?;
    klinik::files::save_new_file(&folder, "client.pdf", &copy.pdf)?;
    klinik::files::save_new_file(&folder, "client-fhir.json", copy.fhir.as_bytes())?;
    Ok(folder.display().to_string())
}
