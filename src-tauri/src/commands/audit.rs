//! The audit viewer and chain verification (audit right required, decided in the core).

use super::CmdResult;
use crate::dto::{AuditEvent, AuditFilter, AuditPage, AuditVerification, ExportFormatDto, ExportResult, StaffName};
use crate::state::AppState;
use klinik::clinic::ExportFormat;
use klinik::secret::Secret;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
    before_seq: Option<u32>,
    limit: u32,
) -> CmdResult<AuditPage> {
    let filter = filter.into_core()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let events = clinic.audit_page(&session, &filter, before_seq.map(i64::from), limit)?;
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

/// "Who has seen this record" for one client, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn client_access_log(state: State<'_, AppState>, id: String) -> CmdResult<Vec<AuditEvent>> {
    let id = klinik::ClientId::parse(&id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.client_access_log(&session, &id)?.into_iter().map(Into::into).collect())
}

/// Exports the filtered trail to the Downloads folder and says where it went.
#[tauri::command]
#[specta::specta]
pub async fn export_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
    format: ExportFormatDto,
    password: String,
) -> CmdResult<ExportResult> {
    super::check_len(&password)?;
    let filter = filter.into_core()?;
    let format = match format {
        ExportFormatDto::Csv => ExportFormat::Csv,
        ExportFormatDto::Fhir => ExportFormat::Fhir,
    };
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let out = clinic.export_audit_into(&session, &filter, format, &klinik::secret::Secret::new(password), &dir)?;
    Ok(ExportResult { path: out.path.display().to_string(), events: u32::try_from(out.events).unwrap_or(u32::MAX) })
}

/// Staff names for the audit viewer's person filter.
#[tauri::command]
#[specta::specta]
pub async fn list_staff(state: State<'_, AppState>) -> CmdResult<Vec<StaffName>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.staff_directory(&session)?.into_iter().map(|(id, name)| StaffName { id: id.to_string(), name }).collect())
}

/// The month's log review report (`period` is YYYY-MM).
#[tauri::command]
#[specta::specta]
pub async fn log_review(state: State<'_, AppState>, period: String) -> CmdResult<crate::dto::LogReview> {
    let period = klinik::review::Period::parse(&period)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.log_review(&session, period)?.into())
}

/// Signs off the month's report with a comment.
#[tauri::command]
#[specta::specta]
pub async fn mark_log_reviewed(state: State<'_, AppState>, period: String, comment: String) -> CmdResult<()> {
    super::check_len(&comment)?;
    let period = klinik::review::Period::parse(&period)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.mark_log_reviewed(&session, period, &comment)?;
    Ok(())
}

/// The log review's working hours and "many clients in a day" threshold (admins).
#[tauri::command]
#[specta::specta]
pub async fn set_review_settings(
    state: State<'_, AppState>,
    start_hour: u32,
    end_hour: u32,
    heavy_day: u32,
) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_review_settings(&session, i64::from(start_hour), i64::from(end_hour), i64::from(heavy_day))?;
    Ok(())
}

/// Makes a backup into `klinik-backup-<time>` in the Downloads folder (administrators,
/// with the password) and says where it went.
#[tauri::command]
#[specta::specta]
pub async fn make_backup(state: State<'_, AppState>, password: String) -> CmdResult<crate::dto::BackupResult> {
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let (path, m) = clinic.backup_into(&session, &dir, &Secret::new(password))?;
    Ok(crate::dto::BackupResult {
        path: path.display().to_string(),
        megabytes: u32::try_from(m.database_bytes.div_ceil(1024 * 1024)).unwrap_or(u32::MAX),
        audit_seq: u32::try_from(m.audit_seq).unwrap_or(u32::MAX),
    })
}

/// How automatic backups stand: the folder, the last good one, and whether to warn
/// (administrators).
#[tauri::command]
#[specta::specta]
pub async fn backup_status(state: State<'_, AppState>) -> CmdResult<klinik::clinic::BackupStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.backup_status(&session)?)
}

/// Chooses the folder automatic backups go to (blank: off), with the administrator's
/// password.
#[tauri::command]
#[specta::specta]
pub async fn set_backup_folder(state: State<'_, AppState>, folder: String, password: String) -> CmdResult<()> {
    super::check_len(&folder)?;
    let folder = folder.trim();
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let path = (!folder.is_empty()).then(|| std::path::Path::new(folder));
    Ok(clinic.set_backup_folder(&session, path, &Secret::new(password))?)
}

/// *Test a backup*: the newest backup in the backup folder opened as a copy elsewhere,
/// checked and counted (administrators).
#[tauri::command]
#[specta::specta]
pub async fn test_backup(state: State<'_, AppState>) -> CmdResult<klinik::clinic::Drill> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.test_backup(&session)?)
}
