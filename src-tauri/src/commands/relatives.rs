//! Relatives' commands: administrators bind a relative to a client and end bindings; a
//! signed-in relative reads their page, the bound client's appointments and the schedule.

use super::CmdResult;
use crate::state::AppState;
use klinik::relatives::view::{BoundClient, RelativeAppointment, Schedule};
use klinik::relatives::{Binding, BindingInput, NewBinding};
use klinik::{BindingId, ClientId};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn relatives_of(state: State<'_, AppState>, client_id: String) -> CmdResult<Vec<Binding>> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.relatives_of(&session, &client)?)
}

#[tauri::command]
#[specta::specta]
pub async fn bind_relative(
    state: State<'_, AppState>,
    client_id: String,
    input: BindingInput,
) -> CmdResult<NewBinding> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.bind_relative(&session, &client, &input)?)
}

#[tauri::command]
#[specta::specta]
pub async fn end_relative_binding(state: State<'_, AppState>, client_id: String, binding_id: String) -> CmdResult<()> {
    let client = ClientId::parse(&client_id)?;
    let binding = BindingId::parse(&binding_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.end_relative_binding(&session, &client, &binding)?)
}

#[tauri::command]
#[specta::specta]
pub async fn relative_home(state: State<'_, AppState>) -> CmdResult<Vec<BoundClient>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.relative_home(&session)?)
}

/// `from` and `to`: days (`YYYY-MM-DD`), both included.
#[tauri::command]
#[specta::specta]
pub async fn relative_appointments(
    state: State<'_, AppState>,
    client_id: String,
    from: String,
    to: String,
) -> CmdResult<Vec<RelativeAppointment>> {
    let client = ClientId::parse(&client_id)?;
    let day = |s: &str| -> CmdResult<klinik::clock::Day> {
        klinik::clock::parse_day(Some(s))?.ok_or_else(|| klinik::Error::Invalid("choose a day".into()).into())
    };
    let (from, to) = (day(&from)?, day(&to)?);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.relative_appointments(&session, &client, from, to)?)
}

#[tauri::command]
#[specta::specta]
pub async fn relative_schedule(state: State<'_, AppState>, client_id: String, weeks: u32) -> CmdResult<Schedule> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.relative_schedule(&session, &client, weeks)?)
}
