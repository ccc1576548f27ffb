//! Clients: every call goes through the core's gate and is audited there.

use super::{check_len, CmdResult};
use crate::dto::{ClientDto, ClientInputDto};
use crate::state::AppState;
use klinik::ClientId;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_clients(state: State<'_, AppState>, query: String) -> CmdResult<Vec<ClientDto>> {
    check_len(&query)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.list_clients(&session, &query)?.into_iter().map(Into::into).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_client(state: State<'_, AppState>, input: ClientInputDto) -> CmdResult<ClientDto> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.create_client(&session, &input.into())?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn get_client(state: State<'_, AppState>, id: String) -> CmdResult<ClientDto> {
    let id = ClientId::parse(&id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.get_client(&session, &id)?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn update_client(state: State<'_, AppState>, id: String, input: ClientInputDto) -> CmdResult<ClientDto> {
    let id = ClientId::parse(&id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.update_client(&session, &id, &input.into())?.into())
}

/// The full national ID, revealed on purpose (audited).
#[tauri::command]
#[specta::specta]
pub async fn reveal_national_id(state: State<'_, AppState>, id: String) -> CmdResult<Option<String>> {
    let id = ClientId::parse(&id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.reveal_national_id(&session, &id)?)
}
