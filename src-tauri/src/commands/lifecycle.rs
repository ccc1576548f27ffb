//! The end of a client's record: retention rules, the cleanup proposal and purge, a
//! client's erasure request and the letter about what stays (saved into the export folder).

use super::CmdResult;
use crate::state::AppState;
use klinik::lifecycle::cleanup::{Proposal, PurgeSummary};
use klinik::lifecycle::erasure::ErasureOutcome;
use klinik::lifecycle::import::{ImportReport, Mapping, Preview};
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

fn csv_bytes(base64: &str) -> CmdResult<Vec<u8>> {
    use base64::Engine;
    if base64.len() > klinik::lifecycle::import::MAX_BYTES / 3 * 4 + 8 {
        return Err(klinik::Error::Invalid("the file is larger than 50 MB".into()).into());
    }
    Ok(base64::engine::general_purpose::STANDARD
        .decode(base64)
        .map_err(|_| klinik::Error::Invalid("the file could not be read".into()))?)
}

/// Reads a CSV of clients (sent as base64): its columns, first rows, a suggested mapping.
#[tauri::command]
#[specta::specta]
pub async fn import_preview(state: State<'_, AppState>, base64: String) -> CmdResult<Preview> {
    let bytes = csv_bytes(&base64)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.import_preview(&session, &bytes)?)
}

/// Imports the clients of a CSV (all or nothing), or with `dryRun` lists what it would refuse.
#[tauri::command]
#[specta::specta]
pub async fn import_clients(
    state: State<'_, AppState>,
    base64: String,
    mapping: Vec<Mapping>,
    dry_run: bool,
) -> CmdResult<ImportReport> {
    let bytes = csv_bytes(&base64)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.import_clients(&session, &bytes, &mapping, dry_run)?)
}
