//! The audit viewer and chain verification (audit right required, decided in the core).

use super::CmdResult;
use crate::dto::{AuditPage, AuditVerification};
use crate::state::AppState;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_audit(state: State<'_, AppState>, before_seq: Option<u32>, limit: u32) -> CmdResult<AuditPage> {
    let before = before_seq.map(i64::from);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let events = clinic.audit_page(&session, &klinik::audit::Filter::default(), before, limit)?;
    let events: Vec<_> = events.into_iter().map(crate::dto::AuditEvent::from).collect();
    let next_before_seq = if events.len() as u32 == limit { events.last().map(|e| e.seq) } else { None };
    Ok(AuditPage { events, next_before_seq })
}

#[tauri::command]
#[specta::specta]
pub async fn verify_audit(state: State<'_, AppState>) -> CmdResult<AuditVerification> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.verify_audit_as(&session)?.into())
}
